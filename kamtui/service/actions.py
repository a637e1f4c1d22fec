"""The action plan (README, "Action plan"): turn elements of an assessment into actions with an owner, a
due date and a status, and carry what is not done into the next assessment of the programme.

Each function takes what the person typed (an element by id or name, a date as YYYY-MM-DD, a status) and
applies the one copy of each rule; a refused value writes nothing. Carrying over is explicit (``carry``):
looking at a plan never changes it, and carrying twice copies nothing more.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

from kamtui.core.actions import ACTION_STATUSES, Action, ActionTrend
from kamtui.core.errors import InvalidValueError, NotFoundError
from kamtui.core.healthcheck import Report
from kamtui.core.names import name_key, name_problem, normalise
from kamtui.core.survey import Element, Survey
from kamtui.service.database import Database
from kamtui.store import actions as store
from kamtui.store import healthchecks as assessments

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)  # fmt: skip (English whatever the locale)


@dataclass(frozen=True)
class Carried:
    """What a carry-over did: the assessment carried from (None: the programme has no earlier one)."""

    source: int | None
    actions: list[Action]


def parse_due(text: str) -> str:
    """A due date typed as YYYY-MM-DD that exists on the calendar, as stored (``2026-02-28``)."""
    cleaned = text.strip()
    match = _DATE.fullmatch(cleaned)
    year, month, day = (int(part) for part in match.groups()) if match else (0, 0, 0)
    if match is None or year < 1:
        raise InvalidValueError(f"{{due}}: expected a date as YYYY-MM-DD, got '{cleaned}'")
    if not 1 <= month <= 12:
        raise InvalidValueError(f"{{due}}: {cleaned} is not a date: there is no month {month}")
    days = calendar.monthrange(year, month)[1]
    if not 1 <= day <= days:
        raise InvalidValueError(
            f"{{due}}: {cleaned} is not a date: {MONTHS[month - 1]} {year} has {days} days"
        )
    return dt.date(year, month, day).isoformat()


def parse_status(text: str) -> str:
    key = name_key(text)
    if key not in ACTION_STATUSES:
        raise InvalidValueError(
            f"{{status}}: expected {', '.join(ACTION_STATUSES[:-1])} or {ACTION_STATUSES[-1]}, got '{text.strip()}'"
        )
    return key


def find_element(survey: Survey, text: str) -> Element:
    """The survey's element with this id or name (compared by the name rule)."""
    key = name_key(text)
    found = survey.element(text) or next((e for e in survey.elements if name_key(e.name) == key), None)
    if found is None:
        ids = [e.id for e in survey.elements]
        raise InvalidValueError(
            f"{{element}}: '{text.strip()}' is not an element of survey '{survey.id}' ({', '.join(ids)})"
        )
    return found


def _owner(text: str) -> str:
    owner = normalise(text)
    if not owner:
        raise InvalidValueError("an action needs {owner}")
    problem = name_problem(owner, "an owner's name")
    if problem:
        raise InvalidValueError(problem)
    return owner


def _text(text: str) -> str:
    cleaned = normalise(text)
    if not cleaned:
        raise InvalidValueError("an action needs {action_text}")
    return cleaned


def suggested_text(db: Database, assessment_id: int, element: str) -> str:
    """The element's next-level prescription at its current level (level 1's for an element not scored
    yet): what a new action's text starts from."""
    from kamtui.core.healthcheck import element_levels, next_prescription

    assessment = assessments.get_assessment(db, assessment_id)
    found = find_element(assessment.survey, element)
    answers = assessments.scoring_answers(assessments.load_answers(db, assessment_id))
    level = element_levels(assessment.survey, answers)[found.id]
    text = next_prescription(found, level)
    if text is None:
        raise InvalidValueError(
            f"{found.name} is at level 5, which has no next level to prescribe: give the {{action_text}}"
        )
    return text


def add_action(
    db: Database,
    assessment_id: int,
    element: str,
    owner: str,
    due: str,
    text: str | None = None,
) -> Action:
    """A new open action on ``element`` (id or name); without ``text``, the element's next-level
    prescription. Every value is checked before anything is written."""
    assessment = assessments.get_assessment(db, assessment_id)
    found = find_element(assessment.survey, element)
    who = _owner(owner)
    when = parse_due(due)
    wording = _text(text) if text is not None else suggested_text(db, assessment_id, found.id)
    action_id = store.add_action(db, assessment_id, found.id, wording, who, when)
    return get_action(db, action_id)


def get_action(db: Database, action_id: int) -> Action:
    found = store.get_action(db, action_id) if 1 <= action_id <= assessments.MAX_ID else None
    if found is None:
        raise NotFoundError(f"no action with id {action_id}", hint="actions")
    return found


def list_actions(db: Database, assessment_id: int | None = None) -> list[Action]:
    """The actions of an assessment (checked to exist), or of every assessment."""
    if assessment_id is not None:
        assessments.get_assessment(db, assessment_id)
    return store.list_actions(db, assessment_id)


def set_action(
    db: Database,
    action_id: int,
    *,
    status: str | None = None,
    owner: str | None = None,
    due: str | None = None,
    text: str | None = None,
) -> Action:
    """Change what is given of an action (each value checked first; a refused one changes nothing)."""
    get_action(db, action_id)
    changes: dict[str, str | None] = {}
    if status is not None:
        changes["status"] = parse_status(status)
    if owner is not None:
        changes["owner"] = _owner(owner)
    if due is not None:
        changes["due"] = parse_due(due)
    if text is not None:
        changes["text"] = _text(text)
    store.update_action(db, action_id, changes)
    return get_action(db, action_id)


def carry_source(db: Database, assessment_id: int) -> int | None:
    """The assessment whose unfinished actions carry into ``assessment_id``: the programme's previous one."""
    from kamtui.service.healthcheck import previous_assessment

    return previous_assessment(db, assessment_id)


def to_carry(db: Database, assessment_id: int) -> Carried:
    """The open and doing actions of the previous assessment not carried into ``assessment_id`` yet."""
    source = carry_source(db, assessment_id)
    pending = store.uncarried_actions(db, source, assessment_id) if source is not None else []
    return Carried(source, pending)


def carry(db: Database, assessment_id: int) -> Carried:
    """Carry the open and doing actions of the programme's previous assessment into ``assessment_id`` (each
    copy names its original in ``carried_from``); returns the new actions."""
    source = carry_source(db, assessment_id)
    if source is None:
        return Carried(None, [])
    ids = store.carry_actions(db, source, assessment_id)
    return Carried(source, [get_action(db, action_id) for action_id in ids])


def beside_trend(db: Database, report: Report) -> list[ActionTrend]:
    """The actions of the assessment ``report`` compares with, each beside its element's trend."""
    from kamtui.core.actions import actions_beside_trend

    earlier = report.meta.get("compare")
    return actions_beside_trend(report, store.list_actions(db, earlier)) if earlier is not None else []
