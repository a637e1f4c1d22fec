"""The selection workbook, written from rankings the engine computes in-process (no database).

Every value read back equals the engine's, with the number format of its column (currency, percent, two
decimals for scores, three for normalised values, integers for whole points); headers are wide enough for
their longest word; every sheet prints landscape, one page wide, with a print area. The What-if sheet's
formulas are evaluated by a real formula engine (the ``formulas`` package, pure Python) and give the
engine's scores, ranks and pick, also after a weight or K is changed; the portfolio labels are a real
data-label range; user text never becomes a formula; the writer streams (write-only mode) at any size.
LibreOffice checks live in tests/e2e/test_export_selection.py and tests/e2e/test_selection_workbook_print.py.
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

from kamtui.core.criteria_file import load_criteria
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


def engine(
    matrix: Matrix, points: dict[str, float] | None = None, *, crosscheck: bool = False, **params
) -> Ranking:
    criteria = load_criteria("kam-default-v1")
    points = points or {c.id: c.weight for c in criteria.criteria}
    params = {"samples": 200, "top_k": 6, **params}
    no_store: Any = None  # with points and a matrix given, the engine reads no database
    ranking = rank_accounts(
        no_store, criteria, Params(**params), points=points, matrix=matrix, crosscheck=crosscheck
    )
    return dataclasses.replace(
        ranking,
        run_id=7,
        created_at="2026-03-04T05:06:07Z",
        saved_by="Fiona Finance",
        note="Q3 review, board pack",
    )


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


def header_map(ws, row: int) -> dict[str, int]:
    return {cell.value: cell.column for cell in ws[row] if cell.value is not None}


def layout(ranking: Ranking) -> sw.RankingLayout:
    return sw.ranking_layout(ranking)


# ---------------------------------------------------------------------------------------------- layout


def test_sheets_in_order(wb):
    assert wb.sheetnames == list(sw.SHEETS)
    assert sw.SHEETS[:5] == ("Ranking", "Scores", "Criteria", "What-if", "Portfolio")
    assert sw.SHEETS[-1] == "About"
    assert sw.SHEETS == ("Ranking", "Scores", "Criteria", "What-if", "Portfolio", "FTE per KAM", "Changes", "About")


def test_ranking_values_equal_the_engine(wb, ranking):
    ws = wb["Ranking"]
    where = layout(ranking)
    assert where.header_row == 6  # title, 3 totals (no capacity; one money criterion), a blank row
    col = header_map(ws, where.header_row)
    assert list(col)[: len(sw.RANKING_HEADERS)] == list(sw.RANKING_HEADERS)
    assert list(col) == list(where.headers)
    rows = list(ws.iter_rows(min_row=where.first_row, values_only=True))
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
        assert get("Low coverage") == ("yes" if account.coverage < 0.5 else None)
        assert get("Pinned") is None
    assert any(a.overall is None for a in ranking.accounts)  # the empty account: empty cells, last rank
    assert any(a.effort is None for a in ranking.accounts)
    assert any(a.coverage < 0.5 for a in ranking.accounts)  # so the low-coverage mark was tested


def test_ranking_totals_at_the_top(wb, ranking):
    ws = wb["Ranking"]
    chosen = ranking.selected
    assert ws["A1"].value.startswith("Ranking (run 7): ") and "ranked by overall score" in ws["A1"].value
    totals = {ws.cell(row=r, column=2).value: ws.cell(row=r, column=4) for r in range(2, 5)}
    assert totals["Accounts selected"].value == len(chosen) == 6
    assert totals["Accounts selected"].number_format == "0"
    effort = totals["Effort of the selection (FTE)"]
    assert close(effort.value, sum(a.effort or 0.0 for a in chosen)) and effort.number_format == "0.00"
    money = totals["Revenue potential (3 yr) (EUR) of the selection"]
    assert math.isclose(money.value, sum(a.values["revenue_potential"] or 0.0 for a in chosen), rel_tol=1e-12)
    assert money.number_format == '#,##0" EUR"'
    assert ws.cell(row=5, column=1).value is None  # the blank row before the table


def test_ranking_formats_table_filters_panes_and_conditional_formats(wb, ranking):
    ws = wb["Ranking"]
    where = layout(ranking)
    col = header_map(ws, where.header_row)
    assert ws.freeze_panes == f"C{where.first_row}"
    formats = {
        "Rank": "0",
        "Overall": "0.00",
        "Attractiveness": "0.00",
        "Strength": "0.00",
        "Coverage": "0%",
        "P(top K)": "0%",
        "Rank p5": "0",
        "Rank p95": "0",
        "Effort (FTE)": "0.00",
    }
    last = where.header_row + len(ranking.accounts)
    checked = 0
    for row in range(where.first_row, last + 1):
        for name, number_format in formats.items():
            cell = ws.cell(row=row, column=col[name])
            if cell.value is not None:
                assert cell.number_format == number_format, (cell.coordinate, cell.number_format)
                assert isinstance(cell.value, float | int)
                checked += 1
    assert checked > 8 * len(ranking.accounts)
    for cell in ws[where.header_row]:
        assert cell.font.bold and cell.data_type == "s" and cell.alignment.wrap_text

    assert list(ws.tables) == [sw.TABLE_NAME]
    table = ws.tables[sw.TABLE_NAME]
    letter = xl_letter(len(where.headers))
    assert table.ref == f"A{where.header_row}:{letter}{last}" == f"A6:Q{last}"  # no cross-check: no dominance
    assert table.autoFilter is not None and table.autoFilter.ref == table.ref
    assert [c.name for c in table.tableColumns] == [cell.value for cell in ws[where.header_row]]

    rules = {str(rng.sqref): [r for r in rng.rules] for rng in ws.conditional_formatting}
    first = where.first_row
    for name in ("Overall", "Attractiveness", "Strength"):
        column = xl_letter(col[name])
        bars = [r for r in rules[f"{column}{first}:{column}{last}"] if r.type == "dataBar"]
        assert len(bars) == 1
        assert [v.val for v in (bars[0].dataBar.cfvo)] in (["0", "10"], [0, 10], [0.0, 10.0])
    quadrant = xl_letter(col["Quadrant"])
    by_value = {r.formula[0]: r.dxf.fill.fgColor.rgb[-6:] for r in rules[f"{quadrant}{first}:{quadrant}{last}"]}
    assert by_value == {f'"{name}"': fill for name, fill in sw.QUADRANT_FILLS.items()}
    pinned = xl_letter(col["Pinned"])
    assert sorted(r.formula[0] for r in rules[f"{pinned}{first}:{pinned}{last}"]) == ['"in"', '"out"']


def test_headers_wrap_at_word_boundaries_on_every_sheet(wb):
    """Every header cell's column is wide enough for the header's longest word (never "Attractiv eness")."""
    header_rows = {"Ranking": 6, "Scores": 2, "Criteria": 1, "What-if": sw.WHATIF_HEADER_ROW, "FTE per KAM": 4}
    for title, row in header_rows.items():
        ws = wb[title]
        cells = [c for c in ws[row] if isinstance(c.value, str)]
        assert len(cells) >= 4, title
        for cell in cells:
            longest = max(len(word) for word in cell.value.split())
            width = ws.column_dimensions[cell.column_letter].width
            assert width >= longest * 1.2 + 1.5 - 0.05, (title, cell.value, width)
            assert cell.alignment.wrap_text, (title, cell.coordinate)
    assert wb["Ranking"].column_dimensions["F"].width >= 18.3  # "Attractiveness": 14 characters, bold


def test_every_sheet_prints_landscape_one_page_wide_with_a_print_area(wb):
    titles = {"Ranking": "$6:$6", "Scores": "$1:$2", "Criteria": "$1:$1", "What-if": f"${sw.WHATIF_HEADER_ROW}:${sw.WHATIF_HEADER_ROW}",
              "FTE per KAM": "$4:$4"}
    for ws in wb.worksheets:
        setup = ws.page_setup
        assert setup.orientation == "landscape", ws.title
        assert (setup.fitToWidth, setup.fitToHeight) == (1, 0), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_area, ws.title
        assert ws.print_area.startswith(f"'{ws.title}'!$A$1:"), (ws.title, ws.print_area)
        if ws.title in titles:
            assert ws.print_title_rows == titles[ws.title], ws.title
    assert wb["Portfolio"].row_breaks.count == 1  # counts and chart on page 1, its tables after


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


def test_scores_number_formats_follow_the_criterion(wb, ranking):
    """Money as currency, percent with a percent sign, whole ratings as integers, normalised with three
    decimals, in every value cell."""
    ws = wb["Scores"]
    criteria = ranking.criteria.criteria
    m = len(criteria)
    seen: dict[str, set[str]] = {}
    for offset in range(len(ranking.accounts)):
        for j, criterion in enumerate(criteria):
            raw = ws.cell(row=3 + offset, column=3 + j)
            norm = ws.cell(row=3 + offset, column=3 + m + j)
            if raw.value is not None:
                seen.setdefault(criterion.id, set()).add(raw.number_format)
                assert norm.number_format == "0.000", (criterion.id, norm.number_format)
    formats = {criterion: found.pop() for criterion, found in seen.items() if len(found) == 1}
    assert len(formats) == m  # one format per column
    assert formats["revenue_potential"] == '#,##0" EUR"'  # unit EUR: currency, thousands separators
    assert formats["share_of_wallet"] == '0.0"%"'  # unit %, a share of 0-100 with decimals: 35.2%
    for criterion in criteria:
        if criterion.kind == "rating":
            assert formats[criterion.id] == "0", criterion.id  # the fixture's ratings are whole
    assert any((a.values["revenue_potential"] or 0) > 1e6 for a in ranking.accounts)  # thousands shown


def test_fixed_scale_percent_and_whole_numbers(tmp_path):
    """kam-default: share of wallet (unit %, scale 0-100) with whole values shows 35%, not 3500%; a scale
    that runs to 1 is a true percentage; money in USD, $ and an unknown unit."""
    from kamtui.core.criteria import Criterion
    from kamtui.excel import selection_formats as fmt

    share = load_criteria("kam-default").by_id["share_of_wallet"]
    assert fmt.criterion_format(share, [35.0, 12.0, None]) == '0"%"'
    assert fmt.criterion_format(share, [35.5]) == '0.0"%"'
    ratio = Criterion("ratio", "Ratio", "strength", "number", 1, scale=(0, 1), unit="%")
    assert fmt.criterion_format(ratio, [0.35]) == "0.0%"
    assert fmt.criterion_format(Criterion("r", "R", "strength", "number", 1, unit="USD"), [1.5]) == '#,##0" USD"'
    assert fmt.criterion_format(Criterion("r", "R", "strength", "number", 1, unit="$"), [1.5]) == '"$"#,##0'
    assert fmt.criterion_format(Criterion("r", "R", "strength", "number", 1, unit="km"), [1.5]) == "#,##0.00"
    assert fmt.criterion_format(Criterion("r", "R", "strength", "number", 1, unit="km"), [2.0]) == "#,##0"
    rating = Criterion("g", "G", "strength", "rating", 1)
    assert fmt.criterion_format(rating, [7.0, 8.0]) == "0" and fmt.criterion_format(rating, [7.5]) == "0.0#"
    ranking = synthetic_ranking(3)
    accounts = [
        dataclasses.replace(a, values=a.values | {"share_of_wallet": float(10 * (i + 1))})
        for i, a in enumerate(ranking.accounts)
    ]
    path = sw.write_selection_workbook(dataclasses.replace(ranking, accounts=accounts), tmp_path / "pct.xlsx")
    ws = load_workbook(path)["Scores"]
    column = 3 + ranking.criteria.ids.index("share_of_wallet")
    assert ws.cell(row=2, column=column).value == "Share of wallet (0-100 %)"
    assert [ws.cell(row=r, column=column).number_format for r in (3, 4, 5)] == ['0"%"'] * 3
    assert ws.cell(row=3, column=3).number_format == '#,##0" EUR"'  # addressable spend


def test_criteria_sheet(wb, ranking):
    ws = wb["Criteria"]
    col = header_map(ws, 1)
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
    for row in range(2, len(rows) + 2):  # points as integers where they are, weights as percent
        points = ws.cell(row=row, column=col["Points"])
        assert points.number_format == ("0" if float(points.value).is_integer() else "0.00")
        assert ws.cell(row=row, column=col["Weight"]).number_format == "0.0%"
        scale = ws.cell(row=row, column=col["Scale to"])
        if scale.value is not None:
            assert scale.number_format == "0"
        assert ws.cell(row=row, column=col["Description"]).alignment.wrap_text


def test_points_with_decimals_get_two_decimals(matrix, tmp_path):
    criteria = load_criteria("kam-default-v1")
    points = {c.id: c.weight for c in criteria.criteria} | {"growth_outlook": 12.5}
    path = sw.write_selection_workbook(engine(matrix, points=points), tmp_path / "points.xlsx")
    wb = load_workbook(path)
    index = criteria.ids.index("growth_outlook")
    criteria_ws = wb["Criteria"]
    assert criteria_ws.cell(row=2 + index, column=10).number_format == "0.00"
    assert criteria_ws.cell(row=2, column=10).number_format == "0"
    whatif = wb["What-if"]
    assert whatif.cell(row=sw.WHATIF_POINTS_ROW, column=sw.WHATIF_FIRST_VALUE + index).number_format == "0.00"
    assert whatif.cell(row=sw.WHATIF_POINTS_ROW, column=sw.WHATIF_FIRST_VALUE).number_format == "0"


def test_whatif_layout_and_formulas(wb, ranking):
    ws = wb["What-if"]
    criteria = ranking.criteria.criteria
    m = len(criteria)
    first_value = sw.WHATIF_FIRST_VALUE
    a, z = xl_letter(first_value), xl_letter(first_value + m - 1)
    assert ws.freeze_panes == f"B{sw.WHATIF_FIRST_ROW}"
    assert [ws.cell(row=sw.WHATIF_NAMES_ROW, column=first_value + j).value for j in range(m)] == [
        c.name for c in criteria
    ]
    points = [ws.cell(row=sw.WHATIF_POINTS_ROW, column=first_value + j) for j in range(m)]
    assert [p.value for p in points] == [ranking.points[c.id] for c in criteria]
    assert all(p.data_type == "n" and p.number_format == "0" for p in points)
    weight = ws.cell(row=sw.WHATIF_WEIGHTS_ROW, column=first_value)
    assert weight.data_type == "f" and weight.value.startswith(f"=IF(SUM(${a}$3:${z}$3)>0,{a}3/")
    assert weight.number_format == "0.0%"
    k = ws[sw.WHATIF_K_CELL]
    assert (k.value, k.data_type, k.number_format) == (ranking.params.top_k, "n", "0")
    header = [c.value for c in ws[sw.WHATIF_HEADER_ROW]]
    assert header[: first_value - 1] == [name for name, _, _ in sw.WHATIF_COLUMNS]
    n = len(ranking.accounts)
    first, last = sw.WHATIF_FIRST_ROW, sw.WHATIF_FIRST_ROW + n - 1
    formats = {2: "0.00", 3: "0", 4: "0.00", 5: "0.00", 6: "0%", 7: "0.00", 8: "0", 9: "0", 12: "0", 15: "0.00"}
    for offset, account in enumerate(ranking.accounts):
        row = first + offset
        overall, rank, change, selected = (ws.cell(row=row, column=c) for c in (2, 3, 9, 13))
        assert overall.data_type == rank.data_type == change.data_type == selected.data_type == "f"
        assert overall.value == (
            f"=IF(SUMPRODUCT(${a}$3:${z}$3*ISNUMBER({a}{row}:{z}{row}))>0,"
            f'10*SUMPRODUCT(${a}$3:${z}$3,{a}{row}:{z}{row})/SUMPRODUCT(${a}$3:${z}$3*ISNUMBER({a}{row}:{z}{row})),"")'
        )
        # kam-default-v1 ranks by overall: the rank is over column B
        assert rank.value == f"=IF(ISNUMBER(B{row}),_xlfn.RANK.EQ(B{row},$B${first}:$B${last}),COUNT($B${first}:$B${last})+1)"
        assert change.value == f"=H{row}-C{row}"
        assert selected.value.startswith(f'=IF(J{row}="in","yes",')
        for column, number_format in formats.items():
            cell = ws.cell(row=row, column=column)
            if cell.value is not None:  # a missing value is an empty cell, no style of its own
                assert cell.number_format == number_format, (row, column)
        assert ws.cell(row=row, column=1).value == account.account
        assert close(ws.cell(row=row, column=7).value, account.overall)
        assert ws.cell(row=row, column=8).value == account.rank
        assert ws.cell(row=row, column=14).value == ("yes" if account.selected else "no")
        for j, criterion in enumerate(criteria):
            value = ws.cell(row=row, column=first_value + j)
            assert close(value.value, account.normalised[criterion.id])
            if value.value is not None:
                assert value.number_format == "0.000"
    assert ws[sw.WHATIF_PICKED_CELL].value == f'=COUNTIF($M${first}:$M${last},"yes")'
    assert ws[sw.WHATIF_PICKED_FTE_CELL].value == f'=SUMIFS($O${first}:$O${last},$M${first}:$M${last},"yes")'
    validations = ws.data_validations.dataValidation
    assert sorted(str(v.sqref) for v in validations) == sorted([f"{a}3:{z}3", sw.WHATIF_K_CELL])


def test_whatif_rank_follows_rank_by_attractiveness(tmp_path):
    """kam-default version 2 ranks by attractiveness: the What-if rank is over the attractiveness column."""
    criteria = load_criteria("kam-default")
    assert criteria.rank_by == "attractiveness"
    ranking = synthetic_ranking(5)
    path = sw.write_selection_workbook(ranking, tmp_path / "v2.xlsx")
    ws = load_workbook(path)["What-if"]
    first, last = sw.WHATIF_FIRST_ROW, sw.WHATIF_FIRST_ROW + 4
    assert ws.cell(row=first, column=3).value == (
        f"=IF(ISNUMBER(D{first}),_xlfn.RANK.EQ(D{first},$D${first}:$D${last}),COUNT($D${first}:$D${last})+1)"
    )
    assert '="attractiveness")' in ws.cell(row=first, column=4).value


def test_portfolio_chart_and_thresholds(wb, ranking, workbook_path):
    ws = wb["Portfolio"]
    charts = ws._charts
    assert len(charts) == 1 and isinstance(charts[0], ScatterChart)
    chart = charts[0]
    assert (chart.x_axis.scaling.min, chart.x_axis.scaling.max) == (0, 10)
    assert (chart.y_axis.scaling.min, chart.y_axis.scaling.max) == (0, 10)
    where = layout(ranking)
    first, last = where.first_row, where.header_row + len(ranking.accounts)
    refs = [(s.xVal.numRef.f, s.yVal.numRef.f) for s in chart.series]
    assert refs[0] == (f"'Ranking'!$G${first}:$G${last}", f"'Ranking'!$F${first}:$F${last}")
    assert len(refs) == 5  # all accounts, selected, two threshold lines, the quadrant names
    rows = list(ws.iter_rows(values_only=True))
    lines = {
        row[0]: row for row in rows if row and row[0] in ("Attractiveness threshold", "Strength threshold")
    }
    thresholds = ranking.criteria.thresholds
    assert lines["Attractiveness threshold"][1:3] == (0, thresholds.attractiveness)
    assert lines["Strength threshold"][1:3] == (thresholds.strength, 0)
    selected_rows = [row for row in rows if row and row[0] in {a.account for a in ranking.selected}]
    assert [row[0] for row in selected_rows] == [a.account for a in ranking.selected]
    counts = {row[0]: row[1:3] for row in rows[:10] if row and row[0] in sw.QUADRANT_FILLS}
    for name in sw.QUADRANT_FILLS:
        accounts = [a for a in ranking.accounts if a.quadrant == name]
        assert counts[name] == (len(accounts), sum(a.selected for a in accounts))


def test_portfolio_labels_are_a_data_label_range(workbook_path, ranking):
    """The selected series and the quadrant names carry Excel's "Value From Cells" labels: the
    c15:datalabelsRange extension naming the cells, its cache holding the names, one CELLRANGE field each."""
    import re
    import zipfile

    with zipfile.ZipFile(workbook_path) as archive:
        xml = archive.read("xl/charts/chart1.xml").decode("utf-8")
    ranges = re.findall(r"<c15:f>([^<]+)</c15:f>", xml)
    assert len(ranges) == 2
    wb = load_workbook(workbook_path)
    ws = wb["Portfolio"]
    texts = []
    for ref in ranges:
        sheet, cells = ref.split("!")
        assert sheet == "'Portfolio'"
        texts.append([c[0].value for c in ws[cells.replace("$", "")]])
    assert texts[0] == [a.account for a in ranking.selected]
    assert texts[1] == ["Strategic", "Star", "Status", "Streamline"]
    caches = re.findall(r"<c15:dlblRangeCache>(.*?)</c15:dlblRangeCache>", xml)
    assert [re.findall(r"<v>([^<]*)</v>", cache) for cache in caches] == texts
    assert xml.count('type="CELLRANGE"') == len(ranking.selected) + 4
    assert xml.count("<c15:showDataLabelsRange") == 2 * 2 + len(ranking.selected) + 4 - 2
    assert 'uri="{02D57815-91ED-43cb-92C2-25804820EDAC}"' in xml


def test_fte_per_kam_sheet(wb, ranking):
    ws = wb["FTE per KAM"]
    col = header_map(ws, 4)
    rows = {r[0]: r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]}
    owners = {a.owner or "(no owner)" for a in ranking.accounts}
    assert set(rows) == owners | {"All KAMs"}
    for owner in owners:
        picked = [a for a in ranking.selected if (a.owner or "(no owner)") == owner]
        row = rows[owner]
        assert row[col["Selected accounts"] - 1] == len(picked)
        assert close(row[col["FTE selected"] - 1], sum(a.effort or 0.0 for a in picked))
        assert row[col["Cap per KAM (FTE)"] - 1] is None  # no cap in this run
    total = rows["All KAMs"]
    assert total[col["Selected accounts"] - 1] == len(ranking.selected)
    assert ws.cell(row=5, column=col["FTE selected"]).number_format == "0.00"


def test_fte_per_kam_against_the_cap_and_dominance_marks(matrix, tmp_path):
    known = [name for name, effort in zip(matrix.names, matrix.effort, strict=True) if effort > 0]
    ranking = engine(matrix, capacity=3.0, per_kam=1.5, include=(known[0],), exclude=(known[1],), crosscheck=True)
    path = sw.write_selection_workbook(ranking, tmp_path / "cap.xlsx")
    wb = load_workbook(path)
    ws = wb["FTE per KAM"]
    col = header_map(ws, 4)
    for row in ws.iter_rows(min_row=5, values_only=True):
        if row[0] in (None, "All KAMs", "(no owner)"):
            continue
        fte = row[col["FTE selected"] - 1]
        assert row[col["Cap per KAM (FTE)"] - 1] == 1.5
        assert close(row[col["Headroom (FTE)"] - 1], 1.5 - fte)
        assert fte <= 1.5 + 1e-9 and row[col["Over the cap"] - 1] is None
    total = next(r for r in ws.iter_rows(min_row=5, values_only=True) if r[0] == "All KAMs")
    assert total[col["Cap per KAM (FTE)"] - 1] == 3.0

    where = sw.ranking_layout(ranking)
    assert where.dominated and "Dominated by" in where.headers
    ranking_ws = wb["Ranking"]
    col = header_map(ranking_ws, where.header_row)
    marks = {
        r[col["Account"] - 1]: (r[col["Pinned"] - 1], r[col["Dominated by"] - 1])
        for r in ranking_ws.iter_rows(min_row=where.first_row, values_only=True)
    }
    assert marks[known[0]][0] == "in" and marks[known[1]][0] == "out"
    dominated = {a.account: "; ".join(a.dominated_by) for a in ranking.accounts if a.dominated_by}
    assert dominated  # the fixture has dominated accounts
    assert {name: by for name, (_, by) in marks.items() if by} == dominated
    totals = {ranking_ws.cell(row=r, column=2).value: ranking_ws.cell(row=r, column=4).value for r in range(2, 6)}
    assert totals["Capacity (FTE)"] == 3.0


def test_attributes_are_extra_ranking_columns(matrix, tmp_path):
    ranking = engine(matrix)
    regions = ("EMEA", "APAC", "Americas")
    accounts = [
        dataclasses.replace(a, attributes={"Region": regions[i % 3], "Rank": f"r{i}"} if i % 4 else {})
        for i, a in enumerate(ranking.accounts)
    ]
    ranking = dataclasses.replace(ranking, accounts=accounts)
    path = sw.write_selection_workbook(ranking, tmp_path / "attrs.xlsx")
    where = sw.ranking_layout(ranking)
    assert where.attributes == ("Region", "Rank")
    assert where.headers[-2:] == ("Region", "Rank (attribute)")  # a name the table has already
    ws = load_workbook(path)["Ranking"]
    col = header_map(ws, where.header_row)
    for row, account in zip(ws.iter_rows(min_row=where.first_row, values_only=True), accounts, strict=True):
        assert row[col["Region"] - 1] == account.attributes.get("Region")
        assert row[col["Rank (attribute)"] - 1] == account.attributes.get("Rank")
    assert ws.tables[sw.TABLE_NAME].ref.endswith(f"{xl_letter(len(where.headers))}{where.header_row + len(accounts)}")


def test_changes_sheet_against_the_previous_run(matrix, tmp_path):
    before = engine(matrix)
    points = dict(before.points) | {"relationship_stage": 60.0}
    now = dataclasses.replace(engine(matrix, points=points, top_k=5), run_id=8)
    path = sw.write_selection_workbook(now, tmp_path / "changes.xlsx", previous=before)
    ws = load_workbook(path)["Changes"]
    rows = [r for r in ws.iter_rows(values_only=True)]
    assert rows[0][0] == "Changes from run 7 to run 8"
    from kamtui.core.run_diff import diff_runs

    diff = diff_runs(before, now)
    assert diff.moved and (diff.entered or diff.left)
    heads = {r[0].split(" (")[0]: i for i, r in enumerate(rows) if r[0] and " (" in str(r[0])}
    entered = [r[0] for r in rows[heads["Entered the selection"] + 1 :] if r[0]][: len(diff.entered)]
    assert entered == diff.entered
    start = heads["Moved in rank or quadrant"] + 1
    moved = rows[start : start + len(diff.moved)]
    assert [(r[0], r[1], r[2], r[3]) for r in moved] == [(m.account, m.rank_a, m.rank_b, m.change) for m in diff.moved]
    weights = next(i for i, r in enumerate(rows) if r[0] == "Weights changed")
    assert rows[weights + 1][:3] == ("relationship_stage", before.points["relationship_stage"], 60.0)
    params = next(i for i, r in enumerate(rows) if r[0] == "Parameters changed")
    assert rows[params + 1][:3] == ("top_k", 6, 5)
    facts = {r[0]: r[1] for r in load_workbook(path)["About"].iter_rows(values_only=True) if r and r[0]}
    assert facts["Compared with run"] == 7
    lonely = load_workbook(sw.write_selection_workbook(before, tmp_path / "first.xlsx"))["Changes"]
    assert lonely["A2"].value.startswith("No earlier saved run of criteria set 'kam-default-v1'")


def test_about_sheet(wb, ranking):
    ws = wb["About"]
    facts = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row and row[0]}
    assert facts["Selection run"] == 7
    assert facts["Run saved at (UTC)"] == dt.datetime(2026, 3, 4, 5, 6, 7)
    assert facts["Workbook exported at (UTC)"] == dt.datetime(2026, 3, 4, 6, 0)
    assert facts["Saved by"] == "Fiona Finance" and facts["Run note"] == "Q3 review, board pack"
    assert facts["Criteria set"] == "kam-default-v1" and facts["Ranked by (rank_by)"] == "overall"
    assert facts["K (key accounts wanted)"] == 6
    assert facts["Capacity (FTE)"] == "none"
    assert facts["Robustness samples"] == 200
    assert facts["Seed"] == 0 and facts["Concentration (kappa)"] == 200
    assert facts["Binding limits"] == "; ".join(ranking.binding)
    assert facts["Accounts selected"] == len(ranking.selected)
    effort_row = next(r for r in ws.iter_rows() if r[0].value == "Effort of the selection (FTE)")
    assert effort_row[1].number_format == "0.00"  # never 3.999999999999999
    from kamtui import __version__

    assert facts["kamtui version"] == __version__
    text = " ".join(str(row[1]) for row in ws.iter_rows(values_only=True) if row and row[1])
    for phrase in ("min-max", "log1p", "v = 1 - v", "renormalised over the present criteria", "RANK.EQ"):
        assert phrase in text
    assert "rank_by = overall" in text and "Relationship stage on the fixed scale 1-5" not in text
    assert "ratings on 1-5, 1-10" in text
    for sheet in sw.SHEETS[:-1]:
        assert sheet in facts


def test_about_names_rank_by_and_fixed_scales_of_kam_default(tmp_path):
    path = sw.write_selection_workbook(synthetic_ranking(4), tmp_path / "v2.xlsx")
    text = " ".join(str(r[1]) for r in load_workbook(path)["About"].iter_rows(values_only=True) if r and r[1])
    assert "rank_by = attractiveness" in text and "position by the attractiveness score" in text
    assert "Share of wallet on the fixed scale 0-100 %" in text


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
    assert values[f"I{sw.WHATIF_FIRST_ROW}"] == 0
    picked = [values[f"M{row}"] == "yes" for row in range(sw.WHATIF_FIRST_ROW, sw.WHATIF_FIRST_ROW + n)]
    assert picked == [a.selected for a in ranking.accounts]  # K as the run had it: the run's pick

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


@pytest.mark.parametrize("k", [3, 10])
def test_whatif_k_repicks_as_the_engine_would(workbook_path, matrix, k):
    """Edit K: the What-if pick is the engine's pick with that K (same weights), with its FTE."""
    pytest.importorskip("formulas", reason="the pure-Python formula engine 'formulas' is not installed")
    expected = engine(matrix, top_k=k)
    values = _evaluate(workbook_path, {sw.WHATIF_K_CELL: k})
    n = len(expected.accounts)
    names = [values[f"A{row}"] for row in range(sw.WHATIF_FIRST_ROW, sw.WHATIF_FIRST_ROW + n)]
    picked = {name for row, name in enumerate(names, sw.WHATIF_FIRST_ROW) if values[f"M{row}"] == "yes"}
    assert picked == {a.account for a in expected.selected} and len(picked) == k
    assert values[sw.WHATIF_PICKED_CELL] == k
    assert close(values[sw.WHATIF_PICKED_FTE_CELL], sum(a.effort or 0.0 for a in expected.selected))


