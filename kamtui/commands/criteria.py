"""``kamtui criteria``: list and validate criteria sets."""

from __future__ import annotations

import click

from kamtui.commands.common import echo_json


@click.group()
def criteria() -> None:
    """Account-selection criteria sets (built-in or your own TOML file)."""


@criteria.command("validate")
@click.argument("ref", metavar="FILE|ID")
def validate(ref: str) -> None:
    """Check a criteria file (or built-in id); list every problem by file and key."""
    from kamtui.core.criteria_file import load_criteria

    loaded = load_criteria(ref)
    groups = {g: sum(1 for c in loaded.criteria if c.group == g) for g in ("attractiveness", "strength")}
    click.echo(
        f"ok: {len(loaded.criteria)} criteria ({groups['attractiveness']} attractiveness, {groups['strength']} strength)"
    )


@criteria.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_criteria(as_json: bool) -> None:
    """The built-in criteria sets."""
    from kamtui.core.criteria_file import list_builtin_criteria

    sets = list_builtin_criteria()
    if as_json:
        echo_json([s.to_dict() for s in sets])
        return
    for s in sets:
        click.echo(f"{s.id:<20} {s.title} ({len(s.criteria)} criteria)")
        for c in s.criteria:
            scale = f"{c.scale[0]:g}-{c.scale[1]:g}" if c.scale else (c.unit or "number")
            extra = ", cost" if c.is_cost else ""
            extra += ", log" if c.transform else ""
            click.echo(f"  {c.id:<24} {c.group:<15} {c.kind:<7} {scale:<10} {c.weight:>5g} pts{extra}")
