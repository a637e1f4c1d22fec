"""Scoring and ranking: a hand-worked example, the rules as properties, and the fast paths."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

from kamtui.core.capacity import select
from kamtui.core.criteria import CriteriaSet, Criterion
from kamtui.core.criteria_file import load_criteria
from kamtui.core.errors import InvalidValueError
from kamtui.core.selection import Ranker, normalise, rank_only, score

NAN = math.nan

# Four criteria, points 40/20/30/10 (w = .4/.2/.3/.1):
#   revenue  number, log1p, attractiveness, benefit  -> t = log1p(x), min-max over the candidates
#   cost     rating 1-5, attractiveness, cost        -> v = 1 - (x - 1) / 4
#   fit      rating 1-10, strength, benefit          -> v = (x - 1) / 9
#   share    number, strength, benefit               -> every present value is 30: constant, v = 0.5
HAND = CriteriaSet(
    id="hand",
    title="Hand-worked example",
    criteria=(
        Criterion(
            id="revenue", name="Revenue", group="attractiveness", kind="number", weight=40, transform="log"
        ),
        Criterion(
            id="cost",
            name="Cost",
            group="attractiveness",
            kind="rating",
            weight=20,
            scale=(1, 5),
            direction="cost",
        ),
        Criterion(id="fit", name="Fit", group="strength", kind="rating", weight=30),
        Criterion(id="share", name="Share", group="strength", kind="number", weight=10, unit="%"),
    ),
)

NAMES = ["Atlas", "bravo", "Corvid", "delta", "Echo", "foxtrot", "eagle"]
# revenue is given as expm1(t) so that t = log1p(x) is 4, 2, -, 0, 3, -, 2 (min 0, max 4)
VALUES = np.array(
    [
        [math.expm1(4), 1, 10, 30],  # Atlas
        [math.expm1(2), 5, 4, 30],  # bravo
        [NAN, 3, 7, NAN],  # Corvid: half the weight missing
        [0.0, NAN, NAN, 30],  # delta: half the weight missing
        [math.expm1(3), 2, 1, NAN],  # Echo
        [NAN, NAN, NAN, NAN],  # foxtrot: nothing known
        [math.expm1(2), 3, 5.5, 30],  # eagle: 0.5 everywhere, ties with Echo
    ]
)


def test_hand_worked_example_normalised_values():
    expected = np.array(
        [
            [4 / 4, 1 - 0 / 4, 9 / 9, 0.5],
            [2 / 4, 1 - 4 / 4, 3 / 9, 0.5],
            [NAN, 1 - 2 / 4, 6 / 9, NAN],
            [0 / 4, NAN, NAN, 0.5],
            [3 / 4, 1 - 1 / 4, 0 / 9, NAN],
            [NAN, NAN, NAN, NAN],
            [2 / 4, 1 - 2 / 4, 4.5 / 9, 0.5],
        ]
    )
    np.testing.assert_allclose(normalise(VALUES, HAND), expected, rtol=0, atol=1e-12)
    assert np.array_equal(np.isnan(normalise(VALUES, HAND)), np.isnan(expected))


def test_hand_worked_example_scores_ranks_and_quadrants():
    s = score(VALUES, HAND, names=NAMES)
    # coverage = points present / 100
    np.testing.assert_allclose(s.coverage, [1.0, 1.0, 0.5, 0.5, 0.9, 0.0, 1.0], rtol=0, atol=1e-12)
    np.testing.assert_array_equal(s.weights, [0.4, 0.2, 0.3, 0.1])
    # overall = 10 * sum(w v) / sum(w present):
    # Atlas 10 * (.4 + .2 + .3 + .05) = 9.5; bravo 10 * (.2 + 0 + .1 + .05) = 3.5;
    # Corvid 10 * (.2 * .5 + .3 * 2/3) / .5 = 6; delta 10 * (0 + .1 * .5) / .5 = 1;
    # Echo 10 * (.4 * .75 + .2 * .75 + 0) / .9 = 5; eagle 10 * .5 = 5; foxtrot has nothing
    np.testing.assert_allclose(s.overall, [9.5, 3.5, 6.0, 1.0, 5.0, NAN, 5.0], rtol=0, atol=1e-12)
    # attractiveness = 10 * (.4 v_rev + .2 v_cost) / (weight present of the two)
    np.testing.assert_allclose(s.attractiveness, [10.0, 10 / 3, 5.0, 0.0, 7.5, NAN, 5.0], rtol=0, atol=1e-12)
    # strength = 10 * (.3 v_fit + .1 v_share) / (weight present of the two)
    np.testing.assert_allclose(s.strength, [8.75, 3.75, 20 / 3, 5.0, 0.0, NAN, 5.0], rtol=0, atol=1e-12)
    # Echo and eagle tie at 5 (and share rank 3); foxtrot, without a score, ranks last
    assert s.rank.tolist() == [1, 5, 2, 6, 3, 7, 3]
    assert s.overall[4] == s.overall[6]  # the tie is exact, not two floats a rounding apart
    # ties listed by name, ignoring case: eagle before Echo
    assert [NAMES[i] for i in s.order] == ["Atlas", "Corvid", "eagle", "Echo", "bravo", "delta", "foxtrot"]
    # high means >= 5; Corvid's attractiveness and eagle's scores sit exactly on the threshold
    assert s.quadrant == ["Strategic", "Streamline", "Strategic", "Status", "Star", None, "Strategic"]
    assert s.low_coverage.tolist() == [False, False, False, False, False, True, False]
    assert s.names == tuple(NAMES)


def test_hand_worked_example_without_missing_values_uses_the_folded_product():
    values = VALUES[[0, 1, 6]]  # Atlas, bravo, eagle: complete; revenue t = 4, 2, 2 -> v = 1, 0, 0
    s = score(values, HAND, names=["Atlas", "bravo", "eagle"])
    # Atlas 10 * (.4 + .2 + .3 + .05) = 9.5; bravo 10 * (0 + 0 + .1 + .05) = 1.5;
    # eagle 10 * (0 + .1 + .15 + .05) = 3; strength of bravo 10 * (.3 / 3 + .05) / .4 = 3.75
    np.testing.assert_allclose(s.overall, [9.5, 1.5, 3.0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(s.attractiveness, [10.0, 0.0, 10 / 6], rtol=0, atol=1e-12)
    np.testing.assert_allclose(s.strength, [8.75, 3.75, 5.0], rtol=0, atol=1e-12)
    assert s.rank.tolist() == [1, 3, 2]
    assert s.order.tolist() == [0, 2, 1]
    assert s.quadrant == ["Strategic", "Streamline", "Status"]
    overall, rank = rank_only(values, HAND)
    np.testing.assert_allclose(overall, [9.5, 1.5, 3.0], rtol=0, atol=1e-12)
    assert rank.tolist() == [1, 3, 2]


def test_an_account_without_any_value_in_a_weighted_group_is_flagged():
    values = np.vstack([VALUES, [[NAN, NAN, 9.0, 30.0]]])  # "golf": strength values only
    s = score(values, HAND, names=[*NAMES, "golf"])
    # golf: overall from fit and share alone (30 is the constant 0.5), coverage 40 % (also low)
    assert math.isnan(s.attractiveness[7]) and s.quadrant[7] is None and not math.isnan(s.overall[7])
    assert s.missing_group.tolist() == [False] * 7 + [True]  # foxtrot (nothing at all) has no overall
    assert s.eligible.tolist() == [True, True, True, True, True, False, True, False]
    # a group that carries no weight is no group to miss
    no_strength = score(values, HAND, np.array([40.0, 20.0, 0.0, 0.0]), names=[*NAMES, "golf"])
    # (and golf, with only the unweighted strength criteria, has no overall at all: not flagged)
    assert no_strength.missing_group.tolist() == [False] * 8 and math.isnan(no_strength.overall[7])


def test_custom_points_and_thresholds():
    points = np.array([0.0, 0.0, 1.0, 1.0])  # strength only
    s = score(VALUES, HAND, points=points, names=NAMES)
    # Atlas (1 + .5) / 2; bravo (1/3 + .5) / 2; Corvid 2/3; delta .5; Echo 0; eagle .5
    np.testing.assert_allclose(s.overall, [7.5, 25 / 6, 20 / 3, 5.0, 0.0, NAN, 5.0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(s.coverage, [1.0, 1.0, 0.5, 0.5, 0.5, 0.0, 1.0], rtol=0, atol=1e-12)
    # no attractiveness weight: the group score is missing, so is the quadrant
    assert np.isnan(s.attractiveness).all()
    assert s.quadrant == [None] * 7
    # Atlas 7.5, Corvid 6.67, delta and eagle 5, bravo 4.17, Echo 0, foxtrot none
    assert s.rank.tolist() == [1, 5, 2, 3, 6, 7, 3]
    assert [NAMES[i] for i in s.order] == ["Atlas", "Corvid", "delta", "eagle", "bravo", "Echo", "foxtrot"]


def test_all_missing_column_stays_missing_and_single_value_column_is_constant():
    values = np.array([[NAN, 1, 1, 7.0], [NAN, 5, 10, NAN]])
    v = normalise(values, HAND)
    assert np.isnan(v[:, 0]).all()
    assert v[0, 3] == 0.5 and np.isnan(v[1, 3])
    s = score(values, HAND)
    # account 0: cost v 1, fit 0, share .5 -> 10 * (.2 + 0 + .05) / .6; account 1: cost 0, fit 1 -> 10 * .3 / .5
    np.testing.assert_allclose(s.overall, [2.5 / 0.6, 6.0], rtol=0, atol=1e-12)
    assert s.rank.tolist() == [2, 1]


def test_nobody_scored_and_nobody_at_all():
    s = score(np.full((2, 4), NAN), HAND, names=["b", "a"])
    assert s.rank.tolist() == [1, 1]
    assert s.order.tolist() == [1, 0]
    empty = score(np.empty((0, 4)), HAND, names=[])
    assert empty.rank.tolist() == [] and empty.quadrant == [] and empty.order.tolist() == []


def test_equal_scores_from_different_roundings_tie():
    # .1 + .2 != .3 in binary: 10 * (.4 v1 + .6 v2) computed two ways must still tie
    crit = CriteriaSet(
        id="t",
        title="t",
        criteria=(
            Criterion(id="a", name="A", group="attractiveness", kind="rating", weight=1, scale=(0, 1)),
            Criterion(id="b", name="B", group="strength", kind="rating", weight=2, scale=(0, 1)),
        ),
    )
    values = np.array([[0.1, 0.2], [0.3, 0.1], [0.2, 0.15], [0.9, 0.9]])
    overall, rank = rank_only(values, crit)
    # (.1 + .4) / 3 = (.3 + .2) / 3 = (.2 + .3) / 3 = 1/6
    assert rank.tolist() == [2, 2, 2, 1]
    assert overall[0] == overall[1] == overall[2]
    np.testing.assert_allclose(overall, [10 / 6, 10 / 6, 10 / 6, 9.0], rtol=0, atol=1e-12)


def test_ill_conditioned_numbers_keep_their_precision():
    crit = CriteriaSet(
        id="t",
        title="t",
        criteria=(
            Criterion(id="a", name="A", group="attractiveness", kind="number", weight=1),
            Criterion(id="b", name="B", group="strength", kind="rating", weight=1, scale=(1000, 1004)),
        ),
    )
    values = np.array([[1e12, 1000.0], [1e12 + 1, 1004.0], [1e12 + 0.5, 1001.0]])
    overall, rank = rank_only(values, crit)
    # a: 0, 1, .5; b: 0, 1, .25 -> 10 * mean
    np.testing.assert_allclose(overall, [0.0, 10.0, 3.75], rtol=0, atol=1e-12)
    assert rank.tolist() == [3, 1, 2]
    ranker = Ranker(values, crit)
    np.testing.assert_allclose(
        ranker.rank(np.array([3.0, 1.0]))[0], [0.0, 10.0, 10 * (1.5 + 0.25) / 4], atol=1e-12
    )


@pytest.mark.parametrize("set_id", ["kam-default", "kam-default-v1"])
def test_ranker_reranks_under_new_weights_like_rank_only(set_id):
    criteria = load_criteria(set_id)
    values = _random_values(criteria, np.random.default_rng(3), 40, missing=0.0)
    ranker = Ranker(values, criteria)
    for seed in range(5):
        points = np.random.default_rng(seed).integers(0, 10, len(criteria)).astype(float) + 0.5
        overall, rank = ranker.rank(points)
        expected_overall, expected_rank = rank_only(values, criteria, points)
        np.testing.assert_allclose(overall, expected_overall, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(rank, expected_rank)
    values[3, 2] = NAN  # switches to the renormalised path
    overall, rank = Ranker(values, criteria).rank()
    expected = score(values, criteria)
    np.testing.assert_allclose(overall, expected.overall, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(rank, expected.rank)


def test_bad_inputs_raise_invalid_value_errors():
    with pytest.raises(
        InvalidValueError, match=r"expected a table of accounts x 4 criteria \(revenue, cost, fit, share\)"
    ):
        score(np.ones((2, 3)), HAND)
    with pytest.raises(InvalidValueError, match=r"weight of 'cost' must be a number >= 0, not -1\.0"):
        rank_only(VALUES, HAND, np.array([1.0, -1.0, 1.0, 1.0]))
    with pytest.raises(InvalidValueError, match="all weights are zero"):
        score(VALUES, HAND, points=np.zeros(4))
    with pytest.raises(InvalidValueError, match="expected 4 weights"):
        score(VALUES, HAND, points=np.ones(3))
    bad = VALUES.copy()
    bad[1, 2] = math.inf
    with pytest.raises(InvalidValueError, match=r"account 2: 'Fit' is not a finite number \(inf\)"):
        rank_only(bad, HAND)
    negative = VALUES.copy()
    negative[0, 0] = -3.0
    with pytest.raises(InvalidValueError, match="account 1: -3 is negative; 'Revenue' is log-transformed"):
        score(negative, HAND)
    with pytest.raises(InvalidValueError, match="account 1: -3 is negative"):
        rank_only(negative[[0, 1]], HAND)
    negative[0, 0] = -0.5  # log1p would take it, the rule does not
    with pytest.raises(InvalidValueError, match=r"account 1: -0\.5 is negative"):
        rank_only(negative[[0, 1]], HAND)
    with pytest.raises(InvalidValueError, match=r"account 1: -0\.5 is negative"):
        Ranker(negative[[0, 1]], HAND)
    with pytest.raises(InvalidValueError, match="2 account names for 7 rows"):
        score(VALUES, HAND, names=["a", "b"])


# --- against a straightforward implementation --------------------------------------------------


def _reference(
    values: np.ndarray, criteria: CriteriaSet, points: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Column by column, as DESIGN.md words it; rankdata for the ranks.

    Integer ratings with missing values often give mathematically equal scores that this direct sum
    rounds a unit in the last place apart; ranks are taken on scores rounded to 1e-9 so that those
    tie, as the rule (and kamtui) has them.
    """
    v = np.empty_like(values)
    for j, c in enumerate(criteria.criteria):
        x = values[:, j]
        if c.kind == "rating" or c.scale is not None:  # a rating, or a number on a fixed scale
            col = (x - c.scale[0]) / (c.scale[1] - c.scale[0])
        else:
            t = np.log1p(x) if c.transform == "log" else x
            present = t[~np.isnan(t)]
            if present.size == 0:
                col = t.copy()
            elif present.max() == present.min():
                col = np.where(np.isnan(t), NAN, 0.5)
            else:
                col = (t - present.min()) / (present.max() - present.min())
        v[:, j] = 1 - col if c.direction == "cost" else col
    w = points / points.sum()
    mask = ~np.isnan(v)
    den = (mask * w).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        overall = np.where(den > 0, 10 * np.where(mask, v * w, 0).sum(axis=1) / den, NAN)
    # the ranked score r: overall, or the attractiveness group's weighted mean (rank_by)
    wr = w * np.array([criteria.rank_by == "overall" or c.group == "attractiveness" for c in criteria])
    den_r = (mask * wr).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(den_r > 0, 10 * np.where(mask, v * wr, 0).sum(axis=1) / den_r, NAN)
    rank = np.full(len(values), int((den_r > 0).sum()) + 1)
    rank[den_r > 0] = rankdata(-np.round(r[den_r > 0], 9), method="min")
    return overall, rank


