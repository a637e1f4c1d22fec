"""Score and rank candidate accounts against a criteria set (DESIGN.md, "Account selection").

Rules, for n accounts x m criteria with NaN = missing:

* rating, or number with a fixed ``scale``: v = (x - lo) / (hi - lo) with the scale's lo/hi (so a
  fixed-scale number does not move when the candidate list changes).
* other numbers: t = log1p(x) when ``transform = "log"`` else x; v = (t - min) / (max - min), min and max over
  the candidates' present values; a constant column (max == min) gives 0.5 to every present cell; a
  column nobody has stays missing.
* cost criteria: v = 1 - v.
* weights are points normalised by their sum. For each account the weighted mean is renormalised over
  the criteria it has: overall = 10 * sum_j w_j v_j [present] / sum_j w_j [present]; coverage is the
  share of the weight present; attractiveness and strength are the same mean within the group's
  criteria (NaN when the account has no weight present in that group; overall NaN likewise).
* rank = scipy.stats.rankdata(-r, method="min") over the accounts with an r, where r is the overall
  score, or the attractiveness score when the criteria set says ``rank_by = "attractiveness"``; the
  accounts without an r all share the last rank (number with an r + 1). ``order`` lists accounts by
  (rank, name casefold, name), so ties are listed by name.
* an account with no value in a group that carries weight (no attractiveness data at all, say) has no
  score for that group: ``missing_group`` flags it, and like low coverage it is not selected
  automatically (kamtui.core.capacity).
* quadrant on (strength, attractiveness): high means >= threshold. Strategic (high, high), Star (high
  attractiveness, low strength), Status (low attractiveness, high strength), Streamline (low, low);
  ``None`` when either group score is missing.

Floating point: ranked scores (r) that differ by no more than 1e-10 (on the 0-10 scale) are rounding
noise of equal scores; they are made exactly equal (to the highest of them) so that they tie. A group
score within 1e-9 below a threshold counts as reaching it, for the same reason.

Speed: min-max normalisation followed by a weighted sum is affine in the values, so without missing
values the overall score is one matrix-vector product ``X @ w' + c`` with per-column scale and offset
folded into ``w'`` and ``c``: :func:`rank_only` does it in one pass over the values, and a
:class:`Ranker` prepares the matrix once so that each re-ranking under new weights costs one
product and one sort. Nothing loops over accounts in Python. Ranking by attractiveness is the same
weighted mean with the weights outside the attractiveness group set to 0 (renormalised within the group).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from kamtui.core.criteria import CriteriaSet, Layout, Thresholds
from kamtui.core.errors import InvalidValueError

QUADRANTS = ("Strategic", "Star", "Status", "Streamline")
MIN_COVERAGE = 0.5
TIE_TOLERANCE = 1e-10
THRESHOLD_SLACK = 1e-9
# Fold min-max into the weights only while |lo| / span stays below this; past it the offset would
# cancel most of the product's digits, so the column minimum is subtracted first.
_FOLD_CONDITION = 64.0


@dataclass(frozen=True, eq=False)
class Scores:
    """The scored accounts, row i = account i of the value matrix (see the module docstring)."""

    normalised: np.ndarray  # n x m, v in [0, 1] (for values on their scale), NaN = missing
    weights: np.ndarray  # m, points / sum(points)
    coverage: np.ndarray  # n, share of the weight present
    overall: np.ndarray  # n, 0-10, NaN when nothing weighted is present
    attractiveness: np.ndarray  # n, 0-10 or NaN
    strength: np.ndarray  # n, 0-10 or NaN
    rank: np.ndarray  # n, int64, 1 = best; ties share the lowest rank
    quadrant: list[str | None]
    order: np.ndarray  # n, account indices best first, ties by name
    names: tuple[str, ...] | None = None
    thresholds: Thresholds = field(default_factory=Thresholds)
    rank_by: str = "overall"  # the score ``rank`` and ``order`` follow (the criteria set's rank_by)
    # n bools: no value in a group whose criteria carry weight (None: nobody, for hand-made Scores)
    missing_group: np.ndarray | None = None

    def __len__(self) -> int:
        return int(self.overall.shape[0])

    @property
    def ranked(self) -> np.ndarray:
        """The score ``rank`` follows: ``overall``, or ``attractiveness`` when the set ranks by it."""
        return self.attractiveness if self.rank_by == "attractiveness" else self.overall

    @property
    def has_overall(self) -> np.ndarray:
        return ~np.isnan(self.overall)

    @property
    def low_coverage(self) -> np.ndarray:
        """Accounts flagged for coverage below 50% (never selected automatically)."""
        return ~(self.coverage >= MIN_COVERAGE - THRESHOLD_SLACK)

    @property
    def no_group_data(self) -> np.ndarray:
        """Accounts flagged for having no value in a weighted group (never selected automatically)."""
        if self.missing_group is None:
            return np.zeros(len(self), dtype=bool)
        return self.missing_group

    @property
    def eligible(self) -> np.ndarray:
        """Accounts the pick may take on its own: an overall score, coverage >= 50% and both groups."""
        return self.has_overall & ~self.low_coverage & ~self.no_group_data


def normalise(values: np.ndarray, criteria: CriteriaSet) -> np.ndarray:
    """The n x m matrix of normalised values v in [0, 1] (NaN stays missing), by the module rules."""
    x = _as_values(values, criteria)
    _check_values(x, criteria)
    lay = criteria.layout
    v = np.empty_like(x)
    fixed = lay.fixed
    if fixed.any():
        lo, hi = lay.lo[fixed], lay.hi[fixed]
        v[:, fixed] = (x[:, fixed] - lo) / (hi - lo)
    number = ~fixed
    if number.any():
        t = x[:, number]
        log = lay.log[number]
        if log.any():
            t[:, log] = np.log1p(t[:, log])
        mn = np.fmin.reduce(t, axis=0, initial=np.inf)
        mx = np.fmax.reduce(t, axis=0, initial=-np.inf)
        with np.errstate(over="ignore", invalid="ignore"):
            span = mx - mn
        huge = np.isinf(span) & np.isfinite(mn) & np.isfinite(mx)
        if huge.any():  # max - min overflows: halve the column (exact) and its bounds first
            t[:, huge] *= 0.5
            mn[huge] *= 0.5
            mx[huge] *= 0.5
            span[huge] = mx[huge] - mn[huge]
        constant = span == 0
        with np.errstate(invalid="ignore", divide="ignore"):
            cols = (t - mn) / span
        cols[:, constant] = np.where(np.isnan(t[:, constant]), np.nan, 0.5)
        v[:, number] = cols
    cost = lay.cost
    if cost.any():
        v[:, cost] = 1.0 - v[:, cost]
    return v


def rank_only(
    values: np.ndarray, criteria: CriteriaSet, points: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Overall scores (0-10, NaN when nothing weighted is present) and min-ranks, for live re-ranking.

    The ranks follow the criteria set's ``rank_by``: by overall, or by attractiveness (the same
    weighted mean with the points outside the attractiveness group set to 0).

    Without missing values this is one pass over the matrix plus one sort: min-max normalisation and
    the weights are affine, so overall = 10 * (X @ (w * a) + w @ b) with per-column scale a and offset
    b (see :class:`Ranker`). The fixed-scale part of ``w * a`` is known from the scales; the number
    columns come out of the same matrix product (as rows, via a 0/1 selector) to get their min and max.
    Re-ranking the same values under many weight vectors is cheaper through a :class:`Ranker`.
    """
    x = _as_values(values, criteria)
    lay = criteria.layout
    p = lay.points if points is None else _as_points(points, criteria)
    n = x.shape[0]
    if n == 0:
        return np.empty(0), np.empty(0, dtype=np.int64)
    overall = _overall_once(x, criteria, p)
    if overall is None:
        return Ranker(x, criteria, copy=False).rank(p)
    if criteria.rank_by == "overall":
        return overall, _rank_min(overall)
    group = _ranked_points(p, criteria)
    ranked = _overall_once(x, criteria, group) if group is not None else np.full(n, np.nan)
    if ranked is None:
        return Ranker(x, criteria, copy=False).rank(p)
    return overall, _rank_min(ranked)


