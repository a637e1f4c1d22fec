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
* :func:`atomic_save` writes a temporary file beside the target and renames it over the target, so a failed
  export never leaves a half-written workbook and never damages the previous one.

openpyxl is imported lazily (inside the functions) so importing this module stays cheap.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import errno
import math
import numbers
import os
import re
import shutil
import sys
import threading
import time
import unicodedata
import weakref
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kamtui.core.errors import KamError

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.workbook.workbook import Workbook

MAX_CELL_TEXT = 32_767  # Excel's limit on characters in one cell
QUOTE_PREFIXED = ("=", "+", "-", "@", "\t", "\r", "\n")
SUFFIX = ".xlsx"
OTHER_SPREADSHEET_SUFFIXES = frozenset(
    {".xls", ".xlsm", ".xlsb", ".xltx", ".xltm", ".ods", ".csv", ".tsv", ".numbers"}
)
STALE_TEMP_SECONDS = 24 * 3600

# Characters XML 1.0 cannot carry: C0 controls except tab/LF/CR, lone surrogates, U+FFFE and U+FFFF.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_NOT_AS_IS = ("=", "+", "-", "@", "#", "\t", "\n")
_TEMP_NAME = re.compile(r"^\..+\.tmp-(\d+)-[0-9a-f]+\.xlsx$")
# openpyxl's write-only sheets go to temporary files of their own: during a save they are made in this
# folder beside the target (not in $TMPDIR, where a killed export would leave them for ever)
_SCRATCH_NAME = re.compile(r"^\.kamtui-scratch-(\d+)-[0-9a-f]+$")
_tempdir_lock = threading.RLock()


class ExportError(KamError):
    """A workbook cannot be written where the user asked (folder, permission, disk)."""


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


# ---------------------------------------------------------------------------------------------- saving

_active_temps: set[str] = set()
_active_lock = threading.Lock()


def atomic_save(workbook_or_writer: Workbook | Callable[[Path], object], target: Path) -> Path:
    """Write a workbook to ``target`` all at once: a temporary file beside it, then ``os.replace``.

    ``workbook_or_writer`` is an openpyxl Workbook (saved with ``.save``) or a function that writes the
    workbook to the path it is given. Missing folders are created. On any failure the temporary file is
    removed and an existing ``target`` is left untouched; OS failures become :class:`ExportError` naming the
    path, anything else (a bug) propagates. Temporary files left by a killed earlier run are removed.
    Returns ``target``.
    """
    target = Path(target)
    if target.is_dir():
        raise ExportError(
            f"cannot write the workbook to {target}: it is a folder (give a file name ending in .xlsx)"
        )
    folder = target.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create the folder {folder} for {target.name}: {_reason(exc)}") from None
    if not folder.is_dir():
        raise ExportError(f"cannot write {target}: {folder} is not a folder")
    remove_stale_temps(folder)
    temp = _create_temp(target)
    scratch = folder / f".kamtui-scratch-{os.getpid()}-{os.urandom(4).hex()}"
    try:
        with _scratch_tempdir(scratch):
            if callable(getattr(workbook_or_writer, "save", None)):
                workbook_or_writer.save(str(temp))  # type: ignore[union-attr]
            else:
                workbook_or_writer(temp)  # type: ignore[operator]
        _fsync_file(temp)
        if target.exists():
            with contextlib.suppress(OSError):
                shutil.copymode(target, temp)
        try:
            os.replace(temp, target)
        except OSError as exc:
            hint = " (is it open in Excel?)" if isinstance(exc, PermissionError) else ""
            raise ExportError(f"cannot replace {target}: {_reason(exc)}{hint}") from None
        _fsync_folder(folder)
    except OSError as exc:
        _discard(temp)
        raise ExportError(f"cannot write {target}: {_reason(exc)}") from None
    except BaseException:
        _discard(temp)
        raise
    finally:
        with _active_lock:
            _active_temps.discard(str(temp))
    return target


@contextlib.contextmanager
def _scratch_tempdir(scratch: Path):
    """Python's temporary folder is ``scratch`` meanwhile (removed afterwards; a killed run's is removed by
    the next export into the same folder, see :func:`remove_stale_temps`)."""
    import tempfile

    with _tempdir_lock:
        scratch.mkdir()
        before = tempfile.tempdir
        tempfile.tempdir = str(scratch)
        try:
            yield
        finally:
            tempfile.tempdir = before
            shutil.rmtree(scratch, ignore_errors=True)


