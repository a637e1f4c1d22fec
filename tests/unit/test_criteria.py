"""Criteria sets: the built-in file, loading by id or path, and every validation message."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from kamtui.core.criteria import (
    CriteriaSet,
    Criterion,
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
    criteria = load_criteria("kam-default")
    assert criteria.id == "kam-default"
    assert criteria.source == "kam-default.toml"
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
    assert "kam-default" in [s.id for s in sets]
    for criteria in sets:
        again = parse_criteria(criteria.to_dict(), "again.toml")
        assert again.criteria == criteria.criteria
        assert again.thresholds == criteria.thresholds
        assert again.title == criteria.title


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
    criteria = load_criteria("kam-default")
    assert criteria.match_column("  SHARE of Wallet ").id == "share_of_wallet"
    assert criteria.match_column("Revenue_Potential").id == "revenue_potential"
    assert criteria.match_column("share") is None
    assert criteria.match_column("   ") is None


def test_by_id_of_an_unknown_criterion_lists_the_ids():
    criteria = load_criteria("kam-default")
    assert criteria.by_id["track_record"] is criteria.by_id("track_record") is criteria.criteria[11]
    assert criteria.index_of("share_of_wallet") == 8
    with pytest.raises(NotFoundError):
        criteria.by_id["size"]
    with pytest.raises(NotFoundError) as caught:
        criteria.by_id("size")
    assert str(caught.value).startswith(
        "criteria set 'kam-default' has no criterion 'size' (criteria: revenue_potential, "
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
        "colour: unknown key 'colour' (allowed here: criteria, description, id, thresholds, title)",
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
    on_number = GOOD_A.replace('unit = "EUR"', "scale = [0, 10]")
    assert problems_of(tmp_path, HEAD + on_number + GOOD_S) == [
        "criteria[0].scale: 'scale' is only for rating criteria (this one is a number)"
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
