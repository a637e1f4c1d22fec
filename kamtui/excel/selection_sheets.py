"""The selection workbook's FTE per KAM, Changes and About sheets.

* **FTE per KAM**: each KAM (account owner) with the accounts and FTE the run selected for them, against the
  cap per KAM, and the team's total against the capacity.
* **Changes**: what changed since the previous run (``kamtui.core.run_diff``): accounts that entered or left
  the selection, moved in rank or quadrant, new or removed accounts, weights and parameters.
* **About**: the run (id, when, who saved it, its note), its parameters and the scoring method in words,
  with the criteria set's ``rank_by`` and the fixed scales it uses.

Values only, no formulas (the What-if sheet alone has them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kamtui.excel import common as xl
from kamtui.excel import selection_formats as fmt
from kamtui.excel.selection_common import (
    FLAG,
    FTE,
    FTE_LEFT,
    SCORE,
    SHARE,
    VALUE,
    WARNING_FILL,
    WHEN,
    RowWriter,
    Selected,
    letter,
)

if TYPE_CHECKING:
    from kamtui.core.ranking import Ranking

NO_OWNER = "(no owner)"
ABOUT_WIDTHS = (30, 100)

# ---------------------------------------------------------------------------------------------- FTE per KAM

FTE_COLUMNS = (
    ("KAM", 24),
    ("Selected accounts", 10),
    ("FTE selected", 10),
    ("Cap per KAM (FTE)", 10),
    ("Headroom (FTE)", 10),
    ("Over the cap", 8),
    ("Effort unknown", 9),
    ("Accounts selected", 70),
)


def fte_per_kam(ws: Any, ranking: Ranking) -> None:
    from openpyxl.formatting.rule import CellIsRule

    params = ranking.params
    cap = params.per_kam
    owners: dict[str, list[Any]] = {}
    for account in ranking.accounts:
        owners.setdefault(account.owner or NO_OWNER, [])
        if account.selected:
            owners[account.owner or NO_OWNER].append(account)
    order = sorted(owners, key=lambda o: (-sum(a.effort or 0.0 for a in owners[o]), o.casefold(), o))
    widths = [fmt.header_width(name, width) for name, width in FTE_COLUMNS]
    xl.set_widths(ws, widths)
    header_row = 4
    ws.freeze_panes = f"B{header_row + 1}"
    ws.row_dimensions[header_row].height = (
        fmt.header_height([(name, w) for (name, _), w in zip(FTE_COLUMNS, widths, strict=True)]) or 30
    )
    last_row = header_row + len(order) + 1
    fmt.print_setup(
        ws, title_rows=f"{header_row}:{header_row}", area=f"A1:{letter(len(FTE_COLUMNS))}{last_row}"
    )
    rows = RowWriter(ws)
    rows.add(["FTE per KAM: the effort the run's selection puts on each account owner"], xl.TITLE)
    limits = (
        f"Cap per KAM: {fmt_fte(cap)} FTE" if cap is not None else "No cap per KAM was set for this run"
    ) + (
        f"; team capacity: {fmt_fte(params.capacity)} FTE" if params.capacity is not None else "; no capacity"
    )
    rows.add([limits], xl.TEXT)
    rows.add([])
    rows.add([name for name, _ in FTE_COLUMNS], xl.HEADER)
    styles = [xl.TEXT, xl.INTEGER, FTE, FTE, FTE, FLAG, xl.INTEGER, xl.WRAP]
    for owner in order:
        chosen = owners[owner]
        effort = sum(a.effort or 0.0 for a in chosen)
        over = cap is not None and owner != NO_OWNER and effort > cap + 1e-9
        rows.add(
            [
                owner,
                len(chosen),
                effort,
                cap if owner != NO_OWNER else None,
                cap - effort if cap is not None and owner != NO_OWNER else None,
                "yes" if over else None,
                sum(1 for a in chosen if a.effort is None) or None,
                "; ".join(a.account for a in chosen) or None,
            ],
            styles,
        )
    total = sum(a.effort or 0.0 for chosen in owners.values() for a in chosen)
    capacity = params.capacity
    rows.add(
        [
            "All KAMs",
            sum(len(chosen) for chosen in owners.values()),
            total,
            capacity,
            capacity - total if capacity is not None else None,
            "yes" if capacity is not None and total > capacity + 1e-9 else None,
            sum(1 for chosen in owners.values() for a in chosen if a.effort is None) or None,
            "team total (the capacity column holds the run's capacity)",
        ],
        [xl.LABEL, xl.INTEGER, FTE, FTE, FTE, FLAG, xl.INTEGER, xl.TEXT],
    )
    if order:
        ws.conditional_formatting.add(
            f"F{header_row + 1}:F{last_row}",
            CellIsRule(operator="equal", formula=['"yes"'], fill=xl.solid_fill(WARNING_FILL)),
        )
        ws.auto_filter.ref = f"A{header_row}:{letter(len(FTE_COLUMNS))}{last_row - 1}"


def fmt_fte(value: float | None) -> str:
    return "none" if value is None else f"{value:,.2f}".rstrip("0").rstrip(".")


# ---------------------------------------------------------------------------------------------- Changes

MOVE_COLUMNS = (
    ("Account", 32),
    ("Rank before", 8),
    ("Rank now", 8),
    ("Places gained", 8),
    ("Quadrant before", 11),
    ("Quadrant now", 11),
    ("Overall before", 9),
    ("Overall now", 9),
    ("Selected before", 9),
    ("Selected now", 9),
)


def changes(ws: Any, ranking: Ranking, previous: Ranking | None) -> None:
    widths = [fmt.header_width(name, width) for name, width in MOVE_COLUMNS]
    xl.set_widths(ws, widths)
    fmt.print_setup(ws)  # before the first row (write-only mode); the print area at the end
    rows = RowWriter(ws)
    if previous is None:
        rows.add(["Changes since the previous run"], xl.TITLE)
        rows.add([f"No earlier saved run of criteria set '{ranking.criteria.id}' to compare this one with."])
        ws.print_area = f"A1:{letter(len(MOVE_COLUMNS))}{rows.row}"
        return
    from kamtui.core.run_diff import diff_runs

    diff = diff_runs(previous, ranking)
    rows.add([f"Changes from run {_run(previous)} to run {_run(ranking)}"], xl.TITLE)
    rows.add(
        [
            f"Run {_run(previous)} saved {previous.created_at or '?'}; run {_run(ranking)} saved "
            f"{ranking.created_at or '?'} (UTC). Accounts are matched by name."
        ],
        xl.TEXT,
    )
    by_name = {a.account: a for a in ranking.accounts}
    before = {a.account: a for a in previous.accounts}
    rows.add([])
    rows.add([f"Entered the selection ({len(diff.entered)})", "Rank now", "Quadrant now"], xl.HEADER)
    for name in diff.entered:
        account = by_name.get(name)
        rows.add(
            [name, account.rank if account else None, account.quadrant if account else None],
            [None, xl.INTEGER, None],
        )
    rows.add([])
    rows.add([f"Left the selection ({len(diff.left)})", "Rank before", "Rank now"], xl.HEADER)
    for name in diff.left:
        was = before.get(name)
        now = next((a for a in ranking.accounts if a.account.casefold() == name.casefold()), None)
        rows.add([name, was.rank if was else None, now.rank if now else None], [None, xl.INTEGER, xl.INTEGER])
    rows.add([])
    rows.add([f"Moved in rank or quadrant ({len(diff.moved)})", *(n for n, _ in MOVE_COLUMNS[1:])], xl.HEADER)
    styles = [None, xl.INTEGER, xl.INTEGER, xl.INTEGER, None, None, SCORE, SCORE, FLAG, FLAG]
    for move in diff.moved:
        rows.add(
            [
                move.account,
                move.rank_a,
                move.rank_b,
                move.change,
                move.quadrant_a,
                move.quadrant_b,
                move.overall_a,
                move.overall_b,
                "yes" if move.selected_a else "no",
                "yes" if move.selected_b else "no",
            ],
            styles,
        )
    rows.add([])
    rows.add([f"New accounts ({len(diff.added)})", f"Removed accounts ({len(diff.removed)})"], xl.HEADER)
    for index in range(max(len(diff.added), len(diff.removed))):
        rows.add([_at(diff.added, index), _at(diff.removed, index)])
    rows.add([])
    rows.add(["Weights changed", "Points before", "Points now", "Weight before", "Weight now"], xl.HEADER)
    for change in diff.weights:
        rows.add(
            [change.criterion, change.points_a, change.points_b, change.weight_a, change.weight_b],
            [None, xl.NUMBER, xl.NUMBER, SHARE, SHARE],
        )
    if not diff.weights:
        rows.add(["(no weight changed)"])
    rows.add([])
    rows.add(["Parameters changed", "Before", "Now"], xl.HEADER)
    for change in diff.params:
        rows.add([change.param, _shown(change.a), _shown(change.b)], [None, xl.TEXT, xl.TEXT])
    if not diff.params:
        rows.add(["(no parameter changed)"])
    ws.print_area = f"A1:{letter(len(MOVE_COLUMNS))}{rows.row}"


def _run(ranking: Ranking) -> str:
    return str(ranking.run_id) if ranking.run_id is not None else "(not saved)"


def _at(items: Sequence[str], index: int) -> str | None:
    return items[index] if index < len(items) else None


def _shown(value: object) -> object:
    if isinstance(value, list | tuple):
        return "; ".join(str(v) for v in value) or "none"
    return "none" if value is None else value


# ---------------------------------------------------------------------------------------------- About

SHEET_GUIDE = (
    (
        "Ranking",
        "the selected set's totals at the top (accounts, FTE, the capacity, each money criterion), then one "
        "row per account, best first: scores 0-10, quadrant, coverage of the weight, the probability of "
        "landing in the top K and the 5th-95th percentile rank interval under weight uncertainty, the effort, "
        "whether the run selected it, whether it was pinned in or out, low coverage (never picked on its "
        "own), the accounts that dominate it, and the attributes kept from the accounts file. It is an "
        "Excel table: filter and sort by any column.",
    ),
    (
        "Scores",
        "each account's criterion values as imported (left block, in the criterion's unit) and normalised "
        "to 0-1 (right block); an empty cell is a missing value, which does not count against the account.",
    ),
    ("Criteria", "the criteria of the run: group, kind, scale or unit, direction, points and weight."),
    (
        "What-if",
        "edit the yellow points in row 3 and K in row 6: the scores, the ranks and the pick recalculate "
        "(live formulas over the run's normalised values), with the size and FTE of the picked set; "
        "'Rank change' is the run rank minus the what-if rank (positive: moves up).",
    ),
    (
        "Portfolio",
        "strength (x) against attractiveness (y) with the thresholds as lines and the quadrant names; "
        "selected accounts drawn separately and labelled with their names; the number of accounts per quadrant.",
    ),
    ("FTE per KAM", "the effort the selection puts on each account owner, against the cap per KAM."),
    ("Changes", "what changed since the previous saved run of the same criteria set."),
)


def scoring_method(ranking: Ranking) -> list[str]:
    """The method in words, for this run's criteria set (README, "Account selection": How it is scored)."""
    criteria = ranking.criteria
    fixed = [c for c in criteria.criteria if c.kind == "number" and c.scale is not None]
    ratings = sorted({c.scale for c in criteria.criteria if c.kind == "rating" and c.scale is not None})
    scales = []
    if ratings:
        scales.append("ratings on " + ", ".join(f"{lo:g}-{hi:g}" for lo, hi in ratings))
    scales += [
        f"{c.name} on the fixed scale {c.scale[0]:g}-{c.scale[1]:g}{' ' + c.unit if c.unit else ''}"  # type: ignore[index]
        for c in fixed
    ]
    by = criteria.rank_by
    basis = "attractiveness score" if by == "attractiveness" else "overall score"
    return [
        "Normalisation (min-max): a rating, or a number with a fixed scale, becomes v = (x - lo) / (hi - lo) on "
        "its scale; any other number becomes v = (x - min) / (max - min) over the ranked accounts, after "
        "log1p(x) where the criterion says transform = log; a column where every present value is equal "
        "gives 0.5." + (f" Scales in this set: {'; '.join(scales)}." if scales else ""),
        "Cost criteria (less is better) are inverted: v = 1 - v. So on the Scores sheet 1 is always the best.",
        "Weights are the points divided by their sum. For each account the weighted mean is taken over the "
        "criteria it has a value for (the weights renormalised over the present criteria); coverage is the "
        "share of the weight present. Below 50% coverage an account is never selected automatically.",
        "Overall = 10 x weighted mean of v over all criteria; attractiveness and strength = the same mean "
        "over each group's criteria. Scores run 0-10.",
        f"Rank (rank_by = {by}) = position by the {basis}, ties sharing the best rank (Excel RANK.EQ, scipy "
        "rankdata 'min'); accounts without that score share the last rank.",
        "Quadrant: high means at or above the threshold. Strategic = high attractiveness and high strength, "
        "Star = high attractiveness and low strength, Status = low attractiveness and high strength, "
        "Streamline = both low.",
        "Robustness: the weights are drawn many times from a Dirichlet distribution centred on them "
        "(concentration kappa; seeded, so the run is reproducible); P(top K) is the share of draws that put "
        "the account in the top K, Rank p5 and Rank p95 the 5th and 95th percentile of its rank over the draws.",
        f"Selection: the best K accounts by the {basis}, or, with a capacity, the set that maximises the "
        "summed score within the total effort (and the cap per KAM), honouring pinned accounts.",
    ]


