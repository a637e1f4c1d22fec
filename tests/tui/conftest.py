"""Fixtures for the TUI tests: a demo database copied per test, a fresh one, and small Pilot helpers."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kamtui.store import open_store

SIZE = (100, 30)


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo database as ``kamtui demo`` builds it, once per session (tests get copies)."""
    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    env = {**os.environ, "XDG_DATA_HOME": str(path.parent / "xdg")}
    subprocess.run(
        [sys.executable, "-m", "kamtui", "demo", "--db", str(path), "--no-open"],
        check=True,
        capture_output=True,
        env=env,
        timeout=120,
    )
    return path


@pytest.fixture
def demo_db(tmp_path: Path, demo_template: Path) -> Path:
    """A private copy of the demo database (assessment 1: baseline, 2: current, same programme)."""
    target = tmp_path / "demo.db"
    shutil.copyfile(demo_template, target)
    return target


@pytest.fixture
def fresh_db(tmp_path: Path) -> Path:
    """A new, empty kamtui database."""
    path = tmp_path / "fresh.db"
    open_store(path).close()
    return path
