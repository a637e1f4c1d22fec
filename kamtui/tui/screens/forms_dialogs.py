"""Answer forms from Home (README, "Answer forms"): write one form per person for the highlighted assessment,
and collect returned forms with a preview of what will be written before anything is.

The dialogs only gather what the user types; Home runs ``kamtui.service.forms`` in thread workers: the
write, the collection's dry run (shown in :class:`CollectPreviewModal`), then the collection itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

if TYPE_CHECKING:
    from kamtui.core.forms import CollectResult


@dataclass(frozen=True)
class FormsRequest:
    """What to write: a people file (named assessment) or a number of blank coded forms (anonymous), and
    the folder (None: the default one beside the exports)."""

    people_file: str | None = None
    blank: int | None = None
    output: str | None = None


def blank_count(text: str) -> int | str:
    """The number of blank forms typed, or why it is not one."""
    text = text.strip()
    if not text.isdigit() or not 1 <= int(text) <= 1000:
        return "the number of forms is a whole number from 1 to 1000"
    return int(text)


class WriteFormsModal(ModalScreen[FormsRequest | None]):
    """Asks for the people file (or, for an anonymous assessment, how many blank forms) and the folder."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="kam.forms.cancel")]

    def __init__(self, title: str, anonymous: bool) -> None:
        super().__init__()
        self.assessment_title = title
        self.anonymous = anonymous

    def compose(self) -> ComposeResult:
        with Vertical(id="forms-dialog", classes="dialog"):
            yield Static(f"Answer forms for {self.assessment_title}", classes="dialog-title", markup=False)
            if self.anonymous:
                yield Static(
                    "Confidential assessment: each form carries a code, never a name.", classes="dialog-text"
                )
                yield Input(placeholder="How many blank forms, e.g. 25", id="forms-source")
            else:
                yield Static(
                    "One form per person in a CSV/XLSX file (name, role, email).",
                    classes="dialog-text",
                )
                yield Input(placeholder="People file, e.g. ~/workshop/people.csv", id="forms-source")
            yield Input(placeholder="Folder (blank: exports/forms-...)", id="forms-output")
            yield Static("", id="forms-error", classes="dialog-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Write forms", variant="primary", id="forms-write")
                yield Button("Cancel", id="forms-cancel")
            yield Static(
                "Enter: the next field, then write · Esc cancels", classes="dialog-hint"
            )

    def on_mount(self) -> None:
        self.query_one("#forms-source", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "forms-source":
            self.query_one("#forms-output", Input).focus()
        else:
            self._submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "forms-write":
            self._submit()
        else:
            self.dismiss(None)

    def _submit(self) -> None:
        source = self.query_one("#forms-source", Input).value.strip()
        output = self.query_one("#forms-output", Input).value.strip() or None
        error = self.query_one("#forms-error", Static)
        if self.anonymous:
            count = blank_count(source)
            if isinstance(count, str):
                error.update(count)
                return
            self.dismiss(FormsRequest(blank=count, output=output))
        elif not source:
            error.update("name the file of people the forms are for")
        else:
            self.dismiss(FormsRequest(people_file=source, output=output))

    def action_cancel(self) -> None:
        self.dismiss(None)


class CollectFormsModal(ModalScreen[str | None]):
    """Asks where the returned forms are (a folder of .xlsx files, or one file)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="kam.collect.cancel")]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.assessment_title = title

    def compose(self) -> ComposeResult:
        with Vertical(id="collect-dialog", classes="dialog"):
            yield Static(
                f"Collect returned forms: {self.assessment_title}", classes="dialog-title", markup=False
            )
            yield Input(placeholder="Folder of returned forms, or one .xlsx file", id="collect-path")
            yield Static(
                "Enter shows what would be written (nothing is written yet) · Esc cancels",
                classes="dialog-hint",
            )

    def on_mount(self) -> None:
        self.query_one("#collect-path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)


def preview_table(result: CollectResult) -> Table:
    """Respondent, answered / total and file name of each form (the folder was just typed)."""
    table = Table(box=None, pad_edge=False, show_edge=False)
    table.add_column("Respondent", overflow="fold")
    table.add_column("Answered", justify="right", no_wrap=True)
    table.add_column("File", overflow="fold")
    for form in result.forms:
        table.add_row(form.respondent, f"{form.answered}/{form.total}", Path(form.file).name)
    return table


def preview_words(result: CollectResult) -> str:
    answers = len(result.rows)
    forms = len(result.forms)
    text = f"{answers} answer{'s' * (answers != 1)} from {forms} form{'s' * (forms != 1)} will be written."
    if result.missing:
        text += " No form back yet from: " + ", ".join(result.missing) + "."
    return text


class CollectPreviewModal(ModalScreen[bool]):
    """The dry run of a collection: Write (y) stores every answer of every form, Cancel (n) nothing."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Write", id="kam.collect.write"),
        Binding("n,escape", "answer(False)", "Cancel", key_display="n/Esc", id="kam.collect.no"),
    ]

    def __init__(self, result: CollectResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        with Vertical(id="collect-preview", classes="dialog"):
            yield Static("Write these answers?", classes="dialog-title")
            with VerticalScroll(id="collect-forms"):
                yield Static(preview_table(self.result), id="collect-table")
            yield Static(preview_words(self.result), id="collect-words", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Write (y)", variant="primary", id="collect-yes")
                yield Button("Cancel (n)", id="collect-no")

    def on_mount(self) -> None:
        self.query_one("#collect-no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "collect-yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
