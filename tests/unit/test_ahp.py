"""Pairwise comparisons (AHP): Saaty's published example, consistency, and the grid parser."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from kamtui.core.ahp import RANDOM_INDEX, ahp_weights, parse_pairwise
from kamtui.core.errors import ImportFileError, InvalidValueError

# T. L. Saaty, "How to make a decision: The Analytic Hierarchy Process", European Journal of
# Operational Research 48 (1990) 9-26, Table 2: the eight criteria for buying a house (size,
# transportation, neighbourhood, age, yard, modern facilities, general condition, financing).
# Published: priority vector .173 .054 .188 .018 .031 .036 .167 .333, lambda_max = 9.669,
# C.I. = 0.238, C.R. = 0.169 (inconsistent: above 0.10).
HOUSE_IDS = ["size", "transport", "neighbourhood", "age", "yard", "facilities", "condition", "financing"]
HOUSE = """\
1   5   3   7   6   6   1/3 1/4
1/5 1   1/3 5   3   3   1/5 1/7
1/3 3   1   6   3   4   6   1/5
1/7 1/5 1/6 1   1/3 1/4 1/7 1/8
1/6 1/3 1/3 3   1   1/2 1/5 1/6
1/6 1/3 1/4 4   2   1   1/5 1/6
3   5   1/6 7   5   5   1   1/2
4   7   5   8   6   6   2   1"""


def house_grid() -> list[list[str]]:
    rows = [["", *HOUSE_IDS]]
    for cid, line in zip(HOUSE_IDS, HOUSE.splitlines(), strict=True):
        rows.append([cid, *line.split()])
    return rows


def test_saatys_house_example_weights_and_consistency():
    ids, matrix = parse_pairwise(house_grid(), "house.csv")
    assert ids == HOUSE_IDS
    assert matrix[0, 6] == 1 / 3 and matrix[6, 0] == 3.0
    result = ahp_weights(matrix)
    np.testing.assert_allclose(
        result.weights, [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333], rtol=0, atol=5e-4
    )
    assert result.weights.sum() == pytest.approx(1.0, abs=1e-12)
    assert result.lambda_max == pytest.approx(9.669, abs=5e-4)
    assert result.ci == pytest.approx(0.238, abs=5e-4)
    assert result.ri == 1.41
    assert result.cr == pytest.approx(0.169, abs=5e-4)
    assert result.cr == pytest.approx(result.ci / 1.41, rel=1e-12)
    assert result.ci == pytest.approx((result.lambda_max - 8) / 7, rel=1e-12)
    assert not result.consistent


def test_a_perfectly_consistent_matrix_gives_its_ratios_back():
    w = np.array([0.5, 0.25, 0.125, 0.125])  # a_ij = w_i / w_j: 2, 4, 4, 2, 2, 1
    result = ahp_weights(w[:, None] / w[None, :])
    np.testing.assert_allclose(result.weights, w, rtol=0, atol=1e-12)
    assert result.lambda_max == pytest.approx(4.0, abs=1e-12)
    assert abs(result.cr) < 1e-12
    assert result.consistent


def test_small_matrices_are_always_consistent():
    one = ahp_weights(np.array([[1.0]]))
    assert one.weights.tolist() == [1.0] and (one.ci, one.cr, one.ri) == (0.0, 0.0, 0.0)
    two = ahp_weights(np.array([[1.0, 3.0], [1 / 3, 1.0]]))
    np.testing.assert_allclose(two.weights, [0.75, 0.25], rtol=0, atol=1e-12)
    assert two.cr == 0.0 and two.consistent


def test_random_index_table_is_saatys():
    assert [RANDOM_INDEX[n] for n in range(3, 16)] == [
        0.58,
        0.90,
        1.12,
        1.24,
        1.32,
        1.41,
        1.45,
        1.49,
        1.51,
        1.48,
        1.56,
        1.57,
        1.59,
    ]


def test_consistency_limit_is_ten_percent():
    # a cycle a > b > c > a of strength 2: lambda_max = 3.5, CI = .25, CR = .25 / .58
    cyclic = np.array([[1, 2, 0.5], [0.5, 1, 2], [2, 0.5, 1]])
    result = ahp_weights(cyclic)
    np.testing.assert_allclose(result.weights, [1 / 3, 1 / 3, 1 / 3], rtol=0, atol=1e-12)
    assert result.lambda_max == pytest.approx(3.5, abs=1e-12)
    assert result.cr == pytest.approx(0.25 / 0.58, abs=1e-12)
    assert not result.consistent


def test_ahp_refuses_what_it_cannot_weigh():
    with pytest.raises(InvalidValueError, match=r"must be square, got shape \(2, 3\)"):
        ahp_weights(np.ones((2, 3)))
    with pytest.raises(InvalidValueError, match="up to 15 criteria, got 16"):
        ahp_weights(np.ones((16, 16)))
    with pytest.raises(InvalidValueError, match="must be positive numbers"):
        ahp_weights(np.array([[1.0, -1.0], [-1.0, 1.0]]))


# --- the grid parser ----------------------------------------------------------------------------


def problems(rows) -> list[str]:
    with pytest.raises(ImportFileError) as caught:
        parse_pairwise(rows, "w.csv")
    lines = str(caught.value).splitlines()
    assert lines[0].startswith("w.csv: ") and lines[0].endswith(" found, nothing was changed")
    return lines[1:]


def test_fractions_decimals_and_blank_trailing_cells_parse():
    rows = [
        ["criterion", "a", "b", "c", ""],
        ["a", "1", "3", "0.5", ""],
        ["b", "1/3", " 1 ", "0.25"],
        ["c", "2", "4", "1"],
        ["", "", ""],
    ]
    ids, matrix = parse_pairwise(rows, "w.csv")
    assert ids == ["a", "b", "c"]
    np.testing.assert_array_equal(matrix, [[1, 3, 0.5], [1 / 3, 1, 0.25], [2, 4, 1]])


def test_reciprocals_are_exact_for_fractions_and_close_for_decimals():
    assert problems([["", "a", "b"], ["a", "1", "3"], ["b", "1/4", "1"]]) == [
        "w.csv:3:2: b vs a should be the reciprocal of a vs b (3), i.e. 1/3; found 1/4"
    ]
    ok = parse_pairwise([["", "a", "b"], ["a", "1", "3"], ["b", "0.3333333333", "1"]], "w.csv")
    assert ok[1][1, 0] == 1 / 3  # the matrix is made exactly reciprocal: 3 is kept, its mirror is 1/3
    # a decimal within the rounding of the places written: 1/3 = 0.333 (3 places), 0.33 (2)
    for written in ("0.333", "0.33", "0,33"):
        _, matrix = parse_pairwise([["", "a", "b"], ["a", "1", "3"], ["b", written, "1"]], "w.csv")
        assert (matrix[0, 1], matrix[1, 0]) == (3.0, 1 / 3)
    assert problems([["", "a", "b"], ["a", "1", "3"], ["b", "0.35", "1"]]) == [
        "w.csv:3:2: b vs a should be the reciprocal of a vs b (3), i.e. 1/3; found 0.35"
    ]
    assert problems([["", "a", "b"], ["a", "1", "3"], ["b", "0.334", "1"]]) == [  # 1/3 to 3 places is .333
        "w.csv:3:2: b vs a should be the reciprocal of a vs b (3), i.e. 1/3; found 0.334"
    ]
    # two decimals: 1/1.5 = 0.6667 to four places; the one >= 1 is kept, its mirror exactly 1/1.5
    _, matrix = parse_pairwise([["", "a", "b"], ["a", "1", "0.6667"], ["b", "1.5", "1"]], "w.csv")
    assert (matrix[0, 1], matrix[1, 0]) == (1 / 1.5, 1.5)
    _, matrix = parse_pairwise([["", "a", "b"], ["a", "1", "2/6"], ["b", "3", "1"]], "w.csv")  # 2/6 = 1/3
    assert matrix[0, 1] == float(Fraction(1, 3))


def test_every_cell_problem_is_located_by_row_and_column():
    rows = [
        ["", "a", "b", "c"],
        ["a", "2", "x", "10"],
        ["b", "", "1", "-3"],
        ["c", "1/10", "0", "1"],
    ]
    assert problems(rows) == [
        "w.csv:2:2: the diagonal must be 1 (a criterion compared with itself), found 2",
        "w.csv:2:3: 'x' is not a number (use 1-9, a reciprocal such as 1/3, or a decimal)",
        "w.csv:2:4: 10 is outside Saaty's scale 1/9 to 9",
        "w.csv:3:4: -3 is not a positive number",
        "w.csv:4:2: 1/10 is outside Saaty's scale 1/9 to 9",
        "w.csv:4:3: 0 is not a positive number",
    ]  # 10 and 1/10 are out of scale but reciprocal: no reciprocity problem on top


def test_shape_and_id_problems():
    assert problems([["", "a", "b"], ["b", "1", "1"], ["a", "1", "1"]]) == [
        "w.csv:2:1: row id 'b' should be 'a' (same ids, same order as the header)",
        "w.csv:3:1: row id 'a' should be 'b' (same ids, same order as the header)",
    ]
    assert problems([["", "a", "b", "c"], ["a", "1", "1", "1"], ["b", "1", "1", "1"]]) == [
        "w.csv:3:1: expected 3 rows of comparisons (one per header id), found 2"
    ]
    assert problems([["", "a", "a"], ["a", "1", "1"], ["a", "1", "1"]]) == [
        "w.csv:1:3: duplicate criterion id 'a' (also column 2)"
    ]
    assert problems([["", "a", "b"], ["a", "1"], ["b", "1", "1", "4"]]) == [  # a short row has blanks
        "w.csv:3:4: expected 2 values, found 3",
    ]
    assert problems([["corner"]]) == [
        "w.csv:1:2: the header row needs the criterion ids after the corner cell"
    ]
    assert problems([]) == ["w.csv: no comparisons: the grid is empty"]


def test_blank_cells_are_the_mirrors_reciprocal_or_not_compared():
    # one triangle is enough; a blank diagonal is 1; a pair blank on both sides is not compared
    rows = [
        ["", "a", "b", "c"],
        ["a", "", "2", ""],
        ["b", "", "1", "4"],
        ["c", "", "", ""],
    ]
    ids, matrix = parse_pairwise(rows, "w.csv")
    assert ids == ["a", "b", "c"]
    expected = np.array([[1, 2, np.nan], [0.5, 1, 4], [np.nan, 0.25, 1]])
    np.testing.assert_array_equal(matrix, expected)
    # Harker's method: a consistent 2 and 4 imply a vs c = 8, weights 8 : 4 : 1
    result = ahp_weights(matrix)
    np.testing.assert_allclose(result.weights, [8 / 13, 4 / 13, 1 / 13], atol=1e-12)
    assert result.completed == ((0, 2),)
    assert result.matrix[0, 2] == pytest.approx(8.0, abs=1e-12)
    assert abs(result.cr) < 1e-12
