"""Timing helpers, tables and machine information shared by the benchmarks.

Every figure is the median of several repeats; a repeat of a fast function calls it as many times as
needed to last ``min_time`` (timer resolution and one-off hiccups average out), and the figure is the
time per call. The machine is shared (other sessions run tests on it), so the medians are what to read;
the spread (min .. max of the repeats) is kept for the JSON output.
"""

from __future__ import annotations

import gc
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from typing import Any


@dataclass(frozen=True)
class Config:
    """What a benchmark run asks for: ``quick`` is the smoke mode (small sizes, few repeats)."""

    quick: bool = False
    repeats: int = 7

    @property
    def min_time(self) -> float:
        """Seconds one repeat of a fast function should last (its call is looped to reach it)."""
        return 0.01 if self.quick else 0.05


@dataclass(frozen=True)
class Timing:
    """Seconds per call: the median over the repeats, and every repeat's figure."""

    median: float
    runs: tuple[float, ...]
    loops: int = 1

    @property
    def low(self) -> float:
        return min(self.runs)

    @property
    def high(self) -> float:
        return max(self.runs)

    def to_json(self) -> dict[str, Any]:
        return {"median_s": self.median, "runs_s": list(self.runs), "loops": self.loops}


def measure(
    fn: Callable[[], object],
    repeats: int = 7,
    min_time: float = 0.05,
    warmup: int = 1,
    setup: Callable[[], object] | None = None,
) -> Timing:
    """Median seconds per call of ``fn`` over ``repeats`` repeats (each looped to last ``min_time``).

    ``setup`` (not timed) runs before every repeat, and then each repeat calls ``fn`` once: use it when
    ``fn`` consumes its input. The garbage collector is off while timing (as in ``timeit``).
    """
    for _ in range(warmup):
        if setup is not None:
            setup()
        fn()
    loops = 1
    if setup is None:
        start = time.perf_counter()
        fn()
        once = time.perf_counter() - start
        if once < min_time:
            loops = min(100_000, max(1, math.ceil(min_time / max(once, 1e-7))))
    runs = []
    enabled = gc.isenabled()
    try:
        for _ in range(repeats):
            if setup is not None:
                setup()
            gc.collect()
            gc.disable()
            start = time.perf_counter()
            for _ in range(loops):
                fn()
            runs.append((time.perf_counter() - start) / loops)
            if enabled:
                gc.enable()
    finally:
        if enabled:
            gc.enable()
    return Timing(statistics.median(runs), tuple(runs), loops)