def _random_values(criteria: CriteriaSet, rng: np.random.Generator, n: int, missing: float) -> np.ndarray:
    cols = []
    for c in criteria.criteria:
        if c.scale is not None:  # ratings and numbers on a fixed scale: values on the scale
            cols.append(rng.integers(int(c.scale[0]), int(c.scale[1]) + 1, n).astype(float))
        else:
            cols.append(rng.integers(0, 5_000_000, n).astype(float))
    values = np.column_stack(cols)
    values[rng.random(values.shape) < missing] = NAN
    return values


@pytest.mark.parametrize("set_id", ["kam-default", "kam-default-v1"])
@pytest.mark.parametrize("missing", [0.0, 0.2, 0.6])
def test_matches_a_straightforward_implementation(missing, set_id):
    criteria = load_criteria(set_id)
    rng = np.random.default_rng(11)
    for _ in range(60):
        n = int(rng.integers(1, 60))
        values = _random_values(criteria, rng, n, missing)
        points = rng.integers(0, 6, len(criteria)).astype(float)
        points[0] += 1
        overall, rank = _reference(values, criteria, points)
        s = score(values, criteria, points=points)
        np.testing.assert_allclose(s.overall, overall, rtol=0, atol=1e-12)
        np.testing.assert_array_equal(s.rank, rank)
        fast_overall, fast_rank = rank_only(values, criteria, points)
        np.testing.assert_array_equal(fast_rank, rank)
        np.testing.assert_array_equal(fast_overall, s.overall)


