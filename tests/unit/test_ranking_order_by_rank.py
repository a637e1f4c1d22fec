"""The ranking order from the sort that ranked the accounts (no second sort) equals the order by a stable
sort of the ranks, names breaking ties (core.selection: _rank_and_order, ranking_order)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from kamtui.core.criteria import Thresholds
from kamtui.core.selection import _rank_and_order, _rank_min, quadrants, ranking_order

score = st.one_of(st.just(np.nan), st.sampled_from([0.0, 2.5, 5.0, 7.5, 10.0]), st.floats(0, 10))


@settings(max_examples=300, deadline=None)
@given(
    values=st.lists(score, max_size=40),
    names=st.lists(st.text(alphabet="aAbBcC", min_size=1, max_size=3), min_size=40, max_size=40),
)
def test_the_order_from_the_ranking_sort_equals_the_stable_sort(values, names):
    overall = np.array(values, dtype=np.float64)
    names = tuple(names[: len(values)])  # duplicates and case-only differences included
    rank, by_rank = _rank_and_order(overall.copy())
    assert np.array_equal(rank, _rank_min(overall.copy()))
    assert np.array_equal(ranking_order(rank, names, by_rank), ranking_order(rank, names))
    assert np.array_equal(ranking_order(rank, None, by_rank), np.argsort(rank, kind="stable"))


def test_ties_near_equal_and_missing_scores_in_one_order():
    overall = np.array([5.0, np.nan, 7.0, 5.0 + 1e-12, np.nan, 9.0, 7.0])
    names = ("e", "b", "d", "a", "a2", "z", "c")
    rank, by_rank = _rank_and_order(overall)
    order = ranking_order(rank, names, by_rank)
    assert [names[i] for i in order] == ["z", "c", "d", "a", "e", "a2", "b"]
    assert rank.tolist() == [4, 6, 2, 4, 6, 1, 2]


def test_quadrant_labels():
    a = np.array([5.0, 5.0, 4.9, 4.9, np.nan, 6.0, 5.0 - 1e-10])
    s = np.array([5.0, 4.9, 5.0, 4.9, 6.0, np.nan, 5.0])
    got = quadrants(a, s, Thresholds(attractiveness=5.0, strength=5.0))
    assert got == ["Strategic", "Star", "Status", "Streamline", None, None, "Strategic"]
