"""The tables a customers, products or targets import writes, from the accepted rows."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.ingest.validate import Checked

CUSTOMER_COLUMNS = {"customer": "code", "customer_name": "name",
                    "customer_type": "customer_type", "region": "region",
                    "account_manager": "rep_name", "phone": "phone", "email": "email",
                    "created_date": "created_date"}
PRODUCT_COLUMNS = {"product": "code", "product_name": "name", "category": "category",
                   "tags": "tags", "unit_cost": "unit_cost", "list_price": "list_price"}
TARGET_COLUMNS = {"customer": "customer_code", "month": "month", "target": "amount"}


def _pick(good: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    present = {src: dst for src, dst in columns.items() if src in good}
    return (good[list(present)].rename(columns=present).replace("", np.nan)
            .reset_index(drop=True))


def customer_table(checked: Checked) -> pd.DataFrame:
    return _pick(checked.good(), CUSTOMER_COLUMNS)


def product_table(checked: Checked) -> pd.DataFrame:
    return _pick(checked.good(), PRODUCT_COLUMNS)


def target_table(checked: Checked) -> pd.DataFrame:
    return _pick(checked.good(), TARGET_COLUMNS)


def rep_names(frame: pd.DataFrame) -> list[str]:
    if "rep_name" not in frame:
        return []
    return sorted(set(frame["rep_name"].dropna()))
