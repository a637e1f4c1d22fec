"""``kamtui accounts``: import, list, edit and remove candidate accounts."""

from __future__ import annotations

import click

from kamtui.commands.common import db_option, echo_json, open_db
from kamtui.core.errors import InvalidValueError

criteria_option = click.option(
    "--criteria",
    "criteria_ref",
    metavar="ID|FILE",
    default=None,
    help="Criteria set (default: the one last used with this database, else kam-default).",
)


@click.group()
def accounts() -> None:
    """Candidate key accounts and their criterion values."""


@accounts.command("import")
@click.argument("file", type=click.Path(path_type=str))
@criteria_option
@click.option("--decimal-comma", is_flag=True, help="Read 4.200.000 as 4200000 and 0,5 as 0.5.")
@click.option("--sheet", default=None, help="Worksheet of an .xlsx file (default: the first).")
@db_option
@click.pass_context
def import_(
    ctx: click.Context,
    file: str,
    criteria_ref: str | None,
    decimal_comma: bool,
    sheet: str | None,
    db: str | None,
) -> None:
    """Import accounts from CSV/XLSX: all rows or none; re-importing updates accounts by name."""
    from kamtui.imports import read_accounts
    from kamtui.ranking import remember_criteria, resolve_criteria
    from kamtui.store.accounts import apply_updates

    with open_db(ctx, db) as store:
        criteria_set = resolve_criteria(store, criteria_ref)
        updates = read_accounts(file, criteria_set, decimal_comma=decimal_comma, sheet=sheet)
        created, updated = apply_updates(store, updates)
        remember_criteria(store, criteria_ref)
    click.echo(
        f"imported {len(updates)} accounts ({created} new, {updated} updated) for criteria '{criteria_set.id}'"
    )


@accounts.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@criteria_option
@db_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool, criteria_ref: str | None, db: str | None) -> None:
    """Accounts with owner, effort and their values."""
    from kamtui.ranking import remember_criteria, resolve_criteria
    from kamtui.store.accounts import list_accounts

    with open_db(ctx, db) as store:
        criteria_set = resolve_criteria(store, criteria_ref)
        records = list_accounts(store)
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
                }
                for r in records
            ]
        )
        return
    if not records:
        click.echo("no accounts yet: kamtui accounts import FILE")
        return
    from kamtui.textreport import table

    header = ["Account", "Owner", "Effort", *ids]
    rows = [[r.name, r.owner or "", _g(r.effort), *(_g(r.values.get(c)) for c in ids)] for r in records]
    click.echo(table(header, rows, right=list(range(2, 3 + len(ids)))))


def _g(value: float | None) -> str:
    if value is None:
        return "-"
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else f"{value:.6g}"


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
    from kamtui.core.numbers import number_hint, parse_number
    from kamtui.imports import parse_value
    from kamtui.ranking import remember_criteria, resolve_criteria
    from kamtui.store.accounts import ACCOUNT_FIELDS, get_account, set_field, set_value

    with open_db(ctx, db) as store:
        get_account(store, account)
        key = criterion.strip().lower()
        if key in ACCOUNT_FIELDS:
            stored: object = value.strip() or None
            if key == "effort" and stored is not None:
                stored = parse_number(value, decimal_comma=decimal_comma)
                if stored is None or stored < 0:
                    raise InvalidValueError(
                        f"effort: expected the KAM effort in FTE, {number_hint(decimal_comma)} >= 0, got '{value}'"
                    )
            set_field(store, account, key, stored)
            click.echo(f"saved: {account} {key} = {'' if stored is None else stored}")
            return
        criteria_set = resolve_criteria(store, criteria_ref)
        found = criteria_set.match_column(criterion)
        if found is None:
            raise InvalidValueError(
                f"CRITERION: '{criterion}' is not a criterion of '{criteria_set.id}' "
                f"({', '.join(criteria_set.ids)}) nor one of {', '.join(ACCOUNT_FIELDS)}"
            )
        parsed = parse_value(value, found, decimal_comma=decimal_comma)
        set_value(store, account, found.id, parsed)
        remember_criteria(store, criteria_ref)
    click.echo(f"saved: {account} {found.id} = {'missing' if parsed is None else f'{parsed:g}'}")


@accounts.command("remove")
@click.argument("account")
@db_option
@click.pass_context
def remove(ctx: click.Context, account: str, db: str | None) -> None:
    """Remove an account and its values (saved runs keep their copy)."""
    from kamtui.store.accounts import remove_account

    with open_db(ctx, db) as store:
        remove_account(store, account)
    click.echo(f"removed: {account}")


@accounts.command("rename")
@click.argument("account")
@click.argument("new_name")
@db_option
@click.pass_context
def rename(ctx: click.Context, account: str, new_name: str, db: str | None) -> None:
    """Rename an account."""
    from kamtui.store.accounts import rename_account

    with open_db(ctx, db) as store:
        rename_account(store, account, new_name)
    click.echo(f"renamed: {account} -> {new_name.strip()}")
