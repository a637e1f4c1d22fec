"""What every kamtui workbook shares: safe cells, named styles, atomic saving and export paths.

Rules (DESIGN.md, "Excel" and the openpyxl field notes):

* User text never becomes a formula or an error value. openpyxl turns any string of two or more characters
  starting with ``=`` into a formula and ``#N/A`` and friends into error cells, in both normal and write-only
  mode. :func:`set_value` therefore forces ``data_type = "s"`` on every text cell and sets the ``quotePrefix``
  style bit for text beginning with ``= + - @`` tab, CR or LF, so Excel and LibreOffice also keep it as text
  when a user edits the cell. A literal leading apostrophe is never written (it would become part of the value).
* :func:`safe_text` removes the characters XML cannot carry (openpyxl raises on them), turns CR LF / CR into
  LF (an XML reader turns a bare CR into LF anyway) and caps the text at Excel's 32,767 characters per cell.
* Numbers stay numbers; NaN, infinities and None become empty cells.
* Styles are named styles registered once per workbook (:func:`add_styles`, :func:`add_style`) and applied
  by name; no Font/Fill/Alignment object is ever created per cell.
* Saving and export paths are :mod:`kamtui.excel.saving`'s (re-exported here).

openpyxl is imported lazily (inside the functions) so importing this module stays cheap.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import numbers
import re
import weakref
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook.workbook import Workbook

from kamtui.excel.saving import (  # noqa: F401  (re-exported: every workbook calls them as xl.*)
    OTHER_SPREADSHEET_SUFFIXES,
    STALE_TEMP_SECONDS,
    SUFFIX,
    ExportError,
    atomic_save,
    default_name,
    export_path,
    remove_stale_temps,
    slugify,
    temp_path_for,
)

MAX_CELL_TEXT = 32_767  # Excel's limit on characters in one cell
QUOTE_PREFIXED = ("=", "+", "-", "@", "\t", "\r", "\n")

# Characters XML 1.0 cannot carry: C0 controls except tab/LF/CR, lone surrogates, U+FFFE and U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_AS_IS = ("=", "+", "-", "@", "#", "\t", "\n")


# ---------------------------------------------------------------------------------------------- values


def safe_text(value: object) -> str:
    """``value`` as text a cell can hold: XML-illegal characters removed, CR LF / CR as LF, <= 32,767 chars.

    None gives "". Tabs and line feeds are kept (they are legal and meaningful in a cell).
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ILLEGAL.sub("", text)
    if len(text) > MAX_CELL_TEXT:
        text = text[: MAX_CELL_TEXT - 1] + "…"
    return text


def needs_quote_prefix(text: str) -> bool:
    """True for text that a spreadsheet would read as a formula (or mangle) if typed into a cell."""
    return text.startswith(QUOTE_PREFIXED)


