"""Startup stays fast: no TUI module imports scipy or openpyxl at module level."""

from __future__ import annotations

import subprocess
import sys

CHECK = """
import importlib, pkgutil, sys
import kamtui.tui
names = [m.name for m in pkgutil.walk_packages(kamtui.tui.__path__, "kamtui.tui.")]
for name in names:
    importlib.import_module(name)
assert len(names) > 15, names
heavy = [m for m in ("scipy", "openpyxl") if m in sys.modules]
print(heavy)
"""


def test_tui_modules_do_not_import_scipy_or_openpyxl():
    result = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
