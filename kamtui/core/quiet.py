"""Keep what C libraries print off kamtui's standard output.

HiGHS (scipy's MILP solver) prints stray debug lines with C ``printf``, whatever its log options say
(``HighsMipSolverData::...``). Python's ``redirect_stdout`` cannot see them: they go to file descriptor 1,
where they would corrupt ``--json`` output or paint over the TUI. :func:`silenced_stdout` points descriptor
1 at the null device for the duration of a call, flushing C's buffers on the way in and out so nothing
printed inside leaks out later (a full buffer is otherwise written at exit, after the JSON).

Only descriptor 1 is moved, under one process-wide lock (threads never interleave their redirections),
and only ``os.devnull`` is opened: never a file of the user's. The TUI moves its own output off descriptor
1 for its whole life (``kamtui.tui.output``), so a redirection during a solve never hides a frame.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_lock = threading.RLock()


def _flush_c_streams() -> None:
    try:
        import ctypes

        libc = ctypes.CDLL(None) if sys.platform != "win32" else ctypes.cdll.msvcrt
        libc.fflush(None)
    except (OSError, AttributeError):  # no C library to flush: nothing buffered there either
        pass


@contextmanager
def silenced_stdout() -> Iterator[None]:
    """Send everything written to descriptor 1 (by Python or C) to the null device meanwhile."""
    with _lock:
        with contextlib.suppress(AttributeError, OSError, ValueError):
            sys.stdout.flush()
        _flush_c_streams()
        try:
            saved = os.dup(1)
        except OSError:  # no descriptor 1 at all: nothing can leak to it
            yield
            return
        null = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(null, 1)
            yield
        finally:
            _flush_c_streams()
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
