"""Account selection end to end with Pilot: import -> edit a cell -> weight by key -> live ranking -> run -> export."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import DirectoryTree
from textual.worker import WorkerCancelled, WorkerFailed

from kamtui.core.ranking import Params
from kamtui.service.criteria import resolve_criteria
from kamtui.service.ranking import rank as rank_accounts
from kamtui.service.ranking import run as load_run
from kamtui.service.weights import effective_points
from kamtui.store import open_store
from kamtui.tui.app import make_app
from kamtui.tui.screens.accounts import AccountsScreen
from kamtui.tui.screens.confirm import ConfirmModal
from kamtui.tui.screens.import_accounts import ImportModal
from kamtui.tui.screens.portfolio import PortfolioScreen
from kamtui.tui.screens.selection import SelectionScreen
from kamtui.tui.screens.selection_dialogs import ValueModal
from kamtui.tui.widgets.portfolio_plot import PortfolioPlot
from kamtui.tui.widgets.ranking_table import RankingTable

from .conftest import SIZE
from .pilot_helpers import type_text

GOOD_CSV = """account,owner,effort,growth_outlook,margin_potential,strategic_fit,share_of_wallet,relative_strength
Zephyr Optics,Priya Raman,0.3,8,7,9,40,8
Quillon Robotics,Tom Fischer,0.4,6,5,4,12,3
Aldermoor Foods,Priya Raman,0.8,3,4,5,10,4
"""
BAD_CSV = """account,growth_outlook,colour
Zephyr Optics,11,blue
,5,red
"""


async def settle(pilot) -> None:
    """Let every worker finish (a cancelled one counts as finished), except the file dialog's
    DirectoryTree loader, which waits for ever; repeat while finishing workers start new ones."""
    app = pilot.app
    for _ in range(20):
        await pilot.pause()
        running = [w for w in app.workers if not w.is_finished and not isinstance(w.node, DirectoryTree)]
        if not running:
            break
        for worker in running:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
    await pilot.pause()


def notifications(app) -> list[str]:
    return [n.message for n in app._notifications]


def stored_value(db: Path, account: str, criterion: str) -> float | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT s.value FROM scores s JOIN accounts a ON a.id = s.account_id WHERE a.name = ? AND s.criterion = ?",
            (account, criterion),
        ).fetchone()
    return None if row is None else row[0]


def account_names(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM accounts ORDER BY name")]


async def open_accounts(pilot) -> AccountsScreen:
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AccountsScreen)
    return screen


async def test_import_edit_weight_rank_save_export(demo_db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the workbook goes to ./exports
    good = tmp_path / "accounts.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    app = make_app(demo_db, db_label=demo_db.name)
    async with app.run_test(size=SIZE) as pilot:
        accounts = await open_accounts(pilot)

        # 1. import: type the path into the file dialog, preview, confirm with y
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, ImportModal)
        await type_text(pilot, str(good))
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert dialog.stage == "preview"
        assert dialog.query_one("#import-table").row_count == 3
        assert "3 accounts · 2 new, 1 updated" in str(dialog.query_one("#import-summary").render())
        assert "Zephyr Optics" not in account_names(demo_db)  # nothing written before the confirmation
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is accounts
        names = account_names(demo_db)
        assert len(names) == 32 and {"Zephyr Optics", "Quillon Robotics"} <= set(names)
        assert stored_value(demo_db, "Aldermoor Foods", "growth_outlook") == 3.0
        assert "Imported: 2 new accounts, 1 updated." in notifications(app)

        # 2. edit a cell: an invalid value is refused with the reason and the old value kept
        table = accounts.query_one("#accounts")
        column = [c.key.value for c in table.columns.values()].index("strategic_fit")
        table.move_cursor(row=table.get_row_index("Zephyr Optics"), column=column)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ValueModal)
        await pilot.press("backspace", "1", "1", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ValueModal)  # refused: still asking
        assert "outside the rating scale 1 to 10" in str(app.screen.query_one("#value-error").render())
        assert stored_value(demo_db, "Zephyr Optics", "strategic_fit") == 9.0
        await pilot.press("escape")  # Esc keeps the old value
        await settle(pilot)
        assert stored_value(demo_db, "Zephyr Optics", "strategic_fit") == 9.0
        assert str(table.get_cell("Zephyr Optics", "strategic_fit")).strip() == "9"
        await pilot.press("e", "backspace", "2", "enter")  # a valid value is committed at once
        await settle(pilot)
        assert app.screen is accounts
        assert stored_value(demo_db, "Zephyr Optics", "strategic_fit") == 2.0
        assert str(table.get_cell("Zephyr Optics", "strategic_fit")).strip() == "2"

        # 3. weights and the live ranking
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SelectionScreen)
        ranking = screen.query_one(RankingTable)
        before = ranking.visible_names()
        with open_store(demo_db) as store:
            criteria = resolve_criteria(store, None)
            engine = rank_accounts(store, criteria, Params(samples=0))
        assert before == [a.account for a in engine.accounts]
        position = criteria.ids.index("strategic_fit")  # an attractiveness criterion: kam-default ranks by it
        await pilot.press(*["down"] * position)
        for _ in range(26):
            await pilot.press("plus")
        await settle(pilot)
        with open_store(demo_db) as store:
            points = effective_points(store, criteria)
            assert points["strategic_fit"] == 35.0  # committed as it changed
            engine = rank_accounts(store, criteria, Params(), points=points)
        shown = ranking.visible_names()
        assert shown != before
        assert shown == [a.account for a in engine.accounts]
        rows = ranking.view.rows
        assert [(r.rank, r.selected, r.p_top_k, r.rank_p5, r.rank_p95) for r in rows] == [
            (a.rank, a.selected, a.p_top_k, a.rank_p5, a.rank_p95) for a in engine.accounts
        ]
        assert [r.overall for r in rows] == pytest.approx([a.overall for a in engine.accounts], abs=1e-12)

        # 4. save the run: a row in runs, and load_run gives back what is shown
        await pilot.press("s")
        await settle(pilot)
        run_id = screen.last_run
        assert run_id is not None
        with open_store(demo_db) as store:
            run = load_run(store, run_id)
        assert [a.account for a in run.accounts] == ranking.visible_names()
        assert [(a.rank, a.selected, a.p_top_k, a.rank_p5, a.rank_p95) for a in run.accounts] == [
            (r.rank, r.selected, r.p_top_k, r.rank_p5, r.rank_p95) for r in ranking.view.rows
        ]
        assert run.points["strategic_fit"] == 35.0
        assert f"Ranking saved as run {run_id}." in notifications(app)

        # 5. export: the workbook's Ranking sheet is the run's ranking
        try:
            import kamtui.excel.selection_workbook  # noqa: F401
        except ImportError:
            pytest.skip("kamtui.excel.selection_workbook is not there yet: export not testable")
        await pilot.press("e")
        await settle(pilot)
        path = screen.last_export
        assert path is not None and Path(path).is_file() and Path(path).parent == tmp_path / "exports"
        assert any(str(path) in message for message in notifications(app))
        exported_run = screen.last_run
        assert exported_run == run_id  # s then e: the run just saved is exported, not saved twice
        with open_store(demo_db) as store:
            assert [r["id"] for r in store.query("SELECT id FROM runs")] == [run_id]
    from openpyxl import load_workbook

    from kamtui.excel.selection_workbook import ranking_layout

    workbook = load_workbook(path, read_only=True)
    sheet = workbook["Ranking"]
    rows = list(sheet.iter_rows(values_only=True))
    workbook.close()
    with open_store(demo_db) as store:
        exported = load_run(store, exported_run)
    start = ranking_layout(exported).header_row  # the selected set's totals come first
    header = list(rows[start - 1])
    got = [(r[header.index("Rank")], r[header.index("Account")]) for r in rows[start:]]
    assert got == [(a.rank, a.account) for a in exported.accounts]
    assert [a.account for a in exported.accounts] == shown


async def test_import_lists_the_problems_and_writes_nothing(demo_db, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD_CSV, encoding="utf-8")
    app = make_app(demo_db, db_label=demo_db.name)
    async with app.run_test(size=SIZE) as pilot:
        await open_accounts(pilot)
        await pilot.press("i")
        await settle(pilot)
        await type_text(pilot, str(bad))
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ImportModal) and dialog.stage == "problems"
        listed = str(dialog.query_one("#import-problem-list").render())
        assert "1 column ignored: colour" in listed
        await pilot.press("y")  # nothing to confirm
        await settle(pilot)
        assert isinstance(app.screen, ImportModal)
        await pilot.press("n")
        assert app.screen.stage == "pick"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AccountsScreen)
    assert len(account_names(demo_db)) == 30


async def test_add_rename_and_remove_an_account(demo_db):
    app = make_app(demo_db, db_label=demo_db.name)
    async with app.run_test(size=SIZE) as pilot:
        accounts = await open_accounts(pilot)
        await pilot.press("n")
        await type_text(pilot, "Acme Widgets")
        await pilot.press("enter")
        await settle(pilot)
        assert "Acme Widgets" in account_names(demo_db)
        assert accounts.current_account() == "Acme Widgets"
        row = accounts.query_one("#accounts").get_row("Acme Widgets")
        assert sum(1 for cell in row if str(cell) == "missing") == 12  # missing values plainly marked
        await pilot.press("r", *["backspace"] * 12)
        await type_text(pilot, "Acme Gadgets")
        await pilot.press("enter")
        await settle(pilot)
        assert "Acme Gadgets" in account_names(demo_db) and "Acme Widgets" not in account_names(demo_db)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # not confirmed: kept
        await settle(pilot)
        assert "Acme Gadgets" in account_names(demo_db)
        await pilot.press("d", "y")
        await settle(pilot)
        assert "Acme Gadgets" not in account_names(demo_db)
        assert len(account_names(demo_db)) == 30


async def test_pins_limits_and_the_shared_cursor_with_the_portfolio(demo_db):
    app = make_app(demo_db, db_label=demo_db.name)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SelectionScreen)
        ranking = screen.query_one(RankingTable)
        assert ranking.has_focus
        await pilot.press("end")  # the last account: never selected on its own
        last = ranking.highlighted
        assert not ranking.highlighted_row.selected
        await pilot.press("i")
        await settle(pilot)
        assert ranking.highlighted == last and ranking.highlighted_row.selected
        await pilot.press("home", "x")
        await settle(pilot)
        first = ranking.highlighted
        assert not ranking.highlighted_row.selected
        with open_store(demo_db) as store:
            criteria = resolve_criteria(store, None)
            engine = rank_accounts(store, criteria, Params(include=(last,), exclude=(first,)))
        assert {a.account for a in engine.selected} == {r.account for r in ranking.view.rows if r.selected}
        assert "K = 15" in str(screen.query_one("#ranking-status").render())
        assert "binding: K" in str(screen.query_one("#ranking-status").render())
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert sum(1 for r in ranking.view.rows if r.selected) == 16
        # limits dialog: a capacity makes the pick a knapsack; the binding limit is named
        await pilot.press("l", "tab")
        await type_text(pilot, "2")
        await pilot.press("enter")
        await settle(pilot)
        status = str(screen.query_one("#ranking-status").render())
        assert "capacity 2 FTE" in status and "binding: capacity" in status
        chosen = [r for r in ranking.view.rows if r.selected]
        assert sum(r.effort for r in chosen) <= 2 + 1e-9
        # the portfolio highlights the account under the ranking's cursor, and follows its list
        await pilot.press("down", "down")
        wanted = ranking.highlighted
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PortfolioScreen)
        plot = app.screen.query_one(PortfolioPlot)
        assert plot.highlighted == wanted
        await pilot.press("down")
        assert plot.highlighted == app.screen.query_one(RankingTable).highlighted != wanted
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "HomeScreen"


async def test_after_an_import_the_matrix_is_prepared_for_ranking(demo_db, tmp_path, monkeypatch):
    """The Accounts screen reads the matrix once after an import and keeps the derived copy, so Ranking
    then opens without reading the scores rows (the threshold lowered: the demo is small)."""
    from kamtui.store import accounts as store_accounts
    from kamtui.store import matrix_cache

    monkeypatch.setattr(matrix_cache, "MIN_VALUES", 1)
    good = tmp_path / "accounts.csv"
    good.write_text(GOOD_CSV, encoding="utf-8")
    app = make_app(demo_db, db_label=demo_db.name)
    async with app.run_test(size=SIZE) as pilot:
        await open_accounts(pilot)
        with sqlite3.connect(demo_db) as conn:
            assert conn.execute("SELECT count(*) FROM matrix_cache").fetchone()[0] == 0
        await pilot.press("i")
        await settle(pilot)
        await type_text(pilot, str(good))
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        await app.workers.wait_for_complete()
        with sqlite3.connect(demo_db) as conn:
            assert conn.execute("SELECT count(*) FROM matrix_cache").fetchone()[0] == 1

        def refuse(*args):
            raise AssertionError("Ranking read the scores rows although the copy holds them")

        monkeypatch.setattr(store_accounts, "_pivot_scores", refuse)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SelectionScreen) and screen.live is not None
        assert "Zephyr Optics" in screen.live.names and len(screen.live) == 32