def _overall_once(x: np.ndarray, criteria: CriteriaSet, p: np.ndarray) -> np.ndarray | None:
    """The folded overall under ``p`` in one pass, or None when the slow path must decide."""
    lay = criteria.layout
    if lay.fold_condition > _FOLD_CONDITION:
        return None
    with np.errstate(invalid="ignore"):  # inf or a negative log value: refused by the slow path
        overall = _fold_once(x, lay, p)
    if overall is None or not np.isfinite(overall).all():
        return None
    return overall


def _ranked_points(p: np.ndarray, criteria: CriteriaSet) -> np.ndarray | None:
    """The points whose weighted mean is the ranked score r; None when they are all 0 (no r at all)."""
    if criteria.rank_by == "overall":
        return p
    group = np.where(criteria.rank_columns, p, 0.0)
    return group if group.sum() > 0 else None


def _fold_once(x: np.ndarray, lay: Layout, p: np.ndarray) -> np.ndarray | None:
    """overall = X @ (w a) + w @ b in one pass over X; None when a column is too ill-conditioned."""
    w = p * (10.0 / p.sum())
    c = float(w @ lay.fold_offset)
    if lay.numbers:
        # one product: row 0 = the ratings' weighted sum, rows 1.. = the number columns (contiguous)
        mix = lay.number_selector.copy()
        mix[:, 0] = w * lay.fold_scale
        product = mix.T @ x.T
        overall = product[0]
        for row, (j, is_log, is_cost) in enumerate(lay.numbers, start=1):
            t = product[row]
            if is_log:
                np.log1p(t, out=t)
            lo = float(t.min())
            if is_log and lo < 0:
                return None  # a value in (-1, 0): the slow path refuses it
            span = float(t.max()) - lo
            if not math.isfinite(span):
                return None  # NaN in the column, or max - min overflows: the slow path copes
            if span == 0:
                c += 0.5 * w[j]
                continue
            if abs(lo) > _FOLD_CONDITION * span:
                return None
            a, b = 1.0 / span, -lo / span
            if is_cost:
                a, b = -a, 1.0 - b
            c += w[j] * b
            t *= w[j] * a
            overall += t
    else:
        overall = x @ (w * lay.fold_scale)
    overall += c
    return overall


