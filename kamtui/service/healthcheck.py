"""Healthcheck operations (README, "Healthcheck"): assessments, respondents, answers, imports, reports.

Each function takes the open database and what the person typed (an answer as text, a respondent's
name), applies the one copy of each rule, and returns plain records. An answer is committed the moment
it is given, in its own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kamtui.core.assessments import AnswerRow, Assessment, AssessmentSummary
from kamtui.core.confidential import DEFAULT_MIN_GROUP, check_min_group, protect_report
from kamtui.core.errors import InvalidValueError
from kamtui.core.healthcheck import ANSWER_CHOICES, DEFAULT_TARGET, RATED, Answer, Report, parse_answer_value
from kamtui.core.levels import level_name
from kamtui.core.trend import PREVIOUS
from kamtui.service.database import Database
from kamtui.store import healthchecks as store
from kamtui.store import participants

DEFAULT_SURVEY = "kam-healthcheck"
Compare = int | None | Literal["previous"]


@dataclass(frozen=True)
class AssessmentRow:
    """One assessment as a list shows it (Home, ``healthcheck list``): progress and the overall level."""

    summary: AssessmentSummary
    overall: float | None
    level: int | None

    @property
    def level_name(self) -> str | None:
        return level_name(self.level) if self.level else None

    def to_json(self) -> dict:
        s = self.summary
        return {
            "id": s.id,
            "title": s.title,
            "programme": s.programme,
            "survey": s.survey_id,
            "created_at": s.created_at,
            "respondents": s.respondents,
            "answered": s.answered,
            "rated": s.rated,
            "indicators": s.indicators,
            "progress": s.progress,
            "coverage": s.coverage,
            "overall": self.overall,
            "level": self.level,
            "level_name": self.level_name,
        }


@dataclass(frozen=True)
class SavedAnswer:
    respondent: str  # in an anonymous assessment: the code the respondent is stored under
    indicator: str
    value: int | None
    status: str
    text: str  # the answer as typed
    anonymous: bool = False


@dataclass(frozen=True)
class ImportedAnswers:
    rows: int
    respondents: int
    notes: tuple[str, ...] = ()
    anonymous: bool = False  # the file's names were replaced by codes


def assessment_rows(db: Database) -> list[AssessmentRow]:
    """Every assessment with its progress and overall (scored without the role statistics)."""
    from kamtui.core.healthcheck import overall_only

    rows = []
    for summary in store.list_assessments(db):
        assessment = store.get_assessment(db, summary.id)
        answers = store.scoring_answers(store.load_answers(db, summary.id))
        overall, level = overall_only(assessment.survey, answers)
        rows.append(AssessmentRow(summary, overall, level))
    return rows


def get_assessment(db: Database, assessment_id: int) -> Assessment:
    return store.get_assessment(db, assessment_id)


def create_assessment(
    db: Database,
    title: str,
    survey_ref: str = DEFAULT_SURVEY,
    programme: str | None = None,
    *,
    anonymous: bool = False,
    min_group: int = DEFAULT_MIN_GROUP,
) -> int:
    """A new assessment with the survey (built-in id or file) stored in it; returns its id. An anonymous
    one stores respondents under codes and hides roles of fewer than ``min_group`` respondents."""
    from kamtui.core.survey import load_survey

    check_min_group(min_group)
    survey = load_survey(survey_ref)
    return store.create_assessment(db, title, survey, programme, anonymous=anonymous, min_group=min_group)


def delete_assessment(db: Database, assessment_id: int) -> None:
    store.delete_assessment(db, assessment_id)


def parse_answer(text: str) -> tuple[int | None, str]:
    """(value, status) of an answer typed as ``3``, ``Repeatable``, ``3 Repeatable``, ``na``, ``unknown``."""
    parsed = parse_answer_value(text)
    if parsed is None:
        raise InvalidValueError(f"{{value}}: expected {ANSWER_CHOICES}, got '{text.strip()}'")
    return parsed


def answer(
    db: Database,
    assessment_id: int,
    respondent: str,
    indicator: str,
    text: str,
    *,
    role: str | None = None,
    comment: str | None = None,
) -> SavedAnswer:
    """Record one answer of ``respondent`` (created on first use), committed at once."""
    value, status = parse_answer(text)
    assessment = store.get_assessment(db, assessment_id)
    found = assessment.survey.indicator(indicator)
    if found is None:
        ids = assessment.survey.indicator_ids
        raise InvalidValueError(
            f"{{indicator}}: '{indicator}' is not in survey '{assessment.survey.id}' ({ids[0]} .. {ids[-1]})"
        )
    respondent_id = store.ensure_respondent(db, assessment_id, respondent, role)
    store.save_answer(db, respondent_id, found.id, value, status, comment)
    if participants.options(db, assessment_id).anonymous:
        code = participants.respondent_name(db, respondent_id) or ""
        return SavedAnswer(code, found.id, value, status, text.strip(), anonymous=True)
    return SavedAnswer(respondent.strip(), found.id, value, status, text.strip())


def register(db: Database, assessment_id: int, name: str, role: str | None = None) -> int:
    """The respondent's id (created, or found by the name rule), for answering in the app."""
    store.get_assessment(db, assessment_id)
    return store.ensure_respondent(db, assessment_id, name, role)


def save_answer(db: Database, respondent_id: int, indicator: str, value: int | None, status: str) -> None:
    """One answer given on the survey screen (a level, na or unknown), committed at once."""
    store.save_answer(db, respondent_id, indicator, value if status == RATED else None, status)


