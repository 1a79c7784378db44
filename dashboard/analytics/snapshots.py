"""Month-end customer snapshots (status, ABC tier, risk score, churn probability): the rows
of one as-of date, which stored rows a new run replaces, and which dates a month keeps."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

COLUMNS = ["status", "abc_tier", "risk_score", "churn_probability"]
ROUNDED = ("risk_score", "churn_probability")  # stored with 4 decimals


def snapshot_rows(table: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """One snapshot row per customer of the customer table (churn columns included)."""
    return pd.DataFrame({
        "customer_id": table["customer_id"].to_numpy(dtype=np.int64),
        "as_of": pd.Timestamp(as_of),
        "status": table["status"].astype(str).to_numpy(dtype=object),
        "abc_tier": table["abc_tier"].astype(str).to_numpy(dtype=object),
        "risk_score": table["risk_score"].to_numpy(dtype=np.float64, na_value=np.nan).round(4),
        "churn_probability": table["churn_probability"].to_numpy(
            dtype=np.float64, na_value=np.nan).round(4),
    })


def superseded(dates: Iterable[dt.date], as_of: dt.date) -> list[dt.date]:
    """Snapshot dates of ``as_of``'s month before it that are not month-ends: a month keeps
    only its month-end, or its latest day while it runs."""
    return [d for d in dates if d.replace(day=1) == as_of.replace(day=1) and d < as_of
            and (d + dt.timedelta(days=1)).day != 1]


def changed_snapshots(new: pd.DataFrame, old: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """(customers whose stored row must go, rows to write) for one as-of date."""
    both = new.merge(old[["customer_id", *COLUMNS]], on="customer_id", how="outer",
                     suffixes=("", "_old"), indicator=True)
    same = both["_merge"] == "both"
    for column in COLUMNS:
        a, b = both[column], both[f"{column}_old"]
        if column in ROUNDED:
            a = pd.to_numeric(a).round(4)
            b = pd.to_numeric(b).round(4)
        same &= (a == b) | (a.isna() & b.isna())
    gone = both.loc[~same & (both["_merge"] != "left_only"), "customer_id"]
    write = both.loc[~same & (both["_merge"] != "right_only"), new.columns]
    return gone.to_numpy(dtype=np.int64), write


__all__ = ["changed_snapshots", "snapshot_rows", "superseded"]
