"""``kamtui export selection``: the workbook read back against the saved run, in real subprocesses.

The demo database (30 accounts) is built once per module with ``kamtui demo --no-open`` and ranked once
with ``kamtui rank --save`` (run 1). LibreOffice checks (opens without repair, recalculates the What-if
formulas before and after a weight is changed) are skipped when ``soffice`` is not installed.
"""

from __future__ import annotations

import csv
import json
import os
import re
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from openpyxl import load_workbook

from kamtui.excel import common as xl
from kamtui.excel import selection_workbook as sw

from .libreoffice import convert, soffice_or_skip

TOLERANCE = 1e-9


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str


def kamtui(db: Path, *args: object, cwd: Path) -> Run:
    """``kamtui --db DB ARGS`` in a subprocess, in ``cwd``."""
    env = {k: v for k, v in os.environ.items() if k != "KAMTUI_DB"}
    env["XDG_DATA_HOME"] = str(cwd / "xdg")
    proc = subprocess.run(
        [sys.executable, "-m", "kamtui", "--db", str(db), *(str(a) for a in args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )
    return Run(proc.returncode, proc.stdout, proc.stderr)


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.db"
    made = kamtui(db, "demo", "--no-open", cwd=folder)
    assert made.code == 0, made.stderr
    ranked = kamtui(db, "rank", "--save", cwd=folder)
    assert ranked.code == 0, ranked.stderr
    assert "saved as run 1" in ranked.stdout
    return db


def copy_db(db: Path, folder: Path) -> Path:
    target = folder / "copy.db"
    with sqlite3.connect(db) as source, sqlite3.connect(target) as dest:
        source.backup(dest)
    return target


def run_json(db: Path, run_id: int, cwd: Path) -> dict:
    shown = kamtui(db, "runs", "show", run_id, "--json", cwd=cwd)
    assert shown.code == 0, shown.stderr
    return json.loads(shown.stdout)


def saved_run(db: Path, run_id: int):
    from kamtui.service.ranking import run as load_run
    from kamtui.store import open_store

    with open_store(db) as store:
        return load_run(store, run_id)


def run_count(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM runs").fetchone()[0]


@pytest.fixture(scope="module")
def exported(demo, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("export")
    result = kamtui(demo, "export", "selection", "--run", 1, "-o", "run1.xlsx", cwd=folder)
    assert result.code == 0, result.stderr
    path = Path(result.stdout.strip())
    assert path == folder / "run1.xlsx" and path.is_file()
    return path


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOLERANCE


# ---------------------------------------------------------------------------------------------- read-back


def test_ranking_sheet_equals_runs_show_json(demo, exported, tmp_path):
    data = run_json(demo, 1, tmp_path)
    ws = load_workbook(exported)["Ranking"]
    where = sw.ranking_layout(saved_run(demo, 1))
    assert where.header_row == 6 and where.dominated  # a saved run is cross-checked: dominance is known
    header = [c.value for c in ws[where.header_row]]
    assert header == [*sw.RANKING_HEADERS, "Dominated by"]
    keys = {
        "Rank": "rank",
        "Account": "account",
        "Owner": "owner",
        "Segment": "segment",
        "Overall": "overall",
        "Attractiveness": "attractiveness",
        "Strength": "strength",
        "Quadrant": "quadrant",
        "Coverage": "coverage",
        "P(top K)": "p_top_k",
        "Rank p5": "rank_p5",
        "Rank p95": "rank_p95",
        "Effort (FTE)": "effort",
        "Ref": "ref",
    }
    rows = list(ws.iter_rows(min_row=where.first_row, values_only=True))
    assert len(rows) == len(data["accounts"]) == 30
    for row, account in zip(rows, data["accounts"], strict=True):
        cells = dict(zip(header, row, strict=True))
        for name, key in keys.items():
            if isinstance(account[key], float):
                assert close(cells[name], account[key]), (account["account"], name)
            else:
                assert cells[name] == account[key], (account["account"], name)
        assert cells["Selected"] == ("yes" if account["selected"] else "no")
        assert cells["Dominated by"] == ("; ".join(account["dominated_by"]) or None)
        assert cells["Low coverage"] == ("yes" if account["coverage"] < 0.5 else None)
    assert any(account["dominated_by"] for account in data["accounts"])
    assert ws.freeze_panes == "C7"
    assert list(ws.tables) == [sw.TABLE_NAME] and ws.tables[sw.TABLE_NAME].ref == "A6:R36"
    assert ws["E7"].number_format == "0.00" and ws["I7"].number_format == "0%"
    selected = [a for a in data["accounts"] if a["selected"]]
    assert len(selected) == 15 and (ws["B2"].value, ws["D2"].value) == ("Accounts selected", 15)
    assert ws["B4"].value == "Addressable spend in our category (EUR) of the selection"
    assert ws["D4"].number_format == '#,##0" EUR"'
    data_bars = [r for cf in ws.conditional_formatting for r in cf.rules if r.type == "dataBar"]
    assert len(data_bars) >= 3


def test_scores_sheet_equals_the_saved_run(demo, exported):
    ranking = saved_run(demo, 1)
    ws = load_workbook(exported)["Scores"]
    criteria = ranking.criteria.criteria
    share = 3 + ranking.criteria.ids.index("share_of_wallet")
    assert ws.cell(row=3, column=share).number_format in ('0"%"', '0.0"%"')  # 35 on 0-100: 35%, not 3500%
    assert ws.cell(row=3, column=3).number_format == '#,##0" EUR"'  # addressable spend
    m = len(criteria)
    missing = 0
    for offset, account in enumerate(ranking.accounts):
        row = 3 + offset
        assert ws.cell(row=row, column=2).value == account.account
        for j, criterion in enumerate(criteria):
            raw = ws.cell(row=row, column=3 + j).value
            norm = ws.cell(row=row, column=3 + m + j).value
            assert close(raw, account.values[criterion.id]), (account.account, criterion.id)
            assert close(norm, account.normalised[criterion.id]), (account.account, criterion.id)
            missing += raw is None
    assert missing > 0  # the demo has gaps, left as empty cells
    assert ws.freeze_panes == "C3"


def test_sheets_chart_and_about(demo, exported):
    wb = load_workbook(exported)
    assert wb.sheetnames == list(sw.SHEETS)
    assert len(wb["Portfolio"]._charts) == 1
    facts = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True) if r and r[0]}
    assert facts["Selection run"] == 1
    assert facts["Criteria set"] == "kam-default"
    assert facts["K (key accounts wanted)"] == 15 and facts["Robustness samples"] == 1000
    assert facts["Binding limits"] == "top_k"
    assert facts["Ranked by (rank_by)"] == "attractiveness" and facts["Saved by"]


# ---------------------------------------------------------------------------------------------- the command


def test_without_run_it_ranks_saves_a_run_and_exports_it(demo, tmp_path):
    db = copy_db(demo, tmp_path)
    before = run_count(db)
    result = kamtui(db, "export", "selection", cwd=tmp_path)
    assert result.code == 0, result.stderr
    new_run = before + 1
    assert run_count(db) == new_run
    assert f"saved them as run {new_run}" in result.stderr
    path = Path(result.stdout.strip())
    assert path.parent == tmp_path / "exports"
    assert re.fullmatch(rf"selection-run-{new_run}-kam-default-\d{{8}}-\d{{4}}\.xlsx", path.name)
    wb = load_workbook(path)
    facts = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True) if r and r[0]}
    assert facts["Selection run"] == new_run
    data = run_json(db, new_run, tmp_path)
    first = sw.ranking_layout(saved_run(db, new_run)).first_row
    overall = [row[4] for row in wb["Ranking"].iter_rows(min_row=first, values_only=True)]
    assert all(close(a, b["overall"]) for a, b in zip(overall, data["accounts"], strict=True))
    assert list(tmp_path.glob("exports/.*.tmp-*")) == []


