"""The pairwise (AHP) wizard driven by keys: published examples end with the published weights and CR."""

from __future__ import annotations

import numpy as np
import pytest

from kamtui.ranking import ACTIVE_CRITERIA_KEY, effective_points, points_source, resolve_criteria
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
    np.testing.assert_allclose(weights, [4 / 7, 2 / 7, 1 / 7], rtol=0, atol=1e-12)
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
