"""Healthcheck scoring on hand-worked examples (every expected number is worked out in the comments)."""

from __future__ import annotations

import pytest

from kamtui.core.agreement import rwg
from kamtui.core.healthcheck import Answer, parse_answer_value, score_assessment
from kamtui.core.levels import level_name, level_of
from kamtui.core.survey import survey_from_dict


def make_survey():
    def element(element_id, prefix):
        return {
            "id": element_id,
            "name": element_id.upper(),
            "part": 1,
            "levels": [f"{element_id} level {n}" for n in range(1, 6)],
            "prescriptions": [f"{element_id} {n}->{n + 1}" for n in range(1, 5)],
            "indicators": [{"id": f"{prefix}1", "text": "first"}, {"id": f"{prefix}2", "text": "second"}],
        }

    return survey_from_dict(
        {"id": "mini", "title": "Mini", "version": 1, "elements": [element("e1", "A"), element("e2", "B")]}
    )


def rated(who, indicator, value, role):
    return Answer(who, indicator, value, "rated", role)


def other(who, indicator, status, role):
    return Answer(who, indicator, None, status, role)


# Ann (KAM):        A1=2  A2=4        B1=3  B2=na
# Bob (KAM):        A1=3  A2=unknown  B1=5  B2=5
# Cat (Leadership): A1=5  A2=5        B1=na B2=na
ANSWERS = [
    rated("Ann", "A1", 2, "KAM"),
    rated("Ann", "A2", 4, "KAM"),
    rated("Ann", "B1", 3, "KAM"),
    other("Ann", "B2", "na", "KAM"),
    rated("Bob", "A1", 3, "KAM"),
    other("Bob", "A2", "unknown", "KAM"),
    rated("Bob", "B1", 5, "KAM"),
    rated("Bob", "B2", 5, "KAM"),
    rated("Cat", "A1", 5, "Leadership"),
    rated("Cat", "A2", 5, "Leadership"),
    other("Cat", "B1", "na", "Leadership"),
    other("Cat", "B2", "na", "Leadership"),
]


@pytest.fixture
def report():
    return score_assessment(make_survey(), ANSWERS)


def test_element_scores_are_means_of_respondent_means(report):
    e1, e2 = report.elements
    # e1: Ann (2+4)/2 = 3, Bob 3 (A2 unknown is not a score), Cat 5 -> (3+3+5)/3 = 11/3
    assert e1.score == pytest.approx(11 / 3, abs=1e-12)
    assert e1.level == 3 and e1.level_name == "Repeatable"
    assert e1.n == 3
    # e2: Ann 3, Bob (5+5)/2 = 5, Cat has no rated indicator and is skipped -> 4.0
    assert e2.score == pytest.approx(4.0, abs=1e-12)
    assert e2.level == 4
    assert e2.n == 2


def test_overall_is_mean_of_element_scores(report):
    assert report.overall == pytest.approx((11 / 3 + 4) / 2, abs=1e-12)  # 23/6 = 3.8333
    assert report.level == 3
    assert report.level_name == "Repeatable"
    assert report.respondents == 3


def test_element_agreement_uses_sample_variance_of_element_scores(report):
    e1, e2 = report.elements
    # e1 scores 3, 3, 5: mean 11/3, squared deviations 4/9 + 4/9 + 16/9 = 24/9, / (n-1) = 4/3
    # rwg = 1 - (4/3)/2 = 1/3
    assert e1.rwg == pytest.approx(1 / 3, abs=1e-12)
    assert e1.no_consensus
    # e2 scores 3, 5: variance 2 -> rwg = 1 - 2/2 = 0
    assert e2.rwg == pytest.approx(0.0, abs=1e-12)


def test_indicator_results(report):
    by_id = {i.id: i for i in report.indicators}
    # A1: 2, 3, 5 -> mean 10/3; variance (16/9 + 1/9 + 25/9)/2 = 7/3; 1 - 7/6 < 0 -> clipped to 0
    assert by_id["A1"].mean == pytest.approx(10 / 3, abs=1e-12)
    assert by_id["A1"].rwg == 0.0
    assert (by_id["A1"].n, by_id["A1"].na, by_id["A1"].unknown) == (3, 0, 0)
    # A2: 4, 5 (Bob unknown) -> mean 4.5, variance 0.5, rwg 0.75
    assert by_id["A2"].mean == pytest.approx(4.5, abs=1e-12)
    assert by_id["A2"].rwg == pytest.approx(0.75, abs=1e-12)
    assert (by_id["A2"].n, by_id["A2"].na, by_id["A2"].unknown) == (2, 0, 1)
    # B1: 3, 5 (Cat na) -> mean 4, rwg 0
    assert by_id["B1"].mean == pytest.approx(4.0, abs=1e-12)
    assert (by_id["B1"].n, by_id["B1"].na) == (2, 1)
    # B2: only Bob's 5 -> no agreement below two respondents
    assert by_id["B2"].mean == 5.0
    assert by_id["B2"].rwg is None
    assert (by_id["B2"].n, by_id["B2"].na) == (1, 2)


