"""kamtui.excel.common: text that never becomes a formula, numbers that stay numbers, atomic saves, paths."""

from __future__ import annotations

import datetime as dt
import decimal
import errno
import math
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kamtui.core.errors import KamError
from kamtui.excel import common as xl
from kamtui.excel import saving

# Each would be a formula, an error value or a mangled cell if written naively.
DANGEROUS = [
    "=1+2",
    '=HYPERLINK("http://evil.example","click")',
    "=cmd|' /C calc'!A0",
    "+1",
    "+Sales ops",
    "-1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTabbed",
    "\rCarriage",
    "\nLine",
    "=",
    "#N/A",
    "#DIV/0!",
    "=na\x01me\x00 with controls",
    "plain text",
    "'quoted already",
]


def _ids(values):
    return [repr(v)[:30] for v in values]


def write_column(values, write_only: bool, path: Path) -> None:
    workbook = Workbook(write_only=write_only)
    xl.add_styles(workbook)
    if write_only:
        ws = workbook.create_sheet("Data")
        for value in values:
            ws.append([xl.make_cell(ws, value), xl.make_cell(ws, value, xl.WRAP)])
    else:
        ws = workbook.active
        ws.title = "Data"
        for row, value in enumerate(values, 1):
            xl.put(ws, row, 1, value)
            xl.put(ws, row, 2, value, xl.WRAP)
    xl.atomic_save(workbook, path)


def sheet_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as archive:
        return "".join(
            archive.read(name).decode("utf-8")
            for name in archive.namelist()
            if name.startswith("xl/worksheets/sheet")
        )


# ---------------------------------------------------------------------------------------------- safe_text


def test_safe_text_strips_what_xml_cannot_carry_and_keeps_tabs_and_newlines():
    assert xl.safe_text("a\x00b\x07c\x1fd") == "abcd"
    assert xl.safe_text("tab\there\nnew line") == "tab\there\nnew line"
    assert xl.safe_text("\ud800lone surrogate\ufffe\uffff") == "lone surrogate"
    assert xl.safe_text(None) == ""
    assert xl.safe_text(12) == "12"


def test_safe_text_turns_carriage_returns_into_line_feeds():
    # An XML reader turns a bare CR into LF anyway; doing it on purpose keeps the value predictable.
    assert xl.safe_text("\rx") == "\nx"
    assert xl.safe_text("a\r\nb\rc") == "a\nb\nc"


def test_safe_text_caps_at_excels_cell_limit():
    text = xl.safe_text("x" * 40_000)
    assert len(text) == xl.MAX_CELL_TEXT
    assert text.endswith("…")


# ---------------------------------------------------------------------------------------------- injection


@pytest.mark.parametrize("write_only", [False, True], ids=["normal", "write-only"])
def test_dangerous_text_comes_back_as_text(tmp_path, write_only):
    path = tmp_path / "cells.xlsx"
    write_column(DANGEROUS, write_only, path)

    ws = load_workbook(path)["Data"]
    for row, original in enumerate(DANGEROUS, 1):
        for column in (1, 2):
            cell = ws.cell(row=row, column=column)
            assert cell.data_type == "s", (original, cell.data_type)
            assert cell.value == xl.safe_text(original)
            assert cell.quotePrefix is xl.needs_quote_prefix(xl.safe_text(original)), original
    # No formula element anywhere, and no literal leading apostrophe was added.
    xml = sheet_xml(path)
    assert "<f>" not in xml and "<f " not in xml
    assert ws.cell(row=DANGEROUS.index("'quoted already") + 1, column=1).value == "'quoted already"


@pytest.mark.parametrize("write_only", [False, True], ids=["normal", "write-only"])
@pytest.mark.parametrize(
    "prefix", ["=", "+", "-", "@", "\t", "\r"], ids=_ids(["=", "+", "-", "@", "\t", "\r"])
)
def test_names_starting_with_each_prefix(tmp_path, write_only, prefix):
    name = f"{prefix}Priya\x02 Raman"
    path = tmp_path / "names.xlsx"
    write_column([name], write_only, path)
    cell = load_workbook(path)["Data"]["A1"]
    assert cell.data_type == "s"
    expected = name.replace("\x02", "").replace("\r", "\n")  # the control char stripped, CR as LF
    assert cell.value == expected
    assert cell.quotePrefix is True


