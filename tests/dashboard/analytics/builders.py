"""Small hand-built inputs for the figure tests (the frames of dashboard/analytics/__init__)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.analytics.settings import FigureSettings

AS_OF = dt.date(2026, 11, 22)
DEFAULTS = FigureSettings()
DAY_COLUMNS = ["customer_id", "day", "revenue", "orders", "return_orders", "return_amount",
               "costed_revenue", "cost", "coupon_orders"]


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def ago(days: int, as_of: dt.date = AS_OF) -> dt.date:
    return as_of - dt.timedelta(days=days)


def sale(customer_id: int, day: dt.date | str, revenue: float, orders: int = 1, *,
         returned: float = 0.0, costed: float = 0.0, cost: float = 0.0,
         coupon_orders: int = 0) -> dict:
    """A day with ``orders`` purchase orders worth ``revenue`` net of ``returned`` (> 0)."""
    return {"customer_id": customer_id, "day": pd.Timestamp(day), "revenue": revenue,
            "orders": orders, "return_orders": 0, "return_amount": -returned,
            "costed_revenue": costed, "cost": cost, "coupon_orders": coupon_orders}


def return_only(customer_id: int, day: dt.date | str, amount: float, count: int = 1) -> dict:
    """A day with only return orders worth ``amount`` (> 0) back to the customer."""
    return {"customer_id": customer_id, "day": pd.Timestamp(day), "revenue": -amount,
            "orders": 0, "return_orders": count, "return_amount": -amount,
            "costed_revenue": 0.0, "cost": 0.0, "coupon_orders": 0}


def days_frame(*rows: dict) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=DAY_COLUMNS)
    return frame.astype({"customer_id": "int64", "day": "datetime64[ns]", "revenue": "float64",
                         "orders": "int64", "return_orders": "int64",
                         "return_amount": "float64", "costed_revenue": "float64",
                         "cost": "float64", "coupon_orders": "int64"})


def customers_frame(*specs: tuple) -> pd.DataFrame:
    """Rows of (customer_id, code[, customer_type[, created_date]])."""
    rows = []
    for spec in specs:
        cid, code = spec[0], spec[1]
        kind = spec[2] if len(spec) > 2 else "Retail"
        created = pd.Timestamp(spec[3]) if len(spec) > 3 else pd.NaT
        rows.append({"customer_id": cid, "code": code, "name": f"Name {code}",
                     "customer_type": kind, "region": "North", "rep_id": 1,
                     "account_manager": "Rep One", "team_id": 1, "created_date": created})
    return pd.DataFrame(rows)


def one_customer(code: str = "C1", kind: str = "Retail") -> pd.DataFrame:
    return customers_frame((1, code, kind))


def row_of(table: pd.DataFrame, code: str) -> pd.Series:
    rows = table.loc[table["customer_code"] == code]
    assert len(rows) == 1, f"{code}: {len(rows)} rows"
    return rows.iloc[0]
