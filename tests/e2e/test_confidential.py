"""Confidential assessments (issue 12, section 4): no name is ever stored, small groups appear nowhere.

One anonymous assessment (minimum group 3) gets names through every way in: a CSV import with names,
``healthcheck answer --respondent``, the participant app and the lead's "who is answering?" screen. Then
the raw bytes of the database file and its WAL are searched for each name, and every output (JSON and
text report, the workbook's cells and notes, the TUI Results) for the roles under three respondents.
"""

from __future__ import annotations

import csv
import json
import re
import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kamtui.core.survey import load_survey

SURVEY = load_survey("kam-healthcheck")
# role -> the people in it: KAM is large enough to be shown, the other two are not (3 is the minimum)
PEOPLE = {
    "KAM": ["Quill Harrow", "Sable Mirren", "Tamsin Vey"],
    "Zeta Guild": ["Orrin Pell", "Brisa Fenn"],
    "Omega Board": ["Cato Wendle"],
}
CLI_NAME = "Dmitri Solvay"  # answers with `healthcheck answer --respondent`, role KAM
LEAD_TYPED = "Elowen Tarr"  # typed into the lead app's "who is answering?" screen
HIDDEN_ROLES = ("Zeta Guild", "Omega Board")
ALL_NAMES = [name for names in PEOPLE.values() for name in names] + [CLI_NAME, LEAD_TYPED]
CODE = re.compile(r"R-[A-Z2-9]{5}")


