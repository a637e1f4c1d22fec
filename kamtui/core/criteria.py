"""Criteria sets for account selection: the ``criteria/*.toml`` files, loaded and checked.

A criteria set names the criteria candidate accounts are scored on. Each criterion belongs to one
group (``attractiveness`` of the customer, or our ``strength`` with it), is a ``rating`` on a scale
(default 1-10) or a ``number`` with a unit, is a ``benefit`` (more is better) or a ``cost`` (less is
better), and carries a weight in points (normalised by their sum when scoring). A skewed money figure
can ask for ``transform = "log"`` (log1p before min-max normalisation); a number on a fixed range
(share of wallet, 0-100 %) may instead declare ``scale = [lo, hi]``: it is then normalised on that
scale like a rating, and a value outside it is refused like a rating outside its scale. A set ranks
its accounts by ``rank_by = "overall"`` (the default) or ``"attractiveness"`` (README, "Criteria files").

Every problem in a file is collected and raised together as one :class:`CriteriaError`, each
problem named by file and key path (``criteria[3].group``; criteria are counted from 0).
"""

from __future__ import annotations

import math
import re
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from kamtui.core.errors import CriteriaError, NotFoundError, Problem
from kamtui.core.names import name_key, name_problem, normalise
from kamtui.core.numbers import MAX_MAGNITUDE
from kamtui.core.tomlfile import TableChecker, read_toml

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


def load_criteria(ref: str | Path) -> CriteriaSet:
    """Load a criteria set: a built-in id (``kam-default``) or a path to a TOML file.

    A ``Path``, or text that ends in ``.toml`` or contains a path separator, is a file; anything else
    is the id of a built-in set. Problems raise :class:`CriteriaError` naming the file as given
    (``<id>.toml`` for built-ins); an unknown built-in id raises :class:`NotFoundError`.
    """
    if _is_path(ref):
        path = Path(ref).expanduser()
        return _load_file(path, str(ref))
    ref = str(ref).strip()
    path = builtin_path(ref)
    if path is None:
        known = ", ".join(builtin_criteria_ids()) or "none"
        raise NotFoundError(
            f"no built-in criteria set '{ref}' (built-in: {known}); to load your own file give its path"
        )
    criteria_set = _load_file(path, path.name)
    if criteria_set.id != path.stem:
        problem = Problem(path.name, "id", f"id '{criteria_set.id}' does not match the file name")
        raise CriteriaError(path.name, [problem])
    return criteria_set


def validate_criteria_file(path: str | Path) -> list[Problem]:
    """Every problem in a criteria file (empty when it loads), without raising."""
    source = str(path)
    data, problems = read_toml(Path(path).expanduser(), source)
    if data is None:
        return problems
    try:
        parse_criteria(data, source)
    except CriteriaError as error:
        return list(error.problems)
    return []


def list_builtin_criteria() -> list[CriteriaSet]:
    """All built-in criteria sets, ordered by id."""
    return [load_criteria(criteria_id) for criteria_id in builtin_criteria_ids()]


def builtin_criteria_ids() -> list[str]:
    from kamtui.paths import builtin_dir

    folder = builtin_dir("criteria")
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.toml") if p.is_file())


def builtin_path(criteria_id: str) -> Path | None:
    from kamtui.paths import builtin_dir

    if not _SET_ID.fullmatch(criteria_id):
        return None
    path = builtin_dir("criteria") / f"{criteria_id}.toml"
    return path if path.is_file() else None


def _is_path(ref: str | Path) -> bool:
    if isinstance(ref, Path):
        return True
    text = str(ref)
    return text.endswith(".toml") or "/" in text or "\\" in text


def _load_file(path: Path, source: str) -> CriteriaSet:
    data, problems = read_toml(path, source)
    if data is None:
        raise CriteriaError(source, problems)
    return parse_criteria(data, source)


# ---------------------------------------------------------------------------------------------------
# Checking


def parse_criteria(data: dict[str, Any], source: str) -> CriteriaSet:
    """Check a parsed criteria document and build the set; every problem raises together."""
    check = TableChecker(source)
    top = check.keys(
        data,
        "",
        required={"id": str, "title": str},
        optional={
            "version": int,
            "description": str,
            "rank_by": str,
            "thresholds": dict,
            "criteria": list,
        },
    )
    set_id = _set_id(check, top.get("id"))
    title = check.text(top["title"], "title") if "title" in top else None
    version = _version(check, top["version"]) if "version" in top else 1
    description = top.get("description", "").strip()
    rank_by = _choice(check, top.get("rank_by", "overall"), "rank_by", "rank_by", RANK_BY)
    thresholds = _thresholds(check, top.get("thresholds"))
    criteria = _criteria(check, top.get("criteria"), isinstance(data, dict) and "criteria" in data)
    if rank_by == "attractiveness" and criteria:
        attractive = [c for c in criteria if c.group == "attractiveness"]
        if attractive and all(c.weight == 0 for c in attractive):
            check.add(
                "rank_by",
                "accounts are ranked by attractiveness but every attractiveness criterion has weight 0; "
                "give one a positive weight or rank by overall",
            )
    if check.problems:
        raise CriteriaError(source, check.problems)
    assert set_id is not None and title is not None and criteria is not None
    assert version is not None and rank_by is not None
    return CriteriaSet(
        id=set_id,
        title=title,
        description=description,
        thresholds=thresholds,
        criteria=tuple(criteria),
        source=source,
        rank_by=rank_by,
        version=version,
    )


