"""Opening the application: ``kamtui`` with no sub-command (and ``kamtui demo``) starts the TUI."""

from __future__ import annotations

from pathlib import Path

import click

COMMANDS: list[click.Command] = []


def open_app(db_path: Path, compare: tuple[int, int] | None = None) -> None:
    """Open the TUI on ``db_path`` (on the results of ``compare = (current, earlier)`` when given)."""
    from kamtui.tui.app import make_app
    from kamtui.tui.output import private_stdout

    results, earlier = compare if compare is not None else (None, None)
    app = make_app(db_path, results=results, compare=earlier)
    with private_stdout():
        app.run()
    if app.return_code:
        raise SystemExit(app.return_code)
