"""Reading one worksheet of an .xlsx file as cells: text, or floats for numbers (README, "Reliability").

A workbook is a zip of XML parts, so a small file can hold a huge sheet. Before anything is parsed the zip
directory is checked against the limits of ``kamtui.core.limits`` (members, each part's uncompressed
size, the total, the compression ratio); openpyxl then reads the workbook's structure (sheets, their
visibility, the active sheet, styles) in read-only mode, and the sheet itself is parsed here as a stream
with expat: its declared dimension is checked before the first row, rows and cells are counted as they
come, and nothing is padded to a declared size (openpyxl pads every row to the dimension: a single cell
at XFD1048576 makes 17 billion of them). Formula cells give their saved value; one without a saved value
is refused by its cell reference. Without a named sheet the active sheet is read if it is a visible
worksheet, else the first visible one; the note says which, when the workbook has others.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn
from xml.parsers import expat

from kamtui.core.errors import ImportFileError, Problem, ProblemList, raise_if_problems
from kamtui.core.files import FileRefused, open_regular_file
from kamtui.core.limits import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_MEMBERS,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_RATIO,
    MAX_XLSX_SHEET_BYTES,
    MAX_XLSX_STRINGS_BYTES,
    MAX_XLSX_TOTAL_BYTES,
    RATIO_FROM_BYTES,
    over_limit,
    size_text,
)

Cell = str | float
EXPECTED = "a .xlsx workbook"
DAMAGED = "not a valid .xlsx workbook (damaged or another format)"
NO_SAVED_VALUE = (
    "holds a formula with no saved value; open the file in Excel or LibreOffice, save it, and import again"
)
_CHUNK = 1 << 20
_MIB = 1 << 20


@dataclass(frozen=True)
class Sheet:
    header: list[Cell]  # row 1 ("" where blank)
    rows: list[tuple[int, list[Cell]]]  # the other non-blank rows, numbered as the sheet numbers them
    note: str | None = None  # which sheet was read, when the workbook has several and none was named


def _refuse(source: str, message: str, where: str = "") -> NoReturn:
    raise ImportFileError(source, [Problem(source, where, message)])


def read_sheet(path: Path, source: str, sheet: str | None = None) -> Sheet:
    """The cells of ``sheet`` (default: the active visible worksheet) of the workbook at ``path``."""
    with open_workbook(path, source) as workbook:
        worksheet, note = choose_sheet(workbook, source, sheet)
        return _read_rows(workbook, worksheet, source, note)


@contextmanager
def open_workbook(path: Path, source: str, expected: str = EXPECTED) -> Iterator[Any]:
    """The workbook at ``path`` opened for reading (openpyxl, read-only, saved values), once it has been
    found a regular file within the size limit and its zip directory within the limits; every part opened
    later is checked against its limit, the shared strings are read here and no sheet is scanned for its
    size. For any reader of a person's workbook: iterate a sheet with :func:`parse_sheet`, or with
    openpyxl's ``iter_rows`` given explicit ``max_row`` and ``max_col`` (it pads every row to them)."""
    try:
        handle = open_regular_file(path, expected=expected, max_bytes=MAX_XLSX_TOTAL_BYTES, what="workbook")
    except FileRefused as refused:
        _refuse(source, refused.message)
    with handle:
        if handle.read(8) == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            _refuse(source, "is a password-protected workbook or an old .xls file: save it as .xlsx")
        handle.seek(0)
        try:
            archive = zipfile.ZipFile(handle)
        except (zipfile.BadZipFile, ValueError, OSError, EOFError):
            _refuse(source, DAMAGED)
        with archive:
            check_archive(archive, source)
        handle.seek(0)
        workbook = _open_workbook(handle, source)
        try:
            yield workbook
        finally:
            workbook.close()


