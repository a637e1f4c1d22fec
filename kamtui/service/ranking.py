"""Ranking, the pick and selection runs (README, "Account selection").

``rank`` puts the stored accounts, the weights in force and the parameters through the engine
(``kamtui.core.selection``, ``robustness``, ``capacity``) and returns a :class:`~kamtui.core.ranking.Ranking`,
with its cross-checks (``kamtui.service.crosscheck``); ``save_run`` freezes one, with a note and who saved
it (by default the operating system's user name). ``parse_limits`` is the one reading of K, capacity and
cap per KAM as a person types them (the TUI's Limits dialog; the command line's click options arrive as
numbers already). ``compare_runs`` says what changed between two saved runs (``kamtui.core.run_diff``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from kamtui.core.accounts import Matrix
from kamtui.core.criteria import CriteriaSet
from kamtui.core.errors import InvalidValueError
from kamtui.core.numbers import number_problem, parse_number
from kamtui.core.ranking import DEFAULT_TOP_K, MAX_TOP_K, Params, RankedAccount, Ranking
from kamtui.service.database import Database
from kamtui.store import runs as store_runs

__all__ = ["DEFAULT_PARAMS", "DEFAULT_TOP_K", "Params", "RankedAccount", "Ranking"]

DEFAULT_PARAMS = Params()


@dataclass(frozen=True)
class RunSummary:
    id: int
    created_at: str
    criteria: str
    accounts: int
    selected: int
    binding: list[str]
    note: str | None
    params: dict
    saved_by: str | None = None

    @property
    def top_k(self) -> int | None:
        return self.params.get("top_k")

    @property
    def capacity(self) -> float | None:
        return self.params.get("capacity")

    @property
    def per_kam(self) -> float | None:
        return self.params.get("per_kam")

    @property
    def include(self) -> list[str]:
        return list(self.params.get("include") or [])

    @property
    def exclude(self) -> list[str]:
        return list(self.params.get("exclude") or [])

    def to_json(self) -> dict:
        return {
            "run": self.id,
            "created_at": self.created_at,
            "saved_by": self.saved_by,
            "criteria": self.criteria,
            "accounts": self.accounts,
            "selected": self.selected,
            "top_k": self.top_k,
            "capacity": self.capacity,
            "per_kam": self.per_kam,
            "include": self.include,
            "exclude": self.exclude,
            "binding": list(self.binding),
            "note": self.note,
        }


def _num(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _int(value: float | None) -> int | None:
    return None if value is None or not math.isfinite(value) else int(value)


def check_weights(criteria: CriteriaSet, points: dict[str, float]) -> np.ndarray:
    vector = np.array([points[c] for c in criteria.ids], dtype=float)
    if not np.any(vector > 0):
        raise InvalidValueError(f"every weight of criteria set '{criteria.id}' is zero: set at least one")
    return vector


MAX_SAMPLE_CELLS = 200_000_000  # samples x accounts: the robustness keeps ~10% of them as ranks (~80 MB)


def check_sample_size(samples: int, accounts: int) -> None:
    if samples and accounts and samples * accounts > MAX_SAMPLE_CELLS:
        most = max(1, MAX_SAMPLE_CELLS // accounts)
        raise InvalidValueError(
            f"{{samples}}: {samples:,} weight samples x {accounts:,} accounts is more than kamtui computes at "
            f"once (at most {MAX_SAMPLE_CELLS:,}): use at most {most:,} samples"
        )


def robustness_of(criteria: CriteriaSet, scores, params: Params, *, samples: int | None = None, stop=None):
    """The robustness figures of :func:`rank` (``kamtui.core.robustness.robustness`` on the scores, K, seed
    and concentration of ``params``; ``samples`` default ``params.samples``). The TUI computes them in a
    worker with ``stop`` (``Cancelled`` is raised when it returns True); a saved run's are these exactly."""
    from kamtui.core.robustness import robustness

    return robustness(
        scores.normalised,
        scores.weights,
        params.top_k,
        params.samples if samples is None else samples,
        params.seed,
        params.kappa,
        columns=criteria.rank_columns,
        eligible=scores.eligible,
        stop=stop,
    )


