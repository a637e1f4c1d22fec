"""Criterion weights (README, "Account selection"): points per criterion, normalised by their sum.

One rule for points typed anywhere (``weights set`` and the Weights screen): a number read by
``kamtui.core.numbers`` (``1,000`` is a thousand; with the decimal comma, ``2,5`` is two and a half),
at least 0 and at most ``MAX_POINTS``, and at least one criterion above zero. Weights from pairwise
comparisons (AHP) are stored as ``round(weight * 100, 6)`` points whichever front end applied them, and
only with a consistency ratio at most ``CR_LIMIT`` unless the person insists. Several pairwise files are
a panel (``kamtui.core.ahp_group``): the group's weights come from the geometric mean of the members'
judgements, with each member's CR, the group CR and the consensus; a matrix with pairs left blank is
completed by Harker's method, and the output says which pairs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kamtui.core.ahp import CR_LIMIT, AhpResult
from kamtui.core.criteria import CriteriaSet
from kamtui.core.errors import InvalidValueError
from kamtui.core.numbers import number_problem, parse_number
from kamtui.service.database import Database
from kamtui.store import weights as store

MAX_POINTS = 1e9
NUDGE = 1.0
MANUAL, AHP, DEFAULT = "manual", "ahp", "default"


@dataclass(frozen=True)
class Weights:
    """The weights in force for a set: points, normalised weights and where each came from."""

    criteria: CriteriaSet
    points: dict[str, float]
    sources: dict[str, str]  # default | manual | ahp

    @property
    def total(self) -> float:
        return sum(self.points.values())

    @property
    def weights(self) -> dict[str, float]:
        total = self.total
        return {c: (p / total if total else 0.0) for c, p in self.points.items()}

    def to_json(self) -> dict:
        return {
            "criteria": self.criteria.id,
            "points": dict(self.points),
            "weights": self.weights,
            "source": dict(self.sources),
        }


HARKER = "Harker (1987): eigenvector of the matrix with the missing entries 0 and 1 + their count on the diagonal"
AIJ = "geometric mean of the members' judgements (AIJ)"


@dataclass(frozen=True)
class Inconsistent:
    """A comparison whose change alone would lower CR most: the value given, the one suggested, CR then."""

    row: str
    column: str
    value: float
    suggested: float
    cr_after: float

    def to_json(self) -> dict:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "suggested": self.suggested,
            "cr_after": self.cr_after,
        }


@dataclass(frozen=True)
class AhpMember:
    """One person's pairwise comparisons (one file) and what they give on their own."""

    source: str
    result: AhpResult
    weights: dict[str, float]
    completed: list[tuple[str, str]]  # pairs not compared, completed by Harker's method
    inconsistent: list[Inconsistent]  # when CR > CR_LIMIT: the judgements to revisit first

    def to_json(self) -> dict:
        return {
            "file": self.source,
            "weights": dict(self.weights),
            "lambda_max": float(self.result.lambda_max),
            "ci": float(self.result.ci),
            "cr": float(self.result.cr),
            "consistent": self.result.consistent,
            "completed": [list(pair) for pair in self.completed],
            "inconsistent": [i.to_json() for i in self.inconsistent],
        }


@dataclass(frozen=True)
class AppliedAhp:
    """Weights from one file, or from a panel of files (the group's: AIJ), and whether they were applied."""

    criteria: CriteriaSet
    ids: list[str]
    result: AhpResult  # one file's, or the group matrix's
    weights: dict[str, float]
    applied: bool
    members: list[AhpMember] = field(default_factory=list)
    consensus: float | None = None  # Goepel's AHP consensus indicator (a panel only)
    consensus_words: str | None = None
    inconsistent: list[Inconsistent] = field(default_factory=list)  # of ``result``, when CR > CR_LIMIT

    @property
    def completed(self) -> list[tuple[str, str]]:
        """Pairs completed by Harker's method (a single file; a panel's members say their own)."""
        return self.members[0].completed if len(self.members) == 1 else []

    def to_json(self) -> dict:
        panel = len(self.members) > 1
        return {
            "criteria": self.criteria.id,
            "weights": dict(self.weights),
            "lambda_max": float(self.result.lambda_max),
            "ci": float(self.result.ci),
            "cr": float(self.result.cr),
            "applied": self.applied,
            "method": "principal eigenvector" + (f" of the {AIJ}" if panel else ""),
            "completion": HARKER if any(m.completed for m in self.members) else None,
            "completed": [list(pair) for pair in self.completed],
            "inconsistent": [i.to_json() for i in self.inconsistent],
            "group_cr": float(self.result.cr),
            "consensus": self.consensus,
            "consensus_words": self.consensus_words,
            "members": [m.to_json() for m in self.members],
        }


