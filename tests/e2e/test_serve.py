"""`kamtui serve` in real processes: the printed links, the tokens, the QR code and stopping with tabs open.

The helpers here (start a server on a free port, count its app processes in /proc, open a websocket
session with aiohttp and wait for the app's first frame) are shared with test_serve_security.py.
"""

from __future__ import annotations

import asyncio
import os
import re
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
import segno

from kamtui.commands.serve import bind_warning, is_loopback

LINK = r"http://127\.0\.0\.1:(\d+)/{kind}/([A-Za-z0-9_-]{{43}})"
FRAME_TEXT = "Healthcheck assessments"  # the Home screen's title: the app has painted its first frame
START_TIMEOUT = 30


def proc_children(pid: int) -> list[int]:
    """Pids of the live (not zombie) children of ``pid``, read from /proc."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def processes_using(db: Path) -> list[int]:
    """Every live process whose command line names ``db`` (a leftover app process would)."""
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            cmdline = Path(f"/proc/{name}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if str(db).encode() in cmdline and alive(int(name)):
            found.append(int(name))
    return found


def read_argv(pid: int) -> list[str]:
    return [a.decode() for a in Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0") if a]


def read_environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    return dict(item.decode().split("=", 1) for item in raw if b"=" in item)


@dataclass
class Served:
    """A running ``kamtui serve``: its process, the printed lines and links, and its stderr file."""

    proc: subprocess.Popen
    lines: list[str]
    stderr_path: Path
    db: Path
    lead: str = ""
    join: str | None = None
    port: int = 0
    rest: bytes = b""  # stdout read past the links (there should be none)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base(self) -> str:
        return self.lead.split("/lead/")[0]

    def stderr(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def children(self) -> list[int]:
        return proc_children(self.proc.pid)

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 15) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        return self.proc.wait(timeout=timeout)


def start_serve(
    db: Path, *args: str, env: dict[str, str] | None = None, expect_lines: int | None = None
) -> Served:
    """Start ``kamtui serve --port 0 --db DB ARGS`` and read its printed lines (the links)."""
    stderr_path = db.parent / f"serve-{time.monotonic_ns()}.err"
    with stderr_path.open("w") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "kamtui", "serve", "--port", "0", "--db", str(db), *args],
            stdout=subprocess.PIPE,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            env=env or dict(os.environ),
        )
    try:
        return _read_links(Served(proc, [], stderr_path, db), args, expect_lines)
    except BaseException:
        proc.kill()
        proc.wait()
        raise


def _read_links(served: Served, args: tuple[str, ...], expect_lines: int | None) -> Served:
    proc = served.proc
    wanted = expect_lines if expect_lines is not None else (2 if "--assessment" in args else 1)
    deadline = time.monotonic() + START_TIMEOUT
    buffer = b""
    assert proc.stdout is not None
    while len(served.lines) < wanted and time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.2)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 4096)
            if not chunk:
                break
            buffer += chunk
            *done, buffer = buffer.split(b"\n")
            served.lines += [line.decode() for line in done]
    if len(served.lines) < wanted:
        raise AssertionError(f"serve printed {served.lines!r}; stderr: {served.stderr()}")
    for line in served.lines:
        kind, _, url = line.partition(": ")
        if kind == "lead":
            served.lead = url
        elif kind == "join":
            served.join = url
    served.rest = buffer
    listening = wait_until(lambda: re.search(r" port (\d+); the links", served.stderr()), 10)
    assert listening, served.stderr()
    served.port = int(re.search(r" port (\d+); the links", served.stderr()).group(1))
    return served


def finish(served: Served) -> None:
    """Stop a server a test left running, and the app processes it started."""
    apps = served.children()
    if served.proc.poll() is None:
        served.proc.kill()
        served.proc.wait()
    for pid in apps:
        if alive(pid):
            os.kill(pid, signal.SIGKILL)


async def open_session(
    client: aiohttp.ClientSession,
    url: str,
    origin: str,
    *,
    wait_for: str | None = FRAME_TEXT,
    timeout: float = 30,
    headers: dict[str, str] | None = None,
) -> tuple[aiohttp.ClientWebSocketResponse, str]:
    """A websocket session on ``url`` (a lead or join link), and the app's output up to ``wait_for``."""
    ws = await client.ws_connect(
        url.replace("http://", "ws://", 1) + "/ws?width=100&height=30",
        headers={"Origin": origin, **(headers or {})},
    )
    text = await read_until(ws, wait_for, timeout) if wait_for else ""
    return ws, text


