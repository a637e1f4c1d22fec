"""Twenty processes answer at the same moment on one database: nothing is lost, nobody sees "locked"."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time

from kamtui.core.survey import load_survey

WORKERS = 20
INDICATORS = load_survey("kam-healthcheck").indicator_ids

# argv: db, assessment, worker number, go file. Opens the store, says "ready", waits for the go file,
# then answers every indicator of the survey as respondent W<k>, one transaction per answer.
WORKER = """
import sys, time
from pathlib import Path
from kamtui.store import open_store
from kamtui.store.healthchecks import ensure_respondent, get_assessment, save_answer

db, assessment, k, go = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), Path(sys.argv[4])
store = open_store(db)
ids = get_assessment(store, assessment).survey.indicator_ids
print("ready", flush=True)
deadline = time.monotonic() + 60
while not go.exists():
    if time.monotonic() > deadline:
        sys.exit("no go file after 60 s")
    time.sleep(0.002)
respondent = ensure_respondent(store, assessment, f"W{k:02d}", "KAM" if k % 2 else "Leadership")
for i, indicator in enumerate(ids):
    save_answer(store, respondent, indicator, (i + k) % 5 + 1, "rated", f"w{k}-{i}")
store.close()
print(f"done {len(ids)}", flush=True)
"""


def test_twenty_processes_answer_120_indicators_each_at_once(cli, db_path, subprocess_env, tmp_path):
    assert cli("healthcheck", "new", "--title", "Twenty at once").stdout == "1\n"
    assert len(INDICATORS) == 120
    go = tmp_path / "go"
    env = subprocess_env()
    started = time.monotonic()
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, str(db_path), "1", str(k), str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for k in range(WORKERS)
    ]
    try:
        for worker in workers:  # the barrier: every process has the database open before anyone writes
            assert worker.stdout is not None
            line = worker.stdout.readline()
            assert line == "ready\n", line + (worker.stderr.read() if worker.stderr else "")
        go.touch()
        writing = time.monotonic()
        outputs = [worker.communicate(timeout=120) for worker in workers]
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
    elapsed, writing = time.monotonic() - started, time.monotonic() - writing

    for k, (worker, (out, err)) in enumerate(zip(workers, outputs, strict=True)):
        assert "locked" not in (out + err).lower(), f"worker {k}: {out}{err}"
        assert "busy" not in (out + err).lower(), f"worker {k}: {out}{err}"
        assert worker.returncode == 0, f"worker {k}: {err}"
        assert out == "done 120\n", f"worker {k}: {out}{err}"

    conn = sqlite3.connect(db_path)
    try:
        rows = conn.execute(
            "SELECT r.name, r.role, x.indicator, x.value, x.status, x.comment "
            "FROM answers x JOIN respondents r ON r.id = x.respondent_id"
        ).fetchall()
        respondents = conn.execute("SELECT count(*) FROM respondents").fetchone()[0]
        integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    expected = {
        (f"W{k:02d}", "KAM" if k % 2 else "Leadership", indicator, (i + k) % 5 + 1, "rated", f"w{k}-{i}")
        for k in range(WORKERS)
        for i, indicator in enumerate(INDICATORS)
    }
    assert len(rows) == WORKERS * 120 == 2400
    assert set(rows) == expected  # none lost, none crossed over to another respondent
    assert respondents == WORKERS
    assert integrity == "ok"

    report = cli("healthcheck", "list", "--json")
    assert '"respondents": 20' in report.stdout and '"answered": 2400' in report.stdout
    assert writing < 60, f"2,400 answers took {writing:.1f} s to write ({elapsed:.1f} s with start-up)"
