"""``kamtui survey validate FILE|ID``: "ok: N elements, M indicators", or every problem by file and key."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest


def mini_survey() -> dict:
    """A valid two-element survey as plain data (written to TOML by ``dump``)."""

    def element(element_id: str, prefix: str, count: int) -> dict:
        return {
            "id": element_id,
            "name": element_id.title(),
            "part": 1,
            "levels": [f"{element_id} looks like level {n}" for n in range(1, 6)],
            "prescriptions": [f"{element_id}: move from {n} to {n + 1}" for n in range(1, 5)],
            "indicators": [
                {"id": f"{prefix}-{i}", "text": f"{prefix} statement {i}"} for i in range(1, count + 1)
            ],
        }

    return {
        "id": "mini",
        "title": "Mini survey",
        "version": 1,
        "elements": [element("alpha", "A", 3), element("beta", "B", 2)],
    }


def _value(value: object) -> str:
    return json.dumps(value)  # JSON strings, integers and lists of strings are valid TOML values


def dump(survey: dict) -> str:
    """TOML text for a survey dict in the file's shape (top-level keys, [[elements]], [[elements.indicators]])."""
    lines = [f"{key} = {_value(value)}" for key, value in survey.items() if key != "elements"]
    for element in survey.get("elements", []):
        lines += ["", "[[elements]]"]
        for key, value in element.items():
            if key == "indicators" and value:
                continue
            lines.append(f"{key} = {_value(value)}")
        for indicator in element.get("indicators") or []:
            lines += ["", "[[elements.indicators]]"]
            lines += [f"{key} = {_value(value)}" for key, value in indicator.items()]
    return "\n".join(lines) + "\n"


def write(tmp_path: Path, survey: dict | str, name: str = "mine.toml") -> Path:
    path = tmp_path / name
    path.write_text(survey if isinstance(survey, str) else dump(survey), encoding="utf-8")
    return path


def assert_problems(result, path: Path, expected: list[tuple[str, str]]) -> None:
    """Exit 1, nothing on stdout, and each (key path, message fragment) on its own ``file:key: ...`` line."""
    assert result.code == 1, result.output
    assert "ok:" not in result.stdout
    assert "Traceback" not in result.output
    lines = result.stderr.splitlines()
    count = len(expected)
    assert lines[0] == f"error: {path}: {count} problem{'s' if count > 1 else ''} found, nothing was changed"
    for where, fragment in expected:
        prefix = f"{path}:{where}: "
        matching = [line for line in lines if line.startswith(prefix)]
        assert matching, f"no line starting {prefix!r} in:\n{result.stderr}"
        assert any(fragment in line for line in matching), f"{fragment!r} not in {matching}"
    assert len(lines) == 1 + count, result.stderr


def test_the_mini_survey_is_valid(cli, tmp_path):
    result = cli("survey", "validate", write(tmp_path, mini_survey()))
    assert (result.code, result.stdout, result.stderr) == (0, "ok: 2 elements, 5 indicators\n", "")


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("kam-healthcheck", "ok: 12 elements, 120 indicators\n"),
        ("kam-process-pulse", "ok: 3 elements, 13 indicators\n"),
    ],
)
def test_builtin_surveys_are_valid(cli, ref, expected):
    result = cli("survey", "validate", ref)
    assert (result.code, result.stdout) == (0, expected)


def test_builtin_survey_file_by_path_is_valid(cli):
    path = Path(__file__).resolve().parents[2] / "surveys" / "kam-healthcheck.toml"
    result = cli("survey", "validate", path)
    assert (result.code, result.stdout) == (0, "ok: 12 elements, 120 indicators\n")


def test_unknown_builtin_id_is_refused(cli):
    result = cli("survey", "validate", "no-such-survey")
    assert result.code == 1
    assert "no-such-survey: no built-in survey with this id and no such file" in result.stderr
    assert "kam-healthcheck" in result.stderr  # lists the built-in ones


def test_missing_file_is_refused(cli, tmp_path):
    path = tmp_path / "absent.toml"
    result = cli("survey", "validate", path)
    assert result.code == 1
    assert f"{path}: file not found" in result.stderr


def test_toml_syntax_error_names_the_line(cli, tmp_path):
    path = write(tmp_path, 'id = "mini"\ntitle = "Mini"\nversion = \n')
    assert_problems(cli("survey", "validate", path), path, [("line 3", "TOML syntax error at line 3")])


