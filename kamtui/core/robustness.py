"""How robust is a ranking to the weights? (DESIGN.md, "Robustness"; SMAA-like weight sampling.)

Protocol, kept exactly so that a saved run is reproducible and matches an independent implementation:

1. ``rng = np.random.default_rng(seed)``; ``W = rng.dirichlet(kappa * w[w > 0], size=samples)``: one
   weight vector per sample, centred on the weights w (normalised to sum 1), concentration kappa.
   Criteria with zero weight stay 0 in every sample.
2. Per sample s, account scores are the weighted mean renormalised over the criteria present:
   ``(V0 @ w_s) / (M @ w_s)`` with V0 = the normalised values with NaN -> 0 and M the presence mask;
   the division is skipped for accounts without any NaN. Scores are float32, samples as rows (S x N).
3. An account without an overall score (no weighted criterion present) takes no part: it is never in
   the top K and its rank interval is NaN. Nor does an account the pick would never take on its own
   (``eligible`` False: coverage below 50 %, or no value in a weighted group; ``Scores.eligible`` at
   the weights, held fixed across the samples), so that P(top K) and the pick agree: ranks and top-K
   shares are among the eligible accounts. Per sample, rank = 1 + number of accounts with a strictly
   higher score (ties share the lowest rank), among the accounts with an overall. Float32 scores
   within 16 units in the last place of each other (relative ~1e-6, the rounding noise of a float32
   weighted sum) are equal: mathematically equal scores must tie however the sums were rounded.
   A 0/0 score (every weight the account has underflowed to 0 in float32) counts as 0.
4. ``p_top_k`` = share of samples with rank <= top_k; ``rank_p5`` / ``rank_p95`` =
   ``np.percentile(ranks, 5, method="lower")`` / ``np.percentile(ranks, 95, method="higher")`` of
   the account's per-sample ranks (whole numbers, as floats so NaN can mark "no overall").
5. A criteria set that ranks by attractiveness (``columns`` = its attractiveness criteria, see
   ``CriteriaSet.rank_columns``) ranks each sample by the attractiveness score instead: the same draws
   W (step 1, so one seed gives the same weight samples either way), restricted to those columns and
   renormalised to sum 1 per sample, in steps 2-4; "an overall" there reads "an attractiveness score".

Implementation: one float32 matrix product per block of samples, then, per cache-sized group of
samples, one int64 sort per sample of (score bits << 32 | account slot): the sorted keys give each
account's rank in that sample with no search, and the slot says where to write it. Ranks are kept
account-major; each account's order statistics come from sorting its row of ranks. Samples are
processed in chunks so memory stays bounded (~100 MiB of ranks): between chunks only each account's
smallest and largest ranks, among which the two percentiles lie, are kept.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kamtui.core.errors import InvalidValueError

DEFAULT_KAPPA = 200.0
_RANK_BUDGET = 96 * 2**20  # bytes of account-major ranks held at once (kept + one chunk)
_CACHE_KEYS = 2**17  # int64 sort keys per inner block (~1 MiB, stays in cache)
_SCORE_BUDGET = 2**22  # float32 scores per matrix product (16 MiB)
TIE_ULPS = 16  # float32 scores this many representable steps apart or closer are equal


class Cancelled(Exception):
    """Raised inside :func:`robustness` / :func:`top_k_share` when their ``stop()`` says the figures are no
    longer wanted (a newer weight change in the TUI): nothing is returned."""


@dataclass(frozen=True, eq=False)
class Robustness:
    """Per account: probability of being in the top K, and the 5th-95th percentile rank interval."""

    p_top_k: np.ndarray  # n, in [0, 1]; 0 for accounts without an overall
    rank_p5: np.ndarray  # n, float: whole ranks, NaN without an overall
    rank_p95: np.ndarray
    top_k: int = 0
    samples: int = 0
    seed: int | None = None
    kappa: float = DEFAULT_KAPPA


def robustness(
    normalised: np.ndarray,
    weights: np.ndarray,
    top_k: int,
    samples: int,
    seed: int | None,
    kappa: float = DEFAULT_KAPPA,
    chunk: int | None = None,
    columns: np.ndarray | None = None,
    eligible: np.ndarray | None = None,
    stop: Callable[[], bool] | None = None,
) -> Robustness:
    """Sample weights around ``weights`` and report each account's top-K share and rank interval.

    ``normalised`` is the n x m matrix of normalised values (``Scores.normalised``, NaN = missing),
    ``weights`` the m weights (``Scores.weights``; normalised to sum 1 here when they do not already).
    ``seed=None`` draws a fresh seed, returned in the result so the run can be reproduced. ``chunk``
    is the number of samples ranked between two merges of the account-major rank buffer (default: as
    many as fit in ~96 MiB with what is kept); the result does not depend on it. ``columns`` (m bools,
    default all) are the criteria whose weighted mean is ranked: ``criteria.rank_columns`` (step 5).
    ``eligible`` (n bools, default all) are the accounts that take part (step 3). ``stop`` (optional) is
    asked between blocks of samples; when it returns True, :class:`Cancelled` is raised.
    """
    prepared = _prepare(normalised, weights, top_k, samples, seed, kappa, chunk, columns, eligible)
    n = prepared.n
    p_top_k = np.zeros(n)
    rank_p5 = np.full(n, np.nan)
    rank_p95 = np.full(n, np.nan)
    valid = prepared.valid
    if valid.size:
        counts, low, high = _rank_statistics(
            prepared.v0,
            prepared.present_ranked,
            prepared.present_used,
            prepared.draws,
            prepared.top_k,
            prepared.chunk,
            stop,
        )
        p_top_k[valid] = counts / prepared.samples
        rank_p5[valid] = low
        rank_p95[valid] = high
    return Robustness(
        p_top_k, rank_p5, rank_p95, top_k=prepared.top_k, samples=prepared.samples, seed=prepared.seed, kappa=prepared.kappa
    )


def top_k_share(
    normalised: np.ndarray,
    weights: np.ndarray,
    top_k: int,
    samples: int,
    seed: int | None,
    kappa: float = DEFAULT_KAPPA,
    columns: np.ndarray | None = None,
    eligible: np.ndarray | None = None,
    stop: Callable[[], bool] | None = None,
) -> np.ndarray:
    """Each account's P(top K) alone, by ``argpartition`` instead of a full sort per sample: the same
    draws as :func:`robustness` with the same arguments (so the same figures, ties aside), several times
    faster. The TUI shows it first and the rank intervals when :func:`robustness` has them. ``stop``: as
    for :func:`robustness`."""
    prepared = _prepare(normalised, weights, top_k, samples, seed, kappa, None, columns, eligible)
    share = np.zeros(prepared.n)
    valid = prepared.valid
    if not valid.size:
        return share
    k = min(prepared.top_k, valid.size)
    v0 = prepared.v0.astype(np.float32)
    draws = prepared.draws.astype(np.float32)
    incomplete = not prepared.present_ranked.all()
    present = prepared.present_used.astype(np.float32)
    counts = np.zeros(valid.size, dtype=np.int64)
    step = max(1, _SCORE_BUDGET // max(1, valid.size))
    for first in range(0, draws.shape[0], step):
        if stop is not None and stop():
            raise Cancelled
        w = draws[first : first + step]
        scores = w @ v0.T
        if incomplete:
            denominator = w @ present.T
            np.divide(scores, denominator, out=scores, where=denominator > 0)
        if k < valid.size:
            top = np.argpartition(scores, valid.size - k, axis=1)[:, valid.size - k :]
            counts += np.bincount(top.ravel(), minlength=valid.size)
        else:
            counts += w.shape[0]
    share[valid] = counts / prepared.samples
    return share


@dataclass(frozen=True)
class _Prepared:
    """The weight draws and the accounts that take part, as both figures need them."""

    n: int
    valid: np.ndarray  # account indices that take part
    v0: np.ndarray  # their normalised values (0 where missing) on the ranked weighted criteria
    present_ranked: np.ndarray  # their presence on the ranked criteria
    present_used: np.ndarray  # their presence on the ranked weighted criteria
    draws: np.ndarray  # samples x ranked weighted criteria, each row summing to 1
    top_k: int
    samples: int
    seed: int
    kappa: float
    chunk: int | None


def _prepare(normalised, weights, top_k, samples, seed, kappa, chunk, columns, eligible) -> _Prepared:
    v = np.asarray(normalised, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    top_k, samples, kappa, chunk = _check_args(v, w, top_k, samples, kappa, chunk)
    ranked = _check_columns(columns, w.shape[0])
    if seed is None:
        seed = secrets.randbits(63)
    total = w.sum()
    if abs(total - 1.0) > 1e-9:
        w = w / total
    n = v.shape[0]
    positive = w > 0
    rng = np.random.default_rng(seed)
    draws = rng.dirichlet(kappa * w[positive], size=samples)

    present = ~np.isnan(v)
    used = positive & ranked  # criteria with a weight in the ranked score
    keep = ranked[positive]  # the same, among the sampled columns
    if not keep.all():  # step 5: restrict the draws to the ranked columns, renormalised per sample
        draws = draws[:, keep]
        totals = draws.sum(axis=1, keepdims=True)
        draws = np.divide(draws, totals, out=np.zeros_like(draws), where=totals > 0)
    taking_part = present[:, used].any(axis=1)
    if eligible is not None:
        mask = np.asarray(eligible)
        if mask.dtype != bool or mask.shape != (n,):
            raise InvalidValueError(f"eligible must be {n} true/false values, got shape {mask.shape}")
        taking_part &= mask
    valid = np.flatnonzero(taking_part)
    return _Prepared(
        n=n,
        valid=valid,
        v0=np.where(present, v, 0.0)[valid][:, used],
        present_ranked=present[valid][:, ranked],
        present_used=present[valid][:, used],
        draws=draws,
        top_k=top_k,
        samples=samples,
        seed=int(seed),
        kappa=kappa,
        chunk=chunk,
    )


def percentile_positions(samples: int) -> tuple[int, int]:
    """Positions in the sorted ranks that np.percentile picks for 5 ("lower") and 95 ("higher")."""
    positions = np.arange(samples)
    low = int(np.percentile(positions, 5, method="lower"))
    high = int(np.percentile(positions, 95, method="higher"))
    return low, high


def _rank_statistics(
    v0: np.ndarray,
    present_all: np.ndarray,
    present: np.ndarray,
    draws: np.ndarray,
    top_k: int,
    chunk: int | None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Top-K counts and the two rank percentiles of the N accounts that have an overall.

    Accounts with a missing value are moved to the end so their division is one slice. Three block
    sizes: ``chunk`` samples of account-major ranks (memory), ``mid`` samples per matrix product
    (~16 MiB of scores) and ``inner`` samples per sort (~1 MiB of keys, in cache). The ranks live in
    one account-major buffer: each chunk is written after what was kept, the rows are sorted, and
    when everything no longer fits only each account's ``keep_low`` smallest and ``keep_high``
    largest ranks stay (the two order statistics asked for are among them).
    """
    n = v0.shape[0]
    s_total = draws.shape[0]
    rank_type = np.uint16 if n < 2**16 else np.uint32
    itemsize = np.dtype(rank_type).itemsize
    low_pos, high_pos = percentile_positions(s_total)
    keep_low, keep_high = low_pos + 1, s_total - high_pos
    keep = keep_low + keep_high
    if chunk is None:
        chunk = max(64, _RANK_BUDGET // (n * itemsize) - keep)
    chunk = min(chunk, s_total, (2**31 - 1) // n)
    inner = max(1, min(chunk, _CACHE_KEYS // n))
    mid = max(1, min(chunk, _SCORE_BUDGET // n)) // inner * inner or inner

    complete = present_all.all(axis=1)
    permutation = np.concatenate([np.flatnonzero(complete), np.flatnonzero(~complete)])
    n_complete = int(complete.sum())
    vt = np.ascontiguousarray(v0[permutation].T + 0.0, dtype=np.float32)  # k x N; +0.0: no -0.0
    mt = np.ascontiguousarray(present[permutation[n_complete:]].T, dtype=np.float32)
    w32 = draws.astype(np.float32)
    monotone = bool(v0.min() >= 0) if v0.size else True  # then float32 bits order like the floats

    descending = np.tile(np.arange(n, 0, -1, dtype=rank_type), (inner, 1))
    slots = np.arange(inner * n, dtype=np.int32).reshape(inner, n)  # r * n + i
    counts = np.zeros(n, dtype=np.int64)
    buffer = np.empty((n, min(s_total, keep + chunk)), dtype=rank_type)  # account-major ranks
    filled = 0  # columns of buffer holding kept ranks
    truncated = False
    for start in range(0, s_total, chunk):
        stop = min(start + chunk, s_total)
        for first in range(start, stop, mid):
            if should_stop is not None and should_stop():
                raise Cancelled
            w = w32[first : min(first + mid, stop)]
            scores = w @ vt
            if n_complete < n:
                denominator = w @ mt
                tail = scores[:, n_complete:]
                # 0/0 (every weight present underflowed to 0 in float32) counts as a score of 0
                np.divide(tail, denominator, out=tail, where=denominator > 0)
            for row in range(0, scores.shape[0], inner):
                if should_stop is not None and should_stop():
                    raise Cancelled
                part = scores[row : row + inner]
                ranks = _sample_ranks(part, monotone, slots, descending, top_k, counts)
                column = filled + first - start + row
                buffer[:, column : column + part.shape[0]] = ranks.T
        used = filled + stop - start
        buffer[:, :used].sort(axis=1)
        if used > keep:
            buffer[:, keep_low:keep] = buffer[:, used - keep_high : used]
            filled, truncated = keep, True
        else:
            filled = used

    if truncated:  # the keep_low smallest, then the keep_high largest
        low, high = buffer[:, keep_low - 1], buffer[:, keep_low]
    else:  # every rank kept: plain positions
        low, high = buffer[:, low_pos], buffer[:, high_pos]
    back = np.empty(n, dtype=np.intp)
    back[permutation] = np.arange(n)
    return counts[back], low[back].astype(np.float64), high[back].astype(np.float64)


def _sample_ranks(
    scores: np.ndarray,
    monotone: bool,
    slots: np.ndarray,
    descending: np.ndarray,
    top_k: int,
    counts: np.ndarray,
) -> np.ndarray:
    """Per row r, rank[r, i] = 1 + number of accounts scoring strictly higher than account i.

    Each row is sorted once on (score bits, slot) packed into int64 (high word, low word) with slot
    = r * n + i, the account's place in the (rows x n) result: the sorted keys list the accounts in
    ascending score order, so the account at position q has rank n - q, or n - (last position of its
    tie group) when its score ties (within ``TIE_ULPS``: the bit patterns of floats of one sign
    count the representable steps between them). Adds each row's top K to ``counts``.
    """
    rows, n = scores.shape
    if monotone:
        bits = scores.view(np.int32)  # non-negative floats: their bit patterns sort like the values
    else:
        scores += np.float32(0.0)  # -0.0 -> +0.0 so that equal scores have equal keys
        bits = scores.view(np.int32)
        bits = bits ^ ((bits >> 31) & np.int32(0x7FFFFFFF))
    keys = np.empty((rows, n), dtype=np.int64)
    words = keys.view(np.int32)
    high, low = (1, 0) if np.little_endian else (0, 1)
    words[:, high::2] = bits
    words[:, low::2] = slots[:rows]  # slots < 2**31: the low word is never negative
    keys.sort(axis=1)
    target = words[:, low::2]
    out = np.empty(rows * n, dtype=descending.dtype)
    out[target] = descending[:rows]
    offsets = slots[:rows, :1]
    counts += np.bincount((target[:, max(0, n - top_k) :] - offsets).ravel(), minlength=n)

    sorted_high = words[:, high::2]
    if monotone:  # bit patterns within [0, 0x7F800000]: the int32 difference cannot overflow
        steps = sorted_high[:, 1:] - sorted_high[:, :-1]
    else:
        steps = np.subtract(sorted_high[:, 1:], sorted_high[:, :-1], dtype=np.int64)
    tied = np.flatnonzero(steps <= TIE_ULPS)  # position q ties with q + 1 (few of them)
    if tied.size:
        row, q = np.divmod(tied, n - 1)
        flat = row * n + q  # consecutive positions of one row are consecutive here, rows never join
        run_last = np.flatnonzero(np.append(flat[1:] != flat[:-1] + 1, True))
        q_last = q[run_last[np.searchsorted(run_last, np.arange(flat.size))]] + 1
        rank = n - q_last
        slot = target[row, q]
        out[slot] = rank
        joined = (rank <= top_k) & (q < n - top_k)  # pulled into the top K by a tie
        counts += np.bincount(slot[joined] - offsets[row[joined], 0], minlength=n)
    return out.reshape(rows, n)


def _check_columns(columns: np.ndarray | None, m: int) -> np.ndarray:
    if columns is None:
        return np.ones(m, dtype=bool)
    mask = np.asarray(columns)
    if mask.dtype != bool or mask.shape != (m,):
        raise InvalidValueError(f"the ranked columns must be {m} true/false values, got shape {mask.shape}")
    return mask


def _check_args(
    v: np.ndarray, w: np.ndarray, top_k: int, samples: int, kappa: float, chunk: int | None
) -> tuple[int, int, float, int | None]:
    if v.ndim != 2 or w.ndim != 1 or v.shape[1] != w.shape[0]:
        raise InvalidValueError(f"expected accounts x {w.shape[0]} normalised values, got shape {v.shape}")
    if not np.isfinite(w).all() or (w < 0).any() or not w.sum() > 0:
        raise InvalidValueError("weights must be numbers >= 0 with at least one above zero")
    if np.isinf(v).any():
        raise InvalidValueError("normalised values must be finite numbers or NaN for missing")
    if isinstance(top_k, bool) or int(top_k) != top_k or top_k < 1:
        raise InvalidValueError(f"top K must be a whole number >= 1, not {top_k}")
    if isinstance(samples, bool) or int(samples) != samples or samples < 1:
        raise InvalidValueError(f"the number of samples must be a whole number >= 1, not {samples}")
    if not (math.isfinite(kappa) and kappa > 0):
        raise InvalidValueError(f"the concentration kappa must be a number > 0, not {kappa}")
    if chunk is not None and (int(chunk) != chunk or chunk < 1):
        raise InvalidValueError(f"chunk must be a whole number >= 1, not {chunk}")
    return int(top_k), int(samples), float(kappa), None if chunk is None else int(chunk)
