"""The selection workbook: Ranking, Scores, Criteria, What-if, Portfolio and About sheets.

Every number comes from the :class:`~kamtui.ranking.Ranking` (a saved run, so the workbook traces back to
it); nothing is re-scored here. The What-if sheet is the one exception by design: its overall scores and
ranks are live Excel formulas over the run's normalised values and an editable points table, so finance
can change a weight in Excel and watch the ranking move.

One code path for every size: the workbook is written in openpyxl's write-only mode (rows stream to
disk, nothing is held per row), with named styles registered once (:mod:`kamtui.excel.common`), and
column widths, freeze panes and row heights set before the rows they concern; the account rows go through
:class:`common.FastRows` (one reusable styled cell per column). Every piece of user text (account, owner,
segment, ref, criteria names, notes, pins) goes through :func:`common.set_value` (via
:func:`common.append_row` or :class:`common.FastRows`), so none of it can become a formula; formulas are
written by :func:`common.set_formula` only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import warnings
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kamtui.excel import common as xl

if TYPE_CHECKING:
    from kamtui.core.criteria import Criterion
    from kamtui.ranking import RankedAccount, Ranking

SHEETS = ("Ranking", "Scores", "Criteria", "What-if", "Portfolio", "About")
TABLE_NAME = "RankingTable"

# Named styles of this workbook (the shared ones come from kamtui.excel.common).
SCORE = "kam score"  # 0.00, a 0-10 score
FTE = "kam fte"  # 0.00 FTE
SHARE = "kam share"  # 0.0%, a normalised weight
POINTS_INPUT = "kam points input"  # the editable points of the What-if sheet
VALUE = "kam about value"  # a value on the About sheet, left-aligned
WHEN = "kam about datetime"  # a date and time on the About sheet, left-aligned

QUADRANT_FILLS = {  # pale, so black text stays readable
    "Strategic": "C6EFCE",
    "Star": "BDD7EE",
    "Status": "FFEB9C",
    "Streamline": "E7E6E6",
}
QUADRANT_MEANING = {
    "Strategic": "high attractiveness, high strength: invest, key account",
    "Star": "high attractiveness, low strength: build the position",
    "Status": "low attractiveness, high strength: maintain efficiently",
    "Streamline": "low attractiveness, low strength: serve at low cost",
}
DATA_BAR_COLOUR = "5B9BD5"
INPUT_FILL = "FFF2CC"
SELECTED_FILL = "A9D08E"

# Ranking: (header, named style or None for General, width). Headers are also the table's column names.
RANKING_COLUMNS: tuple[tuple[str, str | None, float], ...] = (
    ("Rank", None, 7),
    ("Account", None, 32),
    ("Owner", None, 18),
    ("Segment", None, 16),
    ("Overall", SCORE, 9),
    ("Attractiveness", SCORE, 9),
    ("Strength", SCORE, 9),
    ("Quadrant", None, 11),
    ("Coverage", xl.PERCENT, 9),
    ("P(top K)", xl.PERCENT, 9),
    ("Rank p5", None, 8),
    ("Rank p95", None, 8),
    ("Effort (FTE)", FTE, 9),
    ("Selected", None, 9),
    ("Ref", None, 14),
)
RANKING_HEADERS = tuple(name for name, _, _ in RANKING_COLUMNS)
RANKING_COL = {name: index for index, name in enumerate(RANKING_HEADERS, 1)}

# Scores: rank and account, then one block of raw values and one of normalised values.
SCORES_HEADER_ROWS = 2
SCORES_FIRST_BLOCK = 3  # column of the first raw value

# What-if: the points table on top, the accounts below.
WHATIF_NAMES_ROW = 2
WHATIF_POINTS_ROW = 3
WHATIF_WEIGHTS_ROW = 4
WHATIF_GROUP_ROW = 5
WHATIF_NOTE_ROW = 6
WHATIF_HEADER_ROW = 7
WHATIF_FIRST_ROW = 8
WHATIF_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Account", 32),
    ("What-if overall", 10),
    ("What-if rank", 9),
    ("Run overall", 10),
    ("Run rank", 9),
    ("Rank change", 9),
)
WHATIF_FIRST_VALUE = len(WHATIF_COLUMNS) + 1  # column of the first criterion

# Normalised 0-1 values (Scores, What-if) are written in the General format in columns this narrow, where
# Excel and LibreOffice show them with ~6 decimals: a number format would need a styled cell each, which
# costs openpyxl ~6 us more per cell (24 per account: 15 s more at 100,000 accounts).
VALUE_WIDTH = 10

ABOUT_WIDTHS = (30, 100)

SHEET_GUIDE = (
    (
        "Ranking",
        "one row per account, best first: scores 0-10, quadrant, coverage of the weight, the probability of "
        "landing in the top K and the 5th-95th percentile rank interval under weight uncertainty, the effort "
        "and whether the run selected it. It is an Excel table: filter and sort by any column.",
    ),
    (
        "Scores",
        "each account's criterion values as imported (left block) and normalised to 0-1 (right block); "
        "an empty cell is a missing value, which does not count against the account.",
    ),
    ("Criteria", "the criteria of the run: group, kind, scale or unit, direction, points and weight."),
    (
        "What-if",
        "edit the yellow points in row 3 and the overall scores and ranks recalculate (live formulas over "
        "the run's normalised values); 'Rank change' is the run rank minus the what-if rank (positive: "
        "moves up).",
    ),
    (
        "Portfolio",
        "strength (x) against attractiveness (y) with the thresholds as lines; selected accounts drawn "
        "separately; the number of accounts per quadrant.",
    ),
)

SCORING_METHOD = (
    "Normalisation (min-max): a rating becomes v = (x - lo) / (hi - lo) on its scale; a number becomes "
    "v = (x - min) / (max - min) over the ranked accounts, after log1p(x) where the criterion says "
    "transform = log; a column where every present value is equal gives 0.5.",
    "Cost criteria (less is better) are inverted: v = 1 - v. So on the Scores sheet 1 is always the best.",
    "Weights are the points divided by their sum. For each account the weighted mean is taken over the "
    "criteria it has a value for (the weights renormalised over the present criteria); coverage is the share "
    "of the weight present. Below 50% coverage an account is never selected automatically.",
    "Overall = 10 x weighted mean of v over all criteria; attractiveness and strength = the same mean over "
    "each group's criteria. Scores run 0-10.",
    "Rank = position by overall score, ties sharing the best rank (Excel RANK.EQ, scipy rankdata 'min'); "
    "accounts without an overall score share the last rank.",
    "Quadrant: high means at or above the threshold. Strategic = high attractiveness and high strength, "
    "Star = high attractiveness and low strength, Status = low attractiveness and high strength, "
    "Streamline = both low.",
    "Robustness: the weights are drawn many times from a Dirichlet distribution centred on them "
    "(concentration kappa; seeded, so the run is reproducible); P(top K) is the share of draws that put the "
    "account in the top K, Rank p5 and Rank p95 the 5th and 95th percentile of its rank over the draws.",
    "Selection: the best K accounts by overall score, or, with a capacity, the set that maximises the summed "
    "overall score within the total effort (and the cap per KAM), honouring pinned accounts.",
)


def _add_styles(workbook: Any) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    xl.add_styles(workbook)
    top = Alignment(vertical="top")
    xl.add_style(workbook, SCORE, number_format="0.00", alignment=top)
    xl.add_style(workbook, FTE, number_format="0.00", alignment=top)
    xl.add_style(workbook, SHARE, number_format="0.0%", alignment=top)
    xl.add_style(workbook, VALUE, alignment=Alignment(horizontal="left", vertical="top", wrap_text=True))
    xl.add_style(
        workbook,
        WHEN,
        number_format=xl.FORMATS[xl.DATETIME],
        alignment=Alignment(horizontal="left", vertical="top"),
    )
    thin = Side(style="thin", color="BF9000")
    xl.add_style(
        workbook,
        POINTS_INPUT,
        font=Font(bold=True),
        fill=INPUT_FILL,
        number_format="0.##",
        border=Border(left=thin, right=thin, top=thin, bottom=thin),
        alignment=Alignment(horizontal="center"),
    )
    for name, fill in QUADRANT_FILLS.items():
        xl.add_style(workbook, quadrant_style(name), fill=fill, alignment=top)


def quadrant_style(name: str) -> str:
    return f"kam quadrant {name}"


def write_selection_workbook(
    ranking: Ranking, target: Path, *, exported_at: dt.datetime | None = None
) -> Path:
    """Write the selection workbook of ``ranking`` to ``target`` (atomically); returns ``target``.

    ``ranking`` is normally a saved run (:func:`kamtui.ranking.load_run`), so the About sheet can name it.
    The workbook is written in write-only mode whatever its size: 100,000 accounts stream to disk.
    """
    exported_at = exported_at or dt.datetime.now().astimezone()
    return xl.atomic_save(lambda path: _write(ranking, path, exported_at), target)


def _write(ranking: Ranking, path: Path, exported_at: dt.datetime) -> None:
    from openpyxl import Workbook

    from kamtui import __version__

    workbook = Workbook(write_only=True)
    _add_styles(workbook)
    title = f"KAM account selection: run {ranking.run_id}" if ranking.run_id else "KAM account selection"
    workbook.properties.title = xl.safe_text(f"{title} ({ranking.criteria.title})")
    workbook.properties.creator = f"kamtui {__version__}"

    sheets = {name: workbook.create_sheet(name) for name in SHEETS}
    try:
        summary = _Summary.of(ranking)
        _ranking(sheets["Ranking"], ranking)
        _scores(sheets["Scores"], ranking)
        _criteria(sheets["Criteria"], ranking)
        _whatif(sheets["What-if"], ranking)
        _portfolio(sheets["Portfolio"], sheets["Ranking"], ranking, summary)
        _about(sheets["About"], ranking, summary, exported_at, __version__)
        workbook.save(str(path))
    except BaseException:
        _discard(workbook)
        raise


def _discard(workbook: Any) -> None:
    """After a failure: close the write-only sheets' streams and remove their temporary files now.

    (openpyxl would otherwise leave them open until garbage collection and the files until exit.)
    """
    for ws in workbook.worksheets:
        writer = getattr(ws, "_writer", None)
        if writer is None:
            continue
        for close in (getattr(ws, "_rows", None), writer):
            with contextlib.suppress(Exception):
                if close is not None:
                    close.close()
        with contextlib.suppress(Exception):
            os.remove(writer.out)


class _Summary:
    """What the Portfolio and About sheets need, gathered in one pass (selected accounts, counts)."""

    def __init__(self) -> None:
        self.selected: list[RankedAccount] = []
        self.quadrants: dict[str | None, list[int]] = {}  # quadrant -> [accounts, selected]
        self.effort = 0.0

    @classmethod
    def of(cls, ranking: Ranking) -> _Summary:
        summary = cls()
        for account in ranking.accounts:
            counts = summary.quadrants.setdefault(account.quadrant, [0, 0])
            counts[0] += 1
            if account.selected:
                counts[1] += 1
                summary.selected.append(account)
                summary.effort += account.effort or 0.0
        return summary


def _letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


# ---------------------------------------------------------------------------------------------- Ranking


def _ranking(ws: Any, ranking: Ranking) -> None:
    from openpyxl.formatting.rule import CellIsRule, DataBarRule
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    # before the first row (write-only mode): widths, panes, print setup
    xl.set_widths(ws, [width for _, _, width in RANKING_COLUMNS])
    ws.freeze_panes = "C2"
    ws.print_title_rows = "1:1"
    xl.print_landscape(ws)
    ws.row_dimensions[1].height = 30

    xl.append_row(ws, RANKING_HEADERS, xl.HEADER)
    rows = xl.FastRows(ws, [style for _, style, _ in RANKING_COLUMNS])
    for account in ranking.accounts:
        rows.append(
            (
                account.rank,
                account.account,
                account.owner,
                account.segment,
                account.overall,
                account.attractiveness,
                account.strength,
                account.quadrant,
                account.coverage,
                account.p_top_k,
                account.rank_p5,
                account.rank_p95,
                account.effort,
                "yes" if account.selected else "no",
                account.ref,
            )
        )
    n = len(ranking.accounts)
    if n == 0:
        xl.append_row(ws, (None, "No accounts were ranked in this run."))
        return
    last_row = n + 1
    last = _letter(len(RANKING_COLUMNS))
    table = Table(displayName=TABLE_NAME, ref=f"A1:{last}{last_row}")
    table.tableColumns = [TableColumn(id=i, name=name) for i, name in enumerate(RANKING_HEADERS, 1)]
    table.autoFilter = AutoFilter(ref=table.ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    with warnings.catch_warnings():  # "In write-only mode you must add table columns manually": done above
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)

    for name in ("Overall", "Attractiveness", "Strength"):
        column = _letter(RANKING_COL[name])
        ws.conditional_formatting.add(f"{column}2:{column}{last_row}", _score_bar())
    quadrant = _letter(RANKING_COL["Quadrant"])
    for name, fill in QUADRANT_FILLS.items():
        ws.conditional_formatting.add(
            f"{quadrant}2:{quadrant}{last_row}",
            CellIsRule(operator="equal", formula=[f'"{name}"'], fill=xl.solid_fill(fill)),
        )
    selected = _letter(RANKING_COL["Selected"])
    ws.conditional_formatting.add(
        f"{selected}2:{selected}{last_row}",
        CellIsRule(operator="equal", formula=['"yes"'], fill=xl.solid_fill(SELECTED_FILL)),
    )
    chance = _letter(RANKING_COL["P(top K)"])
    ws.conditional_formatting.add(
        f"{chance}2:{chance}{last_row}",
        DataBarRule(start_type="num", start_value=0, end_type="num", end_value=1, color="A9D08E"),
    )


def _score_bar() -> Any:
    from openpyxl.formatting.rule import DataBarRule

    return DataBarRule(
        start_type="num", start_value=0, end_type="num", end_value=10, color=DATA_BAR_COLOUR, showValue=True
    )


# ---------------------------------------------------------------------------------------------- Scores


def _raw_header(criterion: Criterion) -> str:
    if criterion.scale is not None:
        lo, hi = criterion.scale
        return f"{criterion.name} ({lo:g}-{hi:g})"
    return f"{criterion.name} ({criterion.unit})" if criterion.unit else criterion.name


def _scores(ws: Any, ranking: Ranking) -> None:
    criteria = ranking.criteria.criteria
    ids = [c.id for c in criteria]
    m = len(ids)
    first_norm = SCORES_FIRST_BLOCK + m
    xl.set_widths(ws, {1: 7, 2: 32})
    xl.set_widths(ws, dict.fromkeys(range(SCORES_FIRST_BLOCK, first_norm), 14))
    xl.set_widths(ws, dict.fromkeys(range(first_norm, first_norm + m), VALUE_WIDTH))
    ws.freeze_panes = f"{_letter(SCORES_FIRST_BLOCK)}{SCORES_HEADER_ROWS + 1}"
    ws.print_title_rows = f"1:{SCORES_HEADER_ROWS}"
    xl.print_landscape(ws)
    ws.row_dimensions[2].height = 62

    blocks: list[object] = [None] * (2 + 2 * m)
    if m:
        blocks[SCORES_FIRST_BLOCK - 1] = "Raw values as imported (empty = missing)"
        blocks[first_norm - 1] = "Normalised 0-1 (1 = best: min-max, log1p where set, cost inverted)"
    xl.append_row(ws, blocks, xl.LABEL)
    names = ["Rank", "Account", *(_raw_header(c) for c in criteria), *(c.name for c in criteria)]
    xl.append_row(ws, names, xl.HEADER)
    rows = xl.FastRows(ws, [None] * (2 + 2 * m))  # General format (see VALUE_WIDTH)
    for account in ranking.accounts:
        values = account.values
        normalised = account.normalised
        rows.append(
            [
                account.rank,
                account.account,
                *(values.get(c) for c in ids),
                *(normalised.get(c) for c in ids),
            ]
        )
    last_row = SCORES_HEADER_ROWS + max(len(ranking.accounts), 1)
    ws.auto_filter.ref = f"A{SCORES_HEADER_ROWS}:{_letter(2 + 2 * m)}{last_row}"


# ---------------------------------------------------------------------------------------------- Criteria

CRITERIA_COLUMNS: tuple[tuple[str, str | None, float], ...] = (
    ("Id", None, 26),
    ("Name", None, 30),
    ("Group", None, 15),
    ("Kind", None, 8),
    ("Scale from", xl.NUMBER, 9),
    ("Scale to", xl.NUMBER, 9),
    ("Unit", None, 8),
    ("Transform", None, 10),
    ("Direction", None, 9),
    ("Points", xl.NUMBER, 8),
    ("Weight", SHARE, 8),
    ("Description", xl.WRAP, 80),
)


def _criteria(ws: Any, ranking: Ranking) -> None:
    xl.set_widths(ws, [width for _, _, width in CRITERIA_COLUMNS])
    ws.freeze_panes = "C2"
    ws.print_title_rows = "1:1"
    xl.print_landscape(ws)
    xl.append_row(ws, [name for name, _, _ in CRITERIA_COLUMNS], xl.HEADER)
    styles = [style for _, style, _ in CRITERIA_COLUMNS]
    row = 2
    for criterion in ranking.criteria.criteria:
        lo, hi = criterion.scale if criterion.scale is not None else (None, None)
        height = xl.wrapped_height([(criterion.description, CRITERIA_COLUMNS[-1][2])])
        if height:
            ws.row_dimensions[row].height = height
        xl.append_row(
            ws,
            (
                criterion.id,
                criterion.name,
                criterion.group,
                criterion.kind,
                lo,
                hi,
                criterion.unit or None,
                "log1p" if criterion.is_log else None,
                criterion.direction,
                ranking.points.get(criterion.id),
                ranking.weights.get(criterion.id),
                criterion.description or None,
            ),
            styles,
        )
        row += 1
    ws.auto_filter.ref = f"A1:{_letter(len(CRITERIA_COLUMNS))}{max(row - 1, 1)}"


# ---------------------------------------------------------------------------------------------- What-if


def whatif_formulas(first: int, last: int, m: int) -> Callable[[int], tuple[str, str, str]]:
    """The What-if overall, rank and rank-change formulas of account row r (accounts in rows first..last).

    overall = 10 x SUMPRODUCT(points, values) / SUMPRODUCT(points x ISNUMBER(values)), empty when no
    weighted value is present (SUMPRODUCT counts an empty value cell as 0, ISNUMBER drops its weight);
    rank = RANK.EQ over the overall column (ties share the best rank), the accounts without an overall
    share the last rank, as in the engine. The constant parts are built once.
    """
    a, z = _letter(WHATIF_FIRST_VALUE), _letter(WHATIF_FIRST_VALUE + m - 1)
    points = f"${a}${WHATIF_POINTS_ROW}:${z}${WHATIF_POINTS_ROW}"
    scores = f"$B${first}:$B${last}"
    present = "SUMPRODUCT(" + points + "*ISNUMBER(" + a + "{r}:" + z + "{r}))"
    overall = f'=IF({present}>0,10*SUMPRODUCT({points},{a}{{r}}:{z}{{r}})/{present},"")'
    rank = "=IF(ISNUMBER(B{r}),_xlfn.RANK.EQ(B{r}," + scores + "),COUNT(" + scores + ")+1)"
    change = "=E{r}-C{r}"

    def formulas(row: int) -> tuple[str, str, str]:
        return overall.format(r=row), rank.format(r=row), change.format(r=row)

    return formulas


def _whatif(ws: Any, ranking: Ranking) -> None:
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.worksheet.datavalidation import DataValidation

    criteria = ranking.criteria.criteria
    m = len(criteria)
    n = len(ranking.accounts)
    width = WHATIF_FIRST_VALUE - 1 + m
    xl.set_widths(ws, [w for _, w in WHATIF_COLUMNS])
    # narrow value columns: the General format then shows ~6 decimals (no per-cell number format needed)
    xl.set_widths(ws, dict.fromkeys(range(WHATIF_FIRST_VALUE, width + 1), VALUE_WIDTH))
    ws.freeze_panes = f"B{WHATIF_FIRST_ROW}"
    ws.print_title_rows = f"{WHATIF_HEADER_ROW}:{WHATIF_HEADER_ROW}"
    xl.print_landscape(ws)
    ws.row_dimensions[WHATIF_NAMES_ROW].height = 62
    ws.row_dimensions[WHATIF_HEADER_ROW].height = 62

    pad = [None] * (WHATIF_FIRST_VALUE - 2)
    xl.append_row(
        ws, ["What-if: edit the yellow points in row 3; overall scores and ranks recalculate"], xl.TITLE
    )
    xl.append_row(ws, ["Criterion", *pad, *(c.name for c in criteria)], [xl.LABEL, *pad, *[xl.HEADER] * m])
    xl.append_row(
        ws,
        ["Points (edit these)", *pad, *(ranking.points.get(c.id) for c in criteria)],
        [xl.LABEL, *pad, *[POINTS_INPUT] * m],
    )
    if m:
        a, z = _letter(WHATIF_FIRST_VALUE), _letter(width)
        total = f"SUM(${a}${WHATIF_POINTS_ROW}:${z}${WHATIF_POINTS_ROW})"
        row = [xl.make_cell(ws, "Weight (share of points)", xl.LABEL), *pad]
        for column in range(WHATIF_FIRST_VALUE, width + 1):
            cell = xl.make_cell(ws, None)
            xl.set_formula(cell, f'=IF({total}>0,{_letter(column)}{WHATIF_POINTS_ROW}/{total},"")', SHARE)
            row.append(cell)
        ws.append(row)
    else:
        xl.append_row(ws, ["Weight (share of points)"], xl.LABEL)
    xl.append_row(ws, ["Group", *pad, *(c.group for c in criteria)], [xl.LABEL, *pad, *[xl.TEXT] * m])
    xl.append_row(
        ws,
        [
            "Overall = 10 x SUMPRODUCT(points, values) / SUMPRODUCT(points x ISNUMBER(values)): a missing "
            "value does not count, its weight is dropped. Rank = RANK.EQ on the overall (ties share the best "
            "rank). Values are the run's normalised 0-1 values (Scores sheet)."
        ],
        xl.TEXT,
    )
    headers = [name for name, _ in WHATIF_COLUMNS] + [c.name for c in criteria]
    xl.append_row(ws, headers, xl.HEADER)

    first = WHATIF_FIRST_ROW
    last = first + n - 1
    ids = [c.id for c in criteria]
    rows = xl.FastRows(
        ws, [None, SCORE, xl.INTEGER, SCORE, None, xl.INTEGER, *[None] * m], formulas=(1, 2, 5)
    )
    formulas = whatif_formulas(first, last, m)
    for row, account in enumerate(ranking.accounts, first):
        overall, rank, change = formulas(row)
        normalised = account.normalised
        rows.append(
            [
                account.account,
                overall,
                rank,
                account.overall,
                account.rank,
                change,
                *(normalised.get(c) for c in ids),
            ]
        )

    if m:
        a, z = _letter(WHATIF_FIRST_VALUE), _letter(width)
        validation = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            showErrorMessage=True,
            errorTitle="Points",
            error="Points are a number of 0 or more.",
        )
        validation.add(f"{a}{WHATIF_POINTS_ROW}:{z}{WHATIF_POINTS_ROW}")
        ws.data_validations.append(validation)
    if n:
        ws.conditional_formatting.add(f"B{first}:B{last}", _score_bar())
        ws.conditional_formatting.add(
            f"F{first}:F{last}",
            CellIsRule(operator="greaterThan", formula=["0"], fill=xl.solid_fill("C6EFCE")),
        )
        ws.conditional_formatting.add(
            f"F{first}:F{last}",
            CellIsRule(operator="lessThan", formula=["0"], fill=xl.solid_fill("FFC7CE")),
        )
        ws.auto_filter.ref = f"A{WHATIF_HEADER_ROW}:{_letter(width)}{last}"


# ---------------------------------------------------------------------------------------------- Portfolio


def _portfolio(ws: Any, ranking_ws: Any, ranking: Ranking, summary: _Summary) -> None:
    thresholds = ranking.criteria.thresholds
    xl.set_widths(ws, (28, 12, 14, 9, 9, 52))
    xl.print_landscape(ws)
    rows = _RowWriter(ws)
    rows.add(["Portfolio: strength (x) against attractiveness (y), both 0-10"], xl.TITLE)
    rows.add([])
    rows.add(["Quadrant", "Accounts", "Selected", None, None, "Meaning"], xl.HEADER)
    for name in (*QUADRANT_FILLS, None):
        accounts, selected = summary.quadrants.get(name, (0, 0))
        if name is None and accounts == 0:
            continue
        meaning = QUADRANT_MEANING.get(name or "", "a group score is missing: no quadrant")
        style = quadrant_style(name) if name else xl.TEXT
        rows.add(
            [name or "(none)", accounts, selected, None, None, meaning], [style, None, None, None, None, None]
        )
    rows.add([])

    rows.add(["Threshold lines", "Strength", "Attractiveness"], xl.HEADER)
    a_start = rows.add(["Attractiveness threshold", 0, thresholds.attractiveness])
    rows.add([None, 10, thresholds.attractiveness])
    s_start = rows.add(["Strength threshold", thresholds.strength, 0])
    rows.add([None, thresholds.strength, 10])
    rows.add([])

    rows.add(["Selected account", "Strength", "Attractiveness", "Rank", "Overall", "Quadrant"], xl.HEADER)
    first_selected = rows.row + 1
    for account in summary.selected:
        rows.add(
            [
                account.account,
                account.strength,
                account.attractiveness,
                account.rank,
                account.overall,
                account.quadrant,
            ],
            [None, SCORE, SCORE, None, SCORE, None],
        )
    last_selected = rows.row
    if not summary.selected:
        rows.add(["No account was selected in this run."])

    n = len(ranking.accounts)
    if n:
        _portfolio_chart(
            ws,
            ranking_ws,
            n,
            (a_start, s_start),
            (first_selected, last_selected) if summary.selected else None,
        )


class _RowWriter:
    """Appends rows to a write-only sheet and knows the number of the last one."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.row = 0

    def add(self, values: Sequence[object], styles: str | Sequence[str | None] | None = None) -> int:
        xl.append_row(self.ws, values, styles)
        self.row += 1
        return self.row

    def wrapped(self, values: Sequence[object], styles: Sequence[str | None], widths: Iterable[float]) -> int:
        height = xl.wrapped_height(
            [(v, w) for v, w in zip(values, widths, strict=False) if isinstance(v, str)]
        )
        if height:
            self.ws.row_dimensions[self.row + 1].height = height
        return self.add(values, styles)


