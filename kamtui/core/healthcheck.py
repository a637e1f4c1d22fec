"""Scoring a healthcheck: element levels, agreement, role gaps, trend and prescription.

The rules (DESIGN.md, "Scores"), applied to the letter:

* A respondent's element score is the mean of their *rated* indicators in that element (``na`` and
  ``unknown`` count toward progress, never toward scores).
* The assessment's element score is the mean over respondents of their element scores; respondents with
  no rated indicator in the element are skipped. Overall is the mean of the element scores.
* The level of a score s is floor(s), 5 only at 5.0.
* Agreement rwg = 1 - s^2 / 2, s^2 the sample variance (n - 1) of the respondents' scores (per indicator
  their answers, per element their element scores), clipped to [0, 1], None below 2 respondents.
  Below 0.7 it is flagged "no consensus".
* Role gaps: per element and per pair of roles, mean(A) - mean(B) of the respondents' element scores, with
  a two-sided Mann-Whitney U p-value when both roles have at least 3 respondents.
* Trend: element score minus the same element's score in an earlier assessment.
* Prescription: elements below the target level, largest gap (target - score) first, each with the
  prescription that moves it to its next level.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import Any

from kamtui.core.levels import level_name, level_of
from kamtui.core.survey import Survey

RATED = "rated"
NOT_APPLICABLE = "na"
UNKNOWN = "unknown"
NO_CONSENSUS = 0.7
DEFAULT_TARGET = 4
MIN_RESPONDENTS_FOR_TEST = 3


@dataclass(frozen=True)
class Answer:
    """One respondent's answer to one indicator: a level 1-5, or ``na`` / ``unknown``."""

    respondent: str
    indicator: str
    value: int | None
    status: str = RATED  # rated | na | unknown
    role: str | None = None
    comment: str | None = None


@dataclass(frozen=True)
class RoleGap:
    roles: tuple[str, str]
    difference: float  # mean(roles[0]) - mean(roles[1])
    p_value: float | None


@dataclass(frozen=True)
class IndicatorResult:
    id: str
    element: str
    mean: float | None
    rwg: float | None
    n: int
    na: int
    unknown: int

    @property
    def no_consensus(self) -> bool:
        return self.rwg is not None and self.rwg < NO_CONSENSUS


@dataclass(frozen=True)
class ElementResult:
    id: str
    name: str
    score: float | None
    level: int | None
    rwg: float | None
    n: int  # respondents with an element score
    coverage: float
    by_role: dict[str, float]
    gaps: tuple[RoleGap, ...]
    delta: float | None
    exact_score: Fraction | None = field(default=None, repr=False, compare=False)

    @property
    def level_name(self) -> str | None:
        return level_name(self.level)

    @property
    def no_consensus(self) -> bool:
        return self.rwg is not None and self.rwg < NO_CONSENSUS


@dataclass(frozen=True)
class PrescriptionItem:
    element: str
    name: str
    score: float
    level: int
    target: int
    gap: float
    text: str


@dataclass(frozen=True)
class Report:
    survey: Survey
    respondents: int
    overall: float | None
    coverage: float
    elements: tuple[ElementResult, ...]
    indicators: tuple[IndicatorResult, ...]
    prescription: tuple[PrescriptionItem, ...]
    target: int
    answered: int  # answers given (rated, na or unknown)
    overall_delta: float | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    exact_overall: Fraction | None = field(default=None, repr=False, compare=False)

    @property
    def level(self) -> int | None:
        return level_of(self.exact_overall if self.exact_overall is not None else self.overall)

    @property
    def level_name(self) -> str | None:
        return level_name(self.level)

    def element(self, element_id: str) -> ElementResult | None:
        return next((e for e in self.elements if e.id == element_id), None)

    def to_json(self) -> dict[str, Any]:
        """The report in the documented JSON shape (``kamtui healthcheck report --json``)."""
        return {
            **self.meta,
            "survey": self.survey.id,
            "respondents": self.respondents,
            "overall": self.overall,
            "level": self.level,
            "level_name": self.level_name,
            "coverage": self.coverage,
            "overall_delta": self.overall_delta,
            "target": self.target,
            "elements": [
                {
                    "id": e.id,
                    "name": e.name,
                    "score": e.score,
                    "level": e.level,
                    "level_name": e.level_name,
                    "rwg": e.rwg,
                    "no_consensus": e.no_consensus,
                    "n": e.n,
                    "coverage": e.coverage,
                    "by_role": dict(e.by_role),
                    "gaps": [
                        {"roles": list(g.roles), "difference": g.difference, "p_value": g.p_value}
                        for g in e.gaps
                    ],
                    "delta": e.delta,
                }
                for e in self.elements
            ],
            "indicators": [
                {
                    "id": i.id,
                    "element": i.element,
                    "mean": i.mean,
                    "rwg": i.rwg,
                    "no_consensus": i.no_consensus,
                    "n": i.n,
                    "na": i.na,
                    "unknown": i.unknown,
                }
                for i in self.indicators
            ],
            "prescription": [
                {
                    "element": p.element,
                    "name": p.name,
                    "score": p.score,
                    "level": p.level,
                    "target": p.target,
                    "gap": p.gap,
                    "text": p.text,
                }
                for p in self.prescription
            ],
        }


