"""``kamtui accounts import|list|set|remove|rename`` against the hand-worked criteria set.

tests/data/selection/hand.toml: quality (rating 1-10), cost (rating 1-5, cost, named "Cost to serve"),
revenue (number, EUR, log), share (number, %, named "Share of wallet"). An import is all or nothing:
a refused file leaves every table exactly as it was and lists every problem as FILE:ROW:COLUMN.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "selection"
HAND = DATA / "hand.toml"
HAND_CSV = DATA / "hand.csv"
TABLES = ("meta", "accounts", "scores", "weights", "runs", "run_results")


def table_contents(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table an account command could write."""
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in TABLES}
    finally:
        conn.close()


def accounts_in(path: Path) -> dict[str, tuple]:
    """name -> (owner, effort, segment, ref)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute("SELECT name, owner, effort, segment, ref FROM accounts").fetchall()
    finally:
        conn.close()
    return {r[0]: r[1:] for r in rows}


def scores_in(path: Path) -> dict[str, dict[str, float]]:
    """name -> {criterion: value}, exactly the scores rows there are (accounts without any are absent)."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT a.name, s.criterion, s.value FROM scores s JOIN accounts a ON a.id = s.account_id"
        ).fetchall()
    finally:
        conn.close()
    out: dict[str, dict[str, float]] = {}
    for name, criterion, value in rows:
        out.setdefault(name, {})[criterion] = value
    return out


def attributes_in(path: Path) -> dict[str, dict[str, str]]:
    """name -> {attribute: value}, exactly the account_attributes rows there are."""
    conn = sqlite3.connect(path)
    try:
        rows = conn.execute(
            "SELECT a.name, x.name, x.value FROM account_attributes x JOIN accounts a ON a.id = x.account_id"
        ).fetchall()
    finally:
        conn.close()
    out: dict[str, dict[str, str]] = {}
    for account, name, value in rows:
        out.setdefault(account, {})[name] = value
    return out


def write_csv(path: Path, lines: list[str], *, delimiter: str = ",", bom: bool = False) -> Path:
    text = "".join(line.replace(",", delimiter) + "\n" for line in lines)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def write_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(path)
    return path


def do_import(cli, path: Path, *extra: object):
    return cli("accounts", "import", path, "--criteria", HAND, *extra)


@pytest.fixture
def populated(cli, db_path) -> dict[str, list[tuple]]:
    """The eight hand-worked accounts imported once (so "nothing written" is checked against real rows)."""
    result = do_import(cli, HAND_CSV)
    assert result.code == 0, result.output
    assert result.stdout == "imported 8 accounts (8 new, 0 updated) for criteria 'hand'\n"
    return table_contents(db_path)


# ----------------------------------------------------------------------------- good files

GOOD_LINES = [
    "account,owner,effort,segment,ref,QUALITY,Cost to serve,revenue,share of wallet",
    "Alpha,Ann,0.5,Retail,CRM-1,8,2,1500000,12.5",
    "Bravo,,,,,3,,,",
    "Charlie,Bob,1,,,,,,",
]
GOOD_ACCOUNTS = {
    "Alpha": ("Ann", 0.5, "Retail", "CRM-1"),
    "Bravo": (None, None, None, None),
    "Charlie": ("Bob", 1.0, None, None),
}
GOOD_SCORES = {
    "Alpha": {"quality": 8.0, "cost": 2.0, "revenue": 1500000.0, "share": 12.5},
    "Bravo": {"quality": 3.0},
}


@pytest.mark.parametrize(
    ("delimiter", "bom"),
    [(",", False), (";", False), ("\t", False), (",", True), (";", True), (";", "crlf")],
    ids=["comma", "semicolon", "tab", "comma-bom", "semicolon-bom", "semicolon-bom-crlf"],
)
def test_csv_is_sniffed_and_columns_match_by_id_or_name_ignoring_case(cli, tmp_path, db_path, delimiter, bom):
    path = write_csv(tmp_path / "accounts.csv", GOOD_LINES, delimiter=delimiter, bom=bool(bom))
    if bom == "crlf":  # as Excel saves "CSV UTF-8"
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    result = do_import(cli, path)
    assert result.code == 0, result.output
    assert result.stdout == "imported 3 accounts (3 new, 0 updated) for criteria 'hand'\n"
    assert accounts_in(db_path) == GOOD_ACCOUNTS
    # blank cells are missing: no scores row at all (Charlie has none)
    assert scores_in(db_path) == GOOD_SCORES


def test_decimal_comma_reads_thousand_dots_and_decimal_commas(cli, tmp_path, db_path):
    path = write_csv(
        tmp_path / "de.csv",
        ["account;effort;revenue;share;quality", "Alpha;0,25;4.200.000;0,5;7,5", "Bravo;1;1.234,5;12;3"],
    )
    result = do_import(cli, path, "--decimal-comma")
    assert result.code == 0, result.output
    assert accounts_in(db_path)["Alpha"][1] == 0.25
    assert scores_in(db_path) == {
        "Alpha": {"revenue": 4200000.0, "share": 0.5, "quality": 7.5},
        "Bravo": {"revenue": 1234.5, "share": 12.0, "quality": 3.0},
    }


def test_without_decimal_comma_such_numbers_are_refused(cli, tmp_path, db_path):
    """A file whose every number reads with the decimal comma is one problem, the option said once."""
    path = write_csv(tmp_path / "de.csv", ["account;revenue;share", "Alpha;4.200.000;0,5", "Bravo;12;1,25"])
    result = do_import(cli, path)
    assert result.code == 1
    assert result.stderr.splitlines() == [
        f"error: {path}: 1 problem found, nothing was changed",
        f"{path}: the numbers are written with a decimal comma or dots between thousands (such as "
        "'4.200.000' on row 2, column revenue): import the file with --decimal-comma",
    ]
    assert accounts_in(db_path) == {}


def test_a_file_mixing_decimal_marks_lists_each_cell(cli, tmp_path, db_path):
    """0.5 reads only with a decimal point, 0,5 only with a decimal comma: no single option fits, so each
    cell is listed with its own suggestion."""
    path = write_csv(tmp_path / "mixed.csv", ["account;share", "Alpha;0,5", "Bravo;0.25"])
    result = do_import(cli, path)
    assert result.code == 1
    option = "or use --decimal-comma if the numbers are written like 4.200,50"
    assert result.stderr.splitlines()[1:] == [
        f"{path}:2:share: 0,5 is written with a decimal comma or dots between thousands: write 0.5, {option}",
    ]


