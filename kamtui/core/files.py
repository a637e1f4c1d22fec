"""Opening a file a person named: only a regular file is read, and only up to a size limit.

A named pipe, a device such as ``/dev/zero``, a socket or a folder (or a link to one) given where kamtui
expects an import table, a survey or a criteria set would block for ever or never end: each is refused by
:func:`regular_file_problem` from ``os.stat`` before anything is opened. :func:`open_regular_file` then
opens without blocking (a pipe swapped in after the check cannot hang it either), checks the opened file
again and refuses one larger than the limit before reading a byte (README, "Reliability").
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from kamtui.core.limits import over_limit, size_text

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class FileRefused(Exception):
    """Why a named file cannot be read; callers word it as a Problem of their own kind of file."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def regular_file_problem(path: Path | str, expected: str) -> str | None:
    """Why ``path`` is not a regular file that can be read (``expected`` names what was wanted), or None.

    Only ``os.stat`` and ``os.lstat`` are called: nothing is opened, so a pipe or a device cannot block.
    """
    path = Path(path)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        try:
            target = os.readlink(path)
        except OSError:
            return "file not found"
        return f"is a link to '{target}', which does not exist"
    except NotADirectoryError:
        return "file not found (a folder on its path is a file)"
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    if stat.S_ISREG(info.st_mode):
        return None
    link = ""
    if path.is_symlink():
        link = f"a link to '{os.path.realpath(path)}', "
    return f"is {link}{_kind(info.st_mode)}, not a regular file: expected {expected}"


def open_regular_file(path: Path | str, *, expected: str, max_bytes: int, what: str) -> BinaryIO:
    """``path`` opened for reading in binary; :class:`FileRefused` unless it is a regular file of at most
    ``max_bytes`` (``what`` names the kind of file in that message: "CSV file")."""
    problem = regular_file_problem(path, expected)
    if problem:
        raise FileRefused(problem)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as exc:
        raise FileRefused(f"cannot be read ({exc.strerror or exc})") from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):  # replaced between the check and the open
            raise FileRefused(f"is {_kind(info.st_mode)}, not a regular file: expected {expected}")
        if info.st_size > max_bytes:
            raise FileRefused(
                over_limit(f"is {size_text(info.st_size)}", f"{size_text(max_bytes)} per {what}")
            )
        if hasattr(os, "set_blocking"):
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise
