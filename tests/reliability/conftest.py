"""Fixtures of the reliability suite: one prepared kamtui database, copied for each refusal checked."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from .corpus import prepare_database, table_dump


def run_kamtui(args, env: dict[str, str], cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """``python -m kamtui *args`` in a real process."""
    return subprocess.run(
        [sys.executable, "-m", "kamtui", *(str(a) for a in args)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
    )


@pytest.fixture(scope="session")
def prepared(tmp_path_factory) -> Path:
    """A kamtui database with rows in every table (built once, copied for each case).

    Built through real processes: an in-process store keeps its connection (and the -wal) for the life of
    the thread, and the copies must hold everything in the one file.
    """
    folder = tmp_path_factory.mktemp("prepared")
    path = folder / "prepared.db"
    env = {**os.environ, "KAMTUI_DB": str(path), "XDG_DATA_HOME": str(folder / "xdg")}

    def invoke(*args: object) -> tuple[int, str]:
        proc = run_kamtui(args, env, folder)
        return proc.returncode, proc.stdout + proc.stderr

    prepare_database(path, invoke)
    dump = table_dump(path)
    assert all(
        dump[t] for t in ("assessments", "respondents", "answers", "accounts", "scores", "weights", "runs")
    )
    return path
