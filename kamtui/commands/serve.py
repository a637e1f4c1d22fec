"""``kamtui serve``: the same app in browsers, so workshop participants answer from their laptops."""

from __future__ import annotations

import ipaddress
import shlex
import sys

import click

from kamtui.commands.common import db_option, resolve_db

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}


def is_loopback(host: str) -> bool:
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind_warning(host: str) -> str | None:
    """What to tell the user before listening on a non-loopback address (None for loopback)."""
    if is_loopback(host):
        return None
    return (
        f"warning: serving on {host} makes kamtui reachable from other machines on the network. "
        "There is no password: anyone who reaches this port can read and change the database. "
        "Use the default --host 127.0.0.1 unless you trust the network."
    )


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on."
)
@db_option
@click.pass_context
def serve(ctx: click.Context, host: str, port: int, db: str | None) -> None:
    """Serve the app to web browsers (each browser tab gets its own session on the same database)."""
    from kamtui.store import open_store

    path = resolve_db(ctx, db).resolve()
    open_store(path).close()  # a wrong database is refused here, with its message, not in every tab
    warning = bind_warning(host)
    if warning:
        click.echo(warning, err=True)
    from textual_serve.server import Server

    command = shlex.join([sys.executable, "-m", "kamtui", "--db", str(path)])
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"kamtui is served at http://{shown}:{port}/ (database {path}); Ctrl+C stops it", err=True)
    Server(command, host=host, port=port, title="kamtui").serve()
