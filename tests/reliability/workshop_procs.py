"""The processes of the workshop test (test_workshop.py), each run as ``python workshop_procs.py ROLE ...``.

Every process that reports an answer as saved appends ``respondent indicator value status`` to its report
file only after the commit returned, flushed and fsynced, so a SIGKILL never reports an answer it did not
save. Every long-lived process also checks, after each answer, that it holds no deleted ``-wal``/``-shm``
(the sign that another process removed the journal under it) and writes what it finds to ``*.fd``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from pathlib import Path

LEVEL_KEYS = ["1", "2", "3", "4", "5", "n", "u"]


def deleted_journals() -> list[str]:
    """Open descriptors and mappings of this process that point at a deleted -wal or -shm file."""
    found = []
    for fd in os.listdir("/proc/self/fd"):
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue
        if target.endswith(" (deleted)") and ("-wal" in target or "-shm" in target):
            found.append(f"fd {fd}: {target}")
    with open("/proc/self/maps", encoding="utf-8") as maps:
        for line in maps:
            if line.rstrip().endswith("(deleted)") and "-shm" in line:
                found.append(f"map: {line.split(maxsplit=5)[-1].strip()}")
    return found


class Reporter:
    def __init__(self, report: Path) -> None:
        self.out = open(report, "a", encoding="utf-8")  # noqa: SIM115 - open for the process's life
        self.fd_out = open(report.with_suffix(".fd"), "a", encoding="utf-8")  # noqa: SIM115

    def saved(self, respondent: str, indicator: str, value: int | None, status: str) -> None:
        self.out.write(f"{respondent} {indicator} {value if value is not None else '-'} {status}\n")
        self.out.flush()
        os.fsync(self.out.fileno())

    def check_fds(self, when: str) -> None:
        for line in deleted_journals():
            self.fd_out.write(f"{when}: {line}\n")
            self.fd_out.flush()


def writer(db: str, assessment: int, name: str, report: str, delay: float) -> None:
    """Answer every statement as ``name`` through the store, one transaction each."""
    from kamtui.store import open_store
    from kamtui.store.healthchecks import ensure_respondent, get_assessment, save_answer

    out = Reporter(Path(report))
    store = open_store(db)
    ids = get_assessment(store, assessment).survey.indicator_ids
    respondent = ensure_respondent(store, assessment, name, "Sales ops")
    for i, indicator in enumerate(ids):
        value = (i * 7 + len(name)) % 5 + 1
        save_answer(store, respondent, indicator, value, "rated")
        out.saved(name, indicator, value, "rated")
        out.check_fds(f"{name} after {indicator}")
        time.sleep(delay)
    store.close()


async def _tui(db: str, name: str, report: str, ready: str, results_every: int) -> None:
    from kamtui.tui.app import make_app
    from kamtui.tui.screens.respondents import RespondentScreen
    from kamtui.tui.screens.results import ResultsScreen
    from kamtui.tui.screens.survey import SurveyScreen

    out = Reporter(Path(report))
    app = make_app(db, refresh_interval=0.5)
    async with app.run_test(size=(100, 30)) as pilot:

        async def settle() -> None:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()

        await settle()
        await pilot.press("enter")
        await settle()
        assert isinstance(app.screen, RespondentScreen), app.screen
        for char in name:
            await pilot.press(char)
        await pilot.press("enter")
        await settle()
        if not isinstance(app.screen, SurveyScreen):  # the role field took the Enter
            await pilot.press("enter")
            await settle()
        survey = app.screen
        assert isinstance(survey, SurveyScreen), app.screen
        Path(ready).write_text("ready", encoding="utf-8")
        for number in range(len(survey.indicators)):
            indicator = survey.indicator.id
            key = LEVEL_KEYS[number % len(LEVEL_KEYS)]
            await pilot.press(key)
            await pilot.pause()
            saved = survey.answers.get(indicator)
            assert saved is not None and saved.status is not None, indicator
            out.saved(name, indicator, saved.value, saved.status)
            out.check_fds(f"tui after {indicator}")
            if number % results_every == results_every - 1:
                await pilot.press("r")  # Results: a scoring worker in a thread of its own
                await settle()
                assert isinstance(app.screen, ResultsScreen), app.screen
                await pilot.pause(0.6)  # one live refresh
                await settle()
                out.check_fds(f"tui on results after {indicator}")
                await pilot.press("escape")
                await settle()
                assert app.screen is survey, app.screen


def tui(db: str, name: str, report: str, ready: str, results_every: int) -> None:
    asyncio.run(_tui(db, name, report, ready, results_every))


async def _visitor(db: str) -> None:
    """A second TUI that opens Home and the Results of the first assessment, then quits."""
    from kamtui.tui.app import make_app

    app = make_app(db, refresh_interval=0.3)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.press("r")
        await pilot.pause(0.4)
        await app.workers.wait_for_complete()
        await pilot.press("q")


def visitor(db: str) -> None:
    asyncio.run(_visitor(db))


if __name__ == "__main__":
    role, *args = sys.argv[1:]
    if role == "writer":
        writer(args[0], int(args[1]), args[2], args[3], float(args[4]))
    elif role == "tui":
        tui(args[0], args[1], args[2], args[3], int(args[4]))
    elif role == "visitor":
        visitor(args[0])
    else:
        sys.exit(f"unknown role {role}")
