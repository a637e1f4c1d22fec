"""Plain-text tables for the command line (the TUI and the workbooks render the same data their own way)."""

from __future__ import annotations

from collections.abc import Sequence

from kamtui.core.healthcheck import Report


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


def healthcheck_report(report: Report) -> str:
    meta = report.meta
    out = [
        f"Assessment {meta.get('assessment')}: {meta.get('title')}"
        + (f"  (programme: {meta['programme']})" if meta.get("programme") else ""),
        f"Survey: {report.survey.title} [{report.survey.id} v{report.survey.version}]   "
        f"Respondents: {report.respondents}   Coverage: {report.coverage:.0%}",
    ]
    if report.overall is None:
        out.append("Overall: no rated answers yet")
    else:
        trend = f"   trend {signed(report.overall_delta)}" if report.overall_delta is not None else ""
        out.append(f"Overall: {report.overall:.2f}  level {report.level} {report.level_name}{trend}")
    out.append("")
    roles = sorted({role for e in report.elements for role in e.by_role})
    header = ["Element", "Score", "Level", "rwg", "n", "Cover", *roles, "Delta"]
    rows = []
    for e in report.elements:
        flag = "!" if e.no_consensus else ""
        rows.append(
            [
                e.name,
                fmt(e.score),
                f"{e.level} {e.level_name}" if e.level else "-",
                fmt(e.rwg) + flag,
                str(e.n),
                f"{e.coverage:.0%}",
                *(fmt(e.by_role.get(role)) for role in roles),
                signed(e.delta),
            ]
        )
    numeric = {1, 3, 4, 5, *range(6, 6 + len(roles) + 1)}
    out.append(table(header, rows, right=sorted(numeric)))
    if any(e.no_consensus for e in report.elements):
        out.append("! agreement below 0.70: no consensus among respondents")
    gaps = sorted(
        ((e, g) for e in report.elements for g in e.gaps), key=lambda item: -abs(item[1].difference)
    )[:5]
    if gaps:
        out += ["", "Largest perception gaps between roles:"]
        for element, gap in gaps:
            p = f", p = {gap.p_value:.3f}" if gap.p_value is not None else ""
            out.append(f"  {element.name}: {gap.roles[0]} vs {gap.roles[1]} {signed(gap.difference)}{p}")
    out += ["", f"Prescription (target level {report.target}, largest gap first):"]
    if not report.prescription:
        out.append("  every scored element is at or above the target")
    for number, item in enumerate(report.prescription, 1):
        out.append(
            f"  {number}. {item.name} ({item.score:.2f}, level {item.level} -> {item.level + 1}): {item.text}"
        )
    return "\n".join(out)
