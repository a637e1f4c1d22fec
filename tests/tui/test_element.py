"""The drill-down (Enter on an element in Results), the statement's comments, and the heatmap (h): what
they show is the service's report, confidential assessments included."""

from __future__ import annotations

import sqlite3

from kamtui.core.healthcheck import SPREAD_KEYS, element_statements, statement_comments
from kamtui.service.database import open_database
from kamtui.service.healthcheck import report
from kamtui.tui.app import make_app
from kamtui.tui.screens.element import ElementScreen, StatementModal
from kamtui.tui.screens.heatmap import HeatmapScreen
from kamtui.tui.screens.results import ResultsScreen

from .conftest import SIZE
from .pilot_helpers import settle

CURRENT, EARLIER = 2, 1
SELECTION_ROW = 5  # Account Selection, the sixth element


def engine(db, compare=EARLIER):
    with open_database(db) as store:
        return report(store, CURRENT, compare=compare)


def confidential(db, min_group: int) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE assessments SET anonymous = 1, min_group = ? WHERE id = ?", (min_group, CURRENT))


async def open_element(pilot, row: int = SELECTION_ROW) -> ElementScreen:
    await settle(pilot)
    await pilot.press("down", "r")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ResultsScreen)
    await pilot.press(*(["down"] * row), "enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ElementScreen)
    return screen


def spread_cell(text: str) -> list[str]:
    """The histogram cell as its eight characters: five levels, a space, na and unknown."""
    assert len(text) == 8 and text[5] == " "
    return [text[i] for i in (0, 1, 2, 3, 4, 6, 7)]


async def test_enter_opens_the_element_with_its_statements(demo_db):
    expected = engine(demo_db)
    element = expected.element("account-selection")
    async with make_app(demo_db).run_test(size=SIZE) as pilot:
        screen = await open_element(pilot)
        assert screen.element_id == "account-selection"
        summary = str(screen.query_one("#element-summary").render())
        assert f"Account Selection   {element.score:.2f} " in summary
        assert f"rwg {element.rwg:.2f}!" in summary and f"rwg(j) {element.rwg_j:.2f}" in summary
        assert f"trend {element.delta:+.2f} vs #{EARLIER}" in summary
        table = screen.query_one("#statement-table")
        order = [str(table.get_row_at(i)[0]) for i in range(table.row_count)]
        wanted = element_statements(expected, "account-selection")
        assert order == [s.id for s in wanted]
        flags = [s.no_consensus for s in wanted]
        assert flags == sorted(flags, reverse=True) and flags[0]  # without consensus first
        roles = [key.value for key in table.columns if key.value.startswith("role:")]
        assert roles == [f"role:{r}" for r in element.by_role]
        for result in wanted:
            row = table.get_row(result.id)
            assert str(row[2]) == f"{result.mean:.2f}"
            assert str(row[4]) == f"{result.rwg:.2f}" + ("!" if result.no_consensus else " ")
            cells = spread_cell(str(row[3]))
            for key, char in zip(SPREAD_KEYS, cells, strict=True):
                assert (char == "·") == (result.spread[key] == 0), (result.id, key, char)
            peak = max(result.spread.values())
            assert [char == "█" for char in cells] == [result.spread[k] == peak for k in SPREAD_KEYS]
            for position, role in enumerate(element.by_role, 5):
                assert str(row[position]) == f"{result.by_role[role]:.2f}"
        comments = str(screen.query_one("#element-comments").render())
        for comment in (c for c in expected.comments if c.element == "account-selection"):
            assert f"{comment.indicator} {comment.respondent}, {comment.role}:" in comments
            assert comment.text in comments


async def test_a_statement_shows_its_comments_in_full(demo_db):
    expected = engine(demo_db)
    with_comments = [s for s in expected.indicators if statement_comments(expected, s.id)]
    element_ids = [e.id for e in expected.elements]
    target = with_comments[0]
    async with make_app(demo_db).run_test(size=SIZE) as pilot:
        screen = await open_element(pilot, element_ids.index(target.element))
        table = screen.query_one("#statement-table")
        table.move_cursor(row=table.get_row_index(target.id))
        await pilot.press("enter")
        await pilot.pause()
        modal = pilot.app.screen
        assert isinstance(modal, StatementModal)
        body = str(modal.query_one("#statement-comments-text").render())
        for comment in statement_comments(expected, target.id):
            assert f"{comment.respondent}, {comment.role} [{comment.answer}]: {comment.text}" in body
        assert f"{target.id}: mean {target.mean:.2f}" in str(modal.query_one(".dialog-title").render())
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is screen


async def test_anonymous_assessment_shows_comments_without_names_and_no_small_groups(demo_db):
    confidential(demo_db, 3)  # the demo's roles have two respondents each
    async with make_app(demo_db).run_test(size=SIZE) as pilot:
        screen = await open_element(pilot)
        comments = str(screen.query_one("#element-comments").render())
        names = ["Amara Okafor", "Jonas Weber", "Priya Raman", "Tom Fischer", "Lucia Moreno", "Kenji Sato"]
        shown = [c for c in screen.data.report.comments if c.element == "account-selection"]
        assert shown and all(c.text in comments for c in shown)  # the comments are there, without names
        assert all(c.respondent is None and c.role is None for c in shown)
        assert not any(name in comments for name in names)
        table = screen.query_one("#statement-table")
        assert not [key for key in table.columns if key.value.startswith("role:")]
        assert "Roles:" not in str(screen.query_one("#element-roles").render())


async def test_heatmap_rows_respondents_columns_elements(demo_db):
    expected = engine(demo_db, compare=None)
    async with make_app(demo_db).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("down", "r")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, HeatmapScreen)
        table = screen.query_one("#heatmap-table")
        assert table.row_count == len(expected.respondent_scores) == 6
        assert [k.value for k in table.columns][1:] == [e.id for e in expected.elements]
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= 80  # fits at 80x24
        for person in expected.respondent_scores:
            row = table.get_row(person.respondent)
            assert person.respondent in str(row[0])
            for position, element in enumerate(expected.elements, 1):
                cell = row[position]
                assert str(cell).strip() == f"{person.scores[element.id]:.2f}"
                colour = cell.spans[0].style.split(" on ")[1]
                wanted = {
                    1: "level-red",
                    2: "level-orange",
                    3: "level-yellow",
                    4: "level-green",
                    5: "level-blue",
                }
                assert colour == pilot.app.theme_variables[wanted[person.levels[element.id]]]
        legend = str(screen.query_one("#heatmap-legend").render())
        assert "PCM Programme & Change Management" in legend


async def test_heatmap_is_hidden_below_the_minimum_group_size(demo_db):
    confidential(demo_db, 10)  # 6 respondents, fewer than 10
    async with make_app(demo_db).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("down", "r")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, HeatmapScreen)
        assert screen.query_one("#heatmap-table").row_count == 0
        assert "Not shown" in str(screen.query_one("#heatmap-note").render())
