"""The selection workbook, written from rankings the engine computes in-process (no database).

Every value read back equals the engine's; the What-if sheet's formulas are evaluated by a real formula
engine (the ``formulas`` package, pure Python) and give the engine's scores and ranks, also after a weight
is changed; user text never becomes a formula; the writer streams (write-only mode) at any size.
LibreOffice checks live in tests/e2e/test_export_selection.py.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.chart import ScatterChart

from kamtui.core.criteria import load_criteria
from kamtui.core.ranking import Params, RankedAccount, Ranking
from kamtui.excel import common as xl
from kamtui.excel import selection_workbook as sw
from kamtui.service.ranking import rank as rank_accounts
from kamtui.store.accounts import Matrix

TOLERANCE = 1e-9
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------------------------------------- helpers


def make_matrix(n: int = 24, seed: int = 3, names: list[str] | None = None) -> Matrix:
    """Accounts on kam-default-v1 with ~10% missing values, one account with no value at all.

    (Version 1 of kam-default ranks by overall, which the What-if sheet's formulas follow.)
    """
    criteria = load_criteria("kam-default-v1")
    rng = np.random.default_rng(seed)
    m = len(criteria.ids)
    values = np.empty((n, m))
    for j, criterion in enumerate(criteria.criteria):
        if criterion.scale is not None:
            values[:, j] = rng.integers(1, 11, n)
        else:
            values[:, j] = rng.uniform(1e4, 5e6, n)
    values[rng.random((n, m)) < 0.1] = np.nan
    values[n // 2, :] = np.nan  # nothing known: no overall, last rank
    names = names or [f"Account {i:02d}" for i in range(n)]
    return Matrix(
        names=names,
        values=values,
        owners=[f"Owner {i % 4}" for i in range(n)],
        effort=np.where(rng.random(n) < 0.2, np.nan, np.round(rng.uniform(0.1, 1.0, n), 2)),
        segments=[("Retail", "Health", None)[i % 3] for i in range(n)],
        refs=[f"CRM-{i}" if i % 5 else None for i in range(n)],
    )


def engine(matrix: Matrix, points: dict[str, float] | None = None, **params) -> Ranking:
    criteria = load_criteria("kam-default-v1")
    points = points or {c.id: c.weight for c in criteria.criteria}
    params = {"samples": 200, "top_k": 6, **params}
    no_store: Any = None  # with points and a matrix given, the engine reads no database
    ranking = rank_accounts(no_store, criteria, Params(**params), points=points, matrix=matrix)
    return dataclasses.replace(ranking, run_id=7, created_at="2026-03-04T05:06:07Z")


@pytest.fixture(scope="module")
def matrix() -> Matrix:
    return make_matrix()


@pytest.fixture(scope="module")
def ranking(matrix) -> Ranking:
    return engine(matrix)


@pytest.fixture(scope="module")
def workbook_path(ranking, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("selection") / "selection.xlsx"
    exported = dt.datetime(2026, 3, 4, 6, 0, tzinfo=dt.UTC)
    assert sw.write_selection_workbook(ranking, path, exported_at=exported) == path
    return path


@pytest.fixture(scope="module")
def wb(workbook_path):
    return load_workbook(workbook_path)


def close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOLERANCE


def header_map(ws, row: int = 1) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[row] if cell.value is not None}


# ---------------------------------------------------------------------------------------------- layout


def test_sheets_in_order(wb):
    assert wb.sheetnames == list(sw.SHEETS)
    assert sw.SHEETS == ("Ranking", "Scores", "Criteria", "What-if", "Portfolio", "About")


def test_ranking_values_equal_the_engine(wb, ranking):
    ws = wb["Ranking"]
    col = header_map(ws)
    assert list(col) == list(sw.RANKING_HEADERS)
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(ranking.accounts)
    for row, account in zip(rows, ranking.accounts, strict=True):
        get = lambda name, row=row: row[col[name] - 1]  # noqa: E731
        assert get("Rank") == account.rank and isinstance(get("Rank"), int)
        assert get("Account") == account.account
        assert get("Owner") == account.owner
        assert get("Segment") == account.segment
        assert get("Ref") == account.ref
        assert get("Quadrant") == account.quadrant
        for name, value in (
            ("Overall", account.overall),
            ("Attractiveness", account.attractiveness),
            ("Strength", account.strength),
            ("Coverage", account.coverage),
            ("P(top K)", account.p_top_k),
            ("Effort (FTE)", account.effort),
        ):
            assert close(get(name), value), (account.account, name, get(name), value)
        assert get("Rank p5") == account.rank_p5 and get("Rank p95") == account.rank_p95
        assert get("Selected") == ("yes" if account.selected else "no")
    assert any(a.overall is None for a in ranking.accounts)  # the empty account: empty cells, last rank
    assert any(a.effort is None for a in ranking.accounts)


def test_ranking_formats_table_filters_panes_and_conditional_formats(wb, ranking):
    ws = wb["Ranking"]
    col = header_map(ws)
    assert ws.freeze_panes == "C2"
    formats = {
        "Overall": "0.00",
        "Attractiveness": "0.00",
        "Strength": "0.00",
        "Coverage": "0%",
        "P(top K)": "0%",
        "Effort (FTE)": "0.00",
    }
    for row in range(2, len(ranking.accounts) + 2):
        for name, number_format in formats.items():
            cell = ws.cell(row=row, column=col[name])
            if cell.value is not None:
                assert cell.number_format == number_format, (cell.coordinate, cell.number_format)
                assert isinstance(cell.value, float | int)
    for cell in ws[1]:
        assert cell.font.bold and cell.data_type == "s"

    assert list(ws.tables) == [sw.TABLE_NAME]
    table = ws.tables[sw.TABLE_NAME]
    last = len(ranking.accounts) + 1
    assert table.ref == f"A1:O{last}"
    assert table.autoFilter is not None and table.autoFilter.ref == table.ref
    assert [c.name for c in table.tableColumns] == [cell.value for cell in ws[1]]

    rules = {str(rng.sqref): [r for r in rng.rules] for rng in ws.conditional_formatting}
    for name in ("Overall", "Attractiveness", "Strength"):
        letter = ws.cell(row=1, column=col[name]).column_letter
        bars = [r for r in rules[f"{letter}2:{letter}{last}"] if r.type == "dataBar"]
        assert len(bars) == 1
        assert [v.val for v in (bars[0].dataBar.cfvo)] in (["0", "10"], [0, 10], [0.0, 10.0])
    quadrant = ws.cell(row=1, column=col["Quadrant"]).column_letter
    by_value = {r.formula[0]: r.dxf.fill.fgColor.rgb[-6:] for r in rules[f"{quadrant}2:{quadrant}{last}"]}
    assert by_value == {f'"{name}"': fill for name, fill in sw.QUADRANT_FILLS.items()}


def test_scores_sheet_raw_and_normalised_blocks(wb, ranking):
    ws = wb["Scores"]
    criteria = ranking.criteria.criteria
    m = len(criteria)
    assert ws.freeze_panes == "C3"
    assert ws["C1"].value.startswith("Raw values as imported")
    assert ws.cell(row=1, column=3 + m).value.startswith("Normalised 0-1")
    names = [cell.value for cell in ws[2]]
    assert names[:2] == ["Rank", "Account"]
    assert names[2 + m :] == [c.name for c in criteria]
    assert names[2] == "Revenue potential (3 yr) (EUR)" and names[3] == "Growth outlook (1-10)"
    missing = 0
    for offset, account in enumerate(ranking.accounts):
        row = 3 + offset
        assert ws.cell(row=row, column=1).value == account.rank
        assert ws.cell(row=row, column=2).value == account.account
        for j, criterion in enumerate(criteria):
            raw = ws.cell(row=row, column=3 + j)
            norm = ws.cell(row=row, column=3 + m + j)
            assert close(raw.value, account.values[criterion.id]), (account.account, criterion.id)
            assert close(norm.value, account.normalised[criterion.id]), (account.account, criterion.id)
            if account.values[criterion.id] is None:
                missing += 1
                assert raw.value is None and norm.value is None  # left EMPTY
            else:
                assert norm.data_type == "n" and raw.data_type == "n"
    assert missing > m  # the fixture has missing values, so emptiness was tested


def test_criteria_sheet(wb, ranking):
    ws = wb["Criteria"]
    col = header_map(ws)
    assert list(col)[:11] == [
        "Id",
        "Name",
        "Group",
        "Kind",
        "Scale from",
        "Scale to",
        "Unit",
        "Transform",
        "Direction",
        "Points",
        "Weight",
    ]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(ranking.criteria.criteria)
    for row, criterion in zip(rows, ranking.criteria.criteria, strict=True):
        get = lambda name, row=row: row[col[name] - 1]  # noqa: E731
        assert (get("Id"), get("Name"), get("Group"), get("Kind"), get("Direction")) == (
            criterion.id,
            criterion.name,
            criterion.group,
            criterion.kind,
            criterion.direction,
        )
        if criterion.scale is not None:
            assert (get("Scale from"), get("Scale to"), get("Unit")) == (*criterion.scale, None)
        else:
            assert get("Scale from") is None and get("Unit") == (criterion.unit or None)
        assert get("Transform") == ("log1p" if criterion.is_log else None)
        assert close(get("Points"), ranking.points[criterion.id])
        assert close(get("Weight"), ranking.weights[criterion.id])
    assert math.isclose(sum(r[col["Weight"] - 1] for r in rows), 1.0)


def test_whatif_layout_and_formulas(wb, ranking):
    ws = wb["What-if"]
    criteria = ranking.criteria.criteria
    m = len(criteria)
    first_value = sw.WHATIF_FIRST_VALUE
    assert ws.freeze_panes == f"B{sw.WHATIF_FIRST_ROW}"
    assert [ws.cell(row=sw.WHATIF_NAMES_ROW, column=first_value + j).value for j in range(m)] == [
        c.name for c in criteria
    ]
    points = [ws.cell(row=sw.WHATIF_POINTS_ROW, column=first_value + j) for j in range(m)]
    assert [p.value for p in points] == [ranking.points[c.id] for c in criteria]
    assert all(p.data_type == "n" for p in points)
    weight = ws.cell(row=sw.WHATIF_WEIGHTS_ROW, column=first_value)
    assert weight.data_type == "f" and weight.value.startswith("=IF(SUM($G$3:$R$3)>0,G3/")
    header = [c.value for c in ws[sw.WHATIF_HEADER_ROW]]
    assert header[: first_value - 1] == [name for name, _ in sw.WHATIF_COLUMNS]
    n = len(ranking.accounts)
    last = sw.WHATIF_FIRST_ROW + n - 1
    for offset, account in enumerate(ranking.accounts):
        row = sw.WHATIF_FIRST_ROW + offset
        overall, rank, change = (ws.cell(row=row, column=c) for c in (2, 3, 6))
        assert overall.data_type == rank.data_type == change.data_type == "f"
        assert overall.value == (
            f"=IF(SUMPRODUCT($G$3:$R$3*ISNUMBER(G{row}:R{row}))>0,"
            f'10*SUMPRODUCT($G$3:$R$3,G{row}:R{row})/SUMPRODUCT($G$3:$R$3*ISNUMBER(G{row}:R{row})),"")'
        )
        assert rank.value == (
            f"=IF(ISNUMBER(B{row}),_xlfn.RANK.EQ(B{row},$B${sw.WHATIF_FIRST_ROW}:$B${last}),"
            f"COUNT($B${sw.WHATIF_FIRST_ROW}:$B${last})+1)"
        )
        assert change.value == f"=E{row}-C{row}"
        assert overall.number_format == "0.00"
        assert ws.cell(row=row, column=1).value == account.account
        assert close(ws.cell(row=row, column=4).value, account.overall)
        assert ws.cell(row=row, column=5).value == account.rank
        for j, criterion in enumerate(criteria):
            assert close(ws.cell(row=row, column=first_value + j).value, account.normalised[criterion.id])
    assert len(ws.data_validations.dataValidation) == 1


def test_portfolio_chart_and_thresholds(wb, ranking):
    ws = wb["Portfolio"]
    charts = ws._charts
    assert len(charts) == 1 and isinstance(charts[0], ScatterChart)
    chart = charts[0]
    assert (chart.x_axis.scaling.min, chart.x_axis.scaling.max) == (0, 10)
    assert (chart.y_axis.scaling.min, chart.y_axis.scaling.max) == (0, 10)
    last = len(ranking.accounts) + 1
    refs = [(s.xVal.numRef.f, s.yVal.numRef.f) for s in chart.series]
    assert refs[0] == (f"'Ranking'!$G$2:$G${last}", f"'Ranking'!$F$2:$F${last}")
    assert len(refs) == 4  # all accounts, selected, two threshold lines
    rows = list(ws.iter_rows(values_only=True))
    lines = {
        row[0]: row for row in rows if row and row[0] in ("Attractiveness threshold", "Strength threshold")
    }
    thresholds = ranking.criteria.thresholds
    assert lines["Attractiveness threshold"][1:3] == (0, thresholds.attractiveness)
    assert lines["Strength threshold"][1:3] == (thresholds.strength, 0)
    selected_rows = [row for row in rows if row and row[0] in {a.account for a in ranking.selected}]
    assert [row[0] for row in selected_rows] == [a.account for a in ranking.selected]
    counts = {row[0]: row[1:3] for row in rows if row and row[0] in sw.QUADRANT_FILLS}
    for name in sw.QUADRANT_FILLS:
        accounts = [a for a in ranking.accounts if a.quadrant == name]
        assert counts[name] == (len(accounts), sum(a.selected for a in accounts))


def test_about_sheet(wb, ranking):
    ws = wb["About"]
    facts = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0]}
    assert facts["Selection run"] == 7
    assert facts["Run saved at (UTC)"] == dt.datetime(2026, 3, 4, 5, 6, 7)
    assert facts["Workbook exported at (UTC)"] == dt.datetime(2026, 3, 4, 6, 0)
    assert facts["Criteria set"] == "kam-default-v1"
    assert facts["K (key accounts wanted)"] == 6
    assert facts["Capacity (FTE)"] == "none"
    assert facts["Robustness samples"] == 200
    assert facts["Seed"] == 0 and facts["Concentration (kappa)"] == 200
    assert facts["Binding limits"] == "; ".join(ranking.binding)
    assert facts["Accounts selected"] == len(ranking.selected)
    from kamtui import __version__

    assert facts["kamtui version"] == __version__
    text = " ".join(str(row[1]) for row in ws.iter_rows(values_only=True) if row and row[1])
    for phrase in ("min-max", "log1p", "v = 1 - v", "renormalised over the present criteria", "RANK.EQ"):
        assert phrase in text
    for sheet in sw.SHEETS[:-1]:
        assert sheet in facts


def test_about_lists_capacity_pins_and_notes(matrix, tmp_path):
    known = [name for name, effort in zip(matrix.names, matrix.effort, strict=True) if effort > 0]
    pinned, out = known[0], known[1]
    ranking = engine(matrix, capacity=3.0, per_kam=1.5, include=(pinned,), exclude=(out,))
    path = sw.write_selection_workbook(ranking, tmp_path / "cap.xlsx")
    facts = {r[0]: r[1] for r in load_workbook(path)["About"].iter_rows(values_only=True) if r and r[0]}
    assert facts["Capacity (FTE)"] == 3.0 and facts["Cap per KAM (FTE)"] == 1.5
    assert facts["Pinned in (always selected)"] == pinned
    assert facts["Pinned out (never selected)"] == out
    notes = [r[1] for r in load_workbook(path)["About"].iter_rows(values_only=True) if r and r[0] == "Note"]
    assert notes == ranking.notes


# ------------------------------------------------------------------------------------ What-if, evaluated


def _evaluate(path: Path, inputs: dict[str, float] | None = None) -> dict[str, object]:
    """Every What-if cell's value as the ``formulas`` engine calculates the workbook (``inputs`` override)."""
    formulas = pytest.importorskip(
        "formulas", reason="the pure-Python formula engine 'formulas' is not installed"
    )
    model = formulas.ExcelModel().loads(str(path)).finish()
    sheet = f"'[{path.name}]WHAT-IF'!".upper()
    keys = {key.upper(): key for key in model.cells}
    solution = model.calculate(inputs={keys[sheet + cell]: value for cell, value in (inputs or {}).items()})
    out = {}
    for key, value in solution.items():
        if key.upper().startswith(sheet) and ":" not in key:
            out[key.rsplit("!", 1)[1].upper()] = value.value[0][0]
    return out


def _whatif_results(values: dict[str, object], n: int) -> list[tuple[float | None, int]]:
    results = []
    for row in range(sw.WHATIF_FIRST_ROW, sw.WHATIF_FIRST_ROW + n):
        overall = values[f"B{row}"]
        results.append((None if overall in ("", None) else float(overall), int(values[f"C{row}"])))
    return results


def test_whatif_formulas_evaluated_give_the_engine_ranking(workbook_path, ranking, matrix):
    pytest.importorskip("formulas", reason="the pure-Python formula engine 'formulas' is not installed")
    names = [a.account for a in ranking.accounts]
    n = len(names)
    values = _evaluate(workbook_path)
    for (overall, rank), account in zip(_whatif_results(values, n), ranking.accounts, strict=True):
        assert close(overall, account.overall), account.account
        assert rank == account.rank, account.account
    assert values["F8"] == 0

    # change one weight in the points table: the ranking moves exactly as the engine's with that weight
    criteria = ranking.criteria.criteria
    index = next(j for j, c in enumerate(criteria) if c.id == "relationship_stage")
    cell = f"{xl_letter(sw.WHATIF_FIRST_VALUE + index)}{sw.WHATIF_POINTS_ROW}"
    points = dict(ranking.points) | {"relationship_stage": 60.0}
    changed = engine(matrix, points=points)
    expected = {a.account: (a.overall, a.rank) for a in changed.accounts}
    moved = _whatif_results(_evaluate(workbook_path, {cell: 60.0}), n)
    assert any(rank != account.rank for (_, rank), account in zip(moved, ranking.accounts, strict=True))
    for name, (overall, rank) in zip(names, moved, strict=True):
        assert close(overall, expected[name][0]), name
        assert rank == expected[name][1], name


def xl_letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


# ---------------------------------------------------------------------------------------------- user text


@pytest.mark.parametrize("start", DANGEROUS_STARTS, ids=repr)
def test_text_starting_like_a_formula_stays_text(start, tmp_path):
    names = [f"Account {i:02d}" for i in range(8)]
    names[0] = f'{start}HYPERLINK("http://x","y")' if start == "=" else f"{start}1+2 name"
    matrix = make_matrix(n=8, names=names)
    matrix.owners[0] = f"{start}cmd|' /C calc'!A0"
    matrix.segments[0] = f"{start}SUM(A1:A2)"
    matrix.refs[0] = f"{start}ref"
    ranking = engine(matrix, top_k=8)  # everyone selected: the name is on the Portfolio sheet too
    path = sw.write_selection_workbook(ranking, tmp_path / "inject.xlsx")
    wb = load_workbook(path)
    account = next(a for a in ranking.accounts if a.account == names[0])
    expected = {xl.safe_text(t) for t in (account.account, account.owner, account.segment, account.ref)}
    seen = set()
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value in expected:
                    assert cell.data_type == "s", (ws.title, cell.coordinate)
                    assert cell.quotePrefix, (ws.title, cell.coordinate)
                    seen.add((ws.title, cell.value))
    assert {title for title, _ in seen} == {"Ranking", "Scores", "What-if", "Portfolio"}
    assert {value for title, value in seen if title == "Ranking"} == expected
    # no formula anywhere but the What-if sheet's own
    for ws in wb.worksheets:
        if ws.title != "What-if":
            assert not any(c.data_type == "f" for row in ws.iter_rows() for c in row), ws.title


def test_a_hyperlink_formula_name_stays_a_harmless_string(tmp_path):
    name = '=HYPERLINK("http://x","y")'
    matrix = make_matrix(n=6, names=[name, *(f"A{i}" for i in range(5))])
    path = sw.write_selection_workbook(engine(matrix), tmp_path / "link.xlsx")
    ws = load_workbook(path)["Ranking"]
    cells = [c for c in ws["B"] if c.value == name]
    assert len(cells) == 1 and cells[0].data_type == "s" and cells[0].hyperlink is None


# ---------------------------------------------------------------------------------------------- edge cases


def test_an_empty_ranking_still_makes_a_workbook(tmp_path):
    criteria = load_criteria("kam-default")
    ranking = Ranking(
        criteria=criteria,
        points={c.id: c.weight for c in criteria.criteria},
        weights={c.id: c.weight / 100 for c in criteria.criteria},
        params=Params(),
        binding=[],
        accounts=[],
    )
    path = sw.write_selection_workbook(ranking, tmp_path / "empty.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == list(sw.SHEETS)
    assert wb["Ranking"]["B2"].value == "No accounts were ranked in this run."
    assert not wb["Ranking"].tables and not wb["Portfolio"]._charts
    facts = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True) if r and r[0]}
    assert facts["Selection run"] == "not saved" and facts["Accounts ranked"] == 0


