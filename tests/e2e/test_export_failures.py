"""Exports that fail half-way: nothing saved, one message, no temporary files left anywhere."""

from __future__ import annotations

import errno
import json
import sqlite3
import subprocess
import sys

import pytest


def run_count(db) -> int:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM runs").fetchone()[0]


@pytest.fixture
def demo(cli, db_path):
    from kamtui.service.database import open_database
    from kamtui.service.demo import load_demo

    with open_database(db_path) as db:
        load_demo(db)
    return db_path


def test_a_full_disk_during_a_selection_export_saves_no_run(cli, demo, tmp_path, monkeypatch):
    import kamtui.excel.saving as saving

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(saving, "_fsync_file", full)
    before = run_count(demo)
    result = cli("export", "selection", "-o", tmp_path / "out.xlsx")
    assert result.code == 1
    assert result.stderr.startswith("error: cannot write ")
    assert "no space left on the disk" in result.stderr
    assert "Traceback" not in result.stderr
    assert run_count(demo) == before  # the run saved for the workbook was taken back
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith((".out", ".kamtui"))] == []


def test_a_bad_output_path_is_refused_before_anything_is_saved(cli, demo, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    before = run_count(demo)
    result = cli("export", "selection", "-o", blocker / "out.xlsx")
    assert result.code == 1, result.stdout
    assert "Traceback" not in result.stderr
    assert run_count(demo) == before


def test_openpyxl_temporary_files_never_land_in_tmpdir(demo, tmp_path, subprocess_env):
    """The write-only selection workbook's sheet files go to a scratch folder beside the target."""
    scratch = tmp_path / "tmpdir"
    scratch.mkdir()
    env = subprocess_env(db=demo, TMPDIR=str(scratch))
    result = subprocess.run(
        [sys.executable, "-m", "kamtui", "export", "selection", "-o", str(tmp_path / "sel.xlsx")],
        capture_output=True, text=True, env=env, timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in scratch.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []
    listed = subprocess.run(
        [sys.executable, "-m", "kamtui", "runs", "list", "--json"], capture_output=True, text=True, env=env, timeout=60
    )
    assert len(json.loads(listed.stdout)) == 1
