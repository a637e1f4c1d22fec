"""The app asks numpy's BLAS for one thread before numpy loads (kamtui/tui/blas.py), and a user's own
setting wins. Real interpreters: whether numpy is loaded is a fact of the process."""

from __future__ import annotations

import os
import subprocess
import sys

CHILD = """
import os, sys, tempfile, pathlib
from kamtui.tui.app import make_app
app = make_app(pathlib.Path(tempfile.mkdtemp()) / "kam.db")
print("numpy" in sys.modules, os.environ.get("OPENBLAS_NUM_THREADS"), os.environ.get("MKL_NUM_THREADS"))
"""


def run(env: dict[str, str]) -> list[str]:
    clean = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    out = subprocess.run(
        [sys.executable, "-c", CHILD], env={**clean, **env}, capture_output=True, text=True, check=True
    )
    return out.stdout.split()


def test_the_app_asks_for_one_blas_thread_before_numpy_loads():
    assert run({}) == ["False", "1", "1"]


def test_a_users_own_setting_wins():
    assert run({"OPENBLAS_NUM_THREADS": "2"}) == ["False", "2", "1"]


def test_nothing_changes_once_numpy_is_loaded(monkeypatch):
    import numpy  # noqa: F401

    from kamtui.tui.blas import one_blas_thread

    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    assert one_blas_thread() is False
    assert "OPENBLAS_NUM_THREADS" not in os.environ
