"""Benchmark 3: ``kamtui`` to its first screen painted, against a bare Textual app showing one label.

Both run headless in a fresh interpreter, the same way: a small harness replaces ``App.run`` so that it
runs headless (size 100 x 30) and gives every app an ``on_ready`` handler; Textual sends ``Ready``
once the first screen has been laid out and painted (``Screen._refresh_layout``). The handler prints
``time.monotonic()`` and exits. The parent notes ``time.monotonic()`` just before starting the process
(CLOCK_MONOTONIC is system-wide on Linux), so a figure covers the interpreter start, the imports,
opening the database and the first paint:

* kamtui: the real command line, ``kamtui.cli.main()`` with ``--db demo.db`` (the ``kamtui demo``
  database: two assessments), up to the home screen painted;
* bare: ``App`` subclass whose ``compose`` yields one ``Label``;
* the same with pandas hidden (``sys.modules["pandas"] = None``) when pandas is installed: sqlite-utils
  imports pandas if it can, and the bench extra installs it (scikit-criteria needs it);
* for context: the interpreter start, ``import textual.app`` and ``import kamtui.tui.app``.

Target (issue 7): kamtui <= 1.5x the bare app.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import Config, Section, fmt_ratio, fmt_time, met, package_version, ratio

NAME = "startup"
KAMTUI_CASE = "kamtui --db demo.db (home screen)"
TARGET = 1.5

HARNESS = r"""
import sys, time
import textual.app

def _ready(self) -> None:
    # sys.__stdout__: the app's own output channel (kamtui keeps descriptor 1 silenced while it runs)
    print("PAINTED", time.monotonic(), file=sys.__stdout__, flush=True)
    self.exit()

_run = textual.app.App.run

def _headless_run(self, *args, **kwargs):
    kwargs["headless"] = True
    kwargs.setdefault("size", (100, 30))
    return _run(self, *args, **kwargs)

textual.app.App.on_ready = _ready
textual.app.App.run = _headless_run
"""

KAMTUI = (
    HARNESS
    + r"""
db = sys.argv[1]
sys.argv = ["kamtui", "--db", db]
from kamtui.cli import main
try:
    main()
except SystemExit as stop:
    if stop.code not in (0, None):
        raise
"""
)

# sqlite-utils imports pandas when it is installed (the bench extra brings it in through scikit-criteria):
# this variant hides it, as in a plain `pip install kamtui` without pandas.
KAMTUI_NO_PANDAS = "import sys; sys.modules['pandas'] = None\n" + KAMTUI

BARE = (
    HARNESS
    + r"""
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("kamtui")

Bare().run()
"""
)

CONTEXT = {
    "context: interpreter start (python -c)": "import time; print('PAINTED', time.monotonic())",
    "context: import textual.app": "import time, textual.app; print('PAINTED', time.monotonic())",
    "context: import kamtui.tui.app": "import time, kamtui.tui.app; print('PAINTED', time.monotonic())",
}


def kamtui_tui_available() -> str | None:
    """None when the TUI can be started, else why not."""
    try:
        import kamtui.tui.app  # noqa: F401
    except Exception as error:
        return f"kamtui.tui is not importable: {type(error).__name__}: {error}"
    return None


def _env(home: Path) -> dict[str, str]:
    root = Path(__file__).resolve().parent.parent
    env = {
        **os.environ,
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "TERM": "xterm-256color",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")])),
    }
    for key in ("TEXTUAL", "TEXTUAL_DEVTOOLS", "TEXTUAL_PRESS", "TEXTUAL_SCREENSHOT", "KAMTUI_DB"):
        env.pop(key, None)
    return env


def time_to_paint(code: str, args: list[str], env: dict[str, str], marker: str | None = "PAINTED") -> float:
    """Seconds from just before the process starts to its PAINTED line (or to its exit without marker)."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, env=env, timeout=120
    )
    end = time.monotonic()
    if done.returncode != 0:
        raise RuntimeError(f"exit {done.returncode}: {done.stderr.strip()[-800:]}")
    if marker is None:
        return end - start
    for line in done.stdout.splitlines():
        if line.startswith(marker):
            return float(line.split()[1]) - start
    raise RuntimeError(f"no {marker} line; stdout: {done.stdout[-400:]!r} stderr: {done.stderr[-400:]!r}")


def run(config: Config) -> Section:
    section = Section(NAME)
    repeats = 3 if config.quick else max(config.repeats, 7)
    why = kamtui_tui_available()
    with tempfile.TemporaryDirectory(prefix="kamtui-bench-startup-") as tmp:
        home = Path(tmp)
        env = _env(home)
        db = home / "demo.db"
        subprocess.run(
            [sys.executable, "-m", "kamtui", "demo", "--db", str(db), "--no-open"],
            check=True,
            capture_output=True,
            env=env,
            timeout=300,
        )
        cases: dict[str, tuple[str, list[str], str | None]] = {
            "bare Textual app, one Label": (BARE, [], "PAINTED"),
        }
        if why is None:
            cases[KAMTUI_CASE] = (KAMTUI, [str(db)], "PAINTED")
            if package_version("pandas"):
                cases[KAMTUI_CASE + ", pandas hidden"] = (KAMTUI_NO_PANDAS, [str(db)], "PAINTED")
        for name, code in CONTEXT.items():
            if "kamtui.tui" not in code or why is None:
                cases[name] = (code, [], "PAINTED")
        runs: dict[str, list[float]] = {name: [] for name in cases}
        for code, args, marker in cases.values():  # one warm-up each (file cache, .pyc)
            time_to_paint(code, args, env, marker)
        for _ in range(repeats):  # interleaved, so a burst of load hits every case alike
            for name, (code, args, marker) in cases.items():
                runs[name].append(time_to_paint(code, args, env, marker))
    medians = {name: sorted(v)[len(v) // 2] for name, v in runs.items()}
    section.figures = {"runs_s": runs, "median_s": medians}

    table = section.table(
        "Startup: process start to first screen painted (headless, 100 x 30)",
        ["case", "median", "min", "max", "ratio to bare", f"<= {TARGET}x"],
    )
    bare = medians["bare Textual app, one Label"]
    for name, values in runs.items():
        r = ratio(medians[name], bare)
        table.add(
            name,
            fmt_time(medians[name]),
            fmt_time(min(values)),
            fmt_time(max(values)),
            fmt_ratio(r),
            met(r, TARGET) if name.startswith("kamtui") else "",
        )
    if why is not None:
        table.add(KAMTUI_CASE, "not available", "", "", "n/a", "n/a")
        table.notes.append(why)
    if package_version("pandas"):
        table.notes.append(
            f"pandas {package_version('pandas')} is installed here (a dependency of scikit-criteria): "
            "sqlite-utils imports it at import time; the 'pandas hidden' row is a plain install without it"
        )
    table.notes.append(
        f"median of {repeats} runs per case, interleaved; context rows: time to the end of the import"
    )
    return section
