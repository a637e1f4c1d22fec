"""A real CRM export into kamtui (issue 18): 200 accounts as sales ops exports them (tests/data/crm, written
by make_crm.py beside them), in CSV, XLSX and the German CSV (semicolons, 1.234,56).

The command line: CRM names read without a map (Account ID, Account Name, Account Owner, KAM effort
(FTE)), columns mapped with ``--map`` and remembered for the criteria set, extra columns ignored (said in
one line) or kept as attributes (``--extra keep``) that ``accounts list --json``, runs and the workbook
carry; the German file refused once with the decimal-comma option named, then read with it to the very
same database. The TUI: the mapping step (each column with its guess, changed with Enter), the preview
of what changes (old -> new, blank cells that clear), the decimal comma and keep-blank options.
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
from pathlib import Path

import pytest

CRM = Path(__file__).resolve().parent.parent / "data" / "crm"
CSV, XLSX, GERMAN = CRM / "crm-accounts.csv", CRM / "crm-accounts.xlsx", CRM / "crm-accounts-de.csv"
MAPS = (
    "--map",
    "Annual spend in category (EUR)=addressable_spend",
    "--map",
    "Share of wallet (%)=share_of_wallet",
    "--map",
    "Relative strength=relative_strength",
)
CRITERIA = {  # file column -> criterion of kam-default
    "Strategic fit": "strategic_fit",
    "Growth outlook": "growth_outlook",
    "Annual spend in category (EUR)": "addressable_spend",
    "Share of wallet (%)": "share_of_wallet",
    "Relative strength": "relative_strength",
}
EXTRAS = ("Industry", "Region", "Last activity")


def make_crm():
    spec = importlib.util.spec_from_file_location("make_crm", CRM / "make_crm.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def crm_rows() -> list[dict]:
    rows = make_crm().rows()
    assert len(rows) == 200
    return rows


def database(path: Path) -> dict[str, list[tuple]]:
    """The tables an import writes, without ids and times (so two imports compare equal)."""
    conn = sqlite3.connect(path)
    try:
        return {
            "accounts": conn.execute(
                "SELECT name, owner, effort, segment, ref FROM accounts ORDER BY name"
            ).fetchall(),
            "scores": conn.execute(
                "SELECT a.name, s.criterion, s.value FROM scores s JOIN accounts a ON a.id = s.account_id "
                "ORDER BY 1, 2"
            ).fetchall(),
            "attributes": conn.execute(
                "SELECT a.name, x.name, x.value FROM account_attributes x JOIN accounts a ON a.id = x.account_id "
                "ORDER BY 1, 2"
            ).fetchall(),
        }
    finally:
        conn.close()


def expected_database(rows: list[dict], *, mapped: bool, kept: bool) -> dict[str, list[tuple]]:
    criteria = (
        CRITERIA
        if mapped
        else {k: v for k, v in CRITERIA.items() if k in ("Strategic fit", "Growth outlook")}
    )
    accounts, scores, attributes = [], [], []
    for row in rows:
        name = row["Account Name"]
        effort = row["KAM effort (FTE)"]
        accounts.append(
            (
                name,
                row["Account Owner"],
                None if effort is None else float(effort),
                row["Segment"],
                row["Account ID"],
            )
        )
        scores += [(name, c, float(row[column])) for column, c in criteria.items() if row[column] is not None]
        if kept:
            attributes += [(name, column, row[column]) for column in EXTRAS if row[column] is not None]
    return {"accounts": sorted(accounts), "scores": sorted(scores), "attributes": sorted(attributes)}


# ---------------------------------------------------------------------------------------------- the fixture


def test_the_fixtures_are_what_the_script_writes(tmp_path, crm_rows):
    from openpyxl import load_workbook

    written = make_crm().write(tmp_path)
    assert [p.name for p in written] == ["crm-accounts.csv", "crm-accounts-de.csv", "crm-accounts.xlsx"]
    for name in ("crm-accounts.csv", "crm-accounts-de.csv"):
        assert (tmp_path / name).read_bytes() == (CRM / name).read_bytes(), name
    fresh = list(load_workbook(tmp_path / "crm-accounts.xlsx")["Accounts"].iter_rows(values_only=True))
    committed = list(load_workbook(XLSX)["Accounts"].iter_rows(values_only=True))
    assert fresh == committed and len(committed) == 201
    german = GERMAN.read_text(encoding="utf-8-sig").splitlines()
    assert german[0].count(";") == 12 and any(",5;" in line or ",5\n" in line for line in german)
    assert any(
        "." in line.split(";")[10] and "," in line.split(";")[10] for line in german[1:]
    )  # 4.208.595,5


# ---------------------------------------------------------------------------------------------- command line


def test_crm_names_are_read_and_the_rest_said_in_one_line(cli, db_path, crm_rows):
    result = cli("accounts", "import", CSV, "--criteria", "kam-default")
    assert result.code == 0, result.output
    assert result.stdout == "imported 200 accounts (200 new, 0 updated) for criteria 'kam-default'\n"
    assert result.stderr.splitlines() == [
        "note: read by their CRM names: 'Account ID' as ref, 'Account Name' as account, 'Account Owner' as "
        "owner, 'KAM effort (FTE)' as effort",
        "note: 6 columns ignored: Industry, Region, Last activity, Annual spend in category (EUR), Share of "
        "wallet (%), Relative strength (keep them with --extra keep)",
    ]
    assert database(db_path) == expected_database(crm_rows, mapped=False, kept=False)


@pytest.mark.parametrize("path", [CSV, XLSX], ids=["csv", "xlsx"])
def test_mapped_columns_and_kept_extras(cli, db_path, crm_rows, path):
    result = cli("accounts", "import", path, "--criteria", "kam-default", *MAPS, "--extra", "keep")
    assert result.code == 0, result.output
    assert (
        result.stderr.splitlines()[-1]
        == "note: 3 columns kept as attributes: Industry, Region, Last activity"
    )
    stored = database(db_path)
    assert stored == expected_database(crm_rows, mapped=True, kept=True)
    assert len(stored["scores"]) > 800 and len(stored["attributes"]) > 500  # ~1 blank cell in 12
    listed = json.loads(cli("accounts", "list", "--json").stdout)
    by_name = {a["account"]: a for a in listed}
    for row in crm_rows[:20]:
        account = by_name[row["Account Name"]]
        assert account["attributes"] == {c: row[c] for c in EXTRAS if row[c] is not None}
        spend = row["Annual spend in category (EUR)"]
        assert account["values"]["addressable_spend"] == (None if spend is None else float(spend))


def test_maps_are_remembered_per_criteria_set(cli, db_path, crm_rows):
    assert cli("accounts", "import", CSV, "--criteria", "kam-default", *MAPS).code == 0
    conn = sqlite3.connect(db_path)
    maps = conn.execute("SELECT criteria_set, file_column, field FROM column_maps ORDER BY 2").fetchall()
    conn.close()
    assert maps == [
        ("kam-default", "Annual spend in category (EUR)", "addressable_spend"),
        ("kam-default", "Relative strength", "relative_strength"),
        ("kam-default", "Share of wallet (%)", "share_of_wallet"),
    ]
    again = cli("accounts", "import", XLSX)  # the next export: no map needed
    assert again.code == 0, again.output
    assert "read by remembered maps: 'Annual spend in category (EUR)' as addressable_spend" in again.stderr
    assert database(db_path) == expected_database(crm_rows, mapped=True, kept=False)
    other = cli("accounts", "import", CSV, "--criteria", "kam-default-v1")  # another set: its own maps
    assert other.code == 0, other.output
    assert "Annual spend in category (EUR)" in other.stderr.splitlines()[-1]  # ignored there


def test_the_german_export_is_refused_once_then_read_with_the_decimal_comma(cli, db_path, tmp_path, crm_rows):
    refused = cli("accounts", "import", GERMAN, "--criteria", "kam-default", *MAPS)
    assert refused.code == 1
    assert refused.stderr.splitlines() == [
        f"error: {GERMAN}: 1 problem found, nothing was changed",
        f"{GERMAN}: the numbers are written with a decimal comma or dots between thousands (such as '0,3' on "
        "row 2, column KAM effort (FTE)): import the file with --decimal-comma",
    ]
    assert database(db_path) == {"accounts": [], "scores": [], "attributes": []}
    read = cli(
        "accounts", "import", GERMAN, "--criteria", "kam-default", *MAPS, "--extra", "keep", "--decimal-comma"
    )
    assert read.code == 0, read.output
    assert database(db_path) == expected_database(crm_rows, mapped=True, kept=True)


def test_attributes_go_into_runs_and_the_workbook(cli, db_path, tmp_path, crm_rows):
    from openpyxl import load_workbook

    from kamtui.excel import selection_workbook as sw

    assert cli("accounts", "import", CSV, "--criteria", "kam-default", *MAPS, "--extra", "keep").code == 0
    saved = cli("rank", "--save", "--samples", "50")
    assert saved.code == 0, saved.output
    run = json.loads(cli("runs", "show", "1", "--json").stdout)
    by_name = {row["Account Name"]: row for row in crm_rows}
    for account in run["accounts"]:
        row = by_name[account["account"]]
        assert account["attributes"] == {c: row[c] for c in EXTRAS if row[c] is not None}
    conn = sqlite3.connect(db_path)
    stored = conn.execute("SELECT count(*) FROM run_results WHERE attributes_json IS NOT NULL").fetchone()[0]
    conn.close()
    assert stored == sum(1 for row in crm_rows if any(row[c] is not None for c in EXTRAS))
    out = tmp_path / "run1.xlsx"
    assert cli("export", "selection", "--run", "1", "-o", out).code == 0
    ws = load_workbook(out)["Ranking"]
    from kamtui.service.ranking import run as load_run
    from kamtui.store import open_store

    with open_store(db_path) as store:
        where = sw.ranking_layout(load_run(store, 1))
    header = [c.value for c in ws[where.header_row]]
    assert header[-3:] == list(EXTRAS)
    for values in ws.iter_rows(min_row=where.first_row, values_only=True):
        row = by_name[values[1]]
        assert list(values[-3:]) == [row[c] for c in EXTRAS]


# ---------------------------------------------------------------------------------------------- the TUI


async def settle(pilot) -> None:
    """Let every worker finish except the file tree's loader (it waits for ever), as workers start more."""
    import contextlib

    from textual.widgets import DirectoryTree
    from textual.worker import WorkerCancelled, WorkerFailed

    for _ in range(20):
        await pilot.pause()
        running = [
            w for w in pilot.app.workers if not w.is_finished and not isinstance(w.node, DirectoryTree)
        ]
        if not running:
            break
        for worker in running:
            with contextlib.suppress(WorkerCancelled, WorkerFailed):
                await worker.wait()
    await pilot.pause()


