"""CSV / XLSX imports (tables read by ``kamtui.service.files``): rows validated in full before anything is
written.

A file with one bad row writes nothing; every problem is listed as ``file:row:column: what was expected``
(the first 50, then how many more). Column headers, account names, respondents and roles are compared by
:func:`kamtui.core.names.name_key` (case, Unicode normalisation and spacing do not make two names), and
refused by :func:`kamtui.core.names.name_problem` when they hold an invisible character; a name is kept
as first written in the file, in NFC (README, "Reliability"). Which field each column of an accounts file
gives is :mod:`kamtui.core.column_map`'s rule; the columns expected are said once, after the problems; a
file whose numbers are all written with the other decimal mark is one problem naming the option.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from itertools import repeat
from operator import itemgetter

import numpy as np

from kamtui.core.accounts import AccountUpdate
from kamtui.core.assessments import AnswerRow
from kamtui.core.column_map import ACCOUNT_COLUMNS, KEEP, AccountImport, expected_columns, plan_columns
from kamtui.core.criteria import CriteriaSet, Criterion
from kamtui.core.errors import InvalidValueError, Problem, ProblemList
from kamtui.core.healthcheck import ANSWER_CHOICES, parse_answer_value
from kamtui.core.limits import MAX_PROBLEMS_SHOWN
from kamtui.core.names import name_key, name_problem, normalise
from kamtui.core.numbers import (
    AMBIGUOUS_DOT,
    MAX_MAGNITUDE,
    magnitude_problem,
    number_hint,
    number_problem,
    parse_number,
)
from kamtui.core.survey import Survey
from kamtui.core.table import Cell, Table, cell_text, raise_if_problems

ANSWER_COLUMNS = ("respondent", "role", "indicator", "value", "comment")
ANSWER_REQUIRED = ("respondent", "indicator", "value")
FAST_PATH = True  # whole columns checked at once where nothing needs a look; the tests turn it off to compare


def header_problem(source: str, position: int, name: str) -> Problem | None:
    """A column header holding an invisible character, located by its column number (printing the name
    would print the invisible character); a blank header is left to the column checks."""
    reason = name_problem(name, "the column name") if name and not _printable_ascii(name) else None
    return Problem(source, f"1:{position + 1}", reason) if reason else None


def column_index(table: Table, known: tuple[str, ...], required: tuple[str, ...]) -> dict[str, int]:
    """Map known column names (by name_key) to positions; every unknown or missing column a problem."""
    problems = ProblemList()
    index: dict[str, int] = {}
    for position, name in enumerate(table.header):
        key = name_key(name)
        if (problem := header_problem(table.source, position, name)) is not None:
            problems.append(problem)
        elif key in index:
            problems.append(Problem(table.source, f"1:{name}", f"column '{name}' appears twice"))
        elif key in known:
            index[key] = position
        else:
            problems.append(
                Problem(
                    table.source,
                    f"1:{name or position + 1}",
                    f"unknown column (expected: {', '.join(known)})",
                )
            )
    for name in required:
        if name not in index:
            problems.append(Problem(table.source, "1", f"missing required column '{name}'"))
    raise_if_problems(table.source, problems, table.note)
    return index


def _printable_ascii(text: str) -> bool:
    """True for text that cannot hold an invisible character (the common case, checked at C speed)."""
    return text.isascii() and text.isprintable()


class _Names:
    """Names of one kind met in a file: the first spelling of each name_key, and the row it came on."""

    def __init__(self) -> None:
        self.first: dict[str, tuple[str, int]] = {}

    def spelling(self, name: str, number: int) -> str:
        """The spelling this file first gave ``name`` (``name`` itself the first time)."""
        return self.first.setdefault(name_key(name), (name, number))[0]


def _name_problem(name: str, what: str) -> str | None:
    return None if _printable_ascii(name) else name_problem(name, what)


def answers_from_table(table: Table, survey: Survey, *, notes: list[str] | None = None) -> list[AnswerRow]:
    """Validated answer rows of a table with columns respondent, role, indicator, value, comment.

    A respondent (and a role) written differently on several rows (``Ann``, ``ANN``) is one, kept as
    first written. ``notes`` receives what a person should know although nothing is wrong (which sheet
    of a workbook was read)."""
    cols = column_index(table, ANSWER_COLUMNS, ANSWER_REQUIRED)
    source = table.source
    problems = ProblemList()
    rows: list[AnswerRow] = []
    seen: dict[tuple[str, str], int] = {}
    roles: dict[str, tuple[str, int]] = {}  # respondent key -> (role, row it was given on)
    people, role_names = _Names(), _Names()

    def cell(cells: list[str], name: str) -> str:
        return cell_text(cells[cols[name]]) if name in cols else ""

    for number, cells in table.rows:
        respondent = typed = normalise(cell(cells, "respondent"))
        role = normalise(cell(cells, "role")) or None
        indicator_text = cell(cells, "indicator")
        value_text = cell(cells, "value")
        comment = cell(cells, "comment") or None
        bad = False
        if not respondent:
            problems.append(
                Problem(source, f"{number}:respondent", "empty: every row needs the respondent's name")
            )
            bad = True
        elif (reason := _name_problem(respondent, "the respondent's name")) is not None:
            problems.append(Problem(source, f"{number}:respondent", reason))
            respondent, bad = "", True
        else:
            typed, respondent = respondent, people.spelling(respondent, number)
        if role is not None and (reason := _name_problem(role, "the role")) is not None:
            problems.append(Problem(source, f"{number}:role", reason))
            role, bad = None, True
        elif role is not None:
            role = role_names.spelling(role, number)
        indicator = survey.indicator(indicator_text) if indicator_text else None
        if not indicator_text:
            problems.append(
                Problem(source, f"{number}:indicator", "empty: expected an indicator id such as PCM-01")
            )
            bad = True
        elif indicator is None:
            problems.append(
                Problem(
                    source,
                    f"{number}:indicator",
                    f"unknown indicator '{indicator_text}' (survey '{survey.id}' has "
                    f"{survey.indicator_ids[0]} .. {survey.indicator_ids[-1]})",
                )
            )
            bad = True
        if value_text:
            parsed = parse_answer_value(value_text)
            if parsed is None:
                problems.append(
                    Problem(
                        source, f"{number}:value", f"expected {ANSWER_CHOICES} or blank, found '{value_text}'"
                    )
                )
                bad = True
            else:
                value, status = parsed
        else:
            value, status = None, None
        person = name_key(respondent)
        if respondent and role:
            earlier = roles.get(person)
            if earlier and earlier[0] != role:
                problems.append(
                    Problem(
                        source,
                        f"{number}:role",
                        f"'{typed}' has role '{role}' here but '{earlier[0]}' on row {earlier[1]}",
                    )
                )
                bad = True
            else:
                roles.setdefault(person, (role, number))
        if respondent and indicator is not None:
            key = (person, indicator.id)
            if key in seen:
                problems.append(
                    Problem(
                        source,
                        f"{number}:indicator",
                        f"'{typed}' already answered {indicator.id} on row {seen[key]}"
                        + ("" if typed == respondent else f" (as '{respondent}')"),
                    )
                )
                bad = True
            else:
                seen[key] = number
        if bad or indicator is None:
            continue
        if status is None and comment is None:
            continue  # blank: not answered
        rows.append(AnswerRow(respondent, role, indicator.id, value, status, comment))
    raise_if_problems(source, problems, table.note)
    if notes is not None and table.note:
        notes.append(f"{source}: {table.note}")
    # A respondent named on several rows keeps the role given on any of them.
    return [
        AnswerRow(
            r.respondent,
            r.role or roles.get(name_key(r.respondent), (None, 0))[0],
            r.indicator,
            r.value,
            r.status,
            r.comment,
        )
        for r in rows
    ]


def accounts_from_table(
    table: Table,
    criteria: CriteriaSet,
    *,
    decimal_comma: bool = False,
    notes: list[str] | None = None,
) -> list[AccountUpdate]:
    """The validated accounts of a table (:func:`read_accounts` with its defaults: extra columns ignored)."""
    return read_accounts(table, criteria, decimal_comma=decimal_comma, notes=notes).updates


def read_accounts(
    table: Table,
    criteria: CriteriaSet,
    *,
    decimal_comma: bool = False,
    maps: Mapping[str, tuple[str, str]] | None = None,
    remembered: Mapping[str, str] | None = None,
    extra: str | None = None,
    keep_blank: bool = False,
    notes: list[str] | None = None,
) -> AccountImport:
    """The checked accounts of a table: each column read as :func:`kamtui.core.column_map.plan_columns`
    decides (``account`` required; owner, effort, segment, ref, the criteria by id or name, maps, CRM
    names; other columns kept as attributes or ignored). Blank cells are missing values, which clear
    stored ones unless ``keep_blank``. ``notes`` receives what a person should know although nothing is
    wrong (which sheet was read)."""
    source = table.source
    plan = plan_columns(table.header, criteria, maps=maps, remembered=remembered, extra=extra)
    problems = ProblemList()
    for position, header in enumerate(table.header):
        if (problem := header_problem(source, position, header)) is not None:
            problems.append(problem)
    for where, message in plan.problems:
        problems.append(Problem(source, where, message))
    if problems:
        ending = expected_columns(criteria)
        raise_if_problems(source, problems, f"{table.note}\n{source}: {ending}" if table.note else ending)
    fields = {c.position: c.target for c in plan.choices if c.target in ACCOUNT_COLUMNS}
    criteria_at = {
        c.position: criteria.by_id[c.target]
        for c in plan.choices
        if not c.is_extra and c.target not in ACCOUNT_COLUMNS
    }
    updates = _account_rows(table, fields, criteria_at, decimal_comma)
    kept = [(c.position, c.header) for c in plan.choices if c.target == KEEP]
    attributes = _attributes(table, kept, len(updates))
    if keep_blank:
        for update, attrs in zip(updates, attributes, strict=True):
            update.fields = {k: v for k, v in update.fields.items() if v is not None}
            update.values = {k: v for k, v in update.values.items() if v is not None}
            for name in [k for k, v in attrs.items() if v is None]:
                del attrs[name]
    own = [f"{source}: {table.note}"] if table.note else []
    if notes is not None:
        notes.extend(own)
    return AccountImport(source, plan, updates, attributes, tuple(own), keep_blank)


def _attributes(table: Table, kept: list[tuple[int, str]], count: int) -> list[dict[str, str | None]]:
    """Per row, the kept columns' text (NFC, trimmed; None for a blank cell)."""
    if not kept:
        return [{} for _ in range(count)]
    columns = [(name, _texts(tuple(cells[position] for _, cells in table.rows))) for position, name in kept]
    return [{name: (normalise(texts[index]) or None) for name, texts in columns} for index in range(count)]


