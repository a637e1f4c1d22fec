"""Benchmark 1: weighted-sum ranking of N accounts x 12 criteria against pymcdm and scikit-criteria.

Same data for everybody: 12 ``number`` criteria (3 of them costs), uniform random values, no missing
value and no tie (a seed is chosen so no two overall scores are within 2e-10, kamtui's tie tolerance
being 1e-10). Everybody min-max normalises each column over the accounts, inverts the costs
(v = 1 - v), takes the weighted sum and ranks best first; the ranks are asserted equal before timing:

* kamtui ``rank_only(values, criteria, points)`` (score and rank from scratch) and a prepared
  ``Ranker(values, criteria).rank(points)`` (the TUI's live re-ranking path: the matrix is prepared
  once, each new weight vector costs one product and one sort);
* pymcdm ``WSM(minmax_normalization)(X, w, types)`` + ``WSM.rank``, with its default validation and
  with ``validation=False`` (pymcdm's default normalisation is the column sum, hence the explicit one);
* scikit-criteria ``mkdm`` -> ``MinMaxInverter`` (min-max and cost inversion in one step) ->
  ``WeightedSumModel`` -> ``rank_`` (scikit-criteria refuses cost criteria until they are inverted);
* the floor ``np.argsort(X @ w)``: one matrix-vector product and one sort, no normalisation at all.

Targets (issue 7): kamtui <= 0.25x the fastest peer configuration and <= 1.5x the floor.
"""

from __future__ import annotations

import warnings

import numpy as np

from benchmarks.common import (
    Config,
    Section,
    blas_modes,
    fmt_ratio,
    fmt_time,
    measure_interleaved,
    met,
    package_version,
    ratio,
)

NAME = "ranking"
M = 12
COST_COLUMNS = (3, 7, 11)
PEER_TARGET = 0.25
FLOOR_TARGET = 1.5
FLOOR = "floor: np.argsort(X @ w)"
RANK_ONLY = "kamtui rank_only(values, criteria, points)"
RANKER = "kamtui Ranker(values, criteria).rank(points) (prepared)"
PREPARE = "kamtui Ranker: prepare once (not in the figure above)"
MIN_GAP = 2e-10  # on the 0-10 scale: well above kamtui's 1e-10 tie tolerance


def criteria_set():
    """12 number criteria, 3 costs, unequal weights: min-max over the data for every column."""
    from kamtui.core.criteria import CriteriaSet, Criterion

    criteria = tuple(
        Criterion(
            id=f"c{j + 1:02d}",
            name=f"Criterion {j + 1}",
            group="attractiveness" if j < 7 else "strength",
            kind="number",
            weight=float(5 + 3 * (j % 5)),
            direction="cost" if j in COST_COLUMNS else "benefit",
        )
        for j in range(M)
    )
    return CriteriaSet(id="bench-12", title="Benchmark: 12 number criteria", criteria=criteria)


def reference_overall(x: np.ndarray, cost: np.ndarray, w: np.ndarray) -> np.ndarray:
    lo, hi = x.min(axis=0), x.max(axis=0)
    v = (x - lo) / (hi - lo)
    v[:, cost] = 1.0 - v[:, cost]
    return 10.0 * (v @ w)


def make_matrix(n: int, cost: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, int]:
    """Values in [0, 1000) with no two overall scores closer than MIN_GAP (the first seed that works)."""
    for seed in range(100):
        rng = np.random.default_rng(1000 + seed)
        x = rng.random((n, M)) * 1000.0
        gaps = np.diff(np.sort(reference_overall(x, cost, w)))
        if gaps.min() > MIN_GAP:
            return x, seed
    raise RuntimeError("no tie-free matrix found")  # pragma: no cover - never seen


