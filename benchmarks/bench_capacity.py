"""Benchmark 7: the capacity pick, 2,000 accounts, 25 owners, a cap per KAM, K = 50 and two pins.

kamtui: ``kamtui.core.capacity.select`` as ``kamtui rank --capacity 20 --per-kam 1 --top 50 --include A
--include B`` calls it: dominance pruning, the MILP (HiGHS through scipy, presolve on, output silenced),
the tie-break solve and the binding analysis. Reference (issue 10): the same pick without the pins, in
the same run, interleaved. Target: the pick with pins <= 0.3 s on this machine.
"""

from __future__ import annotations

import numpy as np

from benchmarks.common import Config, Section, fmt_ratio, fmt_time, measure_interleaved, met, ratio

NAME = "capacity"
TARGET_S = 0.3
OWNERS = 25
TOP_K = 50
CAPACITY = 20.0
PER_KAM = 1.0


def run(config: Config) -> Section:
    from benchmarks import data
    from kamtui.core.capacity import select
    from kamtui.core.selection import score

    section = Section(NAME)
    n = 500 if config.quick else 2_000
    crit = data.criteria()
    names, _owners, _segments, _refs, effort, values = data.accounts(n, seed=3)
    owners = [f"KAM {i % OWNERS + 1:02d}" for i in range(n)]
    weights = np.array([c.weight for c in crit.criteria], dtype=float)
    scores = score(values, crit, weights, names)
    order = [names[i] for i in scores.order]
    pins = (order[120], order[n // 3])  # two accounts the pick would not take by itself

    def pick(include=()):
        return select(
            scores, names, TOP_K, effort, owners, capacity=CAPACITY, per_kam=PER_KAM, include=include
        )

    with_pins, without = pick(pins), pick()
    assert all(with_pins.selected[names.index(p)] for p in pins)
    timings = measure_interleaved(
        {"pins": lambda: pick(pins), "no pins": pick},
        repeats=3 if config.quick else config.repeats,
        min_time=config.min_time,
    )
    table = section.table(
        f"capacity pick, {n:,} accounts, {OWNERS} owners, capacity {CAPACITY:g} FTE, "
        f"{PER_KAM:g} FTE per KAM, K = {TOP_K}",
        ["configuration", "median", "low-high", "vs no pins", "target", "met?"],
    )
    base = timings["no pins"].median
    for label, result in (("two pins", timings["pins"]), ("no pins (reference)", timings["no pins"])):
        table.add(
            label,
            fmt_time(result.median),
            f"{fmt_time(result.low)}-{fmt_time(result.high)}",
            fmt_ratio(ratio(result.median, base)),
            f"<= {TARGET_S:g} s" if label == "two pins" else "",
            met(result.median, TARGET_S) if label == "two pins" else "",
        )
    table.notes.append(
        f"selected {with_pins.count} (pins) / {without.count}; binding: {', '.join(with_pins.binding) or 'none'}"
    )
    section.figures = {
        "pick_with_pins_s": timings["pins"].median,
        "pick_without_pins_s": base,
        "binding": with_pins.binding,
    }
    return section
