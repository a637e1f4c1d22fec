"""Issue 20: every screen whole at 80x24 (and 120x36), readable in the projector theme; one test per fix.

The README's "The terminal app" section promises the keys and layouts checked here.
"""

from __future__ import annotations

import sqlite3

import pytest

from kamtui.tui.app import make_app
from kamtui.tui.screens.respondents import RespondentScreen
from kamtui.tui.screens.survey import SurveyScreen
from kamtui.tui.widgets.level_picker import LevelRow

from .pilot_helpers import screen_text, settle, type_text

SMALL = (80, 24)
LARGE = (120, 36)
THEMES = ("default", "projector")


def region_text(app, widget) -> str:
    """The characters the screen shows inside ``widget``'s visible region, one line per row."""
    region = widget.region.intersection(app.screen.region)
    strips = app.screen._compositor.render_strips()
    return "\n".join(strips[y].text[region.x : region.right] for y in range(region.y, region.bottom))


def respondent_rows(db) -> list[tuple[str, str | None]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT name, role FROM respondents ORDER BY id").fetchall()


async def open_respondents(pilot) -> RespondentScreen:
    await settle(pilot)
    await pilot.press("enter")  # the highlighted assessment on Home
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, RespondentScreen)
    return screen


# -- respondents ---------------------------------------------------------------------------------------


async def test_enter_in_the_name_field_starts_without_a_role(demo_db):
    before = respondent_rows(demo_db)
    async with make_app(demo_db).run_test(size=SMALL) as pilot:
        await open_respondents(pilot)
        await pilot.press("n")
        await type_text(pilot, "Zoe")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SurveyScreen)
        assert pilot.app.screen.respondent == "Zoe"
    assert respondent_rows(demo_db) == [*before, ("Zoe", None)]


async def test_n_with_respondents_listed_focuses_the_name_and_types_nothing(demo_db):
    async with make_app(demo_db).run_test(size=SMALL) as pilot:
        screen = await open_respondents(pilot)
        assert screen.respondents  # the demo has respondents: the list has the focus
        name = screen.query_one("#respondent-name")
        await pilot.press("n")
        assert screen.focused is name and name.value == ""
        await type_text(pilot, "Bob")
        assert name.value == "Bob"
        await pilot.press("n")  # in the field, n is a letter and the footer no longer offers it
        assert name.value == "Bobn"
        assert "new_respondent" not in {b.binding.action for b in screen.active_bindings.values() if b.enabled}


async def test_the_role_suggestion_shown_is_the_role_stored(demo_db):
    before = respondent_rows(demo_db)
    async with make_app(demo_db).run_test(size=SMALL) as pilot:
        screen = await open_respondents(pilot)
        await pilot.press("n")
        await type_text(pilot, "Zoe")
        await pilot.press("tab")
        await type_text(pilot, "Lead")
        await pilot.pause()
        role = screen.query_one("#respondent-role")
        assert role._suggestion == "Leadership"  # what the field shows
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SurveyScreen)
    assert respondent_rows(demo_db) == [*before, ("Zoe", "Leadership")]


# -- survey ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_every_level_description_is_shown_in_full(demo_db, theme, size):
    async with make_app(demo_db, theme=theme).run_test(size=size) as pilot:
        await open_respondents(pilot)
        await pilot.press("n")
        await type_text(pilot, "Zoe")
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SurveyScreen)
        anchors = screen.survey.anchors_for(screen.indicator.id)
        panel = screen.query_one("#statement")
        assert screen.has_class("compact") == (size == SMALL)
        for row, description in zip(screen.query(LevelRow), anchors, strict=True):
            assert panel.region.contains_region(row.region)  # all five on screen, nothing to scroll to
            shown = region_text(pilot.app, row)
            assert "…" not in shown
            words = " ".join(shown.split())
            assert f"{row.level} {row.level_title}" in words
            assert description in words


# -- help ------------------------------------------------------------------------------------------------


