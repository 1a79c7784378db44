"""The CDNOW sample as the analytics input frames (``days`` rollup and ``customers``).

Each row of ``CDNOW_sample.txt`` is one purchase (customer id, sample id, YYYYMMDD, CDs, dollar
value); several purchases by one customer on one day become one customer-day row with
``orders`` = the number of purchases, as the product's rollup does.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SAMPLE = HERE / "CDNOW_sample.txt"
CALIBRATION_END = pd.Timestamp("1997-09-30")
HOLDOUT_END = pd.Timestamp("1998-06-30")


def cdnow_purchases() -> pd.DataFrame:
    raw = pd.read_csv(SAMPLE, sep=r"\s+", header=None, dtype={2: str},
                      names=["customer_id", "sample_id", "date", "cds", "value"])
    return raw.assign(day=pd.to_datetime(raw["date"], format="%Y%m%d").astype("datetime64[ns]"))


def cdnow_days() -> pd.DataFrame:
    """The customer-day rollup of the sample (no returns, no costs, no coupons)."""
    days = (cdnow_purchases()
            .groupby(["customer_id", "day"], as_index=False, sort=True)
            .agg(revenue=("value", "sum"), orders=("value", "size")))
    zeros = np.zeros(len(days))
    return days.assign(customer_id=days["customer_id"].astype(np.int64),
                       orders=days["orders"].astype(np.int64),
                       return_orders=zeros.astype(np.int64), return_amount=zeros,
                       costed_revenue=zeros, cost=zeros, coupon_orders=zeros.astype(np.int64))


def cdnow_customers() -> pd.DataFrame:
    ids = np.sort(cdnow_purchases()["customer_id"].unique()).astype(np.int64)
    return pd.DataFrame({"customer_id": ids, "code": [f"CD{i:05d}" for i in ids],
                         "name": [f"CDNOW {i}" for i in ids], "customer_type": "Retail",
                         "created_date": pd.Timestamp("1997-01-01")})
