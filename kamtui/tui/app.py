"""The kamtui application: :class:`KamApp` and :func:`make_app`, used by ``kamtui`` and by the tests.

The app owns one store connection for the UI thread (reads and the one-row answer writes, which take well
under a millisecond); thread workers open their own connection with :meth:`KamApp.thread_store`.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from kamtui.core.served import SERVED_ENV
from kamtui.core.trend import PREVIOUS
from kamtui.service.database import Database, open_database, set_user_setting, user_setting
from kamtui.tui.errors import describe, format_traceback
from kamtui.tui.served_header import watch_served_header

if TYPE_CHECKING:
    from kamtui.tui.selection_session import SelectionSession
from kamtui.tui.themes import (
    DEFAULT_THEME,
    LEVEL_DEFAULTS,
    PROJECTOR_CLASS,
    PROJECTOR_THEME,
    THEMES,
)

THEME_META_KEY = "theme"
THEME_ALIASES = {"default": DEFAULT_THEME, "projector": PROJECTOR_THEME}
REFRESH_SECONDS = 2.0
SELECTION_COMMANDS = (
    (
        "Accounts",
        "Account selection: the accounts matrix, edit values, import a file (a on Home)",
        "app.accounts",
    ),
    (
        "Weights",
        "Account selection: criteria weights, pairwise comparison, live ranking (w on Home)",
        "app.weights",
    ),
    (
        "Ranking",
        "Account selection: ranked accounts, limits, pins, save and export (k on Home)",
        "app.ranking",
    ),
    ("Portfolio", "Account selection: the attractiveness x strength matrix (p on Home)", "app.portfolio"),
    ("Compare runs", "Account selection: what changed between two saved runs (d on Weights)", "app.compare_runs"),
)


class KamApp(App[None]):
    """kamtui's terminal application: assessments, survey, results."""

    CSS_PATH = "app.tcss"
    TITLE = "kamtui"
    NOTIFICATION_TIMEOUT = 6

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1,question_mark", "help", "Help", key_display="F1/?", id="kam.help"),
        Binding("f2,t", "toggle_theme", "Projector", key_display="F2/t", id="kam.toggle-theme"),
        Binding("q", "quit", "Quit", id="kam.quit"),
    ]

    def __init__(
        self,
        store: Database,
        *,
        theme: str | None = None,
        db_label: str | None = None,
        results: int | None = None,
        compare: int | None = None,
        refresh_interval: float = REFRESH_SECONDS,
    ) -> None:
        super().__init__()
        for kam_theme in THEMES:
            self.register_theme(kam_theme)
        self.store = store  # the UI thread's handle on the database (workers use thread_store)
        self.db_path: Path = store.path
        if db_label is None:  # served to a browser (kamtui serve), the header never names the server's file
            db_label = "" if os.environ.get(SERVED_ENV) == "1" else str(store.path)
        self.db_label = db_label
        self.refresh_interval = refresh_interval
        self._start_results = results
        self._start_compare = compare
        self._persist_theme = False
        chosen = THEME_ALIASES.get(theme or "", theme) or user_setting(store, THEME_META_KEY) or DEFAULT_THEME
        before = self.theme
        self.theme = chosen if chosen in self.available_themes else DEFAULT_THEME
        self.set_class(self.theme == PROJECTOR_THEME, PROJECTOR_CLASS)
        if self.theme != before:
            # Nothing is parsed yet: the first parse takes this theme's variables, so the refresh the
            # change queued would only parse the whole stylesheet again (~50 ms of every start).
            self.stylesheet.set_variables(self.get_css_variables())
            self._theme_parsed = True

    _theme_parsed = False  # the stylesheet has the start's theme already (see __init__)

    def refresh_css(self, animate: bool = True) -> None:
        if self._theme_parsed:
            self._theme_parsed = False  # the start's own refresh: the stylesheet already has the theme
            return
        super().refresh_css(animate=animate)

    # -- screens -------------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        from kamtui.tui.screens.home import HomeScreen

        return HomeScreen()

    def on_mount(self) -> None:
        self._persist_theme = True
        watch_served_header(self)
        if self._start_results is not None:
            start = self._start_compare
            self.open_results(self._start_results, PREVIOUS if start is None else start)  # one default trend

    def on_unmount(self) -> None:
        self.store.close()

    def open_results(self, assessment_id: int, compare: int | str | None = PREVIOUS) -> None:
        from kamtui.tui.screens.results import ResultsScreen

        self.push_screen(ResultsScreen(assessment_id, compare=compare))

    # -- account selection -----------------------------------------------------------------------------

    def _open_selection(self, screen: Screen) -> None:
        """Open a selection screen; from another selection screen it replaces that one (Esc goes back)."""
        from kamtui.tui.screens.selection_screens import SELECTION_SCREENS

        if isinstance(self.screen, SELECTION_SCREENS):
            self.switch_screen(screen)
        else:
            self.push_screen(screen)

    def action_accounts(self) -> None:
        """The accounts matrix: edit values, add, rename, remove, import."""
        from kamtui.tui.screens.accounts import AccountsScreen

        if not isinstance(self.screen, AccountsScreen):
            self._open_selection(AccountsScreen())

    def action_weights(self, focus: str = "weights") -> None:
        """Weights and the live ranking (focus on the weights, or on the ranking)."""
        from kamtui.tui.screens.selection import SelectionScreen

        if isinstance(self.screen, SelectionScreen):
            self.screen.query_one("#weights" if focus == "weights" else "#ranking").focus()
        else:
            self._open_selection(SelectionScreen(focus))

    def action_ranking(self) -> None:
        """The ranking (with the weights beside it)."""
        self.action_weights("ranking")

    def action_portfolio(self) -> None:
        """The attractiveness x strength portfolio."""
        from kamtui.tui.screens.portfolio import PortfolioScreen

        if not isinstance(self.screen, PortfolioScreen):
            self._open_selection(PortfolioScreen())

    def action_compare_runs(self) -> None:
        """Two saved selection runs side by side: what entered, left and moved."""
        from kamtui.tui.screens.run_compare import RunCompareScreen

        if not isinstance(self.screen, RunCompareScreen):
            self.push_screen(RunCompareScreen())

    def action_join(self) -> None:
        """The join link and its QR code: of the assessment on Results, else of the one being served."""
        from kamtui.tui.screens.join import JoinScreen
        from kamtui.tui.screens.results import ResultsScreen

        screen = self.screen
        if isinstance(screen, JoinScreen):
            return
        self.push_screen(JoinScreen(screen.assessment_id if isinstance(screen, ResultsScreen) else None))

    def action_home(self) -> None:
        """Back to the list of assessments."""
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def action_new_assessment(self) -> None:
        """From anywhere: go home and ask for a new assessment."""
        self.action_home()
        self.call_after_refresh(self.screen.run_action, "new_assessment")

    # -- theme ---------------------------------------------------------------------------------------

    def get_theme_variable_defaults(self) -> dict[str, str]:
        """Level colours for themes that do not define them (any Textual theme chosen in the palette)."""
        defaults = dict(LEVEL_DEFAULTS)
        if not self.current_theme.dark:
            defaults["bar-track"] = "#d0d0d0"
        return defaults

    @functools.cached_property
    def selection(self) -> SelectionSession:
        """The account-selection screens' shared state (made on first use: it loads numpy)."""
        from kamtui.tui.selection_session import SelectionSession

        return SelectionSession()

    @property
    def projector(self) -> bool:
        return self.theme == PROJECTOR_THEME

    def action_toggle_theme(self) -> None:
        """Switch between the default and the projector theme (remembered in the database)."""
        self.theme = DEFAULT_THEME if self.projector else PROJECTOR_THEME

    def watch_theme(self, theme: str) -> None:
        self.set_class(theme == PROJECTOR_THEME, PROJECTOR_CLASS)
        if self._persist_theme:
            try:
                set_user_setting(self.store, THEME_META_KEY, theme)
            except Exception as error:
                self.report_error(error)

    # -- help and the command palette -----------------------------------------------------------------

    def action_help(self) -> None:
        """Show what the current screen does and its keys."""
        from textual.screen import ModalScreen

        from kamtui.tui.screens.help import HelpModal

        screen = self.screen
        if isinstance(screen, ModalScreen):
            return
        self.push_screen(HelpModal.for_screen(screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for title, help_text, action in getattr(screen, "palette_commands", lambda: ())():
            yield SystemCommand(title, help_text, partial(self.run_action, action, screen))
        from kamtui.tui.screens.home import HomeScreen

        if not isinstance(screen, HomeScreen):
            yield SystemCommand(
                "Assessments", "Back to the list of assessments", partial(self.run_action, "app.home")
            )
            yield SystemCommand(
                "New assessment",
                "Create a healthcheck assessment (title, programme, survey)",
                partial(self.run_action, "app.new_assessment"),
            )
        for title, help_text, action in SELECTION_COMMANDS:
            yield SystemCommand(title, help_text, partial(self.run_action, action))
        yield SystemCommand(
            "Join link",
            "The workshop's join link and its QR code, to project (j on Results)",
            partial(self.run_action, "app.join"),
        )
        yield SystemCommand(
            "Toggle projector theme",
            "High contrast and larger spacing for workshops (F2 or t); remembered in the database",
            partial(self.run_action, "app.toggle_theme"),
        )
        yield SystemCommand(
            "Help", "What this screen does and its keys (F1 or ?)", partial(self.run_action, "app.help")
        )
        for command in super().get_system_commands(screen):
            if command.title in {"Theme", "Keys", "Screenshot"}:
                yield command
        yield SystemCommand(
            "Quit", "Quit kamtui (every answer is already saved)", partial(self.run_action, "app.quit")
        )

    # -- errors and workers --------------------------------------------------------------------------

    async def run_action(self, action: Any, default_namespace: Any = None, namespaces: Any = None) -> bool:
        """Every key binding and palette command goes through here: a failure becomes a notification."""
        try:
            return await super().run_action(action, default_namespace, namespaces)
        except Exception as error:
            self.report_error(error)
            return True

    def report_error(self, error: BaseException) -> None:
        """The one place errors are shown: a KamError's message, or the type and text of a bug."""
        title, message = describe(error)
        if title != "Error":
            self.log.error(format_traceback(error))
        self.notify(message, title=title, severity="error", timeout=12, markup=False)

    @contextmanager
    def thread_store(self) -> Iterator[Database]:
        """The worker thread's own handle on the database (each thread keeps one connection for its life)."""
        store = open_database(self.db_path, create=False)
        try:
            yield store
        finally:
            store.close()


def make_app(
    db_path: Path | str,
    *,
    theme: str | None = None,
    db_label: str | None = None,
    results: int | None = None,
    compare: int | None = None,
    refresh_interval: float = REFRESH_SECONDS,
) -> KamApp:
    """Open (creating if needed) the database and build the app; raises DatabaseError for a bad file.

    ``theme``: ``"default"``/``"projector"`` (or any registered theme name) instead of the remembered one;
    ``db_label``: what the header shows for the database (default: its path);
    ``results``/``compare``: open straight on the results of an assessment, compared with another.
    """
    from kamtui.tui.blas import one_blas_thread

    one_blas_thread()
    store = open_database(Path(db_path))
    try:
        return KamApp(
            store,
            theme=theme,
            db_label=db_label,
            results=results,
            compare=compare,
            refresh_interval=refresh_interval,
        )
    except BaseException:
        store.close()
        raise
