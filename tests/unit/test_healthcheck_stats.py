"""Role-gap statistics and multi-item agreement: Mann-Whitney (exact, permutation, asymptotic),
Benjamini-Hochberg across a report, the higher role, and rwg(j) (James, Demaree & Wolf 1984).

Every expected number is either worked out by hand in the comments or computed independently here (a
brute-force enumeration of every split, scipy's own permutation test), never by the code under test.
"""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from itertools import combinations

import pytest

from kamtui.core.agreement import (
    ASYMPTOTIC,
    EXACT,
    EXACT_MAX,
    PERMUTATION,
    adjust_p_values,
    mann_whitney,
    rwg_j,
)
from kamtui.core.healthcheck import Answer, RoleGap, score_assessment
from kamtui.core.survey import survey_from_dict


def brute_force_p(a: list[float], b: list[float]) -> float:
    """2 min(P(T <= t), P(T >= t)) over every split of the pooled values, T the rank sum of the first
    group with mid-ranks (the definition, by enumeration)."""
    pooled = sorted(a + b)
    rank = {}
    for value in set(pooled):
        positions = [i + 1 for i, v in enumerate(pooled) if v == value]
        rank[value] = Fraction(sum(positions), len(positions))
    values = [rank[v] for v in a + b]
    observed = sum(rank[v] for v in a)
    sums = [sum(values[i] for i in chosen) for chosen in combinations(range(len(values)), len(a))]
    below = sum(1 for s in sums if s <= observed)
    above = sum(1 for s in sums if s >= observed)
    return min(1.0, 2 * min(below, above) / len(sums))


def test_no_ties_is_scipys_exact_test():
    # KAM 1, 2, 3 against Leadership 4, 4.5, 5: complete separation, no ties; exact two-sided
    # p = 2 x 1 / C(6, 3) = 2 / 20 = 0.1
    p, method = mann_whitney([1, 2, 3], [4, 4.5, 5])
    assert method == EXACT
    assert p == pytest.approx(0.1, abs=1e-12)


def test_ties_use_the_exact_permutation_distribution():
    # KAM 1, 2, 2 against Leadership 2, 3, 3: the 2s are tied across the roles. Mid-ranks: 1 -> 1,
    # 2 -> (2 + 3 + 4) / 3 = 3, 3 -> (5 + 6) / 2 = 5.5; KAM's rank sum t = 1 + 3 + 3 = 7. Of the 20 ways of
    # choosing 3 of the 6 scores, rank sums <= 7: {1,3,3} three ways (one 1 and two of the three 2s) = 3;
    # so P(T <= 7) = 3/20 and p = 2 x 3/20 = 0.3.
    p, method = mann_whitney([1, 2, 2], [2, 3, 3])
    assert method == PERMUTATION
    assert p == pytest.approx(0.3, abs=1e-12)
    assert brute_force_p([1, 2, 2], [2, 3, 3]) == pytest.approx(0.3, abs=1e-12)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ([1, 1, 2, 3], [2, 3, 3, 4, 5]),
        ([2.5, 2.5, 2.5], [2.5, 3, 4]),
        ([1, 2, 3, 4], [1, 2, 3, 4]),  # identical groups: p = 1
        ([3.5, 4, 4, 4.5, 5], [1, 1.5, 2, 2, 2.5, 4]),
        ([Fraction(7, 3), Fraction(5, 2), 3], [Fraction(7, 3), 4, Fraction(9, 2)]),
    ],
)
def test_permutation_p_equals_brute_force_and_scipys_permutation_test(a, b):
    import numpy as np
    from scipy.stats import PermutationMethod, mannwhitneyu

    p, method = mann_whitney(a, b)
    assert method == PERMUTATION
    assert p == pytest.approx(brute_force_p(a, b), abs=1e-12)
    fa, fb = [float(v) for v in a], [float(v) for v in b]
    reference = mannwhitneyu(fa, fb, alternative="two-sided", method=PermutationMethod(n_resamples=np.inf))
    assert p == pytest.approx(min(1.0, float(reference.pvalue)), abs=1e-12)


def test_large_samples_use_the_asymptotic_test():
    from scipy.stats import mannwhitneyu

    a = [1 + (i % 5) for i in range(30)]  # 30 + 30 > EXACT_MAX = 50
    b = [2 + (i % 4) for i in range(30)]
    assert len(a) + len(b) > EXACT_MAX
    p, method = mann_whitney(a, b)
    assert method == ASYMPTOTIC
    assert p == pytest.approx(float(mannwhitneyu(a, b, alternative="two-sided", method="asymptotic").pvalue))


def test_fewer_than_three_on_a_side_has_no_test():
    assert mann_whitney([1, 2], [3, 4, 5]) == (None, None)


def test_benjamini_hochberg_over_every_gap_in_report_order():
    # p = 0.01, 0.04, 0.03 (m = 3). Sorted: 0.01 x 3/1 = 0.03; 0.03 x 3/2 = 0.045; 0.04 x 3/3 = 0.04;
    # monotone from the largest down: 0.04, min(0.045, 0.04) = 0.04, min(0.03, 0.04) = 0.03.
    # In report order: 0.01 -> 0.03, 0.04 -> 0.04, (none), 0.03 -> 0.04.
    first = (RoleGap(("A", "B"), 1.0, 0.01), RoleGap(("A", "C"), 0.5, 0.04))
    second = (RoleGap(("A", "B"), 0.2, None), RoleGap(("B", "C"), -0.3, 0.03))
    adjusted = adjust_p_values([first, second])
    assert [g.p_adjusted for g in adjusted[0]] == [pytest.approx(0.03), pytest.approx(0.04)]
    assert [g.p_adjusted for g in adjusted[1]] == [None, pytest.approx(0.04)]
    assert [g.p_value for g in adjusted[1]] == [None, 0.03]  # the raw values stay


