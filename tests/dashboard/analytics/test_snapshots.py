"""Month-end snapshot rows: what one date's rows are, which stored rows a run replaces (and
only those), which dates a month keeps."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.analytics.snapshots import changed_snapshots, snapshot_rows, superseded

D = dt.date


def table() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [1, 2, 3],
        "status": pd.Categorical(["active", "churning", "never"]),
        "abc_tier": pd.Categorical(["A", "B", "D"]),
        "risk_score": [0.123456, 2.5, np.nan],
        "churn_probability": pd.array([0.87654, None, 0.1], dtype="Float64"),
        "revenue": [10.0, 20.0, 0.0],  # not a snapshot column
    })


def test_snapshot_rows_round_to_four_places_and_keep_missing_values() -> None:
    rows = snapshot_rows(table(), D(2026, 11, 30))
    assert rows.columns.tolist() == ["customer_id", "as_of", "status", "abc_tier",
                                     "risk_score", "churn_probability"]
    assert rows["customer_id"].dtype == np.int64
    assert (rows["as_of"] == pd.Timestamp("2026-11-30")).all()
    assert rows["status"].tolist() == ["active", "churning", "never"]
    assert rows["abc_tier"].tolist() == ["A", "B", "D"]
    assert rows["risk_score"].iloc[0] == 0.1235 and rows["risk_score"].iloc[1] == 2.5
    assert np.isnan(rows["risk_score"].iloc[2])
    assert rows["churn_probability"].iloc[0] == 0.8765
    assert np.isnan(rows["churn_probability"].iloc[1])


def test_only_changed_rows_are_replaced() -> None:
    new = snapshot_rows(table(), D(2026, 11, 30))
    old = new.copy()
    gone, write = changed_snapshots(new, old)
    assert gone.tolist() == [] and write.empty  # the same rows: nothing to do
    old.loc[1, "status"] = "active"  # customer 2 changed
    old.loc[0, "risk_score"] = 0.12351  # the same to 4 places: unchanged
    old = pd.concat([old, old.iloc[[0]].assign(customer_id=9)], ignore_index=True)  # 9 left
    gone, write = changed_snapshots(new, old.drop(index=2))  # 3 is new
    assert sorted(gone.tolist()) == [2, 9]
    assert sorted(write["customer_id"].tolist()) == [2, 3]
    assert write.columns.tolist() == new.columns.tolist()
    assert write.set_index("customer_id").loc[2, "status"] == "churning"


def test_missing_values_on_both_sides_are_the_same() -> None:
    new = snapshot_rows(table(), D(2026, 11, 30))
    gone, write = changed_snapshots(new, new.iloc[::-1].reset_index(drop=True))
    assert gone.tolist() == [] and write.empty


def test_a_month_keeps_its_month_end_or_its_latest_day() -> None:
    stored = [D(2026, 10, 31), D(2026, 11, 5), D(2026, 11, 20), D(2026, 11, 22),
              D(2026, 11, 30), D(2026, 12, 1)]
    # running month: the earlier days of November go, the as-of day itself stays
    assert superseded(stored, D(2026, 11, 22)) == [D(2026, 11, 5), D(2026, 11, 20)]
    # at the month-end every other November day goes (30 November is the month-end)
    assert superseded(stored, D(2026, 11, 30)) == [D(2026, 11, 5), D(2026, 11, 20),
                                                    D(2026, 11, 22)]
    # a new month: last month's month-end stays, nothing before the 1st of December
    assert superseded(stored, D(2026, 12, 1)) == []
    assert superseded([D(2024, 2, 28), D(2024, 2, 29)], D(2024, 3, 1)) == []
    assert superseded([D(2024, 2, 28)], D(2024, 2, 29)) == [D(2024, 2, 28)]
