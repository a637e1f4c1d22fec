"""The command line and the TUI apply one copy of each rule: the same raw input gives the same stored
result and the same message (issue: one application layer). Each case runs `kamtui ...` (CliRunner, on
one copy of the demo) and types the same text into the TUI (Pilot, on another copy)."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from kamtui.core.healthcheck import DEFAULT_TARGET
from kamtui.core.ranking import DEFAULT_TOP_K
from kamtui.tui.app import make_app
from kamtui.tui.screens.accounts import AccountsScreen
from kamtui.tui.screens.selection import SelectionScreen
from kamtui.tui.screens.selection_dialogs import ValueModal
from kamtui.tui.widgets.weights_panel import WeightsPanel

from .conftest import SIZE
from .pilot_helpers import settle, type_text

ACCOUNT = "Aldermoor Foods"


def points(db, criterion: str) -> float | None:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT points FROM weights WHERE criteria_set = 'kam-default' AND criterion = ?", (criterion,)
        ).fetchone()
    return None if row is None else row[0]


def account_value(db, column: str) -> float | None:
    with sqlite3.connect(db) as conn:
        if column == "effort":
            return conn.execute("SELECT effort FROM accounts WHERE name = ?", (ACCOUNT,)).fetchone()[0]
        row = conn.execute(
            "SELECT s.value FROM scores s JOIN accounts a ON a.id = s.account_id WHERE a.name = ? AND s.criterion = ?",
            (ACCOUNT, column),
        ).fetchone()
    return None if row is None else row[0]


@pytest.fixture
def twin(demo_db, tmp_path):
    """A second copy of the demo database, for the TUI side."""
    other = tmp_path / "twin.db"
    shutil.copyfile(demo_db, other)
    return other


async def type_into_dialog(pilot, text: str) -> str | None:
    """Replace the dialog's text with ``text`` and press Enter; the refusal shown, or None when it closed."""
    app = pilot.app
    dialog = app.screen
    assert isinstance(dialog, ValueModal)
    field = dialog.query_one("#value-input")
    field.value = ""
    await type_text(pilot, text)
    await pilot.press("enter")
    await settle(pilot)
    if app.screen is dialog:
        message = str(dialog.query_one("#value-error").render())
        await pilot.press("escape")
        await settle(pilot)
        return message
    return None


POINTS = ["1,000", "2.5", "12", "1_0", "4.200", "-3", "abc", "2e9"]


@pytest.mark.parametrize("text", POINTS)
async def test_typed_points_are_read_alike(cli, demo_db, twin, text):
    result = cli("weights", "set", f"growth_outlook={text}", db=demo_db)
    app = make_app(twin, db_label=twin.name)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SelectionScreen)
        panel = screen.query_one(WeightsPanel)
        panel.focus()
        while panel.current != "growth_outlook":
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        refusal = await type_into_dialog(pilot, text)
    assert points(demo_db, "growth_outlook") == points(twin, "growth_outlook")
    if refusal is None:
        assert result.code == 0, result.stderr
        assert points(twin, "growth_outlook") is not None
    else:
        assert result.code == 1
        # the CLI lists each assignment it refused; the reason after it is the TUI's message
        assert result.stderr == f"error: weights not changed:\n{refusal.replace(repr(text), repr('growth_outlook=' + text), 1)}\n"


CELLS = [
    ("effort", "1e20"),
    ("effort", "-1"),
    ("effort", "2.000"),
    ("effort", "0.75"),
    ("effort", "1_5"),
    ("growth_outlook", "11"),
    ("growth_outlook", "7"),
    ("growth_outlook", "seven"),
    ("addressable_spend", "4,955,123.45"),
    ("addressable_spend", "4.955.123,45"),
]


@pytest.mark.parametrize(("column", "text"), CELLS)
async def test_typed_account_values_are_read_alike(cli, demo_db, twin, column, text):
    result = cli("accounts", "set", ACCOUNT, column, text, db=demo_db)
    app = make_app(twin, db_label=twin.name)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AccountsScreen)
        table = screen.query_one("#accounts")
        keys = [c.key.value for c in table.columns.values()]
        table.move_cursor(row=table.get_row_index(ACCOUNT), column=keys.index(column))
        await pilot.press("enter")
        await settle(pilot)
        refusal = await type_into_dialog(pilot, text)
    assert account_value(demo_db, column) == account_value(twin, column)
    if refusal is None:
        assert result.code == 0, result.stderr
    else:
        assert result.code == 1
        assert result.stderr == f"error: {cli_words(refusal)}\n"


def cli_words(message: str) -> str:
    """The TUI's message as the command line words it: the flag where the app names the option."""
    from kamtui.commands.common import FLAGS
    from kamtui.core.errors import SUBJECTS

    for key in ("decimal_comma",):
        message = message.replace(SUBJECTS[key], FLAGS[key])
    return message


async def test_all_weights_zero_is_refused_alike(cli, demo_db, twin):
    from kamtui.core.criteria_file import load_criteria

    ids = load_criteria("kam-default").ids
    result = cli("weights", "set", *(f"{c}=0" for c in ids), db=demo_db)
    assert result.code == 1
    app = make_app(twin, db_label=twin.name)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SelectionScreen)
        with pytest.raises(Exception) as refused:
            screen.set_points(dict.fromkeys(ids, 0.0))
    assert result.stderr == f"error: {refused.value}\n"
    assert points(demo_db, ids[0]) is None and points(twin, ids[0]) is None  # nothing written


def test_defaults_are_one_copy(cli, demo_db):
    """K and the target level: the command line's defaults are the TUI's."""
    import json

    from kamtui.tui.selection_session import SelectionSession

    ranked = json.loads(cli("rank", "--json", "--samples", "0", db=demo_db).stdout)
    assert ranked["top_k"] == DEFAULT_TOP_K == SelectionSession().limits.top_k
    report = json.loads(cli("healthcheck", "report", "2", "--json", db=demo_db).stdout)
    assert report["target"] == DEFAULT_TARGET
