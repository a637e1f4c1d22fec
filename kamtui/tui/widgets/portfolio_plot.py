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
Y_TITLE = "↑ attractiveness"
X_TITLE = "strength →"
QUADRANTS = (
    ("Star", False, True),
    ("Strategic", True, True),
    ("Streamline", False, False),
    ("Status", True, False),
)


@dataclass(frozen=True)
class Point:
    account: str
    label: str
    strength: float
    attractiveness: float
    selected: bool


@dataclass(frozen=True)
class Placed:
    """Text at (column, row) of the plot area; ``kind``: marker, label, cursor, selected, name (quadrant)."""

    col: int
    row: int
    text: str
    kind: str
    account: str | None = None

    def cells(self) -> list[tuple[int, int]]:
        return [(self.col + k, self.row) for k in range(len(self.text))]


@dataclass(frozen=True)
class Layout:
    """Where everything goes inside a ``width`` x ``height`` plot area: markers where the data puts them,
    then the quadrant names and the labels where they cover no marker, no name and no other label.
    ``hidden``: the accounts whose label found no free place (their marker is drawn)."""

    width: int
    height: int
    markers: list[Placed]
    names: list[Placed]
    labels: list[Placed]
    hidden: list[str]


def cell_in(strength: float, attractiveness: float, width: int, height: int) -> tuple[int, int]:
    """(column, row) in a ``width`` x ``height`` plot area of a point (row 0 at the top: 10)."""
    x = round(max(0.0, min(10.0, strength)) / 10.0 * (width - 1))
    y = round((10.0 - max(0.0, min(10.0, attractiveness))) / 10.0 * (height - 1))
    return x, y


