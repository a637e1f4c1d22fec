"""The participant's own screens (README, "Workshops"): register or resume, the resume code, finished.

Registering asks for a name and a role (an anonymous assessment: the role alone); the role is picked
from the roles already used in the assessment (a tap on one of them, or the suggestion shown while
typing, which is what Enter stores) or typed. It shows a resume code once. Coming back, name plus code
(anonymous: the code) resumes that respondent's own answers; every failure says the same neutral thing.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.suggester import SuggestFromList
from textual.widgets import Button, Footer, Header, Input, Label, Static

from kamtui.core.confidential import Participant, show_code
from kamtui.core.names import name_key
from kamtui.tui.errors import guarded
from kamtui.tui.participant.app import ParticipantApp, ParticipantScreenMixin
from kamtui.tui.screens.base import KamScreen

NARROW = 70  # columns below which the participant screens use the phone layout
MAX_ROLE_CHIPS = 8


def role_choices(used: tuple[str, ...]) -> list[str]:
    """The roles offered: those already used in the assessment, then the common ones (one per name)."""
    from kamtui.tui.screens.respondents import COMMON_ROLES

    seen: dict[str, str] = {}
    for role in (*used, *COMMON_ROLES):
        seen.setdefault(name_key(role), role)
    return list(seen.values())


class RoleInput(Input):
    """An input whose completion, once shown, is what it holds: Enter stores the role the participant saw.

    The participant's fields do not blink: forty idle phones would otherwise each send a frame twice a
    second (benchmarks/bench_serve.py, idle CPU)."""

    def shown_value(self) -> str:
        value = self.value
        suggestion = self._suggestion
        if suggestion and len(suggestion) > len(value) and suggestion.casefold().startswith(value.casefold()):
            return suggestion
        return value


class ParticipantScreen(ParticipantScreenMixin, KamScreen):
    """A participant screen: the phone layout below NARROW columns."""

    @property
    def participant_app(self) -> ParticipantApp:
        app = self.app
        assert isinstance(app, ParticipantApp)
        return app

    def on_resize(self) -> None:
        self.set_class(self.app.size.width < NARROW, "narrow")

    def on_screen_resume(self) -> None:
        self.set_class(self.app.size.width < NARROW, "narrow")


class RegisterScreen(ParticipantScreen):
    BASE = True
    HELP_TITLE = "Join the survey"
    HELP_TEXT = """
New here: type your name (and your role, if you like) and press Enter or Start. You get a short code:
note it, it brings you back to your answers. In an anonymous assessment no name is asked.