def test_reusing_a_cell_clears_the_quote_prefix(tmp_path):
    workbook = Workbook()
    ws = workbook.active
    xl.put(ws, 1, 1, "=evil")
    xl.put(ws, 1, 1, "fine")
    xl.atomic_save(workbook, tmp_path / "reuse.xlsx")
    cell = load_workbook(tmp_path / "reuse.xlsx").active["A1"]
    assert (cell.value, cell.data_type, cell.quotePrefix) == ("fine", "s", False)


@pytest.mark.parametrize("write_only", [False, True], ids=["normal", "write-only"])
def test_numbers_stay_numbers(tmp_path, write_only):
    numpy = pytest.importorskip("numpy")
    values = [
        1,
        -3,
        0,
        2.5,
        1e300,
        numpy.float64(2.25),
        numpy.int64(7),
        decimal.Decimal("1.25"),
        math.nan,
        math.inf,
        -math.inf,
        numpy.nan,
        None,
    ]
    expected = [1, -3, 0, 2.5, 1e300, 2.25, 7, 1.25, None, None, None, None, None]
    path = tmp_path / "numbers.xlsx"
    workbook = Workbook(write_only=write_only)
    xl.add_styles(workbook)
    if write_only:
        ws = workbook.create_sheet("Data")
        for value in values:
            ws.append([xl.make_cell(ws, value, xl.NUMBER)])
    else:
        ws = workbook.active
        ws.title = "Data"
        for row, value in enumerate(values, 1):
            xl.put(ws, row, 1, value, xl.NUMBER)
    xl.atomic_save(workbook, path)

    ws = load_workbook(path)["Data"]
    for row, want in enumerate(expected, 1):
        cell = ws.cell(row=row, column=1)
        assert cell.value == want, (row, values[row - 1])
        if want is not None:
            assert cell.data_type == "n"
            assert type(cell.value) in (int, float)
            assert cell.number_format == "0.00"


def test_append_row_mixes_fast_numbers_and_safe_text(tmp_path):
    workbook = Workbook(write_only=True)
    xl.add_styles(workbook)
    ws = workbook.create_sheet("Data")
    xl.append_row(ws, ["=name", 3, 2.5, None, math.nan, "#N/A"])
    xl.append_row(ws, ["+x", 0.25], styles=[xl.TEXT, xl.PERCENT])
    xl.atomic_save(workbook, tmp_path / "rows.xlsx")
    ws = load_workbook(tmp_path / "rows.xlsx")["Data"]
    assert [c.value for c in ws[1]] == ["=name", 3, 2.5, None, None, "#N/A"]
    assert ws["A1"].data_type == "s" and ws["F1"].data_type == "s"
    assert ws["B1"].data_type == ws["C1"].data_type == "n"
    assert (ws["A2"].value, ws["A2"].data_type, ws["B2"].value, ws["B2"].number_format) == (
        "+x",
        "s",
        0.25,
        "0%",
    )


