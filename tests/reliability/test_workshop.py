"""A workshop on one database file: a TUI answering while other processes come and go, some killed.

Real processes only (DESIGN.md "Storage": the failure is between processes, one closing a descriptor
another relies on). The TUI (Pilot, in a process of its own) answers all 120 statements and opens Results
(a worker thread with its own connection) every few answers; meanwhile CLI readers and writers, a second
TUI, a plain ``sqlite3`` reader and store writers come and go, two writers are killed with SIGKILL. Then:
every answer any process reported as saved is in the database with its value, ``PRAGMA integrity_check``
is ``ok``, and no long-lived process ever held a deleted ``-wal``/``-shm``.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

PROCS = Path(__file__).with_name("workshop_procs.py")
ASSESSMENT = 1


def _spawn(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen:
    return subprocess.Popen(args, env=env, stdout=log.open("ab"), stderr=subprocess.STDOUT)


def _reported(folder: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(respondent, indicator) -> (value, status) of the last answer each process reported as saved."""
    final = {}
    for report in sorted(folder.glob("*.report")):
        for line in report.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 4:  # a line cut by SIGKILL mid-write is not a report
                respondent, indicator, value, status = parts
                final[(respondent, indicator)] = (value, status)
    return final


def _stored(db: Path) -> dict[tuple[str, str], tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(
            "SELECT r.name, x.indicator, x.value, x.status FROM answers x "
            "JOIN respondents r ON r.id = x.respondent_id WHERE x.status IS NOT NULL"
        ).fetchall()
    finally:
        conn.close()
    return {(n, i): ("-" if v is None else str(v), s) for n, i, v, s in rows}


@pytest.mark.slow
def test_workshop_of_processes_loses_no_answer_and_keeps_the_file_whole(cli, db_path, subprocess_env, tmp_path):
    assert cli("healthcheck", "new", "--title", "Workshop", "--programme", "Room 1").stdout == "1\n"
    env = subprocess_env()
    logs = tmp_path / "logs"
    logs.mkdir()
    python = sys.executable
    ready = tmp_path / "tui.ready"
    tui = _spawn(
        [python, str(PROCS), "tui", str(db_path), "Lead", str(logs / "tui.report"), str(ready), "12"],
        env,
        logs / "tui.log",
    )
    deadline = time.monotonic() + 60
    while not ready.exists():
        assert tui.poll() is None, (logs / "tui.log").read_text()
        assert time.monotonic() < deadline, "the TUI did not reach the survey"
        time.sleep(0.05)

    kamtui = [python, "-m", "kamtui"]
    visitors = itertools.cycle(
        [
            [*kamtui, "healthcheck", "list"],
            [*kamtui, "runs", "list"],
            [*kamtui, "healthcheck", "report", str(ASSESSMENT), "--json"],
            [python, str(PROCS), "visitor", str(db_path)],
            [*kamtui, "healthcheck", "list", "--json"],
            ["sqlite3", str(db_path), "SELECT count(*) FROM answers"],
            [*kamtui, "accounts", "list"],
        ]
    )
    cli_answers: list[tuple[subprocess.Popen, str, str, int]] = []
    writers: list[subprocess.Popen] = []
    running: list[subprocess.Popen] = []
    started = 0
    killed = 0
    sqlite3_cli = shutil.which("sqlite3")
    count = itertools.count()
    while tui.poll() is None:
        assert time.monotonic() < deadline + 240, "the TUI did not finish answering"
        n = next(count)
        running = [p for p in running if p.poll() is None]
        if len(running) < 3:
            if n % 4 == 3:  # a CLI writer: its answer counts as saved when it exits 0
                name = f"C{n:03d}"
                indicator, value = f"PCM-{n % 10 + 1:02d}", n % 5 + 1
                proc = _spawn(
                    [*kamtui, "healthcheck", "answer", str(ASSESSMENT), "--respondent", name,
                     "--role", "KAM", indicator, str(value)],
                    env,
                    logs / f"{name}.log",
                )
                cli_answers.append((proc, name, indicator, value))
            else:
                args = next(visitors)
                if args[0] == "sqlite3" and sqlite3_cli is None:
                    args = next(visitors)
                proc = _spawn(args, env, logs / f"visitor-{n:03d}.log")
            running.append(proc)
            started += 1
        if n % 25 == 0 and len(writers) < 6:  # a store writer answering all 120 as W<n>
            name = f"W{n:03d}"
            writers.append(
                _spawn(
                    [python, str(PROCS), "writer", str(db_path), str(ASSESSMENT), name,
                     str(logs / f"{name}.report"), "0.01"],
                    env,
                    logs / f"{name}.log",
                )
            )
            started += 1
        if n % 25 == 12 and killed < 2 and writers and writers[-1].poll() is None:
            writers[-1].send_signal(signal.SIGKILL)
            killed += 1
        time.sleep(0.05)

    assert tui.wait(timeout=30) == 0, (logs / "tui.log").read_text()[-3000:]
    for proc in running + writers:
        proc.wait(timeout=120)
    for proc, name, indicator, value in cli_answers:
        if proc.wait(timeout=60) == 0:
            (logs / f"{name}.report").write_text(f"{name} {indicator} {value} rated\n", encoding="utf-8")
    assert started >= 8 and killed == 2

    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()
    reported = _reported(logs)
    stored = _stored(db_path)
    missing = {key: value for key, value in reported.items() if stored.get(key) != value}
    assert not missing, f"{len(missing)} of {len(reported)} reported answers are not in the database"
    assert sum(1 for respondent, _ in reported if respondent == "Lead") == 120
    held = "".join(p.read_text(encoding="utf-8") for p in logs.glob("*.fd"))
    assert held == "", f"a process held a deleted journal:\n{held[:2000]}"
    assert not any(line.startswith("Traceback") for p in logs.glob("*.log") for line in p.read_text().splitlines())


def test_no_descriptor_helper_false_alarm():
    """The /proc check itself: a live journal is not reported, a deleted one is."""
    sys.path.insert(0, str(PROCS.parent))
    try:
        from workshop_procs import deleted_journals
    finally:
        sys.path.pop(0)
    assert deleted_journals() == []
    folder = Path(os.environ.get("TMPDIR", "/tmp"))
    target = folder / f"probe-{os.getpid()}.db-wal"
    with target.open("w") as handle:
        target.unlink()
        assert any("-wal" in line for line in deleted_journals())
        handle.write("x")