def about(
    ws: Any,
    ranking: Ranking,
    selected: Selected,
    exported_at: dt.datetime,
    version: str,
    previous: Ranking | None = None,
) -> None:
    params = ranking.params
    criteria = ranking.criteria
    xl.set_widths(ws, ABOUT_WIDTHS)
    fmt.print_setup(ws)  # before the first row (write-only mode); the print area at the end

    def listed(items: Sequence[str]) -> str:
        return "; ".join(items) if items else "none"

    def fte(value: float | None) -> object:
        return value if value is not None else "none"

    saved_at = _parse_time(ranking.created_at)
    facts: list[tuple[str, object]] = [
        ("Selection run", ranking.run_id if ranking.run_id is not None else "not saved"),
        ("Run saved at (UTC)", saved_at if saved_at is not None else ranking.created_at),
        ("Saved by", ranking.saved_by or "not recorded"),
        ("Run note", ranking.note or "none"),
        ("Workbook exported at (UTC)", exported_at),
        ("kamtui version", version),
        ("Criteria set", criteria.id),
        ("Criteria set title", criteria.title),
        ("Criteria set version", criteria.version),
        ("Criteria", len(criteria.criteria)),
        ("Ranked by (rank_by)", criteria.rank_by),
        ("Attractiveness threshold", criteria.thresholds.attractiveness),
        ("Strength threshold", criteria.thresholds.strength),
        ("Accounts ranked", len(ranking.accounts)),
        ("Accounts selected", len(selected.accounts)),
        ("Effort of the selection (FTE)", selected.effort),
        ("K (key accounts wanted)", params.top_k),
        ("Capacity (FTE)", fte(params.capacity)),
        ("Cap per KAM (FTE)", fte(params.per_kam)),
        ("Pinned in (always selected)", listed(params.include)),
        ("Pinned out (never selected)", listed(params.exclude)),
        ("Robustness samples", params.samples),
        ("Seed", params.seed),
        ("Concentration (kappa)", params.kappa),
        ("Binding limits", listed(ranking.binding)),
        (
            "Compared with run",
            previous.run_id if previous is not None and previous.run_id is not None else "none",
        ),
    ]
    facts += [("Note", note) for note in ranking.notes]
    fte_facts = {"Effort of the selection (FTE)", "Capacity (FTE)", "Cap per KAM (FTE)"}
    rows = RowWriter(ws)
    rows.add(["About this workbook"], xl.TITLE)
    for label, value in facts:
        if isinstance(value, dt.datetime):
            style = WHEN
        elif label in fte_facts and isinstance(value, float | int):
            style = FTE_LEFT
        else:
            style = VALUE
        rows.wrapped([label, value], [xl.LABEL, style], ABOUT_WIDTHS)
    rows.add([])
    rows.add(["Scoring method"], xl.TITLE)
    for line in scoring_method(ranking):
        rows.wrapped(["•", line], [xl.LABEL, xl.WRAP], ABOUT_WIDTHS)
    rows.add([])
    rows.add(["Sheets"], xl.TITLE)
    for name, text in SHEET_GUIDE:
        rows.wrapped([name, text], [xl.LABEL, xl.WRAP], ABOUT_WIDTHS)
    ws.print_area = f"A1:B{rows.row}"


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
