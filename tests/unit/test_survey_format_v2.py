"""The survey format's version-2 keys (issue 15): ``scale``, an indicator's ``levels`` and ``maps_to``.

What a statement is rated against (``Survey.anchors_for``), the keys' round trip through ``to_dict()``
(the JSON an assessment stores), every mistake in them by key, the 64-bit limit on whole numbers, and ids
compared by ``name_key``. The ``survey validate`` command is tested on the same rules in
tests/e2e/test_survey_validate.py.
"""

from __future__ import annotations

import copy
import json

import pytest

from kamtui.core.errors import NotFoundError, SurveyError
from kamtui.core.survey import survey_from_dict

SCALE = ["absent", "in pockets", "standard on all key accounts", "enforced and measured", "improved"]
OWN = ["never", "when asked", "on a fixed cycle, at least yearly", "on the cycle, tracked", "set by segment"]


def base() -> dict:
    """A valid version-2 survey as plain data: a scale, one statement with its own levels, one mapped."""
    return {
        "id": "mini",
        "title": "Mini survey",
        "version": 2,
        "scale": list(SCALE),
        "elements": [
            {
                "id": "alpha",
                "name": "Alpha",
                "part": 1,
                "levels": [f"alpha level {n}" for n in range(1, 6)],
                "prescriptions": [f"alpha {n}->{n + 1}" for n in range(1, 5)],
                "indicators": [
                    {"id": "A-1", "text": "Alpha one", "levels": list(OWN)},
                    {"id": "A-2", "text": "Alpha two", "maps_to": "KPR-01"},
                    {"id": "A-3", "text": "Alpha three"},
                ],
            }
        ],
    }


def problems(data: dict) -> list[str]:
    with pytest.raises(SurveyError) as caught:
        survey_from_dict(data, "mini.toml")
    return [f"{p.where}: {p.message}" for p in caught.value.problems]


# --- what a statement is rated against ---------------------------------------------------------


def test_anchors_come_from_the_indicator_then_the_scale_then_the_element():
    survey = survey_from_dict(base(), "mini.toml")
    assert survey.scale == tuple(SCALE)
    assert survey.anchors_for("A-1") == tuple(OWN)
    assert survey.anchors_source("A-1") == "indicator"
    assert survey.anchors_for("A-2") == tuple(SCALE)
    assert survey.anchors_source("a-2") == "scale"  # ids compare by name_key
    no_scale = base()
    del no_scale["scale"]
    v1_like = survey_from_dict(no_scale, "mini.toml")
    assert v1_like.anchors_for("A-3") == tuple(f"alpha level {n}" for n in range(1, 6))
    assert v1_like.anchors_source("A-3") == "element"
    assert v1_like.anchors_for("A-1") == tuple(OWN)
    with pytest.raises(NotFoundError, match="survey 'mini' has no indicator 'Z-9'"):
        survey.anchors_for("Z-9")


def test_maps_to_is_kept_on_the_indicator():
    survey = survey_from_dict(base(), "mini.toml")
    assert [i.maps_to for i in survey.indicators] == [None, "KPR-01", None]
    assert survey.indicator("a-2").maps_to == "KPR-01"


# --- round trip through the stored JSON ---------------------------------------------------------


def test_to_dict_round_trips_the_new_keys_through_json():
    survey = survey_from_dict(base(), "mini.toml")
    data = survey.to_dict()
    assert data["scale"] == SCALE
    indicators = data["elements"][0]["indicators"]
    assert indicators == [
        {"id": "A-1", "text": "Alpha one", "levels": OWN},
        {"id": "A-2", "text": "Alpha two", "maps_to": "KPR-01"},
        {"id": "A-3", "text": "Alpha three"},
    ]
    assert survey_from_dict(json.loads(json.dumps(data)), "stored") == survey


def test_a_survey_without_the_new_keys_gives_the_version_1_shape():
    data = base()
    data["version"] = 1
    del data["scale"]
    for ind in data["elements"][0]["indicators"]:
        ind.pop("levels", None)
        ind.pop("maps_to", None)
    out = survey_from_dict(data, "mini.toml").to_dict()
    assert list(out) == ["id", "title", "version", "description", "elements"]
    assert list(out["elements"][0]) == [
        "id",
        "name",
        "part",
        "description",
        "levels",
        "prescriptions",
        "indicators",
    ]
    assert out["elements"][0]["indicators"][0] == {"id": "A-1", "text": "Alpha one"}