def temp_path_for(target: Path) -> Path:
    """A fresh temporary name beside ``target``: ``.<name>.tmp-<pid>-<random>.xlsx``."""
    return target.parent / f".{target.name[:120]}.tmp-{os.getpid()}-{os.urandom(4).hex()}{SUFFIX}"


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove our temporary files in ``folder`` whose writer is gone (or that are over a day old)."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    own = os.getpid()
    for entry in entries:
        match = _TEMP_NAME.match(entry.name) or _SCRATCH_NAME.match(entry.name)
        if match is None:
            continue
        pid = int(match.group(1))
        with _active_lock:
            if entry.path in _active_temps:
                continue
        try:
            age = time.time() - entry.stat(follow_symlinks=False).st_mtime
        except OSError:
            continue
        stale = age > STALE_TEMP_SECONDS or pid == own or not _process_alive(pid)
        if stale:
            try:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path)
                else:
                    os.unlink(entry.path)
                removed.append(Path(entry.path))
            except OSError:
                pass
    return removed


def _create_temp(target: Path) -> Path:
    for _ in range(20):
        temp = temp_path_for(target)
        with _active_lock:  # before the file exists, so a concurrent clean-up never takes it
            _active_temps.add(str(temp))
        try:
            fd = os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666)
        except OSError as exc:
            with _active_lock:
                _active_temps.discard(str(temp))
            if isinstance(exc, FileExistsError):
                continue
            raise ExportError(f"cannot write {target}: {_reason(exc)}") from None
        os.close(fd)
        return temp
    raise ExportError(f"cannot write {target}: no free temporary file name in {target.parent}")


def _discard(temp: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(temp)


def _process_alive(pid: int) -> bool:
    if sys.platform == "win32":  # os.kill would terminate the process there: rely on the age alone
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: it exists, under another user
        return True
    return True


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        try:
            os.fsync(handle.fileno())
        except OSError as exc:  # file systems without fsync: the rename is still atomic
            if exc.errno not in (errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
                raise


def _fsync_folder(folder: Path) -> None:
    if sys.platform == "win32":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC:
        return "no space left on the disk"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, NotADirectoryError | FileExistsError):
        return "part of the path is a file, not a folder"
    return exc.strerror or str(exc)


# ---------------------------------------------------------------------------------------------- paths


def slugify(text: str, limit: int = 50) -> str:
    """ASCII lower-case words joined by '-', at most ``limit`` characters ("" when nothing is left)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", folded).strip("-")
    if len(slug) > limit:
        slug = slug[:limit].rsplit("-", 1)[0] if "-" in slug[:limit] else slug[:limit]
    return slug


def default_name(kind: str, slug_source: str, now: dt.datetime) -> str:
    """``<kind>-<slug>-<YYYYMMDD-HHMM>.xlsx`` (the slug is dropped when the source has no letters/digits)."""
    slug = slugify(slug_source)
    parts = [slugify(kind) or "export", *([slug] if slug else []), now.strftime("%Y%m%d-%H%M")]
    return "-".join(parts) + SUFFIX


def export_path(kind: str, slug_source: str, output: str | os.PathLike[str] | None, now: dt.datetime) -> Path:
    """Where an export goes (absolute path; folders are created by :func:`atomic_save`, not here).

    * no ``output``: ``./exports/<kind>-<slug>-<YYYYMMDD-HHMM>.xlsx``;
    * ``output`` an existing folder, or ending in ``/``: the default name inside it;
    * otherwise a file: kept when it ends in ``.xlsx`` (any case), ``.xlsx`` appended when it has no
      suffix or an unrelated one (``q3.v2`` -> ``q3.v2.xlsx``); another spreadsheet suffix (``.xls``,
      ``.ods``, ``.csv``...) is refused with :class:`ExportError`.

    The same name within the same minute replaces the earlier file (atomically).
    """
    name = default_name(kind, slug_source, now)
    if output is None or str(output) == "":
        return (Path.cwd() / "exports" / name).absolute()
    raw = os.fspath(output)
    path = Path(raw).expanduser()
    separators = tuple(s for s in (os.sep, os.altsep) if s)
    if raw.endswith(separators) or path.is_dir():
        return (path / name).absolute()
    suffix = path.suffix.lower()
    if suffix == SUFFIX:
        return path.absolute()
    if suffix in OTHER_SPREADSHEET_SUFFIXES:
        raise ExportError(f"-o {raw}: kamtui writes .xlsx workbooks; name the file {path.stem}{SUFFIX}")
    return path.with_name(path.name + SUFFIX).absolute()
