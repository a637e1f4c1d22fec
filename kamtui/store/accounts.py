"""Candidate accounts and their criterion values (one ``scores`` row per account and criterion)."""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Mapping, Sequence

from kamtui.core.accounts import ACCOUNT_FIELDS, AccountRecord, AccountUpdate, Matrix
from kamtui.core.errors import InvalidValueError, NotFoundError
from kamtui.core.names import name_key, name_problem, normalise
from kamtui.store import decode
from kamtui.store.db import Store, now
from kamtui.store.matrix_cache import forget as forget_matrix

__all__ = ["ACCOUNT_FIELDS", "AccountRecord", "AccountUpdate", "Matrix"]


def list_accounts(store: Store) -> list[AccountRecord]:
    shown = store.path
    accounts = store.conn.execute(
        "SELECT id, name, owner, effort, segment, ref FROM accounts ORDER BY name"
    ).fetchall()
    values: dict[int, dict[str, float]] = {}
    for account_id, criterion, value in store.conn.execute("SELECT account_id, criterion, value FROM scores"):
        where = f"scores row of account {account_id}, criterion {criterion!r}:"
        values.setdefault(account_id, {})[criterion] = decode.number(shown, where, value)  # type: ignore[assignment]
    records = []
    for account_id, name, owner, effort, segment, ref in accounts:
        if not isinstance(name, str):
            raise decode.damaged(shown, f"accounts row {account_id}: name", "is not text")
        effort = decode.number(shown, f"accounts row {account_id}: effort", effort, optional=True)
        records.append(
            AccountRecord(account_id, name, owner, effort, segment, ref, values.get(account_id, {}))
        )
    return records


def not_found(name: str) -> NotFoundError:
    return NotFoundError(f"no account named '{name}'", hint="accounts")


def find_account(conn: sqlite3.Connection, name: str) -> tuple[int, str] | None:
    """(id, stored name) of the account called ``name``: exactly, else by the name rule (case and Unicode
    normalisation ignored, kamtui.core.names); None when there is none."""
    row = conn.execute("SELECT id, name FROM accounts WHERE name = ?", (name,)).fetchone()
    if row is not None:
        return int(row[0]), row[1]
    key = name_key(name)
    for account_id, stored in conn.execute("SELECT id, name FROM accounts"):
        if isinstance(stored, str) and name_key(stored) == key:
            return int(account_id), stored
    return None


def get_account(store: Store, name: str) -> AccountRecord:
    found = find_account(store.conn, name)
    if found is None:
        raise not_found(name)
    for account in list_accounts(store):
        if account.id == found[0]:
            return account
    raise not_found(name)


def apply_updates(
    store: Store,
    updates: Sequence[AccountUpdate],
    attributes: Sequence[Mapping[str, str | None]] | None = None,
) -> tuple[int, int]:
    """Create or update accounts by name (the name rule: "ACME" updates "Acme") in one transaction.
    ``attributes[i]`` (optional) are the attributes of ``updates[i]``: name -> text, None deletes it; an
    attribute name already stored in another spelling keeps the stored one. Returns (created, updated)."""
    created = updated = 0
    stamp = now()
    with store.write() as conn:
        forget_matrix(conn)
        existing = {
            name_key(name): account_id for name, account_id in conn.execute("SELECT name, id FROM accounts")
        }
        spelling = {name_key(n): n for (n,) in conn.execute("SELECT DISTINCT name FROM account_attributes")}
        for position, update in enumerate(updates):
            key = name_key(update.name)
            account_id = existing.get(key)
            if account_id is None:
                cursor = conn.execute(
                    "INSERT INTO accounts (name, owner, effort, segment, ref, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (update.name, *(update.fields.get(f) for f in ACCOUNT_FIELDS), stamp, stamp),
                )
                account_id = int(cursor.lastrowid)
                existing[key] = account_id
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
            if attributes is not None and attributes[position]:
                _write_attributes(conn, account_id, attributes[position], spelling)
    return created, updated


