"""Benchmark 5: the selection workbook of 100,000 ranked accounts against XlsxWriter and bare openpyxl.

Three writers, same :class:`~kamtui.core.ranking.Ranking` (synthetic accounts on ``kam-default``, ~2%
missing values, robustness with 200 samples), same sheets and rows:

* kamtui ``kamtui.excel.selection_workbook.write_selection_workbook(ranking, target)``: Ranking (15
  columns, number formats, an Excel table, frozen header, data bars and quadrant colours), Scores (raw
  and normalised values, 26 columns), Criteria, What-if (three live formulas per account plus the 12
  normalised values), Portfolio (counts and a native scatter chart of all accounts) and About. It
  writes in openpyxl's write-only mode, to a temporary file that is fsynced and renamed.
* XlsxWriter ``constant_memory`` writing the same sheets, rows, number formats, formulas, frozen panes,
  widths, conditional formats, data validation and scatter chart. XlsxWriter cannot add an Excel table
  in constant_memory mode, so its Ranking sheet gets an autofilter instead.
* a bare openpyxl write-only dump: the same cell values (formulas included), no style at all.

Time: median of in-process runs. Memory: each writer once more in a fresh subprocess that loads the
ranking from a pickle and then writes: the peak resident memory *during the write* above the resident
memory before it (Linux: the high-water mark is reset through /proc/self/clear_refs; elsewhere the
tracemalloc peak of the write). Targets (issue 7): kamtui <= 1.5x
XlsxWriter, and < 100 MB peak memory for the export.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pickle
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

from benchmarks.common import (
    Config,
    Section,
    fmt_mb,
    fmt_ratio,
    fmt_time,
    measure_interleaved,
    met,
    package_version,
    ratio,
)

NAME = "excel"
TIME_TARGET = 1.5
MEMORY_TARGET_MB = 100.0
KAMTUI_FUNCTION = "kamtui.excel.selection_workbook.write_selection_workbook"

# The kamtui workbook's layout, mirrored by the peers (kamtui/excel/selection_workbook.py).
RANKING_COLUMNS = (
    ("Rank", "0", 7),
    ("Account", None, 32),
    ("Owner", None, 18),
    ("Segment", None, 16),
    ("Overall", "0.00", 9),
    ("Attractiveness", "0.00", 9),
    ("Strength", "0.00", 9),
    ("Quadrant", None, 11),
    ("Coverage", "0%", 9),
    ("P(top K)", "0%", 9),
    ("Rank p5", "0", 8),
    ("Rank p95", "0", 8),
    ("Effort (FTE)", "0.00", 9),
    ("Selected", "center", 9),
    ("Ref", None, 14),
)
QUADRANT_FILLS = {"Strategic": "#C6EFCE", "Star": "#BDD7EE", "Status": "#FFEB9C", "Streamline": "#E7E6E6"}
WHATIF_FIRST_ROW = 8  # 1-based, as in the kamtui workbook
WHATIF_FIRST_VALUE = 7  # 1-based column of the first normalised value


def kamtui_writer():
    """kamtui's selection workbook writer, or None when it is not available (yet)."""
    try:
        from kamtui.excel.selection_workbook import write_selection_workbook
    except ImportError:
        return None
    return write_selection_workbook


