"""The ranking as a table that draws only the lines on screen (100,000 accounts re-rank without lag).

A Line API widget: :meth:`show` swaps in a new :class:`~kamtui.core.live_view.LiveView` (columns; a
list-of-rows :class:`~kamtui.tui.selection_session.View` is drawn alike) and refreshes; :meth:`render_line`
formats just the visible rows. Row 0 is the header (it does not scroll). The cursor follows the account,
not the position, so an account keeps the cursor while the ranking moves (found through the view's inverse
permutation, not a scan). Owner, FTE and coverage explain a capacity pick (README, "Account selection");
columns that do not fit are dropped, least needed first, so the account name stays readable.
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
    from kamtui.core.live_view import LiveView, Row
    from kamtui.tui.selection_session import View

QUADRANT_COLOUR = {
    "Strategic": "level-green",
    "Star": "level-blue",
    "Status": "level-yellow",
    "Streamline": "level-orange",
}
BAR = 6
# columns after the name: width (without the space before), header, priority (the lowest is dropped first
# when the name would get fewer than NAME_MIN characters; "bar" narrows Overall to its number)
COLUMNS = {
    "bar": (BAR, "", 3),
    "score": (5, "Score", 10),
    "owner": (8, "Owner", 7),
    "fte": (5, "FTE", 8),
    "cov": (4, "Cov", 5),
    "attr": (4, "Attr", 1),
    "str": (4, "Str", 1),
    "quad": (10, "Quadrant", 2),
    "p": (4, "P(K)", 6),
    "ranks": (6, "Ranks", 4),
}
ORDER = ("bar", "score", "owner", "fte", "cov", "attr", "str", "quad", "p", "ranks")
NAME_MIN, NAME_MAX = 16, 28  # the account name gets at least NAME_MIN (or its length), at most NAME_MAX
SPARE = 4  # columns of this priority or less also give way to a name longer than NAME_MIN
OWNER_MIN, OWNER_MAX = 8, 14
LEAD = 2 + 4 + 1  # selected mark, rank, pin


def _cell(text: str, width: int, right: bool = False) -> str:
    text = clip(text, width)
    return text.rjust(width) if right else text.ljust(width)


class _Rows:
    """A list-of-rows :class:`~kamtui.tui.selection_session.View` with the columnar view's lookups."""

    def __init__(self, view: View) -> None:
        self.rows = view.rows
        self._position = {row.account: q for q, row in enumerate(self.rows)}

    def __len__(self) -> int:
        return len(self.rows)

    def position_of(self, name: str | None) -> int | None:
        return None if name is None else self._position.get(name)

    def account_at(self, position: int) -> str:
        return self.rows[position].account

    def row(self, position: int) -> Row:
        return self.rows[position]

    def names(self) -> list[str]:
        return [row.account for row in self.rows]

    @property
    def accounts(self) -> tuple[str, ...]:
        return tuple(self.names())

    @property
    def owners(self) -> list[str | None]:
        return [row.owner for row in self.rows]


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
        color: $text-primary;
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
        self.view: LiveView | View | None = None
        self._data: LiveView | _Rows | None = None  # what is drawn: columns, or rows wrapped alike
        self.cursor = 0
        self.pins: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
        self.message = "loading…"
        self._name_width = 18
        self._owner_width = COLUMNS["owner"][0]
        self._ranks_width = COLUMNS["ranks"][0]
        self.columns: tuple[str, ...] = ORDER  # the columns drawn after the name (as wide as they fit)
        self._measured: tuple[int, int, int] | None = None  # (id of the names, longest name, longest owner)
        self._styles: dict[tuple, Style] = {}

    # -- data ----------------------------------------------------------------------------------------

    def show(self, view: LiveView | View, keep: str | None = None) -> None:
        """Draw ``view``; the cursor stays on account ``keep`` (default: the one under it now)."""
        keep = keep if keep is not None else self.highlighted
        self.view = view
        self._data = view if hasattr(view, "order") else _Rows(view)  # type: ignore[arg-type]
        count = len(self._data)
        position = self._data.position_of(keep) if keep is not None else None
        self.cursor = min(position if position is not None else self.cursor, max(0, count - 1))
        self._resize()
        self._scroll_to_cursor()
        self.refresh()
        if self.highlighted != keep:
            self.post_message(self.Highlighted(self, self.highlighted))

    def set_pins(self, include: tuple[str, ...], exclude: tuple[str, ...]) -> None:
        pins = (frozenset(include), frozenset(exclude))
        if pins != self.pins:
            self.pins = pins
            self.refresh()

    @property
    def row_count(self) -> int:
        return 0 if self._data is None else len(self._data)

    @property
    def highlighted(self) -> str | None:
        if self._data is None or not len(self._data):
            return None
        return self._data.account_at(self.cursor)

    @property
    def highlighted_row(self) -> Row | None:
        if self._data is None or not len(self._data):
            return None
        return self._data.row(self.cursor)

    def visible_names(self) -> list[str]:
        """The accounts in the order drawn (what a person sees, top to bottom, scrolling down)."""
        return [] if self._data is None else self._data.names()

    def move_to(self, account: str | None) -> None:
        if self._data is None or account is None:
            return
        position = self._data.position_of(account)
        if position is not None and position != self.cursor:
            self._set_cursor(position)

    # -- geometry ------------------------------------------------------------------------------------

    def _width_of(self, key: str) -> int:
        if key == "owner":
            return self._owner_width + 1
        if key == "ranks":
            return self._ranks_width
        width = COLUMNS[key][0]
        return width + (1 if key in ("quad", "fte", "cov", "p", "attr", "str") else 0)

    def _fixed_width(self) -> int:
        if self.compact:
            return LEAD
        return LEAD + 1 + sum(self._width_of(key) for key in self.columns)

    def _measure(self) -> tuple[int, int]:
        """(longest account name, longest owner) of the accounts, measured once per set of accounts."""
        data = self._data
        assert data is not None
        accounts = data.accounts
        if self._measured is None or self._measured[0] != id(accounts):
            longest = max(map(len, accounts), default=7)
            owners = max((len(o) for o in data.owners if o), default=5)
            self._measured = (id(accounts), longest, owners)
        return self._measured[1], self._measured[2]

    def _resize(self) -> None:
        rows = self.row_count
        if self._data is None:
            self.virtual_size = Size(self._fixed_width() + self._name_width + 1, rows + 1)
            return
        longest, owners = self._measure()
        width = self.scrollable_content_region.width or self.size.width or 80
        self._owner_width = max(5, min(owners, OWNER_MAX, max(OWNER_MIN, width // 6)))
        self._ranks_width = max(COLUMNS["ranks"][0], len(f"{len(self._data.accounts)}") * 2 + 2)
        least, whole = min(longest, NAME_MIN), min(longest, NAME_MAX)
        columns = list(ORDER)
        self.columns = tuple(columns)
        while columns:  # drop the least needed column while the name is short of its room
            weakest = min(columns, key=lambda key: COLUMNS[key][2])
            room = width - self._fixed_width()
            if room >= whole or (room >= least and COLUMNS[weakest][2] > SPARE):
                break
            columns.remove(weakest)
            self.columns = tuple(columns)
        spare = 1 if self.compact else 0  # the compact list (Portfolio) keeps a column after the name
        available = max(10, width - self._fixed_width() - spare)
        self._name_width = max(10, min(longest, NAME_MAX, available))
        self.virtual_size = Size(self._fixed_width() + self._name_width + spare, rows + 1)

    def on_resize(self) -> None:
        if self._data is not None:
            self._resize()
            self._scroll_to_cursor()

    # -- cursor --------------------------------------------------------------------------------------

    def _set_cursor(self, position: int) -> None:
        if self._data is None or not len(self._data):
            return
        position = max(0, min(position, len(self._data) - 1))
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
        if self._data is not None:
            self._set_cursor(len(self._data) - 1)

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
        text = f"  {'#':>3}  {_cell('Account', w)}"
        for key in self.columns:
            if key == "bar":
                continue
            label = COLUMNS[key][1]
            if key == "score":
                width = COLUMNS["score"][0] + (BAR if "bar" in self.columns else 0)
                text += " " + _cell("Overall" if "bar" in self.columns else label, width)
            elif key == "owner":
                text += " " + _cell(label, self._owner_width)
            elif key == "quad":
                text += " " + _cell(label, COLUMNS[key][0])
            else:
                text += _cell(label, self._width_of(key), right=True)
        return text

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._styles = {}

    def _on_focus(self, event) -> None:
        self._styles = {}
        super()._on_focus(event)

    def _on_blur(self, event) -> None:
        self._styles = {}
        super()._on_blur(event)

    def _style(self, spec: str | None, cursor: bool = False) -> Style:
        """The line's style (cursor or not) with ``spec`` on top, parsed once (cleared on focus and theme)."""
        key = (spec, cursor, self.app.theme)
        style = self._styles.get(key)
        if style is None:
            if spec == "@header":
                style = self.rich_style + self.get_component_rich_style("ranking-table--header")
            elif spec == "@dim":
                style = self.rich_style + self.get_component_rich_style("ranking-table--dim")
            else:
                line = self.rich_style
                if cursor:
                    line = line + self.get_component_rich_style("ranking-table--cursor")
                style = line + Style.parse(spec) if spec else line
            self._styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x = round(self.scroll_x)
        if y == 0:
            style = self._style("@header")
            return self._strip([Segment(self.header_text(), style)], scroll_x, width, style)
        data = self._data
        if data is None or not len(data):
            if y == 1:
                return self._strip([Segment(self.message, self._style("@dim"))], 0, width, self._style(None))
            return Strip.blank(width, self._style(None))
        position = round(self.scroll_y) + y - 1
        if position >= len(data):
            return Strip.blank(width, self._style(None))
        cursor = position == self.cursor
        segments = self._row_segments(data.row(position), cursor)
        return self._strip(segments, scroll_x, width, self._style(None, cursor))

    def _strip(self, segments: list[Segment], start: int, width: int, style: Style) -> Strip:
        strip = Strip(segments)
        if start or strip.cell_length > width:
            strip = strip.crop(start, start + width)
        return strip.extend_cell_length(width, style)

    def _row_segments(self, row: Row, cursor: bool) -> list[Segment]:
        """One account's line as segments (no rich Text: a line costs a few dozen microseconds)."""
        variables = self.app.theme_variables
        include, exclude = self.pins
        plain = self._style(None, cursor)
        out: list[Segment] = []
        add = out.append
        if row.selected is None:
            add(Segment("· ", self._style("dim", cursor)))
        elif row.selected:
            add(Segment("✓ ", self._style(f"bold {variables.get('level-green', 'green')}", cursor)))
        else:
            add(Segment("  ", plain))
        if self.compact:
            add(Segment(f"{row.rank:>3} " + _cell(row.account, self._name_width), plain))
            return out
        pin = "+" if row.account in include else "×" if row.account in exclude else " "
        add(Segment(f"{row.rank:>3} ", plain))
        add(Segment(pin, self._style("bold", cursor)))
        text = _cell(row.account, self._name_width)  # plain cells gather here, styled ones go between
        track = variables.get("bar-track")
        colour = variables.get(QUADRANT_COLOUR.get(row.quadrant or "", ""), variables.get("primary", "blue"))
        for key in self.columns:
            if key == "bar":
                continue
            if key == "score":
                text += " "
                bar = "bar" in self.columns
                if row.overall is None:
                    text += _cell(DASH, COLUMNS["score"][0] + (BAR if bar else 0))
                    continue
                if bar:
                    add(Segment(text, plain))
                    text = ""
                    for piece, spec in _parts(score_bar(row.overall / 2, BAR, colour, track)):
                        add(Segment(piece, self._style(spec, cursor)))
                text += f"{row.overall:5.2f}"
            elif key == "owner":
                if row.owner:
                    text += " " + _cell(row.owner, self._owner_width)
                else:
                    add(Segment(text + " ", plain))
                    add(Segment(_cell(DASH, self._owner_width), self._style("dim", cursor)))
                    text = ""
            elif key == "fte":
                text += _cell(_effort(row.effort), self._width_of(key), right=True)
            elif key == "cov":
                text += _cell(f"{row.coverage:.0%}", self._width_of(key), right=True)
            elif key == "attr":
                text += _cell(_score(row.attractiveness), self._width_of(key), right=True)
            elif key == "str":
                text += _cell(_score(row.strength), self._width_of(key), right=True)
            elif key == "quad":
                add(Segment(text + " ", plain))
                text = ""
                spec = None if cursor else colour if row.quadrant else "dim"
                add(Segment(_cell(row.quadrant or DASH, COLUMNS[key][0]), self._style(spec, cursor)))
            elif key == "p":
                p = DASH if row.p_top_k is None else f"{row.p_top_k:.0%}"
                text += _cell(p, self._width_of(key), right=True)
            elif key == "ranks":
                ranks = DASH if row.rank_p5 is None else f"{row.rank_p5}-{row.rank_p95}"
                text += _cell(ranks, self._ranks_width, right=True)
        if text:
            add(Segment(text, plain))
        return out


def _parts(text: Text) -> list[tuple[str, str | None]]:
    """A rich Text as (piece, style) in order; pieces without a span have no style."""
    plain = text.plain
    out: list[tuple[str, str | None]] = []
    at = 0
    for span in sorted(text.spans, key=lambda span: span.start):
        if span.start > at:
            out.append((plain[at : span.start], None))
        out.append((plain[span.start : span.end], str(span.style) or None))
        at = span.end
    if at < len(plain):
        out.append((plain[at:], None))
    return out


def _score(value: float | None) -> str:
    return DASH if value is None else f"{value:.1f}"


def _effort(value: float | None) -> str:
    if value is None:
        return DASH
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:.0f}"
