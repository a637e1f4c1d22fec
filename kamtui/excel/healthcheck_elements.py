"""The healthcheck workbook's Elements, Actions and About sheets."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from kamtui.core.agreement import EXACT_MAX
from kamtui.core.healthcheck import NO_CONSENSUS, SPREAD_KEYS, Report
from kamtui.excel import common as xl
from kamtui.excel.healthcheck_styles import (
    BOLD,
    DATE,
    VALUE,
    level_label_style,
    level_scale,
    score_style,
)
from kamtui.excel.healthcheck_summary import summary_roles

ELEMENT_HEAD = (
    "Element",
    "Statement",
    "Text",
    "Mean",
    "Level",
    "Rated (n)",
    *(f"{key}" for key in SPREAD_KEYS),
    "Agreement (rwg)",
    "Consensus",
)
ELEMENT_TAIL = ("rwg(j)", "Largest role gap", "Higher", "p-value", "p adjusted", "Test", "Comments")


def element_columns(report: Report) -> list[str]:
    """The Elements sheet's headers: ELEMENT_HEAD, one column per role (as on Summary), ELEMENT_TAIL."""
    return [*ELEMENT_HEAD, *summary_roles(report), *ELEMENT_TAIL]


def _comment_line(comment: Any) -> str:
    who = ", ".join(part for part in (comment.respondent, comment.role) if part)
    answer = f" [{comment.answer}]" if comment.answer else ""
    return f"{who}{answer}: {comment.text}" if who else f"{comment.text}{answer}"


