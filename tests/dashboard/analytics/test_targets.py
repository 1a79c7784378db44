"""Customer sales targets (SPEC.md "Actions"): actual vs target per calendar month over the
12 months ending with the as-of date's month, worked by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics.targets import (
    monthly_actuals,
    monthly_report,
    summary,
    totals,
    window,
)

from .builders import days_frame, return_only, sale

AS_OF = dt.date(2026, 11, 22)
D = dt.date


def targets(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["customer_id", "month", "amount"]).astype(
        {"customer_id": "int64", "month": "datetime64[ns]", "amount": "float64"})


def test_window_is_twelve_calendar_months_ending_with_the_as_of_month() -> None:
    months = window(AS_OF)
    assert months[0] == D(2025, 12, 1) and months[-1] == D(2026, 11, 1) and len(months) == 12
    assert window(D(2026, 1, 31), 3) == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1)]


def test_actuals_sum_each_calendar_month_returns_included_and_nothing_after_the_as_of() -> None:
    days = days_frame(
        sale(1, "2026-11-01", 100.0), sale(1, "2026-11-22", 50.0), sale(1, "2026-11-23", 999.0),
        return_only(1, "2026-11-10", 30.0), sale(1, "2026-10-31", 70.0),
        sale(1, "2025-11-30", 500.0),  # before the window
        sale(2, "2025-12-01", 10.0))
    out = monthly_actuals(days, AS_OF)
    assert out.values.tolist() == [
        [1, pd.Timestamp("2026-10-01"), 70.0], [1, pd.Timestamp("2026-11-01"), 120.0],
        [2, pd.Timestamp("2025-12-01"), 10.0]]


def test_report_and_summary_by_hand() -> None:
    actuals = monthly_actuals(days_frame(
        sale(1, "2026-09-15", 1200.0), sale(1, "2026-10-15", 800.0),
        sale(1, "2026-11-05", 300.0), sale(2, "2026-10-02", 50.0),
        sale(3, "2026-10-02", 5000.0)), AS_OF)
    report = monthly_report(actuals, targets(
        (1, "2026-09-01", 1000.0), (1, "2026-10-01", 1000.0), (1, "2026-11-01", 1000.0),
        (2, "2026-10-01", 0.0), (2, "2024-01-01", 500.0)), AS_OF)
    # customer 3 has no target: not in the report; customer 2's 2024 target is outside
    assert sorted(report["customer_id"].unique()) == [1, 2] and len(report) == 24
    one = report.loc[report["customer_id"] == 1].set_index("month")
    sep, oct_, nov = (pd.Timestamp(f"2026-{m}-01") for m in ("09", "10", "11"))
    assert one.loc[sep, ["target", "actual", "pct", "met"]].tolist() == [1000.0, 1200.0,
                                                                         120.0, True]
    assert one.loc[oct_, ["actual", "pct", "met"]].tolist() == [800.0, 80.0, False]
    assert one.loc[nov, ["actual", "pct", "met", "to_date"]].tolist() == [300.0, 30.0, False,
                                                                          True]
    assert np.isnan(one.loc[pd.Timestamp("2026-01-01"), "target"])
    two = report.loc[(report["customer_id"] == 2) & (report["month"] == oct_)].iloc[0]
    assert two["target"] == 0.0 and np.isnan(two["pct"]) and not two["met"]
    per = summary(report).set_index("customer_id")
    # customer 1: target 3000, actual in the targeted months 1200 + 800 + 300 = 2300
    assert per.loc[1, ["target", "actual", "actual_12m", "months", "months_met"]].tolist() == [
        3000.0, 2300.0, 2300.0, 3, 1]
    assert per.loc[1, "pct"] == pytest.approx(2300 / 3000 * 100)
    assert per.loc[2, ["target", "actual", "actual_12m", "months", "months_met"]].tolist() == [
        0.0, 50.0, 50.0, 1, 0]
    assert np.isnan(per.loc[2, "pct"])
    assert totals(report) == {"customers": 2, "target": 3000.0, "actual": 2350.0,
                              "pct": pytest.approx(2350 / 3000 * 100), "on_track": 0}


def test_met_compares_whole_cents() -> None:
    actuals = pd.DataFrame({"customer_id": [1], "month": [pd.Timestamp("2026-11-01")],
                            "actual": [0.1 + 0.2]})
    report = monthly_report(actuals, targets((1, "2026-11-01", 0.3)), AS_OF)
    assert bool(report.loc[report["month"] == pd.Timestamp("2026-11-01"), "met"].iloc[0])


def test_no_targets_give_an_empty_report() -> None:
    report = monthly_report(pd.DataFrame(columns=["customer_id", "month", "actual"]),
                            targets(), AS_OF)
    assert report.empty
    assert totals(report) == {"customers": 0, "target": 0.0, "actual": 0.0, "pct": None,
                              "on_track": 0}
