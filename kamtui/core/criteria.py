"""Criteria sets for account selection: the ``criteria/*.toml`` files, loaded and checked.

The types of a criteria set (loaded and checked by :mod:`kamtui.core.criteria_file`). A criteria set names the criteria candidate accounts are scored on. Each criterion belongs to one
group (``attractiveness`` of the customer, or our ``strength`` with it), is a ``rating`` on a scale
(default 1-10) or a ``number`` with a unit, is a ``benefit`` (more is better) or a ``cost`` (less is
better), and carries a weight in points (normalised by their sum when scoring). A skewed money figure
can ask for ``transform = "log"`` (log1p before min-max normalisation); a number on a fixed range
(share of wallet, 0-100 %) may instead declare ``scale = [lo, hi]``: it is then normalised on that
scale like a rating, and a value outside it is refused like a rating outside its scale. A set ranks
its accounts by ``rank_by = "overall"`` (the default) or ``"attractiveness"`` (README, "Criteria files").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np

from kamtui.core.errors import NotFoundError
from kamtui.core.names import name_key

GROUPS = ("attractiveness", "strength")
KINDS = ("number", "rating")
DIRECTIONS = ("benefit", "cost")
TRANSFORMS = ("log",)
RANK_BY = ("overall", "attractiveness")
MAX_VERSION = 2**63 - 1
DEFAULT_SCALE = (1.0, 10.0)
DEFAULT_THRESHOLD = 5.0

# Column names account files use for the account itself: a criterion may not take one as id or name.
RESERVED_COLUMNS = ("account", "owner", "effort", "segment", "ref")
_CRITERION_ID = re.compile(r"[a-z0-9_]+")
_SET_ID = re.compile(r"[a-z0-9][a-z0-9_-]*")


@dataclass(frozen=True)
class Thresholds:
    """Group scores (0-10) at or above which an account counts as "high" for the portfolio quadrant."""

    attractiveness: float = DEFAULT_THRESHOLD
    strength: float = DEFAULT_THRESHOLD


@dataclass(frozen=True)
class Criterion:
    """One criterion accounts are scored on.

    ``scale`` is the fixed scale (lo, hi): a rating's (default (1, 10)), or a number's when it declares
    one; ``None`` for a number normalised min-max over the candidates. ``labels`` name each whole step
    lo..hi of a rating scale (optional). ``weight`` is in points.
    """

    id: str
    name: str
    group: str
    kind: str
    weight: float
    direction: str = "benefit"
    scale: tuple[float, float] | None = None
    labels: tuple[str, ...] = ()
    unit: str = ""
    transform: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.kind == "rating":
            scale = DEFAULT_SCALE if self.scale is None else self.scale
            object.__setattr__(self, "scale", (float(scale[0]), float(scale[1])))
        elif self.scale is not None:  # a number on a fixed scale
            if self.transform:
                raise ValueError(f"criterion '{self.id}': a fixed scale and a transform exclude each other")
            object.__setattr__(self, "scale", (float(self.scale[0]), float(self.scale[1])))
        object.__setattr__(self, "labels", tuple(self.labels))
        object.__setattr__(self, "weight", float(self.weight))

    @property
    def is_rating(self) -> bool:
        return self.kind == "rating"

    @property
    def is_cost(self) -> bool:
        return self.direction == "cost"

    @property
    def is_log(self) -> bool:
        return self.transform == "log"

    @property
    def has_fixed_scale(self) -> bool:
        """True for ratings and for numbers that declare a scale: v = (x - lo) / (hi - lo) on it."""
        return self.scale is not None

    def check_value(self, x: float | None) -> str | None:
        """Why ``x`` cannot be a value of this criterion, or ``None`` when it can.

        Missing (``None`` or NaN) is always acceptable. A value must be a finite number; a rating, and a
        number with a fixed scale, must lie on its scale (lo <= x <= hi, decimals allowed); a
        log-transformed number must be >= 0.
        """
        if x is None:
            return None
        if isinstance(x, bool) or not isinstance(x, int | float | np.integer | np.floating):
            return f"{x!r} is not a number"
        value = float(x)
        if math.isnan(value):
            return None
        if not math.isfinite(value):
            return f"{value} is not a finite number"
        if self.scale is not None:
            lo, hi = self.scale
            if not lo <= value <= hi:
                what = "rating scale" if self.is_rating else "scale"
                return f"{_num(value)} is outside the {what} {_num(lo)} to {_num(hi)} of '{self.name}'"
        elif self.is_log and value < 0:
            return f"{_num(value)} is negative; '{self.name}' is log-transformed and needs values >= 0"
        return None

    def label_for(self, value: float) -> str | None:
        """The label of a whole-step rating value, if the scale has labels."""
        if not self.labels or self.scale is None or math.isnan(value) or value != int(value):
            return None
        index = int(value - self.scale[0])
        return self.labels[index] if 0 <= index < len(self.labels) else None

    def to_dict(self) -> dict[str, Any]:
        """The ``[[criteria]]`` table of this criterion (round-trips through :func:`parse_criteria`)."""
        out: dict[str, Any] = {"id": self.id, "name": self.name, "group": self.group, "kind": self.kind}
        if self.scale is not None:
            out["scale"] = [_plain(self.scale[0]), _plain(self.scale[1])]
        if self.labels:
            out["labels"] = list(self.labels)
        if self.unit:
            out["unit"] = self.unit
        out["direction"] = self.direction
        out["weight"] = _plain(self.weight)
        if self.transform:
            out["transform"] = self.transform
        if self.description:
            out["description"] = self.description
        return out


@dataclass(frozen=True)
class CriteriaSet:
    """A named, ordered set of criteria plus the portfolio thresholds.

    The order of ``criteria`` is the column order of every value matrix scored against this set.
    """

    id: str
    title: str
    criteria: tuple[Criterion, ...]
    description: str = ""
    thresholds: Thresholds = field(default_factory=Thresholds)
    source: str = ""
    rank_by: str = "overall"  # the score accounts are ranked (and picked) by: "overall" or "attractiveness"
    version: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "criteria", tuple(self.criteria))
        if isinstance(self.thresholds, dict):
            object.__setattr__(self, "thresholds", Thresholds(**self.thresholds))
        if self.rank_by not in RANK_BY:
            raise ValueError(f"unknown rank_by {self.rank_by!r} (allowed: {', '.join(RANK_BY)})")

    def __len__(self) -> int:
        return len(self.criteria)

    def __iter__(self):
        return iter(self.criteria)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(c.id for c in self.criteria)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.criteria)

    @property
    def points(self) -> np.ndarray:
        """The default weights in points, in criteria order (a fresh float64 array)."""
        return np.array([c.weight for c in self.criteria], dtype=np.float64)

    @property
    def weights(self) -> np.ndarray:
        """The default weights normalised to sum 1."""
        points = self.points
        return points / points.sum()

    @property
    def rank_columns(self) -> np.ndarray:
        """Boolean array: the criteria whose weighted mean is the score accounts are ranked by.

        Every criterion for ``rank_by = "overall"``; the attractiveness group for ``"attractiveness"``.
        """
        if self.rank_by == "attractiveness":
            return self.group_mask("attractiveness")
        return np.ones(len(self.criteria), dtype=bool)

    def group_mask(self, group: str) -> np.ndarray:
        """Boolean array: which criteria belong to ``group``."""
        if group not in GROUPS:
            raise ValueError(f"unknown group {group!r} (allowed: {', '.join(GROUPS)})")
        return np.array([c.group == group for c in self.criteria], dtype=bool)

    @cached_property
    def by_id(self) -> CriterionIndex:
        """Criteria by id: ``by_id["fit"]`` or ``by_id("fit")``; an unknown id raises NotFoundError."""
        return CriterionIndex(self.id, {c.id: c for c in self.criteria})

    def index_of(self, criterion_id: str) -> int:
        """Column index of a criterion id (raises :class:`NotFoundError`)."""
        return self.criteria.index(self.by_id[criterion_id])

    def match_column(self, header: str) -> Criterion | None:
        """The criterion a table column header names: its id or its name, compared by ``name_key``."""
        key = name_key(header)
        if not key:
            return None
        for criterion in self.criteria:
            if name_key(criterion.id) == key or name_key(criterion.name) == key:
                return criterion
        return None

    @cached_property
    def layout(self) -> Layout:
        """Per-column constants used by the scoring code (read-only arrays, computed once)."""
        return Layout.of(self.criteria)

    def to_dict(self) -> dict[str, Any]:
        """The TOML document of this set (round-trips through :func:`parse_criteria`)."""
        out: dict[str, Any] = {"id": self.id, "title": self.title}
        if self.version != 1:
            out["version"] = self.version
        if self.description:
            out["description"] = self.description
        if self.rank_by != "overall":
            out["rank_by"] = self.rank_by
        out["thresholds"] = {
            "attractiveness": _plain(self.thresholds.attractiveness),
            "strength": _plain(self.thresholds.strength),
        }
        out["criteria"] = [c.to_dict() for c in self.criteria]
        return out


class CriterionIndex(dict[str, Criterion]):
    """A criteria set's criteria by id; looking up an unknown id lists the ids there are."""

    def __init__(self, set_id: str, items: dict[str, Criterion]):
        super().__init__(items)
        self.set_id = set_id

    def __missing__(self, criterion_id: str) -> Criterion:
        raise NotFoundError(
            f"criteria set '{self.set_id}' has no criterion '{criterion_id}' (criteria: {', '.join(self)})"
        )

    def __call__(self, criterion_id: str) -> Criterion:
        return self[criterion_id]


