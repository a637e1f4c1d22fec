"""SIGKILL in the middle of the two long writes: an import is all or nothing, an export never damages the
workbook it replaces and leaves no temporary file behind once kamtui runs again."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .corpus import PLACEHOLDERS

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")

ACCOUNTS = 50_000
CRITERIA = PLACEHOLDERS["criteria"]  # fit (rating 1-10), revenue (number, log), share (rating 0-100)


def start(args: list[object], env: dict[str, str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "kamtui", *(str(a) for a in args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=cwd,
    )


def kill_when(proc: subprocess.Popen, ready, timeout: float = 60) -> bool:
    """SIGKILL ``proc`` as soon as ``ready()`` is true; False when it exited on its own first."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        if ready():
            os.kill(proc.pid, signal.SIGKILL)
            proc.communicate(timeout=30)
            return True
        if time.monotonic() > deadline:
            proc.kill()
            proc.communicate(timeout=30)
            raise AssertionError("the condition to kill on never came")
        time.sleep(0.001)
    proc.communicate(timeout=30)
    return False


def size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return -1


# ----------------------------------------------------------------------------- import


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    rng = random.Random(50)
    path = tmp_path_factory.mktemp("big") / "accounts-50k.csv"
    lines = ["account,owner,effort,segment,ref,fit,revenue,share"]
    lines += [
        f"Account {i:05d},Owner {i % 40},{rng.random():.2f},Segment {i % 7},R-{i},"
        f"{rng.randint(1, 10)},{rng.randint(0, 10**7)},{rng.randint(0, 100)}"
        for i in range(ACCOUNTS)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def accounts_and_scores(db: Path) -> tuple[int, int, str]:
    conn = sqlite3.connect(db)
    try:
        return (
            conn.execute("SELECT count(*) FROM accounts").fetchone()[0],
            conn.execute("SELECT count(*) FROM scores").fetchone()[0],
            conn.execute("PRAGMA integrity_check").fetchone()[0],
        )
    finally:
        conn.close()


# When to kill: once the import's write transaction has put this many bytes into the -wal file (the page
# cache spills uncommitted pages there), i.e. half way through writing; or a fixed delay into the run.
KILL_POINTS = [("wal", 1), ("wal", 3_000_000), ("wal", 9_000_000), ("delay", 0.4)]


def test_sigkill_during_an_import_keeps_all_or_none(big_csv, tmp_path, subprocess_env):
    from kamtui.store import open_store

    outcomes = []
    for trial, (how, when) in enumerate(KILL_POINTS):
        db = tmp_path / f"import-{trial}.db"
        with open_store(db):  # an existing, empty kamtui database
            pass
        wal = db.with_name(db.name + "-wal")
        env = subprocess_env(db=db)
        proc = start(["accounts", "import", big_csv, "--criteria", CRITERIA], env, tmp_path)
        started = time.monotonic()
        if how == "wal":
            killed = kill_when(proc, lambda wal=wal, when=when: size(wal) >= when)
        else:
            killed = kill_when(proc, lambda started=started, when=when: time.monotonic() - started >= when)
        wal_at_kill = size(wal)
        accounts, scores, integrity = accounts_and_scores(db)  # opening it recovers the -wal file
        assert integrity == "ok"
        assert (accounts, scores) in {(0, 0), (ACCOUNTS, 3 * ACCOUNTS)}, (
            f"trial {trial} ({how} {when}): {accounts} accounts and {scores} scores after the kill"
        )
        outcomes.append((how, when, killed, wal_at_kill, accounts))
    # The kill really landed inside the write transaction at least once (the -wal file held uncommitted
    # pages and nothing was imported), so the all-or-none above was tested where it matters.
    assert any(killed and how == "wal" and accounts == 0 for how, _, killed, _, accounts in outcomes), (
        outcomes
    )


# ----------------------------------------------------------------------------- export

RESPONDENTS = 200


def make_assessment(db: Path, title: str, respondents: int) -> int:
    from kamtui.core.survey import load_survey
    from kamtui.store import open_store
    from kamtui.store.healthchecks import AnswerRow, create_assessment, import_answers

    survey = load_survey("kam-healthcheck")
    roles = ["KAM", "Leadership", "Sales ops", "Customer"]
    with open_store(db) as store:
        assessment = create_assessment(store, title, survey, "Big programme")
        rows = [
            AnswerRow(
                f"Person {k:03d}",
                roles[k % 4],
                indicator,
                (i * 7 + k) % 5 + 1,
                "rated",
                f"comment {k}-{i}" if (i + k) % 9 == 0 else None,
            )
            for k in range(respondents)
            for i, indicator in enumerate(survey.indicator_ids)
        ]
        import_answers(store, assessment, rows)
    return assessment


def temps(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.name != "hc.xlsx"]


def test_sigkill_during_an_export_keeps_the_old_workbook_and_the_next_run_cleans_up(
    tmp_path, subprocess_env, sha256
):
    from openpyxl import load_workbook

    db = tmp_path / "export.db"
    small = make_assessment(db, "Small earlier read-out", 3)
    big = make_assessment(db, "Big workshop", RESPONDENTS)
    env = subprocess_env(db=db)
    out = tmp_path / "out"
    target = out / "hc.xlsx"

    first = subprocess.run(
        [sys.executable, "-m", "kamtui", "export", "healthcheck", str(small), "-o", str(target)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert first.returncode == 0, first.stderr
    old = sha256(target)

    # Kill as soon as the temporary file exists (the workbook is built, saving starts), then once it has
    # grown (half-written zip): each time the old workbook is intact and only our temporary file is new.
    for grown in (0, 64 * 1024):
        proc = start(["export", "healthcheck", big, "-o", target], env, tmp_path)

        def saving(grown=grown) -> bool:
            return any(size(p) >= grown for p in temps(out))

        assert kill_when(proc, saving), "the export finished before it could be killed"
        assert sha256(target) == old, "the old workbook was damaged by a killed export"
        left = temps(out)
        # our temporary workbook, and the scratch folder openpyxl's own temporary files go to
        assert left and all(p.name.startswith((".hc.xlsx.tmp-", ".kamtui-scratch-")) for p in left), left

    # The next run writes the new workbook and removes the temporary files the killed runs left.
    again = subprocess.run(
        [sys.executable, "-m", "kamtui", "export", "healthcheck", str(big), "-o", str(target)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout == f"{target}\n"
    assert sorted(p.name for p in out.iterdir()) == ["hc.xlsx"]
    assert sha256(target) != old
    workbook = load_workbook(target, read_only=True)
    try:
        header = next(workbook["Answers"].iter_rows(min_row=1, max_row=1, values_only=True))
    finally:
        workbook.close()
    assert sum(1 for cell in header if isinstance(cell, str) and cell.startswith("Person ")) == RESPONDENTS
