"""A derived copy of the accounts' value matrix (table ``matrix_cache``), so a big ranking opens without
turning 1.2 million ``scores`` rows into Python objects again (README "Database").

SQLite hands Python about one row per microsecond: at 100,000 accounts x 12 criteria, pivoting ``scores``
costs 2-3 s however the query is written, while the same numbers as one float64 blob read in milliseconds.
The copy is one row (the last criteria list asked for) and is only ever a shortcut, never a source:

* every kamtui write to ``accounts`` or ``scores`` deletes it in the same transaction (:func:`forget`);
* a reader uses it only when the accounts' ids are exactly those it was built from and the ``scores``
  table has the same number of rows and the same last rowid (a row another program added or removed);
* it is written only after a full read that missed, only when no other connection has committed since
  that read (``PRAGMA data_version``), and never waits for a lock: a busy or read-only file just goes
  without it.

A program other than kamtui that *updates* ``scores`` rows in place should delete the row
(``DELETE FROM matrix_cache``); the README says so.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kamtui.store.db import now

if TYPE_CHECKING:  # numpy loads with the first matrix, not with the store (startup)
    import numpy as np

MIN_VALUES = 100_000  # accounts x criteria below which reading scores is fast enough (~0.1 s)


@dataclass(frozen=True)
class ScoresMark:
    """What a reader compares before trusting the copy: the rows of ``scores`` and its last rowid."""

    rows: int
    last_rowid: int


def forget(conn: sqlite3.Connection) -> None:
    """Drop the copy (inside the caller's write transaction: it goes with the change that stales it)."""
    conn.execute("DELETE FROM matrix_cache")


def mark(conn: sqlite3.Connection) -> ScoresMark:
    rows, last = conn.execute("SELECT count(*), coalesce(max(rowid), 0) FROM scores").fetchone()
    return ScoresMark(int(rows), int(last))


def _key(criterion_ids: Sequence[str]) -> str:
    return json.dumps(list(criterion_ids))


def recall(
    conn: sqlite3.Connection, criterion_ids: Sequence[str], ids: np.ndarray, scores: ScoresMark
) -> np.ndarray | None:
    """The stored n x m values for accounts ``ids`` (ascending), or None when there is no trustworthy copy."""
    import numpy as np

    row = conn.execute(
        "SELECT account_ids, matrix, score_rows, last_score_rowid FROM matrix_cache WHERE criteria = ?",
        (_key(criterion_ids),),
    ).fetchone()
    if row is None:
        return None
    stored_ids, matrix, rows, last = row
    m = len(criterion_ids)
    if not (isinstance(stored_ids, bytes) and isinstance(matrix, bytes)):
        return None
    if (rows, last) != (scores.rows, scores.last_rowid) or len(stored_ids) != 8 * len(ids):
        return None
    if len(matrix) != 8 * m * len(ids):
        return None
    if not np.array_equal(np.frombuffer(stored_ids, dtype="<i8"), ids):
        return None
    values = np.frombuffer(matrix, dtype="<f8").reshape(len(ids), m)
    return values.astype(np.float64, copy=True)  # native order, writable


def remember(
    conn: sqlite3.Connection,
    criterion_ids: Sequence[str],
    ids: np.ndarray,
    values: np.ndarray,
    scores: ScoresMark,
    data_version: int,
) -> bool:
    """Store ``values`` (rows in ascending ``ids``) read at ``data_version``; False when it was not stored
    (another connection committed since, the file is busy or cannot be written)."""
    if conn.in_transaction:
        return False
    (timeout,) = conn.execute("PRAGMA busy_timeout").fetchone()
    try:
        conn.execute("PRAGMA busy_timeout = 0")
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.Error:
        _rollback(conn)
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
        return False
    try:
        (version,) = conn.execute("PRAGMA data_version").fetchone()
        if version != data_version:
            conn.rollback()
            return False
        little = sys.byteorder == "little"
        conn.execute("DELETE FROM matrix_cache")
        conn.execute(
            "INSERT INTO matrix_cache (criteria, account_ids, matrix, score_rows, last_score_rowid, built_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                _key(criterion_ids),
                (ids if little else ids.astype("<i8")).tobytes(),
                (values if little else values.astype("<f8")).tobytes(),
                scores.rows,
                scores.last_rowid,
                now(),
            ),
        )
        conn.commit()
        return True
    except sqlite3.Error:
        _rollback(conn)
        return False
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")


def _rollback(conn: sqlite3.Connection) -> None:
    if conn.in_transaction:
        with contextlib.suppress(sqlite3.Error):
            conn.rollback()
