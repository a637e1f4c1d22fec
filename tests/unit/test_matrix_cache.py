"""The derived copy of the value matrix (store/matrix_cache.py, README "Database"): a load that uses it
gives exactly the matrix of reading the scores, and no copy outlives a change of the data it was built from.

``MIN_VALUES`` is lowered to 1 so that small databases use the copy; one test keeps the real threshold.
"""

from __future__ import annotations

import sqlite3
import threading
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamtui.core.accounts import AccountUpdate
from kamtui.store import accounts as store_accounts
from kamtui.store import matrix_cache
from kamtui.store.accounts import (
    add_account,
    apply_updates,
    load_matrix,
    remove_account,
    rename_account,
    set_field,
    set_value,
)
from kamtui.store.db import open_store

CRITERIA = ("a", "b", "c")


@pytest.fixture
def small(monkeypatch):
    monkeypatch.setattr(matrix_cache, "MIN_VALUES", 1)


def build(path, n=6):
    with open_store(path) as store:
        apply_updates(
            store,
            [
                AccountUpdate(
                    name=f"Acc {(7 * i) % n:02d}",
                    fields={"owner": f"K{i % 2}", "effort": 0.5 + i},
                    values={c: float(i + j) for j, c in enumerate(CRITERIA) if (i + j) % 4},
                )
                for i in range(n)
            ],
        )