def _account_rows(
    table: Table, fields: dict[int, str], criteria_at: dict[int, Criterion], decimal_comma: bool
) -> list[AccountUpdate]:
    """Validate the rows column by column (numbers converted and range-checked by numpy in one go), then
    assemble the accounts. Only cells the fast check flags go through the per-cell code that words the
    message, so a file with problems lists exactly what a cell-by-cell check would, in row order (each
    column keeps its first 50 problems, which hold the first 50 of the file, and counts the rest)."""
    source = table.source
    numbers = list(map(_NUMBER, table.rows))
    if table.columns is not None and table.rows:
        columns: list = list(table.columns)
    else:
        columns = list(zip(*map(_CELLS, table.rows), strict=True)) if table.rows else []
    found: list[tuple[int, int, int, Problem]] = []  # (row index, phase, position, problem)
    per_column: dict[tuple[int, int], int] = {}
    overflow = 0

    # cells that would read with the other decimal mark, and whether they tell the marks apart (4.200
    # does not: 4.2 or 4200?)
    other_mode: list[tuple[int, int, bool, Problem]] = []
    other_overflow = 0

    def flag(index: int, phase: int, position: int, message: str, raw: Cell = "") -> None:
        nonlocal overflow, other_overflow
        other = _reads_in_other_mode(raw, decimal_comma)
        count = per_column.get((phase, position), 0)
        per_column[(phase, position)] = count + 1
        if count >= MAX_PROBLEMS_SHOWN:
            overflow += 1
            other_overflow += other
            return
        header = table.header[position] if phase else "account"
        problem = Problem(source, f"{numbers[index]}:{header}", message)
        found.append((index, phase, position, problem))
        if other:
            decisive = decimal_comma or not AMBIGUOUS_DOT.match(str(raw).strip().replace(" ", ""))
            other_mode.append((index, position, decisive, problem))

    name_at = next(p for p, f in fields.items() if f == "account")
    names = (
        [name if name.isascii() else normalise(name) for name in _texts(columns[name_at])] if columns else []
    )
    seen: dict[str, tuple[int, str]] = {}
    for index, name in enumerate(() if FAST_PATH and _fine_names(names) else names):
        if not name:
            flag(index, 0, name_at, "empty: every row needs the account's name")
        elif not (name.isascii() and name.isprintable()) and (
            reason := name_problem(name, "the account name")
        ):
            flag(index, 0, name_at, reason)
        elif (earlier := seen.get(key := name_key(name))) is not None:
            row, spelling = earlier
            written = "" if spelling == name else f" as '{spelling}'"
            flag(index, 0, name_at, f"duplicate account '{name}' (also on row {row}{written})")
        else:
            seen[key] = (numbers[index], name)

    field_values: dict[str, list[object]] = {}
    effort_at = [position for position, field_name in fields.items() if field_name == "effort"]
    for position, field_name in fields.items():
        if field_name == "account":
            continue
        column = columns[position] if columns else ()
        if field_name != "effort":
            texts = _texts(column)
            if FAST_PATH and _printable_ascii("".join(texts)):  # no invisible character, NFC already
                field_values[field_name] = [text or None for text in texts] if "" in texts else texts
                continue
            texts = [text if text.isascii() else normalise(text) for text in texts]
            what = f"the {field_name}"
            for index, text in enumerate(texts):
                if (
                    text
                    and not (text.isascii() and text.isprintable())
                    and (reason := name_problem(text, what))
                ):
                    flag(index, 1, position, reason)
            field_values[field_name] = [text or None for text in texts]
            continue
        if FAST_PATH and (values := _few_texts(column, _effort_reader(decimal_comma))) is not None:
            field_values["effort"] = values
            continue
        values, suspects = _numbers(column, decimal_comma, _out_of_effort)
        for index in suspects:
            value, message = _effort_cell(column[index], decimal_comma)
            values[index] = value
            if message:
                flag(index, 1, position, message, column[index])
        field_values["effort"] = values

    criterion_values: dict[str, list[float | None]] = {}
    for position, criterion in criteria_at.items():
        column = columns[position] if columns else ()
        read = _criterion_reader(criterion, decimal_comma)
        if FAST_PATH and (values := _few_texts(column, read)) is not None:
            criterion_values[criterion.id] = values
            continue
        values, suspects = _numbers(column, decimal_comma, _out_of_range(criterion))
        for index in suspects:
            value, message = _criterion_cell(column[index], criterion, decimal_comma)
            values[index] = value
            if message:
                flag(index, 2, position, message, column[index])
        criterion_values[criterion.id] = values

    decisive = [item for item in other_mode if item[2]]
    if decisive and _all_read_in_other_mode(columns, [*criteria_at, *effort_at], decimal_comma):
        # the whole file is written with the other decimal mark: say so once instead of on every cell
        index, position, _, _ = decisive[0]
        dropped = {id(problem) for *_, problem in other_mode}
        found = [item for item in found if id(item[3]) not in dropped]
        overflow -= other_overflow
        found.append(
            (
                -1,
                0,
                0,
                Problem(
                    source,
                    "",
                    _mode_message(
                        columns[position][index], numbers[index], table.header[position], decimal_comma
                    ),
                ),
            )
        )
    found.sort(key=lambda item: item[:3])
    raise_if_problems(source, [problem for *_, problem in found], table.note, total=len(found) + overflow)
    field_names = list(field_values)
    criterion_ids = list(criterion_values)
    field_rows = zip(*field_values.values(), strict=True) if field_values else repeat(())
    value_rows = zip(*criterion_values.values(), strict=True) if criterion_values else repeat(())
    # one AccountUpdate per row, built by map (no Python frame per row): dict(zip(keys, row)) each
    return list(
        map(
            AccountUpdate,
            names,
            map(dict, map(zip, repeat(field_names), field_rows)),
            map(dict, map(zip, repeat(criterion_ids), value_rows)),
        )
    )


