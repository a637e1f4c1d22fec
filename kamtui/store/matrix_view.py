"""The accounts matrix read a page at a time, for the Accounts screen (README, "Account selection").

A screen draws some 30 rows; reading every account first costs seconds at 100,000 (1.2 million score
rows through Python). So the Accounts screen asks for what it draws: :func:`matrix_outline` (how many
accounts, how wide the names are) once, :func:`value_counts` (how many values are missing, the widest
numbers) after the first page is on screen, then :func:`load_page` (rows
``start .. start + size`` in name order, the scores pivoted by SQLite through the primary key, a few
milliseconds a page), and :func:`position_of` (the row of an account, for the cursor).
Pages are numpy arrays and flat lists, one entry per row.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from kamtui.store import decode
from kamtui.store.db import Store


@dataclass(frozen=True)
class MatrixOutline:
    """What the whole matrix needs drawn: its size, the widest texts, the missing values per criterion."""

    rows: int
    name_width: int
    owner_width: int
    effort_max: float  # the largest effort (0 when none)
    attribute_names: list[str] = field(default_factory=list)  # in the order they first arrived
    attribute_width: dict[str, int] = field(default_factory=dict)  # name -> longest value
    missing: int | None = None  # criterion cells without a value (None: not counted yet)
    value_max: dict[str, float] = field(default_factory=dict)  # criterion id -> largest absolute value


@dataclass(frozen=True)
class MatrixPage:
    """Rows ``start .. start + len(names)`` of the matrix in name order."""

    start: int
    ids: np.ndarray  # int64
    names: list[str]
    owners: list[str | None]
    effort: np.ndarray  # float64, NaN = unknown
    values: np.ndarray  # float64 rows x criteria, NaN = missing
    attributes: dict[str, list[str | None]]  # attribute name -> one text per row (None: none)

    def __len__(self) -> int:
        return len(self.names)


def matrix_outline(store: Store) -> MatrixOutline:
    """The matrix's size and widths from the accounts table alone (milliseconds at 100,000 accounts);
    the missing values and the widest numbers follow from :func:`value_counts` (a pass over the scores)."""
    conn = store.conn
    rows, name_width, owner_width, effort_max = conn.execute(
        "SELECT count(*), max(length(name)), max(length(owner)), max(effort) FROM accounts"
    ).fetchone()
    attributes = conn.execute(
        "SELECT name, max(length(value)) FROM account_attributes GROUP BY name ORDER BY min(rowid)"
    ).fetchall()
    return MatrixOutline(
        rows=int(rows or 0),
        name_width=int(name_width or 0),
        owner_width=int(owner_width or 0),
        effort_max=_finite(effort_max),
        attribute_names=[n for n, _ in attributes if isinstance(n, str)],
        attribute_width={n: int(w or 0) for n, w in attributes if isinstance(n, str)},
    )


def value_counts(
    store: Store, outline: MatrixOutline, criterion_ids: Sequence[str], free_ids: Sequence[str] = ()
) -> MatrixOutline:
    """``outline`` with the values missing over ``criterion_ids`` and the largest absolute value of each of
    ``free_ids`` (the criteria without a fixed scale: one pass over their scores each)."""
    conn = store.conn
    ids = tuple(criterion_ids)
    marks = ",".join("?" * len(ids))
    present = (
        int(conn.execute(f"SELECT count(*) FROM scores WHERE criterion IN ({marks})", ids).fetchone()[0])
        if ids
        else 0
    )
    value_max = {}
    for criterion in free_ids:
        (largest,) = conn.execute(
            "SELECT max(abs(value)) FROM scores WHERE criterion = ?", (criterion,)
        ).fetchone()
        if largest is not None:
            value_max[criterion] = _finite(largest)
    return replace(outline, missing=outline.rows * len(ids) - present, value_max=value_max)


def _finite(value: object) -> float:
    return float(value) if isinstance(value, int | float) and math.isfinite(value) else 0.0


def load_page(
    store: Store, criterion_ids: Sequence[str], start: int, size: int, attribute_names: Sequence[str] = ()
) -> MatrixPage:
    ids = tuple(criterion_ids)
    pivot = "".join(
        f", (SELECT s.value FROM scores s WHERE s.account_id = a.id AND s.criterion = ?{j})"
        for j in range(1, len(ids) + 1)
    )
    rows = store.conn.execute(
        f"SELECT a.id, a.name, a.owner, a.effort{pivot} FROM accounts a ORDER BY a.name "
        f"LIMIT ?{len(ids) + 1} OFFSET ?{len(ids) + 2}",
        (*ids, max(0, size), max(0, start)),
    ).fetchall()
    names: list[str] = []
    owners: list[str | None] = []
    for account_id, name, owner, *_ in rows:
        if not isinstance(name, str):
            raise decode.damaged(store.path, f"accounts row {account_id}: name", "is not text")
        names.append(name)
        owners.append(owner if owner is None or isinstance(owner, str) else str(owner))
    numbers = _numbers(store, [row[3:] for row in rows], 1 + len(ids))
    account_ids = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    return MatrixPage(
        start=max(0, start),
        ids=account_ids,
        names=names,
        owners=owners,
        effort=np.ascontiguousarray(numbers[:, 0]),
        values=np.ascontiguousarray(numbers[:, 1:]),
        attributes=_attributes(store, account_ids, attribute_names),
    )


def _numbers(store: Store, rows: list[tuple], width: int) -> np.ndarray:
    """SQLite numbers (None = missing) as floats; text, blobs or infinities are a damaged database."""
    if not rows:
        return np.empty((0, width))
    try:
        array = np.array(rows, dtype=float)
    except (TypeError, ValueError):
        array = None
    if array is None or np.isinf(array).any():
        for row in rows:  # name the culprit
            for value in row:
                if value is not None:
                    decode.number(store.path, "accounts or scores row:", value)
        raise decode.damaged(store.path, "accounts or scores row:", "holds a value that is not a number")
    return array


def _attributes(store: Store, account_ids: np.ndarray, names: Sequence[str]) -> dict[str, list[str | None]]:
    if not names or not len(account_ids):
        return {}
    held: dict[str, list[str | None]] = {name: [None] * len(account_ids) for name in names}
    row_of = {int(a): i for i, a in enumerate(account_ids.tolist())}
    marks = ",".join("?" * len(row_of))
    for account_id, name, value in store.conn.execute(
        f"SELECT account_id, name, value FROM account_attributes WHERE account_id IN ({marks})",
        tuple(row_of),
    ):
        if name in held and value is not None:
            held[name][row_of[account_id]] = str(value)
    return held


def position_of(store: Store, name: str) -> int | None:
    """The row of the account stored as ``name`` in name order, or None when there is none."""
    conn = store.conn
    if conn.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone() is None:
        return None
    return int(conn.execute("SELECT count(*) FROM accounts WHERE name < ?", (name,)).fetchone()[0])
