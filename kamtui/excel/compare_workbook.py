"""The side-by-side workbook (README, "Workbooks"): Compare, Differences and About sheets.

Compare is the heatmap of the Compare screen: one row per element, one column per assessment (in the
order given), each score filled with its level's colour, the overall on top, and a clustered bar chart.
Every number comes from the :class:`~kamtui.core.healthcheck.Comparison` (never recomputed here); every
piece of user text goes through :func:`kamtui.excel.common.set_value`, so none of it becomes a formula.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from kamtui.core.comparison import Comparison
from kamtui.core.levels import LEVELS, level_name
from kamtui.excel import common as xl
from kamtui.excel.healthcheck_styles import add_styles, score_style  # the level fills of both

SHEETS = ("Compare", "Differences", "About")
HEADER_ROW = 3
OVERALL_ROW = 4
FIRST_ELEMENT_ROW = 5


def assessment_label(item: dict) -> str:
    """``#3 EMEA healthcheck`` (a column header of the Compare sheet)."""
    return f"#{item['id']} {item['title']}"


def write_compare_workbook(
    comparison: Comparison, target: Path, *, exported_at: dt.datetime | None = None
) -> Path:
    """Write the side-by-side workbook of ``comparison`` to ``target`` (atomically); returns ``target``."""
    from openpyxl import Workbook

    from kamtui import __version__

    exported_at = exported_at or dt.datetime.now().astimezone()
    workbook = Workbook()
    add_styles(workbook)
    workbook.properties.title = "KAM healthcheck: assessments side by side"
    workbook.properties.creator = f"kamtui {__version__}"
    compare = workbook.active
    compare.title = "Compare"
    data = comparison.to_json()
    _compare(compare, comparison, data)
    _differences(workbook.create_sheet("Differences"), data)
    _about(workbook.create_sheet("About"), data, exported_at, __version__)
    workbook.active = 0
    return xl.atomic_save(workbook, target)


def _compare(ws: Any, comparison: Comparison, data: dict) -> None:
    from openpyxl.chart import BarChart, Reference
    from openpyxl.utils import get_column_letter

    assessments = data["assessments"]
    xl.put(ws, 1, 1, "KAM healthcheck: assessments side by side", xl.TITLE)
    xl.put(ws, 2, 1, " · ".join(f"{assessment_label(a)}" + (f" ({a['programme']})" if a["programme"] else "")
                                 for a in assessments))  # fmt: skip
    xl.put(ws, HEADER_ROW, 1, "Element", xl.HEADER)
    for index, item in enumerate(assessments, 2):
        xl.put(ws, HEADER_ROW, index, assessment_label(item), xl.HEADER)
    spread_column = len(assessments) + 2
    xl.put(ws, HEADER_ROW, spread_column, "Highest - lowest", xl.HEADER)
    xl.put(ws, OVERALL_ROW, 1, "Overall (mean of the elements)", xl.LABEL)
    for index, item in enumerate(assessments, 2):
        xl.put(ws, OVERALL_ROW, index, item["overall"], score_style(item["level"]) or xl.NUMBER)
    row = FIRST_ELEMENT_ROW
    for element in comparison.elements:
        xl.put(ws, row, 1, element.name)
        for index, (score, level) in enumerate(zip(element.scores, element.levels, strict=True), 2):
            xl.put(ws, row, index, score, score_style(level) or xl.NUMBER)
        scored = [s for s in element.scores if s is not None]
        xl.put(ws, row, spread_column, max(scored) - min(scored) if len(scored) >= 2 else None, xl.NUMBER)
        row += 1
    last = row - 1
    xl.put(ws, row + 1, 1, "Levels: " + " · ".join(f"{lv.number} {lv.name}" for lv in LEVELS), xl.TEXT)
    xl.set_widths(ws, {1: 38, **dict.fromkeys(range(2, spread_column), 18), spread_column: 16})
    ws.row_dimensions[HEADER_ROW].height = 45
    ws.freeze_panes = ws.cell(row=FIRST_ELEMENT_ROW, column=2).coordinate
    xl.print_landscape(ws)
    if last < FIRST_ELEMENT_ROW:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "clustered"
    chart.title = "Element scores side by side"
    values = Reference(ws, min_col=2, max_col=spread_column - 1, min_row=HEADER_ROW, max_row=last)
    chart.add_data(values, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=FIRST_ELEMENT_ROW, max_row=last))
    chart.x_axis.scaling.orientation = "maxMin"
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 5
    chart.y_axis.majorUnit = 1
    chart.y_axis.number_format = "0"
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.legend.position = "b"
    chart.height, chart.width = 16, 22
    ws.add_chart(chart, f"{get_column_letter(spread_column + 2)}{HEADER_ROW}")