def _version(check: TableChecker, value: int) -> int | None:
    if 1 <= value <= MAX_VERSION:
        return value
    if value < 1:
        check.add("version", f"expected a whole number >= 1, found {value}")
        return None
    digits = len(str(value))
    shown = str(value) if digits <= 30 else f"a number of {digits} digits"
    check.add(
        "version",
        f"expected a whole number >= 1 and at most {MAX_VERSION} (2**63 - 1, 64 bits), found {shown}",
    )
    return None


def _set_id(check: TableChecker, value: Any) -> str | None:
    if value is None:
        return None
    text = check.text(value, "id")
    if text is not None and not _SET_ID.fullmatch(text):
        check.add("id", f"'{text}' is not a valid id (use lowercase letters, digits, '-' and '_')")
        return None
    return text


def _thresholds(check: TableChecker, table: dict[str, Any] | None) -> Thresholds:
    if table is None:
        return Thresholds()
    good = check.keys(table, "thresholds", required={}, optional={"attractiveness": float, "strength": float})
    values = {}
    for group in GROUPS:
        if group in good:
            value = _as_float(check, good[group], f"thresholds.{group}")
            if value is None:
                continue
            if not 0.0 <= value <= 10.0:
                check.add(f"thresholds.{group}", f"{_num(value)} is outside 0 to 10 (group scores run 0-10)")
            values[group] = value
    return Thresholds(**values)


_REQUIRED = {"id": str, "name": str, "group": str, "kind": str, "weight": float}
_OPTIONAL = {
    "scale": list,
    "labels": list,
    "unit": str,
    "direction": str,
    "transform": str,
    "description": str,
}


def _criteria(check: TableChecker, items: list[Any] | None, present: bool) -> list[Criterion] | None:
    if not items:
        if items is not None or not present:
            check.add("criteria", "no criteria; add at least one [[criteria]] table")
        return None
    seen_ids: dict[str, int] = {}
    seen_names: dict[str, tuple[int, str]] = {}
    built: list[Criterion] = []
    weights: list[float] = []
    groups: set[str] = set()
    group_problem = weight_problem = False
    for index, item in enumerate(items):
        where = f"criteria[{index}]"
        before = len(check.problems)
        good = check.keys(item, where, _REQUIRED, _OPTIONAL)
        if not isinstance(item, dict) or "group" not in good or good["group"] not in GROUPS:
            group_problem = True
        if not isinstance(item, dict) or "weight" not in good:
            weight_problem = True

        cid = _criterion_id(check, good.get("id"), f"{where}.id", seen_ids, index)
        name = _criterion_name(check, good.get("name"), f"{where}.name", seen_names, index)
        group = _choice(check, good.get("group"), f"{where}.group", "group", GROUPS)
        kind = _choice(check, good.get("kind"), f"{where}.kind", "kind", KINDS)
        direction = _choice(
            check, good.get("direction", "benefit"), f"{where}.direction", "direction", DIRECTIONS
        )
        weight = _weight(check, good.get("weight"), f"{where}.weight")
        if weight is None:
            weight_problem = True
        else:
            weights.append(weight)
        if group is not None:
            groups.add(group)

        scale = labels = unit = transform = None
        if kind == "rating":
            scale = _scale(check, good.get("scale"), f"{where}.scale")
            labels = _labels(check, good.get("labels"), f"{where}.labels", scale)
            for key in ("unit", "transform"):
                if key in good:
                    check.add(f"{where}.{key}", f"'{key}' is only for number criteria (this one is a rating)")
        elif kind == "number":
            unit = good["unit"].strip() if "unit" in good else ""
            if "transform" in good:
                transform = _choice(check, good["transform"], f"{where}.transform", "transform", TRANSFORMS)
            if "scale" in good:
                if "transform" in good:
                    check.add(
                        f"{where}.scale",
                        "'scale' and 'transform' exclude each other: a number on a fixed scale is normalised "
                        "on that scale, not log-transformed; drop one of them",
                    )
                else:
                    scale = _scale(check, good["scale"], f"{where}.scale")
            if "labels" in good:
                check.add(f"{where}.labels", "'labels' is only for rating criteria (this one is a number)")
        description = good.get("description", "").strip()

        if len(check.problems) == before:
            assert cid and name and group and kind and direction and weight is not None
            built.append(
                Criterion(
                    id=cid,
                    name=name,
                    group=group,
                    kind=kind,
                    weight=weight,
                    direction=direction,
                    scale=scale,
                    labels=tuple(labels or ()),
                    unit=unit or "",
                    transform=transform,
                    description=description,
                )
            )

    if not group_problem:
        for group in GROUPS:
            if group not in groups:
                check.add("criteria", f"no criterion in group '{group}'; each group needs at least one")
    if not weight_problem and weights and all(w == 0 for w in weights):
        check.add("criteria", "all weights are zero; give at least one criterion a positive weight")
    if not weight_problem and weights and not math.isfinite(sum(weights)):
        check.add(
            "criteria",
            f"the weights add up to more than {sys.float_info.max:.4g}, the largest number a sum can hold; "
            "use smaller points (only their ratios matter)",
        )
    _names_against_ids(check, seen_ids, seen_names)
    return built


