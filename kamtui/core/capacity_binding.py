"""Which limits bind a capacity pick: the ones that alone stop a better account from coming in.

A limit binds when some single move would raise the total score and is stopped by that limit alone:
adding an unselected account, or putting it in place of a selected, unpinned account that scores less.
Lifting that limit would make the move possible, so the best pick without it scores more: every limit
reported binds in the strict sense (re-solving without it raises the total). A limit that could only be
beaten by moving several accounts at once is not reported; two limits that stop the same moves together
(each alone would hold the pick) do not bind. This takes one vectorised pass over selected x unselected
accounts instead of one more MILP per limit (25 owners: 25 solves of a second or more each).
"""

from __future__ import annotations

import numpy as np

GAIN = 1e-9  # a move counts when it raises the total score by more than this


def binding_limits(
    selected: np.ndarray,
    score: np.ndarray,
    effort: np.ndarray,
    owner_of: list[str | None],
    pinned: np.ndarray,
    top_k: int,
    capacity: float | None,
    per_kam: float | None,
    slack: float,
) -> list[str]:
    """Labels ``capacity``, ``top_k``, ``per_kam:<owner>`` of the limits that bind (module docstring)."""
    inside = np.flatnonzero(selected & ~pinned)
    outside = np.flatnonzero(~selected)
    if outside.size == 0:
        return []
    owners = sorted({o for o in owner_of if o is not None}) if per_kam is not None else []
    code_of = {owner: number for number, owner in enumerate(owners, start=1)}
    codes = np.array([code_of.get(o, 0) if o is not None else 0 for o in owner_of], dtype=np.int64)
    load = float(effort[selected].sum())
    owner_load = np.zeros(len(owners) + 1)
    np.add.at(owner_load, codes[selected], effort[selected])
    cap_total = np.inf if capacity is None else capacity + slack * max(1.0, capacity)
    cap_owner = np.inf if per_kam is None else per_kam + slack * max(1.0, per_kam)
    bound: set[str] = set()

    def record(improves, over_k, over_total, over_owner, owner_code) -> None:
        alone = improves & (over_k.astype(int) + over_total + over_owner == 1)
        if (alone & over_k).any():
            bound.add("top_k")
        if (alone & over_total).any():
            bound.add("capacity")
        for code in np.unique(owner_code[alone & over_owner]):
            bound.add(f"per_kam:{owners[code - 1]}")

    # adding one account
    j = outside
    full = np.full(j.size, int(selected.sum()) + 1 > top_k)
    record(
        score[j] > GAIN,
        full,
        load + effort[j] > cap_total,
        (codes[j] > 0) & (owner_load[codes[j]] + effort[j] > cap_owner),
        codes[j],
    )
    # one account in place of a selected one that scores less
    if inside.size:
        i, j = inside[:, None], outside[None, :]
        same = codes[i] == codes[j]
        after_owner = owner_load[codes[j]] + effort[j] - np.where(same, effort[i], 0.0)
        record(
            score[j] - score[i] > GAIN,
            np.zeros((inside.size, outside.size), dtype=bool),
            load - effort[i] + effort[j] > cap_total,
            (codes[j] > 0) & (after_owner > cap_owner),
            np.broadcast_to(codes[j], (inside.size, outside.size)),
        )
    order = ["capacity", "top_k", *(f"per_kam:{o}" for o in owners)]
    return [label for label in order if label in bound]
