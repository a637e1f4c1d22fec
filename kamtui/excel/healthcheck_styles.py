"""The named styles of the healthcheck workbooks: a fill per maturity level, answers, values, dates."""

from __future__ import annotations

from typing import Any

from kamtui.core.healthcheck import NOT_APPLICABLE, RATED, UNKNOWN
from kamtui.core.levels import LEVELS
from kamtui.excel import common as xl

# Fills for the level colour keys of kamtui.core.levels (pale, so black text stays readable).
LEVEL_FILLS = {
    "red": "FFC7CE",
    "orange": "FCD5B4",
    "yellow": "FFEB9C",
    "green": "C6EFCE",
    "blue": "BDD7EE",
}


def score_style(level: int | None) -> str | None:
    return None if level is None else f"kam level {level}"


def level_label_style(level: int | None) -> str | None:
    return None if level is None else f"kam level {level} label"


ANSWER = "kam answer"  # a value in the answers grid, centred
VALUE = "kam value"  # a value on the About sheet, left-aligned (numbers too)
DATE = "kam date"  # a due date, yyyy-mm-dd
BOLD = "kam bold"  # an element's row on the Elements sheet


def add_styles(workbook: Any) -> None:
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


def answer_value(status: str | None, value: int | None) -> int | str | None:
    if status == RATED:
        return value
    if status in (NOT_APPLICABLE, UNKNOWN):
        return status
    return None  # comment only, no answer


def level_scale():
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
