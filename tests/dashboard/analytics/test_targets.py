"""Customer sales targets (SPEC.md "Actions"): actual vs target per calendar month over the
12 months ending with the as-of date's month, worked by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


# --- the report and summary against a plain pandas reference, on random inputs -------------

def _reference_report(actuals: pd.DataFrame, chosen: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """The report as joins and group sums (the definition, row by row)."""
    months = pd.to_datetime(pd.Series(window(as_of))).to_numpy(dtype="datetime64[ns]")
    chosen = chosen.loc[chosen["month"].isin(months)]
    customers = np.unique(chosen["customer_id"].to_numpy())
    grid = pd.DataFrame({"customer_id": np.repeat(customers, len(months)).astype(np.int64),
                         "month": np.tile(months, len(customers))})
    report = (grid.merge(chosen.rename(columns={"amount": "target"}), how="left",
                         on=["customer_id", "month"])
              .merge(actuals, how="left", on=["customer_id", "month"])
              .assign(actual=lambda f: f["actual"].fillna(0.0)))
    target = report["target"].to_numpy(dtype=float, na_value=np.nan)
    actual = report["actual"].to_numpy(dtype=float)
    has = target > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(has, actual / target * 100, np.nan)
    met = has & (np.round(actual * 100) >= np.round(np.nan_to_num(target) * 100))
    return report.assign(pct=pct, met=met, to_date=(report["month"] == months[-1]).to_numpy())


def _reference_summary(report: pd.DataFrame) -> pd.DataFrame:
    has = report["target"].notna()
    grouped = report.assign(target=report["target"].fillna(0.0),
                            targeted=report["actual"].where(has, 0.0),
                            months=has.astype(np.int64),
                            months_met=report["met"].astype(np.int64)).groupby(
        "customer_id", as_index=False).agg(target=("target", "sum"), actual=("targeted", "sum"),
                                           actual_12m=("actual", "sum"), months=("months", "sum"),
                                           months_met=("months_met", "sum"))
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(grouped["target"] > 0, grouped["actual"] / grouped["target"] * 100, np.nan)
    return grouped.assign(pct=pct, target=grouped["target"].round(2),
                          actual=grouped["actual"].round(2),
                          actual_12m=grouped["actual_12m"].round(2))


@given(seed=st.integers(0, 10_000), customers=st.integers(0, 12), rows=st.integers(0, 60))
@settings(max_examples=60, deadline=None)
def test_report_and_summary_equal_the_reference(seed: int, customers: int, rows: int) -> None:
    """Targets of random customers and months (inside and outside the window, zero and empty
    amounts), revenue of customers with and without targets (negative months included)."""
    rng = np.random.default_rng(seed)
    months = pd.to_datetime(pd.Series(window(AS_OF, 16))).to_numpy(dtype="datetime64[ns]")
    ids = rng.integers(1, customers + 2, rows)
    picked = rng.integers(0, len(months), rows)
    amount = rng.choice([0.0, np.nan, 100.0, 250.5, 1000.0, 33.33], rows)
    chosen = (pd.DataFrame({"customer_id": ids.astype(np.int64), "month": months[picked],
                            "amount": amount})
              .drop_duplicates(["customer_id", "month"]).reset_index(drop=True))
    revenue = (pd.DataFrame({"customer_id": rng.integers(1, customers + 4, rows).astype(np.int64),
                             "month": months[rng.integers(0, len(months), rows)],
                             "actual": np.round(rng.normal(300, 400, rows), 2)})
               .drop_duplicates(["customer_id", "month"]).reset_index(drop=True))
    report = monthly_report(revenue, chosen, AS_OF)
    expected = _reference_report(revenue, chosen, AS_OF)
    pd.testing.assert_frame_equal(report, expected[report.columns.tolist()])
    mine, theirs = summary(report), _reference_summary(expected)
    pd.testing.assert_frame_equal(mine, theirs[mine.columns.tolist()], check_exact=False,
                                  rtol=1e-12, atol=1e-9)
    assert totals(report) == totals(report, mine)
