"""Smoke run of the benchmarks (``python -m benchmarks --quick ranking import``).

A benchmark never fails the suite on its figures: these tests only check that the quick run exits 0 and
prints its tables. With the peers installed (``pip install -e ".[bench]"``) the peers' figures are in
them; without the peers (as in CI) kamtui's own figures are printed and the missing peers are named.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 600
PEERS_INSTALLED = all(importlib.util.find_spec(name) for name in ("pymcdm", "skcriteria"))


def run_quick(*extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", *extra, "ranking", "import"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def check_tables(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout
    assert "Machine" in out and "python" in out
    assert "Ranking: kamtui against the fastest peer and the floor argsort(X @ w)" in out
    assert "kamtui rank_only(values, criteria, points)" in out
    assert "Import:" in out and "kamtui read_accounts" in out
    assert "-----" in out  # a table was drawn
    return out


@pytest.mark.skipif(not PEERS_INSTALLED, reason="peers not installed (pip install -e '.[bench]')")
def test_quick_benchmarks_with_peers():
    out = check_tables(run_quick())
    assert "pymcdm WSM (validation=False)" in out
    assert "scikit-criteria MinMaxInverter + WeightedSumModel" in out


def test_quick_benchmarks_without_peers_report_kamtui_figures_only():
    out = check_tables(run_quick("--no-peers"))
    assert "peer(s) not installed: pymcdm, scikit-criteria" in out
    assert "not installed" in out
