"""The help modal (F1 or ?): what the current screen does and every key it answers to."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static


def screen_keys(screen: Screen) -> list[tuple[str, str]]:
    """(keys, description) for the bindings active on ``screen``, keys of one action joined.

    The screen's own keys come first, then those of the focused widget (a table's cursor keys), then the
    app's. A hidden binding is left out when a shown one calls the same action: ``1-5 Rate`` stands for
    ``answer(1)`` ... ``answer(5)``, so "2 Rate 2" ... "5 Rate 5" are not listed after it.
    """
    app = screen.app
    actives = [
        a
        for a in screen.active_bindings.values()
        if not a.binding.system and a.binding.description and a.binding.action != "command_palette"
    ]  # the palette is listed last, with what it does

    # what every Screen has (Tab, Shift+Tab, copy) goes with the app's keys, after the screen's own
    generic = {(b.key, b.action) for _, b in Screen._merged_bindings}

    def rank(active: ActiveBinding) -> int:
        if active.node is app or (active.binding.key, active.binding.action) in generic:
            return 2
        return 0 if active.node is screen else 1

    actives.sort(key=rank)  # stable: each group keeps its own order
    shown_actions = {_action_name(a.binding.action) for a in actives if a.binding.show}
    grouped: dict[tuple[str, str], list[str]] = {}
    for active in actives:
        binding = active.binding
        if not binding.show and _action_name(binding.action) in shown_actions:
            continue
        display = app.get_key_display(binding)
        keys = grouped.setdefault((binding.action, binding.description), [])
        if display not in keys:
            keys.append(display)
    return [(" ".join(keys), description) for (_, description), keys in grouped.items()]


def _action_name(action: str) -> str:
    """``answer(2)`` -> ``answer``."""
    return action.partition("(")[0]


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

    def on_mount(self) -> None:
        self._fit()

    def on_resize(self) -> None:
        self._fit()

    def _fit(self) -> None:
        """The text and keys scroll inside the dialog, which never grows past the screen (80x24 included)."""
        dialog = self.query_one("#help-dialog")
        spare = dialog.styles.gutter.height + 4  # the title and the hint, each with its margin
        room = int(self.size.height * 0.9)  # the dialog's max-height (app.tcss, .dialog)
        self.query_one("#help-body").styles.max_height = max(3, room - spare)

    def action_close(self) -> None:
        self.dismiss(None)
