"""The cockpit's aggregates, computed from a customer table (UI.md "Overview page").

The table may already be narrowed to the customers a user may see; anonymous (cash and guest)
sales are added to total revenue only, so a caller narrowing the table to one rep or team
passes no anonymous sales.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.analytics.abc import TIERS, tier_matrix
from dashboard.analytics.features import growth_pct
from dashboard.analytics.movers import KINDS, METRICS, top_movers
from dashboard.analytics.periods import Period
from dashboard.analytics.status import STATUSES

KPIS = ("revenue", "orders", "gross_margin", "buyers", "active", "new", "churning", "lost",
        "never")


@dataclass(frozen=True)
class Overview:
    kpis: pd.DataFrame  # index KPIS; columns current, previous, change_pct
    statuses: pd.DataFrame  # index STATUSES + new; customers, share_pct
    tiers: pd.DataFrame  # index A-D; customers, revenue, customer_pct, revenue_pct
    tier_matrix: pd.DataFrame  # previous tier x current tier
    movers: dict[tuple[str, str], pd.DataFrame]  # (metric, surge|drop) -> top rows


def anonymous_revenue(anonymous: pd.DataFrame | None, first: object, last: object) -> float:
    """Revenue of sales without a customer between two days (both included)."""
    if anonymous is None or anonymous.empty:
        return 0.0
    day = pd.to_datetime(anonymous["day"])
    inside = day.between(pd.Timestamp(first), pd.Timestamp(last)).to_numpy()
    return round(float(anonymous["revenue"].to_numpy(dtype=np.float64)[inside].sum()), 2)


def kpi_totals(table: pd.DataFrame, anonymous: pd.DataFrame | None,
               period: Period) -> pd.DataFrame:
    """The KPI cards: each figure for the period and the previous period, with the change in
    % (empty when the previous value is 0). The gross margin sums the customers whose lines
    have known unit costs; it is empty when no line of either period has one."""
    first = table["first_order_date"]
    prev_start, prev_end = pd.Timestamp(period.prev_start), pd.Timestamp(period.prev_end)
    existed_before = (first <= prev_end).to_numpy() | ~(
        table["created_date"] > prev_end).to_numpy(dtype=bool, na_value=False)
    current = {
        "revenue": round(_money(table["revenue"]) + anonymous_revenue(
            anonymous, period.start, period.end), 2),
        "orders": int(table["orders"].sum()),
        "gross_margin": _money(table["gross_margin"]),
        "buyers": int((table["orders"] > 0).sum()),
        "new": int(table["is_new"].sum()),
        **_counts(table["status"]),
    }
    previous = {
        "revenue": round(_money(table["revenue_prev"]) + anonymous_revenue(
            anonymous, period.prev_start, period.prev_end), 2),
        "orders": int(table["orders_prev"].sum()),
        "gross_margin": _money(table["gross_margin_prev"]),
        "buyers": int((table["orders_prev"] > 0).sum()),
        "new": int(first.between(prev_start, prev_end).sum()),
        **_counts(table["status_prev"][existed_before]),
    }
    frame = pd.DataFrame({"current": pd.Series(current), "previous": pd.Series(previous)})
    frame = frame.reindex(list(KPIS)).astype(np.float64)
    if not (table["gross_margin"].notna().any() or table["gross_margin_prev"].notna().any()):
        frame.loc["gross_margin"] = np.nan  # no unit cost known in either period: no figure
    return frame.assign(change_pct=growth_pct(frame["current"], frame["previous"]))


def _money(values: pd.Series) -> float:
    return round(float(values.sum(skipna=True)), 2)


def _counts(status: pd.Series) -> dict[str, int]:
    counts = status.value_counts()
    return {s: int(counts.get(s, 0)) for s in STATUSES}


def status_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Customers per status (and new, and one-time buyers), with their share of all
    customers in %."""
    counts = pd.Series(_counts(table["status"])).reindex(list(STATUSES))
    counts["new"] = int(table["is_new"].sum())
    counts["once"] = int(table["one_time_buyer"].to_numpy(dtype=bool, na_value=False).sum())
    share = counts / len(table) * 100 if len(table) else counts * np.nan
    return pd.DataFrame({"customers": counts.astype(np.int64), "share_pct": share})


CALL_FIRST = 8
CALL_FIRST_COLUMNS = ["customer_id", "customer_code", "customer_name", "account_manager",
                      "status", "one_time_buyer", "money_at_risk", "churn_probability",
                      "days_since_last_order", "mean_gap_days", "revenue_if_stayed"]


def call_first(table: pd.DataFrame, top: int = CALL_FIRST) -> pd.DataFrame:
    """The customers most worth a call today: money at risk (to the cent) highest first,
    ties by customer code; customers with nothing at risk are left out."""
    risk = table["money_at_risk"].to_numpy(dtype=np.float64, na_value=np.nan)
    keep = np.flatnonzero(np.round(np.nan_to_num(risk, nan=0.0), 2) > 0)
    rows = table.iloc[keep]
    order = np.lexsort([rows["customer_code"].to_numpy(dtype=str),
                        -np.round(risk[keep], 2)])[:top]
    return rows.iloc[order][CALL_FIRST_COLUMNS].reset_index(drop=True)


def tier_summary(table: pd.DataFrame, column: str = "abc_tier",
                 revenue: str = "revenue") -> pd.DataFrame:
    """Customers and revenue per tier, with each tier's share in %."""
    grouped = (table.groupby(column, observed=True)[revenue]
               .agg(customers="size", revenue="sum")
               .reindex(list(TIERS), fill_value=0))
    total_customers, total_revenue = grouped["customers"].sum(), grouped["revenue"].sum()
    return grouped.assign(
        customers=lambda f: f["customers"].astype(np.int64),
        revenue=lambda f: f["revenue"].round(2),
        customer_pct=lambda f: f["customers"] / total_customers * 100 if total_customers
        else np.nan,
        revenue_pct=lambda f: f["revenue"] / total_revenue * 100 if total_revenue else np.nan,
    ).rename_axis(index="abc_tier")


def cockpit_overview(table: pd.DataFrame, anonymous: pd.DataFrame | None, period: Period,
                     top: int = 10) -> Overview:
    """Everything the overview page shows, from one customer table."""
    return Overview(
        kpis=kpi_totals(table, anonymous, period),
        statuses=status_summary(table),
        tiers=tier_summary(table),
        tier_matrix=tier_matrix(table["abc_tier_prev"], table["abc_tier"]),
        movers={(m, k): top_movers(table, m, k, top) for m in METRICS for k in KINDS},
    )


__all__ = ["CALL_FIRST", "CALL_FIRST_COLUMNS", "KPIS", "Overview", "anonymous_revenue",
           "call_first", "cockpit_overview", "kpi_totals", "status_summary", "tier_summary"]
