"""Helpers every command shares: the error boundary, the database option and opening it, JSON output.

The command line is a thin edge over ``kamtui.service``: it parses flags, calls one service function and
prints. Messages from below name their subjects neutrally ("top K"); here they get the flag a person
typed ("--top") and a hint of the command that helps next ("see: kamtui accounts list").
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from kamtui.core.errors import KamError

# How the command line names the subjects of messages (kamtui.core.errors.SUBJECTS).
FLAGS = {
    "top_k": "--top",
    "capacity": "--capacity",
    "per_kam": "--per-kam",
    "samples": "--samples",
    "seed": "--seed",
    "title": "a title (--title)",
    "respondent": "a name (--respondent)",
    "compare": "--compare",
    "target": "--target",
    "force": "--force",
    "decimal_comma": "--decimal-comma",
    "criteria": "another set with --criteria ID|FILE",
    "run": "--run ID",
    "value": "VALUE",
    "indicator": "INDICATOR",
    "criterion": "CRITERION",
    "db": "another --db path",
    "min_group": "--min-group",
    "element": "--element",
    "owner": "an owner (--owner)",
    "due": "--due",
    "status": "--status",
    "action_text": "a text (--text)",
    "saved_by": "--by",
    "map": "--map",
    "extra": "--extra",
}
HINTS = {
    "assessments": "see: kamtui healthcheck list",
    "accounts": "see: kamtui accounts list",
    "runs": "see: kamtui runs list",
    "actions": "see: kamtui actions list",
    "import": "kamtui accounts import FILE, or export a saved run with --run ID",
}


def render(error: KamError) -> str:
    """A KamError as the command line words it: flags for subjects, and the hint for what helps next."""
    text = error.render(FLAGS)
    if error.hint in HINTS:
        text = f"{text} ({HINTS[error.hint]})"
    return text


class KamGroup(click.Group):
    """A click group that turns every KamError into ``error: ...`` on stderr and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except KamError as exc:
            click.echo(f"error: {render(exc)}", err=True)
            ctx.exit(1)
        except OverflowError as exc:  # an id or count beyond SQLite's 64-bit integers reached a query
            if "SQLite INTEGER" not in str(exc):
                raise
            click.echo(f"error: a number given is too large: ids and counts go up to {2**63 - 1}", err=True)
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
    from kamtui.service.database import open_database

    return open_database(resolve_db(ctx, value))


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, allow_nan=False))


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else (many or word + 's')}"


criteria_option = click.option(
    "--criteria",
    "criteria_ref",
    metavar="ID|FILE",
    default=None,
    help="Criteria set (default: the one last used with this database, else kam-default).",
)
