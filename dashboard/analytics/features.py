"""Per-customer figures of SPEC.md "Figures, per customer" (all but the churn model).

Arrays are aligned to the customer list the :class:`~dashboard.analytics.history.History` was
built for; the ``*_columns`` / ``*_sums`` / ``risk_figures`` functions return a dict of arrays
(one per column), :func:`period_features` the same as a DataFrame with a plain ``RangeIndex``.

Rules where SPEC.md is silent (docs/decisions.md):

- Money sums are rounded to the cent, so thresholds and ties compare exact amounts.
- ``growth_pct`` is empty exactly when ``revenue_prev`` is 0 or below (SPEC.md): a
  percentage of nothing, or of a period of net returns, means nothing (a returns-only
  previous period followed by no sales would otherwise read +100 %).
- ``gross_margin`` is empty when no line of the period has a known unit cost;
  ``margin_pct`` = gross margin / revenue of the costed lines, empty when that revenue is not
  positive.
- ``avg_order_value`` = period revenue / period orders; ``return_rate_pct`` = returned value /
  gross sales (revenue before returns); ``coupon_rate_pct`` = orders with a coupon / orders.
- One-purchase customers borrow the median ``mean_gap_days`` of the repeat customers of their
  type; when their type has no repeat customer, the median of all repeat customers; when no
  customer has bought twice, the gap (and so the risk score) stays empty.
- ``risk_change_pct`` is empty when ``risk_score_prev`` is empty or 0 (bought on the previous
  period's last day).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analytics.history import NO_DAY, PurchaseStats, Segments
from dashboard.analytics.periods import Period, day_number

GAP_WINDOW_DAYS = 365
SUM_COLUMNS = ("revenue", "orders", "return_orders", "return_amount", "costed_revenue", "cost",
               "coupon_orders")
_EPOCH = np.datetime64("1970-01-01", "D")
Columns = dict[str, np.ndarray]


def required_cuts(period: Period) -> list[int]:
    """The cut days (see ``history.Segments``) the figures of ``period`` need."""
    end, prev_end = day_number(period.end), day_number(period.prev_end)
    return [day_number(period.prev_start) - 1, prev_end, end, end - GAP_WINDOW_DAYS,
            prev_end - GAP_WINDOW_DAYS]


def period_features(segments: Segments, type_group: np.ndarray, period: Period) -> pd.DataFrame:
    """Every per-customer figure for ``period`` and its previous period; ``type_group`` is
    each customer's type as an integer group (see ``ranking.group_codes``)."""
    return pd.DataFrame(period_columns(segments, type_group, period))


def period_columns(segments: Segments, type_group: np.ndarray, period: Period) -> Columns:
    """:func:`period_features` as a dict of arrays (one per column)."""
    start, end = day_number(period.start), day_number(period.end)
    prev_start, prev_end = day_number(period.prev_start), day_number(period.prev_end)
    now = period_sums({c: segments.total(c, start, end) for c in SUM_COLUMNS})
    before = period_sums({c: segments.total(c, prev_start, prev_end) for c in SUM_COLUMNS})
    risk = risk_figures(segments, type_group, end)
    risk_before = risk_figures(segments, type_group, prev_end)
    return {
        **now,
        **{f"{k}_prev": v for k, v in before.items()},
        **risk,
        **{f"{k}_prev": v for k, v in risk_before.items()},
        "growth_pct": growth_pct(now["revenue"], before["revenue"]),
        "risk_change_pct": _ratio_pct(risk["risk_score"] - risk_before["risk_score"],
                                      risk_before["risk_score"], risk_before["risk_score"] > 0),
    }


