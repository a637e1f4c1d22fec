"""The survey by keys: every answer reaches the database at once, and a respondent resumes where they stopped."""

from __future__ import annotations

import sqlite3

from kamtui.core.survey import load_survey
from kamtui.store import open_store
from kamtui.store.healthchecks import create_assessment, ensure_respondent, respondent_answers, save_answer
from kamtui.tui.app import make_app
from kamtui.tui.screens.home import HomeScreen
from kamtui.tui.screens.respondents import RespondentScreen
from kamtui.tui.screens.survey import SurveyScreen

from .conftest import SIZE
from .pilot_helpers import count_answers, settle, type_text

KEYS = ["1", "2", "3", "4", "5", "n", "u"]


def new_assessment(db, title="Test healthcheck"):
    with open_store(db) as store:
        return create_assessment(store, title, load_survey("kam-healthcheck"), "Test programme")


async def open_as_new_respondent(pilot, name="Alice", role="KAM") -> SurveyScreen:
    await settle(pilot)
    await pilot.press("enter")  # open the highlighted assessment
    await settle(pilot)
    assert isinstance(pilot.app.screen, RespondentScreen)
    await type_text(pilot, name)
    await pilot.press("tab")
    await type_text(pilot, role)
    await pilot.press("enter")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SurveyScreen)
    return screen


async def test_answering_all_120_by_keys_writes_120_answers(fresh_db):
    new_assessment(fresh_db)
    async with make_app(fresh_db).run_test(size=SIZE) as pilot:
        screen = await open_as_new_respondent(pilot)
        assert screen.indicator.id == "PCM-01"
        total = len(screen.indicators)
        assert total == 120
        for number in range(total):
            await pilot.press(KEYS[number % len(KEYS)])
            if number < 3:  # committed at once: another connection sees it before the next key
                assert count_answers(fresh_db) == number + 1
        await pilot.pause()
        assert str(screen.query_one("#survey-count").render()) == "120/120"
    with sqlite3.connect(fresh_db) as conn:
        rows = conn.execute("SELECT indicator, value, status FROM answers").fetchall()
    assert len(rows) == 120 and count_answers(fresh_db) == 120
    survey = load_survey("kam-healthcheck")
    expected = {}
    for number, indicator in enumerate(survey.indicators):
        key = KEYS[number % len(KEYS)]
        expected[indicator.id] = (
            (int(key), "rated") if key.isdigit() else (None, {"n": "na", "u": "unknown"}[key])
        )
    assert {ind: (value, status) for ind, value, status in rows} == expected


async def test_reopening_resumes_at_the_first_unanswered_statement(fresh_db):
    assessment_id = new_assessment(fresh_db)
    async with make_app(fresh_db).run_test(size=SIZE) as pilot:
        screen = await open_as_new_respondent(pilot, "Bob", "Leadership")
        for key in ["3", "4", "2"]:
            await pilot.press(key)
        assert screen.indicator.id == "PCM-04"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HomeScreen)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")  # Bob, highlighted in the respondent list
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SurveyScreen)
        assert screen.respondent == "Bob"
        assert screen.indicator.id == "PCM-04"
        assert "PCM-04" in str(screen.query_one("#statement-head").render())
        assert str(screen.query_one("#survey-count").render()) == "3/120"
    with open_store(fresh_db) as store:
        answers = respondent_answers(store, ensure_respondent(store, assessment_id, "Bob"))
    assert {k: v.value for k, v in answers.items()} == {"PCM-01": 3, "PCM-02": 4, "PCM-03": 2}


async def test_resume_skips_to_a_gap_left_earlier(fresh_db):
    assessment_id = new_assessment(fresh_db)
    survey = load_survey("kam-healthcheck")
    with open_store(fresh_db) as store:
        rid = ensure_respondent(store, assessment_id, "Carol", "KAM")
        for indicator in survey.indicators[:12]:
            if indicator.id != "PCM-07":
                save_answer(store, rid, indicator.id, 2, "rated")
    async with make_app(fresh_db).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, SurveyScreen)
        assert screen.indicator.id == "PCM-07"
        await pilot.press("5")  # fills the gap, moves on to the next statement
        assert screen.indicator.id == "PCM-08"
        await pilot.press("g")  # first unanswered: after the 12 answered ones
        assert screen.indicator.id == survey.indicators[12].id


async def test_moving_and_commenting(fresh_db):
    assessment_id = new_assessment(fresh_db)
    async with make_app(fresh_db).run_test(size=SIZE) as pilot:
        screen = await open_as_new_respondent(pilot)
        await pilot.press("3")
        assert screen.indicator.id == "PCM-02"
        await pilot.press("k")
        assert screen.indicator.id == "PCM-01"
        assert "3 Repeatable" in str(screen.query_one("#statement-answer").render())
        await pilot.press("c")
        await pilot.pause()
        await type_text(pilot, "only top accounts")
        await pilot.press("enter")
        await pilot.pause()
        assert "only top accounts" in str(screen.query_one("#statement-comment").render())
        await pilot.press("j", "right")
        assert screen.indicator.id == "PCM-03"
        await pilot.press("left")
        assert screen.indicator.id == "PCM-02"
        await pilot.press("pagedown")
        assert screen.indicator.element_id == "measuring-rewarding"
        await pilot.press("down", "down", "enter")  # the level cursor: 1, then 2; Enter rates 2
        await pilot.pause()
    with open_store(fresh_db) as store:
        answers = respondent_answers(store, ensure_respondent(store, assessment_id, "Alice"))
    assert answers["PCM-01"].value == 3 and answers["PCM-01"].comment == "only top accounts"
    first_mrp = load_survey("kam-healthcheck").element("measuring-rewarding").indicators[0].id
    assert answers[first_mrp].value == 2 and answers[first_mrp].status == "rated"
