"""Opening the application. Until the TUI lands, this prints the latest healthcheck report."""

from __future__ import annotations

from pathlib import Path

import click

COMMANDS: list[click.Command] = []


def open_app(db_path: Path, compare: tuple[int, int] | None = None) -> None:
    from kamtui.store import open_store
    from kamtui.store.healthchecks import list_assessments, report_for
    from kamtui.textreport import healthcheck_report

    with open_store(db_path) as store:
        if compare is not None:
            current, earlier = compare
        else:
            summaries = list_assessments(store)
            if not summaries:
                click.echo(f"database: {db_path}\nno assessments yet. Try: kamtui demo, or kamtui --help")
                return
            current, earlier = summaries[-1].id, None
        click.echo(healthcheck_report(report_for(store, current, compare=earlier)))
