"""``kamtui weights show|set|reset|ahp`` on the hand-worked criteria set, and their effect on ``rank``.

tests/data/selection/hand.toml: quality 4, cost 2, revenue 3, share 1 points (sum 10). Stored weights live
in the ``weights`` table per criteria set and override the set's points from then on.
"""

from __future__ import annotations

import json
import sqlite3
from fractions import Fraction
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "selection"
HAND = DATA / "hand.toml"
HAND_CSV = DATA / "hand.csv"
IDS = ("quality", "cost", "revenue", "share")
DEFAULT_POINTS = {"quality": 4.0, "cost": 2.0, "revenue": 3.0, "share": 1.0}


def weight_rows(path: Path) -> list[tuple]:
    """Every row of the weights table (criteria_set, criterion, points, source, updated_at)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT * FROM weights ORDER BY criteria_set, criterion").fetchall()
    finally:
        conn.close()


def show_json(cli, *extra: object) -> dict:
    result = cli("weights", "show", "--criteria", HAND, "--json", *extra)
    assert result.code == 0, result.output
    return json.loads(result.stdout)


def pairwise(path: Path, matrix: list[list[str]], ids: tuple[str, ...] = IDS) -> Path:
    lines = ["," + ",".join(ids)] + [",".join([cid, *row]) for cid, row in zip(ids, matrix, strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def consistent(weights: list[int]) -> list[list[str]]:
    """a_ij = w_i / w_j written as Saaty entries (whole numbers or 1/q)."""
    return [[str(Fraction(wi, wj)) for wj in weights] for wi in weights]


# A perfectly consistent matrix from 8:4:2:1 -> weights 8/15, 4/15, 2/15, 1/15, lambda_max = 4, CR = 0.
CONSISTENT = consistent([8, 4, 2, 1])
# quality >> cost >> revenue >> quality: a cycle, wildly inconsistent.
CYCLE = [
    ["1", "9", "1/9", "1"],
    ["1/9", "1", "9", "1"],
    ["9", "1/9", "1", "1"],
    ["1", "1", "1", "1"],
]


@pytest.fixture
def accounts(cli) -> None:
    result = cli("accounts", "import", HAND_CSV, "--criteria", HAND)
    assert result.code == 0, result.output


def rank_json(cli, *extra: object) -> dict:
    result = cli("rank", "--criteria", HAND, "--samples", "0", "--json", *extra)
    assert result.code == 0, result.output
    return json.loads(result.stdout)


# ----------------------------------------------------------------------------- show


def test_show_gives_the_sets_points_by_default(cli):
    data = show_json(cli)
    assert data == {
        "criteria": "hand",
        "points": DEFAULT_POINTS,
        "weights": {"quality": 0.4, "cost": 0.2, "revenue": 0.3, "share": 0.1},
        "source": dict.fromkeys(IDS, "default"),
    }
    result = cli("weights", "show", "--criteria", HAND)
    assert result.code == 0, result.output
    assert result.stdout.splitlines()[0] == "criteria set: hand"
    rows = {line.split()[0]: line.split() for line in result.stdout.splitlines()[3:]}
    assert rows["quality"] == ["quality", "attractiveness", "4", "40.0%", "#" * 16, "default"]
    assert rows["share"] == ["share", "strength", "1", "10.0%", "####", "default"]


def test_show_without_criteria_uses_the_set_last_named_else_the_default(cli):
    data = json.loads(cli("weights", "show", "--json").stdout)
    assert data["criteria"] == "kam-default"
    assert sum(data["points"].values()) == 100
    show_json(cli)  # names hand.toml: it becomes this database's set
    assert json.loads(cli("weights", "show", "--json").stdout)["criteria"] == "hand"


# ----------------------------------------------------------------------------- set


def test_set_stores_points_for_some_criteria(cli, db_path):
    result = cli("weights", "set", "quality=6", "Share of wallet=0", "--criteria", HAND, "--json")
    assert result.code == 0, result.output
    data = json.loads(result.stdout)
    assert data["points"] == {"quality": 6.0, "cost": 2.0, "revenue": 3.0, "share": 0.0}
    assert data["weights"] == pytest.approx(
        {"quality": 6 / 11, "cost": 2 / 11, "revenue": 3 / 11, "share": 0.0}
    )
    assert data["source"] == {"quality": "manual", "cost": "default", "revenue": "default", "share": "manual"}
    assert [(r[0], r[1], r[2], r[3]) for r in weight_rows(db_path)] == [
        ("hand", "quality", 6.0, "manual"),
        ("hand", "share", 0.0, "manual"),
    ]
    assert show_json(cli)["points"] == data["points"]


@pytest.mark.parametrize(
    ("assignments", "fragments"),
    [
        (["colour=5"], ["'colour': not a criterion of 'hand' (quality, cost, revenue, share)"]),
        (["quality=-1"], ["'quality=-1': points must be a number >= 0"]),
        (["quality=lots"], ["'quality=lots': points must be a number >= 0"]),
        (["quality=inf"], ["'quality=inf': points must be a number >= 0"]),
        (["quality=nan"], ["'quality=nan': points must be a number >= 0"]),
        (["quality"], ["'quality': expected ID=POINTS"]),
        (["quality=", "cost=2"], ["'quality=': points must be a number >= 0"]),
        (
            ["quality=0", "cost=0", "revenue=0", "share=0"],
            ["weights not changed: at least one criterion needs points above zero"],
        ),
        (
            ["colour=5", "quality=-1", "cost=x", "revenue=7"],
            ["'colour': not a criterion", "'quality=-1': points must be", "'cost=x': points must be"],
        ),
    ],
)
def test_set_refuses_bad_points_and_stores_nothing(cli, db_path, assignments, fragments):
    assert cli("weights", "set", "revenue=5", "--criteria", HAND).code == 0
    before = weight_rows(db_path)
    result = cli("weights", "set", *assignments, "--criteria", HAND)
    assert result.code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: weights not changed")
    for fragment in fragments:
        assert fragment in result.stderr
    assert weight_rows(db_path) == before


def test_set_refuses_zeroing_the_last_positive_weight(cli, db_path):
    assert cli("weights", "set", "quality=0", "cost=0", "revenue=0", "--criteria", HAND).code == 0
    before = weight_rows(db_path)
    result = cli("weights", "set", "share=0", "--criteria", HAND)
    assert result.code == 1
    assert "at least one criterion needs points above zero" in result.stderr
    assert weight_rows(db_path) == before


def test_reset_goes_back_to_the_sets_points_for_that_set_only(cli, db_path):
    assert cli("weights", "set", "strategic_fit=40", "--criteria", "kam-default").code == 0
    assert cli("weights", "set", "quality=1", "cost=1", "--criteria", HAND).code == 0
    result = cli("weights", "reset", "--criteria", HAND)
    assert result.code == 0, result.output
    assert result.stdout.startswith("criteria set: hand\n")
    data = show_json(cli)
    assert data["points"] == DEFAULT_POINTS
    assert data["source"] == dict.fromkeys(IDS, "default")
    assert [(r[0], r[1], r[2]) for r in weight_rows(db_path)] == [("kam-default", "strategic_fit", 40.0)]


def test_stored_weights_drive_rank(cli, accounts):
    before = rank_json(cli, "--top", "3")
    assert before["weights"] == {"quality": 0.4, "cost": 0.2, "revenue": 0.3, "share": 0.1}
    assert cli("weights", "set", "quality=0", "revenue=0", "--criteria", HAND).code == 0
    after = rank_json(cli, "--top", "3")
    # only cost (2 points) and share (1 point) count now
    assert after["weights"] == pytest.approx({"quality": 0.0, "cost": 2 / 3, "revenue": 0.0, "share": 1 / 3})
    assert after["points"] == {"quality": 0.0, "cost": 2.0, "revenue": 0.0, "share": 1.0}
    by_name = {a["account"]: a for a in after["accounts"]}
    # Foxtrot: cost 1 -> v 1, share 50 -> v 1: 10; Echo/Dune: cost 5 -> 0, share 10 -> 0: 0
    assert by_name["Foxtrot"]["overall"] == pytest.approx(10.0)
    assert by_name["Foxtrot"]["rank"] == 1
    assert by_name["Echo"]["overall"] == pytest.approx(0.0)
    # Charlie has cost (v 0.5) but no share: coverage 2/3, overall 5
    assert by_name["Charlie"]["coverage"] == pytest.approx(2 / 3)
    assert by_name["Charlie"]["overall"] == pytest.approx(5.0)
    assert [a["account"] for a in after["accounts"] if a["selected"]] == ["Alpha", "Foxtrot", "Charlie"]
    assert cli("weights", "reset", "--criteria", HAND).code == 0
    assert rank_json(cli, "--top", "3")["weights"] == before["weights"]


# ----------------------------------------------------------------------------- ahp


def test_ahp_consistent_matrix_gives_exactly_its_weights(cli, tmp_path, db_path, accounts):
    path = pairwise(tmp_path / "ahp.csv", CONSISTENT)
    result = cli("weights", "ahp", path, "--criteria", HAND, "--json")
    assert result.code == 0, result.output
    data = json.loads(result.stdout)
    assert data["criteria"] == "hand"
    assert data["applied"] is True
    assert data["weights"] == pytest.approx(
        {"quality": 8 / 15, "cost": 4 / 15, "revenue": 2 / 15, "share": 1 / 15}, abs=1e-12
    )
    assert data["lambda_max"] == pytest.approx(4.0, abs=1e-9)
    assert data["cr"] == pytest.approx(0.0, abs=1e-9)
    # stored as points (percent) with source "ahp", and used by show and rank from then on
    shown = show_json(cli)
    assert shown["source"] == dict.fromkeys(IDS, "ahp")
    assert shown["weights"] == pytest.approx(data["weights"], abs=1e-8)
    assert {r[1]: r[3] for r in weight_rows(db_path)} == dict.fromkeys(IDS, "ahp")
    ranked = rank_json(cli)
    assert ranked["weights"] == pytest.approx(data["weights"], abs=1e-8)
    charlie = next(a for a in ranked["accounts"] if a["account"] == "Charlie")
    # Charlie's values all normalise to 0.5 (share missing): overall 5 whatever the weights; coverage 14/15
    assert charlie["coverage"] == pytest.approx(14 / 15, abs=1e-8)


def test_ahp_reads_the_matrix_in_any_criterion_order(cli, tmp_path):
    order = ("share", "revenue", "quality", "cost")
    weights = {"share": 1, "revenue": 2, "quality": 8, "cost": 4}
    path = pairwise(tmp_path / "ahp.csv", consistent([weights[c] for c in order]), order)
    result = cli("weights", "ahp", path, "--criteria", HAND, "--json")
    assert result.code == 0, result.output
    assert json.loads(result.stdout)["weights"] == pytest.approx(
        {c: w / 15 for c, w in weights.items()}, abs=1e-12
    )


def test_ahp_text_output(cli, tmp_path):
    result = cli("weights", "ahp", pairwise(tmp_path / "ahp.csv", CONSISTENT), "--criteria", HAND)
    assert result.code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["quality", "0.5333"]
    assert lines[3].split() == ["share", "0.0667"]
    assert lines[4].startswith("lambda max 4.0000")
    assert lines[-1] == "applied"


def test_ahp_inconsistent_matrix_is_not_applied(cli, tmp_path, db_path):
    assert cli("weights", "set", "quality=7", "--criteria", HAND).code == 0
    before = weight_rows(db_path)
    result = cli("weights", "ahp", pairwise(tmp_path / "ahp.csv", CYCLE), "--criteria", HAND, "--json")
    assert result.code == 1, result.output
    data = json.loads(result.stdout)
    assert data["applied"] is False
    assert data["cr"] > 0.10
    assert data["lambda_max"] > 4.0
    assert sum(data["weights"].values()) == pytest.approx(1.0)
    assert "consistency ratio" in result.stderr
    assert "above 0.10" in result.stderr
    assert "--force" in result.stderr
    assert weight_rows(db_path) == before
    assert show_json(cli)["points"] == {**DEFAULT_POINTS, "quality": 7.0}


def test_ahp_inconsistent_matrix_is_applied_with_force(cli, tmp_path, db_path):
    path = pairwise(tmp_path / "ahp.csv", CYCLE)
    result = cli("weights", "ahp", path, "--criteria", HAND, "--json", "--force")
    assert result.code == 0, result.output
    data = json.loads(result.stdout)
    assert data["applied"] is True
    assert data["cr"] > 0.10
    shown = show_json(cli)
    assert shown["weights"] == pytest.approx(data["weights"], abs=1e-8)
    assert shown["source"] == dict.fromkeys(IDS, "ahp")
    assert len(weight_rows(db_path)) == 4


@pytest.mark.parametrize(
    ("matrix", "ids", "fragment"),
    [
        (
            [
                ["1", "2", "4", "8"],
                ["1/2", "1", "2", "4"],
                ["1/4", "1/2", "1", "2"],
                ["1/8", "1/4", "1/3", "1"],
            ],
            IDS,
            "{path}:5:4: share vs revenue should be the reciprocal of revenue vs share (2), i.e. 1/2; found 1/3",
        ),
        (
            [
                ["1", "2", "4", "12"],
                ["1/2", "1", "2", "4"],
                ["1/4", "1/2", "1", "2"],
                ["1/12", "1/4", "1/2", "1"],
            ],
            IDS,
            "{path}:2:5: 12 is outside Saaty's scale 1/9 to 9",
        ),
        (
            [
                ["2", "2", "4", "8"],
                ["1/2", "1", "2", "4"],
                ["1/4", "1/2", "1", "2"],
                ["1/8", "1/4", "1/2", "1"],
            ],
            IDS,
            "{path}:2:2: the diagonal must be 1",
        ),
        (
            [
                ["1", "much", "4", "8"],
                ["1/2", "1", "2", "4"],
                ["1/4", "1/2", "1", "2"],
                ["1/8", "1/4", "1/2", "1"],
            ],
            IDS,
            "{path}:2:3: 'much' is not a number",
        ),
        (consistent([4, 2, 1]), ("quality", "cost", "revenue"), "missing from the matrix: share"),
        (
            consistent([4, 2, 1, 1]),
            ("quality", "cost", "revenue", "colour"),
            "not criteria of 'hand': colour",
        ),
    ],
    ids=["not-reciprocal", "off-scale", "diagonal", "text", "missing-criterion", "unknown-criterion"],
)
def test_ahp_bad_matrix_is_refused_and_stores_nothing(cli, tmp_path, db_path, matrix, ids, fragment):
    path = pairwise(tmp_path / "ahp.csv", matrix, ids)
    result = cli("weights", "ahp", path, "--criteria", HAND, "--json")
    assert result.code == 1, result.output
    assert result.stdout == ""
    assert fragment.format(path=path) in result.stderr
    assert weight_rows(db_path) == []


def test_ahp_missing_file(cli, tmp_path, db_path):
    result = cli("weights", "ahp", tmp_path / "nowhere.csv", "--criteria", HAND)
    assert result.code == 1
    assert "file not found" in result.stderr
    assert weight_rows(db_path) == []


# --- panels, incomplete matrices, rounded decimals ----------------------------------------------------

# The four decision makers of the Prize package's published example (tests/unit/test_ahp_group.py),
# as matrices over quality, cost, revenue, share (upper triangles).
PRIZE_UPPER = [[2, 4, 5, 3, 4, 2], [0.8, 2, 4, 5, 7, 2], [2, 3, 5, 3, 5, 2], [5, 6, 7, 4, 6, 1]]
PRIZE_AIJ = [
    [1.0000000, 2.0000000, 3.4641016, 5.143687],
    [0.5000000, 1.0000000, 3.6628415, 5.383563],
    [0.2886751, 0.2730121, 1.0000000, 1.681793],
    [0.1944131, 0.1857506, 0.5946036, 1.000000],
]


def upper_grid(upper: list[float]) -> list[list[str]]:
    grid = [["1"] * 4 for _ in range(4)]
    k = 0
    for i in range(4):
        for j in range(i + 1, 4):
            grid[i][j] = str(upper[k])
            grid[j][i] = str(Fraction(1) / Fraction(str(upper[k])))
            k += 1
    return grid


def test_ahp_panel_of_several_files_gives_the_group_weights_and_figures(cli, tmp_path, db_path):
    import numpy as np

    from kamtui.core.ahp import ahp_weights
    from kamtui.core.ahp_group import consensus

    files = [pairwise(tmp_path / f"ind{k + 1}.csv", upper_grid(u)) for k, u in enumerate(PRIZE_UPPER)]
    result = cli("weights", "ahp", *files, "--criteria", HAND, "--json")
    assert result.code == 0, result.output
    data = json.loads(result.stdout)
    group = ahp_weights(np.array(PRIZE_AIJ))  # the published group matrix, weighed on its own
    assert data["weights"] == pytest.approx(dict(zip(IDS, group.weights, strict=True)), abs=2e-7)
    assert data["group_cr"] == data["cr"] == pytest.approx(group.cr, abs=2e-6)
    assert data["method"] == "principal eigenvector of the geometric mean of the members' judgements (AIJ)"
    members = data["members"]
    assert [m["file"] for m in members] == [str(f) for f in files]
    singles = [ahp_weights(np.array([[float(Fraction(c)) for c in row] for row in upper_grid(u)])) for u in PRIZE_UPPER]
    assert [m["cr"] for m in members] == pytest.approx([s.cr for s in singles], abs=1e-12)
    assert data["consensus"] == pytest.approx(consensus(np.array([s.weights for s in singles])), abs=1e-12)
    assert data["consensus_words"] in {"very low", "low", "moderate", "high", "very high"}
    assert data["applied"] is True and data["inconsistent"] == []
    assert show_json(cli)["weights"] == pytest.approx(data["weights"], abs=1e-8)
    text = cli("weights", "ahp", *files, "--criteria", HAND).stdout
    assert "group (4 people, geometric mean of the judgements):" in text
    assert f"consensus {data['consensus']:.1%} ({data['consensus_words']}; Goepel's AHP consensus indicator)" in text


def test_ahp_panel_names_the_most_inconsistent_judgements_and_is_not_applied(cli, tmp_path, db_path):
    good = pairwise(tmp_path / "good.csv", CONSISTENT)
    bad = pairwise(tmp_path / "bad.csv", CYCLE)
    result = cli("weights", "ahp", good, bad, "--criteria", HAND, "--json")
    assert result.code == 1
    data = json.loads(result.stdout)
    assert data["applied"] is False
    assert [m["consistent"] for m in data["members"]] == [True, False]
    assert data["members"][0]["inconsistent"] == []
    worst = data["members"][1]["inconsistent"]
    assert 1 <= len(worst) <= 3 and all(w["cr_after"] < data["members"][1]["cr"] for w in worst)
    assert "the group's consistency ratio" in result.stderr
    assert weight_rows(db_path) == []


def test_ahp_incomplete_matrix_is_completed_by_harker_and_says_so(cli, tmp_path, db_path):
    grid = [row[:] for row in CONSISTENT]  # 8 : 4 : 2 : 1
    for i, j in [(0, 3), (1, 3)]:
        grid[i][j] = grid[j][i] = ""
    path = pairwise(tmp_path / "gaps.csv", grid)
    result = cli("weights", "ahp", path, "--criteria", HAND, "--json")
    assert result.code == 0, result.output
    data = json.loads(result.stdout)
    assert data["weights"] == pytest.approx({"quality": 8 / 15, "cost": 4 / 15, "revenue": 2 / 15, "share": 1 / 15}, abs=1e-12)
    assert data["completed"] == [["quality", "share"], ["cost", "share"]]
    assert data["completion"].startswith("Harker (1987)")
    text = cli("weights", "ahp", path, "--criteria", HAND).stdout
    assert "completed by Harker (1987)" in text and "quality vs share = 8" in text and "cost vs share = 4" in text


def test_ahp_reciprocals_written_as_rounded_decimals_are_accepted(cli, tmp_path):
    grid = [
        ["1", "1.5", "3", "6"],
        ["0.6667", "1", "2", "4"],
        ["0.333", "0.5", "1", "2"],
        ["0.1667", "0.25", "0.5", "1"],
    ]
    result = cli("weights", "ahp", pairwise(tmp_path / "decimals.csv", grid), "--criteria", HAND, "--json")
    assert result.code == 0, result.output
    data = json.loads(result.stdout)
    # 6 : 4 : 2 : 1 exactly: the whole numbers and 1.5 are kept, their mirrors made exact reciprocals
    assert data["weights"] == pytest.approx({"quality": 6 / 13, "cost": 4 / 13, "revenue": 2 / 13, "share": 1 / 13}, abs=1e-12)
    assert data["cr"] == pytest.approx(0.0, abs=1e-12)
