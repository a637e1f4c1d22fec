"""Weight-robustness sampling: reproducible, exact against a slow loop, and sane at the limits."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kamtui.core.criteria_file import load_criteria
from kamtui.core.errors import InvalidValueError
from kamtui.core.robustness import TIE_ULPS, percentile_positions, robustness
from kamtui.core.selection import score

NAN = math.nan


def slow_reference(v, w, top_k, samples, seed, kappa=200.0, columns=None):
    """The protocol of kamtui.core.robustness, one sample and one account at a time.

    ``columns``: the ranked criteria (step 5); the draws outside them are set to 0 and each sample's
    draws renormalised to sum 1.
    """
    w = np.asarray(w, dtype=float)
    w = w / w.sum()
    cols = np.ones(w.size, dtype=bool) if columns is None else np.asarray(columns)
    rng = np.random.default_rng(seed)
    draws = rng.dirichlet(kappa * w[w > 0], size=samples)
    full = np.zeros((samples, w.size))
    full[:, w > 0] = draws
    if not cols.all():
        full[:, ~cols] = 0.0
        total = full.sum(axis=1, keepdims=True)
        full = np.divide(full, total, out=np.zeros_like(full), where=total > 0)
    n = v.shape[0]
    present = ~np.isnan(v)
    has_overall = [bool(present[i, (w > 0) & cols].any()) for i in range(n)]
    ranks = np.zeros((samples, n))
    for s in range(samples):
        ws = full[s].astype(np.float32)
        scores = []
        for i in range(n):
            num = np.float32(np.where(present[i], v[i], 0.0).astype(np.float32) @ ws)
            if present[i, cols].all():
                scores.append(num)
            else:
                den = np.float32(present[i].astype(np.float32) @ ws)
                scores.append(np.float32(num / den) if den > 0 else np.float32(0))
        keys = [int(np.float32(x).view(np.int32)) for x in scores]
        for i in range(n):
            higher = sum(1 for j in range(n) if has_overall[j] and keys[j] - keys[i] > TIE_ULPS)
            ranks[s, i] = 1 + higher
    p_top = np.array([(ranks[:, i] <= top_k).mean() if has_overall[i] else 0.0 for i in range(n)])
    low = np.array(
        [np.percentile(ranks[:, i], 5, method="lower") if has_overall[i] else NAN for i in range(n)]
    )
    high = np.array(
        [np.percentile(ranks[:, i], 95, method="higher") if has_overall[i] else NAN for i in range(n)]
    )
    return p_top, low, high


def random_instance(rng, n, m, missing):
    v = rng.random((n, m))
    v[rng.random((n, m)) < missing] = NAN
    if n > 3:
        v[1] = v[0]  # identical accounts tie in every sample
    w = rng.random(m) + 0.05
    w[rng.random(m) < 0.2] = 0.0
    if w.sum() == 0:
        w[0] = 1.0
    return v, w


@pytest.mark.parametrize("case", range(12))
def test_vectorised_equals_the_slow_loop(case):
    rng = np.random.default_rng(100 + case)
    n, m = int(rng.integers(1, 30)), int(rng.integers(1, 7))
    v, w = random_instance(rng, n, m, missing=0.25 if case % 2 else 0.0)
    samples, top_k = int(rng.integers(1, 80)), int(rng.integers(1, n + 1))
    chunk = int(rng.integers(1, samples + 1))
    result = robustness(v, w, top_k, samples, seed=case, chunk=chunk)
    p_top, low, high = slow_reference(v, w, top_k, samples, seed=case)
    np.testing.assert_allclose(result.p_top_k, p_top, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(result.rank_p5, low)
    np.testing.assert_array_equal(result.rank_p95, high)


def test_seeded_runs_reproduce_and_do_not_depend_on_the_chunk_size():
    rng = np.random.default_rng(7)
    v, w = random_instance(rng, 60, 5, missing=0.2)
    first = robustness(v, w, 10, 300, seed=42)
    for chunk in (1, 7, 64, 300, None):
        again = robustness(v, w, 10, 300, seed=42, chunk=chunk)
        np.testing.assert_array_equal(again.p_top_k, first.p_top_k)
        np.testing.assert_array_equal(again.rank_p5, first.rank_p5)
        np.testing.assert_array_equal(again.rank_p95, first.rank_p95)
    other = robustness(v, w, 10, 300, seed=43)
    assert not np.array_equal(other.p_top_k, first.p_top_k)
    assert (first.top_k, first.samples, first.seed, first.kappa) == (10, 300, 42, 200.0)


def test_without_a_seed_the_drawn_seed_reproduces_the_run():
    rng = np.random.default_rng(8)
    v, w = random_instance(rng, 20, 4, missing=0.0)
    run = robustness(v, w, 5, 50, seed=None)
    assert isinstance(run.seed, int)
    again = robustness(v, w, 5, 50, seed=run.seed)
    np.testing.assert_array_equal(again.p_top_k, run.p_top_k)


@pytest.mark.parametrize("case", range(8))
def test_vectorised_equals_the_slow_loop_on_a_subset_of_ranked_columns(case):
    rng = np.random.default_rng(300 + case)
    n, m = int(rng.integers(1, 30)), int(rng.integers(2, 7))
    v, w = random_instance(rng, n, m, missing=0.25 if case % 2 else 0.0)
    columns = rng.random(m) < 0.5
    columns[int(rng.integers(0, m))] = True
    samples, top_k = int(rng.integers(1, 80)), int(rng.integers(1, n + 1))
    result = robustness(v, w, top_k, samples, seed=case, columns=columns)
    p_top, low, high = slow_reference(v, w, top_k, samples, seed=case, columns=columns)
    np.testing.assert_allclose(result.p_top_k, p_top, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(result.rank_p5, low)
    np.testing.assert_array_equal(result.rank_p95, high)


def test_all_columns_ranked_is_the_plain_run():
    rng = np.random.default_rng(12)
    v, w = random_instance(rng, 25, 5, missing=0.2)
    plain = robustness(v, w, 4, 60, seed=7)
    every = robustness(v, w, 4, 60, seed=7, columns=np.ones(5, dtype=bool))
    np.testing.assert_array_equal(every.p_top_k, plain.p_top_k)
    np.testing.assert_array_equal(every.rank_p5, plain.rank_p5)
    np.testing.assert_array_equal(every.rank_p95, plain.rank_p95)


def test_ranking_by_a_group_by_hand():
    # columns 0-1 are attractiveness (ranked), column 2 strength; equal weights
    v = np.array(
        [
            [1.0, 1.0, 0.0],  # attractiveness 1 whatever the weights: rank 1
            [0.0, 0.0, 1.0],  # attractiveness 0, although the best on strength: rank 3
            [0.5, 0.5, 1.0],  # .5: rank 2
            [NAN, NAN, 1.0],  # no attractiveness score: takes no part
        ]
    )
    w = np.array([1.0, 1.0, 1.0])
    columns = np.array([True, True, False])
    run = robustness(v, w, top_k=2, samples=300, seed=2, columns=columns)
    np.testing.assert_array_equal(run.p_top_k, [1.0, 0.0, 1.0, 0.0])
    np.testing.assert_array_equal(run.rank_p5[:3], [1, 3, 2])
    np.testing.assert_array_equal(run.rank_p95[:3], [1, 3, 2])
    assert math.isnan(run.rank_p5[3]) and math.isnan(run.rank_p95[3])
    # ranked by the overall mean instead, account 3 (strength 1 alone, renormalised: 1) leads in every
    # sample, and account 2 (.5, .5, 1: about .67) comes second
    overall = robustness(v, w, top_k=1, samples=300, seed=2)
    np.testing.assert_array_equal(overall.p_top_k, [0.0, 0.0, 0.0, 1.0])
    np.testing.assert_array_equal(overall.rank_p5[[2, 3]], [2, 1])
    with pytest.raises(InvalidValueError, match="the ranked columns must be 3 true/false values"):
        robustness(v, w, 2, 10, seed=1, columns=np.array([1, 1, 0]))


@pytest.mark.parametrize("set_id", ["kam-default", "kam-default-v1"])
def test_huge_concentration_reproduces_the_plain_ranking(set_id):
    criteria = load_criteria(set_id)
    rng = np.random.default_rng(9)
    n = 40
    values = np.column_stack(
        [
            rng.uniform(c.scale[0], c.scale[1], n) if c.scale else rng.uniform(1e4, 1e7, n)
            for c in criteria.criteria
        ]
    )
    values[rng.random(values.shape) < 0.15] = NAN
    values[5] = NAN  # no overall
    s = score(values, criteria)
    run = robustness(s.normalised, s.weights, 8, 50, seed=1, kappa=1e12, columns=criteria.rank_columns)
    in_top = (s.rank <= 8).astype(float)
    np.testing.assert_array_equal(run.p_top_k, in_top)
    scored = ~np.isnan(s.ranked)
    np.testing.assert_array_equal(run.rank_p5[scored], s.rank[scored])
    np.testing.assert_array_equal(run.rank_p95[scored], s.rank[scored])
    assert math.isnan(run.rank_p5[5]) and math.isnan(run.rank_p95[5]) and run.p_top_k[5] == 0.0


def test_hand_case_dominance_ties_and_missing_accounts():
    v = np.array(
        [
            [1.0, 1.0, 1.0],  # best on everything: 1 whatever the weights, rank 1
            [0.0, 0.0, 0.0],  # worst on everything: 0
            [0.5, 0.5, 0.5],  # 0.5 whatever the weights ...
            [0.5, NAN, 0.5],  # ... and so is this one: they tie at rank 2 in every sample
            [NAN, NAN, NAN],  # no overall
            [NAN, 0.7, 0.0],  # 0.7 counts for nothing (weight 0): 0, tied with account 1 at rank 4
        ]
    )
    w = np.array([0.5, 0.0, 0.5])
    run = robustness(v, w, top_k=2, samples=400, seed=3)
    scored = [0, 1, 2, 3, 5]
    np.testing.assert_array_equal(run.rank_p5[scored], [1, 4, 2, 2, 4])
    np.testing.assert_array_equal(run.rank_p95[scored], [1, 4, 2, 2, 4])
    np.testing.assert_array_equal(run.p_top_k, [1.0, 0.0, 1.0, 1.0, 0.0, 0.0])
    assert math.isnan(run.rank_p5[4]) and math.isnan(run.rank_p95[4])


def test_only_eligible_accounts_take_part_so_p_top_k_agrees_with_the_pick():
    v = np.array(
        [
            [1.0, 1.0],  # 1 under any weights, but not eligible (say 25 % coverage): never in the top K
            [0.8, 0.8],
            [0.6, 0.6],
            [0.1, 0.1],
        ]
    )
    w = np.array([1.0, 1.0])
    eligible = np.array([False, True, True, True])
    run = robustness(v, w, top_k=2, samples=300, seed=8, eligible=eligible)
    np.testing.assert_array_equal(run.p_top_k, [0.0, 1.0, 1.0, 0.0])
    assert math.isnan(run.rank_p5[0]) and math.isnan(run.rank_p95[0])
    np.testing.assert_array_equal(run.rank_p5[1:], [1, 2, 3])  # ranks among the eligible
    # the same as running on the eligible accounts alone
    alone = robustness(v[1:], w, top_k=2, samples=300, seed=8)
    np.testing.assert_array_equal(run.p_top_k[1:], alone.p_top_k)
    np.testing.assert_array_equal(run.rank_p95[1:], alone.rank_p95)
    with pytest.raises(InvalidValueError, match="eligible must be 4 true/false values"):
        robustness(v, w, top_k=2, samples=10, seed=8, eligible=np.array([1, 1, 1, 1]))


def test_a_coin_flip_between_two_mirror_accounts():
    # equal weights: whichever criterion a sample weighs more decides; each leads about half the time
    run = robustness(np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([1.0, 1.0]), top_k=1, samples=1000, seed=4)
    assert run.p_top_k.sum() == 1.0
    assert 0.45 < run.p_top_k[0] < 0.55
    np.testing.assert_array_equal(run.rank_p5, [1, 1])
    np.testing.assert_array_equal(run.rank_p95, [2, 2])


def test_top_k_at_least_the_number_of_accounts_is_always_in():
    rng = np.random.default_rng(10)
    v, w = random_instance(rng, 6, 3, missing=0.0)
    run = robustness(v, w, top_k=6, samples=30, seed=0)
    np.testing.assert_array_equal(run.p_top_k, np.ones(6))
    assert run.rank_p5.min() >= 1 and run.rank_p95.max() <= 6


def test_weights_as_points_are_normalised():
    rng = np.random.default_rng(11)
    v, w = random_instance(rng, 15, 4, missing=0.1)
    a = robustness(v, w / w.sum(), 3, 40, seed=5)
    b = robustness(v, w * 37.0, 3, 40, seed=5)
    np.testing.assert_array_equal(a.p_top_k, b.p_top_k)
    np.testing.assert_array_equal(a.rank_p5, b.rank_p5)


def test_percentile_positions_are_numpys():
    for samples in (1, 2, 19, 20, 21, 100, 1999, 2000):
        data = np.arange(samples) * 3.0
        low, high = percentile_positions(samples)
        assert data[low] == np.percentile(data, 5, method="lower")
        assert data[high] == np.percentile(data, 95, method="higher")
    assert percentile_positions(2000) == (99, 1900)


def test_bad_arguments():
    v = np.zeros((3, 2))
    w = np.array([1.0, 1.0])
    with pytest.raises(InvalidValueError, match="top K must be a whole number >= 1, not 0"):
        robustness(v, w, 0, 10, seed=1)
    with pytest.raises(
        InvalidValueError, match=r"the number of samples must be a whole number >= 1, not 2\.5"
    ):
        robustness(v, w, 1, 2.5, seed=1)
    with pytest.raises(InvalidValueError, match="the concentration kappa must be a number > 0, not -1"):
        robustness(v, w, 1, 10, seed=1, kappa=-1)
    with pytest.raises(InvalidValueError, match="weights must be numbers >= 0 with at least one above zero"):
        robustness(v, np.zeros(2), 1, 10, seed=1)
    with pytest.raises(
        InvalidValueError, match=r"expected accounts x 2 normalised values, got shape \(3, 3\)"
    ):
        robustness(np.zeros((3, 3)), w, 1, 10, seed=1)
    with pytest.raises(InvalidValueError, match="chunk must be a whole number >= 1, not 0"):
        robustness(v, w, 1, 10, seed=1, chunk=0)
