"""The attractiveness x strength portfolio drawn in the terminal (no plotting library).

x = strength 0-10 (left to right), y = attractiveness 0-10 (bottom to top), lines at the thresholds, the
quadrant names in their corners (Star top-left, Strategic top-right, Streamline bottom-left, Status
bottom-right). Each account is a marker with a short label (its rank); selected accounts are drawn bold
in the theme's green, the highlighted account in reverse video with its name beside it.

The picture is drawn into a character grid when the data or the size changes; :meth:`render_line` hands
out its rows as Strips.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.segment import Segment
from rich.style import Style
from textual.color import Color
from textual.strip import Strip
from textual.widget import Widget

AXIS_W = 4  # "10 ┤"


@dataclass(frozen=True)
class Point:
    account: str
    label: str
    strength: float
    attractiveness: float
    selected: bool


class PortfolioPlot(Widget):
    """Accounts on the portfolio matrix; :meth:`show` sets them, :meth:`highlight` the one under the cursor."""

    DEFAULT_CSS = """
    PortfolioPlot {
        height: 1fr;
        width: 1fr;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.points: list[Point] = []
        self.thresholds = (5.0, 5.0)  # (strength, attractiveness)
        self.highlighted: str | None = None
        self.unplaced = 0
        self._grid: list[list[tuple[str, Style]]] = []
        self._grid_size = (0, 0)

    def show(self, points: list[Point], thresholds: tuple[float, float], unplaced: int = 0) -> None:
        self.points = points
        self.thresholds = thresholds
        self.unplaced = unplaced
        self._grid_size = (0, 0)
        self.refresh()

    def highlight(self, account: str | None) -> None:
        if account != self.highlighted:
            self.highlighted = account
            self._grid_size = (0, 0)
            self.refresh()

    # -- geometry ------------------------------------------------------------------------------------

    def plot_area(self) -> tuple[int, int]:
        width, height = self.size
        return max(10, width - AXIS_W - 1), max(5, height - 2)

    def cell_of(self, strength: float, attractiveness: float) -> tuple[int, int]:
        """(column, row) inside the plot area of a point."""
        w, h = self.plot_area()
        x = round(max(0.0, min(10.0, strength)) / 10.0 * (w - 1))
        y = round((10.0 - max(0.0, min(10.0, attractiveness))) / 10.0 * (h - 1))
        return x, y

    # -- drawing -------------------------------------------------------------------------------------

    def _styles(self) -> dict[str, Style]:
        v = self.app.theme_variables
        base = self.rich_style
        background = self.background_colors[1]

        def colour(key: str, fallback: str = "foreground"):
            value = v.get(key) or v.get(fallback) or "#808080"
            return (background + Color.parse(value)).rich_color  # blend any alpha onto the background

        return {
            "base": base,
            "line": base + Style(color=colour("foreground-muted")),
            "axis": base + Style(color=colour("foreground")),
            "name": base + Style(color=colour("primary"), bold=True),
            "dot": base + Style(color=colour("foreground")),
            "selected": base + Style(color=colour("level-green"), bold=True),
            "cursor": base + Style(color=colour("accent"), bold=True, reverse=True),
        }

    def _build(self) -> None:
        width, height = self.size
        styles = self._styles()
        grid = [[(" ", styles["base"]) for _ in range(width)] for _ in range(height)]
        w, h = self.plot_area()
        left = AXIS_W + 1

        def put(col: int, row: int, text: str, style: Style, over: bool = True) -> None:
            for k, char in enumerate(text):
                c = left + col + k
                inside = 0 <= row < h and left <= c < min(width, left + w)
                if inside and (over or grid[row][c][0] in " ─│┼"):
                    grid[row][c] = (char, style)

        # quadrant lines
        tx, ty = self.cell_of(*self.thresholds)
        for row in range(h):
            put(tx, row, "│", styles["line"])
        for col in range(w):
            put(col, ty, "┼" if col == tx else "─", styles["line"])
        # axis
        for row in range(h):
            label = ""
            if row == 0:
                label = "10"
            elif row == h - 1:
                label = "0"
            elif row == ty:
                label = f"{self.thresholds[1]:g}"
            text = f"{label:>{AXIS_W - 1}} ┤" if label else " " * (AXIS_W) + "│"
            for k, char in enumerate(text[: AXIS_W + 1]):
                grid[row][k] = (char, styles["axis"])
        if h < height:
            axis_row = "└" + "─" * w
            for k, char in enumerate(axis_row):
                if AXIS_W + k < width:
                    grid[h][AXIS_W + k] = (char, styles["axis"])
        if h + 1 < height:
            caption = f"0{'strength →':^{max(0, tx - 1)}}{self.thresholds[0]:g}"
            end = "10"
            line = caption.ljust(w - len(end)) + end
            for k, char in enumerate(line):
                if left + k < width:
                    grid[h + 1][left + k] = (char, styles["axis"])
        # quadrant names (inside their corners)
        names = (
            ("Star", 1, 0, False),
            ("Strategic", w - 10, 0, True),
            ("Streamline", 1, h - 1, False),
            ("Status", w - 7, h - 1, True),
        )
        for name, col, row, right in names:
            col = max(0, w - len(name) - 1) if right else col
            put(col, row, name, styles["name"])
        put(1, max(1, ty // 2), "↑ attractiveness", styles["line"], over=False)
        # accounts: plain, then selected, then the highlighted one on top
        order = sorted(self.points, key=lambda p: (p.account == self.highlighted, p.selected))
        for point in order:
            col, row = self.cell_of(point.strength, point.attractiveness)
            if point.account == self.highlighted:
                put(col, row, "◆" + point.label, styles["cursor"])
                name = f" {point.account}"
                if col + 1 + len(point.label) + len(name) > w:  # no room on the right: write it on the left
                    put(max(0, col - len(name)), row, name, styles["cursor"])
                else:
                    put(col + 1 + len(point.label), row, name, styles["cursor"])
            elif point.selected:
                put(col, row, "●", styles["selected"])
                put(col + 1, row, point.label, styles["selected"], over=False)
            else:
                put(col, row, "·", styles["dot"])
                put(col + 1, row, point.label, styles["dot"], over=False)
        self._grid = grid
        self._grid_size = (width, height)

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        if self._grid_size != (width, height):
            self._build()
        if y >= len(self._grid):
            return Strip.blank(width, self.rich_style)
        row = self._grid[y]
        segments: list[Segment] = []
        text, style = "", None
        for char, char_style in row:
            if char_style is style:
                text += char
            else:
                if text:
                    segments.append(Segment(text, style))
                text, style = char, char_style
        if text:
            segments.append(Segment(text, style))
        return Strip(segments, width)

    def on_resize(self) -> None:
        self._grid_size = (0, 0)