_NUMBER = itemgetter(0)
_CELLS = itemgetter(1)


def _fine_names(names: list[str]) -> bool:
    """True when no account name needs a look: none blank, none with an invisible character, no two with
    the same :func:`~kamtui.core.names.name_key` (checked for the whole column at once)."""
    if "" in names or not _printable_ascii("".join(names)):
        return False
    return len(set(map(name_key, names))) == len(names)


_SAMPLE = 2_000  # cells a column is sampled on before its distinct texts are gathered


def _few_texts(column: tuple[Cell, ...], read) -> list[float | None] | None:
    """The values of a text column that repeats a few texts (ratings, efforts), each distinct text read
    once by ``read`` (the per-cell rule: ``(value, message)``); None when the column holds many
    different texts or a cell that is not text, or when ``read`` finds a problem in one of them (the
    general path then finds and words it, in row order)."""
    if len(set(column[:_SAMPLE])) * 4 > min(len(column), _SAMPLE):
        return None
    distinct = set(column)
    if len(distinct) * 4 > len(column):
        return None
    values: dict[Cell, float | None] = {}
    for text in distinct:
        if text.__class__ is not str:  # a worksheet number (0.0 and -0.0 would be one key)
            return None
        value, message = read(text)
        if message:
            return None
        values[text] = value
    return list(map(values.__getitem__, column))


