"""Real processes: a writer killed with SIGKILL loses nothing it reported; concurrent writers lose nothing."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kamtui.core.survey import load_survey

INDICATORS = load_survey("kam-healthcheck").indicator_ids

# Answers forever: respondent p0 answers all 120 indicators, then p1, ... printing after each commit.
CRASH_WRITER = """
import sys
from kamtui.store import open_store
from kamtui.store.healthchecks import ensure_respondent, get_assessment, save_answer

db, assessment = sys.argv[1], int(sys.argv[2])
store = open_store(db)
ids = get_assessment(store, assessment).survey.indicator_ids
n = 0
while True:
    respondent = ensure_respondent(store, assessment, f"p{n}", "KAM")
    for i, indicator in enumerate(ids):
        value = (i + n) % 5 + 1
        save_answer(store, respondent, indicator, value, "rated", f"c{n}")
        print(f"saved {indicator} p{n} {value}", flush=True)
    n += 1
"""

# Waits for the go file, then answers every indicator ROUNDS times as its own respondent.
STORE_WORKER = """
import sys, time
from pathlib import Path
from kamtui.store import open_store
from kamtui.store.healthchecks import ensure_respondent, get_assessment, save_answer

db, assessment, name, go, rounds = sys.argv[1], int(sys.argv[2]), sys.argv[3], Path(sys.argv[4]), int(sys.argv[5])
store = open_store(db)
ids = get_assessment(store, assessment).survey.indicator_ids
print("ready", flush=True)
deadline = time.monotonic() + 30
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.001)
respondent = ensure_respondent(store, assessment, name, "KAM")
for r in range(rounds):
    for i, indicator in enumerate(ids):
        save_answer(store, respondent, indicator, (i + r) % 5 + 1, "rated")
store.close()
print("done", flush=True)
"""

# Opens a database that does not exist yet, at the same moment as others.
FIRST_OPEN = """
import sys, time
from pathlib import Path
from kamtui.core.errors import KamError
from kamtui.store import open_store

db, go = sys.argv[1], Path(sys.argv[2])
print("ready", flush=True)
deadline = time.monotonic() + 30
while not go.exists() and time.monotonic() < deadline:
    time.sleep(0.0005)
try:
    with open_store(db) as store:
        print("ok", store.get_meta("schema_version"), flush=True)
except KamError as exc:
    print("error:", exc, flush=True)
    sys.exit(1)
"""


def fetch(path: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


@pytest.fixture
def assessment(cli) -> int:
    assert cli("healthcheck", "new", "--title", "Concurrent").stdout == "1\n"
    return 1


def spawn(script: str, *args: object, env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *(str(a) for a in args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


# ----------------------------------------------------------------------------- crash


@pytest.mark.parametrize("kill_after", [7, 260])
def test_sigkill_loses_no_reported_answer(db_path, assessment, subprocess_env, kill_after):
    proc = spawn(CRASH_WRITER, db_path, assessment, env=subprocess_env())
    reported: list[str] = []
    try:
        assert proc.stdout is not None
        while len(reported) < kill_after:
            line = proc.stdout.readline()
            assert line, f"writer stopped early: {proc.stderr.read() if proc.stderr else ''}"
            reported.append(line)
        os.kill(proc.pid, signal.SIGKILL)  # while it is still answering
        rest, _ = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    # Every complete line was printed after its commit; a torn last line is not a report.
    reported += rest.splitlines(keepends=True)
    saved = [line.split() for line in reported if line.endswith("\n")]
    assert len(saved) >= kill_after
    assert all(parts[0] == "saved" for parts in saved)

    # The database opens cleanly (WAL recovery) and holds every reported answer.
    from kamtui.store import open_store

    with open_store(db_path) as store:
        assert store.scalar("PRAGMA integrity_check") == "ok"
        rows = {
            (r["name"], r["indicator"]): (r["value"], r["status"], r["comment"])
            for r in store.query(
                "SELECT r.name, x.indicator, x.value, x.status, x.comment "
                "FROM answers x JOIN respondents r ON r.id = x.respondent_id"
            )
        }
    for _, indicator, name, value in saved:
        assert rows.get((name, indicator)) == (int(value), "rated", f"c{name[1:]}"), (name, indicator)
    assert len(rows) >= len(saved)


# ----------------------------------------------------------------------------- concurrency


def test_two_processes_answering_at_once_through_the_store(db_path, assessment, subprocess_env, tmp_path):
    go = tmp_path / "go"
    rounds = 3
    workers = [
        spawn(STORE_WORKER, db_path, assessment, name, go, rounds, env=subprocess_env())
        for name in ("W1", "W2")
    ]
    try:
        for worker in workers:  # both are open and waiting before either writes
            assert worker.stdout is not None
            assert worker.stdout.readline() == "ready\n", worker.stderr.read() if worker.stderr else ""
        go.touch()
        outputs = [worker.communicate(timeout=60) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
        assert out == "done\n"
        assert "locked" not in (out + err).lower()
    rows = fetch(
        db_path,
        "SELECT r.name, x.indicator, x.value FROM answers x JOIN respondents r ON r.id = x.respondent_id",
    )
    expected = {
        (name, ind, (i + rounds - 1) % 5 + 1) for name in ("W1", "W2") for i, ind in enumerate(INDICATORS)
    }
    assert len(rows) == 240
    assert set(rows) == expected


def test_two_processes_answering_at_once_through_the_cli(kamtui, db_path, assessment):
    def answer_all(name: str) -> list:
        runs = []
        for i, indicator in enumerate(INDICATORS[:20]):
            runs.append(
                kamtui(
                    "healthcheck",
                    "answer",
                    assessment,
                    "--respondent",
                    name,
                    "--role",
                    "KAM",
                    indicator,
                    i % 5 + 1,
                )
            )
        return runs

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(answer_all, ["Ann", "Bob"]))
    for runs in results:
        for run in runs:
            assert run.code == 0, run.output
            assert "locked" not in run.output.lower()
            assert run.stdout.startswith("saved: ")
    rows = fetch(
        db_path,
        "SELECT r.name, x.indicator, x.value FROM answers x JOIN respondents r ON r.id = x.respondent_id",
    )
    expected = {(name, ind, i % 5 + 1) for name in ("Ann", "Bob") for i, ind in enumerate(INDICATORS[:20])}
    assert set(rows) == expected
    assert len(rows) == 40


def test_processes_opening_a_new_database_at_once(tmp_path, subprocess_env):
    failures = []
    for trial in range(4):
        db = tmp_path / f"new-{trial}.db"
        go = tmp_path / f"go-{trial}"
        procs = [spawn(FIRST_OPEN, db, go, env=subprocess_env(db=db)) for _ in range(4)]
        try:
            for proc in procs:
                assert proc.stdout is not None
                assert proc.stdout.readline() == "ready\n"
            time.sleep(0.05)
            go.touch()
            outputs = [proc.communicate(timeout=60) for proc in procs]
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
        failures += [
            out + err for proc, (out, err) in zip(procs, outputs, strict=True) if proc.returncode != 0
        ]
        assert fetch(db, "SELECT value FROM meta WHERE key = 'app'") == [("kamtui",)]
    assert failures == []
