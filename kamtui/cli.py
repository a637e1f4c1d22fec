"""The ``kamtui`` command line. With no sub-command it opens the TUI.

Every command takes ``--db PATH`` (also accepted before the sub-command); otherwise ``KAMTUI_DB`` or the
default database in the user data folder is used. A user's mistake ends in one clear message on stderr
and exit code 1, never a traceback.
"""

from __future__ import annotations

import sys

import click

from kamtui import __version__
from kamtui.commands.common import KamGroup, resolve_db


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