def _portfolio_chart(
    ws: Any, ranking_ws: Any, n: int, thresholds: tuple[int, int], selected: tuple[int, int] | None
) -> None:
    from openpyxl.chart import Reference, ScatterChart, Series
    from openpyxl.chart.marker import Marker

    chart = ScatterChart()
    chart.title = "Account portfolio"
    chart.style = 13
    chart.scatterStyle = "lineMarker"
    chart.x_axis.title = "Strength (0-10)"
    chart.y_axis.title = "Attractiveness (0-10)"
    for axis in (chart.x_axis, chart.y_axis):
        axis.scaling.min = 0
        axis.scaling.max = 10
        axis.majorUnit = 1
        axis.number_format = "0"
        axis.delete = False
    chart.legend.position = "b"
    chart.height, chart.width = 15, 20

    def series(xs: Reference, ys: Reference, title: str) -> Series:
        item = Series(ys, xs, title=title)
        item.smooth = False
        return item

    x_col, y_col = RANKING_COL["Strength"], RANKING_COL["Attractiveness"]
    everyone = series(
        Reference(ranking_ws, min_col=x_col, min_row=2, max_row=n + 1),
        Reference(ranking_ws, min_col=y_col, min_row=2, max_row=n + 1),
        "All accounts",
    )
    everyone.marker = Marker(symbol="circle", size=5)
    everyone.marker.graphicalProperties = _shape(fill="A6A6A6", line="7F7F7F")
    everyone.graphicalProperties.line.noFill = True
    chart.series.append(everyone)

    if selected is not None:
        picked = series(
            Reference(ws, min_col=2, min_row=selected[0], max_row=selected[1]),
            Reference(ws, min_col=3, min_row=selected[0], max_row=selected[1]),
            "Selected",
        )
        picked.marker = Marker(symbol="diamond", size=8)
        picked.marker.graphicalProperties = _shape(fill="2E75B6", line="1F4E79")
        picked.graphicalProperties.line.noFill = True
        chart.series.append(picked)

    for start, title in zip(thresholds, ("Attractiveness threshold", "Strength threshold"), strict=True):
        line = series(
            Reference(ws, min_col=2, min_row=start, max_row=start + 1),
            Reference(ws, min_col=3, min_row=start, max_row=start + 1),
            title,
        )
        line.marker = Marker(symbol="none")
        line.graphicalProperties.line.solidFill = "C00000"
        line.graphicalProperties.line.dashStyle = "dash"
        line.graphicalProperties.line.width = 19050  # 1.5 pt in EMU
        chart.series.append(line)
    ws.add_chart(chart, "H2")


