"""Returned answer forms: read back, collected all or nothing, every bad input refused by message."""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from kamtui.core.errors import ImportFileError, InvalidValueError
from kamtui.core.forms import (
    AnswerRow,
    FormsError,
    FormSpec,
    Person,
    blank_form_specs,
    collect,
    form_specs,
    parse_form_answer,
    people_from_table,
)
from kamtui.core.survey import load_survey, survey_from_dict
from kamtui.excel.forms_reader import read_form, read_forms
from kamtui.excel.forms_workbook import FIRST_ROW, write_form, write_forms
from kamtui.service.files import read_table

TITLE = "Annual healthcheck 2025"


def small_survey(version: int = 1):
    def element(eid: str, name: str, ids: list[str]) -> dict:
        return {
            "id": eid,
            "name": name,
            "part": 1,
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


def fill(path: Path, answers: dict[str, object], comments: dict[str, str] | None = None) -> Path:
    """Type answers and comments into a form as a person would (openpyxl ignores the protection)."""
    wb = load_workbook(path)
    ws = wb["Answers"]
    row_of = {ws.cell(r, 1).value: r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value}
    for indicator, value in answers.items():
        ws.cell(row_of[indicator], 4).value = value
    for indicator, text in (comments or {}).items():
        cell = ws.cell(row_of[indicator], 5)
        cell.value = text
        cell.data_type = "s"
    wb.save(path)
    return path


def edit(path: Path, sheet: str, cell: str, value: object) -> Path:
    wb = load_workbook(path)
    wb[sheet][cell].value = value
    wb.save(path)
    return path


def meta_cell(path: Path, key: str) -> str:
    ws = load_workbook(path)["Form"]
    row = next(r for r in range(1, 30) if ws.cell(r, 1).value == key)
    return f"B{row}"


def problems_of(error: pytest.ExceptionInfo) -> list[str]:
    return [str(p) for p in error.value.problems]


# ---------------------------------------------------------------------------------------------- answers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3", (3, "rated")),
        ("3 Repeatable", (3, "rated")),
        ("3  repeatable ", (3, "rated")),
        ("Repeatable", (3, "rated")),
        ("REPEATABLE", (3, "rated")),
        ("1 Ad hoc", (1, "rated")),
        ("ad hoc", (1, "rated")),
        ("5 - Activating", (5, "rated")),
        ("4.0", (4, "rated")),
        ("na", (None, "na")),
        ("NA", (None, "na")),
        ("unknown", (None, "unknown")),
        ("Unknown", (None, "unknown")),
        ("3 Activating", None),
        ("6", None),
        ("0", None),
        ("maybe", None),
        ("3.5", None),
        ("Repeatable 3", None),
    ],
)
def test_parse_form_answer(text, expected):
    assert parse_form_answer(text) == expected


def test_answer_row_has_the_store_shape():
    from kamtui.store.healthchecks import AnswerRow as StoreRow

    assert [f.name for f in dataclasses.fields(AnswerRow)] == [f.name for f in dataclasses.fields(StoreRow)]


# ---------------------------------------------------------------------------------------------- round trip


