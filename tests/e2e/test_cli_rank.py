"""``kamtui rank`` and ``kamtui runs``: a hand-worked ranking through the command line.

Criteria (tests/data/selection/hand.toml), points 4 + 2 + 3 + 1 = 10:

    quality  rating 1-10, benefit, attractiveness  w 0.4    v = (x - 1) / 9
    cost     rating 1-5,  cost,    strength        w 0.2    v = 1 - (x - 1) / 4
    revenue  number, log,  benefit, attractiveness  w 0.3    v = min-max of log1p(x) over the accounts
    share    number,       benefit, strength        w 0.1    v = min-max of x over the accounts

Accounts (tests/data/selection/hand.csv). revenue: log1p(9, 99, 999) = ln 10, 2 ln 10, 3 ln 10, so
v = 0, 0.5, 1. share: min 10, max 50.

    account  owner effort  quality cost revenue share ->  v(q)  v(c)  v(r)  v(s)
    Alpha    Ann   0.6     10      1    999     50        1     1     1     1
    Bravo    Cy    0.1     1       5    9       10        0     0     0     0
    Charlie  Bob   0.3     5.5     3    99      -         .5    .5    .5    -
    Delta    Cy    -       -       -    -       -         -     -     -     -
    Echo     Bob   0.3     10      5    999     10        1     0     1     0
    Dune     Ann   0.3     10      5    999     10        1     0     1     0
    Foxtrot  Cy    0.1     1       1    9       50        0     1     0     1
    Hotel    Cy    0.1     -       -    -       50        -     -     -     1

overall = 10 x weighted mean over the criteria present (weights renormalised over them); coverage =
share of the weight present; attractiveness over quality + revenue (4 + 3 points), strength over
cost + share (2 + 1 points):

    Alpha    10 x (4+2+3+1)/10          = 10   cov 1     attr 10   str 10    Strategic
    Hotel    10 x 1/1                   = 10   cov 0.1   attr -    str 10    -  (no attractiveness)
    Dune     10 x (4+3)/10              = 7    cov 1     attr 10   str 0     Star
    Echo     the same as Dune           = 7    cov 1     attr 10   str 0     Star
    Charlie  10 x (.5x4+.5x2+.5x3)/9    = 5    cov 0.9   attr 5    str 5     Strategic (5 >= 5)
    Foxtrot  10 x (2+1)/10              = 3    cov 1     attr 0    str 10    Status
    Bravo    0                          = 0    cov 1     attr 0    str 0     Streamline
    Delta    nothing present            = -    cov 0     -         -         -

rank = rankdata(-overall, "min"): Alpha 1, Hotel 1, Dune 3, Echo 3, Charlie 5, Foxtrot 6, Bravo 7, and
Delta (no overall) last, 8. Ties are listed by name: Alpha before Hotel, Dune before Echo (the file
lists Echo first).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

DATA = Path(__file__).resolve().parent.parent / "data" / "selection"
HAND = DATA / "hand.toml"
HAND_CSV = DATA / "hand.csv"

ORDER = ["Alpha", "Hotel", "Dune", "Echo", "Charlie", "Foxtrot", "Bravo", "Delta"]
EXPECTED = {
    #          rank overall attr  str   quadrant      coverage owner  effort
    "Alpha": (1, 10.0, 10.0, 10.0, "Strategic", 1.0, "Ann", 0.6),
    "Hotel": (1, 10.0, None, 10.0, None, 0.1, "Cy", 0.1),
    "Dune": (3, 7.0, 10.0, 0.0, "Star", 1.0, "Ann", 0.3),
    "Echo": (3, 7.0, 10.0, 0.0, "Star", 1.0, "Bob", 0.3),
    "Charlie": (5, 5.0, 5.0, 5.0, "Strategic", 0.9, "Bob", 0.3),
    "Foxtrot": (6, 3.0, 0.0, 10.0, "Status", 1.0, "Cy", 0.1),
    "Bravo": (7, 0.0, 0.0, 0.0, "Streamline", 1.0, "Cy", 0.1),
    "Delta": (8, None, None, None, None, 0.0, "Cy", None),
}
ACCOUNT_KEYS = {
    "account",
    "owner",
    "rank",
    "overall",
    "attractiveness",
    "strength",
    "quadrant",
    "coverage",
    "p_top_k",
    "rank_p5",
    "rank_p95",
    "effort",
    "selected",
}


@pytest.fixture
def accounts(cli) -> None:
    result = cli("accounts", "import", HAND_CSV, "--criteria", HAND)
    assert result.code == 0, result.output


def rank_json(cli, *args: object) -> dict:
    result = cli("rank", "--criteria", HAND, "--json", *args)
    assert result.code == 0, result.output
    assert "Traceback" not in result.output
    return json.loads(result.stdout)


def selected(data: dict) -> list[str]:
    return [a["account"] for a in data["accounts"] if a["selected"]]


def by_name(data: dict) -> dict[str, dict]:
    return {a["account"]: a for a in data["accounts"]}


def run_rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f"SELECT * FROM {t}").fetchall() for t in ("runs", "run_results")}
    finally:
        conn.close()


# ----------------------------------------------------------------------------- the hand-worked ranking


def test_hand_worked_ranking(cli, accounts):
    data = rank_json(cli, "--top", "3", "--samples", "200", "--seed", "7")
    assert data["criteria"] == "hand"
    assert data["weights"] == {"quality": 0.4, "cost": 0.2, "revenue": 0.3, "share": 0.1}
    assert (data["top_k"], data["samples"], data["seed"]) == (3, 200, 7)
    assert [a["account"] for a in data["accounts"]] == ORDER
    for account in data["accounts"]:
        assert set(account) >= ACCOUNT_KEYS, account
        rank, overall, attractiveness, strength, quadrant, coverage, owner, effort = EXPECTED[
            account["account"]
        ]
        name = account["account"]
        assert account["rank"] == rank, name
        assert account["overall"] == (None if overall is None else pytest.approx(overall, abs=1e-9)), name
        assert account["attractiveness"] == (
            None if attractiveness is None else pytest.approx(attractiveness, abs=1e-9)
        ), name
        assert account["strength"] == (None if strength is None else pytest.approx(strength, abs=1e-9)), name
        assert account["quadrant"] == quadrant, name
        assert account["coverage"] == pytest.approx(coverage, abs=1e-12), name
        assert (account["owner"], account["effort"]) == (owner, effort), name


def test_cross_checks_of_the_hand_worked_ranking(cli, accounts):
    """TOPSIS, dominance, stability and what it would take, worked by hand (normalised values q c r s):
    Alpha 1 1 1 1, Bravo 0 0 0 0, Charlie .5 .5 .5 -, Delta -, Echo and Dune 1 0 1 0, Foxtrot 0 1 0 1,
    Hotel - - - 1; weights .4 .2 .3 .1; K = 3 picks Alpha, Dune, Echo (Hotel: 10 % coverage)."""
    data = rank_json(cli, "--top", "3", "--samples", "0")
    accounts = by_name(data)
    # TOPSIS closeness (ideal = best present): Alpha 1, Hotel 1 (its one value is the best), Dune/Echo
    # .5 / (.5 + .2236) = .691, Charlie .5, Foxtrot .309, Bravo 0: the weighted sum's ranks exactly
    assert {n: a["topsis_rank"] for n, a in accounts.items()} == {n: a["rank"] for n, a in accounts.items()} | {
        "Delta": None
    }
    assert data["kendall_tau"] == pytest.approx(1.0, abs=1e-12)
    assert {n: a["dominated_by"] for n, a in accounts.items()} == {
        "Alpha": [],
        "Hotel": [],  # its one criterion (share) equals Alpha's and Foxtrot's
        "Dune": ["Alpha", "Hotel"],  # Hotel: share 1 > 0, the one criterion both have
        "Echo": ["Alpha", "Hotel"],  # Dune is equal, not better
        "Charlie": ["Alpha"],
        "Foxtrot": ["Alpha"],
        "Bravo": ["Alpha", "Hotel", "Dune", "Echo", "Charlie", "Foxtrot"],
        "Delta": [],  # nothing in common with anyone
    }
    check = data["crosscheck"]
    assert check["dominated_in_pick"] == [
        {"account": "Dune", "dominated_by": ["Alpha", "Hotel"]},
        {"account": "Echo", "dominated_by": ["Alpha", "Hotel"]},
    ]
    assert check["disagreements"] == [] and check["rank_gap"] == 5
    # stability. quality at t (the others x (1 - t) / .6): Dune = .5 + .5 t, Charlie .5, Foxtrot .5 (1 - t):
    # the pick holds on [0, 1]. cost at u: Dune = .875 (1 - u) meets Charlie (.5) and Foxtrot
    # (.125 + .875 u) at u = 3/7. share at s: Dune = (1 - s) 7/9 meets Charlie .5 at s = 5/14.
    assert [(i["criterion"], i["weight"], i["low"], i["high"]) for i in data["stability"]] == [
        ("quality", pytest.approx(0.4), 0.0, 1.0),
        ("cost", pytest.approx(0.2), 0.0, pytest.approx(3 / 7, abs=1e-12)),
        ("revenue", pytest.approx(0.3), 0.0, 1.0),
        ("share", pytest.approx(0.1), 0.0, pytest.approx(5 / 14, abs=1e-12)),
    ]
    # Charlie (5.0) must reach Echo's 7.0 (a tie is enough: Charlie comes first by name): quality
    # (.4 v + .25) / .9 >= .7 needs v >= .95, i.e. 9.55 on 1-10, in whole steps 10; nothing else alone can
    assert check["just_outside"][0] == {
        "account": "Charlie",
        "rank": 5,
        "score": pytest.approx(5.0),
        "gap": pytest.approx(2.0),
        "to_beat": "Echo",
        "levers": [{"criterion": "quality", "from": 5.5, "to": 10.0}],
    }
    assert [n["account"] for n in check["just_outside"]] == ["Charlie", "Foxtrot", "Bravo"]
    assert check["rank_reversal"] == {"checked": [], "reversals": []}  # revenue and share: ties at the ends


def test_ranks_are_scipy_min_ranks_of_the_overall(cli, accounts):
    from scipy.stats import rankdata

    data = rank_json(cli, "--samples", "0")
    scored = [a for a in data["accounts"] if a["overall"] is not None]
    expected = rankdata([-a["overall"] for a in scored], method="min")
    assert [a["rank"] for a in scored] == expected.astype(int).tolist()
    unscored = [a for a in data["accounts"] if a["overall"] is None]
    assert [a["account"] for a in unscored] == ["Delta"]
    assert unscored[0]["rank"] == len(scored) + 1  # last
    assert data["accounts"][-1]["account"] == "Delta"


def test_top_k_needs_half_the_weight_present(cli, accounts):
    # Hotel ties for rank 1 but has 10% coverage: not selected; the next eligible are Dune and Echo
    data = rank_json(cli, "--top", "3", "--samples", "0")
    assert selected(data) == ["Alpha", "Dune", "Echo"]
    assert data["binding"] == ["top_k"]
    assert any("Hotel" in note and "50%" in note for note in data["notes"])
    # a tie at the cut is broken by the listed order (by name): Dune before Echo
    assert selected(rank_json(cli, "--top", "2", "--samples", "0")) == ["Alpha", "Dune"]


def test_a_large_k_selects_every_eligible_account_and_never_the_unscored_one(cli, accounts):
    data = rank_json(cli, "--top", "20", "--samples", "0")
    assert selected(data) == ["Alpha", "Dune", "Echo", "Charlie", "Foxtrot", "Bravo"]
    assert data["binding"] == []
    delta = by_name(data)["Delta"]
    assert (delta["overall"], delta["selected"], delta["rank"]) == (None, False, 8)


def test_robustness_of_the_hand_worked_ranking(cli, accounts):
    # Only the accounts the pick may take part (coverage >= 50 %): Hotel (10 % coverage, no
    # attractiveness) and Delta (no overall) are never in the top K and have no interval, so P(top K)
    # agrees with the pick. Among the others Alpha scores 10 under any weights; Dune/Echo ~7 (equal:
    # they tie for 2nd in every sample), Charlie 5, Foxtrot ~3, Bravo 0: with kappa 200 the order never
    # changes, so the intervals are points and the top 3 are certain.
    data = rank_json(cli, "--top", "3", "--samples", "200", "--seed", "7")
    robust = {a["account"]: (a["p_top_k"], a["rank_p5"], a["rank_p95"]) for a in data["accounts"]}
    assert robust == {
        "Alpha": (1.0, 1, 1),
        "Hotel": (0.0, None, None),
        "Dune": (1.0, 2, 2),
        "Echo": (1.0, 2, 2),
        "Charlie": (0.0, 4, 4),
        "Foxtrot": (0.0, 5, 5),
        "Bravo": (0.0, 6, 6),
        "Delta": (0.0, None, None),
    }
    assert selected(data) == [a for a, (p, _, _) in robust.items() if p == 1.0]
    off = rank_json(cli, "--top", "3", "--samples", "0")
    assert {(a["p_top_k"], a["rank_p5"], a["rank_p95"]) for a in off["accounts"]} == {(None, None, None)}


def test_constant_columns_give_one_half(cli, tmp_path):
    path = tmp_path / "flat.csv"
    path.write_text(
        "account,quality,cost,revenue,share\nA,10,1,99,20\nB,1,5,99,20\nC,1,5,99,\n", encoding="utf-8"
    )
    assert cli("accounts", "import", path, "--criteria", HAND).code == 0
    data = by_name(rank_json(cli, "--samples", "0"))
    # revenue and share are constant: v = 0.5 wherever present
    # A: (4x1 + 2x1 + 3x.5 + 1x.5)/10 = 8/10 -> 8; attr (4 + 1.5)/7; strength (2 + .5)/3
    assert data["A"]["overall"] == pytest.approx(8.0)
    assert data["A"]["attractiveness"] == pytest.approx(10 * 5.5 / 7)
    assert data["A"]["strength"] == pytest.approx(10 * 2.5 / 3)
    # B: (0 + 0 + 1.5 + .5)/10 -> 2; C: share missing: 1.5/9 -> 1.667, coverage 0.9
    assert data["B"]["overall"] == pytest.approx(2.0)
    assert data["C"]["overall"] == pytest.approx(10 * 1.5 / 9)
    assert data["C"]["coverage"] == pytest.approx(0.9)
    assert data["C"]["strength"] == pytest.approx(0.0)


def test_thresholds_of_the_set_and_high_means_at_least(cli, tmp_path, accounts):
    strict = tmp_path / "hand.toml"
    text = HAND.read_text(encoding="utf-8").replace(
        'title = "Hand-worked selection"\n',
        'title = "Hand-worked selection"\n\n[thresholds]\nattractiveness = 5.0\nstrength = 10.0\n',
    )
    strict.write_text(text, encoding="utf-8")
    data = rank_json(cli, "--samples", "0", "--criteria", strict)  # the later --criteria wins
    quadrant = {a["account"]: a["quadrant"] for a in data["accounts"]}
    # strength 10 is exactly the threshold: high. Charlie (attr 5, strength 5): high attr, low strength.
    assert quadrant == {
        "Alpha": "Strategic",
        "Hotel": None,
        "Dune": "Star",
        "Echo": "Star",
        "Charlie": "Star",
        "Foxtrot": "Status",
        "Bravo": "Streamline",
        "Delta": None,
    }


def test_text_output(cli, accounts):
    result = cli("rank", "--criteria", HAND, "--top", "3", "--samples", "50")
    assert result.code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split() == [
        "criteria:", "hand", "accounts:", "8", "K", "=", "3", "robustness:", "50", "samples,", "seed", "0",
    ]  # fmt: skip
    rows = [line.split() for line in lines[3:11]]
    assert [row[1] for row in rows] == ORDER
    assert rows[0][:4] == ["1", "Alpha", "Ann", "10.00"]
    assert rows[0][-1] == "*"
    assert rows[-1][:2] == ["8", "Delta"]
    assert "selected: 3 accounts, 1.2 FTE; binding: top_k" in lines
    assert any(line.startswith("note: ") and "'Hotel'" in line for line in lines)


def test_empty_database_ranks_nothing(cli):
    data = rank_json(cli)
    assert data["accounts"] == []
    assert data["binding"] == []


# ----------------------------------------------------------------------------- capacity


def test_capacity_picks_the_best_total_that_fits(cli, accounts):
    # capacity 1 FTE, K 10. Alpha (10, 0.6 FTE) + Dune (7, 0.3) + Foxtrot (3, 0.1) = 20, but
    # Dune + Echo + Charlie + Foxtrot = 7 + 7 + 5 + 3 = 22 in 0.3 + 0.3 + 0.3 + 0.1 = 1.0 FTE: the best.
    data = rank_json(cli, "--top", "10", "--capacity", "1", "--samples", "0")
    assert selected(data) == ["Dune", "Echo", "Charlie", "Foxtrot"]
    assert data["binding"] == ["capacity"]
    assert data["capacity"] == 1.0
    assert not by_name(data)["Alpha"]["selected"]  # rank 1, but does not fit with the better total


def test_top_k_binds_under_a_large_capacity(cli, accounts):
    # 5 FTE fit everyone: K = 2 binds; Alpha + Dune (Dune and Echo score the same: the listed order wins)
    data = rank_json(cli, "--top", "2", "--capacity", "5", "--samples", "0")
    assert selected(data) == ["Alpha", "Dune"]
    assert data["binding"] == ["top_k"]


def test_per_kam_caps_each_owner(cli, accounts):
    # 0.5 FTE per owner: Ann cannot take Alpha (0.6) and keeps Dune; Bob takes Echo or Charlie (not
    # both: 0.6) -> Echo (7 > 5); Cy takes Foxtrot. Dune + Echo + Foxtrot = 17 in 0.7 FTE, K = 3.
    # Lifting Ann's cap allows Alpha + Dune + Foxtrot = 20, lifting Bob's Dune + Echo + Charlie = 19:
    # both bind; the total capacity (1 FTE) and K do not.
    data = rank_json(cli, "--top", "3", "--capacity", "1", "--per-kam", "0.5", "--samples", "0")
    assert selected(data) == ["Dune", "Echo", "Foxtrot"]
    assert data["binding"] == ["per_kam:Ann", "per_kam:Bob"]
    assert data["per_kam"] == 0.5


def test_include_pins_an_account_into_the_capacity_pick(cli, accounts):
    # Alpha pinned (0.6): 0.4 FTE left: Dune + Foxtrot (7 + 3) beats Charlie + Foxtrot (5 + 3)
    data = rank_json(cli, "--top", "10", "--capacity", "1", "--include", "Alpha", "--samples", "0")
    assert selected(data) == ["Alpha", "Dune", "Foxtrot"]
    assert data["include"] == ["Alpha"]
    assert data["binding"] == ["capacity"]


def test_exclude_keeps_an_account_out(cli, accounts):
    # without Dune: Alpha + Echo + Foxtrot = 20 in 1.0 FTE beats Echo + Charlie + Foxtrot + Bravo = 15
    data = rank_json(cli, "--top", "10", "--capacity", "1", "--exclude", "Dune", "--samples", "0")
    assert selected(data) == ["Alpha", "Echo", "Foxtrot"]
    assert data["exclude"] == ["Dune"]
    assert selected(rank_json(cli, "--top", "2", "--exclude", "Alpha", "--samples", "0")) == ["Dune", "Echo"]


def test_pins_without_capacity_count_toward_k_and_beat_low_coverage(cli, accounts):
    data = rank_json(cli, "--top", "2", "--include", "Hotel", "--samples", "0")
    assert selected(data) == ["Alpha", "Hotel"]
    assert any("'Hotel' is selected because it is pinned" in note for note in data["notes"])
    data = rank_json(cli, "--top", "1", "--include", "Bravo", "--samples", "0")
    assert selected(data) == ["Bravo"]


def test_zero_capacity_selects_nothing_and_says_capacity_binds(cli, accounts):
    data = rank_json(cli, "--top", "10", "--capacity", "0", "--samples", "0")
    assert selected(data) == []
    assert data["binding"] == ["capacity"]
    data = rank_json(cli, "--top", "10", "--capacity", "10", "--per-kam", "0", "--samples", "0")
    assert selected(data) == []
    assert data["binding"] == ["per_kam:Ann", "per_kam:Bob", "per_kam:Cy"]


def test_an_account_without_effort_cannot_be_picked_under_a_capacity(cli, accounts):
    assert cli("accounts", "set", "Charlie", "effort", "").code == 0
    # Charlie is out: Alpha + Dune + Foxtrot = 20 in 1.0 FTE (Dune before Echo by the listed order)
    data = rank_json(cli, "--top", "10", "--capacity", "1", "--samples", "0")
    assert selected(data) == ["Alpha", "Dune", "Foxtrot"]
    assert any("without an effort" in note and "'Charlie'" in note for note in data["notes"])
    result = cli("rank", "--capacity", "1", "--include", "Charlie")
    assert result.code == 1
    assert "pinned 'Charlie' has no effort (FTE)" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--include", "Nobody"], "no account named 'Nobody'"),
        (["--exclude", "Nobody", "--exclude", "Neither"], "no account named 'Nobody', 'Neither'"),
        (["--include", "Alpha", "--exclude", "Alpha"], "cannot be both included and excluded: Alpha"),
        (["--per-kam", "0.5"], "--per-kam caps each KAM within a total: give --capacity too"),
        (["--capacity", "-1"], "--capacity must be a number of FTE >= 0"),
        (["--capacity", "nan"], "--capacity must be a number of FTE >= 0"),
        (["--capacity", "2", "--per-kam", "-0.5"], "--per-kam must be a number of FTE >= 0"),
        (["--top", "0"], "--top must be at least 1"),
        (["--samples", "-5"], "--samples must be 0 or more"),
        (["--include", "Delta"], "'Delta' cannot be pinned: no weighted criterion has a value"),
        (["--capacity", "0.5", "--include", "Alpha"], "pinned accounts need 0.6 FTE; capacity is 0.5"),
        (
            ["--capacity", "5", "--per-kam", "0.5", "--include", "Dune", "--include", "Alpha"],
            "pinned accounts of Ann need 0.9 FTE; the cap per KAM is 0.5",
        ),
    ],
)
def test_bad_parameters_are_refused_and_nothing_is_saved(cli, db_path, accounts, args, message):
    result = cli("rank", "--criteria", HAND, "--save", "--json", *args)
    assert result.code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert message in result.stderr
    assert run_rows(db_path) == {"runs": [], "run_results": []}


def test_bad_parameters_give_no_traceback_in_a_real_process(kamtui, cli, accounts):
    for args in (["--capacity", "-1"], ["--include", "Nobody"], ["--per-kam", "1"], ["--top", "x"]):
        result = kamtui("rank", *args)
        assert result.code in (1, 2), (args, result.output)
        assert "Traceback" not in result.output, args
        assert result.stderr.strip(), args


def test_json_output_of_a_real_process_is_valid_json(kamtui, tmp_path):
    assert kamtui("accounts", "import", HAND_CSV, "--criteria", HAND).code == 0
    for args in (["--top", "3"], ["--top", "3", "--capacity", "1", "--per-kam", "0.5", "--samples", "50"]):
        result = kamtui("rank", "--json", *args)
        assert result.code == 0, result.output
        assert json.loads(result.stdout)["criteria"] == "hand"


def test_capacity_pick_of_the_demo_accounts_prints_only_json(kamtui):
    # tests/data/selection/demo30.csv: a frozen copy of the 30 demo accounts (kam-default criteria)
    assert kamtui("accounts", "import", DATA / "demo30.csv", "--criteria", "kam-default").code == 0
    result = kamtui("rank", "--json", "--samples", "0", "--capacity", "3", "--per-kam", "1", "--top", "8")
    assert result.code == 0, result.output
    data = json.loads(result.stdout)
    assert sum(a["selected"] for a in data["accounts"]) <= 8


def test_huge_finite_values_are_scored_or_refused_never_dropped(kamtui, tmp_path):
    path = tmp_path / "huge.csv"
    path.write_text("account,quality,share\nA,5,1e308\nB,6,-1e308\nC,7,0\n", encoding="utf-8")
    imported = kamtui("accounts", "import", path, "--criteria", HAND)
    if imported.code == 1:  # refusing such values with a clear message is fine too
        assert "Traceback" not in imported.output
        return
    result = kamtui("rank", "--json", "--samples", "0")
    assert "Traceback" not in result.output
    assert "RuntimeWarning" not in result.stderr
    data = by_name(json.loads(result.stdout))
    # every account has quality (4 points) and share (1 point): coverage 0.5 for each
    assert {n: a["coverage"] for n, a in data.items()} == {"A": 0.5, "B": 0.5, "C": 0.5}


# ----------------------------------------------------------------------------- robustness seeds


@pytest.fixture
def spread(cli, tmp_path) -> None:
    """Twelve accounts whose order near the top-4 cut depends on the weights."""
    lines = ["account,quality,cost,revenue,share"]
    for i in range(12):
        lines.append(
            f"Acct {i:02d},{1 + (i * 7) % 10},{1 + (i * 3) % 5},{(i * 37) % 100 * 1000},{(i * 13) % 60}"
        )
    path = tmp_path / "spread.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli("accounts", "import", path, "--criteria", HAND).code == 0


def robustness_of(data: dict) -> dict[str, tuple]:
    return {a["account"]: (a["p_top_k"], a["rank_p5"], a["rank_p95"]) for a in data["accounts"]}


def test_seed_makes_robustness_reproducible(cli, spread):
    first = rank_json(cli, "--top", "4", "--samples", "300", "--seed", "11")
    again = rank_json(cli, "--top", "4", "--samples", "300", "--seed", "11")
    other = rank_json(cli, "--top", "4", "--samples", "300", "--seed", "12")
    assert robustness_of(first) == robustness_of(again)
    assert robustness_of(first) != robustness_of(other)
    assert first["seed"] == 11 and other["seed"] == 12
    p = [a["p_top_k"] for a in first["accounts"]]
    assert any(0 < x < 1 for x in p)  # the cut is uncertain here
    assert sum(p) == pytest.approx(4.0)  # each sample has exactly K accounts in its top K (no ties)
    # the scores themselves do not depend on the seed
    assert [(a["account"], a["overall"]) for a in first["accounts"]] == [
        (a["account"], a["overall"]) for a in other["accounts"]
    ]


def test_robustness_follows_the_documented_protocol(cli, spread):
    """An independent float64 implementation of core/robustness.py's protocol gives the same shares."""
    data = rank_json(cli, "--top", "4", "--samples", "400", "--seed", "3")
    values = json.loads(cli("accounts", "list", "--json").stdout)
    names = [a["account"] for a in values]
    x = np.array(
        [[a["values"][c] for c in ("quality", "cost", "revenue", "share")] for a in values], dtype=float
    )
    v = np.empty_like(x)
    v[:, 0] = (x[:, 0] - 1) / 9
    v[:, 1] = 1 - (x[:, 1] - 1) / 4
    for j, t in ((2, np.log1p(x[:, 2])), (3, x[:, 3])):
        v[:, j] = (t - t.min()) / (t.max() - t.min())
    w = np.array([0.4, 0.2, 0.3, 0.1])
    draws = np.random.default_rng(3).dirichlet(200.0 * w, size=400)
    scores = draws @ v.T  # samples x accounts, no missing values here
    ranks = 1 + (scores[:, None, :] > scores[:, :, None] + 1e-9).sum(axis=2)
    expected = dict(zip(names, (ranks <= 4).mean(axis=0), strict=True))
    got = {a["account"]: a["p_top_k"] for a in data["accounts"]}
    assert got == pytest.approx(expected, abs=2 / 400)
    p5 = dict(zip(names, np.percentile(ranks, 5, axis=0, method="lower"), strict=True))
    p95 = dict(zip(names, np.percentile(ranks, 95, axis=0, method="higher"), strict=True))
    for a in data["accounts"]:
        assert abs(a["rank_p5"] - p5[a["account"]]) <= 1, a
        assert abs(a["rank_p95"] - p95[a["account"]]) <= 1, a


