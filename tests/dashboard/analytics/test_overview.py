"""The cockpit's aggregates from a hand-built customer table (UI.md "Overview page")."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics.overview import (
    anonymous_revenue,
    cockpit_overview,
    kpi_totals,
    status_summary,
    tier_summary,
)
from dashboard.analytics.periods import period_bounds
from dashboard.analytics.table import customer_table

from .builders import AS_OF, DEFAULTS, customers_frame, days_frame, return_only, sale

PERIOD = period_bounds(AS_OF, "30d")
ANONYMOUS = pd.DataFrame({
    "day": pd.to_datetime(["2026-11-01", "2026-10-01", "2026-11-23", "2026-09-01"]),
    "revenue": [300.0, 200.0, 999.0, 50.0],
    "orders": [3, 2, 9, 1],
})


@functools.cache
def _table() -> pd.DataFrame:
    customers = customers_frame((1, "A"), (2, "B"), (3, "C", "Retail", "2026-11-01"), (4, "D"))
    days = days_frame(
        sale(1, "2026-10-10", 1000.0, 2), sale(1, "2026-11-10", 2000.0, costed=2000.0,
                                               cost=1500.0),
        sale(2, "2026-11-15", 500.0),
        sale(4, "2025-01-01", 100.0),
    )
    return customer_table(days, customers, AS_OF, PERIOD, DEFAULTS)


def test_kpis_with_anonymous_sales_in_total_revenue_only() -> None:
    k = kpi_totals(_table(), ANONYMOUS, PERIOD)
    expected = {
        "revenue": (2800.0, 1200.0),  # 2000 + 500 + 300 cash; 1000 + 200 cash
        "orders": (2, 2),
        "gross_margin": (500.0, 0.0),
        "buyers": (2, 1),
        "active": (2, 1),
        "new": (1, 1),  # B now; A's first order fell in the previous period
        "churning": (0, 0),
        "lost": (1, 1),
        "never": (1, 1),  # C did not exist yet at the end of the previous period
    }
    assert {name: (row.current, row.previous) for name, row in k.iterrows()} == expected
    assert k.loc["revenue", "change_pct"] == pytest.approx(1600 / 1200 * 100)
    assert k.loc["orders", "change_pct"] == 0.0
    assert np.isnan(k.loc["churning", "change_pct"])


def test_without_anonymous_sales() -> None:
    k = kpi_totals(_table(), None, PERIOD)
    assert (k.loc["revenue", "current"], k.loc["revenue", "previous"]) == (2500.0, 1000.0)


def test_kpi_change_of_a_returns_only_previous_period_is_empty() -> None:
    """Previous period: 300 of sales and 500 of returns (-200 net); now 900. The revenue card
    shows no percentage of a negative base (it read +550 % before); orders 1 -> 1, 0 %."""
    days = days_frame(sale(1, "2026-10-10", 300.0), return_only(2, "2026-10-12", 500.0),
                      sale(1, "2026-11-10", 900.0))
    table = customer_table(days, customers_frame((1, "A"), (2, "B")), AS_OF, PERIOD, DEFAULTS)
    k = kpi_totals(table, None, PERIOD)
    assert (k.loc["revenue", "current"], k.loc["revenue", "previous"]) == (900.0, -200.0)
    assert np.isnan(k.loc["revenue", "change_pct"])
    assert k.loc["orders", "change_pct"] == 0.0


def test_anonymous_revenue_bounds() -> None:
    assert anonymous_revenue(ANONYMOUS, "2026-11-01", "2026-11-22") == 300.0
    assert anonymous_revenue(ANONYMOUS, "2026-09-01", "2026-11-23") == 1549.0
    assert anonymous_revenue(ANONYMOUS.iloc[:0], "2026-09-01", "2026-11-23") == 0.0


def test_status_summary() -> None:
    s = status_summary(_table())
    # one-time buyers: B (one sale) and D (one sale in 2025); A bought on two days
    assert s["customers"].to_dict() == {"active": 2, "churning": 0, "lost": 1, "never": 1,
                                        "new": 1, "once": 2}
    assert s.loc["active", "share_pct"] == 50.0


def test_tier_summary() -> None:
    s = tier_summary(_table())
    assert s["customers"].to_dict() == {"A": 1, "B": 0, "C": 1, "D": 2}
    assert s["revenue"].to_dict() == {"A": 2000.0, "B": 0.0, "C": 500.0, "D": 0.0}
    assert s.loc["A", "revenue_pct"] == 80.0 and s.loc["D", "customer_pct"] == 50.0


def test_whole_overview() -> None:
    o = cockpit_overview(_table(), ANONYMOUS, PERIOD, top=5)
    assert o.tier_matrix.loc["A", "A"] == 1 and o.tier_matrix.loc["D", "D"] == 1
    assert int(o.tier_matrix.to_numpy().sum()) == 2
    surges = o.movers[("revenue", "surge")]
    assert list(surges["customer_code"]) == ["A"]  # +1,000; B's +500 is below the floor
    assert list(surges["revenue_change"]) == [1000.0]
    assert all(o.movers[key].empty for key in [("revenue", "drop"), ("orders", "surge"),
                                               ("orders", "drop")])
    assert o.kpis.loc["revenue", "current"] == 2800.0
    assert o.statuses.loc["never", "customers"] == 1
    assert o.tiers.loc["C", "customers"] == 1


def test_gross_margin_is_empty_when_no_unit_cost_is_known() -> None:
    """The cockpit shows the margin card only where unit costs are known: here none is."""
    days = days_frame(sale(1, "2026-10-10", 300.0), sale(1, "2026-11-10", 900.0))
    table = customer_table(days, customers_frame((1, "A"), (2, "B")), AS_OF, PERIOD, DEFAULTS)
    k = kpi_totals(table, None, PERIOD)
    assert np.isnan(k.loc["gross_margin", "current"])
    assert np.isnan(k.loc["gross_margin", "previous"])
    assert k.loc["revenue", "current"] == 900.0


def test_call_first_orders_by_money_at_risk_then_code() -> None:
    """K3 and K1 tie at 120.004 and 120.001 (the same to the cent): by code, K1 first; K2
    has nothing at risk and K4 no figure (no model): both left out; top 3 of 4."""
    from dashboard.analytics.overview import CALL_FIRST_COLUMNS, call_first

    table = pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5], "customer_code": ["K1", "K2", "K3", "K4", "K5"],
        "customer_name": list("abcde"), "account_manager": ["W", "W", "Z", "Z", None],
        "status": ["churning", "active", "lost", "active", "churning"],
        "one_time_buyer": [False, False, True, False, False],
        "money_at_risk": [120.001, 0.001, 120.004, np.nan, 500.0],
        "churn_probability": [0.6, 0.01, 0.9, np.nan, 0.7],
        "days_since_last_order": [40, 2, 200, 5, 30], "mean_gap_days": [10.0, 5, np.nan, 7, 9],
        "revenue_if_stayed": [200.0, 100, 133.3, 50, 714.3]})
    rows = call_first(table, top=3)
    assert rows["customer_code"].tolist() == ["K5", "K1", "K3"]
    assert list(rows.columns) == CALL_FIRST_COLUMNS
    assert call_first(table.iloc[:0]).empty
