"""Regenerate the bad .xlsx files of this corpus: ``python tests/data/bad/make_xlsx.py``.

The workbooks are committed (tests read them from disk); this script documents exactly how each was made
and rebuilds them after a deliberate change. Well-formed workbooks with wrong content are written with
openpyxl; damaged ones are a well-formed workbook whose zip parts were then edited by hand, the way a
crashed save, a sync tool or a hand-edited file leaves them.
"""

from __future__ import annotations

import datetime as dt
import random
import zipfile
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent
ACCOUNTS = HERE / "accounts"
ANSWERS = HERE / "answers"
SHEET1 = "xl/worksheets/sheet1.xml"


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    fixed = dt.datetime(2024, 1, 1)
    book.properties.created = fixed
    book.properties.modified = fixed
    book.save(path)
    return path


def edited(source: Path, target: Path, parts: dict[str, Callable[[str], str] | None]) -> Path:
    """A copy of ``source`` with zip parts rewritten (a function of the part's text) or dropped (None)."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            if info.filename in parts and parts[info.filename] is None:
                continue
            data = original.read(info.filename)
            change = parts.get(info.filename)
            if change is not None:
                data = change(data.decode("utf-8")).encode("utf-8")
            copy.writestr(info.filename, data)
    return target


GOOD_ACCOUNTS = [
    ["account", "owner", "fit", "revenue"],
    ["Acme", "Ann", 8, 1_200_000],
    ["Globex", "Bob", 5, 300],
]


def accounts() -> None:
    rng = random.Random(7)
    (ACCOUNTS / "random-bytes.xlsx").write_bytes(bytes(rng.randrange(256) for _ in range(2048)))
    (ACCOUNTS / "empty-file.xlsx").write_bytes(b"")
    with zipfile.ZipFile(ACCOUNTS / "zip-not-a-workbook.xlsx", "w") as archive:
        archive.writestr("readme.txt", "a zip file, but no workbook inside")
    workbook(ACCOUNTS / "empty-sheet.xlsx", {"Accounts": []})
    workbook(ACCOUNTS / "text-in-number-cell.xlsx", {"Accounts": [["account", "revenue"], ["Acme", "1.2 m"]]})
    workbook(
        ACCOUNTS / "rating-off-scale.xlsx", {"Accounts": [["account", "fit"], ["Acme", 42], ["Globex", -1]]}
    )
    workbook(ACCOUNTS / "boolean-cell.xlsx", {"Accounts": [["account", "fit"], ["Acme", True]]})
    workbook(
        ACCOUNTS / "date-as-effort.xlsx", {"Accounts": [["account", "effort"], ["Acme", dt.date(2024, 3, 1)]]}
    )
    workbook(
        ACCOUNTS / "duplicate-account.xlsx", {"Accounts": [["account", "fit"], ["Acme", 5], ["Acme", 6]]}
    )
    workbook(
        ACCOUNTS / "huge-number.xlsx", {"Accounts": [["account", "revenue", "effort"], ["Acme", 1e300, 1e20]]}
    )
    workbook(
        ACCOUNTS / "header-not-in-first-row.xlsx",
        {"Accounts": [[None, None], ["account", "fit"], ["Acme", 5]]},
    )
    workbook(
        ACCOUNTS / "wrong-sheet-name.xlsx",
        {"Notes": [["read me first"]], "Data": GOOD_ACCOUNTS},
    )
    base = workbook(ACCOUNTS / ".base.xlsx", {"Accounts": GOOD_ACCOUNTS})
    try:
        # A number cell whose stored value is not a number (<v>abc</v>), as a hand-edited file has.
        edited(
            base,
            ACCOUNTS / "number-cell-not-a-number.xlsx",
            {SHEET1: lambda t: t.replace("<v>8</v>", "<v>abc</v>")},
        )
        # The worksheet XML cut off half way (a crashed save or an interrupted copy).
        edited(base, ACCOUNTS / "truncated-sheet-xml.xlsx", {SHEET1: lambda t: t[: len(t) // 2]})
        # The workbook names a worksheet part that is not in the zip.
        edited(base, ACCOUNTS / "missing-sheet-part.xlsx", {SHEET1: None})
        # The package's content-type list is not XML.
        edited(base, ACCOUNTS / "broken-content-types.xlsx", {"[Content_Types].xml": lambda t: "not xml"})
    finally:
        base.unlink()


ANSWER_HEADER = ["respondent", "role", "indicator", "value", "comment"]


def answers() -> None:
    workbook(
        ANSWERS / "value-out-of-range.xlsx",
        {"Answers": [ANSWER_HEADER, ["Ann", "KAM", "A-1", 6, None], ["Ann", "KAM", "A-2", 2.5, None]]},
    )
    workbook(
        ANSWERS / "date-as-value.xlsx",
        {"Answers": [ANSWER_HEADER, ["Ann", "KAM", "A-1", dt.datetime(2024, 3, 1, 9, 30), None]]},
    )
    workbook(
        ANSWERS / "unknown-indicator.xlsx",
        {"Answers": [ANSWER_HEADER, ["Ann", "KAM", "Z-9", 3, None], ["Ann", "KAM", 1, 3, None]]},
    )
    workbook(ANSWERS / "empty-sheet.xlsx", {"Answers": []})
    workbook(
        ANSWERS / "role-conflict.xlsx",
        {"Answers": [ANSWER_HEADER, ["Ann", "KAM", "A-1", 3, None], ["Ann", "Leadership", "A-2", 4, None]]},
    )


if __name__ == "__main__":
    accounts()
    answers()