def measure_interleaved(
    fns: dict[str, Callable[[], object]],
    repeats: int = 7,
    min_time: float = 0.05,
    warmup: int = 1,
) -> dict[str, Timing]:
    """:func:`measure` for several functions, their repeats interleaved (round r times each once).

    On a shared machine load comes in bursts: interleaving spreads a burst over every function alike,
    so the ratios between them stay fair even when the absolute figures move.
    """
    loops: dict[str, int] = {}
    for name, fn in fns.items():
        for _ in range(warmup):
            fn()
        start = time.perf_counter()
        fn()
        once = time.perf_counter() - start
        loops[name] = min(100_000, max(1, math.ceil(min_time / max(once, 1e-7)))) if once < min_time else 1
    runs: dict[str, list[float]] = {name: [] for name in fns}
    enabled = gc.isenabled()
    try:
        for _ in range(repeats):
            for name, fn in fns.items():
                gc.collect()
                gc.disable()
                count = loops[name]
                start = time.perf_counter()
                for _ in range(count):
                    fn()
                runs[name].append((time.perf_counter() - start) / count)
                if enabled:
                    gc.enable()
    finally:
        if enabled:
            gc.enable()
    return {name: Timing(statistics.median(r), tuple(r), loops[name]) for name, r in runs.items()}


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100) of ``values``, linear interpolation (numpy's default)."""
    data = sorted(values)
    if not data:
        return math.nan
    position = (len(data) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (position - low)


# ------------------------------------------------------------------------------------------ formatting


def fmt_time(seconds: float | None) -> str:
    """A duration with a unit that keeps 3 significant figures (n/a for None or NaN)."""
    if seconds is None or not math.isfinite(seconds):
        return "n/a"
    if seconds >= 10:
        return f"{seconds:.1f} s"
    if seconds >= 1:
        return f"{seconds:.2f} s"
    ms = seconds * 1e3
    if ms >= 100:
        return f"{ms:.0f} ms"
    if ms >= 10:
        return f"{ms:.1f} ms"
    if ms >= 1:
        return f"{ms:.2f} ms"
    return f"{ms:.3f} ms"


def fmt_ratio(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


def fmt_mb(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "n/a"
    return f"{value:.0f} MB" if value >= 10 else f"{value:.1f} MB"


def ratio(a: float | None, b: float | None) -> float | None:
    if a is None or b is None or not b or not (math.isfinite(a) and math.isfinite(b)):
        return None
    return a / b


def met(value: float | None, limit: float) -> str:
    """'yes' / 'NO' for value <= limit, 'n/a' when there is no value to judge."""
    if value is None or not math.isfinite(value):
        return "n/a"
    return "yes" if value <= limit else "NO"


@dataclass
class Table:
    """A titled table of text cells, printed aligned (or as Markdown), with notes under it."""

    title: str
    headers: Sequence[str]
    rows: list[Sequence[str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    align_numbers: bool = True  # right-align cells that start with a number

    def add(self, *cells: object) -> None:
        self.rows.append([str(c) for c in cells])

    def render(self) -> str:
        widths = [len(h) for h in self.headers]
        for row in self.rows:
            for i, cell in enumerate(row):
                widths[i] = max(widths[i], len(cell))

        def line(cells: Sequence[str]) -> str:
            parts = []
            for i, cell in enumerate(cells):
                numeric = self.align_numbers and i > 0 and _looks_numeric(cell)
                parts.append(cell.rjust(widths[i]) if numeric else cell.ljust(widths[i]))
            return "  ".join(parts).rstrip()

        out = [self.title, "-" * len(self.title), line(self.headers)]
        out.append("  ".join("-" * w for w in widths))
        out.extend(line(row) for row in self.rows)
        out.extend(f"  * {note}" for note in self.notes)
        return "\n".join(out)

    def markdown(self) -> str:
        out = [f"**{self.title}**", "", "| " + " | ".join(self.headers) + " |"]
        out.append("|" + "|".join("---" for _ in self.headers) + "|")
        out.extend("| " + " | ".join(row) + " |" for row in self.rows)
        if self.notes:
            out.append("")
            out.extend(f"- {note}" for note in self.notes)
        return "\n".join(out)

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "headers": list(self.headers), "rows": self.rows, "notes": self.notes}


def _looks_numeric(cell: str) -> bool:
    head = cell.split(" ")[0].rstrip("x%")
    try:
        float(head.replace(",", ""))
    except ValueError:
        return cell == "n/a"
    return True


# ------------------------------------------------------------------------------------------- machine


PEERS = ("pymcdm", "scikit-criteria", "XlsxWriter")
_hidden_peers: set[str] = set()


def hide_peers() -> None:
    """Run as if no peer were installed (``--no-peers``): kamtui's own figures only."""
    _hidden_peers.update(PEERS)


def package_version(name: str) -> str | None:
    """Installed version of a distribution, or None when it is not installed (or hidden by --no-peers)."""
    if name in _hidden_peers:
        return None
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def simd_features() -> str:
    """The SIMD extensions numpy found on this CPU (they decide how fast its sorts are)."""
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # numpy < 2
        try:
            from numpy.core._multiarray_umath import __cpu_features__ as features
        except ImportError:
            return "unknown"
    wanted = ("SSE42", "AVX2", "FMA3", "AVX512F", "AVX512_SKX", "AVX512_ICL", "AVX512_SPR")
    return " ".join(name for name in wanted if features.get(name)) or "none"


def blas_info() -> str:
    """numpy's BLAS library and its thread count (threaded BLAS is noisy on a shared 2-core machine)."""
    import numpy as np

    name = "unknown"
    try:
        config = np.show_config(mode="dicts")
        blas = config["Build Dependencies"]["blas"]
        name = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:
        pass
    threads = blas_threads()
    return f"{name}, {threads} thread(s)" if threads else name


def blas_threads() -> int | None:
    """BLAS threads in use (threadpoolctl when installed, else the environment), None if unknown."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            if os.environ.get(var, "").isdigit():
                return int(os.environ[var])
        return None
    for pool in threadpool_info():
        if pool.get("user_api") == "blas":
            return int(pool.get("num_threads") or 0) or None
    return None


def blas_modes() -> list[tuple[str, Callable[[], Any]]]:
    """(label, context manager factory): BLAS with its default threads, then limited to 1 thread.

    The second mode exists only when threadpoolctl is installed (it comes with the bench extra).
    """
    import contextlib

    threads = blas_threads()
    modes: list[tuple[str, Callable[[], Any]]] = [
        (f"default ({threads or '?'} thr.)", contextlib.nullcontext)
    ]
    if threads != 1:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            return modes
        modes.append(("1 thread", lambda: threadpool_limits(limits=1, user_api="blas")))
    return modes


def machine_info() -> dict[str, str]:
    """CPU, cores, load, OS, Python and the versions of every library the benchmarks touch."""
    cores = os.cpu_count() or 0
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = cores
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "n/a"
    import sqlite3

    info = {
        "cpu": cpu_model(),
        "cores": f"{cores} (usable: {usable})",
        "simd": simd_features(),
        "load average": load,
        "os": f"{platform.system()} {platform.release()}",
        "python": f"{platform.python_implementation()} {sys.version.split()[0]}",
        "sqlite": sqlite3.sqlite_version,
    }
    info["blas"] = blas_info()
    for name in (
        "kamtui",
        "numpy",
        "scipy",
        "openpyxl",
        "lxml",
        "textual",
        "sqlite-utils",
        "pymcdm",
        "scikit-criteria",
        "XlsxWriter",
    ):
        info[name] = package_version(name) or "not installed"
    return info


def machine_table(info: dict[str, str] | None = None) -> Table:
    table = Table("Machine", ["what", "value"], align_numbers=False)
    for key, value in (info or machine_info()).items():
        table.add(key, value)
    return table


@dataclass
class Section:
    """One benchmark's output: its tables and any headline figures for the JSON file."""

    name: str
    tables: list[Table] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    skipped: str | None = None

    def table(self, title: str, headers: Sequence[str]) -> Table:
        table = Table(title, headers)
        self.tables.append(table)
        return table

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "skipped": self.skipped,
            "figures": self.figures,
            "tables": [t.to_json() for t in self.tables],
        }
