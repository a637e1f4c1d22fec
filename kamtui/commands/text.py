"""Plain-text tables for the command line (the TUI and the workbooks render the same data their own way)."""

from __future__ import annotations

from collections.abc import Sequence

from kamtui.core.actions import Action
from kamtui.core.comparison import Comparison
from kamtui.core.healthcheck import Report, RoleGap


def fmt(value: float | None, digits: int = 2, dash: str = "-") -> str:
    return dash if value is None else f"{value:.{digits}f}"


def signed(value: float | None, digits: int = 2) -> str:
    return "-" if value is None else f"{value:+.{digits}f}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], right: Sequence[int] = ()) -> str:
    """A fixed-width text table; columns listed in ``right`` are right-aligned."""
    widths = [len(h) for h in header]
    for row in rows:
        widths = [max(w, len(cell)) for w, cell in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        parts = [
            c.rjust(w) if i in right else c.ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def healthcheck_report(report: Report, *, trend_asked: bool = True) -> str:
    """The report as text; ``trend_asked`` False: the trend was turned off (no "nothing to compare with")."""
    meta = report.meta
    out = [
        f"Assessment {meta.get('assessment')}: {meta.get('title')}"
        + (f"  (programme: {meta['programme']})" if meta.get("programme") else ""),
        f"Survey: {report.survey.title} [{report.survey.id} v{report.survey.version}]",
        f"Respondents: {report.respondents}   Progress: {report.progress:.0%}   Rated: {report.coverage:.0%}",
    ]
    if report.overall is None:
        out.append("Overall: no rated answers yet")
    else:
        compare = meta.get("compare")
        trend = f"   trend {signed(report.overall_delta)} vs #{compare}"
        if report.overall_delta is None:
            trend = ""
        if compare is None:
            trend = "   no earlier assessment to compare with" if trend_asked else ""
        out.append(f"Overall: {report.overall:.2f}  level {report.level} {report.level_name}{trend}")
    out.append("")
    roles = sorted({role for e in report.elements for role in e.by_role})
    header = ["Element", "Score", "Level", "rwg", "rwg(j)", "n", "Rated", *roles, "Delta"]
    rows = []
    for e in report.elements:
        flag = "!" if e.no_consensus else ""
        rows.append(
            [
                e.name,
                fmt(e.score),
                f"{e.level} {e.level_name}" if e.level else "-",
                fmt(e.rwg) + flag,
                fmt(e.rwg_j),
                str(e.n),
                f"{e.coverage:.0%}",
                *(fmt(e.by_role.get(role)) for role in roles),
                signed(e.delta),
            ]
        )
    numeric = {1, 3, 4, 5, 6, *range(7, 7 + len(roles) + 1)}
    out.append(table(header, rows, right=sorted(numeric)))
    if any(e.no_consensus for e in report.elements):
        out.append("! agreement below 0.70: no consensus among respondents")
    out.append("rwg: agreement on the element score; rwg(j): agreement over its statements (James, Demaree & Wolf)")
    gaps = sorted(
        ((e, g) for e in report.elements for g in e.gaps), key=lambda item: -abs(item[1].difference)
    )[:5]
    if gaps:
        out += ["", "Largest perception gaps between roles:"]
        for element, gap in gaps:
            out.append(f"  {element.name}: {gap_text(gap)}")
    out += ["", f"Prescription (target level {report.target}, largest gap first):"]
    if not report.prescription:
        out.append("  every scored element is at or above the target")
    for number, item in enumerate(report.prescription, 1):
        out.append(
            f"  {number}. {item.name} ({item.score:.2f}, level {item.level} -> {item.level + 1}): {item.text}"
        )
    return "\n".join(out)


def gap_text(gap: RoleGap) -> str:
    """``Leadership higher than KAM by 1.20 (p = 0.100, adjusted 0.300, exact)``."""
    if gap.higher is None:
        said = f"{gap.roles[0]} and {gap.roles[1]} equal"
    else:
        said = f"{gap.higher} higher than {gap.lower} by {abs(gap.difference):.2f}"
    if gap.p_value is None:
        return said
    return f"{said} (p = {gap.p_value:.3f}, adjusted {gap.p_adjusted:.3f}, {gap.method})"


def comparison_text(comparison: Comparison) -> str:
    """Elements x assessments (score and level), the overall of each, and the largest differences."""
    data = comparison.to_json()
    header = ["Element", *(f"#{a['id']}" for a in data["assessments"])]
    rows = [["Overall", *(score_level(a["overall"], a["level"]) for a in data["assessments"])]]
    rows += [
        [e["name"], *(score_level(s, lv) for s, lv in zip(e["scores"], e["levels"], strict=True))]
        for e in data["elements"]
    ]
    out = [
        f"#{a['id']}: {a['title']}" + (f" ({a['programme']})" if a["programme"] else "")
        for a in data["assessments"]
    ]
    out += ["", table(header, rows)]
    out += ["", "Largest differences (highest - lowest):"]
    if not data["differences"]:
        out.append("  no element is scored in two of these assessments yet")
    for item in data["differences"]:
        span = f"{item['difference']:.2f} (#{item['high']} highest, #{item['low']} lowest)"
        out.append(f"  {item['name']}: {span}")
    return "\n".join(out)


def score_level(score: float | None, level: int | None) -> str:
    from kamtui.core.levels import level_name

    return "-" if score is None else f"{score:.2f} {level_name(level)}"


def actions_table(actions: Sequence[Action], names: dict[str, str] | None = None) -> str:
    names = names or {}
    rows = [
        [
            str(a.id),
            str(a.assessment_id),
            names.get(a.element, a.element),
            a.status,
            a.owner or "-",
            a.due or "-",
            a.text + (f" (carried from #{a.carried_from})" if a.carried_from else ""),
        ]
        for a in actions
    ]
    return table(["Id", "Assess.", "Element", "Status", "Owner", "Due", "Action"], rows, right=[0, 1])