def test_decimal_comma_on_a_decimal_point_file_is_said_once(cli, tmp_path, db_path):
    path = write_csv(tmp_path / "en.csv", ["account,revenue,share", "Alpha,4200000.5,0.5", "Bravo,12,1.25"])
    result = do_import(cli, path, "--decimal-comma")
    assert result.code == 1
    assert result.stderr.splitlines()[1:] == [
        f"{path}: the numbers are written with a decimal point (such as '4200000.5' on row 2, column revenue), "
        "but they are read with a decimal comma: import the file without --decimal-comma",
    ]


XLSX_HEADER = ["account", "owner", "effort", "quality", "cost", "revenue", "share"]


def test_xlsx_numeric_cells_and_a_second_sheet(cli, tmp_path, db_path):
    path = write_xlsx(
        tmp_path / "accounts.xlsx",
        {
            "First": [
                XLSX_HEADER,
                ["Alpha", "Ann", 0.5, 8, 2, 4200000, 0.5],
                ["Bravo", None, None, 3, None, None, None],
            ],
            "Second": [["Account", "Quality", "Share of wallet"], ["Zulu", 9, 33.25]],
        },
    )
    result = do_import(cli, path)
    assert result.code == 0, result.output
    assert accounts_in(db_path) == {"Alpha": ("Ann", 0.5, None, None), "Bravo": (None, None, None, None)}
    assert scores_in(db_path) == {
        "Alpha": {"quality": 8.0, "cost": 2.0, "revenue": 4200000.0, "share": 0.5},
        "Bravo": {"quality": 3.0},
    }

    result = do_import(cli, path, "--sheet", "Second")
    assert result.code == 0, result.output
    assert result.stdout == "imported 1 accounts (1 new, 0 updated) for criteria 'hand'\n"
    assert set(accounts_in(db_path)) == {"Alpha", "Bravo", "Zulu"}
    assert scores_in(db_path)["Zulu"] == {"quality": 9.0, "share": 33.25}


def test_decimal_comma_does_not_touch_numeric_xlsx_cells(cli, tmp_path, db_path):
    path = write_xlsx(
        tmp_path / "accounts.xlsx",
        {
            "Sheet": [
                XLSX_HEADER,
                ["Alpha", "Ann", 0.25, 7.5, 2, 4200000.0, 0.5],
                ["Bravo", "", "1,5", 3, 1, "4.200.000", "0,5"],
            ]
        },
    )
    result = do_import(cli, path, "--decimal-comma")
    assert result.code == 0, result.output
    assert scores_in(db_path) == {
        "Alpha": {"quality": 7.5, "cost": 2.0, "revenue": 4200000.0, "share": 0.5},
        "Bravo": {"quality": 3.0, "cost": 1.0, "revenue": 4200000.0, "share": 0.5},
    }
    assert accounts_in(db_path)["Alpha"][1] == 0.25
    assert accounts_in(db_path)["Bravo"][1] == 1.5


def test_xlsx_problems_are_located_by_row_and_column(cli, tmp_path, db_path, populated):
    path = write_xlsx(
        tmp_path / "bad.xlsx",
        {"Sheet": [XLSX_HEADER, ["Alpha", "Ann", 0.5, 11, 2, 100, 1], ["Zulu", "", -1, 3, 6, 100, 1]]},
    )
    result = do_import(cli, path)
    assert result.code == 1
    assert result.stderr.splitlines() == [
        f"error: {path}: 3 problems found, nothing was changed",
        f"{path}:2:quality: 11 is outside the rating scale 1 to 10 of 'Quality'; found 11",
        f"{path}:3:effort: expected the KAM effort in FTE, a number such as 4200000 or 0.5 >= 0; found '-1'",
        f"{path}:3:cost: 6 is outside the rating scale 1 to 5 of 'Cost to serve'; found 6",
    ]
    assert table_contents(db_path) == populated


def test_unknown_sheet_and_sheet_on_csv_are_refused(cli, tmp_path, db_path):
    path = write_xlsx(tmp_path / "a.xlsx", {"Only": [["account"], ["Alpha"]]})
    result = do_import(cli, path, "--sheet", "Missing")
    assert result.code == 1
    assert "no sheet named 'Missing' (sheets: Only)" in result.stderr
    csv_path = write_csv(tmp_path / "a.csv", ["account", "Alpha"])
    result = do_import(cli, csv_path, "--sheet", "Only")
    assert result.code == 1
    assert "a sheet can be named for .xlsx files only; this file is read as CSV text" in result.stderr
    assert accounts_in(db_path) == {}


# ----------------------------------------------------------------------------- refused files

HEADER = "account,owner,effort,quality,cost,revenue,share"
GOOD_ROW = "Zulu,Zed,0.2,5,3,1000,20"  # a new account, valid: must not be written when the file is refused
UPDATE_ROW = "Alpha,Someone else,0.9,1,5,10,1"  # a valid update: must not be written either


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        pytest.param(
            [HEADER, GOOD_ROW, "Yankee,,,11,,,"],
            ["{path}:3:quality: 11 is outside the rating scale 1 to 10 of 'Quality'; found 11"],
            id="rating-above-scale",
        ),
        pytest.param(
            [HEADER, UPDATE_ROW, "Yankee,,,0.5,0,,"],
            [
                "{path}:3:quality: 0.5 is outside the rating scale 1 to 10 of 'Quality'; found 0.5",
                "{path}:3:cost: 0 is outside the rating scale 1 to 5 of 'Cost to serve'; found 0",
            ],
            id="ratings-below-scale",
        ),
        pytest.param(
            [HEADER, GOOD_ROW, "Yankee,,,,,about a million,"],
            [
                "{path}:3:revenue: expected a number such as 4200000 or 0.5 in EUR; found text 'about a million'"
            ],
            id="text-in-number-column",
        ),
        pytest.param(
            [HEADER, GOOD_ROW, "Yankee,,,high,,,"],
            ["{path}:3:quality: expected a rating from 1 to 10; found text 'high'"],
            id="text-in-rating-column",
        ),
        pytest.param(
            [HEADER, UPDATE_ROW, GOOD_ROW, "Zulu,,,,,,"],
            ["{path}:4:account: duplicate account 'Zulu' (also on row 3)"],
            id="duplicate-account",
        ),
        pytest.param(
            [HEADER, UPDATE_ROW, ",Ann,,3,,,"],
            ["{path}:3:account: empty: every row needs the account's name"],
            id="empty-account-name",
        ),
        pytest.param(
            [HEADER, GOOD_ROW, "Yankee,,-0.5,,,,"],
            [
                "{path}:3:effort: expected the KAM effort in FTE, a number such as 4200000 or 0.5 >= 0; "
                "found '-0.5'"
            ],
            id="negative-effort",
        ),
        pytest.param(
            [HEADER, GOOD_ROW, "Yankee,,lots,,,,"],
            [
                "{path}:3:effort: expected the KAM effort in FTE, a number such as 4200000 or 0.5 >= 0; found 'lots'"
            ],
            id="text-effort",
        ),
        pytest.param(
            [HEADER, GOOD_ROW, "Yankee,,,,,-5,"],
            [
                "{path}:3:revenue: -5 is negative; 'Revenue' is log-transformed and needs values >= 0; "
                "found -5"
            ],
            id="negative-log-number",
        ),
    ],
)
def test_a_bad_row_refuses_the_whole_file(cli, tmp_path, db_path, populated, lines, expected):
    path = write_csv(tmp_path / "bad.csv", lines)
    result = do_import(cli, path)
    assert result.code == 1, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.output
    count = len(expected)
    assert result.stderr.splitlines() == [
        f"error: {path}: {count} problem{'s' if count > 1 else ''} found, nothing was changed",
        *(e.format(path=path) for e in expected),
    ]
    assert table_contents(db_path) == populated


