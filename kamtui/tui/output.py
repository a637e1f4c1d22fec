"""The app's screen output on a descriptor of its own, so nothing a C library prints can corrupt it.

A terminal app draws through stderr (Textual's Linux driver); a served app (``kamtui serve``) sends its
frames to the server through stdout (Textual's web driver). Either way C code that prints to descriptor 1
(the MILP solver's stray ``printf``) would land in the picture or in the frame stream. While the app runs,
descriptor 1 points at the null device; the web driver gets a private duplicate of the real stdout, so
``kamtui.core.quiet.silenced_stdout`` during a solve can never swallow a frame.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def private_stdout() -> Iterator[None]:
    """Run the app (inside this block) with descriptor 1 silenced and its output kept apart."""
    try:
        saved = os.dup(1)
    except OSError:  # no descriptor 1: nothing to protect
        yield
        return
    original = sys.__stdout__
    private = os.fdopen(saved, "w", buffering=1, encoding="utf-8", errors="replace", closefd=False)
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        with contextlib.suppress(AttributeError, OSError, ValueError):
            sys.stdout.flush()
        sys.__stdout__ = private  # the web driver writes its frames to sys.__stdout__.fileno()
        os.dup2(null, 1)
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            private.flush()
        os.dup2(saved, 1)
        sys.__stdout__ = original
        os.close(null)
        os.close(saved)
