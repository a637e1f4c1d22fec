"""``kamtui healthcheck new / list / answer / report`` and ``kamtui demo``: output, exit codes, database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

MINI_SURVEY = """\
id = "mini"
title = "Mini survey"
version = 2

[[elements]]
id = "alpha"
name = "Alpha"
part = 1
levels = ["alpha L1", "alpha L2", "alpha L3", "alpha L4", "alpha L5"]
prescriptions = ["alpha 1->2", "alpha 2->3", "alpha 3->4", "alpha 4->5"]

[[elements.indicators]]
id = "A-1"
text = "Alpha one"

[[elements.indicators]]
id = "A-2"
text = "Alpha two"

[[elements.indicators]]
id = "A-3"
text = "Alpha three"

[[elements]]
id = "beta"
name = "Beta"
part = 1
levels = ["beta L1", "beta L2", "beta L3", "beta L4", "beta L5"]
prescriptions = ["beta 1->2", "beta 2->3", "beta 3->4", "beta 4->5"]

[[elements.indicators]]
id = "B-1"
text = "Beta one"

[[elements.indicators]]
id = "B-2"
text = "Beta two"

[[elements]]
id = "gamma"
name = "Gamma"
part = 2
levels = ["gamma L1", "gamma L2", "gamma L3", "gamma L4", "gamma L5"]
prescriptions = ["gamma 1->2", "gamma 2->3", "gamma 3->4", "gamma 4->5"]

[[elements.indicators]]
id = "C-1"
text = "Gamma one"

