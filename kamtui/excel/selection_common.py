"""What the sheets of the selection workbook share: named styles, colours, the Ranking sheet's layout (its
header row and columns, which the Portfolio chart points at) and the selected set's figures.

The layout of the Ranking sheet: a title row, the selected set's totals (accounts, FTE, the capacity when
there is one, and the total of each money criterion), a blank row, then the Excel table (header row
:attr:`RankingLayout.header_row`), one row per account, best first.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from kamtui.excel import common as xl
from kamtui.excel import selection_formats as fmt

if TYPE_CHECKING:
    from kamtui.core.criteria import Criterion
    from kamtui.core.ranking import RankedAccount, Ranking

# Named styles of this workbook (the shared ones come from kamtui.excel.common).
SCORE = "kam score"  # 0.00, a 0-10 score
FTE = "kam fte"  # 0.00 FTE
SHARE = "kam share"  # 0.0%, a normalised weight
NORMALISED = "kam normalised"  # 0.000, a normalised 0-1 value
POINTS_INPUT = "kam points input"  # the editable points of the What-if sheet (whole points)
POINTS_INPUT_DECIMAL = "kam points input decimal"  # the same for points with decimals
K_INPUT = "kam k input"  # the editable K of the What-if sheet
VALUE = "kam about value"  # a value on the About sheet, left-aligned
FTE_LEFT = "kam about fte"  # an FTE figure on the About sheet, left-aligned
WHEN = "kam about datetime"  # a date and time on the About sheet, left-aligned
FLAG = "kam flag"  # a marker cell (pinned, low coverage, dominated), centred

QUADRANT_FILLS = {  # pale, so black text stays readable
    "Strategic": "C6EFCE",
    "Star": "BDD7EE",
    "Status": "FFEB9C",
    "Streamline": "E7E6E6",
}
QUADRANT_MEANING = {
    "Strategic": "high attractiveness, high strength: invest, key account",
    "Star": "high attractiveness, low strength: build the position",
    "Status": "low attractiveness, high strength: maintain efficiently",
    "Streamline": "low attractiveness, low strength: serve at low cost",
}
DATA_BAR_COLOUR = "5B9BD5"
INPUT_FILL = "FFF2CC"
SELECTED_FILL = "A9D08E"
PINNED_FILL = "C6E0B4"
EXCLUDED_FILL = "D9D9D9"
WARNING_FILL = "F8CBAD"


def add_styles(workbook: Any) -> None:
    from openpyxl.styles import Alignment, Border, Font, Side

    xl.add_styles(workbook)
    top = Alignment(vertical="top")
    xl.add_style(workbook, SCORE, number_format=fmt.SCORE_FORMAT, alignment=top)
    xl.add_style(workbook, FTE, number_format=fmt.FTE_FORMAT, alignment=top)
    xl.add_style(workbook, SHARE, number_format=fmt.SHARE_FORMAT, alignment=top)
    xl.add_style(workbook, NORMALISED, number_format=fmt.NORMALISED_FORMAT, alignment=top)
    xl.add_style(workbook, VALUE, alignment=Alignment(horizontal="left", vertical="top", wrap_text=True))
    xl.add_style(
        workbook,
        FTE_LEFT,
        number_format=fmt.FTE_FORMAT,
        alignment=Alignment(horizontal="left", vertical="top"),
    )
    xl.add_style(
        workbook,
        WHEN,
        number_format=xl.FORMATS[xl.DATETIME],
        alignment=Alignment(horizontal="left", vertical="top"),
    )
    xl.add_style(workbook, FLAG, alignment=Alignment(horizontal="center", vertical="top"))
    thin = Side(style="thin", color="BF9000")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for name, number_format in ((POINTS_INPUT, "0"), (POINTS_INPUT_DECIMAL, "0.00"), (K_INPUT, "0")):
        xl.add_style(
            workbook,
            name,
            font=Font(bold=True),
            fill=INPUT_FILL,
            number_format=number_format,
            border=box,
            alignment=Alignment(horizontal="center"),
        )
    for name, fill in QUADRANT_FILLS.items():
        xl.add_style(workbook, quadrant_style(name), fill=fill, alignment=top)


def quadrant_style(name: str) -> str:
    return f"kam quadrant {name}"


def letter(column: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(column)


# ---------------------------------------------------------------------------------------------- Ranking

# (header, named style or None for General, width). Headers are also the table's column names.
RANKING_COLUMNS: tuple[tuple[str, str | None, float], ...] = (
    ("Rank", xl.INTEGER, 7),
    ("Account", None, 32),
    ("Owner", None, 18),
    ("Segment", None, 16),
    ("Overall", SCORE, 9),
    ("Attractiveness", SCORE, 9),
    ("Strength", SCORE, 9),
    ("Quadrant", None, 11),
    ("Coverage", xl.PERCENT, 9),
    ("P(top K)", xl.PERCENT, 9),
    ("Rank p5", xl.INTEGER, 8),
    ("Rank p95", xl.INTEGER, 8),
    ("Effort (FTE)", FTE, 9),
    ("Selected", FLAG, 9),
    ("Ref", None, 14),
    ("Pinned", FLAG, 8),
    ("Low coverage", FLAG, 9),
)
DOMINATED_COLUMN = ("Dominated by", None, 24)  # when the ranking's accounts carry ``dominated_by``
RANKING_HEADERS = tuple(name for name, _, _ in RANKING_COLUMNS)
RANKING_COL = {name: index for index, name in enumerate(RANKING_HEADERS, 1)}
TABLE_NAME = "RankingTable"
ATTRIBUTE_WIDTH = 16


@dataclass
class Selected:
    """The selected set's figures (the Ranking sheet's totals, Portfolio, About, FTE per KAM)."""

    accounts: list[RankedAccount] = field(default_factory=list)
    quadrants: dict[str | None, list[int]] = field(default_factory=dict)  # quadrant -> [accounts, selected]
    effort: float = 0.0
    money: dict[str, float] = field(default_factory=dict)  # money criterion id -> total over the set

    @classmethod
    def of(cls, ranking: Ranking) -> Selected:
        selected = cls()
        money = [c.id for c in ranking.criteria.criteria if fmt.is_money(c)]
        selected.money = dict.fromkeys(money, 0.0)
        for account in ranking.accounts:
            counts = selected.quadrants.setdefault(account.quadrant, [0, 0])
            counts[0] += 1
            if account.selected:
                counts[1] += 1
                selected.accounts.append(account)
                selected.effort += account.effort or 0.0
                for criterion in money:
                    selected.money[criterion] += account.values.get(criterion) or 0.0
        return selected


@dataclass(frozen=True)
class RankingLayout:
    """Where things are on the Ranking sheet of one ranking (module docstring): the totals are rows 2 to
    ``header_row - 2``, labels in column B and values in column D."""

    columns: tuple[tuple[str, str | None, float], ...]  # the table's columns, attributes last
    attributes: tuple[str, ...]  # attribute names, in column order
    dominated: bool  # the "Dominated by" column is there
    totals: tuple[tuple[str, object, str], ...]  # (label, value, number format) of the totals block
    header_row: int

    @property
    def headers(self) -> tuple[str, ...]:
        return tuple(name for name, _, _ in self.columns)

    def column(self, header: str) -> int:
        return self.headers.index(header) + 1

    @property
    def first_row(self) -> int:
        return self.header_row + 1

    @classmethod
    def of(cls, ranking: Ranking, selected: Selected) -> RankingLayout:
        accounts = ranking.accounts
        # dominance is known when the ranking was cross-checked (a saved run always is)
        checked = getattr(ranking, "crosscheck", None) is not None
        dominated = checked and bool(accounts) and all(hasattr(a, "dominated_by") for a in accounts)
        attributes = attribute_names(accounts)
        taken = {name.casefold() for name in RANKING_HEADERS} | {DOMINATED_COLUMN[0].casefold()}
        columns = list(RANKING_COLUMNS) + ([DOMINATED_COLUMN] if dominated else [])
        for name in attributes:
            header = name if name.casefold() not in taken else f"{name} (attribute)"
            taken.add(header.casefold())
            columns.append((header, None, ATTRIBUTE_WIDTH))
        columns = [(name, style, fmt.header_width(name, width)) for name, style, width in columns]
        totals: list[tuple[str, object, str]] = [
            ("Accounts selected", len(selected.accounts), fmt.INTEGER_FORMAT),
            ("Effort of the selection (FTE)", selected.effort, fmt.FTE_FORMAT),
        ]
        if ranking.params.capacity is not None:
            totals.append(("Capacity (FTE)", ranking.params.capacity, fmt.FTE_FORMAT))
        by_id = ranking.criteria.by_id
        for criterion, total in selected.money.items():
            unit = by_id[criterion].unit
            totals.append(
                (f"{by_id[criterion].name} ({unit}) of the selection", total, fmt.money_format(unit))
            )
        return cls(tuple(columns), tuple(attributes), dominated, tuple(totals), header_row=len(totals) + 3)


def attribute_names(accounts: Iterable[RankedAccount]) -> list[str]:
    """The attribute names of the accounts, in the order first met (case-insensitively unique)."""
    seen: dict[str, str] = {}
    for account in accounts:
        for name in getattr(account, "attributes", None) or {}:
            seen.setdefault(name.casefold(), name)
    return list(seen.values())


def low_coverage(account: RankedAccount) -> bool:
    from kamtui.core.selection import MIN_COVERAGE, THRESHOLD_SLACK

    return account.coverage < MIN_COVERAGE - THRESHOLD_SLACK


# ---------------------------------------------------------------------------------------------- helpers


class RowWriter:
    """Appends rows to a write-only sheet and knows the number of the last one."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.row = 0

    def add(self, values: Sequence[object], styles: str | Sequence[str | None] | None = None) -> int:
        xl.append_row(self.ws, values, styles)
        self.row += 1
        return self.row

    def wrapped(self, values: Sequence[object], styles: Sequence[str | None], widths: Iterable[float]) -> int:
        height = xl.wrapped_height(
            [(v, w) for v, w in zip(values, widths, strict=False) if isinstance(v, str)]
        )
        if height:
            self.ws.row_dimensions[self.row + 1].height = height
        return self.add(values, styles)


def raw_header(criterion: Criterion) -> str:
    if criterion.scale is not None:
        lo, hi = criterion.scale
        unit = f" {criterion.unit}" if criterion.unit else ""
        return f"{criterion.name} ({lo:g}-{hi:g}{unit})"
    return f"{criterion.name} ({criterion.unit})" if criterion.unit else criterion.name
