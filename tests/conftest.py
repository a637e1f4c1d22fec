"""Shared test helpers: run the ``kamtui`` command line against a throwaway database.

``cli`` runs it in-process with click's CliRunner (fast: messages and exit codes); ``kamtui`` runs it in
a real subprocess (``python -m kamtui``) where processes matter. Both point ``KAMTUI_DB`` at ``db_path``
(pass ``db=None`` to leave it unset) and ``XDG_DATA_HOME`` at a temporary folder, so no test ever touches
the user's real data folder.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: builds or installs things (deselect with -m 'not slow')")


@dataclass(frozen=True)
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def file_sha256(path: Path | str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@pytest.fixture
def sha256() -> Callable[[Path | str], str]:
    """The sha256 hex digest of a file's bytes."""
    return file_sha256


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """A database path in a fresh temporary folder (the file does not exist yet)."""
    return tmp_path / "kamtui.db"


def _overrides(tmp_path: Path, db: Path | str | None, env: dict[str, str | None] | None) -> dict:
    return {
        "KAMTUI_DB": str(db) if db is not None else None,
        "XDG_DATA_HOME": str(tmp_path / "xdg"),
        **(env or {}),
    }


@pytest.fixture
def subprocess_env(tmp_path: Path, db_path: Path) -> Callable[..., dict[str, str]]:
    """``subprocess_env(db=db_path, **extra)``: os.environ with KAMTUI_DB / XDG_DATA_HOME isolated."""

    def make(db: Path | str | None = db_path, **extra: str | None) -> dict[str, str]:
        full = dict(os.environ)
        for key, value in _overrides(tmp_path, db, extra).items():
            if value is None:
                full.pop(key, None)
            else:
                full[key] = value
        return full

    return make


@pytest.fixture
def cli(tmp_path: Path, db_path: Path) -> Callable[..., Run]:
    """``cli(*args, db=db_path, env=None, input=None)``: run kamtui in-process; returns a Run."""
    from click.testing import CliRunner

    from kamtui.cli import cli as group

    def run(*args: object, db: Path | str | None = db_path, env: dict | None = None, input=None) -> Run:
        result = CliRunner().invoke(
            group,
            [str(a) for a in args],
            env=_overrides(tmp_path, db, env),
            input=input,
            catch_exceptions=False,
        )
        return Run(result.exit_code, result.stdout, result.stderr)

    return run


@pytest.fixture
def kamtui(tmp_path: Path, subprocess_env) -> Callable[..., Run]:
    """``kamtui(*args, db=db_path, env=None, cwd=tmp_path)``: run ``python -m kamtui`` in a subprocess."""

    def run(*args: object, db: Path | str | None = ..., env: dict | None = None, cwd=None) -> Run:
        full = subprocess_env(**({} if db is ... else {"db": db}), **(env or {}))
        proc = subprocess.run(
            [sys.executable, "-m", "kamtui", *(str(a) for a in args)],
            capture_output=True,
            text=True,
            env=full,
            cwd=cwd or tmp_path,
            timeout=120,
        )
        return Run(proc.returncode, proc.stdout, proc.stderr)

    return run
