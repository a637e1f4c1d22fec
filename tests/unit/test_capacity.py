"""Capacity-constrained selection: the MILP against brute force, binding limits, pins and messages."""

from __future__ import annotations

import dataclasses
import math
from itertools import product

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.stats import rankdata

from kamtui.core.capacity import select
from kamtui.core.errors import InvalidValueError
from kamtui.core.selection import Scores, ranking_order

NAN = math.nan


def make_scores(overall, names, coverage=None) -> Scores:
    """Scores as kamtui.core.selection.score would report them, from the overall scores alone."""
    overall = np.asarray(overall, dtype=float)
    n = overall.size
    coverage = np.ones(n) if coverage is None else np.asarray(coverage, dtype=float)
    scored = ~np.isnan(overall)
    rank = np.full(n, int(scored.sum()) + 1)
    rank[scored] = rankdata(-overall[scored], method="min")
    return Scores(
        normalised=np.zeros((n, 1)),
        weights=np.ones(1),
        coverage=coverage,
        overall=overall,
        attractiveness=overall,
        strength=overall,
        rank=rank,
        quadrant=[None] * n,
        order=ranking_order(rank, names),
        names=tuple(names),
    )


def picked(selection, names):
    return [names[i] for i in np.flatnonzero(selection.selected)]


# --- without an effort limit ---------------------------------------------------------------------


def test_top_k_in_ranking_order_with_ties_listed_by_name():
    names = ["delta", "Alpha", "charlie", "bravo"]
    s = make_scores([7.0, 9.0, 7.0, 7.0], names)
    sel = select(s, names, top_k=2)
    # Alpha first, then the three 7s tie: bravo comes first by name
    assert picked(sel, names) == ["Alpha", "bravo"]
    assert sel.binding == ["top_k"]
    assert sel.total_score == 16.0
    assert sel.total_effort is None
    assert sel.notes == []


def test_low_coverage_is_skipped_unless_pinned_and_excluded_never_taken():
    names = ["a", "b", "c", "d", "e"]
    s = make_scores([9.0, 8.0, 7.0, 6.0, NAN], names, coverage=[0.4, 1.0, 0.5, 1.0, 0.0])
    sel = select(s, names, top_k=3, exclude=["b"])
    assert picked(sel, names) == ["c", "d"]  # a below 50%, b excluded, e unscored; c at exactly 50% counts
    assert sel.binding == []
    assert sel.notes == ["1 account below 50% coverage not selected automatically: 'a'"]
    pinned = select(s, names, top_k=2, include=["a"], exclude=["b"])
    assert picked(pinned, names) == ["a", "c"]
    assert pinned.binding == ["top_k"]  # d (6) would be added without K
    assert pinned.notes == ["'a' is selected because it is pinned, although its coverage is 40% (below 50%)"]


def test_an_account_without_any_value_in_a_group_is_skipped_unless_pinned():
    names = ["a", "b", "c"]
    s = make_scores([10.0, 8.0, 7.0], names)
    # a scores 10 overall but has no attractiveness value at all (no score there, no quadrant)
    s = dataclasses.replace(
        s,
        attractiveness=np.array([NAN, 8.0, 7.0]),
        missing_group=np.array([True, False, False]),
    )
    sel = select(s, names, top_k=1)
    assert picked(sel, names) == ["b"]
    assert sel.notes == ["1 account without any attractiveness value not selected automatically: 'a'"]
    pinned = select(s, names, top_k=1, include=["a"])
    assert picked(pinned, names) == ["a"]
    assert pinned.notes == ["'a' is selected because it is pinned, although it has no attractiveness value"]


def test_more_pins_than_k_selects_all_pins_only():
    names = ["a", "b", "c", "d"]
    s = make_scores([9.0, 8.0, 7.0, 6.0], names)
    sel = select(s, names, top_k=2, include=["d", "c", "b"])
    assert picked(sel, names) == ["b", "c", "d"]
    assert sel.notes == ["3 accounts are pinned, more than top K = 2: all pinned accounts are selected"]
    assert sel.binding == ["top_k"]


