"""The What-if sheet: the run's ranking and pick as live formulas over editable points and an editable K.

Rows 2-5 are the points table (criterion names, the points to edit, their share, each criterion's group),
row 6 holds K (edit it) with the size and FTE of the set it picks, the accounts follow the header row.
Per account (README, "Account selection": How it is scored, as the engine does it):

* overall, attractiveness, strength = 10 x SUMPRODUCT(points, values) / SUMPRODUCT(points x ISNUMBER(values))
  over all criteria or the group's (a missing value does not count, its weight is dropped);
* the rank follows the criteria set's ``rank_by`` (overall, or attractiveness for kam-default version 2):
  RANK.EQ, ties sharing the best rank, accounts without the score ranked last;
* the coverage (share of the points present) and whether the account may be picked on its own: a score,
  coverage >= 50%, a value in every weighted group, not pinned;
* the pick: pinned-in accounts, then the best K minus the pins among those that may be picked, by the
  what-if rank (ties at the boundary go to the row higher up: the run's order, not the name);
  K is one editable cell, the count and FTE of the picked set sit beside it.

A run made with a capacity was picked by the optimiser: the What-if pick is by rank only, and the FTE of
the set is shown against the capacity for the analyst to judge.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from kamtui.excel import common as xl
from kamtui.excel import selection_formats as fmt
from kamtui.excel.selection_common import (
    FLAG,
    FTE,
    K_INPUT,
    NORMALISED,
    POINTS_INPUT,
    POINTS_INPUT_DECIMAL,
    SCORE,
    SELECTED_FILL,
    SHARE,
    letter,
)

if TYPE_CHECKING:
    from kamtui.core.ranking import Ranking

WHATIF_NAMES_ROW = 2
WHATIF_POINTS_ROW = 3
WHATIF_WEIGHTS_ROW = 4
WHATIF_GROUP_ROW = 5
WHATIF_K_ROW = 6
WHATIF_NOTE_ROW = 7
WHATIF_HEADER_ROW = 8
WHATIF_FIRST_ROW = 9
WHATIF_K_CELL = f"B{WHATIF_K_ROW}"  # K: the number of key accounts to pick (edit it)
WHATIF_PICKED_CELL = f"E{WHATIF_K_ROW}"  # how many accounts the what-if pick holds
WHATIF_PICKED_FTE_CELL = f"H{WHATIF_K_ROW}"  # the FTE of the what-if pick
WHATIF_COLUMNS: tuple[tuple[str, str | None, float], ...] = (
    ("Account", None, 32),  # A
    ("What-if overall", SCORE, 10),  # B
    ("What-if rank", xl.INTEGER, 9),  # C
    ("What-if attractiveness", SCORE, 10),  # D
    ("What-if strength", SCORE, 10),  # E
    ("What-if coverage", xl.PERCENT, 10),  # F
    ("Run overall", SCORE, 10),  # G
    ("Run rank", xl.INTEGER, 9),  # H
    ("Rank change", xl.INTEGER, 9),  # I
    ("Pinned", FLAG, 8),  # J
    ("May be picked", FLAG, 9),  # K
    ("Pick position", xl.INTEGER, 9),  # L
    ("What-if selected", FLAG, 10),  # M
    ("Run selected", FLAG, 9),  # N
    ("Effort (FTE)", FTE, 9),  # O
)
WHATIF_FIRST_VALUE = len(WHATIF_COLUMNS) + 1  # column of the first criterion
FORMULA_COLUMNS = (1, 2, 3, 4, 5, 8, 10, 11, 12)  # B C D E F I K L M (indexes from 0)
VALUE_WIDTH = 10


def whatif_formulas(first: int, last: int, m: int, rank_by: str = "overall") -> Callable[[int], list[str]]:
    """The formulas of account row r (accounts in rows first..last, m criteria): the What-if overall,
    rank, attractiveness, strength, coverage, rank change, may-be-picked, pick position and selected
    (columns B C D E F I K L M; module docstring). The constant parts are built once."""
    a, z = letter(WHATIF_FIRST_VALUE), letter(WHATIF_FIRST_VALUE + m - 1)
    points = f"${a}${WHATIF_POINTS_ROW}:${z}${WHATIF_POINTS_ROW}"
    group = f"${a}${WHATIF_GROUP_ROW}:${z}${WHATIF_GROUP_ROW}"
    values = a + "{r}:" + z + "{r}"

    def mean(weights: str) -> str:
        present = f"SUMPRODUCT({weights}*ISNUMBER({values}))"
        return f'=IF({present}>0,10*SUMPRODUCT({weights},{values})/{present},"")'

    attractive = f'{points}*({group}="attractiveness")'
    strong = f'{points}*({group}="strength")'
    overall = mean(points)
    attractiveness = mean(attractive)
    strength = mean(strong)
    coverage = f'=IF(SUM({points})>0,SUMPRODUCT({points}*ISNUMBER({values}))/SUM({points}),"")'
    column = "D" if rank_by == "attractiveness" else "B"
    scores = f"${column}${first}:${column}${last}"
    rank = f"=IF(ISNUMBER({column}{{r}}),_xlfn.RANK.EQ({column}{{r}},{scores}),COUNT({scores})+1)"
    change = "=H{r}-C{r}"
    groups_ok = f"OR(ISNUMBER(D{{r}}),SUMPRODUCT({attractive})=0),OR(ISNUMBER(E{{r}}),SUMPRODUCT({strong})=0)"
    eligible = (
        f'=IF(AND(J{{r}}="",ISNUMBER(B{{r}}),ISNUMBER(F{{r}}),F{{r}}>=0.5-1E-9,{groups_ok}),"yes","no")'
    )
    may, ranks = f"$K${first}:$K${last}", f"$C${first}:$C${last}"
    position = (
        f'=IF(K{{r}}="yes",COUNTIFS({may},"yes",{ranks},"<"&C{{r}})'
        f'+COUNTIFS($K${first}:K{{r}},"yes",$C${first}:C{{r}},C{{r}}),"")'
    )
    pins = f'COUNTIF($J${first}:$J${last},"in")'
    selected = (
        f'=IF(J{{r}}="in","yes",IF(AND(K{{r}}="yes",ISNUMBER(L{{r}})),'
        f'IF(L{{r}}<=MAX(0,${WHATIF_K_CELL[0]}${WHATIF_K_ROW}-{pins}),"yes","no"),"no"))'
    )
    templates = [overall, rank, attractiveness, strength, coverage, change, eligible, position, selected]
    escaped = [t.replace("{", "{{").replace("}", "}}").replace("{{r}}", "{r}") for t in templates]

    def formulas(row: int) -> list[str]:
        return [t.format(r=row) for t in escaped]

    return formulas


def whatif(ws: Any, ranking: Ranking) -> None:
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.worksheet.datavalidation import DataValidation

    criteria = ranking.criteria.criteria
    m = len(criteria)
    n = len(ranking.accounts)
    width = WHATIF_FIRST_VALUE - 1 + m
    widths = [fmt.header_width(name, w) for name, _, w in WHATIF_COLUMNS]
    xl.set_widths(ws, widths)
    value_widths = {
        WHATIF_FIRST_VALUE + j: fmt.header_width(c.name, VALUE_WIDTH) for j, c in enumerate(criteria)
    }
    xl.set_widths(ws, value_widths)
    ws.freeze_panes = f"B{WHATIF_FIRST_ROW}"
    names_height = fmt.header_height(
        [(c.name, value_widths[WHATIF_FIRST_VALUE + j]) for j, c in enumerate(criteria)]
    )
    ws.row_dimensions[WHATIF_NAMES_ROW].height = names_height or 30
    headers = [(name, w) for (name, _, _), w in zip(WHATIF_COLUMNS, widths, strict=True)]
    headers += [(c.name, value_widths[WHATIF_FIRST_VALUE + j]) for j, c in enumerate(criteria)]
    ws.row_dimensions[WHATIF_HEADER_ROW].height = fmt.header_height(headers) or 30
    ws.row_dimensions[WHATIF_NOTE_ROW].height = 48
    first, last = WHATIF_FIRST_ROW, WHATIF_FIRST_ROW + n - 1
    end = letter(max(width, len(WHATIF_COLUMNS)))
    fmt.print_setup(
        ws,
        title_rows=f"{WHATIF_HEADER_ROW}:{WHATIF_HEADER_ROW}",
        area=f"A1:{end}{max(last, WHATIF_HEADER_ROW)}",
    )

    pad = [None] * (WHATIF_FIRST_VALUE - 2)
    xl.append_row(
        ws,
        ["What-if: edit the yellow points (row 3) and K (row 6); scores, ranks and the pick recalculate"],
        xl.TITLE,
    )
    xl.append_row(ws, ["Criterion", *pad, *(c.name for c in criteria)], [xl.LABEL, *pad, *[xl.HEADER] * m])
    point_styles = [
        POINTS_INPUT if float(ranking.points.get(c.id) or 0).is_integer() else POINTS_INPUT_DECIMAL
        for c in criteria
    ]
    xl.append_row(
        ws,
        ["Points (edit these)", *pad, *(ranking.points.get(c.id) for c in criteria)],
        [xl.LABEL, *pad, *point_styles],
    )
    a, z = letter(WHATIF_FIRST_VALUE), letter(max(width, WHATIF_FIRST_VALUE))
    total = f"SUM(${a}${WHATIF_POINTS_ROW}:${z}${WHATIF_POINTS_ROW})"
    row = [xl.make_cell(ws, "Weight (share of points)", xl.LABEL), *pad]
    for column in range(WHATIF_FIRST_VALUE, width + 1):
        cell = xl.make_cell(ws, None)
        xl.set_formula(cell, f'=IF({total}>0,{letter(column)}{WHATIF_POINTS_ROW}/{total},"")', SHARE)
        row.append(cell)
    ws.append(row)
    xl.append_row(ws, ["Group", *pad, *(c.group for c in criteria)], [xl.LABEL, *pad, *[xl.TEXT] * m])
    _k_row(ws, ranking, first, last)
    by = "attractiveness" if ranking.criteria.rank_by == "attractiveness" else "the overall score"
    xl.append_row(
        ws,
        [
            "Overall, attractiveness, strength = 10 x SUMPRODUCT(points, values) / SUMPRODUCT(points x "
            "ISNUMBER(values)) over all criteria or the group's: a missing value does not count, its weight "
            f"is dropped. The rank follows {by} (RANK.EQ, ties share the best rank). The pick: pinned-in "
            "accounts, then the best K minus the pins among the accounts with a score, coverage >= 50% and a "
            "value in every weighted group (ties at K: the higher row). Values are the run's normalised 0-1 "
            "values (Scores sheet)."
        ],
        xl.WRAP,
    )
    xl.append_row(ws, [name for name, _, _ in WHATIF_COLUMNS] + [c.name for c in criteria], xl.HEADER)

    ids = [c.id for c in criteria]
    styles = [style for _, style, _ in WHATIF_COLUMNS] + [NORMALISED] * m
    rows = xl.FastRows(ws, styles, formulas=FORMULA_COLUMNS if m else ())
    formulas = whatif_formulas(first, last, m, ranking.criteria.rank_by) if m else None
    include, exclude = set(ranking.params.include), set(ranking.params.exclude)
    for row_number, account in enumerate(ranking.accounts, first):
        name = account.account
        o, rank, att, st, cov, change, may, position, selected = (
            formulas(row_number) if formulas else [None] * 9
        )
        normalised = account.normalised
        rows.append(
            [
                name,
                o,
                rank,
                att,
                st,
                cov,
                account.overall,
                account.rank,
                change,
                "in" if name in include else "out" if name in exclude else None,
                may,
                position,
                selected,
                "yes" if account.selected else "no",
                account.effort,
                *(normalised.get(c) for c in ids),
            ]
        )

    if m:
        points = DataValidation(
            type="decimal",
            operator="greaterThanOrEqual",
            formula1="0",
            showErrorMessage=True,
            errorTitle="Points",
            error="Points are a number of 0 or more.",
        )
        points.add(f"{a}{WHATIF_POINTS_ROW}:{letter(width)}{WHATIF_POINTS_ROW}")
        ws.data_validations.append(points)
    k = DataValidation(
        type="whole",
        operator="greaterThanOrEqual",
        formula1="1",
        showErrorMessage=True,
        errorTitle="K",
        error="K is a whole number of key accounts, 1 or more.",
    )
    k.add(WHATIF_K_CELL)
    ws.data_validations.append(k)
    if n and m:
        from openpyxl.formatting.rule import DataBarRule

        from kamtui.excel.selection_common import DATA_BAR_COLOUR

        ws.conditional_formatting.add(
            f"B{first}:B{last}",
            DataBarRule(start_type="num", start_value=0, end_type="num", end_value=10, color=DATA_BAR_COLOUR),
        )
        ws.conditional_formatting.add(
            f"I{first}:I{last}",
            CellIsRule(operator="greaterThan", formula=["0"], fill=xl.solid_fill("C6EFCE")),
        )
        ws.conditional_formatting.add(
            f"I{first}:I{last}", CellIsRule(operator="lessThan", formula=["0"], fill=xl.solid_fill("FFC7CE"))
        )
        ws.conditional_formatting.add(
            f"M{first}:M{last}",
            CellIsRule(operator="equal", formula=['"yes"'], fill=xl.solid_fill(SELECTED_FILL)),
        )
        ws.auto_filter.ref = f"A{WHATIF_HEADER_ROW}:{letter(width)}{last}"


def _k_row(ws: Any, ranking: Ranking, first: int, last: int) -> None:
    """Row 6: K to edit, the size and FTE of the set it picks, the run's capacity."""
    n = len(ranking.accounts)
    capacity = ranking.params.capacity
    cells: list[object] = [
        xl.make_cell(ws, "K (edit: key accounts to pick)", xl.LABEL),
        xl.make_cell(ws, ranking.params.top_k, K_INPUT),
        xl.make_cell(ws, "Accounts picked", xl.LABEL),
        None,
    ]
    picked = xl.make_cell(ws, 0 if not n else None, xl.INTEGER)
    fte = xl.make_cell(ws, 0 if not n else None, FTE)
    if n and len(ranking.criteria.criteria):
        xl.set_formula(picked, f'=COUNTIF($M${first}:$M${last},"yes")', xl.INTEGER)
        xl.set_formula(fte, f'=SUMIFS($O${first}:$O${last},$M${first}:$M${last},"yes")', FTE)
    cells += [picked, xl.make_cell(ws, "FTE of the pick", xl.LABEL), None, fte]
    cells += [
        xl.make_cell(ws, "Run's capacity (FTE)", xl.LABEL),
        None,
        xl.make_cell(
            ws, capacity if capacity is not None else "none", FTE if capacity is not None else xl.TEXT
        ),
    ]
    ws.append(cells)
