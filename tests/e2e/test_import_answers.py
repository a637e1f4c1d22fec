"""``kamtui healthcheck import ID FILE``: CSV (comma, semicolon, tab, BOM) and XLSX, all or nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

HEADER = ["respondent", "role", "indicator", "value", "comment"]


def table_contents(path: Path) -> dict[str, list[tuple]]:
    """Every row of the tables an import writes (the file's bytes are no check under WAL)."""
    conn = sqlite3.connect(path)
    try:
        return {
            "assessments": conn.execute("SELECT * FROM assessments ORDER BY id").fetchall(),
            "respondents": conn.execute("SELECT * FROM respondents ORDER BY id").fetchall(),
            "answers": conn.execute("SELECT * FROM answers ORDER BY respondent_id, indicator").fetchall(),
        }
    finally:
        conn.close()


def stored(path: Path) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            """SELECT r.name, r.role, x.indicator, x.value, x.status, x.comment
               FROM answers x JOIN respondents r ON r.id = x.respondent_id ORDER BY r.name, x.indicator"""
        ).fetchall()
    finally:
        conn.close()


def csv_text(rows: list[list[str]], delimiter: str = ",") -> str:
    return "".join(delimiter.join(row) + "\n" for row in [HEADER, *rows])


def write_xlsx(path: Path, rows: list[list[object]], header: list[str] = HEADER) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


@pytest.fixture
def assessment(cli) -> int:
    assert cli("healthcheck", "new", "--title", "Import target").stdout == "1\n"
    return 1


@pytest.fixture
def populated(cli, tmp_path, assessment, db_path) -> dict[str, list[tuple]]:
    """Assessment 1 with one earlier import (so "nothing written" is checked against real rows)."""
    path = tmp_path / "earlier.csv"
    path.write_text(
        csv_text([["Zoe", "KAM", "PCM-01", "2", "first pass"], ["Zoe", "KAM", "PCM-02", "na", ""]])
    )
    assert cli("healthcheck", "import", assessment, path).code == 0
    return table_contents(db_path)


# ----------------------------------------------------------------------------- good files

EXPECTED = [
    ("Ann", "KAM", "PCM-01", 3, "rated", None),
    ("Ann", "KAM", "PCM-02", None, "na", "a, b; c"),
    ("Bob", "Leadership", "PCM-01", 5, "rated", None),
    ("Bob", "Leadership", "PCM-03", None, "unknown", "ask finance"),
]
ROWS = [
    ["Ann", "KAM", "PCM-01", "3", ""],
    ["Ann", "KAM", "PCM-02", "na", '"a, b; c"'],
    ["Ann", "KAM", "PCM-03", "", ""],  # blank value, no comment: not answered, nothing stored
    ["Bob", "Leadership", "PCM-01", "5", ""],
    ["Bob", "Leadership", "PCM-03", "unknown", "ask finance"],
]


