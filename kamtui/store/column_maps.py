"""Column maps remembered per criteria set (README, "Database": ``column_maps``).

An import that maps a file's column (``Account Name=account``) saves the map, so the next export from the
same CRM imports without one. ``file_column`` is kept as the file wrote it; a column is found again by
:func:`kamtui.core.names.name_key` (case, Unicode normalisation and spacing ignored).
"""

from __future__ import annotations

from collections.abc import Mapping

from kamtui.core.names import name_key
from kamtui.store.db import Store, now


def remembered(store: Store, criteria_set: str) -> dict[str, str]:
    """{name_key(file column): field} remembered for ``criteria_set``."""
    rows = store.conn.execute(
        "SELECT file_column, field FROM column_maps WHERE criteria_set = ? ORDER BY updated_at, file_column",
        (criteria_set,),
    ).fetchall()
    return {
        name_key(column): target
        for column, target in rows
        if isinstance(column, str) and isinstance(target, str)
    }


def remember(store: Store, criteria_set: str, maps: Mapping[str, str]) -> None:
    """Save ``{file column: field}`` for ``criteria_set`` (a column mapped before, in any spelling, is
    replaced), in one transaction."""
    if not maps:
        return
    stamp = now()
    with store.write() as conn:
        existing = {
            name_key(column): column
            for (column,) in conn.execute(
                "SELECT file_column FROM column_maps WHERE criteria_set = ?", (criteria_set,)
            )
            if isinstance(column, str)
        }
        for column, target in maps.items():
            old = existing.get(name_key(column))
            if old is not None and old != column:
                conn.execute(
                    "DELETE FROM column_maps WHERE criteria_set = ? AND file_column = ?", (criteria_set, old)
                )
            conn.execute(
                "INSERT INTO column_maps (criteria_set, file_column, field, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (criteria_set, file_column) DO UPDATE SET field = excluded.field, "
                "updated_at = excluded.updated_at",
                (criteria_set, column, target, stamp),
            )


def forget(store: Store, criteria_set: str) -> int:
    """Remove every map remembered for ``criteria_set``; returns how many there were."""
    with store.write() as conn:
        return conn.execute("DELETE FROM column_maps WHERE criteria_set = ?", (criteria_set,)).rowcount
