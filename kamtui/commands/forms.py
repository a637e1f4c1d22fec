"""``kamtui healthcheck forms`` and ``collect``: personal answer workbooks out, returned ones in."""

from __future__ import annotations

import click

from kamtui.commands.common import db_option, echo_json, open_db, plural
from kamtui.commands.healthcheck import ID, healthcheck


@healthcheck.command("forms")
@click.argument("assessment_id", metavar="ID", type=ID)
@click.option("--respondents", "people", metavar="PEOPLE.csv", default=None,
              help="CSV or XLSX with columns name, role (optional email): one form per person.")
@click.option("--blank", type=click.IntRange(1, 1000), default=None, metavar="N",
              help="N unnamed forms, each with its own code (for an anonymous assessment).")
@click.option("--role", default=None, help="With --blank: the role written into each form.")
@click.option("-o", "--output", metavar="FOLDER", default=None,
              help="Folder for the workbooks (default: ./exports/forms-<title>-<YYYYMMDD-HHMM>/).")
@db_option
@click.pass_context
def forms(ctx: click.Context, assessment_id: int, people: str | None, blank: int | None, role: str | None,
          output: str | None, db: str | None) -> None:
    """Write one answer form (an Excel workbook) per person; prints the folder, then each file."""
    from kamtui.service.forms import write_forms

    if (people is None) == (blank is None):
        raise click.UsageError("give --respondents PEOPLE.csv or --blank N")
    with open_db(ctx, db) as store:
        written = write_forms(store, assessment_id, people_file=people, blank=blank, role=role, output=output)
    click.echo(str(written.folder))
    for path in written.paths:
        click.echo(f"  {path.name}")
    click.echo(f"wrote {plural(len(written.paths), 'form')}", err=True)


@healthcheck.command("collect")
@click.argument("assessment_id", metavar="ID", type=ID)
@click.argument("paths", nargs=-1, required=True, metavar="PATH...")
@click.option("--dry-run", is_flag=True, help="Check and show what would be written; write nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
@click.pass_context
def collect(ctx: click.Context, assessment_id: int, paths: tuple[str, ...], dry_run: bool, as_json: bool,
            db: str | None) -> None:
    """Read returned forms (files, or folders of .xlsx): all their answers, or nothing and every problem."""
    from kamtui.commands.text import table
    from kamtui.service.forms import collect_forms

    with open_db(ctx, db) as store:
        collected = collect_forms(store, assessment_id, list(paths), dry_run=dry_run)
    if as_json:
        echo_json(collected.to_json())
        return
    result = collected.result
    rows = [[f.respondent, f"{f.answered}/{f.total}", f.file] for f in result.forms]
    click.echo(table(["Respondent", "Answered", "File"], rows, right=[1]))
    verb = "would write" if dry_run else "wrote"
    click.echo(f"{verb} {plural(len(result.rows), 'answer')} from {plural(len(result.forms), 'form')}")
    if result.missing:
        click.echo("no form back yet from: " + ", ".join(result.missing))
