"""A ranking of the stored accounts: the criteria set, its weights, scores, robustness and the pick.

This is the one place that puts the store and the selection engine together, for the command line, the
TUI and the workbook alike. ``Ranking.to_json()`` is the documented shape of ``kamtui rank --json``; a saved
run gives back exactly that shape.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kamtui import __version__
from kamtui.core.criteria import CriteriaSet, load_criteria
from kamtui.core.errors import InvalidValueError, NotFoundError
from kamtui.store.accounts import Matrix, load_matrix
from kamtui.store.db import Store, now
from kamtui.store.weights import stored_points

DEFAULT_CRITERIA = "kam-default"
DEFAULT_TOP_K = 15
DEFAULT_SAMPLES = 1000
DEFAULT_SEED = 0
DEFAULT_KAPPA = 200.0
ACTIVE_CRITERIA_KEY = "criteria"


@dataclass(frozen=True)
class Params:
    top_k: int = DEFAULT_TOP_K
    capacity: float | None = None
    per_kam: float | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    samples: int = DEFAULT_SAMPLES
    seed: int = DEFAULT_SEED
    kappa: float = DEFAULT_KAPPA

    def __post_init__(self) -> None:
        if self.top_k < 1:
            raise InvalidValueError(f"--top must be at least 1, got {self.top_k}")
        if self.samples < 0:
            raise InvalidValueError(f"--samples must be 0 or more, got {self.samples}")
        for name, value in (("--capacity", self.capacity), ("--per-kam", self.per_kam)):
            if value is not None and not (math.isfinite(value) and value >= 0):
                raise InvalidValueError(f"{name} must be a number of FTE >= 0, got {value}")
        if self.per_kam is not None and self.capacity is None:
            raise InvalidValueError("--per-kam caps each KAM within a total: give --capacity too")
        if self.kappa <= 0:
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
            "accounts": [a.to_json() for a in self.accounts],
        }
        if self.run_id is not None:
            data = {"run": self.run_id, "created_at": self.created_at, **data}
        return data

    @property
    def selected(self) -> list[RankedAccount]:
        return [a for a in self.accounts if a.selected]


def _num(value: float) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def resolve_criteria(store: Store, ref: str | None) -> CriteriaSet:
    """The criteria set named by ``ref``, else the one last used with this database, else the default.

    Nothing is written: a command calls :func:`remember_criteria` once it has succeeded, so a refused
    command never switches the database's active set.
    """
    if ref:
        return load_criteria(ref)
    active = store.get_meta(ACTIVE_CRITERIA_KEY)
    return load_criteria(active or DEFAULT_CRITERIA)


def remember_criteria(store: Store, ref: str | None) -> None:
    """Make the set named by ``ref`` (files by absolute path) the database's active set."""
    if not ref:
        return
    candidate = Path(ref).expanduser()
    remembered = str(candidate.resolve()) if candidate.is_file() else ref
    if store.get_meta(ACTIVE_CRITERIA_KEY) != remembered:
        store.set_meta(ACTIVE_CRITERIA_KEY, remembered)


def effective_points(store: Store, criteria: CriteriaSet) -> dict[str, float]:
    """The set's default points, overridden by the weights stored for it."""
    stored = stored_points(store, criteria.id)
    return {c.id: float(stored.get(c.id, c.weight)) for c in criteria.criteria}


def points_source(store: Store, criteria: CriteriaSet) -> dict[str, str]:
    rows = store.conn.execute("SELECT criterion, source FROM weights WHERE criteria_set = ?", (criteria.id,))
    stored = dict(rows.fetchall())
    return {c.id: stored.get(c.id, "default") for c in criteria.criteria}


def rank_accounts(
    store: Store,
    criteria: CriteriaSet,
    params: Params = Params(),
    *,
    points: dict[str, float] | None = None,
    matrix: Matrix | None = None,
) -> Ranking:
    """Score, rank, test and pick the stored accounts (or ``matrix``) with ``points`` (default: effective)."""
    from kamtui.core.capacity import select
    from kamtui.core.robustness import robustness
    from kamtui.core.selection import score

    points = dict(points) if points is not None else effective_points(store, criteria)
    matrix = matrix if matrix is not None else load_matrix(store, criteria.ids)
    vector = np.array([points[c] for c in criteria.ids], dtype=float)
    if not np.any(vector > 0):
        raise InvalidValueError(f"every weight of criteria set '{criteria.id}' is zero: set at least one")
    _check_pins(matrix.names, params)
    scores = score(matrix.values, criteria, vector, matrix.names)
    robust = (
        robustness(scores.normalised, scores.weights, params.top_k, params.samples, params.seed, params.kappa)
        if params.samples > 0 and len(matrix.names) > 0
        else None
    )
    selection = select(
        scores,
        matrix.names,
        top_k=params.top_k,
        effort=matrix.effort,
        owners=matrix.owners,
        capacity=params.capacity,
        per_kam=params.per_kam,
        include=params.include,
        exclude=params.exclude,
    )
    ids = criteria.ids
    accounts = []
    for i in scores.order.tolist():
        accounts.append(
            RankedAccount(
                account=matrix.names[i],
                owner=matrix.owners[i],
                segment=matrix.segments[i],
                ref=matrix.refs[i],
                rank=int(scores.rank[i]),
                overall=_num(scores.overall[i]),
                attractiveness=_num(scores.attractiveness[i]),
                strength=_num(scores.strength[i]),
                quadrant=scores.quadrant[i],
                coverage=float(scores.coverage[i]),
                p_top_k=_num(robust.p_top_k[i]) if robust is not None else None,
                rank_p5=_int(robust.rank_p5[i]) if robust is not None else None,
                rank_p95=_int(robust.rank_p95[i]) if robust is not None else None,
                effort=_num(matrix.effort[i]),
                selected=bool(selection.selected[i]),
                values={c: _num(matrix.values[i, j]) for j, c in enumerate(ids)},
                normalised={c: _num(scores.normalised[i, j]) for j, c in enumerate(ids)},
            )
        )
    total = float(vector.sum())
    return Ranking(
        criteria=criteria,
        points={c: float(points[c]) for c in ids},
        weights={c: float(points[c]) / total for c in ids},
        params=params,
        binding=list(selection.binding),
        accounts=accounts,
        notes=list(selection.notes),
    )