def test_duplicate_element_id(cli, tmp_path):
    survey = mini_survey()
    survey["elements"][1]["id"] = "alpha"
    path = write(tmp_path, survey)
    assert_problems(
        cli("survey", "validate", path),
        path,
        [("elements[1].id", "duplicate element id 'alpha' (also at elements[0])")],
    )


def test_duplicate_indicator_id_across_elements(cli, tmp_path):
    survey = mini_survey()
    survey["elements"][1]["indicators"][1]["id"] = "A-2"
    path = write(tmp_path, survey)
    assert_problems(
        cli("survey", "validate", path),
        path,
        [
            (
                "elements[1].indicators[1].id",
                "duplicate indicator id 'A-2' (also at elements[0].indicators[1])",
            )
        ],
    )


def test_duplicate_indicator_id_within_an_element(cli, tmp_path):
    survey = mini_survey()
    survey["elements"][0]["indicators"][2]["id"] = "A-1"
    path = write(tmp_path, survey)
    assert_problems(
        cli("survey", "validate", path),
        path,
        [("elements[0].indicators[2].id", "duplicate indicator id 'A-1'")],
    )


def test_element_without_indicators(cli, tmp_path):
    survey = mini_survey()
    survey["elements"][1]["indicators"] = []
    path = write(tmp_path, survey)
    assert_problems(
        cli("survey", "validate", path),
        path,
        [("elements[1].indicators", "element 'beta' has no indicators")],
    )


@pytest.mark.parametrize("count", [0, 4, 6])
def test_levels_not_five(cli, tmp_path, count):
    survey = mini_survey()
    survey["elements"][0]["levels"] = [f"level {n}" for n in range(count)]
    path = write(tmp_path, survey)
    assert_problems(
        cli("survey", "validate", path),
        path,
        [("elements[0].levels", f"expected exactly 5 level descriptions, found {count}")],
    )


@pytest.mark.parametrize("count", [3, 5])
def test_prescriptions_not_four(cli, tmp_path, count):
    survey = mini_survey()
    survey["elements"][1]["prescriptions"] = [f"step {n}" for n in range(count)]
    path = write(tmp_path, survey)
    assert_problems(
        cli("survey", "validate", path),
        path,
        [("elements[1].prescriptions", f"expected exactly 4 prescriptions (1->2 .. 4->5), found {count}")],
    )


@pytest.mark.parametrize(
    ("change", "where"),
    [
        (lambda s: s.update(title="  "), "title"),
        (lambda s: s["elements"][0].update(name=""), "elements[0].name"),
        (lambda s: s["elements"][0]["levels"].__setitem__(2, " "), "elements[0].levels[2]"),
        (lambda s: s["elements"][1]["prescriptions"].__setitem__(3, ""), "elements[1].prescriptions[3]"),
        (lambda s: s["elements"][0]["indicators"][1].update(text="   "), "elements[0].indicators[1].text"),
        (lambda s: s["elements"][1]["indicators"][0].update(id=""), "elements[1].indicators[0].id"),
    ],
    ids=["title", "element-name", "level", "prescription", "indicator-text", "indicator-id"],
)
def test_empty_text(cli, tmp_path, change, where):
    survey = mini_survey()
    change(survey)
    path = write(tmp_path, survey)
    assert_problems(cli("survey", "validate", path), path, [(where, "empty text")])


@pytest.mark.parametrize(
    ("change", "where", "key"),
    [
        (lambda s: s.update(author="me"), "author", "author"),
        (lambda s: s["elements"][0].update(colour="red"), "elements[0].colour", "colour"),
        (
            lambda s: s["elements"][1]["indicators"][1].update(weight=2),
            "elements[1].indicators[1].weight",
            "weight",
        ),
    ],
    ids=["top", "element", "indicator"],
)
def test_unknown_key(cli, tmp_path, change, where, key):
    survey = mini_survey()
    change(survey)
    path = write(tmp_path, survey)
    assert_problems(cli("survey", "validate", path), path, [(where, f"unknown key '{key}'")])


