"""Opening the kamtui database: one checked file per process, one connection per thread, small writes.

Rules (DESIGN.md, "Storage"): WAL, a busy timeout and foreign keys on every connection; a
``schema_version`` in ``meta`` with migrations on open; a file that is not a healthy kamtui database is
refused with a clear message and left byte-for-byte untouched (:mod:`kamtui.store.checks`). Many
processes share one file, so no code here opens or closes the file except through SQLite, and each thread
keeps one connection to the file for its life (a Store is a handle on it). Every write is one small ``BEGIN IMMEDIATE``
transaction, retried when another process holds the lock, so no "database is locked" reaches the user.
Reads run outside any transaction, so each sees the latest commit of every process.
"""

from __future__ import annotations

import contextlib
import functools
import os
import secrets
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kamtui.core.errors import DatabaseError
from kamtui.store import verified
from kamtui.store.checks import check_path, inspect_read_only, inspect_schema, probe_writable
from kamtui.store.connection import begin_immediate, configure, connect, retry_locked
from kamtui.store.schema import APP_ID, MIGRATIONS, SCHEMA_VERSION


def now() -> str:
    """UTC timestamp stored in every *_at column (ISO 8601, seconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


IDLE_PER_THREAD = 4  # connections a thread keeps open to files it no longer has a Store on


@dataclass
class _Slot:
    """A thread's connection to one database, with the number of open Stores using it."""

    conn: sqlite3.Connection
    users: int = 0
    writing: int = 0


_idle = threading.local()  # per thread: the databases whose connection waits unused, oldest first


def _idle_slots() -> OrderedDict[int, _Database]:
    slots = getattr(_idle, "slots", None)
    if slots is None:
        slots = _idle.slots = OrderedDict()
    return slots


class _Database:
    """One database file (by device and inode) as this process uses it: one connection per thread.

    A thread keeps its connection for its life (a thread pool's worker runs many tasks on one connection):
    when its last Store on the file closes, the connection waits, unused, for the next one. Only a thread
    that moves on to many other files closes its oldest waiting connections (IDLE_PER_THREAD), through
    SQLite, which keeps the file's locks for the process's other connections.
    While any connection is open in the process, the file has been checked and the process holds SQLite's
    locks on it: another thread only connects. When none is open, the next open checks the file again
    (cheaply when unchanged, see :mod:`kamtui.store.verified`), so a file replaced meanwhile is refused.
    """

    def __init__(self, identity: tuple[int, int]) -> None:
        self.identity = identity
        self.live = 0  # connections open in this process, all threads
        self.lock = threading.Lock()
        self.local = threading.local()

    def slot(self) -> _Slot | None:
        return getattr(self.local, "slot", None)

    def acquire(self, path: Path, shown: str, st: os.stat_result) -> _Slot:
        slot = self.slot()
        if slot is None:
            with self.lock:
                first = self.live == 0
                conn = _first_connection(path, shown, st) if first else _connection(path, shown)
                self.live += 1
            slot = self.local.slot = _Slot(conn)
            if not first:
                try:
                    _recheck(slot, shown)
                except BaseException:
                    self.close_thread_connection()
                    raise
        elif slot.users == 0:
            _recheck(slot, shown)  # a waiting connection: another process may have migrated the file since
        _idle_slots().pop(id(self), None)
        slot.users += 1
        return slot

    def release(self, slot: _Slot) -> None:
        slot.users -= 1
        if slot.users > 0 or self.slot() is not slot:
            return
        idle = _idle_slots()
        idle[id(self)] = self
        while len(idle) > IDLE_PER_THREAD:
            _, oldest = idle.popitem(last=False)
            oldest.close_thread_connection()

    def close_thread_connection(self) -> None:
        """Close this thread's connection (only when no Store of the thread uses it)."""
        slot = self.slot()
        if slot is None or slot.users > 0:
            return
        self.local.slot = None
        _idle_slots().pop(id(self), None)
        with self.lock:
            self.live -= 1
            slot.conn.close()


_registry: dict[tuple[int, int], _Database] = {}
_registry_lock = threading.Lock()


def _database_for(st: os.stat_result) -> _Database:
    identity = (st.st_dev, st.st_ino)
    with _registry_lock:
        database = _registry.get(identity)
        if database is None:
            database = _registry[identity] = _Database(identity)
        return database