def check_archive(archive: zipfile.ZipFile, source: str) -> None:
    """Refuse a workbook whose zip directory exceeds a limit, before any part of it is decompressed: the
    number of members, the total, and the worksheets and shared strings by their usual names (every other
    part is checked as it is opened, see :class:`_Parts`: a part nobody reads is no cost)."""
    members = archive.infolist()
    if len(members) > MAX_XLSX_MEMBERS:
        _refuse(source, over_limit(f"holds {len(members):,} zip members", f"{MAX_XLSX_MEMBERS:,} members"))
    total = 0
    for info in members:
        total += info.file_size
        name = info.filename
        if _is_worksheet(name):
            _check_part(info, source, SHEET)
        elif name.lower().endswith("sharedstrings.xml"):
            _check_part(info, source, STRINGS)
    if total > MAX_XLSX_TOTAL_BYTES:
        found = f"expands to {size_text(total)}"
        _refuse(source, over_limit(found, f"{size_text(MAX_XLSX_TOTAL_BYTES)} per workbook"))


def _is_worksheet(name: str) -> bool:
    """A worksheet part by the name every spreadsheet program gives it (read as a stream, never whole)."""
    return name.startswith("xl/worksheets/") and name.endswith(".xml") and "/_rels/" not in name


SHEET, STRINGS, PART = "sheet", "strings", "part"
_PART_LIMITS = {
    SHEET: (MAX_XLSX_SHEET_BYTES, "per worksheet"),
    STRINGS: (MAX_XLSX_STRINGS_BYTES, "of shared strings"),
    PART: (MAX_XLSX_PART_BYTES, "per part"),
}


def _check_part(info: zipfile.ZipInfo, source: str, role: str) -> None:
    """Refuse a part larger than its role's limit, or compressed beyond the ratio limit."""
    limit, what = _PART_LIMITS[role]
    found = f"part '{info.filename}' expands to {size_text(info.file_size)}"
    if info.file_size > limit:
        _refuse(source, over_limit(found, f"{size_text(limit)} {what}"))
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FROM_BYTES and ratio > MAX_XLSX_RATIO:
        found = f"{found}, {ratio:,.0f} times its compressed size"
        _refuse(source, over_limit(found, f"{MAX_XLSX_RATIO} times"))


class _Parts(zipfile.ZipFile):
    """The workbook's zip as openpyxl reads it: every part opened is checked against its limit first, from
    the directory (the sizes there bound what zipfile decompresses). openpyxl parses whole every part it
    opens (styles, the workbook, relationships...), so those get the part limit; the worksheet and the
    shared strings read here, as streams, are opened with :meth:`stream` and get theirs."""

    def __init__(self, handle, source: str) -> None:
        super().__init__(handle)
        self.source = source
        self._role = PART

    def open(self, name, mode="r", pwd=None, *, force_zip64=False):  # type: ignore[override]
        if mode == "r":
            info = name if isinstance(name, zipfile.ZipInfo) else self.getinfo(name)
            role = SHEET if self._role == PART and _is_worksheet(info.filename) else self._role
            _check_part(info, self.source, role)
        return super().open(name, mode, pwd, force_zip64=force_zip64)

    def stream(self, name: str, role: str):
        self._role = role
        try:
            return self.open(name)
        finally:
            self._role = PART


def _open_workbook(handle, source: str):
    """The workbook's structure, read by openpyxl (read-only, saved values), with shared strings read here."""
    from openpyxl.chartsheet import Chartsheet
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet
    from openpyxl.xml.constants import SHARED_STRINGS

    class UnsizedSheet(ReadOnlyWorksheet):
        def _get_size(self) -> None:
            """Not read here: openpyxl would parse a sheet without a dimension to its end, for every
            sheet of the workbook; the sheet read is checked by parse_sheet."""

    class Reader(ExcelReader):
        def read_strings(self) -> None:
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.stream(part.PartName[1:], STRINGS) as src:
                    self.shared_strings = shared_strings(src)

        def read_worksheets(self) -> None:  # openpyxl's read-only branch, without the size scan
            for sheet, rel in self.parser.find_sheets():
                if rel.target not in self.valid_files:
                    continue
                if "chartsheet" in rel.Type:  # its name only: its charts are no cells to read
                    self.wb._sheets.append(
                        Chartsheet(parent=self.wb, title=sheet.name, sheet_state=sheet.state)
                    )
                    continue
                worksheet = UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
                worksheet.sheet_state = sheet.state
                self.wb._sheets.append(worksheet)

    try:
        reader = Reader(handle, read_only=True, data_only=True, keep_links=False)
        reader.archive.close()  # openpyxl's own view of the zip; ours checks each part it opens
        reader.archive = _Parts(handle, source)
        reader.read()
    except ImportFileError:
        raise
    except OSError as exc:
        _refuse(source, f"cannot be read ({exc.strerror or exc})")
    except Exception:  # openpyxl raises many kinds (BadZipFile, KeyError, ParseError...) on a damaged file
        _refuse(source, DAMAGED)
    return reader.wb


