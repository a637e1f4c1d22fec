"""The selection workbook: Ranking, Scores, Criteria, What-if, Portfolio, FTE per KAM, Changes and About.

Every number comes from the :class:`~kamtui.core.ranking.Ranking` (a saved run, so the workbook traces back to
it); nothing is re-scored here. The What-if sheet is the one exception by design: its scores, ranks and
pick are live Excel formulas over the run's normalised values, an editable points table and an editable K,
so finance can change a weight or K in Excel and watch the ranking and the pick move
(:mod:`kamtui.excel.selection_whatif`).

As finance hands it on (:mod:`kamtui.excel.selection_formats`): number formats from the criterion (money
as currency, percent with a percent sign, scores with two decimals, normalised values with three, points
as integers where they are), headers wrapping at word boundaries, and every sheet printable (landscape,
one page wide, header rows repeated, a print area). The Ranking sheet opens with the selected set's
totals and marks pinned, excluded, low-coverage and dominated accounts; kept account attributes are
extra columns of its table.

One code path for every size: the workbook is written in openpyxl's write-only mode (rows stream to
disk, nothing is held per row), with named styles registered once (:mod:`kamtui.excel.common`), and
column widths, freeze panes and row heights set before the rows they concern; the account rows go through
:class:`common.FastRows` (one reusable styled cell per column). Every piece of user text (account, owner,
segment, ref, attributes, criteria names, notes, pins) goes through :func:`common.set_value` (via
:func:`common.append_row` or :class:`common.FastRows`), so none of it can become a formula; formulas are
written by :func:`common.set_formula` only, on the What-if sheet only.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kamtui.excel import common as xl
from kamtui.excel import selection_formats as fmt
from kamtui.excel.selection_common import (
    DATA_BAR_COLOUR,
    EXCLUDED_FILL,
    NORMALISED,
    PINNED_FILL,
    QUADRANT_FILLS,
    QUADRANT_MEANING,
    RANKING_COL,
    RANKING_COLUMNS,
    RANKING_HEADERS,
    SELECTED_FILL,
    SHARE,
    TABLE_NAME,
    WARNING_FILL,
    RankingLayout,
    Selected,
    add_styles,
    letter,
    low_coverage,
    raw_header,
)
from kamtui.excel.selection_portfolio import portfolio as _portfolio
from kamtui.excel.selection_sheets import about as _about
from kamtui.excel.selection_sheets import changes as _changes
from kamtui.excel.selection_sheets import fte_per_kam as _fte_per_kam
from kamtui.excel.selection_whatif import (
    WHATIF_COLUMNS,
    WHATIF_FIRST_ROW,
    WHATIF_FIRST_VALUE,
    WHATIF_GROUP_ROW,
    WHATIF_HEADER_ROW,
    WHATIF_K_CELL,
    WHATIF_K_ROW,
    WHATIF_NAMES_ROW,
    WHATIF_NOTE_ROW,
    WHATIF_PICKED_CELL,
    WHATIF_PICKED_FTE_CELL,
    WHATIF_POINTS_ROW,
    WHATIF_WEIGHTS_ROW,
    whatif_formulas,
)
from kamtui.excel.selection_whatif import whatif as _whatif

if TYPE_CHECKING:
    from kamtui.core.ranking import Ranking

__all__ = [
    "QUADRANT_FILLS",
    "QUADRANT_MEANING",
    "RANKING_COL",
    "RANKING_COLUMNS",
    "RANKING_HEADERS",
    "SHEETS",
    "TABLE_NAME",
    "WHATIF_COLUMNS",
    "WHATIF_FIRST_ROW",
    "WHATIF_FIRST_VALUE",
    "WHATIF_GROUP_ROW",
    "WHATIF_HEADER_ROW",
    "WHATIF_K_CELL",
    "WHATIF_K_ROW",
    "WHATIF_NAMES_ROW",
    "WHATIF_NOTE_ROW",
    "WHATIF_PICKED_CELL",
    "WHATIF_PICKED_FTE_CELL",
    "WHATIF_POINTS_ROW",
    "WHATIF_WEIGHTS_ROW",
    "RankingLayout",
    "ranking_layout",
    "whatif_formulas",
    "write_selection_workbook",
]

SHEETS = ("Ranking", "Scores", "Criteria", "What-if", "Portfolio", "FTE per KAM", "Changes", "About")
SCORES_HEADER_ROWS = 2
SCORES_FIRST_BLOCK = 3  # column of the first raw value
RAW_WIDTH = 14
VALUE_WIDTH = 10  # a normalised value (0.000)


def write_selection_workbook(
    ranking: Ranking,
    target: Path,
    *,
    exported_at: dt.datetime | None = None,
    previous: Ranking | None = None,
) -> Path:
    """Write the selection workbook of ``ranking`` to ``target`` (atomically); returns ``target``.

    ``ranking`` is normally a saved run (:func:`kamtui.service.ranking.run`), so the About sheet can name it;
    ``previous`` is the run it is compared with on the Changes sheet (None: no earlier run). The workbook
    is written in write-only mode whatever its size: 100,000 accounts stream to disk.
    """
    exported_at = exported_at or dt.datetime.now().astimezone()
    return xl.atomic_save(lambda path: _write(ranking, path, exported_at, previous), target)


def ranking_layout(ranking: Ranking) -> RankingLayout:
    """Where the table, its columns and the totals are on the Ranking sheet of ``ranking``."""
    return RankingLayout.of(ranking, Selected.of(ranking))


def _write(ranking: Ranking, path: Path, exported_at: dt.datetime, previous: Ranking | None) -> None:
    from openpyxl import Workbook

    from kamtui import __version__

    workbook = Workbook(write_only=True)
    add_styles(workbook)
    title = f"KAM account selection: run {ranking.run_id}" if ranking.run_id else "KAM account selection"
    workbook.properties.title = xl.safe_text(f"{title} ({ranking.criteria.title})")
    workbook.properties.creator = f"kamtui {__version__}"

    sheets = {name: workbook.create_sheet(name) for name in SHEETS}
    try:
        selected = Selected.of(ranking)
        layout = RankingLayout.of(ranking, selected)
        _ranking(sheets["Ranking"], ranking, layout)
        _scores(sheets["Scores"], ranking)
        _criteria(sheets["Criteria"], ranking)
        _whatif(sheets["What-if"], ranking)
        _portfolio(sheets["Portfolio"], sheets["Ranking"], ranking, selected, layout)
        _fte_per_kam(sheets["FTE per KAM"], ranking)
        _changes(sheets["Changes"], ranking, previous)
        _about(sheets["About"], ranking, selected, exported_at, __version__, previous)
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


# ---------------------------------------------------------------------------------------------- Ranking


def _ranking(ws: Any, ranking: Ranking, layout: RankingLayout) -> None:
    from openpyxl.formatting.rule import CellIsRule, DataBarRule, FormulaRule
    from openpyxl.worksheet.filters import AutoFilter
    from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

    columns = layout.columns
    headers = layout.headers
    header_row = layout.header_row
    n = len(ranking.accounts)
    last_row = header_row + max(n, 1)
    last = letter(len(columns))
    # before the first row (write-only mode): widths, panes, heights
    xl.set_widths(ws, [width for _, _, width in columns])
    ws.freeze_panes = f"C{layout.first_row}"
    ws.row_dimensions[header_row].height = fmt.header_height([(h, w) for h, _, w in columns]) or 30
    fmt.print_setup(ws, title_rows=f"{header_row}:{header_row}", area=f"A1:{last}{last_row}")

    by = "attractiveness" if ranking.criteria.rank_by == "attractiveness" else "overall score"
    run = f"run {ranking.run_id}" if ranking.run_id is not None else "not saved"
    xl.append_row(ws, [f"Ranking ({run}): {ranking.criteria.title}, ranked by {by}"], xl.TITLE)
    workbook = ws.parent
    for label, value, number_format in layout.totals:  # the label runs on into the empty Owner cell
        style = fmt.format_style(workbook, number_format, left=True)
        xl.append_row(ws, [None, label, None, value], [None, xl.LABEL, None, style])
    xl.append_row(ws, [])
    xl.append_row(ws, headers, xl.HEADER)

    include, exclude = set(ranking.params.include), set(ranking.params.exclude)
    rows = xl.FastRows(ws, [style for _, style, _ in columns])
    attributes = layout.attributes
    for account in ranking.accounts:
        name = account.account
        values: list[object] = [
            account.rank,
            name,
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
            "in" if name in include else "out" if name in exclude else None,
            "yes" if low_coverage(account) else None,
        ]
        if layout.dominated:
            values.append("; ".join(account.dominated_by) or None)
        if attributes:
            held = {k.casefold(): v for k, v in account.attributes.items()}
            values += [held.get(a.casefold()) for a in attributes]
        rows.append(values)
    if n == 0:
        xl.append_row(ws, (None, "No accounts were ranked in this run."))
        return
    first = layout.first_row
    table = Table(displayName=TABLE_NAME, ref=f"A{header_row}:{last}{last_row}")
    table.tableColumns = [TableColumn(id=i, name=name) for i, name in enumerate(headers, 1)]
    table.autoFilter = AutoFilter(ref=table.ref)
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    with warnings.catch_warnings():  # "In write-only mode you must add table columns manually": done above
        warnings.simplefilter("ignore", UserWarning)
        ws.add_table(table)

    def cells(header: str) -> str:
        column = letter(layout.column(header))
        return f"{column}{first}:{column}{last_row}"

    for name in ("Overall", "Attractiveness", "Strength"):
        ws.conditional_formatting.add(cells(name), _score_bar())
    for name, fill in QUADRANT_FILLS.items():
        ws.conditional_formatting.add(
            cells("Quadrant"), CellIsRule(operator="equal", formula=[f'"{name}"'], fill=xl.solid_fill(fill))
        )
    marks = (
        ("Selected", "yes", SELECTED_FILL),
        ("Pinned", "in", PINNED_FILL),
        ("Pinned", "out", EXCLUDED_FILL),
        ("Low coverage", "yes", WARNING_FILL),
    )
    for header, text, fill in marks:
        ws.conditional_formatting.add(
            cells(header), CellIsRule(operator="equal", formula=[f'"{text}"'], fill=xl.solid_fill(fill))
        )
    if layout.dominated:
        column = letter(layout.column("Dominated by"))
        ws.conditional_formatting.add(
            cells("Dominated by"),
            FormulaRule(formula=[f"LEN({column}{first})>0"], fill=xl.solid_fill(WARNING_FILL)),
        )
    ws.conditional_formatting.add(
        cells("P(top K)"),
        DataBarRule(start_type="num", start_value=0, end_type="num", end_value=1, color="A9D08E"),
    )


def _score_bar() -> Any:
    from openpyxl.formatting.rule import DataBarRule

    return DataBarRule(
        start_type="num", start_value=0, end_type="num", end_value=10, color=DATA_BAR_COLOUR, showValue=True
    )


# ---------------------------------------------------------------------------------------------- Scores


def _scores(ws: Any, ranking: Ranking) -> None:
    criteria = ranking.criteria.criteria
    ids = [c.id for c in criteria]
    m = len(ids)
    first_norm = SCORES_FIRST_BLOCK + m
    raw_names = [raw_header(c) for c in criteria]
    names = [c.name for c in criteria]
    widths = {1: 7.0, 2: 32.0}
    widths |= {SCORES_FIRST_BLOCK + j: fmt.header_width(raw_names[j], RAW_WIDTH) for j in range(m)}
    widths |= {first_norm + j: fmt.header_width(names[j], VALUE_WIDTH) for j in range(m)}
    xl.set_widths(ws, widths)
    ws.freeze_panes = f"{letter(SCORES_FIRST_BLOCK)}{SCORES_HEADER_ROWS + 1}"
    heights = [(t, widths[SCORES_FIRST_BLOCK + j]) for j, t in enumerate(raw_names)]
    heights += [(t, widths[first_norm + j]) for j, t in enumerate(names)]
    ws.row_dimensions[2].height = fmt.header_height(heights) or 30
    last_row = SCORES_HEADER_ROWS + max(len(ranking.accounts), 1)
    last = letter(2 + 2 * m)
    fmt.print_setup(ws, title_rows=f"1:{SCORES_HEADER_ROWS}", area=f"A1:{last}{last_row}")

    blocks: list[object] = [None] * (2 + 2 * m)
    if m:
        blocks[SCORES_FIRST_BLOCK - 1] = "Raw values as imported (empty = missing)"
        blocks[first_norm - 1] = "Normalised 0-1 (1 = best: min-max, log1p where set, cost inverted)"
    xl.append_row(ws, blocks, xl.LABEL)
    xl.append_row(ws, ["Rank", "Account", *raw_names, *names], xl.HEADER)
    workbook = ws.parent
    raw_styles = [
        fmt.format_style(workbook, fmt.criterion_format(c, (a.values.get(c.id) for a in ranking.accounts)))
        for c in criteria
    ]
    rows = xl.FastRows(ws, [xl.INTEGER, None, *raw_styles, *[NORMALISED] * m])
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
    ws.auto_filter.ref = f"A{SCORES_HEADER_ROWS}:{last}{last_row}"


# ---------------------------------------------------------------------------------------------- Criteria

CRITERIA_COLUMNS: tuple[tuple[str, str | None, float], ...] = (
    ("Id", None, 26),
    ("Name", xl.WRAP, 30),
    ("Group", None, 15),
    ("Kind", None, 8),
    ("Scale from", None, 9),
    ("Scale to", None, 9),
    ("Unit", None, 8),
    ("Transform", None, 10),
    ("Direction", None, 9),
    ("Points", None, 8),
    ("Weight", SHARE, 8),
    ("Description", xl.WRAP, 70),
)


def _criteria(ws: Any, ranking: Ranking) -> None:
    columns = [(name, style, fmt.header_width(name, width)) for name, style, width in CRITERIA_COLUMNS]
    widths = [width for _, _, width in columns]
    xl.set_widths(ws, widths)
    ws.freeze_panes = "C2"
    n = len(ranking.criteria.criteria)
    last = letter(len(columns))
    fmt.print_setup(ws, title_rows="1:1", area=f"A1:{last}{n + 1}")
    ws.row_dimensions[1].height = fmt.header_height([(h, w) for h, _, w in columns]) or 30
    workbook = ws.parent
    row = 2
    for criterion in ranking.criteria.criteria:
        height = xl.wrapped_height([(criterion.description, widths[-1]), (criterion.name, widths[1])])
        if height:
            ws.row_dimensions[row].height = height
        row += 1
    xl.append_row(ws, [name for name, _, _ in columns], xl.HEADER)
    for criterion in ranking.criteria.criteria:
        lo, hi = criterion.scale if criterion.scale is not None else (None, None)
        points = ranking.points.get(criterion.id)
        styles = [style for _, style, _ in columns]
        styles[4] = fmt.format_style(workbook, fmt.scale_format(lo))
        styles[5] = fmt.format_style(workbook, fmt.scale_format(hi))
        styles[9] = fmt.format_style(workbook, fmt.points_format(points))
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
                points,
                ranking.weights.get(criterion.id),
                criterion.description or None,
            ),
            [s if s is not None else xl.TEXT for s in styles],
        )
    ws.auto_filter.ref = f"A1:{last}{max(n + 1, 1)}"