def top_k_share_of(criteria: CriteriaSet, scores, params: Params, samples: int, stop=None) -> np.ndarray:
    """P(top K) alone from the first ``samples`` weight draws (``kamtui.core.robustness.top_k_share``, the
    same arguments as :func:`robustness_of`): what the TUI shows before the full figures."""
    from kamtui.core.robustness import top_k_share

    return top_k_share(
        scores.normalised,
        scores.weights,
        params.top_k,
        samples,
        params.seed,
        params.kappa,
        columns=criteria.rank_columns,
        eligible=scores.eligible,
        stop=stop,
    )


def pick(scores, matrix: Matrix, params: Params):
    """The pick of :func:`rank` (``kamtui.core.capacity.select`` with K, the effort limits and the pins)."""
    from kamtui.core.capacity import select

    return select(
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


def rank(
    db: Database | None,
    criteria: CriteriaSet,
    params: Params = DEFAULT_PARAMS,
    *,
    points: dict[str, float] | None = None,
    matrix: Matrix | None = None,
    crosscheck: bool = False,
    attributes: dict[str, dict[str, str]] | None = None,
) -> Ranking:
    """Score, rank, test and pick the stored accounts (or ``matrix``) with ``points`` (default: in force).

    ``crosscheck=True`` adds the cross-checks (``kamtui.service.crosscheck``: what ``kamtui rank`` shows);
    without them the ranking is cheaper (the TUI's live ranking, redrawn on every key). A saved run always
    has them (``save_run`` and ``run`` compute them when the ranking has none). ``attributes`` (account
    name -> kept attributes of the accounts file) default to the stored ones when ``db`` is given."""
    from kamtui.core.selection import score

    if points is None or matrix is None:
        assert db is not None, "rank() needs the database unless points and matrix are given"
    if points is None:
        from kamtui.service.weights import effective_points

        points = effective_points(db, criteria)  # type: ignore[arg-type]
    if matrix is None:
        from kamtui.service.accounts import matrix as load_matrix

        matrix = load_matrix(db, criteria)  # type: ignore[arg-type]
    vector = check_weights(criteria, points)
    check_sample_size(params.samples, len(matrix.names))
    scores = score(matrix.values, criteria, vector, matrix.names)
    robust = robustness_of(criteria, scores, params) if params.samples > 0 and len(matrix.names) > 0 else None
    selection = pick(scores, matrix, params)
    ids = criteria.ids
    if attributes is None and db is not None:
        from kamtui.service.accounts import attributes as stored_attributes

        attributes = stored_attributes(db)
    attributes = attributes or {}
    accounts = [
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
            attributes=dict(attributes.get(matrix.names[i], {})),
        )
        for i in scores.order.tolist()
    ]
    total = float(vector.sum())
    ranking = Ranking(
        criteria=criteria,
        points={c: float(points[c]) for c in ids},
        weights={c: float(points[c]) / total for c in ids},
        params=params,
        binding=list(selection.binding),
        accounts=accounts,
        notes=list(selection.notes),
    )
    if not crosscheck:
        return ranking
    from kamtui.service.crosscheck import with_crosscheck

    return with_crosscheck(ranking, matrix)


def parse_limits(top_k: str, capacity: str, per_kam: str) -> tuple[int, float | None, float | None]:
    """K, capacity and cap per KAM as typed (blank capacity or cap: none), checked like ``Params``."""
    k_text = top_k.strip()
    if not k_text.isdigit() or not 1 <= int(k_text) <= MAX_TOP_K:
        raise InvalidValueError(f"{{top_k}} must be a whole number from 1 to {MAX_TOP_K:,}, not '{k_text}'")
    values: list[float | None] = []
    for name, text in (("capacity", capacity), ("per_kam", per_kam)):
        if not text.strip():
            values.append(None)
            continue
        value = parse_number(text)
        if value is None:
            reason = number_problem(text)
            raise InvalidValueError(f"{{{name}}}: {reason}" if reason else f"{{{name}}} is a number of FTE, not '{text.strip()}'")
        values.append(value)
    capacity_value, per_kam_value = values
    Params(top_k=int(k_text), capacity=capacity_value, per_kam=per_kam_value)  # the same checks as a ranking
    return int(k_text), capacity_value, per_kam_value