async def test_help_lists_the_screens_own_keys_before_the_tables(demo_db):
    async with make_app(demo_db).run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert pilot.app.screen.focused.id == "assessments"  # a DataTable with its own cursor keys
        await pilot.press("f1")
        await pilot.pause()
        keys = [description for _, description in pilot.app.screen.keys]
    assert keys[:5] == ["New", "Open", "Results", "Delete", "Compare"]
    assert keys.index("Compare") < keys.index("Page down") < keys.index("Help")
    assert keys[-1] == "Command palette: every action by name" and "palette" not in keys


async def test_help_collapses_bindings_of_one_action(demo_db):
    async with make_app(demo_db).run_test(size=SMALL) as pilot:
        await open_respondents(pilot)
        await pilot.press("n")
        await type_text(pilot, "Zoe")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        keys = pilot.app.screen.keys
    assert keys[0] == ("1-5", "Rate")
    assert not [k for k in keys if k[1] in {f"Rate {n}" for n in range(2, 6)}]
    assert ("↑", "Level above") in keys and ("↓", "Level below") in keys  # hidden, but no shown twin


@pytest.mark.parametrize("theme", THEMES)
async def test_help_scrolls_to_its_last_line_at_80x24(demo_db, theme):
    async with make_app(demo_db, theme=theme).run_test(size=SMALL) as pilot:
        await open_respondents(pilot)
        await pilot.press("n")
        await type_text(pilot, "Zoe")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        help_screen = pilot.app.screen
        body = help_screen.query_one("#help-body")
        assert body.max_scroll_y > 0  # the survey's help is longer than 80x24 can show
        await pilot.press("end")
        await pilot.pause()
        text = screen_text(pilot.app)
        dialog = help_screen.query_one("#help-dialog")
        assert help_screen.region.contains_region(dialog.region)
        assert "Command palette: every action by name" in text and "Esc closes this help" in text


# -- new assessment --------------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_new_assessment_buttons_are_whole(demo_db, theme, size):
    async with make_app(demo_db, theme=theme).run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        dialog = pilot.app.screen.query_one("#new-dialog")
        pilot.app.screen.query_one("#new-anonymous").value = True  # the tallest form: the group size too
        await pilot.pause()
        assert pilot.app.screen.query_one("#new-group-row").display
        for button_id, label in (("#new-create", "Create"), ("#new-cancel", "Cancel")):
            button = pilot.app.screen.query_one(button_id)
            assert button.region.height == 3
            assert dialog.content_region.contains_region(button.region)
            assert label in region_text(pilot.app, button)


# -- results ---------------------------------------------------------------------------------------------

CURRENT = 2  # the demo's current assessment


def add_roles(db, roles: tuple[str, ...]) -> None:
    """One respondent per role, each answering every statement 3 (the table grows wider than 80)."""
    from kamtui.core.survey import load_survey
    from kamtui.store import open_store
    from kamtui.store.healthchecks import ensure_respondent, save_answer

    survey = load_survey("kam-healthcheck")
    with open_store(db) as store:
        for number, role in enumerate(roles):
            who = ensure_respondent(store, CURRENT, f"Visitor {number}", role)
            for indicator in survey.indicators:
                save_answer(store, who, indicator.id, 3, "rated")


async def open_results(pilot):
    from kamtui.tui.screens.results import ResultsScreen

    await settle(pilot)
    await pilot.press("down", "r")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ResultsScreen)
    return screen


def table_lines(table) -> list[str]:
    return [table.render_line(y).text for y in range(table.size.height)]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_results_fit_the_screen_with_panels_of_five_lines(demo_db, theme, size):
    async with make_app(demo_db, theme=theme).run_test(size=size) as pilot:
        screen = await open_results(pilot)
        assert screen.max_scroll_y == 0 and screen.virtual_size.height <= size[1]  # the screen never scrolls
        table = screen.query_one("#element-table")
        assert table.region.height == len(screen.report.elements) + 1  # every element, no table scrolling
        for panel_id in ("#gaps-panel", "#prescription-panel"):
            panel = screen.query_one(panel_id)
            assert panel.region.height >= 7 and screen.region.contains_region(panel.region)
            assert panel.content_region.height >= 5


