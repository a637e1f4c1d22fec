"""Fuzzing the loaders: whatever a file holds, it loads or raises KamError; never any other exception.

Inputs are raw bytes, text over an alphabet that makes CSV/TOML structure likely, and near-valid
documents (a valid file with a few random changes), which reach the checks behind the parsers. Such a
test accepts a refusal, so it cannot see a loader that starts refusing good files: test_fuzz_valid.py
writes only valid files and asserts they load with exactly their values, and breaks one thing at a time
asserting the KamError that names it.

Known bugs stay out of the generated inputs so these tests guard everything else; each has a strict xfail
case in the corpus (tests/data/bad/manifest.toml): TOML integers beyond float range or of more than 4,300
digits (criteria/giant-*.toml, survey/giant-integer.toml), TOML nested ~1,000 deep (*/deeply-nested.toml),
pairwise numbers beyond float range or fractions below it (pairwise/giant-number.csv,
vanishing-fraction.csv), and damaged parts inside an .xlsx zip (accounts/*-sheet-*.xlsx,
broken-content-types.xlsx). Integers are therefore drawn within +-10**6 (pairwise) or +-2**63 (TOML).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import io
import json
import math
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from kamtui.core.ahp import parse_pairwise
from kamtui.core.criteria_file import load_criteria
from kamtui.core.errors import KamError
from kamtui.core.survey import load_survey
from kamtui.service.accounts import read_accounts_file
from kamtui.service.files import read_table
from kamtui.service.healthcheck import read_answers_file

from .corpus import BASE


def read_accounts(path, criteria, **options):
    return read_accounts_file(criteria, path, **options)


def read_answers(path, survey, **options):
    return read_answers_file(survey, path, **options)


SURVEY = load_survey(BASE / "survey.toml")
CRITERIA = load_criteria(BASE / "criteria.toml")
# tmp_path is shared by the examples of one test: each example overwrites the one file it uses.
QUIET = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=QUIET)
FEW = settings(max_examples=40, deadline=None, suppress_health_check=QUIET)


def loads_or_kam_error(action) -> None:
    """Run ``action``: a KamError is a fine answer; any other exception fails the test."""
    with contextlib.suppress(KamError):
        action()


def in_a_file(folder: Path, data: bytes, name: str) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# ----------------------------------------------------------------------------- CSV

CSV_ALPHABET = st.sampled_from(list(",;\t\"'\n\r x1.5-e,=é\x00\ufeff"))
CSV_BYTES = st.one_of(
    st.binary(max_size=400),
    st.text(CSV_ALPHABET, max_size=300).map(lambda s: s.encode("utf-8")),
    st.text(max_size=200).map(lambda s: s.encode("utf-8")),
)


@FUZZ
@given(data=CSV_BYTES, suffix=st.sampled_from([".csv", ".txt", ".CSV", ""]))
@example(data=b"\xef\xbb\xbf", suffix=".csv")
@example(data=b'"', suffix=".csv")
@example(data=b"a\r\rb\n", suffix=".csv")
def test_read_table_any_bytes(tmp_path, data: bytes, suffix: str):
    path = in_a_file(tmp_path, data, f"f{suffix}")
    loads_or_kam_error(lambda: read_table(path))
    loads_or_kam_error(lambda: read_answers(path, SURVEY))
    loads_or_kam_error(lambda: read_accounts(path, CRITERIA))


@FEW
@given(data=st.binary(max_size=400))
@example(data=b"PK\x03\x04")
@example(data=b"PK\x05\x06" + bytes(18))
def test_read_table_any_bytes_named_xlsx(tmp_path, data: bytes):
    path = in_a_file(tmp_path, data, "f.xlsx")
    loads_or_kam_error(lambda: read_table(path))


CELLS = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "1",
            "3",
            "5",
            "0",
            "6",
            "-1",
            "10",
            "11",
            "2.5",
            "1,5",
            "4.200.000",
            "4,200,000",
            "1e15",
            "1e16",
            "1e999",
            "nan",
            "inf",
            "-0",
            "na",
            "n/a",
            "unknown",
            "?",
            "Ad hoc",
            "Activating",
            "A-1",
            "a-1",
            "A-2",
            "B-1",
            "Z-9",
            "PCM-01",
            "=1+1",
            "@x",
            "Ann",
            "Bob",
            "KAM",
            '"',
            "\n",
        ]
    ),
    st.text(max_size=6),
    st.integers(-(10**6), 10**6).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
ANSWER_HEADERS = ["respondent", "role", "indicator", "value", "comment", "Value", "RESPONDENT", "", "x"]
ACCOUNT_HEADERS = [
    *["account", "owner", "effort", "segment", "ref", "fit", "revenue", "share"],
    *["Strategic fit", "Share of wallet", "ACCOUNT", "", "x", "cost"],
]


def table_text(header: list[str], rows: list[list[str]], delimiter: str, crlf: bool, bom: bool) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n").writerows(
        [header, *rows]
    )
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


# Cells that are right for a column, so that many rows get past the first checks to the later ones.
GOOD = {
    "respondent": st.sampled_from(["Ann", "Bob", "Cy"]),
    "role": st.sampled_from(["", "KAM", "Leadership"]),
    "indicator": st.sampled_from(["A-1", "A-2", "B-1", "a-1"]),
    "value": st.sampled_from(["1", "2", "5", "na", "unknown", "", "Ad hoc", "5.0"]),
    "comment": st.text(max_size=10),
    "account": st.sampled_from(["Acme", "Globex", "Initech", "Umbrella", "Hooli"]),
    "effort": st.sampled_from(["", "0", "0.5", "1,5", "2"]),
    "fit": st.integers(1, 10).map(str),
    "revenue": st.sampled_from(["", "0", "1200000", "1,200,000", "1.200.000", "3e6"]),
    "share": st.integers(0, 100).map(str),
}


def cell_for(column: str):
    key = column.strip().lower()
    key = {"strategic fit": "fit", "share of wallet": "share"}.get(key, key)
    return st.one_of(GOOD[key], CELLS) if key in GOOD else CELLS


def near_valid_table(headers: list[str], required: list[str]):
    header = st.lists(st.sampled_from(headers), min_size=0, max_size=5).map(lambda h: [*required, *h])

    def rows(h: list[str]):
        row = st.tuples(*(cell_for(column) for column in h)).map(list)
        ragged = st.lists(CELLS, min_size=0, max_size=len(h) + 1)
        return st.lists(st.one_of(row, row, ragged), max_size=8)

    return header.flatmap(
        lambda h: st.tuples(
            st.just(h), rows(h), st.sampled_from([",", ";", "\t"]), st.booleans(), st.booleans()
        )
    )


@FUZZ
@given(table=near_valid_table(ANSWER_HEADERS, ["respondent", "indicator", "value"]))
def test_read_answers_near_valid_csv(tmp_path, table):
    path = in_a_file(tmp_path, table_text(*table), "answers.csv")
    loads_or_kam_error(lambda: read_answers(path, SURVEY))


@FUZZ
@given(table=near_valid_table(ACCOUNT_HEADERS, ["account"]), decimal_comma=st.booleans())
def test_read_accounts_near_valid_csv(tmp_path, table, decimal_comma: bool):
    path = in_a_file(tmp_path, table_text(*table), "accounts.csv")
    loads_or_kam_error(lambda: read_accounts(path, CRITERIA, decimal_comma=decimal_comma))


XLSX_CELLS = st.one_of(
    st.none(),
    st.sampled_from(["", "A-1", "B-1", "na", "3", "Acme", "=1+1", "#N/A", "1,5"]),
    st.text(max_size=6).map(lambda s: "".join(c for c in s if c.isprintable())),
    st.integers(-(10**16), 10**16),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
)


@FEW
@given(
    header=st.lists(st.sampled_from(ACCOUNT_HEADERS + ANSWER_HEADERS), max_size=6),
    rows=st.lists(st.lists(XLSX_CELLS, max_size=7), max_size=5),
)
def test_read_accounts_and_answers_near_valid_xlsx(tmp_path, header, rows):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in [header, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path = in_a_file(tmp_path, buffer.getvalue(), "table.xlsx")
    loads_or_kam_error(lambda: read_accounts(path, CRITERIA))
    loads_or_kam_error(lambda: read_answers(path, SURVEY))


# ----------------------------------------------------------------------------- TOML


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):  # TOML takes any character but escapes, and no surrogate pair escapes
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(value)


def toml_document(data: dict[str, Any]) -> str:
    return "".join(f"{json.dumps(key)} = {toml_value(value)}\n" for key, value in data.items())


SCALARS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["", " ", "rating", "number", "benefit", "cost", "log", "attractiveness", "strength"]),
    st.integers(-(2**63), 2**63 - 1),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(timezones=st.just(dt.UTC)),
    st.times(),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=8,
)


def containers(node: Any, path: tuple = ()) -> list[tuple]:
    """Paths of every dict and list in ``node``."""
    found = []
    if isinstance(node, dict | list):
        found.append(path)
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            found += containers(child, (*path, key))
    return found


def mutated(data, document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with up to four random replacements, deletions or additions at any depth."""
    doc = json.loads(json.dumps(document))
    for _ in range(data.draw(st.integers(0, 4), label="changes")):
        path = data.draw(st.sampled_from(containers(doc)), label="where")
        node = doc
        for key in path:
            node = node[key]
        keys = list(node) if isinstance(node, dict) else list(range(len(node)))
        action = data.draw(st.sampled_from(["replace", "delete", "add"]), label="action")
        if action == "add" or not keys:
            value = data.draw(VALUES, label="added")
            if isinstance(node, dict):
                node[
                    data.draw(st.sampled_from([*keys, "extra", "id", "name", "weight", ""]), label="key")
                ] = value
            else:
                node.append(value)
            continue
        key = data.draw(st.sampled_from(keys), label="key")
        if action == "delete":
            del node[key]
        else:
            node[key] = data.draw(VALUES, label="value")
    return doc


