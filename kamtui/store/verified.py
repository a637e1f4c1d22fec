"""Databases whose integrity was checked, so an unchanged file is not checked again at every open.

A full ``PRAGMA quick_check`` costs 41 ms at 10 MB and 0.6 s at 200 MB (measured on the project's 2-core
machine). The check is remembered, in the user cache folder, by the file's identity and its status
(device, inode, size, modification and change times in nanoseconds): any change to the main file (a
checkpoint, a copy, an edit by another program) makes it checked again at the next open. Commits waiting in
the ``-wal`` are protected by SQLite's own frame checksums. The cache is an optimisation only: when it
cannot be read or written, every open simply checks.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path

from kamtui.paths import user_cache_dir

CACHE_NAME = "verified-databases.json"
MAX_ENTRIES = 64
MAX_CACHE_BYTES = 64 * 1024
_checked_here: set[tuple[str, tuple[int, ...]]] = set()  # this process's own checks


def _stamp(st: os.stat_result) -> tuple[int, ...]:
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def _cache_file() -> Path:
    return user_cache_dir() / CACHE_NAME


def _load() -> dict[str, list[int]]:
    path = _cache_file()
    try:
        if not path.is_file() or path.stat().st_size > MAX_CACHE_BYTES:
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def is_verified(path: Path, st: os.stat_result) -> bool:
    key = str(path.resolve())
    stamp = _stamp(st)
    if (key, stamp) in _checked_here:
        return True
    return _load().get(key) == list(stamp)


def remember(path: Path, st: os.stat_result) -> None:
    """Record that the file, as ``st`` describes it, passed the check (only if it has not changed since)."""
    try:
        now = path.stat()
    except OSError:
        return
    if _stamp(now) != _stamp(st):
        return
    key = str(path.resolve())
    _checked_here.add((key, _stamp(st)))
    entries = _load()
    entries.pop(key, None)
    entries[key] = list(_stamp(st))
    while len(entries) > MAX_ENTRIES:
        entries.pop(next(iter(entries)))
    cache = _cache_file()
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(prefix=".verified-", dir=cache.parent)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(entries, out)
        os.replace(temp, cache)
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(temp)
