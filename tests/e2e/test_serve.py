"""`kamtui serve`: answers HTTP on loopback, stops cleanly, and warns before binding elsewhere."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from kamtui.commands.serve import bind_warning, is_loopback


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_http_on_loopback_and_stops_cleanly(db_path, subprocess_env):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kamtui", "serve", "--port", str(port), "--db", str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=subprocess_env(),
    )
    try:
        deadline = time.monotonic() + 30
        page = None
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2) as response:
                    assert response.status == 200
                    page = response.read().decode("utf-8")
                    break
            except OSError:
                time.sleep(0.2)
        assert page is not None, proc.stderr.read() if proc.poll() is not None else "no answer in 30 s"
        assert "<html" in page.lower()
        assert "kamtui" in page
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert f"http://127.0.0.1:{port}/" in err
    assert "Traceback" not in err
    assert "warning" not in err


def test_serve_refuses_a_bad_database_before_serving(cli, tmp_path):
    bad = tmp_path / "notes.db"
    bad.write_text("not a database")
    result = cli("serve", "--port", str(free_port()), db=bad)
    assert result.code == 1
    assert "is not a kamtui database" in result.stderr


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_loopback_hosts_need_no_warning(host):
    assert is_loopback(host)
    assert bind_warning(host) is None


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::", "workshop.example"])
def test_other_hosts_are_warned_about_plainly(host):
    warning = bind_warning(host)
    assert warning is not None
    assert warning.startswith(f"warning: serving on {host} makes kamtui reachable from other machines")
    assert "no password" in warning
