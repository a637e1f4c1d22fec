"""``kamtui healthcheck``: create, answer, import and report assessments."""

from __future__ import annotations

import click

from kamtui.commands.common import db_option, echo_json, open_db, plural
from kamtui.core.confidential import DEFAULT_MIN_GROUP
from kamtui.core.healthcheck import DEFAULT_TARGET
from kamtui.core.names import name_key

ID = int  # an id beyond SQLite's integer range is "not found" (the service checks the range), exit code 1


@click.group()
def healthcheck() -> None:
    """KAM programme healthcheck assessments."""


@healthcheck.command("new")
@click.option("--title", required=True, help="A name for this assessment.")
@click.option("--survey", "survey_ref", default="kam-healthcheck", show_default=True, metavar="ID|FILE")
@click.option(
    "--programme", default=None, help="The KAM programme assessed (links assessments for the trend)."
)
@click.option(
    "--anonymous",
    is_flag=True,
    help="Confidential: respondents are stored under generated codes, never names; small roles are hidden.",
)
@click.option(
    "--min-group",
    "min_group",
    type=int,
    default=None,
    metavar="N",
    help=f"With --anonymous: roles with fewer respondents are not shown (default {DEFAULT_MIN_GROUP}).",
)
@db_option
@click.pass_context
def new(
    ctx: click.Context,
    title: str,
    survey_ref: str,
    programme: str | None,
    anonymous: bool,
    min_group: int | None,
    db: str | None,
) -> None:
    """Create an assessment; prints its id alone."""
    from kamtui.core.confidential import check_min_group
    from kamtui.core.survey import load_survey
    from kamtui.service import healthcheck as service

    if min_group is not None and not anonymous:
        raise click.UsageError("--min-group applies to an anonymous assessment: add --anonymous")
    group = check_min_group(DEFAULT_MIN_GROUP if min_group is None else min_group)
    load_survey(survey_ref)  # a bad survey file is refused before the database is opened
    with open_db(ctx, db) as store:
        click.echo(
            service.create_assessment(store, title, survey_ref, programme, anonymous=anonymous, min_group=group)
        )


@healthcheck.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool, db: str | None) -> None:
    """Assessments with their progress and overall level."""
    from kamtui.service.healthcheck import assessment_rows

    with open_db(ctx, db) as store:
        items = [row.to_json() for row in assessment_rows(store)]
    if as_json:
        echo_json(items)
        return
    if not items:
        click.echo('no assessments yet: kamtui healthcheck new --title "..."')
        return
    from kamtui.commands.text import fmt, table

    rows = [
        [
            str(i["id"]),
            i["title"],
            i["programme"] or "",
            i["survey"],
            str(i["respondents"]),
            f"{i['progress']:.0%}",
            f"{i['coverage']:.0%}",
            fmt(i["overall"]),
            i["level_name"] or "-",
        ]
        for i in items
    ]
    click.echo(
        table(
            ["Id", "Title", "Programme", "Survey", "Resp.", "Progress", "Rated", "Overall", "Level"],
            rows,
            right=[0, 4, 5, 6, 7],
        )
    )


@healthcheck.command("answer")
@click.argument("assessment_id", metavar="ID", type=ID)
@click.argument("indicator")
@click.argument("value")
@click.option("--respondent", required=True, help="Who answers (created on first use).")
@click.option("--role", default=None, help="The respondent's role, e.g. KAM, Leadership, Sales ops.")
@click.option("--comment", default=None, help="A comment kept with the answer.")
@db_option
@click.pass_context
def answer(
    ctx: click.Context,
    assessment_id: int,
    indicator: str,
    value: str,
    respondent: str,
    role: str | None,
    comment: str | None,
    db: str | None,
) -> None:
    """Record one answer: VALUE is 1-5 (or a level name), na or unknown."""
    from kamtui.service import healthcheck as service

    with open_db(ctx, db) as store:
        saved = service.answer(store, assessment_id, respondent, indicator, value, role=role, comment=comment)
    click.echo(f"saved: {saved.respondent} {saved.indicator} = {saved.text}")
    if saved.anonymous and name_key(saved.respondent) != name_key(respondent):
        click.echo(
            f"anonymous assessment: the name is not kept; answer again as --respondent {saved.respondent}",
            err=True,
        )


