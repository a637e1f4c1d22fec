"""A time and memory bound on every loader: a bomb of each kind through the real command line.

Each bomb (tests/reliability/bombs.py) is handed to ``python -m kamtui`` running under ``ulimit -v`` (1.5 GB
of address space: a loader that tried to hold what the bomb expands to would fail with a MemoryError or a
traceback, not the message) and a wall-clock timeout; the process reports its peak memory. The refusal
must be the exact message naming the limit, exit code 1, within its time bound, and the prepared
database (kamtui/core/limits.py, README "Reliability") must hold exactly what it held before.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from . import bombs
from .corpus import PLACEHOLDERS, table_dump

ADDRESS_SPACE_KB = 1_500_000  # ulimit -v
# Runs the command line as a child and writes the child's peak resident memory (kB) to the file in argv[1].
MEASURE = """
import resource, subprocess, sys
code = subprocess.call([sys.executable, "-m", "kamtui", *sys.argv[2:]])
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(code)
"""


@dataclass(frozen=True)
class Bomb:
    name: str
    make: Callable[[Path], Path]
    file: str  # the file name the bomb is written to
    run: tuple[str, ...]  # {file} {criteria} {accounts} {survey} as in the corpus
    message: str  # the one problem line after "{file}: " (or "{file}:where: ")
    seconds: float  # the wall-clock bound (machine under load included)
    megabytes: int = 400  # the peak resident memory bound


ACCOUNTS = ("accounts", "import", "{file}", "--criteria", "{criteria}")
SURVEY = ("healthcheck", "new", "--title", "Bomb", "--survey", "{file}")
CRITERIA = ("accounts", "import", "{accounts}", "--criteria", "{file}")
BOMBS = [
    Bomb(
        "csv-oversized",
        bombs.csv_oversized,
        "big.csv",
        ACCOUNTS,
        "{file}: is 100 MB; kamtui reads at most 100 MB per CSV file",
        10,
    ),
    Bomb(
        "csv-10-mb-cell",
        bombs.csv_huge_cell,
        "cell.csv",
        ACCOUNTS,
        "{file}:2: has a cell of more than 131,072 characters; kamtui reads at most 131,072 characters in a cell",
        10,
    ),
    Bomb(
        "csv-rows",
        bombs.csv_rows,
        "rows.csv",
        ACCOUNTS,
        "{file}: has more than 1,000,000 rows; kamtui reads at most 1,000,000 rows",
        30,
    ),
    Bomb(
        "csv-blank-lines",
        bombs.csv_blank_lines,
        "blank.csv",
        ACCOUNTS,
        "{file}: has more than 1,000,000 rows; kamtui reads at most 1,000,000 rows",
        30,
    ),
    Bomb(
        "csv-cells",
        bombs.csv_cells,
        "cells.csv",
        ACCOUNTS,
        "{file}: has more than 5,000,000 cells; kamtui reads at most 5,000,000 cells",
        30,
        800,
    ),
    Bomb(
        "csv-sniffer-trap",
        bombs.csv_sniffer_trap,
        "sniff.csv",
        ACCOUNTS,
        "{file}:2: has 16,385 cells; kamtui reads at most 1,000 columns",
        10,
    ),
    Bomb(
        "xlsx-20-million-rows",
        bombs.xlsx_twenty_million_rows,
        "rows.xlsx",
        ACCOUNTS,
        "{file}: part 'xl/worksheets/sheet1.xml' expands to 520 MB; kamtui reads at most 250 MB per worksheet",
        10,
    ),
    Bomb(
        "xlsx-streamed-rows",
        bombs.xlsx_streamed_rows,
        "streamed.xlsx",
        ACCOUNTS,
        "{file}:Accounts: has a row numbered 1,000,001; kamtui reads at most 1,000,000 rows",
        60,
    ),
    Bomb(
        "xlsx-members",
        bombs.xlsx_many_members,
        "members.xlsx",
        ACCOUNTS,
        "{file}: holds 10,009 zip members; kamtui reads at most 10,000 members",
        10,
    ),
    Bomb(
        "xlsx-shared-strings",
        bombs.xlsx_shared_strings,
        "strings.xlsx",
        ACCOUNTS,
        "{file}: part 'xl/sharedStrings.xml' expands to 20.0 MB; kamtui reads at most 20 MB of shared strings",
        10,
    ),
    Bomb(
        "xlsx-styles",
        bombs.xlsx_styles,
        "styles.xlsx",
        ACCOUNTS,
        "{file}: part 'xl/styles.xml' expands to 10.6 MB; kamtui reads at most 10 MB per part",
        10,
    ),
    Bomb(
        "survey-oversized",
        bombs.toml_oversized,
        "big.toml",
        SURVEY,
        "{file}: is 1.0 MB; kamtui reads at most 1 MB per TOML file",
        10,
    ),
    Bomb(
        "survey-dotted-key",
        bombs.toml_dotted_key,
        "dotted.toml",
        SURVEY,
        "{file}:line 1: a key of more than 20 dotted parts; kamtui reads at most 20 parts",
        10,
    ),
    Bomb(
        "criteria-nested-lists",
        bombs.toml_nested_lists,
        "lists.toml",
        CRITERIA,
        "{file}: TOML nested too deeply to be read (arrays or tables inside each other)",
        10,
    ),
    Bomb(
        "criteria-nested-tables",
        bombs.toml_nested_tables,
        "tables.toml",
        CRITERIA,
        "{file}: TOML nested too deeply to be read (arrays or tables inside each other)",
        10,
    ),
    Bomb(
        "criteria-oversized",
        bombs.toml_oversized,
        "big-criteria.toml",
        CRITERIA,
        "{file}: is 1.0 MB; kamtui reads at most 1 MB per TOML file",
        10,
    ),
]


@pytest.fixture(scope="module")
def bomb_folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("bombs")


@pytest.mark.parametrize("bomb", [pytest.param(b, id=b.name) for b in BOMBS])
def test_a_bomb_is_refused_within_its_time_and_memory(bomb: Bomb, bomb_folder, tmp_path, prepared):
    path = bomb.make(bomb_folder / bomb.file)
    db = tmp_path / "kamtui.db"
    shutil.copyfile(prepared, db)
    before = table_dump(db)
    values = {"file": str(path), **{k: str(v) for k, v in PLACEHOLDERS.items()}}
    args = [arg.format(**values) for arg in bomb.run]
    peak = tmp_path / "peak"
    env = {**os.environ, "KAMTUI_DB": str(db), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    script = tmp_path / "measure.py"
    script.write_text(MEASURE, encoding="utf-8")
    command = " ".join(
        [
            "ulimit",
            "-v",
            str(ADDRESS_SPACE_KB),
            ";",
            "exec",
            sys.executable,
            str(script),
            str(peak),
            *map(_quote, args),
        ]
    )
    start = time.perf_counter()
    proc = subprocess.run(
        ["bash", "-c", command],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=bomb.seconds * 3,
    )
    elapsed = time.perf_counter() - start
    expected = f"error: {path}: 1 problem found, nothing was changed\n{bomb.message.format(file=path)}\n"
    assert (proc.returncode, proc.stdout, proc.stderr) == (1, "", expected)
    assert elapsed < bomb.seconds, f"{bomb.name}: refused after {elapsed:.1f} s (bound {bomb.seconds} s)"
    megabytes = int(peak.read_text()) / 1024
    assert megabytes < bomb.megabytes, f"{bomb.name}: peak {megabytes:.0f} MB (bound {bomb.megabytes} MB)"
    assert table_dump(db) == before


def _quote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"
