"""The app as a person uses it, in a real terminal (tmux): answers survive a SIGKILL and the survey resumes.

Starts ``python -m kamtui --db FRESH`` in a private tmux server, creates an assessment, answers three
statements, kills the process with SIGKILL, starts it again and checks that the three answers are in
the database and the survey opens on the fourth statement.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")

WIDTH, HEIGHT = 100, 30
# A pause after typing, as a person makes: bytes arriving in one read (text, Enter and more text) are
# taken by the terminal parser as a paste, and a pasted newline does not submit an input.
PAUSE = 0.25


class Tmux:
    def __init__(self, socket: str, env: dict[str, str]) -> None:
        self.socket = socket
        self.env = env

    def run(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, env=self.env, timeout=30
        )
        return result.stdout

    def start(self, command: str) -> None:
        self.run("new-session", "-d", "-s", "kam", "-x", str(WIDTH), "-y", str(HEIGHT), command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", "kam")

    def wait_for(self, text: str, timeout: float = 20) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared on screen:\n{self.screen()}")

    def keys(self, *keys: str) -> None:
        self.run("send-keys", "-t", "kam", *keys)
        time.sleep(PAUSE)

    def type(self, text: str) -> None:
        # Wait until the app shows what was typed, then a little more, so that the next key never
        # arrives in the same read as the text (Textual takes such a burst for a paste, and a pasted
        # Enter does not submit an input) - however slowly a loaded machine runs the app.
        self.run("send-keys", "-t", "kam", "-l", text)
        self.wait_for(text)
        time.sleep(PAUSE)

    def pid(self) -> int:
        return int(self.run("display-message", "-p", "-t", "kam", "#{pane_pid}").strip())

    def kill_server(self) -> None:
        self.run("kill-server")


@pytest.fixture
def tmux(tmp_path: Path):
    env = {**os.environ, "TERM": "xterm-256color", "XDG_DATA_HOME": str(tmp_path / "xdg")}
    env.pop("TMUX", None)
    session = Tmux(f"kamtui-test-{os.getpid()}-{tmp_path.name}", env)
    yield session
    session.kill_server()


def answers(db: Path) -> list[tuple[str, int]]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT indicator, value FROM answers ORDER BY indicator").fetchall()


def test_answers_survive_sigkill_and_the_survey_resumes(tmux, tmp_path):
    db = tmp_path / "fresh.db"
    command = f"exec {sys.executable} -m kamtui --db {db}"
    tmux.start(command)
    tmux.wait_for("No assessments yet")
    tmux.keys("n")
    tmux.wait_for("New healthcheck assessment")
    tmux.type("Workshop check")
    tmux.keys("Enter")
    tmux.type("Tmux programme")
    tmux.keys("Enter")
    tmux.wait_for("pick yourself, or add a new respondent")  # loaded: the name field has the focus
    tmux.type("Dana")
    tmux.keys("Tab")  # Enter would start at once (the role is optional): Tab to the role
    tmux.type("KAM")
    tmux.keys("Enter")
    tmux.wait_for("PCM-01")
    for key, next_id in (("3", "PCM-02"), ("4", "PCM-03"), ("2", "PCM-04")):
        tmux.keys(key)
        tmux.wait_for(next_id)
    tmux.wait_for("3/120")

    os.kill(tmux.pid(), signal.SIGKILL)  # no clean shutdown: whatever is not committed is lost
    time.sleep(0.3)
    assert answers(db) == [("PCM-01", 3), ("PCM-02", 4), ("PCM-03", 2)]

    tmux.kill_server()
    tmux.start(command)
    tmux.wait_for("Workshop check")
    tmux.keys("Enter")  # open the only assessment
    tmux.wait_for("Dana")
    tmux.keys("Enter")  # Dana, the only respondent
    screen = tmux.wait_for("The number of accounts")  # the survey (the list shows "3/120" too)
    assert "3/120" in screen and "PCM-04" in screen and "PCM-03" not in screen
    assert "The number of accounts in the programme is set" in screen  # PCM-04's statement
    assert answers(db) == [("PCM-01", 3), ("PCM-02", 4), ("PCM-03", 2)]