# ----------------------------------------------------------------------------- saved runs


def test_saved_run_is_given_back_exactly_whatever_changes_later(cli, tmp_path, db_path):
    criteria = tmp_path / "mine.toml"
    shutil.copy(HAND, criteria)
    assert cli("accounts", "import", HAND_CSV, "--criteria", criteria).code == 0
    args = ["--criteria", criteria, "--top", "10", "--capacity", "1", "--include", "Foxtrot"]
    args += ["--exclude", "Bravo", "--samples", "120", "--seed", "5", "--json"]
    unsaved = cli("rank", *args)
    saved = cli("rank", *args, "--save")
    assert saved.code == 0, saved.output
    frozen = json.loads(saved.stdout)
    assert frozen["run"] == 1
    assert frozen["created_at"]
    # the saved run is what was computed, with who saved it (the OS user by default) and no note
    assert {k: v for k, v in frozen.items() if k not in ("run", "created_at", "note", "saved_by")} == json.loads(
        unsaved.stdout
    )
    assert frozen["note"] is None and frozen["saved_by"]
    assert (frozen["capacity"], frozen["include"], frozen["exclude"], frozen["seed"]) == (
        1.0,
        ["Foxtrot"],
        ["Bravo"],
        5,
    )

    shown = cli("runs", "show", "1", "--json")
    assert shown.code == 0, shown.output
    assert shown.stdout == saved.stdout
    text_before = cli("runs", "show", "1").stdout

    # change everything the run was computed from
    assert cli("accounts", "set", "Alpha", "quality", "2").code == 0
    assert cli("accounts", "set", "Foxtrot", "owner", "Zed").code == 0
    assert cli("accounts", "remove", "Dune").code == 0
    assert cli("accounts", "rename", "Echo", "Echo Renamed").code == 0
    extra = tmp_path / "extra.csv"
    extra.write_text("account,quality\nNewcomer,9\n", encoding="utf-8")
    assert cli("accounts", "import", extra).code == 0
    assert cli("weights", "set", "quality=1", "share=9").code == 0
    criteria.write_text(
        criteria.read_text(encoding="utf-8").replace('name = "Quality"', 'name = "Product quality"'),
        encoding="utf-8",
    )
    now = cli("rank", *args)
    assert now.code == 0, now.output
    assert json.loads(now.stdout)["accounts"] != frozen["accounts"]

    again = cli("runs", "show", "1", "--json")
    assert again.code == 0, again.output
    assert again.stdout == saved.stdout
    assert cli("runs", "show", "1").stdout == text_before


