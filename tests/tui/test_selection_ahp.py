"""The pairwise (AHP) wizard driven by keys: published examples end with the published weights and CR;
it starts from the weights in force and Enter alone is no answer. And the screens next to it on the
Weights screen: Stability (b), saving with a note (n) and Compare runs (d)."""

from __future__ import annotations

import numpy as np
import pytest

from kamtui.service.criteria import ACTIVE_CRITERIA_KEY, resolve_criteria
from kamtui.service.weights import effective_points, points_source
from kamtui.store import open_store
from kamtui.tui.app import make_app
from kamtui.tui.screens.ahp_wizard import AhpWizard
from kamtui.tui.screens.confirm import ConfirmModal
from kamtui.tui.screens.selection import SelectionScreen

from .conftest import SIZE
from .test_selection_flow import settle

# Saaty (1990), "How to make a decision: The Analytic Hierarchy Process", EJOR 48, Table 2 (as in
# tests/unit/test_ahp.py): published priorities and C.R. = 0.169 (inconsistent).
HOUSE = """\
1   5   3   7   6   6   1/3 1/4
1/5 1   1/3 5   3   3   1/5 1/7
1/3 3   1   6   3   4   6   1/5
1/7 1/5 1/6 1   1/3 1/4 1/7 1/8
1/6 1/3 1/3 3   1   1/2 1/5 1/6
1/6 1/3 1/4 4   2   1   1/5 1/6
3   5   1/6 7   5   5   1   1/2
4   7   5   8   6   6   2   1"""
HOUSE_IDS = ["size", "transport", "neighbourhood", "age", "yard", "facilities", "condition", "financing"]
HOUSE_WEIGHTS = [0.173, 0.054, 0.188, 0.018, 0.031, 0.036, 0.167, 0.333]


def criteria_file(tmp_path, ids: list[str]) -> str:
    half = len(ids) // 2
    parts = ['id = "wizard-test"', 'title = "Wizard test"']
    for k, cid in enumerate(ids):
        group = "attractiveness" if k < max(1, half) else "strength"
        parts.append(
            f'[[criteria]]\nid = "{cid}"\nname = "{cid.capitalize()}"\ngroup = "{group}"\nkind = "rating"\nweight = 10'
        )
    path = tmp_path / "wizard-test.toml"
    path.write_text("\n\n".join(parts) + "\n", encoding="utf-8")
    return str(path)


def db_with_criteria(fresh_db, path: str):
    with open_store(fresh_db) as store:
        store.set_meta(ACTIVE_CRITERIA_KEY, path)
    return fresh_db


def answer_keys(value: str) -> list[str]:
    """Keys for one comparison a_ij written as 'k' or '1/k'."""
    if value.startswith("1/"):
        return [value[2:], "slash", "enter"]
    return [value, "enter"]


async def open_wizard(pilot) -> AhpWizard:
    await settle(pilot)
    await pilot.press("w")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SelectionScreen)
    await pilot.press("c")
    await settle(pilot)
    wizard = pilot.app.screen
    assert isinstance(wizard, AhpWizard)
    return wizard


def stored_weights(db, ids):
    with open_store(db) as store:
        criteria = resolve_criteria(store, None)
        points = effective_points(store, criteria)
        sources = points_source(store, criteria)
    total = sum(points.values())
    return np.array([points[c] / total for c in ids]), sources


async def test_a_consistent_3x3_gives_its_exact_weights_and_cr_0(fresh_db, tmp_path):
    ids = ["fit", "growth", "cost"]
    db = db_with_criteria(fresh_db, criteria_file(tmp_path, ids))
    app = make_app(db, db_label=db.name)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot)
        assert "Fit is as important as Growth" in str(wizard.query_one("#ahp-question").render())
        await pilot.press("2")
        assert "Fit is 2 times as important as Growth" in str(wizard.query_one("#ahp-question").render())
        await pilot.press("enter")
        consistency = str(wizard.query_one("#ahp-consistency").render())
        assert "provisional: 1 of 3 answered" in consistency
        await pilot.press("left", "left", "right", "right", "right", "right")  # the slider: 4 -> 2 ... -> 4
        await pilot.press("4", "enter", "2", "enter")  # weights 4 : 2 : 1
        assert wizard.complete and wizard.step == 3
        consistency = str(wizard.query_one("#ahp-consistency").render())
        assert "CR 0.000" in consistency and "consistent" in consistency
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SelectionScreen)
    weights, sources = stored_weights(db, ids)
    # stored as round(weight * 100, 6) points, the same rule as `kamtui weights ahp`
    np.testing.assert_allclose(weights, [4 / 7, 2 / 7, 1 / 7], rtol=0, atol=1e-8)
    with open_store(db) as store:
        points = effective_points(store, resolve_criteria(store, None))
    assert [points[c] for c in ids] == [57.142857, 28.571429, 14.285714]
    assert set(sources.values()) == {"ahp"}