def elements_sheet(ws: Any, report: Report) -> None:
    """One row per element (bold) and, grouped below it, one per statement (those without consensus
    first), with the spread of the answers, agreement, role means and the comments (attributed as the
    report attributes them)."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.utils import get_column_letter

    from kamtui.core.healthcheck import element_statements, statement_comments
    from kamtui.core.levels import level_of

    columns = element_columns(report)
    col = {name: index for index, name in enumerate(columns, 1)}
    roles = summary_roles(report)
    role_col = {role: len(ELEMENT_HEAD) + index for index, role in enumerate(roles, 1)}
    for name, index in col.items():
        xl.put(ws, 1, index, name, xl.HEADER)
    for role, index in role_col.items():
        xl.put(ws, 1, index, role, xl.HEADER)
    texts = {ind.id: ind.text for ind in report.survey.indicators}
    row = 2
    for element in report.elements:
        xl.put(ws, row, col["Element"], element.name, BOLD)
        xl.put(ws, row, col["Text"], "the element: mean of the respondents' element scores", xl.TEXT)
        xl.put(ws, row, col["Mean"], element.score, score_style(element.level) or xl.NUMBER)
        xl.put(ws, row, col["Level"], element.level, level_label_style(element.level) or xl.INTEGER)
        xl.put(ws, row, col["Rated (n)"], element.n, xl.INTEGER)
        xl.put(ws, row, col["Agreement (rwg)"], element.rwg, xl.NUMBER)
        xl.put(ws, row, col["Consensus"], "no consensus" if element.no_consensus else None, xl.TEXT)
        for role, index in role_col.items():
            xl.put(ws, row, index, element.by_role.get(role), xl.NUMBER)
        xl.put(ws, row, col["rwg(j)"], element.rwg_j, xl.NUMBER)
        if element.gaps:
            gap = element.gaps[0]
            gap_text = f"{gap.roles[0]} − {gap.roles[1]}: {gap.difference:+.2f}"
            xl.put(ws, row, col["Largest role gap"], gap_text)
            xl.put(ws, row, col["Higher"], gap.higher, xl.TEXT)
            xl.put(ws, row, col["p-value"], gap.p_value, xl.PVALUE)
            xl.put(ws, row, col["p adjusted"], gap.p_adjusted, xl.PVALUE)
            xl.put(ws, row, col["Test"], gap.method, xl.TEXT)
        first = row + 1
        for result in element_statements(report, element.id):
            row += 1
            comments = statement_comments(report, result.id)
            values: dict[str, Any] = {
                "Element": element.name,
                "Statement": result.id,
                "Text": texts.get(result.id, ""),
                "Mean": result.mean,
                "Level": level_of(result.mean),
                "Rated (n)": result.n,
                "Agreement (rwg)": result.rwg,
                "Consensus": "no consensus" if result.no_consensus else None,
                "Comments": "\n".join(_comment_line(c) for c in comments) or None,
            } | {key: result.spread.get(key, 0) for key in SPREAD_KEYS}
            styles = {"Text": xl.WRAP, "Mean": xl.NUMBER, "Agreement (rwg)": xl.NUMBER, "Comments": xl.WRAP}
            for name, value in values.items():
                default = xl.INTEGER if isinstance(value, int) else xl.TEXT
                xl.put(ws, row, col[name], value, styles.get(name, default))
            for role, index in role_col.items():  # only the roles the element shows (a confidential report
                if role in element.by_role:  # leaves out those below the minimum group size)
                    xl.put(ws, row, index, result.by_role.get(role), xl.NUMBER)
            height = xl.wrapped_height([(values["Text"], 60), (values["Comments"], 60)])
            if height:
                ws.row_dimensions[row].height = height
        if row >= first:
            ws.row_dimensions.group(first, row, outline_level=1, hidden=False)
        row += 1
    ws.sheet_properties.outlinePr.summaryBelow = False  # the element's row is above its statements
    last = max(2, row - 1)
    rwg_letter = get_column_letter(col["Agreement (rwg)"])
    ws.conditional_formatting.add(
        f"{rwg_letter}2:{rwg_letter}{last}",
        FormulaRule(
            formula=[f"AND(ISNUMBER({rwg_letter}2),{rwg_letter}2<{NO_CONSENSUS})"],
            fill=xl.solid_fill(xl.LOW_AGREEMENT_FILL),
        ),
    )
    mean_letter = get_column_letter(col["Mean"])
    ws.conditional_formatting.add(f"{mean_letter}2:{mean_letter}{last}", level_scale())
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
    ws.freeze_panes = "C2"
    ws.print_title_rows = "1:1"
    widths = {col["Element"]: 30, col["Statement"]: 10, col["Text"]: 60, col["Mean"]: 7, col["Level"]: 6}
    widths |= {col[key]: 5 for key in SPREAD_KEYS} | {col["na"]: 5, col["unknown"]: 8, col["Rated (n)"]: 9}
    widths |= {col["Agreement (rwg)"]: 11, col["Consensus"]: 14, col["rwg(j)"]: 8}
    widths |= {col["Largest role gap"]: 26, col["Higher"]: 14, col["p-value"]: 8, col["p adjusted"]: 10}
    widths |= {col["Test"]: 12, col["Comments"]: 60}
    widths |= {index: max(10, min(len(role) + 2, 18)) for role, index in role_col.items()}
    xl.set_widths(ws, widths)
    ws.row_dimensions[1].height = 30
    xl.print_landscape(ws)


# ---------------------------------------------------------------------------------------------- Actions

ACTION_COLUMNS = ("Id", "Element", "Action", "Owner", "Due", "Status", "Carried from", "Created", "Updated")
EARLIER_ACTION_COLUMNS = (
    "Id", "Element", "Action", "Owner", "Due", "Status", "Score then", "Score now", "Trend",
)  # fmt: skip
ACTION_WIDTHS = (6, 30, 70, 18, 11, 9, 12, 17, 17)


def _due(text: str | None) -> dt.date | str | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return text


def actions_sheet(ws: Any, report: Report, actions: Sequence[Any], earlier_actions: Sequence[Any]) -> None:
    """The assessment's action plan, then the earlier assessment's actions beside their element's trend."""
    names = {element.id: element.name for element in report.survey.elements}
    xl.put(ws, 1, 1, "Action plan", xl.TITLE)
    for index, name in enumerate(ACTION_COLUMNS, 1):
        xl.put(ws, 2, index, name, xl.HEADER)
    row = 3
    for action in actions:
        values = (
            action.id,
            names.get(action.element, action.element),
            action.text,
            action.owner,
            _due(action.due),
            action.status,
            action.carried_from,
            action.created_at,
            action.updated_at,
        )
        styles = (xl.INTEGER, xl.TEXT, xl.WRAP, xl.TEXT, DATE, xl.TEXT, xl.INTEGER, xl.TEXT, xl.TEXT)
        for column, (value, style) in enumerate(zip(values, styles, strict=True), 1):
            xl.put(ws, row, column, value, style)
        height = xl.wrapped_height([(action.text, ACTION_WIDTHS[2])])
        if height:
            ws.row_dimensions[row].height = height
        row += 1
    if not actions:
        xl.put(
            ws,
            row,
            1,
            "No actions yet: turn an element of the prescription into an action (kamtui actions add).",
        )
        row += 1
    else:
        ws.auto_filter.ref = f"A2:I{row - 1}"
    if earlier_actions:
        row += 1
        compare = report.meta.get("compare")
        xl.put(
            ws,
            row,
            1,
            f"Actions of the earlier assessment ({compare}) beside their element's trend",
            xl.TITLE,
        )
        row += 1
        for index, name in enumerate(EARLIER_ACTION_COLUMNS, 1):
            xl.put(ws, row, index, name, xl.HEADER)
        row += 1
        for item in earlier_actions:
            action = item.action
            values = (
                action.id,
                item.name,
                action.text,
                action.owner,
                _due(action.due),
                action.status,
                item.earlier_score,
                item.score,
                item.delta,
            )
            styles = (xl.INTEGER, xl.TEXT, xl.WRAP, xl.TEXT, DATE, xl.TEXT, xl.NUMBER, xl.NUMBER, xl.DELTA)
            for column, (value, style) in enumerate(zip(values, styles, strict=True), 1):
                xl.put(ws, row, column, value, style)
            height = xl.wrapped_height([(action.text, ACTION_WIDTHS[2])])
            if height:
                ws.row_dimensions[row].height = height
            row += 1
    ws.freeze_panes = "A3"
    xl.set_widths(ws, ACTION_WIDTHS)
    xl.print_landscape(ws)


