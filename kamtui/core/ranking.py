"""A ranking as every front end and the workbook see it: parameters, ranked accounts, the pick.

These are plain result types (README, "Account selection"); ``Ranking.to_json()`` is the documented shape
of ``kamtui rank --json``, and a saved run gives back exactly that shape. They are built by the service
layer (``kamtui.service.ranking``) and stored by ``kamtui.store.runs``.

The cross-checks (:class:`CrossCheck`: TOPSIS ranks and Kendall's tau, dominance, rank reversal, the
stability of the pick to each weight and what it would take for the accounts just outside) are not
stored: they are a pure function of what a run stores (the values, criteria, points and parameters),
so a saved run recomputes them on load (``kamtui.service.crosscheck``) and gives back the same.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from kamtui.core.criteria import CriteriaSet
from kamtui.core.errors import InvalidValueError
from kamtui.core.near_miss import NearMiss
from kamtui.core.rank_reversal import Reversal
from kamtui.core.stability import WeightInterval

DEFAULT_TOP_K = 15
DEFAULT_SAMPLES = 1000
DEFAULT_SEED = 0
DEFAULT_KAPPA = 200.0
MAX_TOP_K = 1_000_000
MAX_SAMPLES = 20_000  # weight samples: memory grows with samples x accounts (chunked, but rank intervals)
MAX_SEED = 2**63 - 1
MAX_FTE = 1e9  # a team's capacity in FTE: anything larger is a typing mistake


@dataclass(frozen=True)
class Params:
    """What a ranking was asked for: K, the effort limits, the pins and the robustness sampling."""

    top_k: int = DEFAULT_TOP_K
    capacity: float | None = None
    per_kam: float | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED
    kappa: float = DEFAULT_KAPPA

    def __post_init__(self) -> None:
        if isinstance(self.top_k, bool) or not isinstance(self.top_k, int):
            raise InvalidValueError(f"{{top_k}} must be a whole number, got {self.top_k!r}")
        if self.top_k < 1:
            raise InvalidValueError(f"{{top_k}} must be at least 1, got {self.top_k}")
        if self.top_k > MAX_TOP_K:
            raise InvalidValueError(f"{{top_k}} must be at most {MAX_TOP_K:,}, got {self.top_k:,}")
        if self.samples < 0:
            raise InvalidValueError(f"{{samples}} must be 0 or more, got {self.samples}")
        if self.samples > MAX_SAMPLES:
            raise InvalidValueError(
                f"{{samples}} must be at most {MAX_SAMPLES:,} (more would not change the figures), "
                f"got {self.samples:,}"
            )
        if not 0 <= self.seed <= MAX_SEED:
            raise InvalidValueError(f"{{seed}} must be a whole number from 0 to {MAX_SEED}, got {self.seed}")
        for name, value in (("capacity", self.capacity), ("per_kam", self.per_kam)):
            if value is not None and not (math.isfinite(value) and 0 <= value <= MAX_FTE):
                raise InvalidValueError(
                    f"{{{name}}} must be a number of FTE >= 0 (at most {MAX_FTE:.0e}), got {value}"
                )
        if self.per_kam is not None and self.capacity is None:
            raise InvalidValueError("{per_kam} caps each KAM within a total: give {capacity} too")
        if not (math.isfinite(self.kappa) and self.kappa > 0):
            raise InvalidValueError(f"the concentration must be > 0, got {self.kappa}")

    def to_json(self) -> dict[str, Any]:
        return {
            "top_k": self.top_k,
            "capacity": self.capacity,
            "per_kam": self.per_kam,
            "include": list(self.include),
            "exclude": list(self.exclude),
            "samples": self.samples,
            "seed": self.seed,
            "kappa": self.kappa,
        }


@dataclass(frozen=True)
class RankedAccount:
    account: str
    owner: str | None
    segment: str | None
    ref: str | None
    rank: int
    overall: float | None
    attractiveness: float | None
    strength: float | None
    quadrant: str | None
    coverage: float
    p_top_k: float | None
    rank_p5: int | None
    rank_p95: int | None
    effort: float | None
    selected: bool
    values: dict[str, float | None] = field(default_factory=dict)
    normalised: dict[str, float | None] = field(default_factory=dict)
    topsis_rank: int | None = None  # rank by TOPSIS on the same numbers (None: not cross-checked, or no score)
    dominated_by: tuple[str, ...] = ()  # accounts at least as good on every criterion both have, better on one
    attributes: dict[str, str] = field(default_factory=dict)  # kept columns of the accounts file (README)

    def to_json(self) -> dict[str, Any]:
        return {
            "account": self.account,
            "owner": self.owner,
            "rank": self.rank,
            "overall": self.overall,
            "attractiveness": self.attractiveness,
            "strength": self.strength,
            "quadrant": self.quadrant,
            "coverage": self.coverage,
            "p_top_k": self.p_top_k,
            "rank_p5": self.rank_p5,
            "rank_p95": self.rank_p95,
            "effort": self.effort,
            "selected": self.selected,
            "segment": self.segment,
            "ref": self.ref,
            "topsis_rank": self.topsis_rank,
            "dominated_by": list(self.dominated_by),
            "attributes": dict(self.attributes),
        }


@dataclass(frozen=True)
class Disagreement:
    """An account whose TOPSIS rank differs from its rank by more than ``CrossCheck.rank_gap``."""

    account: str
    rank: int
    topsis_rank: int

    def to_json(self) -> dict[str, Any]:
        return {"account": self.account, "rank": self.rank, "topsis_rank": self.topsis_rank}


@dataclass(frozen=True)
class CrossCheck:
    """What a sceptical board asks of a ranking (README, "Account selection": cross-checks and stability)."""

    method: str  # the TOPSIS variant, in words
    kendall_tau: float | None  # weighted-sum ranks against TOPSIS ranks (tau-b)
    rank_gap: int
    disagreements: list[Disagreement]
    dominated_in_pick: dict[str, tuple[str, ...]]  # picked account -> the accounts that dominate it
    stability: list[WeightInterval]
    just_outside: list[NearMiss]
    rank_reversals: list[Reversal]
    reversal_checked: list[str]  # the candidates whose leaving out was re-scored

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "rank_gap": self.rank_gap,
            "disagreements": [d.to_json() for d in self.disagreements],
            "dominated_in_pick": [
                {"account": account, "dominated_by": list(by)} for account, by in self.dominated_in_pick.items()
            ],
            "rank_reversal": {
                "checked": list(self.reversal_checked),
                "reversals": [r.to_json() for r in self.rank_reversals],
            },
            "just_outside": [near.to_json() for near in self.just_outside],
        }


@dataclass(frozen=True)
class Ranking:
    criteria: CriteriaSet
    points: dict[str, float]
    weights: dict[str, float]
    params: Params
    binding: list[str]
    accounts: list[RankedAccount]  # in ranking order
    notes: list[str] = field(default_factory=list)
    run_id: int | None = None
    created_at: str | None = None
    note: str | None = None  # a saved run's note
    saved_by: str | None = None  # who saved the run
    crosscheck: CrossCheck | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "criteria": self.criteria.id,
            "weights": dict(self.weights),
            "points": dict(self.points),
            "top_k": self.params.top_k,
            "capacity": self.params.capacity,
            "per_kam": self.params.per_kam,
            "include": list(self.params.include),
            "exclude": list(self.params.exclude),
            "samples": self.params.samples,
            "seed": self.params.seed,
            "kappa": self.params.kappa,
            "binding": list(self.binding),
            "notes": list(self.notes),
            "kendall_tau": self.crosscheck.kendall_tau if self.crosscheck else None,
            "stability": [i.to_json() for i in self.crosscheck.stability] if self.crosscheck else [],
            "crosscheck": self.crosscheck.to_json() if self.crosscheck else None,
            "accounts": [a.to_json() for a in self.accounts],
        }
        if self.run_id is not None:
            run = {"run": self.run_id, "created_at": self.created_at, "note": self.note, "saved_by": self.saved_by}
            data = {**run, **data}
        return data

    @property
    def selected(self) -> list[RankedAccount]:
        return [a for a in self.accounts if a.selected]