def _write_attributes(
    conn, account_id: int, attributes: Mapping[str, str | None], spelling: dict[str, str]
) -> None:
    for name, value in attributes.items():
        stored = spelling.setdefault(name_key(name), name)
        if value is None:
            conn.execute(
                "DELETE FROM account_attributes WHERE account_id = ? AND name = ?", (account_id, stored)
            )
        else:
            conn.execute(
                "INSERT INTO account_attributes (account_id, name, value) VALUES (?, ?, ?) "
                "ON CONFLICT (account_id, name) DO UPDATE SET value = excluded.value",
                (account_id, stored, value),
            )


def attribute_names(store: Store) -> list[str]:
    """Every attribute name stored, in the order they first arrived."""
    rows = store.conn.execute(
        "SELECT name FROM account_attributes GROUP BY name ORDER BY min(rowid)"
    ).fetchall()
    return [name for (name,) in rows if isinstance(name, str)]


def attributes_by_name(store: Store) -> dict[str, dict[str, str]]:
    """account name -> {attribute: text} for every account with attributes."""
    out: dict[str, dict[str, str]] = {}
    rows = store.conn.execute(
        "SELECT a.name, x.name, x.value FROM account_attributes x JOIN accounts a ON a.id = x.account_id "
        "ORDER BY x.rowid"
    )
    for account, name, value in rows:
        if isinstance(account, str) and isinstance(name, str) and value is not None:
            out.setdefault(account, {})[name] = str(value)
    return out


def _account_id(conn, name: str) -> int:
    found = find_account(conn, name)
    if found is None:
        raise not_found(name)
    return found[0]


def set_value(store: Store, name: str, criterion: str, value: float | None) -> None:
    """Set (or clear, with None) one criterion value of one account, committed at once."""
    if value is not None and not math.isfinite(value):
        raise InvalidValueError(f"{criterion}: expected a finite number, got {value}")
    with store.write() as conn:
        account_id = _account_id(conn, name)
        forget_matrix(conn)
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


def _check_new_name(conn, name: str, except_id: int | None = None) -> str:
    name = normalise(name)
    if not name:
        raise InvalidValueError("an account needs a name")
    problem = name_problem(name, "an account name")
    if problem:
        raise InvalidValueError(problem)
    found = find_account(conn, name)
    if found is not None and found[0] != except_id:
        same = "" if found[1] == name else f" ('{found[1]}': names differ only by case or accents)"
        raise InvalidValueError(f"an account named '{name}' already exists{same}")
    return name


def add_account(store: Store, name: str) -> str:
    """Add an account by name; returns the name as stored."""
    with store.write() as conn:
        name = _check_new_name(conn, name)
        forget_matrix(conn)
        stamp = now()
        conn.execute(
            "INSERT INTO accounts (name, created_at, updated_at) VALUES (?, ?, ?)", (name, stamp, stamp)
        )
    return name


def rename_account(store: Store, old: str, new: str) -> str:
    """Rename an account; returns the new name as stored."""
    with store.write() as conn:
        account_id = _account_id(conn, old)
        new = _check_new_name(conn, new, except_id=account_id)
        conn.execute("UPDATE accounts SET name = ?, updated_at = ? WHERE id = ?", (new, now(), account_id))
    return new


def remove_account(store: Store, name: str) -> None:
    with store.write() as conn:
        account_id = _account_id(conn, name)
        forget_matrix(conn)
        conn.execute("DELETE FROM accounts WHERE id = ?", (account_id,))


