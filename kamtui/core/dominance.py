"""Dominance: accounts another account beats or equals on every criterion both have (README, "Account selection").

B dominates A when, on the normalised values (after cost inversion, ``Scores.normalised``) of the
criteria that carry weight and that both A and B have, B >= A on every one and B > A on at least one.
Criteria with zero weight take no part (they are not part of the decision); two accounts with no
criterion in common never dominate each other. No weight enters beyond that: a dominated account is
worse than its dominator under every weighting of the criteria both have.

Speed: values are replaced by per-column dense ranks (small integers with the same order and ties), a
missing value by a rank above or below all others as the comparison needs, so "B below A somewhere both
have" is one integer comparison per column. Accounts with every weighted criterion are first sorted by
their sum of ranks: B can only dominate A when its sum is larger, so each is compared only with those
before it, and there "no column below and a larger sum" is dominance. Columns are compared for every
pair (in blocks of ~4 million pairs) until fewer than 1 % of the pairs are still in question; the rest
are checked pair by pair.
"""

from __future__ import annotations

import numpy as np

from kamtui.core.errors import InvalidValueError

_BLOCK_CELLS = 4_000_000
_SPARSE = 0.01  # below this share of pairs still in question, check them pair by pair


def dominators(normalised: np.ndarray, weights: np.ndarray) -> list[np.ndarray]:
    """For each account, the indices of the accounts that dominate it (ascending), see the module docstring."""
    v = np.asarray(normalised, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if v.ndim != 2 or w.shape != (v.shape[1],):
        raise InvalidValueError(f"expected accounts x {w.size} normalised values, got shape {v.shape}")
    n = v.shape[0]
    x = v[:, w > 0]
    m = x.shape[1]
    found: list[list[np.ndarray]] = [[] for _ in range(n)]
    if n >= 2 and m:
        missing = np.isnan(x)
        rank_type = np.int16 if n < 2**15 - 2 else np.int32
        ranks = np.empty((m, n), dtype=rank_type)  # column-major: one contiguous row per criterion
        for j in range(m):
            present = ~missing[:, j]
            ranks[j, present] = np.unique(x[present, j], return_inverse=True)[1] + 1
        high = ranks.copy()  # a missing value above everything: never below
        low = ranks.copy()  # ... and below everything: never above
        high[missing.T] = np.iinfo(rank_type).max
        low[missing.T] = -1
        complete = ~missing.any(axis=1)
        full = np.flatnonzero(complete)
        partial = np.flatnonzero(~complete)
        if full.size > 1:
            _complete_pairs(ranks[:, full], full, found)
        if partial.size:
            everyone = np.arange(n)
            _value_pairs(high, low, partial, everyone, found)  # an incomplete account dominated by anyone
            _value_pairs(high, low, full, partial, found)  # a complete one dominated by an incomplete one
    return [np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64) for parts in found]


def _complete_pairs(columns: np.ndarray, index: np.ndarray, found: list[list[np.ndarray]]) -> None:
    """Dominance among accounts without missing values (``columns``: m x n dense ranks), by sum of ranks."""
    n = columns.shape[1]
    total = columns.sum(axis=0, dtype=np.int64)
    order = np.argsort(-total, kind="stable")
    columns = np.ascontiguousarray(columns[:, order])  # larger sums first
    total = total[order]
    block = max(1, _BLOCK_CELLS // n)
    for start in range(0, n, block):
        stop = min(n, start + block)
        # the accounts with a larger sum than the block's smallest come before it: only they can dominate
        limit = int(np.searchsorted(-total, -total[stop - 1], side="left"))
        if limit == 0:
            continue
        alive = total[None, :limit] > total[start:stop, None]
        rows, cols = _not_below(columns, columns, alive, start, stop, limit)
        for r, c in _grouped(rows, cols):
            found[int(index[order[start + r]])].append(index[order[c]])


def _value_pairs(
    high: np.ndarray, low: np.ndarray, targets: np.ndarray, others: np.ndarray, found: list[list[np.ndarray]]
) -> None:
    """Which of ``others`` dominate each of ``targets``; a criterion either lacks takes no part."""
    if targets.size == 0 or others.size == 0:
        return
    pool_high = np.ascontiguousarray(high[:, others])
    pool_low = np.ascontiguousarray(low[:, others])
    mine_low = np.ascontiguousarray(low[:, targets])
    mine_high = np.ascontiguousarray(high[:, targets])
    block = max(1, _BLOCK_CELLS // others.size)
    for start in range(0, targets.size, block):
        stop = min(targets.size, start + block)
        alive = others[None, :] != targets[start:stop, None]
        rows, cols = _not_below(pool_high, mine_low, alive, start, stop, others.size)
        above = np.zeros(rows.size, dtype=bool)
        for j in range(pool_low.shape[0]):  # and above somewhere both have
            above |= pool_low[j, cols] > mine_high[j, start + rows]
        rows, cols = rows[above], cols[above]
        for r, c in _grouped(rows, cols):
            found[int(targets[start + r])].append(others[c])


def _not_below(pool: np.ndarray, mine: np.ndarray, alive: np.ndarray, start: int, stop: int, limit: int):
    """(row, column) of the pairs still alive where pool[:, column] is nowhere below mine[:, start + row]."""
    m = pool.shape[0]
    j = 0
    while j < m:  # one column at a time: 2-d comparisons of contiguous rows
        alive &= pool[j, None, :limit] >= mine[j, start:stop, None]
        j += 1
        if j % 2 == 0 and np.count_nonzero(alive) < _SPARSE * alive.size:
            break
    rows, cols = np.nonzero(alive)
    for k in range(j, m):  # the few pairs left, checked pair by pair on the other columns
        keep = pool[k, cols] >= mine[k, start + rows]
        rows, cols = rows[keep], cols[keep]
    return rows, cols


def _grouped(rows: np.ndarray, cols: np.ndarray):
    """(row, columns of that row) for the non-zero cells of a block, rows ascending."""
    if rows.size == 0:
        return
    cuts = np.flatnonzero(np.diff(rows)) + 1
    for part_rows, part_cols in zip(np.split(rows, cuts), np.split(cols, cuts), strict=True):
        yield int(part_rows[0]), part_cols