async def test_rwg_flag_keeps_the_column_in_line(demo_db):
    async with make_app(demo_db).run_test(size=SMALL) as pilot:
        screen = await open_results(pilot)
        lines = table_lines(screen.query_one("#element-table"))
        starts = set()
        for element in screen.report.elements:
            line = next(li for li in lines if li.strip().startswith(element.name[:10]))
            rwg = f"{element.rwg:.2f}" + ("!" if element.no_consensus else " ")
            starts.add(line.index(f" {rwg}"))
        assert any(e.no_consensus for e in screen.report.elements)
        assert len(starts) == 1  # "0.68!" starts where "0.80 " does
        header = lines[0]
        assert header.index("rwg") == starts.pop() + 1


async def test_role_columns_are_reachable_and_names_stay(demo_db):
    roles = ("Customer", "Marketing and Communications", "Finance")
    add_roles(demo_db, roles)
    async with make_app(demo_db).run_test(size=SMALL) as pilot:
        screen = await open_results(pilot)
        table = screen.query_one("#element-table")
        assert table.max_scroll_x > 0  # wider than 80 columns
        header = table_lines(table)[0]
        assert "Sales ops" not in header
        for _ in range(40):
            await pilot.press("right")
        await pilot.pause()
        assert table.scroll_x == table.max_scroll_x
        lines = table_lines(table)
        first = screen.report.elements[0]
        assert "Sale…" in lines[0]  # the last role column is on screen, with its mean
        assert lines[1].split()[-1] == f"{first.by_role['Sales ops']:.2f}"
        assert lines[1].strip().startswith(first.name[:10])  # the element names did not scroll away
        assert lines[0].strip().startswith("Element")


async def test_element_names_are_whole_in_a_wide_terminal(demo_db):
    async with make_app(demo_db).run_test(size=(142, 36)) as pilot:
        screen = await open_results(pilot)
        names = [e.name for e in screen.report.elements]
        assert max(len(n) for n in names) > 32  # the old cap
        text = "\n".join(table_lines(screen.query_one("#element-table")))
        for name in names:
            assert name in text


# -- home ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_home_gives_the_title_the_room_and_shows_overall_whole(demo_db, theme, size):
    async with make_app(demo_db, theme=theme).run_test(size=size) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one("#assessments")
        text = "\n".join(table_lines(table))
        assert "kam-healthcheck" not in text  # every row has it: said once, above the table
        assert "survey: kam-healthcheck" in str(screen.query_one("#home-title").render()) or size == SMALL
        for row in screen.rows:
            assert f"{row.overall:.2f} {row.level_name}" in text  # "2.34 Awareness", not "2.34 Aware"
        titles = [row.summary.title for row in screen.rows]
        longest = max(titles, key=len)
        if size == LARGE:
            assert all(title in text for title in titles)
        else:
            assert longest[:26] in text  # 80 columns: nearly whole (was "Baseline hea…", 12)
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.size.width


async def test_end_and_home_move_to_the_last_and_first_row(demo_db):
    async with make_app(demo_db).run_test(size=SMALL) as pilot:
        await settle(pilot)
        table = pilot.app.screen.query_one("#assessments")
        assert table.row_count == 2 and table.cursor_row == 0
        await pilot.press("end")
        assert table.cursor_row == 1
        await pilot.press("home")
        assert table.cursor_row == 0


# -- browser ---------------------------------------------------------------------------------------------


