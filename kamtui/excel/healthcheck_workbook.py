"""The healthcheck workbook: Summary, Elements, Indicators, Answers, Comments, Prescription, Actions, About.

Every number comes from the scored :class:`~kamtui.core.healthcheck.Report` (never recomputed here);
every piece of user text (titles, programme, names, roles, comments) goes through
:func:`kamtui.excel.common.set_value`, so none of it can become a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from kamtui.core.agreement import EXACT_MAX
from kamtui.core.healthcheck import NO_CONSENSUS, NOT_APPLICABLE, RATED, SPREAD_KEYS, UNKNOWN, Report
from kamtui.core.levels import LEVELS
from kamtui.excel import common as xl

SHEETS = ("Summary", "Elements", "Indicators", "Answers", "Comments", "Prescription", "Actions", "About")

# Fills for the level colour keys of kamtui.core.levels (pale, so black text stays readable).
LEVEL_FILLS = {
    "red": "FFC7CE",
    "orange": "FCD5B4",
    "yellow": "FFEB9C",
    "green": "C6EFCE",
    "blue": "BDD7EE",
}
SUMMARY_HEADER_ROW = 3
SUMMARY_OVERALL_ROW = 4
SUMMARY_FIRST_ELEMENT_ROW = 5


def score_style(level: int | None) -> str | None:
    return None if level is None else f"kam level {level}"


def level_label_style(level: int | None) -> str | None:
    return None if level is None else f"kam level {level} label"


ANSWER = "kam answer"  # a value in the answers grid, centred
VALUE = "kam value"  # a value on the About sheet, left-aligned (numbers too)
DATE = "kam date"  # a due date, yyyy-mm-dd
BOLD = "kam bold"  # an element's row on the Elements sheet


def _add_styles(workbook: Any) -> None:
    from openpyxl.styles import Alignment

    xl.add_styles(workbook)
    top = Alignment(vertical="top")
    xl.add_style(workbook, ANSWER, alignment=Alignment(horizontal="center", vertical="top"))
    xl.add_style(workbook, VALUE, alignment=Alignment(horizontal="left", vertical="top"))
    xl.add_style(workbook, DATE, number_format="yyyy-mm-dd", alignment=top)
    from openpyxl.styles import Font

    xl.add_style(workbook, BOLD, font=Font(bold=True), alignment=top)
    for level in LEVELS:
        fill = LEVEL_FILLS[level.colour]
        xl.add_style(workbook, f"kam level {level.number}", fill=fill, number_format="0.00", alignment=top)
        xl.add_style(workbook, f"kam level {level.number} label", fill=fill, number_format="0", alignment=top)


def _answer_value(status: str | None, value: int | None) -> int | str | None:
    if status == RATED:
        return value
    if status in (NOT_APPLICABLE, UNKNOWN):
        return status
    return None  # comment only, no answer


def _respondent_fields(item: Any) -> tuple[str, str | None, int | None]:
    if isinstance(item, Mapping):
        return item["name"], item.get("role"), item.get("answered")
    return item.name, getattr(item, "role", None), getattr(item, "answered", None)


def write_healthcheck_workbook(
    report: Report,
    answers: Sequence[Any],
    respondents: Iterable[Any],
    target: Path,
    earlier_report: Report | None = None,
    *,
    exported_at: dt.datetime | None = None,
    actions: Sequence[Any] = (),
    earlier_actions: Sequence[Any] = (),
) -> Path:
    """Write the healthcheck workbook for ``report`` to ``target`` (atomically); returns ``target``.

    ``answers`` are the stored answer rows (``kamtui.store.healthchecks.load_answers``: respondent, role,
    indicator, value, status, comment); ``respondents`` the rows of ``list_respondents`` (name, role,
    answered). ``earlier_report`` is the scored assessment ``report`` was compared with (its element
    scores become the second radar and bar series). ``actions`` are the assessment's plan
    (:class:`kamtui.core.healthcheck.Action`), ``earlier_actions`` the earlier assessment's beside their
    element's trend (:class:`kamtui.core.healthcheck.ActionTrend`).
    """
    from openpyxl import Workbook

    from kamtui import __version__

    exported_at = exported_at or dt.datetime.now().astimezone()
    people = [_respondent_fields(item) for item in respondents]
    known = {name for name, _, _ in people}
    for row in answers:  # an answer whose respondent was not listed still gets a column
        if row.respondent not in known:
            known.add(row.respondent)
            people.append((row.respondent, row.role, None))

    workbook = Workbook()
    _add_styles(workbook)
    meta = report.meta
    workbook.properties.title = xl.safe_text(f"KAM healthcheck: {meta.get('title') or report.survey.title}")
    workbook.properties.creator = f"kamtui {__version__}"

    summary = workbook.active
    summary.title = "Summary"
    _summary(summary, report, earlier_report)
    _elements(workbook.create_sheet("Elements"), report)
    _indicators(workbook.create_sheet("Indicators"), report, answers)
    _answers(workbook.create_sheet("Answers"), report, answers, people)
    _comments(workbook.create_sheet("Comments"), report, answers)
    _prescription(workbook.create_sheet("Prescription"), report)
    _actions(workbook.create_sheet("Actions"), report, actions, earlier_actions)
    _about(workbook.create_sheet("About"), report, earlier_report, exported_at, __version__)
    workbook.active = 0
    return xl.atomic_save(workbook, target)


# ---------------------------------------------------------------------------------------------- Summary


SUMMARY_HEAD = (
    "Element",
    "Score",
    "Level",
    "Level name",
    "Agreement (rwg)",
    "Consensus",
    "Respondents",
    "Coverage",
)
SUMMARY_TAIL = ("Delta", "Largest role gap", "Gap", "p-value")


def summary_roles(report: Report) -> list[str]:
    """The roles with an element mean somewhere in the report, sorted (one Summary column each)."""
    return sorted({role for element in report.elements for role in element.by_role})


def summary_layout(report: Report, earlier_report: Report | None) -> tuple[dict[str, int], dict[str, int]]:
    """Summary column numbers: (fixed columns by header, role columns by role name).

    Order: SUMMARY_HEAD, one column per role (headed by the role's name), "Earlier score" when compared,
    SUMMARY_TAIL. Roles are kept apart because a role may be called "Score" or "Delta".
    """
    tail = (("Earlier score",) if earlier_report is not None else ()) + SUMMARY_TAIL
    roles = summary_roles(report)
    col = {name: index for index, name in enumerate(SUMMARY_HEAD, 1)}
    role_col = {role: len(SUMMARY_HEAD) + index for index, role in enumerate(roles, 1)}
    col |= {name: len(SUMMARY_HEAD) + len(roles) + index for index, name in enumerate(tail, 1)}
    return col, role_col


def summary_columns(report: Report, earlier_report: Report | None) -> list[str]:
    """The Summary table's headers, in order."""
    col, role_col = summary_layout(report, earlier_report)
    return _ordered(col, role_col)


def _ordered(col: dict[str, int], role_col: dict[str, int]) -> list[str]:
    by_number = {number: name for name, number in col.items()}
    by_number |= {number: name for name, number in role_col.items()}
    return [by_number[number] for number in sorted(by_number)]


def _summary(ws: Any, report: Report, earlier: Report | None) -> None:
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.utils import get_column_letter

    meta = report.meta
    col, role_col = summary_layout(report, earlier)
    columns = _ordered(col, role_col)

    xl.put(ws, 1, 1, f"KAM healthcheck: {meta.get('title') or report.survey.title}", xl.TITLE)
    subtitle = [
        f"Programme: {meta['programme']}" if meta.get("programme") else None,
        f"Survey: {report.survey.title} v{report.survey.version}",
        f"{report.respondents} respondent{'s' if report.respondents != 1 else ''}",
        f"target level {report.target}",
        f"compared with assessment {meta['compare']}" if meta.get("compare") is not None else None,
    ]
    xl.put(ws, 2, 1, " · ".join(part for part in subtitle if part))

    header = SUMMARY_HEADER_ROW
    for index, name in enumerate(columns, 1):
        xl.put(ws, header, index, name, xl.HEADER)

    def row_values(
        row: int, label: str, values: dict[str, Any], level: int | None, by_role: Mapping[str, float]
    ) -> None:
        xl.put(ws, row, col["Element"], label, xl.LABEL if row == SUMMARY_OVERALL_ROW else xl.TEXT)
        xl.put(ws, row, col["Score"], values.get("Score"), score_style(level) or xl.NUMBER)
        xl.put(ws, row, col["Level"], level, level_label_style(level) or xl.INTEGER)
        xl.put(ws, row, col["Level name"], values.get("Level name"), level_label_style(level) or xl.TEXT)
        formats = {
            "Agreement (rwg)": xl.NUMBER,
            "Consensus": xl.TEXT,
            "Respondents": xl.INTEGER,
            "Coverage": xl.PERCENT,
            "Earlier score": xl.NUMBER,
            "Delta": xl.DELTA,
            "Largest role gap": xl.TEXT,
            "Gap": xl.DELTA,
            "p-value": xl.PVALUE,
        }
        for name, style in formats.items():
            if name in col:
                xl.put(ws, row, col[name], values.get(name), style)
        for role, column in role_col.items():
            xl.put(ws, row, column, by_role.get(role), xl.NUMBER)

    overall = {
        "Score": report.overall,
        "Level name": report.level_name,
        "Respondents": report.respondents,
        "Coverage": report.coverage,
        "Delta": report.overall_delta,
    }
    if earlier is not None:
        overall["Earlier score"] = earlier.overall
    row_values(SUMMARY_OVERALL_ROW, "Overall (mean of the elements)", overall, report.level, {})

    row = SUMMARY_FIRST_ELEMENT_ROW
    for element in report.elements:
        values: dict[str, Any] = {
            "Score": element.score,
            "Level name": element.level_name,
            "Agreement (rwg)": element.rwg,
            "Consensus": "no consensus" if element.no_consensus else None,
            "Respondents": element.n,
            "Coverage": element.coverage,
            "Delta": element.delta,
        }
        if earlier is not None:
            previous = earlier.element(element.id)
            values["Earlier score"] = None if previous is None else previous.score
        if element.gaps:
            gap = element.gaps[0]
            values["Largest role gap"] = f"{gap.roles[0]} − {gap.roles[1]}"
            values["Gap"] = gap.difference
            values["p-value"] = gap.p_value
        row_values(row, element.name, values, element.level, element.by_role)
        row += 1
    last = row - 1

    rwg_letter = get_column_letter(col["Agreement (rwg)"])
    if last >= SUMMARY_FIRST_ELEMENT_ROW:
        first = SUMMARY_FIRST_ELEMENT_ROW
        ws.conditional_formatting.add(
            f"{rwg_letter}{first}:{rwg_letter}{last}",
            FormulaRule(
                formula=[f"AND(ISNUMBER({rwg_letter}{first}),{rwg_letter}{first}<{NO_CONSENSUS})"],
                fill=xl.solid_fill(xl.LOW_AGREEMENT_FILL),
            ),
        )
    widths = {1: 38, col["Score"]: 8, col["Level"]: 7, col["Level name"]: 13, col["Agreement (rwg)"]: 11}
    widths |= {col["Consensus"]: 14, col["Respondents"]: 12, col["Coverage"]: 10, col["Delta"]: 8}
    widths |= {col["Largest role gap"]: 26, col["Gap"]: 8, col["p-value"]: 8}
    widths |= {column: max(10, min(len(role) + 2, 18)) for role, column in role_col.items()}
    if earlier is not None:
        widths[col["Earlier score"]] = 10
    xl.set_widths(ws, widths)
    ws.row_dimensions[header].height = 30
    ws.freeze_panes = ws.cell(row=SUMMARY_FIRST_ELEMENT_ROW, column=2).coordinate
    xl.print_landscape(ws)
    if last >= SUMMARY_FIRST_ELEMENT_ROW:
        _summary_charts(ws, report, earlier, col, role_col, last, len(columns))


def _series(ws: Any, column: int, last: int) -> Any:
    """A chart series over one Summary column's element rows, named by its header cell (live link)."""
    from openpyxl.chart import Reference, Series
    from openpyxl.chart.data_source import StrRef
    from openpyxl.chart.series import SeriesLabel
    from openpyxl.utils import absolute_coordinate, get_column_letter, quote_sheetname

    values = Reference(ws, min_col=column, min_row=SUMMARY_FIRST_ELEMENT_ROW, max_row=last)
    series = Series(values)
    header = absolute_coordinate(f"{get_column_letter(column)}{SUMMARY_HEADER_ROW}")
    series.tx = SeriesLabel(strRef=StrRef(f"{quote_sheetname(ws.title)}!{header}"))
    return series


def _summary_charts(
    ws: Any,
    report: Report,
    earlier: Report | None,
    col: dict[str, int],
    role_col: dict[str, int],
    last: int,
    width: int,
) -> None:
    from openpyxl.chart import BarChart, RadarChart, Reference
    from openpyxl.utils import get_column_letter

    first = SUMMARY_FIRST_ELEMENT_ROW
    header = SUMMARY_HEADER_ROW
    categories = Reference(ws, min_col=col["Element"], min_row=first, max_row=last)
    series_columns = [col["Score"]] + ([col["Earlier score"]] if earlier is not None else [])
    title = xl.safe_text(report.meta.get("title") or "")

    radar = RadarChart()
    radar.type = "marker"
    radar.title = "Element scores" + (" vs. earlier assessment" if earlier is not None else "")
    radar.style = 26
    for column in series_columns:
        radar.series.append(_series(ws, column, last))
    radar.set_categories(categories)
    radar.y_axis.scaling.min = 0
    radar.y_axis.scaling.max = 5
    radar.y_axis.majorUnit = 1
    radar.y_axis.number_format = "0"
    radar.y_axis.delete = False
    radar.x_axis.delete = False
    radar.legend.position = "b"
    radar.height, radar.width = 13, 22

    bars = BarChart()
    bars.type = "bar"
    bars.grouping = "clustered"
    bars.title = f"Element scores: {title}" if title else "Element scores"
    for column in series_columns:
        bars.series.append(_series(ws, column, last))
    bars.set_categories(categories)
    bars.x_axis.scaling.orientation = "maxMin"  # first element on top, as in the table
    bars.y_axis.scaling.min = 0
    bars.y_axis.scaling.max = 5
    bars.y_axis.majorUnit = 1
    bars.y_axis.title = "score (1 Ad hoc - 5 Activating)"
    bars.y_axis.number_format = "0"
    bars.x_axis.delete = False
    bars.y_axis.delete = False
    bars.legend.position = "b"
    bars.height, bars.width = 12, 22

    anchor_column = get_column_letter(width + 2)
    ws.add_chart(radar, f"{anchor_column}{header}")
    ws.add_chart(bars, f"{anchor_column}{header + 27}")
    if len(role_col) >= 2:
        by_role = BarChart()
        by_role.type = "bar"
        by_role.grouping = "clustered"
        by_role.title = "Element scores by role"
        for column in role_col.values():
            by_role.series.append(_series(ws, column, last))
        by_role.set_categories(categories)
        by_role.x_axis.scaling.orientation = "maxMin"
        by_role.y_axis.scaling.min = 0
        by_role.y_axis.scaling.max = 5
        by_role.y_axis.majorUnit = 1
        by_role.y_axis.number_format = "0"
        by_role.x_axis.delete = False
        by_role.y_axis.delete = False
        by_role.legend.position = "b"
        by_role.height, by_role.width = 14, 22
        ws.add_chart(by_role, f"{anchor_column}{header + 52}")


# ---------------------------------------------------------------------------------------------- Indicators

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


def _indicators(ws: Any, report: Report, answers: Sequence[Any]) -> None:
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
        _level_scale(),
    )
    xl.set_widths(ws, INDICATOR_WIDTHS)
    ws.row_dimensions[1].height = 30
    xl.print_landscape(ws)


