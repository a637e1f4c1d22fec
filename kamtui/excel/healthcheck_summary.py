"""The healthcheck workbook's Summary sheet: overall, element scores and levels, role means, trend, and its
radar and bar charts."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kamtui.core.healthcheck import NO_CONSENSUS, Report
from kamtui.excel import common as xl
from kamtui.excel.healthcheck_styles import (
    level_label_style,
    score_style,
)

SUMMARY_HEADER_ROW = 3
SUMMARY_OVERALL_ROW = 4
SUMMARY_FIRST_ELEMENT_ROW = 5


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


def summary_sheet(ws: Any, report: Report, earlier: Report | None) -> None:
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