def test_runs_list(cli, accounts):
    result = cli("runs", "list")
    assert result.code == 0
    assert "no saved runs yet" in result.stdout
    assert json.loads(cli("runs", "list", "--json").stdout) == []
    first = json.loads(
        cli("rank", "--criteria", HAND, "--top", "3", "--samples", "0", "--save", "--json").stdout
    )
    second = json.loads(
        cli("rank", "--top", "10", "--capacity", "1", "--samples", "0", "--save", "--json").stdout
    )
    listed = json.loads(cli("runs", "list", "--json").stdout)
    assert [r["run"] for r in listed] == [1, 2] == [first["run"], second["run"]]
    assert [r["criteria"] for r in listed] == ["hand", "hand"]
    assert [r["accounts"] for r in listed] == [8, 8]
    assert [r["selected"] for r in listed] == [3, 4]
    assert [r["binding"] for r in listed] == [["top_k"], ["capacity"]]
    assert [r["created_at"] for r in listed] == [first["created_at"], second["created_at"]]
    text = cli("runs", "list").stdout.splitlines()
    assert text[0].split() == [
        "Run", "Created", "By", "Criteria", "Accounts", "K", "Selected", "Capacity", "Pins", "Binding", "Note",
    ]  # fmt: skip
    assert text[2].split()[0] == "1" and text[2].split()[-1] == "top_k"
    assert text[3].split()[0] == "2" and text[3].split()[-1] == "capacity"


