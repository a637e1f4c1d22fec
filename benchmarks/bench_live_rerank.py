"""Live re-ranking in the TUI: time from a weight key (+) to the ranking table updated, 1,000 and 10,000 accounts.

Standalone: ``python benchmarks/bench_live_rerank.py [--presses N]``. For each size a database of random
accounts (12 criteria of kam-default, a few values missing) is built in a temporary folder, the app is
run headless with Pilot on the Weights and ranking screen, and ``+`` is pressed N times. Two numbers:

* key -> table updated: from the key sent to the table holding the new order and its frame painted
  (``benchmarks.bench_screens._hit``: what a person sees; Pilot's own press waits for the process to be
  idle, which would include the robustness worker);
* live part: inside the app, from the weight action to the table's data swapped (Ranker + group scores
  + pick + the redraw request), as measured by the screen itself.

Robustness runs in a worker after each change and is not part of either number (it is cancelled by the
next change); the printed p50/p99 are in milliseconds.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build_db(path: Path, n: int, seed: int = 7) -> None:
    from kamtui.core.criteria_file import load_criteria
    from kamtui.store import open_store
    from kamtui.store.accounts import AccountUpdate, apply_updates

    criteria = load_criteria("kam-default")
    rng = np.random.default_rng(seed)
    updates = []
    for i in range(n):
        values: dict[str, float | None] = {}
        for c in criteria.criteria:
            if rng.random() < 0.03:
                continue  # missing
            if c.scale is not None:
                lo, hi = c.scale
                values[c.id] = float(rng.integers(int(lo), int(hi) + 1))
            elif c.is_log:
                values[c.id] = float(round(rng.lognormal(14, 1.5)))
            else:
                values[c.id] = float(round(rng.uniform(0, 100), 1))
        owner = f"KAM {i % 12}"
        updates.append(AccountUpdate(f"Account {i:05d}", {"owner": owner, "effort": 0.25}, values))
    with open_store(path) as store:
        apply_updates(store, updates)


def percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.array(values), q))


async def measure(db: Path, presses: int) -> tuple[list[float], list[float], float]:
    from kamtui.tui.app import make_app
    from kamtui.tui.screens.selection import SelectionScreen
    from kamtui.tui.widgets.ranking_table import RankingTable

    app = make_app(db, db_label=db.name)
    outer: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("w")
        for _ in range(200):  # wait for the screen to load the accounts
            await pilot.pause(0.05)
            screen = app.screen
            if isinstance(screen, SelectionScreen) and screen.live is not None:
                break
        screen = app.screen
        assert isinstance(screen, SelectionScreen) and screen.live is not None
        table = screen.query_one(RankingTable)
        await pilot.press("down", "down", "down")  # strategic fit: moves the order
        idle: list[float] = []
        for _ in range(10):  # what Pilot itself costs: a key that changes nothing
            started = time.perf_counter()
            await pilot.press("f24")
            await pilot.pause()
            idle.append(time.perf_counter() - started)
        screen.timings.clear()
        from benchmarks.bench_screens import _hit

        for k in range(presses):
            key = "plus" if k % 2 == 0 else "minus"
            view = table.view
            # to the frame painted (Pilot's press would also wait for the robustness worker's thread)
            outer.append(await _hit(pilot, key, lambda view=view: table.view is not view))
            assert table.view is not view, "the table did not update"
        inner = list(screen.timings)
        await app.workers.wait_for_complete()
    return [t * 1000 for t in outer], [t * 1000 for t in inner], statistics.median(idle) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=60)
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    args = parser.parse_args()
    print(f"live re-rank (kam-default, 12 criteria), {args.presses} weight keys per size, times in ms")
    print(f"{'accounts':>9}  {'key->table p50':>14} {'p99':>8}  {'live part p50':>13} {'p99':>8}")
    with tempfile.TemporaryDirectory() as folder:
        for n in args.sizes:
            db = Path(folder) / f"accounts-{n}.db"
            build_db(db, n)
            outer, inner, idle = asyncio.run(measure(db, args.presses))
            print(
                f"{n:>9}  {statistics.median(outer):>14.2f} {percentile(outer, 99):>8.2f}  "
                f"{statistics.median(inner):>13.2f} {percentile(inner, 99):>8.2f}   "
                f"(Pilot alone, a key doing nothing: {idle:.2f})"
            )


if __name__ == "__main__":
    main()
