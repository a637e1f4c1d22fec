"""``kamtui actions``: the action plan of an assessment (add, list, set, carry)."""

from __future__ import annotations

import click

from kamtui.commands.common import KamGroup, db_option, echo_json, open_db, plural

ID = click.IntRange(1, 2**63 - 1)


@click.group(cls=KamGroup)
def actions() -> None:
    """The action plan: elements of an assessment turned into actions with an owner, a due date and a
    status (open, doing, done, dropped)."""


@actions.command("add")
@click.argument("assessment_id", metavar="ID", type=ID)
@click.option("--element", required=True, metavar="EL", help="The element, by id or name.")
@click.option("--owner", required=True, metavar="NAME", help="Who owns the action.")
@click.option("--due", required=True, metavar="YYYY-MM-DD", help="When it is due.")
@click.option(
    "--text", default=None, metavar="T", help="What to do (default: the element's next-level prescription)."
)
@db_option
@click.pass_context
def add(
    ctx: click.Context,
    assessment_id: int,
    element: str,
    owner: str,
    due: str,
    text: str | None,
    db: str | None,
) -> None:
    """Add an open action on an element of assessment ID; prints the new action's id alone."""
    from kamtui.service.actions import add_action

    with open_db(ctx, db) as store:
        click.echo(add_action(store, assessment_id, element, owner, due, text).id)


@actions.command("list")
@click.argument("assessment_id", metavar="[ID]", type=ID, required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def list_(ctx: click.Context, assessment_id: int | None, as_json: bool, db: str | None) -> None:
    """The actions of assessment ID (or of every assessment)."""
    from kamtui.service.actions import list_actions

    with open_db(ctx, db) as store:
        found = list_actions(store, assessment_id)
    if as_json:
        echo_json([a.to_json() for a in found])
        return
    if not found:
        click.echo("no actions yet: kamtui actions add ID --element EL --owner NAME --due YYYY-MM-DD")
        return
    from kamtui.commands.text import actions_table

    click.echo(actions_table(found))


@actions.command("set")
@click.argument("action_id", metavar="ACTION", type=ID)
@click.option("--status", default=None, metavar="S", help="open, doing, done or dropped.")
@click.option("--owner", default=None, metavar="NAME", help="Who owns the action.")
@click.option("--due", default=None, metavar="YYYY-MM-DD", help="When it is due.")
@click.option("--text", default=None, metavar="T", help="What to do.")
@db_option
@click.pass_context
def set_(
    ctx: click.Context,
    action_id: int,
    status: str | None,
    owner: str | None,
    due: str | None,
    text: str | None,
    db: str | None,
) -> None:
    """Change the status, owner, due date or text of an action (nothing is written if one is refused)."""
    from kamtui.service.actions import set_action

    if status is None and owner is None and due is None and text is None:
        raise click.UsageError("give what to change: --status, --owner, --due or --text")
    with open_db(ctx, db) as store:
        action = set_action(store, action_id, status=status, owner=owner, due=due, text=text)
    click.echo(
        f"action {action.id}: {action.status}, {action.owner or '-'}, due {action.due or '-'}: {action.text}"
    )


@actions.command("carry")
@click.argument("assessment_id", metavar="ID", type=ID)
@db_option
@click.pass_context
def carry(ctx: click.Context, assessment_id: int, db: str | None) -> None:
    """Carry the open and doing actions of the programme's previous assessment into assessment ID.

    Each copy names its original (carried_from); carrying again copies only what was not carried yet.
    """
    from kamtui.service.actions import carry as carry_actions

    with open_db(ctx, db) as store:
        carried = carry_actions(store, assessment_id)
    if carried.source is None:
        click.echo(f"nothing to carry: assessment {assessment_id} has no earlier assessment in its programme")
        return
    click.echo(
        f"carried {plural(len(carried.actions), 'action')} from assessment {carried.source} "
        f"into assessment {assessment_id}"
    )