def test_runs_carry_a_note_who_saved_them_k_capacity_and_pins(cli, accounts):
    saved = json.loads(
        cli(
            "rank", "--criteria", HAND, "--top", "3", "--capacity", "1.5", "--per-kam", "1", "--include", "Foxtrot",
            "--exclude", "Bravo", "--samples", "0", "--save", "--note", "Q3 review", "--by", "Priya Raman", "--json",
        ).stdout
    )  # fmt: skip
    assert (saved["note"], saved["saved_by"]) == ("Q3 review", "Priya Raman")
    listed = json.loads(cli("runs", "list", "--json").stdout)
    assert listed == [
        {
            "run": 1,
            "created_at": saved["created_at"],
            "saved_by": "Priya Raman",
            "criteria": "hand",
            "accounts": 8,
            "selected": sum(a["selected"] for a in saved["accounts"]),
            "top_k": 3,
            "capacity": 1.5,
            "per_kam": 1.0,
            "include": ["Foxtrot"],
            "exclude": ["Bravo"],
            "binding": saved["binding"],
            "note": "Q3 review",
        }
    ]
    row = cli("runs", "list").stdout.splitlines()[2]
    assert "Priya Raman" in row and "1.5 (1/KAM)" in row and "+Foxtrot, -Bravo" in row
    assert row.endswith("Q3 review")
    shown = cli("runs", "show", "1").stdout.splitlines()
    assert shown[0].endswith(" by Priya Raman") and shown[1] == "note: Q3 review"
    # without --by, the operating system's user name; --note and --by only with --save
    import getpass

    cli("rank", "--criteria", HAND, "--samples", "0", "--save")
    assert json.loads(cli("runs", "list", "--json").stdout)[1]["saved_by"] == getpass.getuser()
    refused = cli("rank", "--criteria", HAND, "--note", "x")
    assert refused.code == 2 and "--note and --by go with --save" in refused.stderr
    invisible = cli("rank", "--criteria", HAND, "--samples", "0", "--save", "--by", "Priya\u200bRaman")
    assert invisible.code == 1 and invisible.stderr.startswith("error: --by: a name holds an invisible character")
    assert len(json.loads(cli("runs", "list", "--json").stdout)) == 2


def test_rank_save_text_names_the_run(cli, accounts):
    result = cli("rank", "--criteria", HAND, "--samples", "0", "--save")
    assert result.code == 0, result.output
    assert result.stdout.splitlines()[-1] == "saved as run 1"
    shown = cli("runs", "show", "1")
    assert shown.stdout.startswith("run 1, saved ")


def test_unknown_run(cli, accounts):
    result = cli("runs", "show", "9")
    assert result.code == 1
    assert "no selection run with id 9" in result.stderr
    result = cli("runs", "show", "nine")
    assert result.code == 2
    assert "Traceback" not in result.output
