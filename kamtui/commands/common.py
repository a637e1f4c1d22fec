"""Helpers every command shares: the error boundary, the database option and opening it, JSON output."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kamtui.core.errors import KamError


class KamGroup(click.Group):
    """A click group that turns every KamError into ``error: ...`` on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KamError as exc:
            click.echo(f"error: {exc}", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            ctx.exit(130)


def resolve_db(ctx: click.Context, value: str | None) -> Path:
    """``--db`` on the command, else ``--db`` on ``kamtui``, else KAMTUI_DB, else the default."""
    from kamtui.paths import default_db_path

    if value:
        return Path(value).expanduser()
    root = ctx.find_root()
    if root.obj and root.obj.get("db"):
        return Path(root.obj["db"]).expanduser()
    return default_db_path()


def db_option(func: Callable) -> Callable:
    return click.option(
        "--db",
        "db",
        metavar="PATH",
        help="Database file (default: $KAMTUI_DB or kamtui.db in the user data folder).",
    )(func)


def open_db(ctx: click.Context, value: str | None):
    from kamtui.store import open_store

    return open_store(resolve_db(ctx, value))


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False))
