"""The suppression rule and the resume codes (kamtui.core.confidential), on reports scored in memory."""

from __future__ import annotations

from dataclasses import replace

import pytest

from kamtui.core import confidential as rules
from kamtui.core.agreement import adjust_p_values
from kamtui.core.assessments import AnswerRow
from kamtui.core.confidential import Confidentiality
from kamtui.core.errors import InvalidValueError
from kamtui.core.healthcheck import Answer, score_assessment
from kamtui.core.survey import load_survey

SURVEY = load_survey("kam-healthcheck")
FIRST, SECOND = SURVEY.elements[0], SURVEY.elements[1]
ANONYMOUS = Confidentiality(anonymous=True, min_group=3)


def rows_for(people: dict[str, str], skip: dict[str, set[str]] | None = None) -> list[AnswerRow]:
    """Everyone rates the first two elements' statements (``skip``: element ids a person leaves out)."""
    rows = []
    for number, (who, role) in enumerate(sorted(people.items())):
        for element in (FIRST, SECOND):
            if element.id in (skip or {}).get(who, set()):
                continue
            for position, indicator in enumerate(element.indicators):
                value = 1 + (number * 2 + position) % 5
                rows.append(AnswerRow(who, role, indicator.id, value, "rated", "said so" if position == 0 else None))
    return rows


def scored(rows: list[AnswerRow]):
    answers = [Answer(r.respondent, r.indicator, r.value, r.status, r.role, r.comment) for r in rows]
    return score_assessment(SURVEY, answers, meta={"assessment": 1})


PEOPLE = {"a1": "A", "a2": "A", "a3": "A", "b1": "B", "b2": "B", "b3": "B", "c1": "C", "c2": "C"}


def test_roles_need_the_minimum_group_overall_and_in_each_element():
    # b3 does not answer the second element: B has 3 respondents overall, only 2 with a score there.
    rows = rows_for(PEOPLE, skip={"b3": {SECOND.id}})
    report = scored(rows)
    assert set(report.element(FIRST.id).by_role) == {"A", "B", "C"}  # as scored: every role
    protected = rules.protect_report(report, rows, ANONYMOUS)
    first, second = protected.element(FIRST.id), protected.element(SECOND.id)
    assert set(first.by_role) == {"A", "B"} and first.by_role == {r: report.element(FIRST.id).by_role[r] for r in "AB"}
    assert set(second.by_role) == {"A"}
    assert [g.roles for g in first.gaps] == [("A", "B")] and second.gaps == ()
    assert first.gaps[0].p_adjusted == adjust_p_values([first.gaps, ()])[0][0].p_adjusted
    for indicator in protected.indicators:
        expected = {"A", "B"} if indicator.element == FIRST.id else {"A"}
        assert set(indicator.by_role) == (expected if indicator.n else set())
    # What is not about roles never changes.
    assert (protected.overall, protected.coverage, protected.respondents) == (
        report.overall,
        report.coverage,
        report.respondents,
    )
    assert [e.score for e in protected.elements] == [e.score for e in report.elements]
    assert protected.prescription == report.prescription
    assert {r.role for r in protected.respondent_scores} == {"A", "B", None}
    assert all(c.respondent is None and c.role is None for c in protected.comments)
    assert len(protected.comments) == len(report.comments) == 8 * 2 - 1  # b3 left the second out
    assert protected.meta == {"assessment": 1, "anonymous": True, "min_group": 3}


def test_a_named_assessment_is_shown_as_scored_unless_concealed():
    rows = rows_for(PEOPLE)
    report = scored(rows)
    named = rules.protect_report(report, rows, Confidentiality())
    assert replace(named, meta=report.meta) == report
    assert named.meta == {"assessment": 1, "anonymous": False, "min_group": None}
    codes = {who: f"R-{who.upper():0>5}" for who in PEOPLE}
    concealed = rules.protect_report(report, rows, Confidentiality(), conceal=True, codes=codes)
    assert set(concealed.element(FIRST.id).by_role) == {"A", "B"}
    assert {c.respondent for c in concealed.comments} == set(codes.values())  # codes, not names
    assert {r.respondent for r in concealed.respondent_scores} == set(codes.values())
    assert {c.role for c in concealed.comments} == {"A", "B", None}


def test_no_respondent_scores_below_the_minimum_group():
    rows = rows_for({"x": "A", "y": "A"})
    protected = rules.protect_report(scored(rows), rows, ANONYMOUS)
    assert protected.respondent_scores == () and all(e.by_role == {} for e in protected.elements)


def test_participants_see_no_respondent_and_no_author():
    rows = rows_for(PEOPLE)
    shown = rules.for_participants(scored(rows))
    assert shown.respondent_scores == ()
    assert shown.comments and all(c.respondent is None and c.role is None for c in shown.comments)


def test_workbook_rows_lose_small_roles_and_names():
    rows = rows_for(PEOPLE)
    people = [{"name": who, "role": role, "answered": 20, "code": f"R-{who.upper():0>5}"} for who, role in PEOPLE.items()]
    out_rows, out_people = rules.protect_rows(rows, people, Confidentiality(), no_names=True)
    assert {r.respondent for r in out_rows} == {p["code"] for p in people}
    assert {p["name"] for p in out_people} == {p["code"] for p in people}
    assert {r.role for r in out_rows} == {"A", "B", None}
    kept_rows, kept_people = rules.protect_rows(rows, people, Confidentiality())
    assert kept_rows == rows and kept_people == people


def test_resume_codes():
    code = rules.new_code()
    assert len(code) == 6 and set(code) <= set(rules.CODE_ALPHABET)
    assert not set("01ILO") & set(rules.CODE_ALPHABET)
    assert rules.clean_code(" k7q-x2m ") == "K7QX2M" and rules.show_code("K7QX2M") == "K7Q X2M"
    secret = bytes(range(32))
    digest = rules.resume_digest(secret, 4, "K7QX2M")
    assert digest.startswith("hmac-sha256$") and len(digest) == len("hmac-sha256$") + 64
    assert rules.resume_digest(secret, 4, "k7q x2m") == digest
    assert rules.resume_digest(secret, 5, "K7QX2M") != digest  # bound to the assessment
    assert rules.resume_digest(bytes(32), 4, "K7QX2M") != digest  # and to the database's secret
    assert rules.digest_matches(digest, digest) and not rules.digest_matches(None, digest)
    assert len({rules.new_respondent_code() for _ in range(200)}) == 200


@pytest.mark.parametrize(("text", "value"), [("", 3), (" 5 ", 5), ("1", 1), ("1000", 1000)])
def test_min_group_as_typed(text, value):
    assert rules.parse_min_group(text) == value


@pytest.mark.parametrize("text", ["0", "1001", "-2", "three", "2.5"])
def test_min_group_refused(text):
    with pytest.raises(InvalidValueError, match="the minimum group size must be a whole number from 1 to 1000"):
        rules.parse_min_group(text)