SURVEY_DOC = SURVEY.to_dict()
CRITERIA_DOC = CRITERIA.to_dict()


@FUZZ
@given(data=st.data())
def test_load_survey_near_valid_toml(tmp_path, data):
    path = in_a_file(tmp_path, toml_document(mutated(data, SURVEY_DOC)).encode("utf-8"), "survey.toml")
    loads_or_kam_error(lambda: load_survey(path))


@FUZZ
@given(data=st.data())
def test_load_criteria_near_valid_toml(tmp_path, data):
    path = in_a_file(tmp_path, toml_document(mutated(data, CRITERIA_DOC)).encode("utf-8"), "criteria.toml")
    loads_or_kam_error(lambda: load_criteria(path))


TOML_ALPHABET = st.sampled_from(list("[]{}=\"'.,#\n\t abz019-+_:eE\\"))
TOML_BYTES = st.one_of(
    st.binary(max_size=300),
    st.text(TOML_ALPHABET, max_size=200).map(lambda s: s.encode("utf-8")),
    st.text(max_size=100).map(lambda s: s.encode("utf-8")),
)


@FUZZ
@given(data=TOML_BYTES)
@example(data=b"\xef\xbb\xbfid = 1")
@example(data=b"[[criteria]]\n[[criteria]]\n")
@example(data=b"criteria = 1\n[[criteria]]\n")
def test_load_survey_and_criteria_any_bytes(tmp_path, data: bytes):
    path = in_a_file(tmp_path, data, "any.toml")
    loads_or_kam_error(lambda: load_survey(path))
    loads_or_kam_error(lambda: load_criteria(path))


