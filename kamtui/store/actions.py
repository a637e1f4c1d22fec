"""The action plan of an assessment: the ``actions`` table (README, "Database"). Each change is committed
at once, in its own transaction; a carry-over copies every action it carries in one transaction."""

from __future__ import annotations

from collections.abc import Mapping

from kamtui.core.actions import OPEN_STATUSES, Action
from kamtui.store.db import Store, now

_COLUMNS = "id, assessment_id, element, text, owner, due, status, carried_from, created_at, updated_at"
EDITABLE = ("text", "owner", "due", "status")


def _action(row: Mapping) -> Action:
    return Action(**row)


def add_action(
    store: Store,
    assessment_id: int,
    element: str,
    text: str,
    owner: str | None,
    due: str | None,
    status: str = "open",
    carried_from: int | None = None,
) -> int:
    stamp = now()
    with store.write() as conn:
        cursor = conn.execute(
            "INSERT INTO actions (assessment_id, element, text, owner, due, status, carried_from, created_at, "
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (assessment_id, element, text, owner, due, status, carried_from, stamp, stamp),
        )
        return int(cursor.lastrowid)


def get_action(store: Store, action_id: int) -> Action | None:
    rows = store.query(f"SELECT {_COLUMNS} FROM actions WHERE id = ?", (action_id,))
    return _action(rows[0]) if rows else None


def list_actions(store: Store, assessment_id: int | None = None) -> list[Action]:
    """The actions of one assessment (or of all), by assessment and id."""
    if assessment_id is None:
        rows = store.query(f"SELECT {_COLUMNS} FROM actions ORDER BY assessment_id, id")
    else:
        rows = store.query(
            f"SELECT {_COLUMNS} FROM actions WHERE assessment_id = ? ORDER BY id", (assessment_id,)
        )
    return [_action(row) for row in rows]


def update_action(store: Store, action_id: int, changes: Mapping[str, str | None]) -> None:
    """Set the ``changes`` (columns of EDITABLE) and ``updated_at``."""
    columns = [name for name in EDITABLE if name in changes]
    if not columns:
        return
    assignments = ", ".join(f"{name} = ?" for name in columns)
    with store.write() as conn:
        conn.execute(
            f"UPDATE actions SET {assignments}, updated_at = ? WHERE id = ?",
            (*(changes[name] for name in columns), now(), action_id),
        )


_MARKS = ", ".join("?" for _ in OPEN_STATUSES)
_UNCARRIED = f"""SELECT {_COLUMNS} FROM actions
    WHERE assessment_id = ? AND status IN ({_MARKS})
      AND id NOT IN (SELECT carried_from FROM actions WHERE assessment_id = ? AND carried_from IS NOT NULL)
    ORDER BY id"""


def uncarried_actions(store: Store, from_assessment: int, to_assessment: int) -> list[Action]:
    """The open or doing actions of ``from_assessment`` that have no copy in ``to_assessment`` yet."""
    return [_action(row) for row in store.query(_UNCARRIED, (from_assessment, *OPEN_STATUSES, to_assessment))]


def carry_actions(store: Store, from_assessment: int, to_assessment: int) -> list[int]:
    """Copy every action :func:`uncarried_actions` lists into ``to_assessment`` (``carried_from`` names the
    original, the status is kept), in one transaction; returns the new ids. Carrying twice copies nothing."""
    stamp = now()
    with store.write() as conn:
        cursor = conn.execute(_UNCARRIED, (from_assessment, *OPEN_STATUSES, to_assessment))
        names = [column[0] for column in cursor.description]
        ids = []
        for row in [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]:
            inserted = conn.execute(
                "INSERT INTO actions (assessment_id, element, text, owner, due, status, carried_from, "
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (to_assessment, row["element"], row["text"], row["owner"], row["due"], row["status"], row["id"],
                 stamp, stamp),
            )  # fmt: skip
            ids.append(int(inserted.lastrowid))
        return ids