def _criterion_reader(criterion: Criterion, decimal_comma: bool):
    return lambda raw: _criterion_cell(raw, criterion, decimal_comma)


def _effort_reader(decimal_comma: bool):
    return lambda raw: _effort_cell(raw, decimal_comma)


def _out_of_effort(values: np.ndarray) -> np.ndarray:
    return (values < 0) | (np.abs(values) > MAX_MAGNITUDE)


def _reads_in_other_mode(raw: Cell, decimal_comma: bool) -> bool:
    """True for a text cell that is no number as read, but one with the other decimal mark."""
    if raw.__class__ is not str:
        return False
    return parse_number(raw, decimal_comma=not decimal_comma) is not None and (  # type: ignore[arg-type]
        parse_number(raw, decimal_comma=decimal_comma) is None  # type: ignore[arg-type]
    )


def _all_read_in_other_mode(
    columns: list[tuple[Cell, ...]], positions: list[int], decimal_comma: bool
) -> bool:
    """True when every number cell of the file reads as a number with the other decimal mark."""
    for position in positions:
        for raw in columns[position]:
            if (
                raw.__class__ is str
                and raw.strip()  # type: ignore[union-attr]
                and parse_number(raw, decimal_comma=not decimal_comma) is None  # type: ignore[arg-type]
            ):
                return False
    return True