def test_round_trip_every_kind_of_answer(tmp_path):
    survey = load_survey("kam-healthcheck")
    people = [Person("Priya Shah", "KAM", "priya@example.com"), Person("Jonas Berg", "Leadership")]
    specs = form_specs(7, TITLE, survey, people) + blank_form_specs(7, TITLE, survey, 1, role="Customer")
    paths = write_forms(tmp_path / "forms", specs)
    code = specs[2].respondent
    fill(
        paths[0],
        {
            "PCM-01": "3 Repeatable",
            "PCM-02": "Repeatable",
            "PCM-03": "repeatable",
            "PCM-04": "na",
            "PCM-05": "unknown",
            "PCM-07": 4,  # a number cell
            "PCM-08": 2.0,  # a float cell
            "PCM-09": "5 Activating",
            "MRP-01": "  1 Ad hoc ",
            "KAP-10": "2",
        },
        {"PCM-06": "only a comment", "PCM-09": "=SUM(A1) is what we use", "MRP-01": "line one\nline two"},
    )
    fill(paths[1], {"PCM-01": "4 Predictable", "KAP-10": "Unknown"})
    fill(paths[2], {"PCM-01": "1 Ad hoc"}, {"PCM-02": "+ a note"})
    forms, problems = read_forms([tmp_path / "forms"])
    assert problems == []
    result = collect(forms, 7, survey, ["Priya Shah", {"name": "Jonas Berg"}, code, "Lena Ortiz"])
    p, j = ("Priya Shah", "KAM"), ("Jonas Berg", "Leadership")
    expected = [
        AnswerRow(*p, "PCM-01", 3, "rated", None),
        AnswerRow(*p, "PCM-02", 3, "rated", None),
        AnswerRow(*p, "PCM-03", 3, "rated", None),
        AnswerRow(*p, "PCM-04", None, "na", None),
        AnswerRow(*p, "PCM-05", None, "unknown", None),
        AnswerRow(*p, "PCM-06", None, None, "only a comment"),
        AnswerRow(*p, "PCM-07", 4, "rated", None),
        AnswerRow(*p, "PCM-08", 2, "rated", None),
        AnswerRow(*p, "PCM-09", 5, "rated", "=SUM(A1) is what we use"),
        AnswerRow(*p, "MRP-01", 1, "rated", "line one\nline two"),
        AnswerRow(*p, "KAP-10", 2, "rated", None),
        AnswerRow(*j, "PCM-01", 4, "rated", None),
        AnswerRow(*j, "KAP-10", None, "unknown", None),
        AnswerRow(code, "Customer", "PCM-01", 1, "rated", None),
        AnswerRow(code, "Customer", "PCM-02", None, None, "+ a note"),
    ]
    assert sorted(paths, key=lambda p: p.name.lower()) == [Path(f.file) for f in result.forms]
    by_file = {Path(f.file): f for f in result.forms}
    assert [(by_file[x].respondent, by_file[x].answered, by_file[x].total) for x in paths] == [
        ("Priya Shah", 10, 120),
        ("Jonas Berg", 2, 120),
        (code, 1, 120),
    ]
    assert sorted(result.rows, key=lambda r: (r.respondent, r.indicator)) == sorted(
        expected, key=lambda r: (r.respondent, r.indicator)
    )
    assert len(result.rows) == len(expected) == 15
    assert result.missing == ("Lena Ortiz",)
    assert result.to_json()["missing"] == ["Lena Ortiz"] and result.to_json()["answers"] == 15


def test_prefilled_form_collects_its_answers_back(tmp_path):
    survey = small_survey()
    earlier = (
        AnswerRow("Ann", "KAM", "GOV-01", 2, "rated", "as of March"),
        AnswerRow("Ann", "KAM", "PLN-03", None, "na", None),
    )
    path = write_form(tmp_path / "ann.xlsx", FormSpec(1, TITLE, survey, "Ann", "KAM", prefill=earlier))
    assert collect([read_form(path)], 1, survey).rows == earlier
    fill(path, {"GOV-01": "4 Predictable", "PLN-03": None})
    assert collect([read_form(path)], 1, survey).rows == (
        AnswerRow("Ann", "KAM", "GOV-01", 4, "rated", "as of March"),
    )


def test_secret_keyed_checksum(tmp_path):
    survey = small_survey()
    path = write_form(tmp_path / "a.xlsx", FormSpec(1, TITLE, survey, "Ann"), secret=b"db-secret")
    assert collect([read_form(path)], 1, survey, secret=b"db-secret").forms[0].respondent == "Ann"
    with pytest.raises(FormsError, match="hidden details were edited"):
        collect([read_form(path)], 1, survey)


# ---------------------------------------------------------------------------------------------- refused


@pytest.fixture
def mini(tmp_path):
    survey = small_survey()
    specs = form_specs(7, TITLE, survey, [Person("Priya Shah", "KAM"), Person("Jonas Berg", "Leadership")])
    paths = write_forms(tmp_path / "forms", specs)
    return survey, paths


def test_wrong_assessment_refused_by_name(mini):
    survey, paths = mini
    with pytest.raises(FormsError) as error:
        collect([read_form(paths[0])], 8, survey, assessment_title="Spring check")
    assert problems_of(error) == [
        f"{paths[0]}: this form was made for assessment 7 ('{TITLE}'), "
        "not for assessment 8 ('Spring check'): collect it into its own assessment"
    ]
    assert str(error.value).startswith("the returned forms: 1 problem found, nothing was changed\n")