def test_whatif_pins_stay_in_the_pick(matrix, tmp_path):
    pytest.importorskip("formulas", reason="the pure-Python formula engine 'formulas' is not installed")
    last = engine(matrix).accounts[-3].account  # far down the ranking, but it has a score
    ranking = engine(matrix, include=(last,), exclude=(engine(matrix).accounts[0].account,))
    path = sw.write_selection_workbook(ranking, tmp_path / "pins.xlsx")
    values = _evaluate(path, {sw.WHATIF_K_CELL: 4})
    expected = engine(matrix, top_k=4, include=ranking.params.include, exclude=ranking.params.exclude)
    n = len(ranking.accounts)
    rows = range(sw.WHATIF_FIRST_ROW, sw.WHATIF_FIRST_ROW + n)
    picked = {values[f"A{row}"] for row in rows if values[f"M{row}"] == "yes"}
    assert picked == {a.account for a in expected.selected} and last in picked
    assert ranking.params.exclude[0] not in picked


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
    assert {title for title, _ in seen} - {"FTE per KAM"} == {"Ranking", "Scores", "What-if", "Portfolio"}
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
    where = sw.ranking_layout(ranking)
    assert wb["Ranking"].cell(row=where.first_row, column=2).value == "No accounts were ranked in this run."
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
    assert sum(1 for _ in ws.iter_rows(values_only=True)) == sw.ranking_layout(ranking).header_row + 600


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
