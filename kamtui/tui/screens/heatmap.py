"""The respondent-by-element heatmap (``h`` on Results), for the lead: one row per respondent (their name,
or the code of an anonymous form), one column per element, each cell the respondent's element score on
the colour of its level. It shows what the report gives: a confidential assessment below its minimum group
size gives no respondent scores, and the screen says so instead of drawing them.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import DataTable, Footer, Header, Static

from kamtui.core.healthcheck import Report
from kamtui.core.levels import LEVELS
from kamtui.tui import format as fmt
from kamtui.tui.errors import call_ui, reported
from kamtui.tui.screens.base import KamScreen
from kamtui.tui.themes import level_colour, level_ink

CELL = 5  # "2.50" on its level's colour and a space


def element_codes(report: Report) -> dict[str, str]:
    """A short column header per element: the prefix of its statements' ids (``PCM`` of ``PCM-01``) when
    those are distinct, else ``E1``, ``E2`` ..."""
    codes = {}
    for element in report.survey.elements:
        first = element.indicators[0].id if element.indicators else ""
        codes[element.id] = first.split("-")[0][:4].upper() if "-" in first else ""
    if len(set(codes.values())) != len(codes) or not all(codes.values()):
        codes = {element.id: f"E{n}" for n, element in enumerate(report.survey.elements, 1)}
    return codes


class HeatmapScreen(KamScreen):
    HELP_TITLE = "Heatmap"
    HELP_TEXT = """
Every respondent's element scores (the mean of their ratings in the element), one row per respondent,
one column per element, on the colour of the score's level. Read across a row for a person's view of the
programme, down a column for how far apart the respondents are on an element. The element codes are
listed below the table.

A confidential assessment shows no row per respondent while it has fewer respondents than its minimum
group size.
"""
    PALETTE = (
        ("Refresh", "Read the answers again (r)", "refresh"),
        ("Back", "Back to the results (Esc)", "back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "refresh", "Refresh"),
        Binding("escape", "back", "Back", key_display="Esc"),
    ]

    def __init__(self, assessment_id: int) -> None:
        super().__init__()
        self.assessment_id = assessment_id
        self.report: Report | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="heatmap-note", classes="section-title")
        yield DataTable(id="heatmap-table", cursor_type="row", zebra_stripes=False)
        yield Static("", id="heatmap-legend")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header("Heatmap")
        table = self.query_one("#heatmap-table", DataTable)
        table.cell_padding = 0
        table.loading = True
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="heatmap", exit_on_error=False)
    def load(self) -> None:
        from kamtui.service import healthcheck as service

        app = self.kam
        try:
            with reported(app), app.thread_store() as store:
                report = service.report(store, self.assessment_id, compare=None)
                app.call_from_thread(self.show, report)
        finally:
            call_ui(app, self._loaded)

    def _loaded(self) -> None:
        self.loaded(self.query_one("#heatmap-table", DataTable))

    def on_resize(self) -> None:
        if self.report is not None:
            self.show(self.report)

    def show(self, report: Report) -> None:
        self.report = report
        self.set_header(f"Heatmap · {report.meta.get('title', '')}")
        variables = self.app.theme_variables
        ink = level_ink(variables)  # text on a level colour
        table = self.query_one("#heatmap-table", DataTable)
        table.clear(columns=True)
        note = self.query_one("#heatmap-note", Static)
        rows = report.respondent_scores
        if report.respondents and not rows:
            note.update(
                "Not shown: this assessment is confidential and has fewer respondents than its minimum group size."
            )
            table.display = False
            return
        table.display = True
        note.update(
            f"{len(rows)} respondent{'s' if len(rows) != 1 else ''} x {len(report.elements)} elements"
        )
        codes = element_codes(report)
        width = self.size.width or self.app.size.width
        name_width = max(10, min(28, width - CELL * len(codes) - 5))
        table.add_column(" Respondent", key="respondent", width=name_width + 1)
        for element in report.elements:
            table.add_column(Text(codes[element.id]), key=element.id, width=CELL)
        for person in rows:
            label = person.respondent + (f" ({person.role})" if person.role else "")
            cells = []
            for element in report.elements:
                score = person.scores.get(element.id)
                if score is None:
                    cells.append(Text(f" {fmt.DASH}", style="dim"))
                    continue
                colour = level_colour(variables, person.levels.get(element.id))
                cells.append(Text.assemble((f"{score:.2f}", f"{ink} on {colour}"), " "))
            table.add_row(
                f" {fmt.clip(label, name_width - 1):<{name_width - 1}} ", *cells, key=person.respondent
            )
        legend = Text()
        for element in report.elements:
            legend.append(f"{codes[element.id]} ", style="bold")
            legend.append(f"{element.name}  ")
        legend.append("\n")
        for level in LEVELS:
            legend.append(
                f" {level.number} {level.name} ", style=f"{ink} on {level_colour(variables, level.number)}"
            )
            legend.append(" ")
        self.query_one("#heatmap-legend", Static).update(legend)

    def action_back(self) -> None:
        self.app.pop_screen()