def test_coverage_counts_rated_answers_against_all_possible(report):
    # 3 respondents x 4 indicators = 12 possible, 8 rated
    assert report.coverage == pytest.approx(8 / 12, abs=1e-12)
    e1, e2 = report.elements
    assert e1.coverage == pytest.approx(5 / 6, abs=1e-12)
    assert e2.coverage == pytest.approx(3 / 6, abs=1e-12)
    assert report.answered == 12


def test_by_role_means_and_gaps(report):
    e1, e2 = report.elements
    assert e1.by_role == {"KAM": pytest.approx(3.0), "Leadership": pytest.approx(5.0)}
    assert len(e1.gaps) == 1
    gap = e1.gaps[0]
    assert gap.roles == ("KAM", "Leadership")
    assert gap.difference == pytest.approx(-2.0, abs=1e-12)
    assert gap.p_value is None  # fewer than 3 respondents on each side
    assert e2.by_role == {"KAM": pytest.approx(4.0)}  # Cat has no e2 score
    assert e2.gaps == ()


def test_mann_whitney_p_value_with_three_per_role():
    survey = make_survey()
    answers = []
    for who, value in (("k1", 1), ("k2", 2), ("k3", 3)):
        answers.append(rated(who, "A1", value, "KAM"))
    for who, value in (("l1", 4), ("l2", 5), ("l3", 5)):
        answers.append(rated(who, "A1", value, "Leadership"))
    answers.append(rated("l3", "A2", 4, "Leadership"))  # l3's e1 score: (5 + 4) / 2 = 4.5
    # KAM {1, 2, 3} vs Leadership {4, 5, 4.5}: no ties, U = 0, exact two-sided p = 2 / C(6, 3) = 0.1
    gap = score_assessment(survey, answers).elements[0].gaps[0]
    assert gap.roles == ("KAM", "Leadership")
    assert gap.difference == pytest.approx(2.0 - 4.5, abs=1e-12)
    assert gap.p_value == pytest.approx(0.1, abs=1e-12)


def test_gaps_are_listed_largest_first():
    survey = make_survey()
    answers = [rated("a", "A1", 1, "A-role"), rated("b", "A1", 2, "B-role"), rated("c", "A1", 5, "C-role")]
    gaps = score_assessment(survey, answers).elements[0].gaps
    assert [(g.roles, g.difference) for g in gaps] == [
        (("A-role", "C-role"), -4.0),
        (("B-role", "C-role"), -3.0),
        (("A-role", "B-role"), -1.0),
    ]


def test_prescription_orders_by_gap_to_target(report):
    # target 4: e1 (level 3, gap 1/3) is listed; e2 is at level 4 and is not
    assert [(p.element, p.level, p.target, p.text) for p in report.prescription] == [("e1", 3, 4, "e1 3->4")]
    assert report.prescription[0].gap == pytest.approx(1 / 3, abs=1e-12)
    five = score_assessment(make_survey(), ANSWERS, target=5)
    # target 5: e1 gap 5 - 11/3 = 4/3, e2 gap 1 -> e1 first
    assert [(p.element, p.text) for p in five.prescription] == [("e1", "e1 3->4"), ("e2", "e2 4->5")]


def test_prescription_ties_keep_survey_order():
    survey = make_survey()
    answers = [rated("a", "B1", 2, None), rated("a", "A1", 2, None)]
    result = score_assessment(survey, answers)
    assert [p.element for p in result.prescription] == ["e1", "e2"]
    assert [p.text for p in result.prescription] == ["e1 2->3", "e2 2->3"]


def test_trend_against_an_earlier_assessment(report):
    earlier = score_assessment(
        make_survey(),
        [rated("Ann", "A1", 2, "KAM"), rated("Ann", "A2", 2, "KAM"), rated("Ann", "B1", 4, "KAM")],
    )
    assert earlier.overall == pytest.approx(3.0)  # (2 + 4) / 2
    current = score_assessment(make_survey(), ANSWERS, earlier=earlier)
    e1, e2 = current.elements
    assert e1.delta == pytest.approx(11 / 3 - 2, abs=1e-12)
    assert e2.delta == pytest.approx(0.0, abs=1e-12)
    assert current.overall_delta == pytest.approx(23 / 6 - 3, abs=1e-12)
    assert report.elements[0].delta is None  # no comparison, no delta