def _col(index: int) -> str:
    """0-based column index -> letters."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _ranking_row(a) -> tuple:
    return (
        a.rank,
        a.account,
        a.owner,
        a.segment,
        a.overall,
        a.attractiveness,
        a.strength,
        a.quadrant,
        a.coverage,
        a.p_top_k,
        a.rank_p5,
        a.rank_p95,
        a.effort,
        a.selected,
        a.ref,
    )


def _whatif_formulas(row: int, first: int, last: int, m: int) -> tuple[str, str, str]:
    a, z = _col(WHATIF_FIRST_VALUE - 1), _col(WHATIF_FIRST_VALUE - 1 + m - 1)
    points = f"${a}$3:${z}$3"
    values = f"{a}{row}:{z}{row}"
    present = f"SUMPRODUCT({points},--ISNUMBER({values}))"
    overall = f'=IF({present}>0,10*SUMPRODUCT({points},{values})/{present},"")'
    scores = f"$B${first}:$B${last}"
    rank = f"=IF(ISNUMBER(B{row}),_xlfn.RANK.EQ(B{row},{scores}),COUNT({scores})+1)"
    return overall, rank, f"=E{row}-C{row}"


# ------------------------------------------------------------------------------------------- XlsxWriter


def write_xlsxwriter(ranking, target: Path) -> Path:
    """The same sheets, rows and formats with XlsxWriter in constant_memory mode."""
    import xlsxwriter

    criteria = ranking.criteria.criteria
    ids = [c.id for c in criteria]
    m = len(ids)
    n = len(ranking.accounts)
    wb = xlsxwriter.Workbook(
        str(target), {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    top = {"valign": "top"}
    header = wb.add_format(
        {"bold": True, "bg_color": "#D9E1F2", "valign": "vcenter", "text_wrap": True, "bottom": 1}
    )
    title = wb.add_format({"bold": True, "font_size": 14})
    label = wb.add_format({"bold": True, "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    fmt = {
        spec: wb.add_format({**top, "align": "center"} if spec == "center" else {**top, "num_format": spec})
        for spec in ("0", "0.00", "0%", "0.000", "0.0%", "center")
    }
    points_input = wb.add_format(
        {"bold": True, "bg_color": "#FFF2CC", "num_format": "0.##", "border": 1, "border_color": "#BF9000"}
    )
    fills = {q: wb.add_format({"bg_color": c}) for q, c in QUADRANT_FILLS.items()}

    def cell(ws, r: int, c: int, value, style=None) -> None:
        if value is None or (isinstance(value, float) and value != value):
            if style is not None:
                ws.write_blank(r, c, None, style)
        elif isinstance(value, bool):
            ws.write_boolean(r, c, value, style)
        elif isinstance(value, int | float):
            ws.write_number(r, c, value, style)
        else:
            ws.write_string(r, c, str(value), style)

    # Ranking
    ws = wb.add_worksheet("Ranking")
    for c, (_, _, width) in enumerate(RANKING_COLUMNS):
        ws.set_column(c, c, width)
    ws.freeze_panes(1, 2)
    ws.repeat_rows(0)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    styles = [fmt[spec] if spec else None for _, spec, _ in RANKING_COLUMNS]
    for c, (name, _, _) in enumerate(RANKING_COLUMNS):
        ws.write_string(0, c, name, header)
    for r, account in enumerate(ranking.accounts, start=1):
        for c, value in enumerate(_ranking_row(account)):
            cell(ws, r, c, value, styles[c])
    last = n  # 0-based last row
    ws.autofilter(0, 0, last, len(RANKING_COLUMNS) - 1)  # add_table is not available in constant_memory
    bar = {"type": "data_bar", "min_type": "num", "min_value": 0, "max_type": "num", "max_value": 10}
    for c in (4, 5, 6):
        ws.conditional_format(1, c, last, c, {**bar, "bar_color": "#5B9BD5"})
    for q, style in fills.items():
        ws.conditional_format(
            1, 7, last, 7, {"type": "cell", "criteria": "==", "value": f'"{q}"', "format": style}
        )
    ws.conditional_format(1, 9, last, 9, {**bar, "max_value": 1, "bar_color": "#A9D08E"})

    # Scores
    ws = wb.add_worksheet("Scores")
    ws.set_column(0, 0, 7)
    ws.set_column(1, 1, 32)
    ws.set_column(2, 1 + 2 * m, 14)
    ws.freeze_panes(2, 2)
    ws.repeat_rows(0, 1)
    ws.set_landscape()
    ws.write_string(0, 2, "Raw values as imported (empty = missing)", label)
    ws.write_string(0, 2 + m, "Normalised 0-1 (1 = best: min-max, log1p where set, cost inverted)", label)
    ws.set_row(1, 45)
    names = ["Rank", "Account", *(c.name for c in criteria), *(c.name for c in criteria)]
    for c, name in enumerate(names):
        ws.write_string(1, c, name, header)
    unit = fmt["0.000"]
    for r, account in enumerate(ranking.accounts, start=2):
        ws.write_number(r, 0, account.rank, fmt["0"])
        ws.write_string(r, 1, account.account)
        values, normalised = account.values, account.normalised
        for j, cid in enumerate(ids):
            cell(ws, r, 2 + j, values.get(cid))
            cell(ws, r, 2 + m + j, normalised.get(cid), unit)
    ws.autofilter(1, 0, max(n + 1, 2), 1 + 2 * m)

    # Criteria
    ws = wb.add_worksheet("Criteria")
    headers = ("Id", "Name", "Group", "Kind", "Scale from", "Scale to", "Unit", "Transform", "Direction")
    headers += ("Points", "Weight", "Description")
    for c, name in enumerate(headers):
        ws.write_string(0, c, name, header)
    for r, crit in enumerate(criteria, start=1):
        lo, hi = crit.scale if crit.scale is not None else (None, None)
        row = (
            crit.id,
            crit.name,
            crit.group,
            crit.kind,
            lo,
            hi,
            crit.unit or None,
            "log1p" if crit.is_log else None,
        )
        row += (
            crit.direction,
            ranking.points.get(crit.id),
            ranking.weights.get(crit.id),
            crit.description or None,
        )
        for c, value in enumerate(row):
            cell(
                ws,
                r,
                c,
                value,
                fmt["0.0%"] if c == 10 else fmt["0.00"] if c in (4, 5, 9) else wrap if c == 11 else None,
            )
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, m, len(headers) - 1)

    # What-if
    ws = wb.add_worksheet("What-if")
    first_value = WHATIF_FIRST_VALUE - 1
    for c, width in enumerate((32, 10, 9, 10, 9, 9)):
        ws.set_column(c, c, width)
    ws.set_column(first_value, first_value + m - 1, 13)
    ws.freeze_panes(WHATIF_FIRST_ROW - 1, 1)
    ws.write_string(
        0, 0, "What-if: edit the yellow points in row 3; overall scores and ranks recalculate", title
    )
    ws.set_row(1, 45)
    ws.write_string(1, 0, "Criterion", label)
    ws.write_string(2, 0, "Points (edit these)", label)
    ws.write_string(3, 0, "Weight (share of points)", label)
    ws.write_string(4, 0, "Group", label)
    a, z = _col(first_value), _col(first_value + m - 1)
    for j, crit in enumerate(criteria):
        ws.write_string(1, first_value + j, crit.name, header)
        ws.write_number(2, first_value + j, ranking.points.get(crit.id), points_input)
        letter = _col(first_value + j)
        ws.write_formula(
            3, first_value + j, f'=IF(SUM(${a}$3:${z}$3)>0,{letter}3/SUM(${a}$3:${z}$3),"")', fmt["0.0%"]
        )
        ws.write_string(4, first_value + j, crit.group)
    ws.write_string(5, 0, "Overall = 10 x SUMPRODUCT(points, values) / SUMPRODUCT(points, values present).")
    ws.set_row(6, 30)
    for c, name in enumerate(
        [
            "Account",
            "What-if overall",
            "What-if rank",
            "Run overall",
            "Run rank",
            "Rank change",
            *(c.name for c in criteria),
        ]
    ):
        ws.write_string(6, c, name, header)
    first, last_row = WHATIF_FIRST_ROW, WHATIF_FIRST_ROW + n - 1
    for offset, account in enumerate(ranking.accounts):
        r = first - 1 + offset
        overall, rank, change = _whatif_formulas(r + 1, first, last_row, m)
        ws.write_string(r, 0, account.account)
        ws.write_formula(r, 1, overall, fmt["0.00"])
        ws.write_formula(r, 2, rank, fmt["0"])
        cell(ws, r, 3, account.overall, fmt["0.00"])
        ws.write_number(r, 4, account.rank)
        ws.write_formula(r, 5, change, fmt["0"])
        normalised = account.normalised
        for j, cid in enumerate(ids):
            cell(ws, r, first_value + j, normalised.get(cid), unit)
    ws.data_validation(
        2, first_value, 2, first_value + m - 1, {"validate": "decimal", "criteria": ">=", "value": 0}
    )
    ws.conditional_format(first - 1, 1, last_row - 1, 1, {**bar, "bar_color": "#5B9BD5"})
    ws.conditional_format(
        first - 1,
        5,
        last_row - 1,
        5,
        {"type": "cell", "criteria": ">", "value": 0, "format": fills["Strategic"]},
    )
    ws.conditional_format(
        first - 1,
        5,
        last_row - 1,
        5,
        {"type": "cell", "criteria": "<", "value": 0, "format": fills["Status"]},
    )
    ws.autofilter(6, 0, last_row - 1, first_value + m - 1)

    # Portfolio: quadrant counts, threshold lines, selected accounts, one scatter chart over Ranking
    ws = wb.add_worksheet("Portfolio")
    ws.write_string(0, 0, "Portfolio: strength (x) against attractiveness (y), both 0-10", title)
    counts: dict[str | None, list[int]] = {}
    selected = []
    for account in ranking.accounts:
        entry = counts.setdefault(account.quadrant, [0, 0])
        entry[0] += 1
        if account.selected:
            entry[1] += 1
            selected.append(account)
    for c, name in enumerate(("Quadrant", "Accounts", "Selected")):
        ws.write_string(2, c, name, header)
    r = 3
    for q in QUADRANT_FILLS:
        ws.write_string(r, 0, q, fills[q])
        ws.write_number(r, 1, counts.get(q, [0, 0])[0])
        ws.write_number(r, 2, counts.get(q, [0, 0])[1])
        r += 1
    thresholds = ranking.criteria.thresholds
    r += 1
    ws.write_row(r, 0, ("Threshold lines", "Strength", "Attractiveness"), header)
    lines = r + 1
    for row in (
        ("Attractiveness threshold", 0, thresholds.attractiveness),
        (None, 10, thresholds.attractiveness),
    ):
        r += 1
        for c, value in enumerate(row):
            cell(ws, r, c, value)
    for row in (("Strength threshold", thresholds.strength, 0), (None, thresholds.strength, 10)):
        r += 1
        for c, value in enumerate(row):
            cell(ws, r, c, value)
    r += 2
    ws.write_row(
        r, 0, ("Selected account", "Strength", "Attractiveness", "Rank", "Overall", "Quadrant"), header
    )
    first_selected = r + 1
    for account in selected:
        r += 1
        for c, value in enumerate(
            (
                account.account,
                account.strength,
                account.attractiveness,
                account.rank,
                account.overall,
                account.quadrant,
            )
        ):
            cell(ws, r, c, value, fmt["0.00"] if c in (1, 2, 4) else None)
    chart = wb.add_chart({"type": "scatter"})
    chart.add_series(
        {
            "name": "All accounts",
            "categories": ["Ranking", 1, 6, n, 6],
            "values": ["Ranking", 1, 5, n, 5],
            "marker": {
                "type": "circle",
                "size": 5,
                "fill": {"color": "#A6A6A6"},
                "border": {"color": "#7F7F7F"},
            },
        }
    )
    if selected:
        chart.add_series(
            {
                "name": "Selected",
                "categories": ["Portfolio", first_selected, 1, r, 1],
                "values": ["Portfolio", first_selected, 2, r, 2],
                "marker": {"type": "diamond", "size": 8, "fill": {"color": "#2E75B6"}},
            }
        )
    for start, name in ((lines, "Attractiveness threshold"), (lines + 2, "Strength threshold")):
        chart.add_series(
            {
                "name": name,
                "categories": ["Portfolio", start, 1, start + 1, 1],
                "values": ["Portfolio", start, 2, start + 1, 2],
                "line": {"color": "#C00000", "dash_type": "dash", "width": 1.5},
                "marker": {"type": "none"},
            }
        )
    chart.set_title({"name": "Account portfolio"})
    chart.set_x_axis({"name": "Strength (0-10)", "min": 0, "max": 10, "major_unit": 1})
    chart.set_y_axis({"name": "Attractiveness (0-10)", "min": 0, "max": 10, "major_unit": 1})
    chart.set_legend({"position": "bottom"})
    ws.insert_chart("H2", chart)

    # About
    ws = wb.add_worksheet("About")
    ws.set_column(0, 0, 30)
    ws.set_column(1, 1, 100)
    ws.write_string(0, 0, "About this workbook", title)
    facts = _about_facts(ranking, len(selected))
    for r, (name, value) in enumerate(facts, start=1):
        ws.write_string(r, 0, name, label)
        cell(ws, r, 1, value, wrap)
    wb.close()
    return target


def _about_facts(ranking, selected: int) -> list[tuple[str, object]]:
    params = ranking.params
    return [
        ("Selection run", ranking.run_id if ranking.run_id is not None else "not saved"),
        ("Criteria set", ranking.criteria.id),
        ("Criteria set title", ranking.criteria.title),
        ("Criteria", len(ranking.criteria.criteria)),
        ("Accounts ranked", len(ranking.accounts)),
        ("Accounts selected", selected),
        ("K (key accounts wanted)", params.top_k),
        ("Robustness samples", params.samples),
        ("Seed", params.seed),
        ("Concentration (kappa)", params.kappa),
        ("Binding limits", "; ".join(ranking.binding) or "none"),
        *(("Note", note) for note in ranking.notes),
    ]


# ------------------------------------------------------------------------------------ bare openpyxl dump


def write_openpyxl_bare(ranking, target: Path) -> Path:
    """The same cell values (formulas included) in openpyxl write-only mode, without any style."""
    from openpyxl import Workbook

    criteria = ranking.criteria.criteria
    ids = [c.id for c in criteria]
    m, n = len(ids), len(ranking.accounts)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Ranking")
    ws.append([name for name, _, _ in RANKING_COLUMNS])
    for account in ranking.accounts:
        ws.append(_ranking_row(account))
    ws = wb.create_sheet("Scores")
    ws.append([None, None, "Raw values as imported", *[None] * (m - 1), "Normalised 0-1"])
    ws.append(["Rank", "Account", *(c.name for c in criteria), *(c.name for c in criteria)])
    for a in ranking.accounts:
        ws.append([a.rank, a.account, *(a.values.get(c) for c in ids), *(a.normalised.get(c) for c in ids)])
    ws = wb.create_sheet("Criteria")
    for crit in criteria:
        ws.append(
            [
                crit.id,
                crit.name,
                crit.group,
                crit.kind,
                ranking.points.get(crit.id),
                ranking.weights.get(crit.id),
            ]
        )
    ws = wb.create_sheet("What-if")
    pad = [None] * (WHATIF_FIRST_VALUE - 2)
    ws.append(["What-if"])
    ws.append(["Criterion", *pad, *(c.name for c in criteria)])
    ws.append(["Points", *pad, *(ranking.points.get(c) for c in ids)])
    ws.append(["Weight"])
    ws.append(["Group", *pad, *(c.group for c in criteria)])
    ws.append(["Overall = ..."])
    ws.append(["Account", "What-if overall", "What-if rank", "Run overall", "Run rank", "Rank change"])
    first, last = WHATIF_FIRST_ROW, WHATIF_FIRST_ROW + n - 1
    for offset, a in enumerate(ranking.accounts):
        overall, rank, change = _whatif_formulas(first + offset, first, last, m)
        ws.append([a.account, overall, rank, a.overall, a.rank, change, *(a.normalised.get(c) for c in ids)])
    ws = wb.create_sheet("About")
    for name, value in _about_facts(ranking, len(ranking.selected)):
        ws.append([name, value])
    wb.save(str(target))
    return target


def write_kamtui(ranking, target: Path) -> Path:
    writer = kamtui_writer()
    if writer is None:
        raise RuntimeError(f"{KAMTUI_FUNCTION} is not available")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return writer(ranking, target, exported_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))


WRITERS = {
    "kamtui selection workbook (openpyxl write-only)": write_kamtui,
    "XlsxWriter constant_memory, same rows and formats": write_xlsxwriter,
    "openpyxl write-only, bare dump (no styles)": write_openpyxl_bare,
}
KAMTUI = "kamtui selection workbook (openpyxl write-only)"
XLSXWRITER = "XlsxWriter constant_memory, same rows and formats"


# --------------------------------------------------------------------------------------- memory (child)


def _rss_kb(field: str = "VmRSS") -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _child(writer: str, data: str, target: str) -> None:
    """Load the ranking, write it once, and print the memory the write took (JSON).

    On Linux the resident high-water mark (VmHWM) is reset to the current resident size just before
    the write (``/proc/self/clear_refs``), so the peak of the write itself is measured exactly; where
    that is not possible the write is traced with tracemalloc instead (slower, Python allocations only).
    """
    import gc
    import resource
    import tracemalloc

    with open(data, "rb") as handle:
        ranking = pickle.load(handle)
    gc.collect()
    before = _rss_kb()
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        reset = _rss_kb("VmHWM") is not None and before is not None
    except OSError:
        reset = False
    out: dict[str, object] = {"rss_before_mb": (before or 0) / 1024}
    if reset:
        WRITERS[writer](ranking, Path(target))
        hwm = _rss_kb("VmHWM") or 0
        out["process_peak_mb"] = hwm / 1024
        out["write_peak_mb"] = max(0, hwm - (before or 0)) / 1024
        out["method"] = "peak RSS"
    else:
        tracemalloc.start()
        WRITERS[writer](ranking, Path(target))
        out["write_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
        out["process_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        out["method"] = "tracemalloc"
    print(json.dumps(out))


def child_memory(writer: str, data: Path, target: Path) -> dict[str, float]:
    code = "import sys; from benchmarks.bench_excel import _child; _child(*sys.argv[1:])"
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-c", code, writer, str(data), str(target)],
        capture_output=True,
        text=True,
        env=env,
        timeout=3600,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


# ---------------------------------------------------------------------------------------------- run


def run(config: Config) -> Section:
    from benchmarks import data

    section = Section(NAME)
    n = 2_000 if config.quick else 100_000
    repeats = 1 if config.quick else min(config.repeats, 3)
    writers = dict(WRITERS)
    missing = []
    if kamtui_writer() is None:
        writers.pop(KAMTUI)
        missing.append(f"kamtui: {KAMTUI_FUNCTION} not available")
    if not package_version("XlsxWriter"):
        writers.pop(XLSXWRITER)
        missing.append("XlsxWriter not installed (pip install -e '.[bench]')")

    ranking = data.ranking(n)
    with tempfile.TemporaryDirectory(prefix="kamtui-bench-excel-") as tmp:
        folder = Path(tmp)
        pickled = folder / "ranking.pickle"
        with open(pickled, "wb") as handle:
            pickle.dump(ranking, handle, protocol=pickle.HIGHEST_PROTOCOL)
        targets = {name: folder / f"{i}.xlsx" for i, name in enumerate(writers)}
        timings = measure_interleaved(
            {name: (lambda w=writer, t=targets[name]: w(ranking, t)) for name, writer in writers.items()},
            repeats=repeats,
            min_time=0,
            warmup=0,
        )
        times = {name: t.median for name, t in timings.items()}
        sizes = {name: target.stat().st_size for name, target in targets.items()}
        memory = {name: child_memory(name, pickled, folder / f"m{i}.xlsx") for i, name in enumerate(writers)}
    section.figures = {"accounts": n, "seconds": times, "bytes": sizes, "memory": memory}

    table = section.table(
        f"Excel: selection workbook of {n:,} ranked accounts (6 sheets)",
        [
            "writer",
            "median",
            "ratio to XlsxWriter",
            f"<= {TIME_TARGET}x",
            "write peak memory",
            f"< {MEMORY_TARGET_MB:.0f} MB",
            "file",
        ],
    )
    base = times.get(XLSXWRITER)
    for name, seconds in times.items():
        r = ratio(seconds, base)
        mem = memory[name]
        peak = mem.get("write_peak_mb")
        is_kam = name == KAMTUI
        table.add(
            name,
            fmt_time(seconds),
            fmt_ratio(r),
            met(r, TIME_TARGET) if is_kam else "",
            fmt_mb(peak),
            ("yes" if peak is not None and peak < MEMORY_TARGET_MB else "NO") if is_kam else "",
            f"{sizes[name] / 2**20:.1f} MB",
        )
    if KAMTUI not in times:
        table.add(KAMTUI, "not available", "n/a", "n/a", "n/a", "n/a", "")
    table.notes.extend(missing)
    methods = sorted({str(m.get("method")) for m in memory.values()})
    table.notes.append(
        f"write peak memory ({', '.join(methods)}): the resident high-water mark during the write above the "
        f"resident memory before it, in a fresh process holding the {n:,}-account ranking (process peaks "
        "incl. that input: " + ", ".join(fmt_mb(m.get("process_peak_mb")) for m in memory.values()) + ")"
    )
    table.notes.append(
        "kamtui's figure includes its atomic save (temporary file, fsync, rename); XlsxWriter has no Excel "
        "table in constant_memory mode (autofilter instead)"
    )
    return section
