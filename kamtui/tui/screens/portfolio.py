"""The portfolio: accounts on the attractiveness x strength matrix, with the ranking beside it.

The list on the left is the ranking (same weights and limits as the Ranking screen, and the same cursor:
the account highlighted there is highlighted here); moving through it highlights the account on the plot.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Static

from kamtui.tui.errors import call_ui, reported
from kamtui.tui.screens.base import KamScreen
from kamtui.tui.selection_session import View, load_selection, view_of_ranking
from kamtui.tui.widgets.portfolio_plot import Point, PortfolioPlot
from kamtui.tui.widgets.ranking_table import RankingTable


class PortfolioScreen(KamScreen):
    HELP_TITLE = "Portfolio"
    HELP_TEXT = """
Each account placed by its strength (x, 0-10: how well placed we are) and its attractiveness (y, 0-10:
what the customer could be worth to us), with lines at the criteria set's thresholds: Strategic (top
right: invest), Star (top left: build the position), Status (bottom right: maintain efficiently) and
Streamline (bottom left: serve at low cost). Markers carry the account's rank; selected accounts are
bold green ●, the highlighted one ◆ with its name. Up/down in the list moves the highlight (the same
cursor as on the Ranking screen). Labels never cover a marker, another label or a quadrant name: where
points crowd, a label with no free place is left out (the list names every account). Accounts without
both group scores cannot be placed and are counted below the plot.
"""
    PALETTE = (("Back", "Back to the previous screen (Esc)", "back"),)
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("k", "app.ranking", "Ranking", id="kam.portfolio.ranking"),
        Binding("w", "app.weights", "Weights", id="kam.portfolio.weights"),
        Binding("escape", "back", "Back", key_display="Esc", id="kam.portfolio.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.view: View | None = None
        self._legend_text: Text | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="portfolio-body"):
            yield RankingTable(compact=True, id="portfolio-list")
            with Vertical(id="portfolio-side"):
                yield PortfolioPlot(id="portfolio-plot")
                yield Static("", id="portfolio-legend")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header("Portfolio")
        self.query_one("#portfolio-legend", Static).styles.height = "auto"  # as many lines as it needs
        self.query_one(RankingTable).focus()

    def on_screen_resume(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()

    @work(thread=True, exclusive=True, group="portfolio-load", exit_on_error=False)
    def load(self) -> None:
        from kamtui.service.ranking import rank

        app = self.kam
        params = replace(app.selection.limits.params(), samples=0)
        with reported(app), app.thread_store() as store:
            criteria, matrix, points = load_selection(store)
            ranking = rank(store, criteria, params, points=points, matrix=matrix)
            thresholds = (criteria.thresholds.strength, criteria.thresholds.attractiveness)
            call_ui(app, self._show, view_of_ranking(ranking, matrix.names), thresholds, criteria.title)

    def _show(self, view: View, thresholds: tuple[float, float], title: str) -> None:
        self.view = view
        self.set_header("Portfolio", title)
        session = self.kam.selection
        table = self.query_one(RankingTable)
        table.message = "No accounts yet."
        table.show(view, keep=session.highlighted)
        points = [
            Point(r.account, str(r.rank), r.strength, r.attractiveness, bool(r.selected))
            for r in view.rows
            if r.strength is not None and r.attractiveness is not None
        ]
        plot = self.query_one(PortfolioPlot)
        plot.show(points, thresholds, unplaced=len(view.rows) - len(points))
        plot.highlight(table.highlighted)
        session.highlighted = table.highlighted
        self._legend()

    def legend_items(self) -> list[Text]:
        """The legend, item by item (each kept whole on one line)."""
        if self.view is None:
            return []
        v = self.app.theme_variables
        plot = self.query_one(PortfolioPlot)
        selected = Text("● ", style=f"bold {v.get('level-green', 'green')}")
        selected.append(f"selected ({sum(1 for r in self.view.rows if r.selected)})", style="")
        highlighted = Text("◆", style="reverse")
        highlighted.append(" highlighted")
        # nothing here depends on the plot's size (which the legend's height sets): no feedback loop
        items = [selected, Text("· other"), highlighted, Text("labels are ranks")]
        if plot.unplaced:
            items.append(Text(f"{plot.unplaced} without both group scores not shown", style="italic"))
        return items

    def _legend(self) -> None:
        """The legend packed into as many lines as the side panel's width needs (never cut)."""
        legend = self.query_one("#portfolio-legend", Static)
        # from the terminal's width, not the legend's own: a width read back from the layout would move
        # with a scrollbar that the legend's height itself brings or takes away (a feedback loop)
        listed = self.query_one(RankingTable).outer_size.width or 34
        width = max(20, self.app.size.width - listed - 1)
        text = Text()
        used = 0
        for item in self.legend_items():
            size = item.cell_len
            if used and used + 2 + size > width:
                text.append("\n")
                used = 0
            elif used:
                text.append("  ")
                used += 2
            text.append_text(item)
            used += size
        if text != self._legend_text:  # an unchanged legend is not laid out again
            self._legend_text = text
            legend.update(text)

    def on_resize(self) -> None:
        self._legend()

    @on(RankingTable.Highlighted, "#portfolio-list")
    def _highlighted(self, event: RankingTable.Highlighted) -> None:
        self.kam.selection.highlighted = event.account
        self.query_one(PortfolioPlot).highlight(event.account)
