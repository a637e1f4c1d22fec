"""The account-selection session the Accounts, Weights/Ranking and Portfolio screens share.

One :class:`SelectionSession` hangs on the app: the criteria set, the accounts as a value matrix, the
weights (points), the ranking parameters (K, capacity, per-KAM cap, pins) and the highlighted account (the
cursor the Ranking and Portfolio screens share).

Live re-ranking: :class:`LiveRanking` prepares the matrix once (a :class:`~kamtui.core.selection.Ranker`
plus the normalised values with their presence mask), so each weight change costs one matrix product and a
sort: overall, rank, group scores and quadrants by the same rules as :func:`kamtui.core.selection.score`,
and, without an effort limit, the pick itself (:func:`kamtui.core.capacity.select` is cheap then). The
slow part, robustness (and a capacity pick, which solves a MILP), comes from a thread worker running
:func:`kamtui.ranking.rank_accounts` on the same points, parameters and matrix; its result replaces the
live one when it is still current.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from kamtui.core.criteria import CriteriaSet
from kamtui.store.accounts import Matrix

if TYPE_CHECKING:
    from kamtui.ranking import Params, Ranking
    from kamtui.store import Store

SESSION_ATTRIBUTE = "_kam_selection_session"


@dataclass
class Limits:
    """What the user set on the Ranking screen (turned into :class:`kamtui.ranking.Params`)."""

    top_k: int = 15
    capacity: float | None = None
    per_kam: float | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def params(self) -> Params:
        from kamtui.ranking import Params

        return Params(
            top_k=self.top_k,
            capacity=self.capacity,
            per_kam=self.per_kam if self.capacity is not None else None,
            include=self.include,
            exclude=self.exclude,
        )

    def describe(self) -> str:
        parts = [f"K = {self.top_k}"]
        if self.capacity is not None:
            parts.append(f"capacity {self.capacity:g} FTE")
            if self.per_kam is not None:
                parts.append(f"per KAM {self.per_kam:g}")
        return ", ".join(parts)


@dataclass
class SelectionSession:
    """State shared by the selection screens for the life of the app."""

    limits: Limits = field(default_factory=Limits)
    highlighted: str | None = None  # account name under the shared cursor
    generation: int = 0  # bumped whenever accounts or weights change, so screens know to refresh


def session_for(app: Any) -> SelectionSession:
    session = getattr(app, SESSION_ATTRIBUTE, None)
    if session is None:
        session = SelectionSession()
        setattr(app, SESSION_ATTRIBUTE, session)
    return session


@dataclass(frozen=True, eq=False)
class Row:
    """One account of a ranking as the screens show it (live or from the engine)."""

    index: int  # row of the matrix
    account: str
    owner: str | None
    rank: int
    overall: float | None
    attractiveness: float | None
    strength: float | None
    quadrant: str | None
    coverage: float
    effort: float | None
    selected: bool | None  # None: not known yet (a capacity pick is being solved)
    p_top_k: float | None = None
    rank_p5: int | None = None
    rank_p95: int | None = None


@dataclass(frozen=True, eq=False)
class View:
    """A ranking ready to draw: rows in ranking order, plus what the pick says about itself."""

    rows: list[Row]
    points: tuple[float, ...]
    params: Params
    binding: list[str] | None  # None: not known yet
    notes: list[str]
    robust: bool  # rows carry the robustness columns

    def names(self) -> list[str]:
        return [row.account for row in self.rows]

    def position_of(self, name: str | None) -> int | None:
        for position, row in enumerate(self.rows):
            if row.account == name:
                return position
        return None


def _num(value: float) -> float | None:
    return None if not math.isfinite(value) else float(value)


class LiveRanking:
    """One value matrix prepared for re-ranking under changing weights (see the module docstring)."""

    def __init__(self, criteria: CriteriaSet, matrix: Matrix) -> None:
        from kamtui.core.selection import Ranker, normalise

        self.criteria = criteria
        self.matrix = matrix
        self.names = tuple(matrix.names)
        self.ranker = Ranker(matrix.values, criteria)
        v = normalise(matrix.values, criteria)
        present = ~np.isnan(v)
        self._v0 = np.where(present, v, 0.0)
        self._present = present.astype(np.float64)
        lay = criteria.layout
        self._groups = np.stack([np.ones(len(criteria)), lay.attractiveness, lay.strength], axis=1)

    def __len__(self) -> int:
        return len(self.names)

    def scores(self, points: np.ndarray):
        """A :class:`~kamtui.core.selection.Scores` under ``points``, by the rules of ``score()``."""
        from kamtui.core.selection import Scores, quadrants, ranking_order

        p = np.asarray(points, dtype=np.float64)
        overall, rank = self.ranker.rank(p)
        group_points = self._groups * p[:, None]
        num = self._v0 @ group_points
        den = self._present @ group_points
        with np.errstate(invalid="ignore", divide="ignore"):
            groups = np.where(den[:, 1:] > 0, 10.0 * num[:, 1:] / den[:, 1:], np.nan)
        attractiveness = np.ascontiguousarray(groups[:, 0])
        strength = np.ascontiguousarray(groups[:, 1])
        thresholds = self.criteria.thresholds
        return Scores(
            normalised=self._v0,
            weights=p / p.sum(),
            coverage=den[:, 0] / p.sum(),
            overall=overall,
            attractiveness=attractiveness,
            strength=strength,
            rank=rank,
            quadrant=quadrants(attractiveness, strength, thresholds),
            order=ranking_order(rank, self.names),
            names=self.names,
            thresholds=thresholds,
        )

    def view(self, points: np.ndarray, params: Params) -> View:
        """The live ranking: scores now; the pick too when no effort limit needs the solver."""
        from kamtui.core.capacity import select

        scores = self.scores(points)
        selected: np.ndarray | None = None
        binding: list[str] | None = None
        notes: list[str] = []
        if params.capacity is None and params.per_kam is None and len(self):
            pick = select(
                scores,
                self.names,
                top_k=params.top_k,
                effort=self.matrix.effort,
                owners=self.matrix.owners,
                include=params.include,
                exclude=params.exclude,
            )
            selected, binding, notes = pick.selected, list(pick.binding), list(pick.notes)
        m = self.matrix
        rows = [
            Row(
                index=i,
                account=self.names[i],
                owner=m.owners[i],
                rank=int(scores.rank[i]),
                overall=_num(scores.overall[i]),
                attractiveness=_num(scores.attractiveness[i]),
                strength=_num(scores.strength[i]),
                quadrant=scores.quadrant[i],
                coverage=float(scores.coverage[i]),
                effort=_num(m.effort[i]),
                selected=None if selected is None else bool(selected[i]),
            )
            for i in scores.order.tolist()
        ]
        return View(rows, tuple(float(x) for x in points), params, binding, notes, robust=False)


def view_of_ranking(ranking: Ranking, names: tuple[str, ...] | list[str] | None = None) -> View:
    """A full engine ranking (``rank_accounts`` or ``load_run``) as a :class:`View`."""
    index = {name: i for i, name in enumerate(names)} if names is not None else {}
    rows = [
        Row(
            index=index.get(a.account, position),
            account=a.account,
            owner=a.owner,
            rank=a.rank,
            overall=a.overall,
            attractiveness=a.attractiveness,
            strength=a.strength,
            quadrant=a.quadrant,
            coverage=a.coverage,
            effort=a.effort,
            selected=a.selected,
            p_top_k=a.p_top_k,
            rank_p5=a.rank_p5,
            rank_p95=a.rank_p95,
        )
        for position, a in enumerate(ranking.accounts)
    ]
    points = tuple(float(ranking.points[c]) for c in ranking.criteria.ids)
    return View(rows, points, ranking.params, list(ranking.binding), list(ranking.notes), robust=True)


def merge_robustness(live: View, full: View) -> View:
    """The live view with the engine's robustness columns (and pick, when the live one has none)."""
    by_name = {row.account: row for row in full.rows}
    rows = []
    for row in live.rows:
        other = by_name.get(row.account)
        if other is None:
            rows.append(row)
            continue
        rows.append(
            replace(
                row,
                selected=other.selected,
                p_top_k=other.p_top_k,
                rank_p5=other.rank_p5,
                rank_p95=other.rank_p95,
            )
        )
    return View(rows, live.points, live.params, full.binding, full.notes, robust=True)


def load_selection(store: Store) -> tuple[CriteriaSet, Matrix, dict[str, float]]:
    """The active criteria set, the accounts over it, and the effective points (runs in a thread)."""
    from kamtui.ranking import effective_points, resolve_criteria
    from kamtui.store.accounts import load_matrix

    criteria = resolve_criteria(store, None)
    matrix = load_matrix(store, criteria.ids)
    return criteria, matrix, effective_points(store, criteria)


QUADRANT_STYLE = {  # theme variable per quadrant (the level colours of the theme)
    "Strategic": "level-green",
    "Star": "level-blue",
    "Status": "level-yellow",
    "Streamline": "level-orange",
}


def score_text(value: float | None, digits: int = 1) -> str:
    from kamtui.tui.format import DASH

    return DASH if value is None else f"{value:.{digits}f}"
