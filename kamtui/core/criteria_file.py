"""Criteria-set files (``criteria/*.toml``, README, "Criteria files"): loaded, checked key by key.

Every problem in a file is collected and raised together as one :class:`CriteriaError`, each problem named
by file and key path (``criteria[3].group``; criteria are counted from 0). The types the file becomes are
in :mod:`kamtui.core.criteria`.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

from kamtui.core.criteria import (
    _CRITERION_ID,
    _SET_ID,
    DEFAULT_SCALE,
    DIRECTIONS,
    GROUPS,
    KINDS,
    MAX_VERSION,
    RANK_BY,
    RESERVED_COLUMNS,
    TRANSFORMS,
    CriteriaSet,
    Criterion,
    Thresholds,
    _num,
)
from kamtui.core.errors import CriteriaError, NotFoundError, Problem
from kamtui.core.names import name_key, name_problem, normalise
from kamtui.core.numbers import MAX_MAGNITUDE
from kamtui.core.tomlfile import TableChecker, read_toml
from kamtui.paths import builtin_dir


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

    folder = builtin_dir("criteria")
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.toml") if p.is_file())


def builtin_path(criteria_id: str) -> Path | None:

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
