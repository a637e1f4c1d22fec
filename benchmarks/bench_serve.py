"""Benchmark: a workshop on ``kamtui serve``, N browser sessions on one 2-core machine (issue 12).

Run with ``python -m benchmarks.bench_serve [--sessions 40] [--quick]``. On a fresh demo database
(``kamtui demo --no-open``), a real ``kamtui serve --port 0`` process; N websocket sessions opened with
aiohttp's client, exactly as textual.js opens them (``/lead/<token>/ws?width=100&height=30`` and the
server's own Origin), each read continuously in the background as a browser tab would:

* time to first frame: from the websocket request to the app's first screen received (Home painted:
  its title is in the output). The first session opens alone; the other N - 1 open at once, as when a
  room scans the QR code together;
* memory: PSS and RSS of every app process (``/proc/<pid>/smaps_rollup``) with all N open, per session
  and in total with the server;
* CPU at idle: utime + stime of the server and every app process over a 10-s window without input,
  as % of one core;
* an answer's commit under that load: a separate process saves answers through the store API
  (``save_answer``, one transaction each) while the N sessions are open; the same process runs once
  before the server starts, for reference.

The sessions are the lead app (the participant app, ``kamtui participate``, is built elsewhere; pass
``--kind join --frame-text TEXT`` to measure it once it exists). Targets (issue 12): <= 60 MB per
session, first frame <= 2 s, commit p99 <= 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.common import Config, Section, fmt_mb, fmt_time, machine_table, met, percentile

NAME = "serve"
SESSIONS = 40
IDLE_WINDOW = 10.0
ANSWERS = 200
FRAME_TEXT = "Healthcheck assessments"
TARGET_MB = 60.0
TARGET_FIRST_FRAME = 2.0
TARGET_COMMIT_P99 = 0.050
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

COMMITTER = r"""
import json, sys, time
from kamtui.store import open_store
from kamtui.store.healthchecks import ensure_respondent, get_assessment, save_answer

db, assessment_id, count, name = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
times = []
with open_store(db) as store:
    indicators = [i.id for i in get_assessment(store, assessment_id).survey.indicators]
    respondent = ensure_respondent(store, assessment_id, name, "KAM")
    for n in range(count):
        start = time.perf_counter()
        save_answer(store, respondent, indicators[n % len(indicators)], 1 + n % 5, "rated")
        times.append(time.perf_counter() - start)
        time.sleep(0.005)