# --- properties --------------------------------------------------------------------------------

MIXED = CriteriaSet(
    id="mixed",
    title="Mixed",
    criteria=(
        Criterion(id="rev", name="Revenue", group="attractiveness", kind="number", weight=3, transform="log"),
        Criterion(id="growth", name="Growth", group="attractiveness", kind="rating", weight=2),
        Criterion(id="cost", name="Cost", group="attractiveness", kind="rating", weight=1, direction="cost"),
        Criterion(id="stage", name="Stage", group="strength", kind="rating", weight=2, scale=(1, 5)),
        Criterion(id="share", name="Share", group="strength", kind="number", weight=2),
    ),
)


@st.composite
def matrices(draw, min_rows: int = 1):
    n = draw(st.integers(min_rows, 12))
    rows = []
    for _ in range(n):
        row = [
            draw(st.one_of(st.integers(0, 10**7).map(float), st.just(NAN))),
            draw(st.one_of(st.integers(1, 10).map(float), st.just(NAN))),
            draw(st.one_of(st.integers(1, 10).map(float), st.just(NAN))),
            draw(st.one_of(st.integers(1, 5).map(float), st.just(NAN))),
            draw(st.one_of(st.integers(0, 100).map(float), st.just(NAN))),
        ]
        rows.append(row)
    return np.array(rows)


