"""The lead's Join screen (issue 12, section 2): the join link and a QR code that scans from a wall.

The QR code is read back from the screen, cell by cell (the upper half of a cell is its text colour, the
lower half its background), and compared module by module with segno's code of the same link.
"""

from __future__ import annotations

import sqlite3

import segno

from kamtui.tui.app import make_app
from kamtui.tui.screens.join import DARK, JoinScreen, QRCode
from kamtui.tui.screens.results import ResultsScreen

from .conftest import SIZE
from .pilot_helpers import screen_text, settle

JOIN = "http://192.168.20.31:8000/join/" + "Qx7_kP2-rT9vW3yZ5aB8cD1eF4gH6jK0mN2pR5sT8uV"


def modules_on_screen(qr: QRCode) -> list[list[bool]]:
    """The dark modules drawn by the widget, one per ``scale`` x ``scale`` half-cells."""
    text = qr.content
    pixels: list[list[bool]] = []
    for line in text.split("\n"):
        styles = [None] * len(line.plain)
        for span in line.spans:
            styles[span.start : span.end] = [span.style] * (span.end - span.start)
        top = [style is not None and style.color is not None and style.color.name == DARK for style in styles]
        bottom = [style is not None and style.bgcolor is not None and style.bgcolor.name == DARK for style in styles]
        pixels += [top, bottom]
    scale = qr.scale
    width = len(pixels[0])
    pixels = pixels[:width]  # square: an odd number of pixel rows leaves the last half-cell empty
    return [[row[x] for x in range(0, width, scale)] for row in pixels[::scale]]


def expected_modules(url: str, zone: int) -> list[list[bool]]:
    matrix = [[bool(v) for v in row] for row in segno.make(url, error="m").matrix]
    side = len(matrix) + 2 * zone
    blank = [[False] * side for _ in range(zone)]
    return blank + [[False] * zone + row + [False] * zone for row in matrix] + blank


def results_open(db) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT results_open FROM assessments WHERE id = 2").fetchone()[0]


async def open_join(pilot) -> JoinScreen:
    await settle(pilot)
    assert isinstance(pilot.app.screen, ResultsScreen)
    await pilot.press("j")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, JoinScreen)
    return screen


async def test_j_on_results_shows_the_served_join_link_as_a_qr_code_that_reads_back(demo_db, monkeypatch):
    monkeypatch.setenv("KAMTUI_JOIN_URL", JOIN)
    monkeypatch.setenv("KAMTUI_JOIN_ASSESSMENT", "2")
    app = make_app(demo_db, results=2)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_join(pilot)
        qr = screen.query_one(QRCode)
        drawn = modules_on_screen(qr)
        zone = (len(drawn) - len(segno.make(JOIN, error="m").matrix)) // 2
        assert zone in (2, 4)
        assert drawn == expected_modules(JOIN, zone), "the code on the screen is the join link's"
        lines = qr.content.plain.split("\n")
        assert len(lines) <= qr.content_region.height and max(map(len, lines)) <= qr.content_region.width
        text = screen_text(app)
        assert JOIN[:30] in text.replace("\n", "") or JOIN[:30] in str(screen.query_one("#join-url").render())
        assert "assessment 2: Annual healthcheck" in text
        assert screen.title == "Join · Annual healthcheck"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ResultsScreen)


async def test_on_a_projector_sized_terminal_the_code_is_drawn_larger(demo_db, monkeypatch):
    monkeypatch.setenv("KAMTUI_JOIN_URL", JOIN)
    monkeypatch.setenv("KAMTUI_JOIN_ASSESSMENT", "2")
    app = make_app(demo_db, results=2)
    async with app.run_test(size=(240, 110)) as pilot:
        screen = await open_join(pilot)
        qr = screen.query_one(QRCode)
        assert qr.scale >= 2  # every module at least two cells wide and one cell tall
        assert modules_on_screen(qr) == expected_modules(JOIN, 4)
        height = len(qr.content.plain.split("\n"))
        assert height >= 0.8 * qr.content_region.height  # it fills the screen's height


async def test_o_opens_and_closes_the_results_to_participants(demo_db, monkeypatch):
    monkeypatch.setenv("KAMTUI_JOIN_URL", JOIN)
    monkeypatch.setenv("KAMTUI_JOIN_ASSESSMENT", "2")
    app = make_app(demo_db, results=2)
    async with app.run_test(size=SIZE) as pilot:
        await open_join(pilot)
        assert results_open(demo_db) == 0
        assert "Results for participants: closed" in screen_text(app)
        await pilot.press("o")
        await settle(pilot)
        assert results_open(demo_db) == 1
        assert "Results for participants: open" in screen_text(app)
        await pilot.press("o")
        await settle(pilot)
        assert results_open(demo_db) == 0


async def test_the_palette_opens_the_join_screen_of_the_served_assessment(demo_db, monkeypatch):
    monkeypatch.setenv("KAMTUI_JOIN_URL", JOIN)
    monkeypatch.setenv("KAMTUI_JOIN_ASSESSMENT", "2")
    app = make_app(demo_db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Join link" in titles
        await app.run_action("app.join")
        await settle(pilot)
        assert isinstance(app.screen, JoinScreen) and app.screen.assessment_id == 2
        assert app.screen.query(QRCode)


async def test_outside_serve_the_join_screen_says_how_to_start_it(demo_db, monkeypatch):
    monkeypatch.delenv("KAMTUI_JOIN_URL", raising=False)
    monkeypatch.delenv("KAMTUI_JOIN_ASSESSMENT", raising=False)
    app = make_app(demo_db, results=2)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_join(pilot)
        assert not screen.query(QRCode)
        text = " ".join(screen_text(app).split())
        assert "kamtui serve --assessment 2" in text


async def test_a_link_for_another_assessment_is_not_offered_as_this_ones(demo_db, monkeypatch):
    monkeypatch.setenv("KAMTUI_JOIN_URL", JOIN)
    monkeypatch.setenv("KAMTUI_JOIN_ASSESSMENT", "1")
    app = make_app(demo_db, results=2)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_join(pilot)
        assert not screen.query(QRCode)
        text = " ".join(screen_text(app).split())
        assert "lets participants join assessment 1, not this one" in text
        assert "kamtui serve --assessment 2" in text


async def test_served_the_lead_app_hides_the_database_path(demo_db, monkeypatch):
    monkeypatch.setenv("KAMTUI_SERVED", "1")
    served = make_app(demo_db)
    async with served.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert served.db_label == ""
        assert str(demo_db) not in served.screen.sub_title and demo_db.name not in screen_text(served)
    monkeypatch.delenv("KAMTUI_SERVED")
    local = make_app(demo_db)
    async with local.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert local.db_label == str(demo_db) and str(demo_db) in local.screen.sub_title
