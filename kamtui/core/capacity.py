"""Pick the key accounts the team can serve (DESIGN.md, "Capacity").

Rules:

* Eligible = has an overall score, coverage >= 50%, a value in every group that carries weight (an
  account without any attractiveness value has no attractiveness score and no quadrant:
  ``Scores.missing_group``) and not excluded. An included ("pinned") account is always selected, even
  below 50% coverage or without a group (the pin wins over the automatic flags), but an account
  without an overall score cannot be pinned.
* Without an effort limit (no ``capacity`` and no ``per_kam``): the pinned accounts plus the best
  eligible accounts in ranking order (rank, then name) until ``top_k`` are selected. Pins count
  toward K; with more pins than K, all pins (and nothing else) are selected. The ranking order is
  ``scores.order``, so it follows the criteria set's ``rank_by`` (overall, or attractiveness: then an
  eligible account without an attractiveness score comes after every account with one).
* With ``capacity`` (total FTE) and/or ``per_kam`` (FTE cap for each owner): scipy.optimize.milp
  maximises the summed overall score of the selected accounts, x binary, subject to
  sum(effort * x) <= capacity, for each owner sum(effort * x) <= per_kam (accounts without an owner
  are not capped), sum(x) <= top_k (or the number of pins when larger), pins fixed to 1 by bounds.
  An account without an effort cannot be picked under an effort limit (noted); a pinned one is an
  error. FTE sums are compared with 1e-9 slack, so 0.1 + 0.2 fits 0.3.
* Ties: among selections whose total score is equal (to the solver's tolerance, ~1e-7), the one with
  the better ranking order wins: a second solve keeps the best total and maximises
  sum((n - position in order)^2) over the selected accounts, which prefers the better-ranked of two
  otherwise interchangeable accounts.
* ``binding`` lists the limits that bind, as "capacity", "top_k" and "per_kam:<owner>": a limit binds
  when it alone stops a move that would raise the total score by more than 1e-9 (adding an unselected
  account, or swapping it for a selected one that scores less), so lifting it would raise the total
  (kamtui.core.capacity_binding). Without an effort limit, K binds when an eligible account is left out.
* Speed: accounts that no best pick needs are removed before the solve (kamtui.core.capacity_prune),
  and the solver's stray C output is kept off stdout (kamtui.core.quiet).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from kamtui.core.capacity_binding import binding_limits
from kamtui.core.capacity_prune import removable
from kamtui.core.errors import InvalidValueError
from kamtui.core.names import name_key
from kamtui.core.quiet import silenced_stdout
from kamtui.core.selection import MIN_COVERAGE, THRESHOLD_SLACK, Scores

BINDING_GAIN = 1e-9  # a limit binds when lifting it raises the total score by more than this
FTE_SLACK = 1e-9
_OBJECTIVE_SCALE = 1e3  # HiGHS stops at an absolute gap of 1e-6: scale so that means 1e-9 of a score
_TIME_LIMIT = 60.0
_NAMES_SHOWN = 5


@dataclass(frozen=True, eq=False)
class Selection:
    """The picked accounts and why the pick looks the way it does."""

    selected: np.ndarray  # n bools
    binding: list[str]
    total_score: float  # sum of overall over the selected accounts
    total_effort: float | None  # sum of effort (FTE) over the selected; None when no efforts were given
    notes: list[str]

    @property
    def count(self) -> int:
        return int(self.selected.sum())


@dataclass(frozen=True)
class _Problem:
    """The accounts that may be picked and the limits, in the solver's terms."""

    variables: np.ndarray  # account indices
    pinned: np.ndarray  # bool per variable
    score: np.ndarray  # overall per variable
    preference: np.ndarray  # tie-break value per variable (better order = larger)
    effort: np.ndarray | None
    owner_of: list[str | None]
    capacity: float | None
    per_kam: float | None
    top_k: int


