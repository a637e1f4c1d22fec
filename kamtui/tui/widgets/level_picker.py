"""The five maturity levels with what each looks like for the current element; the answer is highlighted.

Clicking a level answers with it (on the survey screen the keys 1-5 do the same, or ↑/↓ and Enter).
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from kamtui.core.levels import LEVELS
from kamtui.tui.themes import LEVEL_KEYS


def chip_style(level: int) -> str:
    """The level chip's style: the theme's ink on the level's colour (CSS variables, resolved on render)."""
    return f"bold $level-ink on $level-{LEVEL_KEYS[level - 1]}"


class LevelRow(Horizontal):
    DEFAULT_CSS = """
    LevelRow {
        height: auto;
        & > .level-name {
            width: 16;
            padding: 0 1;
            text-style: bold;
        }
        & > .level-desc {
            width: 1fr;
            padding: 0 1;
        }
        &.-selected {
            background: $accent 25%;
        }
        &.-selected > .level-desc {
            text-style: bold;
        }
        &.-looking > .level-name {
            text-style: bold reverse;
        }
        &.-inline > .level-name {
            display: none;
        }
        &.-inline > .level-desc {
            padding: 0;
        }
    }
    """

    def __init__(self, level: int, name: str) -> None:
        super().__init__(classes=f"level-row level-{level}")
        self.level = level
        self.level_title = name

    def compose(self) -> ComposeResult:
        yield Static(Text(f"{self.level} {self.level_title}"), classes=f"level-name level-name-{self.level}")
        yield Static("", classes="level-desc", markup=False)

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(LevelPicker.Picked(self.level))

    def describe(self, description: str, inline: bool) -> None:
        """Two columns (chip | description), or ``inline``: the chip starts the description, which wraps
        under it over the whole width (compact layout: every word shown, fewer lines)."""
        self.set_class(inline, "-inline")
        desc = self.query_one(".level-desc", Static)
        if inline:
            desc.update(Content.assemble((f" {self.level} {self.level_title} ", chip_style(self.level)), " ", description))
        else:
            desc.update(Content(description))


class LevelPicker(Vertical):
    """Five :class:`LevelRow` s; ``show(descriptions, selected)`` fills and highlights them."""

    DEFAULT_CSS = """
    LevelPicker {
        height: auto;
    }
    """

    class Picked(Message):
        def __init__(self, level: int) -> None:
            super().__init__()
            self.level = level

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._descriptions: tuple[str, ...] = ()
        self._inline = False

    @property
    def inline(self) -> bool:
        return self._inline

    def set_inline(self, inline: bool) -> None:
        """Compact layout: each level's name starts its description, which wraps over the full width."""
        if inline != self._inline:
            self._inline = inline
            self._describe()

    def _describe(self) -> None:
        for row, description in zip(self.query(LevelRow), self._descriptions, strict=False):
            row.describe(description, self._inline)

    def compose(self) -> ComposeResult:
        for level in LEVELS:
            yield LevelRow(level.number, level.name)

    def show(self, descriptions: Sequence[str], selected: int | None, looking: int | None = None) -> None:
        """Fill in the descriptions; ``selected`` is the answer, ``looking`` the level under the cursor."""
        descriptions = tuple(descriptions)
        if descriptions != self._descriptions:  # the same for all statements of an element
            self._descriptions = descriptions
            self._describe()
        for row in self.query(LevelRow):
            if row.has_class("-selected") != (row.level == selected):
                row.set_class(row.level == selected, "-selected")
            if row.has_class("-looking") != (row.level == looking):
                row.set_class(row.level == looking, "-looking")
