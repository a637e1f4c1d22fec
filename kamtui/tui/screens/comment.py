"""The comment dialog of the survey: one line of text on the current indicator."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static


class CommentModal(ModalScreen[str | None]):
    """Dismisses with the comment text (empty: remove the comment) or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, indicator_id: str, indicator_text: str, comment: str | None) -> None:
        super().__init__()
        self.indicator_id = indicator_id
        self.indicator_text = indicator_text
        self.comment = comment or ""

    def compose(self) -> ComposeResult:
        with Vertical(id="comment-dialog", classes="dialog"):
            yield Static(f"Comment on {self.indicator_id}", classes="dialog-title", markup=False)
            yield Static(self.indicator_text, classes="dialog-text", markup=False)
            yield Input(self.comment, placeholder="Your comment", id="comment-input")
            yield Static("Enter saves · empty removes the comment · Esc cancels", classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
