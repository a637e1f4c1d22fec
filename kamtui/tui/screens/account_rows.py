"""The rows of the Accounts screen: the columns a criteria set gives, and the accounts read a page at a
time through the service (only the pages on screen are held), formatted only when drawn."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import TYPE_CHECKING

from kamtui.core.criteria import CriteriaSet, Criterion
from kamtui.tui.format import DASH, clip
from kamtui.tui.widgets.matrix_table import Cell, Column, ColumnKey, Styled

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    import numpy as np

    from kamtui.service.database import Database


MISSING = "missing"
ATTRIBUTE = "attribute:"  # column key prefix of a kept attribute (criterion ids hold no colon)
PAGE = 128  # accounts read at a time (a few milliseconds at 100,000 accounts)
PAGES_KEPT = 32  # pages held (about 4,000 accounts; older ones are read again when scrolled back to)


def value_cell(value: float | None, criterion: Criterion) -> Styled:
    """A value as the matrix shows it: "missing", or the number (thousands grouped from 10,000) and the
    start of its scale label; right-aligned, a string with its style (formatted a screenful at a time)."""
    if value is None:
        return Styled(MISSING, "italic dim", True)
    label = criterion.label_for(value) if criterion.labels else None
    shown = f"{value:,.0f}" if abs(value) >= 10000 else f"{value:g}"
    return Styled(f"{shown} {clip(label, 6)}" if label else shown, None, True)


def value_width(criterion: Criterion, largest: float) -> int:
    """Room for :func:`value_cell` of any value: a rating's from its scale, a number's from ``largest``."""
    if criterion.scale is not None:
        lo, hi = criterion.scale
        width = max(len(f"{lo:g}"), len(f"{hi:g}")) + 2  # one decimal
        if criterion.labels:
            width += 1 + min(6, max(len(label) for label in criterion.labels))
    else:  # room for 999,999,999 until the largest value is known (the columns never shrink once drawn)
        width = max(11, len(f"{largest:,.0f}"))
    return max(width, len(MISSING))


def matrix_columns(criteria: CriteriaSet, outline) -> list[Column]:
    """The columns of the matrix: account, owner, FTE, coverage, the criteria, the kept attributes."""
    columns = [
        Column(ColumnKey("account"), "Account", max(7, min(28, outline.name_width))),
        Column(ColumnKey("owner"), "Owner", max(5, min(16, outline.owner_width))),
        Column(ColumnKey("effort"), "FTE", max(4, min(8, len(f"{int(outline.effort_max)}") + 3)), right=True),
        Column(ColumnKey("coverage"), "Cover", 5, right=True),
    ]
    for c in criteria.criteria:
        unit = f" ({c.unit})" if c.unit else ""
        label = clip(c.name, 14 - len(unit)) + unit
        width = max(len(label), value_width(c, outline.value_max.get(c.id, 0.0)))
        columns.append(Column(ColumnKey(c.id), label, width, right=True))
    for name in outline.attribute_names:
        label = clip(name, 14)
        width = max(len(label), min(20, outline.attribute_width.get(name, 0)), len(DASH))
        columns.append(Column(ColumnKey(ATTRIBUTE + name), label, width))
    return columns


class AccountRows:
    """The accounts in name order for :class:`MatrixTable`: read a page at a time (kamtui.service.matrix_view),
    formatted a row at a time; ``formatted`` counts the rows formatted (what the screen drew)."""

    def __init__(
        self,
        store: Callable[[], Database],
        criteria: CriteriaSet,
        points: dict[str, float],
        outline,
        pages: Sequence[object] = (),
    ) -> None:
        self.store = store
        self.criteria = criteria
        self.points = points
        self.outline = outline
        self.pages: OrderedDict[int, tuple[object, np.ndarray]] = OrderedDict()
        self.formatted = 0
        self.first_drawn: float | None = None  # time.perf_counter() of the first row formatted
        for page in pages:
            self._keep(page)

    def __len__(self) -> int:
        return self.outline.rows

    def _keep(self, page) -> tuple[object, np.ndarray]:
        from kamtui.service.matrix_view import coverage

        held = (page, coverage(page.values, self.criteria.ids, self.points))
        self.pages[page.start // PAGE] = held
        while len(self.pages) > PAGES_KEPT:
            self.pages.popitem(last=False)
        return held

    def _page(self, row: int):
        number = row // PAGE
        held = self.pages.get(number)
        if held is None:
            from kamtui.service.matrix_view import page

            held = self._keep(
                page(self.store(), self.criteria.ids, number * PAGE, PAGE, self.outline.attribute_names)
            )
        else:
            self.pages.move_to_end(number)
        page_, cover = held
        offset = row - page_.start
        if offset >= len(page_):  # the table shrank under us (another program): an empty row
            raise IndexError(row)
        return page_, cover, offset

    def forget(self) -> None:
        """Values changed (an edit): read the pages again when drawn."""
        self.pages.clear()

    def key(self, row: int) -> str:
        page, _, i = self._page(row)
        return page.names[i]

    def index(self, key: str) -> int | None:
        for page, _ in self.pages.values():
            if key in page.names:
                return page.start + page.names.index(key)
        from kamtui.service.matrix_view import position_of

        return position_of(self.store(), key)

    def cells(self, row: int) -> list[Cell]:
        try:
            page, cover_of, i = self._page(row)
        except IndexError:
            return []
        if not self.formatted:
            self.first_drawn = time.perf_counter()
        self.formatted += 1
        effort = float(page.effort[i])
        cover = float(cover_of[i])
        cells: list[Cell] = [
            clip(page.names[i], 28),
            clip(page.owners[i] or DASH, 16),
            Styled(DASH if effort != effort else f"{effort:g}", None, True),
            Styled(f"{cover:.0%}", "bold" if cover < 0.5 else None, True),
        ]
        values = page.values[i].tolist()
        cells += [
            value_cell(None if v != v else v, c) for v, c in zip(values, self.criteria.criteria, strict=True)
        ]
        for name in self.outline.attribute_names:
            held = page.attributes.get(name)
            cells.append(clip((held[i] if held else None) or DASH, 20))
        return cells
