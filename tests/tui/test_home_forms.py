"""Answer forms from Home (issue 13): `f` writes one form per person for the highlighted assessment, `i`
collects returned forms after a preview; nothing is written until the preview is confirmed."""

from __future__ import annotations

import sqlite3

import pytest

from kamtui.core.errors import InvalidValueError
from kamtui.service.database import open_database
from kamtui.service.forms import write_forms
from kamtui.service.healthcheck import create_assessment
from kamtui.tui.app import make_app
from tests.e2e.test_forms_cli import fill

from .pilot_helpers import screen_text, settle

PEOPLE = "name,role,email\nNoor Haddad,KAM,noor@example.com\nIvo Berg,Leadership,\n"


def answers_of(db, name: str) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT count(*) FROM answers a JOIN respondents r ON r.id = a.respondent_id "
            "WHERE r.name = ? AND a.status IS NOT NULL",
            (name,),
        ).fetchone()[0]


async def write_from_home(pilot, people, out) -> None:
    await settle(pilot)
    await pilot.press("down", "f")  # the current assessment (2)
    await settle(pilot)
    assert type(pilot.app.screen).__name__ == "WriteFormsModal"
    pilot.app.screen.query_one("#forms-source").value = str(people)
    pilot.app.screen.query_one("#forms-output").value = str(out)
    pilot.app.screen.query_one("#forms-output").focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_forms_written_from_home_then_collected_after_a_preview(demo_db, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    out = tmp_path / "forms"
    async with make_app(demo_db).run_test(size=(100, 30)) as pilot:
        await write_from_home(pilot, people, out)
        forms = sorted(out.glob("*.xlsx"))
        assert len(forms) == 2
        noor = next(p for p in forms if "noor" in p.name.lower())
        given = fill(noor)
        assert given

        await pilot.press("i")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "CollectFormsModal"
        pilot.app.screen.query_one("#collect-path").value = str(noor)
        await pilot.press("enter")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "CollectPreviewModal"
        shown = screen_text(pilot.app)
        assert "Noor Haddad" in shown and f"{len(given)}/120" in shown
        assert "No form back yet from: Ivo Berg" in " ".join(shown.replace("█", " ").split())
        assert "noor-haddad.xlsx" in shown
        assert answers_of(demo_db, "Noor Haddad") == 0  # a preview writes nothing

        await pilot.press("y")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "HomeScreen"
    assert answers_of(demo_db, "Noor Haddad") == len(given)


async def test_a_cancelled_preview_writes_nothing(demo_db, tmp_path):
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    out = tmp_path / "forms"
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        await write_from_home(pilot, people, out)
        fill(next(p for p in out.glob("*.xlsx") if "noor" in p.name.lower()))
        await pilot.press("i")
        await settle(pilot)
        pilot.app.screen.query_one("#collect-path").value = str(out)
        await pilot.press("enter")
        await settle(pilot)
        assert type(pilot.app.screen).__name__ == "CollectPreviewModal"
        await pilot.press("n")
        await settle(pilot)
    assert answers_of(demo_db, "Noor Haddad") == 0


async def test_an_anonymous_assessment_asks_for_a_number_of_blank_forms(tmp_path):
    db = tmp_path / "kam.db"
    with open_database(db) as store:
        create_assessment(store, "Confidential pulse", anonymous=True)
    out = tmp_path / "forms"
    async with make_app(db).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        screen = pilot.app.screen
        assert "carries a code, never a name" in screen_text(pilot.app)
        screen.query_one("#forms-source").value = "many"
        screen.query_one("#forms-output").value = str(out)
        screen.query_one("#forms-output").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "a whole number from 1 to 1000" in screen_text(pilot.app)  # refused in the dialog
        screen.query_one("#forms-source").value = "3"
        await pilot.press("enter")
        await settle(pilot)
    assert len(list(out.glob("*.xlsx"))) == 3


def test_an_anonymous_assessment_refuses_a_list_of_names(tmp_path):
    db = tmp_path / "kam.db"
    people = tmp_path / "people.csv"
    people.write_text(PEOPLE, encoding="utf-8")
    with open_database(db) as store:
        assessment = create_assessment(store, "Confidential pulse", anonymous=True)
        with pytest.raises(InvalidValueError, match="anonymous: its forms carry codes"):
            write_forms(store, assessment, people_file=people, output=str(tmp_path / "forms"))
    assert not (tmp_path / "forms").exists()