async def open_import(pilot, path: Path):
    from kamtui.tui.screens.accounts import AccountsScreen
    from kamtui.tui.screens.import_accounts import ImportModal

    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, AccountsScreen)
    await pilot.press("i")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ImportModal)
    dialog.query_one("#import-path").value = str(path)
    await pilot.press("enter")
    await settle(pilot)
    return dialog


async def choose(pilot, dialog, column: str, target: str) -> None:
    """Highlight ``column`` in the mapping step, Enter, pick ``target`` in the list, Enter."""
    from kamtui.core.column_map import target_names

    row = [c.header for c in dialog.plan.choices].index(column)
    table = dialog.query_one("#import-columns-table")
    table.focus()
    table.move_cursor(row=row)
    await pilot.press("enter")
    await settle(pilot)
    options = pilot.app.screen.query_one("#column-pick")
    options.highlighted = list(target_names(dialog.criteria)).index(target)
    await pilot.press("enter")
    await settle(pilot)


@pytest.fixture
def fresh(tmp_path) -> Path:
    from kamtui.service.criteria import remember_criteria
    from kamtui.service.database import open_database

    path = tmp_path / "tui.db"
    with open_database(path) as db:
        remember_criteria(db, "kam-default")
    return path


async def test_tui_mapping_step_preview_and_remembered_choices(fresh, crm_rows):
    from kamtui.tui.app import make_app

    app = make_app(fresh, db_label=fresh.name)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_import(pilot, CSV)
        assert dialog.stage == "columns"  # CRM names were guessed: shown before anything is read
        shown = {c.header: (c.target, c.how) for c in dialog.plan.choices}
        assert shown["Account Name"] == ("account", "synonym") and shown["Account ID"] == ("ref", "synonym")
        assert shown["Strategic fit"] == ("strategic_fit", "name") and shown["Region"] == ("ignore", "extra")
        rows = dialog.query_one("#import-columns-table").row_count
        assert rows == 13
        await choose(pilot, dialog, "Region", "keep")
        await choose(pilot, dialog, "Annual spend in category (EUR)", "addressable_spend")
        assert pilot.app.screen is dialog and dialog.stage == "columns"
        assert {c.header: c.target for c in dialog.plan.choices}["Region"] == "keep"
        await pilot.press("p")
        await settle(pilot)
        assert dialog.stage == "preview"
        summary = str(dialog.query_one("#import-summary").render())
        assert "200 accounts · 200 new, 0 updated" in summary
        assert "1 column kept as attributes: Region" in summary
        await pilot.press("y")
        await settle(pilot)
    stored = database(fresh)
    assert len(stored["accounts"]) == 200
    regions = {(n, v) for n, a, v in stored["attributes"] if a == "Region"}
    assert regions == {(r["Account Name"], r["Region"]) for r in crm_rows if r["Region"] is not None}
    assert {c for n, c, v in stored["scores"]} == {"strategic_fit", "growth_outlook", "addressable_spend"}
    conn = sqlite3.connect(fresh)
    maps = conn.execute("SELECT file_column, field FROM column_maps ORDER BY 1").fetchall()
    conn.close()
    assert maps == [("Annual spend in category (EUR)", "addressable_spend"), ("Region", "keep")]