def choose_sheet(workbook, source: str, sheet: str | None) -> tuple[Any, str | None]:
    """The worksheet to read and, where kamtui chose among several, a note saying which and why."""
    worksheets = list(workbook.worksheets)
    if not worksheets:
        _refuse(source, "the workbook has no worksheet")
    if sheet is not None:
        if sheet not in workbook.sheetnames:
            names = ", ".join(workbook.sheetnames)
            _refuse(source, f"no sheet named '{sheet}' (sheets: {names})", sheet)
        chosen = workbook[sheet]
        if chosen not in worksheets:
            _refuse(source, f"'{sheet}' is a chart sheet, not a worksheet of cells", sheet)
        return chosen, None
    visible = [ws for ws in worksheets if ws.sheet_state == "visible"]
    if not visible:
        names = ", ".join(f"'{ws.title}'" for ws in worksheets)
        _refuse(source, f"every worksheet is hidden ({names}): name the sheet to read")
    active = workbook.active
    if active in visible:
        chosen, why = active, "the active sheet"
    else:
        chosen, why = visible[0], "the first visible sheet"
    others = [ws for ws in worksheets if ws is not chosen]
    if not others:
        return chosen, None
    described = ", ".join(
        f"'{ws.title}'"
        + ("" if ws.sheet_state == "visible" else f" ({_STATE.get(ws.sheet_state, 'hidden')})")
        for ws in others
    )
    return chosen, f"read the sheet '{chosen.title}', {why} (the workbook also has {described})"


_STATE = {"hidden": "hidden", "veryHidden": "very hidden"}


def _read_rows(workbook, worksheet, source: str, note: str | None) -> Sheet:
    from openpyxl.utils.datetime import from_excel, from_ISO8601

    title = worksheet.title
    epoch = workbook.epoch
    dates = set(workbook._date_formats)
    durations = set(workbook._timedelta_formats)

    def number_or_date(number: float, style: str | None) -> Cell:
        index = int(style) if style else 0
        if index not in dates:
            return number
        try:
            return from_excel(number, epoch, timedelta=index in durations).isoformat()
        except (OverflowError, ValueError):  # no date: the number itself, as a spreadsheet shows it
            return number

    def iso_date(text: str) -> str:
        moment = from_ISO8601(text)
        return moment.isoformat() if isinstance(moment, dt.date | dt.time | dt.timedelta) else str(moment)

    problems = ProblemList()
    try:
        with workbook._archive.stream(worksheet._worksheet_path, SHEET) as src:
            rows = parse_sheet(
                src, source, title, worksheet._shared_strings, number_or_date, iso_date, problems
            )
    except ImportFileError:
        raise
    except MemoryError:
        _refuse(source, "the sheet is too large for the memory this computer has free", title)
    except Exception:  # cut-off XML, a number cell that is not a number, a shared string index out of range
        _refuse(source, "the sheet is damaged and cannot be read; re-save it in Excel", title)
    raise_if_problems(source, problems, note)
    if not rows:
        _refuse(source, "the sheet is empty: expected a header row and data rows")
    header: list[Cell] = rows.pop(0)[1] if rows[0][0] == 1 else []
    return Sheet(header, rows, note)