def test_other_survey_version_refused(mini):
    _, paths = mini
    with pytest.raises(FormsError) as error:
        collect([read_form(paths[0])], 7, small_survey(version=2))
    assert problems_of(error) == [
        f"{paths[0]}: this form was made for survey 'mini' version 1, but assessment 7 uses 'mini' version 2"
    ]


@pytest.mark.parametrize("key", ["respondent", "assessment_id", "role", "survey_version", "checksum"])
def test_edited_hidden_cell_refused(mini, key):
    survey, paths = mini
    edit(paths[0], "Form", meta_cell(paths[0], key), "8")
    with pytest.raises(FormsError) as error:
        collect([read_form(p) for p in paths], 8 if key == "assessment_id" else 7, survey)
    messages = problems_of(error)
    assert messages[0] == (
        f"{paths[0]}:Form: the form's hidden details were edited (they no longer match their checksum): "
        "ask the person to copy their answers into a fresh form"
    )
    if key == "assessment_id":  # the other, untouched form is refused for being another assessment's
        assert len(messages) == 2 and "made for assessment 7" in messages[1]
    else:
        assert len(messages) == 1


def test_checksum_cell_with_any_text_is_refused_not_a_crash(mini):
    survey, paths = mini
    edit(paths[0], "Form", meta_cell(paths[0], "checksum"), "prüfsumme ✓")
    with pytest.raises(FormsError, match="hidden details were edited"):
        collect([read_form(paths[0])], 7, survey)


def test_a_form_needs_a_respondent():
    for name in ("", "  ", "Zoe\u200b"):
        with pytest.raises(InvalidValueError, match="the respondent's name"):
            FormSpec(1, TITLE, small_survey(), name)


def test_edited_indicator_id_refused(mini):
    survey, paths = mini
    fill(paths[0], {"GOV-02": "3"})
    wb = load_workbook(paths[0])
    ws = wb["Answers"]
    row = next(r for r in range(FIRST_ROW, ws.max_row + 1) if ws.cell(r, 1).value == "GOV-02")
    ws.cell(row, 1).value = "PLN-01"  # the answer would land on another statement
    wb.save(paths[0])
    with pytest.raises(FormsError) as error:
        collect([read_form(paths[0])], 7, survey)
    assert problems_of(error) == [
        f"{paths[0]}:Answers!A{row}: the indicator id was edited: this row is GOV-02, found 'PLN-01'",
        f"{paths[0]}: indicator ids were edited: ask the person to copy their answers into a fresh form",
    ]


def test_values_outside_the_list_refused_with_their_cells(mini):
    survey, paths = mini
    fill(paths[0], {"GOV-01": "maybe", "GOV-02": "3 Activating", "PLN-01": 6, "PLN-02": "4", "PLN-03": 3.5})
    fill(paths[1], {"GOV-01": "Predictable"})
    forms = [read_form(p) for p in paths]
    rows = {r.indicator: r.row for r in forms[0].rows}
    with pytest.raises(FormsError) as error:
        collect(forms, 7, survey)
    expected = (
        "an answer from the list (1 Ad hoc .. 5 Activating, or just its number or name), na, unknown or blank"
    )
    assert problems_of(error) == [
        f"{paths[0]}:Answers!D{rows['GOV-01']}: expected {expected}, found 'maybe'",
        f"{paths[0]}:Answers!D{rows['GOV-02']}: expected {expected}, found '3 Activating'",
        f"{paths[0]}:Answers!D{rows['PLN-01']}: expected {expected}, found '6'",
        f"{paths[0]}:Answers!D{rows['PLN-03']}: expected {expected}, found '3.5'",
    ]
    assert "4 problems found, nothing was changed" in str(error.value)


def test_answer_below_the_statements_refused(mini):
    survey, paths = mini
    wb = load_workbook(paths[0])
    ws = wb["Answers"]
    below = ws.max_row + 2
    ws.cell(below, 4).value = "3 Repeatable"
    wb.save(paths[0])
    with pytest.raises(FormsError) as error:
        collect([read_form(paths[0])], 7, survey)
    assert problems_of(error) == [
        f"{paths[0]}:Answers!D{below}: an answer or comment on a row without a statement: "
        "move it to its statement's row"
    ]