# --- mistakes in the new keys -------------------------------------------------------------------


@pytest.mark.parametrize("count", [0, 4, 6])
def test_scale_needs_exactly_five_anchors(count):
    data = base()
    data["scale"] = [f"anchor {n}" for n in range(count)]
    assert problems(data) == [
        f"scale: expected exactly 5 scale anchors (one per level 1 to 5), found {count}"
    ]


@pytest.mark.parametrize("count", [1, 5 - 1, 7])
def test_indicator_levels_need_exactly_five_anchors(count):
    data = base()
    data["elements"][0]["indicators"][0]["levels"] = [f"level {n}" for n in range(count)]
    assert problems(data) == [
        f"elements[0].indicators[0].levels: expected exactly 5 levels (one per level 1 to 5), found {count}"
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda d: d.update(scale="absent to improved"),
            "scale: expected a list, found text 'absent to improved'",
        ),
        (lambda d: d["scale"].__setitem__(2, 3), "scale[2]: expected text, found int 3"),
        (lambda d: d["scale"].__setitem__(4, "   "), "scale[4]: empty text"),
        (
            lambda d: d["scale"].__setitem__(3, "ABSENT"),
            "scale[3]: anchor of level 4 repeats the anchor of level 1 ('ABSENT'); each level needs its own anchor",
        ),
        (
            lambda d: d["scale"].__setitem__(1, "in\u200bpockets"),
            "scale[1]: an anchor holds an invisible character, U+200B ZERO WIDTH SPACE, at position 3: "
            "retype it without that character",
        ),
        (
            lambda d: d["scale"].__setitem__(1, "in\npockets"),
            "scale[1]: an anchor must be on one line (it holds a tab or a line break)",
        ),
        (
            lambda d: d["elements"][0]["indicators"][0].update(levels={"1": "never"}),
            "elements[0].indicators[0].levels: expected a list, found a table",
        ),
        (
            lambda d: d["elements"][0]["indicators"][0]["levels"].__setitem__(0, ""),
            "elements[0].indicators[0].levels[0]: empty text",
        ),
        (
            lambda d: d["elements"][0]["indicators"][0]["levels"].__setitem__(4, " Never "),
            "elements[0].indicators[0].levels[4]: anchor of level 5 repeats the anchor of level 1 ('Never'); "
            "each level needs its own anchor",
        ),
        (
            lambda d: d["elements"][0]["indicators"][1].update(maps_to=7),
            "elements[0].indicators[1].maps_to: expected text, found int 7",
        ),
        (
            lambda d: d["elements"][0]["indicators"][1].update(maps_to=" "),
            "elements[0].indicators[1].maps_to: empty text",
        ),
        (
            lambda d: d["elements"][0]["indicators"][1].update(maps_to="KPR 01"),
            "elements[0].indicators[1].maps_to: 'KPR 01' is not an indicator id (letters and digits joined "
            "by '-', '_' or '.', such as KPR-01)",
        ),
        (
            lambda d: d["elements"][0]["indicators"][1].update(maps_to="-KPR-01"),
            "elements[0].indicators[1].maps_to: '-KPR-01' is not an indicator id (letters and digits joined "
            "by '-', '_' or '.', such as KPR-01)",
        ),
        (
            lambda d: d["elements"][0]["indicators"][2].update(anchors=list(SCALE)),
            "elements[0].indicators[2].anchors: unknown key 'anchors' (allowed here: id, levels, maps_to, text)",
        ),
        (
            lambda d: d.update(anchors=list(SCALE)),
            "anchors: unknown key 'anchors' (allowed here: description, elements, id, scale, title, version)",
        ),
    ],
    ids=[
        "scale-not-a-list",
        "scale-item-not-text",
        "scale-blank",
        "scale-duplicate",
        "scale-invisible",
        "scale-two-lines",
        "levels-not-a-list",
        "levels-blank",
        "levels-duplicate",
        "maps_to-not-text",
        "maps_to-blank",
        "maps_to-space",
        "maps_to-shape",
        "indicator-unknown-key",
        "top-unknown-key",
    ],
)
def test_each_mistake_in_the_new_keys_is_named_by_key(change, expected):
    data = copy.deepcopy(base())
    change(data)
    assert problems(data) == [expected]


