"""The figures of one customer's portrait (客户画像) that are not columns of the customer table:
the monthly revenue trend against last year and the target, the gaps between purchase days,
the weekday pattern, and the purchase preferences (categories, products, share of spend).

Inputs are one customer's rows: ``days`` (the customer-day rollup, see
``dashboard/analytics/__init__.py``), ``targets`` (``month`` — first day of the month —,
``amount``) and ``mix`` (one row per product bought in a window: ``sku``, ``product``,
``category``, ``revenue`` net of returns, ``quantity``, ``orders``). Nothing dated after the
as-of date counts. A purchase day is a day with at least one order (return-only days are
not purchases), as everywhere else.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics.periods import as_date

TREND_MONTHS = 24
GAP_BIN_WIDTHS = (1, 2, 3, 7, 14, 30, 60, 90, 180, 365)
MAX_GAP_BINS = 16
WEEKDAYS = 7


def _upto(days: pd.DataFrame, as_of: Any) -> pd.DataFrame:
    return days.loc[pd.to_datetime(days["day"]) <= pd.Timestamp(as_date(as_of))]


def _month_starts(as_of: Any, months: int) -> pd.DatetimeIndex:
    last = pd.Timestamp(as_date(as_of)).to_period("M")
    return pd.period_range(last - (months - 1), last, freq="M").to_timestamp()


def monthly_revenue(days: pd.DataFrame, as_of: Any, months: int = TREND_MONTHS,
                    targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per calendar month of the last ``months`` months up to the as-of date (the
    last one to date): ``month`` (first day), ``revenue``, ``orders``, ``revenue_last_year``
    (the same month a year earlier, to the same day for the last month) and ``target``
    (empty when none is set)."""
    kept = _upto(days, as_of)
    stamp = pd.to_datetime(kept["day"])
    by_month = (kept.assign(month=stamp.dt.to_period("M").dt.to_timestamp())
                .groupby("month")[["revenue", "orders"]].sum())
    starts = _month_starts(as_of, months)
    this = by_month.reindex(starts, fill_value=0)
    year_ago = pd.Timestamp(as_date(as_of)) - pd.DateOffset(years=1)
    earlier = _upto(days, year_ago)
    before = (earlier.assign(month=pd.to_datetime(earlier["day"]).dt.to_period("M")
                             .dt.to_timestamp() + pd.DateOffset(years=1))
              .groupby("month")["revenue"].sum().reindex(starts, fill_value=0.0))
    frame = pd.DataFrame({"month": starts, "revenue": this["revenue"].to_numpy(dtype=float),
                          "orders": this["orders"].to_numpy(dtype=np.int64),
                          "revenue_last_year": before.to_numpy(dtype=float)})
    target = pd.Series(np.nan, index=starts)
    if targets is not None and len(targets):
        month = pd.to_datetime(targets["month"]).dt.to_period("M").dt.to_timestamp()
        target = pd.Series(targets["amount"].to_numpy(dtype=float), index=month).groupby(
            level=0).sum().reindex(starts)
    return frame.assign(revenue=frame["revenue"].round(2),
                        revenue_last_year=frame["revenue_last_year"].round(2),
                        target=target.to_numpy(dtype=float))


def purchase_days(days: pd.DataFrame, as_of: Any) -> np.ndarray:
    """The customer's purchase days up to the as-of date, sorted (datetime64[D])."""
    kept = _upto(days, as_of)
    bought = pd.to_datetime(kept.loc[kept["orders"] > 0, "day"])
    return np.unique(bought.to_numpy(dtype="datetime64[D]"))


def purchase_gaps(days: pd.DataFrame, as_of: Any) -> np.ndarray:
    """Days between consecutive purchase days (all history up to the as-of date)."""
    return np.diff(purchase_days(days, as_of)).astype(np.int64)


