"""The capacity pick's shortcuts are exact: pruning never changes the pick, every binding limit binds.

test_capacity.py checks the pick against brute force on small cases; these check the two reductions that
make the 2,000-account pick take a fraction of a second (kamtui.core.capacity_prune, capacity_binding).
"""

from __future__ import annotations

import math
from itertools import product

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import kamtui.core.capacity as capacity
from kamtui.core.capacity import select
from kamtui.core.selection import Scores


def make_scores(overall, names):
    overall = np.asarray(overall, dtype=float)
    n = overall.size
    order = np.lexsort((np.array([nm.casefold() for nm in names]), -overall))
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(1, n + 1)
    return Scores(
        overall=overall,
        attractiveness=overall.copy(),
        strength=overall.copy(),
        coverage=np.ones(n),
        rank=rank,
        order=order,
        quadrant=["Strategic"] * n,
        normalised=np.zeros((n, 1)),
        weights=np.ones(1),
    )


def best_total(overall, effort, owners, top_k, capacity_fte, per_kam, include=()):
    """Brute force: the best total score over every subset within the limits."""
    n = len(overall)
    best = -math.inf
    for bits in product([False, True], repeat=n):
        chosen = np.array(bits)
        if sum(bits) > max(top_k, len(include)) or any(not chosen[i] for i in include):
            continue
        if capacity_fte is not None and effort[chosen].sum() > capacity_fte + 1e-9:
            continue
        if per_kam is not None and any(
            effort[chosen & (owners == o)].sum() > per_kam + 1e-9 for o in set(owners) - {""}
        ):
            continue
        best = max(best, float(overall[chosen].sum()))
    return best


@st.composite
def cases(draw):
    n = draw(st.integers(2, 9))
    overall = [draw(st.sampled_from([0.0, 2.5, 5.0, 6.5, 7.0, 8.0, 9.5])) for _ in range(n)]
    effort = [draw(st.sampled_from([0.0, 0.25, 0.5, 1.0, 1.5])) for _ in range(n)]
    owners = [draw(st.sampled_from(["", "Ann", "Bob"])) for _ in range(n)]
    cap = draw(st.sampled_from([None, 1.0, 2.0, 3.0]))
    per_kam = draw(st.sampled_from([None, 0.5, 1.0, 1.5]))
    if cap is None and per_kam is None:
        cap = 2.0
    top_k = draw(st.integers(1, n))
    return overall, effort, owners, cap, per_kam, top_k


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cases())
def test_every_reported_binding_limit_raises_the_best_total_when_lifted(case):
    overall, effort, owners, cap, per_kam, top_k = case
    names = [f"acct {i}" for i in range(len(overall))]
    effort_a, owners_a, overall_a = np.array(effort), np.array(owners, dtype=object), np.array(overall)
    sel = select(
        make_scores(overall, names),
        names,
        top_k,
        effort_a,
        [o or None for o in owners],
        capacity=cap,
        per_kam=per_kam,
    )
    base = best_total(overall_a, effort_a, owners_a, top_k, cap, per_kam)
    assert sel.total_score == pytest.approx(base, abs=1e-9)
    for label in sel.binding:
        if label == "capacity":
            lifted = best_total(overall_a, effort_a, owners_a, top_k, None, per_kam)
        elif label == "top_k":
            lifted = best_total(overall_a, effort_a, owners_a, len(names), cap, per_kam)
        else:
            owner = label.removeprefix("per_kam:")
            freed = np.where(owners_a == owner, "", owners_a)
            lifted = best_total(overall_a, effort_a, freed, top_k, cap, per_kam)
        assert lifted > base + 1e-9, f"{label} was reported binding, but lifting it gains nothing"


@pytest.mark.parametrize("seed", range(6))
def test_pruning_never_changes_the_pick(monkeypatch, seed):
    """60 accounts with near-frontier ties: the same pick with and without the dominance pruning."""
    rng = np.random.default_rng(seed)
    n = 60
    names = [f"Account {i:02d}" for i in range(n)]
    overall = rng.choice([4.0, 5.5, 6.0, 6.5, 7.0, 8.0, 9.0], n)  # many exact ties
    effort = rng.choice([0.2, 0.4, 0.5, 0.8, 1.0], n)
    owners = [f"KAM {i % 4}" if i % 5 else None for i in range(n)]
    scores = make_scores(overall, names)
    pins = [names[int(scores.order[40])]]
    args = (scores, names, 8, effort, owners)
    kwargs = {"capacity": 4.0, "per_kam": 1.2, "include": pins}
    pruned = select(*args, **kwargs)
    monkeypatch.setattr(capacity, "removable", lambda score, *rest: np.zeros(score.size, dtype=bool))
    full = select(*args, **kwargs)
    np.testing.assert_array_equal(pruned.selected, full.selected)
    assert pruned.total_score == full.total_score
    assert pruned.binding == full.binding


def test_pruning_removes_most_of_a_large_candidate_list():
    from kamtui.core.capacity_prune import removable

    rng = np.random.default_rng(0)
    n = 2000
    score = rng.uniform(0, 10, n)
    preference = (n - np.argsort(np.argsort(-score))).astype(float) ** 2
    effort = np.round(rng.uniform(0.1, 1.5, n), 2)
    owners = [f"KAM {i % 25}" for i in range(n)]
    out = removable(score, preference, effort, owners, np.zeros(n, dtype=bool), 50, 30.0, 1.5, 1e-9)
    assert 0.6 * n < out.sum() < n  # most are dominated; the frontier stays


def test_the_solver_prints_nothing_on_descriptor_one(capfd):
    """HiGHS's stray printf never reaches stdout (kamtui.core.quiet); Python output still does."""
    names = [f"a{i}" for i in range(30)]
    overall = np.linspace(1, 9, 30)
    effort = np.full(30, 0.5)
    sel = select(make_scores(overall, names), names, 10, effort, ["K"] * 30, capacity=3.0, per_kam=2.0)
    print("after")
    captured = capfd.readouterr()
    assert sel.count == 4
    assert captured.out == "after\n"
