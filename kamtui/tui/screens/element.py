"""The drill-down of one element (Enter on Results): its statements, the spread of the answers, agreement,
role means and the comments, so a workshop can ask "which statements do we disagree on, and why?".

Statements without consensus come first. Everything on this screen comes from the assessment's report
(``kamtui.service.healthcheck.report``): a confidential assessment's report leaves out what it must (role
means below the minimum group size, the names beside comments), and this screen shows what it is given.
Enter on a statement shows its comments in full; ``a`` turns the element into an action.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, Static

from kamtui.core.actions import Action, ActionTrend
from kamtui.core.healthcheck import NO_CONSENSUS, SPREAD_KEYS, AnswerComment, IndicatorResult, Report
from kamtui.core.levels import level_name, level_of
from kamtui.tui import format as fmt
from kamtui.tui.errors import call_ui, reported
from kamtui.tui.screens.base import KamScreen
from kamtui.tui.themes import level_colour

BLOCKS = " ▁▂▃▄▅▆▇█"
SPREAD_HEADER = "12345 n?"  # one character per count: levels 1-5, then na and unknown


def spread_text(spread: dict[str, int], variables: dict[str, str]) -> Text:
    """The answers to a statement as a small histogram: a bar per level 1-5 (in its colour), then na and
    unknown (grey); an empty count is a dot."""
    peak = max([1, *spread.values()])
    text = Text(no_wrap=True)
    for position, key in enumerate(SPREAD_KEYS):
        if position == 5:
            text.append(" ")
        count = spread.get(key, 0)
        char = "·" if count == 0 else BLOCKS[max(1, math.ceil(count / peak * 8))]
        colour = level_colour(variables, int(key)) if key.isdigit() else variables.get("bar-track", "grey50")
        text.append(char, style=colour if count else "dim")
    return text


def spread_words(spread: dict[str, int]) -> str:
    """``1 Ad hoc 0 · 2 Awareness 1 · ... · na 0 · unknown 1``."""
    parts = [f"{key} {level_name(int(key))} {spread.get(key, 0)}" for key in SPREAD_KEYS[:5]]
    parts += [f"{key} {spread.get(key, 0)}" for key in SPREAD_KEYS[5:]]
    return " · ".join(parts)


def who_said(comment: AnswerComment, anonymous: bool) -> str:
    """The attribution of a comment: name and role, the role alone, or nothing (as the report gives it)."""
    parts = [] if anonymous else [comment.respondent]
    parts.append(comment.role)
    return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class ElementData:
    report: Report
    actions: tuple[Action, ...]
    earlier: tuple[ActionTrend, ...]


class ElementScreen(KamScreen):
    HELP_TITLE = "Element"
    HELP_TEXT = f"""
One element of the assessment, statement by statement: those without consensus (rwg below
{NO_CONSENSUS:.2f}) first, the least agreed first. Mean is the statement's mean rating; Spread is a small
histogram of the answers, one bar per level 1 to 5 in its colour, then na and ? (unknown); rwg the
agreement on the statement. Role columns are each role's mean rating (only the roles the results show).

