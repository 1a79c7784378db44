"""Rank within customer type: 1 is the customer with the highest period revenue of its type.

Ties go by customer code (the lower code ranks first). Customers without revenue in the
period (0 or net negative) have no rank: ranking them after the buyers would only order them by
code (docs/decisions.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.analytics.abc import cents, code_order, sort_keys


def group_codes(values: pd.Series) -> np.ndarray:
    """Integer group of each row (an empty value is a group of its own)."""
    return pd.factorize(values.astype("object").fillna("").to_numpy(), sort=True)[0]


def ordered_within(group: np.ndarray, amount: np.ndarray,
                   code: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Rows sorted by group, amount descending and code; returns that order and each sorted
    row's 0-based position inside its group."""
    order = sort_keys(group, -amount, code_order(code))
    sorted_group = group[order]
    starts = np.ones(len(order), dtype=bool)
    starts[1:] = sorted_group[1:] != sorted_group[:-1]
    first = np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))
    return order, np.arange(len(order)) - first


def rank_in_type(revenue: pd.Series, customer_type: pd.Series, code: pd.Series) -> pd.Series:
    """1-based rank by revenue within each customer type (nullable integers)."""
    amount = cents(revenue)
    order, position = ordered_within(group_codes(customer_type), amount, code)
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = position + 1
    return pd.Series(ranks, index=revenue.index, name="rank_in_type", dtype="Int64").where(
        amount > 0)


__all__ = ["group_codes", "ordered_within", "rank_in_type"]
