"""The new-assessment dialog's confidential choice (issue 12, section 4): anonymous, and the group size."""

from __future__ import annotations

from kamtui.core.survey import builtin_survey_ids
from kamtui.tui.app import make_app
from kamtui.tui.screens.new_assessment import NewAssessment, NewAssessmentModal

from .conftest import SIZE
from .pilot_helpers import settle, type_text


async def open_dialog(pilot, chosen: list) -> NewAssessmentModal:
    await settle(pilot)
    pilot.app.push_screen(NewAssessmentModal(builtin_survey_ids(), []), chosen.append)
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, NewAssessmentModal)
    await type_text(pilot, "Pulse")
    return dialog


async def test_the_dialog_asks_for_anonymous_and_the_minimum_group(fresh_db):
    chosen: list = []
    async with make_app(fresh_db).run_test(size=SIZE) as pilot:
        dialog = await open_dialog(pilot, chosen)
        assert not dialog.query_one("#new-group-row").display  # only for an anonymous assessment
        await pilot.click("#new-anonymous")
        await settle(pilot)
        assert dialog.query_one("#new-group-row").display
        assert dialog.query_one("#new-min-group").value == "3"
        dialog.query_one("#new-min-group").value = "0"
        await pilot.click("#new-create")
        await settle(pilot)
        assert pilot.app.screen is dialog and chosen == []
        assert str(dialog.query_one("#new-error").render()) == (
            "The group size must be a whole number from 1 to 1000, got 0"
        )
        dialog.query_one("#new-min-group").value = "5"
        await pilot.click("#new-create")
        await settle(pilot)
    assert chosen == [NewAssessment("Pulse", None, "kam-healthcheck", anonymous=True, min_group=5)]


async def test_an_ordinary_assessment_stays_named(fresh_db):
    chosen: list = []
    async with make_app(fresh_db).run_test(size=SIZE) as pilot:
        await open_dialog(pilot, chosen)
        await pilot.click("#new-create")
        await settle(pilot)
    assert chosen == [NewAssessment("Pulse", None, "kam-healthcheck", anonymous=False, min_group=3)]
