"""TOPSIS beside the weighted sum: against pymcdm, a hand-worked case with a missing value, Kendall's tau."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.stats import kendalltau, rankdata

from kamtui.core.criteria import CriteriaSet, Criterion
from kamtui.core.selection import normalise, score
from kamtui.core.topsis import closeness, kendall_tau, rank_of, topsis_rank

pymcdm = pytest.importorskip("pymcdm", reason="pymcdm comes with the bench extra (pip install -e '.[bench]')")
from pymcdm.methods import TOPSIS  # noqa: E402

NAN = math.nan


def numbers_set(m: int, costs: tuple[bool, ...]) -> CriteriaSet:
    """m plain numbers (min-max over the candidates), some of them costs."""
    return CriteriaSet(
        id="numbers",
        title="Numbers",
        criteria=tuple(
            Criterion(
                id=f"c{j}",
                name=f"C{j}",
                group="attractiveness" if j % 2 == 0 else "strength",
                kind="number",
                weight=1,
                direction="cost" if costs[j] else "benefit",
            )
            for j in range(m)
        ),
    )


def pymcdm_ranks(preferences: np.ndarray) -> np.ndarray:
    return rankdata(-preferences, method="min").astype(int)


@settings(max_examples=60, deadline=None)
@pytest.mark.filterwarnings("ignore::UserWarning")  # pymcdm warns about dominated alternatives
@given(data=st.data(), n=st.integers(3, 25), m=st.integers(2, 6))
def test_same_ranking_as_pymcdm_topsis_on_min_max_numbers(data, n, m):
    """pymcdm's TOPSIS with its default min-max normalisation, on the raw values, ranks exactly alike."""
    costs = tuple(data.draw(st.lists(st.booleans(), min_size=m, max_size=m)))
    values = data.draw(arrays(np.float64, (n, m), elements=st.integers(0, 50).map(float)))
    for j in range(m):  # pymcdm divides by max - min: every column must vary
        values[0, j], values[1, j] = 0.0, 60.0
    weights = np.array(data.draw(st.lists(st.integers(1, 9), min_size=m, max_size=m)), dtype=float)
    criteria = numbers_set(m, costs)
    ours = topsis_rank(normalise(values, criteria), weights)
    types = np.array([-1 if c else 1 for c in costs])
    theirs = pymcdm_ranks(TOPSIS()(values, weights / weights.sum(), types))
    assert ours.tolist() == theirs.tolist()


@settings(max_examples=40, deadline=None)
@pytest.mark.filterwarnings("ignore::UserWarning")
@given(data=st.data(), n=st.integers(3, 25))
def test_same_ranking_as_pymcdm_once_given_our_normalised_ratings(data, n):
    """Ratings are normalised on their scale, not min-max: pymcdm gets our matrix and an identity
    normalisation (all columns benefit, the costs already inverted), and ranks exactly alike."""
    criteria = CriteriaSet(
        id="ratings",
        title="Ratings",
        criteria=(
            Criterion(id="fit", name="Fit", group="attractiveness", kind="rating", weight=5),
            Criterion(id="risk", name="Risk", group="attractiveness", kind="rating", weight=2, direction="cost"),
            Criterion(id="share", name="Share", group="strength", kind="number", weight=3, scale=(0, 100)),
            Criterion(id="spend", name="Spend", group="strength", kind="number", weight=4, transform="log"),
        ),
    )
    fit = data.draw(st.lists(st.integers(1, 10), min_size=n, max_size=n))
    risk = data.draw(st.lists(st.integers(1, 10), min_size=n, max_size=n))
    share = data.draw(st.lists(st.integers(0, 100), min_size=n, max_size=n))
    spend = data.draw(st.lists(st.integers(0, 10**7), min_size=n, max_size=n))
    values = np.array([fit, risk, share, spend], dtype=float).T
    values[0], values[1] = [1, 1, 0, 0], [10, 10, 100, 10**7]  # every column varies (pymcdm: no 0 / 0)
    v = normalise(values, criteria)
    weights = criteria.weights
    ours = topsis_rank(v, weights)
    theirs = pymcdm_ranks(TOPSIS(normalization_function=lambda x, cost: x)(v, weights, np.ones(4, dtype=int)))
    assert ours.tolist() == theirs.tolist()


def test_hand_worked_closeness_with_a_missing_value():
    # weights .5/.5 on v; y = v * w: ideal (.5, .5), anti-ideal (0, 0) over the values present
    #   A (1, 0):   d+ = .5, d- = .5                 -> c = .5
    #   B (.5, 1):  d+ = .25, d- = sqrt(.0625+.25)   -> c = .5590 / .8090 = .6910
    #   C (0, -):   only the first criterion: d+ = .5, d- = 0 -> c = 0
    #   D (-, -):   nothing                          -> NaN, last
    v = np.array([[1.0, 0.0], [0.5, 1.0], [0.0, NAN], [NAN, NAN]])
    c = closeness(v, np.array([1.0, 1.0]))
    d_minus = math.sqrt(0.25**2 + 0.5**2)
    assert c[:3] == pytest.approx([0.5, d_minus / (0.25 + d_minus), 0.0], abs=1e-15)
    assert math.isnan(c[3])
    assert rank_of(c).tolist() == [2, 1, 3, 4]
    # weights renormalised over what an account has would scale both distances alike: same closeness
    assert closeness(v, np.array([3.0, 3.0])) == pytest.approx(c, nan_ok=True)


def test_constant_columns_give_one_half_and_zero_weights_take_no_part():
    v = np.array([[0.5, 1.0], [0.5, 0.0]])
    assert closeness(v, np.array([1.0, 0.0])).tolist() == [0.5, 0.5]
    assert closeness(v, np.array([1.0, 1.0])).tolist() == [1.0, 0.0]


def test_only_the_ranked_columns_take_part_when_the_set_ranks_by_attractiveness():
    criteria = CriteriaSet(
        id="by-attr",
        title="By attractiveness",
        rank_by="attractiveness",
        criteria=(
            Criterion(id="fit", name="Fit", group="attractiveness", kind="rating", weight=1),
            Criterion(id="strength", name="Strength", group="strength", kind="rating", weight=9),
        ),
    )
    values = np.array([[10.0, 1.0], [1.0, 10.0]])
    s = score(values, criteria)
    assert topsis_rank(s.normalised, s.weights, criteria.rank_columns).tolist() == [1, 2]
    assert topsis_rank(s.normalised, s.weights).tolist() == [2, 1]


def test_kendall_tau_is_scipys_tau_b_and_by_hand():
    # (1 2 3 4) against (1 3 2 4): 5 concordant pairs, 1 discordant -> (5 - 1) / 6
    assert kendall_tau(np.array([1, 2, 3, 4]), np.array([1, 3, 2, 4])) == pytest.approx(4 / 6, abs=1e-15)
    rng = np.random.default_rng(17)
    for _ in range(50):
        n = int(rng.integers(2, 60))
        a = rng.integers(1, 8, n)  # with ties
        b = rng.integers(1, 8, n)
        expected = kendalltau(a, b).statistic
        got = kendall_tau(a, b)
        if np.isnan(expected):
            assert got is None
        else:
            assert got == pytest.approx(expected, abs=1e-12)
    assert kendall_tau(np.array([1]), np.array([1])) is None
    assert kendall_tau(np.array([1, 1, 1]), np.array([1, 2, 3])) is None  # no variation: undefined