def test_a_failed_export_leaves_no_file(tmp_path, ranking, monkeypatch):
    target = tmp_path / "out.xlsx"

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(sw, "_about", boom)
    import openpyxl.worksheet._writer as writer

    before = set(writer.ALL_TEMP_FILES)
    with pytest.raises(RuntimeError):
        sw.write_selection_workbook(ranking, target)
    assert list(tmp_path.iterdir()) == []
    streams = [name for name in writer.ALL_TEMP_FILES if name not in before]
    assert len(streams) == len(sw.SHEETS) - 1  # every sheet but About had started streaming...
    assert not any(Path(name).exists() for name in streams)  # ...and its temporary file is gone


# ---------------------------------------------------------------------------------------------- streaming


def synthetic_ranking(n: int) -> Ranking:
    """A Ranking of ``n`` accounts built directly (no engine): the shape the writer sees at 100,000."""
    criteria = load_criteria("kam-default")
    rng = np.random.default_rng(0)
    quadrants = ("Strategic", "Star", "Status", "Streamline")
    accounts = []
    for i in range(n):
        raw = rng.uniform(0, 10, len(criteria.ids)).tolist()
        accounts.append(
            RankedAccount(
                account=f"Account {i:06d}",
                owner=f"Owner {i % 50}",
                segment="Retail",
                ref=None,
                rank=i + 1,
                overall=10 - i / n,
                attractiveness=raw[0],
                strength=raw[1],
                quadrant=quadrants[i % 4],
                coverage=1.0,
                p_top_k=0.5,
                rank_p5=i + 1,
                rank_p95=i + 3,
                effort=0.5,
                selected=i < 15,
                values=dict(zip(criteria.ids, raw, strict=True)),
                normalised=dict(zip(criteria.ids, (v / 10 for v in raw), strict=True)),
            )
        )
    points = {c.id: c.weight for c in criteria.criteria}
    total = sum(points.values())
    return Ranking(
        criteria=criteria,
        points=points,
        weights={k: v / total for k, v in points.items()},
        params=Params(),
        binding=["top_k"],
        accounts=accounts,
        run_id=1,
        created_at="2026-01-01T00:00:00Z",
    )


