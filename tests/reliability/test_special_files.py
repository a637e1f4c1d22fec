"""Files that are not what they claim: pipes, sockets, devices, folders and links to them, for every loader.

A named pipe given as an import file, a survey or a criteria set would block the read for ever; /dev/zero
would never end. Each is refused from ``os.stat`` before anything is opened (kamtui/core/files.py), with
one message naming the file and what was expected, exit code 1, and the prepared database unchanged;
the real command line runs under a timeout, so a read that blocks fails the test instead of hanging it.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from .conftest import run_kamtui
from .corpus import PLACEHOLDERS, table_dump

TABLE = "a .csv or .xlsx file"
LOADERS = {  # name: (file suffix, command, what the message says was expected)
    "accounts-csv": (".csv", ("accounts", "import", "{file}", "--criteria", "{criteria}"), TABLE),
    "accounts-xlsx": (
        ".xlsx",
        ("accounts", "import", "{file}", "--criteria", "{criteria}"),
        "a .xlsx workbook",
    ),
    "answers": (".csv", ("healthcheck", "import", "1", "{file}"), TABLE),
    "answers-xlsx": (".xlsx", ("healthcheck", "import", "1", "{file}"), "a .xlsx workbook"),
    "pairwise": (".csv", ("weights", "ahp", "{file}", "--criteria", "{criteria}"), TABLE),
    "survey": (".toml", ("healthcheck", "new", "--title", "T", "--survey", "{file}"), "a .toml file"),
    "survey-validate": (".toml", ("survey", "validate", "{file}"), "a .toml file"),
    "criteria": (".toml", ("accounts", "import", "{accounts}", "--criteria", "{file}"), "a .toml file"),
}
KINDS = ["fifo", "socket", "folder", "link-to-dev-zero", "link-to-fifo", "dangling-link"]


@pytest.fixture(scope="module")
def specials():
    """A short folder (socket paths are limited to ~107 bytes) holding one file of each kind per suffix."""
    folder = Path(tempfile.mkdtemp(prefix="kam-", dir="/tmp"))
    sockets = []
    made: dict[tuple[str, str], tuple[Path, str]] = {}  # (kind, suffix) -> (path, what the message says)
    try:
        for suffix in (".csv", ".xlsx", ".toml"):
            fifo = folder / f"pipe{suffix}"
            os.mkfifo(fifo)
            made["fifo", suffix] = (fifo, "a named pipe (FIFO)")
            sock_path = folder / f"sock{suffix}"
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            sock.bind(str(sock_path))
            sockets.append(sock)
            made["socket", suffix] = (sock_path, "a socket")
            (folder / f"dir{suffix}").mkdir()
            made["folder", suffix] = (folder / f"dir{suffix}", "a folder")
            zero = folder / f"zero{suffix}"
            zero.symlink_to("/dev/zero")
            made["link-to-dev-zero", suffix] = (zero, "a link to '/dev/zero', a device")
            to_fifo = folder / f"to-pipe{suffix}"
            to_fifo.symlink_to(fifo)
            made["link-to-fifo", suffix] = (
                to_fifo,
                f"a link to '{os.path.realpath(fifo)}', a named pipe (FIFO)",
            )
            dangling = folder / f"gone{suffix}"
            dangling.symlink_to(folder / "nothing-here")
            made["dangling-link", suffix] = (dangling, "")
        yield folder, made
    finally:
        for sock in sockets:
            sock.close()
        shutil.rmtree(folder, ignore_errors=True)


def _expected(path: Path, kind_text: str, expected: str, folder: Path) -> str:
    if not kind_text:
        reason = f"is a link to '{folder / 'nothing-here'}', which does not exist"
    else:
        reason = f"is {kind_text}, not a regular file: expected {expected}"
    return f"error: {path}: 1 problem found, nothing was changed\n{path}: {reason}\n"


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("loader", list(LOADERS))
def test_a_file_that_is_not_a_regular_file_is_refused_at_once(loader, kind, specials, tmp_path, prepared):
    folder, made = specials
    suffix, command, expected = LOADERS[loader]
    path, kind_text = made[kind, suffix]
    db = tmp_path / "kamtui.db"
    shutil.copyfile(prepared, db)
    before = table_dump(db)
    values = {"file": str(path), **{k: str(v) for k, v in PLACEHOLDERS.items()}}
    env = {**os.environ, "KAMTUI_DB": str(db), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    proc = run_kamtui([arg.format(**values) for arg in command], env, tmp_path, timeout=60)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == _expected(path, kind_text, expected, folder)
    assert table_dump(db) == before


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (("accounts", "import", "/dev/zero", "--criteria", "{criteria}"), TABLE),
        (("healthcheck", "new", "--title", "T", "--survey", "/dev/zero"), "a .toml file"),
        (("accounts", "import", "{accounts}", "--criteria", "/dev/zero"), "a .toml file"),
    ],
    ids=["accounts", "survey", "criteria"],
)
def test_dev_zero_itself_is_refused(command, expected, tmp_path, prepared):
    db = tmp_path / "kamtui.db"
    shutil.copyfile(prepared, db)
    before = table_dump(db)
    values = {k: str(v) for k, v in PLACEHOLDERS.items()}
    env = {**os.environ, "KAMTUI_DB": str(db), "XDG_DATA_HOME": str(tmp_path / "xdg")}
    proc = run_kamtui([arg.format(**values) for arg in command], env, tmp_path, timeout=60)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert proc.stderr == (
        "error: /dev/zero: 1 problem found, nothing was changed\n"
        f"/dev/zero: is a device, not a regular file: expected {expected}\n"
    )
    assert table_dump(db) == before


def test_a_pipe_swapped_in_after_the_check_cannot_block(tmp_path, monkeypatch):
    """The stat check passes for a regular file; a pipe put in its place before the open is opened without
    blocking (O_NONBLOCK) and refused from fstat: nothing waits for a writer."""
    from kamtui.core import files

    pipe = tmp_path / "swapped.csv"
    os.mkfifo(pipe)
    monkeypatch.setattr(files, "regular_file_problem", lambda path, expected: None)
    with pytest.raises(files.FileRefused) as refused:
        files.open_regular_file(pipe, expected=TABLE, max_bytes=100, what="CSV file")
    assert refused.value.message == f"is a named pipe (FIFO), not a regular file: expected {TABLE}"