@dataclass(frozen=True, eq=False)
class Layout:
    """Column-wise constants of a criteria set as numpy arrays (read-only), for the scoring code.

    ``fixed``/``cost``/``log`` are boolean masks (``fixed``: a fixed scale, i.e. a rating or a number that
    declares a scale); ``lo``/``hi`` hold the fixed scale (NaN for min-max numbers);
    ``attractiveness``/``strength`` are the group masks; ``points`` the default weights. The fixed-scale
    part of the fold v = a x + b is known from the scale: ``fold_scale`` a = 1/(hi-lo) and
    ``fold_offset`` b = -lo/(hi-lo) (cost: -a and 1 - b; min-max numbers: 0 until the data is seen), and
    ``fold_condition`` is the largest |lo|/(hi-lo). ``numbers`` lists (column, is_log, is_cost) of the
    min-max numbers and ``number_selector`` (m x 1+k) is 0 but for a 1 at (column of number i, i + 1).
    """

    fixed: np.ndarray
    cost: np.ndarray
    log: np.ndarray
    log_index: np.ndarray
    lo: np.ndarray
    hi: np.ndarray
    attractiveness: np.ndarray
    strength: np.ndarray
    points: np.ndarray
    fold_scale: np.ndarray
    fold_offset: np.ndarray
    fold_condition: float
    numbers: tuple[tuple[int, bool, bool], ...]
    number_selector: np.ndarray

    @classmethod
    def of(cls, criteria: tuple[Criterion, ...]) -> Layout:
        def frozen(values: list[Any], dtype: Any) -> np.ndarray:
            array = np.array(values, dtype=dtype)
            array.flags.writeable = False
            return array

        scale, offset, condition = [], [], 0.0
        for c in criteria:
            if c.scale is None:
                scale.append(0.0)
                offset.append(0.0)
                continue
            lo, hi = c.scale
            a, b = 1.0 / (hi - lo), -lo / (hi - lo)
            if c.is_cost:
                a, b = -a, 1.0 - b
            scale.append(a)
            offset.append(b)
            condition = max(condition, abs(lo) / (hi - lo))
        log = [c.is_log for c in criteria]
        numbers = tuple((j, c.is_log, c.is_cost) for j, c in enumerate(criteria) if c.scale is None)
        selector = np.zeros((len(criteria), 1 + len(numbers)))
        for row, (j, _, _) in enumerate(numbers, start=1):
            selector[j, row] = 1.0
        selector.flags.writeable = False
        return cls(
            fixed=frozen([c.scale is not None for c in criteria], bool),
            cost=frozen([c.is_cost for c in criteria], bool),
            log=frozen(log, bool),
            log_index=frozen([i for i, flag in enumerate(log) if flag], np.intp),
            lo=frozen([c.scale[0] if c.scale else math.nan for c in criteria], np.float64),
            hi=frozen([c.scale[1] if c.scale else math.nan for c in criteria], np.float64),
            attractiveness=frozen([c.group == "attractiveness" for c in criteria], bool),
            strength=frozen([c.group == "strength" for c in criteria], bool),
            points=frozen([c.weight for c in criteria], np.float64),
            fold_scale=frozen(scale, np.float64),
            fold_offset=frozen(offset, np.float64),
            fold_condition=condition,
            numbers=numbers,
            number_selector=selector,
        )


# ---------------------------------------------------------------------------------------------------
# Loading


def _num(value: float) -> str:
    """A number as a person would write it: 5 not 5.0, 2.5 stays 2.5."""
    return f"{value:g}"


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)
