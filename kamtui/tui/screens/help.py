"""The help modal (F1 or ?): what the current screen does and every key it answers to."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def screen_keys(screen: Screen) -> list[tuple[str, str]]:
    """(keys, description) for the bindings active on ``screen``, keys of one action joined."""
    app = screen.app
    grouped: dict[tuple[str, str], list[str]] = {}
    for active in screen.active_bindings.values():
        binding = active.binding
        if binding.system or not binding.description:
            continue
        display = app.get_key_display(binding)
        keys = grouped.setdefault((binding.action, binding.description), [])
        if display not in keys:
            keys.append(display)
    return [(" ".join(keys), description) for (_, description), keys in grouped.items()]


def reflow(text: str) -> str:
    """Join the lines of each paragraph (help texts are wrapped in the source, not on screen)."""
    paragraphs = [
        " ".join(line.strip() for line in block.splitlines()) for block in text.strip().split("\n\n")
    ]
    return "\n\n".join(paragraphs)


class HelpModal(ModalScreen[None]):
    """Lists the screen's purpose and keys; Escape, Enter, F1 or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter,f1,question_mark,q", "close", "Close", key_display="Esc"),
    ]

    def __init__(self, title: str, text: str, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.help_title = title
        self.help_text = text
        self.keys = keys

    @classmethod
    def for_screen(cls, screen: Screen) -> HelpModal:
        title = getattr(screen, "HELP_TITLE", "") or screen.title or "kamtui"
        text = getattr(screen, "HELP_TEXT", "") or ""
        keys = screen_keys(screen)
        keys.append(("ctrl+p", "Command palette: every action by name"))
        return cls(title, text, keys)

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for keys, description in self.keys:
            table.add_row(keys, description)
        with Vertical(id="help-dialog", classes="dialog"):
            yield Static(Text(f"Help: {self.help_title}"), classes="dialog-title")
            with VerticalScroll(id="help-body"):
                if self.help_text:
                    yield Static(reflow(self.help_text), id="help-text", markup=False)
                yield Static(table, id="help-keys")
            yield Static("Esc closes this help", classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