def test_an_unknown_column_is_ignored_and_said_in_one_line(cli, tmp_path, db_path, populated):
    """Unknown columns are no longer fatal: by default they are ignored (nothing the file did not ask for is
    stored), and one line says so with the option that keeps them."""
    path = write_csv(tmp_path / "extra.csv", ["account,quality,colour,Last activity", "Zulu,5,red,2024-01-02"])
    result = do_import(cli, path)
    assert result.code == 0, result.output
    assert result.stdout == "imported 1 accounts (1 new, 0 updated) for criteria 'hand'\n"
    assert result.stderr == "note: 2 columns ignored: colour, Last activity (keep them with --extra keep)\n"
    assert scores_in(db_path)["Zulu"] == {"quality": 5.0}
    assert attributes_in(db_path) == {}
    ignored = do_import(cli, path, "--extra", "ignore")
    assert ignored.stderr == "note: 2 columns ignored: colour, Last activity\n"  # asked for: no hint
    kept = do_import(cli, path, "--extra", "keep")
    assert kept.code == 0 and kept.stderr == "note: 2 columns kept as attributes: colour, Last activity\n"
    assert attributes_in(db_path) == {"Zulu": {"colour": "red", "Last activity": "2024-01-02"}}
    listed = {a["account"]: a["attributes"] for a in json.loads(cli("accounts", "list", "--json").stdout)}
    assert listed["Zulu"] == {"colour": "red", "Last activity": "2024-01-02"} and listed["Alpha"] == {}


def test_kept_attributes_follow_the_name_rule_and_blank_cells(cli, tmp_path, db_path, populated):
    first = write_csv(tmp_path / "a.csv", ["account,Region,Tier", "Alpha,EMEA,1", "Bravo,APAC,2"])
    assert do_import(cli, first, "--extra", "keep").code == 0
    again = write_csv(tmp_path / "b.csv", ["account,REGION,Tier", "ALPHA,DACH,", "Bravo,,3"])
    assert do_import(cli, again, "--extra", "keep", "--keep-blank").code == 0
    # the stored spelling of the attribute (Region) and of the account (Alpha) is kept; blank kept it
    assert attributes_in(db_path) == {"Alpha": {"Region": "DACH", "Tier": "1"}, "Bravo": {"Region": "APAC", "Tier": "3"}}
    assert do_import(cli, again, "--extra", "keep").code == 0  # a blank cell clears by default
    assert attributes_in(db_path) == {"Alpha": {"Region": "DACH"}, "Bravo": {"Tier": "3"}}


def test_keep_blank_keeps_stored_values(cli, tmp_path, db_path, populated):
    path = write_csv(tmp_path / "blank.csv", ["account,owner,quality,revenue", "Alpha,,,5"])
    before = accounts_in(db_path)["Alpha"], scores_in(db_path)["Alpha"]
    assert before == (("Ann", 0.6, None, None), {"quality": 10.0, "cost": 1.0, "revenue": 999.0, "share": 50.0})
    assert do_import(cli, path, "--keep-blank").code == 0
    assert accounts_in(db_path)["Alpha"] == ("Ann", 0.6, None, None)
    assert scores_in(db_path)["Alpha"] == {"quality": 10.0, "cost": 1.0, "revenue": 5.0, "share": 50.0}
    assert do_import(cli, path).code == 0  # without it, blank cells clear the stored values
    assert accounts_in(db_path)["Alpha"] == (None, 0.6, None, None)
    assert scores_in(db_path)["Alpha"] == {"cost": 1.0, "revenue": 5.0, "share": 50.0}


def test_maps_read_columns_as_fields_and_are_remembered(cli, tmp_path, db_path, populated):
    path = write_csv(tmp_path / "crm.csv", ["Firm,Qual,Manager", "Zulu,7,Kim"])
    result = do_import(cli, path, "--map", "Firm=account", "--map", "Qual = quality", "--map", "Manager=owner")
    assert result.code == 0, result.output
    assert scores_in(db_path)["Zulu"] == {"quality": 7.0} and accounts_in(db_path)["Zulu"][0] == "Kim"
    conn = sqlite3.connect(db_path)
    maps = conn.execute("SELECT criteria_set, file_column, field FROM column_maps ORDER BY 2").fetchall()
    conn.close()
    assert maps == [("hand", "Firm", "account"), ("hand", "Manager", "owner"), ("hand", "Qual", "quality")]
    again = write_csv(tmp_path / "crm2.csv", ["FIRM,qual", "Zulu,8"])
    result = do_import(cli, again)
    assert result.code == 0, result.output
    assert "read by remembered maps: 'FIRM' as account, 'qual' as quality" in result.stderr
    assert scores_in(db_path)["Zulu"] == {"quality": 8.0}


def test_bad_maps_are_refused_before_reading(cli, tmp_path, db_path, populated):
    path = write_csv(tmp_path / "crm.csv", ["Firm,quality", "Zulu,7"])
    result = do_import(cli, path, "--map", "Firm", "--map", "Firm=colour")
    assert result.code == 1
    assert result.stderr == (
        "error: --map: 'Firm' is not FILE COLUMN=FIELD; 'Firm=colour': 'colour' is no field: use account, "
        "owner, effort, segment, ref, a criterion of 'hand' (quality, cost, revenue, share), keep or ignore\n"
    )
    result = do_import(cli, path, "--map", "Company=account")
    assert result.code == 1
    assert result.stderr.splitlines()[1] == (
        f"{path}:1: the file has no column 'Company' to map (its columns: 'Firm', 'quality')"
    )
    assert table_contents(db_path) == populated


