"""Choosing the earlier assessment the results are compared with (the trend)."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

NO_COMPARISON = "none"


class CompareModal(ModalScreen[int | str | None]):
    """Dismisses with an assessment id, ``NO_COMPARISON``, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, choices: list[tuple[int, str]], current: int | None) -> None:
        super().__init__()
        self.choices = choices
        self.current = current

    def compose(self) -> ComposeResult:
        options = [Option("No comparison (no trend)", id=NO_COMPARISON)]
        options += [Option(label, id=str(assessment_id)) for assessment_id, label in self.choices]
        with Vertical(id="compare-dialog", classes="dialog"):
            yield Static("Compare with an earlier assessment", classes="dialog-title")
            yield OptionList(*options, id="compare-list")
            yield Static("Enter chooses · Esc cancels", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        wanted = NO_COMPARISON if self.current is None else str(self.current)
        for index in range(options.option_count):
            if options.get_option_at_index(index).id == wanted:
                options.highlighted = index
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = event.option.id
        self.dismiss(NO_COMPARISON if option_id == NO_COMPARISON else int(option_id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)
