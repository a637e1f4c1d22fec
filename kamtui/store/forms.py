"""Answer forms issued and collected (README, "Database": ``forms``), and the secret their checksums use."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from kamtui.store.db import Store, now

SECRET_KEY = "forms.secret"


def forms_secret(store: Store) -> bytes:
    """The database's own key for form checksums, made on first use (so a form cannot be forged elsewhere)."""
    value = store.get_meta(SECRET_KEY)
    if not value:
        value = secrets.token_hex(32)
        with store.write() as conn:
            conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (SECRET_KEY, value))
        value = store.get_meta(SECRET_KEY) or value
    return bytes.fromhex(value)


def record_issued(store: Store, assessment_id: int, issued: Iterable[tuple[str, str, str | None, str | None, str]]) -> None:
    """(form id, respondent, role, email, file) of each form written, in one transaction."""
    stamp = now()
    with store.write() as conn:
        conn.executemany(
            "INSERT OR REPLACE INTO forms (id, assessment_id, respondent, role, email, file, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(fid, assessment_id, who, role, email, file, stamp) for fid, who, role, email, file in issued],
        )


def issued_forms(store: Store, assessment_id: int) -> list[dict[str, Any]]:
    return store.query(
        "SELECT id, respondent, role, email, file, created_at, collected_at FROM forms WHERE assessment_id = ? "
        "ORDER BY respondent",
        (assessment_id,),
    )


def mark_collected(conn, form_ids: Iterable[str]) -> None:
    """Inside the collecting transaction: the forms whose answers were written."""
    stamp = now()
    conn.executemany("UPDATE forms SET collected_at = ? WHERE id = ?", [(stamp, fid) for fid in form_ids])