def _mode_message(raw: Cell, row: int, header: str, decimal_comma: bool) -> str:
    """The one problem of a file whose numbers are all written with the other decimal mark."""
    example = f"'{cell_text(raw)}' on row {row}, column {header}"
    if decimal_comma:
        return (
            f"the numbers are written with a decimal point (such as {example}), but they are read with a "
            "decimal comma: import the file without {decimal_comma}"
        )
    return (
        f"the numbers are written with a decimal comma or dots between thousands (such as {example}): "
        "import the file with {decimal_comma}"
    )


def _texts(column: tuple[Cell, ...]) -> list[str]:
    try:
        return list(map(str.strip, column))  # type: ignore[arg-type]
    except TypeError:  # a worksheet column with numbers in it
        return [cell.strip() if cell.__class__ is str else cell_text(cell) for cell in column]


# Text numpy reads as a number but kamtui does not: 1_0 (Python's underscores) and 4.200 (ambiguous),
# the latter found by the numbers module's own rule, applied to every line of a column's joined text.
_NOT_NUMPY = re.compile(r"^[^\S\n]*" + AMBIGUOUS_DOT.pattern.strip("^$") + r"[^\S\n]*$", re.MULTILINE)
_DOT_AND_THREE = re.compile(r"\.\d{3}[^\S\n]*$", re.MULTILINE)  # a quick first look for the above