def layout(points: list[Point], width: int, height: int, highlighted: str | None = None) -> Layout:
    """Place markers, quadrant names and labels without overlaps (see :class:`Layout`).

    Labels go right of their marker, else left, else on the row above or below (right, then left);
    the highlighted account first (its rank and name), then the selected ones, then the rest, by rank.
    """
    taken: set[tuple[int, int]] = set()
    markers: list[Placed] = []
    order = sorted(points, key=lambda p: (p.account == highlighted, p.selected))  # the highlighted on top
    at: dict[str, tuple[int, int]] = {}
    for point in order:
        col, row = cell_in(point.strength, point.attractiveness, width, height)
        kind = "cursor" if point.account == highlighted else "selected" if point.selected else "marker"
        char = "◆" if kind == "cursor" else "●" if point.selected else "·"
        markers.append(Placed(col, row, char, kind, point.account))
        taken.add((col, row))
        at[point.account] = (col, row)

    def free(col: int, row: int, text: str, own: tuple[int, int] | None = None) -> bool:
        """Room for ``text``; a label (``own``: its marker) also keeps a blank from anything else on
        either side, so that "·12·13" never reads as one label."""
        if not (0 <= row < height and col >= 0 and col + len(text) <= width):
            return False
        if any((col + k, row) in taken for k in range(len(text))):
            return False
        if own is None:
            return True
        return all(side == own or side not in taken for side in ((col - 1, row), (col + len(text), row)))

    def put(col: int, row: int, text: str, kind: str, account: str | None, into: list[Placed]) -> None:
        into.append(Placed(col, row, text, kind, account))
        taken.update((col + k, row) for k in range(len(text)))

    names: list[Placed] = []
    for name, right, top in QUADRANTS:
        corner_col = width - len(name) - 1 if right else 1
        corner_row = 0 if top else height - 1
        step = 1 if top else -1
        for drow in range(0, max(1, height // 4)):
            row = corner_row + step * drow
            spots = [corner_col + (-d if right else d) for d in range(0, max(1, width // 4))]
            col = next((c for c in spots if free(c, row, name)), None)
            if col is not None:
                put(col, row, name, "name", None, names)
                break

    labels: list[Placed] = []
    hidden: list[str] = []
    by_priority = sorted(points, key=lambda p: (p.account != highlighted, not p.selected, _rank(p.label)))
    for point in by_priority:
        col, row = at[point.account]
        text = f"{point.label} {point.account}" if point.account == highlighted else point.label
        kind = "cursor" if point.account == highlighted else "selected" if point.selected else "label"
        candidates = [
            (col + 1, row),
            (col - len(text), row),
            (col + 1, row - 1),
            (col - len(text), row - 1),
            (col + 1, row + 1),
            (col - len(text), row + 1),
        ]
        if point.account == highlighted:  # the name may go anywhere on the rows next to the marker
            candidates += [(c, r) for r in (row - 1, row + 1, row - 2, row + 2) for c in range(width)]
        spot = next(((c, r) for c, r in candidates if free(c, r, text, (col, row))), None)
        if spot is None and point.account == highlighted and text != point.label:
            text = point.label  # no room for the name: the rank alone
            spot = next(((c, r) for c, r in candidates[:6] if free(c, r, text, (col, row))), None)
        if spot is None:
            hidden.append(point.account)
        else:
            put(spot[0], spot[1], text, kind, point.account, labels)
    return Layout(width, height, markers, names, labels, hidden)


def _rank(label: str) -> int:
    return int(label) if label.isdigit() else 1 << 30


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
        self._layout: Layout | None = None

    def show(self, points: list[Point], thresholds: tuple[float, float], unplaced: int = 0) -> None:
        self.points = points
        self.thresholds = thresholds
        self.unplaced = unplaced
        self._grid_size = (0, 0)
        self._layout = None
        self.refresh()

    def highlight(self, account: str | None) -> None:
        if account != self.highlighted:
            self.highlighted = account
            self._grid_size = (0, 0)
            self._layout = None
            self.refresh()

    # -- geometry ------------------------------------------------------------------------------------

    def plot_area(self) -> tuple[int, int]:
        """(width, height) of the area the points are drawn in: below the y title, left of nothing, above
        the x axis and its caption, right of the y axis."""
        width, height = self.size
        return max(10, width - AXIS_W - 1), max(5, height - 3)

    def cell_of(self, strength: float, attractiveness: float) -> tuple[int, int]:
        """(column, row) inside the plot area of a point."""
        return cell_in(strength, attractiveness, *self.plot_area())

    def layout(self) -> Layout:
        """What :meth:`render_line` draws inside the plot area (the plot area's coordinates)."""
        if self._layout is None or (self._layout.width, self._layout.height) != self.plot_area():
            self._layout = layout(self.points, *self.plot_area(), highlighted=self.highlighted)
        return self._layout

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
        """Draw into a grid: the y title (row 0), the plot area (rows 1..h), the x axis and its caption."""
        width, height = self.size
        styles = self._styles()
        grid = [[(" ", styles["base"]) for _ in range(width)] for _ in range(height)]
        w, h = self.plot_area()
        left, top = AXIS_W + 1, 1

        def write(col: int, row: int, text: str, style: Style) -> None:
            for k, char in enumerate(text):
                if 0 <= row < height and 0 <= col + k < width:
                    grid[row][col + k] = (char, style)

        def put(col: int, row: int, text: str, style: Style) -> None:  # inside the plot area only
            for k, char in enumerate(text):
                if 0 <= row < h and 0 <= col + k < w:
                    write(left + col + k, top + row, char, style)

        write(AXIS_W - 2, 0, Y_TITLE, styles["line"])  # above the axis: never under a point
        tx, ty = self.cell_of(*self.thresholds)
        for row in range(h):
            put(tx, row, "│", styles["line"])
        for col in range(w):
            put(col, ty, "┼" if col == tx else "─", styles["line"])
        for row in range(h):
            label = (
                "10" if row == 0 else "0" if row == h - 1 else f"{self.thresholds[1]:g}" if row == ty else ""
            )
            write(0, top + row, f"{label:>{AXIS_W - 1}} ┤" if label else " " * AXIS_W + "│", styles["axis"])
        if top + h < height:
            write(AXIS_W, top + h, "└" + "─" * w, styles["axis"])
        if top + h + 1 < height:
            threshold = f"{self.thresholds[0]:g}"
            caption = [" "] * w
            for col, text in ((0, "0"), (max(2, tx - len(threshold) // 2), threshold), (w - 2, "10")):
                caption[col : col + len(text)] = list(text)
            middle = max(2, tx // 2 - len(X_TITLE) // 2)
            if tx - 1 - middle < len(X_TITLE):  # no room left of the threshold: right of it
                middle = (
                    tx + len(threshold) + 1 + max(0, (w - 2 - tx - len(threshold) - 1 - len(X_TITLE)) // 2)
                )
            if "".join(caption[middle : middle + len(X_TITLE)]).strip() == "" and middle + len(X_TITLE) <= w:
                caption[middle : middle + len(X_TITLE)] = list(X_TITLE)
            write(left, top + h + 1, "".join(caption[:w]), styles["axis"])
        placed = self.layout()
        for item in placed.names:
            put(item.col, item.row, item.text, styles["name"])
        kind_style = {
            "marker": styles["dot"],
            "label": styles["dot"],
            "selected": styles["selected"],
            "cursor": styles["cursor"],
        }
        for item in [*placed.labels, *placed.markers]:
            put(item.col, item.row, item.text, kind_style[item.kind])
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
        self._layout = None
