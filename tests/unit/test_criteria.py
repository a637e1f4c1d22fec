"""Criteria sets: the built-in file, loading by id or path, and every validation message."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from kamtui.core.criteria import CriteriaSet, Criterion
from kamtui.core.criteria_file import (
    list_builtin_criteria,
    load_criteria,
    parse_criteria,
    validate_criteria_file,
)
from kamtui.core.errors import CriteriaError, NotFoundError

HEAD = """\
id = "mini"
title = "Mini set"
"""

GOOD_A = """\
[[criteria]]
id = "revenue"
name = "Revenue"
group = "attractiveness"
kind = "number"
unit = "EUR"
transform = "log"
weight = 30
"""

GOOD_S = """\
[[criteria]]
id = "stage"
name = "Relationship stage"
group = "strength"
kind = "rating"
scale = [1, 5]
labels = ["Exploratory", "Basic", "Cooperative", "Interdependent", "Integrated"]
weight = 20
"""


def write(tmp_path: Path, text: str, name: str = "set.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def problems_of(tmp_path: Path, text: str) -> list[str]:
    """The problem lines of loading ``text``, as the user sees them."""
    path = write(tmp_path, text)
    with pytest.raises(CriteriaError) as caught:
        load_criteria(path)
    error = caught.value
    assert error.source == str(path)
    lines = str(error).splitlines()
    count = len(error.problems)
    assert lines[0] == f"{path}: {count} problem{'s' if count != 1 else ''} found, nothing was changed"
    return [line.removeprefix(f"{path}:") for line in lines[1:]]


# --- the built-in set ---------------------------------------------------------------------------


def test_builtin_default_set_loads_with_its_documented_shape():
    """kam-default version 2 (issue 15): attractiveness independent of our position, ranked by it."""
    criteria = load_criteria("kam-default")
    assert (criteria.id, criteria.version, criteria.rank_by) == ("kam-default", 2, "attractiveness")
    assert criteria.source == "kam-default.toml"
    assert len(criteria) == 12
    assert criteria.points.sum() == 100.0
    assert all(c.description for c in criteria)
    groups = {g: [c.id for c in criteria if c.group == g] for g in ("attractiveness", "strength")}
    assert groups == {
        "attractiveness": [
            "addressable_spend",
            "growth_outlook",
            "margin_potential",
            "strategic_fit",
            "willingness_to_partner",
            "footprint_fit",
            "credit_risk",
            "cost_to_serve",
        ],
        "strength": ["relative_strength", "access_to_decision_makers", "share_of_wallet", "track_record"],
    }
    assert sum(c.weight for c in criteria if c.group == "attractiveness") == 60.0
    spend = criteria.by_id("addressable_spend")
    assert (spend.kind, spend.unit, spend.transform, spend.scale) == ("number", "EUR", "log", None)
    share = criteria.by_id("share_of_wallet")
    assert (share.kind, share.unit, share.scale, share.transform) == ("number", "%", (0.0, 100.0), None)
    assert share.has_fixed_scale and not spend.has_fixed_scale
    assert [c.id for c in criteria if c.is_cost] == ["credit_risk", "cost_to_serve"]
    assert "relationship_stage" not in criteria.ids and "revenue_potential" not in criteria.ids
    assert "best competitor" in criteria.by_id("relative_strength").description
    np.testing.assert_array_equal(criteria.rank_columns, [True] * 8 + [False] * 4)
    assert (criteria.thresholds.attractiveness, criteria.thresholds.strength) == (5.0, 5.0)


def test_builtin_version_1_set_is_kept_for_databases_scored_on_it():
    criteria = load_criteria("kam-default-v1")
    assert criteria.id == "kam-default-v1"
    assert (criteria.version, criteria.rank_by) == (1, "overall")
    assert criteria.source == "kam-default-v1.toml"
    assert 8 <= len(criteria) <= 12
    assert criteria.points.sum() == 100.0
    assert set(c.group for c in criteria) == {"attractiveness", "strength"}
    assert all(c.description for c in criteria)
    revenue = criteria.by_id("revenue_potential")
    assert (revenue.kind, revenue.unit, revenue.transform, revenue.group) == (
        "number",
        "EUR",
        "log",
        "attractiveness",
    )
    assert criteria.by_id("cost_to_serve").direction == "cost"
    stage = criteria.by_id("relationship_stage")
    assert stage.scale == (1.0, 5.0)
    assert stage.labels == ("Exploratory", "Basic", "Cooperative", "Interdependent", "Integrated")
    assert stage.label_for(4.0) == "Interdependent"
    assert stage.label_for(4.5) is None
    assert criteria.by_id("share_of_wallet").unit == "%"
    assert (criteria.thresholds.attractiveness, criteria.thresholds.strength) == (5.0, 5.0)


def test_builtin_sets_are_listed_and_round_trip_through_their_dict():
    sets = list_builtin_criteria()
    assert [s.id for s in sets][:2] == ["kam-default", "kam-default-v1"]
    for criteria in sets:
        again = parse_criteria(criteria.to_dict(), "again.toml")
        assert again.criteria == criteria.criteria
        assert again.thresholds == criteria.thresholds
        assert again.title == criteria.title
        assert (again.rank_by, again.version) == (criteria.rank_by, criteria.version)
    v1 = load_criteria("kam-default-v1").to_dict()
    assert "rank_by" not in v1 and "version" not in v1  # a version-1 set keeps its old shape
    v2 = load_criteria("kam-default").to_dict()
    assert (v2["version"], v2["rank_by"]) == (2, "attractiveness")
    assert next(c for c in v2["criteria"] if c["id"] == "share_of_wallet")["scale"] == [0, 100]


def test_unknown_builtin_id_is_not_found_and_lists_the_builtins():
    with pytest.raises(NotFoundError) as caught:
        load_criteria("nope")
    assert str(caught.value).startswith("no built-in criteria set 'nope' (built-in: ")
    assert "kam-default" in str(caught.value)


def test_a_file_loads_by_path_and_keeps_the_path_as_source(tmp_path):
    path = write(tmp_path, HEAD + "description = ' two criteria '\n" + GOOD_A + GOOD_S)
    criteria = load_criteria(str(path))
    assert criteria.source == str(path)
    assert criteria.ids == ("revenue", "stage")
    assert criteria.description == "two criteria"
    assert criteria.by_id("stage").scale == (1.0, 5.0)
    assert criteria.by_id("revenue").scale is None
    assert criteria.by_id("revenue").direction == "benefit"
    np.testing.assert_array_equal(criteria.points, [30.0, 20.0])
    np.testing.assert_array_equal(criteria.weights, [0.6, 0.4])
    np.testing.assert_array_equal(criteria.group_mask("strength"), [False, True])
    assert validate_criteria_file(path) == []


def test_rating_scale_defaults_to_one_to_ten(tmp_path):
    text = (
        HEAD
        + GOOD_A
        + GOOD_S.replace(
            'scale = [1, 5]\nlabels = ["Exploratory", "Basic", "Cooperative", '
            '"Interdependent", "Integrated"]\n',
            "",
        )
    )
    assert load_criteria(write(tmp_path, text)).by_id("stage").scale == (1.0, 10.0)


# --- accessors ----------------------------------------------------------------------------------


def test_match_column_takes_id_or_name_ignoring_case_and_spaces():
    criteria = load_criteria("kam-default-v1")
    assert criteria.match_column("  SHARE of Wallet ").id == "share_of_wallet"
    assert criteria.match_column("Revenue_Potential").id == "revenue_potential"
    assert criteria.match_column("share") is None
    assert criteria.match_column("   ") is None
    v2 = load_criteria("kam-default")
    assert v2.match_column("addressable spend  IN our category").id == "addressable_spend"
    assert v2.match_column("Relative strength (customer's view)").id == "relative_strength"


def test_match_column_compares_by_name_key():
    made = CriteriaSet(
        id="x",
        title="X",
        criteria=[
            Criterion(id="muller", name="Müller score", group="attractiveness", kind="rating", weight=1),
            Criterion(id="fit", name="Fit", group="strength", kind="rating", weight=1),
        ],
    )
    assert made.match_column("MU\u0308LLER SCORE").id == "muller"  # NFD, upper case
    assert made.match_column("Müller   score").id == "muller"


def test_by_id_of_an_unknown_criterion_lists_the_ids():
    criteria = load_criteria("kam-default-v1")
    assert criteria.by_id["track_record"] is criteria.by_id("track_record") is criteria.criteria[11]
    assert criteria.index_of("share_of_wallet") == 8
    with pytest.raises(NotFoundError):
        criteria.by_id["size"]
    with pytest.raises(NotFoundError) as caught:
        criteria.by_id("size")
    assert str(caught.value).startswith(
        "criteria set 'kam-default-v1' has no criterion 'size' (criteria: revenue_potential, "
    )


def test_check_value_explains_each_kind_of_bad_value():
    rating = Criterion(id="fit", name="Fit", group="strength", kind="rating", weight=1, scale=(1, 5))
    money = Criterion(
        id="rev", name="Revenue", group="attractiveness", kind="number", weight=1, transform="log"
    )
    share = Criterion(id="sow", name="Share", group="strength", kind="number", weight=1)
    assert rating.check_value(5) is None
    assert rating.check_value(2.5) is None
    assert rating.check_value(None) is None
    assert rating.check_value(math.nan) is None
    assert rating.check_value(6) == "6 is outside the rating scale 1 to 5 of 'Fit'"
    assert rating.check_value(0.5) == "0.5 is outside the rating scale 1 to 5 of 'Fit'"
    assert rating.check_value(math.inf) == "inf is not a finite number"
    assert rating.check_value("4") == "'4' is not a number"
    assert money.check_value(0) is None
    assert money.check_value(-2) == "-2 is negative; 'Revenue' is log-transformed and needs values >= 0"
    assert share.check_value(-2) is None


# --- every validation problem, by its message ----------------------------------------------------


def test_toml_syntax_error_names_the_line(tmp_path):
    lines = problems_of(tmp_path, 'id = "x"\ntitle = "y"\nweight = = 3\n')
    assert len(lines) == 1
    assert lines[0].startswith("line 3: TOML syntax error at line 3, column ")


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(CriteriaError) as caught:
        load_criteria(tmp_path / "absent.toml")
    assert str(caught.value).splitlines()[1] == f"{tmp_path / 'absent.toml'}: file not found"
    assert [str(p) for p in validate_criteria_file(tmp_path / "absent.toml")] == [
        f"{tmp_path / 'absent.toml'}: file not found"
    ]


def test_missing_top_level_keys_and_no_criteria(tmp_path):
    assert problems_of(tmp_path, 'description = "d"\n') == [
        "id: missing key 'id' (in top level)",
        "title: missing key 'title' (in top level)",
        "criteria: no criteria; add at least one [[criteria]] table",
    ]
    assert problems_of(tmp_path, HEAD + "criteria = []\n") == [
        "criteria: no criteria; add at least one [[criteria]] table"
    ]


def test_unknown_and_mistyped_top_level_keys(tmp_path):
    lines = problems_of(tmp_path, HEAD + "colour = 'red'\ncriteria = 'all'\n")
    assert lines == [
        "colour: unknown key 'colour' (allowed here: criteria, description, id, rank_by, thresholds, title, "
        "version)",
        "criteria: expected a list, found text 'all'",
    ]


def test_bad_set_id(tmp_path):
    lines = problems_of(tmp_path, 'id = "My Set"\ntitle = "t"\n' + GOOD_A + GOOD_S)
    assert lines == ["id: 'My Set' is not a valid id (use lowercase letters, digits, '-' and '_')"]


def test_criterion_missing_and_unknown_keys(tmp_path):
    text = HEAD + GOOD_A + GOOD_S + '[[criteria]]\nid = "x"\nname = "X"\ncolour = "red"\n'
    assert problems_of(tmp_path, text) == [
        "criteria[2].group: missing key 'group' (in criteria[2])",
        "criteria[2].kind: missing key 'kind' (in criteria[2])",
        "criteria[2].weight: missing key 'weight' (in criteria[2])",
        "criteria[2].colour: unknown key 'colour' (allowed here: description, direction, group, id, kind, "
        "labels, name, scale, transform, unit, weight)",
    ]


def test_criterion_wrong_types(tmp_path):
    text = (
        HEAD
        + GOOD_A.replace("weight = 30", 'weight = "thirty"')
        + GOOD_S.replace('name = "Relationship stage"', "name = 5")
    )
    assert problems_of(tmp_path, text) == [
        "criteria[0].weight: expected a number, found text 'thirty'",
        "criteria[1].name: expected text, found int 5",
    ]


def test_boolean_is_not_a_weight(tmp_path):
    assert problems_of(tmp_path, HEAD + GOOD_A.replace("weight = 30", "weight = true") + GOOD_S) == [
        "criteria[0].weight: expected a number, found true/false"
    ]


def test_bad_criterion_id_and_empty_name(tmp_path):
    text = (
        HEAD
        + GOOD_A.replace('id = "revenue"', 'id = "Revenue-3y"')
        + GOOD_S.replace('name = "Relationship stage"', 'name = "  "')
    )
    assert problems_of(tmp_path, text) == [
        "criteria[0].id: 'Revenue-3y' is not a valid id (use lowercase letters, digits and '_')",
        "criteria[1].name: empty text",
    ]


def test_duplicate_ids_and_names_ignoring_case(tmp_path):
    twin = GOOD_S.replace('id = "stage"', 'id = "revenue"').replace(
        'name = "Relationship stage"', 'name = "Stage"'
    )
    third = GOOD_S.replace('id = "stage"', 'id = "stage2"').replace(
        'name = "Relationship stage"', 'name = "REVENUE"'
    )
    assert problems_of(tmp_path, HEAD + GOOD_A + twin + third) == [
        "criteria[1].id: duplicate id 'revenue' (also used by criteria[0])",
        "criteria[2].name: duplicate name 'REVENUE' (also used by criteria[0]; case is ignored)",
    ]


def test_bad_group_kind_direction_transform_say_what_is_allowed(tmp_path):
    text = (
        HEAD
        + GOOD_A.replace('transform = "log"', 'transform = "sqrt"').replace(
            'group = "attractiveness"', 'group = "size"'
        )
        + GOOD_S.replace('kind = "rating"', 'kind = "stars"\ndirection = "up"')
    )
    assert problems_of(tmp_path, text) == [
        "criteria[0].group: unknown group 'size' (allowed: attractiveness, strength)",
        "criteria[0].transform: unknown transform 'sqrt' (allowed: log)",
        "criteria[1].kind: unknown kind 'stars' (allowed: number, rating)",
        "criteria[1].direction: unknown direction 'up' (allowed: benefit, cost)",
    ]


def test_scale_problems(tmp_path):
    backwards = GOOD_S.replace("scale = [1, 5]", "scale = [5, 1]")
    assert problems_of(tmp_path, HEAD + GOOD_A + backwards) == [
        "criteria[1].scale: scale lo (5) must be below hi (1)"
    ]
    equal = GOOD_S.replace("scale = [1, 5]", "scale = [3, 3]")
    assert problems_of(tmp_path, HEAD + GOOD_A + equal) == [
        "criteria[1].scale: scale lo (3) must be below hi (3)"
    ]
    three = GOOD_S.replace("scale = [1, 5]", 'scale = [1, "5"]')
    assert problems_of(tmp_path, HEAD + GOOD_A + three) == [
        "criteria[1].scale: expected [lo, hi]: a list of two numbers"
    ]
    on_log_number = GOOD_A.replace('unit = "EUR"', "scale = [0, 10]")  # GOOD_A is log-transformed
    assert problems_of(tmp_path, HEAD + on_log_number + GOOD_S) == [
        "criteria[0].scale: 'scale' and 'transform' exclude each other: a number on a fixed scale is "
        "normalised on that scale, not log-transformed; drop one of them"
    ]


def test_label_problems(tmp_path):
    short = GOOD_S.replace('"Interdependent", "Integrated"', '"Interdependent"')
    assert problems_of(tmp_path, HEAD + GOOD_A + short) == [
        "criteria[1].labels: expected exactly 5 labels (one per step 1 to 5), found 4"
    ]
    fractional = GOOD_S.replace("scale = [1, 5]", "scale = [0.5, 5]")
    assert problems_of(tmp_path, HEAD + GOOD_A + fractional) == [
        "criteria[1].labels: labels need a whole-number scale, found 0.5 to 5"
    ]
    on_number = GOOD_A.replace('unit = "EUR"', 'labels = ["low", "high"]')
    assert problems_of(tmp_path, HEAD + on_number + GOOD_S) == [
        "criteria[0].labels: 'labels' is only for rating criteria (this one is a number)"
    ]


def test_transform_and_unit_are_only_for_numbers(tmp_path):
    text = HEAD + GOOD_A + GOOD_S.replace("weight = 20", 'weight = 20\ntransform = "log"\nunit = "pts"')
    assert problems_of(tmp_path, text) == [
        "criteria[1].unit: 'unit' is only for number criteria (this one is a rating)",
        "criteria[1].transform: 'transform' is only for number criteria (this one is a rating)",
    ]


def test_negative_weight_and_all_weights_zero(tmp_path):
    assert problems_of(tmp_path, HEAD + GOOD_A.replace("weight = 30", "weight = -5") + GOOD_S) == [
        "criteria[0].weight: negative weight -5 (weights are points >= 0)"
    ]
    zero = HEAD + GOOD_A.replace("weight = 30", "weight = 0") + GOOD_S.replace("weight = 20", "weight = 0.0")
    assert problems_of(tmp_path, zero) == [
        "criteria: all weights are zero; give at least one criterion a positive weight"
    ]
    assert problems_of(tmp_path, HEAD + GOOD_A.replace("weight = 30", "weight = nan") + GOOD_S) == [
        "criteria[0].weight: weight must be a finite number, found nan"
    ]


def test_each_group_needs_a_criterion(tmp_path):
    assert problems_of(tmp_path, HEAD + GOOD_A) == [
        "criteria: no criterion in group 'strength'; each group needs at least one"
    ]


def test_thresholds_must_lie_within_0_and_10(tmp_path):
    text = HEAD + "[thresholds]\nattractiveness = 11\nstrength = -0.5\nsize = 3\n" + GOOD_A + GOOD_S
    assert problems_of(tmp_path, text) == [
        "thresholds.size: unknown key 'size' (allowed here: attractiveness, strength)",
        "thresholds.attractiveness: 11 is outside 0 to 10 (group scores run 0-10)",
        "thresholds.strength: -0.5 is outside 0 to 10 (group scores run 0-10)",
    ]
    ok = load_criteria(write(tmp_path, HEAD + "[thresholds]\nstrength = 6.5\n" + GOOD_A + GOOD_S, "ok.toml"))
    assert (ok.thresholds.attractiveness, ok.thresholds.strength) == (5.0, 6.5)


def test_all_problems_are_reported_together(tmp_path):
    text = (
        'title = "t"\n'
        + GOOD_A.replace("weight = 30", "weight = -1")
        + GOOD_S.replace('kind = "rating"', 'kind = "x"')
    )
    path = write(tmp_path, text)
    problems = validate_criteria_file(path)
    assert [(p.source, p.where) for p in problems] == [
        (str(path), "id"),
        (str(path), "criteria[0].weight"),
        (str(path), "criteria[1].kind"),
    ]
    with pytest.raises(CriteriaError) as caught:
        load_criteria(path)
    assert str(caught.value).splitlines()[0] == f"{path}: 3 problems found, nothing was changed"


def test_a_criteria_set_built_in_code_matches_the_file_form():
    made = CriteriaSet(
        id="x",
        title="X",
        criteria=[
            Criterion(id="a", name="A", group="attractiveness", kind="rating", weight=2),
            Criterion(id="b", name="B", group="strength", kind="number", weight=3, direction="cost"),
        ],
        thresholds={"attractiveness": 4.0, "strength": 6.0},
    )
    assert made.criteria[0].scale == (1.0, 10.0)
    assert made.thresholds.strength == 6.0
    assert parse_criteria(made.to_dict(), "x.toml").criteria == made.criteria


def test_account_column_names_are_reserved(tmp_path):
    text = (
        HEAD
        + GOOD_A.replace('id = "revenue"', 'id = "effort"')
        + GOOD_S.replace('name = "Relationship stage"', 'name = " Owner "')
    )
    reserved = "(reserved: account, owner, effort, segment, ref)"
    assert problems_of(tmp_path, text) == [
        f"criteria[0].id: 'effort' is the name of an account column in account files; pick another {reserved}",
        f"criteria[1].name: 'Owner' is the name of an account column in account files; pick another {reserved}",
    ]


# --- version 2 keys: a number's fixed scale, rank_by, version; limits ------------------------------

SHARE = """\
[[criteria]]
id = "sow"
name = "Share of wallet"
group = "strength"
kind = "number"
unit = "%"
scale = [0, 100]
weight = 10
"""


def test_a_number_may_declare_a_fixed_scale(tmp_path):
    criteria = load_criteria(write(tmp_path, HEAD + GOOD_A + GOOD_S + SHARE))
    share = criteria.by_id("sow")
    assert (share.kind, share.scale, share.unit, share.transform) == ("number", (0.0, 100.0), "%", None)
    assert share.has_fixed_scale and not share.is_rating
    assert share.check_value(100) is None
    assert share.check_value(101) == "101 is outside the scale 0 to 100 of 'Share of wallet'"
    assert share.to_dict()["scale"] == [0, 100]
    assert parse_criteria(criteria.to_dict(), "again.toml").by_id("sow") == share
    np.testing.assert_array_equal(criteria.layout.fixed, [False, True, True])
    np.testing.assert_array_equal(criteria.layout.lo[1:], [1.0, 0.0])
    np.testing.assert_array_equal(criteria.layout.hi[1:], [5.0, 100.0])
    assert [j for j, _, _ in criteria.layout.numbers] == [0]  # only the min-max number


def test_a_number_scale_has_the_rating_scale_checks(tmp_path):
    def lines(scale: str) -> list[str]:
        return problems_of(tmp_path, HEAD + GOOD_A + GOOD_S + SHARE.replace("scale = [0, 100]", scale))

    assert lines("scale = [100, 0]") == ["criteria[2].scale: scale lo (100) must be below hi (0)"]
    assert lines("scale = [5, 5]") == ["criteria[2].scale: scale lo (5) must be below hi (5)"]
    assert lines("scale = [0]") == ["criteria[2].scale: expected [lo, hi]: a list of two numbers"]
    assert lines('scale = ["0", 100]') == ["criteria[2].scale: expected [lo, hi]: a list of two numbers"]
    assert lines("scale = [0, inf]") == ["criteria[2].scale: scale bounds must be finite numbers"]
    assert lines("scale = 100") == ["criteria[2].scale: expected a list, found int 100"]
    assert lines('scale = [0, 100]\nlabels = ["low", "high"]') == [
        "criteria[2].labels: 'labels' is only for rating criteria (this one is a number)"
    ]
    assert lines('scale = [0, 100]\ntransform = "log"') == [
        "criteria[2].scale: 'scale' and 'transform' exclude each other: a number on a fixed scale is "
        "normalised on that scale, not log-transformed; drop one of them"
    ]


def test_scale_bounds_beyond_1e15_are_refused_with_the_limit(tmp_path):
    limit = "scale bounds must lie between -1e+15 and 1e+15"
    number = SHARE.replace("scale = [0, 100]", "scale = [-1e308, 1e308]")
    rating = GOOD_S.replace("scale = [1, 5]\nlabels", "scale = [1, 1e308]\nlabels")
    assert problems_of(tmp_path, HEAD + GOOD_A + rating + number) == [
        f"criteria[1].scale: {limit}, found 1 to 1e+308",
        f"criteria[2].scale: {limit}, found -1e+308 to 1e+308",
    ]
    assert problems_of(tmp_path, HEAD + GOOD_A + GOOD_S + SHARE.replace("[0, 100]", "[0, 1e16]")) == [
        f"criteria[2].scale: {limit}, found 0 to 1e+16"
    ]
    ok = load_criteria(
        write(tmp_path, HEAD + GOOD_A + GOOD_S + SHARE.replace("[0, 100]", "[-1e15, 1e15]"), "o.toml")
    )
    assert ok.by_id("sow").scale == (-1e15, 1e15)


def test_rank_by_defaults_to_overall_and_takes_attractiveness(tmp_path):
    assert load_criteria(write(tmp_path, HEAD + GOOD_A + GOOD_S)).rank_by == "overall"
    chosen = load_criteria(write(tmp_path, HEAD + 'rank_by = "attractiveness"\n' + GOOD_A + GOOD_S, "a.toml"))
    assert chosen.rank_by == "attractiveness"
    np.testing.assert_array_equal(chosen.rank_columns, [True, False])
    overall = load_criteria(write(tmp_path, HEAD + 'rank_by = "overall"\n' + GOOD_A + GOOD_S, "o.toml"))
    np.testing.assert_array_equal(overall.rank_columns, [True, True])
    assert "rank_by" not in overall.to_dict()
    assert parse_criteria(chosen.to_dict(), "again.toml").rank_by == "attractiveness"


def test_rank_by_problems(tmp_path):
    assert problems_of(tmp_path, HEAD + 'rank_by = "strength"\n' + GOOD_A + GOOD_S) == [
        "rank_by: unknown rank_by 'strength' (allowed: overall, attractiveness)"
    ]
    assert problems_of(tmp_path, HEAD + "rank_by = 1\n" + GOOD_A + GOOD_S) == [
        "rank_by: expected text, found int 1"
    ]
    no_attractiveness = (
        HEAD + 'rank_by = "attractiveness"\n' + GOOD_A.replace("weight = 30", "weight = 0") + GOOD_S
    )
    assert problems_of(tmp_path, no_attractiveness) == [
        "rank_by: accounts are ranked by attractiveness but every attractiveness criterion has weight 0; "
        "give one a positive weight or rank by overall"
    ]


def test_version_is_a_whole_number_up_to_64_bits(tmp_path):
    assert load_criteria(write(tmp_path, HEAD + GOOD_A + GOOD_S)).version == 1
    assert load_criteria(write(tmp_path, HEAD + "version = 3\n" + GOOD_A + GOOD_S, "v.toml")).version == 3
    biggest = 2**63 - 1
    assert (
        load_criteria(write(tmp_path, HEAD + f"version = {biggest}\n" + GOOD_A + GOOD_S, "b.toml")).version
        == biggest
    )
    assert problems_of(tmp_path, HEAD + "version = 0\n" + GOOD_A + GOOD_S) == [
        "version: expected a whole number >= 1, found 0"
    ]
    assert problems_of(tmp_path, HEAD + f"version = {2**63}\n" + GOOD_A + GOOD_S) == [
        f"version: expected a whole number >= 1 and at most {biggest} (2**63 - 1, 64 bits), found {2**63}"
    ]
    assert problems_of(tmp_path, HEAD + "version = 2.0\n" + GOOD_A + GOOD_S) == [
        "version: expected a whole number, found float 2.0"
    ]
    assert problems_of(tmp_path, HEAD + "version = true\n" + GOOD_A + GOOD_S) == [
        "version: expected a whole number, found true/false"
    ]


def test_weights_whose_sum_overflows_are_refused_with_the_limit(tmp_path):
    text = (
        HEAD
        + GOOD_A.replace("weight = 30", "weight = 1e308")
        + GOOD_S.replace("weight = 20", "weight = 1e308")
    )
    assert problems_of(tmp_path, text) == [
        "criteria: the weights add up to more than 1.798e+308, the largest number a sum can hold; "
        "use smaller points (only their ratios matter)"
    ]
    big = HEAD + GOOD_A.replace("weight = 30", "weight = 1e308") + GOOD_S.replace("weight = 20", "weight = 1")
    assert load_criteria(write(tmp_path, big, "big.toml")).points.sum() == 1e308
    assert problems_of(tmp_path, HEAD + GOOD_A.replace("weight = 30", "weight = inf") + GOOD_S) == [
        "criteria[0].weight: weight must be a finite number, found inf"
    ]


def test_a_name_may_not_be_another_criterions_id(tmp_path):
    text = HEAD + GOOD_A + GOOD_S.replace('name = "Relationship stage"', 'name = "REVENUE"')
    assert problems_of(tmp_path, text) == [
        "criteria[1].name: duplicate name 'REVENUE' (also used by criteria[0]; case is ignored)"
    ]
    clash = (
        HEAD
        + GOOD_A.replace('name = "Revenue"', 'name = "Stage"')
        + GOOD_S.replace('name = "Relationship stage"', 'name = "Relationship"')
    )
    assert problems_of(tmp_path, clash) == [
        "criteria[0].name: name 'Stage' is the id of criteria[1]; a column headed 'Stage' would name both, "
        "so pick another name"
    ]
    # a criterion's name may spell its own id
    own = load_criteria(
        write(
            tmp_path,
            HEAD + GOOD_A + GOOD_S.replace('name = "Relationship stage"', 'name = "Stage"'),
            "own.toml",
        )
    )
    assert own.by_id("stage").name == "Stage"


def test_names_are_compared_by_name_key_and_checked_for_invisible_characters(tmp_path):
    nfd = GOOD_S.replace('name = "Relationship stage"', 'name = "Mu\\u0308ller"')
    nfc = GOOD_A.replace('name = "Revenue"', 'name = "MÜLLER"')
    assert problems_of(tmp_path, HEAD + nfc + nfd) == [
        "criteria[1].name: duplicate name 'Müller' (also used by criteria[0]; case is ignored)"
    ]
    hidden = GOOD_S.replace('name = "Relationship stage"', 'name = "Stage\\u200b"')
    lines = problems_of(tmp_path, HEAD + GOOD_A + hidden)
    assert lines == [
        "criteria[1].name: a criterion name holds an invisible character, U+200B ZERO WIDTH SPACE, at "
        "position 6: retype it without that character"
    ]


def test_code_built_sets_refuse_what_files_refuse():
    with pytest.raises(ValueError, match="a fixed scale and a transform exclude each other"):
        Criterion(id="s", name="S", group="strength", kind="number", weight=1, scale=(0, 1), transform="log")
    with pytest.raises(ValueError, match="unknown rank_by 'strength'"):
        CriteriaSet(
            id="x",
            title="X",
            rank_by="strength",
            criteria=[Criterion(id="a", name="A", group="attractiveness", kind="rating", weight=1)],
        )
