"""Assessments, respondents and answers. Each answer is committed the moment it is given."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass

from kamtui.core.errors import InvalidValueError, NotFoundError
from kamtui.core.healthcheck import RATED, Answer
from kamtui.core.survey import Survey, survey_from_dict
from kamtui.store.db import Store, now


@dataclass(frozen=True)
class Assessment:
    id: int
    title: str
    programme: str | None
    survey: Survey
    created_at: str


@dataclass(frozen=True)
class AssessmentSummary:
    id: int
    title: str
    programme: str | None
    survey_id: str
    created_at: str
    respondents: int
    answered: int  # answers given (rated, na or unknown) by all respondents
    indicators: int

    @property
    def progress(self) -> float:
        """Share of the survey answered, respondents taken together (0 with no respondent)."""
        possible = self.respondents * self.indicators
        return self.answered / possible if possible else 0.0


@dataclass(frozen=True)
class AnswerRow:
    """One stored answer, as it is written to the ``answers`` table."""

    respondent: str
    role: str | None
    indicator: str
    value: int | None
    status: str | None  # None: not answered, only commented
    comment: str | None


def create_assessment(store: Store, title: str, survey: Survey, programme: str | None = None) -> int:
    title = title.strip()
    if not title:
        raise InvalidValueError("an assessment needs a title (--title)")
    with store.write() as conn:
        cursor = conn.execute(
            "INSERT INTO assessments (title, programme, survey_id, survey_version, survey_title, survey_json, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                title,
                (programme or "").strip() or None,
                survey.id,
                survey.version,
                survey.title,
                json.dumps(survey.to_dict(), ensure_ascii=False),
                now(),
            ),
        )
        return int(cursor.lastrowid)


def get_assessment(store: Store, assessment_id: int) -> Assessment:
    rows = store.query("SELECT * FROM assessments WHERE id = ?", (assessment_id,))
    if not rows:
        raise NotFoundError(f"no assessment with id {assessment_id} (see: kamtui healthcheck list)")
    row = rows[0]
    survey = survey_from_dict(json.loads(row["survey_json"]), f"assessment {assessment_id} survey")
    return Assessment(row["id"], row["title"], row["programme"], survey, row["created_at"])


def list_assessments(store: Store) -> list[AssessmentSummary]:
    rows = store.query(
        """SELECT a.id, a.title, a.programme, a.survey_id, a.created_at, a.survey_json,
                  (SELECT count(*) FROM respondents r WHERE r.assessment_id = a.id
                     AND EXISTS (SELECT 1 FROM answers x WHERE x.respondent_id = r.id AND x.status IS NOT NULL))
                     AS respondents,
                  (SELECT count(*) FROM answers x JOIN respondents r ON r.id = x.respondent_id
                     WHERE r.assessment_id = a.id AND x.status IS NOT NULL) AS answered
           FROM assessments a ORDER BY a.created_at, a.id"""
    )
    summaries = []
    for row in rows:
        survey = json.loads(row["survey_json"])
        count = sum(len(e["indicators"]) for e in survey["elements"])
        summaries.append(
            AssessmentSummary(
                id=row["id"],
                title=row["title"],
                programme=row["programme"],
                survey_id=row["survey_id"],
                created_at=row["created_at"],
                respondents=row["respondents"],
                answered=row["answered"],
                indicators=count,
            )
        )
    return summaries


def delete_assessment(store: Store, assessment_id: int) -> None:
    get_assessment(store, assessment_id)
    with store.write() as conn:
        conn.execute("DELETE FROM assessments WHERE id = ?", (assessment_id,))


def ensure_respondent(store: Store, assessment_id: int, name: str, role: str | None = None) -> int:
    """The respondent's id, creating them (or updating their role when one is given)."""
    name = name.strip()
    if not name:
        raise InvalidValueError("a respondent needs a name (--respondent)")
    role = (role or "").strip() or None
    with store.write() as conn:
        return _ensure_respondent(conn, assessment_id, name, role)


def _ensure_respondent(conn, assessment_id: int, name: str, role: str | None) -> int:
    row = conn.execute(
        "SELECT id, role FROM respondents WHERE assessment_id = ? AND name = ?", (assessment_id, name)
    ).fetchone()
    if row is None:
        cursor = conn.execute(
            "INSERT INTO respondents (assessment_id, name, role, created_at) VALUES (?, ?, ?, ?)",
            (assessment_id, name, role, now()),
        )
        return int(cursor.lastrowid)
    if role is not None and row[1] != role:
        conn.execute("UPDATE respondents SET role = ? WHERE id = ?", (role, row[0]))
    return int(row[0])


_UPSERT_ANSWER = """INSERT INTO answers (respondent_id, indicator, value, status, comment, answered_at)
    VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (respondent_id, indicator) DO UPDATE SET
        value = excluded.value, status = excluded.status,
        comment = coalesce(excluded.comment, answers.comment), answered_at = excluded.answered_at"""


_UPSERT_COMMENT = """INSERT INTO answers (respondent_id, indicator, value, status, comment, answered_at)
    VALUES (?, ?, NULL, NULL, ?, ?)
    ON CONFLICT (respondent_id, indicator) DO UPDATE SET comment = excluded.comment"""