points_strategy = st.lists(st.integers(0, 20), min_size=5, max_size=5).filter(lambda p: sum(p) > 0)


@settings(max_examples=150, deadline=None)
@given(values=matrices(), points=points_strategy, data=st.data())
def test_raising_a_benefit_value_never_worsens_the_rank(values, points, data):
    p = np.array(points, dtype=float)
    benefit = [0, 1, 3, 4]
    i = data.draw(st.integers(0, len(values) - 1))
    j = data.draw(st.sampled_from(benefit))
    assume(not math.isnan(values[i, j]))
    top = {0: 10**7 + 10**6, 1: 10, 3: 5, 4: 200}[j]
    assume(values[i, j] < top)
    raised = values.copy()
    raised[i, j] = data.draw(st.integers(int(values[i, j]) + 1, top).map(float))
    before = score(values, MIXED, points=p).rank[i]
    after = score(raised, MIXED, points=p).rank[i]
    assert after <= before


@settings(max_examples=100, deadline=None)
@given(values=matrices(), points=points_strategy, factor=st.floats(1e-3, 1e3))
def test_rescaling_a_plain_number_criterion_changes_nothing(values, points, factor):
    p = np.array(points, dtype=float)
    scaled = values.copy()
    scaled[:, 4] *= factor  # share, no log: a change of unit
    a, b = score(values, MIXED, points=p), score(scaled, MIXED, points=p)
    np.testing.assert_allclose(b.normalised, a.normalised, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b.overall, a.overall, rtol=0, atol=1e-11)
    np.testing.assert_array_equal(b.rank, a.rank)
    assert b.quadrant == a.quadrant


