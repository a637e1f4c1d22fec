"""Personal answer forms: who gets one, what a returned form must hold, and collecting the answers.

The round trip (README, "Healthcheck"): ``kamtui healthcheck forms`` writes one workbook per person
(:mod:`kamtui.excel.forms_workbook`), people answer offline and send it back, ``kamtui healthcheck collect``
reads the returns (:mod:`kamtui.excel.forms_reader`) and :func:`collect` turns them into answer rows, all or
nothing: one bad cell in one form and nothing is written, every problem listed as
``file:Answers!D17: what was expected``.

A form carries, on a hidden sheet, the assessment, survey and respondent it was made for and a checksum over
those fields and the indicator id column (:func:`form_checksum`). The checksum is an HMAC-SHA256 whose key is
kamtui's own constant plus an optional secret: without a secret it detects edited hidden cells and edited
indicator ids, not a deliberate forgery by someone who recomputes it.

Pure: the standard library and ``kamtui.core`` only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kamtui.core.assessments import AnswerRow
from kamtui.core.errors import ImportFileError, InvalidValueError, Problem
from kamtui.core.healthcheck import NOT_APPLICABLE, RATED, UNKNOWN, parse_answer_value
from kamtui.core.levels import LEVEL_NAMES, LEVELS
from kamtui.core.names import name_key, name_problem, normalise
from kamtui.core.survey import Survey

if TYPE_CHECKING:
    from kamtui.core.table import Table

FORM_FORMAT = "1"  # the layout version of the form workbook
MARKER = "kamtui answer form"  # first key of the hidden sheet; its value is FORM_FORMAT
META_SHEET = "Form"  # the hidden sheet
ANSWERS_SHEET = "Answers"
HEADER = ("Indicator", "Element", "Statement", "Answer", "Comment")
INDICATOR_COLUMN, ANSWER_COLUMN, COMMENT_COLUMN = "A", "D", "E"
ANSWER_LIST = (*(f"{level.number} {level.name}" for level in LEVELS), NOT_APPLICABLE, UNKNOWN)
ANSWER_EXPECTED = (
    "an answer from the list (1 Ad hoc .. 5 Activating, or just its number or name), na, unknown or blank"
)
# Hidden fields, in the order they are written and hashed.
META_FIELDS = (
    "form_id",
    "assessment_id",
    "assessment_title",
    "survey_id",
    "survey_version",
    "respondent",
    "role",
    "email",
    "anonymous",
)
CHECKSUM = "checksum"
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0 / O, no 1 / I
CODE_LENGTH = 6
MAX_BLANK_FORMS = 1000
_CHECKSUM_KEY = b"kamtui answer form v1"
_NUMBER_AND_NAME = re.compile(r"^([1-5])(?:\.0)?\s*[-:.)]?\s+(\S.*)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class FormsError(ImportFileError):
    """Returned forms that cannot be collected; nothing was written."""


# ---------------------------------------------------------------------------------------------- going out


@dataclass(frozen=True)
class Person:
    """One person who gets a form: a name (or an anonymous code), a role, an optional e-mail address."""

    name: str
    role: str | None = None
    email: str | None = None


def new_form_id() -> str:
    """A fresh random form id such as ``F-7KQ2MXH4PA``."""
    return "F-" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))


@dataclass(frozen=True)
class FormSpec:
    """Everything one personal form is made from. ``respondent`` is a name, or a code for a blank form."""

    assessment_id: int | str
    title: str
    survey: Survey
    respondent: str
    role: str | None = None
    email: str | None = None
    form_id: str = field(default_factory=new_form_id)
    anonymous: bool = False
    prefill: tuple[AnswerRow, ...] = ()  # answers already given, written into the form

    def __post_init__(self) -> None:
        reason = name_problem(self.respondent, "the respondent's name")
        if reason is not None:
            raise InvalidValueError(reason)

    def fields(self) -> dict[str, str]:
        """The hidden fields as text, in :data:`META_FIELDS` order (before the workbook's text clean-up)."""
        return {
            "form_id": self.form_id,
            "assessment_id": str(self.assessment_id),
            "assessment_title": self.title.strip(),
            "survey_id": self.survey.id,
            "survey_version": str(self.survey.version),
            "respondent": self.respondent.strip(),
            "role": (self.role or "").strip(),
            "email": (self.email or "").strip(),
            "anonymous": "yes" if self.anonymous else "no",
        }


def form_checksum(fields: Mapping[str, str], indicator_ids: Sequence[str], secret: bytes = b"") -> str:
    """HMAC-SHA256 (hex) over the hidden fields (:data:`META_FIELDS`) and the indicator ids in sheet order."""
    payload = json.dumps(
        {"fields": [[key, fields.get(key, "")] for key in META_FIELDS], "indicators": list(indicator_ids)},
        ensure_ascii=False,
        separators=(",", ":"),
    ).encode("utf-8")
    return hmac.new(_CHECKSUM_KEY + secret, payload, hashlib.sha256).hexdigest()


def blank_codes(n: int, taken: Iterable[str] = ()) -> list[str]:
    """``n`` distinct random codes of :data:`CODE_LENGTH` unambiguous characters, none in ``taken``."""
    if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_BLANK_FORMS:
        raise InvalidValueError(
            f"the number of blank forms must be a whole number from 1 to {MAX_BLANK_FORMS}, got {n}"
        )
    used = {name_key(code) for code in taken}
    codes: list[str] = []
    while len(codes) < n:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if name_key(code) not in used:
            used.add(name_key(code))
            codes.append(code)
    return codes


def form_specs(
    assessment_id: int | str, title: str, survey: Survey, people: Sequence[Person]
) -> list[FormSpec]:
    """One named form per person."""
    return [
        FormSpec(assessment_id, title, survey, person.name, person.role, person.email) for person in people
    ]


def blank_form_specs(
    assessment_id: int | str,
    title: str,
    survey: Survey,
    n: int,
    *,
    role: str | None = None,
    taken: Iterable[str] = (),
) -> list[FormSpec]:
    """``n`` anonymous forms, each with its own code as the respondent (none of the names in ``taken``)."""
    return [
        FormSpec(assessment_id, title, survey, code, role, anonymous=True) for code in blank_codes(n, taken)
    ]


def answer_text(value: int | None, status: str | None) -> str | None:
    """How an answer is shown in the Answer column (an entry of :data:`ANSWER_LIST`), None when unanswered."""
    if status == RATED and value in LEVEL_NAMES:
        return f"{value} {LEVEL_NAMES[value]}"
    if status in (NOT_APPLICABLE, UNKNOWN):
        return status
    return None


def parse_form_answer(text: str) -> tuple[int | None, str] | None:
    """An Answer cell's text -> (value, status); None when it is not an answer.

    Everything :func:`kamtui.core.healthcheck.parse_answer_value` accepts (``3``, ``Repeatable``, ``na``,
    ``unknown``...), plus the list's own form ``3 Repeatable`` (the number and the name must agree).
    """
    cleaned = " ".join(text.split())
    match = _NUMBER_AND_NAME.match(cleaned)
    if match is None:
        return parse_answer_value(cleaned)
    by_name = parse_answer_value(match.group(2))
    if by_name is None or by_name[1] != RATED or by_name[0] != int(match.group(1)):
        return None
    return by_name


# ---------------------------------------------------------------------------------------------- people


PEOPLE_COLUMNS = ("name", "role", "email")
PEOPLE_REQUIRED = ("name", "role")


def people_from_table(table: Table) -> list[Person]:
    """Validated people of a table read by ``kamtui.service.files.read_table`` (columns name, role, optional email).

    Refused as the answer import refuses rows (README, "Healthcheck"): unknown, repeated or missing columns,
    a blank name, a name or role with an invisible character, the same person twice (names compared by
    :func:`~kamtui.core.names.name_key`), an e-mail address that is not one. Every problem is listed as
    ``file:row:column``; nothing is returned unless every row is good.
    """
    source = table.source
    problems: list[Problem] = []
    index: dict[str, int] = {}
    for position, header in enumerate(table.header):
        key = header.strip().lower()
        if key in index:
            problems.append(Problem(source, f"1:{header}", f"column '{header}' appears twice"))
        elif key in PEOPLE_COLUMNS:
            index[key] = position
        else:
            problems.append(
                Problem(
                    source,
                    f"1:{header or position + 1}",
                    f"unknown column (expected: {', '.join(PEOPLE_COLUMNS)})",
                )
            )
    for name in PEOPLE_REQUIRED:
        if name not in index:
            problems.append(Problem(source, "1", f"missing required column '{name}'"))
    if problems:
        raise ImportFileError(source, problems)

    people: list[Person] = []
    seen: dict[str, int] = {}
    for number, cells in table.rows:
        values = {key: _cell_text(cells[position]) for key, position in index.items()}
        name = normalise(values["name"])
        role = normalise(values["role"]) or None
        email = values.get("email", "") or None
        bad = False
        if not name:
            problems.append(Problem(source, f"{number}:name", "empty: every row needs the person's name"))
            bad = True
        elif (reason := name_problem(name, "a name")) is not None:
            problems.append(Problem(source, f"{number}:name", reason))
            bad = True
        elif name_key(name) in seen:
            problems.append(
                Problem(
                    source, f"{number}:name", f"duplicate name '{name}' (also on row {seen[name_key(name)]})"
                )
            )
            bad = True
        else:
            seen[name_key(name)] = number
        if role is not None and (reason := name_problem(role, "a role")) is not None:
            problems.append(Problem(source, f"{number}:role", reason))
            bad = True
        if email is not None and _EMAIL.match(email) is None:
            problems.append(
                Problem(
                    source,
                    f"{number}:email",
                    f"expected an e-mail address such as name@example.com, found '{email}'",
                )
            )
            bad = True
        if not bad:
            people.append(Person(name, role, email))
    if not problems and not people:
        problems.append(Problem(source, "", "no people listed: expected one row per person under the header"))
    if problems:
        raise ImportFileError(source, problems)
    return people


def _cell_text(cell: object) -> str:
    """A table cell (text, or a float read from a worksheet) as stripped text."""
    if isinstance(cell, float):
        return str(int(cell)) if cell.is_integer() and abs(cell) < 1e15 else repr(cell)
    return str(cell).strip()


# ---------------------------------------------------------------------------------------------- coming back


@dataclass(frozen=True)
class FormRow:
    """One row of a returned Answers sheet as typed: the indicator id, the answer and comment texts."""

    row: int
    indicator: str
    answer: str
    comment: str

    @property
    def answer_cell(self) -> str:
        return f"{ANSWERS_SHEET}!{ANSWER_COLUMN}{self.row}"

    @property
    def indicator_cell(self) -> str:
        return f"{ANSWERS_SHEET}!{INDICATOR_COLUMN}{self.row}"


@dataclass(frozen=True)
class ReturnedForm:
    """A returned form as read: ``source`` the file as the user named it, the hidden fields, the rows."""

    source: str
    meta: dict[str, str]
    checksum: str
    rows: tuple[FormRow, ...]

    @property
    def respondent(self) -> str:
        return self.meta.get("respondent", "")

    @property
    def role(self) -> str | None:
        return self.meta.get("role") or None

    @property
    def form_id(self) -> str:
        return self.meta.get("form_id", "")

    @property
    def indicator_ids(self) -> list[str]:
        return [row.indicator for row in self.rows if row.indicator]


@dataclass(frozen=True)
class FormSummary:
    """One collected form: who, how much of the survey they answered, from which file."""

    respondent: str
    role: str | None
    answered: int  # rated, na or unknown
    total: int
    file: str
    form_id: str
    anonymous: bool


@dataclass(frozen=True)
class CollectResult:
    """What collecting writes: the answer rows, one summary per form, the expected people still missing."""

    rows: tuple[AnswerRow, ...]
    forms: tuple[FormSummary, ...]
    missing: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "answers": len(self.rows),
            "forms": [
                {
                    "respondent": f.respondent,
                    "role": f.role,
                    "answered": f.answered,
                    "total": f.total,
                    "file": f.file,
                    "form_id": f.form_id,
                }
                for f in self.forms
            ],
            "missing": list(self.missing),
        }


