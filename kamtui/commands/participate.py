"""``kamtui participate ID``: the participant app of one assessment (README, "Workshops").

What a join link of ``kamtui serve`` opens in the browser, and usable on its own (a laptop handed round
the room): register or resume, answer, finish. Nothing else of the database is reachable from it.
"""

from __future__ import annotations

import click

from kamtui.commands.common import db_option, resolve_db


@click.command()
@click.argument("assessment_id", metavar="ID", type=click.IntRange(1, 2**63 - 1))
@db_option
@click.pass_context
def participate(ctx: click.Context, assessment_id: int, db: str | None) -> None:
    """Answer assessment ID as a participant: register (or resume with your code), answer, finish."""
    from kamtui.tui.output import private_stdout
    from kamtui.tui.participant import make_participant_app

    app = make_participant_app(resolve_db(ctx, db), assessment_id)
    with private_stdout():
        app.run()
    if app.return_code:
        raise SystemExit(app.return_code)
