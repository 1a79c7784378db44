"""The customer-day and anonymous-day rollups of generated orders, computed in pandas.

The same figures as ``dashboard.data.rollups.rebuild_rollups`` computes in SQL (a test checks
that both agree), but straight from the generated frames, which is much faster than reading
millions of lines back. Orders are generated in chunks of whole days, so every (customer, day)
falls in exactly one chunk.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

_SUMS = ["revenue", "return_amount", "costed_revenue", "cost"]


def day_rollups(orders: pd.DataFrame, figures: pd.DataFrame,
                dates: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(``customer_days`` rows, ``anonymous_days`` rows) of a chunk of orders.

    ``orders`` has ``customer_id`` (NaN for anonymous sales), ``day`` (day number) and
    ``coupon_code``; ``figures`` the order figures of :func:`dashboard.demo.basket.order_figures`
    in the same row order; ``dates`` maps day numbers to dates."""
    purchase = figures["has_purchase"].to_numpy()
    frame = pd.DataFrame({
        "customer_id": orders["customer_id"].to_numpy(),
        "day": orders["day"].to_numpy(),
        "revenue": figures["amount"].to_numpy(),
        "orders": purchase.astype(np.int64),
        "return_orders": (~purchase).astype(np.int64),
        "return_amount": figures["return_amount"].to_numpy(),
        "costed_revenue": figures["costed_revenue"].to_numpy(),
        "cost": figures["cost"].to_numpy(),
        "coupon_orders": (purchase & orders["coupon_code"].notna().to_numpy()).astype(np.int64),
    })
    anonymous = frame["customer_id"].isna()
    customer_days = (
        frame[~anonymous]
        .groupby(["customer_id", "day"], sort=True, as_index=False)
        .sum()
        .assign(customer_id=lambda f: f["customer_id"].astype(np.int64))
    )
    anonymous_days = (
        frame[anonymous]
        .groupby("day", sort=True, as_index=False)[["revenue", "orders"]]
        .sum()
    )
    return _finish(customer_days, dates), _finish(anonymous_days, dates)


def _finish(part: pd.DataFrame, dates: np.ndarray) -> pd.DataFrame:
    sums = {c: part[c].round(2) for c in _SUMS if c in part.columns}
    return part.assign(**sums, day=dates[part["day"].to_numpy()])