def period_sums(sums: Columns) -> Columns:
    """Sales figures of one period from its column sums."""
    revenue = np.round(sums["revenue"], 2)
    orders = np.rint(sums["orders"]).astype(np.int64)
    costed = np.round(sums["costed_revenue"], 2)
    has_cost = (costed != 0) | (np.round(sums["cost"], 2) != 0)
    margin = np.where(has_cost, np.round(sums["costed_revenue"] - sums["cost"], 2), np.nan)
    returned = np.round(-sums["return_amount"], 2) + 0.0  # + 0.0 turns -0.0 into 0.0
    gross = revenue + returned
    coupon_orders = np.rint(sums["coupon_orders"]).astype(np.int64)
    return {
        "revenue": revenue,
        "orders": orders,
        "return_orders": np.rint(sums["return_orders"]).astype(np.int64),
        "returned_value": returned,
        "gross_margin": margin,
        "margin_pct": _ratio_pct(margin, costed, costed > 0),
        "avg_order_value": _ratio(revenue, orders, orders > 0),
        "return_rate_pct": _ratio_pct(returned, gross, gross > 0),
        "coupon_orders": coupon_orders,
        "coupon_rate_pct": _ratio_pct(coupon_orders, orders, orders > 0),
    }


def risk_figures(segments: Segments, type_group: np.ndarray, as_of_day: int) -> Columns:
    """Order dates, ``mean_gap_days`` and ``risk_score`` as of one day."""
    stats = segments.purchase_stats(as_of_day, GAP_WINDOW_DAYS)
    gap, borrowed = mean_gap_days(stats, type_group)
    traded = stats.count > 0
    since = np.where(traded, as_of_day - stats.last, np.nan)
    with np.errstate(divide="ignore", invalid="ignore"):
        risk = since / gap
    return {
        "first_order_date": _dates(stats.first),
        "last_order_date": _dates(stats.last),
        "days_since_last_order": since,
        "purchase_days": stats.count,
        "mean_gap_days": gap,
        "gap_borrowed": borrowed,
        "risk_score": risk,
    }


def mean_gap_days(stats: PurchaseStats, type_group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Mean days between consecutive purchase days (SPEC.md), and whether the customer's
    value is borrowed from the repeat customers of its type."""
    with np.errstate(divide="ignore", invalid="ignore"):
        in_window = (stats.last - stats.window_first) / (stats.window_count - 1)
        overall = (stats.last - stats.first) / (stats.count - 1)
    own = np.where(stats.window_count >= 2, in_window,
                   np.where(stats.count >= 2, overall, np.nan))
    single = stats.count == 1
    repeat = stats.count >= 2
    borrowed = _typical_gap(own, repeat, type_group)
    gap = np.where(single, borrowed, own)
    return gap, single & ~np.isnan(gap)


def _typical_gap(own: np.ndarray, repeat: np.ndarray, type_group: np.ndarray) -> np.ndarray:
    """Per customer, the median gap of the repeat customers of its type (all repeat customers
    when its type has none)."""
    if not repeat.any():
        return np.full(len(own), np.nan)
    typical = np.full(len(own), float(np.median(own[repeat])))
    for group in np.unique(type_group[repeat]):  # one pass per customer type
        members = type_group == group
        typical[members] = np.median(own[repeat & members])
    return typical


def growth_pct(current: pd.Series | np.ndarray, previous: pd.Series | np.ndarray) -> np.ndarray:
    """``(current - previous) / previous * 100``; empty (NaN) when ``previous`` is 0 or below
    (or empty)."""
    now = np.asarray(current, dtype=np.float64)
    before = np.asarray(previous, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        positive = before > 0
    return _ratio_pct(now - before, before, positive)


def _ratio(num: np.ndarray, den: np.ndarray, ok: np.ndarray) -> np.ndarray:
    num = np.asarray(num, dtype=np.float64)
    den = np.asarray(den, dtype=np.float64)
    out = np.full(num.shape, np.nan)
    np.divide(num, den, out=out, where=np.asarray(ok, dtype=bool))
    return out


def _ratio_pct(num: np.ndarray, den: np.ndarray, ok: np.ndarray) -> np.ndarray:
    return _ratio(num, den, ok) * 100.0


def _dates(day: np.ndarray) -> np.ndarray:
    known = day != NO_DAY
    values = (_EPOCH + np.where(known, day, 0).astype("timedelta64[D]")).astype("datetime64[ns]")
    return np.where(known, values, np.datetime64("NaT", "ns"))


__all__ = ["GAP_WINDOW_DAYS", "SUM_COLUMNS", "growth_pct", "mean_gap_days", "period_columns",
           "period_features", "period_sums", "required_cuts", "risk_figures"]
