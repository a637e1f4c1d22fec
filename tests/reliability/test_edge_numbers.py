"""Edge numbers and names on the command line: refused at the edge with the limit stated, exit code 1,
one message, the database unchanged (issue: hostile inputs, round two). Real subprocesses."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys

import pytest

HUGE = "99999999999999999999"  # beyond SQLite's 64-bit integers
ZWSP = "\u200b"

CASES = [
    (["healthcheck", "report", HUGE], f"no assessment with id {HUGE} (see: kamtui healthcheck list)"),
    (["healthcheck", "report", "2", "--compare", HUGE], f"no assessment with id {HUGE} (see: kamtui healthcheck list)"),
    (["healthcheck", "delete", HUGE, "--yes"], f"no assessment with id {HUGE} (see: kamtui healthcheck list)"),
    (["healthcheck", "answer", HUGE, "--respondent", "Ann", "PCM-01", "3"],
     f"no assessment with id {HUGE} (see: kamtui healthcheck list)"),
    (["export", "healthcheck", HUGE], f"no assessment with id {HUGE} (see: kamtui healthcheck list)"),
    (["runs", "show", HUGE], f"no selection run with id {HUGE} (see: kamtui runs list)"),
    (["runs", "show", "0"], "no selection run with id 0 (see: kamtui runs list)"),
    (["export", "selection", "--run", HUGE], f"no selection run with id {HUGE} (see: kamtui runs list)"),
    (["rank", "--seed", "-1"], "--seed must be a whole number from 0 to 9223372036854775807, got -1"),
    (["rank", "--seed", "18446744073709551616"],
     "--seed must be a whole number from 0 to 9223372036854775807, got 18446744073709551616"),
    (["rank", "--samples", "-5"], "--samples must be 0 or more, got -5"),
    (["rank", "--samples", "1000000000"],
     "--samples must be at most 20,000 (more would not change the figures), got 1,000,000,000"),
    (["rank", "--top", "0"], "--top must be at least 1, got 0"),
    (["rank", "--top", HUGE], "--top must be at most 1,000,000, got 99,999,999,999,999,999,999"),
    (["rank", "--capacity", "1e308"], "--capacity must be a number of FTE >= 0 (at most 1e+09), got 1e+308"),
    (["rank", "--capacity", "inf"], "--capacity must be a number of FTE >= 0 (at most 1e+09), got inf"),
    (["rank", "--capacity", "5", "--per-kam", "nan"], "--per-kam must be a number of FTE >= 0 (at most 1e+09), got nan"),
    (["accounts", "set", "Aldermoor Foods", "effort", "1e308"],
     "effort: out of range: numbers up to 1e+15 in size are accepted; got 1e308"),
    (["accounts", "set", "Aldermoor Foods", "effort", "1e20"],
     "effort: out of range: numbers up to 1e+15 in size are accepted; got 1e20"),
    (["accounts", "set", "Aldermoor Foods", "growth_outlook", "1e308"],
     "growth_outlook: out of range: numbers up to 1e+15 in size are accepted; got 1e308"),
    (["weights", "set", "growth_outlook=1e308"], "weights not changed:\n'growth_outlook=1e308': points must be at most 1e+09"),
    (["weights", "set", "growth_outlook=inf"], "weights not changed:\n'growth_outlook=inf': points must be a number >= 0"),
    (["weights", "set", "growth_outlook=nan"], "weights not changed:\n'growth_outlook=nan': points must be a number >= 0"),
    (["healthcheck", "answer", "2", "--respondent", f"A{ZWSP}B", "PCM-01", "3"],
     "a respondent's name holds an invisible character, U+200B ZERO WIDTH SPACE, at position 2: "
     "retype it without that character"),
    (["accounts", "rename", "Aldermoor Foods", f"Ald{ZWSP}ermoor"],
     "an account name holds an invisible character, U+200B ZERO WIDTH SPACE, at position 4: "
     "retype it without that character"),
    (["accounts", "rename", "Aldermoor Foods", "ASHCOMBE brewing"],
     "an account named 'ASHCOMBE brewing' already exists ('Ashcombe Brewing': names differ only by case or accents)"),
    (["accounts", "rename", "Aldermoor Foods", "Ashcombe Brewing"], "an account named 'Ashcombe Brewing' already exists"),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = tmp_path_factory.mktemp("edge") / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "kamtui", "--db", str(db), "demo", "--no-open"], check=True, capture_output=True, timeout=120
    )
    subprocess.run(
        [sys.executable, "-m", "kamtui", "--db", str(db), "rank", "--save", "--samples", "10"],
        check=True, capture_output=True, timeout=120,
    )
    return db


@pytest.mark.parametrize(("args", "message"), CASES, ids=[" ".join(a)[:60] for a, _ in CASES])
def test_edge_input_is_refused_with_its_limit(demo, tmp_path, args, message):
    db = tmp_path / "db.db"
    shutil.copyfile(demo, db)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    result = subprocess.run(
        [sys.executable, "-m", "kamtui", "--db", str(db), *args], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == f"error: {message}\n"
    assert result.stdout == ""
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_names_that_differ_only_by_case_or_form_are_one_account(demo, tmp_path):
    """`accounts set` finds "aldermoor foods" and the NFD spelling of a name as the stored account."""
    import unicodedata

    db = tmp_path / "db.db"
    shutil.copyfile(demo, db)
    run = [sys.executable, "-m", "kamtui", "--db", str(db)]
    assert subprocess.run([*run, "accounts", "rename", "Aldermoor Foods", "Müller AG"], capture_output=True).returncode == 0
    for spelling in ("müller ag", unicodedata.normalize("NFD", "Müller AG"), "MÜLLER  AG"):
        result = subprocess.run([*run, "accounts", "set", spelling, "effort", "0.5"], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
        assert result.stdout == "saved: Müller AG effort = 0.5\n"
