"""`kamtui serve` against what a page, a person or a browser on the network may try (README, "Workshops").

Every route and wrong token by HTTP (404, no app process: children of the server counted in /proc), the
websocket's Origin and Host checks with a real aiohttp client, the session cap and idle close, statics
without a listing, no URL of another site in what is served, `--host 0.0.0.0`, and a real headless
Chromium loading the page through the machine's network address (skipped where Chromium is missing).
"""

from __future__ import annotations

import asyncio
import http.client
import json
import re
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import aiohttp
import pytest

from kamtui.serve import tokens as tokens_module
from kamtui.serve.addresses import ServedAddresses, primary_address
from kamtui.serve.pages import STATIC_FILES

from . import test_serve
from .test_serve import FRAME_TEXT, Served, alive, open_session, wait_closed, wait_until

demo_db = test_serve.demo_db  # the fixtures, shared
serve_on = test_serve.serve_on


@pytest.fixture(scope="module")
def shared(demo_db):
    """One server (lead and join links) for the tests that leave it as they found it: no session open."""
    served = test_serve.start_serve(demo_db, "--assessment", "2")
    yield served
    test_serve.finish(served)


@pytest.fixture
def idle_server(shared):
    """The shared server, checked to have no app process before and after the test."""
    assert wait_until(lambda: shared.children() == [], 10)
    yield shared
    assert wait_until(lambda: shared.children() == [], 10)


NOT_FOUND_TEXT = "<p>Not found: ask the workshop lead for the link.</p>"