@healthcheck.command("import")
@click.argument("assessment_id", metavar="ID", type=ID)
@click.argument("file", type=click.Path(path_type=str))
@click.option("--sheet", default=None, help="Worksheet of an .xlsx file (default: the first).")
@db_option
@click.pass_context
def import_(ctx: click.Context, assessment_id: int, file: str, sheet: str | None, db: str | None) -> None:
    """Import answers from CSV/XLSX (columns respondent, role, indicator, value, comment): all or nothing."""
    from kamtui.service import healthcheck as service

    with open_db(ctx, db) as store:
        imported = service.import_answers(store, assessment_id, file, sheet=sheet)
    for note in imported.notes:
        click.echo(f"note: {note}", err=True)
    click.echo(
        f"imported {plural(imported.rows, 'answer')} from {plural(imported.respondents, 'respondent')} "
        f"into assessment {assessment_id}"
    )
    if imported.anonymous:
        click.echo("anonymous assessment: the file's names were not kept, each is stored under a code", err=True)


def compare_options(func):
    """``--compare ID2|previous|none`` (default: the programme's previous assessment, as in the app) and
    ``--no-compare``."""
    from kamtui.service.healthcheck import PREVIOUS

    func = click.option(
        "--no-compare", "no_compare", is_flag=True, help="No trend (the same as --compare none)."
    )(func)
    return click.option(
        "--compare",
        default=PREVIOUS,
        show_default=True,
        metavar="ID2|previous|none",
        help="The assessment the trend compares with: an id, the programme's previous one, or none.",
    )(func)


def compare_choice(compare: str, no_compare: bool):
    """What ``--compare`` / ``--no-compare`` ask for (a service Compare value)."""
    from kamtui.service.healthcheck import parse_compare

    if no_compare:
        source = click.get_current_context().get_parameter_source("compare")
        if source is click.core.ParameterSource.COMMANDLINE:
            raise click.UsageError("--no-compare and --compare exclude each other")
        return None
    return parse_compare(compare)


@healthcheck.command("report")
@click.argument("assessment_id", metavar="ID", type=ID)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--target", type=click.IntRange(1, 5), default=DEFAULT_TARGET, show_default=True, help="Target level."
)
@compare_options
@db_option
@click.pass_context
def report(
    ctx: click.Context,
    assessment_id: int,
    as_json: bool,
    target: int,
    compare: str,
    no_compare: bool,
    db: str | None,
) -> None:
    """Scores, agreement, role gaps, trend and prescription.

    The trend compares with the programme's previous assessment unless --compare names another (or none),
    as the Results screen does.
    """
    from kamtui.commands.text import healthcheck_report
    from kamtui.service import healthcheck as service

    wanted = compare_choice(compare, no_compare)
    with open_db(ctx, db) as store:
        result = service.report(store, assessment_id, target=target, compare=wanted)
    if as_json:
        echo_json(result.to_json())
    else:
        click.echo(healthcheck_report(result, trend_asked=wanted is not None))
        if result.meta.get("anonymous"):
            click.echo(
                f"\nAnonymous assessment: respondents are stored under codes; roles with fewer than "
                f"{result.meta['min_group']} respondents are not shown."
            )


@healthcheck.command("compare")
@click.argument("assessment_ids", metavar="ID ID...", type=ID, nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option(
    "--target", type=click.IntRange(1, 5), default=DEFAULT_TARGET, show_default=True, help="Target level."
)
@db_option
@click.pass_context
def compare(
    ctx: click.Context, assessment_ids: tuple[int, ...], as_json: bool, target: int, db: str | None
) -> None:
    """Assessments side by side (e.g. the same survey in several business units): element scores and
    levels per assessment, the overall of each, and the largest differences."""
    from kamtui.commands.text import comparison_text
    from kamtui.service.compare import compare_assessments

    with open_db(ctx, db) as store:
        comparison = compare_assessments(store, list(assessment_ids), target=target)
    if as_json:
        echo_json(comparison.to_json())
    else:
        click.echo(comparison_text(comparison))


@healthcheck.command("delete")
@click.argument("assessment_id", metavar="ID", type=ID)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@db_option
@click.pass_context
def delete(ctx: click.Context, assessment_id: int, yes: bool, db: str | None) -> None:
    """Delete an assessment with all its answers."""
    from kamtui.service import healthcheck as service

    with open_db(ctx, db) as store:
        assessment = service.get_assessment(store, assessment_id)
        if not yes and not click.confirm(
            f"Delete assessment {assessment_id} '{assessment.title}' and its answers?"
        ):
            click.echo("nothing deleted")
            return
        service.delete_assessment(store, assessment_id)
    click.echo(f"deleted assessment {assessment_id}")


from kamtui.commands import forms as _forms  # noqa: E402, F401  (registers `healthcheck forms` and `collect`)
