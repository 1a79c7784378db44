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


def _month_numbers(values: Any) -> np.ndarray:
    """Months since January 1970 of datetime-like values."""
    return pd.to_datetime(values).to_numpy(dtype="datetime64[M]").astype(np.int64)


def _sums_by(keys: np.ndarray, values: np.ndarray, slots: np.ndarray) -> np.ndarray:
    """The sums of ``values`` per key at each of ``slots`` (0 where a slot has none): pandas'
    grouped sum, so every figure is the one a group-by gives, to the last bit."""
    sums = pd.Series(values).groupby(keys).sum()
    return sums.reindex(slots, fill_value=0).to_numpy(dtype=values.dtype)


def monthly_revenue(days: pd.DataFrame, as_of: Any, months: int = TREND_MONTHS,
                    targets: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per calendar month of the last ``months`` months up to the as-of date (the
    last one to date): ``month`` (first day), ``revenue``, ``orders``, ``revenue_last_year``
    (the same month a year earlier, to the same day for the last month) and ``target``
    (empty when none is set).

    Months are numbered and summed with arrays: a portrait's few hundred days cost less so
    than as a frame grouped by month (decision 246)."""
    end = pd.Timestamp(as_date(as_of))
    year_ago = end - pd.DateOffset(years=1)
    stamp = pd.to_datetime(days["day"]).to_numpy(dtype="datetime64[ns]")
    month = _month_numbers(stamp)
    last = int(_month_numbers([end])[0])
    slots = np.arange(last - months + 1, last + 1, dtype=np.int64)
    this = stamp <= end.to_datetime64()
    before = stamp <= year_ago.to_datetime64()
    revenue = days["revenue"].to_numpy(dtype=float)
    orders = days["orders"].to_numpy(dtype=np.int64)
    target = np.full(len(slots), np.nan)
    if targets is not None and len(targets):
        sums = pd.Series(targets["amount"].to_numpy(dtype=float)).groupby(
            _month_numbers(targets["month"])).sum()
        target = sums.reindex(slots).to_numpy(dtype=float)
    return pd.DataFrame({
        "month": _month_starts(as_of, months),
        "revenue": _sums_by(month[this], revenue[this], slots).round(2),
        "orders": _sums_by(month[this], orders[this], slots),
        "revenue_last_year": _sums_by(month[before] + 12, revenue[before], slots).round(2),
        "target": target})


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


def _by_revenue(revenue: np.ndarray, names: Any) -> np.ndarray:
    """Positions by revenue, highest first, then by name (empty names last), ties kept in
    their order: ``sort_values([revenue, name], ascending=[False, True], kind="stable")``."""
    named = pd.Series(names, dtype=object)
    missing = named.isna().to_numpy()
    text = np.array(named.where(~missing, "").tolist(), dtype=str)
    return np.lexsort((text, missing, -revenue))


def preferences(mix: pd.DataFrame, top: int = 8) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(top categories, top products) by revenue in the window, each with ``share_pct`` of
    the customer's spend in it (revenue net of returns; shares of a total that is not
    positive are empty). Products without a category count as category ``None``.

    Categories are numbered and summed with arrays, not grouped as a frame: a portrait's
    few dozen products cost less so (decision 246)."""
    total = float(mix["revenue"].sum()) if len(mix) else 0.0

    def share(values: np.ndarray) -> np.ndarray:
        return values / total * 100.0 if total > 0 else np.full(len(values), np.nan)

    revenue = mix["revenue"].to_numpy(dtype=float)
    # categories in order of first appearance, the missing one included
    category = mix["category"].astype(object)
    codes, names = pd.factorize(category.where(category.notna(), None), use_na_sentinel=False)
    by_category = pd.Series(revenue).groupby(codes).sum().to_numpy(dtype=float)
    skus, _ = pd.factorize(mix["sku"])
    pairs = np.unique(codes[skus >= 0].astype(np.int64) * max(len(mix), 1) + skus[skus >= 0])
    products = np.bincount(pairs // max(len(mix), 1), minlength=len(names)).astype(np.int64)
    names = np.array([None if pd.isna(n) else n for n in names], dtype=object)
    first = _by_revenue(by_category, names)[:top]
    categories = pd.DataFrame({"category": pd.Series(names[first], dtype=object),
                               "revenue": by_category[first].round(2),
                               "products": products[first],
                               "share_pct": share(by_category[first])})
    chosen = _by_revenue(revenue, mix["sku"].to_numpy(dtype=object))[:top]
    return categories, mix.iloc[chosen].reset_index(drop=True).assign(
        revenue=revenue[chosen].round(2), share_pct=share(revenue[chosen]))


__all__ = ["TREND_MONTHS", "gap_histogram", "monthly_revenue", "preferences",
           "purchase_days", "purchase_gaps", "usual_weekday", "weekday_pattern"]
