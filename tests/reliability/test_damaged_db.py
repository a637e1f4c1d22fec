"""Damaged databases: refused on open with one message, never written to, never a traceback.

Page-level damage (a b-tree page's type byte, a zeroed page, a truncated file, a broken overflow chain
inside a stored survey, header bytes SQLite cannot honour) is found by the integrity check on open
(kamtui.store.checks); damage inside a row (a stored survey that is not JSON, text in a number column) is
reported as damage by the code that reads it (kamtui.store.decode). Each case runs the real CLI in
subprocesses and compares the database's bytes before and after.
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

PAGE = 4096
COMMANDS = [
    ["healthcheck", "list"],
    ["healthcheck", "report", "2"],
    ["healthcheck", "answer", "2", "--respondent", "Newcomer", "PCM-01", "3"],
    ["accounts", "list"],
    ["rank", "--samples", "0"],
    ["runs", "show", "1"],
    ["weights", "set", "growth_outlook=7"],
]


@pytest.fixture(scope="module")
def healthy(tmp_path_factory) -> Path:
    """The demo database with one saved run, checkpointed into one file (no -wal)."""
    folder = tmp_path_factory.mktemp("damaged")
    db = folder / "healthy.db"
    run = [sys.executable, "-m", "kamtui", "--db", str(db)]
    subprocess.run([*run, "demo", "--no-open"], check=True, capture_output=True, timeout=120)
    subprocess.run([*run, "rank", "--save", "--samples", "20"], check=True, capture_output=True, timeout=120)
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()  # the last connection: the -wal is folded in and removed, the file stays in WAL mode
    assert not db.with_name(db.name + "-wal").exists()
    return db


def pages_of(db: Path, table: str, kind: str) -> list[int]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT pageno FROM dbstat WHERE name = ? AND pagetype = ?", (table, kind))]
    finally:
        conn.close()


def poke(db: Path, offset: int, data: bytes) -> None:
    with db.open("r+b") as handle:
        handle.seek(offset)
        handle.write(data)


def damage_btree_type(db: Path) -> None:
    page = pages_of(db, "answers", "leaf")[3]
    poke(db, (page - 1) * PAGE, b"\x07")


def damage_zero_page(db: Path) -> None:
    page = pages_of(db, "scores", "leaf")[1]
    poke(db, (page - 1) * PAGE, bytes(PAGE))


def damage_truncate(db: Path) -> None:
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.truncate(size * 6 // 10 // PAGE * PAGE)


def damage_overflow_chain(db: Path) -> None:
    """The next-page pointer of an overflow page of a stored survey points past the end of the file."""
    page = pages_of(db, "assessments", "overflow")[2]
    poke(db, (page - 1) * PAGE, (999_999).to_bytes(4, "big"))


def damage_write_version(db: Path) -> None:
    poke(db, 18, b"\x03")


def damage_read_version(db: Path) -> None:
    poke(db, 19, b"\x03")


def damage_page_size(db: Path) -> None:
    poke(db, 16, b"\x03\x00")  # 768: not a power of two


def damage_index_page(db: Path) -> None:
    page = pages_of(db, "sqlite_autoindex_answers_1", "leaf")[1]
    poke(db, (page - 1) * PAGE + 8, b"\xff" * 64)


PAGE_DAMAGE = {
    "btree-type-byte": damage_btree_type,
    "zeroed-page": damage_zero_page,
    "truncated": damage_truncate,
    "overflow-chain": damage_overflow_chain,
    "index-page": damage_index_page,
}


def kamtui(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kamtui", "--db", str(db), *args], capture_output=True, text=True, timeout=120
    )


def digest(db: Path) -> tuple[str, list[str]]:
    siblings = sorted(p.name for p in db.parent.iterdir() if p.name.startswith(db.name))
    return hashlib.sha256(db.read_bytes()).hexdigest(), siblings


@pytest.mark.parametrize("name", sorted(PAGE_DAMAGE))
def test_page_damage_is_refused_on_open_and_nothing_is_written(healthy, tmp_path, name):
    db = tmp_path / f"{name}.db"
    shutil.copyfile(healthy, db)
    PAGE_DAMAGE[name](db)
    before = digest(db)
    for args in COMMANDS:
        result = kamtui(db, *args)
        assert result.returncode == 1, (name, args, result.stdout)
        assert result.stdout == ""
        assert result.stderr.startswith(f"error: {db}: is a damaged database ("), result.stderr
        assert result.stderr.count("\n") == 1  # one message, one line
        assert "Traceback" not in result.stderr
        assert digest(db) == before, (name, args)


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (damage_write_version, "SQLite can only read this file (its header marks a file format this SQLite cannot write)"),
        (damage_read_version, "is not a kamtui database (not an SQLite file)"),
        (damage_page_size, "is not a kamtui database (not an SQLite file)"),
    ],
    ids=["write-version", "read-version", "page-size"],
)
def test_header_damage_is_refused_before_any_write(healthy, tmp_path, damage, expected):
    db = tmp_path / "header.db"
    shutil.copyfile(healthy, db)
    damage(db)
    before = digest(db)
    for args in COMMANDS:
        result = kamtui(db, *args)
        assert result.returncode == 1, (args, result.stdout)
        assert expected in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
        assert digest(db) == before


ROW_DAMAGE = [
    ("UPDATE assessments SET survey_json = 'not json' WHERE id = 2", ["healthcheck", "report", "2"],
     "assessments row 2: survey_json is not valid JSON"),
    ("UPDATE assessments SET survey_json = '{\"id\": 3}' WHERE id = 2", ["healthcheck", "report", "2"],
     "assessments row 2: survey_json no longer reads"),
    ("UPDATE assessments SET survey_json = '[]' WHERE id = 1", ["healthcheck", "list"],
     "assessments row 1: survey_json holds JSON of the wrong shape"),
    ("UPDATE scores SET value = 'abc' WHERE rowid = (SELECT min(rowid) FROM scores)", ["accounts", "list"],
     "holds 'abc', not a number"),
    ("UPDATE accounts SET effort = 'lots' WHERE id = 1", ["rank", "--samples", "0"], "effort holds 'lots', not a number"),
    ("UPDATE runs SET params_json = '{' WHERE id = 1", ["runs", "show", "1"], "runs row 1: params_json is not valid JSON"),
    ("UPDATE runs SET params_json = '{\"top_k\": -4}' WHERE id = 1", ["runs", "show", "1"], "runs row 1: params_json no longer reads"),
    ("UPDATE run_results SET values_json = 'x' WHERE run_id = 1 AND position = 3", ["runs", "show", "1"],
     "run_results row 1/3: values_json is not valid JSON"),
    ("UPDATE runs SET binding_json = '{}' WHERE id = 1", ["runs", "list"], "runs row 1: binding_json holds JSON of the wrong shape"),
    ("UPDATE runs SET criteria_json = 'null' WHERE id = 1", ["runs", "show", "1"], "runs row 1: criteria_json holds JSON of the wrong shape"),
]


@pytest.mark.parametrize(("sql", "command", "fragment"), ROW_DAMAGE, ids=[c[2][:40] for c in ROW_DAMAGE])
def test_a_corrupt_value_in_a_row_is_reported_as_damage(healthy, tmp_path, sql, command, fragment):
    db = tmp_path / "rows.db"
    shutil.copyfile(healthy, db)
    conn = sqlite3.connect(db)
    conn.execute(sql)
    conn.commit()
    conn.close()
    before = digest(db)
    result = kamtui(db, *command)
    assert result.returncode == 1, result.stdout
    assert result.stderr.startswith(f"error: {db}: is a damaged kamtui database ("), result.stderr
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert digest(db) == before


def test_a_healthy_copy_still_opens(healthy, tmp_path):
    """The control: the same commands on the undamaged file succeed."""
    db = tmp_path / "fine.db"
    shutil.copyfile(healthy, db)
    for args in COMMANDS:
        result = kamtui(db, *args)
        assert result.returncode == 0, (args, result.stderr)


def test_integrity_is_checked_once_per_file_version(healthy, tmp_path, monkeypatch):
    """An unchanged file is not checked again (the user cache remembers it, across processes); a file
    changed since is."""
    from kamtui.store import verified

    cache = tmp_path / "cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache))
    db = tmp_path / "cached.db"
    shutil.copyfile(healthy, db)
    assert not verified.is_verified(db, db.stat())
    env = {**__import__("os").environ, "XDG_CACHE_HOME": str(cache)}
    subprocess.run([sys.executable, "-m", "kamtui", "--db", str(db), "healthcheck", "list"], env=env,
                   check=True, capture_output=True, timeout=120)
    assert verified.is_verified(db, db.stat())  # remembered by another process, in the cache folder
    damage_zero_page(db)
    assert not verified.is_verified(db, db.stat())  # changed: checked again, and refused
    result = subprocess.run([sys.executable, "-m", "kamtui", "--db", str(db), "healthcheck", "list"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and "is a damaged database" in result.stderr