def os_user() -> str | None:
    """Who saves a run when nobody says: the operating system's user name, None when it has none."""
    import getpass

    try:
        user = getpass.getuser().strip()
    except (KeyError, OSError, ImportError):  # no login name (a container without a passwd entry)
        return None
    return user or None


def check_saver(saved_by: str | None) -> str | None:
    """The name of who saves a run as typed (blank: the operating system's user name)."""
    from kamtui.core.names import name_problem

    text = (saved_by or "").strip()
    if not text:
        return os_user()
    problem = name_problem(text)
    if problem:
        raise InvalidValueError(f"{{saved_by}}: {problem}")
    return text


MAX_NOTE = 2000  # characters of a run's note


def check_note(text: str | None) -> str:
    """A run's note as typed: trimmed (blank: no note), at most ``MAX_NOTE`` characters."""
    note = (text or "").strip()
    if len(note) > MAX_NOTE:
        raise InvalidValueError(f"a note holds at most {MAX_NOTE:,} characters, this one {len(note):,}")
    return note


def note_run(db: Database, run_id: int, note: str | None) -> None:
    """Set (or, blank, clear) the note of a saved run; nothing else of a run ever changes."""
    store_runs.set_note(db, run_id, check_note(note) or None)


def save_run(db: Database, ranking: Ranking, note: str | None = None, saved_by: str | None = None) -> Ranking:
    """Freeze ``ranking`` as a selection run with a note and who saved it (default: the OS user); returns
    the run as stored (with its id), cross-checked as ``ranking`` was."""
    saver = check_saver(saved_by)
    run_id = store_runs.save_run(db, ranking, check_note(note) or None, saver)
    stored = store_runs.load_run(db, run_id)
    if ranking.crosscheck is None:
        return _checked(stored)
    # the same numbers as ``ranking``: take its cross-checks instead of computing them again
    from dataclasses import replace

    by_name = {a.account: a for a in ranking.accounts}
    accounts = [
        replace(a, topsis_rank=by_name[a.account].topsis_rank, dominated_by=by_name[a.account].dominated_by)
        for a in stored.accounts
    ]
    return replace(stored, accounts=accounts, crosscheck=ranking.crosscheck)


def rank_and_save(
    db: Database,
    criteria: CriteriaSet,
    params: Params = DEFAULT_PARAMS,
    note: str | None = None,
    saved_by: str | None = None,
) -> Ranking:
    return save_run(db, rank(db, criteria, params, crosscheck=True), note, saved_by)


def runs(db: Database) -> list[RunSummary]:
    return [
        RunSummary(
            id=r["id"],
            created_at=r["created_at"],
            criteria=r["criteria_set"],
            accounts=r["accounts"],
            selected=r["selected"],
            binding=r["binding"],
            note=r["note"],
            params=r["params"],
            saved_by=r.get("saved_by"),
        )
        for r in store_runs.list_runs(db)
    ]


def run(db: Database, run_id: int) -> Ranking:
    """A saved run as it was saved, with its cross-checks recomputed from its stored values."""
    return _checked(store_runs.load_run(db, run_id))


def compare_runs(db: Database, run_a: int, run_b: int):
    """What changed from run ``run_a`` to run ``run_b`` (a :class:`kamtui.core.run_diff.RunDiff`)."""
    from kamtui.core.run_diff import diff_runs

    return diff_runs(store_runs.load_run(db, run_a), store_runs.load_run(db, run_b))


def _checked(ranking: Ranking) -> Ranking:
    from kamtui.service.crosscheck import with_crosscheck

    return with_crosscheck(ranking)


def delete_run(db: Database, run_id: int) -> None:
    store_runs.delete_run(db, run_id)
