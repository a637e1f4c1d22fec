"""Candidate accounts and their criterion values (one ``scores`` row per account and criterion)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kamtui.core.errors import InvalidValueError, NotFoundError
from kamtui.store.db import Store, now

if TYPE_CHECKING:
    import numpy as np

ACCOUNT_FIELDS = ("owner", "effort", "segment", "ref")


@dataclass(frozen=True)
class AccountRecord:
    id: int
    name: str
    owner: str | None
    effort: float | None
    segment: str | None
    ref: str | None
    values: dict[str, float]  # criterion id -> value; missing criteria are absent


@dataclass(slots=True)
class AccountUpdate:
    """An account as read from a file: only the fields and criteria present in the file are set.

    A key present with None clears that field or value (a blank cell is missing).
    """

    name: str
    fields: dict[str, object] = field(default_factory=dict)
    values: dict[str, float | None] = field(default_factory=dict)


@dataclass(frozen=True)
class Matrix:
    """Accounts x criteria as the engine wants them (NaN = missing), in the store's name order."""

    names: list[str]
    values: np.ndarray
    owners: list[str | None]
    effort: np.ndarray  # NaN where unknown
    segments: list[str | None]
    refs: list[str | None]


def list_accounts(store: Store) -> list[AccountRecord]:
    accounts = store.conn.execute(
        "SELECT id, name, owner, effort, segment, ref FROM accounts ORDER BY name"
    ).fetchall()
    values: dict[int, dict[str, float]] = {}
    for account_id, criterion, value in store.conn.execute("SELECT account_id, criterion, value FROM scores"):
        values.setdefault(account_id, {})[criterion] = value
    return [AccountRecord(*row, values=values.get(row[0], {})) for row in accounts]


def get_account(store: Store, name: str) -> AccountRecord:
    for account in list_accounts_named(store, [name]):
        return account
    raise NotFoundError(f"no account named '{name}' (see: kamtui accounts list)")


def list_accounts_named(store: Store, names: Sequence[str]) -> list[AccountRecord]:
    wanted = set(names)
    return [a for a in list_accounts(store) if a.name in wanted]


def apply_updates(store: Store, updates: Sequence[AccountUpdate]) -> tuple[int, int]:
    """Create or update accounts by name in one transaction. Returns (created, updated)."""
    created = updated = 0
    stamp = now()
    with store.write() as conn:
        existing = dict(conn.execute("SELECT name, id FROM accounts").fetchall())
        for update in updates:
            account_id = existing.get(update.name)
            if account_id is None:
                cursor = conn.execute(
                    "INSERT INTO accounts (name, owner, effort, segment, ref, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (update.name, *(update.fields.get(f) for f in ACCOUNT_FIELDS), stamp, stamp),
                )
                account_id = int(cursor.lastrowid)
                existing[update.name] = account_id
                created += 1
            else:
                if update.fields:
                    assignments = ", ".join(f"{name} = ?" for name in update.fields)
                    conn.execute(
                        f"UPDATE accounts SET {assignments}, updated_at = ? WHERE id = ?",
                        (*update.fields.values(), stamp, account_id),
                    )
                else:
                    conn.execute("UPDATE accounts SET updated_at = ? WHERE id = ?", (stamp, account_id))
                updated += 1
            present = [(account_id, c, v, stamp) for c, v in update.values.items() if v is not None]
            cleared = [(account_id, c) for c, v in update.values.items() if v is None]
            conn.executemany(
                "INSERT INTO scores (account_id, criterion, value, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (account_id, criterion) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                present,
            )
            conn.executemany("DELETE FROM scores WHERE account_id = ? AND criterion = ?", cleared)
    return created, updated


def _account_id(conn, name: str) -> int:
    row = conn.execute("SELECT id FROM accounts WHERE name = ?", (name,)).fetchone()
    if row is None:
        raise NotFoundError(f"no account named '{name}' (see: kamtui accounts list)")
    return int(row[0])


def set_value(store: Store, name: str, criterion: str, value: float | None) -> None:
    """Set (or clear, with None) one criterion value of one account, committed at once."""
    if value is not None and not math.isfinite(value):
        raise InvalidValueError(f"{criterion}: expected a finite number, got {value}")
    with store.write() as conn:
        account_id = _account_id(conn, name)
        if value is None:
            conn.execute("DELETE FROM scores WHERE account_id = ? AND criterion = ?", (account_id, criterion))
        else:
            conn.execute(
                "INSERT INTO scores (account_id, criterion, value, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (account_id, criterion) DO UPDATE SET value = excluded.value, "
                "updated_at = excluded.updated_at",
                (account_id, criterion, value, now()),
            )
        conn.execute("UPDATE accounts SET updated_at = ? WHERE id = ?", (now(), account_id))


def set_field(store: Store, name: str, field_name: str, value: object) -> None:
    """Set owner, effort, segment or ref of one account."""
    if field_name not in ACCOUNT_FIELDS:
        raise InvalidValueError(f"unknown account field '{field_name}' (fields: {', '.join(ACCOUNT_FIELDS)})")
    with store.write() as conn:
        account_id = _account_id(conn, name)
        conn.execute(
            f"UPDATE accounts SET {field_name} = ?, updated_at = ? WHERE id = ?", (value, now(), account_id)
        )


def add_account(store: Store, name: str) -> None:
    name = name.strip()
    if not name:
        raise InvalidValueError("an account needs a name")
    with store.write() as conn:
        if conn.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
            raise InvalidValueError(f"an account named '{name}' already exists")
        stamp = now()
        conn.execute(
            "INSERT INTO accounts (name, created_at, updated_at) VALUES (?, ?, ?)", (name, stamp, stamp)
        )


def rename_account(store: Store, old: str, new: str) -> None:
    new = new.strip()
    if not new:
        raise InvalidValueError("an account needs a name")
    with store.write() as conn:
        account_id = _account_id(conn, old)
        if new != old and conn.execute("SELECT 1 FROM accounts WHERE name = ?", (new,)).fetchone():
            raise InvalidValueError(f"an account named '{new}' already exists")
        conn.execute("UPDATE accounts SET name = ?, updated_at = ? WHERE id = ?", (new, now(), account_id))


def remove_account(store: Store, name: str) -> None:
    with store.write() as conn:
        account_id = _account_id(conn, name)
        conn.execute("DELETE FROM accounts WHERE id = ?", (account_id,))


def load_matrix(store: Store, criterion_ids: Sequence[str]) -> Matrix:
    """All accounts as an n x m float matrix over ``criterion_ids`` (NaN where a value is missing)."""
    import numpy as np

    accounts = list_accounts(store)
    column = {criterion: j for j, criterion in enumerate(criterion_ids)}
    values = np.full((len(accounts), len(criterion_ids)), np.nan)
    for i, account in enumerate(accounts):
        for criterion, value in account.values.items():
            j = column.get(criterion)
            if j is not None:
                values[i, j] = value
    return Matrix(
        names=[a.name for a in accounts],
        values=values,
        owners=[a.owner for a in accounts],
        effort=np.array([np.nan if a.effort is None else a.effort for a in accounts], dtype=float),
        segments=[a.segment for a in accounts],
        refs=[a.ref for a in accounts],
    )


def count_accounts(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM accounts") or 0)


def count_runs(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM runs") or 0)
