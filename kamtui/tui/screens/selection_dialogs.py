"""Small dialogs of the selection screens: one typed value (checked as you type), and the ranking limits.

A value is refused with the reason (the dialog stays open, nothing is written); Escape cancels.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, Static

from kamtui.core.errors import KamError

Check = Callable[[str], Any]  # text -> value, or raises KamError with the reason


class CheckValidator(Validator):
    """A Textual validator around a ``check`` function (the Input turns red while the text is refused)."""

    def __init__(self, check: Check) -> None:
        super().__init__()
        self.check = check

    def validate(self, value: str) -> ValidationResult:
        try:
            self.check(value)
        except KamError as error:
            return self.failure(str(error))
        return self.success()


class ValueModal(ModalScreen[Any]):
    """Ask for one value; dismisses with ``check(text)`` or None (Escape)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", key_display="Esc", id="kam.value.cancel"),
    ]

    def __init__(self, title: str, prompt: str, initial: str, check: Check, hint: str = "") -> None:
        super().__init__()
        self.dialog_title = title
        self.prompt = prompt
        self.initial = initial
        self.check = check
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="value-dialog", classes="dialog"):
            yield Static(self.dialog_title, classes="dialog-title", markup=False)
            yield Static(self.prompt, classes="dialog-text", markup=False)
            yield Input(
                self.initial,
                id="value-input",
                validators=[CheckValidator(self.check)],
                validate_on=["changed"],
            )
            yield Static("", id="value-error", classes="dialog-error", markup=False)
            yield Static(self.hint or "Enter saves · Esc cancels", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            value = self.check(event.value)
        except KamError as error:
            self.query_one("#value-error", Static).update(str(error))
            return
        self.dismiss(value)

    def on_input_changed(self, event: Input.Changed) -> None:
        self.query_one("#value-error", Static).update("")

    def action_cancel(self) -> None:
        self.dismiss(None)


class LimitsModal(ModalScreen[tuple[int, float | None, float | None] | None]):
    """K, total capacity (FTE) and the cap per KAM (FTE); blank capacity = no effort limit."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", key_display="Esc", id="kam.limits.cancel"),
    ]

    def __init__(self, top_k: int, capacity: float | None, per_kam: float | None) -> None:
        super().__init__()
        self.values = (top_k, capacity, per_kam)

    def compose(self) -> ComposeResult:
        top_k, capacity, per_kam = self.values
        with Vertical(id="limits-dialog", classes="dialog"):
            yield Static("Selection limits", classes="dialog-title")
            with Horizontal(classes="limits-row"):
                yield Label("Key accounts (K)", classes="limits-label")
                yield Input(str(top_k), id="limit-k", classes="limits-input")
            with Horizontal(classes="limits-row"):
                yield Label("Capacity (FTE)", classes="limits-label")
                yield Input(
                    "" if capacity is None else f"{capacity:g}", id="limit-capacity", classes="limits-input"
                )
            with Horizontal(classes="limits-row"):
                yield Label("Cap per KAM (FTE)", classes="limits-label")
                yield Input(
                    "" if per_kam is None else f"{per_kam:g}", id="limit-per-kam", classes="limits-input"
                )
            yield Static("", id="limits-error", classes="dialog-error", markup=False)
            yield Static(
                "Blank capacity: pick the best K. With a capacity the pick maximises the summed score "
                "within it (and the cap per KAM). Enter applies · Esc cancels",
                classes="dialog-hint",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Apply", variant="primary", id="limits-apply")
                yield Button("Cancel", id="limits-cancel")

    def on_mount(self) -> None:
        self.query_one("#limit-k", Input).focus()

    def _values(self) -> tuple[int, float | None, float | None]:
        from kamtui.service.ranking import parse_limits

        return parse_limits(
            self.query_one("#limit-k", Input).value,
            self.query_one("#limit-capacity", Input).value,
            self.query_one("#limit-per-kam", Input).value,
        )

    def _apply(self) -> None:
        try:
            values = self._values()
        except KamError as error:
            self.query_one("#limits-error", Static).update(str(error))
            return
        self.dismiss(values)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "limits-apply":
            self._apply()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