def _names_against_ids(check: TableChecker, ids: dict[str, int], names: dict[str, tuple[int, str]]) -> None:
    """A criterion's name may not be another criterion's id: a column header would name both."""
    for key, (index, name) in sorted(names.items(), key=lambda item: item[1][0]):
        other = ids.get(key)
        if other is not None and other != index:
            check.add(
                f"criteria[{index}].name",
                f"name '{name}' is the id of criteria[{other}]; a column headed '{name}' would name both, "
                "so pick another name",
            )


def _criterion_id(
    check: TableChecker, value: Any, where: str, seen: dict[str, int], index: int
) -> str | None:
    if value is None:
        return None
    text = check.text(value, where)
    if text is None:
        return None
    if not _CRITERION_ID.fullmatch(text):
        check.add(where, f"'{text}' is not a valid id (use lowercase letters, digits and '_')")
        return None
    if text in RESERVED_COLUMNS:
        check.add(where, _reserved(text))
        return None
    if text in seen:
        check.add(where, f"duplicate id '{text}' (also used by criteria[{seen[text]}])")
        return None
    seen[text] = index
    return text


def _criterion_name(
    check: TableChecker, value: Any, where: str, seen: dict[str, tuple[int, str]], index: int
) -> str | None:
    if value is None:
        return None
    text = check.text(value, where)
    if text is None:
        return None
    problem = name_problem(text, "a criterion name")
    if problem:
        check.add(where, problem)
        return None
    text = normalise(text)  # names are kept as typed, in NFC
    key = name_key(text)
    if key in RESERVED_COLUMNS:
        check.add(where, _reserved(text))
        return None
    if key in seen:
        check.add(where, f"duplicate name '{text}' (also used by criteria[{seen[key][0]}]; case is ignored)")
        return None
    seen[key] = (index, text)
    return text


def _reserved(text: str) -> str:
    return (
        f"'{text}' is the name of an account column in account files; pick another "
        f"(reserved: {', '.join(RESERVED_COLUMNS)})"
    )


def _choice(check: TableChecker, value: Any, where: str, what: str, allowed: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    if value not in allowed:
        check.add(where, f"unknown {what} '{value}' (allowed: {', '.join(allowed)})")
        return None
    return value


def _as_float(check: TableChecker, value: int | float, where: str) -> float | None:
    """float(value), or a problem for a TOML integer too large for a float."""
    try:
        return float(value)
    except OverflowError:
        check.add(where, f"number too large ({len(str(abs(value)))} digits)")
        return None


def _weight(check: TableChecker, value: Any, where: str) -> float | None:
    if value is None:
        return None
    weight = _as_float(check, value, where)
    if weight is None:
        return None
    if not math.isfinite(weight):
        check.add(where, f"weight must be a finite number, found {value}")
        return None
    if weight < 0:
        check.add(where, f"negative weight {_num(weight)} (weights are points >= 0)")
        return None
    return weight


def _scale(check: TableChecker, value: list[Any] | None, where: str) -> tuple[float, float] | None:
    if value is None:
        return DEFAULT_SCALE
    numbers = [v for v in value if isinstance(v, int | float) and not isinstance(v, bool)]
    if len(value) != 2 or len(numbers) != 2:
        check.add(where, "expected [lo, hi]: a list of two numbers")
        return None
    lo, hi = _as_float(check, numbers[0], where), _as_float(check, numbers[1], where)
    if lo is None or hi is None:
        return None
    if not (math.isfinite(lo) and math.isfinite(hi)):
        check.add(where, "scale bounds must be finite numbers")
        return None
    if max(abs(lo), abs(hi)) > MAX_MAGNITUDE:
        check.add(
            where,
            f"scale bounds must lie between -{MAX_MAGNITUDE:.0e} and {MAX_MAGNITUDE:.0e}, "
            f"found {_num(lo)} to {_num(hi)}",
        )
        return None
    if lo >= hi:
        check.add(where, f"scale lo ({_num(lo)}) must be below hi ({_num(hi)})")
        return None
    return lo, hi


def _labels(
    check: TableChecker, value: list[Any] | None, where: str, scale: tuple[float, float] | None
) -> list[str] | None:
    if value is None or scale is None:
        return None
    lo, hi = scale
    if lo != int(lo) or hi != int(hi):
        check.add(where, f"labels need a whole-number scale, found {_num(lo)} to {_num(hi)}")
        return None
    count = int(hi) - int(lo) + 1
    return check.text_list(value, where, count, f"labels (one per step {_num(lo)} to {_num(hi)})")


def _num(value: float) -> str:
    """A number as a person would write it: 5 not 5.0, 2.5 stays 2.5."""
    return f"{value:g}"


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else float(value)
