"""The join link in real processes (issue 12): the participant app behind ``kamtui serve``, answered by tap
in a phone-sized headless Chromium, and the join link handed to the lead's app for its Join screen.

The browser test drives Debian's Chromium over the DevTools protocol (``Browser`` of test_serve_security)
with the 390 x 844 viewport of a phone and touch input: a finger's touchStart/touchEnd, which the browser
turns into the mouse events xterm.js reports to the app. Where to tap is the participant app's own layout
at the terminal size the page asked for, computed with Pilot; what happened is read from the database.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import sqlite3
import time
from pathlib import Path

import aiohttp
import pytest

from kamtui.core.demo_data import CURRENT_PEOPLE

from .test_serve import (
    finish,
    make_demo,
    open_session,
    read_argv,
    read_environ,
    start_serve,
    wait_until,
)
from .test_serve_security import Browser, chromium

PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}
MIN_TAP_PX = 44  # the smallest comfortable touch target (Apple's and Material's guidelines: 44-48 px)


@pytest.fixture
def demo(tmp_path) -> Path:
    return make_demo(tmp_path / "demo.db")


def children_by_kind(served) -> dict[str, int]:
    found = {}
    for pid in served.children():
        try:
            argv = read_argv(pid)
        except OSError:
            continue
        found["join" if "participate" in argv else "lead"] = pid
    return found


async def test_the_lead_app_is_told_the_join_link_and_a_participant_app_nothing(demo):
    served = start_serve(demo, "--assessment", "2")
    try:
        async with aiohttp.ClientSession() as client:
            lead, _ = await open_session(client, served.lead, served.origin)
            join, text = await open_session(client, served.join, served.origin, wait_for="New here?")
            assert "Annual healthcheck" in text  # the header: the assessment's title, nothing else
            assert await asyncio.to_thread(wait_until, lambda: len(children_by_kind(served)) == 2, 10)
            kinds = children_by_kind(served)
            lead_env, join_env = read_environ(kinds["lead"]), read_environ(kinds["join"])
            assert lead_env["KAMTUI_JOIN_URL"] == served.join
            assert lead_env["KAMTUI_JOIN_ASSESSMENT"] == "2"
            assert "KAMTUI_JOIN_URL" not in join_env and join_env["KAMTUI_SERVED"] == "1"
            assert read_argv(kinds["join"])[-2:] == ["participate", "2"]
            for name, _ in CURRENT_PEOPLE:
                assert name not in text
            assert str(demo) not in text and "demo.db" not in text
            await join.close()
            await lead.close()
    finally:
        finish(served)


async def participant_layout(db: Path, size: tuple[int, int], name: str) -> dict:
    """Where the participant app puts what a finger taps, at ``size`` (its layout does not depend on who
    registers): the name field, the "noted" button, the five level chips and the Next button."""
    from kamtui.tui.participant import make_participant_app
    from kamtui.tui.widgets.level_picker import LevelRow

    copy = db.with_name("layout.db")
    shutil.copyfile(db, copy)
    app = make_participant_app(copy, 2)
    found: dict = {}
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        found["name"] = app.screen.query_one("#join-name").region
        for char in name:
            await pilot.press("space" if char == " " else char)
        await pilot.press("enter")
        await pilot.pause()
        found["noted"] = app.screen.query_one("#code-go").region
        await pilot.press("enter")
        await pilot.pause()
        await pilot.pause()
        found["levels"] = [row.region for row in app.screen.query(LevelRow)]
        found["next"] = app.screen.query_one("#p-next").region
    return found


def answers_of(db: Path, name: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT x.indicator, x.value, x.status FROM answers x JOIN respondents r ON r.id = x.respondent_id "
            "WHERE r.name = ? AND r.assessment_id = 2 ORDER BY x.indicator",
            (name,),
        ).fetchall()


def registered(db: Path, name: str) -> bool:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*) FROM respondents WHERE name = ?", (name,)).fetchone()[0] == 1


async def test_a_phone_registers_by_typing_and_answers_by_tap_alone(demo):
    executable = chromium()
    name = "Tapping Tilda"
    served = start_serve(demo, "--assessment", "2")
    try:
        async with Browser(executable) as browser:
            await browser.call("Emulation.setDeviceMetricsOverride", **PHONE)
            await browser.call("Emulation.setTouchEmulationEnabled", enabled=True, maxTouchPoints=5)
            await browser.call("Page.navigate", url=served.join)
            assert await browser.wait_for("document.body && document.body.classList.contains('-first-byte')")
            await asyncio.sleep(1.5)  # the first frame painted
            asked = re.search(r"width=(\d+)&height=(\d+)", browser.sockets()[-1])
            cols, rows = int(asked.group(1)), int(asked.group(2))
            assert 36 <= cols <= 48 and rows >= 36, (cols, rows)  # a phone: the app runs its narrow layout
            rect = json.loads(
                await browser.evaluate("JSON.stringify(document.querySelector('.xterm-screen').getBoundingClientRect())")
            )
            cell_w, cell_h = rect["width"] / cols, rect["height"] / rows
            layout = await participant_layout(demo, (cols, rows), name)

            async def tap(region) -> None:
                x = rect["x"] + (region.x + region.width / 2) * cell_w
                y = rect["y"] + (region.y + region.height / 2) * cell_h
                await browser.call("Input.dispatchTouchEvent", type="touchStart", touchPoints=[{"x": x, "y": y}])
                await browser.call("Input.dispatchTouchEvent", type="touchEnd", touchPoints=[])
                await asyncio.sleep(0.8)

            chips = layout["levels"]
            assert len(chips) == 5
            for chip in chips:  # large enough for a finger
                assert chip.height * cell_h >= MIN_TAP_PX and chip.width * cell_w >= 4 * MIN_TAP_PX
            assert layout["next"].height * cell_h >= MIN_TAP_PX

            await tap(layout["name"])  # a tap on the field brings up the keyboard (focuses the terminal)
            assert await browser.evaluate("document.activeElement.className") == "xterm-helper-textarea"
            await browser.call("Input.insertText", text=name)
            await browser.call(
                "Input.dispatchKeyEvent", type="keyDown", key="Enter", code="Enter", windowsVirtualKeyCode=13, text="\r"
            )
            await browser.call("Input.dispatchKeyEvent", type="keyUp", key="Enter", code="Enter", windowsVirtualKeyCode=13)
            assert await asyncio.to_thread(wait_until, lambda: registered(demo, name), 10)
            await asyncio.sleep(0.8)
            await tap(layout["noted"])  # "I have noted it: start answering"
            await tap(chips[2])  # 3 Repeatable
            assert await asyncio.to_thread(wait_until, lambda: answers_of(demo, name) == [("PCM-01", 3, "rated")], 10)
            await tap(layout["next"])  # skip PCM-02
            await tap(chips[4])  # PCM-03: 5 Activating
            deadline = time.monotonic() + 10
            while answers_of(demo, name) != [("PCM-01", 3, "rated"), ("PCM-03", 5, "rated")]:
                assert time.monotonic() < deadline, answers_of(demo, name)
                await asyncio.sleep(0.2)
            assert browser.errors() == []
    finally:
        finish(served)
