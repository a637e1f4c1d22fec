"""What it would take to bring the accounts just outside the pick in (README, "Account selection").

**What it would take.** For each of the first accounts outside the pick (in ranking order, eligible,
not excluded): the gap, i.e. the smallest increase of its ranked score that brings it in (the score of
the weakest pick member it must overtake, minus its own; at equal scores the name decides), and for
each ranked criterion the value that alone would bring it in, on the criterion's scale: ratings in
whole steps (lo..hi), fixed-scale numbers on the scale, other numbers within the range of the other
candidates' values (beyond it the min-max normalisation of every other account would move). The
value is solved in closed form (r_e is linear in the account's own normalised value) and rounded to the
scale's step (3 significant digits for numbers), at least one step better than today's value; it is
checked in closed form too (only the account's own score moves), except where the account alone holds
a min-max column's minimum or maximum: then the column is rescaled to the other candidates' range and
the value checked by re-scoring everyone. A criterion that cannot do it alone is left out, and an
account no single value can bring in has no levers.

The pick is :class:`kamtui.core.stability.PickModel`'s (the pick without capacity).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kamtui.core.criteria import CriteriaSet
from kamtui.core.selection import TIE_TOLERANCE, Scorer, Scores
from kamtui.core.stability import PickModel

JUST_OUTSIDE = 5  # accounts just outside the pick that get "what it would take"


@dataclass(frozen=True)
class Lever:
    """One criterion value that alone would bring an account into the pick."""

    criterion: str
    value_from: float | None  # None: the account has no value yet
    value_to: float

    def to_json(self) -> dict:
        return {"criterion": self.criterion, "from": self.value_from, "to": self.value_to}


@dataclass(frozen=True)
class NearMiss:
    """An account just outside the pick: how far it is and what would bring it in."""

    account: str
    rank: int
    score: float  # its ranked score
    gap: float  # the smallest increase of the ranked score that brings it in
    to_beat: str  # the weakest pick member it must overtake
    levers: tuple[Lever, ...]

    def to_json(self) -> dict:
        return {
            "account": self.account,
            "rank": self.rank,
            "score": self.score,
            "gap": self.gap,
            "to_beat": self.to_beat,
            "levers": [lever.to_json() for lever in self.levers],
        }


def just_outside(
    values: np.ndarray,
    criteria: CriteriaSet,
    points: np.ndarray,
    names: Sequence[str],
    top_k: int,
    include: Sequence[str] = (),
    exclude: Sequence[str] = (),
    count: int = JUST_OUTSIDE,
) -> list[NearMiss]:
    """The first ``count`` accounts outside the pick and what would bring each in (module docstring)."""
    x = np.asarray(values, dtype=np.float64)
    names = list(names)
    if not names:
        return []
    p = np.asarray(points, dtype=np.float64)
    w = p / p.sum()
    model = PickModel(Scorer(x, criteria, names), names, top_k, include, exclude)
    scores = model.scores(p)
    pick = model.pick_of(scores)
    free = ~model.pinned & ~model.excluded
    members = pick & ~model.pinned
    if not members.any():
        return []
    order = scores.order
    ranked = scores.ranked
    weakest = int(order[members[order]][-1])
    waiting = scores.eligible & free & ~pick
    outside = order[waiting[order]][:count].tolist()
    holders = _extreme_holders(x, criteria)
    out = []
    for e in outside:
        levers = []
        for j in range(len(criteria.criteria)):
            if not criteria.rank_columns[j] or w[j] <= 0:
                continue
            if (e, j) in holders:  # moving e's value moves the column's scale for everyone: re-score
                lever = _lever_rescored(model, x, criteria, w, e, j)
            else:
                lever = _lever(model, x, criteria, w, scores, e, j, weakest)
            if lever is not None:
                levers.append(lever)
        levers.sort(key=lambda lever: round(lever[0], 9))  # the smallest change first; ties in criteria order
        out.append(
            NearMiss(
                account=names[e],
                rank=int(scores.rank[e]),
                score=float(ranked[e]),
                gap=float(ranked[weakest] - ranked[e]),
                to_beat=names[weakest],
                levers=tuple(lever for _, lever in levers),
            )
        )
    return out


def _extreme_holders(x: np.ndarray, criteria: CriteriaSet) -> set[tuple[int, int]]:
    """(account, column) where the account alone holds a min-max column's minimum or maximum."""
    held = set()
    for j, criterion in enumerate(criteria.criteria):
        if criterion.scale is not None:
            continue
        rows = np.flatnonzero(~np.isnan(x[:, j]))
        if rows.size == 0:
            continue
        t = np.log1p(x[rows, j]) if criterion.is_log else x[rows, j]
        for extreme in (t.min(), t.max()):
            at = rows[t == extreme]
            if at.size == 1:
                held.add((int(at[0]), j))
    return held


