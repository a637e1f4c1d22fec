"""One BLAS thread in the app's process (README, "Benchmarks").

The app already computes on two threads of its own (the screen and a worker), and a workshop runs many
such processes on one machine. numpy's OpenBLAS starts a thread per core for every product, and on a busy
machine those threads wait for each other: at 100,000 accounts the live ranking's small products took
157 ms a weight key with two BLAS threads on a loaded 2-core machine, 37 ms with one. The setting only
takes effect before numpy loads (the app loads it lazily, after this); a value the user set wins.
"""

from __future__ import annotations

import os
import sys

BLAS_THREAD_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")


def one_blas_thread() -> bool:
    """Ask numpy's BLAS for one thread; False when numpy is loaded already (then nothing changes)."""
    if "numpy" in sys.modules:
        return False
    for variable in BLAS_THREAD_VARIABLES:
        os.environ.setdefault(variable, "1")
    return True
