"""Pilot helpers shared by the TUI tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path


async def settle(pilot) -> None:
    """Let every worker finish and the screen catch up: a worker's result may start another worker or a
    relayout after the next refresh, so wait until a round finds nothing running."""
    for _ in range(10):
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if not any(worker.is_running for worker in pilot.app.workers):
            break
    await pilot.pause()


async def type_text(pilot, text: str) -> None:
    for char in text:
        await pilot.press("space" if char == " " else char)


def count_answers(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM answers WHERE status IS NOT NULL").fetchone()[0]


def screen_text(app) -> str:
    """What the top screen shows, as plain text (dialogs included)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())
