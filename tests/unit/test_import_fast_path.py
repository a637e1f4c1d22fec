"""The fast paths of reading an accounts file give exactly what the general rules give (README,
"Reliability"; issue 19): the same AccountUpdates, value for value (``repr``, so 0.0 and -0.0 differ), or
the same error with the same message naming file, row, column and what was expected.

The fast paths: ``kamtui.core.table`` takes the csv module's records in batches and gathers columns
(each text of a column that repeats a few kept once); ``kamtui.core.imports`` checks a column of names or
owners whole, and reads each distinct text of a number column once. ``FAST_PATH = False`` in both modules
leaves the row-by-row and cell-by-cell code of before, which every outcome here is compared with.
"""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamtui.core import imports
from kamtui.core import table as table_module
from kamtui.core.criteria_file import load_criteria
from kamtui.core.errors import KamError
from kamtui.core.table import read_csv
from kamtui.service.accounts import read_accounts_file

CRITERIA = load_criteria("kam-default")  # addressable_spend: log number; share_of_wallet: 0-100; ratings 1-10
PROPERTY = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example],
)

# cells that are numbers in one spelling or another, or almost: every one must read as the rules read it
TRICKY = [
    "", " ", "  ", "0", "1", "5", "10", "11", "100", "101", "4.5", "4.50", "4.200", "4.2000", "0.125",
    "00.125", "-0.125", ".5", "5.", ".", "..", "1.2.3", "-3", "+3", "-0", "0.0", "-0.0", "1e1", "1E1",
    "1e+1", "1e-1", "1e400", "1e-400", "nan", "NaN", "inf", "-inf", "Infinity", "1_0", "0_5", "1,5",
    "4,5", "4,50", "1,000", "1,000.5", "1.000", "1.000,5", "4.200,50", "-4.200,5", "10%", "5 %", " 7 ",
    "\u00a07", "7\u00a0", "1\u00a0000", "1 000", "\u0663", "\u0661\u0660", "\u096b", "\uff15",
    "9999999999999999", "999999999999999", "1000000000000000", "1000000000000001", "1e15", "1e16",
    "0.1000000000000000055511151231257827", "123456789012.345678", "0.0000001", "\t5", "5\t", "3\u200b",
    "\u200b", "x", "n/a", "-", "+", "e5", "5e", "0x10", "1/2", "\u2212" + "3",
]
NUMBER_CHARS = "0123456789.,-+eE _%\u00a0\u0663"
CELL = st.one_of(
    st.sampled_from(TRICKY),
    st.text(alphabet=NUMBER_CHARS, max_size=8),
    st.from_regex(r"[0-9]{1,17}(\.[0-9]{0,17})?", fullmatch=True),
    st.from_regex(r"[1-9](\.[0-9])?|10", fullmatch=True),  # ratings as people write them
)
NAMES = ["", " ", "ACME 1", "acme 1", "Acme  1", "Ac\u200bme", "Zo\u00eb", "Zoe\u0308", "  Acme 2  ", "K\u00f8ge"]
OWNERS = ["KAM 1", "kam 1", "", " ", "KAM 2 ", "Ann\u200b", "Zo\u00eb", "Zoe\u0308", "x\ty"]
NUMBER_COLUMNS = ["effort", *CRITERIA.ids]


@contextmanager
def general_rules() -> Iterator[None]:
    """The row loop and the per-cell checks, as before the fast paths."""
    saved = table_module.FAST_PATH, imports.FAST_PATH
    table_module.FAST_PATH = imports.FAST_PATH = False
    try:
        yield
    finally:
        table_module.FAST_PATH, imports.FAST_PATH = saved


def outcome(path: Path, **options) -> tuple[str, str]:
    try:
        return "ok", repr(read_accounts_file(CRITERIA, path, **options))
    except KamError as exc:
        return type(exc).__name__, str(exc)


def both_ways(path: Path, **options) -> tuple[tuple[str, str], tuple[str, str]]:
    fast = outcome(path, **options)
    with general_rules():
        general = outcome(path, **options)
    return fast, general


def write_csv(folder: Path, rows: list[list[str]], delimiter: str = ",", name: str = "accounts.csv") -> Path:
    path = folder / name
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=delimiter).writerows(rows)
    return path


