"""The column-wise matrix loader gives exactly the matrix of the record-by-record reading, and refuses
damage with the same message (store.accounts.load_matrix against list_accounts)."""

from __future__ import annotations

import math
import sqlite3

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kamtui.core.accounts import AccountUpdate
from kamtui.core.errors import DatabaseError
from kamtui.store.accounts import apply_updates, list_accounts, load_matrix
from kamtui.store.db import open_store

CRITERIA = ("a", "b", "c", "d")


def reference(store, criterion_ids):
    accounts = list_accounts(store)
    values = np.full((len(accounts), len(criterion_ids)), np.nan)
    for i, account in enumerate(accounts):
        for j, criterion in enumerate(criterion_ids):
            if criterion in account.values:
                values[i, j] = account.values[criterion]
    return accounts, values


value = st.one_of(st.none(), st.floats(-1e6, 1e6, allow_nan=False), st.integers(-1000, 1000))
account = st.fixed_dictionaries({c: value for c in CRITERIA})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(account, max_size=30),
    wanted=st.lists(st.sampled_from((*CRITERIA, "unknown")), unique=True),
    effort=st.lists(st.one_of(st.none(), st.floats(0, 5)), min_size=30, max_size=30),
)
def test_the_matrix_equals_the_record_by_record_reading(tmp_path_factory, rows, wanted, effort):
    path = tmp_path_factory.mktemp("matrix") / "kam.db"
    with open_store(path) as store:
        updates = [
            AccountUpdate(
                name=f"Account {i:03d}" if i % 3 else f"zz {i}",
                fields={"owner": f"KAM {i % 4}", "effort": effort[i]},
                values={c: v for c, v in row.items() if v is not None},
            )
            for i, row in enumerate(rows)
        ]
        apply_updates(store, updates)
        matrix = load_matrix(store, wanted)
        accounts, values = reference(store, wanted)
    assert matrix.names == [a.name for a in accounts]
    assert matrix.owners == [a.owner for a in accounts]
    np.testing.assert_array_equal(matrix.values, values)
    np.testing.assert_array_equal(matrix.effort, [math.nan if a.effort is None else a.effort for a in accounts])
    assert matrix.values.shape == (len(rows), len(wanted))


@pytest.mark.parametrize(
    ("sql", "where"),
    [
        ("UPDATE scores SET value = 'high' WHERE criterion = 'b'", "criterion 'b'"),
        ("UPDATE scores SET value = 9e999 WHERE criterion = 'a'", "criterion 'a'"),
        ("UPDATE accounts SET effort = 'lots'", "effort"),
        ("UPDATE accounts SET name = x'00ff'", "name"),
    ],
)
def test_damage_is_refused_with_the_message_of_the_record_reading(tmp_path, sql, where):
    path = tmp_path / "kam.db"
    with open_store(path) as store:
        apply_updates(store, [AccountUpdate(name="Acme", fields={"effort": 1.0}, values={"a": 1.0, "b": 2.0})])
    with sqlite3.connect(path) as conn:
        conn.execute(sql)
    with open_store(path) as store:
        with pytest.raises(DatabaseError) as by_records:
            list_accounts(store)
        with pytest.raises(DatabaseError) as by_columns:
            load_matrix(store, ["a", "b"])
    assert str(by_columns.value) == str(by_records.value)
    assert where in str(by_columns.value)
