"""A table of a person's file: header + rows of text, each row numbered as a spreadsheet shows it.

This module reads CSV (comma, semicolon or tab, sniffed from the first lines; UTF-8 with or without a BOM;
read as a stream) and builds a :class:`Table` from the rows of a worksheet that ``kamtui.excel.reader``
(the only openpyxl code) read; ``kamtui.service.files.read_table`` chooses. Cells come back as text ("" for blank),
except numbers read from a worksheet, which stay floats so that the decimal comma never misreads them.
Only a regular file is read, and every table stays within the limits of ``kamtui.core.limits`` (rows,
columns, cells, characters in a cell, file size): a file beyond one is refused with that limit named,
before reading where its size shows it and otherwise as soon as reading reaches it (README, "Reliability").
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from itertools import islice
from operator import itemgetter
from pathlib import Path
from typing import NoReturn

from kamtui.core.errors import ImportFileError, Problem, ProblemList, raise_if_problems
from kamtui.core.files import FileRefused, open_regular_file
from kamtui.core.limits import (
    MAX_CELL_CHARS,
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_CSV_BYTES,
    MAX_PROBLEMS_SHOWN,
    MAX_ROWS,
    over_limit,
)

__all__ = ["MAX_PROBLEMS_SHOWN", "Cell", "Table", "cell_text", "raise_if_problems", "read_csv"]

DELIMITERS = ",;\t"
Cell = str | float  # text, or a number read from a worksheet cell
EXPECTED = "a .csv or .xlsx file"
SNIFF_CHARS = 64 * 1024  # the delimiter is sniffed from at most this much of the file's start
BATCH_ROWS = 512  # records the fast reader takes from the csv module at a time (then checks them together)
FAST_PATH = True  # read plain files with the batch reader; the tests turn it off to compare with the row loop


@dataclass(frozen=True)
class Table:
    source: str  # the file as the user named it
    header: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number as a spreadsheet shows it, cells)
    note: str | None = None  # which sheet of a workbook was read, where kamtui had to choose
    # the same cells column by column, where the reader had them at hand (a CSV whose every row has as
    # many cells as the header): an import reads whole columns; never changed once the table is made
    columns: tuple[list[Cell], ...] | None = field(default=None, repr=False, compare=False)


def unsupported_suffix(path: Path) -> str | None:
    """Why a file of this kind is not read (an old or another spreadsheet format), or None."""
    suffix = path.suffix.lower()
    if suffix in {".xls", ".ods", ".numbers"}:
        return f"'{suffix}' files are not supported: save it as .xlsx or .csv"
    return None


def table_of_sheet(source: str, header: list[Cell], rows: list[tuple[int, list[Cell]]], note: str | None) -> Table:
    """The table of a worksheet's rows (read by ``kamtui.excel.reader``)."""
    return _table(source, [cell_text(cell) for cell in header], rows, note)


def guarded(read, source: str) -> Table:
    """``read()`` with a machine short of memory still answered in words (the limits keep a table far
    below it)."""
    try:
        return read()
    except MemoryError:
        refuse(source, "is too large to read in the memory this computer has free")


def refuse(source: str, message: str, where: str = "") -> NoReturn:
    """Raise the one-problem ImportFileError of a file that cannot be read at all."""
    raise ImportFileError(source, [Problem(source, where, message)])


def read_csv(path: Path, source: str) -> Table:
    try:
        handle = open_regular_file(path, expected=EXPECTED, max_bytes=MAX_CSV_BYTES, what="CSV file")
    except FileRefused as refused:
        refuse(source, refused.message)
    with handle:
        try:
            if handle.read(4).startswith(b"PK\x03\x04"):
                refuse(source, "looks like an Excel workbook: name it .xlsx")
            handle.seek(0)
            watched = _NulWatch(handle)
            text = io.TextIOWrapper(watched, encoding="utf-8-sig", newline="")
            delimiter = sniff_delimiter(text.read(SNIFF_CHARS))
            text.seek(0)
            fast = _records_fast(text, delimiter, watched) if FAST_PATH and not watched.nul else None
            if fast is None:  # anything the batch reader does not take: the row loop, from the start
                text.seek(0)
                (header, rows), columns = _records(text, delimiter, source), None
            else:
                header, rows, columns = fast
        except UnicodeDecodeError:
            handle.seek(0)
            refuse(
                source,
                "is not UTF-8 text: save the file as 'CSV UTF-8' and import it again",
                f"{_first_line_not_utf8(handle)}",
            )
        except OSError as exc:
            refuse(source, f"cannot be read ({exc.strerror or exc})")
    if header is None:
        refuse(source, "is empty: expected a header row and data rows")
    return _table(source, header, rows, blanks_left=False, columns=columns)


