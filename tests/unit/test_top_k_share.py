"""P(top K) by argpartition (the TUI's first figure) equals the full robustness run's, draw for draw."""

from __future__ import annotations

import numpy as np
import pytest

from kamtui.core.robustness import robustness, top_k_share


@pytest.mark.parametrize(("n", "m", "missing", "k"), [(50, 5, 0.0, 5), (400, 12, 0.1, 15), (30, 4, 0.3, 40)])
def test_the_share_equals_robustness_p_top_k(n, m, missing, k):
    rng = np.random.default_rng(n + m)
    values = rng.random((n, m))  # continuous: no ties, so both count the same accounts
    values[rng.random((n, m)) < missing] = np.nan
    weights = rng.random(m) + 0.1
    eligible = rng.random(n) > 0.1
    columns = np.ones(m, dtype=bool)
    columns[-1] = False
    full = robustness(values, weights, k, 300, seed=7, columns=columns, eligible=eligible)
    quick = top_k_share(values, weights, k, 300, seed=7, columns=columns, eligible=eligible)
    np.testing.assert_array_equal(quick, full.p_top_k)
    assert quick[~eligible].sum() == 0
