"""Benchmark 6: importing a 100,000-row account CSV, against the csv module parsing it into floats.

The file: ``account, owner, effort`` and the 12 criteria of ``kam-default`` by id (11 ratings 1-10 with
one decimal, a revenue in EUR), ~2% blank cells (missing values), UTF-8, comma-separated.

* kamtui ``kamtui.service.accounts.read_accounts_file(criteria, path)``: reads and decodes the file, sniffs the
  delimiter, numbers the rows as a spreadsheet does, maps the header onto the criteria, parses every
  number (with the decimal-comma rules), checks it against its criterion (scale, sign, magnitude) and
  duplicates, and returns one ``AccountUpdate`` per row (nothing is written to a database).
* reference: ``csv.reader`` over the same file, ``float()`` on effort and every criterion cell (blank ->
  None), one tuple per row.

Target (issue 7): kamtui <= 3x the csv module.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from benchmarks.common import Config, Section, fmt_ratio, fmt_time, measure_interleaved, met, ratio

NAME = "import"
TARGET = 3.0


def csv_floats(path: Path) -> list[tuple]:
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        for row in reader:
            rows.append(
                (
                    row[0],
                    row[1],
                    float(row[2]) if row[2] else None,
                    [float(cell) if cell else None for cell in row[3:]],
                )
            )
    return rows


def run(config: Config) -> Section:
    from benchmarks import data
    from kamtui.service.accounts import read_accounts_file

    section = Section(NAME)
    n = 5_000 if config.quick else 100_000
    repeats = 3 if config.quick else min(config.repeats, 5)
    criteria = data.criteria()
    with tempfile.TemporaryDirectory(prefix="kamtui-bench-import-") as tmp:
        path = data.write_accounts_csv(Path(tmp) / "accounts.csv", n)
        size = path.stat().st_size
        accounts = read_accounts_file(criteria, path)
        reference = csv_floats(path)
        assert len(accounts) == len(reference) == n
        first = accounts[0]
        assert first.name == reference[0][0]
        assert [first.values[c] for c in criteria.ids] == reference[0][3]
        timings = measure_interleaved(
            {"kamtui": lambda: read_accounts_file(criteria, path), "csv": lambda: csv_floats(path)},
            repeats=repeats,
            min_time=0,
        )
        kam, base = timings["kamtui"].median, timings["csv"].median
    section.figures = {"rows": n, "bytes": size, "kamtui_s": kam, "csv_s": base}
    table = section.table(
        f"Import: {n:,}-row CSV ({size / 2**20:.1f} MB: account, owner, effort + 12 criteria)",
        ["reader", "median", "per row", "ratio to csv", f"<= {TARGET}x"],
    )
    table.add(
        "kamtui read_accounts (validated AccountUpdate rows)",
        fmt_time(kam),
        f"{kam / n * 1e6:.1f} us",
        fmt_ratio(ratio(kam, base)),
        met(ratio(kam, base), TARGET),
    )
    table.add("csv.reader + float() per cell", fmt_time(base), f"{base / n * 1e6:.1f} us", "1.00x", "")
    table.notes.append("both return the same names and values (checked); kamtui also validates every cell")
    return section
