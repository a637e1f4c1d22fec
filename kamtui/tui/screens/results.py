"""Results of an assessment: overall level, element bars, agreement, role gaps, trend and prescription.

The screen is live: every ``refresh_interval`` seconds (2 s) a thread worker re-scores the assessment with
``report_for`` on its own connection, so answers given in another process (a second terminal, the web
form) show up while the results are projected.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker, get_current_worker

from kamtui.core.healthcheck import NO_CONSENSUS, Report
from kamtui.tui import format as fmt
from kamtui.tui.errors import call_ui, describe, guarded
from kamtui.tui.screens.base import KamScreen
from kamtui.tui.themes import level_colour
from kamtui.tui.widgets.score_bar import score_bar

DEFAULT_COMPARE = "default"  # the latest earlier assessment of the same programme
BAR_WIDTH = 10
TOP_GAPS = 5


class ResultsScreen(KamScreen):
    HELP_TITLE = "Results"
    HELP_TEXT = f"""
The assessment scored by the rules in the design: an element's score is the mean over respondents of
their mean rating in it (na and unknown do not count); Overall is the mean of the element scores; the
level is the whole part of a score. Bars are coloured by level.

rwg is the agreement between respondents (1 = all agree); below {NO_CONSENSUS:.2f} it is marked ! (no
consensus). Role columns are each role's mean; the largest perception gaps between roles are listed with
a Mann-Whitney p-value when both roles have 3 or more respondents. Trend compares element by element with
an earlier assessment (by default the previous one of the same programme; c chooses another).
The prescription lists the elements below the target level, largest gap first.