def test_effort_totals_without_a_capacity():
    names = ["a", "b", "c"]
    s = make_scores([9.0, 8.0, 7.0], names)
    sel = select(s, names, top_k=2, effort=[0.5, None, 2.0])
    assert sel.total_effort == 0.5
    assert sel.notes == ["effort unknown for 1 account: 'b'"]


# --- with an effort limit: which limit binds -----------------------------------------------------

NAMES3 = ["a", "b", "c"]
SCORES3 = make_scores([9.0, 8.0, 7.0], NAMES3)


def test_capacity_binds():
    sel = select(SCORES3, NAMES3, top_k=15, effort=[1.0, 1.0, 1.0], capacity=2.0)
    assert picked(sel, NAMES3) == ["a", "b"]
    assert sel.binding == ["capacity"]
    assert (sel.total_score, sel.total_effort) == (17.0, 2.0)


def test_top_k_binds():
    sel = select(SCORES3, NAMES3, top_k=2, effort=[1.0, 1.0, 1.0], capacity=10.0)
    assert picked(sel, NAMES3) == ["a", "b"]
    assert sel.binding == ["top_k"]


def test_two_limits_that_each_alone_would_hold_the_pick_do_not_bind():
    # lifting either one leaves the other, and the same pick: by the rule, neither binds
    sel = select(SCORES3, NAMES3, top_k=2, effort=[1.0, 1.0, 1.0], capacity=2.0)
    assert picked(sel, NAMES3) == ["a", "b"]
    assert sel.binding == []


def test_capacity_trades_one_big_account_for_two_small_ones():
    names = ["big", "small1", "small2"]
    s = make_scores([9.0, 5.0, 5.0], names)
    sel = select(s, names, top_k=3, effort=[2.0, 1.0, 1.0], capacity=2.0)
    assert picked(sel, names) == ["small1", "small2"]
    assert sel.total_score == 10.0
    assert sel.binding == ["capacity"]


def test_per_kam_cap_binds_for_the_owner_with_more_to_give():
    names = ["a1", "a2", "b1", "free"]
    s = make_scores([9.0, 8.0, 5.0, 1.0], names)
    sel = select(
        s,
        names,
        top_k=15,
        effort=[1.0, 1.0, 1.0, 5.0],
        owners=["Ann", "Ann", "Bob", None],
        capacity=3.0,
        per_kam=1.0,
    )
    # Ann may carry one account: a1; Bob b1; 'free' has no owner (no cap) but its 5 FTE do not fit
    assert picked(sel, names) == ["a1", "b1"]
    # lifting the capacity adds 'free'; lifting Ann's cap adds a2 (3 FTE fit); Bob has nothing left
    assert sel.binding == ["capacity", "per_kam:Ann"]
    assert sel.total_effort == 2.0
    lighter = select(
        s,
        names,
        top_k=15,
        effort=[1.0, 1.0, 1.0, 5.0],
        owners=["Ann", "Ann", "Bob", None],
        capacity=7.0,
        per_kam=1.0,
    )
    assert picked(lighter, names) == ["a1", "b1", "free"]
    assert lighter.binding == ["per_kam:Ann"]


def test_per_kam_without_a_total_capacity():
    names = ["a1", "a2", "b1"]
    s = make_scores([9.0, 8.0, 5.0], names)
    sel = select(s, names, top_k=15, effort=[1.0, 1.0, 3.0], owners=["Ann", "Ann", "Bob"], per_kam=2.0)
    assert picked(sel, names) == ["a1", "a2"]
    assert sel.binding == ["per_kam:Bob"]


def test_accounts_without_effort_cannot_be_picked_under_a_capacity():
    names = ["a", "b", "c"]
    sel = select(make_scores([9.0, 8.0, 7.0], names), names, top_k=3, effort=[NAN, 1.0, 1.0], capacity=5.0)
    assert picked(sel, names) == ["b", "c"]
    assert sel.notes == ["1 account without an effort (FTE) cannot be picked under a capacity: 'a'"]


