"""Results refresh from another process that keeps the database open (issue: reads see every commit)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest


@pytest.mark.slow
async def test_results_show_another_open_process_answers_within_one_refresh(demo_db, subprocess_env):
    """A writer that keeps the database open (a second terminal mid-survey): Results shows each of its
    answers within one refresh period, without a key being pressed."""
    from kamtui.tui.app import make_app
    from kamtui.tui.screens.results import ResultsScreen

    period = 0.5
    env = subprocess_env(db=demo_db)
    app = make_app(demo_db, refresh_interval=period)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("down", "r")
        await pilot.pause()
        await app.workers.wait_for_complete()
        screen = app.screen
        assert isinstance(screen, ResultsScreen)
        before = screen.report.respondents
        writer = subprocess.Popen(
            [sys.executable, "-c", HOLDING_WRITER, str(demo_db)],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert writer.stdout.readline() == "open\n"
            lags = []
            for step in range(3):
                writer.stdin.write(f"{step}\n")
                writer.stdin.flush()
                assert writer.stdout.readline() == "saved\n"
                # A third process comes and goes (a CLI reader in another terminal).
                subprocess.run([sys.executable, "-m", "kamtui", "healthcheck", "list"], env=env, check=True,
                               capture_output=True, timeout=60)
                saved_at = time.monotonic()  # (the answer was committed before the other process ran)
                want = before + step + 1
                while screen.report.respondents != want:
                    assert time.monotonic() - saved_at < 3 * period + 1.0, (
                        f"Results still shows {screen.report.respondents} respondents, the database has {want}"
                    )
                    await pilot.pause(0.05)
                lags.append(time.monotonic() - saved_at)
                detail = str(screen.query_one("#results-detail").render())
                assert f"{want} respondents" in detail
        finally:
            writer.stdin.close()
            writer.wait(timeout=30)
    assert max(lags) < period + 1.0, lags


# A second terminal that stays open, as a TUI does: one new respondent per line on stdin, committed at
# once, and after each a worker thread that opens and closes the database (as a screen's worker does).
HOLDING_WRITER = """
import sys, threading
from kamtui.store import open_store
from kamtui.store.healthchecks import ensure_respondent, list_assessments, save_answer

def worker():
    with open_store(sys.argv[1]) as other:
        list_assessments(other)

store = open_store(sys.argv[1])
print("open", flush=True)
for line in sys.stdin:
    respondent = ensure_respondent(store, 2, f"Late {line.strip()}", "KAM")
    save_answer(store, respondent, "PCM-01", 3, "rated")
    thread = threading.Thread(target=worker)
    thread.start()
    thread.join()
    print("saved", flush=True)
store.close()
"""
