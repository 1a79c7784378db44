"""Customer status (SPEC.md "Customer status"): never / active / churning / lost, and new.

``status`` is the risk status and partitions the customers; ``is_new`` (first order ever
inside the period) is a flag beside it, so a new customer is also counted in its risk status.

When a customer has traded but has no risk score (nobody has bought twice, so there is no
usual gap to compare with), only the day rule applies: active up to ``lost_days`` days since
the last order, lost after (docs/decisions.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analytics.abc import labels
from dashboard.analytics.settings import FigureSettings

STATUSES = ("active", "churning", "lost", "never")


def status_codes(risk_score: np.ndarray, days_since_last_order: np.ndarray,
                 settings: FigureSettings) -> np.ndarray:
    """Codes into :data:`STATUSES`; ``days_since_last_order`` is NaN for customers with no
    order on or before the as-of date (never traded)."""
    risk = np.asarray(risk_score, dtype=np.float64)
    since = np.asarray(days_since_last_order, dtype=np.float64)
    never = np.isnan(since)
    lost = ~never & ((risk > settings.risk_lost) | (since > settings.lost_days))
    churning = ~never & ~lost & (risk > settings.risk_churning)
    return np.select([never, lost, churning], [3, 2, 1], 0).astype(np.int8)


def customer_status(risk_score: pd.Series, days_since_last_order: pd.Series,
                    settings: FigureSettings) -> pd.Series:
    """The risk status of each customer (categorical, categories :data:`STATUSES`)."""
    codes = status_codes(risk_score.to_numpy(dtype=np.float64, na_value=np.nan),
                         days_since_last_order.to_numpy(dtype=np.float64, na_value=np.nan),
                         settings)
    return labels(codes, STATUSES, risk_score.index, "status")


def is_new(first_order_date: pd.Series, start: object, end: object) -> pd.Series:
    """First order ever falls inside the period (``start``..``end``, both included)."""
    first = pd.to_datetime(first_order_date)
    return first.between(pd.Timestamp(start), pd.Timestamp(end)).rename("is_new")


def status_counts(status: pd.Series, new: pd.Series | None = None) -> pd.Series:
    """Customers per status in :data:`STATUSES` order (zeros included), plus ``new``."""
    counts = (status.value_counts(sort=False).reindex(list(STATUSES), fill_value=0)
              .astype(np.int64))
    if new is not None:
        counts["new"] = int(new.sum())
    return counts


__all__ = ["STATUSES", "customer_status", "is_new", "status_codes", "status_counts"]
