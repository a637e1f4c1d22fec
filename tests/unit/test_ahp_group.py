"""AHP for a panel: the group matrix against a published example, consensus, Harker's completion, and the
judgements to revisit."""

from __future__ import annotations

import math

import numpy as np
import pytest

from kamtui.core.ahp import SAATY_VALUES, ahp_weights, inconsistent_judgements
from kamtui.core.ahp_group import aggregate, consensus, consensus_words, panel
from kamtui.core.errors import InvalidValueError


def reciprocal(upper: list[float], n: int) -> np.ndarray:
    """A reciprocal matrix from its upper triangle, row by row."""
    a = np.ones((n, n))
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            a[i, j], a[j, i] = upper[k], 1.0 / upper[k]
            k += 1
    return a


# Published worked example: the Bioconductor package Prize (D. Dargahi et al., "Prize: an R package for
# prioritization estimation based on analytic hierarchy process"), its four decision makers ind1..ind4
# (inst/extdata/ind1.tsv .. ind4.tsv, criteria Tumor_expression, Normal_expression, Frequency, Epitopes,
# upper triangles below) and the aggregated group matrix its documentation prints for
# ``gaggregate(method = "geometric")`` (man/AIJ.Rd, "Example output"), and for the weighted aggregation
# with individual weights 0.45, 0.30, 0.10, 0.15 (inst/unitTests/test_gaggregate.R, AIJ_res).
PRIZE = [
    reciprocal([2, 4, 5, 3, 4, 2], 4),
    reciprocal([0.8, 2, 4, 5, 7, 2], 4),
    reciprocal([2, 3, 5, 3, 5, 2], 4),
    reciprocal([5, 6, 7, 4, 6, 1], 4),
]
PRIZE_AIJ = [
    [1.0000000, 2.0000000, 3.4641016, 5.143687],
    [0.5000000, 1.0000000, 3.6628415, 5.383563],
    [0.2886751, 0.2730121, 1.0000000, 1.681793],
    [0.1944131, 0.1857506, 0.5946036, 1.000000],
]
PRIZE_AIJ_WEIGHTED = [
    [1.0000000, 1.7431670, 3.3548322, 4.918313],
    [0.5736685, 1.0000000, 3.6510408, 5.141337],
    [0.2980775, 0.2738945, 1.0000000, 1.802501],
    [0.2033217, 0.1945019, 0.5547847, 1.000000],
]


def test_the_group_matrix_is_the_published_one():
    result = panel(PRIZE)
    np.testing.assert_allclose(result.matrix, PRIZE_AIJ, rtol=0, atol=5e-7)
    np.testing.assert_allclose(aggregate(PRIZE, [0.45, 0.30, 0.10, 0.15]), PRIZE_AIJ_WEIGHTED, rtol=0, atol=5e-7)
    # the group matrix stays reciprocal, and its weights and CR are those of that matrix
    np.testing.assert_allclose(result.matrix * result.matrix.T, np.ones((4, 4)), atol=1e-15)
    alone = ahp_weights(result.matrix)
    np.testing.assert_allclose(result.group.weights, alone.weights, atol=1e-15)
    assert result.group.cr == pytest.approx(alone.cr, abs=1e-15)
    # each member's own CR, from their own matrix
    assert [m.cr for m in result.members] == pytest.approx([ahp_weights(m).cr for m in PRIZE], abs=1e-15)
    assert result.member_weights.tolist() == [0.25] * 4


def test_consensus_is_goepels_indicator_by_hand():
    # two people, two criteria: priorities (3/4, 1/4) and (1/4, 3/4)
    #   H_alpha = H(3/4, 1/4), H_gamma = H(1/2, 1/2) = ln 2, D_beta = exp(H_gamma - H_alpha)
    #   D_alpha,min / D_gamma,max = exp(H(9/10, 1/10)) / 2
    def h(*p: float) -> float:
        return -sum(x * math.log(x) for x in p)

    d_beta = math.exp(math.log(2) - h(0.75, 0.25))
    ratio = math.exp(h(0.9, 0.1)) / 2
    expected = (1 / d_beta - ratio) / (1 - ratio)
    assert consensus(np.array([[0.75, 0.25], [0.25, 0.75]])) == pytest.approx(expected, abs=1e-15)
    assert expected == pytest.approx(0.60, abs=0.01)
    # AHP-OS writes it with cor = exp(H_gamma,max - H_alpha,min): the same number
    cor = math.exp(math.log(2) - h(0.9, 0.1))
    assert expected == pytest.approx((1 / d_beta - 1 / cor) / (1 - 1 / cor), abs=1e-15)
    # everyone alike: full consensus; one member: no consensus figure
    assert consensus(np.array([[0.5, 0.3, 0.2]] * 3)) == pytest.approx(1.0, abs=1e-15)
    assert consensus(np.array([[0.5, 0.5]])) is None
    assert [consensus_words(x) for x in (0.4, 0.55, 0.7, 0.8, 0.9)] == [
        "very low",
        "low",
        "moderate",
        "high",
        "very high",
    ]


