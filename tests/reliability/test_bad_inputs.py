"""The bad-input corpus (tests/data/bad/manifest.toml): every wrong file gets its exact message, exit 1,
no traceback, and changes nothing: neither the database it was handed as, nor the one it was read into."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .corpus import (
    BAD,
    Case,
    build_database,
    corpus_files,
    file_state,
    load_cases,
    substitute,
    table_dump,
)

CASES = load_cases()


def _param(case: Case):
    marks = [pytest.mark.xfail(reason=case.bug, strict=True)] if case.bug else []
    return pytest.param(case, id=case.file, marks=marks)


def check_message(case: Case, stderr: str, file: Path, db: Path) -> None:
    lines = stderr.splitlines()
    if case.stderr is not None:
        assert stderr == substitute(case.stderr, file, db)
    if case.first_line is not None:
        assert lines[0] == substitute(case.first_line, file, db)
    if case.prefix is not None:
        assert lines[0].startswith(substitute(case.prefix, file, db)), lines[0]
    if case.last_line is not None:
        assert lines[-1] == substitute(case.last_line, file, db)
    if case.line_count is not None:
        assert len(lines) == case.line_count, stderr


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_bad_input_is_refused_exactly_and_changes_nothing(case: Case, cli, tmp_path, prepared, sha256):
    assert case.path.is_file(), f"corpus file missing: {case.file}"
    folder = tmp_path / "case"
    folder.mkdir()
    if case.is_db:
        db = folder / "target.db"
        build_database(case, db)
        before = file_state(db, sha256)
    else:
        db = folder / "kamtui.db"
        shutil.copyfile(prepared, db)
        before = table_dump(db)

    crash = None
    try:
        result = cli(*(substitute(arg, case.path, db) for arg in case.run), db=db)
    except Exception as exc:  # kamtui let something other than a KamError out: a traceback for the user
        crash = f"uncaught {type(exc).__name__}: {str(exc)[:300]}"
    if crash:  # failed outside the except block: no 1,000-frame RecursionError chain to format
        pytest.fail(crash, pytrace=False)

    assert "Traceback" not in result.output
    check_message(case, result.stderr, case.path, db)
    assert result.stdout == substitute(case.stdout, case.path, db)
    assert result.code == 1
    after = file_state(db, sha256) if case.is_db else table_dump(db)
    assert after == before


def _first_of_each_kind() -> list[Case]:
    """The first case of each kind of file in each manifest."""
    seen: dict[tuple[str, str], Case] = {}
    for case in CASES:
        if not case.bug and case.stderr is not None:
            seen.setdefault((case.manifest, case.kind), case)
    return list(seen.values())


@pytest.mark.parametrize("case", [pytest.param(c, id=c.file) for c in _first_of_each_kind()])
def test_bad_input_in_a_real_process(case: Case, kamtui, tmp_path, prepared, sha256):
    """The same, through ``python -m kamtui``: what a user sees, exit status and all."""
    folder = tmp_path / "case"
    folder.mkdir()
    db = folder / ("target.db" if case.is_db else "kamtui.db")
    if case.is_db:
        build_database(case, db)
    else:
        shutil.copyfile(prepared, db)
    before = file_state(db, sha256) if case.is_db else table_dump(db)
    result = kamtui(*(substitute(arg, case.path, db) for arg in case.run), db=db)
    assert (result.code, result.stdout) == (1, substitute(case.stdout, case.path, db))
    assert result.stderr == substitute(case.stderr or "", case.path, db)
    assert (file_state(db, sha256) if case.is_db else table_dump(db)) == before


def test_the_corpus_is_large_and_the_manifest_names_every_file():
    files = corpus_files()
    named = [case.file for case in CASES]
    assert len(files) >= 40
    assert len(set(named)) == len(named), "a file is named twice in the manifest"
    assert sorted(named) == files, "every corpus file has a case, and every case a file"
    kinds = {case.kind for case in CASES}
    assert kinds == {"accounts", "answers", "survey", "criteria", "pairwise", "db"}
    xlsx = [f for f in files if f.endswith(".xlsx")]
    sql = [f for f in files if f.endswith(".sql")]
    assert len(xlsx) >= 10 and len(sql) >= 5
    assert (BAD / "make_xlsx.py").is_file() and (BAD / "make_db.py").is_file()
