"""``kamtui demo``: fill a database with the demo programme (idempotent) and show it."""

from __future__ import annotations

import click

from kamtui.commands.common import open_db, resolve_db
from kamtui.paths import user_data_dir


def load_demo(store) -> tuple[int, int]:
    """Create the demo assessments unless they exist; return (earlier id, current id)."""
    from kamtui.core.survey import load_survey
    from kamtui.demo_data import (
        CURRENT_PEOPLE,
        CURRENT_TITLE,
        EARLIER_PEOPLE,
        EARLIER_TITLE,
        PROGRAMME,
        demo_answers,
    )
    from kamtui.store.healthchecks import create_assessment, import_answers

    existing = {
        row["title"]: row["id"]
        for row in store.query("SELECT id, title FROM assessments WHERE programme = ?", (PROGRAMME,))
    }
    survey = load_survey("kam-healthcheck")
    ids = []
    for title, people, shift, seed in (
        (EARLIER_TITLE, EARLIER_PEOPLE, -0.6, 1),
        (CURRENT_TITLE, CURRENT_PEOPLE, 0.0, 2),
    ):
        if title in existing:
            ids.append(existing[title])
            continue
        assessment_id = create_assessment(store, title, survey, PROGRAMME)
        import_answers(store, assessment_id, demo_answers(survey, people, shift, seed))
        ids.append(assessment_id)
    load_demo_accounts(store)
    return ids[0], ids[1]


def load_demo_accounts(store) -> None:
    """The demo's candidate accounts, added only to a database that has no accounts yet."""
    from kamtui.core.criteria import load_criteria
    from kamtui.demo_data import demo_account_rows
    from kamtui.store.accounts import AccountUpdate, apply_updates

    if store.scalar("SELECT count(*) FROM accounts"):
        return
    rows = demo_account_rows(load_criteria("kam-default"))
    apply_updates(
        store,
        [
            AccountUpdate(
                name=row["name"],
                fields={k: row[k] for k in ("owner", "effort", "segment", "ref")},
                values=row["values"],
            )
            for row in rows
        ],
    )


@click.command()
@click.option("--db", "db", metavar="PATH", help="Database file (default: demo.db in the user data folder).")
@click.option("--no-open", is_flag=True, help="Only fill the database; do not show the demo.")
@click.pass_context
def demo(ctx: click.Context, db: str | None, no_open: bool) -> None:
    """Fill a database with a demo KAM programme and show it."""
    root = ctx.find_root().obj or {}
    path = db or root.get("db") or str(user_data_dir() / "demo.db")
    with open_db(ctx, path) as store:
        earlier, current = load_demo(store)
    click.echo(f"demo database: {resolve_db(ctx, path)}", err=True)
    if no_open:
        click.echo(f"demo assessments: {earlier} (earlier), {current} (current)")
        return
    from kamtui.commands.app import open_app

    open_app(resolve_db(ctx, path), compare=(current, earlier))