def test_the_writer_streams_rows_instead_of_holding_them(tmp_path):
    """Write-only mode: the export's own memory does not grow with the number of accounts."""
    sw.write_selection_workbook(synthetic_ranking(5), tmp_path / "warm.xlsx")  # imports, caches
    ranking = synthetic_ranking(600)
    tracemalloc.start()
    try:
        sw.write_selection_workbook(ranking, tmp_path / "big.xlsx")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    # 600 accounts x ~60 cells held in a normal-mode workbook take ~13 MB; streamed, under 1 MB
    assert peak < 4_000_000, f"peak {peak / 1e6:.1f} MB"
    ws = load_workbook(tmp_path / "big.xlsx", read_only=True)["Ranking"]
    assert sum(1 for _ in ws.iter_rows(values_only=True)) == 601


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads the peak RSS from /proc (Linux)")
def test_peak_memory_of_a_large_export_stays_small(tmp_path):
    """Peak resident memory added by exporting 6,000 accounts (100,000: see the module's measurement notes).

    Held in a normal-mode workbook the ~350,000 cells would add over 100 MB.
    """
    ranking = synthetic_ranking(6_000)
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak RSS (VmHWM) to the current RSS
    before = _status_kb("VmRSS")
    sw.write_selection_workbook(ranking, tmp_path / "6k.xlsx")
    added_mb = (_status_kb("VmHWM") - before) / 1024
    assert added_mb < 40, f"{added_mb:.0f} MB"


