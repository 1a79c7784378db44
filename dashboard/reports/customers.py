"""The customer export: one row per customer, the columns of the ``cockpit export customers``
command and of the list pages' CSV, in a fixed order with fixed rounding (so that the same
data gives byte-identical files on SQLite and PostgreSQL)."""

from __future__ import annotations

import pandas as pd

from dashboard.reports.reasons import churn_reasons

EXPORT_COLUMNS = [
    "customer_code", "customer_name", "customer_type", "region", "account_manager", "status",
    "is_new", "abc_tier", "abc_tier_prev", "tier_move", "action", "revenue", "revenue_prev",
    "growth_pct", "orders", "orders_prev", "gross_margin", "margin_pct", "first_order_date",
    "last_order_date", "days_since_last_order", "mean_gap_days", "risk_score",
    "risk_score_prev", "risk_change_pct", "churn_probability", "expected_orders_next_90d",
    "expected_value_next_90d", "reason",
]
_ROUND = {
    "revenue": 2, "revenue_prev": 2, "gross_margin": 2, "expected_value_next_90d": 2,
    "growth_pct": 2, "margin_pct": 2, "risk_change_pct": 2, "mean_gap_days": 2,
    "risk_score": 4, "risk_score_prev": 4, "churn_probability": 4,
    "expected_orders_next_90d": 4,
}
_DATES = ("first_order_date", "last_order_date")


def export_frame(table: pd.DataFrame, language: str = "en") -> pd.DataFrame:
    """The export columns of a customer table (as built by the figures service); the reason
    in ``language``."""
    frame = table.assign(reason=churn_reasons(table, language)).reindex(columns=EXPORT_COLUMNS)
    rounded = {c: frame[c].astype("float64").round(d) for c, d in _ROUND.items()}
    dates = {c: pd.to_datetime(frame[c]).dt.strftime("%Y-%m-%d") for c in _DATES}
    return frame.assign(
        **rounded, **dates,
        is_new=frame["is_new"].astype("boolean").map({True: "yes", False: "no"}),
        days_since_last_order=frame["days_since_last_order"].astype("Int64"),
        orders=frame["orders"].astype("Int64"),
        orders_prev=frame["orders_prev"].astype("Int64"),
    )
