"""What changed between two runs: a hand-made pair of rankings."""

from __future__ import annotations

from kamtui.core.criteria import CriteriaSet, Criterion
from kamtui.core.ranking import Params, RankedAccount, Ranking
from kamtui.core.run_diff import diff_runs

CRITERIA = CriteriaSet(
    id="diff",
    title="Diff",
    criteria=(
        Criterion(id="fit", name="Fit", group="attractiveness", kind="rating", weight=3),
        Criterion(id="risk", name="Risk", group="strength", kind="rating", weight=1),
    ),
)


def account(name: str, rank: int, quadrant: str | None, selected: bool, overall: float = 5.0) -> RankedAccount:
    return RankedAccount(
        account=name,
        owner=None,
        segment=None,
        ref=None,
        rank=rank,
        overall=overall,
        attractiveness=overall,
        strength=overall,
        quadrant=quadrant,
        coverage=1.0,
        p_top_k=None,
        rank_p5=None,
        rank_p95=None,
        effort=None,
        selected=selected,
    )


def ranking(run_id: int, points: dict[str, float], params: Params, accounts: list[RankedAccount]) -> Ranking:
    total = sum(points.values())
    return Ranking(
        criteria=CRITERIA,
        points=points,
        weights={c: p / total for c, p in points.items()},
        params=params,
        binding=[],
        accounts=accounts,
        run_id=run_id,
        created_at=f"2025-0{run_id}-01T09:00:00Z",
    )


A = ranking(
    1,
    {"fit": 3.0, "risk": 1.0},
    Params(top_k=2),
    [
        account("Atlas", 1, "Strategic", True),
        account("bravo", 2, "Star", True),
        account("Corvid", 3, "Status", False),
        account("Delta", 4, "Streamline", False),
        account("Gone", 5, "Streamline", False),
    ],
)
B = ranking(
    2,
    {"fit": 1.0, "risk": 1.0},
    Params(top_k=3, include=("Delta",)),
    [
        account("Delta", 1, "Star", True),  # pinned: up 3
        account("Corvid", 2, "Status", True),  # up 1
        account("atlas", 3, "Strategic", True),  # the same account, its name typed in another case: down 2
        account("Bravo", 4, "Star", False),  # down 2
        account("Newcomer", 5, None, False),
    ],
)


def test_entered_left_and_moves_largest_first():
    d = diff_runs(A, B)
    assert (d.run_a, d.run_b) == (1, 2)
    assert d.entered == ["Delta", "Corvid"]  # in B's order
    assert d.left == ["bravo"]  # in A's order, as A named it
    assert [(m.account, m.rank_a, m.rank_b, m.change, m.quadrant_a, m.quadrant_b) for m in d.moved] == [
        ("Delta", 4, 1, 3, "Streamline", "Star"),
        ("atlas", 1, 3, -2, "Strategic", "Strategic"),
        ("Bravo", 2, 4, -2, "Star", "Star"),
        ("Corvid", 3, 2, 1, "Status", "Status"),
    ]
    assert d.added == ["Newcomer"] and d.removed == ["Gone"]


def test_weight_and_parameter_changes():
    d = diff_runs(A, B)
    assert [(w.criterion, w.weight_a, w.weight_b, w.points_a, w.points_b) for w in d.weights] == [
        ("fit", 0.75, 0.5, 3.0, 1.0),
        ("risk", 0.25, 0.5, 1.0, 1.0),
    ]
    assert [(p.param, p.a, p.b) for p in d.params] == [("top_k", 2, 3), ("include", [], ["Delta"])]


def test_the_json_shape():
    data = diff_runs(A, B).to_json()
    assert set(data) == {
        "run_a", "run_b", "created_a", "created_b", "entered", "left", "moved", "added", "removed", "weights", "params",
    }  # fmt: skip
    assert data["moved"][0] == {
        "account": "Delta",
        "rank_a": 4,
        "rank_b": 1,
        "change": 3,
        "quadrant_a": "Streamline",
        "quadrant_b": "Star",
        "overall_a": 5.0,
        "overall_b": 5.0,
        "selected_a": False,
        "selected_b": True,
    }
    assert data["weights"][0] == {"criterion": "fit", "weight_a": 0.75, "weight_b": 0.5, "points_a": 3.0, "points_b": 1.0}
    assert data["params"][0] == {"param": "top_k", "a": 2, "b": 3}


def test_a_run_against_itself_changes_nothing():
    d = diff_runs(A, A)
    assert (d.entered, d.left, d.moved, d.added, d.removed, d.weights, d.params) == ([], [], [], [], [], [], [])
