"""What the MILP solver prints never reaches stdout: ``rank --json`` is valid JSON for every combination
of limits and pins, read from real subprocesses (a C library writes to descriptor 1, which CliRunner
cannot see)."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

COMBINATIONS = [
    ["--capacity", "5"],
    ["--capacity", "5", "--include", "{a}"],
    ["--capacity", "3", "--per-kam", "1"],
    ["--capacity", "5", "--per-kam", "2", "--include", "{a}", "--exclude", "{b}"],
    ["--capacity", "8", "--per-kam", "1.5", "--include", "{a}", "--include", "{c}", "--exclude", "{b}", "--top", "6"],
    ["--capacity", "4", "--include", "{c}", "--samples", "0", "--save"],
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("solver-demo")
    db = folder / "demo.db"
    subprocess.run(
        [sys.executable, "-m", "kamtui", "demo", "--db", str(db), "--no-open"],
        check=True, capture_output=True, timeout=120,
    )
    listed = subprocess.run(
        [sys.executable, "-m", "kamtui", "accounts", "list", "--db", str(db), "--json"],
        check=True, capture_output=True, text=True, timeout=60,
    )
    names = [a["account"] for a in json.loads(listed.stdout)]
    return db, names


@pytest.mark.parametrize("flags", COMBINATIONS, ids=lambda f: " ".join(f))
def test_rank_json_parses_for_every_combination_of_limits_and_pins(demo, flags):
    db, names = demo
    args = [f.format(a=names[0], b=names[1], c=names[5]) for f in flags]
    result = subprocess.run(
        [sys.executable, "-m", "kamtui", "rank", "--db", str(db), "--json", *args],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "Highs" not in result.stdout + result.stderr
    data = json.loads(result.stdout)  # the whole of stdout is one JSON document
    assert data["capacity"] == float(args[args.index("--capacity") + 1])
    picked = {a["account"] for a in data["accounts"] if a["selected"]}
    for name in (args[i + 1] for i, flag in enumerate(args) if flag == "--include"):
        assert name in picked
    for name in (args[i + 1] for i, flag in enumerate(args) if flag == "--exclude"):
        assert name not in picked


def test_text_printed_by_c_inside_a_silenced_call_never_appears():
    """printf from C, fully buffered into a pipe, inside silenced_stdout: flushed into the null device,
    not written after the JSON at exit."""
    script = textwrap.dedent(
        """
        import ctypes
        from kamtui.core.quiet import silenced_stdout
        libc = ctypes.CDLL(None)
        print("before", flush=True)
        with silenced_stdout():
            libc.printf(b"C says hello\\n")
            print("python inside")
        print("after")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "before\nafter\n"
