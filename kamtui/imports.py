"""CSV / XLSX imports: rows validated in full before anything is written.

A file with one bad row writes nothing; every problem is listed as ``file:row:column: what was expected``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from kamtui.core.criteria import CriteriaSet, Criterion
from kamtui.core.errors import InvalidValueError, Problem
from kamtui.core.healthcheck import ANSWER_CHOICES, parse_answer_value
from kamtui.core.numbers import MAX_MAGNITUDE, magnitude_problem, number_hint, parse_number
from kamtui.core.survey import Survey
from kamtui.store.accounts import AccountUpdate
from kamtui.store.healthchecks import AnswerRow
from kamtui.tabular import Cell, Table, cell_text, raise_if_problems, read_table

ANSWER_COLUMNS = ("respondent", "role", "indicator", "value", "comment")
ANSWER_REQUIRED = ("respondent", "indicator", "value")


def column_index(table: Table, known: tuple[str, ...], required: tuple[str, ...]) -> dict[str, int]:
    """Map known column names (case-insensitive) to positions; every unknown or missing column a problem."""
    problems = []
    index: dict[str, int] = {}
    for position, name in enumerate(table.header):
        key = name.strip().lower()
        if key in index:
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
    raise_if_problems(table.source, problems)
    return index


def read_answers(path: Path | str, survey: Survey, *, sheet: str | None = None) -> list[AnswerRow]:
    """Validated answer rows of a CSV/XLSX file with columns respondent, role, indicator, value, comment."""
    table = read_table(path, sheet=sheet)
    cols = column_index(table, ANSWER_COLUMNS, ANSWER_REQUIRED)
    source = table.source
    problems: list[Problem] = []
    rows: list[AnswerRow] = []
    seen: dict[tuple[str, str], int] = {}
    roles: dict[str, tuple[str, int]] = {}

    def cell(cells: list[str], name: str) -> str:
        return cell_text(cells[cols[name]]) if name in cols else ""

    for number, cells in table.rows:
        respondent = cell(cells, "respondent")
        role = cell(cells, "role") or None
        indicator_text = cell(cells, "indicator")
        value_text = cell(cells, "value")
        comment = cell(cells, "comment") or None
        bad = False
        if not respondent:
            problems.append(
                Problem(source, f"{number}:respondent", "empty: every row needs the respondent's name")
            )
            bad = True
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
        if respondent and role:
            earlier = roles.get(respondent)
            if earlier and earlier[0] != role:
                problems.append(
                    Problem(
                        source,
                        f"{number}:role",
                        f"'{respondent}' has role '{role}' here but '{earlier[0]}' on row {earlier[1]}",
                    )
                )
                bad = True
            else:
                roles.setdefault(respondent, (role, number))
        if respondent and indicator is not None:
            key = (respondent, indicator.id)
            if key in seen:
                problems.append(
                    Problem(
                        source,
                        f"{number}:indicator",
                        f"'{respondent}' already answered {indicator.id} on row {seen[key]}",
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
    raise_if_problems(source, problems)
    # A respondent named on several rows keeps the role given on any of them.
    return [
        AnswerRow(
            r.respondent,
            r.role or roles.get(r.respondent, (None, 0))[0],
            r.indicator,
            r.value,
            r.status,
            r.comment,
        )
        for r in rows
    ]


ACCOUNT_COLUMNS = ("account", "owner", "effort", "segment", "ref")


def read_accounts(
    path: Path | str, criteria: CriteriaSet, *, decimal_comma: bool = False, sheet: str | None = None
) -> list[AccountUpdate]:
    """Validated accounts of a CSV/XLSX file: ``account`` plus optional owner, effort, segment, ref, and
    one column per criterion (by id or name, case-insensitive). Blank cells are missing values."""
    table = read_table(path, sheet=sheet)
    source = table.source
    problems: list[Problem] = []
    fields: dict[int, str] = {}  # column position -> account field
    criteria_at: dict[int, Criterion] = {}
    claimed: dict[str, str] = {}  # field / criterion id -> header that claimed it
    for position, header in enumerate(table.header):
        key = header.strip().lower()
        criterion = criteria.match_column(header)
        target = key if key in ACCOUNT_COLUMNS else (criterion.id if criterion else None)
        if target is None:
            names = ", ".join(c.id for c in criteria.criteria)
            problems.append(
                Problem(
                    source,
                    f"1:{header or position + 1}",
                    f"unknown column '{header}' (expected account, owner, effort, segment, ref or a criterion "
                    f"of '{criteria.id}': {names})",
                )
            )
            continue
        if target in claimed:
            problems.append(
                Problem(source, f"1:{header}", f"column '{header}' repeats column '{claimed[target]}'")
            )
            continue
        claimed[target] = header
        if key in ACCOUNT_COLUMNS:
            fields[position] = key
        else:
            assert criterion is not None
            criteria_at[position] = criterion
    if "account" not in claimed:
        problems.append(Problem(source, "1", "missing required column 'account' (the account's name)"))
    raise_if_problems(source, problems)

    return _account_rows(table, fields, criteria_at, decimal_comma)


def _account_rows(
    table: Table, fields: dict[int, str], criteria_at: dict[int, Criterion], decimal_comma: bool
) -> list[AccountUpdate]:
    """Validate the rows column by column (numbers converted and range-checked by numpy in one go), then
    assemble the accounts. Only cells the fast check flags go through the per-cell code that words the
    message, so a file with problems lists exactly what a cell-by-cell check would, in row order."""
    source = table.source
    numbers = [number for number, _ in table.rows]
    columns = list(zip(*(cells for _, cells in table.rows), strict=True)) if table.rows else []
    found: list[tuple[int, int, int, Problem]] = []  # (row index, phase, position, problem)
    bad_rows: set[int] = set()

    def flag(index: int, phase: int, position: int, message: str) -> None:
        header = table.header[position] if phase else "account"
        found.append((index, phase, position, Problem(source, f"{numbers[index]}:{header}", message)))
        bad_rows.add(index)

    name_at = next(p for p, f in fields.items() if f == "account")
    names = _texts(columns[name_at]) if columns else []
    seen: dict[str, int] = {}
    for index, name in enumerate(names):
        if not name:
            flag(index, 0, name_at, "empty: every row needs the account's name")
        elif name in seen:
            flag(index, 0, name_at, f"duplicate account '{name}' (also on row {seen[name]})")
        else:
            seen[name] = numbers[index]

    field_values: dict[str, list[object]] = {}
    for position, field_name in fields.items():
        if field_name == "account":
            continue
        column = columns[position] if columns else ()
        if field_name != "effort":
            field_values[field_name] = [text or None for text in _texts(column)]
            continue
        values, suspects = _numbers(column, decimal_comma, lambda v: (v < 0) | (np.abs(v) > MAX_MAGNITUDE))
        for index in suspects:
            value, message = _effort_cell(column[index], decimal_comma)
            values[index] = value
            if message:
                flag(index, 1, position, message)
        field_values["effort"] = values

    criterion_values: dict[str, list[float | None]] = {}
    for position, criterion in criteria_at.items():
        column = columns[position] if columns else ()
        values, suspects = _numbers(column, decimal_comma, _out_of_range(criterion))
        for index in suspects:
            value, message = _criterion_cell(column[index], criterion, decimal_comma)
            values[index] = value
            if message:
                flag(index, 2, position, message)
        criterion_values[criterion.id] = values

    found.sort(key=lambda item: item[:3])
    raise_if_problems(source, [problem for *_, problem in found])
    field_names = list(field_values)
    criterion_ids = list(criterion_values)
    field_rows = zip(*field_values.values(), strict=True) if field_values else iter(lambda: (), None)
    value_rows = zip(*criterion_values.values(), strict=True) if criterion_values else iter(lambda: (), None)
    return [
        AccountUpdate(
            name=name,
            fields=dict(zip(field_names, f, strict=True)),
            values=dict(zip(criterion_ids, v, strict=True)),
        )
        for name, f, v in zip(names, field_rows, value_rows, strict=False)
    ]


def _texts(column: tuple[Cell, ...]) -> list[str]:
    return [cell.strip() if cell.__class__ is str else cell_text(cell) for cell in column]


def _numbers(
    column: tuple[Cell, ...], decimal_comma: bool, out_of_range
) -> tuple[list[float | None], list[int]]:
    """(values with None for blanks, indices of cells the per-cell check must look at).

    Plain numbers convert in one numpy call; a column numpy cannot read (thousands separators, text,
    --decimal-comma) is handed to the per-cell check whole. Cells that came out non-finite although
    something was written (``nan``, ``inf``) or that ``out_of_range`` flags are handed over too.
    """
    size = len(column)
    if decimal_comma:
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
    if value is None or value < 0 or magnitude_problem(value):
        return None, f"expected the KAM effort in FTE, {number_hint(decimal_comma)} >= 0; found '{text}'"
    return value, None


def _criterion_cell(raw: Cell, criterion: Criterion, decimal_comma: bool) -> tuple[float | None, str | None]:
    text = cell_text(raw)
    if not text:
        return None, None
    value = raw if isinstance(raw, float) else parse_number(text, decimal_comma=decimal_comma)
    if value is None:
        return None, f"expected {criterion_expectation(criterion, decimal_comma)}; found text '{text}'"
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
        raise InvalidValueError(
            f"{criterion.id}: expected {criterion_expectation(criterion, decimal_comma)}, got '{text}'"
        )
    reason = magnitude_problem(value) or criterion.check_value(value)
    if reason:
        raise InvalidValueError(f"{criterion.id}: {reason}; got {text}")
    return value
