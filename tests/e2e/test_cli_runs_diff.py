"""``kamtui runs diff A B [--json]`` on two runs of the hand-worked accounts (tests/data/selection).

Run 1: the set's weights (quality .4, cost .2, revenue .3, share .1), K = 3: Alpha, Dune, Echo (Hotel ties
Alpha but has 10 % coverage). Run 2: ``weights set quality=1 share=6`` (points 1, 2, 3, 6, weights
1/12, 2/12, 3/12, 6/12), K = 2 with Foxtrot pinned. Overall then (weighted mean over what is present):

    Alpha    10                                  rank 1
    Hotel    10 (share only)                     rank 1 (listed after Alpha by name)
    Foxtrot  (2 + 6) / 12 x 10     = 6.67        rank 3
    Charlie  .5 everywhere present = 5.00        rank 4
    Dune     (1 + 3) / 12 x 10     = 3.33        rank 5, Echo likewise
    Bravo    0                                   rank 7; Delta nothing, last

Hotel's coverage is now 6/12 = 50 %, but it has no attractiveness value at all (neither quality nor
revenue), so it is still not picked automatically. The pick of run 2: Foxtrot (pinned) and the best
eligible, Alpha. So Foxtrot entered, Dune and Echo left.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "selection"
HAND = DATA / "hand.toml"
HAND_CSV = DATA / "hand.csv"


@pytest.fixture
def two_runs(cli) -> tuple[dict, dict]:
    assert cli("accounts", "import", HAND_CSV, "--criteria", HAND).code == 0
    first = cli("rank", "--criteria", HAND, "--top", "3", "--samples", "0", "--save", "--note", "baseline", "--json")
    assert first.code == 0, first.output
    assert cli("weights", "set", "quality=1", "share=6").code == 0
    second = cli("rank", "--top", "2", "--include", "Foxtrot", "--samples", "0", "--save", "--by", "Finance", "--json")
    assert second.code == 0, second.output
    return json.loads(first.stdout), json.loads(second.stdout)


def diff_json(cli, a: int, b: int) -> dict:
    result = cli("runs", "diff", a, b, "--json")
    assert result.code == 0, result.output
    return json.loads(result.stdout)


def test_runs_diff_json_by_hand(cli, two_runs):
    one, two = two_runs
    assert [a["account"] for a in one["accounts"] if a["selected"]] == ["Alpha", "Dune", "Echo"]
    assert [a["account"] for a in two["accounts"] if a["selected"]] == ["Alpha", "Foxtrot"]
    ranks_two = {a["account"]: a["rank"] for a in two["accounts"]}
    assert ranks_two == {
        "Alpha": 1, "Hotel": 1, "Foxtrot": 3, "Charlie": 4, "Dune": 5, "Echo": 5, "Bravo": 7, "Delta": 8,
    }  # fmt: skip
    d = diff_json(cli, 1, 2)
    assert (d["run_a"], d["run_b"]) == (1, 2)
    assert (d["created_a"], d["created_b"]) == (one["created_at"], two["created_at"])
    assert d["entered"] == ["Foxtrot"]
    assert d["left"] == ["Dune", "Echo"]
    # largest movers first (then by name): Foxtrot 6 -> 3, Charlie 5 -> 4, Dune 3 -> 5, Echo 3 -> 5
    assert [(m["account"], m["rank_a"], m["rank_b"], m["change"]) for m in d["moved"]] == [
        ("Foxtrot", 6, 3, 3),
        ("Dune", 3, 5, -2),
        ("Echo", 3, 5, -2),
        ("Charlie", 5, 4, 1),
    ]
    assert all(m["quadrant_a"] == m["quadrant_b"] for m in d["moved"])  # no group score changed side
    assert d["added"] == [] and d["removed"] == []
    assert [(w["criterion"], w["weight_a"], w["weight_b"]) for w in d["weights"]] == [
        ("share", pytest.approx(0.1), pytest.approx(0.5)),
        ("quality", pytest.approx(0.4), pytest.approx(1 / 12)),
        ("revenue", pytest.approx(0.3), pytest.approx(0.25)),
        ("cost", pytest.approx(0.2), pytest.approx(1 / 6)),
    ]
    assert [(p["param"], p["a"], p["b"]) for p in d["params"]] == [("top_k", 3, 2), ("include", [], ["Foxtrot"])]


def test_runs_diff_matches_the_two_runs_as_saved(cli, two_runs):
    """entered/left/moved recomputed from ``runs show`` of both runs."""
    a = json.loads(cli("runs", "show", "1", "--json").stdout)
    b = json.loads(cli("runs", "show", "2", "--json").stdout)
    d = diff_json(cli, 1, 2)
    picked_a = {x["account"] for x in a["accounts"] if x["selected"]}
    picked_b = {x["account"] for x in b["accounts"] if x["selected"]}
    assert set(d["entered"]) == picked_b - picked_a and set(d["left"]) == picked_a - picked_b
    rank_a = {x["account"]: x["rank"] for x in a["accounts"]}
    rank_b = {x["account"]: x["rank"] for x in b["accounts"]}
    assert {m["account"]: (m["rank_a"], m["rank_b"]) for m in d["moved"]} == {
        name: (rank_a[name], rank_b[name]) for name in rank_a if rank_a[name] != rank_b[name]
    }
    moves = [abs(m["change"]) for m in d["moved"]]
    assert moves == sorted(moves, reverse=True)
    back = diff_json(cli, 2, 1)
    assert (back["entered"], back["left"]) == (d["left"], d["entered"])


def test_runs_diff_text_and_errors(cli, two_runs):
    result = cli("runs", "diff", "1", "2")
    assert result.code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[1] == "entered the pick: Foxtrot"
    assert lines[2] == "left the pick: Dune, Echo"
    assert any(line.split()[:4] == ["share", "10.0%", "50.0%", "+40.0%"] for line in lines)
    assert any(line.split() == ["Foxtrot", "6", "3", "+3"] for line in lines)
    same = cli("runs", "diff", "2", "2")
    assert "no rank or quadrant changed" in same.stdout and "entered the pick: none" in same.stdout
    missing = cli("runs", "diff", "1", "9")
    assert missing.code == 1 and "no selection run with id 9" in missing.stderr


def test_runs_list_shows_k_pins_who_and_the_note(cli, two_runs):
    listed = json.loads(cli("runs", "list", "--json").stdout)
    assert [(r["top_k"], r["include"], r["note"]) for r in listed] == [(3, [], "baseline"), (2, ["Foxtrot"], None)]
    assert listed[1]["saved_by"] == "Finance"
