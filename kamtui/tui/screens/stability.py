"""Stability and cross-checks of the ranking on the Weights screen (README, "Account selection").

One bar per criterion on the normalised-weight axis 0-100 %: the stretch within which the pick without
capacity stays the same set is drawn heavy, today's weight is marked ◆. Below: the accounts just outside
the pick with what would bring each in, and the cross-checks (TOPSIS beside the weighted sum with
Kendall's tau, dominated accounts in the pick, rank reversal). Computed in a thread worker by
``kamtui.service.crosscheck`` on the same accounts, weights and limits as the Weights screen.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static

from kamtui.core.ranking import CrossCheck, Params
from kamtui.tui.errors import call_ui, reported
from kamtui.tui.format import clip
from kamtui.tui.screens.base import KamScreen

if TYPE_CHECKING:
    from kamtui.core.stability import WeightInterval
    from kamtui.tui.selection_session import LiveRanking

NAME_WIDTH = 28


def interval_bar(interval: WeightInterval, width: int, colour: str, track: str | None) -> Text:
    """The weight axis 0..1 in ``width`` cells: the interval heavy, today's weight ◆."""
    text = Text(no_wrap=True, overflow="crop")
    cells = max(10, width)

    def cell(x: float) -> int:
        return min(cells - 1, max(0, int(x * cells)))

    low, high, mark = cell(interval.low), cell(interval.high), cell(interval.weight)
    for k in range(cells):
        if k == mark:
            text.append("◆", style="bold")
        elif low <= k <= high:
            text.append("━", style=colour)
        else:
            text.append("─", style=track or "dim")
    return text


def number(value: float | None) -> str:
    if value is None:
        return "none"
    if float(value).is_integer() and abs(value) >= 1000:
        return f"{int(value):,}"
    return f"{value:.6g}"


class StabilityScreen(KamScreen):
    HELP_TITLE = "Stability and cross-checks"
    HELP_TEXT = """
Stability: for each criterion, the range of its weight (the other weights rescaled in proportion) within
which the pick without capacity (pins, then the best K eligible by the set's ranking) stays exactly the
same set. The axis is the normalised weight, 0 to 100 %; the heavy stretch is the range, ◆ today's
weight. Computed exactly: every score is a ratio of linear functions of the weight.

Just outside: the first accounts outside the pick, how much their ranked score is short of the weakest
account in the pick, and which single criterion value would bring each in (on the criterion's scale).

Cross-checks: TOPSIS on the same normalised values and weights, Kendall's tau between its ranking and the
weighted sum's, the accounts whose ranks differ most; selected accounts that another account beats or
equals on every criterion both have; and whether leaving out any single candidate (which moves min-max
scales) changes the pick. r recomputes, Esc goes back.
"""
    PALETTE = (
        ("Recompute", "Compute the stability and cross-checks again (r)", "refresh"),
        ("Back", "Back to the Weights screen (Esc)", "back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Recompute", id="kam.stability.refresh"),
        Binding("escape", "back", "Back", key_display="Esc", id="kam.stability.back"),
    ]

    def __init__(self, live: LiveRanking, points: dict[str, float], params: Params) -> None:
        super().__init__()
        self.live = live
        self.points = points
        self.params = params
        self.check: CrossCheck | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="stability-body"):
            yield Static("Computing…", id="stability-summary")
            yield Static("", id="stability-bars")
            yield Static("", id="stability-outside")
            yield Static("", id="stability-checks")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header("Stability and cross-checks", self.live.criteria.title)
        self.compute()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        self.query_one("#stability-summary", Static).update("Computing…")
        self.compute()

    @work(thread=True, exclusive=True, group="stability", exit_on_error=False)
    def compute(self) -> None:
        from kamtui.service.crosscheck import crosscheck

        app = self.kam
        with reported(app):
            check = crosscheck(self.live.criteria, self.live.matrix, self.points, self.params)
            call_ui(app, self._show, check)

    def _show(self, check: CrossCheck) -> None:
        self.check = check
        criteria = self.live.criteria
        names = {c.id: c.name for c in criteria.criteria}
        variables = self.app.theme_variables
        colour = variables.get("primary", "blue")
        track = variables.get("bar-track")
        limits = self.params
        summary = Text()
        summary.append(f"Pick without capacity: K = {limits.top_k}", style="bold")
        if limits.include or limits.exclude:
            summary.append(f", {len(limits.include)} pinned in, {len(limits.exclude)} out")
        summary.append(" · the weight range within which it stays the same (0 to 100 %):")
        self.query_one("#stability-summary", Static).update(summary)

        width = max(20, (self.size.width or 100) - NAME_WIDTH - 26)
        bars = Text(no_wrap=True, overflow="crop")
        for k, interval in enumerate(check.stability):
            if k:
                bars.append("\n")
            bars.append(f"{clip(names.get(interval.criterion, interval.criterion), NAME_WIDTH):<{NAME_WIDTH}} ")
            bars.append_text(interval_bar(interval, width, colour, track))
            bars.append(f" {interval.weight:6.1%}  {interval.low:5.1%}-{interval.high:6.1%}")
        self.query_one("#stability-bars", Static).update(bars)

        outside = Text()
        outside.append("\nJust outside the pick", style="bold")
        if not check.just_outside:
            outside.append("\nnobody: every eligible account is picked, or the pins fill K")
        for near in check.just_outside:
            outside.append(f"\n{near.account}", style="bold")
            outside.append(f" (rank {near.rank}) is {near.gap:.2f} short of {near.to_beat}: ")
            if near.levers:
                outside.append(
                    "; ".join(
                        f"{names.get(lv.criterion, lv.criterion)} {number(lv.value_from)} → {number(lv.value_to)}"
                        for lv in near.levers
                    )
                )
            else:
                outside.append("no single value can bring it in", style="dim")
        self.query_one("#stability-outside", Static).update(outside)

        checks = Text()
        checks.append("\nCross-checks", style="bold")
        tau = "-" if check.kendall_tau is None else f"{check.kendall_tau:.3f}"
        checks.append(f"\nTOPSIS on the same numbers: Kendall's tau {tau} against the ranking; ")
        if check.disagreements:
            checks.append(
                f"ranks differ by more than {check.rank_gap} for "
                + ", ".join(f"{d.account} ({d.rank} vs {d.topsis_rank})" for d in check.disagreements),
                style="bold",
            )
        else:
            checks.append(f"no rank differs by more than {check.rank_gap}")
        if check.dominated_in_pick:
            for account, by in check.dominated_in_pick.items():
                checks.append("\nSelected although dominated: ", style="bold")
                checks.append(f"{account} (by {', '.join(by)})")
        else:
            checks.append("\nNo selected account is dominated by another")
        if check.rank_reversals:
            for r in check.rank_reversals:
                checks.append("\nRank reversal: ", style="bold")
                parts = [f"in {', '.join(r.entered)}" if r.entered else "", f"out {', '.join(r.left)}" if r.left else ""]
                checks.append(f"leaving out {r.left_out} changes the pick ({'; '.join(p for p in parts if p)})")
        else:
            checks.append(
                f"\nRank reversal: none (leaving out any one of {len(check.reversal_checked)} scale-setting "
                "candidates keeps the pick)"
            )
        self.query_one("#stability-checks", Static).update(checks)
