"""The derived matrix copy (matrix_cache) under real processes sharing one file: a writer process commits
ever larger values while reader processes load the matrix and keep copies; no reader ever sees a value
older than one it saw before (a stale copy would), the last load sees the last commit, and the file
passes ``PRAGMA integrity_check``. The copy's threshold is lowered in the children (the matrix is small).
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap

from kamtui.core.accounts import AccountUpdate
from kamtui.store.accounts import apply_updates
from kamtui.store.db import open_store

WRITES = 150

WRITER = textwrap.dedent(
    """
    import sys
    from kamtui.store.db import open_store
    from kamtui.store.accounts import set_value
    with open_store(sys.argv[1]) as store:
        for k in range(1, int(sys.argv[2]) + 1):
            set_value(store, "Acc 003", "a", float(k))
            print(k, flush=True)  # confirmed: committed
    """
)

READER = textwrap.dedent(
    """
    import sys, time
    from kamtui.store import matrix_cache
    from kamtui.store.db import open_store
    from kamtui.store.accounts import load_matrix
    matrix_cache.MIN_VALUES = 1
    seen = 0
    deadline = time.monotonic() + 60
    with open_store(sys.argv[1]) as store:
        while time.monotonic() < deadline:
            m = load_matrix(store, ("a", "b"), remember=True)
            value = m.values[m.names.index("Acc 003"), 0]
            if value < seen:
                print("STALE", value, "after", seen, flush=True)
                sys.exit(3)
            seen = value
            if value >= int(sys.argv[2]):
                break
    print("LAST", seen, flush=True)
    """
)


def test_readers_keeping_copies_never_see_an_older_value_than_committed(tmp_path):
    db = tmp_path / "kam.db"
    with open_store(db) as store:
        apply_updates(
            store,
            [
                AccountUpdate(name=f"Acc {i:03d}", fields={}, values={"a": 0.0, "b": float(i)})
                for i in range(40)
            ],
        )
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(db), str(WRITES)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    writer = subprocess.run(
        [sys.executable, "-c", WRITER, str(db), str(WRITES)], capture_output=True, text=True, timeout=120
    )
    assert writer.returncode == 0, writer.stderr
    confirmed = [int(line) for line in writer.stdout.split()]
    assert confirmed == list(range(1, WRITES + 1))
    for reader in readers:
        out, err = reader.communicate(timeout=120)
        assert reader.returncode == 0, out + err
        assert out.split()[-2:] == ["LAST", f"{float(WRITES)}"]
    with open_store(db) as store:  # a fresh reader after everyone: the last commit, copy or not
        from kamtui.store.accounts import load_matrix

        matrix = load_matrix(store, ("a", "b"))
        assert matrix.values[matrix.names.index("Acc 003"), 0] == WRITES
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert (
            conn.execute(
                "SELECT value FROM scores s JOIN accounts a ON a.id = s.account_id "
                "WHERE a.name = 'Acc 003' AND criterion = 'a'"
            ).fetchone()[0]
            == WRITES
        )
