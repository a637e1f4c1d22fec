"""The live ranking as columns: what the Ranking screen draws, kept as numpy arrays (README, "Account selection").

A :class:`LiveView` holds one array per figure, indexed by the account's row of the value matrix (rank,
scores, coverage, effort, the pick, P(top K), the rank interval), the ranking order (``order``: matrix rows
best first, only the accounts shown when a filter is on) and its inverse permutation (``position``: where
row i is drawn, -1 when not shown). Nothing is built per account: a table formats the rows it draws with
:meth:`LiveView.row`, the cursor finds an account in O(1) (:meth:`LiveView.position_of`), and robustness
results merge by array assignment (:meth:`LiveView.with_robustness`). Pure (numpy and the standard
library only).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any

import numpy as np


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


def _num(value: float) -> float | None:
    return None if not math.isfinite(value) else float(value)


def _int(value: float) -> int | None:
    return None if not math.isfinite(value) else int(value)


def inverse(order: np.ndarray, n: int) -> np.ndarray:
    """``position[order[q]] = q``; -1 for the rows not in ``order``."""
    position = np.full(n, -1, dtype=np.intp)
    position[order] = np.arange(order.shape[0], dtype=np.intp)
    return position


@dataclass(frozen=True, eq=False)
class LiveView:
    """A ranking ready to draw, as columns (see the module docstring). Arrays are never written to."""

    accounts: tuple[str, ...]  # matrix order
    index: dict[str, int]  # account name -> matrix row (shared by every view of one matrix)
    owners: tuple[str | None, ...] | list[str | None]
    order: np.ndarray  # matrix rows in ranking order (the shown ones)
    position: np.ndarray  # n: position of row i in ``order``, -1 when not shown
    rank: np.ndarray  # n ints
    overall: np.ndarray  # n floats, NaN = none
    attractiveness: np.ndarray
    strength: np.ndarray
    quadrant: list[str | None]
    coverage: np.ndarray
    effort: np.ndarray
    selected: np.ndarray | None  # n bools; None: the pick is not known yet
    points: tuple[float, ...]
    params: Any  # kamtui.core.ranking.Params
    binding: list[str] | None  # None: not known yet
    notes: list[str]
    p_top_k: np.ndarray | None = None  # n floats in [0, 1]
    rank_p5: np.ndarray | None = None  # n floats (whole ranks), NaN = none
    rank_p95: np.ndarray | None = None
    robust: bool = False  # the robustness columns are the engine's full figures
    share_samples: int = 0  # P(top K) from this many samples, before the full figures (0: none)
    total: int = -1  # accounts ranked (before a filter); -1: len(order)
    scores: Any = None  # the kamtui.core.selection.Scores the view was made of (the workers start from it)

    def __len__(self) -> int:
        return int(self.order.shape[0])

    @property
    def ranked(self) -> int:
        return len(self.accounts) if self.total < 0 else self.total

    # -- cursor and drawing ----------------------------------------------------------------------------

    def position_of(self, name: str | None) -> int | None:
        """Where account ``name`` is drawn (None: unknown or filtered out). O(1)."""
        if name is None:
            return None
        i = self.index.get(name)
        if i is None:
            return None
        q = int(self.position[i])
        return None if q < 0 else q

    def account_at(self, position: int) -> str:
        return self.accounts[int(self.order[position])]

    def names(self) -> list[str]:
        """The accounts in the order drawn (one list: for tests and exports, not for drawing)."""
        accounts = self.accounts
        return [accounts[i] for i in self.order.tolist()]

    def row(self, position: int) -> Row:
        """The account drawn at ``position`` as a :class:`Row` (what a table formats, one line at a time)."""
        i = int(self.order[position])
        return Row(
            index=i,
            account=self.accounts[i],
            owner=self.owners[i],
            rank=int(self.rank[i]),
            overall=_num(self.overall[i]),
            attractiveness=_num(self.attractiveness[i]),
            strength=_num(self.strength[i]),
            quadrant=self.quadrant[i],
            coverage=float(self.coverage[i]),
            effort=_num(self.effort[i]),
            selected=None if self.selected is None else bool(self.selected[i]),
            p_top_k=None if self.p_top_k is None else _num(self.p_top_k[i]),
            rank_p5=None if self.rank_p5 is None else _int(self.rank_p5[i]),
            rank_p95=None if self.rank_p95 is None else _int(self.rank_p95[i]),
        )

    @property
    def rows(self) -> list[Row]:
        """Every shown account as a :class:`Row`, in order (tests and small views only: O(n) objects)."""
        return [self.row(q) for q in range(len(self))]

    # -- the pick ----------------------------------------------------------------------------------------

    @property
    def pending(self) -> bool:
        return self.selected is None

    def chosen(self) -> tuple[int, float]:
        """(number of selected accounts, their total effort in FTE, unknown effort as 0), over all accounts."""
        if self.selected is None:
            return 0, 0.0
        effort = self.effort[self.selected]
        return int(self.selected.sum()), float(np.nansum(effort))

    # -- new views ---------------------------------------------------------------------------------------

    def with_robustness(
        self,
        p_top_k: np.ndarray | None = None,
        rank_p5: np.ndarray | None = None,
        rank_p95: np.ndarray | None = None,
        *,
        selected: np.ndarray | None = None,
        binding: list[str] | None = None,
        notes: list[str] | None = None,
        robust: bool = True,
        share_samples: int = 0,
    ) -> LiveView:
        """This view with the engine's columns (arrays indexed like the matrix rows; None keeps this view's)."""
        return replace(
            self,
            p_top_k=self.p_top_k if p_top_k is None else p_top_k,
            rank_p5=self.rank_p5 if rank_p5 is None else rank_p5,
            rank_p95=self.rank_p95 if rank_p95 is None else rank_p95,
            selected=self.selected if selected is None else selected,
            binding=self.binding if binding is None else binding,
            notes=self.notes if notes is None else notes,
            robust=robust,
            share_samples=share_samples,
        )

    def merged(self, other: LiveView) -> LiveView:
        """This view with ``other``'s pick and robustness columns (the same accounts, a later worker)."""
        return self.with_robustness(
            other.p_top_k,
            other.rank_p5,
            other.rank_p95,
            selected=other.selected,
            binding=other.binding,
            notes=other.notes,
            robust=other.robust,
            share_samples=other.share_samples,
        )

    def filtered(self, shown: np.ndarray | None) -> LiveView:
        """Only the rows where ``shown`` (n bools) is true, ranked among all (None: every account)."""
        if shown is None:
            return self
        order = self.order[shown[self.order]]
        return replace(
            self, order=order, position=inverse(order, len(self.accounts)), total=self.ranked
        )


