"""The Accounts screen at 1,000 / 10,000 / 100,000 accounts: open it, page through it, what stays resident.

``python -m benchmarks accounts [--quick]``, or alone ``python -m benchmarks.bench_accounts [--quick]``. Each size gets a database of synthetic accounts
(:mod:`benchmarks.data`: kam-default, 12 criteria, ~2 % missing). Every round starts one fresh interpreter
per size (so resident memory is that size's alone) which runs the app headless with Pilot at 120 x 36 and
measures, in this order:

* reference, open: a bare Textual app pushing a screen with one ``Static`` until it is painted, and the
  Accounts screen with one account (the screen's own cost, which every size pays);
* open Accounts: from ``push_screen(AccountsScreen())`` until the table's first rows are drawn (the first
  frame a person can read), and until the screen has settled (the missing values counted, workers done);
* RSS with the screen open, then after leaving it (popped, garbage collected);
* PageDown -> frame: a key press and the pause after it (what Pilot takes for a frame), interleaved with
  the reference key, ``f24`` (bound to nothing), on the same screen; Pilot's pause waits for the process to
  go idle, so the no-op key's ~100 ms is Pilot's floor. Hence also, in the app: the page action and every
  line of the table drawn again (``render_lines``), the work a PageDown costs the UI thread.

Rounds are interleaved over the sizes (a burst of load on the shared machine hits every size alike); the
figures are medians over the rounds, with min..max. Targets (issue 19): open <= 1.5 s and RSS <= 250 MB
at 100,000 accounts, a page <= 33 ms.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Config, Section, fmt_mb, fmt_ratio, fmt_time, met, ratio

NAME = "accounts"
SIZES = (1, 1_000, 10_000, 100_000)  # 1: the screen's own cost (header, footer, styles), what sizes add to
QUICK_SIZES = (1, 1_000, 10_000)
OPEN_TARGET_S = 1.5
RSS_TARGET_MB = 250.0
PAGE_TARGET_S = 0.033
SCREEN = (120, 36)

HARNESS = r"""
import asyncio, gc, json, statistics, sys, time

def rss_mb():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")

async def bare_open(size):
    from textual.app import App
    from textual.screen import Screen
    from textual.widgets import Static

    drawn = []

    class Stamped(Static):
        def render(self):
            drawn.append(time.perf_counter())
            return super().render()

    class One(Screen):
        def compose(self):
            yield Stamped("one label", id="one")

    class Bare(App):
        pass

    times = []
    app = Bare()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        for _ in range(5):
            drawn.clear()
            started = time.perf_counter()
            await app.push_screen(One())
            while not drawn:
                await pilot.pause()
            times.append(drawn[0] - started)
            app.pop_screen()
            await pilot.pause()
    return statistics.median(times)

async def accounts(db, size, pages):
    from kamtui.tui.app import make_app
    from kamtui.tui.screens.accounts import AccountsScreen
    from kamtui.tui.widgets.matrix_table import MatrixTable
    from textual.geometry import Region

    app = make_app(db, db_label="bench.db")
    out = {}
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        out["rss_before_mb"] = rss_mb()
        screen = AccountsScreen()
        started = time.perf_counter()
        await app.push_screen(screen)
        table = screen.query_one("#accounts", MatrixTable)
        for _ in range(4000):
            await pilot.pause()
            if screen.rows is not None and screen.rows.first_drawn is not None:
                break
        out["open_s"] = screen.rows.first_drawn - started
        await app.workers.wait_for_complete()
        await pilot.pause()
        out["settled_s"] = time.perf_counter() - started
        out["rows"] = table.row_count
        out["rss_open_mb"] = rss_mb()
        paged, idle = [], []
        for k in range(pages):
            started = time.perf_counter()
            await pilot.press("pagedown" if k % 4 != 3 else "pageup")
            await pilot.pause()
            paged.append(time.perf_counter() - started)
            started = time.perf_counter()
            await pilot.press("f24")
            await pilot.pause()
            idle.append(time.perf_counter() - started)
        out["page_s"] = statistics.median(paged)
        out["noop_s"] = statistics.median(idle)
        region = Region(0, 0, table.size.width, table.size.height)
        inside = []
        for k in range(pages):  # in the app: the action and every line of the table drawn again
            started = time.perf_counter()
            table.action_page(1 if k % 4 != 3 else -1)
            table.render_lines(region)
            inside.append(time.perf_counter() - started)
        out["page_inside_s"] = statistics.median(inside)
        out["cursor_row"] = table.cursor_row
        app.pop_screen()
        await pilot.pause()
        del screen, table
        gc.collect()
        await pilot.pause()
        out["rss_after_mb"] = rss_mb()
    return out

async def main(db, pages):
    size = (int(sys.argv[3]), int(sys.argv[4]))
    out = await accounts(db, size, pages)
    out["bare_open_s"] = await bare_open(size)
    print("RESULT", json.dumps(out), flush=True)

