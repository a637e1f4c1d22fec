"""The survey as a participant answers it: the lead app's survey screen for their own respondent only.

Its keys are the survey's own (rate, n/a, unknown, comment, move) plus ``f`` (finished) and ``r`` (the
Results, only while the lead has them open); Escape leads nowhere. Every action has a button, and the
level chips answer on a tap, so a phone needs no keyboard: below NARROW columns the element list is
hidden and the chips are tall enough to tap.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid
from textual.widgets import Button, Footer

from kamtui.core.confidential import Participant
from kamtui.tui.errors import guarded
from kamtui.tui.participant.app import ParticipantApp, ParticipantScreenMixin
from kamtui.tui.participant.screens import NARROW
from kamtui.tui.screens.survey import SurveyScreen

BUTTONS = (
    ("p-prev", "◀ Prev", "previous"),
    ("p-next", "Next ▶", "next"),
    ("p-na", "N/A", "not_applicable"),
    ("p-unknown", "Don't know", "unknown"),
    ("p-comment", "Comment", "comment"),
    ("p-finish", "Finish", "finish"),
)
OWN_ACTIONS = {"results", "back"}  # the lead survey's palette entries a participant does not get as such


class ParticipantSurveyScreen(ParticipantScreenMixin, SurveyScreen, inherit_bindings=False):
    BASE = True
    HELP_TITLE = "Your survey"
    HELP_TEXT = """
Rate each statement on the five levels, as things are today: tap a level (or press 1-5). Beside each
level is what it means for this statement. "Not applicable" (n) when it does not apply, "Don't know" (u)
when you cannot judge it. Every answer is saved at once and the next statement comes up.

Previous / Next (← →) move, Comment (c) adds a note to the statement, Finish (f) when you are done.
The bar at the top is your progress over the whole survey.
"""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "answer(1)", "Rate", key_display="1-5"),
        *(Binding(str(n), f"answer({n})", f"Rate {n}", show=False) for n in range(2, 6)),
        Binding("n", "not_applicable", "N/A"),
        Binding("u", "unknown", "Don't know"),
        Binding("c", "comment", "Comment"),
        Binding("left,k", "previous", "Prev", key_display="←/k"),
        Binding("right,j", "next", "Next", key_display="→/j"),
        Binding("pageup", "previous_element", "Prev element", show=False),
        Binding("pagedown", "next_element", "Next element", show=False),
        Binding("g", "first_unanswered", "First unanswered", show=False),
        Binding("up", "look(-1)", "Level above", show=False),
        Binding("down", "look(1)", "Level below", show=False),
        Binding("enter", "answer_looked", "Rate the level under the cursor", show=False),
        Binding("f", "finish", "Finish"),
        Binding("r", "results", "Results"),
        Binding("tab", "app.focus_next", "Focus Next", show=False),
        Binding("shift+tab", "app.focus_previous", "Focus Previous", show=False),
    ]

    def __init__(self, assessment, participant: Participant) -> None:
        super().__init__(assessment, participant.respondent_id, participant.name, participant.role)
        self.participant = participant
        self._results_open = False
        self._finish_shown = False

    @property
    def participant_app(self) -> ParticipantApp:
        app = self.app
        assert isinstance(app, ParticipantApp)
        return app

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            if isinstance(widget, Footer):
                with Grid(id="survey-buttons"):
                    for widget_id, label, _ in BUTTONS:
                        button = Button(label, id=widget_id)
                        button.can_focus = False  # the keys stay with the survey
                        yield button
            yield widget

    def on_mount(self) -> None:
        super().on_mount()
        self._complete_told = True  # the lead survey's "press r" note: this screen says its own
        self._finish_shown = self.answered_count() == len(self.indicators)
        self.set_class(self.app.size.width < NARROW, "narrow")
        self._check_results()
        self.set_interval(max(1.0, self.participant_app.refresh_interval), self._check_results)

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < NARROW, "narrow")
        super().on_resize()

    # -- the Results, while the lead has them open -----------------------------------------------------

    def _check_results(self) -> None:
        opened = self.participant_app.options().results_open
        if opened != self._results_open:
            self._results_open = opened
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "results":
            return self._results_open
        return True

    def palette_commands(self) -> tuple[tuple[str, str, str], ...]:
        own = tuple(c for c in self.PALETTE if c[2] not in OWN_ACTIONS)
        finish = (("Finish", "Your progress, and what comes next (f)", "finish"),)
        results = (("Results", "The results the workshop lead has opened (r)", "results"),)
        return own + finish + (results if self._results_open else ())

    def action_results(self) -> None:
        self.participant_app.open_results()

    def action_back(self) -> None:
        """Escape (or the lead survey's Back) never leaves the participant's survey."""

    # -- buttons and finishing -------------------------------------------------------------------------

    @on(Button.Pressed, "#survey-buttons Button")
    @guarded
    def _button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        action = next(a for widget_id, _, a in BUTTONS if widget_id == event.button.id)
        getattr(self, f"action_{action}")()

    def _save(self, value: int | None, status: str) -> None:
        super()._save(value, status)
        if not self._finish_shown and self.answered_count() == len(self.indicators):
            self._finish_shown = True
            self.action_finish()

    def action_finish(self) -> None:
        from kamtui.tui.participant.screens import FinishedScreen

        self.app.push_screen(FinishedScreen(self.answered_count(), len(self.indicators)))