def save_answer(
    store: Store,
    respondent_id: int,
    indicator: str,
    value: int | None,
    status: str,
    comment: str | None = None,
) -> None:
    """Write one answer in its own transaction (a comment given as None keeps the stored one)."""
    if status == RATED and (value is None or not 1 <= value <= 5):
        raise InvalidValueError(f"an answer is a level from 1 to 5, got {value!r}")
    with store.write() as conn:
        conn.execute(
            _UPSERT_ANSWER,
            (respondent_id, indicator, value if status == RATED else None, status, comment, now()),
        )


def save_comment(store: Store, respondent_id: int, indicator: str, comment: str) -> None:
    """Set the comment on an answer, keeping its value (or creating a comment-only row)."""
    with store.write() as conn:
        conn.execute(_UPSERT_COMMENT, (respondent_id, indicator, comment.strip() or None, now()))


def load_answers(store: Store, assessment_id: int) -> list[AnswerRow]:
    rows = store.conn.execute(
        """SELECT r.name, r.role, x.indicator, x.value, x.status, x.comment
           FROM answers x JOIN respondents r ON r.id = x.respondent_id
           WHERE r.assessment_id = ? ORDER BY r.name, x.indicator""",
        (assessment_id,),
    ).fetchall()
    return [AnswerRow(*row) for row in rows]


def scoring_answers(rows: Iterable[AnswerRow]) -> list[Answer]:
    """The stored answers the scoring counts (comment-only rows are not answers)."""
    return [
        Answer(respondent=r.respondent, indicator=r.indicator, value=r.value, status=r.status, role=r.role)
        for r in rows
        if r.status is not None
    ]


def respondent_answers(store: Store, respondent_id: int) -> dict[str, AnswerRow]:
    rows = store.conn.execute(
        """SELECT r.name, r.role, x.indicator, x.value, x.status, x.comment
           FROM answers x JOIN respondents r ON r.id = x.respondent_id WHERE r.id = ?""",
        (respondent_id,),
    ).fetchall()
    return {row[2]: AnswerRow(*row) for row in rows}


def list_respondents(store: Store, assessment_id: int) -> list[dict]:
    return store.query(
        """SELECT r.id, r.name, r.role,
                  (SELECT count(*) FROM answers x WHERE x.respondent_id = r.id AND x.status IS NOT NULL) AS answered
           FROM respondents r WHERE r.assessment_id = ? ORDER BY r.name""",
        (assessment_id,),
    )


def import_answers(store: Store, assessment_id: int, rows: list[AnswerRow]) -> int:
    """Write validated rows in one transaction: all of them, or none. Returns the rows written."""
    with store.write() as conn:
        ids: dict[str, int] = {}
        for row in rows:
            if row.respondent not in ids:
                ids[row.respondent] = _ensure_respondent(conn, assessment_id, row.respondent, row.role)
        stamp = now()
        conn.executemany(
            _UPSERT_ANSWER,
            [(ids[r.respondent], r.indicator, r.value, r.status, r.comment, stamp) for r in rows if r.status],
        )
        conn.executemany(
            _UPSERT_COMMENT,
            [(ids[r.respondent], r.indicator, r.comment, stamp) for r in rows if not r.status and r.comment],
        )
    return len(rows)


def last_assessment_of_programme(store: Store, programme: str | None, before_id: int) -> int | None:
    """The latest assessment of the same programme created before ``before_id`` (for the trend)."""
    row = store.conn.execute(
        "SELECT id FROM assessments WHERE programme IS ? AND id < ? ORDER BY id DESC LIMIT 1",
        (programme, before_id),
    ).fetchone()
    return None if row is None else int(row[0])


def report_for(store: Store, assessment_id: int, *, target: int = 4, compare: int | None = None):
    """Score a stored assessment, with the trend against assessment ``compare`` when given."""
    from kamtui.core.healthcheck import score_assessment

    assessment = get_assessment(store, assessment_id)
    earlier = None
    if compare is not None:
        if compare == assessment_id:
            raise InvalidValueError("--compare must name another assessment, not the one being reported")
        earlier_assessment = get_assessment(store, compare)
        earlier = score_assessment(
            earlier_assessment.survey, scoring_answers(load_answers(store, compare)), target=target
        )
    meta = {
        "assessment": assessment.id,
        "title": assessment.title,
        "programme": assessment.programme,
        "created_at": assessment.created_at,
        "compare": compare,
    }
    return score_assessment(
        assessment.survey,
        scoring_answers(load_answers(store, assessment_id)),
        target=target,
        earlier=earlier,
        meta=meta,
    )


def assessment_titles(store: Store, *, except_id: int | None = None) -> list[dict]:
    """Id, title and programme of every assessment, newest first (for choosing a comparison)."""
    return store.query(
        "SELECT id, title, programme FROM assessments WHERE id IS NOT ? ORDER BY id DESC", (except_id,)
    )


def assessment_title(store: Store, assessment_id: int) -> str | None:
    return store.scalar("SELECT title FROM assessments WHERE id = ?", (assessment_id,))