def request(
    served: Served,
    path: str,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    host: str = "127.0.0.1",
) -> tuple[int, str, dict[str, str]]:
    """One raw HTTP request (the path is sent exactly as given)."""
    connection = http.client.HTTPConnection(host, served.port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        return response.status, body, {k.lower(): v for k, v in response.getheaders()}
    finally:
        connection.close()


def token_of(url: str) -> str:
    return url.rsplit("/", 1)[1]


def wrong_paths(served: Served) -> list[str]:
    lead, join = token_of(served.lead), token_of(served.join)
    flipped = lead[:-1] + ("A" if lead[-1] != "A" else "B")
    return [
        "/",
        "/index.html",
        "/favicon.ico",
        "/ws",
        "/download/abc",
        "/lead",
        "/lead/",
        "/join/",
        f"/lead/{secrets.token_urlsafe(32)}",
        f"/lead/{flipped}",
        f"/lead/{lead[:-1]}",
        f"/lead/{lead}x",
        f"/lead/{lead}/",
        f"/LEAD/{lead}",
        f"/lead/{lead.upper()}",
        f"/lead/{join}",  # the join token does not open the lead's app
        f"/join/{lead}",  # nor the lead token the participant app
        f"/join/{secrets.token_urlsafe(32)}",
        f"/lead/{flipped}/ws",
        f"/join/{lead}/ws",
        f"/lead/{lead}/ws/x",
        f"/lead/{lead}/ws",  # the right websocket path, but a plain GET: no upgrade, no app
        f"/static/../lead/{lead}",
        "/static/",
        "/static/js/",
        "/static/js",
        "/static/fonts/",
        "/static/kamtui/",
        "/static/../../server.py",
        "/static/%2e%2e/%2e%2e/server.py",
        "/static/images/background.png",
        "/static/js/textual.js.map",
    ]


def test_every_other_path_and_every_wrong_token_is_a_one_line_404_and_starts_nothing(idle_server):
    served = idle_server
    for path in wrong_paths(served):
        status, body, headers = request(served, path)
        assert status == 404, path
        assert body.count("<p>") == 1 and NOT_FOUND_TEXT in body, path
        assert headers["content-type"].startswith("text/html"), path
    for method in ("POST", "PUT", "DELETE", "HEAD"):
        status, body, _ = request(served, f"/lead/{token_of(served.lead)}/x", method=method)
        assert status == 404, method
    status, body, _ = request(served, f"/lead/{token_of(served.lead)}", method="POST")
    assert status == 404 and NOT_FOUND_TEXT in body
    assert served.children() == []


async def test_a_websocket_with_a_wrong_token_is_refused_before_any_process(idle_server):
    served = idle_server
    lead = token_of(served.lead)
    async with aiohttp.ClientSession() as client:
        for path in (f"/lead/{lead[:-2]}/ws", f"/join/{lead}/ws", f"/lead/{token_of(served.join)}/ws", "/ws"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(
                    f"ws://127.0.0.1:{served.port}{path}", headers={"Origin": served.origin}
                )
            assert refused.value.status == 404, path
    assert served.children() == []


def test_the_right_links_serve_the_page_and_start_no_process_by_themselves(idle_server):
    served = idle_server
    titles = {served.lead: "kamtui (workshop lead)", served.join: "kamtui · Annual healthcheck"}
    for url, title in titles.items():
        status, body, headers = request(served, url.split(str(served.port), 1)[1])
        assert status == 200
        assert f"<title>{title}</title>" in body
        assert headers["content-security-policy"].startswith("default-src 'none'; script-src 'self';")
        assert "connect-src 'self'" in headers["content-security-policy"]
        assert headers["referrer-policy"] == "no-referrer"
        assert headers["x-frame-options"] == "DENY"
        assert headers["cache-control"] == "no-store"
    assert served.children() == []


# --- Origin and Host ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "origin",
    [
        "http://evil.example",
        "http://evil.example:{port}",
        "http://127.0.0.1:{other}",
        "https://127.0.0.1:{port}",
        "http://127.0.0.1.evil.example:{port}",
        "http://localhost.evil.example:{port}",
        "http://0.0.0.0:{port}",
        "null",
        "",
        None,
    ],
)
async def test_a_websocket_from_another_origin_gets_403_and_starts_no_process(idle_server, origin):
    served = idle_server
    opened = served.stderr().count("session opened")
    headers = {}
    if origin is not None:
        headers["Origin"] = origin.format(port=served.port, other=served.port + 1)
    async with aiohttp.ClientSession() as client:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(served.lead.replace("http://", "ws://") + "/ws", headers=headers)
        assert refused.value.status == 403
        await asyncio.sleep(0.3)
        assert served.children() == []
    assert served.stderr().count("session opened") == opened


@pytest.mark.parametrize("origin", ["http://127.0.0.1:{port}", "http://localhost:{port}"])
async def test_the_servers_own_origin_with_the_lead_token_gets_a_painted_app(idle_server, origin):
    served = idle_server
    async with aiohttp.ClientSession() as client:
        ws, text = await open_session(client, served.lead, origin.format(port=served.port))
        assert FRAME_TEXT in text
        assert len(served.children()) == 1
        await ws.close()
    assert await asyncio.to_thread(wait_until, lambda: served.children() == [], 10)


@pytest.mark.parametrize(
    "host", ["evil.example:{port}", "evil.example", "127.0.0.1:{other}", "0.0.0.0:{port}"]
)
async def test_a_foreign_host_header_is_refused_on_page_and_websocket(idle_server, host):
    """DNS rebinding: a page of evil.example whose name now points at 127.0.0.1 names itself in Host."""
    served = idle_server
    header = host.format(port=served.port, other=served.port + 1)
    status, body, _ = request(served, served.lead.split(str(served.port), 1)[1], headers={"Host": header})
    assert (
        status == 403
        and "<p>Refused: this address is not the workshop server; ask the workshop lead for the link.</p>"
        in body
    )
    async with aiohttp.ClientSession() as client:
        for origin in (f"http://{header}", served.origin):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(
                    served.lead.replace("http://", "ws://") + "/ws",
                    headers={"Host": header, "Origin": origin},
                )
            assert refused.value.status == 403
    assert served.children() == []


def test_loopback_names_are_the_servers_own(idle_server):
    served = idle_server
    path = served.lead.split(str(served.port), 1)[1]
    for host in (f"localhost:{served.port}", f"127.0.0.1:{served.port}", f"LOCALHOST:{served.port}"):
        status, _, _ = request(served, path, headers={"Host": host})
        assert status == 200, host


# --- limits --------------------------------------------------------------------------------------------


async def test_the_session_cap_says_the_workshop_is_full_and_starts_no_more_apps(serve_on):
    served = serve_on("--max-sessions", "2")
    path = served.lead.split(str(served.port), 1)[1]
    async with aiohttp.ClientSession() as client:
        first, _ = await open_session(client, served.lead, served.origin)
        second, _ = await open_session(client, served.lead, served.origin)
        assert len(served.children()) == 2
        status, body, _ = request(served, path)
        assert status == 503
        assert (
            "<p>The workshop is full (at most 2 at a time): try again in a minute or ask the workshop lead.</p>"
            in body
        )
        third, _ = await open_session(client, served.lead, served.origin, wait_for=None)
        closed = await wait_closed(third, 5)
        assert (closed.data, closed.extra) == (
            4001,
            "The workshop is full (at most 2 at a time): try again in a minute or ask the workshop lead.",
        )
        assert len(served.children()) == 2
        await first.close()
        assert await asyncio.to_thread(wait_until, lambda: len(served.children()) == 1, 10)
        assert await asyncio.to_thread(wait_until, lambda: request(served, path)[0] == 200, 5)
        await second.close()


async def test_an_idle_session_is_closed_and_its_app_ends_while_an_active_one_stays(serve_on):
    served = serve_on("--idle-minutes", "0.05")  # 3 s
    async with aiohttp.ClientSession() as client:
        opened = time.monotonic()
        idle, _ = await open_session(client, served.lead, served.origin)
        active_opened = time.monotonic()
        active, _ = await open_session(client, served.lead, served.origin)
        idle_app, active_app = served.children()
        closed = None
        while time.monotonic() - opened < 10:
            await active.send_json(["stdin", "\x1b[A"])  # arrow up on Home: input that changes nothing
            try:
                closed = await wait_closed(idle, 0.3)
                break
            except TimeoutError:
                continue
        took = time.monotonic() - opened
        assert closed is not None, "the idle session was not closed within 10 s"
        assert 3.0 <= took <= 6, took
        assert (closed.data, closed.extra) == (
            4002,
            "Closed after 0.05 minutes without input: reload the page to go on.",
        )
        assert await asyncio.to_thread(wait_until, lambda: not alive(idle_app), 10)
        while time.monotonic() - active_opened < 4.5:  # longer than the idle time, with input
            await active.send_json(["stdin", "\x1b[A"])
            with pytest.raises(TimeoutError):
                await wait_closed(active, 0.3)
        assert alive(active_app) and not active.closed, "input keeps a session open"
        await active.close()


# --- statics and what the page loads --------------------------------------------------------------------


def test_static_files_are_served_and_no_folder_is_listed(idle_server):
    served = idle_server
    for name, (path, content_type) in STATIC_FILES.items():
        status, body, headers = request(served, f"/static/{name}")
        assert status == 200, name
        assert headers["content-type"].startswith(content_type), name
        assert int(headers["content-length"]) == Path(path).stat().st_size
    for folder in ("/static", "/static/", "/static/js/", "/static/css/", "/static/fonts", "/static/kamtui/"):
        status, body, _ = request(served, folder)
        assert status == 404 and NOT_FOUND_TEXT in body, folder
        assert "Index of" not in body and "textual.js" not in body


URL = re.compile(r"(?:https?|wss?)://[^\s\"'<>()]+", re.IGNORECASE)


def test_nothing_served_names_another_site(idle_server):
    served = idle_server
    pages = [
        request(served, served.lead.split(str(served.port), 1)[1])[1],
        request(served, served.join.split(str(served.port), 1)[1])[1],
        request(served, "/")[1],
        request(served, "/", headers={"Host": "evil.example"})[1],
    ]
    for page in pages:
        assert URL.findall(page) == [], page
        assert "0.0.0.0" not in page and "googleapis" not in page
    sheets = [request(served, f"/static/{name}")[1] for name in STATIC_FILES if name.endswith(".css")]
    for sheet in sheets:
        for target in re.findall(r"url\(([^)]*)\)", sheet):
            assert not URL.match(target.strip("\"' ")), target
        assert "@import" not in sheet
    script = request(served, "/static/kamtui/serve.js")[1]
    assert URL.findall(script) == []


def test_on_every_address_the_links_use_the_machines_own_address(serve_on):
    served = serve_on("--host", "0.0.0.0")
    host = re.fullmatch(r"lead: http://([^/]+):(\d+)/lead/[A-Za-z0-9_-]{43}", served.lines[0]).group(1)
    address = primary_address()
    if address is None:
        assert host == "127.0.0.1"
        assert "pass --public-url URL" in served.stderr()
        return
    assert host == address and host != "0.0.0.0"
    with socket.socket() as probe:
        probe.bind((host, 0))  # only an address of this machine can be bound
    assert "warning: serving on 0.0.0.0 makes kamtui reachable" in served.stderr()
    status, body, _ = request(served, served.lead.split(str(served.port), 1)[1], host=host)
    assert status == 200 and "0.0.0.0" not in body


async def test_on_every_address_a_tab_on_the_network_address_gets_its_app(serve_on):
    served = serve_on("--host", "0.0.0.0")
    host = served.lead.split("//", 1)[1].split(":", 1)[0]  # 127.0.0.1 only on a machine without a network
    async with aiohttp.ClientSession() as client:
        ws, text = await open_session(client, served.lead, f"http://{host}:{served.port}")
        assert FRAME_TEXT in text
        await ws.close()
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(
                served.lead.replace("http://", "ws://") + "/ws",
                headers={"Origin": f"http://0.0.0.0:{served.port}"},
            )
        assert refused.value.status == 403


# --- addresses and tokens, directly ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "allowed"),
    [
        ("127.0.0.1:8000", True),
        ("localhost:8000", True),
        ("LocalHost:8000", True),
        ("[::1]:8000", True),
        ("127.0.0.1:8001", False),
        ("127.0.0.1", False),  # port 80 (or 443)
        ("evil.example:8000", False),
        ("127.0.0.1:8000@evil.example", False),
        ("127.0.0.1:8000/x", False),
        ("127.0.0.1:x", False),
        ("", False),
        (None, False),
    ],
)
def test_host_header_on_loopback(header, allowed):
    assert ServedAddresses("127.0.0.1", 8000).host_allowed(header, "127.0.0.1") is allowed