def test_output_folder_file_and_refused_suffix(demo, tmp_path):
    db = copy_db(demo, tmp_path)
    (tmp_path / "out").mkdir()
    into_folder = kamtui(db, "export", "selection", "--run", 1, "-o", "out", cwd=tmp_path)
    assert into_folder.code == 0, into_folder.stderr
    assert Path(into_folder.stdout.strip()).parent == tmp_path / "out"
    named = kamtui(db, "export", "selection", "--run", 1, "-o", "finance/q3", cwd=tmp_path)
    assert named.code == 0 and Path(named.stdout.strip()) == tmp_path / "finance" / "q3.xlsx"
    before = run_count(db)
    refused = kamtui(db, "export", "selection", "-o", "ranking.csv", cwd=tmp_path)
    assert refused.code == 1 and "ranking.xlsx" in refused.stderr
    assert run_count(db) == before  # refused before anything was ranked or saved


def test_unknown_run_and_conflicting_options(demo, tmp_path):
    unknown = kamtui(demo, "export", "selection", "--run", 99, cwd=tmp_path)
    assert unknown.code == 1 and "no selection run with id 99" in unknown.stderr
    assert "Traceback" not in unknown.stderr
    both = kamtui(demo, "export", "selection", "--run", 1, "--criteria", "kam-default", cwd=tmp_path)
    assert both.code == 2 and "--criteria" in both.stderr
    assert not (tmp_path / "exports").exists()