def save_comment(db: Database, respondent_id: int, indicator: str, text: str) -> None:
    store.save_comment(db, respondent_id, indicator, text)


def respondents(db: Database, assessment_id: int) -> list[dict]:
    return store.list_respondents(db, assessment_id)


def respondent_answers(db: Database, respondent_id: int) -> dict[str, AnswerRow]:
    return store.respondent_answers(db, respondent_id)


def answers(db: Database, assessment_id: int) -> list[AnswerRow]:
    return store.load_answers(db, assessment_id)


def import_answers(db: Database, assessment_id: int, file: str, *, sheet: str | None = None) -> ImportedAnswers:
    """Answers from a CSV/XLSX file (README, "Healthcheck"): all rows or none."""
    assessment = store.get_assessment(db, assessment_id)
    notes: list[str] = []
    rows = read_answers_file(assessment.survey, file, sheet=sheet, notes=notes, db=db)
    count = store.import_answers(db, assessment_id, rows)
    anonymous = participants.options(db, assessment_id).anonymous
    return ImportedAnswers(count, len({r.respondent for r in rows}), notes=tuple(notes), anonymous=anonymous)


def read_answers_file(
    survey, file: str, *, sheet: str | None = None, notes: list[str] | None = None, db: Database | None = None
) -> list[AnswerRow]:
    """The validated answer rows of a file (columns respondent, role, indicator, value, comment)."""
    from kamtui.core.imports import answers_from_table
    from kamtui.service.files import read_table

    return answers_from_table(read_table(file, sheet=sheet, db=db), survey, notes=notes)


NO_COMPARE_WORDS = ("none", "no", "off")


def parse_compare(text: str) -> Compare:
    """What to compare a report with, as typed: an assessment id, ``previous`` (the programme's previous
    assessment, the default of the command line and the app alike) or ``none``."""
    from kamtui.core.names import name_key

    key = name_key(text)
    if key in NO_COMPARE_WORDS:
        return None
    if key == PREVIOUS:
        return PREVIOUS
    if key.isdigit() and int(key) >= 1:
        return int(key)
    raise InvalidValueError(f"{{compare}}: expected an assessment id, 'previous' or 'none', got '{text.strip()}'")


def previous_assessment(db: Database, assessment_id: int) -> int | None:
    """The latest earlier assessment of the same programme (the default trend)."""
    assessment = store.get_assessment(db, assessment_id)
    return store.last_assessment_of_programme(db, assessment.programme, assessment_id)


def resolve_compare(db: Database, assessment_id: int, compare: Compare) -> int | None:
    return previous_assessment(db, assessment_id) if compare == PREVIOUS else compare  # type: ignore[return-value]


def report(
    db: Database,
    assessment_id: int,
    *,
    target: int = DEFAULT_TARGET,
    compare: Compare = None,
    conceal: bool = False,
    codes: dict[str, str] | None = None,
) -> Report:
    """Scores, agreement, role gaps, trend (against ``compare``) and prescription, with the comments and
    the respondent-by-element scores of the drill-down; every respondent registered counts toward progress
    and coverage, as on Home."""
    if not 1 <= target <= 5:
        raise InvalidValueError(f"{{target}} must be a level from 1 to 5, got {target}")
    compare_id = resolve_compare(db, assessment_id, compare)
    if compare_id == assessment_id:
        raise InvalidValueError("{compare} must name another assessment, not the one being reported")
    assessment = store.get_assessment(db, assessment_id)
    earlier = _scored(db, store.get_assessment(db, compare_id), target) if compare_id is not None else None
    meta = {
        "assessment": assessment.id,
        "title": assessment.title,
        "programme": assessment.programme,
        "created_at": assessment.created_at,
        "compare": compare_id,
    }
    return confidential(db, _scored(db, assessment, target, earlier, meta), conceal=conceal, codes=codes)


def _scored(
    db: Database, assessment: Assessment, target: int, earlier: Report | None = None, meta: dict | None = None
) -> Report:
    from kamtui.core.healthcheck import score_assessment

    rows = store.load_answers(db, assessment.id)
    registered = [row["name"] for row in store.list_respondents(db, assessment.id)]
    answers = [
        Answer(r.respondent, r.indicator, r.value, r.status, r.role, r.comment)  # type: ignore[arg-type]
        for r in rows
    ]  # comment-only rows (status None) too: they give the report's comments
    return score_assessment(
        assessment.survey, answers, target=target, earlier=earlier, meta=meta, respondents=registered
    )


def confidential(
    db: Database, scored: Report, *, conceal: bool = False, codes: dict[str, str] | None = None
) -> Report:
    """THE ONE CALL SITE of the confidential assessments' suppression (kamtui/core/confidential.py: role
    means and gaps only for roles with at least the minimum group size, comments without names, no
    respondent-by-element scores below it). Every report, and so every drill-down, heatmap, workbook and
    JSON, passes here. ``conceal`` applies it to any assessment and ``codes`` (name -> respondent code)
    replaces the names: an export without names."""
    assessment_id = scored.meta["assessment"]
    rows = store.load_answers(db, assessment_id)
    options = participants.options(db, assessment_id)
    return protect_report(scored, rows, options, conceal=conceal, codes=codes)


def compare_choices(db: Database, assessment_id: int) -> list[dict]:
    """The assessments a report can be compared with: those made before it, newest first."""
    return [row for row in store.assessment_titles(db, except_id=assessment_id) if row["id"] < assessment_id]


def assessment_title(db: Database, assessment_id: int) -> str | None:
    return store.assessment_title(db, assessment_id)