def test_two_columns_for_one_field_and_a_guess_set_aside(cli, tmp_path, db_path):
    path = write_csv(tmp_path / "two.csv", ["account,Account Name,quality", "Alpha,Alpha Corp,5"])
    result = do_import(cli, path)  # 'account' by its name wins over the CRM name 'Account Name'
    assert result.code == 0, result.output
    assert set(accounts_in(db_path)) == {"Alpha"}
    assert "1 column ignored: Account Name" in result.stderr
    clash = write_csv(tmp_path / "clash.csv", ["Firm,account,quality", "Alpha,Alpha,5"])
    result = do_import(cli, clash, "--map", "Firm=account")
    assert result.code == 1
    assert f"{clash}:1:account: column 'account' repeats column 'Firm' (both give account)" in result.stderr


def test_missing_account_column_is_refused(cli, tmp_path, db_path, populated):
    path = write_csv(tmp_path / "bad.csv", ["owner,quality", "Ann,5"])
    result = do_import(cli, path)
    assert result.code == 1
    assert result.stderr.splitlines() == [
        f"error: {path}: 1 problem found, nothing was changed",
        f"{path}:1: missing required column 'account' (the account's name)",
        f"{path}: expected columns: account (required), owner, effort, segment, ref, and the criteria of "
        "'hand' by id or name: quality, cost, revenue, share; other columns are kept or ignored",
    ]
    assert table_contents(db_path) == populated


def test_a_column_named_twice_is_refused(cli, tmp_path, db_path, populated):
    path = write_csv(tmp_path / "bad.csv", ["account,quality,Quality", "Zulu,5,6"])
    result = do_import(cli, path)
    assert result.code == 1
    assert f"{path}:1:Quality: column 'Quality' repeats column 'quality'" in result.stderr
    assert table_contents(db_path) == populated


def test_every_problem_of_a_file_is_listed(cli, tmp_path, db_path, populated):
    path = write_csv(
        tmp_path / "bad.csv",
        [
            HEADER,
            UPDATE_ROW,  # 2: fine
            "Yankee,,-1,12,,,",  # 3: effort, quality
            ",,,,,,",  # blank line: skipped
            ",Ann,,,,,",  # 5: empty name
            "Alpha,,,,9,x,",  # 6: duplicate, cost, revenue
            GOOD_ROW,  # 7: fine
        ],
    )
    result = do_import(cli, path)
    assert result.code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {path}: 6 problems found, nothing was changed"
    located = [line[len(f"{path}:") :].split(": ")[0] for line in lines[1:]]
    assert sorted(located) == ["3:effort", "3:quality", "5:account", "6:account", "6:cost", "6:revenue"]
    assert f"{path}:6:account: duplicate account 'Alpha' (also on row 2)" in lines
    assert f"{path}:6:revenue: expected a number such as 4200000 or 0.5 in EUR; found text 'x'" in lines
    assert table_contents(db_path) == populated


def test_more_than_fifty_problems_are_counted_and_the_rest_summarised(cli, tmp_path, db_path, populated):
    path = write_csv(tmp_path / "bad.csv", ["account,quality"] + [f"Bad {i},{20 + i}" for i in range(60)])
    result = do_import(cli, path)
    assert result.code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == f"error: {path}: 60 problems found, nothing was changed"
    assert lines[1] == f"{path}:2:quality: 20 is outside the rating scale 1 to 10 of 'Quality'; found 20"
    assert lines[-1] == f"{path}: ... and 10 more problems"
    assert table_contents(db_path) == populated


def test_a_refused_import_does_not_switch_the_active_criteria_set(cli, tmp_path, db_path, populated):
    path = write_csv(tmp_path / "bad.csv", ["account,strategic_fit", "Zulu,11"])
    result = cli("accounts", "import", path, "--criteria", "kam-default")
    assert result.code == 1
    assert "nothing was changed" in result.stderr
    assert table_contents(db_path) == populated  # meta included: the active set is still hand.toml


def test_refused_import_into_an_empty_database_writes_no_account(cli, tmp_path, db_path):
    path = write_csv(tmp_path / "bad.csv", [HEADER, GOOD_ROW, "Yankee,,,11,,,"])
    assert do_import(cli, path).code == 1
    contents = table_contents(db_path)
    assert contents["accounts"] == contents["scores"] == []


def test_missing_file_and_non_utf8_file(cli, tmp_path, db_path):
    result = do_import(cli, tmp_path / "nowhere.csv")
    assert result.code == 1
    assert f"{tmp_path / 'nowhere.csv'}: file not found" in result.stderr
    path = tmp_path / "latin1.csv"
    path.write_bytes("account,quality\nMüller,5\n".encode("latin-1"))
    result = do_import(cli, path)
    assert result.code == 1
    assert "is not UTF-8 text" in result.stderr
    assert accounts_in(db_path) == {}


# ----------------------------------------------------------------------------- re-import, names


def test_reimport_updates_by_name(cli, tmp_path, db_path, populated):
    before_ids = {r[1]: r[0] for r in populated["accounts"]}
    path = write_csv(
        tmp_path / "again.csv",
        [
            "account,owner,quality,cost",
            "Alpha,Zed,7,",  # quality changed, cost cleared, owner changed; effort/revenue/share untouched
            "Bravo,,2,4",  # owner cleared
            "New One,Ann,3,",
        ],
    )
    result = do_import(cli, path)
    assert result.code == 0, result.output
    assert result.stdout == "imported 3 accounts (1 new, 2 updated) for criteria 'hand'\n"
    accounts = accounts_in(db_path)
    assert accounts["Alpha"] == ("Zed", 0.6, None, None)
    assert accounts["Bravo"] == (None, 0.1, None, None)
    assert accounts["New One"] == ("Ann", None, None, None)
    scores = scores_in(db_path)
    assert scores["Alpha"] == {"quality": 7.0, "revenue": 999.0, "share": 50.0}
    assert scores["Bravo"] == {"quality": 2.0, "cost": 4.0, "revenue": 9.0, "share": 10.0}
    assert scores["New One"] == {"quality": 3.0}
    # the other accounts are untouched, and updated accounts keep their row (same id)
    for name in ("Charlie", "Delta", "Echo", "Dune", "Foxtrot", "Hotel"):
        before = next(r for r in populated["accounts"] if r[1] == name)
        assert accounts[name] == before[2:6]
    conn = sqlite3.connect(db_path)
    after_ids = dict(conn.execute("SELECT name, id FROM accounts").fetchall())
    conn.close()
    assert {n: after_ids[n] for n in before_ids} == before_ids
    assert len(after_ids) == 9