def collect(
    forms: Sequence[ReturnedForm],
    assessment_id: int | str,
    survey: Survey,
    known_respondents: Iterable[Any] = (),
    *,
    assessment_title: str | None = None,
    problems: Sequence[Problem] = (),
    secret: bytes = b"",
    source: str = "the returned forms",
) -> CollectResult:
    """The answers of ``forms`` for assessment ``assessment_id`` (taken with ``survey``), all or nothing.

    ``known_respondents`` (names, or rows with a ``name``) are the people expected to answer; those without a
    returned form are listed in :attr:`CollectResult.missing`. ``problems`` found while reading the files
    are reported with the rest. Raises :class:`FormsError` listing every problem when there is one: a form
    made for another assessment or survey version, edited hidden cells or indicator ids, an answer outside
    the list, two forms for one person, an unknown indicator.
    """
    found: list[Problem] = list(problems)
    rows: list[AnswerRow] = []
    summaries: list[FormSummary] = []
    owner: dict[str, ReturnedForm] = {}
    total = len(survey.indicators)
    for form in forms:
        form_problems = _identity_problems(form, assessment_id, assessment_title, survey, secret)
        if not form_problems:
            key = name_key(form.respondent)
            if key in owner:
                first = owner[key]
                form_problems.append(
                    Problem(
                        form.source,
                        "",
                        f"a second form for '{first.respondent}' (the first is {first.source}): "
                        "collect only one of the two",
                    )
                )
            else:
                owner[key] = form
        if form_problems:
            found.extend(form_problems)
            continue
        answers, row_problems = _answers(form, survey)
        found.extend(row_problems)
        rows.extend(answers)
        summaries.append(
            FormSummary(
                respondent=form.respondent,
                role=form.role,
                answered=sum(1 for a in answers if a.status is not None),
                total=total,
                file=form.source,
                form_id=form.form_id,
                anonymous=form.meta.get("anonymous") == "yes",
            )
        )
    if found:
        raise FormsError(source, found)
    missing = tuple(name for name in _names(known_respondents) if name_key(name) not in owner)
    return CollectResult(tuple(rows), tuple(summaries), missing)


