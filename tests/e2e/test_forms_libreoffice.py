"""Answer forms that a real spreadsheet program opened and saved again still collect (README, "Healthcheck").

Each form is written, filled through openpyxl, then opened and re-saved by LibreOffice (headless convert to
xlsx). The re-saved files keep the dropdown, the sheet protection and the hidden details, and collect to
exactly the answers typed. Skipped, saying so, where LibreOffice is not installed.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kamtui.core.forms import ANSWER_LIST, AnswerRow, Person, blank_form_specs, collect, form_specs
from kamtui.core.survey import load_survey
from kamtui.excel.forms_reader import read_form, read_forms
from kamtui.excel.forms_workbook import FIRST_ROW, write_forms

from .libreoffice import convert, soffice_or_skip

TITLE = "Annual healthcheck 2025"
LAST_ROW = FIRST_ROW + 12 + 120 - 1  # 12 element title rows and 120 statements


def fill(path: Path, answers: dict[str, object], comments: dict[str, str]) -> None:
    wb = load_workbook(path)
    ws = wb["Answers"]
    row_of = {ws.cell(r, 1).value: r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value}
    for indicator, value in answers.items():
        ws.cell(row_of[indicator], 4).value = value
    for indicator, text in comments.items():
        cell = ws.cell(row_of[indicator], 5)
        cell.value = text
        cell.data_type = "s"
    wb.save(path)


def test_forms_resaved_by_libreoffice_still_collect(tmp_path):
    soffice_or_skip()
    survey = load_survey("kam-healthcheck")
    specs = form_specs(7, TITLE, survey, [Person("Priya Shah", "KAM"), Person("=Jonas Berg", "+Leadership")])
    specs += blank_form_specs(7, TITLE, survey, 1, role="Customer")
    paths = write_forms(tmp_path / "sent", specs)
    code = specs[2].respondent
    fill(
        paths[0],
        {
            "PCM-01": "3 Repeatable",
            "PCM-02": "Repeatable",
            "PCM-03": "na",
            "PCM-04": "unknown",
            "PCM-05": 4,
            "KAP-10": "5 Activating",
        },
        {"PCM-06": "comment only", "PCM-01": "-2 accounts still without a plan", "KAP-10": "@board level"},
    )
    fill(paths[1], {"PCM-01": "1 Ad hoc", "MRP-03": "2"}, {"MRP-03": "=not a formula"})
    fill(paths[2], {f"PCM-{k:02d}": "4 Predictable" for k in range(1, 11)}, {})
    before = collect([read_form(p) for p in paths], 7, survey)

    returned = tmp_path / "returned"
    returned.mkdir()
    for path in paths:
        convert(path, "xlsx", tmp_path).rename(returned / path.name)

    for path in sorted(returned.iterdir()):
        with zipfile.ZipFile(path) as archive:  # really written by LibreOffice, not the file we sent
            assert b"LibreOffice" in archive.read("docProps/app.xml")
        wb = load_workbook(path)
        assert wb.sheetnames == ["Instructions", "Answers", "Form"]
        assert wb["Form"].sheet_state == "hidden"
        ws = wb["Answers"]
        (validation,) = ws.data_validations.dataValidation
        assert validation.type == "list"
        assert validation.formula1 == '"' + ",".join(ANSWER_LIST) + '"'
        assert str(validation.sqref) == f"D{FIRST_ROW}:D{LAST_ROW}"
        assert ws.protection.sheet is True and not ws.protection.password
        assert ws.cell(FIRST_ROW + 1, 4).protection.locked is False
        assert ws.cell(FIRST_ROW + 1, 5).protection.locked is False
        assert ws.cell(FIRST_ROW + 1, 3).protection.locked is True
        assert ws.cell(FIRST_ROW, 4).protection.locked is True  # an element's title row
        # LibreOffice computed the progress formula: the answered share of the 120 statements
        progress = load_workbook(path, data_only=True)["Answers"]
        summary = next(f for f in before.forms if Path(f.file).name == path.name)
        answers_typed = sum(1 for r in before.rows if r.respondent == summary.respondent and r.status)
        assert progress["D2"].value == pytest.approx(answers_typed / 120)
        assert progress["E2"].value == f"{answers_typed} of 120 statements"

    forms, problems = read_forms([returned])
    assert problems == []
    after = collect(forms, 7, survey, ["Priya Shah", "=Jonas Berg", code, "Lena Ortiz"])
    assert {f.respondent: f.answered for f in after.forms} == {"Priya Shah": 6, "=Jonas Berg": 2, code: 10}
    assert sorted(after.rows, key=repr) == sorted(before.rows, key=repr)
    p = ("Priya Shah", "KAM")
    assert [r for r in after.rows if r.respondent == "Priya Shah"] == [
        AnswerRow(*p, "PCM-01", 3, "rated", "-2 accounts still without a plan"),
        AnswerRow(*p, "PCM-02", 3, "rated", None),
        AnswerRow(*p, "PCM-03", None, "na", None),
        AnswerRow(*p, "PCM-04", None, "unknown", None),
        AnswerRow(*p, "PCM-05", 4, "rated", None),
        AnswerRow(*p, "PCM-06", None, None, "comment only"),
        AnswerRow(*p, "KAP-10", 5, "rated", "@board level"),
    ]
    assert [r for r in after.rows if r.respondent == "=Jonas Berg"] == [
        AnswerRow("=Jonas Berg", "+Leadership", "PCM-01", 1, "rated", None),
        AnswerRow("=Jonas Berg", "+Leadership", "MRP-03", 2, "rated", "=not a formula"),
    ]
    assert after.missing == ("Lena Ortiz",)
    meta = read_form(returned / paths[1].name).meta
    assert (meta["respondent"], meta["role"], meta["assessment_id"], meta["survey_version"]) == (
        "=Jonas Berg",
        "+Leadership",
        "7",
        str(survey.version),
    )
