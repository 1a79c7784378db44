"""Customer sales targets (SPEC.md "Actions": per-customer monthly targets, actual vs target
over 12 months; seed 001 "Individual Customer Sales Targets").

The window is the 12 calendar months that end with the as-of date's month; that last month
counts up to the as-of date only (``to_date`` is true on its rows), so nothing after the
as-of date counts. ``actual`` is the customer's revenue in the calendar month (returns
included, as everywhere); ``pct`` is ``actual / target * 100``, empty when the month has no
target or a target of 0. A month is ``met`` when it has a target above 0 and ``actual >=
target`` (compared in cents).

The per-customer summary covers the customers with at least one target in the window:
``target`` is the sum of their targets, ``actual`` the revenue of the months that have a
target (so the two compare like with like), ``pct`` their ratio in %, ``actual_12m`` the
revenue of all 12 months, ``months`` the months with a target and ``months_met`` those met.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics.periods import as_date

MONTHS = 12
MONTHLY_COLUMNS = ["customer_id", "month", "target", "actual", "pct", "met", "to_date"]
SUMMARY_COLUMNS = ["customer_id", "target", "actual", "pct", "actual_12m", "months",
                   "months_met"]


def window(as_of: Any, months: int = MONTHS) -> list[dt.date]:
    """First days of the ``months`` calendar months ending with the as-of date's month."""
    end = as_date(as_of).replace(day=1)
    first = np.datetime64(end, "M") - np.timedelta64(int(months) - 1, "M")
    return [d.astype("datetime64[D]").item() for d in first + np.arange(int(months))]


def monthly_actuals(days: pd.DataFrame, as_of: Any, months: int = MONTHS) -> pd.DataFrame:
    """Revenue per customer per calendar month of the window (``customer_id``, ``month``,
    ``actual``); months without sales are absent."""
    start = pd.Timestamp(window(as_of, months)[0])
    end = pd.Timestamp(as_date(as_of))
    day = days["day"].to_numpy(dtype="datetime64[ns]")
    inside = (day >= start.to_datetime64()) & (day <= end.to_datetime64())
    frame = pd.DataFrame({
        "customer_id": days["customer_id"].to_numpy(dtype=np.int64)[inside],
        "month": day[inside].astype("datetime64[M]").astype("datetime64[ns]"),
        "actual": days["revenue"].to_numpy(dtype=np.float64)[inside],
    })
    return (frame.groupby(["customer_id", "month"], sort=True, as_index=False)["actual"].sum()
            .assign(actual=lambda f: f["actual"].round(2)))


def monthly_report(actuals: pd.DataFrame, targets: pd.DataFrame, as_of: Any,
                   months: int = MONTHS) -> pd.DataFrame:
    """Actual vs target per customer and month (``MONTHLY_COLUMNS``), every month of the
    window for every customer with a target in it, by customer and month.

    ``targets``: ``customer_id``, ``month`` (first day of the month), ``amount``."""
    months_ = pd.to_datetime(pd.Series(window(as_of, months))).to_numpy(dtype="datetime64[ns]")
    width = len(months_)
    target_month = _month_slots(targets["month"], months_)
    chosen = target_month >= 0
    target_ids = targets["customer_id"].to_numpy(dtype=np.int64)[chosen]
    customers = np.unique(target_ids)
    # the grid of customers x months, by customer and month; each target and each month's
    # revenue lands in its cell (a customer's month appears once in each input)
    target = np.full(len(customers) * width, np.nan)
    cell = np.searchsorted(customers, target_ids) * width + target_month[chosen]
    target[cell] = targets["amount"].to_numpy(dtype=np.float64, na_value=np.nan)[chosen]
    actual = np.zeros(len(customers) * width)
    actual_ids = actuals["customer_id"].to_numpy(dtype=np.int64)
    actual_month = _month_slots(actuals["month"], months_)
    if len(customers):  # revenue of a customer without a target has no cell
        row = np.searchsorted(customers, actual_ids).clip(0, len(customers) - 1)
        found = (actual_month >= 0) & (customers[row] == actual_ids)
        actual[row[found] * width + actual_month[found]] = (
            actuals["actual"].to_numpy(dtype=np.float64)[found])
    has_target = target > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(has_target, actual / target * 100.0, np.nan)
    met = has_target & (_cents(actual) >= _cents(np.nan_to_num(target)))
    return pd.DataFrame({
        "customer_id": np.repeat(customers, width),
        "month": np.tile(months_, len(customers)),
        "target": target, "actual": actual, "pct": pct, "met": met,
        "to_date": np.tile(np.arange(width) == width - 1, len(customers))})[MONTHLY_COLUMNS]


def _month_slots(values: Any, months: np.ndarray) -> np.ndarray:
    """Each value's position among the window's ``months`` (first days), -1 when outside."""
    day = pd.to_datetime(pd.Series(values)).to_numpy(dtype="datetime64[ns]")
    slot = np.searchsorted(months, day).clip(0, max(len(months) - 1, 0))
    inside = (months[slot] == day) if len(months) else np.zeros(len(day), dtype=bool)
    return np.where(inside, slot, -1)


def _cents(values: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(values, dtype=np.float64) * 100).astype(np.int64)


def summary(report: pd.DataFrame) -> pd.DataFrame:
    """One row per customer of the monthly report (``SUMMARY_COLUMNS``), by customer."""
    customers, row = np.unique(report["customer_id"].to_numpy(dtype=np.int64),
                               return_inverse=True)
    n = len(customers)
    target = report["target"].to_numpy(dtype=np.float64, na_value=np.nan)
    actual = report["actual"].to_numpy(dtype=np.float64)
    with_target = ~np.isnan(target)
    def total(weights: np.ndarray) -> np.ndarray:  # float also when there is no row
        return np.bincount(row, weights=weights, minlength=n).astype(np.float64)

    totals_ = total(np.where(with_target, target, 0.0))
    targeted = total(np.where(with_target, actual, 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(totals_ > 0, targeted / totals_ * 100.0, np.nan)
    return pd.DataFrame({
        "customer_id": customers, "target": totals_.round(2), "actual": targeted.round(2),
        "pct": pct, "actual_12m": total(actual).round(2),
        "months": np.bincount(row, weights=with_target, minlength=n).astype(np.int64),
        "months_met": np.bincount(row, weights=report["met"].to_numpy(dtype=bool),
                                  minlength=n).astype(np.int64)})[SUMMARY_COLUMNS]


def totals(report: pd.DataFrame,
           per_customer: pd.DataFrame | None = None) -> dict[str, float | int | None]:
    """Window totals over every customer of the report: target, actual in targeted months,
    % of target, customers, and customers at or above their 12-month target.
    ``per_customer``: the report's :func:`summary` when the caller has it already."""
    per_customer = summary(report) if per_customer is None else per_customer
    target = float(per_customer["target"].sum())
    actual = float(per_customer["actual"].sum())
    goal = _cents(per_customer["target"].to_numpy())
    on_track = int(((_cents(per_customer["actual"].to_numpy()) >= goal) & (goal > 0)).sum())
    return {"customers": len(per_customer), "target": round(target, 2),
            "actual": round(actual, 2),
            "pct": actual / target * 100.0 if target > 0 else None, "on_track": on_track}


__all__ = ["MONTHLY_COLUMNS", "MONTHS", "SUMMARY_COLUMNS", "monthly_actuals",
           "monthly_report", "summary", "totals", "window"]
