"""Regenerate the corpus files of manifest-inputs.toml: ``python tests/data/bad/make_inputs.py``.

Issue 11's input classes: numbers that are ambiguous or not numbers, names that differ only by case, Unicode
normalisation, spacing or an invisible character, more than 50 problems, workbooks whose formulas have no
saved value, whose sheets are hidden or whose declared size, cells or compression go beyond the limits, and
surveys and criteria sets beyond theirs. Each file is small; the resource bombs that need big files are
made at test time (tests/reliability/bombs.py). Workbooks are written with openpyxl and, where a
spreadsheet program would write what openpyxl cannot, their XML parts edited afterwards.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from pathlib import Path

from make_xlsx import GOOD_ACCOUNTS, edited, workbook

HERE = Path(__file__).resolve().parent
ACCOUNTS = HERE / "accounts"
ANSWERS = HERE / "answers"
SURVEY = HERE / "survey"
CRITERIA = HERE / "criteria"
SHEET1 = "xl/worksheets/sheet1.xml"
WORKBOOK = "xl/workbook.xml"
NFD = unicodedata.normalize("NFD", "Müller")
ZWSP, ZWJ, RLO, SHY = "\u200b", "\u200d", "\u202e", "\u00ad"


def text(path: Path, content: str) -> None:
    path.write_text(content, encoding="utf-8", newline="")


def csv_files() -> None:
    text(
        ACCOUNTS / "ambiguous-dot-thousands.csv",
        "account,revenue,fit\nAcme,4.200,5\nGlobex,-10.500,6\nInitech,0.125,7\n",
    )
    text(ACCOUNTS / "underscore-number.csv", "account,effort,revenue\nAcme,0_5,1_000\n")
    text(ACCOUNTS / "ambiguous-effort.csv", "account,effort\nAcme,1.500\n")
    text(ACCOUNTS / "underscore-under-decimal-comma.csv", "account;revenue\nAcme;1_000,5\n")
    text(ACCOUNTS / "decimal-point-under-decimal-comma.csv", "account;share\nAcme;0.5\n")
    text(ACCOUNTS / "duplicate-account-case.csv", "account,fit\nAcme,5\nACME,6\n")
    text(ACCOUNTS / "duplicate-account-nfd.csv", f"account,fit\nMüller,5\n{NFD},6\n")
    text(ACCOUNTS / "duplicate-account-spaces.csv", "account,fit\nAcme Corp,5\nAcme   corp,6\n")
    text(ACCOUNTS / "zero-width-account.csv", f"account,fit\nAcme,5\nAc{ZWSP}me,6\n")
    text(ACCOUNTS / "bidi-override-owner.csv", f"account,owner\nAcme,{RLO}nnA\n")
    text(ACCOUNTS / "invisible-header.csv", f"account,fit{ZWJ}\nAcme,5\n")
    text(ACCOUNTS / "header-case-twice.csv", "account,Fit,FIT\nAcme,5,6\n")
    text(ACCOUNTS / "account-header-twice.csv", "Account,ACCOUNT\nAcme,Globex\n")
    text(ACCOUNTS / "sixty-bad-ratings.csv", "account,fit\n" + "".join(f"A{i},x\n" for i in range(60)))
    text(ACCOUNTS / "too-many-columns.csv", "account," + ",".join(f"c{i}" for i in range(1000)) + "\nAcme\n")
    text(ACCOUNTS / "sheet-named-for-csv.csv", "account\nAcme\n")
    text(ANSWERS / "duplicate-answer-case.csv", "respondent,indicator,value\nAnn,A-1,3\nANN,A-1,4\n")
    zoe_nfc, zoe_nfd = "Zoë", unicodedata.normalize("NFD", "Zoë")
    text(
        ANSWERS / "role-conflict-nfd.csv",
        f"respondent,role,indicator,value\n{zoe_nfc},KAM,A-1,3\n{zoe_nfd},Sales ops,A-2,4\n",
    )
    text(ANSWERS / "zero-width-respondent.csv", f"respondent,indicator,value\nAnn{ZWSP},A-1,3\n")
    text(ANSWERS / "invisible-role.csv", f"respondent,role,indicator,value\nAnn,K{SHY}AM,A-1,3\n")
    text(ANSWERS / "header-case-twice.csv", "respondent,indicator,value,VALUE\nAnn,A-1,3,4\n")
    text(ANSWERS / "invisible-header.csv", f"respondent,indicator,{ZWSP}value\nAnn,A-1,3\n")


def xml_sheet(source: Path, target: Path, change) -> None:
    edited(source, target, {SHEET1: change})


def xlsx_files(tmp: Path) -> None:
    accounts = workbook(tmp / "accounts.xlsx", {"Accounts": GOOD_ACCOUNTS})
    # Formulas: openpyxl writes <f>..</f><v/>, as a program that never calculated the workbook does.
    workbook(
        ACCOUNTS / "formula-no-value.xlsx",
        {"Accounts": [["account", "fit"], ["Acme", "=2+3"], ["Globex", 4]]},
    )
    workbook(
        ANSWERS / "formula-no-value.xlsx",
        {"Answers": [["respondent", "indicator", "value"], ["Ann", "A-1", "=1+2"]]},
    )
    hidden = workbook(
        tmp / "hidden.xlsx",
        {"Old": [["name", "score"], ["x", 1]], "Accounts": [["account", "fit"], ["Acme", 42]]},
    )
    edited(
        hidden,
        ACCOUNTS / "hidden-first-sheet.xlsx",
        {
            WORKBOOK: lambda s: s.replace(
                'name="Old" sheetId="1" state="visible"', 'name="Old" sheetId="1" state="hidden"'
            ).replace('activeTab="0"', 'activeTab="1"')
        },
    )
    veiled = workbook(
        tmp / "veiled.xlsx",
        {
            "Config": [["respondent"], ["nobody"]],
            "Answers": [["respondent", "indicator", "value"], ["Ann", "A-1", 9]],
        },
    )
    edited(
        veiled,
        ANSWERS / "very-hidden-first-sheet.xlsx",
        {
            WORKBOOK: lambda s: s.replace(
                'name="Config" sheetId="1" state="visible"', 'name="Config" sheetId="1" state="veryHidden"'
            ).replace('activeTab="0"', 'activeTab="0"')
        },
    )
    both = workbook(tmp / "both.xlsx", {"A": [["account"], ["Acme"]], "B": [["account"], ["Globex"]]})
    edited(
        both,
        ACCOUNTS / "all-sheets-hidden.xlsx",
        {WORKBOOK: lambda s: s.replace('state="visible"', 'state="hidden"')},
    )
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["account"])
    book.create_chartsheet("Chart")
    book.save(ACCOUNTS / "chart-sheet-named.xlsx")
    xml_sheet(
        accounts,
        ACCOUNTS / "far-cell-dimension.xlsx",
        lambda s: s.replace('<dimension ref="A1:D3" />', '<dimension ref="A1:XFD1048576" />').replace(
            "</sheetData>", '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
        ),
    )
    xml_sheet(
        accounts,
        ACCOUNTS / "far-cell-no-dimension.xlsx",
        lambda s: s.replace('<dimension ref="A1:D3" />', "").replace(
            "</sheetData>", '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row></sheetData>'
        ),
    )
    xml_sheet(
        accounts,
        ACCOUNTS / "far-column.xlsx",
        lambda s: s.replace('<dimension ref="A1:D3" />', "").replace(
            "</sheetData>",
            '<row r="4"><c r="A4" t="inlineStr"><is><t>Initech</t></is></c><c r="XFD4" t="n"><v>1</v></c></row></sheetData>',
        ),
    )
    xml_sheet(
        accounts,
        ACCOUNTS / "dimension-too-many-cells.xlsx",
        lambda s: s.replace('<dimension ref="A1:D3" />', '<dimension ref="A1:ALL10000" />'),
    )
    padded = "".join(
        f'<row r="{r}"><c r="A{r}" t="n"><v>1</v></c><c r="ALL{r}" t="n"><v>1</v></c></row>'
        for r in range(4, 5104)
    )
    xml_sheet(
        accounts,
        ACCOUNTS / "padded-cells.xlsx",
        lambda s: s.replace('<dimension ref="A1:D3" />', "").replace("</sheetData>", padded + "</sheetData>"),
    )
    xml_sheet(
        accounts,
        ACCOUNTS / "ratio-bomb.xlsx",
        lambda s: s.replace("</sheetData>", "<row/>" * 400_000 + "</sheetData>"),
    )
    xml_sheet(
        accounts,
        ACCOUNTS / "cell-too-long.xlsx",
        lambda s: s.replace("<t>Acme</t>", "<t>" + "A" * 200_000 + "</t>"),
    )
    xml_sheet(accounts, ACCOUNTS / "bad-cell-reference.xlsx", lambda s: s.replace('r="B2"', 'r="2B"'))
    xml_sheet(accounts, ACCOUNTS / "nan-number-cell.xlsx", lambda s: s.replace("<v>8</v>", "<v>nan</v>"))
    (ACCOUNTS / "password-protected.xlsx").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    workbook(
        ACCOUNTS / "zero-width-account.xlsx",
        {"Accounts": [["account", "fit"], ["Acme", 5], [f"Acme{ZWJ}", 6]]},
    )
    workbook(
        ACCOUNTS / "ambiguous-text-cell.xlsx",
        {"Accounts": [["account", "revenue"], ["Acme", "4.200"], ["Globex", 4.2]]},
    )
    workbook(
        ACCOUNTS / "duplicate-account-case.xlsx",
        {"Accounts": [["account", "fit"], ["Acme", 5], ["acme ", 6]]},
    )


def toml_files() -> None:
    survey_head = 'id = "big"\ntitle = "Too big"\nversion = 1\n'

    def element(index: int, indicators: int) -> str:
        lines = [
            f'[[elements]]\nid = "e{index}"\nname = "Element {index}"\npart = 1\n'
            'levels = ["1", "2", "3", "4", "5"]\nprescriptions = ["a", "b", "c", "d"]\n'
        ]
        lines += [
            f'[[elements.indicators]]\nid = "E{index}-{i}"\ntext = "Statement {i}"\n'
            for i in range(indicators)
        ]
        return "".join(lines)

    dotted = ".".join(f"k{i}" for i in range(25))
    text(SURVEY / "dotted-key-too-deep.toml", f"{survey_head}{dotted} = 1\n")
    text(CRITERIA / "dotted-key-too-deep.toml", f'id = "deep"\ntitle = "Deep"\n[{dotted}]\nx = 1\n')
    text(SURVEY / "nested-too-deep.toml", f"{survey_head}levels = {'[' * 25}1{']' * 25}\n")
    text(
        CRITERIA / "nested-too-deep.toml", f'id = "deep"\ntitle = "Deep"\nextra = {"{a = " * 25}1{"}" * 25}\n'
    )
    text(SURVEY / "too-many-elements.toml", survey_head + "".join(element(i, 1) for i in range(101)))
    text(SURVEY / "too-many-indicators-in-element.toml", survey_head + element(0, 101))
    text(SURVEY / "too-many-indicators.toml", survey_head + "".join(element(i, 100) for i in range(21)))
    text(SURVEY / "long-list.toml", survey_head + "tags = [" + ", ".join(["1"] * 10_001) + "]\n")
    criterion = 'id = "c{0}"\nname = "C {0}"\ngroup = "attractiveness"\nkind = "rating"\nweight = 1\n'
    text(
        CRITERIA / "too-many-criteria.toml",
        'id = "many"\ntitle = "Many"\n' + "".join("[[criteria]]\n" + criterion.format(i) for i in range(201)),
    )


def main() -> None:
    import tempfile

    csv_files()
    with tempfile.TemporaryDirectory() as tmp:
        xlsx_files(Path(tmp))
    toml_files()
    assert zipfile.is_zipfile(io.BytesIO((ACCOUNTS / "ratio-bomb.xlsx").read_bytes()))


if __name__ == "__main__":
    main()
