"""Accounts a capacity pick can leave out before the solver runs (an exact reduction, not a heuristic).

Account j *dominates* account i when swapping i for j in any selection keeps every limit and never makes
the pick worse in kamtui's order of preference (best total score, then the better ranking order;
``kamtui.core.capacity``): j needs no more effort than i, j is capped by no KAM that i is not capped by
(same owner, or no owner), and either j scores at least as much and ranks better, or j scores more than
the tie tolerance above i. If every dominator of i together with i cannot fit in one selection (more than
K accounts, or more effort than the capacity, or more of i's owner's effort than the cap per KAM), then any
selection holding i leaves out one of its dominators, and the swap gives a selection at least as good
without i. So i is never needed and the solver never sees it. Pinned accounts are never removed.

Only the best-scoring accounts (overall, and per owner) are tried as dominators: counting fewer
dominators removes fewer accounts but never a needed one, and keeps the test to a few milliseconds. On
2,000 accounts with K = 50 it removes about four in five candidates: the solver then works on the few
hundred accounts near the frontier of score against effort.
"""

from __future__ import annotations

import numpy as np

TIE = 1e-9  # the pick's tolerance on total score (kamtui.core.capacity.BINDING_GAIN)
CHUNK = 512
MIN_DOMINATORS = 256  # at least this many of the best accounts are tried as dominators
PER_OWNER = 24  # and each owner's best this many


def removable(
    score: np.ndarray,
    preference: np.ndarray,
    effort: np.ndarray,
    owner_of: list[str | None],
    pinned: np.ndarray,
    top_k: int,
    capacity: float | None,
    per_kam: float | None,
    slack: float,
) -> np.ndarray:
    """Mask of the variables no best selection needs (see the module docstring)."""
    count = score.size
    out = np.zeros(count, dtype=bool)
    if count <= 1:
        return out
    codes = _owner_codes(owner_of) if per_kam is not None else np.zeros(count, dtype=np.int64)
    capped = codes > 0
    cap_total = np.inf if capacity is None else capacity + slack * max(1.0, capacity)
    cap_owner = np.inf if per_kam is None else per_kam + slack * max(1.0, per_kam)
    cols = _dominator_candidates(score, preference, codes, top_k)
    d_score, d_pref, d_effort, d_codes = score[cols], preference[cols], effort[cols], codes[cols]
    d_capped = capped[cols]
    for start in range(0, count, CHUNK):
        rows = slice(start, min(start + CHUNK, count))
        s_i, p_i, e_i, c_i = score[rows, None], preference[rows, None], effort[rows, None], codes[rows, None]
        better = ((d_score >= s_i) & (d_pref > p_i)) | (d_score > s_i + TIE)
        dominators = better & (d_effort <= e_i) & ((d_codes == c_i) | ~d_capped)
        many = dominators.sum(axis=1) >= top_k
        load = dominators @ d_effort + effort[rows]
        same_owner = dominators & (d_codes == c_i) & capped[rows, None]
        owner_load = same_owner @ d_effort + effort[rows]
        over = many | (load > cap_total) | (capped[rows] & (owner_load > cap_owner))
        out[rows] = over & ~pinned[rows]
    return out


def _dominator_candidates(
    score: np.ndarray, preference: np.ndarray, codes: np.ndarray, top_k: int
) -> np.ndarray:
    """Indices of the accounts tried as dominators: the best overall, and each owner's best."""
    order = np.lexsort((-preference, -score))
    chosen = np.zeros(score.size, dtype=bool)
    chosen[order[: max(MIN_DOMINATORS, 4 * top_k)]] = True
    if codes.any():
        sorted_codes = codes[order]
        rank_in_owner = np.empty(score.size, dtype=np.int64)
        for code in np.unique(sorted_codes):
            members = np.flatnonzero(sorted_codes == code)
            rank_in_owner[members] = np.arange(members.size)
        chosen[order[rank_in_owner < PER_OWNER]] = True
    return np.flatnonzero(chosen)


def _owner_codes(owner_of: list[str | None]) -> np.ndarray:
    """0 for no owner, else 1 + the owner's index."""
    index: dict[str, int] = {}
    return np.array(
        [0 if owner is None else index.setdefault(owner, len(index) + 1) for owner in owner_of], dtype=np.int64
    )