@st.composite
def accounts_files(draw) -> tuple[list[list[str]], str, bool]:
    """A header of account, owner and number columns, rows whose number columns repeat a pool of 1-3
    cell texts (so that the fast paths are taken) with now and then a stray cell of any kind."""
    count = draw(st.integers(1, 40))
    names = [
        draw(st.sampled_from(NAMES)) if draw(st.integers(0, 9)) == 0 else f"Account {index}"
        for index in range(count)
    ]
    columns: dict[str, list[str]] = {"account": names}
    if draw(st.booleans()):
        pool = draw(st.lists(st.sampled_from(OWNERS), min_size=1, max_size=3))
        columns["owner"] = [draw(st.sampled_from(pool)) for _ in range(count)]
    for header in draw(st.lists(st.sampled_from(NUMBER_COLUMNS), unique=True, max_size=4)):
        pool = draw(st.lists(CELL, min_size=1, max_size=3))
        cells = [draw(st.sampled_from(pool)) for _ in range(count)]
        if draw(st.booleans()):
            cells[draw(st.integers(0, count - 1))] = draw(CELL)
        columns[header] = cells
    order = draw(st.permutations(list(columns)))
    rows = [order, *([columns[h][index] for h in order] for index in range(count))]
    return rows, draw(st.sampled_from([",", ";", "\t"])), draw(st.booleans())


@PROPERTY
@given(accounts_files())
def test_the_fast_paths_read_every_file_as_the_general_rules_do(case):
    rows, delimiter, decimal_comma = case
    with tempfile.TemporaryDirectory() as folder:
        path = write_csv(Path(folder), rows, delimiter)
        fast, general = both_ways(path, decimal_comma=decimal_comma)
    assert fast == general


@PROPERTY
@given(st.lists(CELL, min_size=1, max_size=3), st.integers(8, 60), st.booleans())
def test_a_repeated_cell_reads_as_it_does_alone(pool, count, decimal_comma):
    """Each text of ``pool`` in a column of its own repeats, where the distinct-text reading is taken."""
    rows = [["account", "effort", "growth_outlook", "addressable_spend", "share_of_wallet"]]
    rows += [[f"A{i}", *([pool[i % len(pool)]] * 4)] for i in range(count)]
    with tempfile.TemporaryDirectory() as folder:
        fast, general = both_ways(write_csv(Path(folder), rows), decimal_comma=decimal_comma)
    assert fast == general


# ------------------------------------------------------------------------------------------ the reader

RAW = st.text(alphabet=' a1,;\t"\r\n\x00\u00e9.', max_size=60)


def read_both(content: bytes, batch: int = table_module.BATCH_ROWS) -> tuple[object, object]:
    """(table or error with the batch reader taking ``batch`` records at a time, the same by the row loop)."""
    def read(path: Path):
        try:
            table = read_csv(path, "f.csv")
        except KamError as exc:
            return type(exc).__name__, str(exc)
        if table.columns is not None:  # the columns are the rows' cells, column by column
            assert [list(c) for c in table.columns] == [
                [cells[i] for _, cells in table.rows] for i in range(len(table.header))
            ]
        return table.header, table.rows, table.note

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "f.csv"
        path.write_bytes(content)
        saved, table_module.BATCH_ROWS = table_module.BATCH_ROWS, batch
        try:
            fast = read(path)
        finally:
            table_module.BATCH_ROWS = saved
        with general_rules():
            general = read(path)
    return fast, general


@PROPERTY
@given(RAW, st.booleans(), st.integers(1, 4), st.integers(1, 4))
def test_the_batch_reader_reads_any_text_as_the_row_loop(text, bom, repeat, batch):
    """Any text (stray quotes, NUL, blank and ragged lines, CR) gives the same table or the same error,
    whatever the batches it is taken in."""
    content = ("\ufeff" if bom else "") + text * repeat
    fast, general = read_both(content.encode("utf-8"), batch)
    assert fast == general


@PROPERTY
@given(st.lists(st.lists(st.sampled_from(["", " ", "a", "1", "b c", '"', "\n", "\x00", "\u00e9"]), max_size=5),
                max_size=30), st.integers(1, 4))
def test_the_batch_reader_reads_any_records_as_the_row_loop(records, batch):
    out = io.StringIO(newline="")
    csv.writer(out).writerows(records)
    fast, general = read_both(out.getvalue().encode("utf-8"), batch)
    assert fast == general


def test_the_batch_reader_reads_bytes_that_are_no_utf8_as_the_row_loop():
    content = b"account,effort\n" + b"A,1\n" * 1500 + b"B\xff,2\n"
    fast, general = read_both(content)
    assert fast == general
    assert fast[1] == (
        "f.csv: 1 problem found, nothing was changed\n"
        "f.csv:1502: is not UTF-8 text: save the file as 'CSV UTF-8' and import it again"
    )


# -------------------------------------------------------------------------- larger files, exact messages


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("fast-path")


def rated_rows(count: int) -> list[list[str]]:
    header = ["account", "owner", "effort", *CRITERIA.ids]
    rows = [header]
    for i in range(count):
        ratings = [f"{1 + (i * 7 + k) % 90 / 10:g}" for k in range(len(CRITERIA.ids) - 2)]
        rows.append([f"Acme {i:05d}", f"KAM {i % 7}", f"{i % 5 / 4:g}", str(1000 + i), *ratings[:9], "20", ratings[9]])
    return rows