def test_higher_names_the_role_with_the_higher_mean():
    assert RoleGap(("KAM", "Leadership"), -2.5, None).higher == "Leadership"
    assert RoleGap(("KAM", "Leadership"), 0.75, None).higher == "KAM"
    assert RoleGap(("KAM", "Leadership"), 0.0, None).higher is None


def two_element_survey():
    def element(element_id, prefix, count):
        return {
            "id": element_id,
            "name": element_id.upper(),
            "part": 1,
            "levels": [f"{element_id} level {n}" for n in range(1, 6)],
            "prescriptions": [f"{element_id} {n}->{n + 1}" for n in range(1, 5)],
            "indicators": [{"id": f"{prefix}{i}", "text": f"statement {i}"} for i in range(1, count + 1)],
        }

    return survey_from_dict(
        {
            "id": "two",
            "title": "Two",
            "version": 1,
            "elements": [element("e1", "A", 2), element("e2", "B", 1)],
        }
    )


def test_report_gaps_carry_method_higher_and_adjusted_p():
    # e1 (A1 only rated): KAM 1, 2, 3 vs Leadership 4, 5, 5 -> ties only within Leadership: permutation;
    # doubled mid-ranks 2, 4, 6 | 8, 11, 11: KAM's sum 12 is the smallest of 20 splits (and only once), so
    # p = 2 x 1/20 = 0.1. e2 (B1): KAM 3, 3, 3 vs Leadership 3, 3, 3: every split has the same rank sum, p = 1.
    # BH over (0.1, 1.0): 0.1 x 2/1 = 0.2, 1.0 x 2/2 = 1.0.
    answers = []
    for who, a1, b1 in (("k1", 1, 3), ("k2", 2, 3), ("k3", 3, 3)):
        answers += [Answer(who, "A1", a1, "rated", "KAM"), Answer(who, "B1", b1, "rated", "KAM")]
    for who, a1, b1 in (("l1", 4, 3), ("l2", 5, 3), ("l3", 5, 3)):
        answers += [
            Answer(who, "A1", a1, "rated", "Leadership"),
            Answer(who, "B1", b1, "rated", "Leadership"),
        ]
    report = score_assessment(two_element_survey(), answers)
    e1, e2 = report.elements
    (g1,) = e1.gaps
    (g2,) = e2.gaps
    assert (g1.roles, g1.higher, g1.method) == (("KAM", "Leadership"), "Leadership", PERMUTATION)
    assert g1.difference == pytest.approx(2.0 - 14 / 3)
    assert g1.p_value == pytest.approx(0.1)
    assert g1.p_adjusted == pytest.approx(0.2)
    assert (g2.higher, g2.method, g2.p_value, g2.p_adjusted) == (None, PERMUTATION, 1.0, pytest.approx(1.0))
    data = report.to_json()["elements"][0]["gaps"][0]
    assert data["higher"] == "Leadership" and data["method"] == "permutation"
    assert data["p_adjusted"] == pytest.approx(0.2)


def test_rwg_j_of_a_multi_item_element():
    # statement 1: 2 and 4 -> mean 3, variance (1 + 1) / 1 = 2; statement 2: 3 and 3 -> variance 0.
    # mean variance 1, ratio 1/2 = 0.5, J = 2: rwg(j) = 2 x 0.5 / (2 x 0.5 + 0.5) = 1 / 1.5 = 2/3
    assert rwg_j([[2, 4], [3, 3]]) == pytest.approx(2 / 3, abs=1e-12)
    # every statement agreed on: 1
    assert rwg_j([[3, 3], [4, 4, 4]]) == 1.0
    # mean variance above 2 (uniform answering): 0
    assert rwg_j([[1, 5], [1, 5]]) == 0.0
    # a statement rated once does not count; one statement left: no rwg(j)
    assert rwg_j([[2, 4], [3]]) is None
    assert rwg_j([]) is None


def test_report_rwg_j_per_element():
    answers = [
        Answer("r1", "A1", 2, "rated"),
        Answer("r2", "A1", 4, "rated"),
        Answer("r1", "A2", 3, "rated"),
        Answer("r2", "A2", 3, "rated"),
        Answer("r1", "B1", 1, "rated"),
        Answer("r2", "B1", 5, "rated"),
    ]
    report = score_assessment(two_element_survey(), answers)
    e1, e2 = report.elements
    assert e1.rwg_j == pytest.approx(2 / 3, abs=1e-12)  # as worked out above
    assert e2.rwg_j is None  # e2 has one statement: rwg(j) is for multi-item elements
    # the single-item rwg of the element scores stays: e1 scores 2.5 and 3.5, variance 0.5 -> 0.75
    assert e1.rwg == pytest.approx(0.75)
    assert report.to_json()["elements"][0]["rwg_j"] == pytest.approx(2 / 3)


def test_scipy_is_not_imported_without_a_test():
    code = (
        "import sys\n"
        "from kamtui.core.healthcheck import Answer, score_assessment\n"
        "from kamtui.core.survey import load_survey\n"
        "s = load_survey('kam-healthcheck')\n"
        "answers = [Answer(w, 'PCM-01', 3, 'rated', r) for w, r in (('a', 'KAM'), ('b', 'KAM'), ('c', 'Lead'))]\n"
        "report = score_assessment(s, answers)\n"
        "assert report.elements[0].gaps, 'a gap without a test'\n"
        "print('scipy' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    assert result.stdout.strip() == "False"
