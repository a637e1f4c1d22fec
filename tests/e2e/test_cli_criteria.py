"""``kamtui criteria validate FILE|ID`` and ``kamtui criteria list`` through the command line.

validate: exit 0 and "ok: N criteria (A attractiveness, S strength)", or exit 1 with a header
"FILE: N problems found, nothing was changed" and every problem on its own line as "FILE:KEY: message".
The loader's every message is unit-tested in tests/unit/test_criteria.py; here one file per class of
problem goes through the CLI, plus one file with many problems at once.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "selection"

HEAD = 'id = "trial"\ntitle = "Trial set"\n'


def criterion(cid: str, group: str = "attractiveness", **extra: object) -> str:
    """One [[criteria]] table as TOML (a valid rating unless ``extra`` says otherwise)."""
    fields: dict[str, object] = {
        "id": cid,
        "name": cid.replace("_", " ").title(),
        "group": group,
        "kind": "rating",
        "weight": 10,
    }
    fields.update(extra)
    lines = ["", "[[criteria]]"]
    for key, value in fields.items():
        if value is None:
            continue  # drop the key
        lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


GOOD = HEAD + criterion("fit") + criterion("revenue", kind="number", unit="EUR", transform="log")
GOOD += criterion("stage", "strength", scale=[1, 5]) + criterion("price", "strength", direction="cost")


def write(tmp_path: Path, text: str, name: str = "trial.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(cli, path: Path) -> list[str]:
    """Validate ``path``, expect exit 1 with the standard header; return the problem lines."""
    result = cli("criteria", "validate", path)
    assert result.code == 1, result.output
    assert result.stdout == ""
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    count = len(lines) - 1
    assert lines[0] == f"error: {path}: {count} problem{'s' if count != 1 else ''} found, nothing was changed"
    for line in lines[1:]:
        assert line.startswith(f"{path}:"), line
    return lines[1:]


# ----------------------------------------------------------------------------- valid sets


def test_valid_file_says_ok_with_the_counts_per_group(cli, tmp_path):
    path = write(tmp_path, GOOD)
    result = cli("criteria", "validate", path)
    assert result.code == 0, result.output
    assert result.stdout == "ok: 4 criteria (2 attractiveness, 2 strength)\n"
    assert result.stderr == ""


def test_the_shared_hand_worked_set_is_valid(cli):
    result = cli("criteria", "validate", DATA / "hand.toml")
    assert (result.code, result.stdout) == (0, "ok: 4 criteria (2 attractiveness, 2 strength)\n")


def test_builtin_set_validates_by_id(cli):
    result = cli("criteria", "validate", "kam-default")
    assert result.code == 0, result.output
    assert result.stdout == "ok: 12 criteria (7 attractiveness, 5 strength)\n"


def test_validate_does_not_create_a_database(cli, tmp_path, db_path):
    assert cli("criteria", "validate", write(tmp_path, GOOD)).code == 0
    assert not db_path.exists()


def test_unknown_builtin_id_is_refused_with_the_builtins_named(cli):
    result = cli("criteria", "validate", "no-such-set")
    assert result.code == 1
    assert "no built-in criteria set 'no-such-set'" in result.stderr
    assert "kam-default" in result.stderr


def test_missing_file_is_refused(cli, tmp_path):
    path = tmp_path / "nowhere.toml"
    assert refused(cli, path) == [f"{path}: file not found"]


# ----------------------------------------------------------------------------- one class of problem each


def test_duplicate_ids(cli, tmp_path):
    path = write(
        tmp_path, HEAD + criterion("fit") + criterion("stage", "strength") + criterion("fit", name="Fit 2")
    )
    assert refused(cli, path) == [f"{path}:criteria[2].id: duplicate id 'fit' (also used by criteria[0])"]


def test_bad_group(cli, tmp_path):
    path = write(tmp_path, HEAD + criterion("fit") + criterion("stage", "strenght"))
    assert refused(cli, path) == [
        f"{path}:criteria[1].group: unknown group 'strenght' (allowed: attractiveness, strength)"
    ]


def test_bad_kind(cli, tmp_path):
    path = write(tmp_path, HEAD + criterion("fit", kind="score") + criterion("stage", "strength"))
    assert refused(cli, path) == [f"{path}:criteria[0].kind: unknown kind 'score' (allowed: number, rating)"]


def test_bad_direction(cli, tmp_path):
    path = write(tmp_path, HEAD + criterion("fit", direction="lower") + criterion("stage", "strength"))
    assert refused(cli, path) == [
        f"{path}:criteria[0].direction: unknown direction 'lower' (allowed: benefit, cost)"
    ]


@pytest.mark.parametrize("scale", [[5, 5], [10, 1]])
def test_scale_lo_not_below_hi(cli, tmp_path, scale):
    path = write(tmp_path, HEAD + criterion("fit") + criterion("stage", "strength", scale=scale))
    lo, hi = scale
    assert refused(cli, path) == [f"{path}:criteria[1].scale: scale lo ({lo}) must be below hi ({hi})"]


def test_negative_weight(cli, tmp_path):
    path = write(tmp_path, HEAD + criterion("fit", weight=-5) + criterion("stage", "strength"))
    assert refused(cli, path) == [f"{path}:criteria[0].weight: negative weight -5 (weights are points >= 0)"]


def test_all_weights_zero(cli, tmp_path):
    path = write(tmp_path, HEAD + criterion("fit", weight=0) + criterion("stage", "strength", weight=0))
    assert refused(cli, path) == [
        f"{path}:criteria: all weights are zero; give at least one criterion a positive weight"
    ]


def test_a_zero_weight_next_to_a_positive_one_is_fine(cli, tmp_path):
    path = write(tmp_path, HEAD + criterion("fit", weight=0) + criterion("stage", "strength"))
    assert cli("criteria", "validate", path).code == 0


def test_unknown_keys_top_level_and_in_a_criterion(cli, tmp_path):
    text = HEAD + 'autor = "me"\n' + criterion("fit", colour="red") + criterion("stage", "strength")
    path = write(tmp_path, text)
    problems = refused(cli, path)
    assert len(problems) == 2
    assert problems[0].startswith(f"{path}:autor: unknown key 'autor' (allowed here: ")
    assert problems[1].startswith(f"{path}:criteria[0].colour: unknown key 'colour' (allowed here: ")


def test_missing_keys(cli, tmp_path):
    text = 'title = "No id"\n' + criterion("fit", group=None, weight=None) + criterion("stage", "strength")
    path = write(tmp_path, text)
    assert refused(cli, path) == [
        f"{path}:id: missing key 'id' (in top level)",
        f"{path}:criteria[0].group: missing key 'group' (in criteria[0])",
        f"{path}:criteria[0].weight: missing key 'weight' (in criteria[0])",
    ]


def test_toml_syntax_error_names_the_line(cli, tmp_path):
    text = GOOD.replace('kind = "number"', "kind = number", 1)
    line = text.splitlines().index("kind = number") + 1
    path = write(tmp_path, text)
    problems = refused(cli, path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{path}:line {line}: TOML syntax error at line {line}, column ")


def test_every_problem_of_a_file_is_listed_together(cli, tmp_path):
    text = (
        HEAD
        + 'colour = "blue"\n'
        + criterion("fit", weight=-1)  # 0: negative weight
        + criterion("fit", "strength", name="Other fit")  # 1: duplicate id
        + criterion("stage", "strenght", scale=[3, 1])  # 2: bad group, scale lo >= hi
        + criterion("price", "strength", direction="up", kind="grade", weight=None)  # 3: three more
    )
    path = write(tmp_path, text)
    problems = refused(cli, path)
    wheres = [line[len(f"{path}:") :].split(":")[0] for line in problems]
    assert sorted(wheres) == sorted(
        [
            "colour",
            "criteria[0].weight",
            "criteria[1].id",
            "criteria[2].group",
            "criteria[2].scale",
            "criteria[3].weight",
            "criteria[3].kind",
            "criteria[3].direction",
        ]
    )
    stderr = "\n".join(problems)
    for fragment in (
        "unknown key 'colour'",
        "negative weight -1",
        "duplicate id 'fit'",
        "unknown group 'strenght'",
        "scale lo (3) must be below hi (1)",
        "missing key 'weight'",
        "unknown kind 'grade'",
        "unknown direction 'up'",
    ):
        assert fragment in stderr


def test_errors_never_show_a_traceback_in_a_real_process(kamtui, tmp_path):
    path = write(tmp_path, HEAD + criterion("fit", group="nowhere", weight=-3))
    result = kamtui("criteria", "validate", path)
    assert result.code == 1
    assert "Traceback" not in result.output
    assert f"{path}:criteria[0].group: unknown group 'nowhere'" in result.stderr
    assert f"{path}:criteria[0].weight: negative weight -3" in result.stderr


# ----------------------------------------------------------------------------- list


def test_list_names_the_builtin_set_and_its_criteria(cli):
    result = cli("criteria", "list")
    assert result.code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[0] == "kam-default"
    assert "Key account selection (12 criteria)" in lines[0]
    body = "\n".join(lines[1:])
    for cid in (
        "revenue_potential",
        "cost_to_serve",
        "relationship_stage",
        "share_of_wallet",
        "track_record",
    ):
        assert cid in body
    revenue = next(line for line in lines if line.split()[0] == "revenue_potential")
    assert revenue.split()[1:3] == ["attractiveness", "number"]
    assert revenue.rstrip().endswith("15 pts, log")
    cost = next(line for line in lines if line.split()[0] == "cost_to_serve")
    assert cost.rstrip().endswith("5 pts, cost")
    stage = next(line for line in lines if line.split()[0] == "relationship_stage")
    assert "1-5" in stage.split()


def test_list_json_gives_each_set_as_its_toml_shape(cli):
    result = cli("criteria", "list", "--json")
    assert result.code == 0, result.output
    sets = json.loads(result.stdout)
    default = next(s for s in sets if s["id"] == "kam-default")
    assert default["title"] == "Key account selection"
    assert default["thresholds"] == {"attractiveness": 5, "strength": 5}
    criteria = {c["id"]: c for c in default["criteria"]}
    assert len(criteria) == 12
    assert sum(c["weight"] for c in criteria.values()) == 100
    assert criteria["revenue_potential"]["transform"] == "log"
    assert criteria["cost_to_serve"]["direction"] == "cost"
    assert criteria["relationship_stage"]["scale"] == [1, 5]
    assert {c["group"] for c in criteria.values()} == {"attractiveness", "strength"}