def live_view(
    accounts: tuple[str, ...],
    index: dict[str, int],
    owners,
    effort: np.ndarray,
    scores,
    points: tuple[float, ...],
    params,
    *,
    selected: np.ndarray | None = None,
    binding: list[str] | None = None,
    notes: list[str] | None = None,
) -> LiveView:
    """A :class:`LiveView` of a :class:`kamtui.core.selection.Scores` (its arrays are shared, not copied)."""
    order = np.asarray(scores.order, dtype=np.intp)
    return LiveView(
        accounts=accounts,
        index=index,
        owners=owners,
        order=order,
        position=inverse(order, len(accounts)),
        rank=scores.rank,
        overall=scores.overall,
        attractiveness=scores.attractiveness,
        strength=scores.strength,
        quadrant=scores.quadrant,
        coverage=scores.coverage,
        effort=effort,
        selected=selected,
        points=points,
        params=params,
        binding=binding,
        notes=list(notes or []),
        scores=scores,
    )


def view_of_ranking(ranking, accounts: tuple[str, ...], index: dict[str, int]) -> LiveView:
    """A full engine :class:`kamtui.core.ranking.Ranking` (``rank`` or a saved run) as a :class:`LiveView`
    over the matrix rows ``accounts`` (accounts of the ranking not among them are left out)."""
    n = len(accounts)
    rank = np.zeros(n, dtype=np.int64)
    floats = np.full((8, n), np.nan)  # overall, attractiveness, strength, coverage, effort, p, p5, p95
    quadrant: list[str | None] = [None] * n
    owners: list[str | None] = [None] * n
    selected = np.zeros(n, dtype=bool)
    rows = []
    robust = False
    for a in ranking.accounts:
        i = index.get(a.account)
        if i is None:
            continue
        rows.append(i)
        rank[i] = a.rank
        quadrant[i], owners[i], selected[i] = a.quadrant, a.owner, a.selected
        figures = (a.overall, a.attractiveness, a.strength, a.coverage, a.effort, a.p_top_k, a.rank_p5, a.rank_p95)
        for j, value in enumerate(figures):
            if value is not None:
                floats[j, i] = value
        robust = robust or a.p_top_k is not None
    order = np.array(rows, dtype=np.intp)
    points = tuple(float(ranking.points[c]) for c in ranking.criteria.ids)
    return LiveView(
        accounts=accounts,
        index=index,
        owners=owners,
        order=order,
        position=inverse(order, n),
        rank=rank,
        overall=floats[0],
        attractiveness=floats[1],
        strength=floats[2],
        quadrant=quadrant,
        coverage=floats[3],
        effort=floats[4],
        selected=selected,
        points=points,
        params=ranking.params,
        binding=list(ranking.binding),
        notes=list(ranking.notes),
        p_top_k=floats[5] if robust else None,
        rank_p5=floats[6] if robust else None,
        rank_p95=floats[7] if robust else None,
        robust=robust,
    )
