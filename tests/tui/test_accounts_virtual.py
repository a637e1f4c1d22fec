"""The Accounts matrix as a virtual table (issue 19): only the rows on screen are read and formatted, the
cells shown are the stored ones (top, after PageDown, after End, after moving right with the name kept in
view, issue 20), an edit is committed to the database, and 10,000 accounts open with one screen of rows
formatted."""

from __future__ import annotations

from pathlib import Path

import pytest

from kamtui.store import open_store
from kamtui.store.accounts import AccountUpdate, apply_updates
from kamtui.tui.app import make_app
from kamtui.tui.screens.account_rows import AccountRows
from kamtui.tui.screens.accounts import AccountsScreen
from kamtui.tui.widgets.matrix_table import MatrixTable
from tests.tui.pilot_helpers import settle, type_text

SIZES = [(80, 24), (120, 36)]
N = 200
RATED = (
    "growth_outlook",
    "margin_potential",
    "strategic_fit",
    "willingness_to_partner",
    "footprint_fit",
    "credit_risk",
    "cost_to_serve",
    "relative_strength",
    "access_to_decision_makers",
    "track_record",
)


def rating(i: int, j: int) -> float:
    return float((i + j) % 10 + 1)


def build(path: Path, n: int) -> Path:
    """``n`` accounts "Acct 000".. in name order: owner KAM i%3, effort 0.5, spend 1000*i (missing for
    every 7th), ratings (i+j)%10+1, share of wallet i%101; a Region attribute on every account."""
    updates, attributes = [], []
    for i in range(n):
        values: dict[str, float | None] = {c: rating(i, j) for j, c in enumerate(RATED)}
        values["share_of_wallet"] = float(i % 101)
        if i % 7:
            values["addressable_spend"] = 1000.0 * i
        updates.append(AccountUpdate(f"Acct {i:05d}", {"owner": f"KAM {i % 3}", "effort": 0.5}, values))
        attributes.append({"Region": f"R{i % 4}"})
    with open_store(path) as store:
        apply_updates(store, updates, attributes)
    return path


@pytest.fixture(scope="module")
def matrix_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("matrix") / "matrix.db", N)


def lines(app) -> list[str]:
    return [strip.text for strip in app.screen._compositor.render_strips()]


def table_lines(app, table: MatrixTable) -> list[str]:
    """The table's lines as drawn on screen (header first), without the scrollbar column."""
    region = table.scrollable_content_region  # on screen, without the scrollbars
    shown = lines(app)[region.y : region.y + region.height]
    return [line[region.x : region.x + region.width] for line in shown]


def row_text(i: int) -> str:
    """The start of the line of account i: name, owner, FTE, cover, spend, growth outlook (each column
    padded by one blank either side, numbers right-aligned)."""
    cover = "100%" if i % 7 else "86%"
    spend = "missing" if not i % 7 else f"{1000 * i:,}" if i >= 10 else f"{1000 * i}"
    return f" Acct {i:05d}  KAM {i % 3}   0.5  {cover:>5}  {spend:>14}  {rating(i, 0):>14g} "


