"""CSV / XLSX imports: rows validated in full before anything is written.

A file with one bad row writes nothing; every problem is listed as ``file:row:column: what was expected``.
"""

from __future__ import annotations

from pathlib import Path

from kamtui.core.errors import Problem
from kamtui.core.healthcheck import ANSWER_CHOICES, parse_answer_value
from kamtui.core.survey import Survey
from kamtui.store.healthchecks import AnswerRow
from kamtui.tabular import Table, raise_if_problems, read_table

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
        return cells[cols[name]].strip() if name in cols else ""

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