def _numbers(
    column: tuple[Cell, ...], decimal_comma: bool, out_of_range
) -> tuple[list[float | None], list[int]]:
    """(values with None for blanks, indices of cells the per-cell check must look at).

    Plain numbers convert in one numpy call; a column numpy cannot read (thousands separators, text, the
    decimal comma) or that holds text numpy would read otherwise than kamtui (``1_0``, ``4.200``) is
    handed to the per-cell check whole. Cells that came out non-finite although something was written
    (``nan``, ``inf``) or that ``out_of_range`` flags are handed over too. Worksheet numbers stay floats.
    """
    size = len(column)
    if decimal_comma:
        return [None] * size, list(range(size))
    try:
        text = "\n".join(column)  # type: ignore[arg-type]
    except TypeError:  # a worksheet column: numbers are floats already, only its text cells matter
        text = "\n".join(cell for cell in column if cell.__class__ is str)  # type: ignore[misc]
    if "_" in text or (_DOT_AND_THREE.search(text) and _NOT_NUMPY.search(text)):
        return [None] * size, list(range(size))
    try:
        array = np.array([cell if cell else "nan" for cell in column], dtype=np.float64)
    except (ValueError, TypeError):  # text, thousands separators, "  " blanks: cell by cell
        return [None] * size, list(range(size))
    with np.errstate(invalid="ignore"):
        suspect = out_of_range(array)
        missing = np.flatnonzero(~np.isfinite(array))
    if missing.size:  # blank cells became NaN; a written "nan" or "inf" must be looked at
        suspect[[i for i in missing.tolist() if column[i] != ""]] = True
    values = [None if value != value else value for value in array.tolist()]
    return values, np.flatnonzero(suspect).tolist()


def _out_of_range(criterion: Criterion):
    """A vectorised twin of Criterion.check_value plus the magnitude limit: True where a cell needs a look."""
    lo, hi = criterion.scale if criterion.scale is not None else (-np.inf, np.inf)
    log = criterion.kind == "number" and criterion.is_log

    def check(values: np.ndarray) -> np.ndarray:
        bad = (np.abs(values) > MAX_MAGNITUDE) | (values < lo) | (values > hi)
        return bad | (values < 0) if log else bad

    return check


def _effort_cell(raw: Cell, decimal_comma: bool) -> tuple[float | None, str | None]:
    text = cell_text(raw)
    if not text:
        return None, None
    value = raw if isinstance(raw, float) else parse_number(text, decimal_comma=decimal_comma)
    if value is None and (reason := number_problem(text, decimal_comma=decimal_comma)):
        return None, reason
    if value is None or value < 0 or magnitude_problem(value):
        return None, f"expected the KAM effort in FTE, {number_hint(decimal_comma)} >= 0; found '{text}'"
    return value, None


def _criterion_cell(raw: Cell, criterion: Criterion, decimal_comma: bool) -> tuple[float | None, str | None]:
    text = cell_text(raw)
    if not text:
        return None, None
    value = raw if isinstance(raw, float) else parse_number(text, decimal_comma=decimal_comma)
    if value is None:
        reason = number_problem(text, decimal_comma=decimal_comma)
        return (
            None,
            reason or f"expected {criterion_expectation(criterion, decimal_comma)}; found text '{text}'",
        )
    reason = magnitude_problem(value) or criterion.check_value(value)
    if reason:
        return None, f"{reason}; found {text}"
    return value, None


def criterion_expectation(criterion: Criterion, decimal_comma: bool) -> str:
    if criterion.kind == "rating":
        lo, hi = criterion.scale
        return f"a rating from {lo:g} to {hi:g}"
    unit = f" in {criterion.unit}" if criterion.unit else ""
    return f"{number_hint(decimal_comma)}{unit}"


def parse_value(text: str, criterion: Criterion, *, decimal_comma: bool = False) -> float | None:
    """One typed value for ``criterion`` (blank -> None), or InvalidValueError saying what was expected."""
    if not text.strip():
        return None
    value = parse_number(text, decimal_comma=decimal_comma)
    if value is None:
        reason = number_problem(text, decimal_comma=decimal_comma)
        raise InvalidValueError(
            f"{criterion.id}: {reason}"
            if reason
            else f"{criterion.id}: expected {criterion_expectation(criterion, decimal_comma)}, got '{text}'"
        )
    reason = magnitude_problem(value) or criterion.check_value(value)
    if reason:
        raise InvalidValueError(f"{criterion.id}: {reason}; got {text}")
    return value