async def test_saatys_house_example_needs_insisting_and_gives_the_published_weights(fresh_db, tmp_path):
    db = db_with_criteria(fresh_db, criteria_file(tmp_path, HOUSE_IDS))
    rows = [line.split() for line in HOUSE.splitlines()]
    app = make_app(db, db_label=db.name)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot)
        assert len(wizard.pairs) == 28
        for i, j in wizard.pairs:
            await pilot.press(*answer_keys(rows[i][j]))
        assert wizard.complete
        consistency = str(wizard.query_one("#ahp-consistency").render())
        assert "CR 0.169" in consistency and "inconsistent" in consistency
        assert wizard.result.cr == pytest.approx(0.169, abs=5e-4)
        await pilot.press("enter")  # CR > 0.10: asks first
        await settle(pilot)
        assert isinstance(app.screen, ConfirmModal)
        await pilot.press("n")  # not insisting: nothing applied, back in the wizard
        await settle(pilot)
        assert app.screen is wizard
        before, _ = stored_weights(db, HOUSE_IDS)
        np.testing.assert_allclose(before, [1 / 8] * 8)
        await pilot.press("backspace")  # revisit the last pair, keep it
        assert wizard.step == 27
        await pilot.press("enter", "enter", "y")
        await settle(pilot)
        assert isinstance(app.screen, SelectionScreen)
    weights, sources = stored_weights(db, HOUSE_IDS)
    np.testing.assert_allclose(weights, HOUSE_WEIGHTS, rtol=0, atol=5e-4)
    assert set(sources.values()) == {"ahp"}


async def test_the_wizard_starts_from_the_current_weights_and_enter_alone_is_no_answer(fresh_db, tmp_path):
    ids = ["fit", "growth", "cost"]
    db = db_with_criteria(fresh_db, criteria_file(tmp_path, ids))
    with open_store(db) as store:
        from kamtui.service.weights import set_points

        set_points(store, resolve_criteria(store, None), {"fit": 40, "growth": 10, "cost": 20})
    app = make_app(db, db_label=db.name)
    async with app.run_test(size=SIZE) as pilot:
        wizard = await open_wizard(pilot)
        # fit : growth = 40 : 10 -> the slider starts at 4, not at "equal"
        question = str(wizard.query_one("#ahp-question").render())
        assert "Fit is 4 times as important as Growth" in question and "current weights" in question
        await pilot.press("enter")  # untouched: not an answer
        await settle(pilot)
        assert wizard.step == 0 and wizard.answers == {}
        assert any("Enter alone does not count" in n.message for n in app._notifications)
        await pilot.press("4", "enter")  # typing the same judgement counts
        assert wizard.answers == {(0, 1): 4.0} and wizard.step == 1
        # fit : cost = 40 : 20 -> 2; moving the slider and back counts too
        assert "Fit is 2 times as important as Cost" in str(wizard.query_one("#ahp-question").render())
        await pilot.press("left", "right", "enter")
        assert wizard.answers[(0, 2)] == 2.0
        # growth : cost = 1 : 2 -> "Cost is 2 times as important as Growth"
        assert "Cost is 2 times as important as Growth" in str(wizard.query_one("#ahp-question").render())
        await pilot.press("enter")
        assert wizard.step == 2  # still asking
        await pilot.press("slash", "slash", "enter")
        assert wizard.complete and wizard.answers[(1, 2)] == 0.5
        assert "CR 0.000" in str(wizard.query_one("#ahp-consistency").render())
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SelectionScreen)
    weights, _ = stored_weights(db, ids)
    np.testing.assert_allclose(weights, [4 / 7, 1 / 7, 2 / 7], atol=1e-8)


async def test_stability_screen_shows_the_intervals_and_cross_checks_of_the_service(demo_db):
    from kamtui.core.ranking import Params
    from kamtui.service.crosscheck import crosscheck
    from kamtui.tui.screens.stability import StabilityScreen
    from kamtui.tui.selection_session import load_selection

    app = make_app(demo_db, db_label=demo_db.name)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StabilityScreen)
        assert screen.check is not None
        with open_store(demo_db) as store:
            criteria, matrix, points = load_selection(store)
            expected = crosscheck(criteria, matrix, points, Params())
        assert [i.to_json() for i in screen.check.stability] == [i.to_json() for i in expected.stability]
        bars = str(screen.query_one("#stability-bars").render()).splitlines()
        assert len(bars) == len(criteria.criteria)
        first = expected.stability[0]
        assert bars[0].count("◆") == 1
        assert bars[0].rstrip().endswith(f"{first.weight:6.1%}  {first.low:5.1%}-{first.high:6.1%}")
        outside = str(screen.query_one("#stability-outside").render())
        assert expected.just_outside and f"{expected.just_outside[0].account} (rank " in outside
        checks = str(screen.query_one("#stability-checks").render())
        assert f"Kendall's tau {expected.kendall_tau:.3f}" in checks
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SelectionScreen)


async def test_save_with_a_note_then_compare_two_runs(demo_db):
    from kamtui.service.ranking import compare_runs, runs
    from kamtui.tui.screens.run_compare import RunCompareScreen, diff_text

    app = make_app(demo_db, db_label=demo_db.name)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("s")  # run 1
        await settle(pilot)
        await pilot.press("n")  # the same ranking: the note goes to run 1, no second run
        await settle(pilot)
        for key in ("b", "a", "s", "e"):
            await pilot.press(key)
        await pilot.press("enter")
        await settle(pilot)
        for _ in range(6):
            await pilot.press("plus")  # a different ranking
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        for key in ("m", "o", "r", "e"):
            await pilot.press(key)
        await pilot.press("enter")  # run 2, with its note
        await settle(pilot)
        with open_store(demo_db) as store:
            saved = runs(store)
            expected = diff_text(compare_runs(store, 1, 2))
        assert [(r.id, r.note) for r in saved] == [(1, "base"), (2, "more")]
        assert all(r.saved_by for r in saved)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RunCompareScreen)
        options = screen.query_one("#compare-runs-list")
        assert options.option_count == 2  # newest first
        await pilot.press("down", "enter")  # run 1 is A
        await pilot.press("up", "enter")  # run 2 is B
        await settle(pilot)
        assert (screen.run_a, screen.run_b) == (1, 2)
        assert str(screen.query_one("#compare-runs-diff").render()) == str(expected)
