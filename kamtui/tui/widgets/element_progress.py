"""The survey's left panel: each element with how many of its statements are answered (7/10)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.message import Message
from textual.widget import Widget

from kamtui.core.survey import Element
from kamtui.tui.format import clip


class ElementProgress(Widget):
    """One line per element; the current one is marked. Clicking an element jumps to it."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"element-progress--current", "element-progress--done"}
    DEFAULT_CSS = """
    ElementProgress {
        height: auto;
        width: 1fr;
        & > .element-progress--current {
            background: $primary;
            color: $text;
            text-style: bold;
        }
        & > .element-progress--done {
            color: $success;
        }
    }
    """

    class Chosen(Message):
        """An element was clicked."""

        def __init__(self, element_id: str) -> None:
            super().__init__()
            self.element_id = element_id

    def __init__(
        self, elements: Sequence[Element], *, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.elements = tuple(elements)
        self.answered: dict[str, int] = {e.id: 0 for e in self.elements}
        self.current: str | None = self.elements[0].id if self.elements else None

    def show(self, answered: dict[str, int], current: str | None) -> None:
        if answered != self.answered or current != self.current:
            self.answered = dict(answered)
            self.current = current
            self.refresh()

    def get_content_height(self, container, viewport, width: int) -> int:
        return len(self.elements)

    def render(self) -> Text:
        width = self.content_region.width or 30
        current_style = self.get_component_rich_style("element-progress--current")
        done_style = self.get_component_rich_style("element-progress--done")
        lines = []
        for element in self.elements:
            total = len(element.indicators)
            done = self.answered.get(element.id, 0)
            count = f"{done}/{total}"
            marker = "▶ " if element.id == self.current else "  "
            name_width = max(4, width - len(marker) - len(count) - 1)
            line = Text(
                marker + clip(element.name, name_width).ljust(name_width) + " " + count.rjust(len(count))
            )
            if element.id == self.current:
                line.stylize(current_style)
            elif done >= total:
                line.stylize(done_style)
            lines.append(line)
        return Text("\n").join(lines)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if 0 <= offset.y < len(self.elements):
            self.post_message(self.Chosen(self.elements[offset.y].id))
