"""``rows_of`` reads a few rows of a customer table exactly as ``to_dict("records")`` does."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analytics.table import FEW_ROWS, rows_of


def _table() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": np.array([7, 3, 9, 4], dtype="int64"),
        "revenue": [10.5, np.nan, 0.0, -2.25],
        "orders": np.array([1, 0, 5, 2], dtype="int64"),
        "rep_id": pd.array([1, None, 2, None], dtype="Int64"),
        "one_time": pd.array([True, None, False, True], dtype="boolean"),
        "flag": [True, False, True, False],
        "status": pd.Categorical(["active", "lost", None, "active"]),
        "name": pd.array(["A", None, "Ç", "D"], dtype="str"),
        "last_order": pd.to_datetime(["2026-01-05", None, "2025-12-31", "2026-02-01"]),
        "note": [None, "x", {"k": 1}, 3],
    })


def _same(a: dict, b: dict) -> bool:
    if a.keys() != b.keys():
        return False
    for key in a:
        x, y = a[key], b[key]
        if type(x) is not type(y):
            return False
        if not (x is y or x == y or (x != x and y != y)):
            return False
    return True


def test_rows_match_to_dict_records_cell_for_cell() -> None:
    table = _table()
    expected = {int(r["customer_id"]): r for r in table.to_dict("records")}
    found = rows_of(table, [3, 4, 7, 9])
    assert found.keys() == expected.keys()
    for cid, row in expected.items():
        assert _same(found[cid], row), (cid, found[cid], row)
    assert found[3]["rep_id"] is None and found[3]["one_time"] is None
    assert found[7]["last_order"] == pd.Timestamp(dt.date(2026, 1, 5))


def test_unknown_and_repeated_ids() -> None:
    assert rows_of(_table(), []) == {}
    assert rows_of(_table(), [99]) == {}
    assert list(rows_of(_table(), [9, 9, 7])) == [7, 9]  # in the table's order


@settings(max_examples=50, deadline=None)
@given(st.lists(st.sampled_from([7, 3, 9, 4, 11]), max_size=6))
def test_any_choice_of_ids(ids: list[int]) -> None:
    table = _table()
    expected = {int(r["customer_id"]): r for r in table.to_dict("records")
                if r["customer_id"] in ids}
    found = rows_of(table, ids)
    assert found.keys() == expected.keys()
    assert all(_same(found[c], expected[c]) for c in expected)


def test_a_row_at_a_time_and_a_column_at_a_time_agree() -> None:
    """Up to ``FEW_ROWS`` rows are read a row at a time, more a column at a time: both give
    ``to_dict("records")``, every type of column included."""
    table = pd.concat([_table().assign(customer_id=_table()["customer_id"] + 100 * k)
                       for k in range(3)], ignore_index=True)
    expected = {int(r["customer_id"]): r for r in table.to_dict("records")}
    for ids in ([7], [3, 104], list(expected)[:FEW_ROWS], list(expected)[:FEW_ROWS + 1],
                list(expected)):
        found = rows_of(table, ids)
        assert list(found) == [c for c in expected if c in ids]
        assert all(_same(found[c], expected[c]) for c in found), ids
