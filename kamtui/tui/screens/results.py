"""Results of an assessment: overall level, element bars, agreement, role gaps, trend and prescription.

The screen is live: every ``refresh_interval`` seconds (2 s) a thread worker re-scores the assessment with
``kamtui.service.healthcheck.report`` on its own connection, so answers given in another process (a second
terminal, the web form) show up while the results are projected. Enter on an element opens its drill-down
(statements, spread, comments); ``h`` the respondent-by-element heatmap; ``a`` turns the highlighted element
into an action of the plan (``p``), whose earlier actions are listed beside the trend.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker, get_current_worker

from kamtui.core.actions import Action, ActionTrend
from kamtui.core.healthcheck import NO_CONSENSUS, Report, RoleGap
from kamtui.service.healthcheck import PREVIOUS as DEFAULT_COMPARE  # the programme's previous assessment
from kamtui.tui import format as fmt
from kamtui.tui.errors import call_ui, describe, guarded
from kamtui.tui.screens.base import KamScreen
from kamtui.tui.screens.home import RowTable
from kamtui.tui.themes import level_colour
from kamtui.tui.widgets.score_bar import score_bar

BAR_WIDTH = 10
TOP_GAPS = 5
NAME_MIN, NAME_MAX = 12, 60  # the element column (up to its longest name); numbers are never cut, names are
ROLE_MAX = 12  # a role column's header is clipped beyond this (its means are 4 characters)
VISIBLE_ROWS = 15  # the table's rows below its header (app.tcss: max-height 16); more scroll
PANEL_ROWS = 7  # the agreement and prescription panels: 5 lines inside their borders, or more
SMALL_HEIGHT = 30  # below this many rows the head and the table lose their margins (80x24)


class ResultsScreen(KamScreen):
    HELP_TITLE = "Results"
    HELP_TEXT = f"""
The assessment scored as the README describes ("How it is scored"): an element's score is the mean
over respondents of their mean rating in it (na and unknown do not count); Overall is the mean of the
element scores; the level is the whole part of a score. Bars are coloured by level.

rwg is the agreement between respondents (1 = all agree); below {NO_CONSENSUS:.2f} it is marked ! (no
consensus). Role columns are each role's mean; the largest perception gaps between roles are listed with
the higher role and a Mann-Whitney p-value when both roles have 3 or more respondents (exact, or exact over
the tied scores: permutation), adjusted for the number of gaps (Benjamini-Hochberg). Trend compares element
by element with an earlier assessment (by default the previous one of the same programme; c chooses
another), and lists that assessment's actions beside their element's trend.
The prescription lists the elements below the target level, largest gap first: a turns the highlighted
element into an action, p opens the action plan. Enter opens an element: its statements, the spread of the
answers and the comments; h shows every respondent's element scores.