def test_every_mistake_is_reported_together():
    data = base()
    data["scale"] = data["scale"][:3]
    data["elements"][0]["indicators"][0]["levels"][2] = "never"
    data["elements"][0]["indicators"][1]["maps_to"] = "not an id"
    assert problems(data) == [
        "scale: expected exactly 5 scale anchors (one per level 1 to 5), found 3",
        "elements[0].indicators[0].levels[2]: anchor of level 3 repeats the anchor of level 1 ('never'); "
        "each level needs its own anchor",
        "elements[0].indicators[1].maps_to: 'not an id' is not an indicator id (letters and digits joined "
        "by '-', '_' or '.', such as KPR-01)",
    ]


# --- whole numbers and ids ----------------------------------------------------------------------

LIMIT = 2**63 - 1


def test_version_and_part_are_whole_numbers_up_to_64_bits():
    data = base()
    data["version"] = LIMIT
    data["elements"][0]["part"] = LIMIT
    survey = survey_from_dict(data, "mini.toml")
    assert (survey.version, survey.elements[0].part) == (LIMIT, LIMIT)
    data["version"] = LIMIT + 1
    data["elements"][0]["part"] = 10**40
    assert problems(data) == [
        f"version: expected a whole number >= 1 and at most {LIMIT} (2**63 - 1, 64 bits), found {LIMIT + 1}",
        f"elements[0].part: expected a whole number >= 1 and at most {LIMIT} (2**63 - 1, 64 bits), "
        "found a number of 41 digits",
    ]
    data["version"] = 0
    data["elements"][0]["part"] = -3
    assert problems(data) == [
        "version: expected a whole number >= 1, found 0",
        "elements[0].part: expected a whole number >= 1, found -3",
    ]
    data["version"] = True
    assert problems(data)[0] == "version: expected a whole number, found true/false"


def test_ids_are_compared_by_name_key():
    data = base()
    data["elements"][0]["indicators"][2]["id"] = "a-1"
    assert problems(data) == [
        "elements[0].indicators[2].id: duplicate indicator id 'a-1' (also at elements[0].indicators[0], written "
        "'A-1'; ids are compared ignoring case and Unicode form)"
    ]
    twin = copy.deepcopy(base()["elements"][0])
    twin["indicators"] = [{"id": "B-1", "text": "Beta"}]
    first, second = copy.deepcopy(twin), copy.deepcopy(twin)
    first["id"], second["id"] = "m\u00fcller", "mu\u0308ller"  # NFC and NFD spellings
    second["indicators"] = [{"id": "B-2", "text": "Beta two"}]
    data = base()
    data["elements"] += [first, second]
    assert problems(data) == [
        "elements[2].id: duplicate element id 'mu\u0308ller' (also at elements[1], written 'm\u00fcller'; ids "
        "are compared ignoring case and Unicode form)"
    ]


def test_ids_with_invisible_characters_are_refused():
    data = base()
    data["elements"][0]["indicators"][1]["id"] = "A\u200d-2"
    data["elements"][0]["id"] = "al\u00adpha"
    assert problems(data) == [
        "elements[0].id: an element id holds an invisible character, U+00AD SOFT HYPHEN, at position 3: "
        "retype it without that character",
        "elements[0].indicators[1].id: an indicator id holds an invisible character, U+200D ZERO WIDTH JOINER, "
        "at position 2: retype it without that character",
    ]
    data = base()
    data["id"] = "mi\u200bni"
    assert problems(data) == [
        "id: the survey id holds an invisible character, U+200B ZERO WIDTH SPACE, at position 3: retype it "
        "without that character"
    ]


def test_indicator_lookup_uses_name_key():
    survey = survey_from_dict(base(), "mini.toml")
    assert survey.indicator(" a-3 ").id == "A-3"
    assert survey.indicator("A-4") is None
    assert survey.element("ALPHA").id == "alpha"