def test_dates_are_dates(tmp_path):
    workbook = Workbook()
    xl.add_styles(workbook)
    aware = dt.datetime(2025, 3, 14, 9, 5, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    xl.put(workbook.active, 1, 1, aware, xl.DATETIME)
    xl.atomic_save(workbook, tmp_path / "dates.xlsx")
    cell = load_workbook(tmp_path / "dates.xlsx").active["A1"]
    assert cell.value == dt.datetime(2025, 3, 14, 7, 5)  # converted to UTC, stored without a zone
    assert cell.number_format == "yyyy-mm-dd hh:mm"


def test_set_formula_is_the_only_way_to_a_formula():
    workbook = Workbook()
    cell = workbook.active["A1"]
    xl.set_formula(cell, "=SUM(B1:B3)")
    assert cell.data_type == "f"
    with pytest.raises(ValueError):
        xl.set_formula(cell, "SUM(B1:B3)")


def test_styles_are_built_once_never_per_cell(monkeypatch):
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill

    workbook = Workbook()
    xl.add_styles(workbook)
    xl.add_styles(workbook)  # idempotent
    named = len(workbook.named_styles)
    created = []
    for cls in (Font, PatternFill, Alignment, Border, NamedStyle):
        original = cls.__init__

        def counting(self, *args, _original=original, _cls=cls, **kwargs):
            created.append(_cls.__name__)
            _original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", counting)
    ws = workbook.active
    for row in range(1, 501):
        xl.put(ws, row, 1, f"=name {row}", xl.TEXT)
        xl.put(ws, row, 2, row / 7, xl.NUMBER)
        xl.put(ws, row, 3, row / 500, xl.PERCENT)
    assert created == []
    assert len(workbook.named_styles) == named
    assert len(workbook._cell_styles) <= 8  # a handful of distinct style arrays, shared by 1,500 cells


# ---------------------------------------------------------------------------------------------- atomic save


def make_workbook(value: str) -> Workbook:
    workbook = Workbook()
    xl.put(workbook.active, 1, 1, value)
    return workbook


def temp_files(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp-*"))


def test_atomic_save_writes_and_creates_missing_folders(tmp_path):
    target = tmp_path / "a" / "b" / "book.xlsx"
    assert xl.atomic_save(make_workbook("hello"), target) == target
    assert load_workbook(target).active["A1"].value == "hello"
    assert temp_files(target.parent) == []


def test_a_failure_mid_write_leaves_the_old_workbook_byte_identical(tmp_path, monkeypatch):
    from openpyxl.worksheet._writer import WorksheetWriter

    target = tmp_path / "book.xlsx"
    xl.atomic_save(make_workbook("old"), target)
    before = target.read_bytes()

    def explode(self, *args, **kwargs):
        raise RuntimeError("boom in the middle of the sheet")

    monkeypatch.setattr(WorksheetWriter, "write_rows", explode)
    with pytest.raises(RuntimeError, match="boom"):
        xl.atomic_save(make_workbook("new"), target)
    assert target.read_bytes() == before
    assert temp_files(tmp_path) == []


def test_a_disk_error_mid_write_is_a_kam_error_and_changes_nothing(tmp_path, monkeypatch):
    from openpyxl.worksheet._writer import WorksheetWriter

    target = tmp_path / "book.xlsx"
    xl.atomic_save(make_workbook("old"), target)
    before = target.read_bytes()

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(WorksheetWriter, "write_rows", full)
    with pytest.raises(xl.ExportError) as caught:
        xl.atomic_save(make_workbook("new"), target)
    assert isinstance(caught.value, KamError)
    assert str(target) in str(caught.value) and "no space left" in str(caught.value)
    assert target.read_bytes() == before
    assert temp_files(tmp_path) == []


def test_a_writer_function_that_fails_after_writing_leaves_no_temp_file(tmp_path):
    target = tmp_path / "book.xlsx"
    xl.atomic_save(make_workbook("old"), target)
    before = target.read_bytes()
    seen = []

    def writer(path: Path) -> None:
        seen.append(path)
        path.write_bytes(b"PK half a zip")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        xl.atomic_save(writer, target)
    assert seen and seen[0].parent == tmp_path and seen[0].name.startswith(".book.xlsx.tmp-")
    assert target.read_bytes() == before
    assert temp_files(tmp_path) == []


def test_a_failing_rename_is_a_kam_error(tmp_path, monkeypatch):
    target = tmp_path / "book.xlsx"
    xl.atomic_save(make_workbook("old"), target)
    before = target.read_bytes()

    def locked(src, dst):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(saving.os, "replace", locked)
    with pytest.raises(xl.ExportError, match="open in Excel"):
        xl.atomic_save(make_workbook("new"), target)
    assert target.read_bytes() == before
    assert temp_files(tmp_path) == []


def test_a_target_that_is_a_folder_is_refused(tmp_path):
    with pytest.raises(xl.ExportError, match="is a folder") as caught:
        xl.atomic_save(make_workbook("x"), tmp_path)
    assert str(tmp_path) in str(caught.value)


def test_a_folder_that_cannot_be_created_is_refused(tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file")
    target = blocker / "sub" / "book.xlsx"
    with pytest.raises(xl.ExportError, match="cannot create the folder") as caught:
        xl.atomic_save(make_workbook("x"), target)
    assert str(blocker / "sub") in str(caught.value)
    assert blocker.read_text() == "a file"


def test_permission_denied_is_a_kam_error(tmp_path, monkeypatch):
    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(saving.os, "open", denied)
    with pytest.raises(xl.ExportError, match="permission denied") as caught:
        xl.atomic_save(make_workbook("x"), tmp_path / "book.xlsx")
    assert str(tmp_path / "book.xlsx") in str(caught.value)


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root (or Windows) ignores folder modes"
)
def test_a_read_only_folder_is_a_kam_error(tmp_path):
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(xl.ExportError, match="permission denied"):
            xl.atomic_save(make_workbook("x"), folder / "book.xlsx")
    finally:
        folder.chmod(0o700)


def test_stale_temp_files_of_dead_writers_are_removed(tmp_path):
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = int(dead.stdout)
    alive_pid = os.getppid()
    stale = tmp_path / f".book.xlsx.tmp-{dead_pid}-abcd1234.xlsx"
    busy = tmp_path / f".other.xlsx.tmp-{alive_pid}-abcd1234.xlsx"
    ancient = tmp_path / f".old.xlsx.tmp-{alive_pid}-0123abcd.xlsx"
    unrelated = tmp_path / ".book.xlsx.tmp-notours.xlsx"
    for path in (stale, busy, ancient, unrelated):
        path.write_bytes(b"partial")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(ancient, (two_days_ago, two_days_ago))

    xl.atomic_save(make_workbook("x"), tmp_path / "book.xlsx")
    assert not stale.exists()
    assert not ancient.exists()
    assert busy.exists()  # a live process may still be writing it
    assert unrelated.exists()


# ---------------------------------------------------------------------------------------------- export_path

NOW = dt.datetime(2025, 3, 14, 9, 5)


def test_default_path_is_under_exports_in_the_current_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = xl.export_path("healthcheck", "2 Annual healthcheck", None, NOW)
    assert path == tmp_path / "exports" / "healthcheck-2-annual-healthcheck-20250314-0905.xlsx"
    assert path.is_absolute()
    assert not (tmp_path / "exports").exists()  # created by atomic_save, not by working out the name


def test_slug_is_ascii_and_short(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert xl.export_path("healthcheck", "3 Ünïcode Prüfung / Q3 = “best”", None, NOW).name == (
        "healthcheck-3-unicode-prufung-q3-best-20250314-0905.xlsx"
    )
    assert xl.export_path("healthcheck", "!!!", None, NOW).name == "healthcheck-20250314-0905.xlsx"
    long = xl.export_path("selection", "word " * 40, None, NOW).name
    assert len(long) <= len("selection--20250314-0905.xlsx") + 50


def test_output_folder_gets_the_default_name(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    name = "healthcheck-2-t-20250314-0905.xlsx"
    assert xl.export_path("healthcheck", "2 t", "out", NOW) == tmp_path / "out" / name
    assert xl.export_path("healthcheck", "2 t", "new/", NOW) == tmp_path / "new" / name


@pytest.mark.parametrize(
    ("output", "expected"),
    [
        ("report.xlsx", "report.xlsx"),
        ("report.XLSX", "report.XLSX"),
        ("report", "report.xlsx"),
        ("q3.v2", "q3.v2.xlsx"),
        ("sub/dir/book", "sub/dir/book.xlsx"),
    ],
)
def test_output_file_names(tmp_path, monkeypatch, output, expected):
    monkeypatch.chdir(tmp_path)
    assert xl.export_path("healthcheck", "x", output, NOW) == tmp_path / expected


@pytest.mark.parametrize("output", ["report.xls", "report.ods", "report.csv", "report.xlsm"])
def test_other_spreadsheet_suffixes_are_refused(tmp_path, monkeypatch, output):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(xl.ExportError, match=r"\.xlsx"):
        xl.export_path("healthcheck", "x", output, NOW)


def test_home_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert xl.export_path("healthcheck", "x", "~/book", NOW) == tmp_path / "book.xlsx"