def answers_csv(path: Path) -> Path:
    """Every person answers every statement (a level from their position), with a comment on PCM-01."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["respondent", "role", "indicator", "value", "comment"])
        for role, names in PEOPLE.items():
            for number, name in enumerate(names):
                for position, indicator in enumerate(SURVEY.indicator_ids):
                    comment = f"note number {number}" if indicator == "PCM-01" else ""
                    writer.writerow([name, role, indicator, 1 + (position + number + len(role)) % 5, comment])
    return path


@pytest.fixture
def anonymous_db(cli, tmp_path) -> tuple[Path, int]:
    db = tmp_path / "confidential.db"
    made = cli("healthcheck", "new", "--title", "Works council pulse", "--anonymous", db=db)
    assert made.code == 0, made.stderr
    assessment = int(made.stdout.strip())
    imported = cli("healthcheck", "import", assessment, answers_csv(tmp_path / "named.csv"), db=db)
    assert imported.code == 0, imported.stderr
    assert imported.stdout.strip() == f"imported 720 answers from 6 respondents into assessment {assessment}"
    assert "the file's names were not kept" in imported.stderr
    return db, assessment


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


def stored_bytes(db: Path) -> bytes:
    data = db.read_bytes()
    for suffix in ("-wal", "-shm", "-journal"):
        extra = db.with_name(db.name + suffix)
        if extra.exists():
            data += extra.read_bytes()
    return data


def assert_no_name_stored(db: Path, names: list[str]) -> None:
    data = stored_bytes(db)
    for name in names:
        for form in {name, name.lower(), name.upper()}:
            assert form.encode("utf-8") not in data, f"{form!r} is in {db.name}"
            assert form.encode("utf-16-le") not in data


# --- no name anywhere in the file -----------------------------------------------------------------------


async def test_an_anonymous_assessment_holds_no_name_anywhere_in_the_database_file(anonymous_db, cli):
    from kamtui.tui.app import make_app
    from kamtui.tui.participant import make_participant_app
    from kamtui.tui.participant.survey import ParticipantSurveyScreen
    from kamtui.tui.screens.respondents import RespondentScreen
    from kamtui.tui.screens.survey import SurveyScreen

    db, assessment = anonymous_db
    first = cli("healthcheck", "answer", assessment, "PCM-02", "4", "--respondent", CLI_NAME, "--role", "KAM", db=db)
    assert first.code == 0, first.stderr
    code = CODE.fullmatch(first.stdout.split()[1]).group(0)
    assert first.stdout.strip() == f"saved: {code} PCM-02 = 4"
    assert f"answer again as --respondent {code}" in first.stderr
    again = cli("healthcheck", "answer", assessment, "PCM-03", "2", "--respondent", code.lower(), db=db)
    assert again.stdout.strip() == f"saved: {code} PCM-03 = 2" and again.stderr == ""

    # The participant app asks no name at all; its role is stored under a new code.
    app = make_participant_app(db, assessment)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not app.screen.query("#join-name")
        app.screen.query_one("#join-role").value = "KAM"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantSurveyScreen)
        await pilot.press("5")
        await settle(pilot)

    # The lead's own screen: a typed name becomes a code too.
    lead = make_app(db)
    async with lead.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(lead.screen, RespondentScreen)
        await pilot.press("n")
        await type_text(pilot, LEAD_TYPED)
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert isinstance(lead.screen, SurveyScreen)
        await pilot.press("1")
        await settle(pilot)

    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT name, code, role FROM respondents ORDER BY id").fetchall()
        answered = conn.execute("SELECT count(*) FROM answers").fetchone()[0]
    assert len(rows) == 9 and answered == 720 + 2 + 1 + 1
    assert all(CODE.fullmatch(name) and name == stored_code for name, stored_code, _ in rows)
    assert sorted(role or "" for *_, role in rows) == sorted(
        ["KAM"] * 5 + ["Zeta Guild"] * 2 + ["Omega Board"] + [""]
    )
    assert_no_name_stored(db, ALL_NAMES)


# --- suppressed roles appear in no output ---------------------------------------------------------------


def workbook_text(path: Path) -> str:
    """Every cell value and every cell note of every sheet."""
    workbook = load_workbook(path)
    parts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    parts.append(str(cell.value))
                if cell.comment is not None:
                    parts.append(cell.comment.text)
    return "\n".join(parts)


def test_roles_under_the_minimum_group_appear_in_no_report_or_workbook(anonymous_db, cli, tmp_path):
    db, assessment = anonymous_db
    as_json = cli("healthcheck", "report", assessment, "--json", db=db)
    assert as_json.code == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    assert data["anonymous"] is True and data["min_group"] == 3 and data["respondents"] == 6
    assert all(set(e["by_role"]) == {"KAM"} for e in data["elements"])  # KAM has 3: shown
    assert all(e["gaps"] == [] for e in data["elements"])  # no pair of roles both shown
    assert all(set(i["by_role"]) <= {"KAM"} for i in data["indicators"])
    assert [(c["respondent"], c["role"]) for c in data["comments"]] == [(None, None)] * 6  # not attributed
    assert {r["role"] for r in data["respondent_scores"]} == {"KAM", None}
    text = cli("healthcheck", "report", assessment, db=db)
    assert text.code == 0
    assert "roles with fewer than 3 respondents are not shown" in text.stdout
    exported = cli("export", "healthcheck", assessment, "-o", tmp_path / "pulse.xlsx", db=db)
    assert exported.code == 0, exported.stderr
    book = workbook_text(Path(exported.stdout.strip()))
    for output in (as_json.stdout, text.stdout, book):
        for role in HIDDEN_ROLES:
            assert role not in output
        for name in ALL_NAMES:
            assert name not in output
    header = next(line for line in text.stdout.splitlines() if line.startswith("Element "))
    assert header.split()[-2:] == ["KAM", "Delta"]  # the element table's one role column: the role shown
    workbook = load_workbook(Path(exported.stdout.strip()))
    about = {r[0]: r[1] for r in workbook["About"].iter_rows(min_row=2, max_col=2, values_only=True) if r[0]}
    assert about["Anonymous"].startswith("yes")
    assert about["Minimum group size"].startswith("3: roles with fewer respondents are not shown")
    comments = workbook["Comments"]
    assert [comments.cell(row, 4).value for row in range(2, 8)] == [None] * 6  # no respondent
    assert [comments.cell(row, 5).value for row in range(2, 8)] == [None] * 6  # no role
    assert not any(cell.comment for row in workbook["Answers"].iter_rows() for cell in row)
    heads = [c.value for c in workbook["Answers"][1]][3:]
    assert len(heads) == 6 and all(CODE.fullmatch(h) for h in heads)
    assert sorted(c.value or "" for c in workbook["Answers"][2][3:]) == ["", "", "", "KAM", "KAM", "KAM"]


async def test_roles_under_the_minimum_group_appear_nowhere_on_the_tui_results(anonymous_db):
    from kamtui.tui.app import make_app
    from kamtui.tui.screens.results import ResultsScreen

    db, assessment = anonymous_db
    app = make_app(db, results=assessment)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(0.3)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResultsScreen) and screen.report is not None
        table = screen.query_one("#element-table")
        columns = [str(key.value) for key in table.columns]
        assert "role:KAM" in columns and not any(c.startswith("role:") and c != "role:KAM" for c in columns)
        text = "\n".join(strip.text for strip in screen._compositor.render_strips())
        assert "roles with fewer than 3 respondents are not shown" in text
        for role in HIDDEN_ROLES:
            assert role not in text
        for name in ALL_NAMES:
            assert name not in text


# --- exports without names --------------------------------------------------------------------------------


def test_export_without_names_writes_codes_for_any_assessment(cli, tmp_path):
    from kamtui.core.demo_data import CURRENT_PEOPLE

    db = tmp_path / "demo.db"
    made = cli("demo", "--no-open", "--db", db, db=db)
    assert made.code == 0, made.stderr
    named = cli("export", "healthcheck", 2, "-o", tmp_path / "named.xlsx", db=db)
    first = cli("export", "healthcheck", 2, "--no-names", "-o", tmp_path / "coded.xlsx", db=db)
    second = cli("export", "healthcheck", 2, "--no-names", "-o", tmp_path / "again.xlsx", db=db)
    assert named.code == first.code == second.code == 0, first.stderr
    names = [name for name, _ in CURRENT_PEOPLE]
    plain = workbook_text(tmp_path / "named.xlsx")
    assert all(name in plain for name in names)  # the control: without --no-names the names are there
    coded = workbook_text(tmp_path / "coded.xlsx")
    for name in names:
        assert name not in coded
        for part in name.split():
            assert part not in coded, part
    book = load_workbook(tmp_path / "coded.xlsx")
    heads = [c.value for c in book["Answers"][1]][3:]
    assert len(heads) == 6 and all(CODE.fullmatch(h) for h in heads)
    assert heads == [c.value for c in load_workbook(tmp_path / "again.xlsx")["Answers"][1]][3:]  # stable codes
    with sqlite3.connect(db) as conn:
        stored = dict(conn.execute("SELECT name, code FROM respondents WHERE assessment_id = 2").fetchall())
    assert sorted(heads) == sorted(stored[name] for name in names)
    # Each demo role has two people: under the minimum group of 3 none is shown without names.
    for role in ("Leadership", "KAM", "Sales ops"):
        assert all(c.value != role for c in book["Summary"][3])
        assert all(c.value != role for c in book["Answers"][2])
    about = {r[0]: r[1] for r in book["About"].iter_rows(min_row=2, max_col=2, values_only=True) if r[0]}
    assert about["Anonymous"] == "no" and about["Minimum group size"].startswith("3: ")
    comments = book["Comments"]
    authors = {comments.cell(row, 4).value for row in range(2, comments.max_row + 1)} - {None}
    assert authors and all(CODE.fullmatch(a) for a in authors)


# --- the command line -----------------------------------------------------------------------------------


def test_min_group_is_checked_and_needs_anonymous(cli, tmp_path):
    db = tmp_path / "x.db"
    alone = cli("healthcheck", "new", "--title", "T", "--min-group", "4", db=db)
    assert alone.code == 2 and "--min-group applies to an anonymous assessment: add --anonymous" in alone.stderr
    zero = cli("healthcheck", "new", "--title", "T", "--anonymous", "--min-group", "0", db=db)
    assert zero.code == 1
    assert zero.stderr.strip() == "error: --min-group must be a whole number from 1 to 1000, got 0"
    five = cli("healthcheck", "new", "--title", "T", "--anonymous", "--min-group", "5", db=db)
    assert five.code == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT anonymous, min_group FROM assessments").fetchall() == [(1, 5)]
    report = json.loads(cli("healthcheck", "report", five.stdout.strip(), "--json", db=db).stdout)
    assert (report["anonymous"], report["min_group"]) == (True, 5)
    named = cli("healthcheck", "new", "--title", "Named", db=db)
    report = json.loads(cli("healthcheck", "report", named.stdout.strip(), "--json", db=db).stdout)
    assert (report["anonymous"], report["min_group"]) == (False, None)
