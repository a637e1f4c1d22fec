"""Storage: which file is used, how a fresh one is set up, and files that must be refused untouched."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kamtui.core.survey import load_survey
from kamtui.store.schema import SCHEMA_VERSION

DOCUMENTED_TABLES = {
    "meta",
    "assessments",
    "respondents",
    "answers",
    "accounts",
    "scores",
    "weights",
    "runs",
    "run_results",
}


def titles(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT title FROM assessments ORDER BY id")]
    finally:
        conn.close()


def siblings(path: Path) -> list[str]:
    return sorted(p.name for p in path.parent.iterdir())


# ----------------------------------------------------------------------------- which database


def test_kamtui_db_environment_variable(cli, tmp_path):
    target = tmp_path / "from-env.db"
    result = cli("healthcheck", "new", "--title", "Env", db=None, env={"KAMTUI_DB": str(target)})
    assert (result.code, result.stdout) == (0, "1\n")
    assert titles(target) == ["Env"]
    assert not (tmp_path / "xdg").exists()  # the default location was not used


def test_default_database_is_in_the_user_data_folder(cli, tmp_path):
    result = cli("healthcheck", "new", "--title", "Default", db=None)
    assert result.code == 0, result.output
    assert titles(tmp_path / "xdg" / "kamtui" / "kamtui.db") == ["Default"]


@pytest.mark.parametrize("where", ["before", "after"])
def test_db_option_before_and_after_the_sub_command(cli, tmp_path, where):
    chosen = tmp_path / "chosen.db"
    env_db = tmp_path / "env.db"
    new = ["healthcheck", "new", "--title", "Chosen"]
    args = ["--db", chosen, *new] if where == "before" else [*new, "--db", chosen]
    result = cli(*args, db=env_db)
    assert (result.code, result.stdout) == (0, "1\n"), result.output
    assert titles(chosen) == ["Chosen"]
    assert not env_db.exists()  # --db wins over KAMTUI_DB

    listing = (
        ["--db", chosen, "healthcheck", "list"]
        if where == "before"
        else ["healthcheck", "list", "--db", chosen]
    )
    result = cli(*listing, db=env_db)
    assert result.code == 0
    assert "Chosen" in result.stdout
    assert not env_db.exists()


def test_db_option_on_the_sub_command_wins_over_the_one_before_it(cli, tmp_path):
    outer, inner = tmp_path / "outer.db", tmp_path / "inner.db"
    result = cli("--db", outer, "healthcheck", "new", "--title", "Inner", "--db", inner)
    assert result.code == 0, result.output
    assert titles(inner) == ["Inner"]
    assert not outer.exists()


def test_db_option_in_a_subprocess(kamtui, tmp_path):
    chosen = tmp_path / "sub.db"
    assert kamtui("--db", chosen, "healthcheck", "new", "--title", "Sub", db=None).stdout == "1\n"
    result = kamtui("healthcheck", "list", "--json", "--db", chosen, db=None)
    assert result.code == 0, result.stderr
    assert '"title": "Sub"' in result.stdout


def test_missing_parent_folders_are_created(cli, tmp_path):
    deep = tmp_path / "a" / "b" / "kamtui.db"
    assert cli("healthcheck", "new", "--title", "Deep", db=deep).code == 0
    assert titles(deep) == ["Deep"]


# ----------------------------------------------------------------------------- a fresh database


def test_fresh_database_is_wal_with_meta_and_documented_tables(cli, db_path):
    assert cli("healthcheck", "list").code == 0
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        meta = dict(conn.execute("SELECT key, value FROM meta"))
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()
    assert meta["app"] == "kamtui"
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    assert meta["created_at"]
    assert tables >= DOCUMENTED_TABLES


def test_every_connection_has_busy_timeout_and_foreign_keys(db_path):
    from kamtui.store import open_store

    with open_store(db_path) as store:
        assert store.scalar("PRAGMA busy_timeout") > 0
        assert store.scalar("PRAGMA foreign_keys") == 1
        assert store.scalar("PRAGMA journal_mode") == "wal"
    with open_store(db_path) as store:  # and again on an existing file
        assert store.scalar("PRAGMA busy_timeout") > 0
        assert store.scalar("PRAGMA foreign_keys") == 1


def test_reopening_keeps_data_and_meta(cli, db_path):
    assert cli("healthcheck", "new", "--title", "Kept").stdout == "1\n"
    conn = sqlite3.connect(db_path)
    created = conn.execute("SELECT value FROM meta WHERE key = 'created_at'").fetchone()[0]
    conn.close()
    assert cli("healthcheck", "new", "--title", "Second").stdout == "2\n"
    assert titles(db_path) == ["Kept", "Second"]
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("SELECT value FROM meta WHERE key = 'created_at'").fetchone()[0] == created
        assert conn.execute("SELECT count(*) FROM meta WHERE key = 'schema_version'").fetchone()[0] == 1
    finally:
        conn.close()


def test_open_store_without_create_refuses_a_missing_file(tmp_path):
    from kamtui.core.errors import DatabaseError
    from kamtui.store import open_store

    with pytest.raises(DatabaseError, match="no such database file"):
        open_store(tmp_path / "absent.db", create=False)
    assert not (tmp_path / "absent.db").exists()


# ----------------------------------------------------------------------------- files that are refused


def _empty(path: Path) -> None:
    path.write_bytes(b"")


def _random(path: Path) -> None:
    path.write_bytes(os.urandom(4096))


def _text(path: Path) -> None:
    path.write_text("name,score\nAcme,7\n", encoding="utf-8")


def _other_app(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('Acme')")
    conn.commit()
    conn.close()


def _other_app_wal(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('hello')")
    conn.commit()
    conn.close()


def _other_app_with_meta(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO meta VALUES ('app', 'someone-else'), ('schema_version', '1')")
    conn.commit()
    conn.close()


def _kamtui_db(path: Path) -> None:
    from kamtui.store import open_store

    with open_store(path) as store:
        store.set_meta("note", "made by the test")


def _newer(path: Path) -> None:
    _kamtui_db(path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = '999' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()


def _read_only(path: Path) -> None:
    _kamtui_db(path)
    path.chmod(0o444)


REFUSED = [
    ("empty", _empty, "is an empty file, not a kamtui database"),
    ("random-bytes", _random, "is not a kamtui database (not an SQLite file)"),
    ("text", _text, "is not a kamtui database (not an SQLite file)"),
    ("other-sqlite", _other_app, "is an SQLite database of another application"),
    ("other-sqlite-wal", _other_app_wal, "is an SQLite database of another application"),
    ("other-sqlite-meta", _other_app_with_meta, "is an SQLite database of another application"),
    ("newer-schema", _newer, "has schema version 999, newer than this kamtui understands"),
    ("read-only", _read_only, "is read-only"),
]


@pytest.mark.parametrize(
    "command",
    [["healthcheck", "list"], ["healthcheck", "new", "--title", "X"]],
    ids=["read", "write"],
)
@pytest.mark.parametrize(("make", "fragment"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_foreign_file_is_refused_and_left_untouched(cli, tmp_path, sha256, make, fragment, command):
    path = tmp_path / "target.db"
    make(path)
    before = (sha256(path), stat.S_IMODE(path.stat().st_mode), path.stat().st_mtime_ns, siblings(path))
    result = cli(*command, db=path)
    assert result.code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: {path}: ")
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    after = (sha256(path), stat.S_IMODE(path.stat().st_mode), path.stat().st_mtime_ns, siblings(path))
    assert after == before  # same bytes, mode and mtime; no -wal / -shm / -journal left beside it


@pytest.mark.parametrize(("make", "fragment"), [r[1:] for r in REFUSED], ids=[r[0] for r in REFUSED])
def test_foreign_file_is_refused_in_a_subprocess(kamtui, tmp_path, sha256, make, fragment):
    path = tmp_path / "target.db"
    make(path)
    before = (sha256(path), siblings(path))
    result = kamtui("healthcheck", "new", "--title", "X", db=path)
    assert result.code == 1
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr
    assert (sha256(path), siblings(path)) == before


@pytest.mark.parametrize("command", [["healthcheck", "list"], ["healthcheck", "new", "--title", "X"]])
def test_a_directory_is_refused(cli, tmp_path, command):
    folder = tmp_path / "folder.db"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    result = cli(*command, db=folder)
    assert result.code == 1
    assert result.stderr == f"error: {folder}: is a folder, expected a kamtui database file\n"
    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]
    assert siblings(folder) == ["folder.db"]


def test_read_only_file_keeps_its_permissions(cli, tmp_path):
    path = tmp_path / "ro.db"
    _read_only(path)
    cli("healthcheck", "list", db=path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o444


# A crashed writer: its last committed transaction is still in the -wal file, not yet in the main file.
PENDING_WAL = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode = WAL")
conn.execute("PRAGMA wal_autocheckpoint = 0")
conn.execute(sys.argv[2])
conn.commit()
os._exit(0)
"""


