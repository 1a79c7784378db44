"""The risk history's frame, built as arrays (decision 246), equals the frames joined and
sorted that it replaced, on random month-ends and changes."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.services.history import COLUMNS, _frame

NAMES = {"status": "", "abc": "", "scheme:1": "Value bands", "rule:2": "Big spenders"}
SOURCES = [*NAMES, "scheme:9"]  # scheme 9 is not the reader's: never shown


def _joined(snapshots: pd.DataFrame, changes: pd.DataFrame, names: dict[str, str]
            ) -> pd.DataFrame:
    month_ends = snapshots.drop(columns=["customer_id"]).rename(
        columns={"as_of": "date"}).assign(kind="month_end")
    shown = changes.loc[changes["source"].isin(list(names))]
    moves = shown.rename(columns={"valid_from": "date"}).assign(
        kind="change", source_name=shown["source"].map(names)).drop(columns=["recorded_at"])
    frame = pd.concat([month_ends, moves], ignore_index=True).reindex(columns=COLUMNS)
    frame = frame.assign(date=pd.to_datetime(frame["date"]),
                         valid_to=pd.to_datetime(frame["valid_to"]))
    order = frame["kind"].map({"month_end": 0, "change": 1})
    return (frame.assign(_order=order).sort_values(["date", "_order"], kind="stable")
            .drop(columns=["_order"]).reset_index(drop=True))


day = st.integers(0, 120).map(lambda n: dt.date(2026, 1, 31) + dt.timedelta(days=n))
score = st.one_of(st.none(), st.floats(0, 100, allow_nan=False))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(day, st.sampled_from(["active", "churning", "lost"]),
                          st.sampled_from(["A", "B", "C", "D"]), st.floats(0, 100),
                          st.floats(0, 1)), max_size=8),
       st.lists(st.tuples(st.sampled_from(SOURCES), st.sampled_from(["A", "lost", "Gold"]),
                          score, day, st.one_of(st.none(), day),
                          st.sampled_from(['{"key":"x"}', ""])), max_size=8))
def test_the_frame_equals_the_joined_frames(month_ends: list, moves: list) -> None:
    """Same days for a month-end and a change (the month-end first), sources the reader may
    not see, changes still open, empty figures: the same rows in the same order."""
    snapshots = pd.DataFrame(
        [(7, *row) for row in month_ends],
        columns=["customer_id", "as_of", "status", "abc_tier", "risk_score",
                 "churn_probability"]).astype({"risk_score": "float64",
                                               "churn_probability": "float64"})
    changes = pd.DataFrame(
        [(source, label, value, start, end, reason, pd.Timestamp("2026-06-01"))
         for source, label, value, start, end, reason in moves],
        columns=["source", "label", "value", "valid_from", "valid_to", "reason",
                 "recorded_at"]).astype({"value": "float64"})
    found, expected = _frame(snapshots, changes, NAMES), _joined(snapshots, changes, NAMES)
    assert list(found.columns) == COLUMNS
    pd.testing.assert_frame_equal(found, expected, check_dtype=False, check_exact=True)
    numbers = found[["risk_score", "churn_probability", "value"]]
    assert all(dtype == np.float64 for dtype in numbers.dtypes)  # typed, even when empty