def test_a_large_plain_file_reads_the_same_both_ways(folder):
    rows = rated_rows(3000)
    rows[17][5] = ""  # a missing value
    rows[2500][1] = ""  # no owner
    path = write_csv(folder, rows, name="plain.csv")
    fast, general = both_ways(path)
    assert fast == general and fast[0] == "ok"
    updates = read_accounts_file(CRITERIA, path)
    assert len(updates) == 3000
    assert updates[0].name == "Acme 00000"
    assert updates[0].fields == {"owner": "KAM 0", "effort": 0.0}
    assert updates[3].values["growth_outlook"] == 3.1 and updates[3].values["share_of_wallet"] == 20.0
    assert updates[16].values[CRITERIA.ids[2]] is None  # the blank cell (row 17 of the file's rows)
    assert updates[2499].fields["owner"] is None
    table = read_csv(path, "plain.csv")
    assert table.columns is not None and len(table.columns) == len(rows[0])
    assert list(table.columns[0][:2]) == ["Acme 00000", "Acme 00001"]


def test_bad_cells_deep_in_repeated_columns_get_their_own_messages(folder):
    rows = rated_rows(3000)
    rows[1500][rows[0].index("share_of_wallet")] = "4,5"
    rows[2497][rows[0].index("growth_outlook")] = "11"
    rows[2800][rows[0].index("effort")] = "-1"
    rows[2900][0] = "ACME 00003"
    path = write_csv(folder, rows, name="bad.csv")
    fast, general = both_ways(path)
    assert fast == general
    assert fast == (
        "ImportFileError",
        f"{path}: 4 problems found, nothing was changed\n"
        f"{path}:1501:share_of_wallet: 4,5 is written with a decimal comma or dots between thousands: write "
        "4.5, or use the decimal-comma option if the numbers are written like 4.200,50\n"
        f"{path}:2498:growth_outlook: 11 is outside the rating scale 1 to 10 of 'Growth outlook'; found 11\n"
        f"{path}:2801:effort: expected the KAM effort in FTE, a number such as 4200000 or 0.5 >= 0; found '-1'\n"
        f"{path}:2901:account: duplicate account 'ACME 00003' (also on row 5 as 'Acme 00003')",
    )


def test_a_file_written_with_decimal_commas_is_one_problem_both_ways(folder):
    rows = [["account", "effort", "growth_outlook"]] + [[f"A{i}", "0,5", "4,5"] for i in range(2000)]
    path = write_csv(folder, rows, delimiter=";", name="commas.csv")
    fast, general = both_ways(path)
    assert fast == general and fast[0] == "ImportFileError"
    assert "import the file with the decimal-comma option" in fast[1]
    fast, general = both_ways(path, decimal_comma=True)
    assert fast == general and fast[0] == "ok"
    assert read_accounts_file(CRITERIA, path, decimal_comma=True)[1999].values == {"growth_outlook": 4.5}


def test_a_nul_byte_far_into_a_file_is_refused_both_ways(folder):
    path = folder / "nul.csv"
    # beyond the 64 kB the delimiter is sniffed from (a NUL there sends the file to the row loop at once)
    path.write_bytes(b"account,effort\n" + b"A,1\n" * 30_000 + b"B\x00,1\n" + b"C,1\n" * 10)
    fast, general = both_ways(path)
    assert fast == general
    assert fast == (
        "ImportFileError",
        f"{path}: 1 problem found, nothing was changed\n{path}: contains NUL bytes: not a text CSV file",
    )


@pytest.mark.parametrize(
    ("limit", "value", "message"),
    [
        ("MAX_ROWS", 1000, "has more than 1,000 rows; kamtui reads at most 1,000 rows"),
        ("MAX_CELLS", 1500, "has more than 1,500 cells; kamtui reads at most 1,500 cells"),
    ],
)
def test_limits_are_met_while_streaming(folder, monkeypatch, limit, value, message):
    """The batch reader stops within a batch of the limit (it never reads the whole file first) and the
    row loop words the refusal, so the message is the one of before."""
    monkeypatch.setattr(table_module, limit, value)
    lines = ["account,effort\n", *(f"A{i},1\n" for i in range(100_000))]
    consumed = 0

    def counted():
        nonlocal consumed
        for line in lines:
            consumed += 1
            yield line

    class Unwatched:
        nul = False

    assert table_module._records_fast(counted(), ",", Unwatched()) is None
    assert consumed <= 1000 + table_module.BATCH_ROWS + 1
    path = folder / f"{limit}.csv"
    path.write_text("".join(lines[:3000]))
    fast, general = both_ways(path)
    assert fast == general
    assert fast[0] == "ImportFileError" and message in fast[1], fast[1]
