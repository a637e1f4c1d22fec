"""The storage rule (DESIGN.md "Storage"): no code opens or closes the database file except SQLite.

On POSIX, closing any descriptor of a file drops every lock the process holds on it; another process
then believes it is alone and deletes the live ``-wal``. Two checks: the source of kamtui opens no file
by path in the store (the one exception, the integrity cache, opens only its own file in the user cache
folder), and at run time Python opens neither the database nor its journals during a whole session of
commands, a TUI with its workers, and refusals of bad files (an audit hook records every ``open``).
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import kamtui

PACKAGE = Path(kamtui.__file__).parent
OPENERS = {"open", "read_bytes", "read_text", "write_bytes", "write_text", "fdopen", "mkstemp", "NamedTemporaryFile"}
ALLOWED = {("store/verified.py", "read_text"), ("store/verified.py", "fdopen"), ("store/verified.py", "mkstemp")}


def _calls(path: Path) -> list[tuple[str, int]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name in OPENERS:
                found.append((name, node.lineno))
    return found


def test_the_store_opens_no_file_by_path_except_its_cache():
    offenders = []
    for path in sorted((PACKAGE / "store").glob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        for name, line in _calls(path):
            if (rel, name) not in ALLOWED:
                offenders.append(f"{rel}:{line}: {name}(...)")
    assert offenders == []


def test_the_cache_never_names_a_database_path():
    source = (PACKAGE / "store" / "verified.py").read_text(encoding="utf-8")
    assert "user_cache_dir()" in source and "CACHE_NAME" in source


SESSION = textwrap.dedent(
    """
    import asyncio, json, sys, threading
    from pathlib import Path
    db = Path(sys.argv[1]).resolve()
    watched = {str(db), str(db) + "-wal", str(db) + "-shm", str(db) + "-journal"}
    opened = []

    def hook(event, args):
        if event == "open" and args and isinstance(args[0], (str, bytes, Path)):
            target = str(Path(args[0] if not isinstance(args[0], bytes) else args[0].decode()).resolve())
            if target in watched:
                opened.append(f"{event} {target} in {threading.current_thread().name}")

    sys.addaudithook(hook)
    from click.testing import CliRunner
    from kamtui.cli import cli
    run = lambda *a: CliRunner().invoke(cli, [*a, "--db", str(db)], catch_exceptions=False)
    for args in (
        ["healthcheck", "new", "--title", "Rule"],
        ["healthcheck", "answer", "1", "--respondent", "Ann", "--role", "KAM", "PCM-01", "3"],
        ["healthcheck", "list"],
        ["healthcheck", "report", "1", "--json"],
        ["accounts", "list"],
        ["weights", "show"],
        ["runs", "list"],
    ):
        result = run(*args)
        assert result.exit_code == 0, (args, result.output)

    async def tui():
        from kamtui.tui.app import make_app
        app = make_app(db)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.press("r")
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
            await pilot.press("escape", "a")
            await pilot.pause(0.3)
            await app.workers.wait_for_complete()
            await pilot.press("q")

    asyncio.run(tui())
    print(json.dumps(opened))
    """
)


def test_a_session_never_opens_the_database_outside_sqlite(tmp_path, subprocess_env):
    db = tmp_path / "rule.db"
    result = subprocess.run(
        [sys.executable, "-c", SESSION, str(db)],
        capture_output=True,
        text=True,
        timeout=180,
        env=subprocess_env(db=None),
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == []


def test_refusing_bad_files_opens_nothing_outside_sqlite(tmp_path, subprocess_env):
    """A foreign SQLite file and a text file are refused without Python opening them."""
    import sqlite3

    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    text = tmp_path / "text.db"
    text.write_text("not a database\n", encoding="utf-8")
    script = textwrap.dedent(
        """
        import json, sys
        from pathlib import Path
        watched = {str(Path(p).resolve()) for p in sys.argv[1:]}
        opened = []
        sys.addaudithook(lambda e, a: opened.append(str(a[0])) if e == "open" and a
                         and isinstance(a[0], str) and str(Path(a[0]).resolve()) in watched else None)
        from kamtui.core.errors import DatabaseError
        from kamtui.store import open_store
        messages = []
        for path in sys.argv[1:]:
            try:
                open_store(path)
            except DatabaseError as error:
                messages.append(str(error))
        print(json.dumps({"opened": opened, "messages": messages}))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(foreign), str(text)],
        capture_output=True,
        text=True,
        timeout=60,
        env=subprocess_env(db=None),
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["opened"] == []
    assert len(data["messages"]) == 2
    assert "another application" in data["messages"][0]
    assert "not an SQLite file" in data["messages"][1]
