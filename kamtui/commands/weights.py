"""``kamtui weights``: show, set, reset and derive (AHP) the weights of a criteria set."""

from __future__ import annotations

import click

from kamtui.commands.common import criteria_option, db_option, echo_json, open_db
from kamtui.core.ahp import CR_LIMIT


@click.group()
def weights() -> None:
    """Criterion weights (points, normalised by their sum), stored per criteria set."""


def _show(current, as_json: bool) -> None:
    from kamtui.commands.text import table

    if as_json:
        echo_json(current.to_json())
        return
    rows = []
    normalised = current.weights
    for c in current.criteria.criteria:
        share = normalised[c.id]
        rows.append(
            [c.id, c.group, f"{current.points[c.id]:g}", f"{share:.1%}", "#" * round(share * 40), current.sources[c.id]]
        )
    click.echo(f"criteria set: {current.criteria.id}")
    click.echo(table(["Criterion", "Group", "Points", "Weight", "", "Source"], rows, right=[2, 3]))


@weights.command("show")
@criteria_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def show(ctx: click.Context, criteria_ref: str | None, as_json: bool, db: str | None) -> None:
    """The weights in force: the set's defaults overridden by stored ones."""
    from kamtui.service import weights as service
    from kamtui.service.criteria import remember_criteria, resolve_criteria

    with open_db(ctx, db) as store:
        current = service.current(store, resolve_criteria(store, criteria_ref))
        remember_criteria(store, criteria_ref)
    _show(current, as_json)


@weights.command("set")
@click.argument("assignments", nargs=-1, required=True, metavar="ID=POINTS...")
@criteria_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def set_(
    ctx: click.Context, assignments: tuple[str, ...], criteria_ref: str | None, as_json: bool, db: str | None
) -> None:
    """Set points for some criteria, e.g. `kamtui weights set strategic_fit=25 cost_to_serve=5`."""
    from kamtui.service import weights as service
    from kamtui.service.criteria import remember_criteria, resolve_criteria

    with open_db(ctx, db) as store:
        criteria_set = resolve_criteria(store, criteria_ref)
        current = service.set_points_from_text(store, criteria_set, list(assignments))
        remember_criteria(store, criteria_ref)
    _show(current, as_json)


@weights.command("reset")
@criteria_option
@db_option
@click.pass_context
def reset(ctx: click.Context, criteria_ref: str | None, db: str | None) -> None:
    """Go back to the criteria set's default points."""
    from kamtui.service import weights as service
    from kamtui.service.criteria import remember_criteria, resolve_criteria

    with open_db(ctx, db) as store:
        current = service.reset(store, resolve_criteria(store, criteria_ref))
        remember_criteria(store, criteria_ref)
    _show(current, False)


@weights.command("ahp")
@click.argument("files", nargs=-1, required=True, metavar="FILE [FILE...]", type=click.Path(path_type=str))
@criteria_option
@click.option("--force", is_flag=True, help=f"Apply the weights even when CR > {CR_LIMIT:.2f}.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def ahp(
    ctx: click.Context, files: tuple[str, ...], criteria_ref: str | None, force: bool, as_json: bool, db: str | None
) -> None:
    """Weights from a pairwise comparison matrix (CSV, Saaty 1-9 and reciprocals like 1/3).

    Several files are a panel: one matrix per person, combined by the geometric mean of their judgements,
    with each person's CR, the group CR and the consensus (Goepel's AHP consensus indicator). Pairs left
    blank on both sides are completed by Harker's method.
    """
    from kamtui.service import weights as service
    from kamtui.service.criteria import resolve_criteria

    with open_db(ctx, db) as store:
        applied = service.apply_ahp_files(store, resolve_criteria(store, criteria_ref), list(files), force=force)
    if as_json:
        echo_json(applied.to_json())
    else:
        click.echo(ahp_text(applied))
    if not applied.applied:
        raise service.inconsistent(applied)


def _zero(value: float) -> float:
    """Rounding noise of a consistent matrix shown as 0 (no "-0.0000")."""
    return 0.0 if abs(value) < 5e-7 else value


def _ratio(value: float) -> str:
    return f"{value:.3g}" if value >= 1 else f"1/{1 / value:.3g}"


def ahp_text(applied) -> str:
    from kamtui.service.weights import HARKER

    names = {c.id: c.name for c in applied.criteria.criteria}
    lines = []
    panel = len(applied.members) > 1
    for member in applied.members:
        if panel:
            state = "consistent" if member.result.consistent else f"inconsistent (> {CR_LIMIT:.2f})"
            lines.append(f"{member.source}: CR {_zero(member.result.cr):.4f} {state}")
        if member.completed:
            pairs = ", ".join(
                f"{a} vs {b} = {_ratio(member.result.matrix[applied.ids.index(a), applied.ids.index(b)])}"
                for a, b in member.completed
            )
            lines.append(f"{'  ' if panel else ''}completed by {HARKER}: {pairs}")
        if panel:
            lines += _judgement_lines(member.inconsistent, names, "  ")
    if panel:
        lines.append(f"group ({len(applied.members)} people, geometric mean of the judgements):")
    for c in applied.ids:
        lines.append(f"{c:<28} {applied.weights[c]:.4f}")
    result = applied.result
    lines.append(f"lambda max {result.lambda_max:.4f}   CI {_zero(result.ci):.4f}   CR {_zero(result.cr):.4f}")
    if applied.consensus is not None:
        lines.append(
            f"consensus {applied.consensus:.1%} ({applied.consensus_words}; Goepel's AHP consensus indicator)"
        )
    lines += _judgement_lines(applied.inconsistent, names, "")
    lines.append("applied" if applied.applied else "not applied")
    return "\n".join(lines)


def _judgement_lines(judgements, names: dict[str, str], indent: str) -> list[str]:
    if not judgements:
        return []
    lines = [f"{indent}most inconsistent judgements (changing one alone lowers CR most):"]
    for j in judgements:
        lines.append(
            f"{indent}  {names.get(j.row, j.row)} vs {names.get(j.column, j.column)}: {_ratio(j.value)} -> "
            f"{_ratio(j.suggested)} would give CR {max(0.0, j.cr_after) + 0.0:.4f}"
        )
    return lines
