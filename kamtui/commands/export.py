"""``kamtui export``: Excel workbooks for finance and workshop read-outs.

Each sub-command prints the path of the workbook it wrote (alone, so scripts can use it). Workbooks go to
``./exports/<kind>-<slug>-<YYYYMMDD-HHMM>.xlsx`` unless ``-o`` names a file or a folder; they are written
to a temporary file beside the target and renamed, so a failed export never leaves a half-written file.
"""

from __future__ import annotations

import click

from kamtui.commands.common import KamGroup, criteria_option, db_option, open_db
from kamtui.commands.healthcheck import compare_choice, compare_options
from kamtui.commands.rank import params_of, ranking_options
from kamtui.core.healthcheck import DEFAULT_TARGET

OUTPUT_HELP = (
    "Workbook file (.xlsx is added when missing) or existing folder "
    "(default: ./exports/<kind>-<title>-<YYYYMMDD-HHMM>.xlsx)."
)


@click.group(cls=KamGroup)
def export() -> None:
    """Export workbooks for Excel (healthcheck read-out, ...)."""


@export.command("healthcheck")
@click.argument("assessment_id", metavar="ID", type=int)
@click.option("-o", "--output", metavar="PATH", default=None, help=OUTPUT_HELP)
@compare_options
@click.option(
    "--target", type=click.IntRange(1, 5), default=DEFAULT_TARGET, show_default=True, help="Target level."
)
@click.option(
    "--no-names",
    "no_names",
    is_flag=True,
    help="Respondent codes instead of names, and roles below the minimum group size left out.",
)
@db_option
@click.pass_context
def healthcheck(
    ctx: click.Context,
    assessment_id: int,
    output: str | None,
    compare: str,
    no_compare: bool,
    target: int,
    no_names: bool,
    db: str | None,
) -> None:
    """Healthcheck workbook of assessment ID (prints the path written).

    Sheets: Summary (scores, levels, agreement, role means, trend, radar and bar charts), Elements (each
    element's statements grouped below it: spread, agreement, role means, comments), Indicators, Answers
    (one column per respondent, comments as cell notes), Comments, Prescription, Actions (the plan, and the
    earlier assessment's actions beside the trend) and About. The trend compares with the programme's
    previous assessment unless --compare names another (or none).
    """
    from kamtui.service.exports import export_healthcheck

    wanted = compare_choice(compare, no_compare)
    with open_db(ctx, db) as store:
        exported = export_healthcheck(
            store, assessment_id, output, compare=wanted, target=target, no_names=no_names
        )
    click.echo(str(exported.path))


@export.command("compare")
@click.argument(
    "assessment_ids", metavar="ID ID...", type=click.IntRange(1, 2**63 - 1), nargs=-1, required=True
)
@click.option("-o", "--output", metavar="PATH", default=None, help=OUTPUT_HELP)
@click.option(
    "--target", type=click.IntRange(1, 5), default=DEFAULT_TARGET, show_default=True, help="Target level."
)
@db_option
@click.pass_context
def compare(
    ctx: click.Context, assessment_ids: tuple[int, ...], output: str | None, target: int, db: str | None
) -> None:
    """Assessments side by side as a workbook (prints the path written).

    Sheets: Compare (elements x assessments, each score in its level's colour, the overall, a bar chart),
    Differences (the largest, highest and lowest) and About.
    """
    from kamtui.service.exports import export_compare

    with open_db(ctx, db) as store:
        exported = export_compare(store, list(assessment_ids), output, target=target)
    click.echo(str(exported.path))


@export.command("selection")
@click.option(
    "--run",
    "run_id",
    type=int,
    default=None,
    metavar="ID",
    help="A saved selection run (default: rank the current accounts and save them as a new run first).",
)
@click.option("-o", "--output", metavar="PATH", default=None, help=OUTPUT_HELP)
@criteria_option
@ranking_options
@click.option("--note", default=None, help="A note kept with the new run.")
@click.option("--by", "saved_by", default=None, metavar="NAME", help="Who saves the new run (default: your user name).")
@db_option
@click.pass_context
def selection(
    ctx: click.Context,
    run_id: int | None,
    output: str | None,
    criteria_ref: str | None,
    top_k: int,
    capacity: float | None,
    per_kam: float | None,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    samples: int,
    seed: int,
    note: str | None,
    saved_by: str | None,
    db: str | None,
) -> None:
    """Account-selection workbook of a saved run (prints the path written).

    Without --run the current accounts are ranked with the effective weights and the ranking flags (the
    same as `kamtui rank`), saved as a new run, and exported; if the workbook cannot be written, that run
    is taken back. Sheets: Ranking (an Excel table), Scores (raw and normalised values), Criteria, What-if
    (live formulas over an editable points table), Portfolio (scatter chart) and About (run, parameters,
    method).
    """
    from kamtui.service.exports import export_selection

    source = click.get_current_context().get_parameter_source
    changed = [
        name
        for name in ("top_k", "capacity", "per_kam", "include", "exclude", "samples", "seed", "note", "saved_by")
        if source(name) is click.core.ParameterSource.COMMANDLINE
    ]
    if run_id is not None and (criteria_ref or changed):
        raise click.UsageError(
            "--criteria and the ranking flags choose a new ranking; a saved run (--run) keeps its own"
        )
    params = None if run_id is not None else params_of(top_k, capacity, per_kam, include, exclude, samples, seed)
    with open_db(ctx, db) as store:
        exported = export_selection(
            store, run_id=run_id, criteria_ref=criteria_ref, params=params, output=output, note=note,
            saved_by=saved_by,
        )
    if exported.new_run:
        click.echo(f"ranked the current accounts and saved them as run {exported.run_id}", err=True)
    click.echo(str(exported.path))


COMMANDS = [export]