def select(
    scores: Scores,
    names: Sequence[str],
    top_k: int = 15,
    effort: np.ndarray | Sequence[float] | None = None,
    owners: Sequence[str | None] | None = None,
    capacity: float | None = None,
    per_kam: float | None = None,
    include: Iterable[str] = (),
    exclude: Iterable[str] = (),
) -> Selection:
    """Select up to ``top_k`` accounts, honouring pins and the effort limits (module docstring)."""
    n = len(scores)
    names = list(names)
    if len(names) != n:
        raise InvalidValueError(f"{len(names)} account names for {n} scored accounts")
    if isinstance(top_k, bool) or int(top_k) != top_k or top_k < 0:
        raise InvalidValueError(f"top K must be a whole number >= 0, not {top_k}")
    top_k = int(top_k)
    efforts = _check_effort(effort, n)
    owner_list = _check_owners(owners, n)
    capacity = _check_limit(capacity, "capacity")
    per_kam = _check_limit(per_kam, "the cap per KAM")
    pinned = _named(names, include, "include")
    excluded = _named(names, exclude, "exclude")
    both = pinned & excluded
    if both.any():
        shown = ", ".join(names[i] for i in np.flatnonzero(both))
        raise InvalidValueError(f"an account cannot be both included and excluded: {shown}")

    has_overall = ~np.isnan(scores.overall)
    unscored = pinned & ~has_overall
    if unscored.any():
        raise InvalidValueError(
            f"{_list(names, unscored)} cannot be pinned: no weighted criterion has a value, so there is no score"
        )
    covered = scores.coverage >= MIN_COVERAGE - THRESHOLD_SLACK
    grouped = ~scores.no_group_data
    eligible = eligible_mask(scores, pinned, excluded)
    notes = _coverage_notes(names, scores, has_overall, covered, pinned, excluded)
    notes += _group_notes(names, scores, has_overall & covered & ~grouped, pinned, excluded)
    n_pins = int(pinned.sum())
    if n_pins > top_k:
        notes.append(
            f"{n_pins} accounts are pinned, more than top K = {top_k}: all pinned accounts are selected"
        )
    k = max(top_k, n_pins)
    overall = np.where(has_overall, scores.overall, 0.0)

    if capacity is None and per_kam is None:
        chosen = best_k(scores, pinned, excluded, top_k)
        left = eligible & ~chosen
        binding = ["top_k"] if overall[left].sum() > BINDING_GAIN else []
        total_effort = None
        if efforts is not None:
            unknown = chosen & np.isnan(efforts)
            if unknown.any():
                notes.append(f"effort unknown for {_count(unknown)}: {_list(names, unknown)}")
            total_effort = float(np.nansum(efforts[chosen]))
        return Selection(chosen, binding, float(overall[chosen].sum()), total_effort, notes)

    if efforts is None:
        raise InvalidValueError("an FTE capacity needs the effort (FTE) of each account")
    no_effort = np.isnan(efforts)
    if (pinned & no_effort).any():
        raise InvalidValueError(
            f"pinned {_list(names, pinned & no_effort)} has no effort (FTE): give the effort or unpin it"
        )
    if (eligible & no_effort).any():
        notes.append(
            f"{_count(eligible & no_effort)} without an effort (FTE) cannot be picked under a capacity: "
            f"{_list(names, eligible & no_effort)}"
        )
    candidates = eligible & ~no_effort
    _check_pins(names, pinned, efforts, owner_list, capacity, per_kam)

    variables = np.flatnonzero(candidates | pinned)
    position = np.empty(n, dtype=np.int64)
    position[scores.order] = np.arange(n)
    problem = _Problem(
        variables=variables,
        pinned=pinned[variables],
        score=overall[variables],
        preference=(n - position[variables]).astype(np.float64) ** 2,
        effort=efforts[variables],
        owner_of=[owner_list[i] for i in variables],
        capacity=capacity,
        per_kam=per_kam,
        top_k=k,
    )
    x, total, exact = _solve(problem)
    if not exact:
        notes.append("the solver stopped at its time limit: the pick may not be the best possible")
    chosen = np.zeros(n, dtype=bool)
    chosen[variables[x]] = True

    binding = binding_limits(
        x,
        problem.score,
        problem.effort,
        problem.owner_of,
        problem.pinned,
        problem.top_k,
        capacity,
        per_kam,
        FTE_SLACK,
    )
    return Selection(chosen, binding, total, float(efforts[chosen].sum()), notes)


def pin_masks(
    names: Sequence[str], include: Iterable[str] = (), exclude: Iterable[str] = ()
) -> tuple[np.ndarray, np.ndarray]:
    """(pinned, excluded) masks of the accounts named (the name rule of ``select``; unknown names raise)."""
    names = list(names)
    return _named(names, include, "include"), _named(names, exclude, "exclude")


def eligible_mask(scores: Scores, pinned: np.ndarray, excluded: np.ndarray) -> np.ndarray:
    """The accounts the pick may take on its own (module docstring), pins and exclusions aside."""
    return scores.eligible & ~excluded & ~pinned


def best_k(scores: Scores, pinned: np.ndarray, excluded: np.ndarray, top_k: int) -> np.ndarray:
    """The pick without an effort limit: the pins, then the best eligible accounts in ranking order up to
    ``top_k`` (all pins when there are more). ``select`` without capacity; cheap enough to call per weight."""
    eligible = eligible_mask(scores, pinned, excluded)
    n_pins = int(pinned.sum())
    chosen = pinned.copy()
    ranked = scores.order[eligible[scores.order]]
    chosen[ranked[: max(top_k, n_pins) - n_pins]] = True
    return chosen


