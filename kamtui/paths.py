"""Where kamtui finds its built-in surveys and criteria sets, and where its database lives."""

from __future__ import annotations

import os
import sys
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def builtin_dir(name: str) -> Path:
    """``surveys`` or ``criteria``: inside the installed wheel, or at the top of a source checkout."""
    packaged = _PACKAGE / name
    if packaged.is_dir():
        return packaged
    return _PACKAGE.parent / name


def user_data_dir() -> Path:
    """The platform's per-user data folder for kamtui (XDG on Linux)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Application Support"
    else:
        base = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return base / "kamtui"


def default_db_path() -> Path:
    """``KAMTUI_DB`` if set, else ``kamtui.db`` in the user data folder."""
    env = os.environ.get("KAMTUI_DB")
    if env:
        return Path(env).expanduser()
    return user_data_dir() / "kamtui.db"


def user_cache_dir() -> Path:
    """The platform's per-user cache folder for kamtui (what may be lost without losing anything)."""
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
        return base / "kamtui" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "kamtui"
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kamtui"