Coming back: type your name and your code (anonymous: the code alone) and press Resume. Only you see
your answers; nobody else's name or answers are shown here.
"""
    PALETTE = (
        ("Start", "Register and start answering (Enter in the name field)", "start"),
        ("Resume", "Carry on with your own answers: name and code", "resume"),
    )
    BINDINGS: ClassVar[list[BindingType]] = []

    def compose(self) -> ComposeResult:
        view = self.participant_app.view
        anonymous = view.options.anonymous
        yield Header()
        with VerticalScroll(id="join-body"):
            intro = Text()
            intro.append(view.assessment.title, style="bold")
            intro.append("\nEvery answer is saved the moment you give it.")
            if anonymous:
                intro.append(
                    "\nThis assessment is anonymous: your name is not asked, you get a code. Results show "
                    f"roles only where {view.options.min_group} or more people share them."
                )
            yield Static(intro, id="join-intro")
            with Vertical(id="join-new", classes="panel"):
                yield Static("New here?", classes="panel-title")
                if not anonymous:
                    yield Label("Your name")
                    yield Input(placeholder="Your name", id="join-name")
                yield Label("Your role (optional)")
                roles = role_choices(view.roles)
                yield RoleInput(
                    placeholder="e.g. " + ", ".join(roles[:3]),
                    id="join-role",
                    suggester=SuggestFromList(roles, case_sensitive=False),
                )
                with Grid(id="join-roles"):
                    for role in roles[:MAX_ROLE_CHIPS]:
                        yield Button(role, classes="role-chip", name=role)
                yield Button("Start", variant="primary", id="join-start")
            with Vertical(id="join-back", classes="panel"):
                yield Static("Coming back?", classes="panel-title")
                if not anonymous:
                    yield Input(placeholder="Your name", id="resume-name")
                yield Input(placeholder="Your code (6 characters)", id="resume-code")
                yield Button("Resume", id="join-resume")
            yield Static("", id="join-error", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.set_header()
        self.set_class(self.app.size.width < NARROW, "narrow")
        for field in self.query(Input):
            field.cursor_blink = False  # see RoleInput
        first = "#join-role" if self.participant_app.view.options.anonymous else "#join-name"
        self.query_one(first, Input).focus()

    # -- registering -----------------------------------------------------------------------------------

    @on(Button.Pressed, ".role-chip")
    def _role_tapped(self, event: Button.Pressed) -> None:
        event.stop()
        field = self.query_one("#join-role", RoleInput)
        field.value = event.button.name or ""
        field.cursor_position = len(field.value)

    @on(Input.Submitted, "#join-name")
    @on(Input.Submitted, "#join-role")
    @on(Button.Pressed, "#join-start")
    def _start_asked(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        self.action_start()

    @guarded
    def action_start(self) -> None:
        from kamtui.core.confidential import ParticipantRefused
        from kamtui.service.participants import register

        app = self.participant_app
        name = None
        if not app.view.options.anonymous:
            name = self.query_one("#join-name", Input).value.strip()
            if not name:
                self._say("Type your name first.")
                self.query_one("#join-name", Input).focus()
                return
        role = self.query_one("#join-role", RoleInput).shown_value().strip() or None
        try:
            participant = register(app.store, app.assessment_id, name, role)
        except ParticipantRefused as refused:
            self._say(str(refused))
            return
        app.start(participant, registered=True)

    # -- resuming --------------------------------------------------------------------------------------

    @on(Input.Submitted, "#resume-name")
    def _resume_name_given(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#resume-code", Input).focus()

    @on(Input.Submitted, "#resume-code")
    @on(Button.Pressed, "#join-resume")
    def _resume_asked(self, event: Input.Submitted | Button.Pressed) -> None:
        event.stop()
        self.action_resume()

    @guarded
    def action_resume(self) -> None:
        from kamtui.core.confidential import ParticipantRefused
        from kamtui.service.participants import resume

        app = self.participant_app
        name = None if app.view.options.anonymous else self.query_one("#resume-name", Input).value
        code = self.query_one("#resume-code", Input).value
        try:
            participant = resume(app.store, app.assessment_id, name, code)
        except ParticipantRefused as refused:
            self._say(str(refused))
            return
        app.start(participant, registered=False)

    def reset(self) -> None:
        """Empty every field (the next participant)."""
        for field in self.query(Input):
            field.value = ""
        self.query_one("#join-error", Static).update("")
        first = "#join-role" if self.participant_app.view.options.anonymous else "#join-name"
        self.query_one(first, Input).focus()

    def _say(self, message: str) -> None:
        self.query_one("#join-error", Static).update(message)
        self.notify(message, severity="warning", markup=False)


class CodeScreen(ParticipantScreen):
    """The resume code, big, once: note it before answering."""

    BASE = True

    HELP_TITLE = "Your code"
    HELP_TEXT = """
