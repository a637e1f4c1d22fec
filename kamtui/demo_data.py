"""A demo KAM programme: two assessments of the same programme, answered by a small workshop.

Answers are generated from a fixed seed so the demo reads the same everywhere: each element has a
"true" maturity, each role sees it through its own lens (leaders rate higher than the people doing
the work), and each person and statement adds a little noise.
"""

from __future__ import annotations

import random

from kamtui.core.survey import Survey
from kamtui.store.healthchecks import AnswerRow

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