def test_host_and_origin_on_every_address_follow_the_connection():
    served = ServedAddresses("0.0.0.0", 8000)
    assert served.host_allowed("192.0.2.2:8000", "192.0.2.2")
    assert served.host_allowed("192.0.2.2:8000", "::ffff:192.0.2.2")
    assert not served.host_allowed("10.1.1.1:8000", "192.0.2.2")
    assert not served.host_allowed("0.0.0.0:8000", "127.0.0.1")
    assert served.origin_allowed("http://192.0.2.2:8000", "192.0.2.2")
    assert not served.origin_allowed("http://192.0.2.2:8000", "127.0.0.1")
    assert served.origin_allowed("http://localhost:8000", "127.0.0.1")


def test_a_public_url_is_the_servers_own_origin():
    served = ServedAddresses("127.0.0.1", 8000, "https://workshop.example/kam/")
    assert served.origin_allowed("https://workshop.example", "127.0.0.1")
    assert not served.origin_allowed("http://workshop.example", "127.0.0.1")
    assert not served.origin_allowed("https://workshop.example:8443", "127.0.0.1")
    assert served.host_allowed("workshop.example", "127.0.0.1")  # no port: 443 behind the https proxy
    assert not served.host_allowed("workshop.example:8443", "127.0.0.1")
    assert served.host_allowed("workshop.example:443", "127.0.0.1")
    assert served.origin_allowed("http://127.0.0.1:8000", "127.0.0.1")


