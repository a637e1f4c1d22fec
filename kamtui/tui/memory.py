"""Give freed memory back to the system after a big computation (README, "Benchmarks").

numpy frees the arrays of a robustness run (hundreds of MB at 100,000 accounts), but glibc's allocator
keeps much of that heap mapped: the Ranking screen at 100,000 accounts stayed at ~252 MB resident after
its figures were shown, ~230 MB after ``malloc_trim``. Only on glibc (Linux); anywhere else, or if the
call is not there, nothing happens.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import sys


@functools.cache
def _trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc.malloc_trim
    except (OSError, AttributeError):
        return None


def give_back_memory() -> bool:
    """Return the allocator's free memory to the system; False when this platform cannot."""
    trim = _trim()
    if trim is None:
        return False
    trim(0)
    return True
