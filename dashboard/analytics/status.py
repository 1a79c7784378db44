"""Customer status (SPEC.md "Customer status"): never / active / churning / lost, and new.

``status`` partitions the customers; ``is_new`` (first order ever inside the period) and
``one_time_buyer`` (exactly one purchase occasion so far) are flags beside it, so a new or
one-time customer is also counted in its status.

By default (``status_rule`` "churn") the status comes from the churn probability of the chosen
model: Lost from ``lost_p`` or after ``lost_days`` days without an order, Churning from
``churning_p``, else Active, so status and probability never contradict each other. A customer
without a churn probability (no model could be fitted: too little history) and every customer
under ``status_rule`` "risk" get the seed's risk-score rule. When a customer has traded but has
no risk score (nobody has bought twice, so there is no usual gap to compare with), only the day
rule applies: active up to ``lost_days`` days since the last order, lost after
(docs/decisions.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analytics.abc import labels
from dashboard.analytics.settings import FigureSettings

STATUSES = ("active", "churning", "lost", "never")


def status_codes(risk_score: np.ndarray, days_since_last_order: np.ndarray,
                 settings: FigureSettings, churn_probability: np.ndarray | None = None
                 ) -> np.ndarray:
    """Codes into :data:`STATUSES`; ``days_since_last_order`` is NaN for customers with no
    order on or before the as-of date (never traded); ``churn_probability`` NaN (or not
    given) where no churn model applies."""
    risk = np.asarray(risk_score, dtype=np.float64)
    since = np.asarray(days_since_last_order, dtype=np.float64)
    p = (np.full(since.shape, np.nan) if churn_probability is None or
         settings.status_rule != "churn" else np.asarray(churn_probability, dtype=np.float64))
    by_p = ~np.isnan(p)
    never = np.isnan(since)
    lost = ~never & ((since > settings.lost_days)
                     | np.where(by_p, p >= settings.lost_p, risk > settings.risk_lost))
    churning = ~never & ~lost & np.where(by_p, p >= settings.churning_p,
                                         risk > settings.risk_churning)
    return np.select([never, lost, churning], [3, 2, 1], 0).astype(np.int8)


def customer_status(risk_score: pd.Series, days_since_last_order: pd.Series,
                    settings: FigureSettings, churn_probability: pd.Series | None = None
                    ) -> pd.Series:
    """The status of each customer (categorical, categories :data:`STATUSES`)."""
    codes = status_codes(risk_score.to_numpy(dtype=np.float64, na_value=np.nan),
                         days_since_last_order.to_numpy(dtype=np.float64, na_value=np.nan),
                         settings, None if churn_probability is None else
                         churn_probability.to_numpy(dtype=np.float64, na_value=np.nan))
    return labels(codes, STATUSES, risk_score.index, "status")


def is_new(first_order_date: pd.Series, start: object, end: object) -> pd.Series:
    """First order ever falls inside the period (``start``..``end``, both included)."""
    first = pd.to_datetime(first_order_date)
    return first.between(pd.Timestamp(start), pd.Timestamp(end)).rename("is_new")


def status_counts(status: pd.Series, new: pd.Series | None = None,
                  one_time: pd.Series | None = None) -> pd.Series:
    """Customers per status in :data:`STATUSES` order (zeros included), plus ``new`` and
    ``one_time`` when given."""
    counts = (status.value_counts(sort=False).reindex(list(STATUSES), fill_value=0)
              .astype(np.int64))
    if new is not None:
        counts["new"] = int(new.sum())
    if one_time is not None:
        counts["one_time"] = int(one_time.fillna(False).astype(bool).sum())
    return counts


__all__ = ["STATUSES", "customer_status", "is_new", "status_codes", "status_counts"]