The line on top gives the element's score and level, rwg on the element scores and rwg(j), the agreement
over all its statements (James, Demaree & Wolf). Enter on a statement shows it with its comments in full.
a turns the element into an action (the text starts as its next-level prescription); the actions on the
element are listed beside the comments, with those of the earlier assessment and the trend since.
"""
    PALETTE = (
        ("Comments of the statement", "The highlighted statement with all its comments (Enter)", "statement"),
        ("Turn into an action", "An action on this element, from its prescription (a)", "add_action"),
        ("Refresh", "Read the answers again (r)", "refresh"),
        ("Back", "Back to the results (Esc)", "back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "statement", "Comments", id="kam.element.statement"),
        Binding("a", "add_action", "Action", id="kam.element.action"),
        Binding("r", "refresh", "Refresh"),
        Binding("escape", "back", "Back", key_display="Esc"),
    ]

    def __init__(self, assessment_id: int, element_id: str, compare: int | None = None) -> None:
        super().__init__()
        self.assessment_id = assessment_id
        self.element_id = element_id
        self.compare = compare
        self.data: ElementData | None = None
        self.statements: list[IndicatorResult] = []
        self._seen_version: int | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="element-head"):
            yield Static("", id="element-summary")
            yield Static("", id="element-roles")
        yield DataTable(id="statement-table", cursor_type="row", zebra_stripes=True)
        with Horizontal(id="element-bottom"):
            with VerticalScroll(id="element-comments-panel", classes="panel"):
                yield Static("Comments", classes="panel-title")
                yield Static("", id="element-comments")
            with VerticalScroll(id="element-actions-panel", classes="panel"):
                yield Static("Actions", classes="panel-title")
                yield Static("", id="element-actions")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header("Element")
        self.query_one("#statement-table", DataTable).loading = True
        self.load()
        self.set_interval(self.kam.refresh_interval, self._tick)

    def on_screen_resume(self) -> None:
        if self.data is not None:
            self.load()

    def on_resize(self) -> None:
        if self.data is not None:
            self.show(self.data, force=True)

    def _tick(self) -> None:
        from kamtui.service.database import data_version

        version = data_version(self.kam.store)
        if version != self._seen_version and self.data is not None:
            self._seen_version = version
            self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="element", exit_on_error=False)
    def load(self) -> None:
        from kamtui.service import actions
        from kamtui.service import healthcheck as service

        app = self.kam
        try:
            with reported(app), app.thread_store() as store:
                report = service.report(store, self.assessment_id, compare=self.compare)
                mine = tuple(
                    a for a in actions.list_actions(store, self.assessment_id) if a.element == self.element_id
                )
                earlier = tuple(
                    t for t in actions.beside_trend(store, report) if t.action.element == self.element_id
                )
                app.call_from_thread(self.show, ElementData(report, mine, earlier))
        finally:
            call_ui(app, self._loaded)

    def _loaded(self) -> None:
        table = self.query_one("#statement-table", DataTable)
        self.loaded(table)
        if not isinstance(self.focused, DataTable):
            table.focus()

    # -- drawing --------------------------------------------------------------------------------------

    def show(self, data: ElementData, force: bool = False) -> None:
        from kamtui.core.healthcheck import element_comments, element_statements

        if not force and self.data is not None and data == self.data:
            return
        self.data = data
        report = data.report
        element = report.element(self.element_id)
        if element is None:
            self.query_one("#element-summary", Static).update(
                f"No element '{self.element_id}' in this survey."
            )
            return
        variables = self.app.theme_variables
        self.set_header(f"Element · {element.name}", report.meta.get("title"))
        summary = Text()
        summary.append(f"{element.name}  ", style="bold")
        colour = level_colour(variables, element.level)
        summary.append(f" {fmt.score(element.score)} ", style=f"bold reverse {colour}")
        summary.append(f"  level {fmt.level_label(element.level)}", style="bold")
        summary.append(f" · rwg {fmt.score(element.rwg)}{'!' if element.no_consensus else ''}")
        summary.append(f" · rwg(j) {fmt.score(element.rwg_j)}")
        summary.append(f" · {element.n} scored · rated {fmt.percent(element.coverage)}")
        if element.delta is not None:
            summary.append(f" · trend {fmt.signed(element.delta)} vs #{report.meta.get('compare')}")
        self.query_one("#element-summary", Static).update(summary)
        self.query_one("#element-roles", Static).update(self._roles_text(element))
        self.statements = element_statements(report, self.element_id)
        self._show_table(report, list(element.by_role), variables)
        self._show_comments(element_comments(report, self.element_id), self._anonymous(report))
        self._show_actions(data)

    @staticmethod
    def _anonymous(report: Report) -> bool:
        return bool(report.meta.get("anonymous"))

    @staticmethod
    def _roles_text(element) -> Text:
        from kamtui.tui.screens.results import gap_words

        text = Text()
        if element.by_role:
            text.append("Roles: ", style="bold")
            text.append(" · ".join(f"{role} {fmt.score(value)}" for role, value in element.by_role.items()))
        for gap in element.gaps[:2]:
            text.append(f"\nGap {abs(gap.difference):.2f}: {gap_words(gap)}")
        return text

    def _show_table(self, report: Report, roles: list[str], variables: dict[str, str]) -> None:
        table = self.query_one("#statement-table", DataTable)
        cursor = table.cursor_row
        texts = {ind.id: ind.text for ind in report.survey.indicators}
        id_width = max([2, *(len(s.id) for s in self.statements)])
        role_width = {r: max(4, min(len(r), 10)) for r in roles}
        fixed = id_width + 4 + len(SPREAD_HEADER) + 5 + sum(role_width.values()) + 2 * (5 + len(roles)) + 4
        free = (self.size.width or self.app.size.width) - fixed
        if free < 24:  # role headers shrink before the statements do
            role_width = {r: max(4, min(len(r), 5)) for r in roles}
            free += sum(max(4, min(len(r), 10)) - w for r, w in role_width.items())
        text_width = max(16, free)
        table.clear(columns=True)
        table.add_column("Id", key="id", width=id_width)
        table.add_column("Statement", key="text", width=text_width)
        table.add_column(Text("Mean", justify="right"), key="mean", width=4)
        table.add_column(SPREAD_HEADER, key="spread", width=len(SPREAD_HEADER))
        table.add_column(Text("rwg"), key="rwg", width=5)  # left, as its values: "0.68!" over "0.80 "
        for role in roles:
            table.add_column(
                Text(fmt.clip(role, role_width[role]), justify="right"),
                key=f"role:{role}",
                width=role_width[role],
            )
        for result in self.statements:
            rwg = fmt.score(result.rwg) + ("!" if result.no_consensus else " ")
            table.add_row(
                result.id,
                fmt.clip(texts.get(result.id, ""), text_width),
                Text(
                    fmt.score(result.mean),
                    justify="right",
                    style=level_colour(variables, level_of(result.mean)),
                ),
                spread_text(result.spread, variables),
                Text(rwg, justify="left", style="bold" if result.no_consensus else ""),
                *(Text(fmt.score(result.by_role.get(role)), justify="right") for role in roles),
                key=result.id,
            )
        if 0 < cursor < table.row_count:
            table.move_cursor(row=cursor)

    def _show_comments(self, comments: list[AnswerComment], anonymous: bool) -> None:
        text = Text()
        if not comments:
            text.append("No comments on this element.")
        for comment in comments:
            text.append(f"{comment.indicator} ", style="bold")
            who = who_said(comment, anonymous)
            if who:
                text.append(f"{who}: ", style="italic")
            text.append(f"{comment.text}\n")
        self.query_one("#element-comments", Static).update(text)

    def _show_actions(self, data: ElementData) -> None:
        text = Text()
        if not data.actions:
            text.append("No action on this element yet: a turns it into one.\n")
        for action in data.actions:
            text.append(f"#{action.id} {action.status}", style="bold")
            text.append(f" · {action.owner or fmt.DASH} · due {action.due or fmt.DASH}: {action.text}\n")
        if data.earlier:
            text.append(f"\nActions of #{data.report.meta.get('compare')}, trend since:\n", style="bold")
            for row in data.earlier:
                text.append(f"{fmt.signed(row.delta)} ", style="bold")
                text.append(f"{row.action.text} ({row.action.status}, {row.action.owner or fmt.DASH})\n")
        self.query_one("#element-actions", Static).update(text)

    # -- actions --------------------------------------------------------------------------------------

    def highlighted(self) -> IndicatorResult | None:
        table = self.query_one("#statement-table", DataTable)
        index = table.cursor_row
        return self.statements[index] if self.statements and 0 <= index < len(self.statements) else None

    @on(DataTable.RowSelected, "#statement-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_statement()

    def action_statement(self) -> None:
        """The highlighted statement with its spread, role means and every comment in full."""
        from kamtui.core.healthcheck import statement_comments

        result = self.highlighted()
        if result is None or self.data is None:
            return
        report = self.data.report
        element = report.element(self.element_id)
        roles = list(element.by_role) if element is not None else []
        indicator = report.survey.indicator(result.id)
        self.app.push_screen(
            StatementModal(
                result,
                indicator.text if indicator else "",
                statement_comments(report, result.id),
                roles,
                self._anonymous(report),
            )
        )

    def action_add_action(self) -> None:
        from kamtui.tui.screens.actions import new_action

        new_action(self, self.assessment_id, self.element_id, then=self.load)

    def action_back(self) -> None:
        self.app.pop_screen()


class StatementModal(ModalScreen[None]):
    """One statement: its numbers and all its comments in full. Esc or Enter closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,enter", "close", "Close", key_display="Esc")]

    def __init__(
        self,
        result: IndicatorResult,
        text: str,
        comments: list[AnswerComment],
        roles: list[str],
        anonymous: bool,
    ) -> None:
        super().__init__()
        self.result = result
        self.text = text
        self.comments = comments
        self.roles = roles
        self.anonymous = anonymous

    def compose(self) -> ComposeResult:
        r = self.result
        numbers = f"mean {fmt.score(r.mean)} · {r.n} rated · rwg {fmt.score(r.rwg)}"
        if r.no_consensus:
            numbers += " (no consensus)"
        roles = " · ".join(
            f"{role} {fmt.score(r.by_role.get(role))}" for role in self.roles if role in r.by_role
        )
        body = Text()
        if not self.comments:
            body.append("No comments on this statement.")
        for comment in self.comments:
            who = who_said(comment, self.anonymous)
            answer = f" [{comment.answer}]" if comment.answer else ""
            body.append(f"{who or 'A respondent'}{answer}:", style="bold")
            body.append(f" {comment.text}\n\n")
        with Vertical(id="statement-dialog", classes="dialog"):
            yield Static(f"{r.id}: {numbers}", classes="dialog-title", markup=False)
            yield Static(self.text, classes="dialog-text", markup=False)
            yield Static(f"Answers: {spread_words(r.spread)}", classes="dialog-text", markup=False)
            if roles:
                yield Static(f"Roles: {roles}", classes="dialog-text", markup=False)
            with VerticalScroll(id="statement-comments"):
                yield Static(body, id="statement-comments-text")
            yield Static("Esc closes", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
