"""Writes the CRM export fixtures of tests/e2e/test_crm_import.py: 200 accounts as a sales-ops person
exports them from a CRM, not as kamtui names its columns.

* ``crm-accounts.csv``: comma-separated, UTF-8 with a byte-order mark, CRLF (Excel's "CSV UTF-8");
* ``crm-accounts.xlsx``: the same rows in a worksheet named "Accounts" (numbers as numbers);
* ``crm-accounts-de.csv``: the German export: semicolons, decimal commas and dots between thousands
  (``4.955.123,45``), UTF-8 with a byte-order mark.

Columns: Account ID, Account Name, Account Owner (kamtui reads these three by their CRM names), Industry,
Region, Last activity (extra columns: kept as attributes or ignored), KAM effort (FTE) (a CRM name),
Segment, Strategic fit, Growth outlook (a field and two criteria of kam-default by name), and three that
need a map: Annual spend in category (EUR) -> addressable_spend, Share of wallet (%) -> share_of_wallet,
Relative strength -> relative_strength. About one cell in twelve is blank.

Run ``python tests/data/crm/make_crm.py`` to write them again (the output is the same every time);
tests/e2e/test_crm_import.py checks that the committed files are what this script writes.
"""

from __future__ import annotations

import csv
import datetime
import io
import random
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROWS = 200
SEED = 20240518
HEADER = [
    "Account ID",
    "Account Name",
    "Account Owner",
    "Industry",
    "Region",
    "Last activity",
    "KAM effort (FTE)",
    "Segment",
    "Strategic fit",
    "Growth outlook",
    "Annual spend in category (EUR)",
    "Share of wallet (%)",
    "Relative strength",
]
NUMBERS = (
    "KAM effort (FTE)",
    "Strategic fit",
    "Growth outlook",
    "Annual spend in category (EUR)",
    "Share of wallet (%)",
    "Relative strength",
)
MAPS = {
    "Annual spend in category (EUR)": "addressable_spend",
    "Share of wallet (%)": "share_of_wallet",
    "Relative strength": "relative_strength",
}
PREFIXES = (
    "Nord",
    "Süd",
    "Alpen",
    "Rhein",
    "Baltic",
    "Atlantic",
    "Iberia",
    "Danube",
    "Harbour",
    "Summit",
    "Crescent",
    "Meridian",
    "Kestrel",
    "Osprey",
    "Falcon",
    "Granite",
    "Silver",
    "Amber",
    "Cobalt",
    "Juniper",
    "Müller",
    "Østergaard",
    "Łódź",
    "Château",
    "Kraków",
)
KINDS = (
    "Chemicals",
    "Logistics",
    "Foods",
    "Pharma",
    "Energy",
    "Retail",
    "Bank",
    "Telecom",
    "Glass",
    "Packaging",
    "Robotics",
    "Textiles",
    "Cement",
    "Water",
    "Health",
)
FORMS = ("GmbH", "AG", "Ltd", "plc", "S.A.", "B.V.", "SE", "Group", "Holding", "& Co. KG")
OWNERS = ("Priya Raman", "Tom Fischer", "Nadia Haddad", "Oskar Lind", "Jörg Weiß", "Chloé Martin")
INDUSTRIES = ("Manufacturing", "Healthcare", "Energy & Utilities", "Transport", "Food & Retail", "Finance")
REGIONS = ("EMEA", "DACH", "Nordics", "APAC", "Americas")
SEGMENTS = ("Tier 1", "Tier 2", "Tier 3")


def rows() -> list[dict[str, object]]:
    """The 200 accounts: text as text, numbers as int or float, None for a blank cell."""
    rng = random.Random(SEED)
    names: set[str] = set()
    out = []
    for index in range(ROWS):
        while True:
            name = f"{rng.choice(PREFIXES)} {rng.choice(KINDS)} {rng.choice(FORMS)}"
            if name.casefold() not in names:
                names.add(name.casefold())
                break

        def maybe(value: object) -> object:
            return None if rng.random() < 1 / 12 else value

        out.append(
            {
                "Account ID": f"001Dn{index:05d}{rng.choice('ABCDEFGH')}",
                "Account Name": name,
                "Account Owner": maybe(rng.choice(OWNERS)),
                "Industry": maybe(rng.choice(INDUSTRIES)),
                "Region": maybe(rng.choice(REGIONS)),
                "Last activity": maybe(f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"),
                "KAM effort (FTE)": maybe(rng.choice((0.1, 0.2, 0.25, 0.3, 0.5, 0.75, 1.0))),
                "Segment": maybe(rng.choice(SEGMENTS)),
                "Strategic fit": maybe(rng.randint(1, 10)),
                "Growth outlook": maybe(rng.randint(1, 10)),
                "Annual spend in category (EUR)": maybe(round(rng.uniform(50_000, 25_000_000), 2)),
                "Share of wallet (%)": maybe(round(rng.uniform(0, 100), 1)),
                "Relative strength": maybe(rng.randint(1, 10)),
            }
        )
    return out


def english(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def german(value: object) -> str:
    """1.234,56 with dots between thousands and a decimal comma."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        whole, _, decimals = f"{float(value):,.2f}".partition(".")
        decimals = decimals.rstrip("0")
        return whole.replace(",", ".") + ("," + decimals if decimals else "")
    return str(value)


def csv_text(delimiter: str, number: Callable[[object], str]) -> str:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(HEADER)
    for row in rows():
        writer.writerow([number(row[c]) if c in NUMBERS else english(row[c]) for c in HEADER])
    return buffer.getvalue()


def write(folder: Path = HERE) -> list[Path]:
    from openpyxl import Workbook

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, delimiter, number in (("crm-accounts.csv", ",", english), ("crm-accounts-de.csv", ";", german)):
        path = folder / name
        path.write_bytes(b"\xef\xbb\xbf" + csv_text(delimiter, number).encode("utf-8"))
        written.append(path)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Accounts"
    sheet.append(HEADER)
    for row in rows():
        sheet.append([row[c] for c in HEADER])
    stamp = datetime.datetime(2024, 5, 18, 9, 0)
    workbook.properties.created = workbook.properties.modified = stamp
    path = folder / "crm-accounts.xlsx"
    workbook.save(path)
    written.append(path)
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