[[elements.indicators]]
id = "C-2"
text = "Gamma two"
"""

# Three respondents; blank value = not answered (no row). Hand-worked numbers are in test_report_numbers.
CURRENT_CSV = """\
respondent,role,indicator,value,comment
Ann,KAM,A-1,2,
Ann,KAM,A-2,3,
Ann,KAM,A-3,na,
Ann,KAM,B-1,4,
Ann,KAM,B-2,5,
Ann,KAM,C-1,na,
Bob,KAM,A-1,4,
Bob,KAM,A-2,4,
Bob,KAM,A-3,4,
Bob,KAM,B-1,unknown,
Bob,KAM,B-2,3,
Cy,Leadership,A-1,1,
Cy,Leadership,A-2,,
Cy,Leadership,A-3,2,
Cy,Leadership,B-1,5,
Cy,Leadership,B-2,5,
Cy,Leadership,C-2,unknown,
"""

EARLIER_CSV = """\
respondent,role,indicator,value,comment
Ann,KAM,A-1,1,
Ann,KAM,B-1,2,
Bob,KAM,A-1,3,
"""


def query(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def answers(path: Path) -> list[tuple]:
    if not path.exists():
        return []
    return query(
        path,
        """SELECT r.assessment_id, r.name, r.role, x.indicator, x.value, x.status, x.comment
           FROM answers x JOIN respondents r ON r.id = x.respondent_id ORDER BY r.id, x.indicator""",
    )


def count(path: Path, table: str) -> int:
    return query(path, f"SELECT count(*) FROM {table}")[0][0] if path.exists() else 0


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    path = tmp_path / "mini.toml"
    path.write_text(MINI_SURVEY, encoding="utf-8")
    return path


@pytest.fixture
def assessment(cli) -> int:
    """A fresh kam-healthcheck assessment (id 1)."""
    result = cli("healthcheck", "new", "--title", "Q3 healthcheck")
    assert result.stdout == "1\n"
    return 1


def import_csv(cli, tmp_path: Path, assessment_id: int, text: str, name: str) -> None:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = cli("healthcheck", "import", assessment_id, path)
    assert result.code == 0, result.output


def report(cli, *args: object) -> dict:
    result = cli("healthcheck", "report", *args, "--json")
    assert result.code == 0, result.output
    return json.loads(result.stdout)


# ----------------------------------------------------------------------------- new


def test_new_prints_the_id_alone(cli, db_path):
    first = cli("healthcheck", "new", "--title", "First")
    assert (first.code, first.stdout, first.stderr) == (0, "1\n", "")
    second = cli("healthcheck", "new", "--title", "Second", "--programme", "Northwind")
    assert (second.code, second.stdout, second.stderr) == (0, "2\n", "")
    rows = query(
        db_path, "SELECT id, title, programme, survey_id, survey_version FROM assessments ORDER BY id"
    )
    assert rows == [
        (1, "First", None, "kam-healthcheck", 2),
        (2, "Second", "Northwind", "kam-healthcheck", 2),
    ]


def test_new_in_a_subprocess_prints_the_id_alone(kamtui):
    result = kamtui("healthcheck", "new", "--title", "Sub")
    assert (result.code, result.stdout) == (0, "1\n")


def test_new_with_builtin_survey_id_and_survey_file(cli, db_path, mini):
    assert cli("healthcheck", "new", "--title", "Pulse", "--survey", "kam-process-pulse").stdout == "1\n"
    assert cli("healthcheck", "new", "--title", "Mini", "--survey", mini).stdout == "2\n"
    rows = query(db_path, "SELECT id, survey_id, survey_version, survey_title, survey_json FROM assessments")
    assert [r[:4] for r in rows] == [
        (1, "kam-process-pulse", 2, "KAM Process Pulse"),
        (2, "mini", 2, "Mini survey"),
    ]
    stored = json.loads(rows[1][4])  # the definition is stored with the assessment
    assert [e["id"] for e in stored["elements"]] == ["alpha", "beta", "gamma"]
    assert [i["id"] for i in stored["elements"][0]["indicators"]] == ["A-1", "A-2", "A-3"]


def test_editing_the_survey_file_later_does_not_rewrite_history(cli, tmp_path, mini):
    assert cli("healthcheck", "new", "--title", "Mini", "--survey", mini).stdout == "1\n"
    mini.write_text(MINI_SURVEY.replace('id = "A-1"', 'id = "Z-1"'), encoding="utf-8")
    ok = cli("healthcheck", "answer", 1, "--respondent", "Ann", "A-1", "3")
    assert ok.code == 0, ok.output
    assert cli("healthcheck", "answer", 1, "--respondent", "Ann", "Z-1", "3").code == 1


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["--title", "   "], "an assessment needs a title"),
        (["--title", "T", "--survey", "no-such-survey"], "no built-in survey with this id"),
        (["--title", "T", "--survey", "missing.toml"], "missing.toml: file not found"),
    ],
    ids=["blank-title", "unknown-survey", "missing-survey-file"],
)
def test_new_refuses_bad_input(cli, db_path, args, fragment):
    result = cli("healthcheck", "new", *args)
    assert result.code == 1
    assert result.stdout == ""
    assert fragment in result.stderr
    assert count(db_path, "assessments") == 0


def test_new_with_invalid_survey_file_lists_its_problems(cli, db_path, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(MINI_SURVEY.replace('levels = ["beta L1", ', "levels = ["), encoding="utf-8")
    result = cli("healthcheck", "new", "--title", "T", "--survey", bad)
    assert result.code == 1
    assert f"{bad}:elements[1].levels: expected exactly 5 level descriptions, found 4" in result.stderr
    assert count(db_path, "assessments") == 0


# ----------------------------------------------------------------------------- list


def test_list_empty(cli):
    assert cli("healthcheck", "list", "--json").stdout.strip() == "[]"
    result = cli("healthcheck", "list")
    assert result.code == 0
    assert "no assessments yet" in result.stdout


def test_list_json_and_table(cli, tmp_path, mini):
    cli("healthcheck", "new", "--title", "Mini check", "--survey", mini, "--programme", "P1")
    cli("healthcheck", "new", "--title", "Untouched")
    import_csv(cli, tmp_path, 1, CURRENT_CSV, "current.csv")
    items = json.loads(cli("healthcheck", "list", "--json").stdout)
    assert [(i["id"], i["title"], i["programme"], i["survey"]) for i in items] == [
        (1, "Mini check", "P1", "mini"),
        (2, "Untouched", None, "kam-healthcheck"),
    ]
    first, second = items
    # 16 answers given (rated, na or unknown) by 3 respondents over 7 indicators; overall 41/12 -> level 3
    assert (first["respondents"], first["answered"], first["indicators"]) == (3, 16, 7)
    assert first["progress"] == pytest.approx(16 / 21)
    assert first["overall"] == pytest.approx(41 / 12)
    assert (first["level"], first["level_name"]) == (3, "Repeatable")
    assert (second["respondents"], second["answered"], second["indicators"]) == (0, 0, 120)
    assert (second["overall"], second["level"]) == (None, None)
    table = cli("healthcheck", "list").stdout
    assert "Mini check" in table and "Untouched" in table and "Repeatable" in table


# ----------------------------------------------------------------------------- answer


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("1", (1, "rated")),
        ("5", (5, "rated")),
        ("na", (None, "na")),
        ("unknown", (None, "unknown")),
        ("Repeatable", (3, "rated")),
    ],
)
def test_answer_values(cli, db_path, assessment, value, stored):
    result = cli("healthcheck", "answer", assessment, "--respondent", "Ann", "--role", "KAM", "PCM-01", value)
    assert result.code == 0, result.output
    assert result.stdout.startswith("saved: Ann PCM-01")
    assert answers(db_path) == [(1, "Ann", "KAM", "PCM-01", *stored, None)]


def test_answer_again_updates_the_one_row_and_keeps_the_comment(cli, db_path, assessment):
    base = ["healthcheck", "answer", assessment, "--respondent", "Ann"]
    assert cli(*base, "--role", "KAM", "PCM-02", "2", "--comment", "only for the top accounts").code == 0
    assert cli(*base, "pcm-02", "4").code == 0  # indicator ids are matched case-insensitively
    assert answers(db_path) == [(1, "Ann", "KAM", "PCM-02", 4, "rated", "only for the top accounts")]
    assert cli(*base, "--role", "Leadership", "PCM-02", "na", "--comment", "changed").code == 0
    assert answers(db_path) == [(1, "Ann", "Leadership", "PCM-02", None, "na", "changed")]
    assert count(db_path, "respondents") == 1


@pytest.mark.parametrize("value", ["0", "6", "2.5", "x", "", "-"])
def test_answer_bad_value_writes_nothing(cli, db_path, assessment, value):
    result = cli("healthcheck", "answer", assessment, "--respondent", "Ann", "PCM-01", value)
    assert result.code == 1
    assert result.stdout == ""
    assert f"error: VALUE: expected 1-5 (or a level name), na or unknown, got '{value}'" in result.stderr
    assert (count(db_path, "respondents"), count(db_path, "answers")) == (0, 0)


def test_answer_unknown_indicator_writes_nothing(cli, db_path, assessment):
    result = cli("healthcheck", "answer", assessment, "--respondent", "Ann", "XX-99", "3")
    assert result.code == 1
    assert "error: INDICATOR: 'XX-99' is not in survey 'kam-healthcheck' (PCM-01 .. KAP-10)" in result.stderr
    assert (count(db_path, "respondents"), count(db_path, "answers")) == (0, 0)


def test_answer_unknown_assessment_writes_nothing(cli, db_path, assessment):
    result = cli("healthcheck", "answer", 99, "--respondent", "Ann", "PCM-01", "3")
    assert result.code == 1
    assert "error: no assessment with id 99" in result.stderr
    assert (count(db_path, "respondents"), count(db_path, "answers")) == (0, 0)


def test_answer_blank_respondent_writes_nothing(cli, db_path, assessment):
    result = cli("healthcheck", "answer", assessment, "--respondent", "  ", "PCM-01", "3")
    assert result.code == 1
    assert "a respondent needs a name" in result.stderr
    assert (count(db_path, "respondents"), count(db_path, "answers")) == (0, 0)


def test_answer_requires_respondent(cli, db_path, assessment):
    result = cli("healthcheck", "answer", assessment, "PCM-01", "3")
    assert result.code == 2  # click usage error
    assert "--respondent" in result.stderr
    assert count(db_path, "answers") == 0


# ----------------------------------------------------------------------------- report

ELEMENT_KEYS = {"id", "name", "score", "level", "rwg", "rwg_j", "n", "coverage", "by_role", "gaps", "delta"}
INDICATOR_KEYS = {"id", "element", "mean", "rwg", "n", "na", "unknown", "spread", "by_role"}
PRESCRIPTION_KEYS = {"element", "level", "target", "text"}
TOP_KEYS = {
    "assessment", "title", "survey", "respondents", "overall", "level", "level_name", "coverage",
    "elements", "indicators", "prescription",
}  # fmt: skip


def rwg(values: list[float]) -> float:
    """1 - sample variance / 2, clipped to [0, 1] (DESIGN.md)."""
    m = sum(values) / len(values)
    variance = sum((v - m) ** 2 for v in values) / (len(values) - 1)
    return min(1.0, max(0.0, 1 - variance / 2))


@pytest.fixture
def scored(cli, tmp_path, mini) -> int:
    assert cli("healthcheck", "new", "--title", "Mini now", "--survey", mini).stdout == "1\n"
    import_csv(cli, tmp_path, 1, CURRENT_CSV, "current.csv")
    return 1


def test_report_json_has_the_documented_keys(cli, scored):
    data = report(cli, scored)
    assert set(data) >= TOP_KEYS
    assert data["elements"] and all(set(e) >= ELEMENT_KEYS for e in data["elements"])
    assert all(
        set(g) >= {"roles", "difference", "higher", "p_value", "p_adjusted", "method"}
        for e in data["elements"]
        for g in e["gaps"]
    )
    assert data["indicators"] and all(set(i) >= INDICATOR_KEYS for i in data["indicators"])
    assert data["prescription"] and all(set(p) >= PRESCRIPTION_KEYS for p in data["prescription"])


def test_report_numbers(cli, scored):
    data = report(cli, scored)
    # Respondent element scores (mean of their rated indicators; na / unknown / blank skipped):
    #   alpha: Ann (2, 3) = 2.5, Bob (4, 4, 4) = 4, Cy (1, 2) = 1.5  -> 8/3
    #   beta:  Ann (4, 5) = 4.5, Bob (3) = 3,      Cy (5, 5) = 5     -> 12.5/3
    #   gamma: nobody rated anything                                -> no score
    alpha, beta = [2.5, 4.0, 1.5], [4.5, 3.0, 5.0]
    overall = (8 / 3 + 12.5 / 3) / 2  # 41/12 = 3.4167 -> level 3
    assert (data["assessment"], data["title"], data["survey"]) == (1, "Mini now", "mini")
    assert data["respondents"] == 3
    assert data["overall"] == pytest.approx(overall)
    assert (data["level"], data["level_name"]) == (3, "Repeatable")
    assert data["coverage"] == pytest.approx(12 / 21)  # rated answers / (3 respondents x 7 indicators)

    by_id = {e["id"]: e for e in data["elements"]}
    assert [e["id"] for e in data["elements"]] == ["alpha", "beta", "gamma"]
    a, b, c = by_id["alpha"], by_id["beta"], by_id["gamma"]
    assert (a["name"], a["score"], a["level"], a["n"]) == ("Alpha", pytest.approx(8 / 3), 2, 3)
    assert a["rwg"] == pytest.approx(rwg(alpha)) == pytest.approx(1 - (19 / 12) / 2)
    assert a["coverage"] == pytest.approx(7 / 9)
    assert a["by_role"] == {"KAM": pytest.approx(3.25), "Leadership": pytest.approx(1.5)}
    assert a["gaps"] == [
        {"roles": ["KAM", "Leadership"], "difference": pytest.approx(1.75), "higher": "KAM", "p_value": None,
         "p_adjusted": None, "method": None}
    ]  # fmt: skip
    assert a["delta"] is None
    assert (b["score"], b["level"], b["n"]) == (pytest.approx(12.5 / 3), 4, 3)
    assert b["rwg"] == pytest.approx(rwg(beta)) == pytest.approx(1 - (13 / 12) / 2)
    assert b["coverage"] == pytest.approx(5 / 6)
    assert b["by_role"] == {"KAM": pytest.approx(3.75), "Leadership": pytest.approx(5.0)}
    assert b["gaps"] == [
        {"roles": ["KAM", "Leadership"], "difference": pytest.approx(-1.25), "higher": "Leadership",
         "p_value": None, "p_adjusted": None, "method": None}
    ]  # fmt: skip
    assert (c["score"], c["level"], c["rwg"], c["n"], c["coverage"]) == (None, None, None, 0, 0)
    assert (c["by_role"], c["gaps"], c["delta"]) == ({}, [], None)

    indicators = {i["id"]: i for i in data["indicators"]}
    assert list(indicators) == ["A-1", "A-2", "A-3", "B-1", "B-2", "C-1", "C-2"]
    expected = {  # id: (element, mean, rwg, n, na, unknown)
        "A-1": ("alpha", 7 / 3, 0.0, 3, 0, 0),  # variance 7/3 > 2 -> clipped to 0
        "A-2": ("alpha", 3.5, 0.75, 2, 0, 0),  # Cy left it blank
        "A-3": ("alpha", 3.0, 0.0, 2, 1, 0),  # variance exactly 2
        "B-1": ("beta", 4.5, 0.75, 2, 0, 1),
        "B-2": ("beta", 13 / 3, 1 - (4 / 3) / 2, 3, 0, 0),
        "C-1": ("gamma", None, None, 0, 1, 0),
        "C-2": ("gamma", None, None, 0, 0, 1),
    }
    for ind_id, (element, mean, agreement, n, na, unknown) in expected.items():
        got = indicators[ind_id]
        assert got["element"] == element, ind_id
        assert got["mean"] == (None if mean is None else pytest.approx(mean)), ind_id
        assert got["rwg"] == (None if agreement is None else pytest.approx(agreement)), ind_id
        assert (got["n"], got["na"], got["unknown"]) == (n, na, unknown), ind_id

    # target 4: only alpha (level 2) is below it; its next step is prescriptions[1] (2 -> 3)
    assert [(p["element"], p["level"], p["target"], p["text"]) for p in data["prescription"]] == [
        ("alpha", 2, 4, "alpha 2->3")
    ]


def test_target_changes_the_prescription(cli, scored):
    five = report(cli, scored, "--target", "5")
    # gaps to 5: alpha 5 - 8/3 = 2.33, beta 5 - 12.5/3 = 0.83 -> alpha first
    assert [(p["element"], p["level"], p["target"], p["text"]) for p in five["prescription"]] == [
        ("alpha", 2, 5, "alpha 2->3"),
        ("beta", 4, 5, "beta 4->5"),
    ]
    assert report(cli, scored, "--target", "2")["prescription"] == []
    assert five["overall"] == pytest.approx(41 / 12)  # the target changes nothing else
    bad = cli("healthcheck", "report", scored, "--json", "--target", "6")
    assert bad.code == 2


def test_compare_fills_the_deltas(cli, tmp_path, scored, mini):
    assert cli("healthcheck", "new", "--title", "Mini before", "--survey", mini).stdout == "2\n"
    import_csv(cli, tmp_path, 2, EARLIER_CSV, "earlier.csv")
    without = report(cli, scored)
    assert [e["delta"] for e in without["elements"]] == [None, None, None]
    data = report(cli, scored, "--compare", 2)
    # earlier: alpha Ann 1, Bob 3 -> 2; beta Ann 2 -> 2; gamma none
    deltas = {e["id"]: e["delta"] for e in data["elements"]}
    assert deltas["alpha"] == pytest.approx(8 / 3 - 2)
    assert deltas["beta"] == pytest.approx(12.5 / 3 - 2)
    assert deltas["gamma"] is None
    assert data["overall"] == pytest.approx(41 / 12)  # comparing changes no score


def test_compare_with_itself_or_unknown_is_refused(cli, scored):
    same = cli("healthcheck", "report", scored, "--json", "--compare", scored)
    assert same.code == 1
    assert "--compare must name another assessment" in same.stderr
    unknown = cli("healthcheck", "report", scored, "--json", "--compare", 42)
    assert unknown.code == 1
    assert "no assessment with id 42" in unknown.stderr
    assert same.stdout == unknown.stdout == ""


def test_report_unknown_assessment(cli, assessment):
    result = cli("healthcheck", "report", 7)
    assert (result.code, result.stdout) == (1, "")
    assert "error: no assessment with id 7" in result.stderr


def test_role_gap_p_value_with_three_respondents_per_role(cli, tmp_path, mini):
    assert cli("healthcheck", "new", "--title", "Gap", "--survey", mini).stdout == "1\n"
    rows = ["respondent,role,indicator,value,comment"]
    for name, role, values in [
        ("K1", "KAM", [1, 1]),
        ("K2", "KAM", [2, 2]),
        ("K3", "KAM", [3, 3]),
        ("L1", "Leadership", [4, 4]),
        ("L2", "Leadership", [4, 5]),
        ("L3", "Leadership", [5, 5]),
    ]:
        rows += [f"{name},{role},B-{i + 1},{v}," for i, v in enumerate(values)]
    import_csv(cli, tmp_path, 1, "\n".join(rows) + "\n", "gap.csv")
    beta = next(e for e in report(cli, 1)["elements"] if e["id"] == "beta")
    # KAM 1, 2, 3 (mean 2) vs Leadership 4, 4.5, 5 (mean 4.5): complete separation, no ties;
    # exact two-sided Mann-Whitney p = 2 x 1 / C(6, 3) = 0.1
    assert beta["by_role"] == {"KAM": pytest.approx(2.0), "Leadership": pytest.approx(4.5)}
    # the only p-value of the report, so Benjamini-Hochberg leaves it as it is
    assert beta["gaps"] == [
        {"roles": ["KAM", "Leadership"], "difference": pytest.approx(-2.5), "higher": "Leadership",
         "p_value": pytest.approx(0.1), "p_adjusted": pytest.approx(0.1), "method": "exact"}
    ]  # fmt: skip


def test_report_table_is_readable(cli, scored):
    result = cli("healthcheck", "report", scored)
    assert result.code == 0, result.output
    for text in ("Alpha", "Beta", "Gamma", "Repeatable", "alpha 2->3"):
        assert text in result.stdout


# ----------------------------------------------------------------------------- demo


def test_demo_is_idempotent(cli, db_path):
    first = cli("demo", "--db", db_path, "--no-open")
    assert first.code == 0, first.output
    assert first.stdout == "demo assessments: 1 (earlier), 2 (current)\n"
    snapshot = (count(db_path, "assessments"), count(db_path, "respondents"), answers(db_path))
    second = cli("demo", "--db", db_path, "--no-open")
    assert (second.code, second.stdout) == (0, first.stdout)
    assert (count(db_path, "assessments"), count(db_path, "respondents"), answers(db_path)) == snapshot
    assert snapshot[0] == 2

    people = query(db_path, "SELECT name, role FROM respondents WHERE assessment_id = 2")
    assert len(people) == 6
    assert len({role for _, role in people}) == 3
    data = report(cli, 2, "--compare", 1)
    assert data["respondents"] == 6
    assert all(len(e["by_role"]) == 3 for e in data["elements"])
    assert all(e["delta"] is not None for e in data["elements"])
    programmes = query(db_path, "SELECT DISTINCT programme FROM assessments")
    assert len(programmes) == 1 and programmes[0][0]  # both belong to the same demo programme


def test_demo_uses_the_db_given_before_the_command(cli, tmp_path):
    target = tmp_path / "demo-here.db"
    result = cli("--db", target, "demo", "--no-open")
    assert result.code == 0, result.output
    assert count(target, "assessments") == 2


def test_level_of_a_score_that_is_exactly_an_integer(cli, tmp_path):
    assert cli("healthcheck", "new", "--title", "Exact three").stdout == "1\n"
    people = {  # ratings on PCM-01.. in order; the rest of the element is left blank
        "R1": [3, 2, 2, 2, 2, 2],  # 13/6
        "R2": [5, 5, 5, 5, 5, 4],  # 29/6
        "R3": [3, 3, 3, 3, 3, 2, 2, 2, 2],  # 23/9
        "R4": [5, 4, 4, 4, 4, 4, 4, 4, 4],  # 37/9
        "R5": [2, 1, 1],  # 4/3
    }  # (13/6 + 29/6 + 23/9 + 37/9 + 4/3) / 5 = (7 + 20/3 + 4/3) / 5 = 15 / 5 = 3
    rows = ["respondent,role,indicator,value,comment"]
    rows += [
        f"{who},KAM,PCM-{i + 1:02d},{v}," for who, values in people.items() for i, v in enumerate(values)
    ]
    import_csv(cli, tmp_path, 1, "\n".join(rows) + "\n", "exact.csv")
    data = report(cli, 1)
    element = next(e for e in data["elements"] if e["id"] == "programme-change")
    assert element["score"] == pytest.approx(3.0)
    assert data["overall"] == pytest.approx(3.0)  # the only element with a score
    assert (element["level"], data["level"], data["level_name"]) == (3, 3, "Repeatable")


# ----------------------------------------------------------------------------- drill-down, trend default


def test_report_json_spread_and_role_means_per_statement(cli, scored):
    indicators = {i["id"]: i for i in report(cli, scored)["indicators"]}
    # Ann 2, Bob 4, Cy 1; A-3: Ann na, Bob 4, Cy 2; B-1: Ann 4, Bob unknown, Cy 5; C-2: Cy unknown
    assert indicators["A-1"]["spread"] == {"1": 1, "2": 1, "3": 0, "4": 1, "5": 0, "na": 0, "unknown": 0}
    assert indicators["A-3"]["spread"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 0, "na": 1, "unknown": 0}
    assert indicators["B-1"]["spread"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1, "na": 0, "unknown": 1}
    assert indicators["C-2"]["spread"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0, "na": 0, "unknown": 1}
    assert indicators["A-1"]["by_role"] == {"KAM": pytest.approx(3.0), "Leadership": pytest.approx(1.0)}
    assert indicators["B-1"]["by_role"] == {"KAM": pytest.approx(4.0), "Leadership": pytest.approx(5.0)}
    data = report(cli, scored)
    assert data["progress"] == pytest.approx(16 / 21)  # 16 answers of 3 x 7, as healthcheck list says
    alpha = next(e for e in data["elements"] if e["id"] == "alpha")
    # rwg(j) over alpha's statements rated twice or more: A-1 (2, 4, 1) variance 7/3, A-2 (3, 4) 1/2,
    # A-3 (4, 2) 2: mean 29/18 (= 1.61), ratio 29/36; J = 3: 3 x 7/36 / (3 x 7/36 + 29/36) = 21/50
    assert alpha["rwg_j"] == pytest.approx(21 / 50)


@pytest.fixture
def two_of_a_programme(cli, tmp_path, mini) -> tuple[int, int]:
    assert cli("healthcheck", "new", "--title", "Before", "--survey", mini, "--programme", "P").stdout == "1\n"
    import_csv(cli, tmp_path, 1, EARLIER_CSV, "earlier.csv")
    assert cli("healthcheck", "new", "--title", "Now", "--survey", mini, "--programme", "P").stdout == "2\n"
    import_csv(cli, tmp_path, 2, CURRENT_CSV, "current.csv")
    return 1, 2


def test_report_compares_with_the_previous_assessment_by_default(cli, two_of_a_programme):
    data = report(cli, 2)  # no --compare: the programme's previous assessment, as Results
    assert data["compare"] == 1
    deltas = {e["id"]: e["delta"] for e in data["elements"]}
    assert deltas["alpha"] == pytest.approx(8 / 3 - 2)  # earlier alpha: Ann 1, Bob 3 -> 2
    assert deltas["beta"] == pytest.approx(12.5 / 3 - 2)
    text = cli("healthcheck", "report", 2).stdout
    assert f"trend {data['overall_delta']:+.2f} vs #1" in text
    for off in (["--compare", "none"], ["--no-compare"], ["--compare", "NONE"]):
        quiet = report(cli, 2, *off)
        assert quiet["compare"] is None and quiet["overall_delta"] is None, off
        assert all(e["delta"] is None for e in quiet["elements"])
        assert "trend" not in cli("healthcheck", "report", 2, *off).stdout
    assert report(cli, 2, "--compare", "previous")["compare"] == 1
    first = cli("healthcheck", "report", 1)
    assert "no earlier assessment to compare with" in first.stdout  # the first of its programme
    both = cli("healthcheck", "report", 2, "--no-compare", "--compare", "1")
    assert both.code == 2 and "--no-compare and --compare exclude each other" in both.stderr
    bad = cli("healthcheck", "report", 2, "--compare", "last")
    assert bad.code == 1
    assert "error: --compare: expected an assessment id, 'previous' or 'none', got 'last'" in bad.stderr


def test_the_cli_default_trend_is_the_apps(cli):
    import inspect

    from kamtui.commands.healthcheck import report as command
    from kamtui.service.healthcheck import PREVIOUS
    from kamtui.tui.app import KamApp
    from kamtui.tui.screens.results import ResultsScreen

    option = next(p for p in command.params if p.name == "compare")
    assert option.default == PREVIOUS
    assert inspect.signature(ResultsScreen).parameters["compare"].default == PREVIOUS
    assert inspect.signature(KamApp.open_results).parameters["compare"].default == PREVIOUS


def test_report_text_names_the_higher_role_and_the_adjusted_p(cli, tmp_path, mini):
    assert cli("healthcheck", "new", "--title", "Gap", "--survey", mini).stdout == "1\n"
    rows = ["respondent,role,indicator,value,comment"]
    for name, role, value in [("K1", "KAM", 1), ("K2", "KAM", 2), ("K3", "KAM", 3), ("L1", "Leadership", 4),
                              ("L2", "Leadership", 5), ("L3", "Leadership", 5)]:  # fmt: skip
        rows.append(f"{name},{role},B-1,{value},")
    import_csv(cli, tmp_path, 1, "\n".join(rows) + "\n", "gap.csv")
    text = cli("healthcheck", "report", 1).stdout
    # KAM 1, 2, 3 vs Leadership 4, 5, 5 (tied): permutation p = 2 x 1/20 = 0.1, the report's only p-value
    assert "  Beta: Leadership higher than KAM by 2.67 (p = 0.100, adjusted 0.100, permutation)" in text
    assert "Respondents: 6   Progress: 14%   Rated: 14%" in text  # 6 answers of 6 x 7


def test_import_message_counts_in_the_singular(cli, tmp_path, mini):
    assert cli("healthcheck", "new", "--title", "One", "--survey", mini).stdout == "1\n"
    path = tmp_path / "one.csv"
    path.write_text("respondent,role,indicator,value,comment\nAnn,KAM,A-1,3,\n", encoding="utf-8")
    result = cli("healthcheck", "import", 1, path)
    assert (result.code, result.stdout) == (0, "imported 1 answer from 1 respondent into assessment 1\n")
