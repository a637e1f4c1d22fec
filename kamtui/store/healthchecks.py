"""Assessments, respondents and answers. Each answer is committed the moment it is given."""

from __future__ import annotations

import json
from collections.abc import Iterable

from kamtui.core import confidential
from kamtui.core.assessments import AnswerRow, Assessment, AssessmentSummary, Respondent
from kamtui.core.confidential import DEFAULT_MIN_GROUP, check_min_group
from kamtui.core.errors import InvalidValueError, NotFoundError
from kamtui.core.healthcheck import RATED, Answer
from kamtui.core.names import name_key, name_problem, normalise
from kamtui.core.survey import Survey, survey_from_dict
from kamtui.store import decode
from kamtui.store.db import Store, now

__all__ = ["AnswerRow", "Assessment", "AssessmentSummary", "Respondent"]


def create_assessment(
    store: Store,
    title: str,
    survey: Survey,
    programme: str | None = None,
    *,
    anonymous: bool = False,
    min_group: int = DEFAULT_MIN_GROUP,
) -> int:
    title = normalise(title)
    if not title:
        raise InvalidValueError("an assessment needs {title}")
    check_min_group(min_group)
    with store.write() as conn:
        cursor = conn.execute(
            "INSERT INTO assessments (title, programme, survey_id, survey_version, survey_title, survey_json, "
            "created_at, anonymous, min_group) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                title,
                (programme or "").strip() or None,
                survey.id,
                survey.version,
                survey.title,
                json.dumps(survey.to_dict(), ensure_ascii=False),
                now(),
                int(bool(anonymous)),
                min_group,
            ),
        )
        return int(cursor.lastrowid)


MAX_ID = 2**63 - 1  # SQLite's largest integer


def assessment_not_found(assessment_id: int) -> NotFoundError:
    return NotFoundError(f"no assessment with id {assessment_id}", hint="assessments")


def get_assessment(store: Store, assessment_id: int) -> Assessment:
    if not 1 <= assessment_id <= MAX_ID:
        raise assessment_not_found(assessment_id)
    rows = store.query("SELECT * FROM assessments WHERE id = ?", (assessment_id,))
    if not rows:
        raise assessment_not_found(assessment_id)
    row = rows[0]
    where = f"assessments row {assessment_id}: survey_json"
    data = decode.json_value(store.path, where, row["survey_json"])
    survey = decode.decoded(store.path, where, lambda: survey_from_dict(data, f"assessment {assessment_id} survey"))
    return Assessment(row["id"], row["title"], row["programme"], survey, row["created_at"])


def list_assessments(store: Store) -> list[AssessmentSummary]:
    """Every assessment with its progress counts: no survey is parsed beyond counting its indicators."""
    rows = store.query(
        """SELECT a.id, a.title, a.programme, a.survey_id, a.survey_title, a.created_at, a.survey_json,
                  (SELECT count(*) FROM respondents r WHERE r.assessment_id = a.id) AS respondents,
                  (SELECT count(*) FROM answers x JOIN respondents r ON r.id = x.respondent_id
                     WHERE r.assessment_id = a.id AND x.status IS NOT NULL) AS answered,
                  (SELECT count(*) FROM answers x JOIN respondents r ON r.id = x.respondent_id
                     WHERE r.assessment_id = a.id AND x.status = 'rated') AS rated
           FROM assessments a ORDER BY a.created_at, a.id"""
    )
    summaries = []
    for row in rows:
        where = f"assessments row {row['id']}: survey_json"
        survey = decode.json_value(store.path, where, row["survey_json"])
        count = decode.decoded(store.path, where, lambda s=survey: sum(len(e["indicators"]) for e in s["elements"]))
        summaries.append(
            AssessmentSummary(
                id=row["id"],
                title=row["title"],
                programme=row["programme"],
                survey_id=row["survey_id"],
                survey_title=row["survey_title"],
                created_at=row["created_at"],
                respondents=row["respondents"],
                answered=row["answered"],
                rated=row["rated"],
                indicators=count,
            )
        )
    return summaries


def delete_assessment(store: Store, assessment_id: int) -> None:
    get_assessment(store, assessment_id)
    with store.write() as conn:
        conn.execute("DELETE FROM assessments WHERE id = ?", (assessment_id,))


