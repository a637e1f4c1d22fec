"""Served to a browser (``kamtui serve``): the header shows no icon on any screen of the lead or the
participant app. The browser's font (Roboto Mono, served locally) has no "⭘": it drew a missing-glyph box."""

from __future__ import annotations

import os
from functools import partial

from textual.app import App
from textual.screen import Screen

from kamtui.core.served import SERVED_ENV

SERVED_ICON = ""  # the browser's font (Roboto Mono, served locally) has no "⭘": it drew a missing-glyph box


def served_header(app: App, screen: Screen) -> None:
    """Served to a browser (kamtui serve): the headers of ``screen`` show no icon, once it is composed."""
    from textual.widgets import Header

    def clear() -> None:
        for header in screen.query(Header):
            header.icon = SERVED_ICON

    app.call_after_refresh(clear)


def watch_served_header(app: App) -> None:
    """In a served app (``SERVED_ENV`` set by the server), clear the header icon of every screen shown."""
    if os.environ.get(SERVED_ENV) == "1":
        app.screen_change_signal.subscribe(app, partial(served_header, app))
        served_header(app, app.screen)
