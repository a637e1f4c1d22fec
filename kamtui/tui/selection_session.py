"""The account-selection session the Accounts, Weights/Ranking and Portfolio screens share, and the view
models their widgets draw.

One :class:`SelectionSession` is the app's ``selection`` attribute: the ranking parameters (K, capacity,
per-KAM cap, pins) and the highlighted account (the cursor the Ranking and Portfolio screens share).

Live re-ranking: :class:`LiveRanking` wraps a :class:`kamtui.core.selection.Scorer` prepared once for the
accounts, so each weight change costs a matrix product and a sort by the very rules of ``score()``; and,
without an effort limit, the pick itself (``kamtui.core.capacity.select`` is cheap then). Its result is a
:class:`kamtui.core.live_view.LiveView`: numpy columns and the ranking order with its inverse permutation,
never one object per account (README, "Account selection"; issue 19). The slow part, robustness (and a
capacity pick, which solves a MILP), comes from a thread worker on the same scores, parameters and matrix
(``kamtui.service.ranking.pick`` / ``top_k_share_of`` / ``robustness_of``, the very calls of ``rank``); its
columns are merged into the live view by array (``LiveView.with_robustness``) while still current.
:class:`View` (rows) stays for the Portfolio screen, which draws a few hundred points at most.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from kamtui.core.accounts import Matrix
from kamtui.core.criteria import CriteriaSet
from kamtui.core.live_view import LiveView, Row, live_view
from kamtui.core.ranking import DEFAULT_TOP_K, Params

__all__ = ["Limits", "LiveRanking", "LiveView", "Row", "SelectionSession", "View"]

if TYPE_CHECKING:
    from kamtui.core.ranking import Ranking


@dataclass
class Limits:
    """What the user set on the Ranking screen (turned into :class:`kamtui.core.ranking.Params`)."""

    top_k: int = DEFAULT_TOP_K
    capacity: float | None = None
    per_kam: float | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()

    def params(self) -> Params:
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

    def renamed(self, old: str, new: str) -> None:
        """Pins and the cursor follow an account's new name."""
        limits = self.limits
        limits.include = tuple(new if n == old else n for n in limits.include)
        limits.exclude = tuple(new if n == old else n for n in limits.exclude)
        if self.highlighted == old:
            self.highlighted = new

    def removed(self, name: str) -> None:
        limits = self.limits
        limits.include = tuple(n for n in limits.include if n != name)
        limits.exclude = tuple(n for n in limits.exclude if n != name)


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


class LiveRanking:
    """One value matrix prepared for re-ranking under changing weights (see the module docstring)."""

    def __init__(self, criteria: CriteriaSet, matrix: Matrix) -> None:
        from kamtui.core.selection import Scorer

        self.criteria = criteria
        self.matrix = matrix
        self.names = tuple(matrix.names)
        self.index = {name: i for i, name in enumerate(self.names)}
        self.scorer = Scorer(matrix.values, criteria, self.names)
        self._longest: int | None = None

    @property
    def longest_name(self) -> int:
        """Characters of the longest account name (computed once)."""
        if self._longest is None:
            self._longest = max(map(len, self.names), default=7)
        return self._longest

    def __len__(self) -> int:
        return len(self.names)

    def scores(self, points: np.ndarray):
        return self.scorer.scores(np.asarray(points, dtype=np.float64))

    def view(self, points: np.ndarray, params: Params) -> LiveView:
        """The live ranking as columns (:class:`kamtui.core.live_view.LiveView`): scores now; the pick too
        when no effort limit needs the solver (``select`` without owners then: they only matter to a cap)."""
        from kamtui.core.capacity import select

        points = np.asarray(points, dtype=np.float64)
        scores = self.scores(points)
        selected: np.ndarray | None = None
        binding: list[str] | None = None
        notes: list[str] = []
        m = self.matrix
        if params.capacity is None and params.per_kam is None and len(self):
            pick = select(
                scores,
                self.names,
                top_k=params.top_k,
                effort=m.effort,
                include=params.include,
                exclude=params.exclude,
            )
            selected, binding, notes = pick.selected, list(pick.binding), list(pick.notes)
        return live_view(
            self.names,
            self.index,
            m.owners,
            np.asarray(m.effort, dtype=np.float64),
            scores,
            tuple(float(x) for x in points),
            params,
            selected=selected,
            binding=binding,
            notes=notes,
        )

    def full_view(self, ranking: Ranking) -> LiveView:
        """A full engine ranking (``rank`` or a saved run) as columns over these accounts."""
        from kamtui.core.live_view import view_of_ranking as columns_of_ranking

        return columns_of_ranking(ranking, self.names, self.index)


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


def load_selection(db) -> tuple[CriteriaSet, Matrix, dict[str, float]]:
    """The active criteria set, the accounts over it, and the points in force (runs in a thread)."""
    from kamtui.service.accounts import matrix
    from kamtui.service.criteria import resolve_criteria
    from kamtui.service.weights import effective_points

    criteria = resolve_criteria(db, None)
    return criteria, matrix(db, criteria, remember=True), effective_points(db, criteria)


def score_text(value: float | None, digits: int = 1) -> str:
    from kamtui.tui.format import DASH

    return DASH if value is None else f"{value:.{digits}f}"
