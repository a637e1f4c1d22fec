"""The live ranking as columns (kamtui.core.live_view): exact positions, the cursor's account across a re-rank,
robustness merged by indexing, the filter, and the same figures as the engine's ranking."""

from __future__ import annotations

import numpy as np
import pytest

from kamtui.core.accounts import Matrix
from kamtui.core.criteria_file import load_criteria
from kamtui.core.live_view import LiveView, inverse
from kamtui.core.ranking import Params
from kamtui.service.ranking import rank, robustness_of, top_k_share_of
from kamtui.tui.selection_session import LiveRanking

CRITERIA = load_criteria("kam-default")
NAMES = ["Delta", "Alpha", "Echo", "Bravo", "Charlie"]


def _matrix() -> Matrix:
    """Five accounts whose order is known: every criterion scores Alpha 9, Bravo 7, Charlie 5, Delta 3, Echo 1."""
    level = {"Alpha": 9, "Bravo": 7, "Charlie": 5, "Delta": 3, "Echo": 1}
    values = np.array([[float(level[n])] * len(CRITERIA.ids) for n in NAMES])
    money = [j for j, c in enumerate(CRITERIA.criteria) if c.scale is None]
    for j in money:  # money criteria: the same order, in euros
        values[:, j] = [level[n] * 1e6 for n in NAMES]
    return Matrix(
        names=list(NAMES),
        values=values,
        owners=["Kim", "Lee", None, "Kim", "Lee"],
        effort=np.array([0.5, 1.0, np.nan, 0.25, 2.0]),
        segments=[None] * 5,
        refs=[None] * 5,
    )


def _points(**changes: float) -> np.ndarray:
    points = {c.id: c.weight for c in CRITERIA.criteria} | changes
    return np.array([points[c] for c in CRITERIA.ids], dtype=float)


def test_exact_positions_and_the_inverse_permutation():
    live = LiveRanking(CRITERIA, _matrix())
    view = live.view(_points(), Params(top_k=2))
    assert isinstance(view, LiveView)
    assert view.names() == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    assert view.order.tolist() == [1, 3, 4, 0, 2]  # matrix rows best first
    assert view.position.tolist() == [3, 0, 4, 1, 2]  # where each matrix row is drawn
    assert [view.position_of(n) for n in NAMES] == [3, 0, 4, 1, 2]
    assert view.position_of("Zulu") is None and view.position_of(None) is None
    assert [view.account_at(q) for q in range(5)] == ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]
    row = view.row(1)
    assert (row.index, row.account, row.owner, row.rank, row.effort, row.selected) == (3, "Bravo", "Kim", 2, 0.25, True)
    assert (view.row(4).account, view.row(4).effort, view.row(4).owner) == ("Echo", None, None)  # NaN: unknown
    assert view.chosen() == (2, 1.25)  # Alpha 1.0 + Bravo 0.25 FTE
    assert view.binding == ["top_k"]
    assert inverse(np.array([2, 0]), 4).tolist() == [1, -1, 0, -1]


def test_the_cursor_keeps_its_account_after_a_rerank():
    live = LiveRanking(CRITERIA, _matrix())
    before = live.view(_points(), Params())
    assert before.position_of("Charlie") == 2
    # only strategic fit counts, and Charlie is now the best at it: it moves to the top
    values = live.matrix.values.copy()
    j = CRITERIA.ids.index("strategic_fit")
    values[NAMES.index("Charlie"), j] = 10.0
    moved = LiveRanking(CRITERIA, Matrix(list(NAMES), values, live.matrix.owners, live.matrix.effort, [None] * 5, [None] * 5))
    only = _points(**{c: 0.0 for c in CRITERIA.ids if c != "strategic_fit"})
    after = moved.view(only, Params())
    assert after.names()[0] == "Charlie"
    assert after.position_of("Charlie") == 0 and after.account_at(after.position_of("Charlie")) == "Charlie"
    assert after.position_of("Alpha") == 1


def test_robustness_merges_by_indexing_and_matches_the_engine():
    matrix = _matrix()
    live = LiveRanking(CRITERIA, matrix)
    params = Params(top_k=2, samples=300, seed=4)
    points = _points(strategic_fit=30.0)
    view = live.view(points, params)
    robust = robustness_of(CRITERIA, view.scores, params)
    merged = view.with_robustness(robust.p_top_k, robust.rank_p5, robust.rank_p95)
    assert view.p_top_k is None and merged.robust and not view.robust  # the view itself is not changed
    assert merged.order is view.order and merged.rank is view.rank  # columns shared, not copied
    engine = rank(None, CRITERIA, params, points=dict(zip(CRITERIA.ids, points, strict=True)), matrix=matrix)
    shown = [(r.account, r.rank, r.selected, r.p_top_k, r.rank_p5, r.rank_p95) for r in merged.rows]
    assert shown == [(a.account, a.rank, a.selected, a.p_top_k, a.rank_p5, a.rank_p95) for a in engine.accounts]
    assert [r.overall for r in merged.rows] == pytest.approx([a.overall for a in engine.accounts], abs=1e-12)
    # a saved run read back as columns over the same accounts draws the same
    saved = live.full_view(engine)
    assert [(r.account, r.p_top_k, r.rank_p5) for r in saved.rows] == [(r.account, r.p_top_k, r.rank_p5) for r in merged.rows]
    # P(top K) first: the same draws, argpartition instead of the full ranks
    share = top_k_share_of(CRITERIA, view.scores, params, params.samples)
    assert share.tolist() == robust.p_top_k.tolist()


def test_the_filter_keeps_ranks_among_all_and_the_inverse():
    live = LiveRanking(CRITERIA, _matrix())
    view = live.view(_points(), Params())
    shown = np.array([n in ("Echo", "Bravo") for n in NAMES])
    filtered = view.filtered(shown)
    assert filtered.names() == ["Bravo", "Echo"]
    assert [r.rank for r in filtered.rows] == [2, 5]
    assert filtered.position_of("Echo") == 1 and filtered.position_of("Alpha") is None
    assert len(filtered) == 2 and filtered.ranked == 5
    assert view.filtered(None) is view