@pytest.mark.parametrize(
    ("make", "pending", "fragment"),
    [
        (_kamtui_db, "UPDATE meta SET value = '999' WHERE key = 'schema_version'", "has schema version 999"),
        (_other_app, "INSERT INTO customers (name) VALUES ('Globex')", "of another application"),
    ],
    ids=["newer-schema", "other-sqlite"],
)
def test_refused_file_with_a_pending_wal_is_left_untouched(cli, tmp_path, sha256, make, pending, fragment):
    path = tmp_path / "target.db"
    make(path)
    subprocess.run([sys.executable, "-c", PENDING_WAL, str(path), pending], check=True, timeout=60)
    wal = path.with_name(path.name + "-wal")
    assert wal.stat().st_size > 0
    before = (sha256(path), sha256(wal))
    result = cli("healthcheck", "list", db=path)
    assert result.code == 1
    assert fragment in result.stderr
    assert wal.exists(), "the -wal file of the refused database was checkpointed and deleted"
    assert (sha256(path), sha256(wal)) == before


def test_a_version_1_database_is_migrated_keeping_its_data(cli, tmp_path):
    """A database written by the previous release (schema 1) opens, gains the version-2 tables and
    columns, and keeps every answer."""
    from kamtui.store.schema import MIGRATIONS

    path = tmp_path / "v1.db"
    conn = sqlite3.connect(path)
    for statement in MIGRATIONS[1]:
        conn.execute(statement)
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)", [("app", "kamtui"), ("schema_version", "1"), ("created_at", "2025")]
    )
    conn.execute(
        "INSERT INTO assessments VALUES (1, 'Old', 'P', 'kam-healthcheck', 1, 'Old survey', ?, '2025')",
        (json.dumps(load_survey("kam-healthcheck").to_dict()),),
    )
    conn.execute("INSERT INTO respondents VALUES (1, 1, 'Ann', 'KAM', '2025')")
    conn.execute("INSERT INTO answers VALUES (1, 'PCM-01', 3, 'rated', 'kept', '2025')")
    conn.commit()
    conn.close()
    result = cli("healthcheck", "list", "--json", db=path)
    assert result.code == 0, result.stderr
    assert json.loads(result.stdout)[0]["answered"] == 1
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(SCHEMA_VERSION)
        assert conn.execute("SELECT anonymous, min_group FROM assessments").fetchone() == (0, 3)
        assert conn.execute("SELECT value, comment FROM answers").fetchone() == (3, "kept")
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert {"actions", "forms", "account_attributes", "column_maps"} <= tables
    finally:
        conn.close()