class Store:
    """This thread's handle on an open kamtui database. Writes go through ``write()``: one BEGIN IMMEDIATE
    transaction each. ``close()`` releases the handle; the thread keeps its connection (see _Database).

    The writes use the standard library's sqlite3 directly: sqlite-utils' own ``with conn:`` blocks
    commit whatever transaction is open, which would break all-or-nothing imports. ``db`` gives the
    sqlite-utils view of the same connection for exploring the file; it is imported only when asked
    for, because sqlite-utils imports numpy and that alone would add ~100 ms to opening the app.
    """

    def __init__(self, path: Path, database: _Database, slot: _Slot):
        self.path = path
        self._database = database
        self._slot: _Slot | None = slot
        self.conn = slot.conn

    @functools.cached_property
    def db(self):
        """The sqlite-utils Database over this connection (for reads and introspection)."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    def close(self) -> None:
        slot, self._slot = self._slot, None
        if slot is not None:
            self._database.release(slot)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _fresh(self) -> sqlite3.Connection:
        """The connection, outside any transaction left behind, so a read sees the latest commits."""
        slot = self._slot
        if slot is None:
            raise DatabaseError(f"{self.path}: this database handle was closed")
        if slot.writing == 0 and slot.conn.in_transaction:
            slot.conn.rollback()
        return slot.conn

    def query(self, sql: str, params: tuple[Any, ...] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        cursor = self._fresh().execute(sql, params)
        names = [column[0] for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    def scalar(self, sql: str, params: tuple[Any, ...] = ()) -> Any:
        row = self._fresh().execute(sql, params).fetchone()
        return None if row is None else row[0]

    def data_version(self) -> int:
        """A number that changes whenever another connection (any process) commits: a refresh that sees
        the same number has nothing new to read."""
        return int(self._fresh().execute("PRAGMA data_version").fetchone()[0])

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction: all of it is committed, or none of it."""
        conn = self._fresh()
        slot = self._slot
        assert slot is not None
        begin_immediate(conn)
        slot.writing += 1
        try:
            yield conn
        except BaseException:
            conn.rollback()
            raise
        else:
            retry_locked(conn.commit, conn, roll_back=False)
        finally:
            slot.writing -= 1
            if conn.in_transaction and slot.writing == 0:
                conn.rollback()  # a commit that failed for good

    def get_meta(self, key: str, default: str | None = None) -> str | None:
        value = self.scalar("SELECT value FROM meta WHERE key = ?", (key,))
        return default if value is None else value

    def set_meta(self, key: str, value: str) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def open_store(path: Path | str, *, create: bool = True) -> Store:
    """Open (creating if asked) a kamtui database, or raise DatabaseError leaving the file untouched."""
    path = Path(path).expanduser()
    shown = str(path)
    if not os.path.lexists(path):
        if not create:
            raise DatabaseError(f"{shown}: no such database file")
        _create(path, shown)
    st = check_path(path, shown)
    database = _database_for(st)
    slot = database.acquire(path, shown, st)
    return Store(path, database, slot)


def _recheck(slot: _Slot, shown: str) -> None:
    """The file is still a kamtui database this code understands (a newer kamtui may have migrated it)."""
    if slot.conn.in_transaction:
        slot.conn.rollback()
    try:
        inspect_schema(slot.conn, shown)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{shown}: cannot be used ({exc})") from None


def _first_connection(path: Path, shown: str, st: os.stat_result) -> sqlite3.Connection:
    """The process's first connection to the file: checked read-only, then opened, probed and migrated."""
    version = inspect_read_only(path, shown, st)
    conn = _connection(path, shown, configured=False)
    try:
        if version:
            probe_writable(conn, shown)  # before WAL mode is set: that alone writes the header
        configure(conn)
        if version < SCHEMA_VERSION:
            _migrate(conn)
    except sqlite3.Error as exc:
        conn.close()
        raise DatabaseError(f"{shown}: cannot be used ({exc})") from None
    except BaseException:
        conn.close()
        raise
    verified.remember(path, st)
    return conn


def _connection(path: Path, shown: str, *, configured: bool = True) -> sqlite3.Connection:
    try:
        conn = connect(path, shown)
    except sqlite3.Error as exc:
        raise DatabaseError(f"{shown}: cannot be opened as a database ({exc})") from None
    conn.row_factory = sqlite3.Row
    if not configured:
        return conn
    try:
        configure(conn)
    except sqlite3.Error as exc:
        conn.close()
        raise DatabaseError(f"{shown}: cannot be used ({exc})") from None
    except BaseException:
        conn.close()
        raise
    return conn


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
            _migrate(conn)
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


def _migrate(conn: sqlite3.Connection) -> None:
    begin_immediate(conn)
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
