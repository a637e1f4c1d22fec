"""``kamtui healthcheck``: create, answer, import and report assessments."""

from __future__ import annotations

import click

from kamtui.commands.common import db_option, echo_json, open_db
from kamtui.core.errors import InvalidValueError


@click.group()
def healthcheck() -> None:
    """KAM programme healthcheck assessments."""


@healthcheck.command("new")
@click.option("--title", required=True, help="A name for this assessment.")
@click.option("--survey", "survey_ref", default="kam-healthcheck", show_default=True, metavar="ID|FILE")
@click.option(
    "--programme", default=None, help="The KAM programme assessed (links assessments for the trend)."
)
@db_option
@click.pass_context
def new(ctx: click.Context, title: str, survey_ref: str, programme: str | None, db: str | None) -> None:
    """Create an assessment; prints its id alone."""
    from kamtui.core.survey import load_survey
    from kamtui.store.healthchecks import create_assessment

    loaded = load_survey(survey_ref)
    with open_db(ctx, db) as store:
        click.echo(create_assessment(store, title, loaded, programme))


@healthcheck.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def list_(ctx: click.Context, as_json: bool, db: str | None) -> None:
    """Assessments with their progress and overall level."""
    from kamtui.store.healthchecks import list_assessments, report_for

    with open_db(ctx, db) as store:
        items = []
        for summary in list_assessments(store):
            report = report_for(store, summary.id)
            items.append(
                {
                    "id": summary.id,
                    "title": summary.title,
                    "programme": summary.programme,
                    "survey": summary.survey_id,
                    "created_at": summary.created_at,
                    "respondents": summary.respondents,
                    "answered": summary.answered,
                    "indicators": summary.indicators,
                    "progress": summary.progress,
                    "overall": report.overall,
                    "level": report.level,
                    "level_name": report.level_name,
                }
            )
    if as_json:
        echo_json(items)
        return
    if not items:
        click.echo('no assessments yet: kamtui healthcheck new --title "..."')
        return
    from kamtui.textreport import fmt, table

    rows = [
        [
            str(i["id"]),
            i["title"],
            i["programme"] or "",
            i["survey"],
            str(i["respondents"]),
            f"{i['progress']:.0%}",
            fmt(i["overall"]),
            i["level_name"] or "-",
        ]
        for i in items
    ]
    click.echo(
        table(
            ["Id", "Title", "Programme", "Survey", "Resp.", "Done", "Overall", "Level"],
            rows,
            right=[0, 4, 5, 6],
        )
    )


@healthcheck.command("answer")
@click.argument("assessment_id", metavar="ID", type=int)
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
    from kamtui.core.healthcheck import ANSWER_CHOICES, parse_answer_value
    from kamtui.store.healthchecks import ensure_respondent, get_assessment, save_answer

    parsed = parse_answer_value(value)
    if parsed is None:
        raise InvalidValueError(f"VALUE: expected {ANSWER_CHOICES}, got '{value}'")
    with open_db(ctx, db) as store:
        assessment = get_assessment(store, assessment_id)
        found = assessment.survey.indicator(indicator)
        if found is None:
            raise InvalidValueError(
                f"INDICATOR: '{indicator}' is not in survey '{assessment.survey.id}' "
                f"({assessment.survey.indicator_ids[0]} .. {assessment.survey.indicator_ids[-1]})"
            )
        respondent_id = ensure_respondent(store, assessment_id, respondent, role)
        save_answer(store, respondent_id, found.id, parsed[0], parsed[1], comment)
    click.echo(f"saved: {respondent} {found.id} = {value.strip()}")


@healthcheck.command("import")
@click.argument("assessment_id", metavar="ID", type=int)
@click.argument("file", type=click.Path(path_type=str))
@click.option("--sheet", default=None, help="Worksheet of an .xlsx file (default: the first).")
@db_option
@click.pass_context
def import_(ctx: click.Context, assessment_id: int, file: str, sheet: str | None, db: str | None) -> None:
    """Import answers from CSV/XLSX (columns respondent, role, indicator, value, comment): all or nothing."""
    from kamtui.imports import read_answers
    from kamtui.store.healthchecks import get_assessment, import_answers

    with open_db(ctx, db) as store:
        assessment = get_assessment(store, assessment_id)
        rows = read_answers(file, assessment.survey, sheet=sheet)
        count = import_answers(store, assessment_id, rows)
        people = len({r.respondent for r in rows})
    click.echo(f"imported {count} answers from {people} respondents into assessment {assessment_id}")


@healthcheck.command("report")
@click.argument("assessment_id", metavar="ID", type=int)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--target", type=click.IntRange(1, 5), default=4, show_default=True, help="Target level.")
@click.option("--compare", type=int, default=None, metavar="ID2", help="An earlier assessment for the trend.")
@db_option
@click.pass_context
def report(
    ctx: click.Context, assessment_id: int, as_json: bool, target: int, compare: int | None, db: str | None
) -> None:
    """Scores, agreement, role gaps, trend and prescription."""
    from kamtui.store.healthchecks import report_for
    from kamtui.textreport import healthcheck_report

    with open_db(ctx, db) as store:
        result = report_for(store, assessment_id, target=target, compare=compare)
    if as_json:
        echo_json(result.to_json())
    else:
        click.echo(healthcheck_report(result))


@healthcheck.command("delete")
@click.argument("assessment_id", metavar="ID", type=int)
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@db_option
@click.pass_context
def delete(ctx: click.Context, assessment_id: int, yes: bool, db: str | None) -> None:
    """Delete an assessment with all its answers."""
    from kamtui.store.healthchecks import delete_assessment, get_assessment

    with open_db(ctx, db) as store:
        assessment = get_assessment(store, assessment_id)
        if not yes and not click.confirm(
            f"Delete assessment {assessment_id} '{assessment.title}' and its answers?"
        ):
            click.echo("nothing deleted")
            return
        delete_assessment(store, assessment_id)
    click.echo(f"deleted assessment {assessment_id}")
