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
        assert f"{expected.respondents} respondents · progress 100% · rated {expected.coverage:.0%}" in detail
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
        lower = next(r for r in biggest[1].roles if r != biggest[1].higher)
        assert f"{abs(biggest[1].difference):.2f} {biggest[0].name}: {biggest[1].higher} higher than {lower}" in gaps
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
        detail = str(screen.query_one("#results-detail").render())
        assert "no comparison (c to choose one)" in detail
        assert "no earlier assessment" not in detail  # there is one: the person turned the trend off


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


# ---------------------------------------------------------------------------------------------- what users tripped on


def table_lines(screen: ResultsScreen) -> list[str]:
    """The element table as drawn (each line as wide as the widget: what is cut off is not there)."""
    table = screen.query_one("#element-table")
    return [table.render_line(y).text for y in range(table.size.height)]


def assert_numbers_whole(screen: ResultsScreen) -> None:
    report = screen.report
    table = screen.query_one("#element-table")
    assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.size.width
    lines = table_lines(screen)
    header = lines[0]
    for role in {r for e in report.elements for r in e.by_role}:
        assert role in header or f"{role[:4]}…" in header, (role, header)
    for element in report.elements:
        line = next(li for li in lines if li.strip().startswith(element.name[:10]))
        rwg = f"{element.rwg:.2f}" + ("!" if element.no_consensus else "")
        assert f" {rwg}" in line, (rwg, line)
        assert f" {element.score:.2f} " in line
        assert f"{element.delta:+.2f}" in line
        for mean in element.by_role.values():
            assert f" {mean:.2f}" in line, (mean, line)


async def test_numbers_are_whole_at_80x24_after_refresh_and_resize(demo_db):
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        screen = await open_results(pilot)
        selection = screen.report.element("account-selection")
        assert (f"{selection.rwg:.2f}", selection.no_consensus) == ("0.68", True)  # the case users saw cut
        assert f"{selection.by_role['KAM']:.2f}" == "1.85"
        assert_numbers_whole(screen)
        await pilot.press("r")
        await settle(pilot)
        assert_numbers_whole(screen)
        await pilot.resize_terminal(120, 30)
        await settle(pilot)
        assert_numbers_whole(screen)
        assert any("█" in line for line in table_lines(screen))  # wide enough for the bars again
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        await pilot.pause(0.2)
        assert_numbers_whole(screen)
        await pilot.press("r")
        await settle(pilot)
        assert_numbers_whole(screen)


async def test_the_compare_dialog_lists_only_earlier_assessments(demo_db):
    from textual.widgets import OptionList

    from kamtui.tui.screens.compare import CompareModal

    async with make_app(demo_db).run_test(size=SIZE) as pilot:
        screen = await open_results(pilot)
        await pilot.press("c")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, CompareModal)
        options = dialog.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["none", str(EARLIER)]
        await pilot.press("escape")
        await pilot.press("escape")  # back to Home
        await settle(pilot)
        await pilot.press("up", "r")  # the earlier assessment: nothing was made before it
        await settle(pilot)
        first = pilot.app.screen
        assert isinstance(first, ResultsScreen) and first.assessment_id == EARLIER
        assert "no earlier assessment to compare with" in str(first.query_one("#results-detail").render())
        await pilot.press("c")
        await pilot.pause()
        assert not isinstance(pilot.app.screen, CompareModal)
        assert "There is no earlier assessment to compare with." in [n.message for n in pilot.app._notifications]
        assert screen is not first


async def test_home_and_results_count_and_word_progress_alike(demo_db):
    from kamtui.service.database import open_database
    from kamtui.service.healthcheck import register

    with open_database(demo_db) as store:
        register(store, CURRENT, "Nina Newcomer", "KAM")  # registered, no answer yet
    async with make_app(demo_db).run_test(size=SIZE) as pilot:
        await settle(pilot)
        home = pilot.app.screen
        table = home.query_one("#assessments")
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[4:7] == ["Resp.", "Progress", "Rated"]
        row = table.get_row(str(CURRENT))
        resp, progress, rated = (str(row[4]), str(row[5]), str(row[6]))
        # 6 respondents answered all 120 statements (some na/unknown), the 7th nothing: 720 of 840
        assert (resp, progress) == ("7", "86%")
        screen = await open_results(pilot)
        detail = str(screen.query_one("#results-detail").render())
        assert f"7 respondents · progress {progress} · rated {rated}" in detail
        assert screen.report.respondents == 7
        for word in ("Resp.", "Progress", "Rated"):
            assert word in home.HELP_TEXT
        assert "Done" not in home.HELP_TEXT


def test_help_points_to_the_readme_not_the_design():
    from kamtui.tui.screens.element import ElementScreen

    assert "README" in ResultsScreen.HELP_TEXT
    for screen in (ResultsScreen, ElementScreen):
        assert "design" not in screen.HELP_TEXT.lower()


async def test_compare_screen_sets_assessments_side_by_side(demo_db):
    from kamtui.service.compare import compare_assessments
    from kamtui.service.database import open_database
    from kamtui.tui.screens.compare_programmes import ChooseAssessmentsModal, CompareProgrammesScreen

    with open_database(demo_db) as store:
        expected = compare_assessments(store, [EARLIER, CURRENT]).to_json()
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("c")  # the highlighted assessment (#1) comes ticked
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChooseAssessmentsModal)
        await pilot.press("tab", "enter")  # Compare with one ticked: refused in the dialog
        await pilot.pause()
        assert isinstance(pilot.app.screen, ChooseAssessmentsModal)
        await pilot.press("shift+tab", "down", "space", "tab", "enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CompareProgrammesScreen) and screen.ids == [EARLIER, CURRENT]
        table = screen.query_one("#compare-table")
        overall = [str(c) for c in table.get_row("overall")[1:]]
        assert overall == [f" {a['overall']:.2f} {a['level_name']}" for a in expected["assessments"]]
        for element in expected["elements"]:
            cells = [str(c).strip() for c in table.get_row(element["id"])[1:]]
            assert [c.split()[0] for c in cells] == [f"{s:.2f}" for s in element["scores"]]
        top = expected["differences"][0]
        assert f"{top['difference']:.2f} {top['name']}: #{top['high']} highest" in str(
            screen.query_one("#compare-differences").render()
        )
