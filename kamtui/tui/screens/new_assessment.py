"""The "new assessment" dialog: title, programme and one of the built-in surveys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from kamtui.core.confidential import DEFAULT_MIN_GROUP, parse_min_group
from kamtui.core.errors import KamError
from kamtui.tui.errors import reported

DEFAULT_SURVEY = "kam-healthcheck"
TALL_ENOUGH = 33  # rows for the bordered fields, the confidential choice and the buttons (90% of the screen)


@dataclass(frozen=True)
class NewAssessment:
    title: str
    programme: str | None
    survey_id: str
    anonymous: bool = False  # respondents stored under codes; roles below min_group not shown
    min_group: int = DEFAULT_MIN_GROUP


class NewAssessmentModal(ModalScreen[NewAssessment | None]):
    """Enter moves from title to programme and then creates; Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, survey_ids: list[str], programmes: list[str], programme: str | None = None) -> None:
        super().__init__()
        self.survey_ids = survey_ids
        self.programmes = programmes
        self.programme = programme or ""

    def compose(self) -> ComposeResult:
        default = DEFAULT_SURVEY if DEFAULT_SURVEY in self.survey_ids else (self.survey_ids or [None])[0]
        with Vertical(id="new-dialog", classes="dialog"):
            yield Static("New healthcheck assessment", classes="dialog-title")
            yield Label("Title")
            yield Input(placeholder="e.g. Annual healthcheck 2025", id="new-title")
            yield Label("Programme")
            yield Input(
                self.programme,
                placeholder="the KAM programme assessed (links assessments for the trend)",
                id="new-programme",
                suggester=SuggestFromList(self.programmes, case_sensitive=False),
            )
            yield Label("Survey")
            yield Select(
                [(survey_id, survey_id) for survey_id in self.survey_ids],
                value=default if default is not None else Select.NULL,
                allow_blank=False,
                id="new-survey",
            )
            yield Checkbox("Anonymous: respondents are stored under codes, never names", id="new-anonymous")
            with Horizontal(id="new-group-row"):
                yield Label("Show a role only with at least")
                yield Input(str(DEFAULT_MIN_GROUP), id="new-min-group", restrict=r"[0-9]*", max_length=4)
                yield Label("respondents")
            yield Static("", id="new-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Create", variant="primary", id="new-create")
                yield Button("Cancel", id="new-cancel")

    def on_mount(self) -> None:
        self.query_one("#new-group-row").display = False
        self._fit()
        self.query_one("#new-title", Input).focus()
        self.load_titles()

    @work(thread=True, exit_on_error=False, group="survey-titles")
    def load_titles(self) -> None:
        """Replace the survey ids in the choice by 'title (n statements)' (loading TOML takes a while)."""
        from kamtui.core.survey import load_survey

        with reported(self.app):
            labels = []
            for survey_id in self.survey_ids:
                survey = load_survey(survey_id)
                labels.append((f"{survey.title} ({len(survey.indicators)} statements)", survey_id))
            self.app.call_from_thread(self._show_titles, labels)

    def _show_titles(self, labels: list[tuple[str, str]]) -> None:
        select = self.query_one("#new-survey", Select)
        value = select.value
        select.set_options(labels)
        if value is not Select.NULL:
            select.value = value

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """Below 33 rows (80x24) the fields lose their borders, so Create and Cancel stay whole."""
        small = self.size.height < TALL_ENOUGH
        self.query_one("#new-dialog").set_class(small, "small")
        for field in self.query("#new-dialog Input, #new-dialog Select, #new-dialog Checkbox"):
            field.compact = small

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        event.stop()
        self.query_one("#new-group-row").display = event.value

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "new-title":
            self.query_one("#new-programme", Input).focus()
        else:
            self.submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "new-create":
            self.submit()
        else:
            self.dismiss(None)

    def submit(self) -> None:
        title = self.query_one("#new-title", Input).value.strip()
        programme = self.query_one("#new-programme", Input).value.strip() or None
        survey = self.query_one("#new-survey", Select).value
        error = self.query_one("#new-error", Static)
        if not title:
            error.update("An assessment needs a title.")
            self.query_one("#new-title", Input).focus()
            return
        if survey is Select.NULL or not isinstance(survey, str):
            error.update("Choose a survey.")
            return
        anonymous = self.query_one("#new-anonymous", Checkbox).value
        min_group = DEFAULT_MIN_GROUP
        if anonymous:
            try:
                min_group = parse_min_group(self.query_one("#new-min-group", Input).value)
            except KamError as problem:
                error.update(problem.render({"min_group": "The group size"}))
                self.query_one("#new-min-group", Input).focus()
                return
        self.dismiss(
            NewAssessment(
                title=title, programme=programme, survey_id=survey, anonymous=anonymous, min_group=min_group
            )
        )

    def action_cancel(self) -> None:
        self.dismiss(None)