def test_the_panel_of_prize_has_a_consensus_between_0_and_1():
    result = panel(PRIZE)
    expected = consensus(np.array([m.weights for m in result.members]))
    assert result.consensus == expected and 0 < expected < 1
    assert result.consensus_words == consensus_words(expected)


def test_harker_completes_a_consistent_matrix_exactly():
    w = np.array([8.0, 4.0, 2.0, 1.0])
    full = w[:, None] / w[None, :]
    gaps = full.copy()
    for i, j in [(0, 2), (1, 3), (0, 3)]:  # leave out three pairs; the rest still connect all four
        gaps[i, j] = gaps[j, i] = np.nan
    result = ahp_weights(gaps)
    np.testing.assert_allclose(result.weights, w / w.sum(), atol=1e-12)
    assert result.lambda_max == pytest.approx(4.0, abs=1e-12) and abs(result.cr) < 1e-12
    assert result.completed == ((0, 2), (0, 3), (1, 3))
    np.testing.assert_allclose(result.matrix, full, atol=1e-12)


def test_harker_weights_are_those_of_the_matrix_they_complete():
    """Harker's eigenvector of the modified matrix is the eigenvector of the matrix completed with it, with
    the same eigenvalue (so the CR of an incomplete matrix is that of its completion)."""
    a = reciprocal([3, 5, 1 / 2, 2, 7, 4], 4)
    a[0, 2] = a[2, 0] = np.nan
    a[1, 3] = a[3, 1] = np.nan
    result = ahp_weights(a)
    completed = ahp_weights(result.matrix)
    np.testing.assert_allclose(completed.weights, result.weights, atol=1e-12)
    assert completed.lambda_max == pytest.approx(result.lambda_max, abs=1e-10)


def test_harker_refuses_comparisons_that_do_not_link_every_criterion():
    a = reciprocal([3, 1, 1, 1, 1, 2], 4)
    for i, j in [(0, 2), (0, 3), (1, 2), (1, 3)]:  # {1, 2} and {3, 4} never compared across
        a[i, j] = a[j, i] = np.nan
    with pytest.raises(InvalidValueError, match=r"criteria 3, 4 \(counted from 1\) are compared with none of criteria 1, 2"):
        ahp_weights(a)


def test_the_most_inconsistent_judgements_are_the_best_single_changes():
    # Saaty's house example (tests/unit/test_ahp.py): CR 0.169
    house = np.array(
        [
            [1, 5, 3, 7, 6, 6, 1 / 3, 1 / 4],
            [1 / 5, 1, 1 / 3, 5, 3, 3, 1 / 5, 1 / 7],
            [1 / 3, 3, 1, 6, 3, 4, 6, 1 / 5],
            [1 / 7, 1 / 5, 1 / 6, 1, 1 / 3, 1 / 4, 1 / 7, 1 / 8],
            [1 / 6, 1 / 3, 1 / 3, 3, 1, 1 / 2, 1 / 5, 1 / 6],
            [1 / 6, 1 / 3, 1 / 4, 4, 2, 1, 1 / 5, 1 / 6],
            [3, 5, 1 / 6, 7, 5, 5, 1, 1 / 2],
            [4, 7, 5, 8, 6, 6, 2, 1],
        ]
    )
    base = ahp_weights(house).cr
    found = inconsistent_judgements(house, limit=3)
    assert len(found) == 3
    # brute force: every single comparison set to every value of Saaty's scale
    best = []
    for i in range(8):
        for j in range(i + 1, 8):
            crs = []
            for s in SAATY_VALUES:
                trial = house.copy()
                trial[i, j], trial[j, i] = s, 1 / s
                crs.append((ahp_weights(trial).cr, s))
            cr, s = min(crs)
            best.append((cr, i, j, s))
    best.sort()
    assert [(j.i, j.j, j.suggested) for j in found] == [(i, j, s) for _, i, j, s in best[:3]]
    assert [j.cr_after for j in found] == pytest.approx([cr for cr, *_ in best[:3]], abs=1e-12)
    assert all(j.cr_after < base for j in found)
    # neighbourhood (row 3) against condition (column 7): 6, where the rest of the matrix implies far less
    assert (found[0].i, found[0].j, found[0].value) == (2, 6, 6.0)
    assert inconsistent_judgements(np.array([[1.0, 3.0], [1 / 3, 1.0]])) == []


def test_a_panel_needs_matrices_of_one_size_and_sane_member_weights():
    with pytest.raises(InvalidValueError, match="at least one"):
        panel([])
    with pytest.raises(InvalidValueError, match="same criteria"):
        panel([np.ones((3, 3)), np.ones((4, 4))])
    with pytest.raises(InvalidValueError, match="member weights"):
        panel(PRIZE, [1, -1, 1, 1])
