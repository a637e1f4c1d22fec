"""Synthetic candidate accounts on the ``kam-default`` criteria set (12 criteria), reproducible by seed.

Accounts look like a real portfolio export: a company-like name, an owner (one of 40 KAMs), a segment,
a reference, an effort in FTE, a revenue figure in EUR (log-transformed criterion, skewed) and eleven
1-10 ratings with one decimal. About 2% of the criterion cells are missing (blank).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

CRITERIA = "kam-default"
MISSING_SHARE = 0.02
OWNERS = tuple(f"KAM {i:02d}" for i in range(1, 41))
SEGMENTS = ("Industry", "Retail", "Healthcare", "Public sector", "Energy", "Logistics", "Finance")
_PARTS = ("Nord", "Alpen", "Delta", "Orion", "Vega", "Rhein", "Atlas", "Kappa", "Terra", "Nova")
_KINDS = ("Holding", "GmbH", "AG", "SE", "Group", "Ltd", "SA", "BV")


def criteria():
    from kamtui.core.criteria_file import load_criteria

    return load_criteria(CRITERIA)


def accounts(n: int, seed: int = 0, missing: float = MISSING_SHARE):
    """(names, owners, segments, refs, effort, values n x 12 with NaN = missing) for ``kam-default``."""
    crit = criteria()
    rng = np.random.default_rng(seed)
    names = [f"{_PARTS[i % 10]} {_PARTS[(i // 10) % 10]} {_KINDS[i % 8]} {i:06d}" for i in range(n)]  # unique
    owners = [OWNERS[i] for i in rng.integers(0, len(OWNERS), n)]
    segments = [SEGMENTS[i] for i in rng.integers(0, len(SEGMENTS), n)]
    refs = [f"CRM-{100000 + i}" for i in range(n)]
    effort = np.round(rng.uniform(0.05, 1.0, n), 2)
    values = np.empty((n, len(crit.criteria)))
    for j, c in enumerate(crit.criteria):
        if c.scale is not None:
            lo, hi = c.scale
            values[:, j] = np.round(rng.uniform(lo, hi, n), 1)
        else:  # money: log-normal around 2 M EUR, whole euros
            values[:, j] = np.round(rng.lognormal(np.log(2e6), 1.2, n))
    if missing > 0:
        values[rng.random(values.shape) < missing] = np.nan
    return names, owners, segments, refs, effort, values


def ranking(n: int, seed: int = 0, samples: int = 200):
    """A :class:`kamtui.core.ranking.Ranking` of ``n`` synthetic accounts, as ``kamtui rank`` builds it."""
    from kamtui.core.ranking import Params
    from kamtui.service.ranking import rank as rank_accounts
    from kamtui.store.accounts import Matrix

    crit = criteria()
    names, owners, segments, refs, effort, values = accounts(n, seed)
    matrix = Matrix(names=names, values=values, owners=owners, effort=effort, segments=segments, refs=refs)
    points = {c.id: c.weight for c in crit.criteria}
    return rank_accounts(None, crit, Params(top_k=15, samples=samples, seed=0), points=points, matrix=matrix)  # type: ignore[arg-type]


def write_accounts_csv(path: Path, n: int, seed: int = 0) -> Path:
    """An import file: account, owner, effort, then the 12 criteria by id (blank = missing)."""
    crit = criteria()
    names, owners, _, _, effort, values = accounts(n, seed)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["account", "owner", "effort", *crit.ids])
        for i in range(n):
            row = values[i]
            writer.writerow(
                [
                    names[i],
                    owners[i],
                    f"{effort[i]:g}",
                    *("" if v != v else f"{v:g}" if abs(v) < 1e6 else f"{v:.0f}" for v in row),
                ]
            )
    return path