def _status_kb(key: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{key} not in /proc/self/status")


# -------------------------------------------------------------------------------------- FastRows (common)


def test_fast_rows_give_the_cells_append_row_gives(tmp_path):
    values = [
        1,
        2.5,
        float("nan"),
        None,
        True,
        "plain",
        "=1+2",
        "+1",
        "-2",
        "@SUM(A1)",
        "\tTab",
        "\rCR",
        "#N/A",
        dt.date(2026, 1, 2),
        np.float64(0.25),
        "x\x00y",
    ]
    for styles in ([None] * len(values), [xl.NUMBER] * len(values)):
        path = tmp_path / "fast.xlsx"
        book = Workbook(write_only=True)
        xl.add_styles(book)
        slow, fast = book.create_sheet("slow"), book.create_sheet("fast")
        for _ in range(3):  # the same cells are refilled row after row
            xl.append_row(slow, values, styles)
            xl.FastRows(fast, styles).append(values)
        rows = xl.FastRows(fast, styles)
        for _ in range(2):
            rows.append(values)
            rows.append([7.0] * len(values))  # a refilled cell loses nothing from the row before
        book.save(path)
        loaded = load_workbook(path)
        a, b = loaded["slow"], loaded["fast"]
        for column in range(1, len(values) + 1):
            for row in (1, 2, 3):
                x, y = a.cell(row=row, column=column), b.cell(row=row, column=column)
                assert (x.value, x.data_type, x.quotePrefix) == (y.value, y.data_type, y.quotePrefix), values[
                    column - 1
                ]
                if x.value is not None:
                    assert x.number_format == y.number_format
        for row in (5, 7):
            assert all(b.cell(row=row, column=c).value == 7 for c in range(1, len(values) + 1))
            assert not any(b.cell(row=row, column=c).quotePrefix for c in range(1, len(values) + 1))


def test_fast_rows_write_formulas_and_refuse_normal_sheets(tmp_path):
    book = Workbook(write_only=True)
    xl.add_styles(book)
    ws = book.create_sheet("s")
    rows = xl.FastRows(ws, [None, xl.NUMBER], formulas=[1])
    rows.append([1.0, "=A1*2"])
    with pytest.raises(ValueError, match="expected 2 values"):
        rows.append([1.0])
    with pytest.raises(ValueError, match="starts with '='"):
        rows.append([1.0, "A1*2"])
    with pytest.raises(TypeError, match="write-only"):
        xl.FastRows(Workbook().active, [None])
    book.save(tmp_path / "formulas.xlsx")
    cell = load_workbook(tmp_path / "formulas.xlsx")["s"]["B1"]
    assert (cell.value, cell.data_type, cell.number_format) == ("=A1*2", "f", "0.00")