class _Stop(Exception):
    """The end of sheetData: nothing after it is read."""


def column_number(letters: str) -> int:
    number = 0
    for char in letters:
        number = number * 26 + ord(char) - 64
    return number


def column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# Element codes by local name (a prefix such as x: is ignored): the handlers compare small integers.
_CELL, _VALUE, _TEXT, _FORMULA, _ROW, _PHONETIC, _DATA, _DIMENSION, _STRING = range(1, 10)
_CODES = {
    "c": _CELL,
    "v": _VALUE,
    "t": _TEXT,
    "f": _FORMULA,
    "row": _ROW,
    "rPh": _PHONETIC,
    "sheetData": _DATA,
    "dimension": _DIMENSION,
    "si": _STRING,
}


def _coder() -> dict[str, int]:
    """A dict that maps a raw element name to its code (0 for the rest), filled as names are met."""

    class Codes(dict):
        def __missing__(self, name: str) -> int:
            code = self[name] = _CODES.get(name.rpartition(":")[2], 0)
            return code

    return Codes()


def _expat(start, end, text):
    parser = expat.ParserCreate()
    parser.buffer_text = True
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    return parser


def _feed(parser, src) -> None:
    try:
        while chunk := src.read(_CHUNK):
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _Stop:
        pass


def parse_sheet(src, source: str, title: str, strings, number_or_date, iso_date, problems: ProblemList):
    """The numbered rows holding a value of the worksheet XML ``src``, streamed with expat and checked
    against the limits as they come: the declared dimension before the first row, then row numbers, cell
    elements, columns, characters in a cell and the cells kept (every row at least as wide as row 1)."""
    codes = _coder()
    columns: dict[str, int] = {}
    rows: list[tuple[int, list[Cell]]] = []
    buffer: list[str] = []
    row_number = row_count = cell_count = kept = width = column = skip = 0
    cells: list[Cell] = []
    kind = style = None
    formula = collecting = False

    def refuse(message: str, where: str = title) -> NoReturn:
        _refuse(source, message, where)

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal row_number, row_count, cell_count, column, cells, kind, style, formula, collecting, skip
        code = codes[name]
        if code == _CELL:
            cell_count += 1
            if cell_count > MAX_CELLS:
                refuse(over_limit(f"has more than {MAX_CELLS:,} cells", f"{MAX_CELLS:,} cells"))
            reference = attrs.get("r")
            if reference:
                letters = reference.rstrip("0123456789")
                found = columns.get(letters)
                if found is None:
                    found = column_number(letters.upper()) if letters.isalpha() and len(letters) <= 3 else 0
                    if found < 1:
                        raise ValueError(f"bad cell reference {reference!r}")
                    columns[letters] = found
                column = found
            else:
                column += 1
            kind = attrs.get("t", "n")
            style = attrs.get("s")
            formula = False
            buffer.clear()
        elif code in (_VALUE, _TEXT):
            collecting = skip == 0
        elif code == _ROW:
            row_count += 1
            number = attrs.get("r")
            row_number = int(number) if number else row_number + 1
            if row_number > MAX_ROWS:
                refuse(over_limit(f"has a row numbered {row_number:,}", f"{MAX_ROWS:,} rows"))
            if row_count > MAX_ROWS:
                refuse(over_limit(f"has more than {MAX_ROWS:,} rows", f"{MAX_ROWS:,} rows"))
            column = 0
            cells = []
        elif code == _FORMULA:
            formula = True
        elif code == _PHONETIC:
            skip += 1
        elif code == _DIMENSION:
            check_dimension(attrs.get("ref", ""))

    def text(data: str) -> None:
        if collecting:
            buffer.append(data)

    def end(name: str) -> None:
        nonlocal collecting, skip, kept, width, cells
        code = codes[name]
        if code == _CELL:
            end_cell()
        elif code in (_VALUE, _TEXT):
            collecting = False
        elif code == _ROW:
            if cells:
                if row_number == 1:
                    width = len(cells)
                kept += max(len(cells), width)
                if kept > MAX_CELLS:
                    refuse(over_limit(f"has more than {MAX_CELLS:,} cells", f"{MAX_CELLS:,} cells"))
                rows.append((row_number, cells))
                cells = []
        elif code == _PHONETIC:
            skip -= 1
        elif code == _DATA:
            raise _Stop

    def end_cell() -> None:
        value = cell_value("".join(buffer) if buffer else "")
        if value == "":
            return
        where = f"{title}!{column_letters(column)}{row_number}"
        if column > MAX_COLUMNS:
            found = f"holds a value in column {column_letters(column)} (column {column:,})"
            refuse(over_limit(found, f"{MAX_COLUMNS:,} columns"), where)
        if value is None:
            problems.append(Problem(source, where, NO_SAVED_VALUE))
            return
        if value.__class__ is str and len(value) > MAX_CELL_CHARS:  # type: ignore[arg-type]
            found = f"holds {len(value):,} characters"  # type: ignore[arg-type]
            refuse(over_limit(found, f"{MAX_CELL_CHARS:,} characters in a cell"), where)
        if column > len(cells):
            cells.extend([""] * (column - len(cells)))
        cells[column - 1] = value

    def cell_value(text: str) -> Cell | None:
        """The cell as the importers want it; None for a formula without a saved value."""
        if formula and not text and kind != "str":
            return None
        if kind == "n":
            if not text:
                return ""
            number = float(text)
            if number != number:  # nan: no spreadsheet writes it; left as text, refused as text
                return text
            # (a number beyond float range is inf, as openpyxl reads it: the importers refuse it by size)
            return number_or_date(number, style) if style else number
        if kind == "s":
            return strings[int(text)] if text else ""
        if kind == "inlineStr" or kind == "str" or kind == "e":
            return text
        if kind == "b":
            return ("true" if int(text) else "false") if text else ""
        if kind == "d":
            return iso_date(text) if text else ""
        raise ValueError(f"unknown cell type {kind!r}")

    def check_dimension(ref: str) -> None:
        """Refuse a declared dimension beyond the limits, before the first row is read."""
        last = ref.rpartition(":")[2].upper().replace("$", "")
        letters = last.rstrip("0123456789")
        digits = last[len(letters) :]
        if not digits or not letters.isalpha() or len(letters) > 3 or len(digits) > 9:
            return  # no usable dimension: the rows and cells are counted as they come
        rows, columns = int(digits), column_number(letters)
        found = f"spans {ref} ({rows:,} rows by {columns:,} columns)"
        fix = ": delete what lies beyond the data, save, and import again"
        if rows > MAX_ROWS:
            refuse(over_limit(found, f"{MAX_ROWS:,} rows") + fix)
        if columns > MAX_COLUMNS:
            refuse(over_limit(found, f"{MAX_COLUMNS:,} columns") + fix)
        if rows * columns > MAX_CELLS:
            refuse(over_limit(f"{found}, {rows * columns:,} cells", f"{MAX_CELLS:,} cells") + fix)

    _feed(_expat(start, end, text), src)
    return rows


def shared_strings(src) -> list[str]:
    """The shared-strings table (``<si>`` items: plain or rich text, phonetic runs left out), as openpyxl
    reads it, with expat (openpyxl's own reader takes ~18 us a string)."""
    codes = _coder()
    strings: list[str] = []
    buffer: list[str] = []
    collecting = False
    skip = 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal collecting, skip
        code = codes[name]
        if code == _TEXT:
            collecting = skip == 0
        elif code == _STRING:
            buffer.clear()
        elif code == _PHONETIC:
            skip += 1

    def end(name: str) -> None:
        nonlocal collecting, skip
        code = codes[name]
        if code == _TEXT:
            collecting = False
        elif code == _STRING:
            strings.append("".join(buffer).replace("x005F_", ""))
        elif code == _PHONETIC:
            skip -= 1

    def text(data: str) -> None:
        if collecting:
            buffer.append(data)

    _feed(_expat(start, end, text), src)
    return strings