def effective_points(db: Database, criteria: CriteriaSet) -> dict[str, float]:
    """The set's default points, overridden by the weights stored for it."""
    stored = store.stored_points(db, criteria.id)
    return {c.id: float(stored.get(c.id, c.weight)) for c in criteria.criteria}


def current(db: Database, criteria: CriteriaSet) -> Weights:
    stored = store.stored_sources(db, criteria.id)
    return Weights(
        criteria,
        effective_points(db, criteria),
        {c.id: stored.get(c.id, DEFAULT) for c in criteria.criteria},
    )


def parse_points(text: str, *, decimal_comma: bool = False) -> float:
    """Points as typed (module docstring)."""
    value = parse_number(text, decimal_comma=decimal_comma)
    if value is None:
        reason = number_problem(text, decimal_comma=decimal_comma) or "points must be a number >= 0"
        raise InvalidValueError(f"'{text.strip()}': {reason}")
    return check_points(value, text)


def check_points(value: float, text: str | None = None) -> float:
    shown = text.strip() if text is not None else f"{value:g}"
    if not value >= 0:
        raise InvalidValueError(f"'{shown}': points must be a number >= 0")
    if value > MAX_POINTS:
        raise InvalidValueError(f"'{shown}': points must be at most {MAX_POINTS:.0e}")
    return float(value)


def _check_not_all_zero(points: Mapping[str, float]) -> None:
    if not any(v > 0 for v in points.values()):
        raise InvalidValueError("weights not changed: at least one criterion needs points above zero")


def set_points(db: Database, criteria: CriteriaSet, changes: Mapping[str, float], source: str = MANUAL) -> Weights:
    """Store new points for some criteria (ids) in one transaction; all zero is refused, nothing written."""
    for criterion in changes:
        if criterion not in criteria.by_id:
            raise InvalidValueError(f"'{criterion}': not a criterion of '{criteria.id}'")
    checked = {c: check_points(v) for c, v in changes.items()}
    _check_not_all_zero({**effective_points(db, criteria), **checked})
    store.save_points(db, criteria.id, checked, source)
    return current(db, criteria)


def set_points_from_text(db: Database, criteria: CriteriaSet, assignments: list[str]) -> Weights:
    """``ID=POINTS`` assignments (ids or names); every problem listed at once, nothing written on any."""
    new: dict[str, float] = {}
    problems = []
    for item in assignments:
        key, sep, text = item.partition("=")
        criterion = criteria.match_column(key) if sep else None
        if not sep:
            problems.append(f"'{item}': expected ID=POINTS, e.g. {criteria.ids[0]}=25")
        elif criterion is None:
            problems.append(f"'{key}': not a criterion of '{criteria.id}' ({', '.join(criteria.ids)})")
        else:
            try:
                new[criterion.id] = parse_points(text)
            except InvalidValueError as error:
                problems.append(str(error).replace(f"'{text.strip()}'", f"'{item}'", 1))
    if problems:
        raise InvalidValueError("weights not changed:\n" + "\n".join(problems))
    return set_points(db, criteria, new)


def nudge(db: Database, criteria: CriteriaSet, criterion: str, step: int) -> Weights:
    points = effective_points(db, criteria)
    return set_points(db, criteria, {criterion: max(0.0, points[criterion] + step * NUDGE)})


def reset(db: Database, criteria: CriteriaSet) -> Weights:
    store.reset_points(db, criteria.id)
    return current(db, criteria)


def ahp_points(weights: Mapping[str, float]) -> dict[str, float]:
    """Points stored for AHP weights (sum 1): the same from the command line and the wizard."""
    return {c: round(float(w) * 100, 6) for c, w in weights.items()}


def apply_ahp_weights(db: Database, criteria: CriteriaSet, weights: Mapping[str, float]) -> Weights:
    """Store weights from pairwise comparisons (the wizard checked the consistency ratio with the person)."""
    return set_points(db, criteria, ahp_points(weights), AHP)


def apply_ahp_file(db: Database, criteria: CriteriaSet, file: str | Path, *, force: bool = False) -> AppliedAhp:
    """Weights from one pairwise comparison CSV (README): ``apply_ahp_files`` with one file."""
    return apply_ahp_files(db, criteria, [file], force=force)


