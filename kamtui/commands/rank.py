"""``kamtui rank`` and ``kamtui runs``: rank the accounts, pick the set, freeze runs."""

from __future__ import annotations

import click

from kamtui.commands.common import criteria_option, db_option, echo_json, open_db
from kamtui.core.ranking import DEFAULT_SAMPLES, DEFAULT_SEED, DEFAULT_TOP_K

RUN_ID = int  # checked by the service: a run id out of range is "not found"


def ranking_options(func):
    """The flags of a new ranking, shared by ``rank`` and ``export selection``."""
    for option in reversed(
        [
            click.option("--top", "top_k", type=int, default=DEFAULT_TOP_K, show_default=True,
                         help="How many key accounts (K)."),
            click.option("--capacity", type=float, default=None, metavar="FTE",
                         help="Total KAM capacity; picks with milp."),
            click.option("--per-kam", type=float, default=None, metavar="FTE",
                         help="Cap of effort per owner (with --capacity)."),
            click.option("--include", multiple=True, metavar="NAME",
                         help="Always select this account (repeatable)."),
            click.option("--exclude", multiple=True, metavar="NAME",
                         help="Never select this account (repeatable)."),
            click.option("--samples", type=int, default=DEFAULT_SAMPLES, show_default=True,
                         help="Weight samples for robustness (0: off)."),
            click.option("--seed", type=int, default=DEFAULT_SEED, show_default=True,
                         help="Random seed of the weight samples."),
        ]
    ):
        func = option(func)
    return func


def params_of(top_k, capacity, per_kam, include, exclude, samples, seed):
    from kamtui.core.ranking import Params

    return Params(
        top_k=top_k,
        capacity=capacity,
        per_kam=per_kam,
        include=tuple(include),
        exclude=tuple(exclude),
        samples=samples,
        seed=seed,
    )


@click.command()
@criteria_option
@ranking_options
@click.option("--save", is_flag=True, help="Freeze this ranking as a selection run.")
@click.option("--note", default=None, help="A note kept with the saved run.")
@click.option("--by", "saved_by", default=None, metavar="NAME", help="Who saves the run (default: your user name).")
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
    note: str | None,
    saved_by: str | None,
    as_json: bool,
    db: str | None,
) -> None:
    """Rank the accounts, place them on the portfolio and pick the key-account set.

    Besides the weighted sum: TOPSIS on the same numbers (ranks and Kendall's tau), dominated accounts,
    rank reversal, how far each weight can move before the pick changes, and what it would take for the
    accounts just outside the pick.
    """
    from kamtui.service import ranking as service
    from kamtui.service.criteria import remember_criteria, resolve_criteria

    params = params_of(top_k, capacity, per_kam, include, exclude, samples, seed)
    if not save and (note is not None or saved_by is not None):
        raise click.UsageError("--note and --by go with --save")
    with open_db(ctx, db) as store:
        criteria_set = resolve_criteria(store, criteria_ref)
        ranking = service.rank(store, criteria_set, params, crosscheck=True)
        if save:
            ranking = service.save_run(store, ranking, note, saved_by)
        remember_criteria(store, criteria_ref)
    if as_json:
        echo_json(ranking.to_json())
    else:
        click.echo(ranking_text(ranking))
        if save:
            click.echo(f"saved as run {ranking.run_id}")


def ranking_text(ranking) -> str:
    from kamtui.commands.text import fmt, table

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
    if ranking.crosscheck is not None:
        lines += crosscheck_lines(ranking)
    return "\n".join(lines)


def _num(value: float | None) -> str:
    if value is None:
        return "none"
    if float(value).is_integer() and abs(value) >= 1000:
        return f"{int(value):,}"
    return f"{value:.6g}"


def crosscheck_lines(ranking) -> list[str]:
    """The cross-checks of a ranking as text (README, "Account selection")."""
    from kamtui.commands.text import table

    check = ranking.crosscheck
    names = {c.id: c.name for c in ranking.criteria.criteria}
    tau = "-" if check.kendall_tau is None else f"{check.kendall_tau:.3f}"
    lines = ["", f"cross-check: TOPSIS on the same numbers, Kendall's tau {tau} against the ranking"]
    if check.disagreements:
        shown = ", ".join(f"{d.account} ({d.rank} vs {d.topsis_rank})" for d in check.disagreements)
        lines.append(f"  ranks differ by more than {check.rank_gap}: {shown}")
    else:
        lines.append(f"  no rank differs by more than {check.rank_gap}")
    for account, by in check.dominated_in_pick.items():
        lines.append(f"  selected although dominated: {account} (dominated by {', '.join(by)})")
    if check.rank_reversals:
        for r in check.rank_reversals:
            moved = "; ".join(
                part
                for part in (
                    f"in {', '.join(r.entered)}" if r.entered else "",
                    f"out {', '.join(r.left)}" if r.left else "",
                )
                if part
            )
            lines.append(f"  rank reversal: leaving out {r.left_out} changes the pick ({moved})")
    else:
        lines.append(
            f"  rank reversal: none (leaving out any one candidate keeps the pick; {len(check.reversal_checked)} re-scored)"
        )
    rows = [
        [names.get(i.criterion, i.criterion), f"{i.weight:.1%}", f"{i.low:.1%}", f"{i.high:.1%}"]
        for i in check.stability
    ]
    if rows:
        lines += ["", "stability: the pick without capacity stays the same while a weight is within"]
        lines.append(table(["Criterion", "Weight", "From", "To"], rows, right=[1, 2, 3]))
    if check.just_outside:
        lines += ["", "just outside the pick (what would bring it in):"]
        for near in check.just_outside:
            levers = "; ".join(
                f"{names.get(lv.criterion, lv.criterion)} {_num(lv.value_from)} -> {_num(lv.value_to)}"
                for lv in near.levers
            )
            lines.append(
                f"  {near.account} (rank {near.rank}) needs +{near.gap:.2f} to pass {near.to_beat}: "
                + (levers or "no single value can")
            )
    return lines