def _parts(v: np.ndarray, w: np.ndarray, criteria: CriteriaSet, j: int) -> tuple[float, float]:
    """(weighted sum, weight) of an account's other ranked criteria present."""
    columns = criteria.rank_columns.copy()
    columns[j] = False
    have = columns & ~np.isnan(v)
    return float(np.where(have, v, 0.0) @ np.where(have, w, 0.0)), float(np.where(have, w, 0.0).sum())


def _lever(
    model: PickModel,
    x: np.ndarray,
    criteria: CriteriaSet,
    w: np.ndarray,
    scores: Scores,
    e: int,
    j: int,
    weakest: int,
) -> tuple[float, Lever] | None:
    """(normalised change, lever) for account e and criterion j when only e's score moves: closed form."""
    criterion = criteria.criteria[j]
    current = x[e, j]
    domain = _domain(x, criteria, e, j)
    if domain is None:
        return None
    to_raw, to_v, lo, hi, step = domain
    threshold = float(scores.ranked[weakest]) / 10.0
    s_e, w_e = _parts(scores.normalised[e], w, criteria, j)
    needed = (threshold * (w_e + w[j]) - s_e) / w[j]
    if needed > 1 + 1e-12:
        return None
    raw = _snap(to_raw(min(1.0, max(0.0, needed))), lo, hi, step, criterion.is_cost)
    if not math.isnan(current) and not _better(raw, current, criterion.is_cost):
        raw = _next(current, lo, hi, step, criterion.is_cost)  # at least one step better than today
        if raw is None:
            return None
    bound = lo if criterion.is_cost else hi
    for _ in range(64):
        score = (s_e + w[j] * to_v(raw)) / (w_e + w[j])
        tie = abs(score - threshold) <= TIE_TOLERANCE / 10
        if (score > threshold and not tie) or (tie and model.before(e, weakest)):
            change = to_v(raw) - (0.0 if math.isnan(current) else to_v(current))
            return abs(change), Lever(
                criterion.id, None if math.isnan(current) else float(current), float(raw)
            )
        if raw == bound:
            return None
        raw = _snap(raw - step if criterion.is_cost else raw + step, lo, hi, step, criterion.is_cost)
    return None


