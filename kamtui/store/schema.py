"""The database schema, one migration per version. The tables are part of kamtui's interface.

Every column is documented in the README ("Database"). A migration is a list of SQL statements run in
one transaction; ``meta.schema_version`` records the last one applied.
"""

from __future__ import annotations

import re

APP_ID = "kamtui"

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE IF NOT EXISTS meta (
            key TEXT PRIMARY KEY,
            value TEXT
        )""",
        """CREATE TABLE assessments (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            programme TEXT,
            survey_id TEXT NOT NULL,
            survey_version INTEGER NOT NULL,
            survey_title TEXT NOT NULL,
            survey_json TEXT NOT NULL,
            created_at TEXT NOT NULL
        )""",
        """CREATE TABLE respondents (
            id INTEGER PRIMARY KEY,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            role TEXT,
            created_at TEXT NOT NULL,
            UNIQUE (assessment_id, name)
        )""",
        """CREATE TABLE answers (
            respondent_id INTEGER NOT NULL REFERENCES respondents(id) ON DELETE CASCADE,
            indicator TEXT NOT NULL,
            value INTEGER CHECK (value IS NULL OR value BETWEEN 1 AND 5),
            status TEXT CHECK (status IS NULL OR status IN ('rated', 'na', 'unknown')),
            comment TEXT,
            answered_at TEXT NOT NULL,
            PRIMARY KEY (respondent_id, indicator),
            CHECK ((status = 'rated') = (value IS NOT NULL))
        )""",
        "CREATE INDEX answers_by_indicator ON answers(indicator)",
        """CREATE TABLE accounts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            owner TEXT,
            effort REAL CHECK (effort IS NULL OR effort >= 0),
            segment TEXT,
            ref TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        """CREATE TABLE scores (
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            criterion TEXT NOT NULL,
            value REAL NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (account_id, criterion)
        )""",
        """CREATE TABLE weights (
            criteria_set TEXT NOT NULL,
            criterion TEXT NOT NULL,
            points REAL NOT NULL CHECK (points >= 0),
            source TEXT NOT NULL DEFAULT 'manual',
            updated_at TEXT NOT NULL,
            PRIMARY KEY (criteria_set, criterion)
        )""",
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            criteria_set TEXT NOT NULL,
            criteria_json TEXT NOT NULL,
            weights_json TEXT NOT NULL,
            params_json TEXT NOT NULL,
            binding_json TEXT NOT NULL,
            kamtui_version TEXT NOT NULL,
            note TEXT
        )""",
        """CREATE TABLE run_results (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            account TEXT NOT NULL,
            owner TEXT,
            segment TEXT,
            ref TEXT,
            rank INTEGER NOT NULL,
            overall REAL,
            attractiveness REAL,
            strength REAL,
            quadrant TEXT,
            coverage REAL NOT NULL,
            p_top_k REAL,
            rank_p5 INTEGER,
            rank_p95 INTEGER,
            effort REAL,
            selected INTEGER NOT NULL,
            values_json TEXT NOT NULL,
            normalised_json TEXT NOT NULL,
            PRIMARY KEY (run_id, position)
        )""",
    ),
    # Workshops (confidential assessments, participants who resume), pre-work forms, action plans,
    # account attributes from CRM exports, and who saved a run. Every column is documented in the README.
    2: (
        "ALTER TABLE assessments ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE assessments ADD COLUMN min_group INTEGER NOT NULL DEFAULT 3",
        "ALTER TABLE assessments ADD COLUMN results_open INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE respondents ADD COLUMN code TEXT",
        "ALTER TABLE respondents ADD COLUMN resume_hash TEXT",
        "CREATE UNIQUE INDEX respondents_by_code ON respondents(assessment_id, code) WHERE code IS NOT NULL",
        """CREATE TABLE forms (
            id TEXT PRIMARY KEY,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            respondent TEXT NOT NULL,
            role TEXT,
            email TEXT,
            file TEXT,
            created_at TEXT NOT NULL,
            collected_at TEXT
        )""",
        "CREATE INDEX forms_by_assessment ON forms(assessment_id)",
        """CREATE TABLE actions (
            id INTEGER PRIMARY KEY,
            assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
            element TEXT NOT NULL,
            text TEXT NOT NULL,
            owner TEXT,
            due TEXT,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'doing', 'done', 'dropped')),
            carried_from INTEGER REFERENCES actions(id) ON DELETE SET NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )""",
        "CREATE INDEX actions_by_assessment ON actions(assessment_id)",
        """CREATE TABLE account_attributes (
            account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
            name TEXT NOT NULL,
            value TEXT,
            PRIMARY KEY (account_id, name)
        )""",
        """CREATE TABLE column_maps (
            criteria_set TEXT NOT NULL,
            file_column TEXT NOT NULL,
            field TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            PRIMARY KEY (criteria_set, file_column)
        )""",
        "ALTER TABLE runs ADD COLUMN saved_by TEXT",
        "ALTER TABLE run_results ADD COLUMN attributes_json TEXT",
    ),
    # A derived copy of the value matrix so a big ranking opens fast (kamtui/store/matrix_cache.py):
    # deleted by every kamtui write to accounts or scores; safe to delete at any time.
    3: (
        """CREATE TABLE matrix_cache (
            criteria TEXT PRIMARY KEY,
            account_ids BLOB NOT NULL,
            matrix BLOB NOT NULL,
            score_rows INTEGER NOT NULL,
            last_score_rowid INTEGER NOT NULL,
            built_at TEXT NOT NULL
        )""",
    ),
}

SCHEMA_VERSION = max(MIGRATIONS)


def tables_of_version(version: int) -> list[str]:
    """The tables a kamtui database at ``version`` must have (those its migrations created)."""
    names = []
    for number in sorted(MIGRATIONS):
        if number > version:
            break
        for statement in MIGRATIONS[number]:
            match = re.match(r"\s*CREATE TABLE (?:IF NOT EXISTS )?(\w+)", statement)
            if match:
                names.append(match.group(1))
    return names