@click.group()
def runs() -> None:
    """Saved selection runs."""


@runs.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def list_runs_(ctx: click.Context, as_json: bool, db: str | None) -> None:
    """Saved runs, oldest first."""
    from kamtui.service import ranking as service

    with open_db(ctx, db) as store:
        data = [r.to_json() for r in service.runs(store)]
    if as_json:
        echo_json(data)
        return
    if not data:
        click.echo("no saved runs yet: kamtui rank --save")
        return
    from kamtui.commands.text import table

    def capacity(d: dict) -> str:
        if d["capacity"] is None:
            return "-"
        return f"{d['capacity']:g}" + (f" ({d['per_kam']:g}/KAM)" if d["per_kam"] is not None else "")

    def pins(d: dict) -> str:
        parts = [f"+{n}" for n in d["include"]] + [f"-{n}" for n in d["exclude"]]
        return ", ".join(parts) or "-"

    rows = [
        [
            str(d["run"]),
            d["created_at"],
            d["saved_by"] or "-",
            d["criteria"],
            str(d["accounts"]),
            str(d["top_k"]),
            str(d["selected"]),
            capacity(d),
            pins(d),
            ", ".join(d["binding"]) or "-",
            d["note"] or "",
        ]
        for d in data
    ]
    header = ["Run", "Created", "By", "Criteria", "Accounts", "K", "Selected", "Capacity", "Pins", "Binding", "Note"]
    click.echo(table(header, rows, right=[0, 4, 5, 6]))


@runs.command("show")
@click.argument("run_id", metavar="ID", type=RUN_ID)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def show(ctx: click.Context, run_id: int, as_json: bool, db: str | None) -> None:
    """A saved run exactly as it was saved."""
    from kamtui.service import ranking as service

    with open_db(ctx, db) as store:
        ranking = service.run(store, run_id)
    if as_json:
        echo_json(ranking.to_json())
    else:
        by = f" by {ranking.saved_by}" if ranking.saved_by else ""
        click.echo(f"run {ranking.run_id}, saved {ranking.created_at}{by}")
        if ranking.note:
            click.echo(f"note: {ranking.note}")
        click.echo(ranking_text(ranking))


@runs.command("diff")
@click.argument("run_a", metavar="A", type=RUN_ID)
@click.argument("run_b", metavar="B", type=RUN_ID)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def diff(ctx: click.Context, run_a: int, run_b: int, as_json: bool, db: str | None) -> None:
    """What changed from run A to run B: the pick, ranks and quadrants, weights and parameters."""
    from kamtui.service import ranking as service

    with open_db(ctx, db) as store:
        changes = service.compare_runs(store, run_a, run_b)
    if as_json:
        echo_json(changes.to_json())
        return
    click.echo(diff_text(changes))


MOVES_SHOWN = 25


def diff_text(changes) -> str:
    """A run diff as text, largest movers first."""
    from kamtui.commands.text import table

    lines = [f"run {changes.run_a} ({changes.created_a}) -> run {changes.run_b} ({changes.created_b})"]
    lines.append(f"entered the pick: {', '.join(changes.entered) or 'none'}")
    lines.append(f"left the pick: {', '.join(changes.left) or 'none'}")
    if changes.added:
        lines.append(f"new candidates: {', '.join(changes.added)}")
    if changes.removed:
        lines.append(f"no longer candidates: {', '.join(changes.removed)}")
    if changes.weights:
        rows = [
            [
                w.criterion,
                "-" if w.weight_a is None else f"{w.weight_a:.1%}",
                "-" if w.weight_b is None else f"{w.weight_b:.1%}",
                "-" if w.weight_a is None or w.weight_b is None else f"{w.weight_b - w.weight_a:+.1%}",
            ]
            for w in changes.weights
        ]
        lines += ["", table(["Weight", "A", "B", "Change"], rows, right=[1, 2, 3])]
    if changes.params:
        rows = [[p.param, _param(p.a), _param(p.b)] for p in changes.params]
        lines += ["", table(["Parameter", "A", "B"], rows)]
    if changes.moved:
        rows = [
            [
                m.account,
                str(m.rank_a),
                str(m.rank_b),
                f"{m.change:+d}",
                f"{m.quadrant_a or '-'} -> {m.quadrant_b or '-'}" if m.quadrant_a != m.quadrant_b else "",
            ]
            for m in changes.moved[:MOVES_SHOWN]
        ]
        lines += ["", table(["Account", "Rank A", "Rank B", "Move", "Quadrant"], rows, right=[1, 2, 3])]
        if len(changes.moved) > MOVES_SHOWN:
            lines.append(f"... and {len(changes.moved) - MOVES_SHOWN} more moves (--json lists them all)")
    else:
        lines += ["", "no rank or quadrant changed"]
    return "\n".join(lines)


def _param(value) -> str:
    if value is None:
        return "-"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value) or "-"
    return f"{value:g}" if isinstance(value, float) else str(value)
