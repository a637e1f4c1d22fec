"""What changed between two selection runs (README, "Account selection": runs over time).

``diff_runs(a, b)`` compares two saved rankings (``kamtui.core.ranking.Ranking``, as ``load_run`` gives
them back); accounts are matched by name with ``name_key`` (NFC, casefold), so a run saved before an
account was re-typed in another case still matches.

* ``entered``: accounts picked in B and not in A (including accounts new in B), in B's ranking order;
  ``left``: picked in A and not in B, in A's ranking order.
* ``moved``: accounts in both runs whose rank or quadrant changed, largest rank move first (then by
  name); each with both ranks, quadrants, overall scores and whether it was picked.
* ``added`` / ``removed``: accounts only in B / only in A.
* ``weights``: criteria whose normalised weight or points changed, largest weight change first
  (a criterion only one run has shows ``None`` on the other side).
* ``params``: the ranking parameters that differ (K, capacity, cap per KAM, pins, samples, seed,
  concentration), and the criteria set when it is another set or its definition changed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kamtui.core.names import name_key
from kamtui.core.ranking import RankedAccount, Ranking

PARAMS = ("top_k", "capacity", "per_kam", "include", "exclude", "samples", "seed", "kappa")


@dataclass(frozen=True)
class Move:
    account: str
    rank_a: int
    rank_b: int
    quadrant_a: str | None
    quadrant_b: str | None
    overall_a: float | None
    overall_b: float | None
    selected_a: bool
    selected_b: bool

    @property
    def change(self) -> int:
        """Positions gained (positive: moved up)."""
        return self.rank_a - self.rank_b

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "rank_a": self.rank_a,
            "rank_b": self.rank_b,
            "change": self.change,
            "quadrant_a": self.quadrant_a,
            "quadrant_b": self.quadrant_b,
            "overall_a": self.overall_a,
            "overall_b": self.overall_b,
            "selected_a": self.selected_a,
            "selected_b": self.selected_b,
        }


@dataclass(frozen=True)
class WeightChange:
    criterion: str
    weight_a: float | None
    weight_b: float | None
    points_a: float | None
    points_b: float | None

    def to_json(self) -> dict[str, Any]:
        return {
            "criterion": self.criterion,
            "weight_a": self.weight_a,
            "weight_b": self.weight_b,
            "points_a": self.points_a,
            "points_b": self.points_b,
        }


@dataclass(frozen=True)
class ParamChange:
    param: str
    a: Any
    b: Any

    def to_json(self) -> dict[str, Any]:
        return {"param": self.param, "a": self.a, "b": self.b}


@dataclass(frozen=True)
class RunDiff:
    run_a: int | None
    run_b: int | None
    created_a: str | None
    created_b: str | None
    entered: list[str]
    left: list[str]
    moved: list[Move]
    added: list[str]
    removed: list[str]
    weights: list[WeightChange]
    params: list[ParamChange]

    def to_json(self) -> dict[str, Any]:
        return {
            "run_a": self.run_a,
            "run_b": self.run_b,
            "created_a": self.created_a,
            "created_b": self.created_b,
            "entered": list(self.entered),
            "left": list(self.left),
            "moved": [m.to_json() for m in self.moved],
            "added": list(self.added),
            "removed": list(self.removed),
            "weights": [w.to_json() for w in self.weights],
            "params": [p.to_json() for p in self.params],
        }


def diff_runs(a: Ranking, b: Ranking) -> RunDiff:
    """What changed from run ``a`` to run ``b`` (module docstring)."""
    in_a = {name_key(x.account): x for x in a.accounts}
    in_b = {name_key(x.account): x for x in b.accounts}
    picked_a = {k for k, x in in_a.items() if x.selected}
    picked_b = {k for k, x in in_b.items() if x.selected}
    entered = [x.account for x in b.accounts if x.selected and name_key(x.account) not in picked_a]
    left = [x.account for x in a.accounts if x.selected and name_key(x.account) not in picked_b]
    moved = [
        _move(x, in_b[key])
        for key, x in in_a.items()
        if key in in_b and (x.rank != in_b[key].rank or x.quadrant != in_b[key].quadrant)
    ]
    moved.sort(key=lambda m: (-abs(m.change), m.account.casefold(), m.account))
    return RunDiff(
        run_a=a.run_id,
        run_b=b.run_id,
        created_a=a.created_at,
        created_b=b.created_at,
        entered=entered,
        left=left,
        moved=moved,
        added=[x.account for x in b.accounts if name_key(x.account) not in in_a],
        removed=[x.account for x in a.accounts if name_key(x.account) not in in_b],
        weights=_weight_changes(a, b),
        params=_param_changes(a, b),
    )


def _move(a: RankedAccount, b: RankedAccount) -> Move:
    return Move(
        account=b.account,
        rank_a=a.rank,
        rank_b=b.rank,
        quadrant_a=a.quadrant,
        quadrant_b=b.quadrant,
        overall_a=a.overall,
        overall_b=b.overall,
        selected_a=a.selected,
        selected_b=b.selected,
    )


def _weight_changes(a: Ranking, b: Ranking) -> list[WeightChange]:
    ids = list(a.weights) + [c for c in b.weights if c not in a.weights]
    changes = []
    for c in ids:
        wa, wb = a.weights.get(c), b.weights.get(c)
        pa, pb = a.points.get(c), b.points.get(c)
        if wa == wb and pa == pb:
            continue
        changes.append(WeightChange(c, wa, wb, pa, pb))
    changes.sort(key=lambda w: -abs((w.weight_b or 0.0) - (w.weight_a or 0.0)))
    return changes


def _param_changes(a: Ranking, b: Ranking) -> list[ParamChange]:
    changes = []
    if a.criteria.id != b.criteria.id:
        changes.append(ParamChange("criteria", a.criteria.id, b.criteria.id))
    elif a.criteria.to_dict() != b.criteria.to_dict():
        changes.append(ParamChange("criteria_definition", a.criteria.version, b.criteria.version))
    pa, pb = a.params.to_json(), b.params.to_json()
    for name in PARAMS:
        if pa[name] != pb[name]:
            changes.append(ParamChange(name, pa[name], pb[name]))
    return changes
