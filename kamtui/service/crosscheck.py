"""The cross-checks of a ranking, as one operation (README, "Account selection": cross-checks, stability).

``crosscheck`` runs the engine's checks on the accounts of a ranking, in the ranking's order (so a run
rebuilt from what it stored computes exactly what was computed when it was ranked):

* TOPSIS on the same normalised values and weights (``kamtui.core.topsis``), its ranks beside the
  weighted sum's, Kendall's tau-b between the two, and the accounts whose ranks differ by more than
  ``RANK_GAP`` places;
* dominance (``kamtui.core.dominance``): who is dominated by whom, and the dominated accounts in the pick;
* rank reversal (``kamtui.core.rank_reversal``) of the pick without capacity;
* stability (``kamtui.core.stability``): each weight's interval, and what it would take for the
  accounts just outside the pick.

``with_crosscheck`` attaches them to a :class:`~kamtui.core.ranking.Ranking`; ``of_run`` rebuilds the
candidates of a saved run from its stored values.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from kamtui.core.accounts import Matrix
from kamtui.core.criteria import CriteriaSet
from kamtui.core.ranking import CrossCheck, Disagreement, Params, Ranking

RANK_GAP = 5  # a TOPSIS rank more than this many places from the rank is called out
METHOD = (
    "TOPSIS on the weighted sum's normalised values (min-max with cost inversion, ratings on their scale), "
    "ranked criteria only; ideal and anti-ideal = best and worst value present; Euclidean distances; "
    "a missing value is left out of both distances"
)


def crosscheck(criteria: CriteriaSet, matrix: Matrix, points: dict[str, float], params: Params) -> CrossCheck:
    """The cross-checks (module docstring) for the accounts of ``matrix`` in the order given."""
    return _checks(criteria, matrix, points, params)[0]


def with_crosscheck(ranking: Ranking, matrix: Matrix | None = None) -> Ranking:
    """``ranking`` with its cross-checks and each account's TOPSIS rank and dominators filled in.

    ``matrix`` holds the candidates (any order); without it they are rebuilt from the ranking's stored
    raw values (a saved run)."""
    if matrix is None:
        matrix = matrix_of(ranking)
    else:
        position = {name: p for p, name in enumerate(a.account for a in ranking.accounts)}
        matrix = _reordered(matrix, sorted(range(len(matrix.names)), key=lambda i: position[matrix.names[i]]))
    check, topsis, dominated = _checks(ranking.criteria, matrix, ranking.points, ranking.params)
    accounts = [
        replace(a, topsis_rank=topsis.get(a.account), dominated_by=dominated.get(a.account, ()))
        for a in ranking.accounts
    ]
    return replace(ranking, accounts=accounts, crosscheck=check)


def matrix_of(ranking: Ranking) -> Matrix:
    """The candidates of a ranking rebuilt from its raw values (in ranking order)."""
    ids = ranking.criteria.ids
    accounts = ranking.accounts
    values = np.array(
        [[_value(a.values.get(c)) for c in ids] for a in accounts], dtype=np.float64
    ).reshape(len(accounts), len(ids))
    return Matrix(
        names=[a.account for a in accounts],
        values=values,
        owners=[a.owner for a in accounts],
        effort=np.array([_value(a.effort) for a in accounts], dtype=np.float64),
        segments=[a.segment for a in accounts],
        refs=[a.ref for a in accounts],
    )


def _checks(
    criteria: CriteriaSet, matrix: Matrix, points: dict[str, float], params: Params
) -> tuple[CrossCheck, dict[str, int], dict[str, tuple[str, ...]]]:
    from kamtui.core.dominance import dominators
    from kamtui.core.near_miss import just_outside
    from kamtui.core.rank_reversal import rank_reversals
    from kamtui.core.selection import Scorer
    from kamtui.core.stability import PickModel, weight_intervals
    from kamtui.core.topsis import kendall_tau, topsis_rank

    names = list(matrix.names)
    vector = np.array([points[c] for c in criteria.ids], dtype=np.float64)
    scorer = Scorer(matrix.values, criteria, names)
    scores = scorer.scores(vector)
    ranked = ~np.isnan(scores.ranked)
    t_rank = topsis_rank(scores.normalised, scores.weights, criteria.rank_columns)
    tau = kendall_tau(scores.rank[ranked], t_rank[ranked]) if ranked.sum() >= 2 else None
    position = np.empty(len(names), dtype=np.int64)
    position[scores.order] = np.arange(len(names))
    disagreements = [
        Disagreement(names[i], int(scores.rank[i]), int(t_rank[i]))
        for i in scores.order.tolist()
        if ranked[i] and abs(int(t_rank[i]) - int(scores.rank[i])) > RANK_GAP
    ]
    dominated: dict[str, tuple[str, ...]] = {}
    for i, by in enumerate(dominators(scores.normalised, scores.weights)):
        if by.size:
            dominated[names[i]] = tuple(names[b] for b in sorted(by.tolist(), key=position.__getitem__))
    model = PickModel(scorer, names, params.top_k, params.include, params.exclude)
    pick = model.pick_of(scores) if names else np.zeros(0, dtype=bool)
    in_pick = {names[i] for i in np.flatnonzero(pick)}
    reversal = rank_reversals(
        matrix.values, criteria, vector, names, params.top_k, params.include, params.exclude
    )
    check = CrossCheck(
        method=METHOD,
        kendall_tau=tau,
        rank_gap=RANK_GAP,
        disagreements=disagreements,
        dominated_in_pick={
            names[i]: dominated[names[i]] for i in scores.order.tolist() if names[i] in in_pick and names[i] in dominated
        },
        stability=weight_intervals(model, criteria, vector),
        just_outside=just_outside(
            matrix.values, criteria, vector, names, params.top_k, params.include, params.exclude
        ),
        rank_reversals=reversal.reversals,
        reversal_checked=reversal.checked,
    )
    topsis = {names[i]: int(t_rank[i]) for i in range(len(names)) if ranked[i]}
    return check, topsis, dominated


def _reordered(matrix: Matrix, order: list[int]) -> Matrix:
    return Matrix(
        names=[matrix.names[i] for i in order],
        values=matrix.values[order],
        owners=[matrix.owners[i] for i in order],
        effort=matrix.effort[order],
        segments=[matrix.segments[i] for i in order],
        refs=[matrix.refs[i] for i in order],
    )


def _value(x: float | None) -> float:
    return math.nan if x is None else float(x)