@pytest.mark.parametrize("bom", [False, True], ids=["plain", "bom"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"], ids=["comma", "semicolon", "tab"])
def test_csv_dialects(cli, tmp_path, db_path, assessment, delimiter, bom):
    path = tmp_path / "answers.csv"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + csv_text(ROWS, delimiter).encode("utf-8"))
    result = cli("healthcheck", "import", assessment, path)
    assert (result.code, result.stdout) == (0, "imported 4 answers from 2 respondents into assessment 1\n")
    assert stored(db_path) == EXPECTED


def test_csv_with_windows_line_endings_and_any_column_order(cli, tmp_path, db_path, assessment):
    path = tmp_path / "answers.csv"
    path.write_bytes(b"Indicator,Value,Respondent\r\nPCM-04,4,Ann\r\npcm-05, 2 ,Ann\r\n")
    result = cli("healthcheck", "import", assessment, path)
    assert result.code == 0, result.output
    assert stored(db_path) == [
        ("Ann", None, "PCM-04", 4, "rated", None),
        ("Ann", None, "PCM-05", 2, "rated", None),
    ]


def test_xlsx(cli, tmp_path, db_path, assessment):
    path = write_xlsx(
        tmp_path / "answers.xlsx",
        [
            ["Ann", "KAM", "PCM-01", 3, None],  # a number cell
            ["Ann", "KAM", "PCM-02", "na", "a, b; c"],
            ["Ann", "KAM", "PCM-03", None, None],
            ["Bob", "Leadership", "PCM-01", 5.0, None],  # a float cell
            ["Bob", "Leadership", "PCM-03", "unknown", "ask finance"],
        ],
    )
    result = cli("healthcheck", "import", assessment, path)
    assert (result.code, result.stdout) == (0, "imported 4 answers from 2 respondents into assessment 1\n")
    assert stored(db_path) == EXPECTED


def test_xlsx_bad_row_names_the_row(cli, tmp_path, db_path, populated, assessment):
    path = write_xlsx(
        tmp_path / "answers.xlsx", [["Ann", "KAM", "PCM-01", 3, None], ["Ann", "KAM", "PCM-02", 9, None]]
    )
    result = cli("healthcheck", "import", assessment, path)
    assert result.code == 1
    assert (
        f"{path}:3:value: expected 1-5 (or a level name), na or unknown or blank, found '9'" in result.stderr
    )
    assert table_contents(db_path) == populated


def test_import_in_a_subprocess(kamtui, tmp_path, db_path):
    assert kamtui("healthcheck", "new", "--title", "Sub").stdout == "1\n"
    path = tmp_path / "answers.csv"
    path.write_text(csv_text(ROWS, ";"), encoding="utf-8")
    result = kamtui("healthcheck", "import", "1", path)
    assert result.code == 0, result.stderr
    assert stored(db_path) == EXPECTED


def test_reimport_updates_answers_instead_of_duplicating(cli, tmp_path, db_path, populated, assessment):
    path = tmp_path / "again.csv"
    path.write_text(csv_text([["Zoe", "KAM", "PCM-01", "4", ""]]), encoding="utf-8")
    assert cli("healthcheck", "import", assessment, path).code == 0
    assert stored(db_path) == [
        ("Zoe", "KAM", "PCM-01", 4, "rated", "first pass"),  # a blank comment keeps the stored one
        ("Zoe", "KAM", "PCM-02", None, "na", None),
    ]
    assert len(table_contents(db_path)["respondents"]) == 1


# ----------------------------------------------------------------------------- bad files: nothing written

BAD_CSV = [
    (
        "bad-value",
        [["Ann", "KAM", "PCM-01", "3", ""], ["Ann", "KAM", "PCM-02", "7", ""]],
        "answers.csv:3:value",
        "expected 1-5 (or a level name), na or unknown or blank, found '7'",
    ),
    (
        "unknown-indicator",
        [["Ann", "KAM", "PCM-01", "3", ""], ["Ann", "KAM", "XX-99", "3", ""]],
        "answers.csv:3:indicator",
        "unknown indicator 'XX-99'",
    ),
    (
        "empty-respondent",
        [["Ann", "KAM", "PCM-01", "3", ""], ["", "KAM", "PCM-02", "3", ""]],
        "answers.csv:3:respondent",
        "empty: every row needs the respondent's name",
    ),
    (
        "duplicate",
        [
            ["Ann", "KAM", "PCM-01", "3", ""],
            ["Ann", "KAM", "PCM-02", "3", ""],
            ["Ann", "KAM", "pcm-01", "4", ""],
        ],
        "answers.csv:4:indicator",
        "'Ann' already answered PCM-01 on row 2",
    ),
    (
        "conflicting-roles",
        [["Ann", "KAM", "PCM-01", "3", ""], ["Ann", "Leadership", "PCM-02", "3", ""]],
        "answers.csv:3:role",
        "'Ann' has role 'Leadership' here but 'KAM' on row 2",
    ),
]


@pytest.mark.parametrize(("rows", "where", "fragment"), [c[1:] for c in BAD_CSV], ids=[c[0] for c in BAD_CSV])
def test_one_bad_row_writes_nothing(cli, tmp_path, db_path, populated, assessment, rows, where, fragment):
    path = tmp_path / "answers.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    result = cli("healthcheck", "import", assessment, path)
    assert result.code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {path}: 1 problem found, nothing was changed"
    assert lines[1].startswith(f"{tmp_path}/{where}: {fragment}")
    assert len(lines) == 2
    assert table_contents(db_path) == populated


@pytest.mark.parametrize(
    ("header", "row", "where", "fragment"),
    [
        (
            "respondent,role,indicator,value,comment,score",
            "Ann,KAM,PCM-01,3,,9",
            "answers.csv:1:score",
            "unknown column (expected: respondent, role, indicator, value, comment)",
        ),
        (
            "respondent,role,indicator,comment",
            "Ann,KAM,PCM-01,",
            "answers.csv:1",
            "missing required column 'value'",
        ),
        ("role,indicator,value", "KAM,PCM-01,3", "answers.csv:1", "missing required column 'respondent'"),
        (
            "respondent,value,value,indicator",
            "Ann,3,3,PCM-01",
            "answers.csv:1:value",
            "column 'value' appears twice",
        ),
    ],
    ids=["unknown-column", "missing-value-column", "missing-respondent-column", "duplicate-column"],
)
def test_bad_header_writes_nothing(
    cli, tmp_path, db_path, populated, assessment, header, row, where, fragment
):
    path = tmp_path / "answers.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    result = cli("healthcheck", "import", assessment, path)
    assert result.code == 1
    assert f"{tmp_path}/{where}: {fragment}" in result.stderr.splitlines()
    assert table_contents(db_path) == populated


def test_not_utf8_writes_nothing(cli, tmp_path, db_path, populated, assessment):
    path = tmp_path / "answers.csv"
    path.write_bytes(
        csv_text([["Ann", "KAM", "PCM-01", "3", ""], ["Zoë", "KAM", "PCM-02", "3", "café"]]).encode("cp1252")
    )
    result = cli("healthcheck", "import", assessment, path)
    assert result.code == 1
    assert f"{path}:3: is not UTF-8 text" in result.stderr
    assert table_contents(db_path) == populated


def test_xls_is_refused(cli, tmp_path, db_path, populated, assessment):
    path = tmp_path / "answers.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504)  # an OLE2 (old Excel) header
    result = cli("healthcheck", "import", assessment, path)
    assert result.code == 1
    assert f"{path}: '.xls' files are not supported: save it as .xlsx or .csv" in result.stderr
    assert table_contents(db_path) == populated


def test_missing_file(cli, tmp_path, db_path, populated, assessment):
    path = tmp_path / "missing.csv"
    result = cli("healthcheck", "import", assessment, path)
    assert result.code == 1
    assert f"{path}: file not found" in result.stderr
    assert table_contents(db_path) == populated


def test_unknown_assessment(cli, tmp_path, db_path, populated):
    path = tmp_path / "answers.csv"
    path.write_text(csv_text([["Ann", "KAM", "PCM-01", "3", ""]]), encoding="utf-8")
    result = cli("healthcheck", "import", 99, path)
    assert result.code == 1
    assert "error: no assessment with id 99" in result.stderr
    assert table_contents(db_path) == populated


def test_xlsx_named_csv_and_corrupt_xlsx(cli, tmp_path, db_path, populated, assessment):
    disguised = write_xlsx(tmp_path / "real.xlsx", [["Ann", "KAM", "PCM-01", 3, None]]).rename(
        tmp_path / "real.csv"
    )
    result = cli("healthcheck", "import", assessment, disguised)
    assert result.code == 1
    assert "looks like an Excel workbook: name it .xlsx" in result.stderr
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_text("not a zip", encoding="utf-8")
    result = cli("healthcheck", "import", assessment, corrupt)
    assert result.code == 1
    assert f"{corrupt}: not a valid .xlsx workbook" in result.stderr
    assert table_contents(db_path) == populated


def test_every_problem_is_listed(cli, tmp_path, db_path, populated, assessment):
    path = tmp_path / "answers.csv"
    path.write_text(
        csv_text(
            [
                ["Ann", "KAM", "PCM-01", "x", ""],
                ["", "KAM", "ZZ-1", "3", ""],
                ["Ann", "Leadership", "PCM-02", "2", ""],
                ["Bob", "", "PCM-03", "4", ""],  # fine
            ]
        ),
        encoding="utf-8",
    )
    result = cli("healthcheck", "import", assessment, path)
    assert result.code == 1
    assert result.stderr.splitlines() == [
        f"error: {path}: 4 problems found, nothing was changed",
        f"{path}:2:value: expected 1-5 (or a level name), na or unknown or blank, found 'x'",
        f"{path}:3:respondent: empty: every row needs the respondent's name",
        f"{path}:3:indicator: unknown indicator 'ZZ-1' (survey 'kam-healthcheck' has PCM-01 .. KAP-10)",
        f"{path}:4:role: 'Ann' has role 'Leadership' here but 'KAM' on row 2",
    ]
    assert table_contents(db_path) == populated


def test_bad_row_after_many_good_ones_writes_nothing(cli, tmp_path, db_path, populated, assessment):
    from kamtui.core.survey import load_survey

    ids = load_survey("kam-healthcheck").indicator_ids
    rows = [[f"P{p}", "KAM", ind, str(i % 5 + 1), ""] for p in range(5) for i, ind in enumerate(ids)]
    rows.append(["P9", "KAM", ids[0], "six", ""])
    path = tmp_path / "big.csv"
    path.write_text(csv_text(rows), encoding="utf-8")
    result = cli("healthcheck", "import", assessment, path)
    assert result.code == 1
    assert f"{path}:{len(rows) + 1}:value" in result.stderr
    assert table_contents(db_path) == populated


def test_row_numbers_after_a_multi_line_comment(cli, tmp_path, db_path, populated, assessment):
    path = tmp_path / "answers.csv"
    path.write_text(
        'respondent,role,indicator,value,comment\nAnn,KAM,PCM-01,3,"line one\nline two"\nAnn,KAM,PCM-02,7,\n',
        encoding="utf-8",
    )
    result = cli("healthcheck", "import", assessment, path)
    assert result.code == 1
    assert table_contents(db_path) == populated
    assert f"{path}:3:value" in result.stderr  # spreadsheet row 3; kamtui says 4


# ----------------------------------------------------------------------------- issue 11: names, sheets


def test_a_respondent_written_differently_is_one_respondent(cli, tmp_path, db_path, assessment):
    """Case, Unicode normalisation and spacing do not make two people: the first spelling is kept (NFC)."""
    nfd = "Zoe\u0308"
    path = tmp_path / "answers.csv"
    path.write_text(
        csv_text(
            [
                [nfd, "KAM", "PCM-01", "3", ""],
                ["ZOË", "", "PCM-02", "4", ""],
                ["zoë ", "kam", "PCM-03", "na", ""],
            ]
        ),
        encoding="utf-8",
    )
    result = cli("healthcheck", "import", assessment, path)
    assert result.code == 0, result.output
    assert result.stdout.startswith("imported 3 answers from 1 respondent")  # one person, not three
    assert stored(db_path) == [
        ("Zoë", "KAM", "PCM-01", 3, "rated", None),
        ("Zoë", "KAM", "PCM-02", 4, "rated", None),
        ("Zoë", "KAM", "PCM-03", None, "na", None),
    ]


def test_the_same_answer_under_two_spellings_is_refused(cli, tmp_path, db_path, populated, assessment):
    path = tmp_path / "twice.csv"
    path.write_text(
        csv_text([["Ann", "", "PCM-01", "3", ""], ["ANN", "", "PCM-01", "4", ""]]), encoding="utf-8"
    )
    result = cli("healthcheck", "import", assessment, path)
    assert result.code == 1
    assert result.stderr.splitlines()[1:] == [
        f"{path}:3:indicator: 'ANN' already answered PCM-01 on row 2 (as 'Ann')"
    ]
    assert table_contents(db_path) == populated


def test_an_invisible_character_in_a_name_is_refused(cli, tmp_path, db_path, populated, assessment):
    path = tmp_path / "hidden.csv"
    path.write_text(csv_text([["An\u200bn", "K\u00adAM", "PCM-01", "3", ""]]), encoding="utf-8")
    result = cli("healthcheck", "import", assessment, path)
    assert result.code == 1
    assert result.stderr.splitlines()[1:] == [
        f"{path}:2:respondent: the respondent's name holds an invisible character, U+200B ZERO WIDTH SPACE, "
        "at position 3: retype it without that character",
        f"{path}:2:role: the role holds an invisible character, U+00AD SOFT HYPHEN, at position 2: "
        "retype it without that character",
    ]
    assert table_contents(db_path) == populated


def test_a_very_hidden_first_sheet_is_not_read(cli, tmp_path, db_path, assessment):
    from openpyxl import Workbook

    workbook = Workbook()
    config = workbook.active
    config.title = "Config"
    config.append(HEADER)
    config.append(["Nobody", "", "PCM-01", 1, ""])
    config.sheet_state = "veryHidden"
    answers = workbook.create_sheet("Answers")
    answers.append(HEADER)
    answers.append(["Ann", "KAM", "PCM-01", 4, None])
    answers.append(["Bob", "", "PCM-01", 2, None])
    workbook.active = 1
    path = tmp_path / "answers.xlsx"
    workbook.save(path)
    result = cli("healthcheck", "import", assessment, path)
    assert (result.code, result.stdout) == (0, "imported 2 answers from 2 respondents into assessment 1\n")
    assert stored(db_path) == [
        ("Ann", "KAM", "PCM-01", 4, "rated", None),
        ("Bob", None, "PCM-01", 2, "rated", None),
    ]