def test_an_empty_database_is_refused_without_saving_a_run(tmp_path):
    db = tmp_path / "empty.db"
    result = kamtui(db, "export", "selection", cwd=tmp_path)
    assert result.code == 1 and "no accounts to rank yet" in result.stderr
    assert run_count(db) == 0 and not (tmp_path / "exports").exists()


def test_criteria_option_names_the_set(demo, tmp_path):
    db = copy_db(demo, tmp_path)
    result = kamtui(db, "export", "selection", "--criteria", "kam-default", "-o", "c.xlsx", cwd=tmp_path)
    assert result.code == 0, result.stderr
    ws = load_workbook(tmp_path / "c.xlsx")["Criteria"]
    assert ws["A2"].value == "addressable_spend"


# ---------------------------------------------------------------------------------------------- user text


DANGEROUS = ('=HYPERLINK("http://x","y")', "+Plus corp", "-Minus ltd", "@At group", "\tTab inc", "\rCR plc")


@pytest.fixture(scope="module")
def injected(demo, tmp_path_factory) -> Path:
    """The demo plus accounts whose names, owners and segments start with = + - @ tab CR."""
    from kamtui.store import open_store
    from kamtui.store.accounts import add_account, set_field, set_value

    folder = tmp_path_factory.mktemp("inject")
    db = copy_db(demo, folder)
    with open_store(db) as store:
        for index, text in enumerate(DANGEROUS):
            name = f"Placeholder {index}"
            add_account(store, name)  # names are stripped here: the leading tab / CR go in below
            set_field(store, name, "owner", text)
            set_field(store, name, "segment", text)
            set_value(store, name, "strategic_fit", 9.0)
            set_value(store, name, "relationship_stage", 9.0)
            store.conn.execute("UPDATE accounts SET name = ? WHERE name = ?", (text, name))
        store.conn.commit()
    result = kamtui(db, "export", "selection", "-o", "inject.xlsx", cwd=folder)
    assert result.code == 0, result.stderr
    return folder / "inject.xlsx"


def test_names_owners_segments_starting_like_formulas_are_text(injected):
    wb = load_workbook(injected)
    expected = {xl.safe_text(text) for text in DANGEROUS}
    ws = wb["Ranking"]
    found = {}
    for row in ws.iter_rows(min_row=2):
        for cell in row[1:4]:  # Account, Owner, Segment
            if cell.value in expected:
                assert cell.data_type == "s" and cell.quotePrefix, (cell.coordinate, cell.value)
                found.setdefault(cell.value, set()).add(cell.column)
    assert found == {text: {2, 3, 4} for text in expected}
    assert not any(
        c.data_type == "f" for ws in wb.worksheets if ws.title != "What-if" for r in ws.iter_rows() for c in r
    )


def test_libreoffice_shows_the_names_as_typed(injected, tmp_path):
    soffice_or_skip()
    out = convert(injected, "csv", tmp_path)  # the first sheet: Ranking
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    names = {row[1] for row in rows[1:]}
    assert '=HYPERLINK("http://x","y")' in names  # shown as typed, never evaluated to "y"
    assert "y" not in names
    assert {"+Plus corp", "-Minus ltd", "@At group"} <= names


# ---------------------------------------------------------------------------------------------- LibreOffice