def copies(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("SELECT count(*) FROM matrix_cache").fetchone()[0]


def read_through_scores(store, ids):
    """The load with the copy ignored (what the scores say now)."""
    real = matrix_cache.recall
    matrix_cache.recall = lambda *args: None
    try:
        return load_matrix(store, ids)
    finally:
        matrix_cache.recall = real


def same(left, right) -> None:
    assert left.names == right.names and left.owners == right.owners
    assert left.segments == right.segments and left.refs == right.refs
    np.testing.assert_array_equal(left.values, right.values)
    np.testing.assert_array_equal(left.effort, right.effort)


def no_pivot(monkeypatch):
    def refuse(*args):
        raise AssertionError("the scores were read although the copy holds them")

    monkeypatch.setattr(store_accounts, "_pivot_scores", refuse)


def test_a_remembered_matrix_is_read_back_exactly_without_reading_the_scores(small, tmp_path, monkeypatch):
    path = tmp_path / "kam.db"
    build(path)
    with open_store(path) as store:
        first = load_matrix(store, CRITERIA, remember=True)
        assert copies(path) == 1
        no_pivot(monkeypatch)
        again = load_matrix(store, CRITERIA)
    same(again, first)
    assert np.isnan(first.values).sum() == 4  # the missing values stay missing through the copy
    assert again.values.flags.writeable


def test_without_remember_nothing_is_written(small, tmp_path):
    path = tmp_path / "kam.db"
    build(path)
    with open_store(path) as store:
        load_matrix(store, CRITERIA)
    assert copies(path) == 0


def test_a_small_matrix_is_never_copied(tmp_path):
    path = tmp_path / "kam.db"
    build(path)
    with open_store(path) as store:
        load_matrix(store, CRITERIA, remember=True)
    assert copies(path) == 0  # 6 x 3 values: far below the threshold


def test_another_criteria_list_is_not_served_by_the_copy(small, tmp_path):
    path = tmp_path / "kam.db"
    build(path)
    with open_store(path) as store:
        load_matrix(store, CRITERIA, remember=True)
        other = load_matrix(store, ("c", "a"))
        same(other, read_through_scores(store, ("c", "a")))
        assert other.values.shape == (6, 2)


WRITES = {
    "set a value": lambda s: set_value(s, "Acc 01", "b", 99.5),
    "clear a value": lambda s: set_value(s, "Acc 01", "b", None),
    "import": lambda s: apply_updates(s, [AccountUpdate(name="Acc 02", fields={}, values={"a": -3.25})]),
    "add an account": lambda s: add_account(s, "Brand new"),
    "remove an account": lambda s: remove_account(s, "Acc 03"),
    "rename": lambda s: rename_account(s, "Acc 04", "Zed"),
    "set effort": lambda s: set_field(s, "Acc 05", "effort", 7.0),
}


@pytest.mark.parametrize("write", list(WRITES), ids=list(WRITES))
def test_every_kamtui_write_leaves_no_stale_copy(small, tmp_path, write):
    path = tmp_path / "kam.db"
    build(path)
    with open_store(path) as store:
        before = load_matrix(store, CRITERIA, remember=True)
        WRITES[write](store)
        after = load_matrix(store, CRITERIA)
        same(after, read_through_scores(store, CRITERIA))
    if write in ("set a value", "clear a value", "import", "add an account", "remove an account"):
        assert copies(path) == 0  # gone with the write, in its transaction
    assert (
        after.names != before.names
        or not np.array_equal(after.values, before.values, equal_nan=True)
        or (write == "set effort" and not np.array_equal(after.effort, before.effort))
    )


def test_a_write_from_another_process_is_seen(small, tmp_path):
    path = tmp_path / "kam.db"
    build(path)
    with open_store(path) as store:
        load_matrix(store, CRITERIA, remember=True)
    import subprocess
    import sys

    code = (
        "from kamtui.store.db import open_store\n"
        "from kamtui.store.accounts import set_value\n"
        f"with open_store({str(path)!r}) as s:\n"
        "    set_value(s, 'Acc 00', 'a', 123.0)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    with open_store(path) as store:
        matrix = load_matrix(store, CRITERIA)
    assert matrix.values[matrix.names.index("Acc 00"), 0] == 123.0


@pytest.mark.parametrize(
    "sql",
    [
        "INSERT INTO scores VALUES ((SELECT id FROM accounts WHERE name = 'Acc 00'), 'a', 42.0, 'now')",
        "DELETE FROM scores WHERE rowid = (SELECT max(rowid) FROM scores)",
        "INSERT INTO accounts (name, created_at, updated_at) VALUES ('Other tool', 'now', 'now')",
        "DELETE FROM accounts WHERE name = 'Acc 01'",
    ],
    ids=["score added", "score removed", "account added", "account removed"],
)
def test_rows_another_program_adds_or_removes_are_noticed(small, tmp_path, sql):
    path = tmp_path / "kam.db"
    build(path)
    with open_store(path) as store:
        load_matrix(store, CRITERIA, remember=True)
    with sqlite3.connect(path) as conn:  # another program: no kamtui code, no foreign keys
        conn.execute(sql)
    with open_store(path) as store:
        same(load_matrix(store, CRITERIA), read_through_scores(store, CRITERIA))


def test_a_copy_is_not_stored_when_another_connection_committed_since_the_read(small, tmp_path):
    path = tmp_path / "kam.db"
    build(path)
    with open_store(path) as store:
        conn = store.conn
        conn.execute("BEGIN")
        version = conn.execute("PRAGMA data_version").fetchone()[0]
        mark = matrix_cache.mark(conn)
        conn.rollback()
        with sqlite3.connect(path) as other:
            other.execute("UPDATE scores SET value = value + 1 WHERE rowid = 1")
        ids = np.array([1, 2, 3, 4, 5, 6], dtype=np.int64)
        stored = matrix_cache.remember(conn, CRITERIA, ids, np.zeros((6, 3)), mark, version)
    assert stored is False and copies(path) == 0


def test_a_busy_file_goes_without_a_copy_at_once(small, tmp_path):
    path = tmp_path / "kam.db"
    build(path)
    locked, release = threading.Event(), threading.Event()

    def hold_the_write_lock():
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(10)
        conn.rollback()
        conn.close()

    holder = threading.Thread(target=hold_the_write_lock)
    holder.start()
    try:
        locked.wait(5)
        with open_store(path) as store:
            began = time.perf_counter()
            matrix = load_matrix(store, CRITERIA, remember=True)
            took = time.perf_counter() - began
            assert store.conn.execute("PRAGMA busy_timeout").fetchone()[0] > 0  # restored
    finally:
        release.set()
        holder.join()
    assert took < 1.0 and matrix.values.shape == (6, 3)
    assert copies(path) == 0


def test_a_load_inside_a_write_uses_that_transaction(small, tmp_path):
    path = tmp_path / "kam.db"
    build(path)
    with open_store(path) as store:
        with store.write() as conn:
            conn.execute("UPDATE scores SET value = 0.25 WHERE rowid = 1")
            matrix = load_matrix(store, CRITERIA, remember=True)  # sees its own change, stores nothing
            assert conn.in_transaction
        assert 0.25 in matrix.values
    assert copies(path) == 0


value = st.one_of(st.none(), st.floats(-1e12, 1e12, allow_nan=False), st.integers(-1000, 1000))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.fixed_dictionaries({c: value for c in CRITERIA}), max_size=20),
    names=st.lists(
        st.text(alphabet="aAbBéÉzZ 0", min_size=1, max_size=4), min_size=20, max_size=20, unique=True
    ),
)
def test_the_copy_equals_the_scores_for_any_matrix(tmp_path_factory, monkeypatch, rows, names):
    monkeypatch.setattr(matrix_cache, "MIN_VALUES", 1)
    path = tmp_path_factory.mktemp("cache") / "kam.db"
    with open_store(path) as store:
        conn = store.conn
        for name, row in zip(
            names, rows, strict=False
        ):  # raw inserts: names differing only by case stay apart
            cursor = conn.execute(
                "INSERT INTO accounts (name, created_at, updated_at) VALUES (?, 'now', 'now')", (name,)
            )
            for criterion, v in row.items():
                if v is not None:
                    conn.execute(
                        "INSERT INTO scores VALUES (?, ?, ?, 'now')", (cursor.lastrowid, criterion, v)
                    )
        first = load_matrix(store, CRITERIA, remember=True)
        again = load_matrix(store, CRITERIA)
        same(first, again)
        same(first, read_through_scores(store, CRITERIA))
        assert first.names == sorted(first.names)
        ordered = [r[0] for r in conn.execute("SELECT name FROM accounts ORDER BY name")]
        assert first.names == ordered  # Python's order is SQLite's
