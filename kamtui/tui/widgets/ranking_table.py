"""The ranking as a table that draws only the lines on screen (10,000 accounts re-rank without lag).

A Line API widget: :meth:`show` swaps in a new :class:`~kamtui.tui.selection_session.View` and
refreshes; :meth:`render_line` formats just the visible rows. Row 0 is the header (it does not scroll).
The cursor follows the account, not the position, so an account keeps the cursor while the ranking moves.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kamtui.tui.format import DASH, clip
from kamtui.tui.widgets.score_bar import score_bar

if TYPE_CHECKING:
    from kamtui.tui.selection_session import Row, View

QUADRANT_COLOUR = {
    "Strategic": "level-green",
    "Star": "level-blue",
    "Status": "level-yellow",
    "Streamline": "level-orange",
}
BAR = 6
# after the name: overall bar + score, attractiveness, strength, quadrant, P(top K), rank interval
SCORE_W, GROUP_W, QUAD_W, P_W, RANKS_W = BAR + 5, 5, 10, 5, 6


def _cell(text: str, width: int, right: bool = False) -> str:
    text = clip(text, width)
    return text.rjust(width) if right else text.ljust(width)


class RankingTable(ScrollView, can_focus=True):
    """Ranked accounts: selected mark, rank, account, score bar, group scores, quadrant, robustness."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ranking-table--header",
        "ranking-table--cursor",
        "ranking-table--dim",
    }
    DEFAULT_CSS = """
    RankingTable {
        height: 1fr;
        background: $surface;
        scrollbar-gutter: stable;
        scrollbar-size-vertical: 1;
    }
    RankingTable > .ranking-table--header {
        text-style: bold;
        color: $primary;
        background: $panel;
    }
    RankingTable > .ranking-table--cursor {
        background: $block-cursor-blurred-background;
    }
    RankingTable:focus > .ranking-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    RankingTable > .ranking-table--dim {
        color: $text-muted;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "move(-1)", "Up", show=False),
        Binding("down", "move(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("left", "pan(-4)", "Left", show=False),
        Binding("right", "pan(4)", "Right", show=False),
    ]

    class Highlighted(Message):
        """The cursor moved to another account."""

        def __init__(self, table: RankingTable, account: str | None) -> None:
            super().__init__()
            self.table = table
            self.account = account

        @property
        def control(self) -> RankingTable:
            return self.table

    def __init__(self, *, compact: bool = False, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.compact = compact
        self.view: View | None = None
        self.cursor = 0
        self.pins: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
        self.message = "loading…"
        self._name_width = 18

    # -- data ----------------------------------------------------------------------------------------

    def show(self, view: View, keep: str | None = None) -> None:
        """Draw ``view``; the cursor stays on account ``keep`` (default: the one under it now)."""
        keep = keep if keep is not None else self.highlighted
        self.view = view
        position = view.position_of(keep) if keep is not None else None
        self.cursor = min(position if position is not None else self.cursor, max(0, len(view.rows) - 1))
        self._resize()
        self._scroll_to_cursor()
        self.refresh()
        if self.highlighted != keep:
            self.post_message(self.Highlighted(self, self.highlighted))

    def set_pins(self, include: tuple[str, ...], exclude: tuple[str, ...]) -> None:
        self.pins = (frozenset(include), frozenset(exclude))
        self.refresh()

    @property
    def highlighted(self) -> str | None:
        if self.view is None or not self.view.rows:
            return None
        return self.view.rows[self.cursor].account

    @property
    def highlighted_row(self) -> Row | None:
        if self.view is None or not self.view.rows:
            return None
        return self.view.rows[self.cursor]

    def visible_names(self) -> list[str]:
        """The accounts in the order drawn (what a person sees, top to bottom, scrolling down)."""
        return [] if self.view is None else self.view.names()

    def move_to(self, account: str | None) -> None:
        if self.view is None or account is None:
            return
        position = self.view.position_of(account)
        if position is not None and position != self.cursor:
            self._set_cursor(position)

    # -- geometry ------------------------------------------------------------------------------------

    def _fixed_width(self) -> int:
        if self.compact:
            return 2 + 4 + 1
        # sel, rank, pin, (name), space, score, attr, strength, space, quadrant, P(K), ranks
        return 2 + 4 + 1 + 1 + SCORE_W + 2 * GROUP_W + 1 + QUAD_W + P_W + RANKS_W

    def _resize(self) -> None:
        rows = len(self.view.rows) if self.view is not None else 0
        longest = max((len(r.account) for r in self.view.rows), default=7) if self.view is not None else 7
        available = max(10, self.scrollable_content_region.width - self._fixed_width() - 1)
        self._name_width = max(10, min(longest, 28, available))
        self.virtual_size = Size(self._fixed_width() + self._name_width + 1, rows + 1)

    def on_resize(self) -> None:
        if self.view is not None:
            self._resize()
            self._scroll_to_cursor()

    # -- cursor --------------------------------------------------------------------------------------

    def _set_cursor(self, position: int) -> None:
        if self.view is None or not self.view.rows:
            return
        position = max(0, min(position, len(self.view.rows) - 1))
        if position == self.cursor:
            return
        self.cursor = position
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.Highlighted(self, self.highlighted))

    def _scroll_to_cursor(self) -> None:
        height = max(1, self.scrollable_content_region.height - 1)
        top = round(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True)

    def action_move(self, step: int) -> None:
        self._set_cursor(self.cursor + step)

    def action_page(self, step: int) -> None:
        self._set_cursor(self.cursor + step * max(1, self.scrollable_content_region.height - 2))

    def action_first(self) -> None:
        self._set_cursor(0)

    def action_last(self) -> None:
        if self.view is not None:
            self._set_cursor(len(self.view.rows) - 1)

    def action_pan(self, step: int) -> None:
        self.scroll_to(x=self.scroll_x + step, animate=False)

    def on_click(self, event) -> None:
        if event.y >= 1:
            self._set_cursor(round(self.scroll_y) + event.y - 1)

    def _on_mouse_scroll_down(self, event) -> None:  # scroll the view, not the cursor
        self.scroll_to(y=self.scroll_y + 3, animate=False)
        event.stop()

    def _on_mouse_scroll_up(self, event) -> None:
        self.scroll_to(y=self.scroll_y - 3, animate=False)
        event.stop()

    # -- drawing -------------------------------------------------------------------------------------

    def header_text(self) -> str:
        w = self._name_width
        if self.compact:
            return f"  {'#':>3} {_cell('Account', w)}"
        return (
            f"  {'#':>3}  {_cell('Account', w)} {_cell('Overall', SCORE_W)}"
            f"{'Attr':>{GROUP_W}}{'Str':>{GROUP_W}} {_cell('Quadrant', QUAD_W)}{'P(K)':>{P_W}}"
            f"{'Ranks':>{RANKS_W}}"
        )

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x = round(self.scroll_x)
        base = self.rich_style
        if y == 0:
            style = self.get_component_rich_style("ranking-table--header")
            text = Text(self.header_text(), style=style, no_wrap=True)
            return self._strip(text, scroll_x, width, base + style)
        if self.view is None or not self.view.rows:
            if y == 1:
                dim = self.get_component_rich_style("ranking-table--dim")
                return self._strip(Text(self.message, style=dim), 0, width, base)
            return Strip.blank(width, base)
        position = round(self.scroll_y) + y - 1
        if position >= len(self.view.rows):
            return Strip.blank(width, base)
        row = self.view.rows[position]
        line_style = base
        if position == self.cursor:
            line_style = base + self.get_component_rich_style("ranking-table--cursor")
        text = self._row_text(row, cursor=position == self.cursor)
        text.stylize(line_style, 0, len(text))  # background under the text; cell colours stay on top
        return self._strip(text, scroll_x, width, line_style)

    def _strip(self, text: Text, start: int, width: int, style: Style) -> Strip:
        segments = [
            Segment(s.text, style + s.style if s.style else style) for s in text.render(self.app.console)
        ]
        strip = Strip(segments).crop(start, start + width)
        return strip.extend_cell_length(width, style)

    def _row_text(self, row: Row, cursor: bool) -> Text:
        variables = self.app.theme_variables
        include, exclude = self.pins
        text = Text(no_wrap=True, overflow="crop")
        if row.selected is None:
            text.append("· ", style="dim")
        elif row.selected:
            text.append("✓ ", style=f"bold {variables.get('level-green', 'green')}")
        else:
            text.append("  ")
        text.append(f"{row.rank:>3} ")
        if self.compact:
            text.append(_cell(row.account, self._name_width))
            return text
        pin = "+" if row.account in include else "×" if row.account in exclude else " "
        text.append(pin, style="bold")
        text.append(_cell(row.account, self._name_width) + " ")
        track = variables.get("bar-track")
        colour = variables.get(QUADRANT_COLOUR.get(row.quadrant or "", ""), variables.get("primary", "blue"))
        if row.overall is None:
            text.append(_cell(DASH, SCORE_W))
        else:
            text.append_text(score_bar(row.overall / 2, BAR, colour, track))
            text.append(f"{row.overall:5.2f}")
        text.append(_cell(_score(row.attractiveness), GROUP_W, right=True))
        text.append(_cell(_score(row.strength), GROUP_W, right=True))
        text.append(" ")
        quadrant = row.quadrant or DASH
        text.append(_cell(quadrant, QUAD_W), style=None if cursor else colour if row.quadrant else "dim")
        text.append(_cell(DASH if row.p_top_k is None else f"{row.p_top_k:.0%}", P_W, right=True))
        ranks = DASH if row.rank_p5 is None else f"{row.rank_p5}-{row.rank_p95}"
        text.append(_cell(ranks, RANKS_W, right=True))
        return text


def _score(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f}"