# Scores are rational numbers (means of means of integer levels): they are computed exactly with
# Fraction and rounded to float once, so a mean that is mathematically 3 is exactly 3.0 and its level
# is 3, never 2 through a rounding error on the way.


def exact_mean(values: Sequence[Fraction | int]) -> Fraction | None:
    return Fraction(sum(values, Fraction(0))) / len(values) if values else None


def mean(values: Sequence[float | Fraction | int]) -> float | None:
    """The mean of exact values, correctly rounded to float (None for no values)."""
    exact = exact_mean([Fraction(v) for v in values])
    return None if exact is None else float(exact)


def _float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)


def sample_variance(values: Sequence[float | Fraction | int]) -> Fraction:
    exact = [Fraction(v) for v in values]
    m = sum(exact, Fraction(0)) / len(exact)
    return sum(((v - m) ** 2 for v in exact), Fraction(0)) / (len(exact) - 1)


def rwg(values: Sequence[float | Fraction | int]) -> float | None:
    """Within-group agreement 1 - s^2/2 (s^2 with n - 1), clipped to [0, 1]; None below 2 values."""
    if len(values) < 2:
        return None
    return float(min(Fraction(1), max(Fraction(0), 1 - sample_variance(values) / 2)))


def mann_whitney_p(a: Sequence[float], b: Sequence[float]) -> float | None:
    """Two-sided Mann-Whitney U p-value (scipy defaults), or None when a side has < 3 values."""
    if len(a) < MIN_RESPONDENTS_FOR_TEST or len(b) < MIN_RESPONDENTS_FOR_TEST:
        return None
    from scipy.stats import mannwhitneyu

    result = mannwhitneyu([float(v) for v in a], [float(v) for v in b], alternative="two-sided")
    p = float(result.pvalue)
    return None if math.isnan(p) else p


def element_scores_by_respondent(survey: Survey, answers: Iterable[Answer]) -> dict[str, dict[str, Fraction]]:
    """{element id: {respondent: mean of their rated indicators in it}}, exact."""
    element_of = {ind.id: ind.element_id for ind in survey.indicators}
    rated: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for answer in answers:
        element_id = element_of.get(answer.indicator)
        if element_id is None or answer.status != RATED or answer.value is None:
            continue
        rated[element_id][answer.respondent].append(answer.value)
    return {
        element.id: {who: Fraction(sum(vals), len(vals)) for who, vals in rated.get(element.id, {}).items()}
        for element in survey.elements
    }