def load_matrix(store: Store, criterion_ids: Sequence[str], *, remember: bool = False) -> Matrix:
    """All accounts as an n x m float matrix over ``criterion_ids`` (NaN where a value is missing), in name
    order, read in one snapshot. SQLite pivots the scores (one row per account that has any, one column per
    criterion), so Python sees one tuple per account and no record or dictionary; the accounts are read in
    id order and sorted by name here (SQLite's byte order of UTF-8 is Python's code point order), which
    saves it a lookup per account. Big matrices come from the derived copy when it is still true
    (:mod:`kamtui.store.matrix_cache`); ``remember`` stores one after a read that missed. Damage is found
    first, with the message :func:`list_accounts` gives."""
    import numpy as np

    from kamtui.store import matrix_cache

    conn = store._fresh()
    m = len(criterion_ids)
    own = not conn.in_transaction
    if own:
        conn.execute("BEGIN")  # one snapshot for the accounts, the scores and the copy
    try:
        accounts = conn.execute(
            "SELECT id, name, owner, effort, segment, ref FROM accounts ORDER BY id"
        ).fetchall()
        version = int(conn.execute("PRAGMA data_version").fetchone()[0])
        _refuse_damaged_accounts(store)
        columns = list(zip(*accounts, strict=True)) or [()] * 6
        ids = np.array(columns[0], dtype=np.int64)
        cacheable = len(accounts) * m >= matrix_cache.MIN_VALUES
        mark = matrix_cache.mark(conn) if cacheable else None
        values = matrix_cache.recall(conn, criterion_ids, ids, mark) if mark is not None else None
        missed = values is None
        if values is None:
            _refuse_damaged_scores(store)
            values = _pivot_scores(conn, criterion_ids, ids)
    finally:
        if own and conn.in_transaction:
            conn.rollback()  # a read: nothing to commit
    if remember and missed and mark is not None:
        matrix_cache.remember(conn, criterion_ids, ids, values, mark, version)
    names = columns[1]
    order = sorted(range(len(names)), key=names.__getitem__)

    def ordered(column: tuple) -> list:
        return [column[i] for i in order]

    effort = np.array(columns[3], dtype=np.float64).reshape(len(accounts))  # None became NaN
    return Matrix(
        names=ordered(names),
        values=values[order],
        owners=ordered(columns[2]),
        effort=effort[order],
        segments=ordered(columns[4]),
        refs=ordered(columns[5]),
    )


def _pivot_scores(conn, criterion_ids: Sequence[str], ids):
    """n x m values for accounts ``ids`` (ascending), NaN where there is no score row."""
    import numpy as np

    m = len(criterion_ids)
    values = np.full((len(ids), m), np.nan)
    if not m or not len(ids):
        return values
    columns = ", ".join("max(CASE WHEN criterion = ? THEN value END)" for _ in criterion_ids)
    rows = conn.execute(
        f"SELECT account_id, {columns} FROM scores GROUP BY account_id", tuple(criterion_ids)
    ).fetchall()
    if not rows:
        return values
    holders = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
    found = np.array([row[1:] for row in rows], dtype=np.float64).reshape(len(rows), m)  # None -> NaN
    at = np.searchsorted(ids, holders).clip(max=len(ids) - 1)
    known = ids[at] == holders  # a score of an account that is gone (a damaged file) is left out
    values[at[known]] = found[known]
    return values


_NOT_A_NUMBER = (
    "typeof({0}) NOT IN ('integer', 'real') OR {0} > 1.7976931348623157e308 OR {0} < -1.7976931348623157e308"
)


def _refuse_damaged_accounts(store: Store) -> None:
    """A DatabaseError naming the first account whose name is not text or whose effort is not a finite
    number (one pass of SQLite over the table); :func:`_refuse_damaged_scores` does the same for scores."""
    conn = store.conn
    shown = store.path
    bad = conn.execute("SELECT id FROM accounts WHERE typeof(name) != 'text' LIMIT 1").fetchone()
    if bad is not None:
        raise decode.damaged(shown, f"accounts row {bad[0]}: name", "is not text")
    bad = conn.execute(
        f"SELECT id, effort FROM accounts WHERE effort IS NOT NULL AND ({_NOT_A_NUMBER.format('effort')}) LIMIT 1"
    ).fetchone()
    if bad is not None:
        decode.number(shown, f"accounts row {bad[0]}: effort", bad[1], optional=True)


def _refuse_damaged_scores(store: Store) -> None:
    conn = store.conn
    shown = store.path
    bad = conn.execute(
        f"SELECT account_id, criterion, value FROM scores WHERE {_NOT_A_NUMBER.format('value')} LIMIT 1"
    ).fetchone()
    if bad is not None:
        decode.number(shown, f"scores row of account {bad[0]}, criterion {bad[1]!r}:", bad[2])


def count_accounts(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM accounts") or 0)


def count_runs(store: Store) -> int:
    return int(store.scalar("SELECT count(*) FROM runs") or 0)