def test_tokens_are_compared_with_hmac_compare_digest(monkeypatch):
    calls = []
    real = tokens_module.hmac.compare_digest

    def recording(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(tokens_module.hmac, "compare_digest", recording)
    token = tokens_module.new_token()
    assert tokens_module.token_matches(token, token)
    assert not tokens_module.token_matches(token[:-1] + "-", token)
    assert not tokens_module.token_matches("ünïcode", token)
    assert not tokens_module.token_matches(None, token) and not tokens_module.token_matches(token, None)
    assert calls == [
        (token.encode(), token.encode()),
        ((token[:-1] + "-").encode(), token.encode()),
        ("ünïcode".encode(), token.encode()),
    ]
    assert tokens_module.token_bits(token) == 258 and len(token) == 43


# --- a real browser ----------------------------------------------------------------------------------


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if found is None:
        pytest.skip("Chromium is not installed (the Debian package `chromium`): the browser checks need it")
    return found


class Browser:
    """Headless Chromium driven over the DevTools protocol with aiohttp (no other dependency)."""

    def __init__(self, executable: str) -> None:
        self.profile = tempfile.mkdtemp(prefix="kamtui-chromium-")
        self.proc = subprocess.Popen(
            [
                executable,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--remote-debugging-port=0",
                f"--user-data-dir={self.profile}",
                "--window-size=1000,700",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.events: list[dict] = []
        self._next = 0

    async def __aenter__(self) -> Browser:
        deadline = time.monotonic() + 30
        endpoint = None
        while endpoint is None and time.monotonic() < deadline:
            line = await asyncio.to_thread(self.proc.stderr.readline)
            found = re.search(r"DevTools listening on ws://[^:]+:(\d+)/", line)
            endpoint = found.group(1) if found else None
        assert endpoint, "Chromium did not start its DevTools endpoint"
        self.client = aiohttp.ClientSession()
        async with self.client.get(f"http://127.0.0.1:{endpoint}/json/list") as response:
            page = next(t for t in await response.json() if t["type"] == "page")
        self.ws = await self.client.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
        for domain in ("Network", "Log", "Runtime", "Page"):
            await self.call(f"{domain}.enable")
        return self

    async def __aexit__(self, *exc) -> None:
        await self.ws.close()
        await self.client.close()
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)

    async def call(self, method: str, **params) -> dict:
        self._next += 1
        number = self._next
        await self.ws.send_str(json.dumps({"id": number, "method": method, "params": params}))
        while True:
            message = json.loads((await self.ws.receive(timeout=30)).data)
            if message.get("id") == number:
                return message.get("result", {})
            self.events.append(message)

    async def evaluate(self, expression: str):
        return (await self.call("Runtime.evaluate", expression=expression))["result"].get("value")

    async def wait_for(self, expression: str, timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if await self.evaluate(expression):
                return True
            await asyncio.sleep(0.2)
        return False

    def requested(self) -> list[str]:
        return [
            e["params"]["request"]["url"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        ]

    def sockets(self) -> list[str]:
        return [e["params"]["url"] for e in self.events if e.get("method") == "Network.webSocketCreated"]

    def errors(self) -> list[str]:
        found = [
            e["params"]["entry"]["text"]
            for e in self.events
            if e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error"
        ]
        found += [
            e["params"]["exceptionDetails"].get("text", "")
            for e in self.events
            if e.get("method") == "Runtime.exceptionThrown"
        ]
        return found


async def test_chromium_on_the_network_address_paints_the_app_and_loads_nothing_from_elsewhere(serve_on):
    executable = chromium()
    served = serve_on("--host", "0.0.0.0", "--idle-minutes", "0.08")  # 4.8 s
    base = served.base  # the machine's network address (127.0.0.1 only on a machine without a network)
    async with Browser(executable) as browser:
        await browser.call("Page.navigate", url=served.lead)
        assert await browser.wait_for("document.body && document.body.classList.contains('-first-byte')")
        assert len(served.children()) == 1
        assert browser.sockets() == [
            f"{base.replace('http://', 'ws://')}/lead/{token_of(served.lead)}/ws"
            + browser.sockets()[0].split("/ws", 1)[1]
        ]
        outside = [
            url
            for url in browser.requested()
            if not url.startswith(base + "/") and not url.startswith("data:")
        ]
        assert outside == [], outside
        assert browser.errors() == []
        # Left without input, the session is closed and the page says why.
        assert await browser.wait_for("document.body.classList.contains('-closed')", timeout=20)
        message = await browser.evaluate("document.getElementById('closed-message').textContent")
        assert message == "Closed after 0.08 minutes without input: reload the page to go on."
    assert await asyncio.to_thread(wait_until, lambda: served.children() == [], 10)


async def test_chromium_is_told_when_the_workshop_is_full(serve_on):
    executable = chromium()
    served = serve_on("--max-sessions", "1")
    async with aiohttp.ClientSession() as client:
        ws, _ = await open_session(client, served.lead, served.origin)
        async with Browser(executable) as browser:
            await browser.call("Page.navigate", url=served.lead)
            assert await browser.wait_for("document.body && document.body.innerText.includes('full')")
            text = await browser.evaluate("document.body.innerText")
            assert text.strip() == (
                "The workshop is full (at most 1 at a time): try again in a minute or ask the workshop lead."
            )
        assert len(served.children()) == 1
        await ws.close()