# ---------------------------------------------------------------------------------------------- Answers


def _answers(
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
        cell = xl.put(ws, row, column, _answer_value(answer.status, answer.value), ANSWER)
        if answer.comment and str(answer.comment).strip() and not report.meta.get("anonymous"):
            author = xl.safe_text(answer.respondent)
            cell.comment = Comment(xl.safe_text(f"{author}: {answer.comment}"), author, height=120, width=260)
    last_row = first_row + len(report.survey.indicators) - 1
    last_column = first_person + max(len(people), 1) - 1
    if people and last_row >= first_row:
        ws.conditional_formatting.add(
            f"{get_column_letter(first_person)}{first_row}:{get_column_letter(last_column)}{last_row}",
            _level_scale(),
        )
    ws.freeze_panes = ws.cell(row=first_row, column=first_person).coordinate
    ws.print_title_rows = f"1:{first_row - 1}"
    xl.set_widths(ws, {1: 10, 2: 24, 3: 50})
    xl.set_widths(ws, dict.fromkeys(range(first_person, last_column + 1), 12))
    xl.print_landscape(ws)


# ---------------------------------------------------------------------------------------------- Comments

COMMENT_COLUMNS = ("Indicator", "Element", "Indicator text", "Respondent", "Role", "Answer", "Comment")
COMMENT_WIDTHS = (10, 26, 50, 20, 14, 9, 70)


def _comments(ws: Any, report: Report, answers: Sequence[Any]) -> None:
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
            _answer_value(answer.status, answer.value),
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


def _prescription(ws: Any, report: Report) -> None:
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


def _elements(ws: Any, report: Report) -> None:
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
    ws.conditional_formatting.add(f"{mean_letter}2:{mean_letter}{last}", _level_scale())
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


def _actions(ws: Any, report: Report, actions: Sequence[Any], earlier_actions: Sequence[Any]) -> None:
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
        xl.put(ws, row, 1, "No actions yet: turn an element of the prescription into an action (kamtui actions add).")
        row += 1
    else:
        ws.auto_filter.ref = f"A2:I{row - 1}"
    if earlier_actions:
        row += 1
        compare = report.meta.get("compare")
        xl.put(ws, row, 1, f"Actions of the earlier assessment ({compare}) beside their element's trend", xl.TITLE)
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
    ("Actions", "the action plan (owner, due date, status), and the earlier assessment's actions beside the trend"),
)


def _about(ws: Any, report: Report, earlier: Report | None, exported_at: dt.datetime, version: str) -> None:
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
        ("Anonymous", "yes: respondents are stored under codes, never names" if meta.get("anonymous") else "no"),
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


def _level_scale():
    """Red (1, Ad hoc) through yellow (3) to green (5, Activating), for cells holding levels or means."""
    from openpyxl.formatting.rule import ColorScaleRule

    return ColorScaleRule(
        start_type="num",
        start_value=1,
        start_color="F8696B",
        mid_type="num",
        mid_value=3,
        mid_color="FFEB84",
        end_type="num",
        end_value=5,
        end_color="63BE7B",
    )
