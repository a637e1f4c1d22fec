"""One browser tab's app process, and the limits on them (README, "Workshops").

:class:`AppProcess` is textual-serve's ``AppService`` (the pipe protocol between the server and a Textual
app in web mode) with three changes: the app is started from an argument list (no shell), in its own
session, with ``KAMTUI_SERVED=1`` and, on Linux, a signal should the server die; input is time-stamped
so idle sessions can be closed; and the process can be ended for sure (quit, then SIGTERM, then
SIGKILL). :class:`Sessions` counts the open sessions against the cap.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import os
import shlex
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from aiohttp import web
from textual_serve.app_service import AppService

from kamtui.core.served import SERVED_ENV

log = logging.getLogger("kamtui.serve")

MIN_SIZE = (20, 5)
MAX_SIZE = (500, 200)
QUIT_GRACE = 2.0
TERM_GRACE = 1.5


def _parent_death_signal() -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child receive SIGTERM when the server dies (Linux only)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    parent = os.getpid()
    set_pdeathsig = 1  # PR_SET_PDEATHSIG

    def arrange() -> None:
        prctl(set_pdeathsig, int(signal.SIGTERM), 0, 0, 0)
        if os.getppid() != parent:  # the server died before the signal was arranged
            os._exit(1)

    return arrange


_PREEXEC = _parent_death_signal()


def clamp_size(width: int, height: int) -> tuple[int, int]:
    return (
        max(MIN_SIZE[0], min(MAX_SIZE[0], width)),
        max(MIN_SIZE[1], min(MAX_SIZE[1], height)),
    )


class AppProcess(AppService):
    """textual-serve's app service for one tab, started from ``argv`` and ended for sure."""

    def __init__(self, argv: Sequence[str], *, environment: dict[str, str] | None = None, **kwargs) -> None:
        super().__init__(shlex.join(argv), **kwargs)
        self.argv = list(argv)
        self.environment = dict(environment or {})  # more variables for the app (the lead's: the join link)
        self.process: asyncio.subprocess.Process | None = None
        self.last_input = time.monotonic()

    def _build_environment(self, width: int = 80, height: int = 24) -> dict[str, str]:
        environment = super()._build_environment(width=width, height=height)
        environment[SERVED_ENV] = "1"
        environment.update(self.environment)
        return environment

    async def _open_app_process(self, width: int = 80, height: int = 24) -> asyncio.subprocess.Process:
        self.process = await asyncio.create_subprocess_exec(
            *self.argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            env=self._build_environment(width=width, height=height),
            start_new_session=True,
            preexec_fn=_PREEXEC,
        )
        # The base class talks to the process through these two.
        self._process = self.process
        self._stdin = self.process.stdin
        return self.process

    @property
    def running(self) -> asyncio.Task[None] | None:
        """The task that relays the app's output; it ends when the app closes its output."""
        return self._task

    async def send_bytes(self, data: bytes) -> bool:
        self.last_input = time.monotonic()
        return await super().send_bytes(data)

    async def set_terminal_size(self, width: int, height: int) -> None:
        await super().set_terminal_size(*clamp_size(int(width), int(height)))

    async def end(self) -> None:
        """Ask the app to quit; past the grace periods, SIGTERM and then SIGKILL its process group."""
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.stop(), QUIT_GRACE)
        process = self.process
        if process is None:
            return
        for sig, grace in ((None, 0.5), (signal.SIGTERM, TERM_GRACE), (signal.SIGKILL, 5.0)):
            if process.returncode is not None:
                break
            if sig is not None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(process.pid, sig)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), grace)

    def kill_now(self) -> None:
        """SIGKILL the app's process group at once (a second Ctrl+C)."""
        process = self.process
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)


@dataclass(eq=False)
class Session:
    """One open tab: its kind (``lead`` or ``join``), its websocket and its app process."""

    kind: str
    websocket: web.WebSocketResponse
    app: AppProcess | None = None
    started: float = field(default_factory=time.monotonic)
    ended: asyncio.Event = field(default_factory=asyncio.Event)

    async def close(self, code: int, reason: bytes) -> None:
        if not self.websocket.closed:
            with contextlib.suppress(Exception):
                await self.websocket.close(code=code, message=reason)

    def idle_for(self, now: float) -> float:
        return now - (self.app.last_input if self.app is not None else self.started)


@dataclass
class Sessions:
    """The open sessions, at most ``limit`` of them (the lead's included)."""

    limit: int
    open: set[Session] = field(default_factory=set)

    @property
    def full(self) -> bool:
        return len(self.open) >= self.limit

    def add(self, session: Session) -> bool:
        if self.full:
            return False
        self.open.add(session)
        return True

    def remove(self, session: Session) -> None:
        self.open.discard(session)

    def count(self, kind: str | None = None) -> int:
        return sum(1 for s in self.open if kind is None or s.kind == kind)
