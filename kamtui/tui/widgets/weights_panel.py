"""The weights of a criteria set: each criterion's points as a bar and its normalised share, by group.

Criterion names get the width there is (the bar shortens to 3 cells before a name is clipped). The panel
draws its lines itself (the line API), once per change: a weight key repaints it in well under a
millisecond, where a rich Text laid out again cost ~4 ms of every frame.
"""

from __future__ import annotations

from typing import ClassVar

from rich.segment import Segment
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from kamtui.core.criteria import GROUPS, CriteriaSet
from kamtui.tui.format import clip
from kamtui.tui.widgets.score_bar import score_bar

BAR = 6


class WeightsPanel(Widget, can_focus=True):
    """Criteria with points, bar and share; up/down move the cursor (the criterion +/- change)."""

    DEFAULT_CSS = """
    WeightsPanel {
        height: auto;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("home", "move(-99)", "First", show=False),
        Binding("end", "move(99)", "Last", show=False),
        Binding("enter", "screen.type_points", "Type points", key_display="Enter", id="kam.weights.type"),
    ]

    class Moved(Message):
        def __init__(self, criterion: str) -> None:
            super().__init__()
            self.criterion = criterion

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.criteria: CriteriaSet | None = None
        self.points: dict[str, float] = {}
        self.sources: dict[str, str] = {}
        self.cursor = 0
        self._lines: tuple[tuple, list[Strip]] | None = None

    def refresh(self, *regions, repaint: bool = True, layout: bool = False, recompose: bool = False):
        self._lines = None  # whatever changed (points, cursor, focus), the lines are drawn again
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines = None

    def show(
        self, criteria: CriteriaSet, points: dict[str, float], sources: dict[str, str] | None = None
    ) -> None:
        changed = self.criteria is None or self.criteria.ids != criteria.ids
        if changed:
            self.cursor = 0
        self.criteria = criteria
        self.points = dict(points)
        if sources is not None:
            self.sources = dict(sources)
        self.refresh(layout=changed)  # new points keep the height: a repaint of this panel alone

    @property
    def current(self) -> str | None:
        if self.criteria is None or not self.criteria.criteria:
            return None
        return self.criteria.criteria[self.cursor].id

    def action_move(self, step: int) -> None:
        if self.criteria is None:
            return
        self.cursor = max(0, min(len(self.criteria) - 1, self.cursor + step))
        self.refresh()
        if self.current is not None:
            self.post_message(self.Moved(self.current))

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1 if self.criteria is None else len(self.criteria) + len(GROUPS)

    def render_line(self, y: int) -> Strip:
        width = self.content_region.width
        key = (width, self.app.theme, self.has_focus)
        cached = self._lines
        if cached is None or cached[0] != key:
            console = self.app.console
            base = self.rich_style
            strips = []
            for line in self.render().split("\n"):
                segments = [
                    Segment(segment.text, base + segment.style if segment.style else base)
                    for segment in line.render(console)
                    if segment.text
                ]
                strips.append(Strip(segments).adjust_cell_length(width, base))
            cached = self._lines = (key, strips)
        strips = cached[1]
        return strips[y] if 0 <= y < len(strips) else Strip.blank(width, self.rich_style)

    def render(self) -> Text:
        if self.criteria is None:
            return Text("loading…", style="dim")
        variables = self.app.theme_variables
        width = max(20, self.content_region.width or 40)
        longest = max((len(c.name) for c in self.criteria.criteria), default=6) + 1  # with the cursor mark
        bar = max(3, min(BAR, width - 11 - longest))  # a shorter bar before a clipped name
        name_w = max(6, width - bar - 11)
        total = sum(self.points.values()) or 1.0
        top = max(self.points.values(), default=0.0) or 1.0
        colour = variables.get("primary", "blue")
        track = variables.get("bar-track")
        text = Text(no_wrap=True, overflow="crop")
        lines = 0
        for group in GROUPS:
            members = [(j, c) for j, c in enumerate(self.criteria.criteria) if c.group == group]
            share = sum(self.points[c.id] for _, c in members) / total
            if lines:
                text.append("\n")
            text.append(f"{group.capitalize()}  {share:.0%}", style="bold")
            lines += 1
            for j, c in members:
                points = self.points[c.id]
                marker = "▸" if j == self.cursor else " "
                style = (
                    "reverse" if (j == self.cursor and self.has_focus) else "bold" if j == self.cursor else ""
                )
                text.append("\n")
                text.append(f"{marker}{clip(c.name, name_w - 1):<{name_w - 1}}", style=style)
                text.append(" ")
                text.append_text(score_bar(points / top * 5.0, bar, colour, track))
                text.append(f"{points:4.3g}")
                text.append(f"{points / total:6.1%}", style="dim" if points == 0 else "")
                lines += 1
        return text

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()
