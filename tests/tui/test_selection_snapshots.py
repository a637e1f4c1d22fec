"""Snapshots of Accounts, Weights, Ranking and Portfolio at 100x30, default and projector themes (demo db).

Robustness is seeded (seed 0) and the snapshots are taken after every worker has finished, so the
pictures are the same on every run. Update with ``pytest tests/tui --snapshot-update`` and look at the SVG
files in ``__snapshots__`` before committing them.
"""

from __future__ import annotations

import pytest

from kamtui.tui.app import make_app
from kamtui.tui.screens.accounts import AccountsScreen
from kamtui.tui.screens.portfolio import PortfolioScreen
from kamtui.tui.screens.selection import SelectionScreen

from .conftest import SIZE
from .test_selection_flow import settle

THEMES = ["default", "projector"]


def app_for(db, theme):
    return make_app(db, theme=theme, db_label=db.name)


def keys_then(keys: tuple[str, ...], screen_type):
    async def run(pilot):
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)
        assert isinstance(pilot.app.screen, screen_type)

    return run


@pytest.mark.parametrize("theme", THEMES)
def test_accounts(snap_compare, demo_db, theme):
    run = keys_then(("a", "down", "down", "right", "right", "right", "right"), AccountsScreen)
    assert snap_compare(app_for(demo_db, theme), terminal_size=SIZE, run_before=run)


@pytest.mark.parametrize("theme", THEMES)
def test_weights(snap_compare, demo_db, theme):
    run = keys_then(("w", "down", "down", "plus", "plus", "plus"), SelectionScreen)
    assert snap_compare(app_for(demo_db, theme), terminal_size=SIZE, run_before=run)


@pytest.mark.parametrize("theme", THEMES)
def test_ranking(snap_compare, demo_db, theme):
    run = keys_then(("k", "down", "down", "down", "i"), SelectionScreen)
    assert snap_compare(app_for(demo_db, theme), terminal_size=SIZE, run_before=run)


@pytest.mark.parametrize("theme", THEMES)
def test_portfolio(snap_compare, demo_db, theme):
    run = keys_then(("p", "down", "down"), PortfolioScreen)
    assert snap_compare(app_for(demo_db, theme), terminal_size=SIZE, run_before=run)