def test_element_without_scores_is_skipped_in_overall():
    result = score_assessment(make_survey(), [rated("a", "A1", 5, None), other("a", "B1", "na", None)])
    assert result.elements[1].score is None
    assert result.elements[1].level is None
    assert result.overall == 5.0
    assert result.level == 5


def test_no_answers_at_all():
    result = score_assessment(make_survey(), [])
    assert result.overall is None
    assert result.level is None
    assert result.coverage == 0.0
    assert result.prescription == ()


@pytest.mark.parametrize(
    ("score", "level"),
    [(1.0, 1), (1.999, 1), (2.0, 2), (3.5, 3), (4.999999, 4), (5.0, 5), (None, None)],
)
def test_level_is_floor_of_score(score, level):
    assert level_of(score) == level


def test_level_names():
    assert [level_name(n) for n in range(1, 6)] == [
        "Ad hoc",
        "Awareness",
        "Repeatable",
        "Predictable",
        "Activating",
    ]


def test_rwg_rules():
    assert rwg([3]) is None
    assert rwg([]) is None
    assert rwg([4, 4, 4]) == 1.0
    assert rwg([1, 5]) == 0.0  # variance 8 -> clipped
    assert rwg([2, 3]) == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("3", (3, "rated")),
        (" 5 ", (5, "rated")),
        ("na", (None, "na")),
        ("N/A", (None, "na")),
        ("unknown", (None, "unknown")),
        ("Predictable", (4, "rated")),
        ("6", None),
        ("0", None),
        ("2.5", None),
        ("yes", None),
    ],
)
def test_parse_answer_value(text, parsed):
    assert parse_answer_value(text) == parsed


def test_report_json_shape(report):
    data = report.to_json()
    assert {
        "survey",
        "respondents",
        "overall",
        "level",
        "level_name",
        "coverage",
        "elements",
        "indicators",
    } <= set(data)
    assert {"prescription"} <= set(data)
    element = data["elements"][0]
    assert {"id", "name", "score", "level", "rwg", "n", "coverage", "by_role", "gaps", "delta"} <= set(
        element
    )
    assert element["gaps"][0] == {
        "roles": ["KAM", "Leadership"],
        "difference": -2.0,
        "higher": "Leadership",  # KAM 3.0, Leadership 5.0
        "p_value": None,
        "p_adjusted": None,
        "method": None,
    }
    assert {"id", "element", "mean", "rwg", "n", "na", "unknown", "spread", "by_role"} <= set(data["indicators"][0])
    # A1: Ann 2, Bob 3, Cat 5 -> one answer at each of levels 2, 3 and 5
    assert data["indicators"][0]["spread"] == {"1": 0, "2": 1, "3": 1, "4": 0, "5": 1, "na": 0, "unknown": 0}
    assert data["indicators"][0]["by_role"] == {"KAM": 2.5, "Leadership": 5.0}
    assert {"element", "level", "target", "text"} <= set(data["prescription"][0])


# ---------------------------------------------------------------------------------------------- drill-down


def test_spread_and_role_means_per_statement(report):
    a1, a2, b1, b2 = report.indicators
    # A1: Ann 2, Bob 3, Cat 5; A2: Ann 4, Bob unknown, Cat 5; B1: Ann 3, Bob 5, Cat na; B2: Ann na, Bob 5, Cat na
    assert a1.spread == {"1": 0, "2": 1, "3": 1, "4": 0, "5": 1, "na": 0, "unknown": 0}
    assert a2.spread == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1, "na": 0, "unknown": 1}
    assert b2.spread == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 1, "na": 2, "unknown": 0}
    assert a1.by_role == {"KAM": 2.5, "Leadership": 5.0}  # (2 + 3) / 2
    assert a2.by_role == {"KAM": 4.0, "Leadership": 5.0}  # Bob's unknown is not a rating
    assert b1.by_role == {"KAM": 4.0}  # Cat answered na
    assert sum(b1.spread.values()) == 3  # every answer is counted once