def ensure_respondent(store: Store, assessment_id: int, name: str, role: str | None = None) -> int:
    """The respondent's id, creating them (or updating their role when one is given). Names follow the
    name rule (kamtui.core.names): "priya" answers as the existing "Priya"."""
    name = normalise(name)
    if not name:
        raise InvalidValueError("a respondent needs {respondent}")
    problem = name_problem(name, "a respondent's name")
    if problem:
        raise InvalidValueError(problem)
    role = normalise(role or "") or None
    with store.write() as conn:
        return _ensure_respondent(conn, assessment_id, name, role)


def find_respondent(conn, assessment_id: int, name: str) -> tuple[int, str, str | None] | None:
    """(id, stored name, role) of the respondent called ``name`` in the assessment (by the name rule)."""
    row = conn.execute(
        "SELECT id, name, role FROM respondents WHERE assessment_id = ? AND name = ?", (assessment_id, name)
    ).fetchone()
    if row is not None:
        return int(row[0]), row[1], row[2]
    key = name_key(name)
    for respondent_id, stored, role in conn.execute(
        "SELECT id, name, role FROM respondents WHERE assessment_id = ?", (assessment_id,)
    ):
        if isinstance(stored, str) and name_key(stored) == key:
            return int(respondent_id), stored, role
    return None


def is_anonymous(conn, assessment_id: int) -> bool:
    row = conn.execute("SELECT anonymous FROM assessments WHERE id = ?", (assessment_id,)).fetchone()
    return bool(row and row[0])


def new_respondent_code(conn, assessment_id: int) -> str:
    """A respondent code not yet used in the assessment, as a code or as a name."""
    while True:
        code = confidential.new_respondent_code()
        taken = conn.execute(
            "SELECT 1 FROM respondents WHERE assessment_id = ? AND (code = ? OR name = ?)",
            (assessment_id, code, code),
        ).fetchone()
        if taken is None:
            return code


def _ensure_respondent(conn, assessment_id: int, name: str, role: str | None) -> int:
    """In an anonymous assessment ``name`` is never stored: it finds an existing respondent code, or a new
    respondent is stored under a new code (kamtui.core.confidential)."""
    found = find_respondent(conn, assessment_id, name)
    if found is None:  # (in an anonymous assessment the names are the codes: only a code is found)
        anonymous = is_anonymous(conn, assessment_id)
        code = new_respondent_code(conn, assessment_id)
        cursor = conn.execute(
            "INSERT INTO respondents (assessment_id, name, role, created_at, code) VALUES (?, ?, ?, ?, ?)",
            (assessment_id, code if anonymous else name, role, now(), code),
        )
        return int(cursor.lastrowid)
    respondent_id, _, stored_role = found
    if role is not None and stored_role != role:
        conn.execute("UPDATE respondents SET role = ? WHERE id = ?", (role, respondent_id))
    return respondent_id


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
    """Id, name, role, code and answered count of each respondent, by name."""
    return store.query(
        """SELECT r.id, r.name, r.role, r.code,
                  (SELECT count(*) FROM answers x WHERE x.respondent_id = r.id AND x.status IS NOT NULL) AS answered
           FROM respondents r WHERE r.assessment_id = ? ORDER BY r.name""",
        (assessment_id,),
    )


def import_answers(store: Store, assessment_id: int, rows: list[AnswerRow], also=None) -> int:
    """Write validated rows in one transaction: all of them, or none. Returns the rows written.
    ``also(conn)``, when given, runs inside the same transaction (e.g. marking forms collected)."""
    with store.write() as conn:
        ids: dict[str, int] = {}  # by the name rule: in an anonymous assessment, one new code per name
        for row in rows:
            if name_key(row.respondent) not in ids:
                ids[name_key(row.respondent)] = _ensure_respondent(conn, assessment_id, row.respondent, row.role)
        stamp = now()
        conn.executemany(
            _UPSERT_ANSWER,
            [(ids[name_key(r.respondent)], r.indicator, r.value, r.status, r.comment, stamp) for r in rows if r.status],
        )
        conn.executemany(
            _UPSERT_COMMENT,
            [
                (ids[name_key(r.respondent)], r.indicator, r.comment, stamp)
                for r in rows
                if not r.status and r.comment
            ],
        )
        if also is not None:
            also(conn)
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
            raise InvalidValueError("{compare} must name another assessment, not the one being reported")
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