class Ranker:
    """Re-rank one value matrix under changing weights at the cost of ``argsort(X @ w)``.

    Min-max normalisation followed by a weighted sum is affine in the values: v_j = a_j t_j + b_j with
    t = log1p(x) for log columns (else x), a_j = 1/(max-min) and b_j = -min/(max-min) for numbers,
    1/(hi-lo) and -lo/(hi-lo) for ratings, a_j -> -a_j and b_j -> 1 - b_j for costs, a_j = 0 and
    b_j = 0.5 for a constant column. So overall = 10 * (T @ (w * a) + w @ b): T, a and b are computed
    here once and :meth:`rank` folds the weights in. When a column's offset would cancel more than
    ~6 bits of the product (|min| / span > 64), T holds t - min instead (and b the matching offset).
    With missing values the weighted mean is renormalised per account instead (module docstring).
    """

    def __init__(self, values: np.ndarray, criteria: CriteriaSet, copy: bool = True):
        x = _as_values(values, criteria)
        self.criteria = criteria
        self._x = x
        self._missing: tuple[np.ndarray, np.ndarray] | None = None
        if not np.isfinite(x).all():  # missing values (infinite ones are refused here)
            self._missing = _missing_parts(x, criteria)
            self._t = self._scale = self._offset = np.empty(0)
            return
        lay = criteria.layout
        a = lay.fold_scale.copy()
        b = lay.fold_offset.copy()
        lo = np.where(lay.fixed, lay.lo, 0.0)
        condition = lay.fold_condition
        t = np.array(x, dtype=np.float64, copy=True) if (copy or lay.numbers) else x
        if x.shape[0]:
            for j, is_log, is_cost in lay.numbers:
                column = t[:, j]
                if is_log:
                    with np.errstate(invalid="ignore", divide="ignore"):  # negatives are refused below
                        column[:] = np.log1p(column)
                low = float(column.min())
                if is_log and not low >= 0:
                    _check_values(x, criteria)
                span = float(column.max()) - low
                if math.isinf(span):  # max - min overflows: halve the column (exact) first
                    column *= 0.5
                    low = float(column.min())
                    span = float(column.max()) - low
                if span == 0:
                    a[j], b[j] = 0.0, 0.5
                    continue
                a[j], b[j] = 1.0 / span, -low / span
                if is_cost:
                    a[j], b[j] = -a[j], 1.0 - b[j]
                lo[j] = low
                condition = max(condition, abs(low) / span)
            if condition > _FOLD_CONDITION:
                t = t - lo  # v = a (t - lo) + (b + a lo)
                b += a * lo
        self._t = t
        self._scale = a
        self._offset = b

    def rank(self, points: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(overall, rank) under ``points`` (default: the criteria set's weights).

        The rank follows the criteria set's ``rank_by`` (module docstring).
        """
        criteria = self.criteria
        p = criteria.layout.points if points is None else _as_points(points, criteria)
        if self._x.shape[0] == 0:
            return np.empty(0), np.empty(0, dtype=np.int64)
        overall = self._overall(p)
        if criteria.rank_by == "overall":
            return overall, _rank_min(overall)
        group = _ranked_points(p, criteria)
        ranked = self._overall(group) if group is not None else np.full(overall.shape[0], np.nan)
        return overall, _rank_min(ranked)

    def _overall(self, p: np.ndarray) -> np.ndarray:
        """10 x the weighted mean of v under points ``p`` (sum > 0), renormalised over what is present."""
        criteria = self.criteria
        if self._missing is None:
            w = p * (10.0 / p.sum())
            overall = self._t @ (w * self._scale)
            overall += w @ self._offset
            if np.isfinite(overall).all():
                return overall
            self._missing = _missing_parts(self._x, criteria)  # finite values too large to fold
        v0, present = self._missing
        with np.errstate(invalid="ignore", divide="ignore"):
            return 10.0 * (v0 @ p) / (present @ p)


def _missing_parts(x: np.ndarray, criteria: CriteriaSet) -> tuple[np.ndarray, np.ndarray]:
    """(V with NaN -> 0, presence as 0/1) for the renormalised weighted mean; checks the values."""
    v = normalise(x, criteria)
    present = ~np.isnan(v)
    return np.where(present, v, 0.0), present.astype(np.float64)


class Scorer:
    """:func:`score` for one value matrix under changing weights (the live ranking of the Weights screen).

    What does not depend on the weights is done once: validation, normalisation, the presence mask and a
    :class:`Ranker` (for values the one-pass fold cannot take). Each :meth:`scores` then costs the overall
    as :func:`rank_only` computes it plus the products for the group scores and the coverage. ``score()`` is ``Scorer(...).scores(points)``: one implementation of the rules.
    """

    def __init__(
        self, values: np.ndarray, criteria: CriteriaSet, names: list[str] | tuple[str, ...] | None = None
    ):
        x = _as_values(values, criteria)
        n = x.shape[0]
        if names is not None:
            names = tuple(names)
            if len(names) != n:
                raise InvalidValueError(f"{len(names)} account names for {n} rows of values")
        self.criteria = criteria
        self.names = names
        self._x = x
        self.normalised = normalise(x, criteria)
        present = ~np.isnan(self.normalised)
        self._v0 = np.where(present, self.normalised, 0.0)
        self._present = present.astype(np.float64)
        self._ranker: Ranker | None = None  # made when the one-pass fold cannot take the values
        # a missing value makes the one-pass fold give up under any points: go to the Ranker at once
        self._unfolded = bool(np.isnan(x).any())
        lay = criteria.layout
        self._groups = np.stack([lay.attractiveness, lay.strength], axis=1)  # coverage takes all criteria

    def __len__(self) -> int:
        return self._v0.shape[0]

    def scores(self, points: np.ndarray | None = None) -> Scores:
        criteria = self.criteria
        p = criteria.layout.points if points is None else _as_points(points, criteria)
        n = len(self)
        overall = None  # as rank_only computes it
        if not n:
            overall = np.empty(0)
        elif not self._unfolded:
            overall = _overall_once(self._x, criteria, p)
        if overall is None:
            if self._ranker is None:
                self._ranker = Ranker(self._x, criteria, copy=False)
            overall = self._ranker._overall(p)
        group_points = self._groups * p[:, None]
        num = self._v0 @ group_points
        den = self._present @ group_points
        with np.errstate(invalid="ignore", divide="ignore"):
            groups = np.where(den > 0, 10.0 * num / den, np.nan)
        attractiveness = np.ascontiguousarray(groups[:, 0])
        strength = np.ascontiguousarray(groups[:, 1])
        # the ranked score itself, so that equal scores shown tie exactly
        rank, by_rank = _rank_and_order(overall if criteria.rank_by == "overall" else attractiveness)
        thresholds = criteria.thresholds
        weighted = group_points.sum(axis=0) > 0  # the groups that carry weight
        missing = (np.isnan(groups) & weighted).any(axis=1) & ~np.isnan(overall)
        return Scores(
            normalised=self.normalised,
            weights=p / p.sum(),
            coverage=coverage(self._present, p),
            overall=overall,
            attractiveness=attractiveness,
            strength=strength,
            rank=rank,
            quadrant=quadrants(attractiveness, strength, thresholds),
            order=ranking_order(rank, self.names, by_rank),
            names=self.names,
            thresholds=thresholds,
            rank_by=criteria.rank_by,
            missing_group=missing,
        )


def coverage(present: np.ndarray, points: np.ndarray) -> np.ndarray:
    """Per account (rows of ``present``, 1 where a criterion has a value): the share of the points whose
    criterion has a value; 0 for every account when no criterion carries points. Below 50 % an account is
    flagged and never selected automatically (README, "Account selection")."""
    points = np.asarray(points, dtype=np.float64)
    total = float(points.sum())
    if total <= 0 or present.shape[0] == 0:
        return np.zeros(present.shape[0])
    return np.asarray(present, dtype=np.float64) @ points / total


def score(
    values: np.ndarray,
    criteria: CriteriaSet,
    points: np.ndarray | None = None,
    names: list[str] | tuple[str, ...] | None = None,
) -> Scores:
    """Score every account: normalised values, coverage, overall, group scores, rank, quadrant, order."""
    return Scorer(values, criteria, names).scores(points)


def quadrants(attractiveness: np.ndarray, strength: np.ndarray, thresholds: Thresholds) -> list[str | None]:
    """Portfolio quadrant per account; high means >= threshold (1e-9 slack); None when a score is NaN."""
    known = ~(np.isnan(attractiveness) | np.isnan(strength))
    high_a = attractiveness >= thresholds.attractiveness - THRESHOLD_SLACK
    high_s = strength >= thresholds.strength - THRESHOLD_SLACK
    code = known * (1 + 2 * high_a + high_s)  # 0 unknown, then the four quadrants
    return _QUADRANTS[code].tolist()


_QUADRANTS = np.array([None, "Streamline", "Status", "Star", "Strategic"], dtype=object)


def ranking_order(
    rank: np.ndarray, names: tuple[str, ...] | list[str] | None = None, by_rank: np.ndarray | None = None
) -> np.ndarray:
    """Account indices by (rank, name casefold, name); by index among equal names or without names.
    ``by_rank``: the indices already in rank order with every tie group contiguous (from the sort that
    ranked them): with names, only the tie groups are sorted then."""
    if by_rank is not None and names is not None:
        order = by_rank.astype(np.intp, copy=True)
    else:
        order = np.argsort(rank, kind="stable")
    if names is None or order.size < 2:
        return order
    ranked = rank[order]
    tied = np.flatnonzero(ranked[1:] == ranked[:-1])
    if tied.size == 0:
        return order
    positions = np.union1d(tied, tied + 1)  # every member of every tie group, in rank order
    members = order[positions]
    exact = np.array([names[i] for i in members], dtype=str)
    folded = np.array([names[i].casefold() for i in members], dtype=str)
    order[positions] = members[np.lexsort((members, exact, folded, rank[members]))]
    return order


# ---------------------------------------------------------------------------------------------------


def _rank_min(overall: np.ndarray) -> np.ndarray:
    """rankdata(-r, "min") with NaN last; snaps near-equal scores (<= 1e-10 apart) in place.

    One ascending argsort (NaN last); with n_valid scores, the account at ascending position q has
    rank n_valid - q, or n_valid - (last position of its tie group) when it ties; ties are found
    among the few positions whose gap to the next score is <= 1e-10.
    """
    return _rank_and_order(overall)[0]


def _rank_and_order(overall: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_rank_min` and the rows best first as its sort leaves them (valid scores descending, then
    the NaN ones): by rank, every tie group contiguous, so :func:`ranking_order` needs no second sort."""
    n = overall.shape[0]
    rank = np.empty(n, dtype=np.int64)
    if n == 0:
        return rank, np.empty(0, dtype=np.intp)
    order = np.argsort(overall)
    s = overall[order]
    n_valid = n
    if s[-1] != s[-1]:  # NaN sorts last
        n_valid = n - int(np.count_nonzero(np.isnan(s)))
        s = s[:n_valid]
    if n_valid:
        ranked = np.arange(n_valid, 0, -1, dtype=np.int64)
        gaps = s[1:] - s[:-1]
        if n_valid > 1 and gaps.min() <= TIE_TOLERANCE:
            tied = np.flatnonzero(gaps <= TIE_TOLERANCE)  # position q ties with q + 1 (few of them)
            run_last = np.flatnonzero(np.append(tied[1:] != tied[:-1] + 1, True))
            last = tied[run_last[np.searchsorted(run_last, np.arange(tied.size))]] + 1
            ranked[tied] = n_valid - last
            if gaps[tied].max() > 0:  # equal up to rounding noise: make them exactly equal
                overall[order[tied]] = s[last]
        if n_valid == n:
            rank[order] = ranked
        else:
            rank[order[:n_valid]] = ranked
            rank[order[n_valid:]] = n_valid + 1
    else:
        rank[:] = 1
    best_first = np.concatenate((order[:n_valid][::-1], order[n_valid:]))
    return rank, best_first


def _as_values(values: np.ndarray, criteria: CriteriaSet) -> np.ndarray:
    x = np.asarray(values, dtype=np.float64)
    m = len(criteria.criteria)
    if x.ndim == 1 and x.size == 0:
        x = x.reshape(0, m)
    if x.ndim != 2 or x.shape[1] != m:
        raise InvalidValueError(
            f"expected a table of accounts x {m} criteria ({', '.join(criteria.ids)}), got shape {x.shape}"
        )
    return x


def _as_points(points: np.ndarray, criteria: CriteriaSet) -> np.ndarray:
    p = np.asarray(points, dtype=np.float64)
    with np.errstate(over="ignore"):
        if p.shape == criteria.layout.points.shape and p.min() >= 0 and 0 < p.sum() < np.inf:
            return p  # the common case, checked with two reductions
        total = p.sum() if p.size else 0.0
    m = len(criteria.criteria)
    if p.shape != (m,):
        raise InvalidValueError(f"expected {m} weights ({', '.join(criteria.ids)}), got {p.size}")
    bad = ~np.isfinite(p) | (p < 0)
    if bad.any():
        j = int(np.flatnonzero(bad)[0])
        raise InvalidValueError(f"weight of '{criteria.criteria[j].id}' must be a number >= 0, not {p[j]}")
    if total == np.inf:
        raise InvalidValueError(
            f"the weights add up to more than {np.finfo(np.float64).max:.4g}, the largest number a sum can "
            "hold; use smaller points (only their ratios matter)"
        )
    raise InvalidValueError("all weights are zero; give at least one criterion a positive weight")


def _check_values(x: np.ndarray, criteria: CriteriaSet) -> None:
    """Infinite values, and negative values of log-transformed criteria, are refused."""
    if np.isinf(x).any():
        row, col = (int(i) for i in np.argwhere(np.isinf(x))[0])
        raise InvalidValueError(
            f"account {row + 1}: '{criteria.criteria[col].name}' is not a finite number ({x[row, col]})"
        )
    logs = criteria.layout.log_index
    if logs.size:
        negative = x[:, logs] < 0
        if negative.any():
            row, k = (int(i) for i in np.argwhere(negative)[0])
            criterion = criteria.criteria[int(logs[k])]
            raise InvalidValueError(f"account {row + 1}: {criterion.check_value(x[row, logs[k]])}")
