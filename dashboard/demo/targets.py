"""Monthly sales targets of trade customers and distributors, for the last 12 months (this
month included) and the next 3: last year's average month, raised by a growth goal and shaped
by the usual seasons, rounded to hundreds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.demo.calendar import MONTH_WEIGHT, month_index
from dashboard.demo.customers import ARCHETYPES

PAST_MONTHS, FUTURE_MONTHS = 12, 3
MINIMUM = 500.0
_NO_TARGET = [ARCHETYPES.index(a) for a in ("never", "one", "churned")]


class MonthlyRevenue:
    """Revenue per customer (position) per calendar month, accumulated chunk by chunk."""

    def __init__(self, n_customers: int, start, today: int) -> None:  # noqa: ANN001
        self.start = start
        self.first_month = int(month_index(start, np.array([0]))[0])
        self.n_months = int(month_index(start, np.array([today]))[0]) - self.first_month + 1
        self.values = np.zeros(n_customers * self.n_months)

    def add(self, customer: np.ndarray, day: np.ndarray, revenue: np.ndarray) -> None:
        known = customer >= 0
        month = month_index(self.start, day[known]) - self.first_month
        flat = customer[known].astype(np.int64) * self.n_months + month
        self.values += np.bincount(flat, revenue[known], minlength=len(self.values))

    def matrix(self) -> np.ndarray:
        return self.values.reshape(-1, self.n_months)


def build_targets(rng: np.random.Generator, traits: pd.DataFrame, customer_ids: np.ndarray,
                  monthly: MonthlyRevenue, first_id: int) -> pd.DataFrame:
    matrix = monthly.matrix()
    eligible = (traits["type_idx"].to_numpy() > 0) & ~np.isin(traits["archetype"], _NO_TARGET)
    current = monthly.n_months - 1
    window = matrix[:, max(current - 23, 0) : max(current - 11, 1)]
    baseline = window.sum(axis=1) / PAST_MONTHS
    for type_idx in (1, 2):  # customers without last year's history: half the usual
        same = eligible & (traits["type_idx"].to_numpy() == type_idx)
        usual = baseline[same & (baseline > 0)]
        fallback = 0.5 * float(np.median(usual)) if len(usual) else 10_000.0
        baseline = np.where(same & (baseline <= 0), fallback, baseline)
    who = np.flatnonzero(eligible)
    growth = rng.uniform(1.05, 1.20, len(who))
    months = np.arange(current - PAST_MONTHS + 1, current + FUTURE_MONTHS + 1)
    owner = np.repeat(who, len(months))
    month = np.tile(months, len(who)) + monthly.first_month
    season = MONTH_WEIGHT[month % 12] / MONTH_WEIGHT.mean()
    amount = np.maximum(np.round(baseline[owner] * np.repeat(growth, len(months)) * season,
                                 -2), MINIMUM)
    first_days = (np.array(month // 12 - 1970, dtype="datetime64[Y]").astype("datetime64[M]")
                  + (month % 12).astype("timedelta64[M]")).astype("datetime64[D]")
    return pd.DataFrame({
        "id": np.arange(first_id, first_id + len(owner)),
        "customer_id": customer_ids[owner],
        "month": first_days,
        "amount": amount,
    })