def test_names_are_kept_verbatim_even_formula_like_ones(cli, tmp_path, db_path):
    names = ["=SUM(A1:A2)", "+44 Telecom", "-minus Ltd", "@home GmbH", "Smith, Jones & Co", "Ünïcödé AG"]
    lines = ["account,quality"] + [
        f'"{n}",{i + 1}' if "," in n else f"{n},{i + 1}" for i, n in enumerate(names)
    ]
    path = write_csv(tmp_path / "names.csv", lines)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")  # commas inside quotes stay commas
    result = do_import(cli, path)
    assert result.code == 0, result.output
    assert set(accounts_in(db_path)) == set(names)
    assert {n: v["quality"] for n, v in scores_in(db_path).items()} == {
        n: i + 1.0 for i, n in enumerate(names)
    }
    listed = json.loads(cli("accounts", "list", "--json").stdout)
    assert sorted(a["account"] for a in listed) == sorted(names)
    # and the names work everywhere a name is given
    assert cli("accounts", "set", "--", "-minus Ltd", "quality", "9").code == 0
    assert scores_in(db_path)["-minus Ltd"] == {"quality": 9.0}
    assert cli("accounts", "rename", "=SUM(A1:A2)", "@formula").code == 0
    assert "@formula" in accounts_in(db_path)


def test_formula_like_name_from_an_xlsx_text_cell(cli, tmp_path, db_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["account", "quality"])
    sheet.append(["placeholder", 5])
    sheet["A2"].value = "=1+1"
    sheet["A2"].data_type = "s"  # text that looks like a formula, as kamtui itself writes it
    path = tmp_path / "names.xlsx"
    workbook.save(path)
    assert do_import(cli, path).code == 0
    assert set(accounts_in(db_path)) == {"=1+1"}


# ----------------------------------------------------------------------------- list


def test_list_text_and_json(cli, populated):
    result = cli("accounts", "list")
    assert result.code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["Account", "Owner", "Effort", "quality", "cost", "revenue", "share"]
    rows = {line.split()[0]: line.split() for line in lines[2:]}
    assert rows["Alpha"] == ["Alpha", "Ann", "0.6", "10", "1", "999", "50"]
    assert rows["Charlie"] == ["Charlie", "Bob", "0.3", "5.5", "3", "99", "-"]
    assert rows["Delta"] == ["Delta", "Cy", "-", "-", "-", "-", "-"]
    assert len(rows) == 8

    data = json.loads(cli("accounts", "list", "--json").stdout)
    assert [a["account"] for a in data] == sorted(
        ["Alpha", "Bravo", "Charlie", "Delta", "Echo", "Dune", "Foxtrot", "Hotel"]
    )
    charlie = next(a for a in data if a["account"] == "Charlie")
    assert charlie == {
        "account": "Charlie",
        "owner": "Bob",
        "effort": 0.3,
        "segment": None,
        "ref": None,
        "values": {"quality": 5.5, "cost": 3.0, "revenue": 99.0, "share": None},
        "other_values": {},
        "attributes": {},
    }


def test_list_of_an_empty_database(cli):
    result = cli("accounts", "list")
    assert result.code == 0
    assert "no accounts yet" in result.stdout
    assert json.loads(cli("accounts", "list", "--json").stdout) == []


# ----------------------------------------------------------------------------- set


def test_set_by_id_or_name_and_blank_clears(cli, db_path, populated):
    result = cli("accounts", "set", "Charlie", "share", "12.5")
    assert (result.code, result.stdout) == (0, "saved: Charlie share = 12.5\n")
    result = cli("accounts", "set", "Charlie", "  cost TO serve ", "4")
    assert (result.code, result.stdout) == (0, "saved: Charlie cost = 4\n")
    assert cli("accounts", "set", "Charlie", "QUALITY", "9").code == 0
    assert scores_in(db_path)["Charlie"] == {"quality": 9.0, "cost": 4.0, "revenue": 99.0, "share": 12.5}
    result = cli("accounts", "set", "Charlie", "revenue", "")
    assert (result.code, result.stdout) == (0, "saved: Charlie revenue = missing\n")
    assert scores_in(db_path)["Charlie"] == {"quality": 9.0, "cost": 4.0, "share": 12.5}
    assert cli("accounts", "set", "Delta", "share", "0,5", "--decimal-comma").code == 0
    assert scores_in(db_path)["Delta"] == {"share": 0.5}


def test_set_echoes_the_value_at_full_precision(cli, db_path, populated):
    """The value echoed is the value stored, written as a person would type it back (as the edit dialog
    opens it): 4955123.45, not 4.95512e+06."""
    for typed in ("4955123.45", "4,955,123.45"):
        result = cli("accounts", "set", "Charlie", "revenue", typed)
        assert (result.code, result.stdout) == (0, "saved: Charlie revenue = 4955123.45\n")
    assert scores_in(db_path)["Charlie"]["revenue"] == 4955123.45
    result = cli("accounts", "set", "Charlie", "effort", "0.1")
    assert result.stdout == "saved: Charlie effort = 0.1\n"
    result = cli("accounts", "set", "Charlie", "revenue", "1e15")
    assert result.stdout == "saved: Charlie revenue = 1000000000000000\n"


def test_set_account_fields(cli, db_path, populated):
    assert cli("accounts", "set", "Alpha", "owner", "Zed").stdout == "saved: Alpha owner = Zed\n"
    assert cli("accounts", "set", "Alpha", "effort", "1.25").stdout == "saved: Alpha effort = 1.25\n"
    assert cli("accounts", "set", "Alpha", "Segment", "Retail").code == 0
    assert cli("accounts", "set", "Alpha", "ref", "CRM-9").code == 0
    assert accounts_in(db_path)["Alpha"] == ("Zed", 1.25, "Retail", "CRM-9")
    assert cli("accounts", "set", "Alpha", "owner", "").code == 0
    assert cli("accounts", "set", "Alpha", "effort", " ").code == 0
    assert accounts_in(db_path)["Alpha"] == (None, None, "Retail", "CRM-9")


