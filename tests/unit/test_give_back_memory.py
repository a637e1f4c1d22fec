"""kamtui/tui/memory.py: on Linux (glibc) freed heap goes back to the system; the resident size after
freeing many small objects drops (a real process, measured in /proc)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CHILD = """
import ctypes
from pathlib import Path
from kamtui.tui.memory import give_back_memory

def rss():
    fields = dict(l.split(":", 1) for l in Path("/proc/self/status").read_text().splitlines() if ":" in l)
    return int(fields["VmRSS"].split()[0])

libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
blocks = [libc.malloc(64 * 1024) for _ in range(1500)]  # below the mmap threshold: the heap, ~96 MB
for block in blocks:
    ctypes.memset(block, 1, 64 * 1024)
for block in blocks[:-1]:
    libc.free(block)  # all but the top one: the heap cannot shrink from its end
before = rss()
done = give_back_memory()
print(done, before, rss())
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="malloc_trim is glibc's (Linux)")
def test_freed_heap_goes_back_to_the_system():
    out = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, check=True)
    done, before, after = out.stdout.split()
    assert done == "True"
    assert int(after) < int(before) - 20_000  # kB: tens of MB handed back
