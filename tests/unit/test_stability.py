"""Stability of the pick to each weight (exact intervals against brute force) and what it would take."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamtui.core.criteria import CriteriaSet, Criterion
from kamtui.core.near_miss import just_outside
from kamtui.core.selection import Scorer
from kamtui.core.stability import PickModel, weight_intervals

NAN = math.nan
STEP = 1e-5  # how far past an end of an interval the pick must have changed
PROBES = np.concatenate([np.linspace(0.0, 2e-9, 21), [1e-8, 1e-7, 1e-6, STEP]])  # offsets past an end


def ratings(n_attr: int, n_str: int, points: list[float], rank_by: str = "overall") -> CriteriaSet:
    criteria = []
    for j in range(n_attr + n_str):
        criteria.append(
            Criterion(
                id=f"c{j}",
                name=f"C{j}",
                group="attractiveness" if j < n_attr else "strength",
                kind="rating",
                weight=points[j],
                scale=(0, 10),
            )
        )
    return CriteriaSet(id="grid", title="Grid", criteria=tuple(criteria), rank_by=rank_by)


def pick_at(model: PickModel, w: np.ndarray, j: int, t: float) -> np.ndarray:
    others = w.copy()
    others[j] = 0.0
    q = others / others.sum() * (1 - t)
    q[j] = t
    return model.pick(q)


# --- hand-worked ----------------------------------------------------------------------------------

# Two ratings on 0-10 (v = x / 10), weights 1 : 1, K = 1.
#        x1 x2     r(t) with t = the first weight (the second 1 - t)
#   A    8  3      .3 + .5 t        (.55 today)
#   B    2  8      .8 - .6 t        (.50)
#   C    5  5      .5               (.50)
#   D    6  -      .6, coverage t   (.60 today, coverage exactly 50 %: eligible)
# Today D is picked. First weight t: up, A overtakes D at .3 + .5t = .6, t = .6; down, D's coverage
# falls below 50 % at once: [.5, .6]. Second weight s = 1 - t: up, D's coverage 1 - s falls below
# 50 % at once; down, A = .8 - .5 s overtakes D at s = .4: [.4, .5].
HAND = ratings(2, 0, [1, 1])  # one group: no account lacks a weighted group
NAMES = ["A", "B", "C", "D"]
VALUES = np.array([[8, 3], [2, 8], [5, 5], [6, NAN]], dtype=float)


def test_hand_worked_intervals_with_a_missing_value_and_coverage():
    model = PickModel(Scorer(VALUES, HAND, NAMES), NAMES, top_k=1)
    assert model.pick(HAND.weights).tolist() == [False, False, False, True]
    intervals = weight_intervals(model, HAND, HAND.points)
    got = [(i.criterion, i.weight, i.low, i.high) for i in intervals]
    # coverage counts as 50 % down to 0.5 - 1e-9 (kamtui.core.selection), hence the ends at 0.5 -/+ 1e-9
    assert got == [
        ("c0", 0.5, pytest.approx(0.5 - 1e-9, abs=1e-15), pytest.approx(0.6, abs=1e-12)),
        ("c1", 0.5, pytest.approx(0.4, abs=1e-12), pytest.approx(0.5 + 1e-9, abs=1e-15)),
    ]


def test_hand_worked_intervals_without_missing_values():
    # A, B, C only: A (.55) is picked; down the first weight B (.8 - .6t) overtakes A at t = 5/11
    # before C (.5) does at t = .4; up, A only rises: [5/11, 1]. The second weight mirrors it: [0, 6/11].
    names = NAMES[:3]
    model = PickModel(Scorer(VALUES[:3], HAND, names), names, top_k=1)
    intervals = weight_intervals(model, HAND, HAND.points)
    assert [(i.low, i.high) for i in intervals] == [
        (pytest.approx(5 / 11, abs=1e-12), 1.0),
        (0.0, pytest.approx(6 / 11, abs=1e-12)),
    ]


def test_a_criterion_that_carries_all_the_weight_cannot_move():
    # points 3 : 0: the first criterion cannot move (the other has nothing to rescale); raising the
    # second from 0 is the mirror of the example above: B overtakes A at 6/11
    criteria = ratings(2, 0, [3, 0])
    model = PickModel(Scorer(VALUES[:3], criteria, NAMES[:3]), NAMES[:3], top_k=1)
    intervals = weight_intervals(model, criteria, criteria.points)
    assert [(i.weight, i.low, i.high) for i in intervals] == [
        (1.0, 1.0, 1.0),
        (0.0, 0.0, pytest.approx(6 / 11, abs=1e-12)),
    ]


def test_just_outside_by_hand():
    # A, B, C with K = 1: A (5.5) is picked; B and C (5.0, B first by name) are outside, 0.5 short.
    # B: x1 2 -> 3 gives 5.5, a tie A wins by name, so 4 (6.0); x2 8 -> 9 ties, so 10 (6.0).
    # C: x1 5 -> 6 ties, so 7; x2 likewise 7.
    near = just_outside(VALUES[:3], HAND, HAND.points, NAMES[:3], top_k=1)
    assert [n.to_json() for n in near] == [
        {
            "account": "B",
            "rank": 2,
            "score": pytest.approx(5.0),
            "gap": pytest.approx(0.5),
            "to_beat": "A",
            "levers": [{"criterion": "c0", "from": 2.0, "to": 4.0}, {"criterion": "c1", "from": 8.0, "to": 10.0}],
        },
        {
            "account": "C",
            "rank": 2,
            "score": pytest.approx(5.0),
            "gap": pytest.approx(0.5),
            "to_beat": "A",
            "levers": [{"criterion": "c0", "from": 5.0, "to": 7.0}, {"criterion": "c1", "from": 5.0, "to": 7.0}],
        },
    ]


def test_just_outside_fills_a_missing_value_and_says_when_nothing_single_can():
    criteria = ratings(2, 0, [1, 1])
    names = ["Top", "Gap", "Far"]
    #            x1 x2
    values = np.array([[10, 10], [4, NAN], [0, 0]], dtype=float)
    near = just_outside(values, criteria, criteria.points, names, top_k=1)
    # Gap (4.0, only x1): x1 alone reaches at most 10 = a tie Top wins by name ("Gap" < "Top": Gap wins!)
    by_name = {n.account: n for n in near}
    assert [(lv.criterion, lv.value_from, lv.value_to) for lv in by_name["Gap"].levers] == [
        ("c0", 4.0, 10.0),
    ]
    # Far (0, 0) needs 10 on both: no single value can
    assert by_name["Far"].levers == () and by_name["Far"].gap == pytest.approx(10.0)


def test_each_lever_brings_its_account_in_and_one_step_less_does_not():
    rng = np.random.default_rng(5)
    criteria = ratings(3, 2, [4, 3, 2, 2, 1])
    for _ in range(15):
        n = int(rng.integers(6, 20))
        values = rng.integers(0, 11, (n, 5)).astype(float)
        values[rng.random((n, 5)) < 0.15] = NAN
        names = [f"acct {i:02d}" for i in range(n)]
        k = int(rng.integers(1, 4))
        for near in just_outside(values, criteria, criteria.points, names, top_k=k):
            e = names.index(near.account)
            for lever in near.levers:
                j = criteria.index_of(lever.criterion)
                trial = values.copy()
                trial[e, j] = lever.value_to
                model = PickModel(Scorer(trial, criteria, names), names, k)
                assert model.pick(criteria.points)[e], (near, lever)
                less = lever.value_to - 1
                if lever.value_from is None or less > lever.value_from:
                    trial[e, j] = less
                    model = PickModel(Scorer(trial, criteria, names), names, k)
                    assert not model.pick(criteria.points)[e], (near, lever)


# --- against brute force over a fine grid of weights ------------------------------------------------

CELLS = st.one_of(st.integers(0, 10).map(float), st.just(NAN))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), n=st.integers(2, 9), m=st.integers(2, 4), rank_by=st.sampled_from(["overall", "attractiveness"]))
def test_intervals_against_brute_force(data, n, m, rank_by):
    """Every grid weight strictly inside [low, high] keeps the pick; just past an end below 1 or above 0
    it has changed (hidden sizes: n accounts, m criteria, K, pins, missing values all drawn)."""
    n_attr = data.draw(st.integers(1, m - 1))
    points = data.draw(st.lists(st.integers(0, 9).map(float), min_size=m, max_size=m))
    if sum(points) == 0:
        points[0] = 1.0
    criteria = ratings(n_attr, m - n_attr, points, rank_by)
    values = np.array(data.draw(st.lists(st.lists(CELLS, min_size=m, max_size=m), min_size=n, max_size=n)))
    names = [f"a{i}" for i in range(n)]
    top_k = data.draw(st.integers(1, n))
    include = data.draw(st.lists(st.sampled_from(names), max_size=1, unique=True))
    scorer = Scorer(values, criteria, names)
    if include and np.isnan(scorer.scores(criteria.points).overall[names.index(include[0])]):
        include = []  # a pin needs a score
    model = PickModel(scorer, names, top_k, include)
    w = criteria.weights
    today = model.pick(w)
    grid = np.linspace(0.0, 1.0, 401)[1:-1]
    for interval, j in zip(weight_intervals(model, criteria, criteria.points), range(m), strict=True):
        assert interval.low <= interval.weight <= interval.high
        others = np.delete(w, j)
        if not others.sum() > 0:
            assert interval.low == interval.high == w[j]
            continue
        for t in grid[(grid > interval.low + STEP) & (grid < interval.high - STEP)]:
            assert np.array_equal(pick_at(model, w, j, t), today), (j, t, interval)
        # at an end, or just past it, the pick is another: sometimes only at the end itself or within
        # 1e-9 of it (an account that reaches 50 % coverage, with the rule's 1e-9 slack, exactly where
        # it ties or overtakes), so the probes start at the end
        if interval.high < 1 - 2 * STEP:
            ends = interval.high + PROBES
            assert any(not np.array_equal(pick_at(model, w, j, t), today) for t in ends), (j, interval)
        if interval.low > 2 * STEP:
            ends = interval.low - PROBES
            assert any(not np.array_equal(pick_at(model, w, j, t), today) for t in ends), (j, interval)