def _lever_rescored(
    model: PickModel, x: np.ndarray, criteria: CriteriaSet, w: np.ndarray, e: int, j: int
) -> tuple[float, Lever] | None:
    """(normalised change, lever) when e holds column j's minimum or maximum: solved on the column
    rescaled to the other candidates' range, checked by re-scoring."""
    criterion = criteria.criteria[j]
    current = x[e, j]
    domain = _domain(x, criteria, e, j)
    if domain is None:
        return None
    to_raw, to_v, lo, hi, step = domain
    trial = x.copy()
    trial[e, j] = lo  # inside the domain: the column's normalisation is as it will be
    scorer = Scorer(trial, criteria, model.names)
    scores = scorer.scores(w)
    excluded = model.excluded.copy()
    excluded[e] = True
    from kamtui.core.capacity import best_k

    pick = best_k(scores, model.pinned, excluded, model.top_k)
    members = pick & ~model.pinned
    if not members.any():
        return None
    order = scores.order
    weakest = int(order[members[order]][-1])
    threshold = float(scores.ranked[weakest]) / 10.0
    s_e, w_e = _parts(scores.normalised[e], w, criteria, j)
    needed = (threshold * (w_e + w[j]) - s_e) / w[j]
    if needed > 1 + 1e-12:
        return None
    raw = _snap(to_raw(min(1.0, max(0.0, needed))), lo, hi, step, criterion.is_cost)
    if not math.isnan(current) and not _better(raw, current, criterion.is_cost):
        raw = _next(current, lo, hi, step, criterion.is_cost)  # at least one step better than today
        if raw is None:
            return None
    bound = lo if criterion.is_cost else hi
    for _ in range(64):
        trial[e, j] = raw
        if model.pick_of(Scorer(trial, criteria, model.names).scores(w))[e]:
            change = to_v(raw) - (0.0 if math.isnan(current) else to_v(current))
            return abs(change), Lever(
                criterion.id, None if math.isnan(current) else float(current), float(raw)
            )
        if raw == bound:
            return None
        raw = _snap(raw - step if criterion.is_cost else raw + step, lo, hi, step, criterion.is_cost)
    return None


def _better(raw: float, current: float, cost: bool) -> bool:
    return raw < current if cost else raw > current


def _next(current: float, lo: float, hi: float, step: float, cost: bool) -> float | None:
    """The first value on the grid better than ``current``, or None at the end of the scale."""
    raw = _snap(current - step if cost else current + step, lo, hi, step, cost)
    return raw if _better(raw, current, cost) else None


def _domain(x: np.ndarray, criteria: CriteriaSet, e: int, j: int):
    """(v -> raw, raw -> v, lo, hi, step) for the values account e may take on criterion j, or None."""
    criterion = criteria.criteria[j]
    cost = criterion.is_cost
    if criterion.scale is not None:
        lo, hi = criterion.scale
        span = hi - lo
        whole = criterion.is_rating and float(lo).is_integer() and float(hi).is_integer()
        step = 1.0 if whole else _step(span)

        def to_raw(v: float) -> float:
            return hi - v * span if cost else lo + v * span

        def to_v(raw: float) -> float:
            u = (raw - lo) / span
            return 1 - u if cost else u

        return to_raw, to_v, lo, hi, step
    column = np.delete(x[:, j], e)
    column = column[~np.isnan(column)]
    t = np.log1p(column) if criterion.is_log else column
    if t.size < 2 or not t.max() > t.min():
        return None  # a constant column gives everyone 0.5 whatever the value
    t_lo, t_hi = float(t.min()), float(t.max())
    t_span = t_hi - t_lo

    def to_raw(v: float) -> float:
        tv = t_hi - v * t_span if cost else t_lo + v * t_span
        return math.expm1(tv) if criterion.is_log else tv

    def to_v(raw: float) -> float:
        tv = math.log1p(raw) if criterion.is_log else raw
        u = (tv - t_lo) / t_span
        return 1 - u if cost else u

    lo, hi = to_raw(1.0 if cost else 0.0), to_raw(0.0 if cost else 1.0)
    return to_raw, to_v, lo, hi, _step(max(abs(lo), abs(hi)))


def _step(magnitude: float) -> float:
    """A step of 3 significant digits for numbers of this size."""
    if not magnitude > 0:
        return 1.0
    return 10.0 ** (math.floor(math.log10(magnitude)) - 2)


def _snap(raw: float, lo: float, hi: float, step: float, cost: bool) -> float:
    """``raw`` on the grid of ``step``, rounded towards the better end, within [lo, hi]."""
    units = raw / step
    snapped = math.floor(units + 1e-9) * step if cost else math.ceil(units - 1e-9) * step
    snapped = float(f"{snapped:.12g}")
    return min(hi, max(lo, snapped))