async def read_until(ws: aiohttp.ClientWebSocketResponse, wanted: str, timeout: float) -> str:
    data = b""
    deadline = time.monotonic() + timeout
    while wanted.encode() not in data:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {wanted!r} in {timeout} s; got {data[-400:]!r}")
        message = await ws.receive(timeout=left)
        if message.type != aiohttp.WSMsgType.BINARY:
            raise AssertionError(
                f"session ended before {wanted!r}: {message.type} {message.data} {message.extra}"
            )
        data += message.data
    return data.decode("utf-8", "replace")


async def wait_closed(ws: aiohttp.ClientWebSocketResponse, timeout: float) -> aiohttp.WSMessage:
    """Read past the app's output to the close frame; the close message (its code and reason)."""
    deadline = time.monotonic() + timeout
    while True:
        message = await ws.receive(timeout=max(0.01, deadline - time.monotonic()))
        if message.type not in (aiohttp.WSMsgType.BINARY, aiohttp.WSMsgType.TEXT):
            return message


def wait_until(check, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return check()


def make_demo(path: Path) -> Path:
    """The demo database (assessments 1 and 2) at ``path``, made by `kamtui demo --no-open`."""
    done = subprocess.run(
        [sys.executable, "-m", "kamtui", "demo", "--no-open", "--db", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return path


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    """One demo database per test module (serving it changes nothing in it without --keep-tokens)."""
    return make_demo(tmp_path_factory.mktemp("serve") / "demo.db")


@pytest.fixture
def serve_on(demo_db):
    """``serve_on(*args, db=demo_db)``: a running server, stopped (and its apps killed) after the test."""
    started: list[Served] = []

    def start(*args: str, db: Path = demo_db, **kwargs) -> Served:
        served = start_serve(db, *args, **kwargs)
        started.append(served)
        return served

    yield start
    for served in started:
        finish(served)


def qr_modules(text: str) -> list[list[bool]]:
    """Rows of dark modules (True) read back from segno's half-block terminal QR (light drawn)."""
    top_light = {"█": (True, True), "▀": (True, False), "▄": (False, True), " ": (False, False)}
    lines = [line for line in text.splitlines() if line and set(line) <= set(top_light)]
    rows: list[list[bool]] = []
    for line in lines:
        pairs = [top_light[c] for c in line]
        rows.append([not top for top, _ in pairs])
        rows.append([not bottom for _, bottom in pairs])
    return rows


# --- the printed lines, the QR code, the tokens ---------------------------------------------------------


def test_serve_prints_exactly_the_two_links_and_the_join_link_as_a_qr_code(serve_on, demo_db):
    served = serve_on("--assessment", "2")
    assert len(served.lines) == 2
    lead = re.fullmatch(LINK.format(kind="lead"), served.lines[0].removeprefix("lead: "))
    join = re.fullmatch(LINK.format(kind="join"), served.lines[1].removeprefix("join: "))
    assert served.lines[0].startswith("lead: http://") and lead, served.lines
    assert served.lines[1].startswith("join: http://") and join, served.lines
    assert lead.group(1) == join.group(1) == str(served.port)
    assert lead.group(2) != join.group(2)
    assert served.stop(signal.SIGINT) == 0
    assert served.rest + served.proc.stdout.read() == b"", "nothing but the two links on stdout"
    err = served.stderr()
    expected = segno.make(served.join, error="m")
    border = 4
    matrix = [[bool(v) for v in row] for row in expected.matrix]
    size = len(matrix)
    padded = [[False] * (size + 2 * border) for _ in range(border)]
    padded += [[False] * border + row + [False] * border for row in matrix]
    padded += [[False] * (size + 2 * border) for _ in range(border)]
    assert qr_modules(err)[: len(padded)] == padded, "the QR code on the terminal encodes the join link"
    assert "Keep the lead link to yourself" in err
    assert "Traceback" not in err
    assert "serve: stopped" in err


def test_tokens_are_at_least_128_bits_and_new_at_every_start(serve_on):
    seen = set()
    for _ in range(2):
        served = serve_on("--assessment", "1")
        for url in (served.lead, served.join):
            token = url.rsplit("/", 1)[1]
            assert re.fullmatch(r"[A-Za-z0-9_-]+", token)
            assert len(token) * 6 >= 128 and len(token) == 43  # secrets.token_urlsafe(32): 256 bits
            seen.add(token)
        assert served.stop() == 0
    assert len(seen) == 4


def tokens(served: Served) -> tuple[str, str | None]:
    return served.lead.rsplit("/", 1)[1], served.join.rsplit("/", 1)[1] if served.join else None


def test_keep_tokens_keeps_both_links_in_the_meta_table(serve_on, demo_db, tmp_path):
    from kamtui.store.db import open_store

    db = make_demo(tmp_path / "kept.db")
    first = serve_on("--assessment", "2", "--keep-tokens", db=db)
    assert first.stop() == 0
    second = serve_on("--assessment", "2", "--keep-tokens", db=db)
    assert tokens(second) == tokens(first)
    assert second.stop() == 0
    store = open_store(db)
    try:
        assert store.get_meta("serve.lead_token") == first.lead.rsplit("/", 1)[1]
        assert store.get_meta("serve.join_token.2") == first.join.rsplit("/", 1)[1]
        assert store.get_meta("serve.join_token.1") is None
    finally:
        store.close()
    fresh = serve_on("--assessment", "2", db=db)
    assert set(tokens(fresh)).isdisjoint(tokens(first))
    other = serve_on("--assessment", "1", "--keep-tokens", db=db)
    assert tokens(other)[0] == tokens(first)[0] and tokens(other)[1] != tokens(first)[1]


def test_a_stored_token_too_short_to_be_secret_is_replaced(serve_on, demo_db, tmp_path):
    from kamtui.store.db import open_store

    db = make_demo(tmp_path / "weak.db")
    store = open_store(db)
    try:
        store.set_meta("serve.lead_token", "abc")
    finally:
        store.close()
    served = serve_on("--keep-tokens", db=db)
    token = served.lead.rsplit("/", 1)[1]
    assert token != "abc" and len(token) == 43


def test_without_an_assessment_only_the_lead_link_is_printed_and_join_is_not_found(serve_on):
    served = serve_on()
    assert len(served.lines) == 1 and served.lines[0].startswith("lead: ")
    assert served.join is None
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{served.base}/join/{served.lead.rsplit('/', 1)[1]}", timeout=5)
    assert refused.value.code == 404
    assert served.stop() == 0
    assert served.rest + served.proc.stdout.read() == b""
    assert "█" not in served.stderr(), "no QR code without a join link"


def test_an_unknown_assessment_is_refused_before_serving(kamtui, demo_db):
    result = kamtui("serve", "--assessment", "99", "--port", "0", db=demo_db)
    assert result.code == 1
    assert result.stderr.strip() == "error: no assessment with id 99 (see: kamtui healthcheck list)"
    assert result.stdout == ""


def test_serve_refuses_a_bad_database_before_serving(cli, tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("not a database")
    result = cli("serve", "--port", "0", db=bad)
    assert result.code == 1
    assert "is not a kamtui database" in result.stderr


def test_a_port_in_use_is_reported_plainly(kamtui, demo_db):
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = kamtui("serve", "--port", str(port), db=demo_db)
    assert result.code == 1
    assert result.stderr.startswith(f"error: cannot listen on 127.0.0.1 port {port}: address already in use")
    assert "choose another --port" in result.stderr
    assert "Traceback" not in result.stderr


def test_public_url_is_used_in_the_links(serve_on):
    served = serve_on("--assessment", "2", "--public-url", "https://workshop.example/kam/")
    assert re.fullmatch(r"lead: https://workshop\.example/kam/lead/[A-Za-z0-9_-]{43}", served.lines[0])
    assert re.fullmatch(r"join: https://workshop\.example/kam/join/[A-Za-z0-9_-]{43}", served.lines[1])


def test_a_public_url_that_is_not_one_is_refused(cli, demo_db):
    result = cli("serve", "--public-url", "ftp://x", db=demo_db)
    assert result.code == 2
    assert "expected http(s)://HOST[:PORT][/PATH], got 'ftp://x'" in result.stderr


# --- app processes: their command, their environment, and stopping them -------------------------------


async def test_each_tab_starts_its_own_app_process_with_kamtui_served_set(serve_on, demo_db):
    served = serve_on("--assessment", "2")
    async with aiohttp.ClientSession() as client:
        ws, text = await open_session(client, served.lead, served.origin)
        assert "Healthcheck assessments" in text
        (pid,) = served.children()
        assert read_argv(pid) == [sys.executable, "-m", "kamtui", "--db", str(demo_db)]
        assert read_environ(pid)["KAMTUI_SERVED"] == "1"
        # The join link starts `kamtui participate 2` (built elsewhere: here only its command is checked).
        join_ws = await client.ws_connect(
            served.join.replace("http://", "ws://") + "/ws", headers={"Origin": served.origin}
        )
        participant = []

        def find_participant() -> bool:
            for child in served.children():
                try:
                    argv = read_argv(child)
                    if argv[-2:] == ["participate", "2"]:
                        participant.append((argv, read_environ(child)))
                        return True
                except OSError:
                    continue
            return False

        assert await asyncio.to_thread(wait_until, find_participant, 15, 0.005)
        argv, environ = participant[0]
        assert argv == [sys.executable, "-m", "kamtui", "--db", str(demo_db), "participate", "2"]
        assert environ["KAMTUI_SERVED"] == "1"
        await join_ws.close()
        await ws.close()
    assert await asyncio.to_thread(wait_until, lambda: served.children() == [], 10)
    assert served.stop() == 0
    assert served.rest + served.proc.stdout.read() == b"", "an app's errors never reach serve's stdout"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_a_signal_stops_serve_and_every_app_process_with_tabs_open(serve_on, demo_db, sig):
    served = serve_on()
    async with aiohttp.ClientSession() as client:
        first, _ = await open_session(client, served.lead, served.origin)
        second, _ = await open_session(client, served.lead, served.origin)
        apps = served.children()
        assert len(apps) == 2
        started = time.monotonic()
        served.proc.send_signal(sig)
        closes = [await wait_closed(ws, 10) for ws in (first, second)]
        code = await asyncio.to_thread(served.proc.wait, 10)
        took = time.monotonic() - started
    assert code == 0
    assert took < 5, f"serve took {took:.1f} s to stop"
    assert [(m.data, m.extra) for m in closes] == [(1001, "The workshop server has stopped.")] * 2
    assert [pid for pid in apps if alive(pid)] == []
    assert processes_using(demo_db) == [], "no kamtui process is left over"
    assert "Traceback" not in served.stderr()


async def test_app_processes_end_when_serve_is_killed(serve_on, demo_db):
    served = serve_on()
    async with aiohttp.ClientSession() as client:
        ws, _ = await open_session(client, served.lead, served.origin)
        apps = served.children()
        assert len(apps) == 1
        served.proc.kill()
        served.proc.wait(timeout=10)
        assert await asyncio.to_thread(wait_until, lambda: not any(alive(p) for p in apps), 10)
        await ws.close()
    assert processes_using(demo_db) == []


# --- the warning before binding elsewhere ----------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_loopback_hosts_need_no_warning(host):
    assert is_loopback(host)
    assert bind_warning(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "workshop.example"])
def test_other_hosts_are_warned_about_plainly(host):
    warning = bind_warning(host)
    assert warning is not None
    assert warning.startswith(f"warning: serving on {host} makes kamtui reachable from other machines")
    assert "Anyone with the lead link can read and change the whole database" in warning
    assert "plain http is not encrypted" in warning
