"""The ``kamtui`` command line. With no sub-command it opens the TUI.

Every command takes ``--db PATH`` (also accepted before the sub-command); otherwise ``KAMTUI_DB`` or the
default database in the user data folder is used. A user's mistake ends in one clear message on stderr
and exit code 1, never a traceback.
"""

from __future__ import annotations

import importlib
import sys

import click

from kamtui import __version__
from kamtui.commands.common import KamGroup, resolve_db

# Sub-commands are imported when used: `kamtui` alone opens the app without loading them all.
SUBCOMMANDS = {
    "survey": ("kamtui.commands.survey", "survey"),
    "healthcheck": ("kamtui.commands.healthcheck", "healthcheck"),
    "actions": ("kamtui.commands.actions", "actions"),
    "demo": ("kamtui.commands.demo", "demo"),
    "criteria": ("kamtui.commands.criteria", "criteria"),
    "accounts": ("kamtui.commands.accounts", "accounts"),
    "weights": ("kamtui.commands.weights", "weights"),
    "rank": ("kamtui.commands.rank", "rank"),
    "runs": ("kamtui.commands.rank", "runs"),
    "export": ("kamtui.commands.export", "export"),
    "serve": ("kamtui.commands.serve", "serve"),
    "participate": ("kamtui.commands.participate", "participate"),
}


class KamCli(KamGroup):
    """The root group: every sub-command in SUBCOMMANDS (and app.COMMANDS) loaded on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from kamtui.commands.app import COMMANDS

        return sorted({*super().list_commands(ctx), *SUBCOMMANDS, *(c.name for c in COMMANDS if c.name)})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in SUBCOMMANDS:
            module_name, attribute = SUBCOMMANDS[cmd_name]
            return getattr(importlib.import_module(module_name), attribute)
        from kamtui.commands.app import COMMANDS

        return next((c for c in COMMANDS if c.name == cmd_name), None) or super().get_command(ctx, cmd_name)


@click.group(
    cls=KamCli, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]}
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


def main() -> None:
    try:
        cli.main(prog_name="kamtui")
    except BrokenPipeError:  # e.g. `kamtui healthcheck report 1 | head`
        sys.stderr.close()
        sys.exit(0)
