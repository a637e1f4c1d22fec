"""`kamtui healthcheck forms` and `collect`: the round trip a consultant makes with 25 people by e-mail."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.e2e.libreoffice import soffice_or_skip

PEOPLE = "name,role,email\nPriya Raman,KAM,priya@example.com\nTom Fischer,Leadership,\nAda Ng,KAM,\n"
CHOICES = ["3 Repeatable", "na", "Repeatable", "2", "unknown", "5 Activating", "", "1"]


def fill(path: Path, offset: int = 0, comment: str | None = None) -> dict[str, str]:
    """Answer a form the way a person would (through the workbook); returns indicator -> answer text."""
    workbook = load_workbook(path)
    sheet = workbook["Answers"]
    given = {}
    number = offset
    for row in sheet.iter_rows(min_row=1):
        indicator = row[0].value
        if isinstance(indicator, str) and "-" in indicator and indicator[:3].isalpha() and row[3].protection.locked is False:
            text = CHOICES[number % len(CHOICES)]
            number += 1
            row[3].value = text or None
            if text:
                given[indicator] = text
            if comment and number == 1:
                row[4].value = comment
    workbook.save(path)
    return given


def answers(db: Path) -> dict[tuple[str, str], tuple]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT r.name, x.indicator, x.value, x.status, x.comment FROM answers x "
            "JOIN respondents r ON r.id = x.respondent_id"
        ).fetchall()
    return {(n, i): (v, s, c) for n, i, v, s, c in rows}


@pytest.fixture
def issued(cli, db_path, tmp_path):
    assert cli("healthcheck", "new", "--title", "Pre-work").stdout == "1\n"
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    result = cli("healthcheck", "forms", "1", "--respondents", people, "-o", tmp_path / "out")
    assert result.code == 0, result.stderr
    folder = tmp_path / "out"
    assert result.stdout.splitlines()[0] == str(folder)
    return folder


def test_round_trip_equals_answering_by_the_command_line(cli, db_path, tmp_path, issued):
    files = sorted(issued.glob("*.xlsx"))
    assert [f.name for f in files] == ["ada-ng.xlsx", "priya-raman.xlsx", "tom-fischer.xlsx"]
    given = {f.stem: fill(f, offset=k, comment="only the top accounts" if k == 0 else None) for k, f in enumerate(files)}
    dry = cli("healthcheck", "collect", "1", issued, "--dry-run", "--json")
    assert dry.code == 0, dry.stderr
    assert json.loads(dry.stdout)["written"] is False
    assert answers(db_path) == {}  # a dry run writes nothing
    result = cli("healthcheck", "collect", "1", issued, "--json")
    assert result.code == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["written"] is True and data["missing"] == []
    assert {f["respondent"]: f["answered"] for f in data["forms"]} == {
        "Ada Ng": len(given["ada-ng"]), "Priya Raman": len(given["priya-raman"]), "Tom Fischer": len(given["tom-fischer"]),
    }
    collected_report = json.loads(cli("healthcheck", "report", "1", "--json").stdout)

    # the same answers typed through `healthcheck answer` into a second assessment give the same report
    other = tmp_path / "typed.db"
    assert cli("healthcheck", "new", "--title", "Pre-work", db=other).code == 0
    roles = {"ada-ng": ("Ada Ng", "KAM"), "priya-raman": ("Priya Raman", "KAM"), "tom-fischer": ("Tom Fischer", "Leadership")}
    for stem, items in given.items():
        name, role = roles[stem]
        for indicator, text in items.items():
            typed = cli("healthcheck", "answer", "1", "--respondent", name, "--role", role, indicator, text, db=other)
            assert typed.code == 0, typed.stderr
    typed_report = json.loads(cli("healthcheck", "report", "1", "--json", db=other).stdout)
    for key in ("overall", "respondents", "coverage", "elements", "indicators", "prescription"):
        assert collected_report[key] == typed_report[key], key
    assert answers(db_path)[("Ada Ng", "PCM-01")][2] == "only the top accounts"


def test_collecting_an_updated_form_updates_in_place(cli, db_path, issued):
    form = issued / "priya-raman.xlsx"
    fill(form)
    assert cli("healthcheck", "collect", "1", form).code == 0
    before = answers(db_path)
    fill(form, offset=3)
    assert cli("healthcheck", "collect", "1", form).code == 0
    after = answers(db_path)
    assert {k for k in after if k[0] == "Priya Raman"} >= {k for k in before if k[0] == "Priya Raman"}
    assert after != before
    listed = json.loads(cli("healthcheck", "collect", "1", form, "--dry-run", "--json").stdout)
    assert sorted(listed["missing"]) == ["Ada Ng", "Tom Fischer"]


def test_forms_resaved_by_libreoffice_still_collect(cli, db_path, tmp_path, issued):
    soffice = soffice_or_skip()
    form = issued / "tom-fischer.xlsx"
    given = fill(form)
    out = tmp_path / "resaved"
    subprocess.run(
        [soffice, "--headless", "--convert-to", "xlsx", "--outdir", str(out), str(form)],
        check=True, capture_output=True, timeout=180,
    )
    result = cli("healthcheck", "collect", "1", out / form.name, "--json")
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)["forms"][0]["answered"] == len(given)


def test_bad_returns_are_refused_and_nothing_is_written(cli, db_path, sha256, tmp_path, issued):
    assert cli("healthcheck", "new", "--title", "Another").stdout == "2\n"
    good = issued / "ada-ng.xlsx"
    fill(good)
    twin = tmp_path / "twin.xlsx"
    shutil.copyfile(good, twin)
    edited = tmp_path / "edited.xlsx"
    shutil.copyfile(good, edited)
    workbook = load_workbook(edited)
    sheet = workbook["Form"]
    for row in sheet.iter_rows():
        if row[0].value == "respondent":
            row[1].value = "Someone Else"
    workbook.save(edited)
    outside = tmp_path / "outside.xlsx"
    shutil.copyfile(good, outside)
    workbook = load_workbook(outside)
    sheet = workbook["Answers"]
    for row in sheet.iter_rows():
        if row[0].value == "PCM-02":
            row[3].value = "maybe"
    workbook.save(outside)
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 not really a workbook")
    text = tmp_path / "text.xlsx"
    text.write_text("name,role\n", encoding="utf-8")
    before = sha256(db_path)
    cases = [
        (["2", good], "not for assessment 2"),
        (["1", edited], "edited"),
        (["1", outside], "Answers!D"),
        (["1", good, twin], "a second form for 'Ada Ng'"),
        (["1", corrupt], "corrupt.xlsx"),
        (["1", text], "text.xlsx"),
    ]
    for args, fragment in cases:
        result = cli("healthcheck", "collect", *args)
        assert result.code == 1, (args, result.stdout)
        assert fragment in result.stderr, (fragment, result.stderr)
        assert "Traceback" not in result.stderr
        assert sha256(db_path) == before