# ----------------------------------------------------------------------------- pairwise grids

PAIR_CELLS = st.one_of(
    st.sampled_from(["", " ", "1", "3", "9", "1/3", "1/9", "2/6", "0", "0/1", "1/0", "10", "1/10", "nan"]),
    st.sampled_from(["inf", "-3", "0.5", "0,5", "1e-9", "3.0000001", "x", "1 / 3", " 1/3 ", "٣", "1_0"]),
    st.integers(0, 10**6).map(str),
    st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)).map(lambda pq: f"{pq[0]}/{pq[1]}"),
    st.floats(min_value=1e-6, max_value=1e6).map(repr),
    st.text(max_size=4),
)
IDS = st.sampled_from(["fit", "revenue", "share", "", "x", "fit "])


@FUZZ
@given(
    ids=st.lists(IDS, min_size=0, max_size=5),
    rows=st.lists(st.tuples(IDS, st.lists(PAIR_CELLS, max_size=6)), max_size=6),
)
@example(ids=["a", "b"], rows=[("a", ["1", "3"]), ("b", ["1/3", "1"])])
def test_parse_pairwise_any_grid(ids, rows):
    grid = [["", *ids], *([label, *cells] for label, cells in rows)]
    loads_or_kam_error(lambda: parse_pairwise(grid, "pairwise.csv"))


@FUZZ
@given(data=st.data(), n=st.integers(1, 5))
def test_parse_pairwise_near_valid_reciprocal_grid(data, n):
    """A consistent grid of Saaty values with a few cells changed."""
    ids = [f"c{i}" for i in range(n)]
    values = data.draw(st.lists(st.sampled_from([1, 2, 3, 5, 7, 9]), min_size=n * n, max_size=n * n))
    grid = [["", *ids]] + [[ids[i]] + ["1"] * n for i in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            v = values[i * n + j]
            grid[i + 1][j + 1], grid[j + 1][i + 1] = str(v), f"1/{v}"
    for _ in range(data.draw(st.integers(0, 3))):
        r = data.draw(st.integers(0, n))
        c = data.draw(st.integers(0, n))
        grid[r][c] = data.draw(PAIR_CELLS)
    loads_or_kam_error(lambda: parse_pairwise(grid, "pairwise.csv"))
