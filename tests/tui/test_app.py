"""The app shell: theme persistence, help, command palette, the home keys and the one error handler."""

from __future__ import annotations

import sqlite3

import pytest
from textual.screen import ModalScreen

from kamtui.store import open_store
from kamtui.store.healthchecks import delete_assessment
from kamtui.tui.app import make_app
from kamtui.tui.screens.help import HelpModal
from kamtui.tui.screens.home import HomeScreen
from kamtui.tui.screens.respondents import RespondentScreen
from kamtui.tui.themes import DEFAULT_THEME, PROJECTOR_THEME

from .conftest import SIZE
from .pilot_helpers import settle, type_text


def notifications(app) -> list[tuple[str, str]]:
    return [(n.severity, n.message) for n in app._notifications]


def assessment_ids(db) -> list[int]:
    with sqlite3.connect(db) as conn:
        return [row[0] for row in conn.execute("SELECT id FROM assessments ORDER BY id")]


async def test_theme_switch_is_remembered_in_the_database(fresh_db):
    app = make_app(fresh_db)
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == DEFAULT_THEME and not app.has_class("projector")
        await pilot.press("f2")
        assert app.theme == PROJECTOR_THEME and app.has_class("projector")
    with open_store(fresh_db) as store:
        assert store.get_meta("theme") == PROJECTOR_THEME
    app = make_app(fresh_db)  # a new instance on the same database starts in the projector theme
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == PROJECTOR_THEME and app.has_class("projector")
        await pilot.press("t")
        assert app.theme == DEFAULT_THEME and not app.has_class("projector")
    app = make_app(fresh_db)
    async with app.run_test(size=SIZE):
        assert app.theme == DEFAULT_THEME


async def test_help_lists_the_keys_of_the_current_screen(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpModal)
        keys = dict((description, keys) for keys, description in app.screen.keys)
        assert keys["New"] == "n" and keys["Delete"] == "d" and keys["Results"] == "r"
        assert keys["Projector"] == "F2/t" and keys["Help"] == "F1/?"
        await pilot.press("escape")
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpModal)


async def test_palette_offers_every_action_and_runs_them(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {command.title for command in app.get_system_commands(app.screen)}
        for wanted in (
            "New assessment",
            "Open assessment",
            "Delete assessment",
            "Results",
            "Toggle projector theme",
            "Help",
            "Quit",
        ):
            assert wanted in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "Toggle projector")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert app.theme == PROJECTOR_THEME


async def test_new_assessment_from_the_dialog(fresh_db):
    app = make_app(fresh_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await type_text(pilot, "Spring check")
        await pilot.press("enter")
        await type_text(pilot, "Acme KAM")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, RespondentScreen)
    with sqlite3.connect(fresh_db) as conn:
        assert conn.execute("SELECT title, programme, survey_id FROM assessments").fetchall() == [
            ("Spring check", "Acme KAM", "kam-healthcheck")
        ]


async def test_delete_asks_first(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("d")
        assert isinstance(app.screen, ModalScreen)
        await pilot.press("n")
        assert assessment_ids(demo_db) == [1, 2]
        await pilot.press("d", "y")
        await settle(pilot)
        assert assessment_ids(demo_db) == [2]
        assert app.query_one("#assessments").row_count == 1


async def test_a_kam_error_is_a_notification_not_a_crash(demo_db):
    app = make_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        with open_store(demo_db) as other:  # someone else deletes it while it is on screen
            delete_assessment(other, 1)
        await pilot.press("d", "y")
        await settle(pilot)
        # the command line adds "(see: kamtui healthcheck list)"; the TUI names no command
        assert ("error", "no assessment with id 1") in notifications(app)
        assert isinstance(app.screen, HomeScreen) and app.is_running


async def test_an_unexpected_error_in_a_worker_is_a_notification(demo_db, monkeypatch):
    import kamtui.store.healthchecks as healthchecks

    def broken(store, assessment_id):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(healthchecks, "list_respondents", broken)
    app = make_app(demo_db)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert ("error", "RuntimeError: disk on fire") in notifications(app)
        assert isinstance(app.screen, HomeScreen) and app.is_running


def test_a_foreign_file_is_refused_before_the_app_starts(tmp_path):
    from kamtui.core.errors import DatabaseError

    path = tmp_path / "notes.db"
    path.write_text("not a database")
    with pytest.raises(DatabaseError):
        make_app(path)
    assert path.read_text() == "not a database"


@pytest.mark.parametrize("theme", [DEFAULT_THEME, PROJECTOR_THEME])
async def test_the_start_parses_the_stylesheet_once_with_its_theme_and_a_switch_restyles(
    fresh_db, monkeypatch, theme
):
    from textual.css.stylesheet import Stylesheet
    from textual.widgets import Footer

    reparsed = []
    real = Stylesheet.reparse
    monkeypatch.setattr(Stylesheet, "reparse", lambda self: (reparsed.append(1), real(self))[1])
    app = make_app(fresh_db, theme=theme)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert reparsed == []  # the theme was in the variables of the first parse
        footer = app.screen.query_one(Footer)
        first = footer.styles.background
        assert app.stylesheet._variables == app.get_css_variables()
        await pilot.press("f2")
        await settle(pilot)
        assert len(reparsed) == 1 and footer.styles.background != first  # the switch still restyles
        assert app.stylesheet._variables == app.get_css_variables()