def test_equal_scores_prefer_the_better_ranking_order():
    names = ["zulu", "Yankee", "alpha", "Bravo"]
    s = make_scores([6.0, 6.0, 6.0, 6.0], names)  # all tied: order alpha, Bravo, Yankee, zulu
    sel = select(s, names, top_k=2, effort=[1.0, 1.0, 1.0, 1.0], capacity=5.0)
    assert picked(sel, names) == ["alpha", "Bravo"]
    light = select(s, names, top_k=3, effort=[0.5, 0.5, 1.0, 1.0], capacity=2.0)
    # alpha and Bravo together fill 2 FTE (total 12); alpha + Yankee + zulu also fits 2 FTE and scores 18
    assert picked(light, names) == ["zulu", "Yankee", "alpha"]


def test_pinned_accounts_are_kept_under_a_capacity():
    names = ["a", "b", "c"]
    sel = select(SCORES3, names, top_k=2, effort=[1.0, 1.0, 1.0], capacity=2.0, include=["c"])
    assert picked(sel, names) == ["a", "c"]


# --- errors --------------------------------------------------------------------------------------


def test_pin_errors_name_the_account_and_the_numbers():
    names = ["a", "b", "c", "d"]
    s = make_scores([9.0, 8.0, 7.0, NAN], names, coverage=[1.0, 1.0, 1.0, 0.0])
    with pytest.raises(InvalidValueError, match=r"^include: no account named 'x', 'y'$"):
        select(s, names, include=["x", "a", "y"])
    with pytest.raises(InvalidValueError, match=r"^exclude: no account named 'z'$"):
        select(s, names, exclude=["z"])
    with pytest.raises(InvalidValueError, match=r"^an account cannot be both included and excluded: b$"):
        select(s, names, include=["b"], exclude=["b"])
    with pytest.raises(InvalidValueError, match=r"^'d' cannot be pinned: no weighted criterion has a value"):
        select(s, names, include=["d"])
    with pytest.raises(InvalidValueError, match=r"^pinned accounts need 3.5 FTE; capacity is 2$"):
        select(s, names, effort=[1.5, 2.0, 0.5, 1.0], capacity=2.0, include=["a", "b"])
    with pytest.raises(
        InvalidValueError, match=r"^pinned accounts of Ann need 1.5 FTE; the cap per KAM is 1$"
    ):
        select(
            s,
            names,
            effort=[1.0, 0.5, 0.5, 1.0],
            owners=["Ann", "Ann", None, None],
            capacity=5,
            per_kam=1.0,
            include=["a", "b", "c"],
        )
    with pytest.raises(
        InvalidValueError, match=r"^pinned 'a' has no effort \(FTE\): give the effort or unpin it$"
    ):
        select(s, names, effort=[NAN, 1.0, 1.0, 1.0], capacity=2.0, include=["a"])
    with pytest.raises(
        InvalidValueError, match=r"^an FTE capacity needs the effort \(FTE\) of each account$"
    ):
        select(s, names, capacity=2.0)
    with pytest.raises(InvalidValueError, match=r"^capacity must be a number of FTE >= 0, not -1$"):
        select(s, names, effort=[1.0] * 4, capacity=-1)
    with pytest.raises(InvalidValueError, match=r"^effort must be a number of FTE >= 0, not -0.5$"):
        select(s, names, effort=[1.0, -0.5, 1.0, 1.0], capacity=2.0)
    with pytest.raises(InvalidValueError, match=r"^include: more than one account is named 'a'"):
        select(make_scores([1.0, 2.0], ["a", "a"]), ["a", "a"], include=["a"])
    with pytest.raises(InvalidValueError, match=r"^top K must be a whole number >= 0, not -1$"):
        select(s, names, top_k=-1)


# --- the MILP equals brute force ----------------------------------------------------------------