DIFFERENCE_COLUMNS = ("Element", "Difference", "Highest", "Score", "Lowest", "Score")


def _differences(ws: Any, data: dict) -> None:
    titles = {a["id"]: assessment_label(a) for a in data["assessments"]}
    scores = {e["id"]: dict(zip([a["id"] for a in data["assessments"]], e["scores"], strict=True))
              for e in data["elements"]}  # fmt: skip
    levels = {e["id"]: dict(zip([a["id"] for a in data["assessments"]], e["levels"], strict=True))
              for e in data["elements"]}  # fmt: skip
    xl.put(ws, 1, 1, "Largest differences between the assessments", xl.TITLE)
    for index, name in enumerate(DIFFERENCE_COLUMNS, 1):
        xl.put(ws, 2, index, name, xl.HEADER)
    row = 3
    for item in data["differences"]:
        high, low = item["high"], item["low"]
        xl.put(ws, row, 1, item["name"])
        xl.put(ws, row, 2, item["difference"], xl.NUMBER)
        xl.put(ws, row, 3, titles[high])
        xl.put(
            ws, row, 4, scores[item["element"]][high], score_style(levels[item["element"]][high]) or xl.NUMBER
        )
        xl.put(ws, row, 5, titles[low])
        xl.put(
            ws, row, 6, scores[item["element"]][low], score_style(levels[item["element"]][low]) or xl.NUMBER
        )
        row += 1
    if not data["differences"]:
        xl.put(ws, row, 1, "No element is scored in two of these assessments yet.")
    xl.set_widths(ws, (38, 11, 34, 8, 34, 8))
    ws.freeze_panes = "A3"
    xl.print_landscape(ws)


def _about(ws: Any, data: dict, exported_at: dt.datetime, version: str) -> None:
    xl.put(ws, 1, 1, "About this workbook", xl.TITLE)
    rows: list[tuple[str, Any, str | None]] = [
        ("Exported at", exported_at.isoformat(sep=" ", timespec="minutes"), None),
        ("kamtui version", version, None),
    ]
    for item in data["assessments"]:
        label = f"{item['title']} · {item['programme'] or 'no programme'} · survey {item['survey']} · "
        label += f"{item['respondents']} respondents · overall "
        label += (
            f"{item['overall']:.2f} {level_name(item['level'])}"
            if item["overall"] is not None
            else "none yet"
        )
        rows.append((f"Assessment {item['id']}", label, None))
    rows += [
        (
            "Scores",
            "each assessment scored on its own (README, 'How it is scored'); elements matched by id",
            None,
        ),
        ("Colours", "a score's fill is its level's: the floor of the score, 5 only at 5.00", None),
        (
            "Highest - lowest",
            "an element's highest score minus its lowest over the assessments compared",
            None,
        ),
    ]
    for row, (label, value, style) in enumerate(rows, 2):
        xl.put(ws, row, 1, label, xl.LABEL)
        xl.put(ws, row, 2, value, style or xl.WRAP)
    xl.set_widths(ws, (20, 100))
