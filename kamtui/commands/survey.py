"""``kamtui survey``: list and validate survey definitions."""

from __future__ import annotations

import click

from kamtui.commands.common import echo_json


@click.group()
def survey() -> None:
    """Survey definitions (built-in or your own TOML file)."""


@survey.command("validate")
@click.argument("ref", metavar="FILE|ID")
def validate(ref: str) -> None:
    """Check a survey file (or built-in id); list every problem by file and key."""
    from kamtui.core.survey import load_survey

    loaded = load_survey(ref)
    click.echo(f"ok: {len(loaded.elements)} elements, {len(loaded.indicators)} indicators")


@survey.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_surveys(as_json: bool) -> None:
    """The built-in surveys."""
    from kamtui.core.survey import list_builtin_surveys

    surveys = list_builtin_surveys()
    if as_json:
        echo_json(
            [
                {
                    "id": s.id,
                    "title": s.title,
                    "version": s.version,
                    "elements": len(s.elements),
                    "indicators": len(s.indicators),
                }
                for s in surveys
            ]
        )
        return
    for s in surveys:
        click.echo(
            f"{s.id:<20} {s.title} (v{s.version}, {len(s.elements)} elements, {len(s.indicators)} indicators)"
        )
