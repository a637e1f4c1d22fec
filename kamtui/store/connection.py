"""SQLite connections as kamtui makes them: pragmas set, damage reported as a DatabaseError.

A connection is an instance of :class:`KamConnection`, whose statements turn SQLite's "database disk image
is malformed" (SQLITE_CORRUPT) and "file is not a database" (SQLITE_NOTADB) into one
:class:`~kamtui.core.errors.DatabaseError` naming the file, wherever in a command they surface. Constraint
and lock errors pass through unchanged: the code that writes deals with them.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from kamtui.core.errors import DatabaseError

BUSY_TIMEOUT_MS = 30_000
LOCK_RETRIES = 50
_DAMAGE_CODES = {11, 26}  # SQLITE_CORRUPT, SQLITE_NOTADB (primary result codes)

T = TypeVar("T")


def damage_message(shown: str, detail: str) -> str:
    return (
        f"{shown}: is a damaged database ({detail}); kamtui will not read or write it. "
        "Restore it from a backup, or recover what SQLite can with: sqlite3 FILE .recover"
    )


def is_damage(exc: BaseException) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    return isinstance(exc, sqlite3.DatabaseError) and code is not None and (code & 0xFF) in _DAMAGE_CODES


class KamCursor(sqlite3.Cursor):
    """A cursor whose fetches report a damaged page as a DatabaseError."""

    shown = ""

    def _guard(self, action: Callable[[], T]) -> T:
        try:
            return action()
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise DatabaseError(damage_message(self.shown, str(exc))) from None
            raise

    def execute(self, sql: str, parameters: Any = ()) -> KamCursor:
        return self._guard(lambda: super(KamCursor, self).execute(sql, parameters))

    def executemany(self, sql: str, parameters: Any) -> KamCursor:
        return self._guard(lambda: super(KamCursor, self).executemany(sql, parameters))

    def fetchone(self) -> Any:
        return self._guard(super().fetchone)

    def fetchmany(self, size: int = 1) -> list[Any]:
        return self._guard(lambda: super(KamCursor, self).fetchmany(size))

    def fetchall(self) -> list[Any]:
        return self._guard(super().fetchall)

    def __next__(self) -> Any:
        return self._guard(super().__next__)


class KamConnection(sqlite3.Connection):
    """A connection whose statements and commits report damage as a DatabaseError (see the module)."""

    shown = ""

    def cursor(self, factory: Any = None) -> KamCursor:  # type: ignore[override]
        cursor = super().cursor(factory or KamCursor)
        cursor.shown = self.shown
        return cursor

    def execute(self, sql: str, parameters: Any = ()) -> KamCursor:  # type: ignore[override]
        return self.cursor().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any) -> KamCursor:  # type: ignore[override]
        return self.cursor().executemany(sql, parameters)

    def commit(self) -> None:
        try:
            super().commit()
        except sqlite3.DatabaseError as exc:
            if is_damage(exc):
                raise DatabaseError(damage_message(self.shown, str(exc))) from None
            raise


def connect(target: Path | str, shown: str, *, uri: bool = False) -> KamConnection:
    """A new connection (autocommit: every read sees the latest commit of any process)."""
    conn = sqlite3.connect(
        target,
        timeout=BUSY_TIMEOUT_MS / 1000,
        check_same_thread=False,
        isolation_level=None,
        uri=uri,
        factory=KamConnection,
    )
    conn.shown = shown
    return conn  # type: ignore[return-value]


def configure(conn: sqlite3.Connection) -> None:
    """The pragmas of DESIGN.md "Storage": busy timeout, foreign keys, WAL with synchronous NORMAL."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    mode = retry_locked(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone()[0], conn)
    if str(mode).lower() != "wal":
        raise DatabaseError("cannot switch the database to WAL mode")
    conn.execute("PRAGMA synchronous = NORMAL")


def is_locked(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def retry_locked(action: Callable[[], T], conn: sqlite3.Connection, *, roll_back: bool = True) -> T:
    """Run ``action``, retrying while another process holds a lock (after the busy timeout's own waits).

    A failed statement may leave the connection inside a transaction with a stale snapshot: unless told
    not to (a commit keeps its transaction to try again), it is rolled back before the next attempt
    (DESIGN.md field notes).
    """
    for attempt in range(LOCK_RETRIES):
        try:
            return action()
        except sqlite3.OperationalError as exc:
            if not is_locked(exc) or attempt == LOCK_RETRIES - 1:
                raise
            if roll_back and conn.in_transaction:
                conn.rollback()
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def begin_immediate(conn: sqlite3.Connection) -> None:
    retry_locked(lambda: conn.execute("BEGIN IMMEDIATE"), conn)
