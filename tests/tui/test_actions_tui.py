"""The action plan in the app: an element of Results turned into an action (its text from the
prescription), the plan with status changes and edits, carrying over, and the earlier actions beside the
trend. Every change is read back from the ``actions`` table."""

from __future__ import annotations

import sqlite3

from textual.widgets import Input

from kamtui.service.actions import add_action, set_action
from kamtui.service.database import open_database
from kamtui.tui.app import make_app
from kamtui.tui.screens.actions import ActionModal, ActionsScreen
from kamtui.tui.screens.results import ResultsScreen

from .conftest import SIZE
from .pilot_helpers import settle, type_text

CURRENT, EARLIER = 2, 1
SELECTION_ROW = 5  # Account Selection


def actions(db) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT id, assessment_id, element, text, owner, due, status, carried_from FROM actions ORDER BY id"
        ).fetchall()


async def open_results(pilot) -> ResultsScreen:
    await settle(pilot)
    await pilot.press("down", "r")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ResultsScreen)
    return screen


async def fill(pilot, selector: str, text: str) -> None:
    field = pilot.app.screen.query_one(selector, Input)
    field.value = ""
    field.focus()
    await type_text(pilot, text)


async def test_an_element_becomes_an_action_from_its_prescription(demo_db):
    async with make_app(demo_db).run_test(size=SIZE) as pilot:
        screen = await open_results(pilot)
        prescription = next(p for p in screen.report.prescription if p.element == "account-selection")
        await pilot.press(*(["down"] * SELECTION_ROW), "a")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ActionModal)
        assert dialog.query_one("#action-text", Input).value == prescription.text
        await fill(pilot, "#action-owner", "Priya")
        await fill(pilot, "#action-due", "2026-02-30")
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen is dialog  # refused: the dialog stays with the reason
        error = str(dialog.query_one("#action-error").render())
        assert error == "the due date: 2026-02-30 is not a date: February 2026 has 28 days"
        assert actions(demo_db) == []
        await fill(pilot, "#action-due", "2026-03-31")
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen is screen
        assert actions(demo_db) == [
            (1, CURRENT, "account-selection", prescription.text, "Priya", "2026-03-31", "open", None)
        ]
        panel = str(screen.query_one("#results-prescription").render())
        assert "[action #1: open]" in panel


async def test_the_plan_changes_status_and_edits(demo_db):
    with open_database(demo_db) as store:
        add_action(store, CURRENT, "kam-process", "Tom", "2026-01-31", "Write the process down")
    async with make_app(demo_db).run_test(size=SIZE) as pilot:
        await open_results(pilot)
        await pilot.press("p")
        await settle(pilot)
        plan = pilot.app.screen
        assert isinstance(plan, ActionsScreen)
        table = plan.query_one("#plan-table")
        assert [str(c) for c in table.get_row("1")][1:4] == ["KAM Process", "open", "Tom"]
        await pilot.press("s")
        await settle(pilot)
        assert actions(demo_db)[0][6] == "doing"
        assert str(table.get_row("1")[2]) == "doing"
        await pilot.press("s", "s", "s")  # doing -> done -> dropped -> open
        await settle(pilot)
        assert actions(demo_db)[0][6] == "open"
        await pilot.press("enter")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, ActionModal)
        assert dialog.query_one("#action-text", Input).value == "Write the process down"
        await fill(pilot, "#action-owner", "Ann")
        await pilot.press("enter")  # owner -> due
        await pilot.press("enter")  # saves
        await settle(pilot)
        assert pilot.app.screen is plan
        assert actions(demo_db)[0][4:7] == ("Ann", "2026-01-31", "open")


async def test_carrying_over_and_the_earlier_actions_beside_the_trend(demo_db):
    with open_database(demo_db) as store:
        done = add_action(store, EARLIER, "kam-process", "Tom", "2025-06-30", "Map the process")
        set_action(store, done.id, status="done")
        add_action(store, EARLIER, "account-selection", "Priya", "2025-09-30", "Draft criteria")
    async with make_app(demo_db).run_test(size=SIZE) as pilot:
        screen = await open_results(pilot)
        panel = str(screen.query_one("#results-prescription").render())
        process = screen.report.element("kam-process")
        assert f"{process.delta:+.2f} KAM Process: Map the process (done, Tom)" in panel
        assert "1 unfinished action of the previous assessment" in panel
        assert [a for a in actions(demo_db) if a[1] == CURRENT] == []  # looking carries nothing over
        await pilot.press("p")
        await settle(pilot)
        plan = pilot.app.screen
        assert "1 unfinished of #1 not carried yet" in str(plan.query_one("#plan-summary").render())
        earlier = str(plan.query_one("#plan-earlier").render())
        selection = screen.report.element("account-selection")
        assert (
            f"{selection.delta:+.2f} Account Selection: Draft criteria (open, Priya, due 2025-09-30)"
            in earlier
        )
        await pilot.press("c")
        await settle(pilot)
        carried = [a for a in actions(demo_db) if a[1] == CURRENT]
        assert carried == [
            (3, CURRENT, "account-selection", "Draft criteria", "Priya", "2025-09-30", "open", 2)
        ]
        assert "1 carried from #1" in str(plan.query_one("#plan-summary").render())
        await pilot.press("c")  # again: nothing more
        await settle(pilot)
        assert len(actions(demo_db)) == 3
