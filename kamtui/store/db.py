"""Opening the kamtui database: checks that never touch a foreign file, pragmas, migrations, writes.

Rules (DESIGN.md, "Storage"): WAL, a busy timeout and foreign keys on every connection; a
``schema_version`` in ``meta`` with migrations on open; a file that is not a kamtui database, or is newer
than this code, is refused with a clear message and left byte-for-byte untouched. Every write is one
small ``BEGIN IMMEDIATE`` transaction, retried when another process holds the lock, so no
"database is locked" ever reaches the user.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import sqlite3
import stat
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kamtui.core.errors import DatabaseError
from kamtui.store.schema import APP_ID, MIGRATIONS, SCHEMA_VERSION, tables_of_version

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 30_000
LOCK_RETRIES = 50


def now() -> str:
    """UTC timestamp stored in every *_at column (ISO 8601, seconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    """An open kamtui database. Writes go through ``write()``: one BEGIN IMMEDIATE transaction each.

    The writes use the standard library's sqlite3 directly: sqlite-utils' own ``with conn:`` blocks
    commit whatever transaction is open, which would break all-or-nothing imports. ``db`` gives the
    sqlite-utils view of the same connection for exploring the file; it is imported only when asked
    for, because sqlite-utils imports numpy and that alone would add ~100 ms to opening the app.
    """

    def __init__(self, path: Path, conn: sqlite3.Connection):
        self.path = path
        self.conn = conn

    @functools.cached_property
    def db(self):
        """The sqlite-utils Database over this connection (for reads and introspection)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [column[0] for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        row = self.conn.execute(sql, params).fetchone()
        return None if row is None else row[0]

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        _begin_immediate(self.conn)
        try:
            yield self.conn
        except BaseException:
            self.conn.rollback()
            raise
        else:
            _retry_locked(self.conn.commit, self.conn)

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return default if value is None else value

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def _is_locked(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _retry_locked(action, conn: sqlite3.Connection):
    for attempt in range(LOCK_RETRIES):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not _is_locked(exc) or attempt == LOCK_RETRIES - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    return None


def _begin_immediate(conn: sqlite3.Connection) -> None:
    def begin() -> None:
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError:
            # A failed BEGIN may leave a stale read snapshot behind: roll back before trying again.
            if conn.in_transaction:
                conn.rollback()
            raise

    _retry_locked(begin, conn)


def open_store(path: Path | str, *, create: bool = True) -> Store:
    """Open (creating if asked) a kamtui database, or raise DatabaseError leaving the file untouched."""
    path = Path(path).expanduser()
    shown = str(path)
    if not path.exists():
        if not create:
            raise DatabaseError(f"{shown}: no such database file")
        _create(path, shown)
    _check_file(path, shown)
    version = _inspect_read_only(path, shown)
    try:
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, isolation_level=None
        )
    except sqlite3.Error as exc:
        raise DatabaseError(f"{shown}: cannot be opened as a database ({exc})") from None
    conn.row_factory = sqlite3.Row
    try:
        _configure(conn)
        if version < SCHEMA_VERSION:
            _migrate(conn, shown)
    except sqlite3.Error as exc:
        conn.close()
        raise DatabaseError(f"{shown}: cannot be used ({exc})") from None
    except DatabaseError:
        conn.close()
        raise
    return Store(path, conn)


def _create(path: Path, shown: str) -> None:
    """Create a migrated database at ``path`` atomically: built under a temporary name, then linked into
    place only if nothing is there yet. Another process never sees a half-made (empty) file, and two
    processes creating the same database at once both end up opening the one that won."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatabaseError(f"{shown}: cannot create its folder ({exc.strerror or exc})") from None
    temp = path.with_name(f".{path.name}.new-{os.getpid()}-{secrets.token_hex(4)}")
    try:
        conn = sqlite3.connect(temp, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode = DELETE")
            _migrate(conn, shown)
        finally:
            conn.close()
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another process created it first: use theirs
        except OSError:
            # No hard links on this file system: fall back to a rename that never replaces a file.
            if not path.exists():
                os.replace(temp, path)
    except (OSError, sqlite3.Error) as exc:
        raise DatabaseError(
            f"{shown}: cannot create the database ({getattr(exc, 'strerror', None) or exc})"
        ) from None
    finally:
        for leftover in (temp, temp.with_name(temp.name + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _inspect_read_only(path: Path, shown: str) -> int:
    """Read the file's kamtui schema version without changing anything beside or in it.

    A read-write connection would checkpoint a pending WAL into a file we then refuse, so the check is
    read-only. With no ``-wal`` file there is nothing to miss and ``immutable=1`` reads the main file
    without creating any file. With a ``-wal`` the check uses ``mode=ro``, which may create a ``-shm``;
    that one is removed only when the file is refused: another kamtui process may be using the ``-shm``
    of a file we accept, and removing a live ``-wal`` or ``-shm`` would lose its commits.
    """
    shm = path.with_name(path.name + "-shm")
    has_wal = path.with_name(path.name + "-wal").exists()
    had_shm = shm.exists()
    mode = "mode=ro" if has_wal else "mode=ro&immutable=1"
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?{mode}"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"{shown}: cannot be opened as a database ({exc}); it was left untouched"
        ) from None
    refused = True
    try:
        version = _inspect(conn, shown)
        refused = False
        return version
    except sqlite3.Error as exc:
        raise DatabaseError(
            f"{shown}: cannot be read as a kamtui database ({exc}); it was left untouched"
        ) from None
    finally:
        conn.close()
        if refused and has_wal and not had_shm:
            with contextlib.suppress(OSError):
                shm.unlink()


def _check_file(path: Path, shown: str) -> None:
    if path.is_dir():
        raise DatabaseError(f"{shown}: is a folder, expected a kamtui database file")
    try:
        st = path.stat()
        with path.open("rb") as handle:
            head = handle.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise DatabaseError(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    if st.st_size == 0:
        raise DatabaseError(
            f"{shown}: is an empty file, not a kamtui database; remove it or choose another --db path"
        )
    if head != SQLITE_MAGIC:
        raise DatabaseError(
            f"{shown}: is not a kamtui database (not an SQLite file); it was left untouched, choose another --db path"
        )
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise DatabaseError(f"{shown}: is read-only; kamtui needs to write to it (check its permissions)")


def _inspect(conn: sqlite3.Connection, shown: str) -> int:
    """The file's kamtui schema version (0 for a blank SQLite file); refuse anything else. Reads only."""
    try:
        entries = conn.execute("SELECT type, name FROM sqlite_master").fetchall()
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"{shown}: is not a kamtui database ({exc}); it was left untouched") from None
    if not entries:
        return 0  # a blank SQLite file: nothing of anybody's is in it
    tables = {name for kind, name in entries if kind == "table"}
    if "meta" not in tables:
        raise DatabaseError(
            f"{shown}: is an SQLite database of another application (no kamtui 'meta' table); it was left untouched"
        )
    try:
        rows = dict(
            conn.execute("SELECT key, value FROM meta WHERE key IN ('app', 'schema_version')").fetchall()
        )
    except sqlite3.OperationalError:
        rows = {}
    if rows.get("app") != APP_ID:
        raise DatabaseError(
            f"{shown}: is an SQLite database of another application (meta.app is not 'kamtui'); it was left untouched"
        )
    try:
        version = int(rows.get("schema_version", ""))
    except ValueError:
        version = -1
    if version < 1:
        raise DatabaseError(
            f"{shown}: is a damaged kamtui database (unreadable schema_version in its meta table); "
            "it was left untouched"
        )
    if version > SCHEMA_VERSION:
        raise DatabaseError(
            f"{shown}: has schema version {version}, newer than this kamtui understands ({SCHEMA_VERSION}); "
            "upgrade kamtui to open it. The file was left untouched"
        )
    missing = [t for t in tables_of_version(version) if t not in tables]
    if missing:
        raise DatabaseError(
            f"{shown}: is a damaged kamtui database (missing table{'s' if len(missing) > 1 else ''} "
            f"{', '.join(missing)}); it was left untouched"
        )
    return version


def _configure(conn: sqlite3.Connection) -> None:
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    mode = _retry_locked(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone()[0], conn)
    if str(mode).lower() != "wal":
        raise DatabaseError("cannot switch the database to WAL mode")
    conn.execute("PRAGMA synchronous = NORMAL")


def _migrate(conn: sqlite3.Connection, shown: str) -> None:
    _begin_immediate(conn)
    try:
        # Another process may have migrated while we waited for the lock: read the version again.
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        current = 0
        if "meta" in tables:
            value = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            current = int(value[0]) if value else 0
        for version in sorted(MIGRATIONS):
            if version <= current:
                continue
            for statement in MIGRATIONS[version]:
                conn.execute(statement)
            conn.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [("app", APP_ID), ("schema_version", str(version))],
            )
        if current == 0:
            conn.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('created_at', ?)", (now(),))
        conn.commit()
    except BaseException:
        conn.rollback()
        raise
