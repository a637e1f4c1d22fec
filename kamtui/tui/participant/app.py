"""The participant app: :class:`ParticipantApp` and :func:`make_participant_app` (README, "Workshops").

It shares the lead app's survey and results screens (configured for one respondent) but nothing else:
it has no Home, no other assessment, no other respondent, no account selection and no delete. What a
key, a click or the command palette can open is closed twice: the participant screens bind only their
own actions, and :meth:`ParticipantApp.push_screen` / ``switch_screen`` refuse any screen that is not
one of the participant's (so a screen added to the lead app later is not reachable from here either).
The header names the assessment only (never the database file); the theme is per session and never
written to the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any, ClassVar

from textual.app import App, SystemCommand
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.screen import Screen

from kamtui.core.confidential import RESULTS_CLOSED, Confidentiality, Participant, ParticipantView
from kamtui.service.database import Database, open_database
from kamtui.tui.errors import describe, format_traceback
from kamtui.tui.served_header import watch_served_header
from kamtui.tui.themes import DEFAULT_THEME, LEVEL_DEFAULTS, PROJECTOR_CLASS, PROJECTOR_THEME, THEMES

REFRESH_SECONDS = 2.0
NOT_HERE = "That is not part of the survey."


class ParticipantScreenMixin:
    """Marks a participant screen; its header is the assessment's title alone. A ``BASE`` screen
    (register, code, survey) is never closed by Escape or a "back": only what is opened on top of it."""

    BASE: ClassVar[bool] = False

    def set_header(self, title: str = "", programme: str | None = None) -> None:
        screen: Any = self
        screen.title = screen.app.view.assessment.title
        screen.sub_title = ""


class ParticipantApp(App[None]):
    """One assessment answered by one respondent at a time."""

    CSS_PATH: ClassVar[list[str]] = ["../app.tcss", "participant.tcss"]
    TITLE = "kamtui"
    NOTIFICATION_TIMEOUT = 8

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", "Help", key_display="F1/?", id="participant.help"),
        Binding("f2,t", "toggle_theme", "Projector", key_display="F2/t", id="participant.toggle-theme"),
    ]

    def __init__(
        self,
        store: Database,
        view: ParticipantView,
        *,
        theme: str | None = None,
        refresh_interval: float = REFRESH_SECONDS,
    ) -> None:
        super().__init__()
        for kam_theme in THEMES:
            self.register_theme(kam_theme)
        self.store = store  # the UI thread's handle on the database (workers use thread_store)
        self.db_path: Path = store.path
        self.db_label = ""  # the header never shows the database
        self.view = view
        self.assessment_id = view.assessment.id
        self.refresh_interval = refresh_interval
        self.participant: Participant | None = None
        self.title = view.assessment.title
        wanted = {"default": DEFAULT_THEME, "projector": PROJECTOR_THEME}.get(theme or "", theme) or DEFAULT_THEME
        self.theme = wanted if wanted in self.available_themes else DEFAULT_THEME
        self.set_class(self.theme == PROJECTOR_THEME, PROJECTOR_CLASS)

    # -- screens ---------------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        from kamtui.tui.participant.screens import RegisterScreen

        return RegisterScreen()

    def on_mount(self) -> None:
        watch_served_header(self)

    def on_unmount(self) -> None:
        self.store.close()

    def allowed(self, screen: object) -> bool:
        """The participant's own screens, their dialogs (help, comment, confirm) and the command palette."""
        from textual.command import CommandPalette

        from kamtui.tui.screens.comment import CommentModal
        from kamtui.tui.screens.confirm import ConfirmModal
        from kamtui.tui.screens.help import HelpModal

        return isinstance(screen, ParticipantScreenMixin | HelpModal | CommentModal | ConfirmModal | CommandPalette)

    def _refuse(self, screen: object) -> AwaitComplete:
        self.log.warning(f"participant app: refused to open {screen!r}")
        self.notify(NOT_HERE, severity="warning", markup=False)
        return AwaitComplete.nothing()

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        if not self.allowed(screen):
            return self._refuse(screen)
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen: Any) -> AwaitComplete:  # type: ignore[override]
        if not self.allowed(screen):
            return self._refuse(screen)
        return super().switch_screen(screen)

    async def action_push_screen(self, screen: str) -> None:
        self._refuse(screen)

    async def action_switch_screen(self, screen: str) -> None:
        self._refuse(screen)

    async def action_switch_mode(self, mode: str) -> None:
        self._refuse(mode)

    async def action_pop_screen(self) -> None:
        self.action_close_dialog()

    async def action_back(self) -> None:
        self.action_close_dialog()

    def action_close_dialog(self) -> None:
        """Close what is on top of the participant's screen (never the screen itself)."""
        if len(self.screen_stack) > 1 and not getattr(self.screen, "BASE", False):
            self.pop_screen()

    def start(self, participant: Participant, *, registered: bool) -> None:
        """The participant is known: show their code (right after registering), then the survey."""
        from kamtui.tui.participant.screens import CodeScreen
        from kamtui.tui.participant.survey import ParticipantSurveyScreen

        self.participant = participant
        if registered and participant.resume_code:
            self.push_screen(CodeScreen(participant))
        else:
            self.push_screen(ParticipantSurveyScreen(self.view.assessment, participant))

    def next_participant(self) -> None:
        """Back to an empty registration (a laptop handed to the next person in the room)."""
        from kamtui.tui.participant.screens import RegisterScreen

        self.participant = None
        while len(self.screen_stack) > 1:
            self.pop_screen()
        register = self.screen_stack[0]
        if isinstance(register, RegisterScreen):
            register.reset()

    def options(self) -> Confidentiality:
        from kamtui.service.participants import options

        return options(self.store, self.assessment_id)

    def open_results(self, assessment_id: int | None = None, compare: Any = None) -> None:
        """The Results of this assessment, when the lead has opened them to participants."""
        from kamtui.tui.participant.results import ParticipantResultsScreen

        if not self.options().results_open:
            self.notify(RESULTS_CLOSED, severity="warning", markup=False)
            return
        if not isinstance(self.screen, ParticipantResultsScreen):
            self.push_screen(ParticipantResultsScreen(self.assessment_id))

    # -- theme -----------------------------------------------------------------------------------------

    def get_theme_variable_defaults(self) -> dict[str, str]:
        defaults = dict(LEVEL_DEFAULTS)
        if not self.current_theme.dark:
            defaults["bar-track"] = "#d0d0d0"
        return defaults

    @property
    def projector(self) -> bool:
        return self.theme == PROJECTOR_THEME

    def action_toggle_theme(self) -> None:
        """Switch between the default and the projector theme (for this session only)."""
        self.theme = DEFAULT_THEME if self.projector else PROJECTOR_THEME

    def watch_theme(self, theme: str) -> None:
        self.set_class(theme == PROJECTOR_THEME, PROJECTOR_CLASS)

    # -- help and the command palette ------------------------------------------------------------------

    def action_help(self) -> None:
        """What the current participant screen does and its keys."""
        from kamtui.tui.screens.help import HelpModal

        screen = self.screen
        if isinstance(screen, ParticipantScreenMixin):
            self.push_screen(HelpModal.for_screen(screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Only the participant's own actions: none of Textual's defaults (theme list, keys panel,
        maximize, screenshot) and nothing of the lead app."""
        if not isinstance(screen, ParticipantScreenMixin):
            return
        commands: Any = getattr(screen, "palette_commands", lambda: ())()
        for title, help_text, action in commands:
            yield SystemCommand(title, help_text, partial(self.run_action, action, screen))
        yield SystemCommand(
            "Projector theme",
            "High contrast and larger spacing (F2 or t), for this session only",
            partial(self.run_action, "app.toggle_theme"),
        )
        yield SystemCommand("Help", "What this screen does and its keys (F1 or ?)", partial(self.run_action, "app.help"))
        yield SystemCommand(
            "Quit", "Close the survey (every answer is already saved)", partial(self.run_action, "app.quit")
        )

    # -- errors and workers ----------------------------------------------------------------------------

    async def run_action(self, action: Any, default_namespace: Any = None, namespaces: Any = None) -> bool:
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except Exception as error:
            self.report_error(error)
            return True

    def report_error(self, error: BaseException) -> None:
        title, message = describe(error)
        if title != "Error":
            self.log.error(format_traceback(error))
        self.notify(message, title=title, severity="error", timeout=12, markup=False)

    @contextmanager
    def thread_store(self) -> Iterator[Database]:
        store = open_database(self.db_path, create=False)
        try:
            yield store
        finally:
            store.close()


def make_participant_app(
    db_path: Path | str,
    assessment_id: int,
    *,
    theme: str | None = None,
    refresh_interval: float = REFRESH_SECONDS,
) -> ParticipantApp:
    """Open the database (it must exist) and the assessment, and build the participant app; raises a
    KamError for a bad file or an unknown assessment before anything is shown."""
    from kamtui.service.participants import open_assessment

    store = open_database(Path(db_path), create=False)
    try:
        view = open_assessment(store, assessment_id)
        return ParticipantApp(store, view, theme=theme, refresh_interval=refresh_interval)
    except BaseException:
        store.close()
        raise