def peers(cost: np.ndarray) -> dict[str, object]:
    """name -> function(X, w) returning ranks (1 = best), for the peers that are installed."""
    out: dict[str, object] = {}
    types = np.where(cost, -1, 1)
    if package_version("pymcdm"):
        from pymcdm import normalizations
        from pymcdm.methods import WSM

        wsm = WSM(normalizations.minmax_normalization)
        out["pymcdm WSM (validation on, default)"] = lambda x, w: wsm.rank(wsm(x, w, types))
        out["pymcdm WSM (validation=False)"] = lambda x, w: wsm.rank(wsm(x, w, types, validation=False))
    if package_version("scikit-criteria"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import skcriteria as skc
            from skcriteria.agg.simple import WeightedSumModel
            from skcriteria.preprocessing.invert_objectives import MinMaxInverter

        objectives = [min if c else max for c in cost]
        inverter, model = MinMaxInverter(), WeightedSumModel()

        def scikit_criteria(x: np.ndarray, w: np.ndarray) -> np.ndarray:
            dm = skc.mkdm(x, objectives, weights=w)
            return model.evaluate(inverter.transform(dm)).rank_

        out["scikit-criteria MinMaxInverter + WeightedSumModel"] = scikit_criteria
    return out


def run(config: Config) -> Section:
    section = Section(NAME)
    sizes = (1_000, 10_000) if config.quick else (1_000, 10_000, 100_000)
    repeats = 3 if config.quick else config.repeats
    criteria = criteria_set()
    peer_fns = peers(criteria.layout.cost.copy())

    detail = section.table(
        "Ranking: median time per ranking, 12 criteria (same matrix, same ranks)",
        ["configuration", "BLAS", *(f"N={n:,}" for n in sizes)],
    )
    summary = section.table(
        "Ranking: kamtui against the fastest peer and the floor argsort(X @ w)",
        [
            "N",
            "BLAS",
            "kamtui path",
            "kamtui",
            "fastest peer",
            "peer",
            "ratio",
            f"<= {PEER_TARGET}x",
            "floor",
            "ratio",
            f"<= {FLOOR_TARGET}x",
        ],
    )
    times: dict[tuple[str, str], list[float]] = {}
    for n in sizes:
        by_mode, seed = _figures(n, criteria, peer_fns, repeats, config.min_time)
        section.figures[f"N={n}"] = {"seed": seed, **by_mode}
        for mode, figures in by_mode.items():
            for name, seconds in figures.items():
                times.setdefault((name, mode), []).append(seconds)
            peer_times = {k: v for k, v in figures.items() if k in peer_fns}
            fastest = min(peer_times, key=peer_times.__getitem__) if peer_times else None
            floor = figures[FLOOR]
            for label, key in (("rank_only", RANK_ONLY), ("Ranker.rank", RANKER)):
                kam = figures[key]
                to_peer = ratio(kam, peer_times[fastest]) if fastest else None
                to_floor = ratio(kam, floor)
                summary.add(
                    f"{n:,}",
                    mode,
                    label,
                    fmt_time(kam),
                    _short(fastest) if fastest else "not installed",
                    fmt_time(peer_times[fastest]) if fastest else "n/a",
                    fmt_ratio(to_peer),
                    met(to_peer, PEER_TARGET),
                    fmt_time(floor),
                    fmt_ratio(to_floor),
                    met(to_floor, FLOOR_TARGET),
                )
    modes = list(dict.fromkeys(mode for _, mode in times))
    for (name, mode), values in sorted(times.items(), key=lambda item: modes.index(item[0][1])):
        detail.add(name, mode, *(fmt_time(v) for v in values))
    missing = [p for p in ("pymcdm", "scikit-criteria") if not package_version(p)]
    if missing:
        detail.notes.append(
            f"peer(s) not installed: {', '.join(missing)} (pip install -e '.[bench]'); kamtui's own figures only"
        )
    detail.notes.append(
        "ranks asserted identical across every configuration (and plain numpy) before timing, per N"
    )
    detail.notes.append(
        "BLAS: numpy's OpenBLAS with its default threads, then limited to 1 thread (threadpoolctl, when "
        "installed). On a shared 2-core machine threaded BLAS calls wait for a busy core: rank_only's "
        "(1+k) x N matrix product and the floor's X @ w at 100k both suffer"
    )
    detail.notes.append("pymcdm's WSM.rank is a Python loop over a Counter; it is part of its ranking path")
    return section


def _figures(
    n: int, criteria, peer_fns: dict, repeats: int, min_time: float
) -> tuple[dict[str, dict[str, float]], int]:
    """Median seconds per configuration, per BLAS mode, on one tie-free N x 12 matrix (ranks checked)."""
    from kamtui.core.selection import Ranker, rank_only

    cost = criteria.layout.cost.copy()
    points = criteria.points
    w = points / points.sum()
    x, seed = make_matrix(n, cost, w)
    expected = rank_only(x, criteria, points)[1]
    reference = np.argsort(np.argsort(-reference_overall(x, cost, w))) + 1
    assert np.array_equal(expected, reference), "kamtui's ranks differ from plain numpy's"
    ranker = Ranker(x, criteria)
    assert np.array_equal(ranker.rank(points)[1], expected), "Ranker and rank_only disagree"
    for name, fn in peer_fns.items():
        ranks = np.asarray(fn(x, w))
        assert np.array_equal(ranks.astype(np.int64), expected), f"{name}: ranks differ from kamtui's"

    fns = {
        FLOOR: lambda: np.argsort(x @ w),
        RANK_ONLY: lambda: rank_only(x, criteria, points),
        RANKER: lambda: ranker.rank(points),
        PREPARE: lambda: Ranker(x, criteria),
        **{name: (lambda fn=fn: fn(x, w)) for name, fn in peer_fns.items()},
    }
    out = {}
    for mode, limit in blas_modes():
        with limit():
            out[mode] = {k: t.median for k, t in measure_interleaved(fns, repeats, min_time).items()}
    return out, 1000 + seed


def _short(name: str) -> str:
    return {
        "pymcdm WSM (validation on, default)": "pymcdm (validated)",
        "pymcdm WSM (validation=False)": "pymcdm validation=False",
        "scikit-criteria MinMaxInverter + WeightedSumModel": "scikit-criteria",
    }.get(name, name)
