"""The built-in survey content, version 2 (issue 15): what a KAM consultant would sign.

Checks the style rules every statement follows (no frequency and no yes/no threshold in the text, five
anchors for every statement), the points of the issue's section 2 one by one, the process pulse's links to
the healthcheck, that no survey text copies a 6-word run of the seed articles, and that an assessment
stored with the version-1 survey still reports exactly as before (tests/data/kam-healthcheck-v1.toml is a
frozen copy of the version-1 file).
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
import tomllib
from pathlib import Path

import pytest

from kamtui.core.healthcheck import Answer, score_assessment
from kamtui.core.levels import LEVEL_NAMES
from kamtui.core.survey import Survey, load_survey, survey_from_dict

ROOT = Path(__file__).resolve().parents[2]
V1_FILE = ROOT / "tests" / "data" / "kam-healthcheck-v1.toml"
SHINGLES = ROOT / "tests" / "data" / "seed-shingles.txt"
SURVEY_FILES = sorted((ROOT / "surveys").glob("*.toml"))
CRITERIA_FILES = sorted((ROOT / "criteria").glob("*.toml"))

# A frequency in a statement ("quarterly", "every year", "twice", "regularly") ...
FREQUENCY = re.compile(
    r"\b(daily|weekly|fortnightly|monthly|quarterly|yearly|annual|annually|biannual|twice|once|"
    r"regular|regularly|frequency|frequently|often|seldom|rarely|"
    r"(every|each|per|a|an) (day|week|month|quarter|year|half-year)s?)\b",
    re.IGNORECASE,
)
# ... or a yes/no threshold ("at least", "within a few days", "never", "twelve months", "50%").
THRESHOLD = re.compile(
    r"\b(at least|at most|no more than|no less than|more than|less than|fewer than|within|never|always|"
    r"only|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|first|days?|weeks?|months?)\b"
    r"|\d|%",
    re.IGNORECASE,
)


def v2(survey_id: str) -> Survey:
    survey = load_survey(survey_id)
    assert survey.version == 2
    return survey


def style_problems(survey: Survey) -> list[str]:
    found = []
    for ind in survey.indicators:
        for rule in (FREQUENCY, THRESHOLD):
            match = rule.search(ind.text)
            if match:
                found.append(f"{ind.id}: '{match.group(0)}' in {ind.text!r}")
    return found


# --- the style rules ---------------------------------------------------------------------------


@pytest.mark.parametrize("survey_id", ["kam-healthcheck", "kam-process-pulse"])
def test_no_statement_carries_a_frequency_or_a_yes_no_threshold(survey_id):
    assert style_problems(v2(survey_id)) == []


def test_the_style_check_catches_the_version_1_statements_it_was_written_for():
    found = {line.split(":")[0] for line in style_problems(load_survey(V1_FILE))}
    # the yes/no checks and frequencies the review named (MAK-03 "within a few days", DKM-10 "never", ...)
    assert {
        "PCM-06",
        "PCM-08",
        "CCC-06",
        "ASL-05",
        "KPR-04",
        "KPR-10",
        "DCI-06",
        "KAP-01",
        "MAK-03",
        "DKM-10",
    } <= (found)


@pytest.mark.parametrize("survey_id", ["kam-healthcheck", "kam-process-pulse"])
def test_every_statement_has_five_distinct_anchors(survey_id):
    survey = v2(survey_id)
    assert len(survey.scale) == 5
    for ind in survey.indicators:
        anchors = survey.anchors_for(ind.id)
        assert len(anchors) == 5 and len(set(anchors)) == 5, ind.id
        assert all(a.strip() for a in anchors), ind.id
        assert survey.anchors_source(ind.id) == ("indicator" if ind.levels else "scale")


def test_the_survey_scale_is_an_extent_scale_from_absent_to_improving():
    scale = v2("kam-healthcheck").scale
    assert [anchor.split(":")[0] for anchor in scale] == [
        "Absent",
        "In pockets",
        "Standard",
        "Enforced and measured",
        "Improving",
    ]
    assert v2("kam-process-pulse").scale == scale


def test_frequencies_and_thresholds_moved_into_the_statements_own_anchors():
    survey = v2("kam-healthcheck")
    own = {ind.id for ind in survey.indicators if ind.levels}
    # the former yes/no checks (MAK-03 was rewritten as the follow-up of customer meetings instead)
    assert {"PCM-06", "CCC-06", "ASL-05", "KPR-04", "KPR-10", "DCI-06", "KAP-01", "DKM-10"} <= own
    for ind_id, word in [
        ("PCM-08", "quarter"),
        ("CCC-06", "yearly"),
        ("ASL-05", "yearly"),
        ("KPR-10", "yearly"),
        ("DCI-06", "yearly"),
        ("SOR-02", "yearly"),
        ("KAP-01", "coming year"),
        ("KPR-04", "first quarter"),
    ]:
        assert word in " ".join(survey.anchors_for(ind_id)), ind_id


# --- kam-healthcheck version 2: shape and the points of the review -----------------------------


def test_same_elements_and_indicator_ids_as_version_1():
    survey, v1 = v2("kam-healthcheck"), load_survey(V1_FILE)
    assert (survey.id, v1.version) == ("kam-healthcheck", 1)
    assert [e.id for e in survey.elements] == [e.id for e in v1.elements]
    assert [e.name for e in survey.elements] == [e.name for e in v1.elements]
    assert [len(e.indicators) for e in survey.elements] == [10] * 12
    assert survey.indicator_ids == v1.indicator_ids
    assert all(re.fullmatch(r"[A-Z]{3}-(0[1-9]|10)", i) for i in survey.indicator_ids)
    assert LEVEL_NAMES == {1: "Ad hoc", 2: "Awareness", 3: "Repeatable", 4: "Predictable", 5: "Activating"}


def test_the_description_credits_four_pillars_and_kapta():
    description = v2("kam-healthcheck").description
    assert "element titles follow the Four Pillars KAM Healthcheck" in description
    assert "names of the five levels follow Kapta's KAM maturity model" in description
    assert "Kapta's KAM maturity model" in v2("kam-process-pulse").description


@pytest.mark.parametrize("survey_id", ["kam-healthcheck", "kam-process-pulse"])
def test_every_prescription_names_an_owner_and_a_time_box(survey_id):
    shape = re.compile(r"\(owner: [^()]+, (within )?\d+(-\d+)? (quarter|quarters|year|years)\)\.?$")
    for element in v2(survey_id).elements:
        for text in element.prescriptions:
            assert shape.search(text), f"{element.id}: {text}"


@pytest.mark.parametrize("survey_id", ["kam-healthcheck", "kam-process-pulse"])
def test_level_5_is_differentiated_not_always_co_created(survey_id):
    tops = [e.levels[4] for e in v2(survey_id).elements]
    assert not any("co-creat" in top.lower() for top in tops)
    differentiated = [t for t in tops if re.search(r"segment|tier|largest|most strategic|smaller", t)]
    assert len(differentiated) == len(tops)


def test_the_missing_topics_are_covered():
    texts = {ind.id: ind.text for ind in v2("kam-healthcheck").indicators}
    topics = {
        "a flexible process that fits the customer": ("KPR-03", "room to fit"),
        "the process understood by internal stakeholders": ("CCC-01", "briefed on the KAM process"),
        "collaboration with partners": ("BAT-10", "Partners who deliver"),
        "the KAM role distinct from sales": ("SOR-10", "distinct from field sales"),
        "a programme-level skills plan": ("PCM-10", "programme-level skills plan"),
        "team behaviour, proactive": ("BAT-07", "before the customer raises them"),
        "leadership mindset": ("CCC-09", "executive team's agenda"),
        "workarounds": ("CCC-08", "workarounds"),
        "follow-up after customer meetings": ("MAK-03", "Follow-up actions agreed in customer meetings"),
        "the customer journey mapped": ("KPR-09", "journey"),
        "account health": ("MAK-07", "health of each key account"),
        "trusted-advisor standing": ("SDV-09", "ask the account team for advice"),
        "KAM overload": ("SOR-08", "account load"),
        "the process independent of any software": ("KPR-08", "whatever tool holds"),
        "leaders over-confident about maturity": ("PCM-09", "checked against evidence"),
        "relationship-stage targets": ("KAP-02", "target relationship stage"),
        "customer onboarding and adoption": ("SDV-07", "onboarding and adoption"),
        "advocacy": ("SDV-10", "references or advocates"),
        "customer input to the roadmap": ("CCC-07", "roadmap"),
        "SWOT per account": ("DCI-05", "SWOT"),
        "the customer's view of our relative strength": (
            "DCI-04",
            "rating of us against the best competitor",
        ),
    }
    for topic, (ind_id, phrase) in topics.items():
        assert phrase in texts[ind_id], f"{topic}: {ind_id} {texts[ind_id]!r}"


def test_duplicates_and_the_tool_feature_item_are_gone():
    survey = v2("kam-healthcheck")
    texts = [ind.text for ind in survey.indicators]
    assert len(set(texts)) == 120
    assert not any("robust" in t.lower() for t in texts)  # ASL-09 tested a feature of this tool
    assert not any("CRM" in t for t in texts)  # the process and the records do not depend on a software
    by_id = {ind.id: ind.text for ind in survey.indicators}
    # one item on the buying centre (DCI-03/04/05 were three views of it), KAP-02 no longer contradicts itself
    assert sum("buying centre" in t for t in texts) == 1
    assert "revenue" not in by_id["KAP-02"].lower() and "sales and profit targets" in by_id["KAP-02"]
    # four items were about account profitability: MRP-02 measures it, SOR-03 makes the KAM accountable
    # for it; MAK-07 and SDV-07 now cover account health and adoption
    assert "profitability" in by_id["MRP-02"] and "profit and loss" in by_id["SOR-03"]
    for ind_id in ("MAK-07", "SDV-07"):
        assert not re.search(r"profit|margin|cost", by_id[ind_id]), by_id[ind_id]


def test_element_levels_and_prescriptions_line_up():
    survey = v2("kam-healthcheck")
    element = {e.id: e for e in survey.elements}
    dkm = element["kam-development"]
    assert "certif" not in dkm.levels[3].lower() and "certif" in dkm.levels[4].lower()
    assert "Certify" in dkm.prescriptions[3]
    asl = element["account-selection"]
    assert "exit rules" in asl.levels[3] and "exit rules" in asl.prescriptions[2]
    # the 1->2 steps reach level 2 and no further
    assert "charter" not in element["programme-change"].prescriptions[0]
    assert "charter" in element["programme-change"].levels[2]
    assert "RACI" not in element["account-teams"].prescriptions[0]
    assert "every key account they hold" in element["account-plans"].prescriptions[0]
    mak = element["account-knowledge"]
    assert not ("current" in mak.levels[3] and "current" in mak.levels[4])


# --- the process pulse ---------------------------------------------------------------------------


def test_pulse_items_link_to_the_healthcheck_by_maps_to():
    pulse, healthcheck = v2("kam-process-pulse"), v2("kam-healthcheck")
    links = {ind.id: ind.maps_to for ind in pulse.indicators}
    assert links == {
        "PP-01": "KPR-01",
        "PP-02": "KPR-05",
        "PP-03": "KPR-07",
        "PP-04": "KPR-02",
        "PP-05": "KPR-03",
        "PP-06": "KPR-04",
        "PP-07": "KPR-08",
        "PP-08": "KPR-06",
        "PP-09": "KPR-06",
        "PP-10": "KPR-06",
        "PP-11": None,  # the rhythms have no counterpart statement in the healthcheck
        "PP-12": None,
        "PP-13": "KPR-09",
    }
    for target in filter(None, links.values()):
        assert healthcheck.indicator(target) is not None, target


def test_pulse_items_9_and_10_are_split():
    texts = {ind.id: ind.text for ind in v2("kam-process-pulse").indicators}
    assert "owners in the KAM team" in texts["PP-09"] and "rhythm" not in texts["PP-09"]
    assert "rhythm" in texts["PP-12"]
    assert "owners across the company" in texts["PP-10"] and "hand-off" not in texts["PP-10"].lower()
    assert "Hand-offs" in texts["PP-13"]


# --- no copying from the seed articles -----------------------------------------------------------


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "").replace("'", ""))


def run_key(run: list[str]) -> str:
    return hashlib.sha256(" ".join(run).encode()).hexdigest()[:10]


def seed_keys() -> set[str]:
    lines = SHINGLES.read_text(encoding="utf-8").splitlines()
    return {line for line in lines if line and not line.startswith("#")}


def strings_in(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in strings_in(item)]
    if isinstance(value, list):
        return [s for item in value for s in strings_in(item)]
    return []


def copied_runs(path: Path, keys: set[str]) -> list[str]:
    found = []
    for text in strings_in(tomllib.loads(path.read_text(encoding="utf-8"))):
        w = words(text)
        found += [" ".join(w[i : i + 6]) for i in range(len(w) - 5) if run_key(w[i : i + 6]) in keys]
    return found


def test_the_hashed_seed_runs_are_there_and_match_a_known_run():
    keys = seed_keys()
    assert len(keys) == 6477
    # a 6-word run of seed article 002 (the Four Pillars blog), quoted here as the check's own control
    assert run_key(words("Without solid programme management, companies run")) in keys
    assert run_key(words("Without solid programme management, companies walk")) not in keys


@pytest.mark.parametrize("path", SURVEY_FILES + CRITERIA_FILES, ids=lambda p: p.name)
def test_no_survey_or_criteria_text_copies_six_words_of_a_seed_article(path):
    assert copied_runs(path, seed_keys()) == []


# --- an assessment stored with the version-1 survey reports exactly as before ---------------------


def workshop_answers(survey: Survey) -> list[Answer]:
    """Seven respondents in three roles answer every statement (4 % na, 4 % unknown), from a fixed seed."""
    rng = random.Random(15)
    people = [
        ("Ann", "Leadership"),
        ("Ben", "KAM"),
        ("Cleo", "KAM"),
        ("Dev", "Sales ops"),
        ("Eli", "KAM"),
        ("Fay", "Sales ops"),
        ("Gus", "Leadership"),
    ]
    out = []
    for name, role in people:
        for ind in survey.indicators:
            draw = rng.random()
            if draw < 0.04:
                out.append(Answer(name, ind.id, None, "na", role))
            elif draw < 0.08:
                out.append(Answer(name, ind.id, None, "unknown", role))
            else:
                out.append(Answer(name, ind.id, rng.randint(1, 5), "rated", role))
    return out


def test_an_assessment_stored_with_the_version_1_survey_reports_as_before():
    # what the store keeps (kamtui.store.healthchecks.create_assessment): the survey's to_dict() as JSON;
    # the digest was taken with the version-1 code (git HEAD before issue 15) on the same file
    stored = json.dumps(load_survey(V1_FILE).to_dict(), ensure_ascii=False)
    assert hashlib.sha256(stored.encode()).hexdigest() == (
        "07ae698373108954f8613c6926a7f8d355a52bb35c10ee79cbb87f225d86c1b9"
    )
    survey = survey_from_dict(json.loads(stored), "assessment 1 survey")
    assert survey == load_survey(V1_FILE)
    assert survey.scale == () and not any(i.levels or i.maps_to for i in survey.indicators)
    assert survey.anchors_for("PCM-01") == survey.elements[0].levels  # rated on the element's levels
    assert json.dumps(survey.to_dict(), ensure_ascii=False) == stored
    report = score_assessment(survey, workshop_answers(survey))
    # the numbers the version-1 code gives for these answers
    assert report.overall == 2.923219009826153 and report.level == 2
    assert [round(e.score, 6) for e in report.elements] == [
        2.82381,
        2.660204,
        3.091667,
        2.850113,
        2.836508,
        2.998413,
        2.662358,
        3.184921,
        3.126984,
        3.071429,
        2.85873,
        2.913492,
    ]
    assert [e.level for e in report.elements] == [2, 2, 3, 2, 2, 2, 2, 3, 3, 3, 2, 2]
    assert [round(e.rwg, 6) for e in report.elements] == [
        0.916822,
        0.927671,
        0.865104,
        0.947818,
        0.820277,
        0.869415,
        0.978042,
        0.948278,
        0.767698,
        0.918419,
        0.908113,
        0.945021,
    ]
    assert [p.element for p in report.prescription] == [
        "measuring-rewarding",
        "structure-organisation",
        "programme-change",
        "kam-process",
        "account-knowledge",
        "selling-value",
        "account-plans",
        "account-selection",
        "customer-insight",
        "customer-centric-culture",
        "account-teams",
        "kam-development",
    ]
    v1_file = tomllib.loads(V1_FILE.read_text(encoding="utf-8"))
    assert report.prescription[0].text == v1_file["elements"][1]["prescriptions"][1]  # level 2 -> 3


def write_seed_keys(folder: Path) -> int:
    """Regenerate tests/data/seed-shingles.txt from the seed articles (``*.txt`` in ``folder``)."""
    keys: set[str] = set()
    for path in sorted(folder.glob("*.txt")):
        w = words(path.read_text(encoding="utf-8"))
        keys |= {run_key(w[i : i + 6]) for i in range(len(w) - 5)}
    head = [line for line in SHINGLES.read_text(encoding="utf-8").splitlines() if line.startswith("#")]
    SHINGLES.write_text("\n".join([*head, *sorted(keys)]) + "\n", encoding="utf-8")
    return len(keys)


if __name__ == "__main__":  # python tests/unit/test_survey_content_v2.py FOLDER_OF_SEED_ARTICLES
    print(f"{write_seed_keys(Path(sys.argv[1]))} runs written to {SHINGLES}")
