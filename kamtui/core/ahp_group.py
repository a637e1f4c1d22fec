"""Weights from a panel: several people's pairwise comparisons combined (README, "Account selection").

* **Aggregation of individual judgements (AIJ)**: the group matrix is the element-wise geometric mean
  of the members' matrices, a_ij = prod_k a_ij(k)^(1/K) (optionally weighted: prod_k a_ij(k)^(lambda_k),
  lambda summing to 1). It is the one mean that keeps the group matrix reciprocal (Aczel & Saaty,
  "Procedures for synthesizing ratio judgements", J. Math. Psychology 27, 1983; Forman & Peniwati,
  "Aggregating individual judgments and priorities with the AHP", EJOR 108, 1998). A member's
  incomplete matrix is first completed by Harker's method (``kamtui.core.ahp``), so a pair a member
  skipped counts as what that member's other judgements imply. The group weights are the principal
  eigenvector of the group matrix, with its consistency ratio (the group CR).
* **Each member**: weights, lambda_max and CR of their own matrix.
* **Consensus**: Goepel's AHP consensus indicator S* (K. D. Goepel, "Implementing the Analytic
  Hierarchy Process as a Standard Method for Multi-Criteria Decision Making in Corporate Enterprises -
  A New AHP Excel Template with Multiple Inputs", Proceedings of the International Symposium on the
  AHP, Kuala Lumpur 2013; as computed by his AHP-OS), from the members' priority vectors p_k:
  H_alpha = mean over k of the Shannon entropy -sum_j p_kj ln p_kj, H_gamma = the entropy of the mean
  vector, D_beta = exp(H_gamma - H_alpha); with D_alpha,min = exp of the entropy of (M, 1, ..., 1) /
  (n + M - 1) (one criterion M = 9 times as important as all others) and D_gamma,max = n,
  S* = (1 / D_beta - D_alpha,min / D_gamma,max) / (1 - D_alpha,min / D_gamma,max): 1 when everyone's
  priorities are the same, towards 0 as they diverge. Goepel's words: below 50 % very low, to 62.5 %
  low, to 75 % moderate, to 87.5 % high, above very high. None for a panel of one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from kamtui.core.ahp import AhpResult, ahp_weights
from kamtui.core.errors import InvalidValueError

SCALE_MAX = 9  # Saaty's scale: the largest judgement M in the consensus indicator
CONSENSUS_WORDS = ((0.5, "very low"), (0.625, "low"), (0.75, "moderate"), (0.875, "high"), (math.inf, "very high"))


@dataclass(frozen=True, eq=False)
class PanelResult:
    members: list[AhpResult]  # each person's own weights and CR (incomplete matrices completed)
    matrix: np.ndarray  # the group's judgements: the geometric mean of the members' (AIJ)
    group: AhpResult  # weights and CR of the group matrix
    consensus: float | None  # Goepel's S*, None for one member
    member_weights: np.ndarray  # the weight of each member in the mean (sum 1)

    @property
    def consensus_words(self) -> str | None:
        return consensus_words(self.consensus)


def aggregate(matrices: Sequence[np.ndarray], weights: Sequence[float] | None = None) -> np.ndarray:
    """The (weighted) geometric mean of complete pairwise matrices, element by element."""
    stack = np.asarray([np.asarray(m, dtype=np.float64) for m in matrices])
    if stack.ndim != 3 or stack.shape[0] == 0 or stack.shape[1] != stack.shape[2]:
        raise InvalidValueError(f"expected one or more square matrices of one size, got shape {stack.shape}")
    if not np.isfinite(stack).all() or (stack <= 0).any():
        raise InvalidValueError("pairwise comparisons must be positive numbers")
    lam = _member_weights(weights, stack.shape[0])
    return np.exp(np.tensordot(lam, np.log(stack), axes=1))


def consensus(priorities: np.ndarray, scale_max: float = SCALE_MAX) -> float | None:
    """Goepel's AHP consensus indicator S* of K priority vectors (K x n, rows summing to 1); None for K < 2."""
    p = np.asarray(priorities, dtype=np.float64)
    if p.ndim != 2 or p.shape[0] < 2 or p.shape[1] < 2:
        return None
    n = p.shape[1]
    h_alpha = float(np.mean([_entropy(row) for row in p]))
    h_gamma = _entropy(p.mean(axis=0))
    d_beta = math.exp(h_gamma - h_alpha)
    extreme = np.array([scale_max] + [1.0] * (n - 1)) / (n + scale_max - 1)
    ratio = math.exp(_entropy(extreme)) / n  # D_alpha,min / D_gamma,max
    return (1.0 / d_beta - ratio) / (1.0 - ratio)


def consensus_words(value: float | None) -> str | None:
    if value is None:
        return None
    return next(words for limit, words in CONSENSUS_WORDS if value < limit)


def panel(matrices: Sequence[np.ndarray], weights: Sequence[float] | None = None) -> PanelResult:
    """Each member's result, the group matrix (AIJ) and its result, and the consensus (module docstring)."""
    if not matrices:
        raise InvalidValueError("a panel needs at least one pairwise comparison matrix")
    members = [ahp_weights(m) for m in matrices]
    sizes = {r.weights.size for r in members}
    if len(sizes) > 1:
        raise InvalidValueError(f"every member must compare the same criteria, got matrices of sizes {sorted(sizes)}")
    lam = _member_weights(weights, len(members))
    full = [r.matrix if r.matrix is not None else np.asarray(m, dtype=np.float64) for r, m in zip(members, matrices, strict=True)]
    group_matrix = aggregate(full, lam)
    group = ahp_weights(group_matrix)
    return PanelResult(
        members=members,
        matrix=group_matrix,
        group=group,
        consensus=consensus(np.array([r.weights for r in members])),
        member_weights=lam,
    )


def _entropy(p: np.ndarray) -> float:
    q = np.asarray(p, dtype=np.float64)
    q = q[q > 0]
    return float(-(q * np.log(q)).sum())


def _member_weights(weights: Sequence[float] | None, k: int) -> np.ndarray:
    if weights is None:
        return np.full(k, 1.0 / k)
    lam = np.asarray(weights, dtype=np.float64)
    if lam.shape != (k,) or not np.isfinite(lam).all() or (lam < 0).any() or not lam.sum() > 0:
        raise InvalidValueError(f"expected {k} member weights >= 0 with at least one above zero")
    return lam / lam.sum()
