"""Checks that refuse a file which is not a healthy kamtui database, leaving it byte for byte as it was.

Nothing here opens the file except SQLite (DESIGN.md "Storage": on POSIX, closing any descriptor of a file
drops every lock the process holds on it, and another process may then delete the live ``-wal``). The
file's type, size and mode come from ``os.stat``; everything else is read through a read-only SQLite
connection, which cannot checkpoint a pending ``-wal`` into a file that is then refused.

The inspection runs only while this process holds no connection to the file (``kamtui.store.db`` calls
it under the file's lock, before the process's first connection), so it holds no lock that a closing
descriptor could drop. With a ``-wal`` beside the file it reads with ``mode=ro`` and SQLite's locking.
Without one, no process has the file open in WAL mode and a locking read-only connection would create
``-wal`` and ``-shm`` files beside a file that may be refused; so it reads with ``immutable=1``, which
creates nothing. ``immutable`` promises SQLite that nobody writes the file meanwhile: if another process
opens and checkpoints it during the read, the read may be torn, so a refusal found that way is confirmed
by a second inspection before the file is refused.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import urllib.parse
from pathlib import Path

from kamtui.core.errors import DatabaseError
from kamtui.store import verified
from kamtui.store.connection import begin_immediate, connect, damage_message, is_damage
from kamtui.store.schema import APP_ID, SCHEMA_VERSION, tables_of_version

INTEGRITY_ERRORS_SHOWN = 3
NOT_SQLITE = "is not a kamtui database (not an SQLite file)"


def check_path(path: Path, shown: str) -> os.stat_result:
    """The file's status, or DatabaseError for a folder, a FIFO or device, an empty or read-only file."""
    try:
        st = path.stat()
    except OSError as exc:
        raise DatabaseError(f"{shown}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise DatabaseError(f"{shown}: is a folder, expected a kamtui database file")
    if not stat.S_ISREG(st.st_mode):
        kind = (
            "a FIFO (named pipe)"
            if stat.S_ISFIFO(st.st_mode)
            else "a socket"
            if stat.S_ISSOCK(st.st_mode)
            else "a device"
        )
        raise DatabaseError(f"{shown}: is {kind}, not a file; expected a kamtui database file")
    if st.st_size == 0:
        raise DatabaseError(f"{shown}: is an empty file, not a kamtui database; remove it or choose {{db}}")
    if not st.st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise DatabaseError(f"{shown}: is read-only; kamtui needs to write to it (check its permissions)")
    return st


def inspect_read_only(path: Path, shown: str, st: os.stat_result) -> int:
    """The file's kamtui schema version, after checking it is a healthy kamtui database. Reads only.

    Call it only while the process holds no connection to the file (see the module docstring).
    """
    wal = path.with_name(path.name + "-wal")
    immutable = not wal.exists()
    try:
        return _inspect_once(path, shown, st, immutable=immutable)
    except DatabaseError:
        if not immutable:
            raise
        # Confirm: an immutable read may have been torn by a process that opened the file meanwhile.
        return _inspect_once(path, shown, st, immutable=not wal.exists())


def _inspect_once(path: Path, shown: str, st: os.stat_result, *, immutable: bool) -> int:
    """One inspection. With a ``-wal`` but no ``-shm`` beside the file (a crashed writer), the read-only
    connection creates the ``-shm``; it is removed again only when the file is refused (a live database's
    ``-shm`` is never touched)."""
    shm = path.with_name(path.name + "-shm")
    had_shm = shm.exists()
    mode = "mode=ro&immutable=1" if immutable else "mode=ro"
    uri = f"file:{urllib.parse.quote(str(path.resolve()))}?{mode}"
    refused = True
    conn = None
    try:
        conn = connect(uri, shown, uri=True)
        version = inspect_schema(conn, shown)
        if version and not verified.is_verified(path, st):
            _check_integrity(conn, shown)
        refused = False
        return version
    except DatabaseError:
        raise
    except sqlite3.Error as exc:
        if is_damage(exc):
            if "not a database" in str(exc):
                raise DatabaseError(f"{shown}: {NOT_SQLITE}; it was left untouched, choose {{db}}") from None
            raise DatabaseError(damage_message(shown, str(exc))) from None
        raise DatabaseError(
            f"{shown}: cannot be read as a kamtui database ({exc}); it was left untouched"
        ) from None
    finally:
        if conn is not None:
            conn.close()
        if refused and not immutable and not had_shm:
            with contextlib.suppress(OSError):
                shm.unlink()


def _check_integrity(conn: sqlite3.Connection, shown: str) -> None:
    """``PRAGMA quick_check``: every page, b-tree and overflow chain (41 ms at 10 MB, 0.6 s at 200 MB;
    a verified file is not checked again until it changes, see :mod:`kamtui.store.verified`)."""
    try:
        rows = [r[0] for r in conn.execute(f"PRAGMA quick_check({INTEGRITY_ERRORS_SHOWN})").fetchall()]
    except DatabaseError:
        raise
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(damage_message(shown, str(exc))) from None
    if rows != ["ok"]:
        found = " ".join(" ".join(str(r).replace("*** in database main ***", "").split()) for r in rows)
        raise DatabaseError(damage_message(shown, found.strip()))


def inspect_schema(conn: sqlite3.Connection, shown: str) -> int:
    """The file's kamtui schema version (0 for a blank SQLite file); refuse anything else. Reads only."""
    try:
        entries = conn.execute("SELECT type, name FROM sqlite_master").fetchall()
    except DatabaseError as exc:
        if "not a database" in str(exc):
            raise DatabaseError(f"{shown}: {NOT_SQLITE}; it was left untouched, choose {{db}}") from None
        raise
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
        version = int(str(rows.get("schema_version", "")))
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


def probe_writable(conn: sqlite3.Connection, shown: str) -> None:
    """Refuse a file SQLite will only read (e.g. an unknown write-version byte in its header) before any
    command writes to it: one write inside a transaction that is rolled back."""
    try:
        begin_immediate(conn)
        try:
            conn.execute("UPDATE meta SET value = value WHERE key = 'app'")
        finally:
            conn.rollback()
    except sqlite3.OperationalError as exc:
        if "readonly" in str(exc).replace(" ", "").lower() or getattr(exc, "sqlite_errorcode", 0) & 0xFF == 8:
            raise DatabaseError(
                f"{shown}: SQLite can only read this file (its header marks a file format this SQLite "
                "cannot write); it was left untouched"
            ) from None
        raise
