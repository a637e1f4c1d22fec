"""Fuzzing with files that are right: whatever hypothesis writes within the rules must LOAD, with exactly
the values written; the same file with one defect must be refused with a KamError naming the defect.

test_fuzz.py feeds the loaders any bytes and mutated documents and accepts a load or a KamError: it cannot
notice a loader that starts refusing good files. Here the strategies write only valid files (accounts and
answers as CSV in any delimiter, with or without a BOM and CRLF, numbers in every accepted spelling, names
in any case or Unicode normalisation; the same as .xlsx with numbers as numbers or as text and a hidden
sheet in front; surveys and criteria sets as TOML) and assert what was loaded, value for value. Separate
strategies break one thing and assert the KamError and its location (README, "Reliability").
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import unicodedata
from dataclasses import dataclass, replace

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kamtui.core.criteria_file import load_criteria
from kamtui.core.errors import ImportFileError, KamError
from kamtui.core.healthcheck import parse_answer_value
from kamtui.core.names import name_key, name_problem, normalise
from kamtui.core.numbers import AMBIGUOUS_DOT
from kamtui.core.survey import load_survey
from kamtui.service.accounts import read_accounts_file
from kamtui.service.healthcheck import read_answers_file
from kamtui.store.accounts import AccountUpdate
from kamtui.store.healthchecks import AnswerRow

from .corpus import BASE
from .test_fuzz import in_a_file, toml_document


def read_accounts(path, criteria, **options):
    return read_accounts_file(criteria, path, **options)


def read_answers(path, survey, **options):
    return read_answers_file(survey, path, **options)


CRITERIA = load_criteria(BASE / "criteria.toml")  # fit: rating 1-10, revenue: log number, share: rating 0-100
SURVEY = load_survey(BASE / "survey.toml")  # B-1
QUIET = [
    HealthCheck.too_slow,
    HealthCheck.function_scoped_fixture,
    HealthCheck.data_too_large,
    HealthCheck.large_base_example,
]
VALID = settings(max_examples=120, deadline=None, suppress_health_check=QUIET)
FEW = settings(max_examples=30, deadline=None, suppress_health_check=QUIET)

# ----------------------------------------------------------------------------------------- building blocks

NAME_CHARS = st.characters(categories=("L", "N", "P", "S", "Zs"), exclude_characters="\u2028\u2029")


@st.composite
def names(draw, count: int, prefix: str = "") -> list[str]:
    """``count`` names as a person may type them (any script, punctuation, inner spaces; some written in NFD
    or with spaces around), distinct by name_key, none holding an invisible character."""
    found: list[str] = []
    keys: set[str] = set()
    while len(found) < count:
        raw = prefix + draw(st.text(NAME_CHARS, min_size=1, max_size=10))
        if not normalise(raw) or name_problem(raw) or name_key(normalise(raw)) in keys:
            continue
        keys.add(name_key(normalise(raw)))
        form = draw(st.sampled_from(["NFC", "NFD", "padded"]))
        found.append(
            unicodedata.normalize("NFD", raw) if form == "NFD" else f" {raw} " if form == "padded" else raw
        )
    return found


def spelled(draw, value: float, decimal_comma: bool) -> str:
    """``value`` written in one of the spellings kamtui reads exactly (4200, 4,200 or 4.200 by mode, 4.25)."""
    style = draw(st.sampled_from(["plain", "grouped", "repr"]))
    if value.is_integer() and style != "repr":
        text = f"{int(value):,}" if style == "grouped" else str(int(value))
        return text.replace(",", ".") if decimal_comma else text
    text = repr(value)
    if decimal_comma:
        return text.replace(".", ",")
    return text + "0" if AMBIGUOUS_DOT.match(text) else text  # 1.125 is ambiguous; 1.1250 is not


def fraction(lo: int, hi: int):
    """A number from lo to hi with up to three decimals, exactly as a float repr writes it."""
    return (
        st.integers(lo * 1000, hi * 1000)
        .flatmap(lambda n: st.sampled_from([n / 1000, float(round(n / 1000)), round(n / 1000, 1)]))
        .filter(lambda v: lo <= v <= hi)
    )


VALUE_RANGES = {"fit": fraction(1, 10), "revenue": fraction(0, 10**9), "share": fraction(0, 100)}
HEADERS = {
    "fit": ["fit", "FIT", "Strategic fit", "strategic FIT"],
    "revenue": ["revenue", "Revenue", "REVENUE"],
    "share": ["share", "Share of wallet", "share of wallet"],
}


def csv_bytes(rows: list[list[str]], delimiter: str, crlf: bool, bom: bool) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows: list[list[object]], hidden_first: bool) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    if hidden_first:
        decoy = book.active
        decoy.title = "Old"
        decoy.append(["not", "this", "sheet"])
        decoy.sheet_state = "hidden"
        sheet = book.create_sheet("Data")
        book.active = 1
    else:
        sheet = book.active
    for row in rows:
        sheet.append(row)
    for line in sheet.iter_rows():
        for cell in line:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, not a formula (openpyxl makes "=..." a formula)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ----------------------------------------------------------------------------------------------- accounts


@dataclass(frozen=True)
class AccountsFile:
    header: list[str]
    rows: list[list[object]]  # cells: text, or (for .xlsx) numbers
    expected: list[AccountUpdate]
    decimal_comma: bool


@st.composite
def accounts_files(draw, for_xlsx: bool = False) -> AccountsFile:
    decimal_comma = draw(st.booleans())
    criteria = draw(st.lists(st.sampled_from(list(HEADERS)), unique=True, max_size=3))
    fields = draw(st.lists(st.sampled_from(["owner", "effort", "segment", "ref"]), unique=True, max_size=4))
    columns = draw(st.permutations(["account", *fields, *criteria]))
    header = [
        draw(st.sampled_from(HEADERS[c]))
        if c in HEADERS
        else draw(st.sampled_from([c, c.upper(), c.title()]))
        for c in columns
    ]
    count = draw(st.integers(0, 6))
    accounts = draw(names(count))
    people = draw(names(2, "KAM "))
    rows, expected = [], []
    for name in accounts:
        row: list[object] = []
        field_values: dict[str, object] = {}
        values: dict[str, float | None] = {}
        for column in columns:
            if column == "account":
                row.append(name)
            elif column in ("owner", "segment", "ref"):
                text = (
                    draw(st.sampled_from(["", *people]))
                    if column == "owner"
                    else draw(st.sampled_from(["", "A", "B-2"]))
                )
                row.append(text)
                field_values[column] = normalise(text) or None
            else:
                blank = draw(st.integers(0, 5)) == 0
                value = (
                    None if blank else draw(fraction(0, 40) if column == "effort" else VALUE_RANGES[column])
                )
                as_number = for_xlsx and value is not None and draw(st.booleans())
                row.append(
                    "" if value is None else value if as_number else spelled(draw, value, decimal_comma)
                )
                (field_values if column == "effort" else values)[column] = value
        rows.append(row)
        expected.append(AccountUpdate(name=normalise(name), fields=field_values, values=values))
    return AccountsFile(header, rows, expected, decimal_comma)


def _delimiter(draw, header: list[str]) -> str:
    """Any delimiter for two columns or more; a one-column file has none to sniff and is standard CSV."""
    return draw(st.sampled_from([",", ";", "\t"])) if len(header) > 1 else ","


@VALID
@given(data=st.data(), table=accounts_files(), crlf=st.booleans(), bom=st.booleans())
def test_a_valid_accounts_csv_loads_with_its_values(tmp_path, data, table: AccountsFile, crlf, bom):
    delimiter = _delimiter(data.draw, table.header)
    content = csv_bytes([table.header, *table.rows], delimiter, crlf, bom)
    path = in_a_file(tmp_path, content, "accounts.csv")
    assert read_accounts(path, CRITERIA, decimal_comma=table.decimal_comma) == table.expected


@FEW
@given(table=accounts_files(for_xlsx=True), hidden_first=st.booleans())
def test_a_valid_accounts_xlsx_loads_with_its_values(tmp_path, table: AccountsFile, hidden_first):
    path = in_a_file(tmp_path, xlsx_bytes([table.header, *table.rows], hidden_first), "accounts.xlsx")
    notes: list[str] = []
    assert read_accounts(path, CRITERIA, decimal_comma=table.decimal_comma, notes=notes) == table.expected
    note = f"{path}: read the sheet 'Data', the active sheet (the workbook also has 'Old' (hidden))"
    assert notes == ([note] if hidden_first else [])


BREAKS = {  # how one cell of a valid accounts file is made wrong, and the start of what is said about it
    "text": ("lots", "expected "),
    "ambiguous": ("4.200", "4.200 is ambiguous"),
    "underscore": ("1_0", "1_0 holds an underscore"),
    "off-scale": ("11", "11 is outside"),
}


@VALID
@given(data=st.data(), table=accounts_files(), how=st.sampled_from(sorted(BREAKS)))
def test_an_accounts_csv_with_one_bad_number_is_refused_there(tmp_path, data, table: AccountsFile, how):
    number_columns = [
        i for i, h in enumerate(table.header) if name_key(h) in {"fit", "strategic fit", "effort"}
    ]
    assume(table.rows and number_columns and not table.decimal_comma)
    row = data.draw(st.integers(0, len(table.rows) - 1))
    column = data.draw(st.sampled_from(number_columns))
    assume(how != "off-scale" or name_key(table.header[column]) != "effort")
    text, start = BREAKS[how]
    rows = [list(r) for r in table.rows]
    rows[row][column] = text
    path = in_a_file(tmp_path, csv_bytes([table.header, *rows], ",", False, False), "accounts.csv")
    with pytest.raises(ImportFileError) as refused:
        read_accounts(path, CRITERIA)
    line = str(refused.value).splitlines()[1]
    where = f"{path}:{row + 2}:{table.header[column]}: "
    assert line.startswith(where + start), line


@VALID
@given(data=st.data(), table=accounts_files())
def test_an_accounts_csv_with_one_name_repeated_differently_is_refused(tmp_path, data, table: AccountsFile):
    assume(table.rows)
    at = table.header.index(next(h for h in table.header if name_key(h) == "account"))
    source = data.draw(st.integers(0, len(table.rows) - 1))
    twin = data.draw(st.sampled_from(["upper", "nfd", "spaces"]))
    name = normalise(str(table.rows[source][at]))
    copy = {"upper": name.upper(), "nfd": unicodedata.normalize("NFD", name), "spaces": f"  {name}  "}[twin]
    assume(name_key(copy) == name_key(name))
    rows = [list(r) for r in table.rows] + [list(table.rows[source])]
    rows[-1][at] = copy
    path = in_a_file(tmp_path, csv_bytes([table.header, *rows], ",", False, False), "accounts.csv")
    with pytest.raises(ImportFileError) as refused:
        read_accounts(path, CRITERIA, decimal_comma=table.decimal_comma)
    assert f"{path}:{len(rows) + 1}:account: duplicate account " in str(refused.value)


@VALID
@given(
    data=st.data(),
    table=accounts_files(),
    invisible=st.sampled_from(["\u200b", "\u200d", "\u00ad", "\ufeff", "\u202e"]),
)
def test_a_name_with_an_invisible_character_is_refused(tmp_path, data, table: AccountsFile, invisible):
    assume(table.rows)
    at = table.header.index(next(h for h in table.header if name_key(h) == "account"))
    row = data.draw(st.integers(0, len(table.rows) - 1))
    rows = [list(r) for r in table.rows]
    name = normalise(str(rows[row][at]))
    cut = data.draw(st.integers(0, len(name)))
    rows[row][at] = name[:cut] + invisible + name[cut:]
    path = in_a_file(tmp_path, csv_bytes([table.header, *rows], ",", False, False), "accounts.csv")
    with pytest.raises(ImportFileError) as refused:
        read_accounts(path, CRITERIA, decimal_comma=table.decimal_comma)
    assert f"{path}:{row + 2}:account: the account name holds an invisible character" in str(refused.value)


# ----------------------------------------------------------------------------------------------- answers

ANSWER_VALUES = ["1", "2", "3", "4", "5", "na", "unknown", "Ad hoc", "Activating", "3 Repeatable", "5.0", ""]


@dataclass(frozen=True)
class AnswersFile:
    header: list[str]
    rows: list[list[str]]
    expected: list[AnswerRow]


@st.composite
def answers_files(draw) -> AnswersFile:
    people = draw(names(draw(st.integers(1, 3))))
    roles = {person: draw(st.sampled_from([None, "KAM", "Leadership", "Sales ops"])) for person in people}
    columns = draw(
        st.permutations(
            ["respondent", "indicator", "value", *draw(st.sets(st.sampled_from(["role", "comment"])))]
        )
    )
    header = [draw(st.sampled_from([c, c.upper(), c.title()])) for c in columns]
    rows, expected = [], []
    first: dict[str, str] = {}
    for person in people:
        for indicator in draw(st.lists(st.sampled_from(SURVEY.indicator_ids), unique=True, min_size=1)):
            typed = draw(st.sampled_from([person, person.upper(), unicodedata.normalize("NFD", person)]))
            assume(name_key(normalise(typed)) == name_key(normalise(person)))
            value = draw(st.sampled_from(ANSWER_VALUES))
            comment = draw(st.sampled_from(["", "ok", "see notes, p. 4", "mehr dazu\nim Bericht"]))
            if "comment" not in columns:
                comment = ""
            if not value and not comment:
                value = "3"
            role = roles[person] if "role" in columns and draw(st.booleans()) else None
            cells = {
                "respondent": typed,
                "indicator": draw(st.sampled_from([indicator, indicator.lower()])),
                "value": value,
                "role": role or "",
                "comment": comment,
            }
            rows.append([cells[c] for c in columns])
            spelling = first.setdefault(name_key(normalise(typed)), normalise(typed))
            parsed = parse_answer_value(value) if value else (None, None)
            assert parsed is not None
            expected.append(
                AnswerRow(spelling, role, indicator, parsed[0], parsed[1], comment.strip() or None)
            )
    # A respondent keeps the role given on any of their rows.
    given_roles = {name_key(r.respondent): r.role for r in expected if r.role}
    expected = [replace(r, role=r.role or given_roles.get(name_key(r.respondent))) for r in expected]
    return AnswersFile(header, rows, expected)


@VALID
@given(data=st.data(), table=answers_files(), crlf=st.booleans(), bom=st.booleans())
def test_a_valid_answers_csv_loads_with_its_values(tmp_path, data, table: AnswersFile, crlf, bom):
    delimiter = data.draw(st.sampled_from([",", ";", "\t"]))
    path = in_a_file(tmp_path, csv_bytes([table.header, *table.rows], delimiter, crlf, bom), "answers.csv")
    assert read_answers(path, SURVEY) == table.expected


@FEW
@given(table=answers_files(), hidden_first=st.booleans())
def test_a_valid_answers_xlsx_loads_with_its_values(tmp_path, table: AnswersFile, hidden_first):
    path = in_a_file(tmp_path, xlsx_bytes([table.header, *table.rows], hidden_first), "answers.xlsx")
    assert read_answers(path, SURVEY) == table.expected


# ----------------------------------------------------------------------------------------- surveys, criteria

TEXT = st.text(
    st.characters(categories=("L", "N", "P", "Zs"), exclude_characters="\u2028\u2029"),
    min_size=1,
    max_size=12,
).filter(
    lambda t: t.strip() and not name_problem(t) and unicodedata.is_normalized("NFC", t)
)  # stored as typed in NFC: NFC text reads back unchanged
SLUG = st.from_regex(r"[A-Za-z][A-Za-z0-9]{0,6}", fullmatch=True)


@st.composite
def survey_documents(draw) -> dict:
    element_ids = draw(st.lists(SLUG, min_size=1, max_size=4, unique_by=lambda s: s.lower()))
    elements, counter = [], 0
    for index, element_id in enumerate(element_ids):
        indicators = []
        for _ in range(draw(st.integers(1, 4))):
            counter += 1
            indicators.append({"id": f"Q-{counter}", "text": f"{draw(TEXT).strip()} {counter}"})
        elements.append(
            {
                "id": element_id,
                "name": f"{draw(TEXT).strip()} {index}",
                "part": draw(st.sampled_from([1, 2])),
                "levels": [f"level {n}: {draw(TEXT).strip()}" for n in range(1, 6)],
                "prescriptions": [f"from {n}: {draw(TEXT).strip()}" for n in range(1, 5)],
                "indicators": indicators,
            }
        )
    return {
        "id": "fuzzed",
        "title": draw(TEXT).strip(),
        "version": draw(st.integers(1, 10**6)),
        "elements": elements,
    }


@VALID
@given(document=survey_documents())
def test_a_valid_survey_loads_as_written(tmp_path, document):
    path = in_a_file(tmp_path, toml_document(document).encode("utf-8"), "survey.toml")
    survey = load_survey(path)
    loaded = survey.to_dict()
    assert (loaded["id"], loaded["title"], loaded["version"]) == (
        document["id"],
        document["title"],
        document["version"],
    )
    for got, wrote in zip(loaded["elements"], document["elements"], strict=True):
        assert {k: got[k] for k in wrote} == wrote
    assert list(survey.indicator_ids) == [i["id"] for e in document["elements"] for i in e["indicators"]]


@st.composite
def criteria_documents(draw) -> dict:
    ids = draw(
        st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True), min_size=2, max_size=6, unique=True)
    )
    groups = [
        "attractiveness",
        "strength",
        *(draw(st.sampled_from(["attractiveness", "strength"])) for _ in ids[2:]),
    ]
    criteria = []
    for index, (criterion_id, group) in enumerate(zip(ids, groups, strict=True)):
        item = {
            "id": criterion_id,
            "name": f"Criterion {index} {draw(TEXT).strip()}",
            "group": group,
            "kind": draw(st.sampled_from(["rating", "number"])),
            "direction": draw(st.sampled_from(["benefit", "cost"])),
            "weight": draw(st.one_of(st.integers(1, 100), st.floats(0.5, 50).map(lambda w: round(w, 2)))),
        }
        if item["kind"] == "rating" and draw(st.booleans()):
            lo = draw(st.integers(0, 5))
            item["scale"] = [lo, lo + draw(st.integers(1, 100))]
        if item["kind"] == "number":
            extra = draw(st.sampled_from(["", "unit", "log", "both"]))
            if extra in ("unit", "both"):
                item["unit"] = draw(st.sampled_from(["EUR", "%", "FTE"]))
            if extra in ("log", "both"):
                item["transform"] = "log"
        criteria.append(item)
    return {"id": "fuzzed", "title": draw(TEXT).strip(), "criteria": criteria}


@VALID
@given(document=criteria_documents())
def test_a_valid_criteria_set_loads_as_written(tmp_path, document):
    path = in_a_file(tmp_path, toml_document(document).encode("utf-8"), "criteria.toml")
    loaded = load_criteria(path).to_dict()
    assert (loaded["id"], loaded["title"]) == (document["id"], document["title"])
    for got, wrote in zip(loaded["criteria"], document["criteria"], strict=True):
        assert {k: got[k] for k in wrote} == wrote


@VALID
@given(document=criteria_documents(), data=st.data())
def test_a_criteria_set_with_one_defect_is_refused_naming_it(tmp_path, document, data):
    index = data.draw(st.integers(0, len(document["criteria"]) - 1))
    defect = data.draw(st.sampled_from(["weight", "group", "kind", "missing-id", "duplicate-id"]))
    item = document["criteria"][index]
    where = f"criteria[{index}]"
    if defect == "weight":
        item["weight"] = "heavy"
    elif defect == "group":
        item["group"] = "charm"
    elif defect == "kind":
        item["kind"] = "colour"
        item.pop("scale", None), item.pop("unit", None), item.pop("transform", None)
    elif defect == "missing-id":
        del item["id"]
    else:
        assume(index > 0)
        item["id"] = document["criteria"][index - 1]["id"]
    path = in_a_file(tmp_path, toml_document(document).encode("utf-8"), "criteria.toml")
    with pytest.raises(KamError) as refused:
        load_criteria(path)
    assert f"{path}:{where}" in str(refused.value)


# ------------------------------------------------------------------------------- the sheet reader itself

SHEET_CELLS = st.one_of(
    st.none(),
    st.text(st.characters(categories=("L", "N", "P", "S", "Zs")), max_size=8).filter(
        lambda t: not t.startswith("=")
    ),
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)).map(
        lambda d: d.replace(microsecond=0)
    ),
    st.times().map(lambda t: t.replace(microsecond=0)),
)


def openpyxl_value(value: object) -> object:
    """What the importers got from a cell before kamtui read sheets itself (openpyxl values_only)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


@FEW
@given(rows=st.lists(st.lists(SHEET_CELLS, min_size=1, max_size=6), min_size=1, max_size=8))
def test_the_sheet_reader_reads_what_openpyxl_reads(tmp_path, rows):
    """Numbers, text, booleans, dates and times, at any position: cell for cell what openpyxl's own reader
    gives, without its padding (kamtui keeps the rows that hold a value, as wide as their last value)."""
    from openpyxl import Workbook, load_workbook

    from kamtui.excel.reader import read_sheet

    book = Workbook()
    for row in rows:
        book.active.append(row)
    path = tmp_path / "cells.xlsx"
    book.save(path)
    reference = {}
    loaded = load_workbook(path, read_only=True, data_only=True)
    for number, values in enumerate(loaded.active.iter_rows(values_only=True), start=1):
        cells = [openpyxl_value(v) for v in values]
        while cells and cells[-1] == "":
            cells.pop()
        if cells:
            reference[number] = cells
    loaded.close()
    assume(reference)
    read = read_sheet(path, str(path))
    got = dict(read.rows)
    if read.header:
        got[1] = read.header
    assert got == reference
