"""The participant app (issue 12, section 1): register, resume with a code, answer; nothing else reachable.

Every test drives ``make_participant_app`` with Pilot on a copy of the demo database (assessment 2: six
named respondents in three roles). "Forbidden" means: no screen of the lead app on the stack, no other
respondent's name or the database path on screen, nothing deleted, no theme written to the database.
"""

from __future__ import annotations

import importlib
import pkgutil
import sqlite3

import pytest
from textual.screen import Screen

import kamtui.tui.screens as lead_screens
from kamtui.core.confidential import ANONYMOUS_REFUSAL, NAMED_REFUSAL, RESULTS_CLOSED
from kamtui.core.demo_data import CURRENT_PEOPLE, EARLIER_PEOPLE
from kamtui.core.survey import load_survey
from kamtui.store import open_store
from kamtui.store.healthchecks import create_assessment
from kamtui.tui.app import KamApp
from kamtui.tui.participant import make_participant_app
from kamtui.tui.participant.app import ParticipantApp, ParticipantScreenMixin
from kamtui.tui.participant.results import ParticipantResultsScreen
from kamtui.tui.participant.screens import CodeScreen, FinishedScreen, RegisterScreen
from kamtui.tui.participant.survey import ParticipantSurveyScreen
from kamtui.tui.screens.confirm import ConfirmModal
from kamtui.tui.screens.help import HelpModal
from kamtui.tui.widgets.level_picker import LevelRow

from .conftest import SIZE
from .pilot_helpers import screen_text, settle, type_text

ASSESSMENT = 2
OTHERS = sorted({name for name, _ in CURRENT_PEOPLE + EARLIER_PEOPLE})
PHONE = (40, 44)  # a 390 x 844 browser at 16 px


def db_state(db) -> tuple:
    """Everything a participant must not change: assessments, other respondents and their answers, meta."""
    with sqlite3.connect(db) as conn:
        return (
            conn.execute("SELECT id, title FROM assessments ORDER BY id").fetchall(),
            conn.execute(
                "SELECT r.name, x.indicator, x.value, x.status, x.comment FROM answers x "
                "JOIN respondents r ON r.id = x.respondent_id WHERE r.resume_hash IS NULL ORDER BY 1, 2"
            ).fetchall(),
            conn.execute("SELECT key, value FROM meta WHERE key NOT LIKE 'participants.%' ORDER BY key").fetchall(),
            conn.execute("SELECT count(*) FROM accounts").fetchone(),
        )


def respondent(db, name: str) -> tuple | None:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT id, name, role, code, resume_hash FROM respondents WHERE assessment_id = ? AND name = ?",
            (ASSESSMENT, name),
        ).fetchone()


def answers_of(db, respondent_id: int) -> dict[str, tuple]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT indicator, value, status FROM answers WHERE respondent_id = ?", (respondent_id,)
        ).fetchall()
    return {indicator: (value, status) for indicator, value, status in rows}


def set_results_open(db, value: bool, assessment: int = ASSESSMENT) -> None:
    with open_store(db) as store:
        from kamtui.service.participants import set_results_open as service_set

        service_set(store, assessment, value)


async def register(pilot, name: str | None, role: str = "") -> str:
    """Register on the start screen; the resume code shown (and the survey opened)."""
    await settle(pilot)
    app = pilot.app
    assert isinstance(app.screen, RegisterScreen)
    if name is not None:
        app.screen.query_one("#join-name").focus()
        await type_text(pilot, name)
    if role:
        app.screen.query_one("#join-role").value = role
    app.screen.query_one("#join-name" if name is not None else "#join-role").focus()
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, CodeScreen), screen_text(app)
    code = app.participant.resume_code
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ParticipantSurveyScreen)
    return code


async def resume(pilot, name: str | None, code: str) -> None:
    app = pilot.app
    screen = app.screen
    assert isinstance(screen, RegisterScreen)
    if name is not None:
        screen.query_one("#resume-name").value = name
    screen.query_one("#resume-code").value = code
    screen.query_one("#resume-code").focus()
    await pilot.press("enter")
    await settle(pilot)


def error_shown(app) -> str:
    return str(app.screen.query_one("#join-error").render())


