"""``kamtui accounts``: import, list, edit and remove candidate accounts."""

from __future__ import annotations

import click

from kamtui.commands.common import criteria_option, db_option, echo_json, open_db

__all__ = ["accounts", "criteria_option"]


@click.group()
def accounts() -> None:
    """Candidate key accounts and their criterion values."""


@accounts.command("import")
@click.argument("file", type=click.Path(path_type=str))
@criteria_option
@click.option("--decimal-comma", is_flag=True, help="Read 4.200.000 as 4200000 and 0,5 as 0.5.")
@click.option("--sheet", default=None, help="Worksheet of an .xlsx file (default: the first).")
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar='"FILE COLUMN=FIELD"',
    help="Read a column as a field (account, owner, effort, segment, ref, a criterion id or name, keep or "
    "ignore); remembered for the criteria set.",
)
@click.option(
    "--extra",
    type=click.Choice(["keep", "ignore"]),
    default=None,
    help="Columns that are no field nor criterion: keep them as account attributes, or ignore them "
    "(the default, said in one line).",
)
@click.option("--keep-blank", is_flag=True, help="A blank cell keeps the stored value instead of clearing it.")
@db_option
@click.pass_context
def import_(
    ctx: click.Context,
    file: str,
    criteria_ref: str | None,
    decimal_comma: bool,
    sheet: str | None,
    maps: tuple[str, ...],
    extra: str | None,
    keep_blank: bool,
    db: str | None,
) -> None:
    """Import accounts from CSV/XLSX: all rows or none; re-importing updates accounts by name."""
    from kamtui.service import accounts as service
    from kamtui.service.criteria import remember_criteria, resolve_criteria

    with open_db(ctx, db) as store:
        criteria_set = resolve_criteria(store, criteria_ref)
        imported = service.import_accounts(
            store,
            criteria_set,
            file,
            decimal_comma=decimal_comma,
            sheet=sheet,
            maps=maps,
            extra=extra,
            keep_blank=keep_blank,
        )
        remember_criteria(store, criteria_ref)
    for note in imported.notes:
        click.echo(f"note: {note}", err=True)
    if imported.guesses:
        click.echo(f"note: {imported.guesses}", err=True)
    if imported.extras:
        hint = " (keep them with --extra keep)" if extra is None and imported.ignored else ""
        click.echo(f"note: {imported.extras}{hint}", err=True)
    if imported.other_set:
        other, columns = imported.other_set
        click.echo(
            f"note: {', '.join(columns)} {'is a criterion' if len(columns) == 1 else 'are criteria'} of "
            f"'{other}': to read {'it' if len(columns) == 1 else 'them'}, import with --criteria {other}",
            err=True,
        )
    click.echo(
        f"imported {imported.accounts} accounts ({imported.created} new, {imported.updated} updated) "
        f"for criteria '{imported.criteria}'"
    )


@accounts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@criteria_option
@db_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool, criteria_ref: str | None, db: str | None) -> None:
    """Accounts with owner, effort and their values."""
    from kamtui.service import accounts as service
    from kamtui.service.criteria import remember_criteria, resolve_criteria

    with open_db(ctx, db) as store:
        criteria_set = resolve_criteria(store, criteria_ref)
        records = service.records(store)
        attributes = service.attributes(store) if as_json else {}
        remember_criteria(store, criteria_ref)
    ids = criteria_set.ids
    if as_json:
        echo_json(
            [
                {
                    "account": r.name,
                    "owner": r.owner,
                    "effort": r.effort,
                    "segment": r.segment,
                    "ref": r.ref,
                    "values": {c: r.values.get(c) for c in ids},
                    "other_values": {c: v for c, v in r.values.items() if c not in ids},
                    "attributes": attributes.get(r.name, {}),
                }
                for r in records
            ]
        )
        return
    if not records:
        click.echo("no accounts yet: kamtui accounts import FILE")
        return
    from kamtui.commands.text import table

    header = ["Account", "Owner", "Effort", *ids]
    rows = [[r.name, r.owner or "", _g(r.effort), *(_g(r.values.get(c)) for c in ids)] for r in records]
    click.echo(table(header, rows, right=list(range(2, 3 + len(ids)))))


def _g(value: float | None) -> str:
    from kamtui.service.accounts import format_number

    return "-" if value is None else format_number(float(value))


@accounts.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("account")
@click.argument("criterion")
@click.argument("value")
@criteria_option
@click.option("--decimal-comma", is_flag=True, help="Read 0,5 as 0.5.")
@db_option
@click.pass_context
def set_(
    ctx: click.Context,
    account: str,
    criterion: str,
    value: str,
    criteria_ref: str | None,
    decimal_comma: bool,
    db: str | None,
) -> None:
    """Set one value: CRITERION is a criterion id or name, or owner, effort, segment, ref. Blank clears it."""
    from kamtui.service import accounts as service
    from kamtui.service.criteria import remember_criteria, resolve_criteria

    with open_db(ctx, db) as store:
        criteria_set = resolve_criteria(store, criteria_ref)
        saved = service.set_cell(store, criteria_set, account, criterion, value, decimal_comma=decimal_comma)
        remember_criteria(store, criteria_ref)
    click.echo(f"saved: {saved.account} {saved.column} = {saved.shown}")


@accounts.command("remove")
@click.argument("account")
@db_option
@click.pass_context
def remove(ctx: click.Context, account: str, db: str | None) -> None:
    """Remove an account and its values (saved runs keep their copy)."""
    from kamtui.service import accounts as service

    with open_db(ctx, db) as store:
        service.remove(store, account)
    click.echo(f"removed: {account}")


@accounts.command("rename")
@click.argument("account")
@click.argument("new_name")
@db_option
@click.pass_context
def rename(ctx: click.Context, account: str, new_name: str, db: str | None) -> None:
    """Rename an account."""
    from kamtui.service import accounts as service

    with open_db(ctx, db) as store:
        stored = service.rename(store, account, new_name)
    click.echo(f"renamed: {account} -> {stored}")
