"""The action plan of an assessment (``p`` on Results): every action with its element, status, owner and
due date; ``s`` moves an action to its next status, Enter edits it, ``n`` adds one, ``c`` carries the
unfinished actions of the programme's previous assessment over (README, "Action plan").

:func:`new_action` is the dialog Results and the element screen use to turn an element into an action.
Every value is checked by ``kamtui.service.actions``; a refused one keeps the dialog open with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from kamtui.core.actions import ACTION_STATUSES, Action, ActionTrend
from kamtui.core.errors import KamError
from kamtui.tui import format as fmt
from kamtui.tui.errors import call_ui, describe, reported
from kamtui.tui.screens.base import KamScreen


@dataclass(frozen=True)
class ActionInput:
    element: str
    text: str
    owner: str
    due: str
    status: str


def new_action(screen: KamScreen, assessment_id: int, element: str | None, then: Callable[[], Any]) -> None:
    """Open the dialog for a new action on ``element`` (its text starts as the element's next-level
    prescription) and add it when the person saves."""
    from kamtui.service import actions
    from kamtui.service.healthcheck import get_assessment

    app = screen.kam
    survey = get_assessment(app.store, assessment_id).survey
    choices = [(e.name, e.id) for e in survey.elements]
    element = element or choices[0][1]

    def suggest(element_id: str) -> str:
        try:
            return actions.suggested_text(app.store, assessment_id, element_id)
        except KamError:
            return ""  # level 5: nothing to prescribe, the person writes the action

    def save(values: ActionInput) -> Action:
        return actions.add_action(
            app.store, assessment_id, values.element, values.owner, values.due, values.text
        )

    def done(saved: Action | None) -> None:
        if saved is not None:
            screen.notify(f"Action #{saved.id} added to the plan.")
            then()

    app.push_screen(
        ActionModal("New action", choices, element, suggest(element), save, suggest=suggest), done
    )


class ActionModal(ModalScreen[Action | None]):
    """Element, text, owner, due date (and status when editing). Save runs ``save``; a KamError it raises
    is shown in the dialog, which stays open. Dismisses with the saved action, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        title: str,
        elements: list[tuple[str, str]],
        element: str,
        text: str,
        save: Callable[[ActionInput], Action],
        *,
        owner: str = "",
        due: str = "",
        status: str | None = None,
        suggest: Callable[[str], str] | None = None,
    ) -> None:
        super().__init__()
        self.dialog_title = title
        self.elements = elements
        self.element = element
        self.text = text
        self.owner = owner
        self.due = due
        self.status = status
        self.save = save
        self.suggest = suggest

    def compose(self) -> ComposeResult:
        with Vertical(id="action-dialog", classes="dialog"):
            yield Static(self.dialog_title, classes="dialog-title")
            yield Label("Element")
            yield Select(self.elements, value=self.element, allow_blank=False, id="action-element",
                         disabled=self.suggest is None, compact=True)  # fmt: skip
            yield Label("Action")
            yield Input(self.text, placeholder="what will be done", id="action-text")
            with Horizontal(classes="action-row"):
                with Vertical():
                    yield Label("Owner")
                    yield Input(self.owner, placeholder="who owns it", id="action-owner")
                with Vertical():
                    yield Label("Due")
                    yield Input(self.due, placeholder="YYYY-MM-DD", id="action-due")
                if self.status is not None:
                    with Vertical():
                        yield Label("Status")
                        yield Select([(s, s) for s in ACTION_STATUSES], value=self.status, allow_blank=False,
                                     id="action-status")  # fmt: skip
            yield Static("", id="action-error", classes="dialog-error")
            yield Static(
                "Enter goes to the next field and saves on the last · Esc cancels", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one("#action-owner" if self.text else "#action-text", Input).focus()

    @on(Select.Changed, "#action-element")
    def _element_changed(self, event: Select.Changed) -> None:
        if self.suggest is not None and isinstance(event.value, str) and event.value != self.element:
            self.element = event.value
            self.query_one("#action-text", Input).value = self.suggest(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        order = ["action-text", "action-owner", "action-due"]
        position = order.index(event.input.id) if event.input.id in order else len(order) - 1
        if position < len(order) - 1:
            self.query_one(f"#{order[position + 1]}", Input).focus()
        else:
            self.submit()

    def values(self) -> ActionInput:
        status = self.query_one("#action-status", Select).value if self.status is not None else "open"
        element = self.query_one("#action-element", Select).value
        return ActionInput(
            element=element if isinstance(element, str) else self.element,
            text=self.query_one("#action-text", Input).value,
            owner=self.query_one("#action-owner", Input).value,
            due=self.query_one("#action-due", Input).value,
            status=status if isinstance(status, str) else "open",
        )

    def submit(self) -> None:
        try:
            saved = self.save(self.values())
        except KamError as error:
            self.query_one("#action-error", Static).update(describe(error)[1])
            return
        self.dismiss(saved)

    def action_cancel(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True)
class PlanData:
    title: str
    names: dict[str, str]  # element id -> name
    actions: tuple[Action, ...]
    earlier: tuple[ActionTrend, ...]
    carry_from: int | None
    to_carry: int


class ActionsScreen(KamScreen):
    HELP_TITLE = "Action plan"
    HELP_TEXT = """
The actions of this assessment: what will be done about an element, by whom and by when, and how far it
has come (open, doing, done, dropped). s moves the highlighted action to its next status; Enter edits it;
n adds an action (its text starts as the element's next-level prescription; from Results, a does the same
for the highlighted element).

Carrying over: the open and doing actions of the programme's previous assessment are not copied on their
own; c copies those not carried yet into this plan (each remembers the action it came from), so looking at
a plan never changes it. Below the table: the previous assessment's actions beside their element's trend,
so you see whether what was done moved the score.
"""
    PALETTE = (
        ("Next status", "Move the highlighted action to its next status (s)", "next_status"),
        ("Edit action", "Text, owner, due date and status of the highlighted action (Enter)", "edit"),
        ("New action", "An action on an element of this assessment (n)", "new"),
        ("Carry over", "Copy the unfinished actions of the previous assessment into this plan (c)", "carry"),
        ("Back", "Back to the previous screen (Esc)", "back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "next_status", "Status", id="kam.actions.status"),
        Binding("enter", "edit", "Edit", id="kam.actions.edit"),
        Binding("n", "new", "New", id="kam.actions.new"),
        Binding("c", "carry", "Carry over", id="kam.actions.carry"),
        Binding("escape", "back", "Back", key_display="Esc"),
    ]

    def __init__(self, assessment_id: int) -> None:
        super().__init__()
        self.assessment_id = assessment_id
        self.data: PlanData | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="plan-summary", classes="section-title")
        yield DataTable(id="plan-table", cursor_type="row", zebra_stripes=True)
        with VerticalScroll(id="plan-earlier-panel", classes="panel"):
            yield Static("Earlier actions beside the trend", classes="panel-title")
            yield Static("", id="plan-earlier")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header("Action plan")
        table = self.query_one("#plan-table", DataTable)
        table.loading = True
        self.load()

    def on_screen_resume(self) -> None:
        if self.data is not None:
            self.load()

    def on_resize(self) -> None:
        if self.data is not None:
            self.show(self.data)

    @work(thread=True, exclusive=True, group="plan", exit_on_error=False)
    def load(self, select: int | None = None) -> None:
        from kamtui.service import actions
        from kamtui.service import healthcheck as service

        app = self.kam
        try:
            with reported(app), app.thread_store() as store:
                report = service.report(store, self.assessment_id, compare=service.PREVIOUS)
                pending = actions.to_carry(store, self.assessment_id)
                data = PlanData(
                    title=str(report.meta.get("title") or ""),
                    names={e.id: e.name for e in report.survey.elements},
                    actions=tuple(actions.list_actions(store, self.assessment_id)),
                    earlier=tuple(actions.beside_trend(store, report)),
                    carry_from=pending.source,
                    to_carry=len(pending.actions),
                )
                app.call_from_thread(self.show, data, select)
        finally:
            call_ui(app, self._loaded)

    def _loaded(self) -> None:
        self.loaded(self.query_one("#plan-table", DataTable))

    def show(self, data: PlanData, select: int | None = None) -> None:
        table = self.query_one("#plan-table", DataTable)
        current = select if select is not None else self.highlighted_id()
        self.data = data
        self.set_header(f"Action plan · {data.title}")
        summary = f"{len(data.actions)} action{'s' if len(data.actions) != 1 else ''}"
        carried = sum(1 for a in data.actions if a.carried_from is not None)
        if carried:
            summary += f" · {carried} carried from #{data.carry_from}"
        if data.to_carry:
            summary += f" · {data.to_carry} unfinished of #{data.carry_from} not carried yet: c carries them"
        if not data.actions:
            summary += ": n adds one (or a on Results turns an element into an action)"
        self.query_one("#plan-summary", Static).update(summary)
        width = self.size.width or self.app.size.width
        element_w = 22 if width >= 100 else 16
        text_w = max(16, width - (4 + element_w + 7 + 12 + 10) - 2 * 6 - 4)
        table.clear(columns=True)
        table.add_column(Text("#", justify="right"), key="id", width=4)
        table.add_column("Element", key="element", width=element_w)
        table.add_column("Status", key="status", width=7)
        table.add_column("Owner", key="owner", width=12)
        table.add_column("Due", key="due", width=10)
        table.add_column("Action", key="text", width=text_w)
        for action in data.actions:
            table.add_row(
                Text(str(action.id), justify="right"),
                fmt.clip(data.names.get(action.element, action.element), element_w),
                Text(action.status, style="bold" if action.status in ("open", "doing") else "dim"),
                fmt.clip(action.owner or fmt.DASH, 12),
                action.due or fmt.DASH,
                fmt.clip(action.text, text_w),
                key=str(action.id),
            )
        if current is not None and any(a.id == current for a in data.actions):
            table.move_cursor(row=table.get_row_index(str(current)))
        earlier = Text()
        if not data.earlier:
            earlier.append("The previous assessment of the programme has no actions (or there is none).")
        for row in data.earlier:
            earlier.append(f"{fmt.signed(row.delta)} ", style="bold")
            earlier.append(f"{row.name}: {row.action.text} ")
            earlier.append(
                f"({row.action.status}, {row.action.owner or fmt.DASH}, due {row.action.due or fmt.DASH})\n"
            )
        self.query_one("#plan-earlier", Static).update(earlier)

    def highlighted(self) -> Action | None:
        table = self.query_one("#plan-table", DataTable)
        if self.data is None or not self.data.actions or table.row_count == 0:
            return None
        index = table.cursor_row
        return self.data.actions[index] if 0 <= index < len(self.data.actions) else None

    def highlighted_id(self) -> int | None:
        action = self.highlighted()
        return None if action is None else action.id

    def _need_highlighted(self) -> Action | None:
        action = self.highlighted()
        if action is None:
            self.notify("No action here yet: press n to add one.", severity="warning")
        return action

    @on(DataTable.RowSelected, "#plan-table")
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_edit()

    def action_next_status(self) -> None:
        from kamtui.service.actions import set_action

        action = self._need_highlighted()
        if action is None:
            return
        following = ACTION_STATUSES[(ACTION_STATUSES.index(action.status) + 1) % len(ACTION_STATUSES)]
        changed = set_action(self.kam.store, action.id, status=following)
        self.notify(f"Action #{changed.id}: {changed.status}.")
        self.load(changed.id)

    def action_edit(self) -> None:
        from kamtui.service.actions import set_action

        action = self._need_highlighted()
        if action is None or self.data is None:
            return
        store = self.kam.store

        def save(values: ActionInput) -> Action:
            return set_action(
                store, action.id, status=values.status, owner=values.owner, due=values.due, text=values.text
            )

        def done(saved: Action | None) -> None:
            if saved is not None:
                self.notify(f"Action #{saved.id} saved.")
                self.load(saved.id)

        choices = [(name, element_id) for element_id, name in self.data.names.items()]
        self.app.push_screen(
            ActionModal(
                f"Action #{action.id}",
                choices,
                action.element,
                action.text,
                save,
                owner=action.owner or "",
                due=action.due or "",
                status=action.status,
            ),
            done,
        )

    def action_new(self) -> None:
        new_action(self, self.assessment_id, None, then=self.load)

    def action_carry(self) -> None:
        from kamtui.service.actions import carry

        carried = carry(self.kam.store, self.assessment_id)
        if carried.source is None:
            self.notify("This assessment's programme has no earlier assessment to carry actions from.",
                        severity="warning")  # fmt: skip
            return
        count = len(carried.actions)
        self.notify(
            f"Carried {count} action{'s' if count != 1 else ''} from #{carried.source}."
            if count
            else f"Every unfinished action of #{carried.source} is in this plan already."
        )
        self.load()

    def action_back(self) -> None:
        self.app.pop_screen()
