"""The results screen shows the engine's report, and refreshes itself when another process answers."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from kamtui.store import open_store
from kamtui.store.healthchecks import report_for
from kamtui.tui.app import make_app
from kamtui.tui.screens.results import ResultsScreen

from .conftest import SIZE
from .pilot_helpers import settle

CURRENT, EARLIER = 2, 1


def cell(screen: ResultsScreen, element_id: str, column: str) -> str:
    return str(screen.query_one("#element-table").get_cell(element_id, column))


def displayed_scores(screen: ResultsScreen) -> dict[str, str]:
    return {e.id: cell(screen, e.id, "score") for e in screen.report.elements}


async def open_results(pilot) -> ResultsScreen:
    await settle(pilot)
    await pilot.press("down", "r")  # the second assessment: the current one
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ResultsScreen)
    return screen


async def test_results_on_screen_equal_the_engine_report(demo_db):
    with open_store(demo_db) as store:
        expected = report_for(store, CURRENT, compare=EARLIER)  # default comparison: the earlier one
    async with make_app(demo_db).run_test(size=SIZE) as pilot:
        screen = await open_results(pilot)
        overall = str(screen.query_one("#results-overall").render())
        assert f"Overall  {expected.overall:.2f} " in overall
        assert f"level {expected.level} {expected.level_name}" in overall
        detail = str(screen.query_one("#results-detail").render())
        assert f"{expected.respondents} respondents" in detail
        assert f"trend {expected.overall_delta:+.2f} vs #{EARLIER}" in detail
        for element in expected.elements:
            assert cell(screen, element.id, "score") == f"{element.score:.2f}"
            assert cell(screen, element.id, "level") == element.level_name
            assert cell(screen, element.id, "trend") == f"{element.delta:+.2f}"
            assert cell(screen, element.id, "rwg") == f"{element.rwg:.2f}" + (
                "!" if element.no_consensus else " "
            )
            for role, mean in element.by_role.items():
                assert cell(screen, element.id, f"role:{role}") == f"{mean:.2f}"
        assert any(e.no_consensus for e in expected.elements)  # the demo has flags to show
        gaps = str(screen.query_one("#results-gaps").render())
        assert "No consensus" in gaps
        assert all(e.name in gaps for e in expected.elements if e.no_consensus)
        biggest = max(
            ((e, g) for e in expected.elements for g in e.gaps), key=lambda item: abs(item[1].difference)
        )
        assert (
            f"{biggest[1].difference:+.2f} {biggest[0].name}: {biggest[1].roles[0]} vs {biggest[1].roles[1]}"
            in gaps
        )
        prescription = str(screen.query_one("#results-prescription").render())
        for number, item in enumerate(expected.prescription, 1):
            assert (
                f"{number}. {item.name} ({item.score:.2f}, level {item.level} → {item.level + 1})"
                in prescription
            )


async def test_choosing_no_comparison_removes_the_trend(demo_db):
    async with make_app(demo_db).run_test(size=SIZE) as pilot:
        screen = await open_results(pilot)
        assert screen.compare == EARLIER
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("home", "enter")  # the first option: no comparison
        await settle(pilot)
        assert screen.compare is None
        assert cell(screen, "kam-process", "trend") == "—"
        assert "no earlier assessment" in str(screen.query_one("#results-detail").render())


WRITER = """
import sys
from kamtui.store import open_store
from kamtui.store.healthchecks import ensure_respondent, get_assessment, save_answer
with open_store(sys.argv[1]) as store:
    survey = get_assessment(store, {current}).survey
    who = ensure_respondent(store, {current}, "Zoe Visitor", "Customer")
    for indicator in survey.element("account-selection").indicators:
        save_answer(store, who, indicator.id, 5, "rated")
"""


async def test_live_refresh_shows_answers_written_by_another_process(demo_db):
    async with make_app(demo_db).run_test(size=SIZE) as pilot:
        screen = await open_results(pilot)
        before = displayed_scores(screen)
        subprocess.run(
            [sys.executable, "-c", textwrap.dedent(WRITER.format(current=CURRENT)), str(demo_db)],
            check=True,
            timeout=60,
        )
        with open_store(demo_db) as store:
            after = report_for(store, CURRENT, compare=EARLIER)
        wanted = f"{after.element('account-selection').score:.2f}"
        assert before["account-selection"] != wanted
        deadline = time.monotonic() + 8  # the refresh runs every 2 s on its own: no key is pressed
        while cell(screen, "account-selection", "score") != wanted and time.monotonic() < deadline:
            await pilot.pause(0.2)
        assert displayed_scores(screen) == {e.id: f"{e.score:.2f}" for e in after.elements}
        assert after.respondents == 7
        assert "7 respondents" in str(screen.query_one("#results-detail").render())
        assert "Customer" in [str(c.label) for c in screen.query_one("#element-table").columns.values()]
