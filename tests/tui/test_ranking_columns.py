"""The Ranking screen explains a pick on screen (issue 20): owner, FTE and coverage columns, the account name
readable at 80x24, the status line wrapped instead of cut, criterion names not clipped when there is room."""

from __future__ import annotations

import math
import re

import pytest

from kamtui.tui.app import make_app
from kamtui.tui.screens.selection import SelectionScreen, binding_label
from kamtui.tui.widgets.ranking_table import NAME_MIN, RankingTable
from kamtui.tui.widgets.weights_panel import WeightsPanel

from .pilot_helpers import settle

CRITERION_LINE = re.compile(r"^[ ▸](.+?) [ █▏▎▍▌▋▊▉]+ *[\d.]+ +[\d.]+%$")  # mark, name, bar, points, share


async def _ranking(pilot):
    await settle(pilot)
    await pilot.press("k")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SelectionScreen)
    return screen, screen.query_one(RankingTable)


def _line(table: RankingTable, y: int) -> str:
    return table.render_line(y).text


@pytest.mark.parametrize(
    ("size", "columns"),
    [
        ((80, 24), ("score", "owner", "fte")),
        ((120, 36), ("score", "owner", "fte", "cov", "p", "ranks")),
        ((160, 40), ("bar", "score", "owner", "fte", "cov", "attr", "str", "quad", "p", "ranks")),
    ],
)
async def test_the_columns_that_fit_and_the_name_stays_readable(demo_db, size, columns):
    app = make_app(demo_db, db_label=demo_db.name)
    async with app.run_test(size=size) as pilot:
        _, table = await _ranking(pilot)
        assert table.columns == columns
        header = _line(table, 0)
        for label in ("Account", "Owner", "FTE"):
            assert label in header
        assert ("Cov" in header) == ("cov" in columns)
        longest = max(len(name) for name in table.visible_names())
        assert table._name_width >= min(longest, NAME_MIN)
        if size[0] >= 120:
            assert table._name_width == longest  # every demo name in full
        for y in range(1, 6):  # the line drawn says what the row holds
            row = table._data.row(y - 1)
            line = _line(table, y)
            name = row.account if len(row.account) <= table._name_width else row.account[: table._name_width - 1]
            assert name in line
            assert f"{row.effort:.2f}" in line
            assert row.owner[: table._owner_width - 1] in line
            if "cov" in columns:
                assert f"{row.coverage:.0%}" in line
        assert len(_line(table, 1)) == table.scrollable_content_region.width  # nothing spills over


async def test_a_capacity_pick_is_explained_and_the_status_wraps(demo_db):
    app = make_app(demo_db, db_label=demo_db.name)
    async with app.run_test(size=(80, 24)) as pilot:
        screen, _ = await _ranking(pilot)
        screen._apply_limits(capacity=3.0, per_kam=0.6)
        await settle(pilot)
        view = screen.view
        assert not view.pending and view.binding
        status = screen.query_one("#ranking-status")
        text = str(status.render())
        label = binding_label(view.binding)
        assert "capacity 3 FTE, per KAM 0.6" in text and f"binding: {label}" in " ".join(text.split())
        width = status.size.width
        assert status.size.height == math.ceil(len(text.replace("\n", "")) / width) >= 2  # wrapped, not cut
        # each selected account's owner and FTE are on screen, and they add up to what the status says
        chosen, effort = view.chosen()
        assert f"{chosen} selected, {effort:g} FTE" in " ".join(text.split())
        assert effort <= 3.0 + 1e-9
        per_owner: dict[str, float] = {}
        for row in view.rows:
            if row.selected:
                per_owner[row.owner] = per_owner.get(row.owner, 0.0) + row.effort
        assert max(per_owner.values()) <= 0.6 + 1e-9


@pytest.mark.parametrize(("size", "shortest"), [((80, 24), 14), ((120, 36), 25)])
async def test_criterion_names_get_the_room_there_is(demo_db, size, shortest):
    app = make_app(demo_db, db_label=demo_db.name)
    async with app.run_test(size=size) as pilot:
        screen, _ = await _ranking(pilot)
        panel = screen.query_one(WeightsPanel)
        lines = str(panel.render()).splitlines()
        names = [c.name for c in panel.criteria.criteria]
        shown = [m.group(1) for line in lines if (m := CRITERION_LINE.match(line))]
        assert len(shown) == len(names)
        for name, text in zip(names, shown, strict=True):
            if len(name) <= shortest:
                assert text.startswith(name), (name, text)  # in full
            else:
                assert text.endswith("…") and len(text) >= shortest, (name, text)  # clipped, never to 11
