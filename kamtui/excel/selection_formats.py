"""Number formats, column widths and page setup of the selection workbook, as finance hands it on.

* Number formats follow the criterion: money (a unit such as EUR, USD, GBP, CHF, €, $, £) as currency with
  thousands separators and no cents; a percent criterion (unit ``%``) with a percent sign: a true
  percentage (``0.0%``) when its scale runs to 1, else the number itself followed by ``%`` (a share of
  wallet of 35 on a 0-100 scale shows ``35.0%``, not ``3500%``); ratings and other numbers as integers
  when every value of the column is whole, else with one (ratings) or two decimals. Scores 0-10 have two
  decimals, normalised 0-1 values three, points are integers where they are.
* Headers wrap at word boundaries: a column is at least as wide as the longest word of its header (Excel
  and LibreOffice break a word that does not fit, "Attractiv eness").
* Every sheet prints landscape, one page wide, with its header rows repeated and a print area.

Formats are registered as named styles once per workbook (:func:`format_style`), so a cell costs no
style object of its own (``kamtui.excel.common``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from kamtui.excel import common as xl

if TYPE_CHECKING:
    from kamtui.core.criteria import Criterion

SCORE_FORMAT = "0.00"  # a 0-10 score
NORMALISED_FORMAT = "0.000"  # a normalised 0-1 value
FTE_FORMAT = "0.00"  # KAM effort in FTE
INTEGER_FORMAT = "0"
DECIMAL_FORMAT = "0.00"
SHARE_FORMAT = "0.0%"  # a share 0-1 (weights)

# Money units: the number format of each (symbols before the number, codes after it).
MONEY_FORMATS = {
    "EUR": '#,##0" EUR"',
    "USD": '#,##0" USD"',
    "GBP": '#,##0" GBP"',
    "CHF": '#,##0" CHF"',
    "€": '#,##0" €"',
    "$": '"$"#,##0',
    "£": '"£"#,##0',
}
_FORMAT_STYLES = "kam fmt "  # named style prefix: "kam fmt #,##0" EUR"" and so on


def is_money(criterion: Criterion) -> bool:
    return criterion.kind == "number" and criterion.unit.strip().upper() in {u.upper() for u in MONEY_FORMATS}


def money_format(unit: str) -> str:
    wanted = unit.strip().upper()
    return next(fmt for u, fmt in MONEY_FORMATS.items() if u.upper() == wanted)


def is_percent(criterion: Criterion) -> bool:
    return criterion.kind == "number" and criterion.unit.strip() == "%"


def whole(values: Iterable[object]) -> bool:
    """True when every present value is a whole number (None, NaN and infinities are skipped)."""
    for value in values:
        if isinstance(value, int | float) and math.isfinite(value) and not float(value).is_integer():
            return False
    return True


def criterion_format(criterion: Criterion, values: Iterable[object]) -> str:
    """The number format of a column of ``criterion``'s raw values (module docstring)."""
    if is_money(criterion):
        return money_format(criterion.unit)
    if is_percent(criterion):
        if criterion.scale is not None and criterion.scale[1] <= 1:
            return SHARE_FORMAT
        return '0"%"' if whole(values) else '0.0"%"'
    if criterion.kind == "rating":
        return INTEGER_FORMAT if whole(values) else "0.0#"
    return "#,##0" if whole(values) else "#,##0.00"


def scale_format(value: float | None) -> str:
    return INTEGER_FORMAT if value is None or float(value).is_integer() else "0.0#"


def points_format(value: float | None) -> str:
    """Points as integers where they are (15, not "15."), else two decimals."""
    return INTEGER_FORMAT if value is None or float(value).is_integer() else DECIMAL_FORMAT


def format_style(workbook: Any, number_format: str, *, left: bool = False, bold: bool = False) -> str:
    """The named style of ``number_format`` (registered on first use), aligned to the top."""
    from openpyxl.styles import Alignment, Font

    name = f"{_FORMAT_STYLES}{number_format}{' left' if left else ''}{' bold' if bold else ''}"
    return xl.add_style(
        workbook,
        name,
        number_format=number_format,
        font=Font(bold=True) if bold else None,
        alignment=Alignment(vertical="top", horizontal="left" if left else None),
    )


# ---------------------------------------------------------------------------------------------- widths


def header_width(header: str, width: float, *, bold: bool = True) -> float:
    """``width`` widened, where needed, so that the longest word of ``header`` fits on one line."""
    longest = max((len(word) for word in header.split()), default=0)
    needed = longest * (1.2 if bold else 1.05) + 1.5
    return max(width, round(needed, 1))


def header_height(headers: Iterable[tuple[str, float]]) -> float | None:
    """The height (points) of a header row whose cells wrap at word boundaries in their widths."""
    lines = 1
    for text, width in headers:
        per_line = max(1, int((width - 1.5) / 1.2))
        count, used = 1, 0
        for word in text.split():
            if used and used + 1 + len(word) > per_line:
                count, used = count + 1, len(word)
            else:
                used += len(word) + (1 if used else 0)
        lines = max(lines, count)
    return None if lines == 1 else round(lines * 15.0 + 3, 1)


# ---------------------------------------------------------------------------------------------- printing


def print_setup(ws: Any, *, title_rows: str | None = None, area: str | None = None) -> None:
    """Landscape, one page wide (as many pages down as needed), header rows repeated, a print area.

    In write-only mode call it before the first row: the fit-to-page flag is written with the sheet's head."""
    xl.print_landscape(ws)
    ws.print_options.gridLines = False
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    if title_rows:
        ws.print_title_rows = title_rows
    if area:
        ws.print_area = area
