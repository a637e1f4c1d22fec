"""A burst of weight keys at 10,000 accounts (issue 19): the screen ranks only the latest weights, and what it
shows in the end is the engine's ranking and robustness for the final weights (no stale frame wins)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from textual import events

from kamtui.core.ranking import Params
from kamtui.service.criteria import resolve_criteria
from kamtui.service.ranking import rank as rank_accounts
from kamtui.service.weights import NUDGE, effective_points
from kamtui.store import open_store
from kamtui.store.accounts import AccountUpdate, apply_updates
from kamtui.tui.app import make_app
from kamtui.tui.screens.selection import SelectionScreen
from kamtui.tui.widgets.ranking_table import RankingTable
from kamtui.tui.widgets.weights_panel import WeightsPanel

from .pilot_helpers import settle

ACCOUNTS = 10_000
KEYS = 12


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10,000 accounts on kam-default: 1-10 ratings (money in euros), 2 % missing, 40 owners, an effort."""
    from kamtui.core.criteria_file import load_criteria

    criteria = load_criteria("kam-default")
    rng = np.random.default_rng(19)
    path = tmp_path_factory.mktemp("burst") / "big.db"
    updates = []
    for i in range(ACCOUNTS):
        values = {}
        for c in criteria.criteria:
            if rng.random() < 0.02:
                continue
            values[c.id] = float(round(rng.lognormal(14, 1.2))) if c.scale is None else float(rng.integers(1, 11))
        fields = {"owner": f"KAM {i % 40:02d}", "effort": round(float(rng.uniform(0.05, 1.0)), 2)}
        updates.append(AccountUpdate(f"Account {i:05d}", fields, values))
    with open_store(path) as store:
        apply_updates(store, updates)
    return path


async def test_a_burst_of_weight_keys_ends_on_the_engine_ranking(big_db):
    app = make_app(big_db, db_label=big_db.name)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SelectionScreen) and len(screen.live) == ACCOUNTS
        panel = screen.query_one(WeightsPanel)
        while panel.current != "strategic_fit":  # an attractiveness criterion: kam-default ranks by it
            await pilot.press("down")
        table = screen.query_one(RankingTable)
        before = table.visible_names()
        start = screen.points["strategic_fit"]
        reranks = len(screen.timings)
        for _ in range(KEYS):  # faster than any frame: all queued before the app handles the first
            app.post_message(events.Key("plus", "+"))
        await settle(pilot)

        assert screen.points["strategic_fit"] == start + KEYS * NUDGE  # every key committed
        assert len(screen.timings) - reranks < KEYS  # but ranked fewer times: coalesced
        with open_store(big_db) as store:
            criteria = resolve_criteria(store, None)
            points = effective_points(store, criteria)
            assert points["strategic_fit"] == start + KEYS * NUDGE
            engine = rank_accounts(store, criteria, Params(), points=points)
        shown = table.visible_names()
        assert shown != before
        assert shown == [a.account for a in engine.accounts]
        key = (tuple(float(points[c]) for c in criteria.ids), Params())
        assert screen.view_key == key and screen.stages[-1] == (key, "full")
        assert table.view.robust
        rows = table.view.rows
        assert [(r.rank, r.selected, r.p_top_k, r.rank_p5, r.rank_p95) for r in rows] == [
            (a.rank, a.selected, a.p_top_k, a.rank_p5, a.rank_p95) for a in engine.accounts
        ]
        # the first P(top K) shown for the final weights came from those weights, and the cursor's account
        # is the one it was on: the row under it is what the engine says of that account
        assert (key, "share") in screen.stages
        account = table.highlighted
        assert table.highlighted_row.rank == next(a.rank for a in engine.accounts if a.account == account)
