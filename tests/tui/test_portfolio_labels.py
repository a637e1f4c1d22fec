"""The portfolio plot (issue 20): point labels never overlap each other, the markers, the quadrant names or
the axis titles, and the legend is shown whole, at 80x24 and 120x36 in both themes."""

from __future__ import annotations

import random

import pytest

from kamtui.tui.app import make_app
from kamtui.tui.screens.portfolio import PortfolioScreen
from kamtui.tui.widgets.portfolio_plot import (
    AXIS_W,
    QUADRANTS,
    X_TITLE,
    Y_TITLE,
    Point,
    PortfolioPlot,
    layout,
)
from tests.tui.pilot_helpers import settle

SIZES = [(80, 24), (120, 36)]
THEMES = ["default", "projector"]


def crowded(n: int, seed: int) -> list[Point]:
    rng = random.Random(seed)
    points = []
    for i in range(n):
        if i % 3 == 0:  # a cluster, several points per cell
            strength, attractiveness = 6 + rng.random(), 6 + rng.random()
        else:
            strength, attractiveness = rng.uniform(0, 10), rng.uniform(0, 10)
        points.append(Point(f"Account {i}", str(i + 1), strength, attractiveness, i % 4 == 0))
    return points


def check_no_overlap(placed, width: int, height: int, points: list[Point]) -> None:
    cells: dict[tuple[int, int], str] = {}
    markers = {m.account: (m.col, m.row) for m in placed.markers}
    for marker in placed.markers:
        assert 0 <= marker.col < width and 0 <= marker.row < height
    for item in [*placed.names, *placed.labels]:
        assert item.col >= 0 and item.col + len(item.text) <= width and 0 <= item.row < height, item
        for cell in item.cells():
            assert cell not in cells, f"{item.text!r} over {cells[cell]!r} at {cell}"
            assert cell not in markers.values(), f"{item.text!r} over a marker at {cell}"
            cells[cell] = item.text
    for label in placed.labels:  # a blank (or its own marker) either side of a label
        own = markers[label.account]
        for side in ((label.col - 1, label.row), (label.col + len(label.text), label.row)):
            assert side == own or side not in markers.values(), label
            assert side not in cells, f"{label.text!r} touches {cells.get(side)!r}"
    labelled = {label.account for label in placed.labels}
    assert labelled.isdisjoint(placed.hidden)
    assert labelled | set(placed.hidden) == {p.account for p in points}


@pytest.mark.parametrize(("width", "height"), [(40, 15), (75, 27), (12, 5)])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_layout_overlaps_nothing(width, height, seed):
    points = crowded(60, seed)
    placed = layout(points, width, height, highlighted="Account 3")
    check_no_overlap(placed, width, height, points)
    assert placed.labels  # something is labelled
    first = placed.labels[0]
    if width >= 40:  # the highlighted one is placed first (in 12 x 5 it may find no room at all)
        assert first.account == "Account 3" and first.kind == "cursor"


def test_a_marker_on_a_quadrant_corner_moves_the_name_not_the_marker():
    points = [Point("Top left", "1", 0.6, 10.0, True), Point("Bottom right", "2", 9.0, 0.0, False)]
    placed = layout(points, 40, 15)
    check_no_overlap(placed, 40, 15, points)
    assert sorted(m.col for m in placed.markers) == [2, 35] and {m.row for m in placed.markers} == {0, 14}
    assert sorted(n.text for n in placed.names) == sorted(name for name, _, _ in QUADRANTS)
    star = next(n for n in placed.names if n.text == "Star")
    assert (star.col, star.row) != (1, 0)  # moved off the marker at column 2


def screen_lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_portfolio_labels_titles_and_legend_are_whole(demo_db, size, theme):
    app = make_app(demo_db, theme=theme, db_label=demo_db.name)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PortfolioScreen)
        await pilot.press("down", "down", "down")
        await settle(pilot)
        plot = screen.query_one(PortfolioPlot)
        lines = screen_lines(app)
        region = plot.content_region
        left, top = region.x + AXIS_W + 1, region.y + 1

        def at(col: int, row: int, n: int) -> str:
            return lines[top + row][left + col : left + col + n]

        placed = plot.layout()
        check_no_overlap(placed, placed.width, placed.height, plot.points)
        assert len(placed.labels) >= 20  # the demo's 30 accounts: most labelled at either size
        for item in [*placed.labels, *placed.names]:
            assert at(item.col, item.row, len(item.text)) == item.text, item
        for marker in placed.markers:
            assert at(marker.col, marker.row, 1) in "·●◆", marker
        cursor = next(label for label in placed.labels if label.kind == "cursor")
        assert cursor.text == f"4 {screen.query_one('#portfolio-list').highlighted}"  # rank 4, its name
        assert lines[region.y][region.x :].strip() == Y_TITLE  # the y title alone on its row
        caption = lines[region.y + region.height - 1][left:]
        assert X_TITLE in caption and caption.split() == ["0", *X_TITLE.split(), "5", "10"]
        legend = screen.query_one("#portfolio-legend")
        shown = [
            line[legend.region.x : legend.region.right]
            for line in lines[legend.region.y : legend.region.bottom]
        ]
        items = [item.plain for item in screen.legend_items()]
        assert "labels are ranks" in items and "1 without both group scores not shown" in items
        assert len(shown) == legend.region.height >= 1
        for item in items:  # every item whole on one line
            assert any(item in line for line in shown), (item, shown)