async def test_tui_preview_shows_old_and_new_values_and_blank_cells(fresh, tmp_path):
    from kamtui.tui.app import make_app

    first = tmp_path / "first.csv"
    first.write_text(
        "account,owner,strategic_fit,growth_outlook\nAcme,Ann,7,5\nBolt,Bob,3,4\n", encoding="utf-8"
    )
    second = tmp_path / "second.csv"
    second.write_text(
        "account,owner,strategic_fit,growth_outlook\nAcme,Kim,8,\nBolt,Bob,3,4\nCorx,,2,\n", encoding="utf-8"
    )
    app = make_app(fresh, db_label=fresh.name)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_import(pilot, first)
        assert dialog.stage == "preview"  # every column read by its own name: straight to the preview
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        dialog = pilot.app.screen
        dialog.query_one("#import-path").value = str(second)
        await pilot.press("enter")
        await settle(pilot)
        assert dialog.stage == "preview"
        summary = str(dialog.query_one("#import-summary").render())
        assert "3 accounts · 1 new, 2 updated (1 with changes)" in summary
        assert "1 stored values are cleared by blank cells (b keeps them)" in summary
        table = dialog.query_one("#import-table")
        cells = {
            str(table.get_row_at(r)[1]): (str(table.get_row_at(r)[0]), str(table.get_row_at(r)[2]))
            for r in range(table.row_count)
        }
        assert cells["Acme"] == (
            "upd",
            "owner Ann -> Kim · strategic_fit 7 -> 8 · growth_outlook 5 -> cleared",
        )
        assert cells["Bolt"] == ("same", "no change")
        assert cells["Corx"] == ("new", "strategic_fit 2")
        await pilot.press("b")  # keep stored values where a cell is blank
        await settle(pilot)
        summary = str(dialog.query_one("#import-summary").render())
        assert "blank cells keep the stored values" in summary and "cleared" not in summary
        await pilot.press("y")
        await settle(pilot)
    scores = {(n, c): v for n, c, v in database(fresh)["scores"]}
    assert scores[("Acme", "growth_outlook")] == 5.0 and scores[("Acme", "strategic_fit")] == 8.0


async def test_tui_german_file_offers_the_decimal_comma(fresh):
    from kamtui.tui.app import make_app

    app = make_app(fresh, db_label=fresh.name)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await open_import(pilot, GERMAN)
        assert dialog.stage == "columns"
        await pilot.press("p")
        await settle(pilot)
        assert dialog.stage == "problems"
        listed = str(dialog.query_one("#import-problem-list").render())
        assert "1 problem found" in listed
        assert "import the file with the decimal-comma option" in listed
        assert "c reads the numbers with a decimal comma" in listed
        await pilot.press("c")
        await settle(pilot)
        assert dialog.stage == "preview" and dialog.decimal_comma
        await pilot.press("y")
        await settle(pilot)
    assert len(database(fresh)["accounts"]) == 200