async def test_served_headers_show_no_missing_glyph_icon(demo_db, monkeypatch):
    from textual.widgets import Header

    from kamtui.core.served import SERVED_ENV

    monkeypatch.setenv(SERVED_ENV, "1")
    async with make_app(demo_db).run_test(size=SMALL) as pilot:
        await settle(pilot)
        assert [h.icon for h in pilot.app.screen.query(Header)] == [""]
        assert "⭘" not in screen_text(pilot.app)
        await pilot.press("down", "r")  # a screen pushed later gets the same header
        await settle(pilot)
        assert [h.icon for h in pilot.app.screen.query(Header)] == [""]
        assert "⭘" not in screen_text(pilot.app).splitlines()[0]
    monkeypatch.delenv(SERVED_ENV)
    async with make_app(demo_db).run_test(size=SMALL) as pilot:  # in a terminal the icon stays
        await settle(pilot)
        assert "⭘" in screen_text(pilot.app).splitlines()[0]


def test_the_served_page_loads_nothing_from_the_internet():
    import re

    from kamtui.serve.pages import APP_PAGE, APP_POLICY, MESSAGE_PAGE, STATIC_FILES

    page = APP_PAGE.format(title="kamtui", font_size=16) + MESSAGE_PAGE.format(message="x")
    assert not re.search(r"(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page, re.IGNORECASE)
    assert "font-src 'self'" in APP_POLICY and "default-src 'none'" in APP_POLICY
    fonts = [name for name in STATIC_FILES if name.startswith("fonts/")]
    assert fonts and all(STATIC_FILES[name][0].is_file() for name in fonts)  # served from the package
    for name, (path, kind) in STATIC_FILES.items():
        if kind.startswith("font/"):
            continue
        text = path.read_text(encoding="utf-8")
        code = re.sub(r"/\*.*?\*/", "", text, flags=re.DOTALL)  # licence headers name their sites
        loads = re.findall(r"(?:url\(|@import|src=|href=)\s*['\"]?(?:https?:)?//", code, re.IGNORECASE)
        assert not loads, (name, loads)
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, name


async def test_a_resize_while_home_loads_leaves_a_whole_screen(demo_db):
    async with make_app(demo_db).run_test(size=LARGE) as pilot:
        await pilot.resize_terminal(*SMALL)  # before the worker has delivered the rows
        await settle(pilot)
        await pilot.pause()
        screen = pilot.app.screen
        lines = screen_text(pilot.app).splitlines()
        assert len(lines) == SMALL[1] and all(len(line) == SMALL[0] for line in lines)
        table = screen.query_one("#assessments")
        assert sum(c.get_render_width(table) for c in table.columns.values()) <= table.size.width
        assert table.row_count == 2 and screen.query_one("Footer").region.y == SMALL[1] - 1


async def test_element_rwg_flags_keep_the_column_in_line(demo_db):
    async with make_app(demo_db).run_test(size=LARGE) as pilot:
        screen = await open_results(pilot)
        flagged = next(e for e in screen.report.elements if e.no_consensus)
        table = screen.query_one("#element-table")
        table.move_cursor(row=[e.id for e in screen.report.elements].index(flagged.id))
        await pilot.press("enter")
        await settle(pilot)
        element = pilot.app.screen
        lines = table_lines(element.query_one("#statement-table"))
        starts = set()
        for result in element.statements:
            if result.rwg is None:
                continue
            rwg = f"{result.rwg:.2f}" + ("!" if result.no_consensus else " ")
            line = next(li for li in lines if li.strip().startswith(result.id))
            starts.add(line.index(f" {rwg}"))
        assert any(r.no_consensus for r in element.statements) and any(not r.no_consensus for r in element.statements)
        assert len(starts) == 1


async def test_the_served_participant_app_shows_no_missing_glyph_icon(demo_db, monkeypatch):
    from textual.widgets import Header

    from kamtui.core.served import SERVED_ENV
    from kamtui.tui.participant import make_participant_app

    monkeypatch.setenv(SERVED_ENV, "1")
    async with make_participant_app(demo_db, 2).run_test(size=SMALL) as pilot:
        await settle(pilot)
        headers = list(pilot.app.screen.query(Header))
        assert headers and [h.icon for h in headers] == [""] * len(headers)
        assert "⭘" not in screen_text(pilot.app)