def _shape(fill: str, line: str) -> Any:
    from openpyxl.chart.shapes import GraphicalProperties

    shape = GraphicalProperties(solidFill=fill)
    shape.line.solidFill = line
    return shape


# ---------------------------------------------------------------------------------------------- About


def _about(ws: Any, ranking: Ranking, summary: _Summary, exported_at: dt.datetime, version: str) -> None:
    params = ranking.params
    criteria = ranking.criteria
    xl.set_widths(ws, ABOUT_WIDTHS)
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True

    def listed(items: Sequence[str]) -> str:
        return "; ".join(items) if items else "none"

    saved_at = _parse_time(ranking.created_at)
    facts: list[tuple[str, object]] = [
        ("Selection run", ranking.run_id if ranking.run_id is not None else "not saved"),
        ("Run saved at (UTC)", saved_at if saved_at is not None else ranking.created_at),
        ("Workbook exported at (UTC)", exported_at),
        ("kamtui version", version),
        ("Criteria set", criteria.id),
        ("Criteria set title", criteria.title),
        ("Criteria", len(criteria.criteria)),
        ("Attractiveness threshold", criteria.thresholds.attractiveness),
        ("Strength threshold", criteria.thresholds.strength),
        ("Accounts ranked", len(ranking.accounts)),
        ("Accounts selected", len(summary.selected)),
        ("Effort of the selection (FTE)", summary.effort),
        ("K (key accounts wanted)", params.top_k),
        ("Capacity (FTE)", params.capacity if params.capacity is not None else "none"),
        ("Cap per KAM (FTE)", params.per_kam if params.per_kam is not None else "none"),
        ("Pinned in (always selected)", listed(params.include)),
        ("Pinned out (never selected)", listed(params.exclude)),
        ("Robustness samples", params.samples),
        ("Seed", params.seed),
        ("Concentration (kappa)", params.kappa),
        ("Binding limits", listed(ranking.binding)),
    ]
    facts += [("Note", note) for note in ranking.notes]
    rows = _RowWriter(ws)
    rows.add(["About this workbook"], xl.TITLE)
    for label, value in facts:
        style = WHEN if isinstance(value, dt.datetime) else VALUE
        rows.wrapped([label, value], [xl.LABEL, style], ABOUT_WIDTHS)
    rows.add([])
    rows.add(["Scoring method"], xl.TITLE)
    for line in SCORING_METHOD:
        rows.wrapped(["•", line], [xl.LABEL, xl.WRAP], ABOUT_WIDTHS)
    rows.add([])
    rows.add(["Sheets"], xl.TITLE)
    for name, text in SHEET_GUIDE:
        rows.wrapped([name, text], [xl.LABEL, xl.WRAP], ABOUT_WIDTHS)


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
