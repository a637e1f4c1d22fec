"""``kamtui serve``: the workshop server (README, "Workshops").

Prints the lead link and the join link on stdout (exactly ``lead: URL`` and ``join: URL``) and the join
link as a QR code on the terminal (stderr), then serves until Ctrl+C or SIGTERM. Only the two links
open anything: the lead's opens the full app, the join link the participant app of one assessment.
"""

from __future__ import annotations

import sys
from urllib.parse import urlsplit

import click

from kamtui.commands.common import db_option, resolve_db
from kamtui.serve.addresses import is_loopback, is_wildcard, primary_address, url_host

__all__ = ["bind_warning", "is_loopback", "join_qr", "link_base", "serve"]


def bind_warning(host: str) -> str | None:
    """What to tell the user before listening on a non-loopback address (None for loopback)."""
    if is_loopback(host):
        return None
    return (
        f"warning: serving on {host} makes kamtui reachable from other machines on the network. "
        "Anyone with the lead link can read and change the whole database, anyone with the join link can "
        "answer the survey, and plain http is not encrypted: use a network you trust, or an https proxy "
        "named with --public-url."
    )


def link_base(host: str, port: int, public_url: str | None) -> tuple[str, str | None]:
    """The start of every printed link, and a warning when no address for other machines was found."""
    if public_url:
        return public_url.rstrip("/"), None
    shown = host.strip("[]")
    warning = None
    if is_wildcard(shown):
        found = primary_address()
        if found is None:
            found = "127.0.0.1"
            warning = (
                "warning: this machine has no network address that others can reach: the links below work "
                "on this machine only; pass --public-url URL with the address participants should use."
            )
        shown = found
    return f"http://{url_host(shown)}:{port}", warning


def join_qr(url: str) -> str:
    """The join link as a QR code in Unicode half blocks (light modules drawn, for a dark terminal)."""
    import io

    import segno

    out = io.StringIO()
    segno.make(url, error="m").terminal(out=out, compact=True)
    return out.getvalue()


def check_public_url(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError for a bad port
    except ValueError:
        raise click.BadParameter(f"'{value}' is not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise click.BadParameter(f"expected http(s)://HOST[:PORT][/PATH], got '{value}'")
    return value


@click.command()
@click.option(
    "--assessment",
    "assessment_id",
    metavar="ID",
    type=int,
    default=None,
    help="The assessment participants answer through the join link (without it: the lead link only).",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8000,
    show_default=True,
    help="Port to listen on (0 picks a free one).",
)
@db_option
@click.option(
    "--public-url",
    metavar="URL",
    callback=check_public_url,
    help="The address participants reach the server at (a name, or an https proxy), used in the links.",
)
@click.option(
    "--keep-tokens",
    is_flag=True,
    help="Keep the links across restarts (stored in the database's meta table).",
)
@click.option(
    "--max-sessions",
    type=click.IntRange(1, 1000),
    default=50,
    show_default=True,
    help="Browser tabs open at once, the lead's included; more are told the workshop is full.",
)
@click.option(
    "--idle-minutes",
    type=click.FloatRange(0, min_open=True),
    default=30.0,
    show_default=True,
    help="Close a tab after this many minutes without input.",
)
@click.pass_context
def serve(
    ctx: click.Context,
    assessment_id: int | None,
    host: str,
    port: int,
    db: str | None,
    public_url: str | None,
    keep_tokens: bool,
    max_sessions: int,
    idle_minutes: float,
) -> None:
    """Serve the workshop to web browsers: the lead link opens the app, the join link one survey."""
    from kamtui.serve.server import ListenError, Workshop, WorkshopServer
    from kamtui.serve.tokens import workshop_tokens
    from kamtui.service.database import open_database
    from kamtui.service.healthcheck import get_assessment

    path = resolve_db(ctx, db).resolve()
    store = open_database(path)  # a wrong database is refused here, with its message, not in every tab
    try:
        title = "kamtui"
        if assessment_id is not None:
            title = f"kamtui · {get_assessment(store, assessment_id).title}"
        tokens = workshop_tokens(store, assessment_id, keep_tokens)
    finally:
        store.close()
    warning = bind_warning(host)
    if warning:
        click.echo(warning, err=True)
    workshop = Workshop(
        db=path,
        tokens=tokens,
        assessment=assessment_id,
        join_title=title,
        max_sessions=max_sessions,
        idle_seconds=idle_minutes * 60,
    )

    def on_ready(bound_port: int) -> None:
        base, problem = link_base(host, bound_port, public_url)
        if problem:
            click.echo(problem, err=True)
        click.echo(f"lead: {base}/lead/{tokens.lead}")
        if tokens.join is not None:
            join = f"{base}/join/{tokens.join}"
            click.echo(f"join: {join}")
            click.echo(join_qr(join), err=True, nl=False)
        kept = "kept (--keep-tokens)" if keep_tokens else "new at every start (--keep-tokens keeps them)"
        click.echo(
            f"serving {path} on {url_host(host)} port {bound_port}; the links are {kept}. "
            "Keep the lead link to yourself: it opens the whole database. "
            "Ctrl+C stops the server and every session.",
            err=True,
        )
        # From here on nothing belongs on stdout: what textual-serve prints (an app's errors) goes to stderr.
        sys.stdout.flush()
        sys.stdout = sys.stderr

    stdout = sys.stdout
    try:
        WorkshopServer(workshop, host, port, public_url).serve(on_ready=on_ready)
    except ListenError as error:
        raise ListenError(f"{error}; choose another --port (or --host)") from None
    finally:
        sys.stdout = stdout
    click.echo("serve: stopped", err=True)
