"""Compare two saved selection runs (README, "Account selection": runs over time).

The saved runs are listed on the left (newest first, with K, capacity, pins, who saved it and the note);
Enter on one makes it run A, Enter on another makes it run B and shows what changed from A to B on the
right (``kamtui.service.ranking.compare_runs``): the accounts that entered and left the pick, the
largest rank and quadrant moves first, and the weight and parameter changes. ``c`` starts over.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from kamtui.tui.errors import call_ui, reported
from kamtui.tui.screens.base import KamScreen

MOVES_SHOWN = 30


def run_label(summary) -> str:
    """One line per saved run: id, date, K, capacity, pins, who and the note."""
    parts = [f"Run {summary.id}", summary.created_at[:16].replace("T", " ")]
    parts.append(f"K {summary.top_k}")
    if summary.capacity is not None:
        parts.append(f"{summary.capacity:g} FTE")
    pins = len(summary.include) + len(summary.exclude)
    if pins:
        parts.append(f"{pins} pinned")
    if summary.saved_by:
        parts.append(f"by {summary.saved_by}")
    label = " · ".join(parts)
    return f"{label} · {summary.note}" if summary.note else label


def diff_text(changes) -> Text:
    """A run diff for the screen, largest movers first."""
    text = Text()
    text.append(f"Run {changes.run_a} → run {changes.run_b}\n", style="bold")
    text.append("Entered the pick: ", style="bold")
    text.append(", ".join(changes.entered) or "none")
    text.append("\nLeft the pick: ", style="bold")
    text.append(", ".join(changes.left) or "none")
    if changes.added:
        text.append(f"\nNew candidates: {', '.join(changes.added)}")
    if changes.removed:
        text.append(f"\nNo longer candidates: {', '.join(changes.removed)}")
    if changes.weights:
        text.append("\n\nWeights", style="bold")
        for w in changes.weights:
            a = "—" if w.weight_a is None else f"{w.weight_a:.1%}"
            b = "—" if w.weight_b is None else f"{w.weight_b:.1%}"
            text.append(f"\n  {w.criterion}: {a} → {b}")
    if changes.params:
        text.append("\n\nParameters", style="bold")
        for p in changes.params:
            text.append(f"\n  {p.param}: {_value(p.a)} → {_value(p.b)}")
    text.append("\n\nMoves (largest first)", style="bold")
    if not changes.moved:
        text.append("\n  no rank or quadrant changed")
    for m in changes.moved[:MOVES_SHOWN]:
        quadrant = f"  {m.quadrant_a or '—'} → {m.quadrant_b or '—'}" if m.quadrant_a != m.quadrant_b else ""
        text.append(f"\n  {m.account}: {m.rank_a} → {m.rank_b} ({m.change:+d}){quadrant}")
    if len(changes.moved) > MOVES_SHOWN:
        text.append(f"\n  … and {len(changes.moved) - MOVES_SHOWN} more", style="dim")
    return text


def _value(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "—"
    return f"{value:g}" if isinstance(value, float) else str(value)


class RunCompareScreen(KamScreen):
    HELP_TITLE = "Compare runs"
    HELP_TEXT = """
The saved selection runs, newest first. Enter on a run makes it run A (the earlier one, say), Enter on
another makes it run B: the right side then shows what changed from A to B: the accounts that entered
and left the pick, the rank and quadrant moves with the largest first, and the weight and parameter
changes. c starts over, Esc goes back.
"""
    PALETTE = (
        ("Start over", "Choose run A again (c)", "clear"),
        ("Back", "Back to the previous screen (Esc)", "back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "clear", "Start over", id="kam.compare-runs.clear"),
        Binding("escape", "back", "Back", key_display="Esc", id="kam.compare-runs.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.run_a: int | None = None
        self.run_b: int | None = None
        self.changes = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="compare-runs-body"):
            yield OptionList(id="compare-runs-list")
            with VerticalScroll(id="compare-runs-side"):
                yield Static("", id="compare-runs-diff")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header("Compare runs")
        self.query_one(OptionList).focus()
        self._prompt()
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_clear(self) -> None:
        self.run_a = self.run_b = None
        self.changes = None
        self._prompt()

    def _prompt(self) -> None:
        text = Text()
        if self.run_a is None:
            text.append("Enter on a run to choose run A.", style="bold")
        else:
            text.append(f"Run A: {self.run_a}. ", style="bold")
            text.append("Enter on another run to compare it with run A.")
        self.query_one("#compare-runs-diff", Static).update(text)

    @work(thread=True, exclusive=True, group="compare-runs-load", exit_on_error=False)
    def load(self) -> None:
        from kamtui.service.ranking import runs

        app = self.kam
        with reported(app), app.thread_store() as store:
            summaries = list(reversed(runs(store)))
            call_ui(app, self._listed, summaries)

    def _listed(self, summaries) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        if not summaries:
            self.query_one("#compare-runs-diff", Static).update(
                "No saved runs yet: save one on the Weights screen (s) or with kamtui rank --save."
            )
            return
        options.add_options([Option(run_label(s), id=str(s.id)) for s in summaries])
        options.highlighted = 0

    @on(OptionList.OptionSelected, "#compare-runs-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        run_id = int(event.option.id or 0)
        if self.run_a is None or self.run_b is not None:
            self.run_a, self.run_b, self.changes = run_id, None, None
            self._prompt()
            return
        if run_id == self.run_a:
            self.notify("Choose another run to compare with run A.", severity="warning")
            return
        self.run_b = run_id
        self.compare(self.run_a, run_id)

    @work(thread=True, exclusive=True, group="compare-runs", exit_on_error=False)
    def compare(self, run_a: int, run_b: int) -> None:
        from kamtui.service.ranking import compare_runs

        app = self.kam
        with reported(app), app.thread_store() as store:
            changes = compare_runs(store, run_a, run_b)
            call_ui(app, self._compared, changes)

    def _compared(self, changes) -> None:
        self.changes = changes
        self.query_one("#compare-runs-diff", Static).update(diff_text(changes))
