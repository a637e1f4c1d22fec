"""Snapshots of every screen and dialog at 80x24 (a laptop terminal) and 120x36, in the default and the
projector theme (issue 20), on the demo database.

Each scenario is the keys a person presses from Home (or from the participant app's first screen) and the
screen or dialog they must land on: the test fails when a key stops leading there, and when the picture
changes. Nothing on screen depends on the time or the machine (the header shows the database's file name
only; resume codes, which are random, are not pictured). Update with
``pytest tests/tui/test_screen_snapshots.py --snapshot-update`` and look at every SVG in ``__snapshots__``
before committing them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from textual.widgets import Input

from kamtui.tui.app import make_app
from kamtui.tui.participant import make_participant_app

from .pilot_helpers import settle

THEMES = ("default", "projector")
SIZES = {"80x24": (80, 24), "120x36": (120, 36)}
ASSESSMENT = 2  # the demo's current assessment (second row on Home)


@dataclass(frozen=True)
class Scenario:
    name: str
    keys: tuple[str, ...]
    lands_on: str  # the class name of the screen (or dialog) on top afterwards
    participant: bool = False


SURVEY = ("down", "enter", "down", "down", "down", "down", "enter", "right", "right", "right")
RESULTS = ("down", "r")
RANKING = ("k",)

SCENARIOS = (
    Scenario("home", (), "HomeScreen"),
    Scenario("home-help", ("f1",), "HelpModal"),
    Scenario("new-assessment", ("n",), "NewAssessmentModal"),
    Scenario("delete-confirm", ("down", "d"), "ConfirmModal"),
    Scenario("choose-assessments", ("c",), "ChooseAssessmentsModal"),
    Scenario("write-forms", ("down", "f"), "WriteFormsModal"),
    Scenario("collect-forms", ("down", "i"), "CollectFormsModal"),
    Scenario("respondents", ("down", "enter"), "RespondentScreen"),
    Scenario("survey", SURVEY, "SurveyScreen"),
    Scenario("survey-help", (*SURVEY, "f1"), "HelpModal"),
    Scenario("comment", (*SURVEY, "c"), "CommentModal"),
    Scenario("results", RESULTS, "ResultsScreen"),
    Scenario("element", (*RESULTS, "enter"), "ElementScreen"),
    Scenario("heatmap", (*RESULTS, "h"), "HeatmapScreen"),
    Scenario("plan", (*RESULTS, "p"), "ActionsScreen"),
    Scenario("action", (*RESULTS, "a"), "ActionModal"),
    Scenario("compare-with", (*RESULTS, "c"), "CompareModal"),
    Scenario("join", (*RESULTS, "j"), "JoinScreen"),
    Scenario("accounts", ("a",), "AccountsScreen"),
    Scenario("weights", ("w",), "SelectionScreen"),
    Scenario("ranking", RANKING, "SelectionScreen"),
    Scenario("limits", (*RANKING, "l"), "LimitsModal"),
    Scenario("pairwise", ("w", "c"), "AhpWizard"),
    Scenario("stability", (*RANKING, "b"), "StabilityScreen"),
    Scenario("portfolio", ("p",), "PortfolioScreen"),
    Scenario("participant-register", (), "RegisterScreen", participant=True),
)


def app_for(db, scenario: Scenario, theme: str):
    if scenario.participant:
        return make_participant_app(db, ASSESSMENT, theme=theme)
    return make_app(db, theme=theme, db_label=db.name)


def run_keys(scenario: Scenario):
    async def run(pilot):
        await settle(pilot)
        for key in scenario.keys:
            await pilot.press(key)
            await settle(pilot)
        landed = type(pilot.app.screen).__name__
        assert landed == scenario.lands_on, f"{scenario.keys} led to {landed}, not {scenario.lands_on}"
        for field in pilot.app.screen.query(Input):  # a blinking cursor is caught on or off by chance
            field.cursor_blink = False  # (shown steadily)
        await settle(pilot)

    return run


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_screen(snap_compare, demo_db, scenario, size, theme):
    app = app_for(demo_db, scenario, theme)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=run_keys(scenario))