def brute_force(scores, names, top_k, effort, owners, capacity, per_kam, include, exclude):
    """Best total over every subset; ties to the larger sum of (n - order position)^2."""
    n = len(names)
    pinned = np.array([nm in include for nm in names])
    excluded = np.array([nm in exclude for nm in names])
    eligible = ~np.isnan(scores.overall) & (scores.coverage >= 0.5) & ~excluded
    limited = capacity is not None or per_kam is not None
    k = max(top_k, int(pinned.sum()))
    position = np.empty(n, dtype=int)
    position[scores.order] = np.arange(n)
    options = []
    for bits in product([False, True], repeat=n):
        chosen = np.array(bits)
        if (pinned & ~chosen).any() or (chosen & ~(eligible | pinned)).any() or chosen.sum() > k:
            continue
        if limited:
            if np.isnan(effort[chosen]).any():
                continue
            if capacity is not None and effort[chosen].sum() > capacity + 1e-9:
                continue
            if per_kam is not None and any(
                effort[chosen & (np.array(owners, dtype=object) == o)].sum() > per_kam + 1e-9
                for o in ("Ann", "Bob")
            ):
                continue
        total = float(np.where(chosen, scores.overall, 0.0).sum())
        options.append((total, float(((n - position[chosen]) ** 2).sum()), chosen))
    best = max(o[0] for o in options)
    near = [o for o in options if o[0] >= best - 1e-9]
    top_pref = max(o[1] for o in near)
    winners = [o[2] for o in near if o[1] == top_pref]
    return best, winners[0] if len(winners) == 1 else None


@st.composite
def instances(draw):
    n = draw(st.integers(1, 9))
    pool = ["ann co", "Bolt", "bolt ltd", "Cora", "dune", "Echo", "echo", "Fig", "gale", "Hill"]
    names = draw(st.permutations(pool))[:n]
    overall = [draw(st.sampled_from([NAN, 0.0, 2.5, 5.0, 5.0, 6.5, 7.0, 8.0, 9.5])) for _ in range(n)]
    coverage = [
        1.0 if math.isnan(o) is False and draw(st.booleans()) else draw(st.sampled_from([0.25, 0.5, 1.0]))
        for o in overall
    ]
    coverage = [0.0 if math.isnan(o) else c for o, c in zip(overall, coverage, strict=True)]
    effort = np.array([draw(st.sampled_from([NAN, 0.0, 0.25, 0.5, 1.0, 1.5, 0.1, 0.2])) for _ in range(n)])
    owners = [draw(st.sampled_from([None, "Ann", "Bob"])) for _ in range(n)]
    capacity = draw(st.sampled_from([None, 0.0, 0.3, 1.0, 2.0, 3.5]))
    per_kam = draw(st.sampled_from([None, None, 0.5, 1.0, 2.0]))
    top_k = draw(st.integers(0, n + 1))
    include = draw(st.lists(st.sampled_from(names), max_size=3, unique=True))
    exclude = draw(
        st.lists(st.sampled_from([x for x in names if x not in include] or names), max_size=2, unique=True)
    )
    exclude = [x for x in exclude if x not in include]
    return names, overall, coverage, effort, owners, capacity, per_kam, top_k, include, exclude


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_milp_pick_equals_brute_force(case):
    names, overall, coverage, effort, owners, capacity, per_kam, top_k, include, exclude = case
    scores = make_scores(overall, names, coverage)
    try:
        sel = select(scores, names, top_k, effort, owners, capacity, per_kam, include, exclude)
    except InvalidValueError as error:
        pins = np.array([nm in include for nm in names])
        limited = capacity is not None or per_kam is not None
        reasons = [
            (pins & np.isnan(scores.overall)).any(),
            limited and (pins & np.isnan(effort)).any(),
            capacity is not None and np.nansum(effort[pins]) > capacity + 1e-9,
            per_kam is not None
            and any(
                np.nansum(effort[pins & (np.array(owners, dtype=object) == o)]) > per_kam + 1e-9
                for o in ("Ann", "Bob")
            ),
        ]
        assert any(reasons), str(error)
        return
    best, expected = brute_force(scores, names, top_k, effort, owners, capacity, per_kam, include, exclude)
    assert sel.total_score == pytest.approx(best, abs=1e-9)
    if expected is not None:
        np.testing.assert_array_equal(sel.selected, expected)
