"""TOPSIS beside the weighted sum: a second method on the same numbers (README, "Account selection").

Variant (Hwang & Yoon 1981, with the normalisation the weighted sum uses):

* Normalisation: the weighted sum's own, ``Scores.normalised`` (ratings and fixed-scale numbers on
  their scale, other numbers min-max over the candidates, cost criteria inverted), so both methods
  see the same 0-1 matrix and differ only in how they aggregate it. Not vector normalisation: that
  would change the ratio between criteria as well as the aggregation, and a disagreement could not
  be put down to the method.
* Only the criteria of the ranked score take part (every criterion, or the attractiveness group when
  the set says ``rank_by = "attractiveness"``), with their weights w (normalised to sum 1).
* Weighted matrix y_ij = w_j v_ij; ideal y+_j = max_i y_ij and anti-ideal y-_j = min_i y_ij over the
  candidates that have the criterion (the best and worst values present, not the ends of the scale).
* Euclidean distances d+_i = sqrt(sum_j (y_ij - y+_j)^2), d-_i likewise; closeness c_i = d-_i / (d+_i + d-_i),
  1 = the ideal; 0.5 when both distances are 0 (every present column constant).
* Missing values: a criterion an account lacks is left out of both of its distances. Renormalising
  its weights over the criteria it has (the weighted sum's rule) would scale d+ and d- by the same
  factor, so the closeness is the same either way; an account with no ranked criterion has none.
* Rank = rankdata(-c, "min") over the accounts with a closeness; the others share the last rank.

pymcdm's ``TOPSIS`` (default ``minmax_normalization``) ranks exactly alike on matrices of plain min-max
numbers, and on any matrix once it is given ``Scores.normalised`` with an identity normalisation
(tests/unit/test_topsis.py).
"""

from __future__ import annotations

import numpy as np

from kamtui.core.errors import InvalidValueError


def closeness(normalised: np.ndarray, weights: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
    """TOPSIS closeness per account (module docstring): in [0, 1], NaN without a ranked criterion."""
    v = np.asarray(normalised, dtype=np.float64)
    w = np.asarray(weights, dtype=np.float64)
    if v.ndim != 2 or w.shape != (v.shape[1],):
        raise InvalidValueError(f"expected accounts x {w.size} normalised values, got shape {v.shape}")
    used = w > 0
    if columns is not None:
        used &= np.asarray(columns, dtype=bool)
    n = v.shape[0]
    if n == 0 or not used.any():
        return np.full(n, np.nan)
    y = v[:, used] * (w[used] / w[used].sum())
    present = ~np.isnan(y)
    with np.errstate(invalid="ignore"):
        best = np.fmax.reduce(y, axis=0, initial=-np.inf)
        worst = np.fmin.reduce(y, axis=0, initial=np.inf)
        d_plus = np.sqrt(np.where(present, (y - best) ** 2, 0.0).sum(axis=1))
        d_minus = np.sqrt(np.where(present, (y - worst) ** 2, 0.0).sum(axis=1))
        total = d_plus + d_minus
        c = np.where(total > 0, d_minus / np.where(total > 0, total, 1.0), 0.5)
    c[~present.any(axis=1)] = np.nan
    return c


def rank_of(values: np.ndarray) -> np.ndarray:
    """rankdata(-values, "min") over the finite values; NaN shares the last rank (count + 1)."""
    from scipy.stats import rankdata

    x = np.asarray(values, dtype=np.float64)
    rank = np.empty(x.shape[0], dtype=np.int64)
    known = ~np.isnan(x)
    rank[known] = rankdata(-x[known], method="min").astype(np.int64)
    rank[~known] = int(known.sum()) + 1
    return rank


def topsis_rank(normalised: np.ndarray, weights: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
    """TOPSIS ranks, 1 = closest to the ideal (module docstring)."""
    return rank_of(closeness(normalised, weights, columns))


def kendall_tau(rank_a: np.ndarray, rank_b: np.ndarray) -> float | None:
    """Kendall's tau-b between two rankings (scipy.stats.kendalltau); None with fewer than 2 or no variation."""
    from scipy.stats import kendalltau

    a = np.asarray(rank_a, dtype=np.float64)
    b = np.asarray(rank_b, dtype=np.float64)
    if a.size < 2:
        return None
    tau = float(kendalltau(a, b).statistic)
    return None if np.isnan(tau) else tau
