"""A table that formats only the rows on screen (README, "Account selection"): 100,000 rows scroll like 100.

A Line API widget (as :mod:`kamtui.tui.widgets.ranking_table`): :meth:`MatrixTable.show` takes the
columns and a :class:`MatrixSource` (row count, the key of a row, the cells of one row, the row of a
key); :meth:`MatrixTable.render_line` asks the source for the cells of the one row it draws. The header
(line 0) does not scroll; the first ``fixed_columns`` columns stay in view when moving right. The cursor
is a cell (row, column), moved by the arrow keys, PageUp/PageDown, Home/End (first/last row) and
Ctrl+Home/Ctrl+End; Enter (or a click on the cursor cell) posts :class:`MatrixTable.CellSelected`.

The reading side copies the DataTable calls the screens and tests use (``columns``, ``row_count``,
``cursor_row``, ``cursor_column``, ``move_cursor``, ``get_row_index``, ``get_row``, ``get_cell``), so a
screen can swap one for the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar, Protocol

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip


class Styled(str):
    """A cell's text with one style and its alignment, at the cost of a string (``str(cell)``: the text)."""

    style: str | None
    right: bool

    def __new__(cls, text: str, style: str | None = None, right: bool = False) -> Styled:
        cell = super().__new__(cls, text)
        cell.style = style
        cell.right = right
        return cell


Cell = Text | str
PAD = 1  # blank cells either side of a column's text, as DataTable draws them


class MatrixSource(Protocol):
    """The rows of a :class:`MatrixTable`, asked for one row at a time."""

    def __len__(self) -> int: ...

    def key(self, row: int) -> str: ...

    def cells(self, row: int) -> Sequence[Cell]: ...

    def index(self, key: str) -> int | None: ...


@dataclass(frozen=True)
class ColumnKey:
    """A column's key (``.value``: the text), as DataTable names it."""

    value: str


@dataclass(frozen=True)
class Column:
    key: ColumnKey
    label: str
    width: int  # the text's width, without the padding
    right: bool = False  # numbers: right-aligned (a cell Text's own ``justify="right"`` does the same)

    @property
    def span(self) -> int:
        return self.width + 2 * PAD


class _Empty:
    def __len__(self) -> int:
        return 0

    def key(self, row: int) -> str:
        raise IndexError(row)

    def cells(self, row: int) -> Sequence[Cell]:
        raise IndexError(row)

    def index(self, key: str) -> int | None:
        return None


def fit(cell: Cell, width: int, right: bool = False) -> tuple[str, str | Style | None]:
    """``cell`` as text of exactly ``width`` cells (cut with an ellipsis, or padded) and its style.

    A cell has one style: a :class:`Styled`'s or a ``Text``'s own style and alignment (``justify="right"``)
    are kept, a ``Text``'s spans are not.
    """
    if isinstance(cell, Styled):
        text, style, right = str.__str__(cell), cell.style, right or cell.right
    elif isinstance(cell, Text):
        text, style, right = cell.plain, cell.style or None, right or cell.justify == "right"
    else:
        text, style = str(cell), None
    size = cell_len(text)
    if size > width:
        text = set_cell_size(text, width - 1) + "…" if width > 1 else set_cell_size(text, width)
        size = width
    gap = " " * (width - size)
    return (gap + text if right else text + gap), style