def number_or_none(value: object) -> int | float | None:
    """A finite int/float for a cell, or None (empty cell) for None, NaN and infinities."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    if _is_real(value):
        number = float(value)  # type: ignore[arg-type]
        return number if math.isfinite(number) else None
    return None


def _is_real(value: object) -> bool:
    """int/float/numpy/Fraction, and Decimal (a Number that is not Complex); never complex or bool."""
    return isinstance(value, numbers.Number) and (
        isinstance(value, numbers.Real) or not isinstance(value, numbers.Complex)
    )


def set_value(cell: Cell, value: object, style: str | None = None) -> Cell:
    """Put ``value`` into ``cell`` (a normal or a write-only cell) safely, with the named ``style``.

    * None, NaN, +-inf -> empty cell; bool -> TRUE/FALSE; int/float (numpy too) -> number;
    * date/datetime -> date (an aware datetime is converted to UTC), keeping the style's date format;
    * anything else -> text through :func:`safe_text`, ``data_type = "s"``, quotePrefix when needed.
      Text is never a formula: use :func:`set_formula` for a deliberate formula.
    """
    if style is not None:
        apply_style(cell, style)  # first: assigning a named style resets the quotePrefix bit
    if value is None:
        cell.value = None
    elif isinstance(value, bool):
        cell.value = value
    elif _is_real(value):
        cell.value = number_or_none(value)
    elif isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        cell.value = value
    elif isinstance(value, dt.date):
        cell.value = value
    else:
        text = safe_text(value)
        cell.value = text
        cell.data_type = "s"  # never "f" (formula) nor "e" (error value such as #N/A)
        if needs_quote_prefix(text):
            cell.quotePrefix = True
            return cell
    if cell.has_style and cell.quotePrefix:  # a reused cell that held prefixed text
        cell.quotePrefix = False
    return cell


def set_formula(cell: Cell, formula: str, style: str | None = None) -> Cell:
    """A deliberate formula (``=SUM(B2:B9)``); functions newer than Excel 2007 need ``_xlfn.`` prefixes."""
    if not formula.startswith("="):
        raise ValueError(f"a formula starts with '=': {formula!r}")
    if style is not None:
        apply_style(cell, style)
    cell.value = formula
    cell.data_type = "f"
    return cell


def put(ws: Any, row: int, column: int, value: object, style: str | None = None) -> Cell:
    """Normal mode: write ``value`` safely at (row, column) and return the cell."""
    return set_value(ws.cell(row=row, column=column), value, style)


def make_cell(ws: Any, value: object, style: str | None = None) -> Cell:
    """A detached safe cell for ``ws.append`` (write-only mode, and normal mode too)."""
    from openpyxl.cell import WriteOnlyCell

    return set_value(WriteOnlyCell(ws), value, style)


def append_row(ws: Any, values: Iterable[object], styles: str | Sequence[str | None] | None = None) -> None:
    """Append one row of values (normal or write-only worksheet) through :func:`set_value`.

    ``styles`` is one named style for the whole row, or one per column (None: no style).
    Unstyled finite numbers, empty cells and plain text that openpyxl can only read as text (no leading
    ``= + - @ #``, tab, CR or LF, nothing to strip) go straight to openpyxl; everything else is a safe cell.
    """
    row: list[object] = []
    for index, value in enumerate(values):
        style = styles if isinstance(styles, str) or styles is None else styles[index]
        if style is None and _passes_as_is(value):
            row.append(value)
        else:
            row.append(make_cell(ws, value, style))
    ws.append(row)


def _passes_as_is(value: object) -> bool:
    kind = type(value)
    if value is None:
        return True
    if kind is int:
        return True
    if kind is float:
        return math.isfinite(value)  # type: ignore[arg-type]
    if kind is str:
        text: str = value  # type: ignore[assignment]
        # openpyxl types a str as a formula only when it starts with "=", as an error only for "#..." codes
        return (
            not text.startswith(_NOT_AS_IS)
            and len(text) <= MAX_CELL_TEXT
            and "\r" not in text
            and _ILLEGAL.search(text) is None
        )
    return False


class FastRows:
    """Many rows of one column layout for a WRITE-ONLY sheet: the cells :func:`append_row` gives, faster.

    ``styles`` names one style per column (None: General); ``formulas`` are the indexes of columns whose
    values are formula text (``"=SUM(A1:B1)"``, written as by :func:`set_formula`). Each styled or formula
    column keeps one cell, its named style resolved once, refilled for every row: a write-only sheet
    serialises a row's cells inside ``append``, so the cell is free again when it returns (a normal-mode
    sheet keeps the cells it is given, hence the refusal). int and float values (and bool in a styled
    column) take a fast path, plain in unstyled columns as :func:`append_row` passes them; every other
    value goes through :func:`set_value` in a fresh cell, so text is exactly as safe as with
    :func:`append_row`. Unlike :func:`append_row`, a missing value (None, NaN, infinity) in a styled column
    leaves the cell out rather than writing an empty styled one. Used for the 100,000-account selection
    export.
    """

    def __init__(self, ws: Any, styles: Sequence[str | None], formulas: Iterable[int] = ()) -> None:
        from openpyxl.worksheet._write_only import WriteOnlyWorksheet

        if not isinstance(ws, WriteOnlyWorksheet):
            raise TypeError("FastRows needs a write-only worksheet (Workbook(write_only=True))")
        self.ws = ws
        self.styles = list(styles)
        formula_columns = set(formulas)
        self._plan: list[tuple[Cell | None, bool, str | None]] = [
            (
                make_cell(ws, None, style) if style is not None or index in formula_columns else None,
                index in formula_columns,
                style,
            )
            for index, style in enumerate(self.styles)
        ]

    def append(self, values: Sequence[object]) -> None:
        """Append one row (one value per column)."""
        if len(values) != len(self._plan):
            raise ValueError(f"expected {len(self._plan)} values, got {len(values)}")
        ws = self.ws
        row: list[object] = []
        add = row.append
        isfinite = math.isfinite
        for (cell, formula, style), value in zip(self._plan, values, strict=True):
            kind = type(value)
            if value is None:
                add(None)
            elif kind is float or kind is int:
                if kind is float and not isfinite(value):  # type: ignore[arg-type]
                    add(None)
                elif cell is None:
                    add(value)
                else:
                    cell._value = value
                    cell.data_type = "n"
                    add(cell)
            elif cell is None:  # an unstyled column: as append_row
                add(value if _passes_as_is(value) else make_cell(ws, value))
            elif formula:
                add(set_formula(cell, value))  # type: ignore[arg-type]
            elif kind is bool:
                cell._value = value
                cell.data_type = "b"
                add(cell)
            else:  # text, dates, numpy numbers...: the general rules, in a cell of its own
                add(make_cell(ws, value, style))
        ws.append(row)


# ---------------------------------------------------------------------------------------------- styles

TITLE = "kam title"
HEADER = "kam header"
LABEL = "kam label"
TEXT = "kam text"
WRAP = "kam wrap"
NUMBER = "kam number"  # 0.00
INTEGER = "kam integer"  # 0
PERCENT = "kam percent"  # 0%
DELTA = "kam delta"  # +0.00 / -0.00
PVALUE = "kam p-value"  # 0.000
DATETIME = "kam datetime"  # yyyy-mm-dd hh:mm

FORMATS = {
    NUMBER: "0.00",
    INTEGER: "0",
    PERCENT: "0%",
    DELTA: "+0.00;-0.00;0.00",
    PVALUE: "0.000",
    DATETIME: "yyyy-mm-dd hh:mm",
}
HEADER_FILL = "D9E1F2"
LOW_AGREEMENT_FILL = "F4B183"


_style_arrays: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()


def apply_style(cell: Cell, name: str) -> None:
    """Give ``cell`` the named style ``name``: looked up once per workbook, then copied (cheap) per cell."""
    workbook = cell.parent.parent
    arrays = _style_arrays.get(workbook)
    if arrays is None:
        arrays = _style_arrays.setdefault(workbook, {})
    array = arrays.get(name)
    if array is None or not hasattr(cell, "_style"):
        cell.style = name  # openpyxl's own lookup (a linear search of the named styles)
        if hasattr(cell, "_style"):
            arrays[name] = copy.copy(cell._style)
    else:
        cell._style = copy.copy(array)


def add_style(
    workbook: Workbook,
    name: str,
    *,
    font: Any = None,
    fill: str | None = None,
    alignment: Any = None,
    border: Any = None,
    number_format: str | None = None,
) -> str:
    """Register a named style once (``fill`` is an RGB hex string); returns its name for ``set_value``."""
    from openpyxl.styles import NamedStyle, PatternFill

    if name in workbook.named_styles:
        return name
    style = NamedStyle(name=name)
    if font is not None:
        style.font = font
    if fill is not None:
        style.fill = PatternFill("solid", start_color=fill, end_color=fill)
    if alignment is not None:
        style.alignment = alignment
    if border is not None:
        style.border = border
    if number_format is not None:
        style.number_format = number_format
    workbook.add_named_style(style)
    return name


def add_styles(workbook: Workbook) -> None:
    """Register the shared named styles (TITLE, HEADER, LABEL, TEXT, WRAP and the number formats)."""
    from openpyxl.styles import Alignment, Border, Font, Side

    top = Alignment(vertical="top")
    add_style(workbook, TITLE, font=Font(bold=True, size=14))
    add_style(
        workbook,
        HEADER,
        font=Font(bold=True),
        fill=HEADER_FILL,
        alignment=Alignment(vertical="center", wrap_text=True),
        border=Border(bottom=Side(style="thin")),
    )
    add_style(workbook, LABEL, font=Font(bold=True), alignment=top)
    add_style(workbook, TEXT, alignment=top)
    add_style(workbook, WRAP, alignment=Alignment(vertical="top", wrap_text=True))
    for name, number_format in FORMATS.items():
        add_style(workbook, name, number_format=number_format, alignment=top)


def solid_fill(rgb: str) -> Any:
    """A solid fill for conditional formatting rules (built once per rule, not per cell)."""
    from openpyxl.styles import PatternFill

    return PatternFill("solid", start_color=rgb, end_color=rgb, bgColor=rgb)


def set_widths(ws: Any, widths: Sequence[float] | dict[int, float], start: int = 1) -> None:
    """Column widths (characters); in write-only mode call it before the first row."""
    from openpyxl.utils import get_column_letter

    items = widths.items() if isinstance(widths, dict) else enumerate(widths, start)
    for column, width in items:
        ws.column_dimensions[get_column_letter(column)].width = width


def wrapped_height(cells: Iterable[tuple[object, float]], line_height: float = 15.0) -> float | None:
    """A row height (points) that shows every wrapped ``(text, column width)`` of a row in full.

    Excel sizes rows of wrapped text when it opens a file, LibreOffice does not: set the estimate with
    ``ws.row_dimensions[row].height``. None when one line is enough (keep the default height).
    """
    import textwrap

    lines = 1
    for text, width in cells:
        if text is None:
            continue
        per_line = max(
            8, int(width * 1.15)
        )  # proportional text is narrower than the '0' widths are counted in
        count = sum(max(1, len(textwrap.wrap(part, per_line))) for part in str(text).split("\n"))
        lines = max(lines, count)
    return None if lines == 1 else round(lines * line_height + 2, 1)


def print_landscape(ws: Any) -> None:
    """Print (and PDF) landscape, one page wide."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
