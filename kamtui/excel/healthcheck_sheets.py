"""The healthcheck workbook's Indicators, Answers, Comments and Prescription sheets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from kamtui.core.healthcheck import NO_CONSENSUS, Report
from kamtui.excel import common as xl
from kamtui.excel.healthcheck_styles import (
    ANSWER,
    answer_value,
    level_label_style,
    level_scale,
    score_style,
)

INDICATOR_COLUMNS = (
    "Indicator",
    "Element",
    "Indicator text",
    "Mean",
    "Level",
    "Rated (n)",
    "Agreement (rwg)",
    "Consensus",
    "na",
    "unknown",
    "Comments",
)
INDICATOR_WIDTHS = (10, 30, 70, 8, 7, 10, 11, 14, 6, 9, 10)


def indicators_sheet(ws: Any, report: Report, answers: Sequence[Any]) -> None:
    from openpyxl.formatting.rule import FormulaRule

    from kamtui.core.levels import level_of

    texts = {ind.id: ind.text for ind in report.survey.indicators}
    names = {element.id: element.name for element in report.survey.elements}
    comments: dict[str, int] = {}
    for row in answers:
        if row.comment and str(row.comment).strip():
            comments[row.indicator] = comments.get(row.indicator, 0) + 1
    styles = [
        xl.TEXT,
        xl.TEXT,
        xl.WRAP,
        xl.NUMBER,
        xl.INTEGER,
        xl.INTEGER,
        xl.NUMBER,
        xl.TEXT,
        xl.INTEGER,
        xl.INTEGER,
        xl.INTEGER,
    ]
    for index, name in enumerate(INDICATOR_COLUMNS, 1):
        xl.put(ws, 1, index, name, xl.HEADER)
    for row, result in enumerate(report.indicators, 2):
        values = (
            result.id,
            names.get(result.element, result.element),
            texts.get(result.id, ""),
            result.mean,
            level_of(result.mean),
            result.n,
            result.rwg,
            "no consensus" if result.no_consensus else None,
            result.na,
            result.unknown,
            comments.get(result.id, 0),
        )
        for column, (value, style) in enumerate(zip(values, styles, strict=True), 1):
            xl.put(ws, row, column, value, style)
        height = xl.wrapped_height([(values[2], INDICATOR_WIDTHS[2])])
        if height:
            ws.row_dimensions[row].height = height
    last = max(2, len(report.indicators) + 1)
    ws.auto_filter.ref = f"A1:K{last}"
    ws.freeze_panes = "B2"
    ws.print_title_rows = "1:1"
    ws.conditional_formatting.add(
        f"G2:H{last}",
        FormulaRule(
            formula=[f"AND(ISNUMBER($G2),$G2<{NO_CONSENSUS})"], fill=xl.solid_fill(xl.LOW_AGREEMENT_FILL)
        ),
    )
    ws.conditional_formatting.add(
        f"D2:D{last}",
        level_scale(),
    )
    xl.set_widths(ws, INDICATOR_WIDTHS)
    ws.row_dimensions[1].height = 30
    xl.print_landscape(ws)


# ---------------------------------------------------------------------------------------------- Answers


def answers_sheet(
    ws: Any, report: Report, answers: Sequence[Any], people: Sequence[tuple[str, str | None, int | None]]
) -> None:
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter

    first_person = 4
    xl.put(ws, 1, 1, "Indicator", xl.HEADER)
    xl.put(ws, 1, 2, "Element", xl.HEADER)
    xl.put(ws, 1, 3, "Indicator text", xl.HEADER)
    xl.put(ws, 2, 3, "Role", xl.LABEL)
    xl.put(ws, 3, 3, "Answered (of the survey)", xl.LABEL)
    column_of: dict[str, int] = {}
    for offset, (name, role, answered) in enumerate(people):
        column = first_person + offset
        column_of[name] = column
        xl.put(ws, 1, column, name, xl.HEADER)
        xl.put(ws, 2, column, role, ANSWER)
        xl.put(ws, 3, column, answered, ANSWER)

    first_row = 4
    row_of: dict[str, int] = {}
    names = {element.id: element.name for element in report.survey.elements}
    for row, indicator in enumerate(report.survey.indicators, first_row):
        row_of[indicator.id] = row
        xl.put(ws, row, 1, indicator.id)
        xl.put(ws, row, 2, names.get(indicator.element_id, indicator.element_id))
        xl.put(ws, row, 3, indicator.text)
    for answer in answers:
        row = row_of.get(answer.indicator)
        column = column_of.get(answer.respondent)
        if row is None or column is None:
            continue
        cell = xl.put(ws, row, column, answer_value(answer.status, answer.value), ANSWER)
        if answer.comment and str(answer.comment).strip() and not report.meta.get("anonymous"):
            author = xl.safe_text(answer.respondent)
            cell.comment = Comment(xl.safe_text(f"{author}: {answer.comment}"), author, height=120, width=260)
    last_row = first_row + len(report.survey.indicators) - 1
    last_column = first_person + max(len(people), 1) - 1
    if people and last_row >= first_row:
        ws.conditional_formatting.add(
            f"{get_column_letter(first_person)}{first_row}:{get_column_letter(last_column)}{last_row}",
            level_scale(),
        )
    ws.freeze_panes = ws.cell(row=first_row, column=first_person).coordinate
    ws.print_title_rows = f"1:{first_row - 1}"
    xl.set_widths(ws, {1: 10, 2: 24, 3: 50})
    xl.set_widths(ws, dict.fromkeys(range(first_person, last_column + 1), 12))
    xl.print_landscape(ws)


# ---------------------------------------------------------------------------------------------- Comments

COMMENT_COLUMNS = ("Indicator", "Element", "Indicator text", "Respondent", "Role", "Answer", "Comment")
COMMENT_WIDTHS = (10, 26, 50, 20, 14, 9, 70)


def comments_sheet(ws: Any, report: Report, answers: Sequence[Any]) -> None:
    order = {ind.id: position for position, ind in enumerate(report.survey.indicators)}
    texts = {ind.id: ind for ind in report.survey.indicators}
    names = {element.id: element.name for element in report.survey.elements}
    for index, name in enumerate(COMMENT_COLUMNS, 1):
        xl.put(ws, 1, index, name, xl.HEADER)
    anonymous = bool(report.meta.get("anonymous"))  # comments without attribution, in no telling order
    rows = sorted(
        (a for a in answers if a.comment and str(a.comment).strip() and a.indicator in order),
        key=lambda a: (order[a.indicator], str(a.comment) if anonymous else a.respondent),
    )
    styles = (xl.TEXT, xl.TEXT, xl.WRAP, xl.TEXT, xl.TEXT, ANSWER, xl.WRAP)
    for row, answer in enumerate(rows, 2):
        indicator = texts[answer.indicator]
        values = (
            answer.indicator,
            names.get(indicator.element_id, indicator.element_id),
            indicator.text,
            None if anonymous else answer.respondent,
            None if anonymous else answer.role,
            answer_value(answer.status, answer.value),
            answer.comment,
        )
        for column, (value, style) in enumerate(zip(values, styles, strict=True), 1):
            xl.put(ws, row, column, value, style)
        height = xl.wrapped_height([(values[2], COMMENT_WIDTHS[2]), (values[6], COMMENT_WIDTHS[6])])
        if height:
            ws.row_dimensions[row].height = height
    if not rows:
        xl.put(ws, 2, 1, "No comments were given in this assessment.")
    ws.auto_filter.ref = f"A1:G{len(rows) + 1 if rows else 1}"
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    xl.set_widths(ws, COMMENT_WIDTHS)
    xl.print_landscape(ws)


# ---------------------------------------------------------------------------------------------- Prescription

PRESCRIPTION_COLUMNS = (
    "Priority",
    "Element",
    "Score",
    "Level",
    "Level name",
    "Target",
    "Gap",
    "Next level",
    "Prescription (to reach the next level)",
    "What the next level looks like",
)
PRESCRIPTION_WIDTHS = (8, 34, 8, 7, 13, 8, 8, 14, 70, 60)


def prescription_sheet(ws: Any, report: Report) -> None:
    from kamtui.core.levels import level_name

    for index, name in enumerate(PRESCRIPTION_COLUMNS, 1):
        xl.put(ws, 1, index, name, xl.HEADER)
    for row, item in enumerate(report.prescription, 2):
        element = report.survey.element(item.element)
        next_level = item.level + 1
        looks_like = element.levels[item.level] if element is not None and item.level < 5 else None
        values = (
            row - 1,
            item.name,
            item.score,
            item.level,
            level_name(item.level),
            item.target,
            item.gap,
            f"{next_level} {level_name(next_level)}" if next_level <= 5 else None,
            item.text,
            looks_like,
        )
        styles = (
            xl.INTEGER,
            xl.TEXT,
            score_style(item.level),
            level_label_style(item.level),
            level_label_style(item.level),
            xl.INTEGER,
            xl.NUMBER,
            xl.TEXT,
            xl.WRAP,
            xl.WRAP,
        )
        for column, (value, style) in enumerate(zip(values, styles, strict=True), 1):
            xl.put(ws, row, column, value, style)
        height = xl.wrapped_height([(values[8], PRESCRIPTION_WIDTHS[8]), (values[9], PRESCRIPTION_WIDTHS[9])])
        if height:
            ws.row_dimensions[row].height = height
    if not report.prescription:
        xl.put(
            ws,
            2,
            2,
            f"Every element with a score is at or above the target level {report.target}.",
        )
    ws.freeze_panes = "C2"
    ws.print_title_rows = "1:1"
    xl.set_widths(ws, PRESCRIPTION_WIDTHS)
    ws.row_dimensions[1].height = 30
    xl.print_landscape(ws)


# ---------------------------------------------------------------------------------------------- Elements
