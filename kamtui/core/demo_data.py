"""A demo KAM programme: two assessments of the same programme, answered by a small workshop.

Answers are generated from a fixed seed so the demo reads the same everywhere: each element has a
"true" maturity, each role sees it through its own lens (leaders rate higher than the people doing
the work), and each person and statement adds a little noise.
"""

from __future__ import annotations

import random

from kamtui.core.assessments import AnswerRow
from kamtui.core.survey import Survey

PROGRAMME = "Northwind Industrial KAM programme"
EARLIER_TITLE = "Baseline healthcheck (last year)"
CURRENT_TITLE = "Annual healthcheck"

# element id -> maturity the demo programme has reached (current assessment)
MATURITY = {
    "programme-change": 3.3,
    "measuring-rewarding": 2.2,
    "customer-centric-culture": 2.9,
    "account-knowledge": 2.5,
    "kam-process": 3.6,
    "account-selection": 1.9,
    "structure-organisation": 3.0,
    "kam-development": 2.7,
    "account-teams": 3.1,
    "customer-insight": 2.4,
    "selling-value": 2.0,
    "account-plans": 3.4,
}
ROLE_BIAS = {"Leadership": 0.7, "KAM": 0.0, "Sales ops": -0.4}
CURRENT_PEOPLE = [
    ("Amara Okafor", "Leadership"),
    ("Jonas Weber", "Leadership"),
    ("Priya Raman", "KAM"),
    ("Tom Fischer", "KAM"),
    ("Lucia Moreno", "Sales ops"),
    ("Kenji Sato", "Sales ops"),
]
EARLIER_PEOPLE = [
    ("Amara Okafor", "Leadership"),
    ("Priya Raman", "KAM"),
    ("Tom Fischer", "KAM"),
    ("Lucia Moreno", "Sales ops"),
]
COMMENTS = [
    "We do this for the top five accounts only.",
    "Depends heavily on which KAM you ask.",
    "Written down last year, not yet used by everyone.",
    "The CRM fields exist but are rarely filled in.",
]


def demo_answers(survey: Survey, people: list[tuple[str, str]], shift: float, seed: int) -> list[AnswerRow]:
    rng = random.Random(seed)
    rows = []
    for name, role in people:
        personal = rng.gauss(0.0, 0.3)
        for element in survey.elements:
            base = MATURITY.get(element.id, 2.8) + shift + ROLE_BIAS.get(role, 0.0) + personal
            for indicator in element.indicators:
                draw = rng.random()
                comment = rng.choice(COMMENTS) if rng.random() < 0.03 else None
                if draw < 0.03:
                    rows.append(AnswerRow(name, role, indicator.id, None, "unknown", comment))
                elif draw < 0.05:
                    rows.append(AnswerRow(name, role, indicator.id, None, "na", comment))
                else:
                    value = min(5, max(1, round(base + rng.gauss(0.0, 0.7))))
                    rows.append(AnswerRow(name, role, indicator.id, value, "rated", comment))
    return rows


DEMO_ACCOUNTS = [
    "Aldermoor Foods",
    "Brightwater Utilities",
    "Castellan Rail",
    "Deltaforge Metals",
    "Eastgate Pharma",
    "Fenwick Logistics",
    "Greyhaven Telecom",
    "Harrow & Lane Retail",
    "Ironbridge Construction",
    "Juniper Health Group",
    "Kestrel Aerospace",
    "Lowfield Agritech",
    "Marlowe Chemicals",
    "Northpoint Energy",
    "Oakridge Paper",
    "Pemberton Automotive",
    "Quayside Shipping",
    "Redfern Hospitals",
    "Silverline Banking",
    "Thornbury Cement",
    "Upland Water",
    "Vantage Data Centres",
    "Westmere Glass",
    "Yarrow Textiles",
    "Zenith Packaging",
    "Ashcombe Brewing",
    "Blackmoor Mining",
    "Coldharbour Cold Chain",
    "Dunmore Defence Systems",
    "Elmstead Electronics",
]
DEMO_OWNERS = ["Priya Raman", "Tom Fischer", "Nadia Haddad", "Oskar Lind"]
DEMO_SEGMENTS = ["Manufacturing", "Healthcare", "Energy & Utilities", "Transport", "Food & Retail"]


# Criteria of kam-default (version 2) that do not follow how attractive the account really is: most
# customers are sound payers whatever their potential (low risk, now and then a weak one).
INDEPENDENT = {"credit_risk"}


def demo_account_rows(criteria, seed: int = 7) -> list[dict[str, object]]:
    """Thirty candidate accounts with plausible, correlated values for the criteria set (a few gaps).

    Attractiveness criteria follow one hidden "potential" per account, strength criteria one hidden
    "closeness", each with noise; a share of wallet (a number on a 0-100 scale) follows closeness.
    """
    rng = random.Random(seed)
    rows = []
    for index, name in enumerate(DEMO_ACCOUNTS):
        potential = rng.random()  # how attractive the account really is
        closeness = rng.random()  # how strong we already are there
        values: dict[str, float | None] = {}
        for criterion in criteria.criteria:
            driver = potential if criterion.group == "attractiveness" else closeness
            if criterion.id in INDEPENDENT:
                driver = 1.0 - rng.betavariate(2.0, 5.0)  # mostly low risk
            if criterion.is_cost:
                driver = 1.0 - driver
            if criterion.kind == "rating":
                lo, hi = criterion.scale
                raw = lo + (hi - lo) * min(1.0, max(0.0, driver + rng.gauss(0, 0.18)))
                value = float(round(raw))
            elif criterion.unit == "%":
                value = round(min(95.0, max(2.0, 100 * driver * rng.uniform(0.4, 0.9))), 1)
            else:
                value = float(round(10 ** (5.5 + 2.2 * driver + rng.gauss(0, 0.2)), -3))
            values[criterion.id] = None if rng.random() < 0.04 else value
        if index == len(DEMO_ACCOUNTS) - 1:  # one new prospect that has barely been scored
            values = {cid: (v if i < 3 else None) for i, (cid, v) in enumerate(values.items())}
        rows.append(
            {
                "name": name,
                "owner": DEMO_OWNERS[index % len(DEMO_OWNERS)],
                "effort": round(rng.choice([0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.8]), 2),
                "segment": DEMO_SEGMENTS[rng.randrange(len(DEMO_SEGMENTS))],
                "ref": f"CRM-{1000 + index * 7}",
                "values": values,
            }
        )
    return rows