The screen refreshes itself every 2 seconds, so answers given elsewhere appear while it is shown.
"""
    PALETTE = (
        (
            "Open the element",
            "Statements, spread, agreement, comments of the highlighted element (Enter)",
            "element",
        ),
        ("Heatmap", "Every respondent's element scores, coloured by level (h)", "heatmap"),
        (
            "Turn into an action",
            "An action on the highlighted element, from its prescription (a)",
            "add_action",
        ),
        ("Action plan", "The actions of this assessment: status, owner, due date (p)", "plan"),
        ("Compare with another assessment", "Choose the earlier assessment for the trend (c)", "compare"),
        ("Refresh results now", "Re-score the assessment (r)", "refresh"),
        ("Join link", "The join link and QR code for participants, to project (j)", "join"),
        ("Back", "Back to the previous screen (Esc)", "back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "element", "Element", id="kam.results.element"),
        Binding("h", "heatmap", "Heatmap", id="kam.results.heatmap"),
        Binding("a", "add_action", "Action", id="kam.results.action"),
        Binding("p", "plan", "Plan", id="kam.results.plan"),
        Binding("c", "compare", "Compare with…"),
        Binding("r", "refresh", "Refresh", show=False),  # the screen refreshes itself; F1 lists the key
        Binding("j", "join", "Join link", id="kam.results.join"),
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
        self._seen_version: int | None = None  # the database's data version the shown report was read at
        self.trend_off = compare is None  # the person chose no comparison (not: none was found)
        self.plan: PlanView = PlanView()

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="results-head"):
            yield Static("", id="results-overall")
            yield Static("", id="results-detail")
        yield RowTable(id="element-table", cursor_type="row", fixed_columns=1)  # names stay when scrolling
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
        table = self.query_one("#element-table", DataTable)
        table.focus()  # now, not when the scores arrive: the footer's keys then never change under the eye
        table.loading = True
        self.app.theme_changed_signal.subscribe(self, self._theme_changed)
        self.action_refresh()
        self.set_interval(self.kam.refresh_interval, self._tick)

    def _theme_changed(self, _theme: object) -> None:
        if self.report is not None:
            self._shown = None
            self.show(self.report, self.compare, self.compare_title, self.plan)

    def on_resize(self) -> None:
        """Lay the table out again for the new width (the numbers stay whole, the names are clipped), once
        the table has its new size."""
        self.set_class(self.size.height < SMALL_HEIGHT, "small")
        self.call_after_refresh(self._relayout)

    def _relayout(self) -> None:
        if self.report is not None:
            self._show_table(self.report, self.app.theme_variables)

    # -- scoring (thread) -----------------------------------------------------------------------------

    def action_refresh(self) -> None:
        """Re-score now (cancelling a scoring still under way)."""
        self._scoring = self.score()

    def _tick(self) -> None:
        """The live refresh: re-score when another connection committed since the last scoring (a cheap
        ``PRAGMA data_version``: nothing is read when nothing changed), unless the last scoring is still
        running (a slow one is not restarted every 2 s, so it always gets to finish)."""
        from kamtui.service.database import data_version

        if self._scoring is not None and not self._scoring.is_finished:
            return
        version = data_version(self.kam.store)
        if version == self._seen_version and self.report is not None:
            return
        self._seen_version = version
        self._scoring = self.score()

    @work(thread=True, exclusive=True, group="results", exit_on_error=False)
    def score(self) -> None:
        from kamtui.service import actions
        from kamtui.service import healthcheck as service

        app = self.kam
        worker = get_current_worker()
        try:
            with app.thread_store() as store:
                compare = service.resolve_compare(store, self.assessment_id, self.compare)  # type: ignore[arg-type]
                report = service.report(store, self.assessment_id, compare=compare)
                title = service.assessment_title(store, compare) if compare is not None else None
                plan = PlanView(
                    tuple(actions.list_actions(store, self.assessment_id)),
                    tuple(actions.beside_trend(store, report)),
                    len(actions.to_carry(store, self.assessment_id).actions),
                )
        except Exception as error:
            if not worker.is_cancelled:
                self._call(self._failed, error)
            return
        if not worker.is_cancelled:
            self._call(self.show, report, compare, title, plan)

    def _call(self, callback: Any, *args: Any) -> None:
        call_ui(self.app, callback, *args)

    def _failed(self, error: Exception) -> None:
        self.loaded(self.query_one("#element-table", DataTable))
        _, message = describe(error)
        if message != self._last_error:  # a refresh every 2 s must not repeat the same error
            self._last_error = message
            self.kam.report_error(error)

    # -- drawing --------------------------------------------------------------------------------------

    def show(
        self, report: Report, compare: int | None, compare_title: str | None, plan: PlanView | None = None
    ) -> None:
        self._last_error = None
        self.loaded(self.query_one("#element-table", DataTable))
        plan = plan or PlanView()
        key = (report.to_json(), compare, compare_title, plan)
        if key == self._shown:
            return
        self._shown = key
        self.report, self.compare, self.compare_title, self.plan = report, compare, compare_title, plan
        meta = report.meta
        self.set_header(f"Results · {meta.get('title', '')}", meta.get("programme"))
        variables = self.app.theme_variables
        self._show_overall(report, variables)
        self._show_table(report, variables)
        self._show_gaps(report)
        self._show_prescription(report)

    def _show_overall(self, report: Report, variables: dict[str, str]) -> None:
        overall = Text(no_wrap=True, overflow="ellipsis")  # one line each: the header has the title too
        overall.append("Overall ", style="bold")
        overall.append(
            f" {fmt.score(report.overall)} ", style=f"bold reverse {level_colour(variables, report.level)}"
        )
        overall.append(f"  level {fmt.level_label(report.level)}", style="bold")
        overall.append(
            f"   Assessment {report.meta.get('assessment')}: {report.meta.get('title')}", style="bold"
        )
        self.query_one("#results-overall", Static).update(overall)
        detail = Text(no_wrap=True, overflow="ellipsis")
        detail.append(progress_words(report.respondents, report.progress, report.coverage))
        if report.meta.get("compare") is not None:
            detail.append(f" · trend {fmt.signed(report.overall_delta)} vs #{report.meta['compare']} ")
            detail.append(fmt.clip(self.compare_title or "", 40))
        elif self.trend_off:
            detail.append(" · no comparison (c to choose one)")
        else:
            detail.append(" · no earlier assessment to compare with")
        detail.append(" · live", style="bold")
        self.query_one("#results-detail", Static).update(detail)

    def _show_table(self, report: Report, variables: dict[str, str]) -> None:
        table = self.query_one("#element-table", DataTable)
        cursor = table.cursor_row
        roles = sorted({role for e in report.elements for role in e.by_role})
        width = table.size.width or max(0, (self.size.width or self.app.size.width) - 2)
        longest = max((len(e.name) for e in report.elements), default=NAME_MIN)
        layout = table_layout(width, roles, len(report.elements), longest)
        table.clear(columns=True)
        table.add_column("Element", key="element", width=layout.name)
        if layout.bar:
            table.add_column("", key="bar", width=layout.bar)
        table.add_column(Text("Score", justify="right"), key="score", width=5)
        table.add_column("Level", key="level", width=11)
        table.add_column(Text("rwg"), key="rwg", width=5)  # left, as its values: "0.68!" over "0.80 "
        table.add_column(Text("Trend", justify="right"), key="trend", width=5)
        for role in roles:
            width = layout.roles[role]
            table.add_column(Text(fmt.clip(role, width), justify="right"), key=f"role:{role}", width=width)
        track = variables.get("bar-track")
        for element in report.elements:
            colour = level_colour(variables, element.level)
            rwg = fmt.score(element.rwg) + ("!" if element.no_consensus else " ")  # left: no space stripped
            bar = [score_bar(element.score, layout.bar, colour, track)] if layout.bar else []
            table.add_row(
                fmt.clip(element.name, layout.name),
                *bar,
                Text(fmt.score(element.score), justify="right"),
                Text(element.level_name or fmt.DASH, style=colour),
                Text(rwg, justify="left", style="bold" if element.no_consensus else ""),
                Text(fmt.signed(element.delta), justify="right"),
                *(Text(fmt.score(element.by_role.get(role)), justify="right") for role in roles),
                key=element.id,
            )
        if 0 < cursor < table.row_count:
            table.move_cursor(row=cursor)
        self._fit_table(len(report.elements))
        if not table.size.width:  # laid out for a guessed width: again once the table has its own
            self.call_after_refresh(self._fit_width, width)

    def _fit_width(self, guessed: int) -> None:
        table = self.query_one("#element-table", DataTable)
        if self.report is not None and table.size.width and table.size.width != guessed:
            self._show_table(self.report, self.app.theme_variables)

    def _fit_table(self, rows: int) -> None:
        """The table as tall as its rows (VISIBLE_ROWS at most), leaving the two panels PANEL_ROWS rows:
        the screen itself never scrolls (80x24 included, in either theme)."""
        table = self.query_one("#element-table", DataTable)
        sideways = 2 if table.virtual_size.width > table.size.width > 0 else 0  # a horizontal scrollbar
        head = self.query_one("#results-head")
        head_rows = head.outer_size.height or 3
        height = self.size.height or self.app.size.height
        room = height - 2 - head_rows - head.styles.margin.top * (head.outer_size.height == 0)
        room -= table.styles.margin.top + PANEL_ROWS  # header and footer: 2
        table.styles.max_height = max(5, min(min(VISIBLE_ROWS, rows) + 1 + sideways, room))

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
                text.append(f"{abs(gap.difference):.2f} ", style="bold")
                text.append(f"{element.name}: {gap_words(gap)}\n")
        else:
            text.append("No perception gaps: give respondents roles to compare them.\n")
        if report.meta.get("anonymous"):
            text.append(
                f"Anonymous: roles with fewer than {report.meta.get('min_group')} respondents are not shown.\n",
                style="italic",
            )
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
        planned: dict[str, list[Action]] = {}
        for action in self.plan.actions:
            planned.setdefault(action.element, []).append(action)
        for number, item in enumerate(report.prescription, 1):
            text.append(f"{number}. {item.name}", style="bold")
            text.append(f" ({fmt.score(item.score)}, level {item.level} → {item.level + 1}): ")
            text.append(item.text)
            for action in planned.get(item.element, []):
                text.append(f" [action #{action.id}: {action.status}]", style="bold")
            text.append("\n")
        if self.plan.earlier:
            text.append(
                f"\nActions of #{report.meta.get('compare')}, beside the trend since:\n", style="bold"
            )
            for row in self.plan.earlier:
                text.append(f"{fmt.signed(row.delta)} ", style="bold")
                text.append(f"{row.name}: {row.action.text} ")
                text.append(f"({row.action.status}, {row.action.owner or fmt.DASH})\n")
        if self.plan.to_carry:
            text.append(
                f"\n{self.plan.to_carry} unfinished action{'s' if self.plan.to_carry != 1 else ''} of the "
                "previous assessment: p opens the plan to carry them over.\n",
                style="italic",
            )
        self.query_one("#results-prescription", Static).update(text)

    # -- actions --------------------------------------------------------------------------------------

    def action_compare(self) -> None:
        from kamtui.service.healthcheck import compare_choices
        from kamtui.tui.screens.compare import CompareModal

        rows = compare_choices(self.kam.store, self.assessment_id)
        choices = [
            (r["id"], f"#{r['id']} {r['title']}" + (f" · {r['programme']}" if r["programme"] else ""))
            for r in rows
        ]
        if not choices:
            self.notify("There is no earlier assessment to compare with.", severity="warning")
            return
        current = self.compare if isinstance(self.compare, int) else None
        self.app.push_screen(CompareModal(choices, current), self._compare_chosen)

    @guarded
    def _compare_chosen(self, choice: int | str | None) -> None:
        from kamtui.tui.screens.compare import NO_COMPARISON

        if choice is None:
            return
        self.compare = None if choice == NO_COMPARISON else int(choice)
        self.trend_off = self.compare is None
        self.action_refresh()

    def highlighted_element(self) -> str | None:
        table = self.query_one("#element-table", DataTable)
        if self.report is None or table.row_count == 0:
            return None
        index = table.cursor_row
        return self.report.elements[index].id if 0 <= index < len(self.report.elements) else None

    @on(DataTable.RowSelected, "#element-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_element()

    def action_element(self) -> None:
        """The highlighted element's drill-down."""
        from kamtui.tui.screens.element import ElementScreen

        element = self.highlighted_element()
        if element is None:
            self.notify("No results yet.", severity="warning")
            return
        compare = self.compare if isinstance(self.compare, int) else None
        self.app.push_screen(ElementScreen(self.assessment_id, element, compare))

    def action_heatmap(self) -> None:
        from kamtui.tui.screens.heatmap import HeatmapScreen

        self.app.push_screen(HeatmapScreen(self.assessment_id))

    def action_add_action(self) -> None:
        """Turn the highlighted element into an action (its text starts as the next-level prescription)."""
        from kamtui.tui.screens.actions import new_action

        element = self.highlighted_element()
        if element is None:
            self.notify("No results yet.", severity="warning")
            return
        new_action(self, self.assessment_id, element, then=self.action_refresh)

    def action_plan(self) -> None:
        from kamtui.tui.screens.actions import ActionsScreen

        self.app.push_screen(ActionsScreen(self.assessment_id))

    def on_screen_resume(self) -> None:
        if self.report is not None:
            self.action_refresh()  # an action added or changed on another screen

    def action_join(self) -> None:
        from kamtui.tui.screens.join import JoinScreen

        self.app.push_screen(JoinScreen(self.assessment_id))

    def action_back(self) -> None:
        self.app.pop_screen()