@pytest.mark.parametrize(
    ("criterion", "value", "message"),
    [
        ("quality", "11", "error: quality: 11 is outside the rating scale 1 to 10 of 'Quality'; got 11"),
        ("Cost to serve", "0", "error: cost: 0 is outside the rating scale 1 to 5 of 'Cost to serve'; got 0"),
        ("quality", "good", "error: quality: expected a rating from 1 to 10, got 'good'"),
        ("revenue", "a lot", "error: revenue: expected a number such as 4200000 or 0.5 in EUR, got 'a lot'"),
        (
            "revenue",
            "-3",
            "error: revenue: -3 is negative; 'Revenue' is log-transformed and needs values >= 0; got -3",
        ),
        ("share", "nan", "error: share: expected a number such as 4200000 or 0.5 in %, got 'nan'"),
        ("share", "inf", "error: share: expected a number such as 4200000 or 0.5 in %, got 'inf'"),
        (
            "effort",
            "-1",
            "error: effort: expected the KAM effort in FTE, a number such as 4200000 or 0.5 >= 0, got '-1'",
        ),
        (
            "effort",
            "half",
            "error: effort: expected the KAM effort in FTE, a number such as 4200000 or 0.5 >= 0, got 'half'",
        ),
    ],
)
def test_set_refuses_a_bad_value_and_keeps_the_old_one(cli, db_path, populated, criterion, value, message):
    result = cli("accounts", "set", "--", "Alpha", criterion, value)
    assert result.code == 1, result.output
    assert result.stderr.strip() == message
    assert table_contents(db_path) == populated


def test_set_unknown_account_or_criterion(cli, db_path, populated):
    result = cli("accounts", "set", "Nobody", "quality", "5")
    assert result.code == 1
    assert result.stderr.strip() == "error: no account named 'Nobody' (see: kamtui accounts list)"
    result = cli("accounts", "set", "Alpha", "colour", "5")
    assert result.code == 1
    assert result.stderr.strip() == (
        "error: CRITERION: 'colour' is not a criterion of 'hand' (quality, cost, revenue, share) "
        "nor one of owner, effort, segment, ref"
    )
    assert table_contents(db_path) == populated


# ----------------------------------------------------------------------------- remove, rename


def test_remove_deletes_the_account_and_its_values(cli, db_path, populated):
    result = cli("accounts", "remove", "Alpha")
    assert (result.code, result.stdout) == (0, "removed: Alpha\n")
    assert "Alpha" not in accounts_in(db_path)
    assert len(accounts_in(db_path)) == 7
    conn = sqlite3.connect(db_path)
    alpha_id = next(r[0] for r in populated["accounts"] if r[1] == "Alpha")
    assert conn.execute("SELECT count(*) FROM scores WHERE account_id = ?", (alpha_id,)).fetchone() == (0,)
    conn.close()
    others = scores_in(db_path)
    assert others["Bravo"] == {"quality": 1.0, "cost": 5.0, "revenue": 9.0, "share": 10.0}


def test_remove_unknown_account(cli, db_path, populated):
    result = cli("accounts", "remove", "Nobody")
    assert result.code == 1
    assert "no account named 'Nobody'" in result.stderr
    assert table_contents(db_path) == populated


def test_rename_keeps_the_values(cli, db_path, populated):
    result = cli("accounts", "rename", "Alpha", "Alpha Holdings")
    assert (result.code, result.stdout) == (0, "renamed: Alpha -> Alpha Holdings\n")
    assert accounts_in(db_path)["Alpha Holdings"] == ("Ann", 0.6, None, None)
    assert "Alpha" not in accounts_in(db_path)
    assert scores_in(db_path)["Alpha Holdings"] == {
        "quality": 10.0,
        "cost": 1.0,
        "revenue": 999.0,
        "share": 50.0,
    }


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("Nobody", "Zulu", "no account named 'Nobody'"),
        ("Alpha", "Bravo", "an account named 'Bravo' already exists"),
        ("Alpha", "  ", "an account needs a name"),
    ],
)
def test_rename_refusals(cli, db_path, populated, old, new, message):
    result = cli("accounts", "rename", old, new)
    assert result.code == 1
    assert message in result.stderr
    assert table_contents(db_path) == populated


# ----------------------------------------------------------------------------- account columns vs criteria

RESERVED_SET = """\
id = "reserved"
title = "A criterion id that is also an account column"

[[criteria]]
id = "fit"
name = "Fit"
group = "attractiveness"
kind = "rating"
weight = 1

[[criteria]]
id = "effort"
name = "Effort to serve"
group = "strength"
kind = "rating"
direction = "cost"
weight = 1
"""


def test_a_criterion_named_like_an_account_column_is_not_silently_misread(cli, tmp_path, db_path):
    criteria = tmp_path / "reserved.toml"
    criteria.write_text(RESERVED_SET, encoding="utf-8")
    validated = cli("criteria", "validate", criteria)
    if validated.code == 1:  # fixed by refusing the id: fine, as long as the key is named
        assert f"{criteria}:criteria[1].id" in validated.stderr
        return
    path = write_csv(tmp_path / "reserved.csv", ["account,fit,effort", "Alpha,5,3", "Bravo,6,8"])
    result = cli("accounts", "import", path, "--criteria", criteria)
    if result.code == 1:  # fixed by refusing the ambiguous column: fine, as long as it is named
        assert f"{path}:1:effort" in result.stderr
        return
    # imported: the column must be the criterion's ratings, not the accounts' FTE
    assert scores_in(db_path) == {"Alpha": {"fit": 5.0, "effort": 3.0}, "Bravo": {"fit": 6.0, "effort": 8.0}}
    assert accounts_in(db_path)["Alpha"][1] is None


# ----------------------------------------------------------------------------- issue 11: numbers, names, sheets

DECIMAL_OPTION = "or use --decimal-comma if the numbers are written like 4.200,50"


def test_ambiguous_and_underscored_numbers_are_refused(cli, tmp_path, db_path):
    path = write_csv(tmp_path / "bad.csv", ["account,revenue,share,effort", "Alpha,4.200,1_0,1.500"])
    result = do_import(cli, path)
    assert result.code == 1
    assert result.stderr.splitlines()[1:] == [
        f"{path}:2:effort: 1.500 is ambiguous: write 1500 or 1.5, {DECIMAL_OPTION}",
        f"{path}:2:revenue: 4.200 is ambiguous: write 4200 or 4.2, {DECIMAL_OPTION}",
        f"{path}:2:share: 1_0 holds an underscore, which is no part of a number: write digits only, "
        "such as 1000 or 0.5",
    ]
    assert accounts_in(db_path) == {}


