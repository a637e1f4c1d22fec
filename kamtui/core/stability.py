"""How far can each weight move before the pick changes? (README, "Account selection": stability.)

The pick here is the pick without capacity: the pinned accounts plus the best eligible accounts by the
set's ranking (``rank_by``) up to K, excluded accounts never (``kamtui.core.capacity.select`` without an
effort limit). Weights are the normalised weights w (sum 1).

**The interval of a weight.** Criterion j's weight moves to t in (0, 1) and the others are rescaled in
proportion, w_k(t) = w_k (1 - t) / (1 - w_j), so they keep their ratios and the weights still sum to 1.
Under that rescaling every account's ranked score is a ratio of two linear functions of t:

    r_i(t) = 10 (A_i t + B_i (1 - t)) / (C_i t + D_i (1 - t))

with A_i = v_ij when j is ranked and the account has it (else 0), C_i = 1 when it has it, and B_i, D_i the
weighted sum of the other ranked criteria the account has and of their weights, divided by 1 - w_j
(the weighted mean is renormalised over the criteria present, so an account with a missing value has
its own denominator; without missing values the denominators are all equal and r_i is linear in t).
Coverage is linear in t too: P_ij t + (1 - t) sum_(k != j present) w_k / (1 - w_j).

So the events where the pick can change are closed-form: an account outside the pick overtakes one in
it where (A_m t + B_m (1-t))(C_e t + D_e (1-t)) = (A_e t + B_e (1-t))(C_m t + D_m (1-t)), a quadratic in
t (only sign changes count, and only with both accounts eligible there); a member's coverage falls
below 50 % (it leaves); an outside account's coverage reaches 50 % where its score (or, without a
ranked score, its name) puts it ahead of the weakest member. From today's weight, walking up (and
down), the nearest of these is where the pick changes. The engine checks the pick just past today's
weight and in the middle of the piece: a tie today that breaks at once, or a weight of 0 that turns
positive and gives an account a score or a group it lacked, changes the pick at today's weight.
``low`` and ``high`` are the ends of the interval around today's weight where the pick is the same
set: 0 or 1 when it holds all the way. Exact up to the 1e-10 tie tolerance of the scores and the 1e-9
slack of the 50 % coverage rule (kamtui.core.selection). Only pairs that can meet are solved: a ratio
of linear functions is monotone in t, so an outside account whose best score over the range is below
every pick member's worst is left out (and vice versa).

A criterion that carries all the weight (every other weight 0) cannot move under this rescaling:
its interval is [1, 1].

What it would take for the accounts just outside the pick: :mod:`kamtui.core.near_miss`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kamtui.core.criteria import CriteriaSet
from kamtui.core.selection import MIN_COVERAGE, THRESHOLD_SLACK, TIE_TOLERANCE, Scorer, Scores

_PAIR_BLOCK = 2_000_000  # pairs of accounts solved at once
_ROOT_SLACK = 1e-12


@dataclass(frozen=True)
class WeightInterval:
    """Criterion ``criterion`` at normalised weight ``weight``: the pick holds for weights in [low, high]."""

    criterion: str
    weight: float
    low: float
    high: float

    def to_json(self) -> dict:
        return {"criterion": self.criterion, "weight": self.weight, "low": self.low, "high": self.high}


class PickModel:
    """The pick without capacity as a function of the weights, for one prepared value matrix."""

    def __init__(
        self,
        scorer: Scorer,
        names: Sequence[str],
        top_k: int,
        include: Sequence[str] = (),
        exclude: Sequence[str] = (),
    ) -> None:
        from kamtui.core.capacity import pin_masks

        self.scorer = scorer
        self.names = list(names)
        self.top_k = top_k
        self.include = tuple(include)
        self.exclude = tuple(exclude)
        self.pinned, self.excluded = pin_masks(self.names, self.include, self.exclude)
        self._keys: list[tuple[str, str]] | None = None

    def scores(self, weights: np.ndarray) -> Scores:
        return self.scorer.scores(np.asarray(weights, dtype=np.float64))

    def pick(self, weights: np.ndarray) -> np.ndarray:
        return self.pick_of(self.scores(weights))

    def pick_of(self, scores: Scores) -> np.ndarray:
        from kamtui.core.capacity import best_k

        return best_k(scores, self.pinned, self.excluded, self.top_k)

    def _keys_of(self, i: int) -> tuple[str, str]:
        if self._keys is None:
            self._keys = [(n.casefold(), n) for n in self.names]
        return self._keys[i]

    def before(self, a: int, b: int) -> bool:
        """Whether account a is listed before account b at equal scores (by name, as the ranking does)."""
        return (self._keys_of(a), a) < (self._keys_of(b), b)


def weight_intervals(model: PickModel, criteria: CriteriaSet, points: np.ndarray) -> list[WeightInterval]:
    """Per criterion, the interval of its normalised weight within which the pick is the same set."""
    p = np.asarray(points, dtype=np.float64)
    w = p / p.sum()
    if len(model.names) == 0:
        return [WeightInterval(c.id, float(w[j]), 0.0, 1.0) for j, c in enumerate(criteria.criteria)]
    today = model.pick(w)
    v = model.scorer.normalised
    present = ~np.isnan(v)
    v0 = np.where(present, v, 0.0)
    presence = present.astype(np.float64)
    ranked = criteria.rank_columns
    out = []
    for j, criterion in enumerate(criteria.criteria):
        rest = 1.0 - w[j]
        others = w.copy()
        others[j] = 0.0
        if not others.sum() > 0:
            out.append(WeightInterval(criterion.id, float(w[j]), float(w[j]), float(w[j])))
            continue
        path = _Path(model, today, w, j, v0, presence, ranked, others / rest)
        high = path.boundary(+1)
        low = path.boundary(-1)
        out.append(WeightInterval(criterion.id, float(w[j]), float(low), float(high)))
    return out


class _Path:
    """Criterion j's weight moving from today's w_j: scores, coverage and the events (module docstring)."""

    def __init__(
        self,
        model: PickModel,
        today: np.ndarray,
        w: np.ndarray,
        j: int,
        v0: np.ndarray,
        presence: np.ndarray,
        ranked: np.ndarray,
        others: np.ndarray,  # the other weights scaled to sum 1 (w_k / (1 - w_j))
    ) -> None:
        self.model = model
        self.today = today
        self.w = w
        self.j = j
        self.start = float(w[j])
        self.others = others
        in_rank = bool(ranked[j])
        ranked_others = np.where(ranked, others, 0.0)
        self.a_end = v0[:, j] * in_rank  # numerator at t = 1
        self.c_end = presence[:, j] * in_rank  # denominator at t = 1
        self.b_end = v0 @ ranked_others  # numerator at t = 0
        self.d_end = presence @ ranked_others
        self.cov0 = presence @ others  # coverage at t = 0
        self.cov1 = presence[:, j]  # coverage at t = 1
        positive = (others > 0).copy()
        positive[j] = True  # on (0, 1) criterion j carries weight
        has_overall = (presence[:, positive] > 0).any(axis=1)
        grouped = np.ones(len(today), dtype=bool)
        layout = model.scorer.criteria.layout
        for group in (layout.attractiveness, layout.strength):
            weighted = group & positive
            if weighted.any():
                grouped &= (presence[:, weighted] > 0).any(axis=1)
        scored = (self.c_end > 0) | (self.d_end > 0)
        free = ~model.pinned & ~model.excluded
        self.candidates = has_overall & grouped & free  # may be eligible somewhere on (0, 1)
        self.members = today & ~model.pinned
        self.scored = scored

    def weights_at(self, t: float) -> np.ndarray:
        q = self.others * (1.0 - t)
        q[self.j] = t
        return q

    def score_at(self, t: float, rows: np.ndarray) -> np.ndarray:
        """Ranked scores of ``rows`` at t (as the limits at t = 0 and t = 1)."""
        a, b, c, d = self.a_end[rows], self.b_end[rows], self.c_end[rows], self.d_end[rows]
        if t >= 1.0:
            num, den = np.where(c > 0, a, b), np.where(c > 0, c, d)
        elif t <= 0.0:
            num, den = np.where(d > 0, b, a), np.where(d > 0, d, c)
        else:
            num, den = a * t + b * (1 - t), c * t + d * (1 - t)
        with np.errstate(invalid="ignore", divide="ignore"):
            return num / den

    def coverage_at(self, t: np.ndarray | float, rows: np.ndarray) -> np.ndarray:
        return self.cov1[rows] * t + self.cov0[rows] * (1 - t)

    def boundary(self, direction: int) -> float:
        """Where, walking from today's weight in ``direction`` (+1 up, -1 down), the pick first changes.

        The nearest of: an outside account overtaking a member, a member's coverage falling below 50 %,
        an outside account reaching 50 % coverage where it would be picked (module docstring)."""
        start = self.start
        end = 1.0 if direction > 0 else 0.0
        if (end - start) * direction <= 0:
            return start
        first = self._first_overtaking(direction, end)
        first = self._first_eligibility_change(direction, first)
        # the events assume the pick just past today's weight is today's: check it there (a tie today
        # that breaks at once; a zero weight that becomes positive gives accounts a score or a group)
        # and in the middle of the piece
        near = start + direction * min(1e-9, 0.5 * abs(first - start))
        for t in (near, 0.5 * (start + first)):
            if not np.array_equal(self.model.pick(self.weights_at(t)), self.today):
                return start
        return first

    def _first_eligibility_change(self, direction: int, best: float) -> float:
        """The nearest coverage crossing that changes the pick, if nearer than ``best``."""
        rows = np.flatnonzero(self.candidates)
        c0, c1 = self.cov0[rows], self.cov1[rows]
        slope = (c1 - c0) * direction  # > 0: coverage rises along the walk
        level = MIN_COVERAGE - THRESHOLD_SLACK
        with np.errstate(invalid="ignore", divide="ignore"):
            t = (level - c0) / (c1 - c0)
        inside = (slope != 0) & ((t - self.start) * direction > 0) & ((best - t) * direction > 0)
        if not inside.any():
            return best
        members = self.members[rows]
        leaving = inside & members & (slope < 0)  # a member falls below 50 %: it leaves the pick
        if leaving.any():
            nearest = t[leaving].max() if direction < 0 else t[leaving].min()
            if (best - nearest) * direction > 0:
                best = float(nearest)
        arriving = np.flatnonzero(inside & ~members & ~self.today[rows] & (slope > 0))
        for k in arriving[np.argsort((t[arriving] - self.start) * direction)]:
            at = float(t[k])
            if (best - at) * direction <= 0:
                break
            if self._would_enter(int(rows[k]), at):
                best = at
                break
        return best

    def _would_enter(self, e: int, t: float) -> bool:
        """Whether outside account e, eligible from t on, is picked at t (the pick is today's until then)."""
        members = np.flatnonzero(self.members)
        pins = int(self.model.pinned.sum())
        slots = max(self.model.top_k, pins) - pins
        if members.size < slots:
            return True
        if members.size == 0:
            return False
        r_e = float(self.score_at(t, np.array([e]))[0])
        r_e = (
            -math.inf if math.isnan(r_e) else r_e
        )  # no ranked score: after every score, by name among equals
        scores = self.score_at(t, members)
        scores = np.where(np.isnan(scores), -np.inf, scores)
        weakest_score = float(scores.min())
        if r_e > weakest_score + TIE_TOLERANCE / 10:
            return True
        if r_e < weakest_score - TIE_TOLERANCE / 10:
            return False
        tied = [int(m) for m in members[scores <= weakest_score + TIE_TOLERANCE / 10]]
        last = max(tied, key=lambda m: (self.model._keys_of(m), m))
        return self.model.before(e, last)

    def _first_overtaking(self, direction: int, end: float) -> float:
        """The nearest t (from today's weight towards ``end``) where an outside account overtakes a member."""
        members = np.flatnonzero(self.members & self.scored)
        outside = np.flatnonzero(self.candidates & ~self.today & self.scored)
        if members.size == 0 or outside.size == 0:
            return end
        lo, hi = sorted((self.start, end))
        m_low = np.fmin(self.score_at(lo, members), self.score_at(hi, members))
        e_high = np.fmax(self.score_at(lo, outside), self.score_at(hi, outside))
        floor = float(np.nanmin(m_low)) if np.isfinite(m_low).any() else -math.inf
        outside = outside[~(e_high < floor - 1e-9)]
        if outside.size == 0:
            return end
        e_high = np.fmax(self.score_at(lo, outside), self.score_at(hi, outside))
        ceiling = float(np.nanmax(e_high))
        members = members[~(m_low > ceiling + 1e-9)]
        if members.size == 0:
            return end
        best = end
        step = max(1, _PAIR_BLOCK // outside.size)
        for first in range(0, members.size, step):
            best = self._pairs(members[first : first + step], outside, direction, best)
        return best

    def _pairs(self, members: np.ndarray, outside: np.ndarray, direction: int, best: float) -> float:
        """The nearest valid crossing among members x outside, if nearer than ``best``."""
        start = self.start
        am, bm = self.a_end[members, None], self.b_end[members, None]
        cm, dm = self.c_end[members, None], self.d_end[members, None]
        ae, be = self.a_end[None, outside], self.b_end[None, outside]
        ce, de = self.c_end[None, outside], self.d_end[None, outside]
        # N(t) = b + (a - b) t, D(t) = d + (c - d) t; h = N_m D_e - N_e D_m = q2 t^2 + q1 t + q0
        sa_m, sc_m, sa_e, sc_e = am - bm, cm - dm, ae - be, ce - de
        q2 = sa_m * sc_e - sa_e * sc_m
        q1 = sa_m * de + bm * sc_e - sa_e * dm - be * sc_m
        q0 = bm * de - be * dm
        roots = []
        scale = np.abs(q2) + np.abs(q1) + np.abs(q0)
        linear = np.abs(q2) <= 1e-13 * scale
        with np.errstate(invalid="ignore", divide="ignore"):
            roots.append(np.where(linear & (q1 != 0), -q0 / q1, np.nan))
            disc = q1 * q1 - 4 * q2 * q0
            quad = ~linear & (disc > 0)
            sq = np.sqrt(np.where(quad, disc, 0.0))
            qq = -0.5 * (q1 + np.where(q1 >= 0, sq, -sq))
            roots.append(np.where(quad & (q2 != 0), qq / q2, np.nan))
            roots.append(np.where(quad & (qq != 0), q0 / qq, np.nan))
        member_index = np.broadcast_to(np.arange(members.size)[:, None], q0.shape)
        outside_index = np.broadcast_to(np.arange(outside.size)[None, :], q0.shape)
        for t in roots:
            slope = 2 * q2 * t + q1
            ahead = (t - start) * direction >= -_ROOT_SLACK
            nearer = (best - t) * direction > _ROOT_SLACK  # a root at the very end is the end
            crossing = slope * direction < 0  # the member is ahead before the root, the outsider after
            ok = ahead & nearer & crossing & np.isfinite(t)
            if not ok.any():
                continue
            cand = np.clip(t[ok], min(start, best), max(start, best))
            level = MIN_COVERAGE - THRESHOLD_SLACK
            em = self.coverage_at(cand, members[member_index[ok]]) >= level
            ee = self.coverage_at(cand, outside[outside_index[ok]]) >= level
            valid = cand[em & ee]
            if valid.size:
                nearest = float(valid.max() if direction < 0 else valid.min())
                if (best - nearest) * direction > 0:
                    best = nearest
        return best
