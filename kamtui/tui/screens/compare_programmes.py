"""Assessments side by side (``c`` on Home): several business units or regions that took the same survey
as separate programmes, as elements x assessments with each score on its level's colour, the overall of
each on top and the largest differences below; ``e`` writes the same as a workbook.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Footer, Header, SelectionList, Static

from kamtui.core.comparison import Comparison
from kamtui.core.levels import LEVELS
from kamtui.tui import format as fmt
from kamtui.tui.errors import call_ui, reported
from kamtui.tui.screens.base import KamScreen
from kamtui.tui.themes import level_colour, level_ink

MIN_CHOSEN = 2


class ChooseAssessmentsModal(ModalScreen[list[int] | None]):
    """Tick two assessments or more (Space), then Compare; dismisses with their ids in the order listed."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, choices: list[tuple[int, str]], chosen: list[int]) -> None:
        super().__init__()
        self.choices = choices
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        with Vertical(id="choose-dialog", classes="dialog"):
            yield Static("Compare assessments side by side", classes="dialog-title")
            yield SelectionList[int](
                *((label, ident, ident in self.chosen) for ident, label in self.choices), id="choose-list"
            )
            yield Static("", id="choose-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Compare", variant="primary", id="choose-compare")
                yield Button("Cancel", id="choose-cancel")
            yield Static("Space ticks an assessment · Enter on Compare · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "choose-cancel":
            self.dismiss(None)
            return
        selected = set(self.query_one(SelectionList).selected)
        chosen = [ident for ident, _ in self.choices if ident in selected]
        if len(chosen) < MIN_CHOSEN:
            self.query_one("#choose-error", Static).update("Tick two assessments or more (Space).")
            return
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)


def choose_and_compare(screen: KamScreen, highlighted: int | None) -> None:
    """Ask which assessments to compare (the highlighted one ticked), then open the Compare screen."""
    from kamtui.service.compare import comparable

    rows = comparable(screen.kam.store)
    if len(rows) < MIN_CHOSEN:
        screen.notify("Comparing needs two assessments or more.", severity="warning")
        return
    choices = [
        (r["id"], f"#{r['id']} {r['title']}" + (f" · {r['programme']}" if r["programme"] else ""))
        for r in rows
    ]

    def chosen(ids: list[int] | None) -> None:
        if ids:
            screen.app.push_screen(CompareProgrammesScreen(ids))

    screen.app.push_screen(ChooseAssessmentsModal(choices, [highlighted] if highlighted else []), chosen)


class CompareProgrammesScreen(KamScreen):
    HELP_TITLE = "Compare assessments"
    HELP_TEXT = """
The assessments chosen, side by side: one row per element, one column per assessment, each score on the
colour of its level, the overall of each on the first row. Each assessment is scored on its own, as its
Results show it. Below: the elements that differ most, highest minus lowest. e writes the same as a
workbook (Compare, Differences, About) to the exports folder.
"""
    PALETTE = (
        ("Export to Excel", "The comparison as a workbook (e)", "export"),
        ("Back", "Back to the assessments (Esc)", "back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("e", "export", "Export", id="kam.compare.export"),
        Binding("escape", "back", "Back", key_display="Esc"),
    ]

    def __init__(self, ids: list[int]) -> None:
        super().__init__()
        self.ids = ids
        self.comparison: Comparison | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="compare-titles")
        yield DataTable(id="compare-table", cursor_type="row")
        with VerticalScroll(id="compare-differences-panel", classes="panel"):
            yield Static("Largest differences", classes="panel-title")
            yield Static("", id="compare-differences")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header("Compare assessments")
        self.query_one("#compare-table", DataTable).loading = True
        self.load()

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def load(self) -> None:
        from kamtui.service.compare import compare_assessments

        app = self.kam
        try:
            with reported(app), app.thread_store() as store:
                comparison = compare_assessments(store, self.ids)
                app.call_from_thread(self.show, comparison)
        finally:
            call_ui(app, self._loaded)

    def _loaded(self) -> None:
        self.loaded(self.query_one("#compare-table", DataTable))

    def on_resize(self) -> None:
        if self.comparison is not None:
            self.show(self.comparison)

    def show(self, comparison: Comparison) -> None:
        self.comparison = comparison
        data = comparison.to_json()
        variables = self.app.theme_variables
        ink = level_ink(variables)  # text on a level colour
        titles = Text()
        for item in data["assessments"]:
            titles.append(f" #{item['id']} ", style="bold")
            titles.append(
                f"{item['title']}" + (f" ({item['programme']})" if item["programme"] else "") + "\n"
            )
        self.query_one("#compare-titles", Static).update(titles)
        table = self.query_one("#compare-table", DataTable)
        table.clear(columns=True)
        width = self.size.width or self.app.size.width
        count = len(data["assessments"])
        cell = 16 if width >= 40 + 18 * count else 6
        name = max(14, min(34, width - (cell + 2) * count - 6))
        table.add_column("Element", key="element", width=name)
        for item in data["assessments"]:
            label = f"#{item['id']} {item['title']}" if cell > 6 else f"#{item['id']}"
            table.add_column(fmt.clip(label, cell), key=str(item["id"]), width=cell)

        def score_cell(score: float | None, level: int | None) -> Text:
            if score is None:
                return Text(fmt.DASH, style="dim")
            words = fmt.score_and_level(score) if cell > 6 else fmt.score(score)
            return Text(f" {fmt.clip(words, cell - 1)}", style=f"{ink} on {level_colour(variables, level)}")

        table.add_row(
            Text("Overall", style="bold"),
            *(score_cell(a["overall"], a["level"]) for a in data["assessments"]),
            key="overall",
        )
        for element in comparison.elements:
            table.add_row(
                fmt.clip(element.name, name),
                *(score_cell(s, lv) for s, lv in zip(element.scores, element.levels, strict=True)),
                key=element.id,
            )
        text = Text()
        if not comparison.differences:
            text.append("No element is scored in two of these assessments yet.\n")
        for item in comparison.differences:
            text.append(f"{item.difference:.2f} ", style="bold")
            text.append(f"{item.name}: #{item.high} highest, #{item.low} lowest\n")
        for level in LEVELS:
            text.append(
                f" {level.number} {level.name} ", style=f"{ink} on {level_colour(variables, level.number)}"
            )
            text.append(" ")
        self.query_one("#compare-differences", Static).update(text)

    def action_export(self) -> None:
        self.notify("Writing the workbook…")
        self.export()

    @work(thread=True, group="compare-export", exit_on_error=False)
    def export(self) -> None:
        from kamtui.service.exports import export_compare

        app = self.kam
        with reported(app), app.thread_store() as store:
            exported = export_compare(store, self.ids)
            call_ui(app, app.notify, f"Written: {exported.path}")

    def action_back(self) -> None:
        self.app.pop_screen()