def score_assessment(
    survey: Survey,
    answers: Iterable[Answer],
    *,
    target: int = DEFAULT_TARGET,
    earlier: Report | None = None,
    meta: dict[str, Any] | None = None,
) -> Report:
    """Score one assessment; ``earlier`` (another scored assessment) gives the trend."""
    if not 1 <= target <= 5:
        raise ValueError("target must be a level from 1 to 5")
    answers = [a for a in answers if a.status in (RATED, NOT_APPLICABLE, UNKNOWN)]
    known = set(survey.indicator_ids)
    answers = [a for a in answers if a.indicator in known]
    respondents = sorted({a.respondent for a in answers})
    roles: dict[str, str] = {}
    for a in answers:
        if a.role:
            roles[a.respondent] = a.role
    per_element = element_scores_by_respondent(survey, answers)

    by_indicator: dict[str, list[Answer]] = defaultdict(list)
    for a in answers:
        by_indicator[a.indicator].append(a)

    indicator_results = []
    for ind in survey.indicators:
        given = by_indicator.get(ind.id, [])
        values = [a.value for a in given if a.status == RATED and a.value is not None]
        indicator_results.append(
            IndicatorResult(
                id=ind.id,
                element=ind.element_id,
                mean=mean(values),
                rwg=rwg(values),
                n=len(values),
                na=sum(1 for a in given if a.status == NOT_APPLICABLE),
                unknown=sum(1 for a in given if a.status == UNKNOWN),
            )
        )
    rated_in_element: dict[str, int] = defaultdict(int)
    for result in indicator_results:
        rated_in_element[result.element] += result.n

    element_results = []
    for element in survey.elements:
        scores = per_element[element.id]
        exact = exact_mean(list(scores.values()))
        score = _float(exact)
        role_scores: dict[str, list[Fraction]] = defaultdict(list)
        for who, value in scores.items():
            if who in roles:
                role_scores[roles[who]].append(value)
        role_means = {role: exact_mean(vals) for role, vals in sorted(role_scores.items())}
        by_role = {role: float(value) for role, value in role_means.items()}
        gaps = sorted(
            (
                RoleGap(
                    roles=(a, b),
                    difference=float(role_means[a] - role_means[b]),
                    p_value=mann_whitney_p(role_scores[a], role_scores[b]),
                )
                for a, b in combinations(sorted(by_role), 2)
            ),
            key=lambda g: -abs(g.difference),
        )
        possible = len(respondents) * len(element.indicators)
        earlier_element = earlier.element(element.id) if earlier is not None else None
        delta = (
            float(exact - _exact(earlier_element.exact_score, earlier_element.score))
            if exact is not None and earlier_element is not None and earlier_element.score is not None
            else None
        )
        element_results.append(
            ElementResult(
                id=element.id,
                name=element.name,
                score=score,
                level=level_of(exact),
                rwg=rwg(list(scores.values())),
                n=len(scores),
                coverage=rated_in_element[element.id] / possible if possible else 0.0,
                by_role=by_role,
                gaps=tuple(gaps),
                delta=delta,
                exact_score=exact,
            )
        )
    exact_overall = exact_mean([e.exact_score for e in element_results if e.exact_score is not None])
    overall = _float(exact_overall)
    possible = len(respondents) * len(survey.indicators)
    rated_total = sum(r.n for r in indicator_results)
    overall_delta = (
        float(exact_overall - _exact(earlier.exact_overall, earlier.overall))
        if earlier is not None and exact_overall is not None and earlier.overall is not None
        else None
    )
    return Report(
        survey=survey,
        respondents=len(respondents),
        overall=overall,
        coverage=rated_total / possible if possible else 0.0,
        elements=tuple(element_results),
        indicators=tuple(indicator_results),
        prescription=prescribe(survey, element_results, target),
        target=target,
        answered=len(answers),
        overall_delta=overall_delta,
        meta=dict(meta or {}),
        exact_overall=exact_overall,
    )


def _exact(exact: Fraction | None, value: float) -> Fraction:
    return exact if exact is not None else Fraction(value)


def prescribe(survey: Survey, results: Sequence[ElementResult], target: int) -> tuple[PrescriptionItem, ...]:
    """Elements below ``target``, the largest gap first (survey order among equals)."""
    items = []
    for position, result in enumerate(results):
        if result.score is None or result.level is None or result.level >= target:
            continue
        gap = target - _exact(result.exact_score, result.score)
        element = survey.element(result.id)
        assert element is not None
        items.append(
            (
                -gap,
                position,
                PrescriptionItem(
                    element=result.id,
                    name=result.name,
                    score=result.score,
                    level=result.level,
                    target=target,
                    gap=float(gap),
                    text=element.prescriptions[result.level - 1],
                ),
            )
        )
    items.sort(key=lambda item: (item[0], item[1]))
    return tuple(item for _, _, item in items)


def parse_answer_value(text: str) -> tuple[int | None, str] | None:
    """``"1".."5"``, a level name, ``na`` or ``unknown`` -> (value, status); None when not an answer."""
    cleaned = text.strip().lower()
    if cleaned in {"1", "2", "3", "4", "5"}:
        return int(cleaned), RATED
    if cleaned in {"1.0", "2.0", "3.0", "4.0", "5.0"}:
        return int(float(cleaned)), RATED
    if cleaned in {"na", "n/a", "not applicable"}:
        return None, NOT_APPLICABLE
    if cleaned in {"unknown", "?", "don't know", "dont know"}:
        return None, UNKNOWN
    from kamtui.core.levels import LEVELS

    for level in LEVELS:
        if cleaned == level.name.lower():
            return level.number, RATED
    return None


ANSWER_CHOICES = "1-5 (or a level name), na or unknown"
