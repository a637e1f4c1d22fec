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
* Element agreement over its statements: rwg(j) of James, Demaree & Wolf (1984), J the statements with
  two ratings or more, s^2 their mean variance: J (1 - s^2/2) / (J (1 - s^2/2) + s^2/2), 0 when
  s^2 > 2, None below two such statements.
* Role gaps: per element and per pair of roles, mean(A) - mean(B) of the respondents' element scores, with
  a two-sided Mann-Whitney U p-value when both roles have at least 3 respondents: exact (no ties) or
  exact over every rearrangement of the tied scores (permutation) up to ``EXACT_MAX`` respondents, the
  tie-corrected normal approximation (asymptotic) above; then Benjamini-Hochberg over every p-value of
  the report (``p_adjusted``).
* Trend: element score minus the same element's score in an earlier assessment.
* Prescription: elements below the target level, largest gap (target - score) first, each with the
  prescription that moves it to its next level.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from itertools import combinations
from typing import Any

from kamtui.core.agreement import (
    adjust_p_values,
    mann_whitney,
    rwg,
    rwg_j,
)
from kamtui.core.levels import NOT_APPLICABLE, RATED, UNKNOWN, level_name, level_of
from kamtui.core.survey import Element, Survey

NO_CONSENSUS = 0.7
DEFAULT_TARGET = 4
SPREAD_KEYS = ("1", "2", "3", "4", "5", NOT_APPLICABLE, UNKNOWN)  # the counts of a statement's spread


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
    method: str | None = None  # exact | permutation | asymptotic; None without a test
    p_adjusted: float | None = None  # Benjamini-Hochberg over every p-value of the report

    @property
    def higher(self) -> str | None:
        """The role with the higher mean (None when the means are equal)."""
        return self.roles[0] if self.difference > 0 else self.roles[1] if self.difference < 0 else None

    @property
    def lower(self) -> str | None:
        return self.roles[1] if self.difference > 0 else self.roles[0] if self.difference < 0 else None

    def to_json(self) -> dict[str, Any]:
        return {
            "roles": list(self.roles),
            "difference": self.difference,
            "higher": self.higher,
            "p_value": self.p_value,
            "p_adjusted": self.p_adjusted,
            "method": self.method,
        }


@dataclass(frozen=True)
class IndicatorResult:
    id: str
    element: str
    mean: float | None
    rwg: float | None
    n: int
    na: int
    unknown: int
    spread: dict[str, int] = field(default_factory=dict)  # answers by "1".."5", "na", "unknown"
    by_role: dict[str, float] = field(default_factory=dict)  # each role's mean rating

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
    rwg_j: float | None = None  # multi-item agreement over the element's statements

    @property
    def level_name(self) -> str | None:
        return level_name(self.level)

    @property
    def no_consensus(self) -> bool:
        return self.rwg is not None and self.rwg < NO_CONSENSUS


@dataclass(frozen=True)
class AnswerComment:
    """A comment on a statement; ``respondent`` and ``role`` are None when it is not attributed."""

    indicator: str
    element: str
    respondent: str | None
    role: str | None
    value: int | None
    status: str | None  # None: a comment without an answer
    text: str

    @property
    def answer(self) -> str:
        """The answer beside the comment: ``"3"``, ``"na"``, ``"unknown"`` or ``""``."""
        return str(self.value) if self.status == RATED and self.value is not None else self.status or ""

    def to_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "element": self.element,
            "respondent": self.respondent,
            "role": self.role,
            "answer": self.answer,
            "text": self.text,
        }


@dataclass(frozen=True)
class RespondentScores:
    """One row of the respondent-by-element heatmap: the respondent's element scores."""

    respondent: str
    role: str | None
    scores: dict[str, float]  # element id -> the respondent's element score
    levels: dict[str, int]  # element id -> its level (of the exact score)

    def to_json(self) -> dict[str, Any]:
        return {"respondent": self.respondent, "role": self.role, "scores": dict(self.scores)}


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
    comments: tuple[AnswerComment, ...] = ()  # in survey order
    respondent_scores: tuple[RespondentScores, ...] = ()  # the heatmap, by respondent

    @property
    def progress(self) -> float:
        """Share of the possible answers given (rated, na or unknown): the same words as Home."""
        possible = self.respondents * len(self.survey.indicators)
        return self.answered / possible if possible else 0.0

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
            "progress": self.progress,
            "answered": self.answered,
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
                    "rwg_j": e.rwg_j,
                    "no_consensus": e.no_consensus,
                    "n": e.n,
                    "coverage": e.coverage,
                    "by_role": dict(e.by_role),
                    "gaps": [g.to_json() for g in e.gaps],
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
                    "spread": {key: i.spread.get(key, 0) for key in SPREAD_KEYS},
                    "by_role": dict(i.by_role),
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
            "comments": [c.to_json() for c in self.comments],
            "respondent_scores": [r.to_json() for r in self.respondent_scores],
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