The screen refreshes itself every 2 seconds, so answers given elsewhere appear while it is shown.
"""
    PALETTE = (
        ("Compare with another assessment", "Choose the earlier assessment for the trend (c)", "compare"),
        ("Refresh results now", "Re-score the assessment (r)", "refresh"),
        ("Back", "Back to the previous screen (Esc)", "back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "compare", "Compare with…"),
        Binding("r", "refresh", "Refresh"),
        Binding("escape", "back", "Back", key_display="Esc"),
    ]

    def __init__(self, assessment_id: int, compare: int | str | None = DEFAULT_COMPARE) -> None:
        super().__init__()
        self.assessment_id = assessment_id
        self.compare: int | str | None = compare
        self.report: Report | None = None
        self.compare_title: str | None = None
        self._shown: Any = None
        self._last_error: str | None = None
        self._scoring: Worker | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="results-head"):
            yield Static("", id="results-overall")
            yield Static("", id="results-detail")
        yield DataTable(id="element-table", cursor_type="none")
        with Horizontal(id="results-bottom"):
            with VerticalScroll(id="gaps-panel", classes="panel"):
                yield Static("Agreement and perception gaps", classes="panel-title")
                yield Static("", id="results-gaps")
            with VerticalScroll(id="prescription-panel", classes="panel"):
                yield Static("Prescription", classes="panel-title", id="prescription-title")
                yield Static("", id="results-prescription")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header("Results")
        self.query_one("#element-table", DataTable).loading = True
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self.action_refresh()
        self.set_interval(self.kam.refresh_interval, self._tick)

    def _theme_changed(self, _theme: object) -> None:
        if self.report is not None:
            self._shown = None
            self.show(self.report, self.compare, self.compare_title)

    # -- scoring (thread) -----------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Re-score now (cancelling a scoring still under way)."""
        self._scoring = self.score()

    def _tick(self) -> None:
        """The live refresh: re-score unless the last scoring is still running (a slow one is not restarted
        every 2 s, so it always gets to finish)."""
        if self._scoring is None or self._scoring.is_finished:
            self._scoring = self.score()

    @work(thread=True, exclusive=True, group="results", exit_on_error=False)
    def score(self) -> None:
        from kamtui.store.healthchecks import (
            assessment_title,
            get_assessment,
            last_assessment_of_programme,
            report_for,
        )

        app = self.kam
        worker = get_current_worker()
        try:
            with app.thread_store() as store:
                compare = self.compare
                if compare == DEFAULT_COMPARE:
                    assessment = get_assessment(store, self.assessment_id)
                    compare = last_assessment_of_programme(store, assessment.programme, self.assessment_id)
                report = report_for(store, self.assessment_id, compare=compare)  # type: ignore[arg-type]
                title = None
                if compare is not None:
                    title = assessment_title(store, compare)
        except Exception as error:
            if not worker.is_cancelled:
                self._call(self._failed, error)
            return
        if not worker.is_cancelled:
            self._call(self.show, report, compare, title)

    def _call(self, callback: Any, *args: Any) -> None:
        call_ui(self.app, callback, *args)

    def _failed(self, error: Exception) -> None:
        self.query_one("#element-table", DataTable).loading = False
        _, message = describe(error)
        if message != self._last_error:  # a refresh every 2 s must not repeat the same error
            self._last_error = message
            self.kam.report_error(error)

    # -- drawing --------------------------------------------------------------------------------------

    def show(self, report: Report, compare: int | None, compare_title: str | None) -> None:
        self._last_error = None
        self.query_one("#element-table", DataTable).loading = False
        key = (report.to_json(), compare, compare_title)
        if key == self._shown:
            return
        self._shown = key
        self.report, self.compare, self.compare_title = report, compare, compare_title
        meta = report.meta
        self.set_header(f"Results · {meta.get('title', '')}", meta.get("programme"))
        variables = self.app.theme_variables
        self._show_overall(report, variables)
        self._show_table(report, variables)
        self._show_gaps(report)
        self._show_prescription(report)

    def _show_overall(self, report: Report, variables: dict[str, str]) -> None:
        overall = Text()
        overall.append(
            f"Assessment {report.meta.get('assessment')}: {report.meta.get('title')}   ", style="bold"
        )
        overall.append("Overall ", style="bold")
        overall.append(
            f" {fmt.score(report.overall)} ", style=f"bold reverse {level_colour(variables, report.level)}"
        )
        overall.append(f"  level {fmt.level_label(report.level)}", style="bold")
        self.query_one("#results-overall", Static).update(overall)
        detail = Text()
        detail.append(f"{report.respondents} respondent{'s' if report.respondents != 1 else ''}")
        detail.append(f" · {fmt.percent(report.coverage)} rated")
        if report.meta.get("compare") is not None:
            detail.append(f" · trend {fmt.signed(report.overall_delta)} vs #{report.meta['compare']} ")
            detail.append(fmt.clip(self.compare_title or "", 40))
        else:
            detail.append(" · no earlier assessment to compare with")
        detail.append(" · live", style="bold")
        self.query_one("#results-detail", Static).update(detail)

    def _show_table(self, report: Report, variables: dict[str, str]) -> None:
        table = self.query_one("#element-table", DataTable)
        cursor = table.cursor_row
        roles = sorted({role for e in report.elements for role in e.by_role})
        table.clear(columns=True)
        fixed = BAR_WIDTH + 5 + 11 + 5 + 5 + sum(max(len(r), 4) for r in roles) + 2 * (6 + len(roles)) + 4
        name_width = max(18, min(32, self.app.size.width - fixed))
        table.add_column("Element", key="element", width=name_width)
        table.add_column("", key="bar", width=BAR_WIDTH)
        table.add_column(Text("Score", justify="right"), key="score")
        table.add_column("Level", key="level", width=11)
        table.add_column(Text("rwg", justify="right"), key="rwg")
        table.add_column(Text("Trend", justify="right"), key="trend")
        for role in roles:
            table.add_column(Text(role, justify="right"), key=f"role:{role}")
        track = variables.get("bar-track")
        for element in report.elements:
            colour = level_colour(variables, element.level)
            rwg = fmt.score(element.rwg) + ("!" if element.no_consensus else " ")
            table.add_row(
                fmt.clip(element.name, name_width),
                score_bar(element.score, BAR_WIDTH, colour, track),
                Text(fmt.score(element.score), justify="right"),
                Text(element.level_name or fmt.DASH, style=colour),
                Text(rwg, justify="right", style="bold" if element.no_consensus else ""),
                Text(fmt.signed(element.delta), justify="right"),
                *(Text(fmt.score(element.by_role.get(role)), justify="right") for role in roles),
                key=element.id,
            )
        if 0 < cursor < table.row_count:
            table.move_cursor(row=cursor)

    def _show_gaps(self, report: Report) -> None:
        text = Text()
        flagged = [e for e in report.elements if e.no_consensus]
        if report.respondents < 2:
            text.append("Agreement needs two respondents or more.\n")
        elif flagged:
            text.append(f"No consensus (rwg < {NO_CONSENSUS:.2f}): ", style="bold")
            text.append(", ".join(e.name for e in flagged) + "\n")
        else:
            text.append(f"Respondents agree on every element (rwg ≥ {NO_CONSENSUS:.2f}).\n")
        gaps = sorted(
            ((e, g) for e in report.elements for g in e.gaps), key=lambda item: -abs(item[1].difference)
        )[:TOP_GAPS]
        if gaps:
            text.append("Largest perception gaps between roles:\n", style="bold")
            for element, gap in gaps:
                p = f" (p = {gap.p_value:.3f})" if gap.p_value is not None else ""
                text.append(f"{fmt.signed(gap.difference)} ", style="bold")
                text.append(f"{element.name}: {gap.roles[0]} vs {gap.roles[1]}{p}\n")
        else:
            text.append("No perception gaps: give respondents roles to compare them.\n")
        self.query_one("#results-gaps", Static).update(text)

    def _show_prescription(self, report: Report) -> None:
        self.query_one("#prescription-title", Static).update(
            f"Prescription: target level {report.target}, largest gap first"
        )
        text = Text()
        if report.overall is None:
            text.append("No rated answers yet.")
        elif not report.prescription:
            text.append("Every scored element is at or above the target level.")
        for number, item in enumerate(report.prescription, 1):
            text.append(f"{number}. {item.name}", style="bold")
            text.append(f" ({fmt.score(item.score)}, level {item.level} → {item.level + 1}): ")
            text.append(item.text + "\n")
        self.query_one("#results-prescription", Static).update(text)

    # -- actions --------------------------------------------------------------------------------------

    def action_compare(self) -> None:
        from kamtui.store.healthchecks import assessment_titles
        from kamtui.tui.screens.compare import CompareModal

        rows = assessment_titles(self.kam.store, except_id=self.assessment_id)
        choices = [
            (r["id"], f"#{r['id']} {r['title']}" + (f" · {r['programme']}" if r["programme"] else ""))
            for r in rows
        ]
        if not choices:
            self.notify("There is no other assessment to compare with.", severity="warning")
            return
        current = self.compare if isinstance(self.compare, int) else None
        self.app.push_screen(CompareModal(choices, current), self._compare_chosen)

    @guarded
    def _compare_chosen(self, choice: int | str | None) -> None:
        from kamtui.tui.screens.compare import NO_COMPARISON

        if choice is None:
            return
        self.compare = None if choice == NO_COMPARISON else int(choice)
        self.action_refresh()

    def action_back(self) -> None:
        self.app.pop_screen()
