"""What every kamtui screen shares: help text, palette commands and the header line."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from textual.widget import Widget

    from kamtui.tui.app import KamApp


class KamScreen(Screen[None]):
    """A full screen of the app. ``HELP_TEXT`` feeds the help modal; ``PALETTE`` the command palette."""

    HELP_TEXT: ClassVar[str] = ""
    PALETTE: ClassVar[tuple[tuple[str, str, str], ...]] = ()  # (title, help, action on this screen)

    @property
    def kam(self) -> KamApp:
        return cast("KamApp", self.app)

    def palette_commands(self) -> tuple[tuple[str, str, str], ...]:
        return self.PALETTE

    def set_header(self, title: str, programme: str | None = None) -> None:
        """Header: ``title — programme · database``."""
        self.title = title
        self.sub_title = " · ".join(part for part in (programme, self.kam.db_label) if part)

    def loaded(self, widget: Widget) -> None:
        """``widget`` has its data: uncover it and tell the footer, whose keys change with it (the covered
        widget's own keys did not count; Textual does not refresh the footer when a cover goes)."""
        widget.loading = False
        self.refresh_bindings()