def overall_of(per_element: dict[str, dict[str, Fraction]]) -> Fraction | None:
    """The exact overall score: the mean of the element scores (each the mean over its respondents)."""
    return exact_mean(
        [e for e in (exact_mean(list(s.values())) for s in per_element.values()) if e is not None]
    )


def overall_only(survey: Survey, answers: Iterable[Answer]) -> tuple[float | None, int | None]:
    """(overall, level) without the rest of the report: what a list of assessments shows (no role
    statistics, so no scipy)."""
    exact = overall_of(element_scores_by_respondent(survey, answers))
    return _float(exact), level_of(exact)


def score_assessment(
    survey: Survey,
    answers: Iterable[Answer],
    *,
    target: int = DEFAULT_TARGET,
    earlier: Report | None = None,
    meta: dict[str, Any] | None = None,
    respondents: Iterable[str] = (),
) -> Report:
    """Score one assessment; ``earlier`` (another scored assessment) gives the trend.

    ``respondents`` names the registered respondents: one without an answer still counts toward progress
    and coverage (README, "Healthcheck"). Answers carrying a comment (and comment-only answers, status
    None) give the report's comments; only answers with a status count toward anything else.
    """
    if not 1 <= target <= 5:
        raise ValueError("target must be a level from 1 to 5")
    known = set(survey.indicator_ids)
    given_answers = [a for a in answers if a.indicator in known]
    comments = _comments(survey, given_answers)
    answers = [a for a in given_answers if a.status in (RATED, NOT_APPLICABLE, UNKNOWN)]
    people = sorted({a.respondent for a in answers} | set(respondents))
    roles: dict[str, str] = {}
    for a in given_answers:
        if a.role:
            roles[a.respondent] = a.role
    per_element = element_scores_by_respondent(survey, answers)

    by_indicator: dict[str, list[Answer]] = defaultdict(list)
    for a in answers:
        by_indicator[a.indicator].append(a)

    indicator_results = []
    ratings: dict[str, list[int]] = {}
    for ind in survey.indicators:
        given = by_indicator.get(ind.id, [])
        values = [a.value for a in given if a.status == RATED and a.value is not None]
        ratings[ind.id] = values
        by_role_values: dict[str, list[int]] = defaultdict(list)
        for a in given:
            if a.status == RATED and a.value is not None and a.respondent in roles:
                by_role_values[roles[a.respondent]].append(a.value)
        spread = dict.fromkeys(SPREAD_KEYS, 0)
        for a in given:
            key = str(a.value) if a.status == RATED else a.status
            if key in spread:
                spread[key] += 1
        indicator_results.append(
            IndicatorResult(
                id=ind.id,
                element=ind.element_id,
                mean=mean(values),
                rwg=rwg(values),
                n=len(values),
                na=spread[NOT_APPLICABLE],
                unknown=spread[UNKNOWN],
                spread=spread,
                by_role={role: float(Fraction(sum(v), len(v))) for role, v in sorted(by_role_values.items())},
            )
        )
    rated_in_element: dict[str, int] = defaultdict(int)
    for result in indicator_results:
        rated_in_element[result.element] += result.n

    element_results = []
    all_gaps = []
    for element in survey.elements:
        scores = per_element[element.id]
        exact = exact_mean(list(scores.values()))
        role_scores: dict[str, list[Fraction]] = defaultdict(list)
        for who, value in scores.items():
            if who in roles:
                role_scores[roles[who]].append(value)
        role_means = {role: exact_mean(vals) for role, vals in sorted(role_scores.items())}
        gaps = []
        for a, b in combinations(sorted(role_means), 2):
            p_value, method = mann_whitney(role_scores[a], role_scores[b])
            gaps.append(RoleGap((a, b), float(role_means[a] - role_means[b]), p_value, method))
        gaps.sort(key=lambda g: -abs(g.difference))
        all_gaps.append(gaps)
        possible = len(people) * len(element.indicators)
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
                score=_float(exact),
                level=level_of(exact),
                rwg=rwg(list(scores.values())),
                n=len(scores),
                coverage=rated_in_element[element.id] / possible if possible else 0.0,
                by_role={role: float(value) for role, value in role_means.items()},
                gaps=(),
                delta=delta,
                exact_score=exact,
                rwg_j=rwg_j([ratings[ind.id] for ind in element.indicators]),
            )
        )
    element_results = [
        replace(result, gaps=gaps)
        for result, gaps in zip(element_results, adjust_p_values(all_gaps), strict=True)
    ]
    exact_overall = overall_of(per_element)
    possible = len(people) * len(survey.indicators)
    rated_total = sum(r.n for r in indicator_results)
    overall_delta = (
        float(exact_overall - _exact(earlier.exact_overall, earlier.overall))
        if earlier is not None and exact_overall is not None and earlier.overall is not None
        else None
    )
    return Report(
        survey=survey,
        respondents=len(people),
        overall=_float(exact_overall),
        coverage=rated_total / possible if possible else 0.0,
        elements=tuple(element_results),
        indicators=tuple(indicator_results),
        prescription=prescribe(survey, element_results, target),
        target=target,
        answered=len(answers),
        overall_delta=overall_delta,
        meta=dict(meta or {}),
        exact_overall=exact_overall,
        comments=comments,
        respondent_scores=_respondent_scores(survey, per_element, people, roles),
    )


