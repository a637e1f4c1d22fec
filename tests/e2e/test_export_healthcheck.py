"""``kamtui export healthcheck``: the workbook read back cell by cell against the engine's report.

The export runs in a real subprocess (``python -m kamtui export ...`` once the group is registered in
``kamtui.cli``; until then the ``export`` group is run directly with ``python -c``). The demo database is
built once per module with ``kamtui demo --no-open``: assessment 1 is the earlier one, 2 the current one.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kamtui.core.levels import LEVELS

from .libreoffice import convert

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def _export_registered() -> bool:
    from kamtui.cli import cli

    return "export" in cli.commands


def run_export(db: Path, *args: object, cwd: Path) -> Run:
    """``kamtui export ARGS --db DB`` in a subprocess, in ``cwd``."""
    args = [str(a) for a in args]
    if _export_registered():
        command = [sys.executable, "-m", "kamtui", "--db", str(db), "export", *args]
    else:
        code = "from kamtui.commands.export import export; export(prog_name='kamtui export')"
        command = [sys.executable, "-c", code, *args, "--db", str(db)]
    env = {k: v for k, v in os.environ.items() if k != "KAMTUI_DB"}
    env["XDG_DATA_HOME"] = str(cwd / "xdg")
    proc = subprocess.run(command, capture_output=True, text=True, cwd=cwd, env=env, timeout=180)
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.db"
    proc = subprocess.run(
        [sys.executable, "-m", "kamtui", "demo", "--db", str(db), "--no-open"],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr
    assert "1 (earlier), 2 (current)" in proc.stdout
    return db


def engine(db: Path, assessment_id: int, *, compare: int | None = None, target: int = 4):
    from kamtui.store import open_store
    from kamtui.store.healthchecks import list_respondents, load_answers, report_for

    with open_store(db) as store:
        report = report_for(store, assessment_id, target=target, compare=compare)
        earlier = report_for(store, compare, target=target) if compare is not None else None
        return report, earlier, load_answers(store, assessment_id), list_respondents(store, assessment_id)


@pytest.fixture(scope="module")
def compared(demo, tmp_path_factory):
    """Assessment 2 exported with --compare 1 to the default place."""
    cwd = tmp_path_factory.mktemp("compared")
    run = run_export(demo, "healthcheck", 2, "--compare", 1, cwd=cwd)
    assert run.code == 0, run.stderr
    return cwd, Path(run.stdout.strip()), run


@pytest.fixture(scope="module")
def single(demo, tmp_path_factory):
    """Assessment 2 on its own, written to -o book (the .xlsx is added)."""
    cwd = tmp_path_factory.mktemp("single")
    run = run_export(demo, "healthcheck", 2, "-o", "book", "--target", 5, "--no-compare", cwd=cwd)
    assert run.code == 0, run.stderr
    return cwd / "book.xlsx", run


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOLERANCE


def header_map(ws, row: int) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[row] if cell.value is not None}


# ---------------------------------------------------------------------------------------------- the file


def test_prints_the_path_alone_and_writes_to_exports(compared):
    cwd, path, run = compared
    assert run.stdout.strip() == str(path)
    assert path.parent == cwd / "exports"
    assert path.name.startswith("healthcheck-2-annual-healthcheck-") and path.suffix == ".xlsx"
    assert path.is_file()
    assert list(path.parent.glob(".*.tmp-*")) == []
    assert "Traceback" not in run.stderr


def test_sheet_names(compared):
    from kamtui.excel.healthcheck_workbook import SHEETS

    workbook = load_workbook(compared[1])
    assert (
        tuple(workbook.sheetnames)
        == SHEETS
        == (
            "Summary",
            "Elements",
            "Indicators",
            "Answers",
            "Comments",
            "Prescription",
            "Actions",
            "About",
        )
    )
    assert workbook.active.title == "Summary"


def test_no_formula_anywhere(compared):
    with zipfile.ZipFile(compared[1]) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = archive.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, name


# ---------------------------------------------------------------------------------------------- Summary


def test_summary_values_equal_the_report(demo, compared):
    from kamtui.excel.healthcheck_workbook import (
        SUMMARY_FIRST_ELEMENT_ROW,
        SUMMARY_HEADER_ROW,
        SUMMARY_OVERALL_ROW,
        summary_columns,
        summary_roles,
    )

    report, earlier, _, _ = engine(demo, 2, compare=1)
    ws = load_workbook(compared[1])["Summary"]
    headers = [cell.value for cell in ws[SUMMARY_HEADER_ROW] if cell.value is not None]
    assert headers == summary_columns(report, earlier)
    assert summary_roles(report) == ["KAM", "Leadership", "Sales ops"]
    col = header_map(ws, SUMMARY_HEADER_ROW)

    def value(row, name):
        return ws.cell(row=row, column=col[name]).value

    overall = SUMMARY_OVERALL_ROW
    assert close(value(overall, "Score"), report.overall)
    assert value(overall, "Level") == report.level
    assert value(overall, "Level name") == report.level_name
    assert value(overall, "Respondents") == report.respondents
    assert close(value(overall, "Coverage"), report.coverage)
    assert close(value(overall, "Delta"), report.overall_delta)
    assert close(value(overall, "Earlier score"), earlier.overall)

    for row, element in enumerate(report.elements, SUMMARY_FIRST_ELEMENT_ROW):
        assert value(row, "Element") == element.name
        assert close(value(row, "Score"), element.score)
        assert value(row, "Level") == element.level
        assert value(row, "Level name") == element.level_name
        assert close(value(row, "Agreement (rwg)"), element.rwg)
        assert value(row, "Consensus") == ("no consensus" if element.no_consensus else None)
        assert value(row, "Respondents") == element.n
        assert close(value(row, "Coverage"), element.coverage)
        for role in summary_roles(report):
            assert close(value(row, role), element.by_role.get(role))
        assert close(value(row, "Earlier score"), earlier.element(element.id).score)
        assert close(value(row, "Delta"), element.delta)
        gap = element.gaps[0]
        assert value(row, "Largest role gap") == f"{gap.roles[0]} − {gap.roles[1]}"
        assert close(value(row, "Gap"), gap.difference)
        assert close(value(row, "p-value"), gap.p_value)
    assert ws.cell(row=SUMMARY_FIRST_ELEMENT_ROW + len(report.elements), column=1).value is None
    assert any(e.no_consensus for e in report.elements)  # the demo exercises the highlight


def test_summary_formats_fills_and_frozen_header(demo, compared):
    from kamtui.excel.healthcheck_workbook import (
        LEVEL_FILLS,
        SUMMARY_FIRST_ELEMENT_ROW,
        SUMMARY_HEADER_ROW,
        SUMMARY_OVERALL_ROW,
    )

    report, _, _, _ = engine(demo, 2, compare=1)
    ws = load_workbook(compared[1])["Summary"]
    col = header_map(ws, SUMMARY_HEADER_ROW)
    row = SUMMARY_FIRST_ELEMENT_ROW
    formats = {
        "Score": "0.00",
        "Agreement (rwg)": "0.00",
        "Coverage": "0%",
        "KAM": "0.00",
        "Earlier score": "0.00",
        "Delta": "+0.00;-0.00;0.00",
        "p-value": "0.000",
    }
    for name, number_format in formats.items():
        assert ws.cell(row=row, column=col[name]).number_format == number_format, name
    assert ws.freeze_panes == f"B{SUMMARY_FIRST_ELEMENT_ROW}"
    assert ws.cell(row=SUMMARY_HEADER_ROW, column=1).font.b
    colours = {level.number: LEVEL_FILLS[level.colour] for level in LEVELS}
    for offset, element in enumerate(report.elements):
        fill = ws.cell(row=row + offset, column=col["Score"]).fill
        assert fill.fgColor.rgb.endswith(colours[element.level]), element.name
    overall_fill = ws.cell(row=SUMMARY_OVERALL_ROW, column=col["Score"]).fill
    assert overall_fill.fgColor.rgb.endswith(colours[report.level])
    rules = [rule for cf in ws.conditional_formatting for rule in cf.rules]
    assert any("<0.7" in (rule.formula or [""])[0] for rule in rules)
    assert "KAM healthcheck: Annual healthcheck" in ws["A1"].value


def test_summary_charts_with_the_earlier_series(compared):
    from openpyxl.chart import BarChart, RadarChart

    ws = load_workbook(compared[1])["Summary"]
    charts = ws._charts
    radars = [c for c in charts if isinstance(c, RadarChart)]
    bars = [c for c in charts if isinstance(c, BarChart)]
    assert len(radars) == 1 and len(bars) == 2  # scores, and scores by role (3 roles)
    radar = radars[0]
    assert len(radar.series) == 2
    refs = [s.val.numRef.f for s in radar.series]
    assert refs[0] == "'Summary'!$B$5:$B$16"
    col = header_map(ws, 3)
    from openpyxl.utils import get_column_letter

    earlier = get_column_letter(col["Earlier score"])
    assert refs[1] == f"'Summary'!${earlier}$5:${earlier}$16"
    assert len(bars[0].series) == 2


def test_single_assessment_has_one_series_and_its_target(demo, single):
    from openpyxl.chart import RadarChart

    path, run = single
    assert run.stdout.strip() == str(path)
    workbook = load_workbook(path)
    ws = workbook["Summary"]
    radar = next(c for c in ws._charts if isinstance(c, RadarChart))
    assert len(radar.series) == 1
    assert "Earlier score" not in header_map(ws, 3)
    report, _, _, _ = engine(demo, 2, target=5)
    prescription = workbook["Prescription"]
    assert [prescription.cell(row=r, column=2).value for r in range(2, 2 + len(report.prescription))] == [
        p.name for p in report.prescription
    ]
    assert all(prescription.cell(row=r, column=6).value == 5 for r in range(2, 2 + len(report.prescription)))


# ---------------------------------------------------------------------------------------------- other sheets


def test_indicators_sheet(demo, compared):
    from kamtui.excel.healthcheck_workbook import INDICATOR_COLUMNS

    report, _, _, _ = engine(demo, 2, compare=1)
    ws = load_workbook(compared[1])["Indicators"]
    assert tuple(c.value for c in ws[1]) == INDICATOR_COLUMNS
    texts = {i.id: i.text for i in report.survey.indicators}
    for row, result in enumerate(report.indicators, 2):
        values = [c.value for c in ws[row]]
        assert values[0] == result.id
        assert values[2] == texts[result.id]
        assert close(values[3], result.mean)
        assert values[5] == result.n
        assert close(values[6], result.rwg)
        assert values[7] == ("no consensus" if result.no_consensus else None)
        assert (values[8], values[9]) == (result.na, result.unknown)
    assert ws.max_row == len(report.indicators) + 1 == 121
    assert ws.auto_filter.ref == "A1:K121"
    assert ws.freeze_panes == "B2"
    assert ws["D2"].number_format == "0.00"
    ranges = [str(cf.sqref) for cf in ws.conditional_formatting]
    assert "G2:H121" in ranges


def test_answers_grid_and_comments(demo, compared):
    _, _, answers, respondents = engine(demo, 2)
    workbook = load_workbook(compared[1])
    ws = workbook["Answers"]
    names = [c.value for c in ws[1]][3:]
    assert names == [r["name"] for r in respondents]
    assert [c.value for c in ws[2]][3:] == [r["role"] for r in respondents]
    assert [c.value for c in ws[3]][3:] == [r["answered"] for r in respondents]
    rows = {ws.cell(row=r, column=1).value: r for r in range(4, ws.max_row + 1)}
    assert len(rows) == 120
    columns = {name: index for index, name in enumerate(names, 4)}
    comments = 0
    for answer in answers:
        cell = ws.cell(row=rows[answer.indicator], column=columns[answer.respondent])
        expected = answer.value if answer.status == "rated" else answer.status
        assert cell.value == expected
        if answer.comment:
            comments += 1
            assert cell.comment is not None and answer.comment in cell.comment.text
    assert comments > 0
    assert ws.freeze_panes == "D4"

    sheet = workbook["Comments"]
    header = [c.value for c in sheet[1]]
    assert header == ["Indicator", "Element", "Indicator text", "Respondent", "Role", "Answer", "Comment"]
    listed = {(r[0], r[3], r[6]) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert listed == {(a.indicator, a.respondent, a.comment) for a in answers if a.comment}
    assert sheet.auto_filter.ref == f"A1:G{comments + 1}"


def test_prescription_sheet(demo, compared):
    report, _, _, _ = engine(demo, 2, compare=1)
    ws = load_workbook(compared[1])["Prescription"]
    assert ws["I1"].value.startswith("Prescription")
    for row, item in enumerate(report.prescription, 2):
        values = [c.value for c in ws[row]]
        assert values[:2] == [row - 1, item.name]
        assert close(values[2], item.score)
        assert values[3] == item.level and values[5] == item.target
        assert close(values[6], item.gap)
        assert values[8] == item.text
        assert ws.cell(row=row, column=9).alignment.wrap_text


def test_about_sheet(compared):
    from kamtui import __version__

    ws = load_workbook(compared[1])["About"]
    about = {row[0]: row[1] for row in ws.iter_rows(min_row=2, max_col=2, values_only=True) if row[0]}
    assert about["Assessment"] == 2
    assert about["Title"] == "Annual healthcheck"
    assert about["Survey"] == "kam-healthcheck"
    assert about["Survey version"] == 2
    assert about["kamtui version"] == __version__
    assert about["Target level"] == 4
    assert about["Compared with"].startswith("1: ")
    assert about["Created"] and about["Exported at"]
    text = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "rwg" in text and "rounded down" in text


# ---------------------------------------------------------------------------------------------- user text


def test_hostile_user_text_stays_text(tmp_path):
    from kamtui.core.survey import load_survey
    from kamtui.store import open_store
    from kamtui.store.healthchecks import create_assessment, ensure_respondent, save_answer

    db = tmp_path / "hostile.db"
    with open_store(db) as store:
        survey = load_survey("kam-healthcheck")
        assessment = create_assessment(store, "=1+1 title", survey, "-programme\x07")
        first = survey.indicators[0].id
        people = [('=HYPERLINK("http://x","y")', "+Sales"), ("@bob", "-KAM"), ("\tTab", "=Role")]
        for value, (name, role) in enumerate(people, 2):
            person = ensure_respondent(store, assessment, name, role)
            save_answer(store, person, first, value, "rated", "=SUM(A1:A9) \x01comment")
    run = run_export(db, "healthcheck", assessment, "-o", "hostile.xlsx", cwd=tmp_path)
    assert run.code == 0, run.stderr
    workbook = load_workbook(tmp_path / "hostile.xlsx")
    answers = workbook["Answers"]
    names = {c.value: c for c in answers[1][3:]}
    assert set(names) == {name.strip() for name, _ in people}  # the store strips names
    for cell in [*answers[1][3:], *answers[2][3:]]:
        assert cell.data_type == "s"
        assert cell.quotePrefix is cell.value.startswith(("=", "+", "-", "@"))
    comments = workbook["Comments"]
    assert {r[6] for r in comments.iter_rows(min_row=2, values_only=True)} == {"=SUM(A1:A9) comment"}
    assert comments["G2"].data_type == "s"
    about = {r[0]: r[1] for r in workbook["About"].iter_rows(min_row=2, max_col=2, values_only=True) if r[0]}
    assert about["Title"] == "=1+1 title" and about["Programme"] == "-programme"
    summary = workbook["Summary"]
    assert summary["A1"].value == "KAM healthcheck: =1+1 title"
    roles = [c.value for c in summary[3]]
    assert "+Sales" in roles and "=Role" in roles
    with zipfile.ZipFile(tmp_path / "hostile.xlsx") as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert "<f>" not in archive.read(name).decode("utf-8")


def test_an_assessment_without_answers_exports(tmp_path):
    from kamtui.core.survey import load_survey
    from kamtui.store import open_store
    from kamtui.store.healthchecks import create_assessment

    db = tmp_path / "empty.db"
    with open_store(db) as store:
        assessment = create_assessment(store, "Nobody yet", load_survey("kam-healthcheck"))
    run = run_export(db, "healthcheck", assessment, "-o", tmp_path, cwd=tmp_path)
    assert run.code == 0, run.stderr
    path = Path(run.stdout.strip())
    assert path.parent == tmp_path and path.name.startswith("healthcheck-1-nobody-yet-")
    workbook = load_workbook(path)
    assert workbook["Summary"]["B4"].value is None
    assert workbook["Comments"]["A2"].value.startswith("No comments")


# ---------------------------------------------------------------------------------------------- failures


def test_failures_are_one_line_errors(demo, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    cases = [
        (["healthcheck", 99], "no assessment with id 99"),
        (["healthcheck", 2, "--compare", 2], "--compare must name another assessment"),
        (["healthcheck", 2, "--compare", 98], "no assessment with id 98"),
        (["healthcheck", 2, "-o", "book.ods"], ".xlsx"),
        (["healthcheck", 2, "-o", blocker / "sub" / "x.xlsx"], f"cannot create the folder {blocker / 'sub'}"),
    ]
    for args, message in cases:
        run = run_export(demo, *args, cwd=tmp_path)
        assert run.code == 1, (args, run.stdout, run.stderr)
        assert run.stderr.startswith("error: ") and message in run.stderr, run.stderr
        assert "Traceback" not in run.stderr
    assert not (tmp_path / "exports").exists()
    assert not list(tmp_path.rglob("*.xlsx"))


def test_exporting_again_replaces_the_file(demo, tmp_path):
    first = run_export(demo, "healthcheck", 1, "-o", "same.xlsx", cwd=tmp_path)
    second = run_export(demo, "healthcheck", 2, "-o", "same.xlsx", cwd=tmp_path)
    assert first.code == second.code == 0
    about = load_workbook(tmp_path / "same.xlsx")["About"]
    assert about["B2"].value == 2
    assert sorted(p.name for p in tmp_path.iterdir() if p.suffix == ".xlsx") == ["same.xlsx"]
    assert list(tmp_path.glob(".*.tmp-*")) == []


# ---------------------------------------------------------------------------------------------- LibreOffice


def test_libreoffice_opens_it(compared, tmp_path):
    path = compared[1]
    pdf = convert(path, "pdf", tmp_path)
    table = convert(path, "csv", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")
    with open(table, newline="", encoding="utf-8", errors="replace") as handle:
        rows = list(csv.reader(handle))
    assert any(row and row[0] == "Account Selection" for row in rows)  # Summary is the first sheet
    selection = next(row for row in rows if row and row[0] == "Account Selection")
    score = compared_report_score(compared, "Account Selection")
    assert abs(float(selection[1]) - score) < 1e-9 and selection[3] == "Ad hoc"


def compared_report_score(compared, name: str) -> float:
    ws = load_workbook(compared[1])["Summary"]
    return next(row[1] for row in ws.iter_rows(values_only=True) if row[0] == name)


# ---------------------------------------------------------------------------------------------- drill-down, plan


def service_report(db: Path, assessment_id: int, compare=None):
    from kamtui.service.database import open_database
    from kamtui.service.healthcheck import report

    with open_database(db) as store:
        return report(store, assessment_id, compare=compare)


def test_the_trend_is_the_previous_assessment_by_default(demo, tmp_path):
    run = run_export(demo, "healthcheck", 2, "-o", tmp_path / "default.xlsx", cwd=tmp_path)
    assert run.code == 0, run.stderr
    summary = load_workbook(tmp_path / "default.xlsx")["Summary"]
    assert "Earlier score" in header_map(summary, 3)  # compared with #1, as Results and healthcheck report
    assert "compared with assessment 1" in summary["A2"].value


def test_elements_sheet_is_the_drill_down(demo, compared):
    from kamtui.core.healthcheck import SPREAD_KEYS, element_statements, statement_comments
    from kamtui.excel.healthcheck_workbook import element_columns

    report = service_report(demo, 2, compare=1)
    ws = load_workbook(compared[1])["Elements"]
    header = [c.value for c in ws[1]]
    assert header == element_columns(report)
    assert header[6:13] == ["1", "2", "3", "4", "5", "na", "unknown"]
    col = {name: index for index, name in enumerate(header, 1)}
    roles = sorted({r for e in report.elements for r in e.by_role})
    row = 2
    for element in report.elements:
        assert ws.cell(row, col["Element"]).value == element.name
        assert ws.cell(row, col["Statement"]).value is None  # the element's own row
        assert close(ws.cell(row, col["Mean"]).value, element.score)
        assert close(ws.cell(row, col["Agreement (rwg)"]).value, element.rwg)
        assert close(ws.cell(row, col["rwg(j)"]).value, element.rwg_j)
        assert ws.row_dimensions[row].outline_level == 0
        for role in roles:
            assert close(ws.cell(row, col[role]).value, element.by_role.get(role))
        if element.gaps:
            assert ws.cell(row, col["Higher"]).value == element.gaps[0].higher
        statements = element_statements(report, element.id)
        flagged = [s.no_consensus for s in statements]
        assert flagged == sorted(flagged, reverse=True)  # those without consensus first
        for result in statements:
            row += 1
            assert ws.cell(row, col["Statement"]).value == result.id
            assert ws.row_dimensions[row].outline_level == 1  # grouped under the element
            assert [ws.cell(row, col[k]).value for k in SPREAD_KEYS] == [result.spread[k] for k in SPREAD_KEYS]
            assert sum(result.spread.values()) == result.n + result.na + result.unknown
            assert close(ws.cell(row, col["Mean"]).value, result.mean)
            assert ws.cell(row, col["Consensus"]).value == ("no consensus" if result.no_consensus else None)
            for role in roles:
                assert close(ws.cell(row, col[role]).value, result.by_role.get(role))
            comments = statement_comments(report, result.id)
            cell = ws.cell(row, col["Comments"]).value
            if comments:
                for comment in comments:
                    assert f"{comment.respondent}, {comment.role} [{comment.answer}]: {comment.text}" in cell
            else:
                assert cell is None
        row += 1
    assert ws.max_row == row - 1 == 1 + 12 + 120  # the header, a row per element and per statement
    assert ws.sheet_properties.outlinePr.summaryBelow is False


def test_actions_sheet_with_the_earlier_actions_beside_the_trend(demo, tmp_path):
    import shutil

    db = tmp_path / "plan.db"
    shutil.copyfile(demo, db)

    def kamtui(*args: object) -> str:
        proc = subprocess.run(
            [sys.executable, "-m", "kamtui", "--db", str(db), *(str(a) for a in args)],
            capture_output=True, text=True, timeout=120, cwd=tmp_path,
        )  # fmt: skip
        assert proc.returncode == 0, proc.stderr
        return proc.stdout

    kamtui("actions", "add", 1, "--element", "kam-process", "--owner", "Tom", "--due", "2025-06-30",
           "--text", "=Write the process down")  # fmt: skip
    kamtui("actions", "add", 1, "--element", "account-selection", "--owner", "Priya", "--due", "2025-09-30")
    kamtui("actions", "set", 1, "--status", "done")
    kamtui("actions", "carry", 2)
    run = run_export(db, "healthcheck", 2, "-o", tmp_path / "plan.xlsx", cwd=tmp_path)
    assert run.code == 0, run.stderr
    ws = load_workbook(tmp_path / "plan.xlsx")["Actions"]
    assert [c.value for c in ws[2]] == ["Id", "Element", "Action", "Owner", "Due", "Status", "Carried from",
                                        "Created", "Updated"]  # fmt: skip
    carried = [c.value for c in ws[3]]
    assert carried[:4] == [3, "Account Selection", carried[2], "Priya"]
    assert carried[2].startswith("List the current key accounts")  # the prescription 1 -> 2 of assessment 1
    assert carried[4].date().isoformat() == "2025-09-30" and ws.cell(3, 5).number_format == "yyyy-mm-dd"
    assert (carried[5], carried[6]) == ("open", 2)
    report = service_report(db, 2, compare=1)
    earlier_rows = [[c.value for c in row] for row in ws.iter_rows(min_row=7, max_row=8)]
    assert [c.value for c in ws[6]] == ["Id", "Element", "Action", "Owner", "Due", "Status", "Score then",
                                        "Score now", "Trend"]  # fmt: skip
    process, selection = report.element("kam-process"), report.element("account-selection")
    assert earlier_rows[0][:6] == [1, "KAM Process", "=Write the process down", "Tom", earlier_rows[0][4], "done"]
    assert ws.cell(7, 3).data_type == "s"  # text, never a formula
    assert close(earlier_rows[0][7], process.score) and close(earlier_rows[0][8], process.delta)
    assert close(earlier_rows[0][6], process.score - process.delta)
    assert earlier_rows[1][:2] == [2, "Account Selection"] and close(earlier_rows[1][8], selection.delta)
