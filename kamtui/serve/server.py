"""The workshop web server (README, "Workshops"): textual-serve, locked down.

Routes: ``/lead/<token>`` (the full app) and ``/join/<token>`` (the participant app of one assessment),
each with its websocket at ``.../ws``, and ``/static/<file>`` for a fixed list of files. Anything else,
``/`` included, and any wrong token, is a one-line 404 page and starts nothing. A request whose ``Host``
is not the server's is refused (403); so is a websocket whose ``Origin`` is not the server's, before any
app process starts. Sessions are capped, idle ones closed. SIGINT, SIGTERM and SIGHUP close every tab
and end every app process within a few seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from textual_serve.server import Server, to_int

from kamtui.core.errors import KamError
from kamtui.core.served import JOIN_ASSESSMENT_ENV, JOIN_URL_ENV
from kamtui.serve import pages
from kamtui.serve.addresses import ServedAddresses, is_wildcard
from kamtui.serve.sessions import AppProcess, Session, Sessions, clamp_size
from kamtui.serve.tokens import Tokens, token_matches

log = logging.getLogger("kamtui.serve")

LEAD, JOIN = "lead", "join"
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
SHUTDOWN_WAIT = 4.0


class ListenError(KamError):
    """The server could not listen on the address it was given."""


@dataclass(frozen=True)
class Workshop:
    """What is served: the database, the assessment participants join (None: the lead link only)."""

    db: Path
    tokens: Tokens
    assessment: int | None = None
    join_title: str = "kamtui"
    max_sessions: int = 50
    idle_seconds: float = 30 * 60

    def command(self, kind: str) -> list[str]:
        """The app process of a session: the full app for the lead, the participant app to join."""
        argv = [sys.executable, "-m", "kamtui", "--db", str(self.db)]
        if kind == JOIN:
            argv += ["participate", str(self.assessment)]
        return argv

    def title(self, kind: str) -> str:
        return "kamtui (workshop lead)" if kind == LEAD else self.join_title

    def token(self, kind: str) -> str | None:
        return self.tokens.lead if kind == LEAD else self.tokens.join


class WorkshopServer(Server):
    """textual-serve's server with kamtui's routes, checks, limits and shutdown."""

    def __init__(self, workshop: Workshop, host: str, port: int, public_url: str | None = None) -> None:
        super().__init__(
            " ".join(workshop.command(LEAD)),
            host=host,
            port=port,
            title=workshop.title(LEAD),
            public_url=public_url,
        )
        self.workshop = workshop
        self.addresses = ServedAddresses(host, port, public_url)
        self.sessions = Sessions(workshop.max_sessions)
        self._given_public_url = public_url
        self._sweeper: asyncio.Task[None] | None = None
        self._stopping = False

    # --- the aiohttp application -------------------------------------------------------------------

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self._guard], client_max_size=64 * 1024)
        app.add_routes(
            [
                web.get(r"/{kind:lead|join}/{token}", self.handle_page),
                web.get(r"/{kind:lead|join}/{token}/ws", self.handle_websocket),
                web.get(r"/static/{name:.+}", self.handle_static),
            ]
        )
        app.on_startup.append(self.on_startup)
        app.on_shutdown.append(self.on_shutdown)
        return app

    @web.middleware
    async def _guard(self, request: web.Request, handler) -> web.StreamResponse:
        if not self.addresses.host_allowed(request.headers.get("Host"), _local_address(request)):
            return pages.message_page(403, pages.WRONG_HOST)
        try:
            return await handler(request)
        except (web.HTTPNotFound, web.HTTPMethodNotAllowed):
            return pages.not_found()

    def _kind(self, request: web.Request) -> str | None:
        """The session kind the URL's token opens, or None (wrong token, or no assessment to join)."""
        kind = request.match_info["kind"]
        expected = self.workshop.token(kind)
        return kind if token_matches(request.match_info["token"], expected) else None

    async def handle_page(self, request: web.Request) -> web.StreamResponse:
        kind = self._kind(request)
        if kind is None:
            return pages.not_found()
        if self.sessions.full:
            return pages.message_page(503, pages.FULL.format(limit=self.sessions.limit))
        return pages.app_page(self.workshop.title(kind), pages.font_size(request.query.get("fontsize")))

    async def handle_static(self, request: web.Request) -> web.StreamResponse:
        return pages.static_file(request.match_info["name"])

    async def handle_websocket(self, request: web.Request) -> web.StreamResponse:
        kind = self._kind(request)
        if kind is None:
            return pages.not_found()
        websocket = web.WebSocketResponse(heartbeat=15, max_msg_size=1024 * 1024)
        if not websocket.can_prepare(request).ok:  # not a websocket handshake
            return pages.not_found()
        if not self.addresses.origin_allowed(request.headers.get("Origin"), _local_address(request)):
            log.warning("refused a websocket from origin %r", request.headers.get("Origin"))
            return pages.message_page(403, pages.WRONG_ORIGIN)
        await websocket.prepare(request)
        session = Session(kind, websocket)
        if self._stopping or not self.sessions.add(session):
            reason = pages.FULL.format(limit=self.sessions.limit)
            await session.close(pages.CLOSE_FULL, pages.close_reason(reason))
            return websocket
        try:
            await self._run_session(session, request)
        finally:
            self.sessions.remove(session)
            session.ended.set()
            log.info("%s session closed (%d open)", kind, len(self.sessions.open))
        return websocket

    async def _run_session(self, session: Session, request: web.Request) -> None:
        width, height = clamp_size(
            to_int(request.query.get("width", "80"), 80), to_int(request.query.get("height", "24"), 24)
        )
        websocket = session.websocket
        app = session.app = AppProcess(
            self.workshop.command(session.kind),
            environment=self.app_environment(session.kind, request),
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        log.info("%s session opened (%d open)", session.kind, len(self.sessions.open))
        reader: asyncio.Task[None] | None = None
        try:
            await app.start(width, height)
            reader = asyncio.create_task(self._process_messages(websocket, app))
            waiting = {reader} | ({app.running} if app.running is not None else set())
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
            if not reader.done():  # the app ended on its own: tell the tab
                await session.close(pages.CLOSE_APP_ENDED, pages.close_reason("The app has ended."))
        except (OSError, ValueError) as error:
            log.warning("%s session failed: %s", session.kind, error)
        finally:
            if reader is not None:
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await reader
            await session.close(pages.CLOSE_APP_ENDED, pages.close_reason("The app has ended."))
            await app.end()

    def app_environment(self, kind: str, request: web.Request) -> dict[str, str]:
        """What the lead's app is told: the join link (at the address the lead's browser came in on, or
        the public URL), and its assessment, for the Join screen. A participant's app is told nothing."""
        token = self.workshop.tokens.join
        if kind != LEAD or token is None or self.workshop.assessment is None:
            return {}
        base = (self._given_public_url or f"{request.scheme}://{request.host}").rstrip("/")
        return {JOIN_URL_ENV: f"{base}/join/{token}", JOIN_ASSESSMENT_ENV: str(self.workshop.assessment)}

    # --- idle sessions, start and stop -------------------------------------------------------------

    async def _sweep_idle(self) -> None:
        idle = self.workshop.idle_seconds
        period = max(0.05, min(15.0, idle / 4))
        minutes = idle / 60
        shown = f"{minutes:g} minute{'s' if minutes != 1 else ''}"
        reason = pages.close_reason(f"Closed after {shown} without input: reload the page to go on.")
        while True:
            await asyncio.sleep(period)
            now = time.monotonic()
            for session in list(self.sessions.open):
                if session.idle_for(now) >= idle:
                    log.info("closing a %s session idle for %s", session.kind, shown)
                    await session.close(pages.CLOSE_IDLE, reason)

    async def on_startup(self, app: web.Application) -> None:
        self._sweeper = asyncio.create_task(self._sweep_idle())

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every tab, then wait (a few seconds at most) for every app process to end."""
        self._stopping = True
        if self._sweeper is not None:
            self._sweeper.cancel()
        open_now = list(self.sessions.open)
        reason = pages.close_reason("The workshop server has stopped.")
        await asyncio.gather(*(s.close(pages.CLOSE_SERVER_STOPPED, reason) for s in open_now))
        if open_now:
            waits = [asyncio.create_task(s.ended.wait()) for s in open_now]
            _, late = await asyncio.wait(waits, timeout=SHUTDOWN_WAIT)
            for task in late:
                task.cancel()
        self.kill_all()

    def kill_all(self) -> None:
        for session in list(self.sessions.open):
            if session.app is not None:
                session.app.kill_now()

    def initialize_logging(self) -> None:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("serve: %(message)s"))
        for name, level in (("kamtui.serve", logging.INFO), ("textual-serve", logging.WARNING)):
            logger = logging.getLogger(name)
            logger.handlers[:] = [handler]
            logger.setLevel(level)
            logger.propagate = False

    def serve(self, debug: bool = False, on_ready: Callable[[int], None] | None = None) -> None:
        """Listen until SIGINT, SIGTERM or SIGHUP; ``on_ready(port)`` once the port is bound."""
        self.initialize_logging()
        asyncio.run(self._serve(on_ready))

    async def _serve(self, on_ready: Callable[[int], None] | None) -> None:
        loop = asyncio.get_running_loop()
        stop = asyncio.Event()

        def on_signal() -> None:
            if stop.is_set():  # a second Ctrl+C: no more waiting
                self.kill_all()
            stop.set()

        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, on_signal)
        runner = web.AppRunner(await self._make_app(), access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            port = await self._listen(runner)
            self.port = port
            self.addresses = ServedAddresses(self.host, port, self._given_public_url)
            if on_ready is not None:
                on_ready(port)
            await stop.wait()
        finally:
            await runner.cleanup()
            for sig in STOP_SIGNALS:
                loop.remove_signal_handler(sig)

    async def _listen(self, runner: web.AppRunner) -> int:
        """Bind every address of ``self.host`` (``::`` means IPv4 and IPv6); the port actually bound."""
        hosts: Sequence[str] = (
            ("0.0.0.0", "::") if self.host.strip("[]") == "::" else (self.host.strip("[]"),)
        )
        port = self.port
        for number, host in enumerate(hosts):
            site = web.TCPSite(runner, host, port)
            try:
                await site.start()
            except OSError as error:
                if number > 0 and is_wildcard(host):
                    continue  # no IPv6 on this machine: IPv4 alone
                reason = os.strerror(error.errno) if error.errno else str(error)
                raise ListenError(f"cannot listen on {host} port {port}: {reason.lower()}") from None
            if port == 0:
                port = _bound_port(runner)
        return port


def _bound_port(runner: web.AppRunner) -> int:
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            return int(address[1])
    raise ListenError("the server did not get a port")


def _local_address(request: web.Request) -> str | None:
    """The server's address the request came in on (what the browser connected to)."""
    transport = request.transport
    sockname = transport.get_extra_info("sockname") if transport is not None else None
    if isinstance(sockname, tuple) and sockname:
        return str(sockname[0])
    return None
