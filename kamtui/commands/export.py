"""``kamtui export``: Excel workbooks for finance and workshop read-outs.

Each sub-command prints the path of the workbook it wrote (alone, so scripts can use it). Workbooks go to
``./exports/<kind>-<slug>-<YYYYMMDD-HHMM>.xlsx`` unless ``-o`` names a file or a folder; they are written
to a temporary file beside the target and renamed, so a failed export never leaves a half-written file.
"""

from __future__ import annotations

import click

from kamtui.commands.accounts import criteria_option
from kamtui.commands.common import KamGroup, db_option, open_db

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
@click.option("--compare", type=int, default=None, metavar="ID2", help="An earlier assessment for the trend.")
@click.option("--target", type=click.IntRange(1, 5), default=4, show_default=True, help="Target level.")
@db_option
@click.pass_context
def healthcheck(
    ctx: click.Context,
    assessment_id: int,
    output: str | None,
    compare: int | None,
    target: int,
    db: str | None,
) -> None:
    """Healthcheck workbook of assessment ID (prints the path written).

    Sheets: Summary (scores, levels, agreement, role means, trend, radar and bar charts), Indicators,
    Answers (one column per respondent, comments as cell notes), Comments, Prescription and About.
    """
    from datetime import datetime

    from kamtui.excel.common import export_path
    from kamtui.excel.healthcheck_workbook import write_healthcheck_workbook
    from kamtui.store.healthchecks import list_respondents, load_answers, report_for

    with open_db(ctx, db) as store:
        report = report_for(store, assessment_id, target=target, compare=compare)
        earlier = report_for(store, compare, target=target) if compare is not None else None
        answers = load_answers(store, assessment_id)
        respondents = list_respondents(store, assessment_id)
    now = datetime.now().astimezone()
    path = export_path("healthcheck", f"{assessment_id} {report.meta.get('title') or ''}", output, now)
    write_healthcheck_workbook(report, answers, respondents, path, earlier, exported_at=now)
    click.echo(str(path))


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
@db_option
@click.pass_context
def selection(
    ctx: click.Context,
    run_id: int | None,
    output: str | None,
    criteria_ref: str | None,
    db: str | None,
) -> None:
    """Account-selection workbook of a saved run (prints the path written).

    Without --run the current accounts are ranked with the effective weights and the default parameters
    and saved as a new run first (see: kamtui runs list), so every workbook traces back to a run.
    Sheets: Ranking (an Excel table), Scores (raw and normalised values), Criteria, What-if (live formulas
    over an editable points table), Portfolio (scatter chart) and About (run, parameters, method).
    """
    from datetime import datetime

    from kamtui.core.errors import NotFoundError
    from kamtui.excel.common import export_path
    from kamtui.excel.selection_workbook import write_selection_workbook
    from kamtui.ranking import Params, load_run, rank_accounts, resolve_criteria, save_run
    from kamtui.store.accounts import count_accounts

    if run_id is not None and criteria_ref:
        raise click.UsageError(
            "--criteria chooses the set for a new ranking; a saved run (--run) keeps its own"
        )
    now = datetime.now().astimezone()
    export_path("selection", "", output, now)  # refuse a bad -o before a run is saved
    with open_db(ctx, db) as store:
        if run_id is None:
            criteria_set = resolve_criteria(store, criteria_ref)
            if count_accounts(store) == 0:
                raise NotFoundError(
                    "no accounts to rank yet: import them first (kamtui accounts import FILE), "
                    "or export a saved run with --run ID"
                )
            run_id = save_run(store, rank_accounts(store, criteria_set, Params()))
            click.echo(f"ranked the current accounts and saved them as run {run_id}", err=True)
        ranking = load_run(store, run_id)
    path = export_path("selection", f"run {run_id} {ranking.criteria.id}", output, now)
    write_selection_workbook(ranking, path, exported_at=now)
    click.echo(str(path))


COMMANDS = [export]