def _solve(problem: _Problem) -> tuple[np.ndarray, float, bool]:
    """Best selection (bool per variable), its total score, and whether the solver proved optimality.
    Accounts that no best selection needs are left out of the solve first (kamtui.core.capacity_prune)."""
    keep = ~removable(
        problem.score,
        problem.preference,
        problem.effort,
        problem.owner_of,
        problem.pinned,
        problem.top_k,
        problem.capacity,
        problem.per_kam,
        FTE_SLACK,
    )
    if keep.all():
        return _solve_all(problem)
    reduced = _Problem(
        variables=problem.variables[keep],
        pinned=problem.pinned[keep],
        score=problem.score[keep],
        preference=problem.preference[keep],
        effort=problem.effort[keep],
        owner_of=[o for o, k in zip(problem.owner_of, keep, strict=True) if k],
        capacity=problem.capacity,
        per_kam=problem.per_kam,
        top_k=problem.top_k,
    )
    x_kept, total, exact = _solve_all(reduced)
    x = np.zeros(problem.variables.size, dtype=bool)
    x[np.flatnonzero(keep)[x_kept]] = True
    return x, total, exact


def _solve_all(problem: _Problem) -> tuple[np.ndarray, float, bool]:
    """The two solves: the best total, then the best ranking order among picks within BINDING_GAIN of it.
    A limit that no choice of the candidates can exceed is left out of the model."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    count = problem.variables.size
    if count == 0:
        return np.zeros(0, dtype=bool), 0.0, True
    rows: list[np.ndarray] = []
    upper: list[float] = []
    if problem.capacity is not None and problem.effort.sum() > problem.capacity:
        rows.append(problem.effort)
        upper.append(problem.capacity + FTE_SLACK * max(1.0, problem.capacity))
    if problem.top_k < count:
        rows.append(np.ones(count))
        upper.append(float(problem.top_k))
    if problem.per_kam is not None:
        owners = np.array([o if o is not None else "" for o in problem.owner_of], dtype=object)
        for owner in sorted({o for o in problem.owner_of if o is not None}):
            row = np.where(owners == owner, problem.effort, 0.0)
            if row.sum() > problem.per_kam:
                rows.append(row)
                upper.append(problem.per_kam + FTE_SLACK * max(1.0, problem.per_kam))
    lower_bounds = problem.pinned.astype(np.float64)
    bounds = Bounds(lower_bounds, np.ones(count))
    integrality = np.ones(count)
    # HiGHS prints stray debug lines with C printf (HighsMipSolverData::..., HiGHS issue #2783) whatever
    # its options say: the solve runs with descriptor 1 silenced (kamtui.core.quiet), presolve on.
    options = {"mip_rel_gap": 0.0, "time_limit": _TIME_LIMIT, "disp": False}

    def run(objective: np.ndarray, extra: list[tuple[np.ndarray, float, float]]):
        constraints = []
        if rows:
            constraints.append(LinearConstraint(np.array(rows), -np.inf, np.array(upper)))
        for row, lo, hi in extra:
            constraints.append(LinearConstraint(row[None, :], lo, hi))
        with silenced_stdout():
            result = milp(
                objective, integrality=integrality, bounds=bounds, constraints=constraints, options=options
            )
        if result.x is None:
            raise InvalidValueError(f"no selection fits the limits ({result.message})")
        return result.x > 0.5, result.status == 0

    if not rows:  # nothing limits the pick: every candidate (scores are >= 0; each adds preference)
        return np.ones(count, dtype=bool), float(problem.score.sum()), True
    x, exact = run(-problem.score * _OBJECTIVE_SCALE, [])
    total = float(problem.score[x].sum())
    floor = total - BINDING_GAIN * max(1.0, abs(total))
    preferred, exact_tie = run(-problem.preference, [(problem.score, floor, np.inf)])
    better = float(problem.score[preferred].sum())
    if better >= floor:
        x, total, exact = preferred, better, exact and exact_tie
    return x, total, exact


def _check_pins(
    names: list[str],
    pinned: np.ndarray,
    efforts: np.ndarray,
    owners: list[str | None],
    capacity: float | None,
    per_kam: float | None,
) -> None:
    """Pinned accounts that alone break a limit: raise with the numbers."""
    if capacity is not None:
        need = float(efforts[pinned].sum())
        if need > capacity + FTE_SLACK * max(1.0, capacity):
            raise InvalidValueError(f"pinned accounts need {_fte(need)} FTE; capacity is {_fte(capacity)}")
    if per_kam is not None:
        load: dict[str, float] = {}
        for i in np.flatnonzero(pinned):
            owner = owners[i]
            if owner is not None:
                load[owner] = load.get(owner, 0.0) + float(efforts[i])
        for owner, need in sorted(load.items()):
            if need > per_kam + FTE_SLACK * max(1.0, per_kam):
                raise InvalidValueError(
                    f"pinned accounts of {owner} need {_fte(need)} FTE; the cap per KAM is {_fte(per_kam)}"
                )


def _coverage_notes(
    names: list[str],
    scores: Scores,
    has_overall: np.ndarray,
    covered: np.ndarray,
    pinned: np.ndarray,
    excluded: np.ndarray,
) -> list[str]:
    notes = []
    low = has_overall & ~covered & ~pinned & ~excluded
    if low.any():
        notes.append(
            f"{_count(low)} below {MIN_COVERAGE:.0%} coverage not selected automatically: {_list(names, low)}"
        )
    for i in np.flatnonzero(pinned & ~covered):
        notes.append(
            f"'{names[i]}' is selected because it is pinned, although its coverage is "
            f"{scores.coverage[i]:.0%} (below {MIN_COVERAGE:.0%})"
        )
    return notes


def _group_notes(
    names: list[str], scores: Scores, flagged: np.ndarray, pinned: np.ndarray, excluded: np.ndarray
) -> list[str]:
    """Accounts without any value in a weighted group (not already flagged for coverage)."""
    notes = []
    by_group = (("attractiveness", np.isnan(scores.attractiveness)), ("strength", np.isnan(scores.strength)))
    for group, missing in by_group:
        left_out = flagged & missing & ~pinned & ~excluded
        if left_out.any():
            notes.append(
                f"{_count(left_out)} without any {group} value not selected automatically: {_list(names, left_out)}"
            )
        for i in np.flatnonzero(flagged & missing & pinned):
            notes.append(f"'{names[i]}' is selected because it is pinned, although it has no {group} value")
    return notes


def _named(names: list[str], wanted: Iterable[str], what: str) -> np.ndarray:
    """Mask of the accounts named in ``wanted``; unknown or ambiguous names raise."""
    if isinstance(wanted, str):
        wanted = [wanted]
    wanted = list(wanted)
    if not wanted:
        return np.zeros(len(names), dtype=bool)
    index: dict[str, list[int]] = {}
    by_key: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        index.setdefault(name, []).append(i)
        by_key.setdefault(name_key(name), []).append(i)
    mask = np.zeros(len(names), dtype=bool)
    unknown, ambiguous = [], []
    for name in wanted:
        hits = index.get(name) or by_key.get(name_key(name), [])  # the name rule: "acme" pins "Acme"
        if not hits:
            unknown.append(name)
        elif len(hits) > 1:
            ambiguous.append(name)
        else:
            mask[hits[0]] = True
    if unknown:
        shown = ", ".join(f"'{u}'" for u in unknown)
        raise InvalidValueError(f"{what}: no account named {shown}")
    if ambiguous:
        shown = ", ".join(f"'{a}'" for a in ambiguous)
        raise InvalidValueError(f"{what}: more than one account is named {shown}; rename them first")
    return mask


def _check_effort(effort: np.ndarray | Sequence[float] | None, n: int) -> np.ndarray | None:
    if effort is None:
        return None
    if isinstance(effort, np.ndarray) and effort.dtype.kind == "f":
        values = effort.astype(np.float64, copy=False)  # the live ranking's column: no per-account work
    else:
        values = np.array([np.nan if e is None else e for e in effort], dtype=np.float64)
    if values.shape != (n,):
        raise InvalidValueError(f"{values.size} efforts for {n} accounts")
    bad = np.isinf(values) | (values < 0)
    if bad.any():
        raise InvalidValueError(f"effort must be a number of FTE >= 0, not {values[np.flatnonzero(bad)[0]]}")
    return values


def _check_owners(owners: Sequence[str | None] | None, n: int) -> list[str | None]:
    if owners is None:
        return [None] * n
    owners = [o.strip() or None if isinstance(o, str) else None for o in owners]
    if len(owners) != n:
        raise InvalidValueError(f"{len(owners)} owners for {n} accounts")
    return owners


def _check_limit(value: float | None, what: str) -> float | None:
    if value is None:
        return None
    limit = float(value)
    if not (math.isfinite(limit) and limit >= 0):
        raise InvalidValueError(f"{what} must be a number of FTE >= 0, not {value}")
    return limit


def _list(names: list[str], mask: np.ndarray) -> str:
    picked = [f"'{names[i]}'" for i in np.flatnonzero(mask)]
    more = len(picked) - _NAMES_SHOWN
    shown = ", ".join(picked[:_NAMES_SHOWN])
    return f"{shown} and {more} more" if more > 0 else shown


def _count(mask: np.ndarray) -> str:
    count = int(mask.sum())
    return f"{count} account{'s' if count != 1 else ''}"


def _fte(value: float) -> str:
    return f"{round(value, 6):g}"