async def open_matrix(pilot) -> tuple[AccountsScreen, MatrixTable]:
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AccountsScreen)
    return screen, screen.query_one("#accounts", MatrixTable)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_top_page_down_and_end_show_the_stored_cells(matrix_db, size):
    app = make_app(matrix_db, db_label="matrix.db")
    async with app.run_test(size=size) as pilot:
        screen, table = await open_matrix(pilot)
        assert "200 accounts · 12 criteria of 'kam-default' · 29 values missing" in "\n".join(lines(app))
        height = table.body_height
        shown = table_lines(app, table)
        assert shown[0].startswith(" Account     Owner  FTE   Cover  Address… (EUR)  Growth outlook ")
        assert [line[: len(row_text(0))] for line in shown[1:]] == [row_text(i) for i in range(height)]

        await pilot.press("pagedown")
        await pilot.pause()
        shown = table_lines(app, table)
        assert table.cursor_row == height and screen.current_account() == f"Acct {height:05d}"
        assert [line[: len(row_text(0))] for line in shown[1:]] == [
            row_text(i) for i in range(height, 2 * height)
        ]

        await pilot.press("end")
        await pilot.pause()
        shown = table_lines(app, table)
        assert table.cursor_row == N - 1 and screen.current_account() == f"Acct {N - 1:05d}"
        assert [line[: len(row_text(0))] for line in shown[1:]] == [row_text(i) for i in range(N - height, N)]

        await pilot.press("home")
        await pilot.pause()
        assert table.cursor_row == 0 and table_lines(app, table)[1].startswith(row_text(0))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_name_stays_in_view_when_moving_right(matrix_db, size):
    app = make_app(matrix_db, db_label="matrix.db")
    async with app.run_test(size=size) as pilot:
        _, table = await open_matrix(pilot)
        await pilot.press("down", "down", *["right"] * 16)  # the last column: the Region attribute
        await pilot.pause()
        assert table.cursor_column_key == "attribute:Region"
        shown = table_lines(app, table)
        assert shown[0].startswith(" Account     ") and shown[0].rstrip().endswith(" Region")
        for i, line in enumerate(shown[1:]):
            assert line.startswith(f" Acct {i:05d}  "), line
            # share of wallet, track record, Region
            assert line.rstrip().endswith(f"  {i % 101:g}  {rating(i, 9):>12g}  R{i % 4}"), line
        assert "Owner" not in shown[0]  # scrolled away, the name kept
        await pilot.press(*["left"] * 16)
        await pilot.pause()
        assert table.cursor_column_key == "account" and "Owner" in table_lines(app, table)[0]


async def test_an_edit_is_committed_and_shown(tmp_path):
    from kamtui.service.accounts import get

    db = build(tmp_path / "edit.db", N)
    app = make_app(db, db_label="edit.db")
    async with app.run_test(size=(80, 24)) as pilot:
        screen, table = await open_matrix(pilot)
        await pilot.press("pagedown", "down", *["right"] * 7)  # row h+1, Strategic fit
        await pilot.pause()
        name = f"Acct {table.body_height + 1:05d}"
        assert screen.current_account() == name and screen.current_column() == "strategic_fit"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*["backspace"] * 4)
        await type_text(pilot, "7.5")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        with open_store(db) as store:
            assert get(store, name).values["strategic_fit"] == 7.5
        assert str(table.get_cell(name, "strategic_fit")).strip() == "7.5"
        row = table_lines(app, table)[1 + table.cursor_row - round(table.scroll_y)]
        assert row.startswith(f" {name} ") and " 7.5 " in row


async def test_ten_thousand_accounts_open_and_only_the_visible_rows_are_formatted(tmp_path, monkeypatch):
    db = build(tmp_path / "ten.db", 10_000)
    formatted: list[int] = []
    cells = AccountRows.cells

    def counted(self, row: int):
        formatted.append(row)
        return cells(self, row)

    monkeypatch.setattr(AccountRows, "cells", counted)
    app = make_app(db, db_label="ten.db")
    async with app.run_test(size=(120, 36)) as pilot:
        screen, table = await open_matrix(pilot)
        assert table.row_count == 10_000
        assert "10,000 accounts · 12 criteria of 'kam-default' · 1,429 values missing" in "\n".join(
            lines(app)
        )
        height = table.body_height
        on_screen = [line for line in table_lines(app, table) if line.startswith(" Acct ")]
        assert len(on_screen) == height == 30  # 36 lines: header, title, table header, scrollbar, footer
        assert set(formatted) == set(range(height))  # one screen of rows formatted, nothing else
        assert screen.rows is not None and len(screen.rows.pages) == 1  # one page read (of 128 rows)
        formatted.clear()
        await pilot.press("pagedown")
        await pilot.pause()
        assert set(formatted) == set(range(height, 2 * height))
        formatted.clear()
        await pilot.press("end")
        await pilot.pause()
        assert set(formatted) == set(range(10_000 - height, 10_000))
        assert table_lines(app, table)[-1].startswith(row_text(9_999))