@settings(max_examples=100, deadline=None)
@given(values=matrices(), points=points_strategy, factor=st.floats(1e-3, 1e3))
def test_multiplying_all_weights_changes_nothing(values, points, factor):
    p = np.array(points, dtype=float)
    a, b = score(values, MIXED, points=p), score(values, MIXED, points=p * factor)
    np.testing.assert_allclose(b.weights, a.weights, rtol=1e-12, atol=0)
    np.testing.assert_allclose(b.overall, a.overall, rtol=0, atol=1e-11)
    np.testing.assert_allclose(b.coverage, a.coverage, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(b.rank, a.rank)
    np.testing.assert_array_equal(b.order, a.order)


@settings(max_examples=100, deadline=None)
@given(values=matrices(), j=st.integers(0, 4))
def test_flipping_a_criterion_to_cost_inverts_its_column(values, j):
    old = MIXED.criteria[j]
    flipped_criterion = Criterion(**{**old.__dict__, "direction": "benefit" if old.is_cost else "cost"})
    flipped = CriteriaSet(
        id="f",
        title="f",
        criteria=tuple(flipped_criterion if k == j else c for k, c in enumerate(MIXED.criteria)),
    )
    a, b = normalise(values, MIXED), normalise(values, flipped)
    np.testing.assert_allclose(b[:, j], 1.0 - a[:, j], rtol=0, atol=1e-15)
    assert np.array_equal(np.isnan(b[:, j]), np.isnan(a[:, j]))
    others = [k for k in range(5) if k != j]
    np.testing.assert_array_equal(b[:, others], a[:, others])


@settings(max_examples=100, deadline=None)
@given(values=matrices(), points=points_strategy)
def test_rank_is_rankdata_of_the_reported_overall(values, points):
    s = score(values, MIXED, points=np.array(points, dtype=float))
    scored = ~np.isnan(s.overall)
    np.testing.assert_array_equal(s.rank[scored], rankdata(-s.overall[scored], method="min"))
    assert (s.rank[~scored] == scored.sum() + 1).all()
    ranked = s.rank[s.order]
    assert (np.diff(ranked) >= 0).all()


def test_huge_finite_values_whose_range_overflows_are_still_scored():
    crit = CriteriaSet(
        id="t",
        title="t",
        criteria=(
            Criterion(id="q", name="Q", group="attractiveness", kind="rating", weight=4),
            Criterion(id="s", name="S", group="strength", kind="number", weight=1),
        ),
    )
    values = np.array([[5.0, 1e308], [6.0, -1e308], [7.0, 0.0]])
    # share: 1e308 - (-1e308) overflows; v = 1, 0, 0.5 all the same
    np.testing.assert_allclose(normalise(values, crit)[:, 1], [1.0, 0.0, 0.5], rtol=0, atol=1e-12)
    s = score(values, crit)
    np.testing.assert_array_equal(s.coverage, [1.0, 1.0, 1.0])
    # 10 * (.8 * (x - 1) / 9 + .2 * v)
    expected = [10 * (0.8 * 4 / 9 + 0.2), 10 * 0.8 * 5 / 9, 10 * (0.8 * 6 / 9 + 0.1)]
    np.testing.assert_allclose(s.overall, expected, rtol=0, atol=1e-12)
    np.testing.assert_allclose(Ranker(values, crit).rank()[0], expected, rtol=0, atol=1e-12)
    assert s.rank.tolist() == [2, 3, 1]


# --- a number on a fixed scale (README, "Criteria files") ----------------------------------------

# fit: rating 1-10, attractiveness, 3 points; sow: number on the fixed scale 0-100, strength, 1 point.
FIXED = CriteriaSet(
    id="fixed",
    title="Fixed scale",
    criteria=(
        Criterion(id="fit", name="Fit", group="attractiveness", kind="rating", weight=3),
        Criterion(
            id="sow",
            name="Share of wallet",
            group="strength",
            kind="number",
            weight=1,
            unit="%",
            scale=(0, 100),
        ),
    ),
)


def test_a_fixed_scale_number_is_normalised_on_its_scale_not_min_max():
    values = np.array([[10.0, 25.0], [1.0, 75.0], [5.5, 50.0]])
    # fit (x - 1) / 9: 1, 0, .5; sow (x - 0) / 100: .25, .75, .5 (min-max would give 0, 1, .5)
    np.testing.assert_allclose(normalise(values, FIXED), [[1.0, 0.25], [0.0, 0.75], [0.5, 0.5]], atol=1e-15)
    s = score(values, FIXED, names=["A", "B", "C"])
    # overall = 10 (.75 v_fit + .25 v_sow): A 10 (.75 + .0625) = 8.125, B 10 (.1875) = 1.875, C 5
    np.testing.assert_allclose(s.overall, [8.125, 1.875, 5.0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(s.strength, [2.5, 7.5, 5.0], rtol=0, atol=1e-12)
    assert s.quadrant == ["Star", "Status", "Strategic"]
    # the folded fast path and the prepared ranker agree
    np.testing.assert_allclose(rank_only(values, FIXED)[0], [8.125, 1.875, 5.0], rtol=0, atol=1e-12)
    np.testing.assert_allclose(Ranker(values, FIXED).rank()[0], [8.125, 1.875, 5.0], rtol=0, atol=1e-12)


def test_a_fixed_scale_does_not_move_when_the_candidate_list_changes():
    alone = normalise(np.array([[10.0, 25.0]]), FIXED)
    # one candidate: a min-max column would be constant (0.5); the fixed scale keeps 25 % at .25
    np.testing.assert_allclose(alone, [[1.0, 0.25]], atol=1e-15)
    both = normalise(np.array([[10.0, 25.0], [1.0, 30.0]]), FIXED)
    assert both[0, 1] == alone[0, 1] == 0.25
    # strength of the 25 % account is 2.5 whoever else is on the list: its quadrant does not move
    assert score(np.array([[10.0, 25.0]]), FIXED).quadrant == ["Star"]
    assert score(np.array([[10.0, 25.0], [1.0, 99.0], [2.0, 1.0]]), FIXED).quadrant[0] == "Star"


def test_a_fixed_scale_cost_number_is_inverted():
    cost = dataclasses.replace(
        FIXED, criteria=(FIXED.criteria[0], dataclasses.replace(FIXED.criteria[1], direction="cost"))
    )
    np.testing.assert_allclose(normalise(np.array([[1.0, 25.0]]), cost), [[0.0, 0.75]], atol=1e-15)


def test_a_value_outside_the_fixed_scale_is_refused_like_a_rating():
    share = FIXED.criteria[1]
    assert share.check_value(100) is None and share.check_value(0) is None and share.check_value(12.5) is None
    assert share.check_value(100.5) == "100.5 is outside the scale 0 to 100 of 'Share of wallet'"
    assert share.check_value(-1) == "-1 is outside the scale 0 to 100 of 'Share of wallet'"
    assert FIXED.criteria[0].check_value(11) == "11 is outside the rating scale 1 to 10 of 'Fit'"


# --- rank_by = "attractiveness" (README, "Criteria files") ---------------------------------------

HAND_A = dataclasses.replace(HAND, rank_by="attractiveness")
NAMES_8 = [*NAMES, "golf"]
VALUES_8 = np.vstack([VALUES, [NAN, NAN, 10.0, 30.0]])  # golf: strength only (coverage .4)


def test_rank_by_attractiveness_ranks_ties_and_order_by_hand():
    s = score(VALUES_8, HAND_A, names=NAMES_8)
    # overall and group scores are the same as when ranking by overall (hand-worked example above);
    # golf: 10 (.3 * 1 + .1 * .5) / .4 = 8.75, no attractiveness
    np.testing.assert_allclose(s.overall, [9.5, 3.5, 6.0, 1.0, 5.0, NAN, 5.0, 8.75], rtol=0, atol=1e-12)
    attractiveness = [10.0, 10 / 3, 5.0, 0.0, 7.5, NAN, 5.0, NAN]
    np.testing.assert_allclose(s.attractiveness, attractiveness, rtol=0, atol=1e-12)
    # rank = rankdata(-attractiveness, "min"): Atlas 10 -> 1, Echo 7.5 -> 2, Corvid and eagle 5 -> 3,
    # bravo 3.33 -> 5, delta 0 -> 6; foxtrot and golf have no attractiveness and share the last rank 7
    assert s.rank.tolist() == [1, 5, 3, 6, 2, 7, 3, 7]
    scored = ~np.isnan(s.attractiveness)
    np.testing.assert_array_equal(s.rank[scored], rankdata(-s.attractiveness[scored], method="min"))
    assert s.attractiveness[2] == s.attractiveness[6]  # the tie is exact
    # ties listed by name: Corvid before eagle, foxtrot before golf
    assert [NAMES_8[i] for i in s.order] == [
        "Atlas",
        "Echo",
        "Corvid",
        "eagle",
        "bravo",
        "delta",
        "foxtrot",
        "golf",
    ]
    assert s.rank_by == "attractiveness"
    np.testing.assert_array_equal(s.ranked, s.attractiveness)
    # ranking by overall instead: golf (8.75) would be second
    by_overall = score(VALUES_8, HAND, names=NAMES_8)
    assert by_overall.rank.tolist() == [1, 6, 3, 7, 4, 8, 4, 2]
    np.testing.assert_array_equal(by_overall.ranked, by_overall.overall)


def test_rank_by_attractiveness_in_the_fast_paths():
    overall, rank = rank_only(VALUES_8, HAND_A)
    np.testing.assert_allclose(overall, [9.5, 3.5, 6.0, 1.0, 5.0, NAN, 5.0, 8.75], rtol=0, atol=1e-12)
    assert rank.tolist() == [1, 5, 3, 6, 2, 7, 3, 7]
    assert Ranker(VALUES_8, HAND_A).rank()[1].tolist() == [1, 5, 3, 6, 2, 7, 3, 7]
    complete = VALUES[[0, 1, 6]]  # Atlas, bravo, eagle: attractiveness 10, 0, 10/6 (folded product)
    assert rank_only(complete, HAND_A)[1].tolist() == [1, 3, 2]
    assert Ranker(complete, HAND_A).rank()[1].tolist() == [1, 3, 2]
    # strength-only points: nobody has an attractiveness score, so everybody shares rank 1
    points = np.array([0.0, 0.0, 1.0, 1.0])
    assert rank_only(complete, HAND_A, points)[1].tolist() == [1, 1, 1]
    assert Ranker(complete, HAND_A).rank(points)[1].tolist() == [1, 1, 1]
    assert score(complete, HAND_A, points=points).rank.tolist() == [1, 1, 1]
    # new weights re-rank by the new attractiveness: revenue only -> Atlas 10, bravo 5, eagle 5
    revenue = np.array([1.0, 0.0, 0.0, 0.0])
    assert Ranker(complete, HAND_A).rank(revenue)[1].tolist() == [1, 2, 2]


def test_the_pick_without_capacity_follows_rank_by():
    s = score(VALUES_8, HAND_A, names=NAMES_8)
    # eligible: coverage >= 50 % -> not foxtrot (0) nor golf (.4); best 3 by attractiveness rank
    pick = select(s, NAMES_8, top_k=3)
    assert [NAMES_8[i] for i in np.flatnonzero(pick.selected)] == ["Atlas", "Corvid", "Echo"]
    assert pick.total_score == 9.5 + 6.0 + 5.0  # still reported as the summed overall
    # by overall the pick is Atlas 9.5, Corvid 6, then the Echo / eagle tie goes to eagle by name
    by_overall = select(score(VALUES_8, HAND, names=NAMES_8), NAMES_8, top_k=3)
    assert [NAMES_8[i] for i in np.flatnonzero(by_overall.selected)] == ["Atlas", "Corvid", "eagle"]
    # K = 2: Atlas and Echo (attractiveness 10 and 7.5), where overall picks Atlas and Corvid
    two = select(s, NAMES_8, top_k=2)
    assert [NAMES_8[i] for i in np.flatnonzero(two.selected)] == ["Atlas", "Echo"]


def test_the_capacity_pick_keeps_maximising_the_summed_overall():
    s = score(VALUES_8, HAND_A, names=NAMES_8)
    effort = np.full(8, 0.5)
    pick = select(s, NAMES_8, top_k=2, effort=effort, capacity=10.0)
    # milp maximises overall: Atlas 9.5 + Corvid 6 (not Atlas + Echo, the best two by attractiveness)
    assert [NAMES_8[i] for i in np.flatnonzero(pick.selected)] == ["Atlas", "Corvid"]
    assert pick.total_score == pytest.approx(15.5, abs=1e-9)
    # equal overall (Echo and eagle, 5 each) goes to the better ranking order: Echo (attractiveness 7.5)
    three = select(s, NAMES_8, top_k=3, effort=effort, capacity=10.0)
    assert [NAMES_8[i] for i in np.flatnonzero(three.selected)] == ["Atlas", "Corvid", "Echo"]


def test_weights_whose_sum_overflows_are_refused_with_the_limit():
    with pytest.raises(InvalidValueError, match=r"the weights add up to more than 1\.798e\+308"):
        score(VALUES, HAND, points=np.array([1e308, 1e308, 1.0, 1.0]))
    with pytest.raises(InvalidValueError, match=r"the weights add up to more than 1\.798e\+308"):
        rank_only(VALUES, HAND, np.array([1e308, 1e308, 1.0, 1.0]))