def apply_ahp_files(
    db: Database, criteria: CriteriaSet, files: Sequence[str | Path], *, force: bool = False
) -> AppliedAhp:
    """Weights from pairwise comparison CSVs (README): one file is one person's matrix; several files are a
    panel, combined by the geometric mean of their judgements (``kamtui.core.ahp_group``). Applied when the
    CR (of the group matrix, for a panel) is at most CR_LIMIT, or when forced; ``inconsistent`` then says
    what was computed and why it was not applied."""
    from kamtui.core.ahp_group import panel

    if not files:
        raise InvalidValueError("give at least one pairwise comparison file")
    sources, matrices = [], []
    for file in files:
        source, ids, matrix = _read_pairwise(db, criteria, file)
        order = [ids.index(c) for c in criteria.ids]  # each file in the set's order
        sources.append(source)
        matrices.append(matrix[np.ix_(order, order)])
    ids = list(criteria.ids)
    combined = panel(matrices)
    members = [
        _member(criteria, source, result) for source, result in zip(sources, combined.members, strict=True)
    ]
    result = combined.group if len(files) > 1 else combined.members[0]
    weights = {c: float(w) for c, w in zip(ids, result.weights, strict=True)}
    applied = result.cr <= CR_LIMIT or force
    if applied:
        apply_ahp_weights(db, criteria, weights)
    return AppliedAhp(
        criteria,
        ids,
        result,
        weights,
        applied,
        members=members,
        consensus=combined.consensus,
        consensus_words=combined.consensus_words,
        inconsistent=members[0].inconsistent if len(files) == 1 else _inconsistent(criteria, result),
    )


def _read_pairwise(db: Database, criteria: CriteriaSet, file: str | Path):
    from kamtui.core.ahp import parse_pairwise
    from kamtui.core.table import cell_text
    from kamtui.service.files import read_table

    grid = read_table(file, db=db)
    rows = [list(grid.header), *([cell_text(c) for c in cells] for _, cells in grid.rows)]
    ids, matrix = parse_pairwise(rows, grid.source)
    unknown = [i for i in ids if i not in criteria.ids]
    missing = [c for c in criteria.ids if c not in ids]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append(f"not criteria of '{criteria.id}': {', '.join(unknown)}")
        if missing:
            parts.append(f"missing from the matrix: {', '.join(missing)}")
        raise InvalidValueError(
            f"{grid.source}: the matrix must compare every criterion of the set; " + "; ".join(parts)
        )
    return grid.source, ids, matrix


def _member(criteria: CriteriaSet, source: str, result: AhpResult) -> AhpMember:
    ids = criteria.ids
    return AhpMember(
        source=source,
        result=result,
        weights={c: float(w) for c, w in zip(ids, result.weights, strict=True)},
        completed=[(ids[i], ids[j]) for i, j in result.completed],
        inconsistent=_inconsistent(criteria, result, given=_given(result)),
    )


def _given(result: AhpResult) -> np.ndarray | None:
    """The matrix as given (completed pairs back to NaN), for the judgements to revisit."""
    if result.matrix is None:
        return None
    given = result.matrix.copy()
    for i, j in result.completed:
        given[i, j] = given[j, i] = np.nan
    return given


def _inconsistent(criteria: CriteriaSet, result: AhpResult, given: np.ndarray | None = None) -> list[Inconsistent]:
    from kamtui.core.ahp import inconsistent_judgements

    if result.cr <= CR_LIMIT or (result.matrix is None and given is None):
        return []
    ids = criteria.ids
    matrix = given if given is not None else result.matrix
    return [
        Inconsistent(ids[j.i], ids[j.j], j.value, j.suggested, j.cr_after) for j in inconsistent_judgements(matrix)
    ]


def inconsistent(applied: AppliedAhp) -> InvalidValueError:
    what = "the group's consistency ratio" if len(applied.members) > 1 else "consistency ratio"
    return InvalidValueError(
        f"{what} {applied.result.cr:.3f} is above {CR_LIMIT:.2f}: the comparisons contradict "
        "each other; revise them, or apply anyway with {force}"
    )


def points_source(db: Database, criteria: CriteriaSet) -> dict[str, str]:
    """Where each criterion's points come from: ``default``, ``manual`` or ``ahp``."""
    return current(db, criteria).sources
