"""Weights (points) stored per criteria set; they override the set's defaults from then on."""

from __future__ import annotations

from collections.abc import Mapping

from kamtui.store.db import Store, now


def stored_points(store: Store, criteria_set: str) -> dict[str, float]:
    rows = store.conn.execute("SELECT criterion, points FROM weights WHERE criteria_set = ?", (criteria_set,))
    return dict(rows.fetchall())


def stored_sources(store: Store, criteria_set: str) -> dict[str, str]:
    """Where each stored weight came from (``manual`` or ``ahp``)."""
    rows = store.conn.execute("SELECT criterion, source FROM weights WHERE criteria_set = ?", (criteria_set,))
    return dict(rows.fetchall())


def save_points(store: Store, criteria_set: str, points: Mapping[str, float], source: str = "manual") -> None:
    """Store points for some criteria of a set in one transaction."""
    stamp = now()
    with store.write() as conn:
        conn.executemany(
            "INSERT INTO weights (criteria_set, criterion, points, source, updated_at) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT (criteria_set, criterion) DO UPDATE SET points = excluded.points, "
            "source = excluded.source, updated_at = excluded.updated_at",
            [(criteria_set, criterion, float(value), source, stamp) for criterion, value in points.items()],
        )


def reset_points(store: Store, criteria_set: str) -> None:
    with store.write() as conn:
        conn.execute("DELETE FROM weights WHERE criteria_set = ?", (criteria_set,))