@dataclass(frozen=True)
class PlanView:
    """The action plan beside the results: this assessment's actions, the compared assessment's actions
    beside their element's trend, and how many unfinished ones of the previous assessment wait to carry."""

    actions: tuple[Action, ...] = ()
    earlier: tuple[ActionTrend, ...] = ()
    to_carry: int = 0


@dataclass(frozen=True)
class TableLayout:
    name: int
    bar: int  # 0: no bar column
    roles: dict[str, int]


FIXED_COLUMNS = 5 + 11 + 5 + 5  # Score, Level, rwg ("0.68!"), Trend ("+0.41"): never narrower


def table_layout(width: int, roles: list[str], rows: int = 0, longest: int = NAME_MAX) -> TableLayout:
    """Column widths that fit a table ``width`` cells wide: every number whole; the bar goes first, then
    the element names are clipped (to NAME_MIN), then the role headers (to 5 characters). Names get up
    to ``longest`` characters (the longest element name) when the table is wide."""
    name_max = max(NAME_MIN, min(NAME_MAX, longest))
    cells = 2  # DataTable pads each cell by one on either side
    avail = width - (2 if rows > VISIBLE_ROWS else 0)  # the table's own scrollbar when it scrolls
    role_widths = {role: max(4, min(len(role), ROLE_MAX)) for role in roles}
    fixed = FIXED_COLUMNS + cells * 5 + sum(w + cells for w in role_widths.values())  # and the name's cells
    name = avail - fixed - (BAR_WIDTH + cells)
    if name >= 18:
        return TableLayout(min(name_max, name), BAR_WIDTH, role_widths)
    name = avail - fixed
    for role in sorted(role_widths, key=lambda r: -role_widths[r]):
        if name >= NAME_MIN:
            break
        spare = role_widths[role] - max(4, min(5, len(role)))
        taken = min(spare, NAME_MIN - name)
        role_widths[role] -= taken
        name += taken
    return TableLayout(max(NAME_MIN, min(name_max, name)), 0, role_widths)


def progress_words(respondents: int, progress: float, rated: float) -> str:
    """``6 respondents · progress 100% · rated 95%``: Home's columns Resp., Progress and Rated, in words."""
    return (
        f"{respondents} respondent{'s' if respondents != 1 else ''} · progress {fmt.percent(progress)}"
        f" · rated {fmt.percent(rated)}"
    )


def gap_words(gap: RoleGap) -> str:
    """``Leadership higher than KAM (p = 0.100, adjusted 0.300, exact)``."""
    if gap.higher is None:
        said = f"{gap.roles[0]} and {gap.roles[1]} equal"
    else:
        said = f"{gap.higher} higher than {gap.lower}"
    if gap.p_value is None:
        return said
    return f"{said} (p = {gap.p_value:.3f}, adjusted {gap.p_adjusted:.3f}, {gap.method})"
