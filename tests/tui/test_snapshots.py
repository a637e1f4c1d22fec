"""Snapshots of Home, Survey and Results at 100x30 in the default and the projector theme (demo database).

The header shows the database file name only (``db_label``) and nothing on screen depends on the time,
so the pictures are the same on every run. Update with ``pytest tests/tui --snapshot-update`` and look
at the SVG files in ``__snapshots__`` before committing them.
"""

from __future__ import annotations

import pytest

from kamtui.tui.app import make_app
from kamtui.tui.screens.home import HomeScreen
from kamtui.tui.screens.results import ResultsScreen
from kamtui.tui.screens.survey import SurveyScreen

from .conftest import SIZE
from .pilot_helpers import settle

THEMES = ["default", "projector"]


def app_for(db, theme):
    return make_app(db, theme=theme, db_label=db.name)


@pytest.mark.parametrize("theme", THEMES)
def test_home(snap_compare, demo_db, theme):
    async def ready(pilot):
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)

    assert snap_compare(app_for(demo_db, theme), terminal_size=SIZE, run_before=ready)


@pytest.mark.parametrize("theme", THEMES)
def test_survey(snap_compare, demo_db, theme):
    async def answer_a_few(pilot):
        await settle(pilot)
        await pilot.press("down", "enter")  # the current assessment
        await settle(pilot)
        await pilot.press("down", "down", "down", "down", "enter")  # Priya Raman (KAM)
        await settle(pilot)
        await pilot.press("right", "right", "right")  # PCM-04: a rated answer to highlight
        await settle(pilot)
        assert isinstance(pilot.app.screen, SurveyScreen)

    assert snap_compare(app_for(demo_db, theme), terminal_size=SIZE, run_before=answer_a_few)


@pytest.mark.parametrize("theme", THEMES)
def test_results(snap_compare, demo_db, theme):
    async def results(pilot):
        await settle(pilot)
        await pilot.press("down", "r")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ResultsScreen)

    assert snap_compare(app_for(demo_db, theme), terminal_size=SIZE, run_before=results)