# ---------------------------------------------------------------------------------------------- About

HOW_TO_READ = (
    "Levels: every indicator is rated 1 Ad hoc, 2 Awareness, 3 Repeatable, 4 Predictable, 5 Activating, "
    "or na (not applicable) / unknown (cannot say); na and unknown count toward progress, never toward scores.",
    "Scores: a respondent's element score is the mean of their rated indicators in it; the element score is "
    "the mean over respondents (those with nothing rated in it skipped); overall is the mean of the element scores.",
    "Level of a score = the score rounded down (5 only at exactly 5.00). Coverage = rated answers / "
    "(respondents x indicators).",
    f"Agreement rwg = 1 - variance / 2 of the respondents' scores, clipped to 0..1, with 2 or more respondents; "
    f"below {NO_CONSENSUS:.2f} the cell is orange: no consensus, discuss before acting.",
    "Role columns: mean element score of each role's respondents; largest role gap: difference of role means, "
    "p-value (Mann-Whitney U, two-sided) only when both roles have 3 or more respondents: exact without ties, "
    f"exact over every split of the tied scores (permutation) with ties, up to {EXACT_MAX} respondents; "
    "asymptotic above. "
    "p adjusted: Benjamini-Hochberg over every p-value of the assessment.",
    "rwg(j) (Elements sheet): the agreement over an element's statements (James, Demaree & Wolf 1984), "
    "J (1 - v/2) / (J (1 - v/2) + v/2) with v the mean variance of its J statements rated twice or more.",
    "Delta: element score minus the earlier assessment's. Prescription: elements below the target level, "
    "largest gap first, each with the step that moves it to its next level.",
)

ABOUT_WIDTHS = (18, 100)
SHEET_GUIDE = (
    (
        "Summary",
        "one row per element: score, level, agreement, coverage, role means, trend; charts on the right",
    ),
    (
        "Elements",
        "each element, with its statements grouped below it (no consensus first): the spread of the answers "
        "1-5, na, unknown, agreement, role means and comments",
    ),
    ("Indicators", "every indicator's mean, answers counted, agreement; filter by element or consensus"),
    (
        "Answers",
        "the grid of answers, one column per respondent; hover a cell with a red corner for its comment",
    ),
    ("Comments", "every comment with who gave it and their answer; filter by element or role"),
    ("Prescription", "what to work on first to reach the target level"),
    (
        "Actions",
        "the action plan (owner, due date, status), and the earlier assessment's actions beside the trend",
    ),
)


def about_sheet(
    ws: Any, report: Report, earlier: Report | None, exported_at: dt.datetime, version: str
) -> None:
    meta = report.meta
    compare = meta.get("compare")
    if compare is not None and earlier is not None and earlier.meta.get("title"):
        compared = f"{compare}: {earlier.meta['title']}"
    else:
        compared = compare
    rows: list[tuple[str, Any]] = [
        ("Assessment", meta.get("assessment")),
        ("Title", meta.get("title")),
        ("Programme", meta.get("programme")),
        ("Survey", report.survey.id),
        ("Survey title", report.survey.title),
        ("Survey version", report.survey.version),
        ("Created", meta.get("created_at")),
        ("Exported at", exported_at.isoformat(sep=" ", timespec="minutes")),
        ("kamtui version", version),
        ("Target level", report.target),
        ("Compared with", compared),
        ("Respondents", report.respondents),
        ("Answers given", report.answered),
        (
            "Anonymous",
            "yes: respondents are stored under codes, never names" if meta.get("anonymous") else "no",
        ),
        (
            "Minimum group size",
            f"{meta['min_group']}: roles with fewer respondents are not shown"
            if meta.get("min_group") is not None
            else "not applied (names are shown)",
        ),
    ]
    xl.put(ws, 1, 1, "About this workbook", xl.TITLE)
    row = 2
    for label, value in rows:
        xl.put(ws, row, 1, label, xl.LABEL)
        xl.put(ws, row, 2, value, VALUE)
        row += 1
    row += 1
    xl.put(ws, row, 1, "How to read it", xl.TITLE)
    row += 1
    for line in HOW_TO_READ:
        xl.put(ws, row, 1, "•", xl.LABEL)
        xl.put(ws, row, 2, line, xl.WRAP)
        ws.row_dimensions[row].height = xl.wrapped_height([(line, ABOUT_WIDTHS[1])])
        row += 1
    row += 1
    xl.put(ws, row, 1, "Sheets", xl.TITLE)
    row += 1
    for name, text in SHEET_GUIDE:
        xl.put(ws, row, 1, name, xl.LABEL)
        xl.put(ws, row, 2, text, xl.WRAP)
        ws.row_dimensions[row].height = xl.wrapped_height([(text, ABOUT_WIDTHS[1])])
        row += 1
    xl.set_widths(ws, ABOUT_WIDTHS)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
