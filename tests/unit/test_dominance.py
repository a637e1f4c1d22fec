"""Dominance and rank reversal, by hand-worked examples (and dominance against a plain double loop)."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from kamtui.core.criteria import CriteriaSet, Criterion
from kamtui.core.dominance import dominators
from kamtui.core.rank_reversal import rank_reversals, scale_holders
from kamtui.core.selection import score

NAN = math.nan


def plain(v: np.ndarray, w: np.ndarray) -> list[list[int]]:
    """B dominates A: B >= A on every weighted criterion both have, > on one (the definition, as a loop)."""
    used = w > 0
    out = []
    for a in range(v.shape[0]):
        by = []
        for b in range(v.shape[0]):
            both = used & ~np.isnan(v[a]) & ~np.isnan(v[b])
            if both.any() and (v[b, both] >= v[a, both]).all() and (v[b, both] > v[a, both]).any():
                by.append(b)
        out.append(by)
    return out


def test_hand_worked_dominance_with_missing_values_costs_and_a_zero_weight():
    # criteria: fit (benefit), risk (cost, so v = 1 - x/10 after inversion), colour (weight 0)
    criteria = CriteriaSet(
        id="dom",
        title="Dominance",
        criteria=(
            Criterion(id="fit", name="Fit", group="attractiveness", kind="rating", weight=3, scale=(0, 10)),
            Criterion(id="risk", name="Risk", group="strength", kind="rating", weight=2, scale=(0, 10), direction="cost"),
            Criterion(id="colour", name="Colour", group="strength", kind="rating", weight=0, scale=(0, 10)),
        ),
    )
    #            fit risk colour   v(fit) v(risk)
    values = np.array(
        [
            [8, 2, 0],  # A      .8    .8
            [8, 4, 10],  # B      .8    .6  -> dominated by A (equal fit, worse risk; colour has no weight)
            [5, NAN, 10],  # C    .5     -  -> dominated by A and B (only fit in common)
            [9, 9, 0],  # D      .9    .1  -> nobody beats it on fit
            [8, 2, 5],  # E      .8    .8  -> equal to A everywhere weighted: neither dominates
            [NAN, NAN, 10],  # F   nothing weighted: no criterion in common with anyone
        ]
    )
    s = score(values, criteria, names=list("ABCDEF"))
    found = [d.tolist() for d in dominators(s.normalised, s.weights)]
    assert found == [[], [0, 4], [0, 1, 3, 4], [], [], []]
    assert found == plain(s.normalised, s.weights)


@settings(max_examples=80, deadline=None)
@given(data=st.data(), n=st.integers(1, 30), m=st.integers(1, 6))
def test_dominance_is_the_definition(data, n, m):
    v = data.draw(arrays(np.float64, (n, m), elements=st.sampled_from([0.0, 0.25, 0.5, 1.0, NAN])))
    w = np.array(data.draw(st.lists(st.sampled_from([0.0, 1.0, 2.0]), min_size=m, max_size=m)))
    assert [d.tolist() for d in dominators(v, w)] == plain(v, w)


# --- rank reversal --------------------------------------------------------------------------------

# Two plain numbers (min-max over the candidates), equal weights, K = 2.
#            x1   x2     all four: x1 in [0, 100], x2 in [0, 10]
#   P       100    0     v = (1, 0)     .5
#   A         6    5     v = (.06, .5)  .28
#   B         4    7     v = (.04, .7)  .37
#   Q         0   10     v = (0, 1)     .5
# Ranking: P and Q (.5, by name), B, A; the pick: P, Q. P alone holds x1's max and x2's min, Q x1's
# min and x2's max, so only they can move anyone's score when left out.
# Without P: x1 in [0, 6], x2 in [5, 10]: A (1, 0) = .5, B (.667, .4) = .533, Q (0, 1) = .5 -> the pick
# is B and A (A before Q at .5 by name), where today's ranking without P picks Q and B: a reversal,
# A in and Q out. Without Q: x1 in [4, 100], x2 in [0, 7]: P (1, 0) = .5, B (0, 1) = .5, A = .367 ->
# B, P: today's ranking without Q picks P, B too: no reversal.
REVERSAL = CriteriaSet(
    id="rr",
    title="Rank reversal",
    criteria=(
        Criterion(id="x1", name="X1", group="attractiveness", kind="number", weight=1),
        Criterion(id="x2", name="X2", group="strength", kind="number", weight=1),
    ),
)
NAMES = ["P", "A", "B", "Q"]
VALUES = np.array([[100.0, 0.0], [6.0, 5.0], [4.0, 7.0], [0.0, 10.0]])


def test_hand_worked_rank_reversal():
    s = score(VALUES, REVERSAL, names=NAMES)
    np.testing.assert_allclose(s.overall, [5.0, 2.8, 3.7, 5.0], atol=1e-12)
    assert scale_holders(VALUES, REVERSAL).tolist() == [0, 3]
    check = rank_reversals(VALUES, REVERSAL, REVERSAL.points, NAMES, top_k=2)
    assert check.checked == ["P", "Q"]
    assert [r.to_json() for r in check.reversals] == [{"left_out": "P", "entered": ["A"], "left": ["Q"]}]


def test_rank_reversal_respects_pins_and_a_fixed_scale_never_moves():
    # A pinned: the pick is A plus the best other, P (.5, before Q by name).
    # Without P: B .533 beats Q .5 -> A, B; today's ranking without P: A, Q (Q .5 beats B .37).
    # Without Q: P and B tie at .5 -> B by name -> A, B; today's ranking without Q: A, P.
    check = rank_reversals(VALUES, REVERSAL, REVERSAL.points, NAMES, top_k=2, include=["A"])
    assert [r.to_json() for r in check.reversals] == [
        {"left_out": "P", "entered": ["B"], "left": ["Q"]},
        {"left_out": "Q", "entered": ["B"], "left": ["P"]},
    ]
    fixed = CriteriaSet(
        id="fixed",
        title="Fixed",
        criteria=tuple(
            Criterion(id=c.id, name=c.name, group=c.group, kind="number", weight=1, scale=(0, 100))
            for c in REVERSAL.criteria
        ),
    )
    none = rank_reversals(VALUES, fixed, fixed.points, NAMES, top_k=2)
    assert none.reversals == [] and none.checked == []