def _names(known: Iterable[Any]) -> list[str]:
    names = []
    for item in known:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, Mapping):
            names.append(str(item["name"]))
        else:
            names.append(str(item.name))
    return names


def _identity_problems(
    form: ReturnedForm, assessment_id: int | str, title: str | None, survey: Survey, secret: bytes
) -> list[Problem]:
    """Whether ``form`` is intact and made for this assessment and survey version ([] when it is)."""
    meta = form.meta
    ids = form.indicator_ids
    if not hmac.compare_digest(form_checksum(meta, ids, secret).encode(), form.checksum.encode("utf-8")):
        same_survey = meta.get("survey_id") == survey.id and meta.get("survey_version") == str(survey.version)
        if same_survey:
            expected = survey.indicator_ids
            rows = [row for row in form.rows if row.indicator]
            changed = [
                Problem(
                    form.source,
                    row.indicator_cell,
                    f"the indicator id was edited: this row is {expected[k]}, found '{row.indicator}'"
                    if k < len(expected)
                    else f"an indicator id was added below the last statement: '{row.indicator}'",
                )
                for k, row in enumerate(rows)
                if k >= len(expected) or row.indicator != expected[k]
            ]
            if len(rows) < len(expected):
                lost = ", ".join(expected[len(rows) :][:5])
                changed.append(
                    Problem(form.source, ANSWERS_SHEET, f"rows of the form were deleted ({lost} ...)")
                )
            if changed:
                return [
                    *changed,
                    Problem(
                        form.source,
                        "",
                        "indicator ids were edited: ask the person to copy their answers into a fresh form",
                    ),
                ]
        return [
            Problem(
                form.source,
                META_SHEET,
                "the form's hidden details were edited (they no longer match their checksum): "
                "ask the person to copy their answers into a fresh form",
            )
        ]
    if meta.get("assessment_id") != str(assessment_id):
        here = f"assessment {assessment_id}" + (f" ('{title}')" if title else "")
        return [
            Problem(
                form.source,
                "",
                f"this form was made for assessment {meta.get('assessment_id')} "
                f"('{meta.get('assessment_title', '')}'), not for {here}: collect it into its own assessment",
            )
        ]
    if meta.get("survey_id") != survey.id or meta.get("survey_version") != str(survey.version):
        return [
            Problem(
                form.source,
                "",
                f"this form was made for survey '{meta.get('survey_id')}' "
                f"version {meta.get('survey_version')}, "
                f"but assessment {assessment_id} uses '{survey.id}' version {survey.version}",
            )
        ]
    reason = name_problem(form.respondent, "the respondent's name")
    if reason is not None:
        return [Problem(form.source, META_SHEET, reason)]
    return []