def _comments(survey: Survey, answers: Sequence[Answer]) -> tuple[AnswerComment, ...]:
    order = {ind.id: position for position, ind in enumerate(survey.indicators)}
    element_of = {ind.id: ind.element_id for ind in survey.indicators}
    found = [
        AnswerComment(
            indicator=a.indicator,
            element=element_of[a.indicator],
            respondent=a.respondent,
            role=a.role,
            value=a.value if a.status == RATED else None,
            status=a.status,
            text=a.comment.strip(),
        )
        for a in answers
        if a.comment and a.comment.strip()
    ]
    return tuple(sorted(found, key=lambda c: (order[c.indicator], c.respondent or "")))


def _respondent_scores(
    survey: Survey, per_element: dict[str, dict[str, Fraction]], people: Sequence[str], roles: dict[str, str]
) -> tuple[RespondentScores, ...]:
    rows = []
    for who in people:
        exact = {e.id: per_element[e.id][who] for e in survey.elements if who in per_element[e.id]}
        levels = {e: level for e, value in exact.items() if (level := level_of(value)) is not None}
        rows.append(RespondentScores(who, roles.get(who), {k: float(v) for k, v in exact.items()}, levels))
    return tuple(rows)


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
                    text=next_prescription(element, result.level) or "",
                ),
            )
        )
    items.sort(key=lambda item: (item[0], item[1]))
    return tuple(item for _, _, item in items)


def next_prescription(element: Element, level: int | None) -> str | None:
    """The step from ``level`` to the next one (from level 1 for an element without a score yet); None at
    level 5, which has no next level."""
    if level is None:
        level = 1
    return element.prescriptions[level - 1] if 1 <= level < 5 else None


def element_levels(survey: Survey, answers: Iterable[Answer]) -> dict[str, int | None]:
    """{element id: its level} without the rest of the report (no role statistics, so no scipy)."""
    per_element = element_scores_by_respondent(survey, answers)
    return {element: level_of(exact_mean(list(scores.values()))) for element, scores in per_element.items()}


# ---------------------------------------------------------------------------------------------- drill-down


def element_statements(report: Report, element_id: str) -> list[IndicatorResult]:
    """The element's statements for the drill-down: those without consensus first (least agreement first),
    then the others in survey order."""
    mine = [i for i in report.indicators if i.element == element_id]
    flagged = sorted((i for i in mine if i.no_consensus), key=lambda i: i.rwg if i.rwg is not None else 0.0)
    return flagged + [i for i in mine if not i.no_consensus]


def statement_comments(report: Report, indicator_id: str) -> list[AnswerComment]:
    return [c for c in report.comments if c.indicator == indicator_id]


def element_comments(report: Report, element_id: str) -> list[AnswerComment]:
    """The element's comments, its statements' order as in :func:`element_statements`."""
    order = {i.id: position for position, i in enumerate(element_statements(report, element_id))}
    return sorted((c for c in report.comments if c.element == element_id), key=lambda c: order[c.indicator])


# ---------------------------------------------------------------------------------------------- side by side


def parse_answer_value(text: str) -> tuple[int | None, str] | None:
    """``"1".."5"``, a level name, both (``"3 Repeatable"``, as the answer forms list them), ``na`` or
    ``unknown`` -> (value, status); None when not an answer (or when the number and the name disagree)."""
    cleaned = " ".join(text.strip().lower().split())
    number, _, name = cleaned.partition(" ")
    if name and number in {"1", "2", "3", "4", "5"}:
        by_number = parse_answer_value(number)
        return by_number if by_number is not None and parse_answer_value(name) == by_number else None
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