class MatrixTable(ScrollView, can_focus=True):
    """Rows by columns with a cell cursor; see the module docstring."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "matrix-table--header",
        "matrix-table--cursor",
        "matrix-table--even-row",
        "matrix-table--dim",
    }
    DEFAULT_CSS = """
    MatrixTable {
        height: 1fr;
        background: $surface;
        scrollbar-gutter: stable;
    }
    MatrixTable > .matrix-table--header {
        text-style: bold;
        color: $text-primary;
        background: $panel;
    }
    MatrixTable > .matrix-table--cursor {
        background: $block-cursor-blurred-background;
    }
    MatrixTable:focus > .matrix-table--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    MatrixTable > .matrix-table--even-row {
        background: $surface-lighten-1 40%;
    }
    MatrixTable > .matrix-table--dim {
        color: $text-muted;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select_cursor", "Select", show=False),
        Binding("up", "move(-1, 0)", "Cursor up", show=False),
        Binding("down", "move(1, 0)", "Cursor down", show=False),
        Binding("left", "move(0, -1)", "Cursor left", show=False),
        Binding("right", "move(0, 1)", "Cursor right", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home,ctrl+home", "first", "First row", show=False),
        Binding("end,ctrl+end", "last", "Last row", show=False),
    ]

    class CellSelected(Message):
        """Enter on the cursor cell (or a click on it)."""

        def __init__(self, table: MatrixTable, row_key: str, column_key: str) -> None:
            super().__init__()
            self.table = table
            self.row_key = row_key
            self.column_key = column_key

        @property
        def control(self) -> MatrixTable:
            return self.table

    def __init__(
        self,
        *,
        fixed_columns: int = 1,
        zebra_stripes: bool = True,
        empty: str = "",
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(id=id, classes=classes)
        self.fixed_columns = fixed_columns
        self.zebra_stripes = zebra_stripes
        self.empty = empty
        self.source: MatrixSource = _Empty()
        self.columns: dict[str, Column] = {}
        self._order: list[Column] = []
        self.cursor_row = 0
        self.cursor_column = 0

    # -- data ----------------------------------------------------------------------------------------

    def show(self, columns: Sequence[Column], source: MatrixSource) -> None:
        """Draw ``source`` under ``columns``; the cursor is kept where it is (clamped)."""
        self._order = list(columns)
        self.columns = {c.key.value: c for c in self._order}
        self.source = source
        self.cursor_row = max(0, min(self.cursor_row, len(source) - 1))
        self.cursor_column = max(0, min(self.cursor_column, len(self._order) - 1))
        self._resize()
        self._scroll_to_cursor()
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self.source)

    @property
    def ordered_columns(self) -> list[Column]:
        return list(self._order)

    def get_row_index(self, row_key: str) -> int:
        index = self.source.index(row_key)
        if index is None:
            raise KeyError(f"no row {row_key!r}")
        return index

    def get_row(self, row_key: str) -> list[Cell]:
        return list(self.source.cells(self.get_row_index(row_key)))

    def get_cell(self, row_key: str, column_key: str) -> Cell:
        position = [c.key.value for c in self._order].index(column_key)
        return self.get_row(row_key)[position]

    @property
    def cursor_key(self) -> str | None:
        """The key of the row under the cursor (None: no rows, or the rows shrank under the table)."""
        try:
            return self.source.key(self.cursor_row) if len(self.source) else None
        except IndexError:
            return None

    @property
    def cursor_column_key(self) -> str | None:
        return self._order[self.cursor_column].key.value if self._order else None

    def move_cursor(self, *, row: int | None = None, column: int | None = None) -> None:
        if row is not None:
            self.cursor_row = max(0, min(row, len(self.source) - 1))
        if column is not None:
            self.cursor_column = max(0, min(column, len(self._order) - 1))
        self._scroll_to_cursor()
        self.refresh()

    def invalidate(self) -> None:
        """The source's rows changed in place: draw them again."""
        self.refresh()

    # -- geometry ------------------------------------------------------------------------------------

    @property
    def body_height(self) -> int:
        """Rows of data on screen (the header takes one line)."""
        return max(1, self.scrollable_content_region.height - 1)

    def _fixed_width(self) -> int:
        return sum(c.span for c in self._order[: self.fixed_columns])

    def _resize(self) -> None:
        """Room to scroll until the last columns show whole from a column's start (no half column left)."""
        fixed = self._fixed_width()
        rest = [c.span for c in self._order[self.fixed_columns :]]
        total = sum(rest)
        window = max(1, self.scrollable_content_region.width - fixed)
        start = 0
        for span in rest:
            if total - start <= window:
                break
            start += span
        self.virtual_size = Size(fixed + max(total, start + window), len(self.source) + 1)

    def on_resize(self) -> None:
        self._resize()
        self._scroll_to_cursor()

    def _scroll_to_cursor(self) -> None:
        top = round(self.scroll_y)
        height = self.body_height
        y = None
        if self.cursor_row < top:
            y = self.cursor_row
        elif self.cursor_row >= top + height:
            y = self.cursor_row - height + 1
        x = None
        if self.cursor_column >= self.fixed_columns and self._order:
            rest = self._order[self.fixed_columns :]
            k = self.cursor_column - self.fixed_columns
            start = sum(c.span for c in rest[:k])
            end = start + rest[k].span
            window = max(1, self.scrollable_content_region.width - self._fixed_width())
            left = round(self.scroll_x)
            if start < left:
                x = start
            elif end > left + window:  # the first column start that shows the cursor column whole
                x = start
                for begin in (sum(c.span for c in rest[:j]) for j in range(k + 1)):
                    if end - begin <= window:
                        x = begin
                        break
        if x is not None or y is not None:
            self.scroll_to(x=x, y=y, animate=False, immediate=True)

    # -- cursor --------------------------------------------------------------------------------------

    def action_move(self, rows: int, columns: int) -> None:
        self.move_cursor(row=self.cursor_row + rows, column=self.cursor_column + columns)

    def action_page(self, step: int) -> None:
        """A page down (up): the view and the cursor move by one screen of rows."""
        page = self.body_height
        last_top = max(0, len(self.source) - page)
        top = max(0, min(round(self.scroll_y) + step * page, last_top))
        self.scroll_to(y=top, animate=False, immediate=True)
        self.move_cursor(row=self.cursor_row + step * page)

    def action_first(self) -> None:
        self.move_cursor(row=0)

    def action_last(self) -> None:
        self.move_cursor(row=len(self.source) - 1)

    def action_select_cursor(self) -> None:
        row, column = self.cursor_key, self.cursor_column_key
        if row is not None and column is not None:
            self.post_message(self.CellSelected(self, row, column))

    def _column_at(self, x: int) -> int | None:
        fixed = self._fixed_width()
        position = 0
        if x < fixed:
            spans = self._order[: self.fixed_columns]
            offset = 0
        else:
            spans = self._order[self.fixed_columns :]
            offset = self.fixed_columns
            x = x - fixed + round(self.scroll_x)
        for k, column in enumerate(spans):
            if position <= x < position + column.span:
                return offset + k
            position += column.span
        return None

    def on_click(self, event) -> None:
        if event.y < 1 or not len(self.source):
            return
        row = round(self.scroll_y) + event.y - 1
        column = self._column_at(event.x)
        if row >= len(self.source) or column is None:
            return
        if (row, column) == (self.cursor_row, self.cursor_column):
            self.action_select_cursor()
        else:
            self.move_cursor(row=row, column=column)

    # -- drawing -------------------------------------------------------------------------------------

    def render_lines(self, crop: Region) -> list[Strip]:
        """The styles of this frame, looked up once (not per line), then the lines."""
        self._prepare_styles()
        return super().render_lines(crop)

    def _prepare_styles(self) -> None:
        base = self.rich_style
        self._styles = {
            "base": base,
            "header": base + self.get_component_rich_style("matrix-table--header"),
            "even": base + self.get_component_rich_style("matrix-table--even-row"),
            "cursor": self.get_component_rich_style("matrix-table--cursor"),
            "dim": base + self.get_component_rich_style("matrix-table--dim"),
        }
        self._cell_styles: dict[tuple[Style, str | Style | None, bool], Style] = {}

    def _style(self, line: Style, cell: str | Style | None, cursor: bool) -> Style:
        key = (line, cell, cursor)
        style = self._cell_styles.get(key)
        if style is None:
            style = line
            if cell:
                style = style + (self.app.console.get_style(cell) if isinstance(cell, str) else cell)
            if cursor:
                style = style + self._styles["cursor"]
            self._cell_styles[key] = style
        return style

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if not hasattr(self, "_styles"):  # drawn outside render_lines (render_line called alone)
            self._prepare_styles()
        styles = self._styles
        base = styles["base"]
        if y == 0:
            return self._line([fit(c.label, c.width) for c in self._order], width, styles["header"], None)
        if y > self.body_height:  # under the horizontal scrollbar: never seen, never formatted
            return Strip.blank(width, base)
        row = round(self.scroll_y) + y - 1
        if not len(self.source):
            if y == 1 and self.empty:
                return (
                    Strip([Segment(self.empty, styles["dim"])]).crop(0, width).extend_cell_length(width, base)
                )
            return Strip.blank(width, base)
        if row >= len(self.source):
            return Strip.blank(width, base)
        line = styles["even"] if self.zebra_stripes and row % 2 else base
        raw = self.source.cells(row)
        cells = [fit(cell, c.width, c.right) for cell, c in zip(raw, self._order, strict=False)]
        return self._line(cells, width, line, self.cursor_column if row == self.cursor_row else None)

    def _line(
        self, cells: list[tuple[str, str | Style | None]], width: int, line: Style, cursor: int | None
    ) -> Strip:
        """One line: the fixed columns, then the columns scrolled to (cut at the window's edges)."""
        pad = " " * PAD
        segments: list[Segment] = []
        room = width
        for k, (text, style) in enumerate(cells[: self.fixed_columns]):
            segment = Segment(pad + text + pad, self._style(line, style, k == cursor))
            size = self._order[k].span
            if size > room:
                segment, size = segment.split_cells(room)[0], room
            if size:
                segments.append(segment)
            room -= size
        left = round(self.scroll_x)
        x = 0
        for k in range(self.fixed_columns, len(cells)):
            if room <= 0:
                break
            span = self._order[k].span
            if x + span <= left:
                x += span
                continue
            text, style = cells[k]
            segment = Segment(pad + text + pad, self._style(line, style, k == cursor))
            size = span
            if x < left:  # cut on the left edge
                segment = segment.split_cells(left - x)[1]
                size -= left - x
            if size > room:  # and on the right edge
                segment, size = segment.split_cells(room)[0], room
            segments.append(segment)
            room -= size
            x += span
        if room > 0:
            segments.append(Segment(" " * room, line))
        return Strip(segments, width)