def test_duplicate_forms_for_one_person_name_both_files(mini, tmp_path):
    survey, paths = mini
    copy = tmp_path / "forms" / "priya-copy.xlsx"
    shutil.copy(paths[0], copy)
    again = write_form(tmp_path / "priya-again.xlsx", FormSpec(7, TITLE, survey, "PRIYA  SHAH", "KAM"))
    forms, problems = read_forms([tmp_path / "forms", again, paths[0]])  # paths[0] twice: read once
    assert problems == [] and len(forms) == 4
    with pytest.raises(FormsError) as error:
        collect(forms, 7, survey)
    first = tmp_path / "forms" / "priya-copy.xlsx"  # sorted folder order: jonas, priya-copy, priya-shah
    assert problems_of(error) == [
        f"{paths[0]}: a second form for 'Priya Shah' (the first is {first}): collect only one of the two",
        f"{again}: a second form for 'Priya Shah' (the first is {first}): collect only one of the two",
    ]


def test_one_bad_form_and_nothing_is_collected(mini, tmp_path):
    survey, paths = mini
    fill(paths[0], {"GOV-01": "3"})
    fill(paths[1], {"GOV-01": "three"})
    (tmp_path / "forms" / "notes.xlsx").write_text("respondent,indicator\nPriya,GOV-01\n")
    forms, problems = read_forms([tmp_path / "forms"])
    with pytest.raises(FormsError) as error:
        collect(forms, 7, survey, problems=problems)
    messages = problems_of(error)
    assert len(messages) == 2
    assert messages[0].startswith(f"{tmp_path / 'forms' / 'notes.xlsx'}: is a text file (a CSV?)")
    assert messages[1].startswith(f"{paths[1]}:Answers!D") and messages[1].endswith("found 'three'")


def read_problem(path: Path) -> str:
    with pytest.raises(FormsError) as error:
        read_form(path)
    (problem,) = error.value.problems
    return str(problem)


def test_corrupt_file(mini, tmp_path):
    _, paths = mini
    data = paths[0].read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(data[: len(data) // 2])
    assert (
        read_problem(cut) == f"{cut}: is a damaged Excel workbook and cannot be read: ask for the form again"
    )
    noise = tmp_path / "noise.xlsx"
    noise.write_bytes(b"PK\x03\x04" + os.urandom(2000))
    assert (
        read_problem(noise)
        == f"{noise}: is a damaged Excel workbook and cannot be read: ask for the form again"
    )
    binary = tmp_path / "binary.xlsx"
    binary.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))  # an old .xls
    assert (
        read_problem(binary)
        == f"{binary}: is not an Excel workbook (.xlsx): send back the answer form itself"
    )
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert read_problem(empty) == f"{empty}: is an empty file, not an answer form"


def test_non_form_workbook(tmp_path):
    path = tmp_path / "budget.xlsx"
    wb = Workbook()
    wb.active.append(["Indicator", "Element", "Statement", "Answer", "Comment"])
    wb.save(path)
    assert read_problem(path) == f"{path}: is not a kamtui answer form (it has no hidden 'Form' sheet)"
    wb.create_sheet("Form").append(["something", "else"])
    wb.save(path)
    assert (
        read_problem(path)
        == f"{path}: is not a kamtui answer form (its 'Form' sheet does not hold a form's details)"
    )


def test_answers_sheet_renamed_or_header_lost(mini):
    _, paths = mini
    wb = load_workbook(paths[0])
    wb["Answers"]["D4"].value = "Your answer"
    wb.save(paths[0])
    assert read_problem(paths[0]) == (
        f"{paths[0]}: its Answers sheet has lost the header row "
        "Indicator, Element, Statement, Answer, Comment: ask the person for the form as sent"
    )
    wb["Answers"].title = "Antworten"
    wb.save(paths[1])
    assert read_problem(paths[1]) == (
        f"{paths[1]}: has no 'Answers' sheet (renamed or deleted?): ask the person for the form as sent"
    )