def _answers(form: ReturnedForm, survey: Survey) -> tuple[list[AnswerRow], list[Problem]]:
    """The answer rows of an intact form and the problems of its cells."""
    problems: list[Problem] = []
    answers: list[AnswerRow] = []
    seen: dict[str, FormRow] = {}
    for row in form.rows:
        if not row.indicator:
            problems.append(
                Problem(
                    form.source,
                    row.answer_cell if row.answer else f"{ANSWERS_SHEET}!{COMMENT_COLUMN}{row.row}",
                    "an answer or comment on a row without a statement: move it to its statement's row",
                )
            )
            continue
        indicator = survey.indicator(row.indicator)
        if indicator is None:
            problems.append(
                Problem(
                    form.source,
                    row.indicator_cell,
                    f"unknown indicator '{row.indicator}' (survey '{survey.id}' has "
                    f"{survey.indicator_ids[0]} .. {survey.indicator_ids[-1]})",
                )
            )
            continue
        if indicator.id in seen:
            problems.append(
                Problem(
                    form.source,
                    row.indicator_cell,
                    f"indicator {indicator.id} appears twice (also {seen[indicator.id].indicator_cell})",
                )
            )
            continue
        seen[indicator.id] = row
        comment = row.comment.strip() or None
        if row.answer.strip():
            parsed = parse_form_answer(row.answer)
            if parsed is None:
                problems.append(
                    Problem(form.source, row.answer_cell, f"expected {ANSWER_EXPECTED}, found '{row.answer}'")
                )
                continue
            value, status = parsed
        elif comment is None:
            continue  # not answered
        else:
            value, status = None, None
        answers.append(AnswerRow(form.respondent, form.role, indicator.id, value, status, comment))
    return answers, problems