def _int(value: float) -> int | None:
    return None if value is None or not math.isfinite(value) else int(value)


def _check_pins(names: Sequence[str], params: Params) -> None:
    known = set(names)
    unknown = [n for n in (*params.include, *params.exclude) if n not in known]
    if unknown:
        raise NotFoundError(
            "no account named " + ", ".join(f"'{n}'" for n in unknown) + " (see: kamtui accounts list)"
        )
    both = sorted(set(params.include) & set(params.exclude))
    if both:
        raise InvalidValueError("an account cannot be both included and excluded: " + ", ".join(both))


# --- runs ------------------------------------------------------------------------------------------


def save_run(store: Store, ranking: Ranking, note: str | None = None) -> int:
    """Freeze a ranking: weights, parameters, seed, scores and results, all in one transaction."""
    with store.write() as conn:
        cursor = conn.execute(
            "INSERT INTO runs (created_at, criteria_set, criteria_json, weights_json, params_json, binding_json, "
            "kamtui_version, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now(),
                ranking.criteria.id,
                json.dumps(ranking.criteria.to_dict(), ensure_ascii=False),
                json.dumps({"points": ranking.points, "weights": ranking.weights}),
                json.dumps({**ranking.params.to_json(), "notes": ranking.notes}),
                json.dumps(ranking.binding),
                __version__,
                note,
            ),
        )
        run_id = int(cursor.lastrowid)
        conn.executemany(
            "INSERT INTO run_results (run_id, position, account, owner, segment, ref, rank, overall, "
            "attractiveness, strength, quadrant, coverage, p_top_k, rank_p5, rank_p95, effort, selected, "
            "values_json, normalised_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    run_id,
                    position,
                    a.account,
                    a.owner,
                    a.segment,
                    a.ref,
                    a.rank,
                    a.overall,
                    a.attractiveness,
                    a.strength,
                    a.quadrant,
                    a.coverage,
                    a.p_top_k,
                    a.rank_p5,
                    a.rank_p95,
                    a.effort,
                    int(a.selected),
                    json.dumps(a.values),
                    json.dumps(a.normalised),
                )
                for position, a in enumerate(ranking.accounts, start=1)
            ],
        )
    return run_id


def list_runs(store: Store) -> list[dict[str, Any]]:
    return store.query(
        """SELECT r.id, r.created_at, r.criteria_set, r.params_json, r.binding_json, r.note,
                  (SELECT count(*) FROM run_results x WHERE x.run_id = r.id) AS accounts,
                  (SELECT count(*) FROM run_results x WHERE x.run_id = r.id AND x.selected) AS selected
           FROM runs r ORDER BY r.id"""
    )


def load_run(store: Store, run_id: int) -> Ranking:
    """A saved run exactly as it was saved, whatever happened to the accounts since."""
    from kamtui.core.criteria import parse_criteria

    rows = store.query("SELECT * FROM runs WHERE id = ?", (run_id,))
    if not rows:
        raise NotFoundError(f"no selection run with id {run_id} (see: kamtui runs list)")
    run = rows[0]
    weights = json.loads(run["weights_json"])
    raw_params = json.loads(run["params_json"])
    notes = raw_params.pop("notes", [])
    params = Params(**{k: tuple(v) if k in ("include", "exclude") else v for k, v in raw_params.items()})
    results = store.query("SELECT * FROM run_results WHERE run_id = ? ORDER BY position", (run_id,))
    accounts = [
        RankedAccount(
            account=r["account"],
            owner=r["owner"],
            segment=r["segment"],
            ref=r["ref"],
            rank=r["rank"],
            overall=r["overall"],
            attractiveness=r["attractiveness"],
            strength=r["strength"],
            quadrant=r["quadrant"],
            coverage=r["coverage"],
            p_top_k=r["p_top_k"],
            rank_p5=r["rank_p5"],
            rank_p95=r["rank_p95"],
            effort=r["effort"],
            selected=bool(r["selected"]),
            values=json.loads(r["values_json"]),
            normalised=json.loads(r["normalised_json"]),
        )
        for r in results
    ]
    return Ranking(
        criteria=parse_criteria(json.loads(run["criteria_json"]), f"run {run_id} criteria"),
        points=weights["points"],
        weights=weights["weights"],
        params=params,
        binding=json.loads(run["binding_json"]),
        accounts=accounts,
        notes=notes,
        run_id=run_id,
        created_at=run["created_at"],
    )
