"""The import's mapping step: how each column of an accounts file is read, and a dialog to change it.

Each file column is shown with its reading (an account field, a criterion, kept as an attribute or ignored)
and how that was decided (its own name, a common CRM name, a map remembered for the criteria set, or
nothing: an extra column), with the first values below it, so a person can check a guess before anything
is read (README, "The app": Accounts). The rules are :mod:`kamtui.core.column_map`'s.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from kamtui.core.column_map import (
    BY_EXTRA,
    BY_MAP,
    BY_NAME,
    BY_REMEMBERED,
    BY_SYNONYM,
    IGNORE,
    KEEP,
    ColumnPlan,
    describe_target,
    target_names,
)
from kamtui.core.criteria import CriteriaSet
from kamtui.core.table import Table, cell_text
from kamtui.tui.format import clip

HOW = {
    BY_MAP: "chosen",
    BY_REMEMBERED: "remembered",
    BY_NAME: "its name",
    BY_SYNONYM: "CRM name",
    BY_EXTRA: "other column",
}
SAMPLES = 3  # first values shown per column


def needs_review(plan: ColumnPlan) -> bool:
    """True when some column was guessed (a CRM name, a remembered map) or set aside: show the mapping
    step first; a file whose columns all read by their own names (or are extras) goes to the check."""
    return any(c.how in (BY_SYNONYM, BY_REMEMBERED) or c.note for c in plan.choices)


def column_rows(plan: ColumnPlan, table: Table, criteria: CriteriaSet) -> list[tuple[Text | str, ...]]:
    """One row per file column: its name, the reading, how it was decided, its first values."""
    rows = []
    for choice in plan.choices:
        samples = []
        for _, cells in table.rows:
            text = cell_text(cells[choice.position])
            if text:
                samples.append(clip(text, 14))
            if len(samples) == SAMPLES:
                break
        style = "dim" if choice.target == IGNORE else "italic" if choice.target == KEEP else "bold"
        how = HOW.get(choice.how, choice.how) + (f" ({choice.note})" if choice.note else "")
        rows.append(
            (
                clip(choice.shown, 26),
                Text(clip(describe_target(choice.target, criteria), 28), style=style),
                clip(how, 30),
                " · ".join(samples),
            )
        )
    return rows


class ColumnPickModal(ModalScreen[str | None]):
    """Choose how one column is read: a field, a criterion, keep as attribute or ignore."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", key_display="Esc", id="kam.import.column.cancel"),
    ]

    def __init__(self, column: str, current: str, criteria: CriteriaSet) -> None:
        super().__init__()
        self.column = column
        self.current = current
        self.criteria = criteria

    def compose(self) -> ComposeResult:
        with Vertical(id="column-pick-dialog", classes="dialog"):
            yield Static(f"Read column '{self.column}' as", classes="dialog-title", markup=False)
            yield OptionList(
                *(Option(describe_target(t, self.criteria), id=t) for t in target_names(self.criteria)),
                id="column-pick",
            )
            yield Static("Enter chooses · Esc keeps it as it is", classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = list(target_names(self.criteria)).index(self.current)
        options.focus()

    @on(OptionList.OptionSelected, "#column-pick")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