def test_unambiguous_spellings_of_the_same_numbers_are_read(cli, tmp_path, db_path):
    path = write_csv(
        tmp_path / "good.csv",
        [
            "account;revenue;share;effort",
            "Alpha;4.2000;0.125;1.5",
            "Bravo;4,200;10;0",
            "Charlie;4200.0;1.25e1;",
        ],
    )
    result = do_import(cli, path)
    assert result.code == 0, result.output
    assert scores_in(db_path) == {
        "Alpha": {"revenue": 4.2, "share": 0.125},
        "Bravo": {"revenue": 4200.0, "share": 10.0},
        "Charlie": {"revenue": 4200.0, "share": 12.5},
    }
    assert {name: row[1] for name, row in accounts_in(db_path).items()} == {
        "Alpha": 1.5,
        "Bravo": 0.0,
        "Charlie": None,
    }


def test_with_the_decimal_comma_a_dot_and_three_digits_are_thousands(cli, tmp_path, db_path):
    path = write_csv(tmp_path / "de.csv", ["account;revenue;share", "Alpha;4.200;0,125"])
    result = do_import(cli, path, "--decimal-comma")
    assert result.code == 0, result.output
    assert scores_in(db_path) == {"Alpha": {"revenue": 4200.0, "share": 0.125}}


def test_names_are_stored_in_nfc_and_duplicates_by_name_key_refused(cli, tmp_path, db_path):
    nfd = "Mu\u0308ller"
    path = write_csv(tmp_path / "names.csv", ["account,owner", f"{nfd} GmbH,Zo\u0308e", "Acme,Ann"])
    assert do_import(cli, path).code == 0
    assert accounts_in(db_path) == {
        "Müller GmbH": ("Zöe", None, None, None),
        "Acme": ("Ann", None, None, None),
    }
    twice = write_csv(tmp_path / "twice.csv", ["account", "Globex", "GLOBEX", "Initech", "initech  "])
    result = do_import(cli, twice)
    assert result.code == 1
    assert result.stderr.splitlines()[1:] == [
        f"{twice}:3:account: duplicate account 'GLOBEX' (also on row 2 as 'Globex')",
        f"{twice}:5:account: duplicate account 'initech' (also on row 4 as 'Initech')",
    ]


def _workbook(path: Path, sheets: dict[str, list[list[object]]], hidden: dict[str, str], active: int) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
        sheet.sheet_state = hidden.get(title, "visible")
    workbook.active = active
    workbook.save(path)
    return path


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_a_hidden_first_sheet_is_not_read(cli, tmp_path, db_path, state):
    path = _workbook(
        tmp_path / "two.xlsx",
        {"Old": [["account", "quality"], ["Ghost", 1]], "Accounts": [["account", "quality"], ["Alpha", 7]]},
        {"Old": state},
        active=1,
    )
    result = do_import(cli, path)
    assert result.code == 0, result.output
    assert scores_in(db_path) == {"Alpha": {"quality": 7.0}}


def test_a_hidden_sheet_is_read_when_named(cli, tmp_path, db_path):
    path = _workbook(
        tmp_path / "two.xlsx",
        {"Old": [["account", "quality"], ["Ghost", 1]], "Accounts": [["account", "quality"], ["Alpha", 7]]},
        {"Old": "hidden"},
        active=1,
    )
    assert do_import(cli, path, "--sheet", "Old").code == 0
    assert scores_in(db_path) == {"Ghost": {"quality": 1.0}}


def _edit_sheet(path: Path, change) -> Path:
    """``path`` with its first worksheet's XML passed through ``change`` (as another program writes it)."""
    import zipfile

    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    name = "xl/worksheets/sheet1.xml"
    parts[name] = change(parts[name].decode()).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for part, data in parts.items():
            target.writestr(part, data)
    return path


def test_formula_cells_give_their_saved_values(cli, tmp_path, db_path):
    """As a spreadsheet program saves them after calculating: a number, a text result (t="str") and an
    empty text result, which is a blank cell."""
    path = write_xlsx(
        tmp_path / "calc.xlsx",
        {
            "Accounts": [
                ["account", "quality", "owner"],
                ["Alpha", "=3+4", '="Ann"'],
                ["Bravo", "=1+1", '=""'],
            ]
        },
    )

    def calculated(xml: str) -> str:
        for ref, kind, saved in [
            ("B2", "", "7"),
            ("C2", ' t="str"', "Ann"),
            ("B3", "", "2"),
            ("C3", ' t="str"', ""),
        ]:
            head, _, rest = xml.partition(f'<c r="{ref}"')
            formula, _, tail = rest.partition("<v />")
            xml = f'{head}<c r="{ref}"{kind}{formula}<v>{saved}</v>{tail}'
        return xml

    _edit_sheet(path, calculated)
    result = do_import(cli, path)
    assert result.code == 0, result.output
    assert scores_in(db_path) == {"Alpha": {"quality": 7.0}, "Bravo": {"quality": 2.0}}
    assert accounts_in(db_path) == {"Alpha": ("Ann", None, None, None), "Bravo": (None, None, None, None)}


def test_a_formula_without_a_saved_value_is_refused_by_its_cell(cli, tmp_path, db_path, populated):
    path = write_xlsx(
        tmp_path / "raw.xlsx", {"Accounts": [["account", "quality"], ["Alpha", 5], ["Bravo", "=2*3"]]}
    )
    result = do_import(cli, path)
    assert result.code == 1
    assert result.stderr.splitlines()[1:] == [
        f"{path}:Accounts!B3: holds a formula with no saved value; open the file in Excel or LibreOffice, "
        "save it, and import again"
    ]
    assert table_contents(db_path) == populated


def test_a_large_part_that_is_not_read_does_not_refuse_the_workbook(cli, tmp_path, db_path):
    """A pivot cache of 12 MB (beyond the 10 MB that a part openpyxl parses whole may have) is never
    opened: only the parts read are held to the part limit."""
    import random
    import zipfile

    path = write_xlsx(tmp_path / "pivot.xlsx", {"Accounts": [["account", "quality"], ["Alpha", 6]]})
    rng = random.Random(5)
    records = "".join(f'<r><n v="{rng.getrandbits(48)}"/></r>' for _ in range(450_000))
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as book:
        book.writestr(
            "xl/pivotCache/pivotCacheRecords1.xml", f"<pivotCacheRecords>{records}</pivotCacheRecords>"
        )
        assert book.getinfo("xl/pivotCache/pivotCacheRecords1.xml").file_size > 10_000_000
    result = do_import(cli, path)
    assert result.code == 0, result.output
    assert scores_in(db_path) == {"Alpha": {"quality": 6.0}}


# ----------------------------------------------------------------------------- the Accounts screen (Pilot)