def gap_histogram(gaps: np.ndarray) -> pd.DataFrame:
    """Gaps counted in bins of one width (the smallest of :data:`GAP_BIN_WIDTHS` that
    needs at most :data:`MAX_GAP_BINS` bins): ``low``, ``high`` (both included), ``count``."""
    gaps = np.asarray(gaps, dtype=np.int64)
    if len(gaps) == 0:
        return pd.DataFrame({"low": [], "high": [], "count": []}, dtype=np.int64)
    longest = int(gaps.max())
    width = next((w for w in GAP_BIN_WIDTHS if longest // w + 1 <= MAX_GAP_BINS),
                 GAP_BIN_WIDTHS[-1])
    bins = (gaps - 1) // width if width > 1 else gaps - 1
    counts = np.bincount(np.maximum(bins, 0), minlength=int(bins.max()) + 1)
    low = np.arange(len(counts)) * width + 1
    return pd.DataFrame({"low": low, "high": low + width - 1, "count": counts})


def weekday_pattern(days: pd.DataFrame, as_of: Any, window_days: int = 365) -> pd.DataFrame:
    """Purchase days per weekday (0 = Monday) over the last ``window_days`` days up to the
    as-of date: ``weekday``, ``purchase_days``, ``share_pct`` (empty when there was none)."""
    bought = purchase_days(days, as_of)
    start = np.datetime64(as_date(as_of), "D") - np.timedelta64(window_days - 1, "D")
    recent = bought[bought >= start]
    weekday = (recent.astype(np.int64) + 3) % 7  # 1970-01-01 was a Thursday
    counts = np.bincount(weekday, minlength=WEEKDAYS)
    total = counts.sum()
    share = counts / total * 100.0 if total else np.full(WEEKDAYS, np.nan)
    return pd.DataFrame({"weekday": np.arange(WEEKDAYS), "purchase_days": counts,
                         "share_pct": share})


def usual_weekday(pattern: pd.DataFrame, minimum_days: int = 3) -> int | None:
    """The weekday the customer usually orders on (0 = Monday): the weekday of most distinct
    purchase days in ``pattern`` (:func:`weekday_pattern`, the last 365 days), a tie going to
    the earliest weekday from Monday; None with fewer than ``minimum_days`` purchase days
    (too few to speak of a habit). The same counts as the weekday chart, so the fact and the
    highlighted bar always agree."""
    counts = pattern["purchase_days"].to_numpy(dtype=np.int64)
    if int(counts.sum()) < minimum_days:
        return None
    return int(counts.argmax())  # argmax keeps the first (earliest) of equal counts


def preferences(mix: pd.DataFrame, top: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(top categories, top products) by revenue in the window, each with ``share_pct`` of
    the customer's spend in it (revenue net of returns; shares of a total that is not
    positive are empty). Products without a category count as category ``None``."""
    total = float(mix["revenue"].sum()) if len(mix) else 0.0

    def share(values: pd.Series) -> np.ndarray:
        return (values / total * 100.0).to_numpy() if total > 0 else np.full(len(values),
                                                                            np.nan)

    categories = (mix.assign(category=mix["category"].astype(object).where(
        mix["category"].notna(), None))
        .groupby("category", dropna=False, sort=False)
        .agg(revenue=("revenue", "sum"), products=("sku", "nunique"))
        .reset_index().sort_values(["revenue", "category"], ascending=[False, True],
                                   na_position="last", kind="stable").head(top))
    products = mix.sort_values(["revenue", "sku"], ascending=[False, True],
                               kind="stable").head(top)
    named = categories["category"].astype(object)
    return (categories.assign(category=named.where(named.notna(), None),
                              revenue=categories["revenue"].round(2),
                              share_pct=share(categories["revenue"])).reset_index(drop=True),
            products.assign(revenue=products["revenue"].round(2),
                            share_pct=share(products["revenue"])).reset_index(drop=True))


__all__ = ["TREND_MONTHS", "gap_histogram", "monthly_revenue", "preferences",
           "purchase_days", "purchase_gaps", "usual_weekday", "weekday_pattern"]
