"""Agreement and role-gap statistics of a healthcheck (README, "How it is scored").

rwg (single item) and rwg(j) (James, Demaree & Wolf 1984) for agreement; the two-sided Mann-Whitney U
p-value of a role gap, exact or by permutation for small samples and asymptotic above; Benjamini-Hochberg
over a report's gaps. scipy is imported only when a test needs it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kamtui.core.healthcheck import RoleGap

MIN_RESPONDENTS_FOR_TEST = 3
EXACT_MAX = 50  # respondents in the two roles together up to which the p-value is exact
EXACT, PERMUTATION, ASYMPTOTIC = "exact", "permutation", "asymptotic"  # how a gap's p-value was found


def sample_variance(values: Sequence[float | Fraction | int]) -> Fraction:
    """(n sum(x^2) - (sum x)^2) / (n (n - 1)), exactly (whole ratings stay whole numbers until the end)."""
    n = len(values)
    if all(type(v) is int for v in values):
        total, squares = sum(values), sum(v * v for v in values)  # type: ignore[misc]
        return Fraction(n * squares - total * total, n * (n - 1))
    exact = [Fraction(v) for v in values]
    total = sum(exact, Fraction(0))
    return (n * sum((v * v for v in exact), Fraction(0)) - total * total) / (n * (n - 1))


def rwg(values: Sequence[float | Fraction | int]) -> float | None:
    """Within-group agreement 1 - s^2/2 (s^2 with n - 1), clipped to [0, 1]; None below 2 values."""
    if len(values) < 2:
        return None
    return float(min(Fraction(1), max(Fraction(0), 1 - sample_variance(values) / 2)))


def rwg_j(item_values: Sequence[Sequence[float | Fraction | int]]) -> float | None:
    """Multi-item agreement rwg(j) (James, Demaree & Wolf 1984) over the items with two values or more:
    J (1 - s^2/2) / (J (1 - s^2/2) + s^2/2), s^2 the mean of their sample variances and 2 the variance of
    a uniform answer on five levels; 0 when s^2 >= 2; None below two such items."""
    variances = [sample_variance(values) for values in item_values if len(values) >= 2]
    if len(variances) < 2:
        return None
    ratio = min(Fraction(1), sum(variances, Fraction(0)) / len(variances) / 2)
    j = len(variances)
    return float(j * (1 - ratio) / (j * (1 - ratio) + ratio))


def mann_whitney(
    a: Sequence[float | Fraction], b: Sequence[float | Fraction]
) -> tuple[float | None, str | None]:
    """Two-sided Mann-Whitney U p-value and how it was found, or (None, None) when a side has < 3 values.

    Up to ``EXACT_MAX`` values in all: without ties the exact distribution of U (scipy, ``method="exact"``);
    with ties the exact permutation distribution, over every way of splitting the tied scores between the
    two roles (what scipy's ``PermutationMethod`` enumerates, counted here without listing them). Above:
    scipy's normal approximation with the tie correction (``"asymptotic"``).
    """
    if len(a) < MIN_RESPONDENTS_FOR_TEST or len(b) < MIN_RESPONDENTS_FOR_TEST:
        return None, None
    exact_a, exact_b = [Fraction(v) for v in a], [Fraction(v) for v in b]
    pooled = exact_a + exact_b
    tied = len(set(pooled)) < len(pooled)
    if len(pooled) <= EXACT_MAX and tied:
        return _permutation_p(exact_a, exact_b), PERMUTATION
    from scipy.stats import mannwhitneyu

    method = EXACT if len(pooled) <= EXACT_MAX else ASYMPTOTIC
    floats_a, floats_b = [float(v) for v in a], [float(v) for v in b]
    result = mannwhitneyu(floats_a, floats_b, alternative="two-sided", method=method)
    p = float(result.pvalue)
    return (None, None) if math.isnan(p) else (min(1.0, p), method)


def mann_whitney_p(a: Sequence[float], b: Sequence[float]) -> float | None:
    """The p-value of :func:`mann_whitney` alone."""
    return mann_whitney(a, b)[0]


def _permutation_p(a: Sequence[Fraction], b: Sequence[Fraction]) -> float:
    """Two-sided p of the rank sum of ``a`` against every split of the pooled (tied) scores into groups
    of len(a) and len(b): 2 min(P(T <= t), P(T >= t)), capped at 1, as scipy's permutation test words it.

    Ranks are mid-ranks doubled (whole numbers), so the count of splits per rank sum is a small dynamic
    programme: ways[k][s] = splits that put k scores with doubled rank sum s in ``a``."""
    import numpy as np

    pooled = sorted([*a, *b])
    first: dict[Fraction, int] = {}
    last: dict[Fraction, int] = {}
    for position, value in enumerate(pooled, 1):
        first.setdefault(value, position)
        last[value] = position
    doubled = {value: first[value] + last[value] for value in first}  # 2 x the mid-rank
    ranks = [doubled[v] for v in pooled]
    n1 = len(a)
    total = sum(sorted(ranks, reverse=True)[:n1])
    ways = np.zeros((n1 + 1, total + 1))
    ways[0, 0] = 1.0
    for rank in ranks:
        ways[1:, rank:] += ways[:-1, : total + 1 - rank]  # numpy reads the right side before writing
    observed = sum(doubled[v] for v in a)
    counts = ways[n1]
    below, above = counts[: observed + 1].sum(), counts[observed:].sum()
    return float(min(1.0, 2 * min(below, above) / counts.sum()))


def adjust_p_values(gaps_by_element: Sequence[Sequence[RoleGap]]) -> list[tuple[RoleGap, ...]]:
    """Every gap with its Benjamini-Hochberg adjusted p-value (scipy's ``false_discovery_control``) over
    all the gaps that have a p-value, in report order; gaps without a p-value keep None."""
    found = [g.p_value for gaps in gaps_by_element for g in gaps if g.p_value is not None]
    if not found:
        return [tuple(gaps) for gaps in gaps_by_element]
    from scipy.stats import false_discovery_control

    adjusted = iter(float(p) for p in false_discovery_control(found, method="bh"))
    return [
        tuple(replace(g, p_adjusted=next(adjusted)) if g.p_value is not None else g for g in gaps)
        for gaps in gaps_by_element
    ]