def assert_contained(app, db, before) -> None:
    """The participant is still inside their own screens and changed nothing of anyone else's."""
    stack = app.screen_stack
    assert isinstance(stack[0], RegisterScreen)
    for screen in stack:
        assert app.allowed(screen), f"{type(screen).__name__} reached from the participant app"
    text = screen_text(app)
    for name in OTHERS:
        assert name not in text, f"{name} shown on {type(app.screen).__name__}"
    assert str(db) not in text and db.name not in text
    assert db_state(db) == before


# --- the header, registering, the code ------------------------------------------------------------------


async def test_registering_shows_a_code_that_is_stored_only_as_a_digest_and_opens_the_own_survey(demo_db):
    before = db_state(demo_db)
    app = make_participant_app(demo_db, ASSESSMENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.screen.title == "Annual healthcheck" and app.screen.sub_title == ""
        code = await register(pilot, "Nadia Stone", "KAM")
        assert len(code) == 6 and set(code) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")
        screen = app.screen
        assert screen.title == "Annual healthcheck" and screen.sub_title == ""
        assert screen.respondent == "Nadia Stone" and screen.indicator.id == "PCM-01"
        await pilot.press("3", "4")
        await pilot.click("#p-na")  # the buttons answer without a key
        await pilot.click("#p-prev")
        await pilot.click("#p-unknown")
        await settle(pilot)
    found = respondent(demo_db, "Nadia Stone")
    assert found is not None and found[2] == "KAM"
    assert found[3].startswith("R-") and found[4].startswith("hmac-sha256$")
    assert code not in found[4] and code.encode() not in demo_db.read_bytes()
    assert answers_of(demo_db, found[0]) == {
        "PCM-01": (3, "rated"),
        "PCM-02": (4, "rated"),
        "PCM-03": (None, "unknown"),  # n/a given, then Previous, then "don't know" replaced it
    }
    assert db_state(demo_db) == before


async def test_the_role_suggestion_shown_is_the_role_stored_and_a_tapped_role_too(demo_db):
    app = make_participant_app(demo_db, ASSESSMENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#join-name").focus()
        await type_text(pilot, "Ola Berg")
        screen.query_one("#join-role").focus()
        await type_text(pilot, "sal")
        await settle(pilot)
        role = screen.query_one("#join-role")
        assert role.value == "sal" and role._suggestion == "Sales ops"  # shown as "sal|es ops"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CodeScreen)
    assert respondent(demo_db, "Ola Berg")[2] == "Sales ops"

    app = make_participant_app(demo_db, ASSESSMENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        chips = {button.name: button for button in screen.query(".role-chip")}
        # The roles already used, most used first (Ola made Sales ops the largest), then the common ones.
        assert list(chips) == ["Sales ops", "KAM", "Leadership", "Customer"]
        screen.query_one("#join-name").focus()
        await type_text(pilot, "Pim Vos")
        await pilot.click(chips["Customer"])
        await pilot.click("#join-start")
        await settle(pilot)
        assert isinstance(app.screen, CodeScreen)
    assert respondent(demo_db, "Pim Vos")[2] == "Customer"


async def test_a_typed_role_is_spelled_as_the_assessment_already_spells_it(demo_db):
    app = make_participant_app(demo_db, ASSESSMENT)
    async with app.run_test(size=SIZE) as pilot:
        await register(pilot, "Quinn Adler", "kam")
    assert respondent(demo_db, "Quinn Adler")[2] == "KAM"


# --- resuming -------------------------------------------------------------------------------------------


async def test_name_and_code_resume_the_own_answers_and_every_failure_says_the_same(demo_db):
    app = make_participant_app(demo_db, ASSESSMENT)
    async with app.run_test(size=SIZE) as pilot:
        code = await register(pilot, "Rhea Lind", "Leadership")
        await pilot.press("2", "3", "4")
        await settle(pilot)
    rhea = respondent(demo_db, "Rhea Lind")
    assert answers_of(demo_db, rhea[0]) == {"PCM-01": (2, "rated"), "PCM-02": (3, "rated"), "PCM-03": (4, "rated")}
    before = db_state(demo_db)
    wrong = "".join("A" if c != "A" else "B" for c in code)

    app = make_participant_app(demo_db, ASSESSMENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        messages = []
        for name, typed in [
            ("Rhea Lind", wrong),  # a wrong code
            ("Rhea Lindqvist", code),  # an unknown name with a real code
            ("Priya Raman", code),  # another respondent's name (registered by the lead: no code at all)
            ("priya raman", "ABCDEF"),
            ("Rhea Lind", ""),
        ]:
            await resume(pilot, name, typed)
            assert isinstance(app.screen, RegisterScreen)
            messages.append(error_shown(app))
        # Registering a name that is taken, without its code, is refused the same way.
        for taken in ["Rhea Lind", "PRIYA RAMAN", "Tom Fischer"]:
            app.screen.query_one("#join-name").value = taken
            app.screen.query_one("#join-name").focus()
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, RegisterScreen)
            messages.append(error_shown(app))
        assert set(messages) == {NAMED_REFUSAL}
        assert "Priya" not in NAMED_REFUSAL
        assert db_state(demo_db) == before

        await resume(pilot, "  rhea lind ", code.lower()[:3] + " " + code.lower()[3:])  # the name rule, any spacing
        screen = app.screen
        assert isinstance(screen, ParticipantSurveyScreen)
        assert screen.respondent_id == rhea[0] and screen.indicator.id == "PCM-04"
        assert str(screen.query_one("#survey-count").render()) == "3/120"
        await pilot.press("5")
        await settle(pilot)
    assert answers_of(demo_db, rhea[0])["PCM-04"] == (5, "rated")
    assert db_state(demo_db) == before


# --- nothing else is reachable ----------------------------------------------------------------------------


def lead_keys() -> list[str]:
    """Every key the lead app binds: the app's own and every screen's of kamtui.tui.screens."""
    keys: set[str] = set()

    def add(bindings) -> None:
        for binding in bindings:
            key = binding.key if hasattr(binding, "key") else binding[0]
            keys.update(k.strip() for k in key.split(","))

    add(KamApp.BINDINGS)
    for module_info in pkgutil.iter_modules(lead_screens.__path__):
        module = importlib.import_module(f"kamtui.tui.screens.{module_info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, Screen) and value.__module__ == module.__name__:
                add(value.__dict__.get("BINDINGS", []))
    keys.discard("ctrl+q")  # quits the participant app, which is allowed (tested below)
    return sorted(keys)


def test_the_lead_app_binds_many_keys():
    keys = lead_keys()
    assert {"d", "a", "w", "k", "p", "r", "h", "c", "o", "n", "escape", "enter", "j", "f2", "question_mark"} <= set(keys)
    assert len(keys) >= 40


async def close_dialogs(pilot) -> None:
    app = pilot.app
    for _ in range(3):
        if isinstance(app.screen, ParticipantScreenMixin):
            return
        await pilot.press("escape")
        await settle(pilot)


async def goto(pilot, target: str, code: str) -> None:
    """Put the participant app on ``target`` (register, survey, finished, results)."""
    app = pilot.app
    await close_dialogs(pilot)
    kinds = {"survey": ParticipantSurveyScreen, "finished": FinishedScreen, "results": ParticipantResultsScreen}
    if target in kinds and isinstance(app.screen, kinds[target]):
        return
    if target == "register":
        if not isinstance(app.screen, RegisterScreen):
            app.next_participant()
            await settle(pilot)
        app.screen.set_focus(None)  # the keys go to the screen, not into a field
        return
    if isinstance(app.screen, RegisterScreen):
        await resume(pilot, "Sam Hale", code)
    while not isinstance(app.screen, ParticipantSurveyScreen):
        app.pop_screen()
        await settle(pilot)
    if target == "finished":
        app.screen.action_finish()
    elif target == "results":
        app.open_results()
    await settle(pilot)


@pytest.mark.parametrize("target", ["register", "survey", "finished", "results"])
async def test_no_key_of_the_lead_app_leaves_the_participant_screens(demo_db, target):
    set_results_open(demo_db, True)
    app = make_participant_app(demo_db, ASSESSMENT, refresh_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        code = await register(pilot, "Sam Hale", "KAM")
        before = db_state(demo_db)
        kinds = {"register": RegisterScreen, "survey": ParticipantSurveyScreen, "finished": FinishedScreen}
        kinds["results"] = ParticipantResultsScreen
        await goto(pilot, target, code)
        assert isinstance(app.screen, kinds[target])
        seen = set()
        for key in lead_keys():
            await pilot.press(key)
            await settle(pilot)
            seen.add(type(app.screen).__name__)
            assert_contained(app, demo_db, before)
            await goto(pilot, target, code)
            assert isinstance(app.screen, kinds[target])
        assert seen <= {
            "RegisterScreen", "ParticipantSurveyScreen", "FinishedScreen", "ParticipantResultsScreen",
            "HelpModal", "CommentModal", "ConfirmModal", "CommandPalette",
        }


async def test_the_palette_offers_only_the_participants_own_actions(demo_db):
    app = make_participant_app(demo_db, ASSESSMENT, refresh_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert titles == {"Start", "Resume", "Projector theme", "Help", "Quit"}
        await register(pilot, "Tove Lund")
        titles = [c.title for c in app.get_system_commands(app.screen)]
        defaults = {"Theme", "Keys", "Maximize", "Minimize", "Screenshot"}
        assert not defaults & set(titles)
        lead = {"Assessments", "New assessment", "Accounts", "Weights", "Ranking", "Portfolio", "Join link"}
        assert not lead & set(titles)
        assert "Results" not in titles and "Results of this assessment" not in titles and "Back" not in titles
        assert {"Rate 3: Repeatable", "Comment", "Finish", "Help", "Quit"} <= set(titles)
        # Every command runs and stays within the participant's screens.
        before = db_state(demo_db)
        for command in app.get_system_commands(app.screen):
            if command.title == "Quit":
                continue
            await command.callback()
            await settle(pilot)
            assert_contained(app, demo_db, before)
            await close_dialogs(pilot)
            while not isinstance(app.screen, ParticipantSurveyScreen):
                app.pop_screen()
                await settle(pilot)
        # The palette itself, typed into: the lead's commands are not there to be found.
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert type(app.screen).__name__ == "CommandPalette"
        await type_text(pilot, "accounts")
        await pilot.pause(0.3)
        await settle(pilot)
        assert "Accounts" not in screen_text(app) and "matrix" not in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ParticipantSurveyScreen)


async def test_escape_never_leaves_the_participants_screens(demo_db):
    set_results_open(demo_db, True)
    app = make_participant_app(demo_db, ASSESSMENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for _ in range(3):
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, RegisterScreen) and len(app.screen_stack) == 1
        await register(pilot, "Uma Kess")
        survey = app.screen
        chains = [
            [],  # the survey itself
            ["c"],  # the comment dialog
            ["f"],  # finished
            ["f", "n"],  # finished, then "next participant?"
            ["r"],  # the results (open)
            ["f1"],  # help
            ["ctrl+p"],  # the palette
            ["r", "f1"],
        ]
        for chain in chains:
            for key in chain:
                await pilot.press(key)
                await settle(pilot)
            for _ in range(len(chain) + 3):
                await pilot.press("escape")
                await settle(pilot)
                assert app.allowed(app.screen)
            assert app.screen is survey, f"after {chain} and Escape: {app.screen_stack}"
            assert app.screen_stack == [app.screen_stack[0], survey]


async def test_f1_explains_the_participant_screens_only(demo_db):
    app = make_participant_app(demo_db, ASSESSMENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.set_focus(None)
        titles = []
        for step in ["register", "survey", "finished"]:
            if step == "survey":
                await register(pilot, "Vera Holm")
            if step == "finished":
                await pilot.press("f")
                await settle(pilot)
            await pilot.press("f1")
            await settle(pilot)
            assert isinstance(app.screen, HelpModal)
            titles.append(app.screen.help_title)
            text = screen_text(app)
            assert "Accounts" not in text and "Delete" not in text and "Assessments" not in text
            await pilot.press("f1")  # F1 on the help closes it: never a help of the help
            await settle(pilot)
            assert not isinstance(app.screen, HelpModal)
        assert titles == ["Join the survey", "Your survey", "Finished"]


async def test_the_theme_is_per_session_and_never_written(demo_db):
    with sqlite3.connect(demo_db) as conn:
        theme_before = conn.execute("SELECT value FROM meta WHERE key = 'theme'").fetchall()
    app = make_participant_app(demo_db, ASSESSMENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "kam"
        app.screen.set_focus(None)
        await pilot.press("f2")
        await settle(pilot)
        assert app.theme == "kam-projector" and app.has_class("projector")
        await register(pilot, "Wim Ros")
        await pilot.press("t")
        await settle(pilot)
        assert app.theme == "kam"
    with sqlite3.connect(demo_db) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'theme'").fetchall() == theme_before


async def test_a_lead_screen_pushed_from_anywhere_is_refused(demo_db):
    from kamtui.tui.screens.accounts import AccountsScreen
    from kamtui.tui.screens.home import HomeScreen
    from kamtui.tui.screens.results import ResultsScreen

    app = make_participant_app(demo_db, ASSESSMENT)
    async with app.run_test(size=SIZE) as pilot:
        await register(pilot, "Xia Ferro")
        survey = app.screen
        for screen in [HomeScreen(), AccountsScreen(), ResultsScreen(ASSESSMENT)]:
            await app.push_screen(screen)
            await settle(pilot)
            assert app.screen is survey
            await app.switch_screen(screen)
            await settle(pilot)
            assert app.screen is survey
        for action in ["app.push_screen('home')", "app.switch_screen('x')", "app.pop_screen", "app.back"]:
            await app.run_action(action)
            await settle(pilot)
            assert app.screen is survey
        survey.action_results()  # the results are not open
        await settle(pilot)
        assert app.screen is survey
        assert RESULTS_CLOSED in [n.message for n in app._notifications]


# --- the Results, when the lead opens them ----------------------------------------------------------------


async def test_results_appear_only_while_the_lead_has_them_open_and_name_nobody(demo_db):
    app = make_participant_app(demo_db, ASSESSMENT, refresh_interval=0.2)
    async with app.run_test(size=SIZE) as pilot:
        await register(pilot, "Yuri Park", "KAM")
        survey = app.screen
        assert survey.check_action("results", ()) is False
        await pilot.press("r")
        await settle(pilot)
        assert app.screen is survey
        set_results_open(demo_db, True)
        await pilot.pause(1.3)  # the survey looks every second (at most)
        await settle(pilot)
        assert survey.check_action("results", ()) is True
        assert "Results" in [t for t, _, _ in survey.palette_commands()]
        await pilot.press("r")
        await settle(pilot)
        results = app.screen
        assert isinstance(results, ParticipantResultsScreen)
        await pilot.pause(0.3)
        await settle(pilot)
        assert results.report is not None and results.report.respondents == 7
        assert results.report.respondent_scores == () and all(c.respondent is None for c in results.report.comments)
        assert results.title == "Annual healthcheck" and results.sub_title == ""
        text = screen_text(app)
        assert "Overall" in text and not any(name in text for name in OTHERS)
        for key in ["enter", "h", "a", "p", "c", "j"]:  # the lead's drill-down, heatmap, plan, compare, join
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is results
        set_results_open(demo_db, False)
        await pilot.press("r")
        await pilot.pause(0.3)
        await settle(pilot)
        assert app.screen is survey  # closed by the lead: the screen closed itself
        assert RESULTS_CLOSED in [n.message for n in app._notifications]
        await pilot.pause(1.3)
        assert survey.check_action("results", ()) is False


# --- finishing and the next participant -----------------------------------------------------------------


async def test_finishing_and_handing_over_to_the_next_participant(demo_db):
    app = make_participant_app(demo_db, ASSESSMENT)
    async with app.run_test(size=SIZE) as pilot:
        await register(pilot, "Zoe Amsel")
        await pilot.press("4")
        await pilot.click("#p-finish")
        await settle(pilot)
        assert isinstance(app.screen, FinishedScreen)
        text = screen_text(app)
        assert "Thank you, Zoe Amsel" in text and "You answered 1 of 120 statements" in text
        await pilot.click("#finished-next")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen) and len(app.screen_stack) == 1
        assert app.participant is None
        assert app.screen.query_one("#join-name").value == ""
        assert "Zoe" not in screen_text(app)


async def test_answering_the_last_statement_shows_the_finished_screen(demo_db):
    from kamtui.service import healthcheck, participants

    with open_store(demo_db) as store:
        ada = participants.register(store, ASSESSMENT, "Ada Rune", "KAM")
        for indicator in load_survey("kam-healthcheck").indicator_ids[:-1]:
            healthcheck.save_answer(store, ada.respondent_id, indicator, 2, "rated")
    app = make_participant_app(demo_db, ASSESSMENT)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await resume(pilot, "Ada Rune", ada.resume_code)
        assert isinstance(app.screen, ParticipantSurveyScreen) and app.screen.index == 119
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, FinishedScreen)
        assert "You answered 120 of 120 statements" in screen_text(app)
    assert len(answers_of(demo_db, ada.respondent_id)) == 120


# --- anonymous assessments --------------------------------------------------------------------------------


def anonymous_assessment(db) -> int:
    with open_store(db) as store:
        return create_assessment(store, "Confidential pulse", load_survey("kam-healthcheck"), anonymous=True)


async def test_anonymous_registration_asks_only_a_role_and_the_code_alone_resumes(fresh_db):
    assessment = anonymous_assessment(fresh_db)
    app = make_participant_app(fresh_db, assessment)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.screen.query("#join-name") and not app.screen.query("#resume-name")
        assert "anonymous" in screen_text(app)
        app.screen.query_one("#join-role").value = "KAM"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CodeScreen)
        code = app.participant.resume_code
        stored = app.participant.name
        assert stored.startswith("R-") and len(stored) == 7
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
    with sqlite3.connect(fresh_db) as conn:
        rows = conn.execute("SELECT name, code, role FROM respondents").fetchall()
    assert rows == [(stored, stored, "KAM")]

    app = make_participant_app(fresh_db, assessment)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for wrong in ["ZZZZZZ", stored, ""]:  # the respondent's public code is not their resume code
            await resume(pilot, None, wrong)
            assert error_shown(app) == ANONYMOUS_REFUSAL
        await resume(pilot, None, code)
        assert isinstance(app.screen, ParticipantSurveyScreen)
        assert app.screen.respondent == stored and app.screen.indicator.id == "PCM-02"


# --- a phone-sized terminal --------------------------------------------------------------------------------


async def test_on_a_phone_the_level_chips_are_tall_and_answer_on_a_click(demo_db):
    app = make_participant_app(demo_db, ASSESSMENT)
    async with app.run_test(size=PHONE) as pilot:
        await register(pilot, "Bo Lind")
        screen = app.screen
        assert screen.has_class("narrow")
        assert not screen.query_one("#survey-elements").display
        rows = list(screen.query(LevelRow))
        assert [row.region.height for row in rows] == [3, 3, 3, 3, 3]
        assert all(row.region.width >= 34 for row in rows)
        buttons = list(screen.query("#survey-buttons Button"))
        assert len(buttons) == 6 and all(b.region.height == 3 and b.region.width >= 10 for b in buttons)
        await pilot.click(rows[3], offset=(25, 1))  # on the description, not the level's name
        await settle(pilot)
        assert screen.indicator.id == "PCM-02"
        await pilot.click("#p-next")
        await pilot.click(screen.query(LevelRow)[0], offset=(2, 2))
        await settle(pilot)
    bo = respondent(demo_db, "Bo Lind")
    assert answers_of(demo_db, bo[0]) == {"PCM-01": (4, "rated"), "PCM-03": (1, "rated")}


def test_an_unknown_assessment_or_database_is_refused_before_the_app_starts(demo_db, tmp_path):
    from kamtui.core.errors import DatabaseError, NotFoundError

    with pytest.raises(NotFoundError, match="no assessment with id 99"):
        make_participant_app(demo_db, 99)
    with pytest.raises(DatabaseError, match="no such database file"):
        make_participant_app(tmp_path / "missing.db", 1)
    assert not (tmp_path / "missing.db").exists()
    assert isinstance(make_participant_app(demo_db, ASSESSMENT), ParticipantApp)


def test_kamtui_participate_refuses_an_unknown_assessment_plainly(demo_db, tmp_path):
    import subprocess
    import sys

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "kamtui", *args], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
        )

    unknown = run("participate", "99", "--db", str(demo_db))
    assert unknown.returncode == 1
    assert unknown.stderr.strip() == "error: no assessment with id 99 (see: kamtui healthcheck list)"
    missing = run("--db", str(tmp_path / "none.db"), "participate", "1")
    assert missing.returncode == 1 and "no such database file" in missing.stderr
    assert not (tmp_path / "none.db").exists()
    helped = run("participate", "--help")
    assert helped.returncode == 0 and "Answer assessment ID as a participant" in helped.stdout
