"""``kamtui demo``: fill a database with the demo programme (idempotent) and show it."""

from __future__ import annotations

import click

from kamtui.commands.common import open_db, resolve_db
from kamtui.paths import user_data_dir


@click.command()
@click.option("--db", "db", metavar="PATH", help="Database file (default: demo.db in the user data folder).")
@click.option("--no-open", is_flag=True, help="Only fill the database; do not show the demo.")
@click.pass_context
def demo(ctx: click.Context, db: str | None, no_open: bool) -> None:
    """Fill a database with a demo KAM programme and show it."""
    root = ctx.find_root().obj or {}
    path = db or root.get("db") or str(user_data_dir() / "demo.db")
    from kamtui.service.demo import load_demo

    with open_db(ctx, path) as store:
        earlier, current = load_demo(store)
    click.echo(f"demo database: {resolve_db(ctx, path)}", err=True)
    if no_open:
        click.echo(f"demo assessments: {earlier} (earlier), {current} (current)")
        return
    from kamtui.commands.app import open_app

    open_app(resolve_db(ctx, path), compare=(current, earlier))
