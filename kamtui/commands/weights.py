"""``kamtui weights``: show, set, reset and derive (AHP) the weights of a criteria set."""

from __future__ import annotations

import click

from kamtui.commands.accounts import criteria_option
from kamtui.commands.common import db_option, echo_json, open_db
from kamtui.core.errors import InvalidValueError

MAX_CR = 0.10


@click.group()
def weights() -> None:
    """Criterion weights (points, normalised by their sum), stored per criteria set."""


def _show(store, criteria_set, as_json: bool, extra: dict | None = None) -> None:
    from kamtui.ranking import effective_points, points_source
    from kamtui.textreport import table

    points = effective_points(store, criteria_set)
    source = points_source(store, criteria_set)
    total = sum(points.values())
    normalised = {c: (p / total if total else 0.0) for c, p in points.items()}
    if as_json:
        echo_json(
            {
                "criteria": criteria_set.id,
                "points": points,
                "weights": normalised,
                "source": source,
                **(extra or {}),
            }
        )
        return
    rows = []
    for c in criteria_set.criteria:
        share = normalised[c.id]
        rows.append(
            [c.id, c.group, f"{points[c.id]:g}", f"{share:.1%}", "#" * round(share * 40), source[c.id]]
        )
    click.echo(f"criteria set: {criteria_set.id}")
    click.echo(table(["Criterion", "Group", "Points", "Weight", "", "Source"], rows, right=[2, 3]))


@weights.command("show")
@criteria_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def show(ctx: click.Context, criteria_ref: str | None, as_json: bool, db: str | None) -> None:
    """The weights in force: the set's defaults overridden by stored ones."""
    from kamtui.ranking import remember_criteria, resolve_criteria

    with open_db(ctx, db) as store:
        _show(store, resolve_criteria(store, criteria_ref), as_json)
        remember_criteria(store, criteria_ref)


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
    from kamtui.core.numbers import parse_number
    from kamtui.ranking import effective_points, remember_criteria, resolve_criteria
    from kamtui.store.weights import save_points

    with open_db(ctx, db) as store:
        criteria_set = resolve_criteria(store, criteria_ref)
        new: dict[str, float] = {}
        problems = []
        for item in assignments:
            key, sep, text = item.partition("=")
            criterion = criteria_set.match_column(key) if sep else None
            value = parse_number(text) if sep else None
            if not sep:
                problems.append(f"'{item}': expected ID=POINTS, e.g. strategic_fit=25")
            elif criterion is None:
                problems.append(
                    f"'{key}': not a criterion of '{criteria_set.id}' ({', '.join(criteria_set.ids)})"
                )
            elif value is None or value < 0:
                problems.append(f"'{item}': points must be a number >= 0")
            else:
                new[criterion.id] = value
        if problems:
            raise InvalidValueError("weights not changed:\n" + "\n".join(problems))
        if not any(v > 0 for v in {**effective_points(store, criteria_set), **new}.values()):
            raise InvalidValueError("weights not changed: at least one criterion needs points above zero")
        save_points(store, criteria_set.id, new, "manual")
        remember_criteria(store, criteria_ref)
        _show(store, criteria_set, as_json)


@weights.command("reset")
@criteria_option
@db_option
@click.pass_context
def reset(ctx: click.Context, criteria_ref: str | None, db: str | None) -> None:
    """Go back to the criteria set's default points."""
    from kamtui.ranking import remember_criteria, resolve_criteria
    from kamtui.store.weights import reset_points

    with open_db(ctx, db) as store:
        criteria_set = resolve_criteria(store, criteria_ref)
        reset_points(store, criteria_set.id)
        remember_criteria(store, criteria_ref)
        _show(store, criteria_set, False)


@weights.command("ahp")
@click.argument("file", type=click.Path(path_type=str))
@criteria_option
@click.option("--force", is_flag=True, help=f"Apply the weights even when CR > {MAX_CR:.2f}.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def ahp(
    ctx: click.Context, file: str, criteria_ref: str | None, force: bool, as_json: bool, db: str | None
) -> None:
    """Weights from a pairwise comparison matrix (CSV, Saaty 1-9 and reciprocals like 1/3)."""
    from kamtui.core.ahp import ahp_weights, parse_pairwise
    from kamtui.ranking import resolve_criteria
    from kamtui.store.weights import save_points
    from kamtui.tabular import cell_text, read_table

    with open_db(ctx, db) as store:
        criteria_set = resolve_criteria(store, criteria_ref)
        grid = read_table(file)
        rows = [list(grid.header), *([cell_text(c) for c in cells] for _, cells in grid.rows)]
        ids, matrix = parse_pairwise(rows, grid.source)
        unknown = [i for i in ids if i not in criteria_set.ids]
        missing = [c for c in criteria_set.ids if c not in ids]
        if unknown or missing:
            parts = []
            if unknown:
                parts.append(f"not criteria of '{criteria_set.id}': {', '.join(unknown)}")
            if missing:
                parts.append(f"missing from the matrix: {', '.join(missing)}")
            raise InvalidValueError(
                f"{grid.source}: the matrix must compare every criterion of the set; " + "; ".join(parts)
            )
        result = ahp_weights(matrix)
        weights_by_id = {c: float(w) for c, w in zip(ids, result.weights, strict=True)}
        applied = result.cr <= MAX_CR or force
        if applied:
            save_points(
                store, criteria_set.id, {c: round(w * 100, 6) for c, w in weights_by_id.items()}, "ahp"
            )
    data = {
        "criteria": criteria_set.id,
        "weights": weights_by_id,
        "lambda_max": float(result.lambda_max),
        "ci": float(result.ci),
        "cr": float(result.cr),
        "applied": applied,
    }
    if as_json:
        echo_json(data)
    else:
        for c in ids:
            click.echo(f"{c:<28} {weights_by_id[c]:.4f}")
        click.echo(f"lambda max {result.lambda_max:.4f}   CI {result.ci:.4f}   CR {result.cr:.4f}")
        click.echo("applied" if applied else "not applied")
    if not applied:
        raise InvalidValueError(
            f"consistency ratio {result.cr:.3f} is above {MAX_CR:.2f}: the comparisons contradict each other; "
            "revise them, or apply anyway with --force"
        )
