"""``kamtui rank`` and ``kamtui runs``: rank the accounts, pick the set, freeze runs."""

from __future__ import annotations

import click

from kamtui.commands.accounts import criteria_option
from kamtui.commands.common import db_option, echo_json, open_db


@click.command()
@criteria_option
@click.option("--top", "top_k", type=int, default=15, show_default=True, help="How many key accounts (K).")
@click.option(
    "--capacity", type=float, default=None, metavar="FTE", help="Total KAM capacity; picks with milp."
)
@click.option(
    "--per-kam", type=float, default=None, metavar="FTE", help="Cap of effort per owner (with --capacity)."
)
@click.option("--include", multiple=True, metavar="NAME", help="Always select this account (repeatable).")
@click.option("--exclude", multiple=True, metavar="NAME", help="Never select this account (repeatable).")
@click.option(
    "--samples", type=int, default=1000, show_default=True, help="Weight samples for robustness (0: off)."
)
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the weight samples.")
@click.option("--save", is_flag=True, help="Freeze this ranking as a selection run.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def rank(
    ctx: click.Context,
    criteria_ref: str | None,
    top_k: int,
    capacity: float | None,
    per_kam: float | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    samples: int,
    seed: int,
    save: bool,
    as_json: bool,
    db: str | None,
) -> None:
    """Rank the accounts, place them on the portfolio and pick the key-account set."""
    from kamtui.ranking import Params, load_run, rank_accounts, remember_criteria, resolve_criteria, save_run

    params = Params(
        top_k=top_k,
        capacity=capacity,
        per_kam=per_kam,
        include=include,
        exclude=exclude,
        samples=samples,
        seed=seed,
    )
    with open_db(ctx, db) as store:
        criteria_set = resolve_criteria(store, criteria_ref)
        ranking = rank_accounts(store, criteria_set, params)
        if save:
            ranking = load_run(store, save_run(store, ranking))
        remember_criteria(store, criteria_ref)
    if as_json:
        echo_json(ranking.to_json())
    else:
        click.echo(ranking_text(ranking))
        if save:
            click.echo(f"saved as run {ranking.run_id}")


def ranking_text(ranking) -> str:
    from kamtui.textreport import fmt, table

    params = ranking.params
    lines = [
        f"criteria: {ranking.criteria.id}   accounts: {len(ranking.accounts)}   K = {params.top_k}"
        + (f"   capacity {params.capacity:g} FTE" if params.capacity is not None else "")
        + (f", per KAM {params.per_kam:g}" if params.per_kam is not None else "")
        + (f"   robustness: {params.samples} samples, seed {params.seed}" if params.samples else ""),
    ]
    rows = []
    for a in ranking.accounts:
        interval = f"{a.rank_p5}-{a.rank_p95}" if a.rank_p5 is not None else "-"
        rows.append(
            [
                str(a.rank),
                a.account,
                a.owner or "",
                fmt(a.overall),
                fmt(a.attractiveness),
                fmt(a.strength),
                a.quadrant or "-",
                f"{a.coverage:.0%}",
                "-" if a.p_top_k is None else f"{a.p_top_k:.0%}",
                interval,
                "-" if a.effort is None else f"{a.effort:g}",
                "*" if a.selected else "",
            ]
        )
    header = [
        "#",
        "Account",
        "Owner",
        "Overall",
        "Attr.",
        "Strength",
        "Quadrant",
        "Cover",
        "P(top K)",
        "Ranks",
        "FTE",
        "Sel",
    ]
    lines.append(table(header, rows, right=[0, 3, 4, 5, 7, 8, 9, 10]))
    chosen = ranking.selected
    effort = sum(a.effort or 0 for a in chosen)
    lines.append(
        f"selected: {len(chosen)} account{'' if len(chosen) == 1 else 's'}, {effort:g} FTE"
        + (f"; binding: {', '.join(ranking.binding)}" if ranking.binding else "; no limit binds")
    )
    lines += [f"note: {note}" for note in ranking.notes]
    return "\n".join(lines)


@click.group()
def runs() -> None:
    """Saved selection runs."""


@runs.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def list_runs_(ctx: click.Context, as_json: bool, db: str | None) -> None:
    """Saved runs, oldest first."""
    import json

    from kamtui.ranking import list_runs

    with open_db(ctx, db) as store:
        items = list_runs(store)
    data = [
        {
            "run": r["id"],
            "created_at": r["created_at"],
            "criteria": r["criteria_set"],
            "accounts": r["accounts"],
            "selected": r["selected"],
            "binding": json.loads(r["binding_json"]),
            "note": r["note"],
        }
        for r in items
    ]
    if as_json:
        echo_json(data)
        return
    if not data:
        click.echo("no saved runs yet: kamtui rank --save")
        return
    from kamtui.textreport import table

    rows = [
        [
            str(d["run"]),
            d["created_at"],
            d["criteria"],
            str(d["accounts"]),
            str(d["selected"]),
            ", ".join(d["binding"]) or "-",
        ]
        for d in data
    ]
    click.echo(
        table(["Run", "Created", "Criteria", "Accounts", "Selected", "Binding"], rows, right=[0, 3, 4])
    )


@runs.command("show")
@click.argument("run_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def show(ctx: click.Context, run_id: int, as_json: bool, db: str | None) -> None:
    """A saved run exactly as it was saved."""
    from kamtui.ranking import load_run

    with open_db(ctx, db) as store:
        ranking = load_run(store, run_id)
    if as_json:
        echo_json(ranking.to_json())
    else:
        click.echo(f"run {ranking.run_id}, saved {ranking.created_at}")
        click.echo(ranking_text(ranking))