@pytest.mark.parametrize(
    ("change", "where", "key"),
    [
        (lambda s: s.pop("title"), "title", "title"),
        (lambda s: s.pop("elements"), "elements", "elements"),
        (lambda s: s["elements"][1].pop("name"), "elements[1].name", "name"),
        (lambda s: s["elements"][0].pop("levels"), "elements[0].levels", "levels"),
        (lambda s: s["elements"][0].pop("indicators"), "elements[0].indicators", "indicators"),
        (lambda s: s["elements"][0]["indicators"][0].pop("text"), "elements[0].indicators[0].text", "text"),
    ],
    ids=["title", "elements", "element-name", "levels", "indicators", "indicator-text"],
)
def test_missing_key(cli, tmp_path, change, where, key):
    survey = mini_survey()
    change(survey)
    path = write(tmp_path, survey)
    assert_problems(cli("survey", "validate", path), path, [(where, f"missing key '{key}'")])


def test_every_problem_in_one_file_is_reported(cli, tmp_path):
    survey = copy.deepcopy(mini_survey())
    survey["author"] = "me"  # unknown key
    del survey["title"]  # missing key
    alpha, beta = survey["elements"]
    alpha["levels"] = alpha["levels"][:4]  # 4 levels
    alpha["indicators"][1]["text"] = ""  # empty text
    beta["id"] = "alpha"  # duplicate element id
    beta["prescriptions"] = beta["prescriptions"][:3]  # 3 prescriptions
    beta["indicators"][0]["id"] = "A-3"  # duplicate indicator id
    survey["elements"].append(
        {**copy.deepcopy(mini_survey()["elements"][0]), "id": "gamma", "indicators": []}
    )
    path = write(tmp_path, survey)
    assert_problems(
        cli("survey", "validate", path),
        path,
        [
            ("title", "missing key 'title'"),
            ("author", "unknown key 'author'"),
            ("elements[0].levels", "expected exactly 5 level descriptions, found 4"),
            ("elements[0].indicators[1].text", "empty text"),
            ("elements[1].id", "duplicate element id 'alpha'"),
            ("elements[1].prescriptions", "expected exactly 4 prescriptions (1->2 .. 4->5), found 3"),
            ("elements[1].indicators[0].id", "duplicate indicator id 'A-3'"),
            ("elements[2].indicators", "element 'gamma' has no indicators"),
        ],
    )


# ----------------------------------------------------------------------------- version-2 keys (issue 15)

SCALE = ["absent", "in pockets", "standard on all key accounts", "enforced and measured", "improved"]


def v2_survey() -> dict:
    """The mini survey with a survey-level scale, one statement with its own levels and one mapped."""
    survey = mini_survey()
    survey["version"] = 2
    survey["scale"] = list(SCALE)
    alpha = survey["elements"][0]["indicators"]
    alpha[0]["levels"] = ["never", "when asked", "yearly", "yearly, tracked", "set by segment"]
    alpha[1]["maps_to"] = "KPR-01"
    return survey


def test_a_survey_with_scale_levels_and_maps_to_is_valid(cli, tmp_path):
    result = cli("survey", "validate", write(tmp_path, v2_survey()))
    assert (result.code, result.stdout, result.stderr) == (0, "ok: 2 elements, 5 indicators\n", "")


