"""Rank reversal: does leaving one candidate out change the pick of the others? (README, "Account selection".)

Numbers without a fixed scale are normalised min-max over the candidates, so the candidate list itself
moves the scale: leaving out the account that holds a column's minimum or maximum stretches that
column for everyone else, and can reorder them. For the pick without capacity (pins, then the best
eligible accounts by the set's ranking up to K), each candidate c is left out in turn and the pick of
the others is recomputed exactly (a full re-score); it is compared with what the pick would be if the
others kept today's scores: today's ranking without c (c excluded). A difference is a rank reversal:
which accounts entered and which left.

Only a candidate that alone holds a column's minimum or maximum (among the present values, after
log1p where asked) can move any other account's normalised value: leaving out any other candidate
changes no one's score, so its expected and recomputed picks are equal by construction. Those are
the candidates re-scored, at most two per min-max number column; ratings and fixed-scale numbers
never move.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kamtui.core.criteria import CriteriaSet


@dataclass(frozen=True)
class Reversal:
    """Leaving ``left_out`` out of the candidates changes the pick of the others."""

    left_out: str
    entered: tuple[str, ...]  # picked without it, not picked with today's ranking
    left: tuple[str, ...]  # the other way round

    def to_json(self) -> dict:
        return {"left_out": self.left_out, "entered": list(self.entered), "left": list(self.left)}


@dataclass(frozen=True)
class ReversalCheck:
    reversals: list[Reversal]
    checked: list[str]  # the candidates whose leaving out could move another account's score


def scale_holders(values: np.ndarray, criteria: CriteriaSet) -> np.ndarray:
    """Indices of the candidates that alone hold a min-max column's minimum or maximum (sorted)."""
    x = np.asarray(values, dtype=np.float64)
    holders: set[int] = set()
    for j, criterion in enumerate(criteria.criteria):
        if criterion.scale is not None:
            continue
        column = x[:, j]
        rows = np.flatnonzero(~np.isnan(column))
        if rows.size < 2:
            continue
        t = np.log1p(column[rows]) if criterion.is_log else column[rows]
        for extreme in (t.min(), t.max()):
            at = rows[t == extreme]
            if at.size == 1:
                holders.add(int(at[0]))
    return np.array(sorted(holders), dtype=np.int64)


def rank_reversals(
    values: np.ndarray,
    criteria: CriteriaSet,
    points: np.ndarray,
    names: Sequence[str],
    top_k: int,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
) -> ReversalCheck:
    """The rank reversals of the pick without capacity (module docstring), in ranking order."""
    from kamtui.core.capacity import best_k, pin_masks
    from kamtui.core.selection import Scorer

    x = np.asarray(values, dtype=np.float64)
    names = list(names)
    if len(names) < 2:
        return ReversalCheck([], [])
    today = Scorer(x, criteria, names).scores(points)
    pinned, excluded = pin_masks(names, include, exclude)
    position = np.empty(len(names), dtype=np.int64)
    position[today.order] = np.arange(len(names))
    holders = sorted(scale_holders(x, criteria).tolist(), key=lambda i: position[i])
    reversals = []
    for c in holders:
        alone = np.arange(len(names)) == c
        expected_mask = best_k(today, pinned & ~alone, excluded | alone, top_k)  # today's ranking without c
        keep = ~alone
        others = [n for i, n in enumerate(names) if i != c]
        again = Scorer(x[keep], criteria, others).scores(points)
        actual_mask = best_k(again, pinned[keep], excluded[keep], top_k)
        expected = set(np.flatnonzero(expected_mask[keep]).tolist())  # indices among the others
        actual = set(np.flatnonzero(actual_mask).tolist())
        if expected != actual:
            new_position = np.empty(len(others), dtype=np.int64)
            new_position[again.order] = np.arange(len(others))
            old_position = position[keep]
            reversals.append(
                Reversal(
                    left_out=names[c],
                    entered=tuple(others[i] for i in sorted(actual - expected, key=new_position.__getitem__)),
                    left=tuple(others[i] for i in sorted(expected - actual, key=old_position.__getitem__)),
                )
            )
    return ReversalCheck(reversals, [names[c] for c in holders])