def _records(lines, delimiter: str, source: str) -> tuple[list[str] | None, list[tuple[int, list[Cell]]]]:
    """(header, numbered non-blank rows) of a CSV stream, within the limits; header None when the file
    holds nothing but blanks. Rows are numbered as a spreadsheet shows them: one per record, even when a
    quoted cell spans lines."""
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    header: list[str] = []
    rows: list[tuple[int, list[Cell]]] = []
    number = 0
    cells = 0
    anything = False
    try:
        for number, row in enumerate(reader, start=1):
            joined = "".join(row)
            blank = not joined.strip()
            if "\x00" in joined:
                refuse(source, "contains NUL bytes: not a text CSV file")
            if number > MAX_ROWS:
                refuse(source, over_limit(f"has more than {MAX_ROWS:,} rows", f"{MAX_ROWS:,} rows"))
            if len(row) > MAX_COLUMNS:
                refuse(source, over_limit(f"has {len(row):,} cells", f"{MAX_COLUMNS:,} columns"), f"{number}")
            if number == 1:
                header = row
            elif not blank:
                cells += len(row) if len(row) > len(header) else len(header)
                if cells > MAX_CELLS:
                    refuse(source, over_limit(f"has more than {MAX_CELLS:,} cells", f"{MAX_CELLS:,} cells"))
                rows.append((number, row))
            anything = anything or not blank
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            found = f"has a cell of more than {MAX_CELL_CHARS:,} characters"
            refuse(source, over_limit(found, f"{MAX_CELL_CHARS:,} characters in a cell"), f"{number + 1}")
        refuse(source, f"not valid CSV ({exc})", f"{number + 1}")
    return (header if anything else None), rows


class _NulWatch(io.BufferedIOBase):
    """A binary file that notes whether a NUL byte went through it (in UTF-8 only U+0000 has one), so
    that the fast reader need not look for NUL in every record."""

    def __init__(self, handle) -> None:
        super().__init__()
        self._handle = handle
        self.nul = False

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._handle.seek(offset, whence)

    def tell(self) -> int:
        return self._handle.tell()

    def read(self, size: int | None = -1) -> bytes:
        return self._noted(self._handle.read(size))

    def read1(self, size: int = -1) -> bytes:
        return self._noted(self._handle.read1(size))

    def _noted(self, data: bytes) -> bytes:
        if b"\x00" in data:
            self.nul = True
        return data


_CELLS_OF = itemgetter(1)
_FIRST = itemgetter(0)


def _records_fast(lines, delimiter: str, watched: _NulWatch):
    """What :func:`_records` returns for a file it reads without a problem, plus the cells column by
    column (None unless every row has as many cells as the header); None as soon as anything needs the
    row loop (a NUL byte, a limit reached, text that is no valid CSV or UTF-8, a blank header), which
    then reads the file again and words the problem.

    The records are taken from the csv module in batches, each checked against the limits before the
    next is read (so the limits hold while streaming) and turned into columns while its cells are still
    in the processor's cache; see :func:`_gather`."""
    csv.field_size_limit(MAX_CELL_CHARS)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    rows: list[tuple[int, list[Cell]]] = []
    try:
        header = next(reader, None)
        if header is None or len(header) > MAX_COLUMNS or not "".join(header).strip():
            return None
        width = len(header)
        columns: tuple[list[Cell], ...] | None = tuple([] for _ in header)
        shared: list[dict[str, str] | None] = [{} for _ in header]
        number = 1  # the records read so far (the header is record 1)
        cells = 0
        while batch := list(islice(reader, BATCH_ROWS)):
            first = number + 1
            number += len(batch)
            longest = max(map(len, batch))
            if watched.nul or number > MAX_ROWS or longest > MAX_COLUMNS:
                return None
            numbers: range | list[int] = range(first, number + 1)
            if [] in batch or not all(map(str.strip, map(_FIRST, batch))):  # maybe a blank record
                numbers = [n for n, row in zip(numbers, batch, strict=True) if "".join(row).strip()]
                batch = [batch[n - first] for n in numbers]
            if longest <= width:
                cells += width * len(batch)
            else:
                cells += sum(max(len(row), width) for row in batch)
            if cells > MAX_CELLS:
                return None
            if columns is not None and batch:
                gathered = _gather(columns, shared, batch, width)
                if gathered is None:
                    columns = None
                else:
                    batch = gathered
            rows.extend(zip(numbers, batch, strict=True))
    except (csv.Error, UnicodeDecodeError, OSError):
        return None
    if watched.nul:
        return None
    return header, rows, columns


