"""Personal answer forms: one workbook per person, answered offline, collected back (README, "Healthcheck").

A form has three sheets:

* **Instructions**: who the form is for, how to answer, the five levels, when to use ``na`` / ``unknown``,
  how to send it back.
* **Answers**: a title, a progress line (live formulas), the header ``Indicator, Element, Statement,
  Answer, Comment`` and one row per statement, grouped under a title row per element. Beside each statement
  are the five level descriptions that apply to it (:func:`anchors`). The Answer column is a dropdown (data
  validation) of ``1 Ad hoc`` .. ``5 Activating``, ``na`` and ``unknown``; only the Answer and Comment cells
  are unlocked (sheet protection without a password, so nobody is ever locked out).
* **Form** (hidden): the assessment, survey and respondent the form belongs to, its form id and a checksum
  over those fields and the indicator id column (:func:`kamtui.core.forms.form_checksum`).

Every piece of text goes through :func:`kamtui.excel.common.set_value` (never a formula) and every file is
written atomically (:func:`kamtui.excel.common.atomic_save`).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kamtui.core.forms import (
    ANSWER_LIST,
    ANSWERS_SHEET,
    CHECKSUM,
    FORM_FORMAT,
    HEADER,
    MARKER,
    META_FIELDS,
    META_SHEET,
    FormSpec,
    answer_text,
    form_checksum,
)
from kamtui.core.levels import LEVELS
from kamtui.core.names import name_key
from kamtui.excel import common as xl
from kamtui.excel.common import ExportError

INSTRUCTIONS_SHEET = "Instructions"
TITLE_ROW, PROGRESS_ROW, HINT_ROW, HEADER_ROW = 1, 2, 3, 4
FIRST_ROW = HEADER_ROW + 1
WIDTHS = (11, 22, 56, 17, 38, *([30] * len(LEVELS)))
LEVEL_HEADERS = tuple(f"{level.number} {level.name}" for level in LEVELS)
ANSWER_FILLS = ("FFC7CE", "FCD5B4", "FFEB9C", "C6EFCE", "BDD7EE")  # healthcheck_workbook.LEVEL_FILLS order

INPUT = "kam form input"  # an unlocked Answer / Comment cell
ELEMENT = "kam form element"  # an element's title row
ELEMENT_NOTE = "kam form element note"  # its description
ANCHOR = "kam form anchor"  # a level description beside a statement
LOCKED_VALUE = "kam form value"
RIGHT_LABEL = "kam form right label"

GENERIC_LEVELS = {
    1: "Nothing is defined: it depends on individuals and happens, if at all, case by case.",
    2: "The need is recognised and first steps are taken, but not consistently or by everyone.",
    3: "A defined way of working exists, is written down and is mostly followed.",
    4: "It is followed everywhere, measured and managed: results are predictable.",
    5: "It is embedded, improved on evidence and actively drives the customer relationship.",
}
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(1, 10)),
    *(f"lpt{i}" for i in range(1, 10)),
}


def write_form(path: Path | str, form: FormSpec, *, secret: bytes = b"") -> Path:
    """Write one personal answer form to ``path`` (atomically); returns the path."""
    workbook = build_form(form, secret=secret)
    return xl.atomic_save(workbook, Path(path))


def build_form(form: FormSpec, *, secret: bytes = b"") -> Any:
    """The form as an openpyxl workbook (not saved)."""
    from openpyxl import Workbook

    from kamtui import __version__

    workbook = Workbook()
    _add_styles(workbook)
    workbook.properties.title = xl.safe_text(f"Healthcheck answer form: {form.title}")
    workbook.properties.creator = f"kamtui {__version__}"
    instructions = workbook.active
    instructions.title = INSTRUCTIONS_SHEET
    answers = workbook.create_sheet(ANSWERS_SHEET)
    ids = _answers(answers, form)
    _instructions(instructions, form, len(ids))
    _meta(workbook.create_sheet(META_SHEET), form, ids, secret)
    workbook.active = 1  # opens on the Answers sheet
    instructions.sheet_view.tabSelected = False
    answers.sheet_view.tabSelected = True
    return workbook


def _add_styles(workbook: Any) -> None:
    from openpyxl.styles import Alignment, Border, Font, NamedStyle, Protection, Side

    xl.add_styles(workbook)
    thin = Side(style="thin", color="A6A6A6")
    if INPUT not in workbook.named_styles:
        style = NamedStyle(name=INPUT)
        style.alignment = Alignment(vertical="top", wrap_text=True)
        style.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        style.protection = Protection(locked=False)
        workbook.add_named_style(style)
    xl.add_style(
        workbook,
        ELEMENT,
        font=Font(bold=True),
        fill="DDEBF7",
        alignment=Alignment(vertical="top", wrap_text=True),
    )
    xl.add_style(workbook, ELEMENT_NOTE, fill="DDEBF7", alignment=Alignment(vertical="top", wrap_text=True))
    xl.add_style(
        workbook,
        ANCHOR,
        font=Font(size=9, color="404040"),
        alignment=Alignment(vertical="top", wrap_text=True),
    )
    xl.add_style(workbook, LOCKED_VALUE, alignment=Alignment(horizontal="left", vertical="top"))
    xl.add_style(
        workbook, RIGHT_LABEL, font=Font(bold=True), alignment=Alignment(horizontal="right", vertical="top")
    )


def _answers(ws: Any, form: FormSpec) -> list[str]:
    """The Answers sheet; returns the indicator ids in sheet order (what the checksum covers)."""
    from openpyxl.formatting.rule import FormulaRule
    from openpyxl.worksheet.datavalidation import DataValidation

    survey = form.survey
    prefill = {row.indicator: row for row in form.prefill}
    who = form.respondent + (f" ({form.role})" if form.role else "")
    xl.put(ws, TITLE_ROW, 1, f"{form.title}: answer form for {who}", xl.TITLE)
    xl.put(
        ws,
        HINT_ROW,
        1,
        "Pick an answer in each white Answer cell (the dropdown), add a comment where it "
        "helps. The five levels for each statement are on the right.",
        xl.TEXT,
    )
    for column, name in enumerate((*HEADER, *LEVEL_HEADERS), 1):
        xl.put(ws, HEADER_ROW, column, name, xl.HEADER)
    row = FIRST_ROW
    ids: list[str] = []
    for element in survey.elements:
        xl.put(ws, row, 1, None, ELEMENT)
        xl.put(ws, row, 2, element.name, ELEMENT)
        xl.put(ws, row, 3, element.description or None, ELEMENT_NOTE)
        for column in range(4, len(WIDTHS) + 1):
            xl.put(ws, row, column, None, ELEMENT)
        height = xl.wrapped_height([(element.name, WIDTHS[1] * 0.85), (element.description, WIDTHS[2] * 0.9)])
        if height:
            ws.row_dimensions[row].height = height
        row += 1
        for indicator in element.indicators:
            levels = survey.anchors_for(indicator.id)  # the statement's own, the scale, or the element's
            given = prefill.get(indicator.id)
            xl.put(ws, row, 1, indicator.id, xl.TEXT)
            xl.put(ws, row, 2, element.name, xl.WRAP)
            xl.put(ws, row, 3, indicator.text, xl.WRAP)
            xl.put(ws, row, 4, answer_text(given.value, given.status) if given else None, INPUT)
            xl.put(ws, row, 5, given.comment if given else None, INPUT)
            for offset, text in enumerate(levels):
                xl.put(ws, row, 6 + offset, text, ANCHOR)
            height = max(
                xl.wrapped_height([(indicator.text, WIDTHS[2])]) or 0,
                xl.wrapped_height([(t, WIDTHS[5]) for t in levels], line_height=12.5) or 0,  # 9 pt text
            )
            if height:
                ws.row_dimensions[row].height = height
            ids.append(indicator.id)
            row += 1
    last = row - 1
    answer_range = f"D{FIRST_ROW}:D{last}"
    total = len(ids)
    xl.put(ws, PROGRESS_ROW, 3, "Answered so far", RIGHT_LABEL)
    xl.set_formula(ws.cell(PROGRESS_ROW, 4), f"=COUNTA({answer_range})/{total}", xl.PERCENT)
    xl.set_formula(ws.cell(PROGRESS_ROW, 5), f'=COUNTA({answer_range})&" of {total} statements"', xl.TEXT)

    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(ANSWER_LIST) + '"',
        allow_blank=True,
        showDropDown=False,  # False shows the in-cell arrow (the attribute's meaning is inverted)
        showErrorMessage=True,
        showInputMessage=True,
        errorStyle="stop",
        errorTitle="Not an answer",
        error="Pick an answer from the list: 1 Ad hoc .. 5 Activating, na (not applicable) or unknown.",
        promptTitle="Your answer",
        prompt="1-5 from the list; na if it does not apply here, unknown if you cannot judge it.",
    )
    validation.add(answer_range)
    ws.add_data_validation(validation)
    for level, fill in zip(LEVELS, ANSWER_FILLS, strict=True):
        ws.conditional_formatting.add(
            answer_range,
            FormulaRule(formula=[f'LEFT($D{FIRST_ROW},1)="{level.number}"'], fill=xl.solid_fill(fill)),
        )

    ws.freeze_panes = f"A{FIRST_ROW}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    ws.print_area = f"A1:{_column(len(WIDTHS))}{last}"
    xl.print_landscape(ws)
    ws.oddFooter.center.text = "Page &P of &N"
    xl.set_widths(ws, WIDTHS)
    ws.row_dimensions[HEADER_ROW].height = 30
    _protect(ws)
    return ids


def _column(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index)


def _protect(ws: Any) -> None:
    """Sheet protection without a password; people may still resize columns and rows and select cells."""
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.selectLockedCells = False
    ws.protection.selectUnlockedCells = False


INSTRUCTION_WIDTHS = (16, 100)


def _instructions(ws: Any, form: FormSpec, total: int) -> None:
    survey = form.survey
    row = 1

    def line(label: str | None, text: str | None, style: str = xl.WRAP) -> None:
        nonlocal row
        xl.put(ws, row, 1, label, xl.LABEL)
        xl.put(ws, row, 2, text, style)
        height = xl.wrapped_height([(text, INSTRUCTION_WIDTHS[1])])
        if height:
            ws.row_dimensions[row].height = height
        row += 1

    def heading(text: str) -> None:
        nonlocal row
        row += 1
        xl.put(ws, row, 1, text, xl.TITLE)
        row += 1

    xl.put(ws, row, 1, f"{form.title}: your answer form", xl.TITLE)
    row += 2
    line("For", form.respondent + (f" ({form.role})" if form.role else ""), LOCKED_VALUE)
    line("Survey", f"{survey.title} (version {survey.version}), {total} statements", LOCKED_VALUE)
    line("Form", form.form_id, LOCKED_VALUE)
    if form.anonymous:
        line(None, "This form is anonymous: it carries a code, not your name. Keep the code to yourself.")

    heading("How to answer")
    for text in (
        "Open the Answers sheet. Each row is one statement about the key account management programme.",
        "For each statement pick the level that describes how things really are today (not how they should "
        "be) from the dropdown in the Answer cell. The five descriptions on the right of the row say what "
        "each level looks like for that statement.",
        "Add a comment where it helps: an example, a doubt, where it differs between accounts.",
        "The line at the top shows how many statements you have answered. You can stop, save and come back.",
        "Only the Answer and Comment cells can be changed; leave everything else, and the other sheets, "
        "as they are so the answers can be read back.",
    ):
        line("•", text)

    heading("The five levels")
    for level in LEVELS:
        line(f"{level.number} {level.name}", GENERIC_LEVELS[level.number])
    heading("When a level does not fit")
    line("na", "Not applicable: the statement does not apply to your programme or your part of it.")
    line("unknown", "You cannot judge it: you do not know, or have not seen enough to say.")
    line(
        "blank",
        "Not answered yet. Blank statements are simply left out; na and unknown count as answered "
        "but never change a score.",
    )

    heading("Sending it back")
    for text in (
        "Save the workbook as an Excel workbook (.xlsx), under any file name.",
        "Send it back to the person who sent it to you, by e-mail or however you agreed. "
        "You can send an updated copy later: the newer answers replace the earlier ones.",
    ):
        line("•", text)
    xl.set_widths(ws, INSTRUCTION_WIDTHS)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    _protect(ws)


def _meta(ws: Any, form: FormSpec, ids: Sequence[str], secret: bytes) -> None:
    """The hidden sheet: marker, the fields of META_FIELDS, the checksum. Every value is text."""
    fields = {key: xl.safe_text(value).strip() for key, value in form.fields().items()}
    xl.put(ws, 1, 1, MARKER)
    xl.put(ws, 1, 2, FORM_FORMAT)
    for row, key in enumerate(META_FIELDS, 2):
        xl.put(ws, row, 1, key)
        xl.put(ws, row, 2, fields[key])
    row = len(META_FIELDS) + 2
    xl.put(ws, row, 1, CHECKSUM)
    xl.put(ws, row, 2, form_checksum(fields, ids, secret))
    xl.put(ws, row + 2, 1, "kamtui reads these cells when the form is collected: do not change them.")
    xl.set_widths(ws, (20, 70))
    ws.sheet_state = "hidden"
    _protect(ws)


# ---------------------------------------------------------------------------------------------- batches


def form_file_names(forms: Sequence[FormSpec]) -> list[str]:
    """A safe, unique ``.xlsx`` file name per form: the person's name as a slug, an anonymous form its code.

    Names that leave no letters or digits use the form id; repeats get ``-2``, ``-3`` ...; names Windows
    reserves (``con``, ``nul`` ...) get ``-form``.
    """
    names: list[str] = []
    used: set[str] = set()
    for form in forms:
        if form.anonymous:
            stem = "".join(ch for ch in form.respondent if ch.isalnum() and ch.isascii()) or xl.slugify(
                form.form_id
            )
        else:
            stem = xl.slugify(form.respondent) or xl.slugify(form.form_id)
        if stem.lower() in _RESERVED:
            stem += "-form"
        candidate, count = stem, 1
        while name_key(candidate) in used:
            count += 1
            candidate = f"{stem}-{count}"
        used.add(name_key(candidate))
        names.append(candidate + xl.SUFFIX)
    return names


def write_forms(folder: Path | str, forms: Sequence[FormSpec], *, secret: bytes = b"") -> list[Path]:
    """Write one form per person into ``folder`` (created when missing); the paths, in ``forms`` order.

    Each file is written atomically; a file of the same name already in the folder is replaced.
    """
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"cannot write the forms into {folder}: it is a file, not a folder")
    return [
        write_form(folder / name, form, secret=secret)
        for name, form in zip(form_file_names(forms), forms, strict=True)
    ]


def forms_folder(title: str, output: str | os.PathLike[str] | None, now: dt.datetime) -> Path:
    """Where a batch of forms goes (absolute): ``output``, else ``./exports/forms-<slug>-<date>/``.

    ``<date>`` is ``YYYYMMDD-HHMM`` as in every export name (:func:`kamtui.excel.common.default_name`).
    """
    if output is not None and str(output) != "":
        path = Path(os.fspath(output)).expanduser()
        if path.is_file() or path.suffix.lower() in {xl.SUFFIX, *xl.OTHER_SPREADSHEET_SUFFIXES}:
            raise ExportError(f"the forms go into a folder, one workbook per person: {path} is a file name")
        return path.absolute()
    name = xl.default_name("forms", title, now).removesuffix(xl.SUFFIX)
    return (Path.cwd() / "exports" / name).absolute()