def test_csv_named_xlsx_and_huge_file(tmp_path):
    csv = tmp_path / "answers.xlsx"
    csv.write_text("respondent;indicator;value\nPriya;PCM-01;3\n", encoding="utf-8-sig")
    assert read_problem(csv) == (
        f"{csv}: is a text file (a CSV?) with an .xlsx name, not an Excel workbook: "
        "send back the answer form itself"
    )
    huge = tmp_path / "huge.xlsx"
    with open(huge, "wb") as handle:
        handle.write(b"PK\x03\x04")
        handle.truncate(25 * 1024 * 1024)  # sparse: nothing is read beyond the size check
    assert (
        read_problem(huge)
        == f"{huge}: is 26 MB, far too large for an answer form (a form is well under 1 MB)"
    )
    zipped = tmp_path / "archive.xlsx"
    import zipfile

    with zipfile.ZipFile(zipped, "w") as archive:
        archive.writestr("readme.txt", "hello")
    assert (
        read_problem(zipped)
        == f"{zipped}: is a zip file but not an Excel workbook: is not a kamtui answer form"
    )


def test_paths_empty_folder_missing_file_and_lock_files(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    other = tmp_path / "other"
    other.mkdir()
    (other / "~$priya.xlsx").write_bytes(b"lock")
    (other / ".hidden.xlsx").write_bytes(b"x")
    (other / "notes.txt").write_text("x")
    forms, problems = read_forms([empty, other, tmp_path / "gone.xlsx", other / "notes.txt"])
    assert forms == []
    assert [str(p) for p in problems] == [
        f"{empty}: no .xlsx answer forms in this folder",
        f"{other}: no .xlsx answer forms in this folder",
        f"{tmp_path / 'gone.xlsx'}: file or folder not found",
        f"{other / 'notes.txt'}: expected an .xlsx answer form or a folder of them",
    ]
    with pytest.raises(FormsError) as error:
        collect(forms, 7, small_survey(), problems=problems, source=str(tmp_path))
    assert str(error.value).startswith(f"{tmp_path}: 4 problems found, nothing was changed")


# ---------------------------------------------------------------------------------------------- people


def test_people_from_csv_and_xlsx(tmp_path):
    csv = tmp_path / "people.csv"
    csv.write_text(
        "Name;ROLE;Email\nPriya Shah;KAM;priya@example.com\n  Jonas Berg ;Leadership;\nLena;;\n",
        encoding="utf-8-sig",
    )
    expected = [
        Person("Priya Shah", "KAM", "priya@example.com"),
        Person("Jonas Berg", "Leadership"),
        Person("Lena"),
    ]
    assert people_from_table(read_table(csv)) == expected
    xlsx = tmp_path / "people.xlsx"
    wb = Workbook()
    for row in (["name", "role"], ["Priya Shah", "KAM"], [1234, "Customer"]):
        wb.active.append(row)
    wb.save(xlsx)
    assert people_from_table(read_table(xlsx)) == [Person("Priya Shah", "KAM"), Person("1234", "Customer")]


def test_people_bad_rows_refused(tmp_path):
    csv = tmp_path / "people.csv"
    csv.write_text(
        "name,role,email\n"
        ",KAM,\n"
        "Mu\u0308ller,KAM,\n"
        "MÜLLER,Leadership,\n"
        "Zoe\u200b,KAM,\n"
        "Ann,Sales\u200dops,\n"
        "Bo,KAM,bo at example\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFileError) as error:
        people_from_table(read_table(csv))
    assert problems_of(error) == [
        f"{csv}:2:name: empty: every row needs the person's name",
        f"{csv}:4:name: duplicate name 'MÜLLER' (also on row 3)",
        f"{csv}:5:name: a name holds an invisible character, U+200B ZERO WIDTH SPACE, at position 4: "
        "retype it without that character",
        f"{csv}:6:role: a role holds an invisible character, U+200D ZERO WIDTH JOINER, at position 6: "
        "retype it without that character",
        f"{csv}:7:email: expected an e-mail address such as name@example.com, found 'bo at example'",
    ]
    assert str(error.value).startswith(f"{csv}: 5 problems found, nothing was changed")


def test_people_columns_refused(tmp_path):
    csv = tmp_path / "people.csv"
    csv.write_text("name,team,Name\nPriya,KAM,x\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as error:
        people_from_table(read_table(csv))
    assert problems_of(error) == [
        f"{csv}:1:team: unknown column (expected: name, role, email)",
        f"{csv}:1:Name: column 'Name' appears twice",
        f"{csv}:1: missing required column 'role'",
    ]
    csv.write_text("name,role\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as error:
        people_from_table(read_table(csv))
    assert problems_of(error) == [f"{csv}: no people listed: expected one row per person under the header"]