def test_comments_and_respondent_scores_in_the_report():
    survey = make_survey()
    answers = [
        Answer("Ann", "A1", 2, "rated", "KAM", comment="only for the top accounts"),
        Answer("Bob", "A1", 4, "rated", "KAM"),
        Answer("Bob", "B1", None, None, "KAM", comment="  no idea who owns this  "),  # a comment, no answer
        Answer("Cat", "A2", None, "na", "Leadership", comment="not our business"),
    ]
    result = score_assessment(survey, answers, respondents=["Ann", "Bob", "Cat", "Dan"])
    assert [(c.indicator, c.element, c.respondent, c.role, c.answer, c.text) for c in result.comments] == [
        ("A1", "e1", "Ann", "KAM", "2", "only for the top accounts"),
        ("A2", "e1", "Cat", "Leadership", "na", "not our business"),
        ("B1", "e2", "Bob", "KAM", "", "no idea who owns this"),
    ]
    # Dan is registered without an answer: he counts toward progress and coverage, as on Home
    assert result.respondents == 4
    assert result.answered == 3  # the comment-only row is not an answer
    assert result.progress == pytest.approx(3 / (4 * 4))
    assert result.coverage == pytest.approx(2 / (4 * 4))
    rows = {r.respondent: r for r in result.respondent_scores}
    assert list(rows) == ["Ann", "Bob", "Cat", "Dan"]
    assert (rows["Ann"].scores, rows["Ann"].levels, rows["Ann"].role) == ({"e1": 2.0}, {"e1": 2}, "KAM")
    assert rows["Bob"].scores == {"e1": 4.0}
    assert rows["Cat"].scores == {} and rows["Dan"].scores == {}
    data = result.to_json()
    assert data["comments"][1] == {
        "indicator": "A2",
        "element": "e1",
        "respondent": "Cat",
        "role": "Leadership",
        "answer": "na",
        "text": "not our business",
    }
    assert data["respondent_scores"][0] == {"respondent": "Ann", "role": "KAM", "scores": {"e1": 2.0}}
    assert data["progress"] == pytest.approx(3 / 16)


def test_statements_without_consensus_come_first():
    from kamtui.core.healthcheck import element_comments, element_statements

    survey = make_survey()
    answers = [
        Answer("a", "A1", 3, "rated", None, comment="fine"),
        rated("b", "A1", 3, None),  # A1: rwg 1
        rated("a", "A2", 1, None),
        Answer("b", "A2", 5, "rated", None, comment="why so low?"),  # A2: variance 8 -> rwg 0
    ]
    result = score_assessment(survey, answers)
    assert [i.id for i in element_statements(result, "e1")] == ["A2", "A1"]
    assert [c.indicator for c in element_comments(result, "e1")] == ["A2", "A1"]
    assert element_statements(result, "e2")[0].id == "B1"  # nothing flagged: survey order


def test_compare_reports_side_by_side():
    from kamtui.core.comparison import compare_reports

    survey = make_survey()
    north = score_assessment(
        survey, [rated("a", "A1", 4, None), rated("a", "B1", 2, None)], meta={"assessment": 7, "title": "North"}
    )
    south = score_assessment(survey, [rated("b", "A1", 1, None)], meta={"assessment": 3, "title": "South"})
    comparison = compare_reports([north, south])
    data = comparison.to_json()
    assert [(a["id"], a["title"], a["overall"]) for a in data["assessments"]] == [(7, "North", 3.0), (3, "South", 1.0)]
    assert [(e["id"], e["scores"], e["levels"]) for e in data["elements"]] == [
        ("e1", [4.0, 1.0], [4, 1]),
        ("e2", [2.0, None], [2, None]),
    ]
    # e1: North 4 - South 1 = 3; e2 is scored in one assessment only: no difference
    assert data["differences"] == [{"element": "e1", "name": "E1", "high": 7, "low": 3, "difference": 3.0}]


def test_actions_beside_the_trend():
    from kamtui.core.actions import Action, actions_beside_trend

    survey = make_survey()
    earlier = score_assessment(survey, [rated("a", "A1", 2, None), rated("a", "B1", 3, None)])
    now = score_assessment(survey, [rated("a", "A1", 3, None), rated("a", "B1", 3, None)], earlier=earlier)

    def action(ident, element, status):
        return Action(ident, 1, element, f"do {element}", "Ann", "2026-03-31", status, None, "t", "t")

    rows = actions_beside_trend(now, [action(2, "e2", "open"), action(1, "e1", "done")])
    assert [(r.action.id, r.name, r.earlier_score, r.score, r.delta) for r in rows] == [
        (1, "E1", 2.0, 3.0, 1.0),  # survey order, then id
        (2, "E2", 3.0, 3.0, 0.0),
    ]


def test_next_prescription():
    from kamtui.core.healthcheck import next_prescription

    element = make_survey().elements[0]
    assert next_prescription(element, 2) == "e1 2->3"
    assert next_prescription(element, None) == "e1 1->2"  # not scored yet: from level 1
    assert next_prescription(element, 5) is None
