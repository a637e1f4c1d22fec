"""CSV / XLSX imports: rows validated in full before anything is written.

A file with one bad row writes nothing; every problem is listed as ``file:row:column: what was expected``.
"""

from __future__ import annotations

from pathlib import Path

from kamtui.core.criteria import CriteriaSet, Criterion
from kamtui.core.errors import InvalidValueError, Problem
from kamtui.core.healthcheck import ANSWER_CHOICES, parse_answer_value
from kamtui.core.numbers import magnitude_problem, number_hint, parse_number
from kamtui.core.survey import Survey
from kamtui.store.accounts import AccountUpdate
from kamtui.store.healthchecks import AnswerRow
from kamtui.tabular import Table, cell_text, raise_if_problems, read_table

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

    name_at = next(p for p, f in fields.items() if f == "account")
    seen: dict[str, int] = {}
    updates: list[AccountUpdate] = []
    for number, cells in table.rows:
        name = cell_text(cells[name_at])
        row_ok = True
        if not name:
            problems.append(Problem(source, f"{number}:account", "empty: every row needs the account's name"))
            row_ok = False
        elif name in seen:
            problems.append(
                Problem(source, f"{number}:account", f"duplicate account '{name}' (also on row {seen[name]})")
            )
            row_ok = False
        else:
            seen[name] = number
        account_fields: dict[str, object] = {}
        for position, field_name in fields.items():
            if field_name == "account":
                continue
            raw = cells[position]
            text = cell_text(raw)
            header = table.header[position]
            if field_name == "effort":
                if not text:
                    account_fields["effort"] = None
                    continue
                value = raw if isinstance(raw, float) else parse_number(text, decimal_comma=decimal_comma)
                if value is None or value < 0 or magnitude_problem(value):
                    problems.append(
                        Problem(
                            source,
                            f"{number}:{header}",
                            f"expected the KAM effort in FTE, {number_hint(decimal_comma)} >= 0; found '{text}'",
                        )
                    )
                    row_ok = False
                else:
                    account_fields["effort"] = value
            else:
                account_fields[field_name] = text or None
        values: dict[str, float | None] = {}
        for position, criterion in criteria_at.items():
            raw = cells[position]
            text = cell_text(raw)
            header = table.header[position]
            if not text:
                values[criterion.id] = None
                continue
            value = raw if isinstance(raw, float) else parse_number(text, decimal_comma=decimal_comma)
            if value is None:
                problems.append(
                    Problem(
                        source,
                        f"{number}:{header}",
                        f"expected {criterion_expectation(criterion, decimal_comma)}; found text '{text}'",
                    )
                )
                row_ok = False
                continue
            reason = magnitude_problem(value) or criterion.check_value(value)
            if reason:
                problems.append(Problem(source, f"{number}:{header}", f"{reason}; found {text}"))
                row_ok = False
                continue
            values[criterion.id] = value
        if row_ok:
            updates.append(AccountUpdate(name=name, fields=account_fields, values=values))
    raise_if_problems(source, problems)
    return updates


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
