"""Read a CSV or XLSX file into header + rows of text, each row numbered as a spreadsheet shows it.

CSV: comma, semicolon or tab (sniffed from the first lines), UTF-8 with or without a BOM. XLSX is read by
``kamtui.excel.reader`` (the only openpyxl code). Cells come back as text ("" for blank), except
numbers read from a worksheet, which stay floats so that ``--decimal-comma`` never misreads them.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from kamtui.core.errors import ImportFileError, Problem

DELIMITERS = ",;\t"
Cell = str | float  # text, or a number read from a worksheet cell
MAX_PROBLEMS_SHOWN = 50


@dataclass(frozen=True)
class Table:
    source: str  # the file as the user named it
    header: list[str]
    rows: list[tuple[int, list[Cell]]]  # (row number as a spreadsheet shows it, cells)


def read_table(path: Path | str, *, sheet: str | None = None) -> Table:
    path = Path(path)
    source = str(path)
    if not path.exists():
        raise ImportFileError(source, [Problem(source, "", "file not found")])
    if path.is_dir():
        raise ImportFileError(source, [Problem(source, "", "is a folder, expected a .csv or .xlsx file")])
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        from kamtui.excel.reader import read_sheet

        header, rows = read_sheet(path, source, sheet)
        return _table(source, header, rows)
    if suffix in {".xls", ".ods", ".numbers"}:
        raise ImportFileError(
            source, [Problem(source, "", f"'{suffix}' files are not supported: save it as .xlsx or .csv")]
        )
    if sheet is not None:
        raise ImportFileError(source, [Problem(source, "", "--sheet applies to .xlsx files only")])
    return read_csv(path, source)


def read_csv(path: Path, source: str) -> Table:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ImportFileError(
            source, [Problem(source, "", f"cannot be read ({exc.strerror or exc})")]
        ) from None
    if raw.startswith(b"PK\x03\x04"):
        raise ImportFileError(source, [Problem(source, "", "looks like an Excel workbook: name it .xlsx")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            source,
            [
                Problem(
                    source, f"{line}", "is not UTF-8 text: save the file as 'CSV UTF-8' and import it again"
                )
            ],
        ) from None
    if "\x00" in text:
        raise ImportFileError(source, [Problem(source, "", "contains NUL bytes: not a text CSV file")])
    if not text.strip():
        raise ImportFileError(source, [Problem(source, "", "is empty: expected a header row and data rows")])
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    # Rows are numbered as a spreadsheet shows them: one per record, even when a quoted cell spans lines.
    records: list[tuple[int, list[Cell]]] = []
    try:
        for number, row in enumerate(reader, start=1):
            records.append((number, row))
    except csv.Error as exc:
        where = f"{len(records) + 1}"
        raise ImportFileError(source, [Problem(source, where, f"not valid CSV ({exc})")]) from None
    header = records[0][1] if records else []
    return _table(source, header, records[1:])


def sniff_delimiter(text: str) -> str:
    """The delimiter among comma, semicolon and tab that splits the first lines most consistently."""
    lines = [line for line in text.splitlines()[:20] if line.strip()]
    try:
        return csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        header = lines[0] if lines else ""
        counts = {d: header.count(d) for d in DELIMITERS}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


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


def _table(source: str, header: list[str], rows: list[tuple[int, list[Cell]]]) -> Table:
    header = [h.strip() for h in header]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise ImportFileError(
            source, [Problem(source, "1", "the first row must be a header naming the columns")]
        )
    width = len(header)
    kept = []
    problems = []
    for number, cells in rows:
        if _blank(cells):
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
    if problems:
        raise ImportFileError(source, problems)
    return Table(source, header, kept)


def raise_if_problems(source: str, problems: list[Problem]) -> None:
    """Raise one ImportFileError listing the problems (the first MAX_PROBLEMS_SHOWN of them)."""
    if not problems:
        return
    if len(problems) > MAX_PROBLEMS_SHOWN:
        more = len(problems) - MAX_PROBLEMS_SHOWN
        shown = [*problems[:MAX_PROBLEMS_SHOWN], Problem(source, "", f"... and {more} more problems")]
        error = ImportFileError(source, shown)
        error.args = (str(error).replace(f"{len(shown)} problems", f"{len(problems)} problems", 1),)
        raise error
    raise ImportFileError(source, problems)
