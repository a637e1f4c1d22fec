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


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("kam-default", "ok: 12 criteria (8 attractiveness, 4 strength)\n"),
        ("kam-default-v1", "ok: 12 criteria (7 attractiveness, 5 strength)\n"),
    ],
)
def test_builtin_set_validates_by_id(cli, ref, expected):
    result = cli("criteria", "validate", ref)
    assert result.code == 0, result.output
    assert result.stdout == expected


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
    all_lines = result.stdout.splitlines()
    start = all_lines.index(next(line for line in all_lines if line.split()[0] == "kam-default-v1"))
    v2, lines = all_lines[:start], all_lines[start:]  # kam-default (version 2) first, then version 1
    assert v2[0].split()[0] == "kam-default"
    assert "Key account selection (12 criteria)" in v2[0]
    assert [line.split()[0] for line in v2[1:]] == [
        "addressable_spend",
        "growth_outlook",
        "margin_potential",
        "strategic_fit",
        "willingness_to_partner",
        "footprint_fit",
        "credit_risk",
        "cost_to_serve",
        "relative_strength",
        "access_to_decision_makers",
        "share_of_wallet",
        "track_record",
    ]
    share = next(line for line in v2 if line.split()[0] == "share_of_wallet")
    assert share.split()[1:4] == ["strength", "number", "0-100"]
    spend = next(line for line in v2 if line.split()[0] == "addressable_spend")
    assert spend.rstrip().endswith("14 pts, log")
    assert next(line for line in v2 if line.split()[0] == "credit_risk").rstrip().endswith("4 pts, cost")
    assert "Key account selection (version 1) (12 criteria)" in lines[0]
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
    v2 = next(s for s in sets if s["id"] == "kam-default")
    assert (v2["title"], v2["version"], v2["rank_by"]) == ("Key account selection", 2, "attractiveness")
    v2_criteria = {c["id"]: c for c in v2["criteria"]}
    assert len(v2_criteria) == 12 and sum(c["weight"] for c in v2_criteria.values()) == 100
    assert v2_criteria["share_of_wallet"]["scale"] == [0, 100]
    assert "transform" not in v2_criteria["share_of_wallet"]
    assert v2_criteria["access_to_decision_makers"]["group"] == "strength"
    assert v2_criteria["credit_risk"]["direction"] == "cost"
    default = next(s for s in sets if s["id"] == "kam-default-v1")
    assert "rank_by" not in default and "version" not in default
    assert default["title"] == "Key account selection (version 1)"
    assert default["thresholds"] == {"attractiveness": 5, "strength": 5}
    criteria = {c["id"]: c for c in default["criteria"]}
    assert len(criteria) == 12
    assert sum(c["weight"] for c in criteria.values()) == 100
    assert criteria["revenue_potential"]["transform"] == "log"
    assert criteria["cost_to_serve"]["direction"] == "cost"
    assert criteria["relationship_stage"]["scale"] == [1, 5]
    assert {c["group"] for c in criteria.values()} == {"attractiveness", "strength"}


# ----------------------------------------------------------------------------- version-2 keys (issue 15)


def test_a_number_with_a_fixed_scale_and_rank_by_validate(cli, tmp_path):
    text = (
        HEAD
        + 'version = 2\nrank_by = "attractiveness"\n'
        + criterion("fit")
        + criterion("share", "strength", kind="number", unit="%", scale=[0, 100])
    )
    result = cli("criteria", "validate", write(tmp_path, text))
    assert (result.code, result.stdout) == (0, "ok: 2 criteria (1 attractiveness, 1 strength)\n")


@pytest.mark.parametrize(
    ("top", "extra", "expected"),
    [
        (
            "",
            {"kind": "number", "transform": "log", "scale": [0, 100]},
            "criteria[1].scale: 'scale' and 'transform' exclude each other: a number on a fixed scale is "
            "normalised on that scale, not log-transformed; drop one of them",
        ),
        ("", {"kind": "number", "scale": [100, 0]}, "criteria[1].scale: scale lo (100) must be below hi (0)"),
        (
            "",
            {"kind": "number", "scale": [0, 1e308]},
            "criteria[1].scale: scale bounds must lie between -1e+15 and 1e+15, found 0 to 1e+308",
        ),
        (
            "",
            {"scale": [-1e308, 10]},
            "criteria[1].scale: scale bounds must lie between -1e+15 and 1e+15, found -1e+308 to 10",
        ),
        ("", {"kind": "number", "scale": [0]}, "criteria[1].scale: expected [lo, hi]: a list of two numbers"),
        (
            "",
            {"kind": "number", "scale": [0, 100], "labels": ["low", "high"]},
            "criteria[1].labels: 'labels' is only for rating criteria (this one is a number)",
        ),
        ('rank_by = "best"\n', {}, "rank_by: unknown rank_by 'best' (allowed: overall, attractiveness)"),
        ("rank_by = true\n", {}, "rank_by: expected text, found true/false"),
        ("version = 0\n", {}, "version: expected a whole number >= 1, found 0"),
        (
            f"version = {2**64}\n",
            {},
            "version: expected a whole number >= 1 and at most 9223372036854775807 (2**63 - 1, 64 bits), "
            f"found {2**64}",
        ),
        (
            "",
            {"weight": 1.7e308},
            "criteria: the weights add up to more than 1.798e+308, the largest number a sum can hold; use "
            "smaller points (only their ratios matter)",
        ),
        (
            "",
            {"name": "Fit"},
            "criteria[1].name: duplicate name 'Fit' (also used by criteria[0]; case is ignored)",
        ),
        (
            "",
            {"name": "FIT"},
            "criteria[1].name: duplicate name 'FIT' (also used by criteria[0]; case is ignored)",
        ),
    ],
    ids=[
        "scale-and-transform",
        "number-scale-backwards",
        "number-scale-huge",
        "rating-scale-huge",
        "number-scale-one-bound",
        "labels-on-a-number",
        "rank_by-unknown",
        "rank_by-not-text",
        "version-zero",
        "version-beyond-64-bits",
        "weight-sum-overflows",
        "name-twice",
        "name-twice-other-case",
    ],
)
def test_each_mistake_in_the_version_2_keys(cli, tmp_path, top, extra, expected):
    weight = {"weight": 1.7e308} if "weight" in extra else {}
    path = write(tmp_path, HEAD + top + criterion("fit", **weight) + criterion("other", "strength", **extra))
    assert refused(cli, path) == [f"{path}:{expected}"]


