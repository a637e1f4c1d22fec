"""The ``kamtui`` command line. With no sub-command it opens the TUI.

Every command takes ``--db PATH`` (also accepted before the sub-command); otherwise ``KAMTUI_DB`` or the
default database in the user data folder is used. A user's mistake ends in one clear message on stderr
and exit code 1, never a traceback.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kamtui import __version__
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


@click.group(
    cls=KamGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.option("--db", "db", metavar="PATH", envvar=None, help="Database file for every sub-command.")
@click.version_option(__version__, prog_name="kamtui")
@click.pass_context
def cli(ctx: click.Context, db: str | None) -> None:
    """kamtui: KAM programme healthcheck and key-account selection, in the terminal."""
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is None:
        from kamtui.commands.app import open_app

        open_app(resolve_db(ctx, None))


def _register() -> None:
    from kamtui.commands import accounts, app, criteria, demo, export, healthcheck, rank, survey, weights

    cli.add_command(survey.survey)
    cli.add_command(healthcheck.healthcheck)
    cli.add_command(demo.demo)
    cli.add_command(criteria.criteria)
    cli.add_command(accounts.accounts)
    cli.add_command(weights.weights)
    cli.add_command(rank.rank)
    cli.add_command(rank.runs)
    cli.add_command(export.export)
    for command in app.COMMANDS:
        cli.add_command(command)


_register()


def main() -> None:
    try:
        cli.main(prog_name="kamtui")
    except BrokenPipeError:  # e.g. `kamtui healthcheck report 1 | head`
        sys.stderr.close()
        sys.exit(0)