def test_libreoffice_opens_it_without_repair(exported, tmp_path):
    soffice_or_skip()
    pdf = convert(exported, "pdf", tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF")


def _recalculated_sheet(path: Path, tmp_path: Path):
    """LibreOffice loads the workbook (computing the formulas) and saves it with values: the What-if sheet."""
    again = convert(path, "xlsx", tmp_path / path.stem)
    return load_workbook(again, data_only=True)["What-if"]


def _recalculated(path: Path, tmp_path: Path) -> list[tuple[str, float | None, int]]:
    """LibreOffice loads the workbook (computing the formulas), saves it with values; the What-if rows."""
    again = convert(path, "xlsx", tmp_path / path.stem)
    ws = load_workbook(again, data_only=True)["What-if"]
    rows = []
    for row in ws.iter_rows(min_row=sw.WHATIF_FIRST_ROW, max_col=3, values_only=True):
        if row[0] is None:
            break
        rows.append((row[0], None if row[1] in ("", None) else float(row[1]), int(row[2])))
    return rows


@pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")  # reading LibreOffice's file
def test_whatif_formulas_recalculated_by_libreoffice_follow_a_weight_change(demo, exported, tmp_path):
    soffice_or_skip()
    ranking = saved_run(demo, 1)
    computed = _recalculated(exported, tmp_path)
    assert [name for name, _, _ in computed] == [a.account for a in ranking.accounts]
    for (name, overall, rank), account in zip(computed, ranking.accounts, strict=True):
        assert close(overall, account.overall), name
        assert rank == account.rank, name

    # raise one weight in the points table, as finance would in Excel
    criterion = "addressable_spend"
    column = sw.WHATIF_FIRST_VALUE + ranking.criteria.ids.index(criterion)
    wb = load_workbook(exported)
    cell = wb["What-if"].cell(row=sw.WHATIF_POINTS_ROW, column=column)
    assert cell.value == ranking.points[criterion]
    cell.value = 60
    edited = tmp_path / "edited.xlsx"
    wb.save(edited)

    from kamtui.core.ranking import Params
    from kamtui.service.ranking import rank as rank_accounts
    from kamtui.store import open_store

    with open_store(demo) as store:
        expected = rank_accounts(
            store, ranking.criteria, Params(), points=dict(ranking.points) | {criterion: 60.0}
        )
    by_name = {a.account: a for a in expected.accounts}
    moved = _recalculated(edited, tmp_path)
    assert sum(rank != a.rank for (_, _, rank), a in zip(moved, ranking.accounts, strict=True)) > 5
    for name, overall, rank in moved:
        assert close(overall, by_name[name].overall), name
        assert rank == by_name[name].rank, name


@pytest.mark.filterwarnings("ignore:.*extension is not supported:UserWarning")  # reading LibreOffice's file
@pytest.mark.parametrize("k", [5, 22])
def test_whatif_k_flag_recalculated_by_libreoffice_after_k_is_edited(demo, exported, tmp_path, k):
    """Finance edits K: LibreOffice re-picks the best K by the what-if rank (the engine's pick with that K),
    and the count and FTE beside K follow."""
    soffice_or_skip()
    ranking = saved_run(demo, 1)
    wb = load_workbook(exported)
    cell = wb["What-if"][sw.WHATIF_K_CELL]
    assert cell.value == ranking.params.top_k == 15
    cell.value = k
    edited = tmp_path / f"k{k}.xlsx"
    wb.save(edited)
    ws = _recalculated_sheet(edited, tmp_path)

    from kamtui.core.ranking import Params
    from kamtui.service.ranking import rank as rank_accounts
    from kamtui.store import open_store

    with open_store(demo) as store:
        expected = rank_accounts(store, ranking.criteria, Params(top_k=k), points=dict(ranking.points))
    picked = set()
    for row in ws.iter_rows(min_row=sw.WHATIF_FIRST_ROW, max_col=15, values_only=True):
        if row[0] is None:
            break
        assert row[12] in ("yes", "no"), row  # What-if selected: computed, not left empty
        if row[12] == "yes":
            picked.add(row[0])
    assert picked == {a.account for a in expected.selected} and len(picked) == k
    assert ws[sw.WHATIF_PICKED_CELL].value == k
    assert abs(ws[sw.WHATIF_PICKED_FTE_CELL].value - sum(a.effort or 0.0 for a in expected.selected)) < 1e-9