@pytest.fixture
def demo_db(tmp_path) -> Path:
    from kamtui.service.database import open_database
    from kamtui.service.demo import load_demo

    path = tmp_path / "demo.db"
    with open_database(path) as db:
        load_demo(db)
    return path


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def accounts_screen(pilot):
    from kamtui.tui.screens.accounts import AccountsScreen

    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AccountsScreen)
    return screen


def stored(db: Path, account: str, criterion: str) -> float | None:
    return scores_in(db).get(account, {}).get(criterion)


async def edit_cell(pilot, screen, account: str, column: str):
    table = screen.query_one("#accounts")
    keys = [c.key.value for c in table.columns.values()]
    table.move_cursor(row=table.get_row_index(account), column=keys.index(column))
    await pilot.press("enter")
    await settle(pilot)
    return pilot.app.screen


async def test_an_edit_that_would_clear_a_value_asks_first(demo_db, cli):
    """"BSpace 7 Enter" with the 7 lost in a burst of keys: the dialog asks before clearing the cell."""
    from kamtui.tui.app import make_app
    from kamtui.tui.screens.confirm import ConfirmModal
    from kamtui.tui.screens.selection_dialogs import ValueModal

    account = "Aldermoor Foods"
    before = stored(demo_db, account, "strategic_fit")
    assert before == 5.0
    assert cli("accounts", "set", account, "addressable_spend", "4955123.45", db=demo_db).code == 0
    app = make_app(demo_db, db_label=demo_db.name)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await accounts_screen(pilot)
        dialog = await edit_cell(pilot, screen, account, "strategic_fit")
        assert isinstance(dialog, ValueModal) and dialog.query_one("#value-input").value == "5"
        await pilot.press("backspace", "enter")  # the 7 never arrived
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        assert "Clear the strategic fit of Aldermoor Foods (5)?" in str(app.screen.query_one("#confirm-message").render())
        await pilot.press("enter")  # Enter is Cancel: a stray key never confirms
        await settle(pilot)
        assert app.screen is dialog and stored(demo_db, account, "strategic_fit") == 5.0
        await pilot.press("7", "enter")
        await settle(pilot)
        assert app.screen is screen and stored(demo_db, account, "strategic_fit") == 7.0
        dialog = await edit_cell(pilot, screen, account, "strategic_fit")
        await pilot.press("backspace", "enter", "y")  # asked, and confirmed
        await settle(pilot)
        assert app.screen is screen and stored(demo_db, account, "strategic_fit") is None
        assert str(screen.query_one("#accounts").get_cell(account, "strategic_fit")).strip() == "missing"
        dialog = await edit_cell(pilot, screen, account, "addressable_spend")
        shown = dialog.query_one("#value-input").value
        assert shown == "4955123.45"  # full precision, not 4.95512e+06
        await pilot.press("enter")  # Enter without an edit keeps the value exactly
        await settle(pilot)
        assert stored(demo_db, account, "addressable_spend") == 4955123.45


async def test_a_refused_rename_keeps_the_dialog_open_with_the_typed_name(demo_db):
    from kamtui.tui.app import make_app
    from kamtui.tui.screens.selection_dialogs import ValueModal

    app = make_app(demo_db, db_label=demo_db.name)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await accounts_screen(pilot)
        dialog = await edit_cell(pilot, screen, "Aldermoor Foods", "account")
        assert isinstance(dialog, ValueModal)
        field = dialog.query_one("#value-input")
        field.value = "castellan RAIL"  # another account's name, in other case
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and field.value == "castellan RAIL"
        error = str(dialog.query_one("#value-error").render())
        assert "an account named 'castellan RAIL' already exists ('Castellan Rail'" in error
        field.value = "Aldermoor Foods Ltd"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
    assert "Aldermoor Foods Ltd" in accounts_in(demo_db) and "Aldermoor Foods" not in accounts_in(demo_db)


async def test_the_name_stays_in_view_and_attributes_are_columns(demo_db, tmp_path, cli):
    from kamtui.tui.app import make_app

    extra = write_csv(tmp_path / "extra.csv", ["account,Region", "Aldermoor Foods,EMEA", "Castellan Rail,APAC"])
    assert cli("accounts", "import", extra, "--extra", "keep", db=demo_db).code == 0
    app = make_app(demo_db, db_label=demo_db.name)
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await accounts_screen(pilot)
        table = screen.query_one("#accounts")
        assert table.fixed_columns == 1
        keys = [c.key.value for c in table.columns.values()]
        assert keys[-1] == "attribute:Region"
        assert str(table.get_cell("Castellan Rail", "attribute:Region")) == "APAC"
        table.move_cursor(row=table.get_row_index("Castellan Rail"), column=len(keys) - 1)
        await pilot.press("enter")  # attributes come from files: no editor
        await settle(pilot)
        assert app.screen is screen
        assert any("import the file again" in n.message for n in app._notifications)
        table.scroll_to(x=table.virtual_size.width, animate=False, immediate=True)
        await pilot.pause()
        assert "Castellan Rail" in "".join(s.text for s in table.render_line(table.get_row_index("Castellan Rail") + 1))


async def test_the_ranking_filters_by_an_attribute(demo_db, tmp_path, cli):
    from kamtui.tui.app import make_app
    from kamtui.tui.screens.selection import SelectionScreen
    from kamtui.tui.widgets.ranking_table import RankingTable

    extra = write_csv(
        tmp_path / "extra.csv",
        ["account,Region", "Aldermoor Foods,EMEA", "Castellan Rail,APAC", "Marlowe Chemicals,emea"],
    )
    assert cli("accounts", "import", extra, "--extra", "keep", db=demo_db).code == 0
    app = make_app(demo_db, db_label=demo_db.name)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("k")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SelectionScreen)
        table = screen.query_one(RankingTable)
        assert len(table.visible_names()) == 30
        ranks = {row.account: row.rank for row in table.view.rows}
        table.focus()
        await pilot.press("slash")
        await settle(pilot)
        app.screen.query_one("#value-input").value = "region=EMEA"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert sorted(table.visible_names()) == ["Aldermoor Foods", "Marlowe Chemicals"]
        assert {row.account: row.rank for row in table.view.rows} == {
            n: ranks[n] for n in ("Aldermoor Foods", "Marlowe Chemicals")
        }  # ranked among all accounts
        assert "Region = EMEA: 2 shown" in str(screen.query_one("#ranking-status").render())
        await pilot.press("slash")
        await settle(pilot)
        app.screen.query_one("#value-input").value = "Colour=red"
        await pilot.press("enter")
        await settle(pilot)
        assert "no attribute named 'Colour' (attributes: Region)" in str(app.screen.query_one("#value-error").render())
        app.screen.query_one("#value-input").value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert len(table.visible_names()) == 30
