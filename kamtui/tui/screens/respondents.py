"""Who is answering: pick an existing respondent of the assessment (with their progress) or add one."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Button, DataTable, Footer, Header, Input, Static

from kamtui.core.assessments import Assessment
from kamtui.tui import format as fmt
from kamtui.tui.errors import call_ui, guarded, reported
from kamtui.tui.screens.base import KamScreen

COMMON_ROLES = ["KAM", "Leadership", "Sales ops", "Customer"]


class RespondentScreen(KamScreen):
    HELP_TITLE = "Who is answering?"
    HELP_TEXT = """
Every answer belongs to a respondent: a name and a role (KAM, Leadership, Sales ops, Customer...).
Roles give the perception gaps on the results screen.

Pick yourself in the list (Enter) to carry on where you stopped, or press n, type a new name and
press Enter (the role is optional: Tab to it first; a suggested role is taken as shown). The survey
then opens at the first statement not answered yet.
"""
    PALETTE = (
        ("Continue as the highlighted respondent", "Open the survey for them (Enter)", "choose"),
        ("New respondent", "Type a name and a role (n)", "new_respondent"),
        ("Back", "Back to the assessments (Esc)", "back"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", key_display="Esc"),
        Binding("n", "new_respondent", "New respondent"),
    ]

    def __init__(self, assessment_id: int) -> None:
        super().__init__()
        self.assessment_id = assessment_id
        self.assessment: Assessment | None = None
        self.respondents: list[dict] = []
        self.roles: list[str] = list(COMMON_ROLES)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="respondent-body"):
            yield Static("", id="respondent-intro", classes="section-title")
            yield DataTable(id="respondents", cursor_type="row", zebra_stripes=True)
            with Vertical(id="new-respondent", classes="panel"):
                yield Static("New respondent", classes="panel-title")
                with Horizontal(id="new-respondent-row"):
                    yield Input(placeholder="Name (Enter starts)", id="respondent-name")
                    yield Input(
                        placeholder="Role (optional): KAM, Leadership, Sales ops, Customer…",
                        id="respondent-role",
                        suggester=SuggestFromList(COMMON_ROLES, case_sensitive=False),
                    )
                    yield Button("Start", variant="primary", id="respondent-start")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header("Who is answering?")
        table = self.query_one("#respondents", DataTable)
        table.add_column("Name", key="name")
        table.add_column("Role", key="role")
        table.add_column("Answered", key="answered")
        table.add_column("Done", key="done")
        table.loading = True
        self.load()

    @work(thread=True, exclusive=True, group="respondents", exit_on_error=False)
    def load(self) -> None:
        from kamtui.service import healthcheck as service

        app = self.kam
        try:
            with reported(app), app.thread_store() as store:
                assessment = service.get_assessment(store, self.assessment_id)
                respondents = service.respondents(store, self.assessment_id)
                app.call_from_thread(self.show, assessment, respondents)
        finally:
            call_ui(app, self._loaded)

    def _loaded(self) -> None:
        table = self.query_one("#respondents", DataTable)
        self.loaded(table)
        if self.assessment is None:  # could not be loaded: the error was shown
            self.app.pop_screen()
        elif self.respondents:  # now: a covered (loading) table refuses the focus, and Enter went nowhere
            table.focus()

    def show(self, assessment: Assessment, respondents: list[dict]) -> None:
        self.assessment = assessment
        self.respondents = respondents
        total = len(assessment.survey.indicators)
        self.set_header(f"Who is answering? · {assessment.title}", assessment.programme)
        self.query_one("#respondent-intro", Static).update(
            Text(f"{assessment.title}: pick yourself, or add a new respondent below")
        )
        table = self.query_one("#respondents", DataTable)
        table.clear()
        for person in respondents:
            table.add_row(
                person["name"],
                person["role"] or fmt.DASH,
                Text(f"{person['answered']}/{total}", justify="right"),
                Text(fmt.percent(person["answered"] / total if total else 0), justify="right"),
                key=str(person["id"]),
            )
        roles = list(dict.fromkeys([*COMMON_ROLES, *(p["role"] for p in respondents if p["role"])]))
        self.roles = roles
        self.query_one("#respondent-role", Input).suggester = SuggestFromList(roles, case_sensitive=False)
        if respondents:
            table.focus()
        else:
            table.display = False
            self.query_one("#respondent-name", Input).focus()

    # -- choosing -------------------------------------------------------------------------------------

    @on(DataTable.RowSelected, "#respondents")
    @guarded
    def _row_selected(self) -> None:
        self.action_choose()

    def action_choose(self) -> None:
        table = self.query_one("#respondents", DataTable)
        if not self.respondents or table.row_count == 0:
            self.action_new_respondent()
            return
        person = self.respondents[table.cursor_row]
        self.start(int(person["id"]), person["name"], person["role"])

    def action_new_respondent(self) -> None:
        self.query_one("#respondent-name", Input).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """``n`` is neither shown nor taken while a text field has the focus (it types an n there)."""
        return not (action == "new_respondent" and isinstance(self.focused, Input))

    def role_value(self) -> str | None:
        """The role as typed, completed to the suggestion shown for it ("Lead" -> "Leadership")."""
        typed = self.query_one("#respondent-role", Input).value.strip()
        if not typed:
            return None
        key = typed.casefold()
        return next((role for role in self.roles if role.casefold().startswith(key)), typed)

    @on(Input.Submitted, "#respondent-name")
    @on(Input.Submitted, "#respondent-role")
    @on(Button.Pressed, "#respondent-start")
    @guarded
    def _add(self, event=None) -> None:
        from kamtui.service.healthcheck import register

        if self.assessment is None:
            return
        name = self.query_one("#respondent-name", Input).value.strip()
        role = self.role_value()
        if not name:
            self.notify("Type the respondent's name first.", severity="warning")
            self.query_one("#respondent-name", Input).focus()
            return
        respondent_id = register(self.kam.store, self.assessment_id, name, role)
        stored = self._stored_name(respondent_id) or name  # an anonymous assessment keeps a code, not the name
        if stored != name:
            self.notify(f"Answering as {stored}: this assessment is anonymous and stores no names.")
        self.start(respondent_id, stored, role)

    def _stored_name(self, respondent_id: int) -> str | None:
        from kamtui.service.healthcheck import respondents

        return next((p["name"] for p in respondents(self.kam.store, self.assessment_id) if p["id"] == respondent_id), None)

    def start(self, respondent_id: int, name: str, role: str | None) -> None:
        from kamtui.tui.screens.survey import SurveyScreen

        assert self.assessment is not None
        self.app.switch_screen(SurveyScreen(self.assessment, respondent_id, name, role))

    def action_back(self) -> None:
        self.app.pop_screen()