SHARED_TEXTS = 1_024  # distinct texts a column may hold and still have each held once (see _gather)


def _gather(
    columns: tuple[list[Cell], ...], shared: list[dict[str, str] | None], batch: list[list[str]], width: int
) -> list[list[str]] | None:
    """Append a batch of rows to the columns; None (nothing appended) unless each row has ``width`` cells.

    In a column that repeats a few texts (ratings, owners) each text is kept once, every cell of it the
    same string, in the column and in the rows (rebuilt when so): whoever reads the column then meets a
    handful of strings instead of one per cell, and the copies the csv module made go at once. ``shared``
    holds each column's texts until it has more than :data:`SHARED_TEXTS` of them."""
    if set(map(len, batch)) != {width}:
        return None
    parts = list(zip(*batch, strict=True))
    rebuilt = False
    for index, texts in enumerate(shared):
        if texts is not None:
            parts[index] = tuple(map(texts.setdefault, parts[index], parts[index]))
            rebuilt = True
            if len(texts) > SHARED_TEXTS:
                shared[index] = None
        columns[index].extend(parts[index])
    return list(map(list, zip(*parts, strict=True))) if rebuilt else batch


def _first_line_not_utf8(handle) -> int:
    """The line (from 1) holding the first byte that is not UTF-8 (lines never split a UTF-8 character)."""
    for number, line in enumerate(handle, start=1):
        try:
            line.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError:
            return number
    return 1


def sniff_delimiter(text: str) -> str:
    """The delimiter among comma, semicolon and tab that the header row splits on, most consistently with
    the rows below it.

    Each candidate splits the first 20 records of the sample with the csv module itself (quotes and
    quoted line breaks understood, in linear time: ``csv.Sniffer`` takes minutes on 64 kB of ``,"``).
    Only a candidate that splits the header into two or more columns counts: header names seldom hold a
    delimiter, while cells often do (``Acme, Inc`` in a semicolon file). Among them wins the one whose rows
    have as many cells as its header most often, then the one giving more columns, comma first on a tie.
    A header that no candidate splits is one column, read with the comma (standard CSV quoting).
    """
    if len(text) >= SNIFF_CHARS:  # cut off by the sample: drop the last, partial line
        text = text[: max(text.rfind("\n"), text.rfind("\r"), 0)] or text
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        records: list[int] = []
        try:
            for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
                if any(cell.strip() for cell in row):
                    records.append(len(row))
                    if len(records) == 20:
                        break
        except csv.Error:
            pass
        if not records or records[0] < 2:
            continue
        width = records[0]
        rows = records[1:] or [width]
        score = (sum(1 for count in rows if count == width) / len(rows), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def cell_text(cell: Cell) -> str:
    """A cell as stripped text (a worksheet number without a spurious ".0")."""
    if isinstance(cell, float):
        return repr(int(cell)) if cell.is_integer() and abs(cell) < 1e15 else repr(cell)
    return cell.strip()


def _blank(cells: list[Cell]) -> bool:
    """True when a row holds nothing but blanks (text rows are joined and stripped in one go)."""
    try:
        return not "".join(cells).strip()  # type: ignore[arg-type]
    except TypeError:  # a worksheet row with numbers in it
        return not any(cell_text(cell) for cell in cells)


def _table(
    source: str,
    header: list[str],
    rows: list[tuple[int, list[Cell]]],
    note: str | None = None,
    *,
    blanks_left: bool = True,
    columns: tuple[list[Cell], ...] | None = None,
) -> Table:
    """The table of a header and numbered rows: blank rows dropped (``blanks_left``: the reader may have
    left some), short rows padded, rows with more cells than the header refused. ``columns``: the rows'
    cells column by column, kept when the rows stay as they are."""
    header = [h.strip() for h in header]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise ImportFileError(
            source, [Problem(source, "1", "the first row must be a header naming the columns")]
        )
    width = len(header)
    if not blanks_left and all(count == width for count in set(map(len, map(_CELLS_OF, rows)))):
        if columns is not None and len(columns) != width:
            columns = None
        return Table(source, header, rows, note, columns)  # nothing to drop, pad or refuse
    kept = []
    problems = ProblemList()
    for number, cells in rows:
        if blanks_left and _blank(cells):
            continue  # blank line
        if len(cells) != width:
            extra = [c for c in cells[width:] if cell_text(c)]
            if extra:
                problems.append(
                    Problem(
                        source,
                        f"{number}",
                        f"has {len(cells)} cells but the header names only {width} columns",
                    )
                )
            cells = [*cells[:width], *[""] * (width - len(cells))]
        kept.append((number, cells))
    raise_if_problems(source, problems, note)
    return Table(source, header, kept, note)