This code brings you back to your answers, from this or any other device: write it down or take a
photo of it. It is shown only now; nobody can look it up for you. Then press Start answering.
"""
    PALETTE = (("Start answering", "Open the survey (Enter)", "go"),)
    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "go", "Start answering", show=False)]

    def __init__(self, participant: Participant) -> None:
        super().__init__()
        self.participant = participant

    def compose(self) -> ComposeResult:
        anonymous = self.participant_app.view.options.anonymous
        code = show_code(self.participant.resume_code or "")
        yield Header()
        with VerticalScroll(id="code-body"):
            who = "Your code" if anonymous else f"{self.participant.name}, your code"
            yield Static(Text(who + ":", style="bold"), id="code-who")
            yield Static(Text("  ".join(code), style="bold"), id="code-big")
            how = (
                "It alone brings you back to your answers (your name is not kept)."
                if anonymous
                else "With your name, it brings you back to your answers."
            )
            yield Static(
                f"Write it down or take a photo now: it is shown only once. {how} "
                "In a browser, you need it again after closing or reloading the page.",
                id="code-note",
            )
            with Horizontal(id="code-buttons"):
                yield Button("I have noted it: start answering", variant="primary", id="code-go")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header()
        self.set_class(self.app.size.width < NARROW, "narrow")
        self.query_one("#code-go", Button).focus()

    @on(Button.Pressed, "#code-go")
    def _go_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_go()

    def action_go(self) -> None:
        from kamtui.tui.participant.survey import ParticipantSurveyScreen

        app = self.participant_app
        app.switch_screen(ParticipantSurveyScreen(app.view.assessment, self.participant))


class FinishedScreen(ParticipantScreen):
    """Thank you: your progress, back to your answers, the Results when open, the next participant."""

    HELP_TITLE = "Finished"
    HELP_TEXT = """
Every answer is already saved. Go back to change an answer (Esc), see the results when the workshop
lead has opened them, or hand over to the next participant (on a shared device).
"""
    PALETTE = (
        ("Back to my answers", "Change an answer (Esc)", "back"),
        ("Results", "The results, when the workshop lead has opened them (r)", "results"),
        ("Next participant", "Hand the device to the next person (n)", "next_participant"),
    )
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back to my answers", key_display="Esc"),
        Binding("r", "results", "Results"),
        Binding("n", "next_participant", "Next participant"),
    ]

    def __init__(self, answered: int, total: int) -> None:
        super().__init__()
        self.answered = answered
        self.total = total

    def compose(self) -> ComposeResult:
        participant = self.participant_app.participant
        yield Header()
        with VerticalScroll(id="finished-body"):
            text = Text()
            text.append("Thank you", style="bold")
            if participant is not None and not self.participant_app.view.options.anonymous:
                text.append(f", {participant.name}", style="bold")
            text.append(f".\nYou answered {self.answered} of {self.total} statements; every answer is saved.")
            if self.answered < self.total:
                text.append(f"\n{self.total - self.answered} are still open: go back to answer them.")
            yield Static(text, id="finished-text")
            with Grid(id="finished-buttons"):
                yield Button("Back to my answers", variant="primary", id="finished-back")
                yield Button("See the results", id="finished-results")
                yield Button("Next participant", id="finished-next")
        yield Footer()

    def on_mount(self) -> None:
        self.set_header()
        self.set_class(self.app.size.width < NARROW, "narrow")
        self._show_results_button()
        self.set_interval(max(1.0, self.participant_app.refresh_interval), self._show_results_button)

    def _show_results_button(self) -> None:
        opened = self.participant_app.options().results_open
        self.query_one("#finished-results", Button).display = opened
        if opened != getattr(self, "_opened", None):
            self._opened = opened
            self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "results":
            return bool(getattr(self, "_opened", False))
        return True

    def palette_commands(self) -> tuple[tuple[str, str, str], ...]:
        return tuple(c for c in self.PALETTE if c[2] != "results" or getattr(self, "_opened", False))

    @on(Button.Pressed, "#finished-back")
    def _back_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_back()

    @on(Button.Pressed, "#finished-results")
    def _results_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_results()

    @on(Button.Pressed, "#finished-next")
    def _next_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_next_participant()

    def action_back(self) -> None:
        self.dismiss()

    def action_results(self) -> None:
        self.participant_app.open_results()

    def action_next_participant(self) -> None:
        from kamtui.tui.screens.confirm import ConfirmModal

        def done(confirmed: bool | None) -> None:
            if confirmed:
                self.participant_app.next_participant()

        self.app.push_screen(
            ConfirmModal(
                "Next participant?",
                "Your answers are saved. The next person registers with their own name; to come back "
                "later you need your code.",
                "Next participant",
            ),
            done,
        )