@pytest.mark.parametrize(
    ("change", "where", "fragment"),
    [
        (
            lambda s: s.update(scale=SCALE[:4]),
            "scale",
            "expected exactly 5 scale anchors (one per level 1 to 5), found 4",
        ),
        (lambda s: s.update(scale=[*SCALE, "beyond"]), "scale", "expected exactly 5 scale anchors"),
        (lambda s: s.update(scale="absent"), "scale", "expected a list, found text 'absent'"),
        (lambda s: s["scale"].__setitem__(1, 2), "scale[1]", "expected text, found int 2"),
        (lambda s: s["scale"].__setitem__(2, " "), "scale[2]", "empty text"),
        (
            lambda s: s["scale"].__setitem__(4, "Absent"),
            "scale[4]",
            "anchor of level 5 repeats the anchor of level 1",
        ),
        (
            lambda s: s["scale"].__setitem__(0, "ab\u200bsent"),
            "scale[0]",
            "holds an invisible character, U+200B",
        ),
        (
            lambda s: s["elements"][0]["indicators"][0].update(levels=["a", "b", "c"]),
            "elements[0].indicators[0].levels",
            "expected exactly 5 levels (one per level 1 to 5), found 3",
        ),
        (
            lambda s: s["elements"][0]["indicators"][0].update(levels="never"),
            "elements[0].indicators[0].levels",
            "expected a list, found text 'never'",
        ),
        (
            lambda s: s["elements"][0]["indicators"][0]["levels"].__setitem__(3, ""),
            "elements[0].indicators[0].levels[3]",
            "empty text",
        ),
        (
            lambda s: s["elements"][0]["indicators"][0]["levels"].__setitem__(1, "NEVER"),
            "elements[0].indicators[0].levels[1]",
            "anchor of level 2 repeats the anchor of level 1 ('NEVER')",
        ),
        (
            lambda s: s["elements"][0]["indicators"][1].update(maps_to=["KPR-01"]),
            "elements[0].indicators[1].maps_to",
            "expected text, found a list",
        ),
        (
            lambda s: s["elements"][0]["indicators"][1].update(maps_to=""),
            "elements[0].indicators[1].maps_to",
            "empty text",
        ),
        (
            lambda s: s["elements"][0]["indicators"][1].update(maps_to="KPR/01"),
            "elements[0].indicators[1].maps_to",
            "'KPR/01' is not an indicator id",
        ),
        (
            lambda s: s["elements"][0]["indicators"][1].update(map_to="KPR-01"),
            "elements[0].indicators[1].map_to",
            "unknown key 'map_to' (allowed here: id, levels, maps_to, text)",
        ),
        (
            lambda s: s.update(scales=SCALE),
            "scales",
            "unknown key 'scales' (allowed here: description, elements, id, scale, title, version)",
        ),
        (
            lambda s: s.update(version=2**63),
            "version",
            "expected a whole number >= 1 and at most 9223372036854775807 (2**63 - 1, 64 bits), "
            "found 9223372036854775808",
        ),
        (
            lambda s: s["elements"][1]["indicators"][0].update(id="a-1"),
            "elements[1].indicators[0].id",
            "duplicate indicator id 'a-1' (also at elements[0].indicators[0], written 'A-1'; ids are compared "
            "ignoring case and Unicode form)",
        ),
        (
            lambda s: s["elements"][1].update(id="ALPHA"),
            "elements[1].id",
            "duplicate element id 'ALPHA' (also at elements[0], written 'alpha'",
        ),
        (
            lambda s: s["elements"][0]["indicators"][2].update(id="A\u200b-3"),
            "elements[0].indicators[2].id",
            "an indicator id holds an invisible character, U+200B ZERO WIDTH SPACE, at position 2",
        ),
    ],
    ids=[
        "scale-four",
        "scale-six",
        "scale-not-a-list",
        "scale-item-not-text",
        "scale-blank",
        "scale-duplicate",
        "scale-invisible",
        "levels-three",
        "levels-not-a-list",
        "levels-blank",
        "levels-duplicate",
        "maps_to-not-text",
        "maps_to-blank",
        "maps_to-shape",
        "indicator-key-typo",
        "top-key-typo",
        "version-beyond-64-bits",
        "indicator-id-case",
        "element-id-case",
        "indicator-id-invisible",
    ],
)
def test_each_mistake_in_the_version_2_keys(cli, tmp_path, change, where, fragment):
    survey = copy.deepcopy(v2_survey())
    change(survey)
    path = write(tmp_path, survey)
    assert_problems(cli("survey", "validate", path), path, [(where, fragment)])


def test_every_problem_in_the_version_2_keys_is_reported_together(cli, tmp_path):
    survey = v2_survey()
    survey["scale"] = SCALE[:2]
    alpha = survey["elements"][0]["indicators"]
    alpha[0]["levels"][4] = alpha[0]["levels"][0]
    alpha[1]["maps_to"] = "two words"
    survey["elements"][1]["indicators"][1]["id"] = "a-2"
    path = write(tmp_path, survey)
    assert_problems(
        cli("survey", "validate", path),
        path,
        [
            ("scale", "expected exactly 5 scale anchors (one per level 1 to 5), found 2"),
            ("elements[0].indicators[0].levels[4]", "anchor of level 5 repeats the anchor of level 1"),
            ("elements[0].indicators[1].maps_to", "'two words' is not an indicator id"),
            ("elements[1].indicators[1].id", "duplicate indicator id 'a-2'"),
        ],
    )