print(json.dumps(times))
"""


@dataclass
class Figures:
    first_sequential: list[float]
    first_burst: list[float]
    pss_mb: list[float]
    rss_mb: list[float]
    server_rss_mb: float
    idle_cpu_percent: float
    commit_reference: list[float]
    commit_idle: list[float]
    commit_burst: list[float]


def _children(pid: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                found.append(int(name))
    return found


def _cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / CLOCK_TICKS


def _memory_mb(pid: int) -> tuple[float, float]:
    """(PSS, RSS) of one process in MB, from /proc/<pid>/smaps_rollup."""
    values = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("Pss", "Rss"):
            values[key] = int(rest.split()[0]) / 1024
    return values["Pss"], values["Rss"]


def _commit(db: Path, assessment: int, count: int, name: str) -> list[float]:
    done = subprocess.run(
        [sys.executable, "-c", COMMITTER, str(db), str(assessment), str(count), name],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError(f"the committing process failed: {done.stderr[-2000:]}")
    return json.loads(done.stdout)


async def _session(client, url: str, origin: str, frame_text: str, keep: list) -> float:
    """Open one session; seconds to its first frame. The socket is then drained until closed."""
    import aiohttp

    start = time.monotonic()
    ws = await client.ws_connect(
        url.replace("http://", "ws://", 1) + "/ws?width=100&height=30", headers={"Origin": origin}
    )
    data = b""
    while frame_text.encode() not in data:
        message = await ws.receive(timeout=120)
        if message.type != aiohttp.WSMsgType.BINARY:
            raise RuntimeError(f"a session ended before its first frame: {message.data} {message.extra}")
        data += message.data
    took = time.monotonic() - start

    async def drain() -> None:
        async for _ in ws:
            pass

    keep.append((ws, asyncio.create_task(drain())))
    return took


async def _close_all(keep: list, served: subprocess.Popen) -> None:
    for ws, task in keep:
        await ws.close()
        task.cancel()
    keep.clear()
    deadline = time.monotonic() + 30
    while _children(served.pid) and time.monotonic() < deadline:
        await asyncio.sleep(0.1)


async def _measure(served: subprocess.Popen, url: str, port: int, args, db: Path) -> Figures:
    import aiohttp

    origin = f"http://127.0.0.1:{port}"
    keep: list = []
    async with aiohttp.ClientSession() as client:
        # 1. People arriving one after another: each session opens while the earlier ones are open.
        sequential = [
            await _session(client, url, origin, args.frame_text, keep) for _ in range(args.sessions)
        ]
        apps = _children(served.pid)
        if len(apps) != args.sessions:
            raise RuntimeError(f"expected {args.sessions} app processes, found {len(apps)}")
        await asyncio.sleep(2)  # let the apps settle (first loads, timers)
        memory = [_memory_mb(pid) for pid in apps]
        server_rss = _memory_mb(served.pid)[1]
        pids = [served.pid, *apps]
        before = _cpu_seconds(pids)
        await asyncio.sleep(args.idle_window)
        idle_cpu = (_cpu_seconds(pids) - before) / args.idle_window * 100
        idle_commits = await asyncio.to_thread(_commit, db, 2, args.answers, "Committer, sessions open")
        await _close_all(keep, served)
        # 2. The whole room at once (everyone scans the QR code together), answers committed meanwhile.
        committing = asyncio.create_task(
            asyncio.to_thread(_commit, db, 2, args.answers * 10, "Committer, burst")
        )
        burst = await asyncio.gather(
            *(_session(client, url, origin, args.frame_text, keep) for _ in range(args.sessions))
        )
        burst_commits = await committing
        await _close_all(keep, served)
    return Figures(
        sequential,
        list(burst),
        [m[0] for m in memory],
        [m[1] for m in memory],
        server_rss,
        idle_cpu,
        [],
        idle_commits,
        burst_commits,
    )


def measure(args) -> Figures:
    with tempfile.TemporaryDirectory(prefix="kamtui-bench-serve-") as tmp:
        db = Path(tmp) / "demo.db"
        subprocess.run(
            [sys.executable, "-m", "kamtui", "demo", "--no-open", "--db", str(db)],
            check=True,
            capture_output=True,
            timeout=300,
        )
        reference = _commit(db, 2, args.answers, "Committer alone")
        command = [sys.executable, "-m", "kamtui", "serve", "--port", "0", "--db", str(db)]
        command += ["--max-sessions", str(args.sessions + 5)]
        if args.kind == "join":
            command += ["--assessment", "2"]
        err = Path(tmp) / "serve.err"
        with err.open("w") as stderr:
            served = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True)
        try:
            lines = [served.stdout.readline().strip() for _ in range(2 if args.kind == "join" else 1)]
            url = next((line.split(": ", 1)[1] for line in lines if line.startswith(f"{args.kind}: ")), None)
            if url is None:
                raise RuntimeError(f"serve printed {lines!r}: {err.read_text()[-2000:]}")
            port = int(re.search(r":(\d+)/", url).group(1))
            figures = asyncio.run(_measure(served, url, port, args, db))
            figures.commit_reference = reference
        finally:
            served.send_signal(signal.SIGTERM)
            try:
                served.wait(timeout=30)
            except subprocess.TimeoutExpired:
                served.kill()
                served.wait()
    return figures


def report(figures: Figures, args) -> Section:
    section = Section(NAME)
    n = args.sessions
    pss, rss = figures.pss_mb, figures.rss_mb
    seq, burst = figures.first_sequential, figures.first_burst
    ref, idle, during = figures.commit_reference, figures.commit_idle, figures.commit_burst

    def spread(values: list[float]) -> dict[str, float]:
        return {"p50": percentile(values, 50), "p99": percentile(values, 99), "max": max(values)}

    section.figures = {
        "sessions": n,
        "kind": args.kind,
        "first_frame_s": {"one_after_another": spread(seq), "all_at_once": spread(burst)},
        "pss_mb": {"mean": sum(pss) / n, "max": max(pss), "total": sum(pss)},
        "rss_mb": {"mean": sum(rss) / n, "max": max(rss), "total": sum(rss)},
        "server_rss_mb": figures.server_rss_mb,
        "idle_cpu_percent_of_one_core": figures.idle_cpu_percent,
        "commit_s": {"no_server": spread(ref), "sessions_open": spread(idle), "during_burst": spread(during)},
    }
    table = section.table(
        f"kamtui serve: {n} {args.kind} sessions on one machine", ["figure", "value", "target", "met?"]
    )
    mean_pss = sum(pss) / n
    table.add(
        "memory per session: PSS mean (max)",
        f"{fmt_mb(mean_pss)} ({fmt_mb(max(pss))})",
        "<= 60 MB",
        met(mean_pss, TARGET_MB),
    )
    table.add("memory per session: RSS mean (max)", f"{fmt_mb(sum(rss) / n)} ({fmt_mb(max(rss))})", "", "")
    table.add(
        f"memory in total: {n} apps (PSS) + server (RSS {fmt_mb(figures.server_rss_mb)})",
        fmt_mb(sum(pss) + figures.server_rss_mb),
        "",
        "",
    )
    table.add(
        f"CPU at idle over {args.idle_window:g} s: server + apps",
        f"{figures.idle_cpu_percent:.1f} % of a core",
        "",
        "",
    )
    table.add(
        "first frame, one after another (k-th with k-1 open): p50 / p99",
        f"{fmt_time(percentile(seq, 50))} / {fmt_time(percentile(seq, 99))}",
        "<= 2 s",
        met(percentile(seq, 99), TARGET_FIRST_FRAME),
    )
    table.add(
        "first frame, one after another: first / last", f"{fmt_time(seq[0])} / {fmt_time(seq[-1])}", "", ""
    )
    table.add(
        f"first frame, all {n} at once: p50 / p99",
        f"{fmt_time(percentile(burst, 50))} / {fmt_time(percentile(burst, 99))}",
        "<= 2 s",
        met(percentile(burst, 99), TARGET_FIRST_FRAME),
    )
    for label, values, judged in (
        ("answer commit, no server running", ref, False),
        (f"answer commit, {n} sessions open (idle)", idle, True),
        (f"answer commit, while {n} sessions start at once", during, True),
    ):
        table.add(
            f"{label}: p50 / p99 / max ({len(values)})",
            f"{fmt_time(percentile(values, 50))} / {fmt_time(percentile(values, 99))} / {fmt_time(max(values))}",
            "p99 <= 50 ms" if judged else "",
            met(percentile(values, 99), TARGET_COMMIT_P99) if judged else "",
        )
    table.notes.append(
        f"sessions open the {args.kind} link (textual-serve web driver, 100 x 30) with the server's Origin; PSS "
        "shares the pages the app processes have in common (the interpreter, Textual), RSS counts them in each"
    )
    table.notes.append(
        "commits: a separate process, store API save_answer (one transaction each), 5 ms between answers"
    )
    return section


def run(config: Config) -> Section:
    """The benchmark with its defaults (5 sessions and a 3-s idle window in quick mode)."""
    args = _finish_args(_parser().parse_args(["--quick"] if config.quick else []))
    return report(measure(args), args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_serve", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--sessions", type=int, default=None, help=f"browser sessions (default {SESSIONS}; 5 with --quick)"
    )
    parser.add_argument("--quick", action="store_true", help="5 sessions, a 3-s idle window, 50 answers")
    parser.add_argument(
        "--kind", choices=["lead", "join"], default="lead", help="which link the sessions open"
    )
    parser.add_argument(
        "--frame-text", default=FRAME_TEXT, help="text that shows the app's first screen is painted"
    )
    parser.add_argument("--json", metavar="PATH", help="also write the figures to PATH")
    return parser


def _finish_args(args) -> argparse.Namespace:
    if args.sessions is None:
        args.sessions = 5 if args.quick else SESSIONS
    args.idle_window = 3.0 if args.quick else IDLE_WINDOW
    args.answers = 50 if args.quick else ANSWERS
    return args


def main(argv: list[str] | None = None) -> int:
    args = _finish_args(_parser().parse_args(argv))
    print(machine_table().render())
    section = report(measure(args), args)
    for table in section.tables:
        print()
        print(table.render())
    if args.json:
        Path(args.json).write_text(json.dumps(section.to_json(), indent=2, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
