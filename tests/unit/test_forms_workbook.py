"""kamtui.excel.forms_workbook: the personal answer form as written (README, "Healthcheck")."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kamtui.core.errors import InvalidValueError
from kamtui.core.forms import (
    ANSWER_LIST,
    CODE_ALPHABET,
    CODE_LENGTH,
    HEADER,
    META_FIELDS,
    AnswerRow,
    FormSpec,
    Person,
    blank_codes,
    blank_form_specs,
    form_checksum,
    form_specs,
)
from kamtui.core.survey import load_survey, survey_from_dict
from kamtui.excel.common import ExportError
from kamtui.excel.forms_reader import read_form
from kamtui.excel.forms_workbook import (
    FIRST_ROW,
    HEADER_ROW,
    form_file_names,
    forms_folder,
    write_form,
    write_forms,
)


def small_survey(version: int = 1):
    """Two elements of two and three statements."""

    def element(eid: str, name: str, ids: list[str]) -> dict:
        return {
            "id": eid,
            "name": name,
            "part": 1,
            "description": f"What {name} covers.",
            "levels": [f"{name} level {k}" for k in range(1, 6)],
            "prescriptions": [f"{name} step {k}" for k in range(1, 5)],
            "indicators": [{"id": i, "text": f"Statement {i}."} for i in ids],
        }

    return survey_from_dict(
        {
            "id": "mini",
            "title": "Mini survey",
            "version": version,
            "elements": [
                element("gov", "Governance", ["GOV-01", "GOV-02"]),
                element("plan", "Account plans", ["PLN-01", "PLN-02", "PLN-03"]),
            ],
        }
    )


@pytest.fixture(scope="module")
def survey():
    return load_survey("kam-healthcheck")


@pytest.fixture(scope="module")
def form_path(tmp_path_factory, survey) -> tuple[Path, FormSpec]:
    spec = FormSpec(
        7, "Annual healthcheck 2025", survey, "Priya Shah", "KAM", "priya@example.com", "F-TEST000001"
    )
    path = write_form(tmp_path_factory.mktemp("form") / "priya.xlsx", spec)
    return path, spec


def test_sheets_and_answers_layout(form_path, survey):
    path, _ = form_path
    wb = load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Answers", "Form"]
    assert [ws.sheet_state for ws in wb] == ["visible", "visible", "hidden"]
    assert wb.active.title == "Answers"
    ws = wb["Answers"]
    header = [ws.cell(HEADER_ROW, c).value for c in range(1, 11)]
    assert header[:5] == list(HEADER) == ["Indicator", "Element", "Statement", "Answer", "Comment"]
    assert header[5:] == ["1 Ad hoc", "2 Awareness", "3 Repeatable", "4 Predictable", "5 Activating"]
    # one title row per element, then its statements in survey order, anchors beside each
    row = FIRST_ROW
    for element in survey.elements:
        assert ws.cell(row, 1).value is None
        assert ws.cell(row, 2).value == element.name
        row += 1
        for indicator in element.indicators:
            assert ws.cell(row, 1).value == indicator.id
            assert ws.cell(row, 2).value == element.name
            assert ws.cell(row, 3).value == indicator.text
            assert ws.cell(row, 4).value is None and ws.cell(row, 5).value is None
            assert tuple(ws.cell(row, c).value for c in range(6, 11)) == survey.anchors_for(indicator.id)
            row += 1
    assert row == FIRST_ROW + 12 + 120
    assert ws.max_row == row - 1


def test_dropdown_progress_protection_and_print(form_path):
    path, _ = form_path
    wb = load_workbook(path)
    ws = wb["Answers"]
    last = FIRST_ROW + 12 + 120 - 1
    (validation,) = ws.data_validations.dataValidation
    assert validation.type == "list"
    assert validation.formula1 == '"' + ",".join(ANSWER_LIST) + '"'
    assert ANSWER_LIST == (
        "1 Ad hoc",
        "2 Awareness",
        "3 Repeatable",
        "4 Predictable",
        "5 Activating",
        "na",
        "unknown",
    )
    assert str(validation.sqref) == f"D{FIRST_ROW}:D{last}"
    assert validation.allow_blank and validation.showErrorMessage and validation.errorStyle == "stop"
    assert ws["D2"].value == f"=COUNTA(D{FIRST_ROW}:D{last})/120"
    assert ws["E2"].value == f'=COUNTA(D{FIRST_ROW}:D{last})&" of 120 statements"'
    assert ws.protection.sheet is True and not ws.protection.password
    for sheet in wb:
        assert sheet.protection.sheet is True and not sheet.protection.password
    statement_row, title_row = FIRST_ROW + 1, FIRST_ROW
    assert ws.cell(statement_row, 4).protection.locked is False
    assert ws.cell(statement_row, 5).protection.locked is False
    for column in (1, 2, 3, 6, 10):
        assert ws.cell(statement_row, column).protection.locked is True
    assert ws.cell(title_row, 4).protection.locked is True
    assert ws["D2"].protection.locked is True
    # every unlocked cell of the sheet is an Answer or Comment cell of a statement
    unlocked = {(c.row, c.column) for r in ws.iter_rows() for c in r if c.protection.locked is False}
    statement_rows = {r for r in range(FIRST_ROW, last + 1) if ws.cell(r, 1).value}
    assert unlocked == {(r, c) for r in statement_rows for c in (4, 5)}
    assert ws.freeze_panes == f"A{FIRST_ROW}"
    assert ws.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    assert ws.column_dimensions["C"].width == 56 and ws.column_dimensions["D"].width == 17
    assert ws.cell(statement_row, 3).alignment.wrap_text is True


def test_hidden_details_and_checksum(form_path, survey):
    path, spec = form_path
    ws = load_workbook(path)["Form"]
    values = {
        ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value
    }
    assert values["kamtui answer form"] == "1"
    fields = {key: values[key] for key in META_FIELDS}
    assert fields == {
        "form_id": "F-TEST000001",
        "assessment_id": "7",
        "assessment_title": "Annual healthcheck 2025",
        "survey_id": "kam-healthcheck",
        "survey_version": str(survey.version),
        "respondent": "Priya Shah",
        "role": "KAM",
        "email": "priya@example.com",
        "anonymous": "no",
    }
    assert fields == spec.fields()
    assert values["checksum"] == form_checksum(fields, survey.indicator_ids)
    assert re.fullmatch(r"[0-9a-f]{64}", values["checksum"])
    # every value, numbers included, is stored as text so no spreadsheet program changes it
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, 2).value is not None:
            assert ws.cell(row, 2).data_type == "s"
    form = read_form(path)
    assert form.meta == fields and form.checksum == values["checksum"]
    assert form.indicator_ids == list(survey.indicator_ids)


def test_instructions_sheet(form_path, survey):
    path, _ = form_path
    texts = [c.value for row in load_workbook(path)["Instructions"].iter_rows() for c in row if c.value]
    joined = "\n".join(str(t) for t in texts)
    assert "Priya Shah (KAM)" in texts
    for level in (
        "1 Ad hoc",
        "2 Awareness",
        "3 Repeatable",
        "4 Predictable",
        "5 Activating",
        "na",
        "unknown",
    ):
        assert level in texts
    assert "How to answer" in texts and "Sending it back" in texts
    assert f"KAM Programme Healthcheck (version {survey.version}), 120 statements" in joined


def test_anchors_written_beside_each_statement(tmp_path):
    """A survey with survey-wide and per-statement anchors: each row carries the ones that apply."""
    from kamtui.core.survey import survey_from_dict

    data = small_survey().to_dict()
    scale = [f"scale {k}" for k in range(1, 6)]
    own = [f"own {k}" for k in range(1, 6)]
    data["scale"] = scale
    data["elements"][0]["indicators"][0]["levels"] = own
    survey = survey_from_dict(data, "test survey")
    path = write_form(tmp_path / "f.xlsx", FormSpec(1, "T", survey, "Ann"))
    ws = load_workbook(path)["Answers"]
    assert tuple(ws.cell(FIRST_ROW + 1, c).value for c in range(6, 11)) == tuple(own)
    assert tuple(ws.cell(FIRST_ROW + 2, c).value for c in range(6, 11)) == tuple(scale)


DANGEROUS = ['=HYPERLINK("http://evil.example","x")', "+Sales ops", "-1+2", "@SUM(A1:A2)"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_safe_text(tmp_path, text):
    survey = small_survey()
    prefill = (
        AnswerRow(text, text, "GOV-01", 3, "rated", text),
        AnswerRow(text, text, "PLN-02", None, None, text),
    )
    spec = FormSpec(3, text, survey, text, text, form_id="F-SAFE", prefill=prefill)
    path = write_form(tmp_path / "f.xlsx", spec)
    wb = load_workbook(path)
    ws = wb["Answers"]
    comments = [ws.cell(r, 5) for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, 5).value is not None]
    assert [c.value for c in comments] == [text, text]
    assert all(c.data_type == "s" and c.quotePrefix for c in comments)
    assert ws.cell(FIRST_ROW + 1, 4).value == "3 Repeatable"
    assert ws["A1"].value == f"{text}: answer form for {text} ({text})" and ws["A1"].data_type == "s"
    meta = wb["Form"]
    respondent = next(meta.cell(r, 2) for r in range(1, 20) if meta.cell(r, 1).value == "respondent")
    assert respondent.value == text and respondent.data_type == "s" and respondent.quotePrefix
    # in the file itself only the two progress cells are formulas
    with zipfile.ZipFile(path) as archive:
        formulas = [
            f
            for name in archive.namelist()
            if name.startswith("xl/worksheets/")
            for f in re.findall(r"<f>(.*?)</f>", archive.read(name).decode())
        ]
    assert len(formulas) == 2 and all(f.startswith("COUNTA(D") for f in formulas)
    form = read_form(path)
    assert form.respondent == text and form.role == text
    assert [(r.indicator, r.answer, r.comment) for r in form.rows if r.comment] == [
        ("GOV-01", "3 Repeatable", text),
        ("PLN-02", "", text),
    ]


def test_file_names_safe_and_unique(survey):
    people = [
        Person("Priya Shah"),
        Person("priya  shah"),
        Person("Anne-Marie Ödegård"),
        Person("Con"),
        Person("王小明"),
        Person("../../etc/passwd"),
    ]
    specs = [FormSpec(1, "T", survey, p.name, form_id=f"F-ID{k}") for k, p in enumerate(people)]
    specs += blank_form_specs(1, "T", survey, 2)
    names = form_file_names(specs)
    assert names[:6] == [
        "priya-shah.xlsx",
        "priya-shah-2.xlsx",
        "anne-marie-odegard.xlsx",
        "con-form.xlsx",
        "f-id4.xlsx",
        "etc-passwd.xlsx",
    ]
    assert names[6:] == [f"{specs[6].respondent}.xlsx", f"{specs[7].respondent}.xlsx"]
    assert len({n.lower() for n in names}) == len(names)
    assert all(re.fullmatch(r"[A-Za-z0-9-]+\.xlsx", n) for n in names)


def test_write_forms_one_file_per_person(tmp_path):
    survey = small_survey()
    people = [Person("Priya Shah", "KAM", "priya@example.com"), Person("Jonas Berg", "Leadership")]
    specs = form_specs(5, "Spring", survey, people) + blank_form_specs(
        5, "Spring", survey, 2, role="Customer"
    )
    folder = tmp_path / "exports" / "forms-spring"
    paths = write_forms(folder, specs)
    assert [p.name for p in paths] == form_file_names(specs)
    assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in paths)  # no temporary file left
    forms = [read_form(p) for p in paths]
    assert [(f.respondent, f.role, f.meta["anonymous"]) for f in forms] == [
        ("Priya Shah", "KAM", "no"),
        ("Jonas Berg", "Leadership", "no"),
        (specs[2].respondent, "Customer", "yes"),
        (specs[3].respondent, "Customer", "yes"),
    ]
    assert len({f.form_id for f in forms}) == 4
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(ExportError, match="it is a file, not a folder"):
        write_forms(tmp_path / "a-file", specs)


def test_forms_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    now = dt.datetime(2025, 3, 1, 9, 30)
    assert (
        forms_folder("Annual Healthcheck 2025", None, now)
        == tmp_path / "exports" / "forms-annual-healthcheck-2025-20250301-0930"
    )
    assert forms_folder("", None, now) == tmp_path / "exports" / "forms-20250301-0930"
    assert forms_folder("x", "out/here", now) == tmp_path / "out" / "here"
    with pytest.raises(ExportError, match="one workbook per person"):
        forms_folder("x", "forms.xlsx", now)


def test_blank_codes():
    codes = blank_codes(200, taken=["ABC234"])
    assert len(codes) == len(set(codes)) == 200
    assert all(len(c) == CODE_LENGTH and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert not set("01OI") & set(CODE_ALPHABET)
    for bad in (0, -1, 1001, 2.0, True):
        with pytest.raises(InvalidValueError, match="from 1 to 1000"):
            blank_codes(bad)  # type: ignore[arg-type]