def test_a_name_that_is_another_criterions_id_is_refused(cli, tmp_path):
    path = write(
        tmp_path, HEAD + criterion("fit", name="Stage") + criterion("stage", "strength", name="Phase")
    )
    assert refused(cli, path) == [
        f"{path}:criteria[0].name: name 'Stage' is the id of criteria[1]; a column headed 'Stage' would name "
        "both, so pick another name"
    ]


def test_ranking_by_attractiveness_needs_a_weighted_attractiveness_criterion(cli, tmp_path):
    text = HEAD + 'rank_by = "attractiveness"\n' + criterion("fit", weight=0) + criterion("stage", "strength")
    path = write(tmp_path, text)
    assert refused(cli, path) == [
        f"{path}:rank_by: accounts are ranked by attractiveness but every attractiveness criterion has weight 0; "
        "give one a positive weight or rank by overall"
    ]


def test_a_value_outside_a_fixed_scale_is_refused_like_a_rating(cli, tmp_path):
    good = tmp_path / "good.csv"
    good.write_text("account,share_of_wallet,relative_strength\nBeta,50,7\n", encoding="utf-8")
    assert cli("accounts", "import", good, "--criteria", "kam-default").code == 0
    result = cli("accounts", "set", "Beta", "share_of_wallet", "101", "--criteria", "kam-default")
    assert result.code == 1
    assert "share_of_wallet: 101 is outside the scale 0 to 100 of 'Share of wallet'; got 101" in result.stderr
    result = cli("accounts", "set", "Beta", "relative_strength", "11", "--criteria", "kam-default")
    assert result.code == 1
    assert "relative_strength: 11 is outside the rating scale 1 to 10 of" in result.stderr
    assert cli("accounts", "set", "Beta", "share_of_wallet", "100", "--criteria", "kam-default").code == 0
    bad = tmp_path / "bad.csv"
    bad.write_text("account,share_of_wallet,relative_strength\nAcme,120,11\n", encoding="utf-8")
    result = cli("accounts", "import", bad, "--criteria", "kam-default")
    assert result.code == 1
    assert result.stderr.splitlines()[1:] == [
        f"{bad}:2:share_of_wallet: 120 is outside the scale 0 to 100 of 'Share of wallet'; found 120",
        f"{bad}:2:relative_strength: 11 is outside the rating scale 1 to 10 of 'Relative strength (customer's "
        "view)'; found 11",
    ]


def test_a_database_scored_on_version_1_keeps_working_with_kam_default_v1(cli, tmp_path):
    v1_file = DATA / "demo30-v1.csv"  # the 30 demo accounts as scored on kam-default version 1
    wrong_set = cli("accounts", "import", v1_file, "--criteria", "kam-default")
    assert wrong_set.code == 0  # the other columns are ignored, saying which set reads them
    assert (
        "note: revenue_potential, reference_value, relationship_stage, competitive_position, solution_fit are "
        "criteria of 'kam-default-v1': to read them, import with --criteria kam-default-v1"
    ) in wrong_set.stderr
    assert cli("accounts", "import", v1_file, "--criteria", "kam-default-v1").code == 0
    result = cli("rank", "--json", "--samples", "0", "--top", "5", "--criteria", "kam-default-v1")
    assert result.code == 0, result.output
    data = json.loads(result.stdout)
    assert data["criteria"] == "kam-default-v1"
    accounts = data["accounts"]
    assert len(accounts) == 30
    # version 1 ranks by overall: the ranks follow the overall score, best first
    scored = [a for a in accounts if a["overall"] is not None]
    assert [a["rank"] for a in scored][:5] == [1, 2, 3, 4, 5]
    assert [a["overall"] for a in scored] == sorted((a["overall"] for a in scored), reverse=True)
    assert accounts[0]["account"] == "Marlowe Chemicals"


def test_kam_default_ranks_the_demo_accounts_by_attractiveness(cli):
    assert cli("accounts", "import", DATA / "demo30.csv", "--criteria", "kam-default").code == 0
    result = cli("rank", "--json", "--samples", "0", "--top", "5")
    assert result.code == 0, result.output
    accounts = json.loads(result.stdout)["accounts"]
    ranked = [a for a in accounts if a["attractiveness"] is not None]
    assert [a["attractiveness"] for a in ranked] == sorted(
        (a["attractiveness"] for a in ranked), reverse=True
    )
    assert [a["rank"] for a in ranked][:3] == [1, 2, 3]
    # the best overall score is not the best attractiveness: a Star outranks a stronger Strategic account
    best_overall = max(ranked, key=lambda a: a["overall"])
    assert best_overall["rank"] > 1 and accounts[0]["quadrant"] == "Star"
    assert sum(a["selected"] for a in accounts) == 5
    assert all(a["selected"] for a in accounts[:5] if a["coverage"] >= 0.5)
