"""Run the benchmarks: ``python -m benchmarks [--quick] [NAME ...]`` (all of them by default).

Each benchmark prints a table with kamtui's figure, the peer's figure on the same data in the same run
and the ratio, next to the target of issue 7. A missed target is reported, never an error: the exit
status is 1 only when a benchmark itself breaks (for instance ranks that differ from a peer's).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import time
import traceback
from pathlib import Path

from benchmarks.common import Config, Section, hide_peers, machine_info, machine_table

BENCHMARKS = {
    "ranking": "benchmarks.bench_ranking",
    "robustness": "benchmarks.bench_robustness",
    "startup": "benchmarks.bench_startup",
    "answers": "benchmarks.bench_answers",
    "excel": "benchmarks.bench_excel",
    "import": "benchmarks.bench_import",
    "capacity": "benchmarks.bench_capacity",
    "screens": "benchmarks.bench_screens",
    "accounts": "benchmarks.bench_accounts",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="kamtui benchmarks against peers (issue 7). Peers: pip install -e '.[bench]'.",
    )
    parser.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}",
    )
    parser.add_argument("--quick", action="store_true", help="small sizes and few repeats (a smoke run)")
    parser.add_argument("--repeats", type=int, default=7, help="repeats per figure (median; default 7)")
    parser.add_argument(
        "--blas-threads",
        type=int,
        metavar="N",
        help="limit numpy's BLAS to N threads for the whole run (default: the library's own choice)",
    )
    parser.add_argument(
        "--no-peers", action="store_true", help="kamtui's own figures only, as if no peer were installed"
    )
    parser.add_argument("--json", metavar="PATH", help="also write every figure and table to PATH")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(unknown)} (choose from {', '.join(BENCHMARKS)})")
    names = args.names or list(BENCHMARKS)
    if args.blas_threads is not None:  # before numpy is imported (machine_info imports it)
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            os.environ[var] = str(args.blas_threads)
    config = Config(
        quick=args.quick, repeats=max(1, args.repeats if not args.quick else min(args.repeats, 3))
    )

    if args.no_peers:
        hide_peers()
    info = machine_info()
    print(machine_table(info).markdown() if args.markdown else machine_table(info).render())
    print(f"\nmode: {'quick (smoke run)' if config.quick else 'full'}; medians of {config.repeats} repeats")
    sections: list[Section] = []
    broken = []
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(BENCHMARKS[name])
            section = module.run(config)
        except Exception as error:
            traceback.print_exc()
            print(f"benchmark '{name}' FAILED: {type(error).__name__}: {error}", flush=True)
            broken.append(name)
            section = Section(name, skipped=f"failed: {type(error).__name__}: {error}")
            sections.append(section)
            continue
        sections.append(section)
        if section.skipped:
            print(f"skipped: {section.skipped}")
        for table in section.tables:
            print()
            print(table.markdown() if args.markdown else table.render())
        print(f"\n({name}: {time.perf_counter() - started:.1f} s)", flush=True)

    if args.json:
        payload = {
            "machine": info,
            "quick": config.quick,
            "repeats": config.repeats,
            "sections": [s.to_json() for s in sections],
        }
        Path(args.json).write_text(json.dumps(payload, indent=2, default=str), encoding="utf-8")
        print(f"\nwrote {args.json}")
    if broken:
        print(f"\nbroken benchmark(s): {', '.join(broken)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
