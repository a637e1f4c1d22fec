"""Participants of a workshop (README, "Workshops"): registration with a resume code, the assessment's
confidentiality options, and respondent codes. The rules are in ``kamtui.core.confidential``."""

from __future__ import annotations

import secrets
import sqlite3
from dataclasses import dataclass

from kamtui.core.confidential import SECRET_BYTES, Confidentiality
from kamtui.store.db import Store, now
from kamtui.store.healthchecks import (
    assessment_not_found,
    find_respondent,
    get_assessment,
    is_anonymous,
    new_respondent_code,
)

SECRET_KEY = "participants.secret"  # meta: the key the resume codes' digests are made with


@dataclass(frozen=True)
class StoredParticipant:
    id: int
    name: str
    role: str | None
    resume_hash: str | None


class DigestTaken(Exception):
    """Another respondent of the assessment already has this resume digest: draw another code."""


def options(store: Store, assessment_id: int) -> Confidentiality:
    rows = store.query(
        "SELECT anonymous, min_group, results_open FROM assessments WHERE id = ?", (assessment_id,)
    )
    if not rows:
        raise assessment_not_found(assessment_id)
    row = rows[0]
    return Confidentiality(bool(row["anonymous"]), int(row["min_group"]), bool(row["results_open"]))


def set_results_open(store: Store, assessment_id: int, value: bool) -> None:
    get_assessment(store, assessment_id)
    with store.write() as conn:
        conn.execute("UPDATE assessments SET results_open = ? WHERE id = ?", (int(bool(value)), assessment_id))


def secret(store: Store) -> bytes:
    """The database's secret for resume digests, made on first use (two processes agree on one)."""
    value = store.get_meta(SECRET_KEY)
    if value is None:
        with store.write() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)", (SECRET_KEY, secrets.token_hex(SECRET_BYTES))
            )
        value = store.get_meta(SECRET_KEY)
    assert value is not None
    return bytes.fromhex(value)


def roles_used(store: Store, assessment_id: int) -> list[str]:
    """The roles of the assessment's respondents, the most used first (then by name)."""
    rows = store.query(
        """SELECT role, count(*) AS n FROM respondents WHERE assessment_id = ? AND role IS NOT NULL
           GROUP BY role ORDER BY n DESC, role""",
        (assessment_id,),
    )
    return [row["role"] for row in rows]


def by_name(store: Store, assessment_id: int, name: str) -> StoredParticipant | None:
    """The respondent called ``name`` (by the name rule), with their resume digest."""
    found = find_respondent(store.conn, assessment_id, name)
    if found is None:
        return None
    respondent_id, stored, role = found
    digest = store.scalar("SELECT resume_hash FROM respondents WHERE id = ?", (respondent_id,))
    return StoredParticipant(respondent_id, stored, role, digest)


def by_digest(store: Store, assessment_id: int, digest: str) -> StoredParticipant | None:
    rows = store.query(
        "SELECT id, name, role, resume_hash FROM respondents WHERE assessment_id = ? AND resume_hash = ?",
        (assessment_id, digest),
    )
    if not rows:
        return None
    row = rows[0]
    return StoredParticipant(row["id"], row["name"], row["role"], row["resume_hash"])


def create(
    store: Store, assessment_id: int, name: str | None, role: str | None, digest: str
) -> StoredParticipant | None:
    """A new respondent with a resume digest, or None when the name is taken (by the name rule). In an
    anonymous assessment ``name`` is not used: the respondent is stored under a new code. Raises
    DigestTaken when another respondent of the assessment has the same digest."""
    with store.write() as conn:
        anonymous = is_anonymous(conn, assessment_id)
        if conn.execute(
            "SELECT 1 FROM respondents WHERE assessment_id = ? AND resume_hash = ?", (assessment_id, digest)
        ).fetchone():
            raise DigestTaken
        code = new_respondent_code(conn, assessment_id)
        if anonymous:
            name = code
        elif name is None or find_respondent(conn, assessment_id, name) is not None:
            return None
        try:
            cursor = conn.execute(
                "INSERT INTO respondents (assessment_id, name, role, created_at, code, resume_hash) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (assessment_id, name, role, now(), code, digest),
            )
        except sqlite3.IntegrityError:
            return None  # the same name, registered by another process a moment ago
        return StoredParticipant(int(cursor.lastrowid), name, role, digest)


def set_role(store: Store, respondent_id: int, role: str | None) -> None:
    with store.write() as conn:
        conn.execute("UPDATE respondents SET role = ? WHERE id = ?", (role, respondent_id))


def assign_missing_codes(store: Store, assessment_id: int) -> int:
    """Give every respondent of the assessment without a code one (kept from then on); how many."""
    with store.write() as conn:
        missing = [
            row[0]
            for row in conn.execute(
                "SELECT id FROM respondents WHERE assessment_id = ? AND code IS NULL ORDER BY id", (assessment_id,)
            )
        ]
        for respondent_id in missing:
            code = new_respondent_code(conn, assessment_id)
            conn.execute("UPDATE respondents SET code = ? WHERE id = ?", (code, respondent_id))
    return len(missing)


def respondent_name(store: Store, respondent_id: int) -> str | None:
    return store.scalar("SELECT name FROM respondents WHERE id = ?", (respondent_id,))
