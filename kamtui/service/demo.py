"""The demo programme (``kamtui demo``): two assessments of one programme and a set of candidate accounts.

Idempotent: an assessment of the demo programme that exists already is kept, and accounts are added only
to a database that has none.
"""

from __future__ import annotations

from kamtui.service.database import Database

DEMO_SURVEY = "kam-healthcheck"
DEMO_CRITERIA = "kam-default"


def load_demo(db: Database) -> tuple[int, int]:
    """Create the demo assessments unless they exist; return (earlier id, current id)."""
    from kamtui.core.demo_data import (
        CURRENT_PEOPLE,
        CURRENT_TITLE,
        EARLIER_PEOPLE,
        EARLIER_TITLE,
        PROGRAMME,
        demo_answers,
    )
    from kamtui.core.survey import load_survey
    from kamtui.store import healthchecks as store

    existing = {
        s.title: s.id for s in store.list_assessments(db) if s.programme == PROGRAMME
    }
    survey = load_survey(DEMO_SURVEY)
    ids = []
    for title, people, shift, seed in (
        (EARLIER_TITLE, EARLIER_PEOPLE, -0.6, 1),
        (CURRENT_TITLE, CURRENT_PEOPLE, 0.0, 2),
    ):
        if title in existing:
            ids.append(existing[title])
            continue
        assessment_id = store.create_assessment(db, title, survey, PROGRAMME)
        store.import_answers(db, assessment_id, demo_answers(survey, people, shift, seed))
        ids.append(assessment_id)
    load_demo_accounts(db)
    return ids[0], ids[1]


def load_demo_accounts(db: Database) -> None:
    """The demo's candidate accounts, added only to a database that has no accounts yet."""
    from kamtui.core.accounts import AccountUpdate
    from kamtui.core.criteria_file import load_criteria
    from kamtui.core.demo_data import demo_account_rows
    from kamtui.store import accounts as store

    if store.count_accounts(db):
        return
    rows = demo_account_rows(load_criteria(DEMO_CRITERIA))
    store.apply_updates(
        db,
        [
            AccountUpdate(
                name=row["name"],
                fields={k: row[k] for k in ("owner", "effort", "segment", "ref")},
                values=row["values"],
            )
            for row in rows
        ],
    )
