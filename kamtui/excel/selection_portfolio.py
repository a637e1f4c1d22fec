"""The Portfolio sheet: the accounts per quadrant, and the native scatter chart of strength (x) against
attractiveness (y) with the threshold lines, the quadrant names, and the selected accounts in their own
series, labelled with their names.

The labels are real Excel data-label ranges ("Value From Cells", Excel 2013 and later): each labelled
series carries the ``c15:datalabelsRange`` extension naming the cells that hold its labels, with a cache of
their text, and each point a label whose text is the ``CELLRANGE`` field, exactly as Excel writes them.
openpyxl does not write these extensions, so the chart's XML is completed as it is serialised
(:func:`_with_label_ranges`). LibreOffice shows them too (it reads the cached text).

Page 1 prints the counts and the chart; the tables the chart is drawn from follow on the next page.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kamtui.excel import common as xl
from kamtui.excel import selection_formats as fmt
from kamtui.excel.selection_common import (
    QUADRANT_FILLS,
    QUADRANT_MEANING,
    SCORE,
    RankingLayout,
    RowWriter,
    Selected,
    quadrant_style,
)

if TYPE_CHECKING:
    from kamtui.core.ranking import Ranking

C15 = "http://schemas.microsoft.com/office/drawing/2012/chart"
DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/main"
LABELS_RANGE_URI = "{02D57815-91ED-43cb-92C2-25804820EDAC}"  # c15:datalabelsRange on a series
LABELS_FLAGS_URI = "{CE6537A1-D6FC-4f65-9D91-7224C49458BB}"  # c15:showDataLabelsRange on its labels
WIDTHS = (28, 12, 14, 9, 9, 52)
CHART_ROW = 11  # the chart's top-left cell is A11
CHART_ROWS = 27  # rows the chart covers (13 cm at 15 pt a row)
TITLE = "Portfolio: strength (x) against attractiveness (y), both 0-10"
CHART_TITLE = "Account portfolio"


def portfolio(ws: Any, ranking_ws: Any, ranking: Ranking, selected: Selected, layout: RankingLayout) -> None:
    from openpyxl.worksheet.pagebreak import Break

    thresholds = ranking.criteria.thresholds
    xl.set_widths(ws, WIDTHS)
    fmt.print_setup(ws)  # before the first row (write-only mode); the print area at the end
    rows = RowWriter(ws)
    rows.add([TITLE], xl.TITLE)
    rows.add([])
    rows.add(["Quadrant", "Accounts", "Selected", None, None, "Meaning"], xl.HEADER)
    for name in (*QUADRANT_FILLS, None):
        accounts, chosen = selected.quadrants.get(name, (0, 0))
        if name is None and accounts == 0:
            continue
        meaning = QUADRANT_MEANING.get(name or "", "a group score is missing: no quadrant")
        style = quadrant_style(name) if name else xl.TEXT
        rows.add(
            [name or "(none)", accounts, chosen, None, None, meaning], [style, None, None, None, None, None]
        )
    while rows.row < CHART_ROW + CHART_ROWS:
        rows.add([])
    ws.row_breaks.append(Break(id=rows.row))  # the tables the chart is drawn from go on the next page

    rows.add(["Threshold lines", "Strength", "Attractiveness"], xl.HEADER)
    a_start = rows.add(["Attractiveness threshold", 0, thresholds.attractiveness])
    rows.add([None, 10, thresholds.attractiveness])
    s_start = rows.add(["Strength threshold", thresholds.strength, 0])
    rows.add([None, thresholds.strength, 10])
    rows.add([])

    rows.add(["Quadrant name", "Strength", "Attractiveness"], xl.HEADER)
    first_name = rows.row + 1
    # the names sit in the outer corners of their quadrants, where accounts are fewest
    ts, ta = thresholds.strength, thresholds.attractiveness
    low_s, high_s = ts * 0.15, ts + (10 - ts) * 0.85
    low_a, high_a = ta * 0.06, ta + (10 - ta) * 0.94
    for name, x, y in (
        ("Strategic", high_s, high_a),
        ("Star", low_s, high_a),
        ("Status", high_s, low_a),
        ("Streamline", low_s, low_a),
    ):
        rows.add([name, x, y], [None, SCORE, SCORE])
    names = (first_name, rows.row)
    rows.add([])

    rows.add(["Selected account", "Strength", "Attractiveness", "Rank", "Overall", "Quadrant"], xl.HEADER)
    first_selected = rows.row + 1
    for account in selected.accounts:
        rows.add(
            [
                account.account,
                account.strength,
                account.attractiveness,
                account.rank,
                account.overall,
                account.quadrant,
            ],
            [None, SCORE, SCORE, xl.INTEGER, SCORE, None],
        )
    last_selected = rows.row
    if not selected.accounts:
        rows.add(["No account was selected in this run."])
    ws.print_area = f"A1:{xl_letter(len(WIDTHS))}{rows.row}"

    if ranking.accounts:
        labels = {
            "quadrants": (names, ["Strategic", "Star", "Status", "Streamline"]),
            "selected": ((first_selected, last_selected), [a.account for a in selected.accounts]),
        }
        _chart(ws, ranking_ws, layout, len(ranking.accounts), (a_start, s_start), labels)


def xl_letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


def _chart(
    ws: Any,
    ranking_ws: Any,
    layout: RankingLayout,
    n: int,
    thresholds: tuple[int, int],
    labels: dict[str, tuple[tuple[int, int], list[str]]],
) -> None:
    from openpyxl.chart import Reference, ScatterChart, Series
    from openpyxl.chart.marker import Marker

    chart = ScatterChart()
    chart.title = CHART_TITLE
    chart.style = 13
    chart.scatterStyle = "lineMarker"
    chart.x_axis.title = "Strength (0-10)"
    chart.y_axis.title = "Attractiveness (0-10)"
    for axis in (chart.x_axis, chart.y_axis):
        axis.scaling.min = 0
        axis.scaling.max = 10
        axis.majorUnit = 1
        axis.number_format = "0"
        axis.delete = False
    chart.legend.position = "b"
    chart.height, chart.width = 13, 22

    def series(xs: Reference, ys: Reference, title: str) -> Series:
        item = Series(ys, xs, title=title)
        item.smooth = False
        return item

    first, last = layout.first_row, layout.header_row + n
    x_col, y_col = layout.column("Strength"), layout.column("Attractiveness")
    everyone = series(
        Reference(ranking_ws, min_col=x_col, min_row=first, max_row=last),
        Reference(ranking_ws, min_col=y_col, min_row=first, max_row=last),
        "All accounts",
    )
    everyone.marker = Marker(symbol="circle", size=5)
    everyone.marker.graphicalProperties = _shape(fill="A6A6A6", line="7F7F7F")
    everyone.graphicalProperties.line.noFill = True
    chart.series.append(everyone)

    ranges: dict[int, tuple[str, list[str], str]] = {}
    (top, bottom), picked_names = labels["selected"]
    if picked_names:
        picked = series(
            Reference(ws, min_col=2, min_row=top, max_row=bottom),
            Reference(ws, min_col=3, min_row=top, max_row=bottom),
            "Selected",
        )
        picked.marker = Marker(symbol="diamond", size=8)
        picked.marker.graphicalProperties = _shape(fill="2E75B6", line="1F4E79")
        picked.graphicalProperties.line.noFill = True
        picked.dLbls = _labels("r")
        ranges[len(chart.series)] = (f"'{ws.title}'!$A${top}:$A${bottom}", picked_names, "r")
        chart.series.append(picked)

    for start, title in zip(thresholds, ("Attractiveness threshold", "Strength threshold"), strict=True):
        line = series(
            Reference(ws, min_col=2, min_row=start, max_row=start + 1),
            Reference(ws, min_col=3, min_row=start, max_row=start + 1),
            title,
        )
        line.marker = Marker(symbol="none")
        line.graphicalProperties.line.solidFill = "C00000"
        line.graphicalProperties.line.dashStyle = "dash"
        line.graphicalProperties.line.width = 19050  # 1.5 pt in EMU
        chart.series.append(line)

    (top, bottom), quadrant_names = labels["quadrants"]
    names = series(
        Reference(ws, min_col=2, min_row=top, max_row=bottom),
        Reference(ws, min_col=3, min_row=top, max_row=bottom),
        "Quadrants",
    )
    names.marker = Marker(symbol="none")
    names.graphicalProperties.line.noFill = True
    names.dLbls = _labels("ctr")
    ranges[len(chart.series)] = (f"'{ws.title}'!$A${top}:$A${bottom}", quadrant_names, "ctr")
    chart.series.append(names)
    from openpyxl.chart.legend import LegendEntry

    chart.legend.legendEntry = [LegendEntry(idx=len(chart.series) - 1, delete=True)]  # no "Quadrants" key

    chart._write = functools.partial(_with_label_ranges, chart._write, ranges)  # type: ignore[method-assign]
    ws.add_chart(chart, f"A{CHART_ROW}")


def _labels(position: str) -> Any:
    from openpyxl.chart.label import DataLabelList

    labels = DataLabelList()
    labels.position = position
    for flag in ("showLegendKey", "showVal", "showCatName", "showSerName", "showPercent", "showBubbleSize"):
        setattr(labels, flag, False)
    return labels


def _shape(fill: str, line: str) -> Any:
    from openpyxl.chart.shapes import GraphicalProperties

    shape = GraphicalProperties(solidFill=fill)
    shape.line.solidFill = line
    return shape


def _with_label_ranges(write, ranges: dict[int, tuple[str, Sequence[str], str]]) -> Any:
    """The chart's XML tree (openpyxl's ``_write``) with the data-label ranges of the series in ``ranges``
    (series index -> (cell range, label texts, position)) added as Excel writes them. Elements of the
    DrawingML and c15 namespaces are named in Clark notation, so both ElementTree and lxml serialise them."""
    from openpyxl.xml.functions import SubElement

    _register_c15()
    a, c15 = f"{{{DRAWING}}}", f"{{{C15}}}"
    tree = write()
    for index, ser in enumerate(e for e in tree.iter() if _local(e.tag) == "ser"):
        if index not in ranges:
            continue
        ref, texts, position = ranges[index]
        size, bold = ("1000", "1") if position == "ctr" else ("800", "0")
        labels = next((e for e in ser if _local(e.tag) == "dLbls"), None)
        if labels is None:
            continue
        for point in range(len(texts)):
            label = SubElement(labels, "dLbl")
            labels.remove(label)
            labels.insert(point, label)  # each point's label comes first in dLbls
            SubElement(label, "idx", val=str(point))
            rich = SubElement(SubElement(label, "tx"), "rich")
            SubElement(rich, a + "bodyPr")
            field = SubElement(SubElement(rich, a + "p"), a + "fld", id=f"{{{_field_id(index, point)}}}")
            field.set("type", "CELLRANGE")
            SubElement(field, a + "rPr", lang="en-US", sz=size, b=bold)
            SubElement(field, a + "t").text = "[CELLRANGE]"
            SubElement(label, "dLblPos", val=position)
            for flag in (
                "showLegendKey",
                "showVal",
                "showCatName",
                "showSerName",
                "showPercent",
                "showBubbleSize",
            ):
                SubElement(label, flag, val="0")
            ext = SubElement(SubElement(label, "extLst"), "ext", uri=LABELS_FLAGS_URI)
            SubElement(ext, c15 + "dlblFieldTable")
            SubElement(ext, c15 + "showDataLabelsRange", val="1")
        ext = SubElement(SubElement(labels, "extLst"), "ext", uri=LABELS_FLAGS_URI)
        SubElement(ext, c15 + "showDataLabelsRange", val="1")
        ext = SubElement(SubElement(ser, "extLst"), "ext", uri=LABELS_RANGE_URI)
        labels_range = SubElement(ext, c15 + "datalabelsRange")
        SubElement(labels_range, c15 + "f").text = ref
        cache = SubElement(labels_range, c15 + "dlblRangeCache")
        SubElement(cache, "ptCount", val=str(len(texts)))
        for point, text in enumerate(texts):
            SubElement(SubElement(cache, "pt", idx=str(point)), "v").text = xl.safe_text(text)
    return tree


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


@functools.cache
def _register_c15() -> None:
    import xml.etree.ElementTree as ElementTree

    ElementTree.register_namespace("c15", C15)


def _field_id(series: int, point: int) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kamtui:label:{series}:{point}")).upper()