asyncio.run(main(sys.argv[1], int(sys.argv[2])))
"""


def build_db(path: Path, n: int, seed: int = 0) -> Path:
    """``n`` synthetic accounts (benchmarks.data) stored as ``kamtui accounts import`` stores them."""
    from benchmarks import data
    from kamtui.store import open_store
    from kamtui.store.accounts import AccountUpdate, apply_updates

    ids = data.criteria().ids
    names, owners, _, _, effort, values = data.accounts(n, seed)
    updates = []
    for i in range(n):
        row = values[i].tolist()
        cells = {c: v for c, v in zip(ids, row, strict=True) if v == v}
        updates.append(AccountUpdate(names[i], {"owner": owners[i], "effort": float(effort[i])}, cells))
    with open_store(path) as store:
        apply_updates(store, updates)
    return path


def _env() -> dict[str, str]:
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    }
    for key in ("TEXTUAL", "TEXTUAL_DEVTOOLS", "KAMTUI_DB"):
        env.pop(key, None)
    return env


def one_round(db: Path, pages: int, env: dict[str, str]) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", HARNESS, str(db), str(pages), *map(str, SCREEN)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"exit {done.returncode}: {done.stderr.strip()[-800:]}")
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[len("RESULT ") :])
    raise RuntimeError(f"no RESULT line; stderr: {done.stderr[-400:]!r}")


def _spread(values: list[float], fmt) -> str:
    return f"{fmt(min(values))} .. {fmt(max(values))}"


def run(config: Config) -> Section:
    section = Section(NAME)
    sizes = QUICK_SIZES if config.quick else SIZES
    rounds = 2 if config.quick else max(3, min(config.repeats, 5))
    pages = 8 if config.quick else 24
    env = _env()
    runs: dict[int, list[dict[str, float]]] = {n: [] for n in sizes}
    with tempfile.TemporaryDirectory(prefix="kamtui-bench-accounts-") as tmp:
        dbs = {n: build_db(Path(tmp) / f"accounts-{n}.db", n) for n in sizes}
        for n in sizes:  # warm-up: file cache, .pyc
            one_round(dbs[n], 2, env)
        for _ in range(rounds):
            for n in sizes:
                runs[n].append(one_round(dbs[n], pages, env))
    section.figures = {"runs": {str(n): r for n, r in runs.items()}}

    def median(n: int, key: str) -> float:
        return statistics.median(r[key] for r in runs[n])

    def values(n: int, key: str) -> list[float]:
        return [r[key] for r in runs[n]]

    opened = section.table(
        f"Open Accounts (headless {SCREEN[0]} x {SCREEN[1]}): push -> first rows drawn",
        ["accounts", "open", "min .. max", "settled", "bare Static", "ratio", f"<= {OPEN_TARGET_S} s"],
    )
    for n in sizes:
        o, b = median(n, "open_s"), median(n, "bare_open_s")
        opened.add(
            f"{n:,}",
            fmt_time(o),
            _spread(values(n, "open_s"), fmt_time),
            fmt_time(median(n, "settled_s")),
            fmt_time(b),
            fmt_ratio(ratio(o, b)),
            met(o, OPEN_TARGET_S),
        )
    opened.notes.append(
        "settled: the missing values counted and every worker done; bare Static: a bare Textual app "
        "pushing a screen with one Static, same process; 1 account: the Accounts screen's own floor "
        "(header, footer, bindings, styles), what the larger sizes add to"
    )
    paged = section.table(
        "PageDown -> frame on Accounts, beside a no-op key (f24) on the same screen",
        [
            "accounts",
            "key -> frame",
            "min .. max",
            "no-op key",
            "ratio",
            "in the app",
            "min .. max",
            f"<= {PAGE_TARGET_S * 1000:.0f} ms",
        ],
    )
    for n in sizes:
        p, k, inside = median(n, "page_s"), median(n, "noop_s"), median(n, "page_inside_s")
        paged.add(
            f"{n:,}",
            fmt_time(p),
            _spread(values(n, "page_s"), fmt_time),
            fmt_time(k),
            fmt_ratio(ratio(p, k)),
            fmt_time(inside),
            _spread(values(n, "page_inside_s"), fmt_time),
            met(inside, PAGE_TARGET_S),
        )
    paged.notes.append(f"median over {pages} keys per round (3 PageDown : 1 PageUp), then over the rounds")
    paged.notes.append(
        "key -> frame: Pilot's press and pause, which wait for the process to go idle (the no-op key "
        "shows that floor); in the app: the page action and every line of the table drawn again"
    )
    memory = section.table(
        "Resident memory (RSS) of the app process",
        ["accounts", "app at Home", "Accounts open", "after leaving", f"<= {RSS_TARGET_MB:.0f} MB"],
    )
    for n in sizes:
        memory.add(
            f"{n:,}",
            fmt_mb(median(n, "rss_before_mb")),
            fmt_mb(median(n, "rss_open_mb")),
            fmt_mb(median(n, "rss_after_mb")),
            met(median(n, "rss_open_mb"), RSS_TARGET_MB),
        )
    memory.notes.append(
        f"medians of {rounds} rounds, sizes interleaved, one fresh process per size and round"
    )
    return section


if __name__ == "__main__":
    started = time.perf_counter()
    quick = "--quick" in sys.argv[1:]
    for table in run(Config(quick=quick)).tables:
        print(table.render(), end="\n\n")
    print(f"({time.perf_counter() - started:.1f} s)")
