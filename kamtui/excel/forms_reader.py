"""Reading returned answer forms (README, "Healthcheck"): the hidden details and every answered row.

:func:`read_form` reads one workbook written by :mod:`kamtui.excel.forms_workbook` and, perhaps, saved again
by Excel or LibreOffice. It refuses, with one message naming the file, anything that is not such a form: a
missing or huge file, a text file named ``.xlsx``, a damaged workbook, a workbook without the hidden form
sheet or the Answers header. It checks nothing about the answers themselves: that is
:func:`kamtui.core.forms.collect`, which sees every form of a run at once.

openpyxl is imported lazily and the workbook opened read-only, so a form costs a few milliseconds.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

from kamtui.core.errors import Problem
from kamtui.core.files import regular_file_problem
from kamtui.core.forms import (
    ANSWERS_SHEET,
    CHECKSUM,
    FORM_FORMAT,
    HEADER,
    MARKER,
    META_FIELDS,
    META_SHEET,
    FormRow,
    FormsError,
    ReturnedForm,
)

MAX_FORM_BYTES = 20 * 1024 * 1024  # a 120-statement form is about 40 KB
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # what the zip may unpack to (a zip bomb is refused unread)
MAX_ANSWER_ROWS = 5000  # rows read below the header
MAX_META_ROWS = 100
HEADER_SEARCH_ROWS = 20
NOT_A_FORM = "is not a kamtui answer form"


def read_form(path: Path | str) -> ReturnedForm:
    """The hidden details and the rows of the returned form at ``path``; :class:`FormsError` if none."""
    path = Path(path)
    source = str(path)
    _check_file(path, source)
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except OSError as exc:
        _refuse(source, f"cannot be read ({exc.strerror or exc})")
    except Exception:  # openpyxl raises many kinds (KeyError, ParseError, ValueError...) on a damaged file
        _refuse(source, "is a damaged Excel workbook and cannot be read: ask for the form again")
    try:
        return _read(workbook, source)
    except FormsError:
        raise
    except Exception:  # a damaged sheet inside an otherwise readable zip
        _refuse(source, "is a damaged Excel workbook and cannot be read: ask for the form again")
    finally:
        workbook.close()


def _check_file(path: Path, source: str) -> None:
    problem = regular_file_problem(path, "an .xlsx answer form")  # a FIFO or device is never opened
    if problem is not None:
        _refuse(source, problem)
    try:
        size = path.stat().st_size
        with open(path, "rb") as handle:
            head = handle.read(4096)
    except OSError as exc:
        _refuse(source, f"cannot be read ({exc.strerror or exc})")
    if size == 0:
        _refuse(source, "is an empty file, not an answer form")
    if size > MAX_FORM_BYTES:
        _refuse(
            source, f"is {size / 1e6:.0f} MB, far too large for an answer form (a form is well under 1 MB)"
        )
    if not head.startswith(b"PK\x03\x04"):
        if b"\x00" not in head and _is_text(head):
            _refuse(
                source,
                "is a text file (a CSV?) with an .xlsx name, not an Excel workbook: "
                "send back the answer form itself",
            )
        _refuse(source, "is not an Excel workbook (.xlsx): send back the answer form itself")
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        _refuse(source, "is a damaged Excel workbook and cannot be read: ask for the form again")
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        _refuse(source, f"unpacks to more than {MAX_UNPACKED_BYTES // 10**6} MB: {NOT_A_FORM}")
    if not any(entry.filename == "xl/workbook.xml" for entry in entries):
        _refuse(source, f"is a zip file but not an Excel workbook: {NOT_A_FORM}")


def _is_text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(head) - 4  # a character cut off at the end of the sample
    return True


def _read(workbook: Any, source: str) -> ReturnedForm:
    if META_SHEET not in workbook.sheetnames:
        _refuse(source, f"{NOT_A_FORM} (it has no hidden '{META_SHEET}' sheet)")
    meta: dict[str, str] = {}
    for values in workbook[META_SHEET].iter_rows(max_row=MAX_META_ROWS, max_col=2, values_only=True):
        key = _text(values[0]) if values else ""
        if key and key not in meta:
            meta[key] = _text(values[1]) if len(values) > 1 else ""
    if meta.get(MARKER) is None:
        _refuse(source, f"{NOT_A_FORM} (its '{META_SHEET}' sheet does not hold a form's details)")
    if meta[MARKER] != FORM_FORMAT:
        _refuse(
            source,
            f"is an answer form of layout {meta[MARKER]!r}, which this kamtui cannot read "
            f"(it reads layout {FORM_FORMAT}): update kamtui",
        )
    checksum = meta.get(CHECKSUM, "")
    meta = {key: meta[key] for key in META_FIELDS if key in meta}
    if ANSWERS_SHEET not in workbook.sheetnames:
        _refuse(
            source,
            f"has no '{ANSWERS_SHEET}' sheet (renamed or deleted?): ask the person for the form as sent",
        )
    sheet = workbook[ANSWERS_SHEET]
    wanted = [name.lower() for name in HEADER]
    header_row = None
    rows_iter = sheet.iter_rows(
        max_row=HEADER_SEARCH_ROWS + MAX_ANSWER_ROWS + 1, max_col=len(HEADER), values_only=True
    )
    rows: list[FormRow] = []
    for number, values in enumerate(rows_iter, 1):
        cells = [_text(value) for value in values] + [""] * (len(HEADER) - len(values))
        if header_row is None:
            if [cell.lower() for cell in cells[: len(HEADER)]] == wanted:
                header_row = number
            elif number >= HEADER_SEARCH_ROWS:
                break
            continue
        if number > header_row + MAX_ANSWER_ROWS:
            _refuse(source, f"its {ANSWERS_SHEET} sheet has more than {MAX_ANSWER_ROWS} rows: {NOT_A_FORM}")
        indicator, answer, comment = (
            cells[0],
            cells[3],
            _text(values[4], strip=False) if len(values) > 4 else "",
        )
        if indicator or answer or comment.strip():
            rows.append(FormRow(number, indicator, answer, comment.strip()))
    if header_row is None:
        _refuse(
            source,
            f"its {ANSWERS_SHEET} sheet has lost the header row {', '.join(HEADER)}: "
            "ask the person for the form as sent",
        )
    return ReturnedForm(source=source, meta=meta, checksum=checksum, rows=tuple(rows))


def _text(value: object, *, strip: bool = True) -> str:
    """A cell value as text: a whole number without ``.0`` (a typed 3 is stored as 3.0), a date ISO."""
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    elif isinstance(value, dt.datetime | dt.date | dt.time):
        text = value.isoformat()
    else:
        text = str(value)
    return text.strip() if strip else text


def _refuse(source: str, message: str, where: str = "") -> NoReturn:
    raise FormsError(source, [Problem(source, where, message)])


# ---------------------------------------------------------------------------------------------- many


def form_paths(paths: Iterable[Path | str]) -> tuple[list[Path], list[Problem]]:
    """The form files named by ``paths``: files as given, folders as every ``.xlsx`` in them (sorted).

    Excel's lock files (``~$name.xlsx``) and hidden files are skipped; the same file named twice is read
    once. A missing path, a folder without forms or a file that is not ``.xlsx`` is a problem.
    """
    found: list[Path] = []
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = os.path.normcase(os.path.realpath(path))
        if key not in seen:
            seen.add(key)
            found.append(path)

    for raw in paths:
        path = Path(raw)
        source = str(raw)
        if path.is_dir():
            try:
                entries = sorted(path.iterdir(), key=lambda p: p.name.lower())
            except OSError as exc:
                problems.append(Problem(source, "", f"cannot be read ({exc.strerror or exc})"))
                continue
            forms = [
                entry
                for entry in entries
                if entry.suffix.lower() == ".xlsx"
                and not entry.name.startswith(("~$", "."))
                and entry.is_file()
            ]
            if not forms:
                problems.append(Problem(source, "", "no .xlsx answer forms in this folder"))
            for entry in forms:
                add(entry)
        elif not path.exists():
            problems.append(Problem(source, "", "file or folder not found"))
        elif path.suffix.lower() != ".xlsx":
            problems.append(Problem(source, "", "expected an .xlsx answer form or a folder of them"))
        else:
            add(path)
    return found, problems


def read_forms(paths: Iterable[Path | str]) -> tuple[list[ReturnedForm], list[Problem]]:
    """Every form named by ``paths`` (see :func:`form_paths`) and the problems of those that cannot be read.

    Hand both to :func:`kamtui.core.forms.collect`, which reports them together with its own.
    """
    files, problems = form_paths(paths)
    forms: list[ReturnedForm] = []
    for path in files:
        try:
            forms.append(read_form(path))
        except FormsError as error:
            problems.extend(error.problems)
    return forms, problems
