"""Resource bombs, one of each kind per loader, made at test time (each in a few seconds at most).

Every file is small on disk or quick to write and would cost minutes or gigabytes to read whole: a CSV
beyond the size limit (sparse), a 10 MB cell, more rows or cells than the limits, 50 million blank
lines, the 64 kB that ``csv.Sniffer`` needs minutes for; an .xlsx that expands to 20 million rows, one
that streams a million rows past a missing dimension, one of 10,001 zip members, shared strings and
styles beyond their part limits; TOML beyond the size limit, a dotted key of 16,000 parts (tomllib is
quadratic over them), lists and inline tables nested 100,000 deep. tests/reliability/test_resource_bombs.py
hands each to the real command line under ``ulimit -v`` and a wall-clock timeout.
"""

from __future__ import annotations

import random
import zipfile
from pathlib import Path

from openpyxl import Workbook

from kamtui.core.limits import (
    MAX_CSV_BYTES,
    MAX_ROWS,
    MAX_TOML_BYTES,
    MAX_XLSX_MEMBERS,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_STRINGS_BYTES,
)

SHEET = "xl/worksheets/sheet1.xml"
SHEET_HEAD = '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


# ----------------------------------------------------------------------------------------------- CSV


def csv_oversized(path: Path) -> Path:
    """A CSV one byte over the size limit: a header, then a hole the file system does not store."""
    with path.open("wb") as handle:
        handle.write(b"account,fit\nAcme,5\n")
        handle.truncate(MAX_CSV_BYTES + 1)
    return path


def csv_huge_cell(path: Path) -> Path:
    """One quoted cell of 10 million characters."""
    path.write_bytes(b'account,fit\n"' + b"x" * 10_000_000 + b'",5\n')
    return path


def csv_rows(path: Path) -> Path:
    """One row more than the row limit."""
    path.write_bytes(b"account\n" + b"".join(b"A%d\n" % i for i in range(MAX_ROWS)))
    return path


def csv_blank_lines(path: Path) -> Path:
    """A header and 50 million empty lines."""
    path.write_bytes(b"account\n" + b"\n" * 50_000_000)
    return path


def csv_cells(path: Path) -> Path:
    """600,000 rows of 10 cells: more cells than the cell limit, in fewer rows than the row limit."""
    header = b"account,owner,effort,segment,ref,fit,revenue,share,x1,x2\n"
    path.write_bytes(header + b"".join(b"A%d,o,1,s,r,5,6,7,8,9\n" % i for i in range(600_000)))
    return path


def csv_sniffer_trap(path: Path) -> Path:
    """64 kB of ``,"``: csv.Sniffer's quote regex backtracks for about a minute over it."""
    path.write_bytes(b"account\n" + b',"' * 32_768)
    return path


# ---------------------------------------------------------------------------------------------- XLSX


def _minimal_workbook(path: Path) -> Path:
    book = Workbook()
    book.active.title = "Accounts"
    book.active.append(["account", "fit"])
    book.save(path)
    return path


def _with_parts(path: Path, parts: dict[str, bytes | None], *, level: int = 1, extra: int = 0) -> Path:
    """A minimal workbook at ``path`` with parts replaced (``None``: dropped) and ``extra`` empty members."""
    source = _minimal_workbook(path.with_name(path.stem + "-base.xlsx"))
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out,
    ):
        for info in original.infolist():
            if info.filename in parts:
                continue
            out.writestr(info.filename, original.read(info.filename))
        for name, data in parts.items():
            if data is not None:
                out.writestr(name, data)
        for index in range(extra):
            out.writestr(f"customXml/item{index}.xml", b"")
    source.unlink()
    return path


def xlsx_twenty_million_rows(path: Path) -> Path:
    """A ~3 MB workbook whose sheet expands to 20 million rows (480 MB), as issue 11 describes."""
    source = _minimal_workbook(path.with_name(path.stem + "-base.xlsx"))
    row = b"<row><c><v>5</v></c></row>" * 40_000
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as out,
    ):
        for info in original.infolist():
            if info.filename != SHEET:
                out.writestr(info.filename, original.read(info.filename))
        with out.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD.encode() + b'<dimension ref="A1:A20000000"/><sheetData>')
            for _ in range(20_000_000 // 40_000):
                sheet.write(row)
            sheet.write(b"</sheetData></worksheet>")
    source.unlink()
    return path


def xlsx_streamed_rows(path: Path) -> Path:
    """No dimension, rows numbered 1 to MAX_ROWS + 1 (a few MB compressed, ~55 MB of XML): refused while
    streaming, at the first row past the limit."""
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="n"><v>%d</v></c></row>' % (i, i, i) for i in range(1, MAX_ROWS + 2)
    )
    sheet = SHEET_HEAD.encode() + b"<sheetData>" + rows + b"</sheetData></worksheet>"
    return _with_parts(path, {SHEET: sheet})


def xlsx_many_members(path: Path) -> Path:
    """A workbook of MAX_XLSX_MEMBERS + 1 zip members."""
    return _with_parts(path, {}, extra=MAX_XLSX_MEMBERS)


def _random_words(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [f"{rng.getrandbits(64):016x}" for _ in range(count)]


def xlsx_shared_strings(path: Path) -> Path:
    """A shared-strings part just over its limit, of random (incompressible-enough) strings."""
    words = _random_words(MAX_XLSX_STRINGS_BYTES // 32 + 1000, 1)
    body = "".join(f"<si><t>{word}</t></si>" for word in words)
    xml = f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{body}</sst>'.encode()
    assert len(xml) > MAX_XLSX_STRINGS_BYTES
    return _with_parts(path, {"xl/sharedStrings.xml": xml})


def xlsx_styles(path: Path) -> Path:
    """A styles part (read whole by openpyxl) just over its limit."""
    rng = random.Random(2)
    formats = "".join(
        f'<xf numFmtId="{rng.randrange(164)}" fontId="0" fillId="0" borderId="0" xfId="{rng.randrange(9)}"/>'
        for _ in range(MAX_XLSX_PART_BYTES // 60 + 1000)
    )
    xml = (
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<cellXfs count="1">{formats}</cellXfs></styleSheet>'
    ).encode()
    assert len(xml) > MAX_XLSX_PART_BYTES
    return _with_parts(path, {"xl/styles.xml": xml})


# ---------------------------------------------------------------------------------------------- TOML


def toml_oversized(path: Path) -> Path:
    """A valid TOML file one byte over the size limit (a comment pads it)."""
    head = b'id = "big"\ntitle = "Big"\n'
    path.write_bytes(head + b"#" * (MAX_TOML_BYTES - len(head)) + b"\n")
    return path


def toml_dotted_key(path: Path) -> Path:
    """A dotted key of 16,000 parts (32 kB): tomllib takes ~5 s over it, and 70 s over 64,000."""
    path.write_text("a" + ".a" * 15_999 + " = 1\n", encoding="utf-8")
    return path


def toml_nested_lists(path: Path) -> Path:
    path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    return path


def toml_nested_tables(path: Path) -> Path:
    path.write_text("a = " + "{b = " * 100_000 + "1" + "}" * 100_000 + "\n", encoding="utf-8")
    return path
