"""Per-customer figures (SPEC.md "Time" and "Figures, per customer"), hand-computed.

As of 2026-11-22 with the 30-day period: the period is 2026-10-24..2026-11-22 and the previous
period 2026-09-24..2026-10-23.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics.features import growth_pct
from dashboard.analytics.table import customer_table

from .builders import (
    AS_OF,
    DEFAULTS,
    ago,
    customers_frame,
    d,
    days_frame,
    one_customer,
    return_only,
    row_of,
    sale,
)


def table(days: pd.DataFrame, customers: pd.DataFrame, period: str = "30d",
          as_of=AS_OF) -> pd.DataFrame:  # noqa: ANN001
    return customer_table(days, customers, as_of, period, DEFAULTS)


def test_period_bounds_first_and_last_day_in_day_before_out() -> None:
    days = days_frame(
        sale(1, "2026-09-23", 100_000),  # day before the previous period: out
        sale(1, "2026-09-24", 10_000),  # first day of the previous period
        sale(1, "2026-10-23", 1_000),  # last day of the previous period
        sale(1, "2026-10-24", 100),  # first day of the period
        sale(1, "2026-11-22", 10),  # as-of date: last day of the period
        sale(1, "2026-11-23", 1),  # after the as-of date: ignored
    )
    r = row_of(table(days, one_customer()), "C1")
    assert (r.revenue, r.orders) == (110.0, 2)
    assert (r.revenue_prev, r.orders_prev) == (11_000.0, 2)
    assert r.last_order_date == pd.Timestamp("2026-11-22")
    assert r.days_since_last_order == 0
    assert r.first_order_date == pd.Timestamp("2026-09-23")


def test_returns_lower_revenue_but_are_not_orders_or_purchase_days() -> None:
    days = days_frame(
        sale(1, "2026-11-01", 80.0, 2, returned=20.0),  # mixed day: 100 sold, 20 returned
        return_only(1, "2026-11-05", 30.0),  # return-only order
    )
    r = row_of(table(days, one_customer()), "C1")
    assert r.revenue == 50.0
    assert (r.orders, r.return_orders) == (2, 1)
    assert r.returned_value == 50.0
    assert r.return_rate_pct == pytest.approx(50.0 / 100.0 * 100)
    assert r.purchase_days == 1
    assert r.last_order_date == pd.Timestamp("2026-11-01")  # the return is not an order
    assert r.days_since_last_order == 21
    assert r.avg_order_value == 25.0


def test_return_only_customer_has_never_traded() -> None:
    days = days_frame(return_only(1, "2026-11-05", 30.0))
    r = row_of(table(days, one_customer()), "C1")
    assert (r.revenue, r.orders, r.return_orders) == (-30.0, 0, 1)
    assert pd.isna(r.first_order_date) and pd.isna(r.risk_score)
    assert r.status == "never"
    assert r.abc_tier == "D"


def test_same_day_orders_are_one_purchase_occasion_and_separate_orders() -> None:
    days = days_frame(sale(1, "2026-11-01", 30.0, 3), sale(1, "2026-11-11", 10.0, 1))
    r = row_of(table(days, one_customer()), "C1")
    assert r.orders == 4
    assert r.purchase_days == 2
    assert r.mean_gap_days == 10.0  # not 10 / 3
    assert r.risk_score == pytest.approx(11 / 10)
    assert r.avg_order_value == 10.0


def test_gross_margin_only_where_unit_costs_are_known() -> None:
    days = days_frame(sale(1, "2026-11-01", 120.0, costed=80.0, cost=50.0),
                      sale(2, "2026-11-01", 120.0),
                      sale(1, "2026-10-01", 40.0, costed=40.0, cost=10.0))
    t = table(days, customers_frame((1, "C1"), (2, "C2")))
    r1, r2 = row_of(t, "C1"), row_of(t, "C2")
    assert (r1.gross_margin, r1.margin_pct) == (30.0, 37.5)
    assert r1.gross_margin_prev == 30.0
    assert math.isnan(r2.gross_margin) and math.isnan(r2.margin_pct)


def test_growth_pct_and_its_empty_case() -> None:
    days = days_frame(
        sale(1, "2026-10-01", 100.0), sale(1, "2026-11-01", 150.0),  # +50 %
        sale(2, "2026-11-01", 150.0),  # nothing before: empty
        return_only(3, "2026-10-01", 50.0), sale(3, "2026-11-01", 100.0),  # -50 before
        sale(4, "2026-10-01", 200.0),  # nothing now: -100 %
        return_only(5, "2026-10-01", 80.0),  # returns only before, nothing now
        sale(6, "2026-10-01", 200.0), return_only(6, "2026-11-01", 30.0),  # returns only now
    )
    t = table(days, customers_frame((1, "C1"), (2, "C2"), (3, "C3"), (4, "C4"), (5, "C5"),
                                    (6, "C6")))
    assert row_of(t, "C1").growth_pct == 50.0
    assert math.isnan(row_of(t, "C2").growth_pct)
    assert row_of(t, "C3").revenue_prev == -50.0
    assert math.isnan(row_of(t, "C3").growth_pct)  # no percentage of a negative base
    assert row_of(t, "C4").growth_pct == -100.0
    assert (row_of(t, "C5").revenue_prev, row_of(t, "C5").revenue) == (-80.0, 0.0)
    assert math.isnan(row_of(t, "C5").growth_pct)  # not "+100 %"
    assert row_of(t, "C6").growth_pct == pytest.approx(-115.0)  # (-30 - 200) / 200


def test_growth_pct_function() -> None:
    out = growth_pct(np.array([150.0, 5.0, 0.0, 100.0, 0.0, -10.0, 7.0]),
                     np.array([100.0, 0.0, 0.0, -50.0, -0.01, 40.0, np.nan]))
    assert out[0] == 50.0 and out[5] == -125.0
    assert np.isnan(out[[1, 2, 3, 4, 6]]).all()


def test_mean_gap_over_the_last_365_days() -> None:
    days = days_frame(sale(1, ago(400), 1.0), sale(1, ago(100), 1.0), sale(1, ago(40), 1.0),
                      sale(1, ago(10), 1.0))
    r = row_of(table(days, one_customer()), "C1")
    assert r.mean_gap_days == 45.0  # (100 - 10) / 2, the day 400 days ago is outside
    assert r.risk_score == pytest.approx(10 / 45)
    assert not r.gap_borrowed


def test_mean_gap_window_edge() -> None:
    """364 days before the as-of date is inside the 365-day window; 365 days before is not."""
    days = days_frame(sale(1, ago(365), 1.0), sale(1, ago(364), 1.0), sale(1, ago(4), 1.0))
    r = row_of(table(days, one_customer()), "C1")
    assert r.mean_gap_days == 360.0


def test_mean_gap_falls_back_to_all_history() -> None:
    days = days_frame(sale(1, ago(700), 1.0), sale(1, ago(500), 1.0), sale(1, ago(30), 1.0))
    r = row_of(table(days, one_customer()), "C1")
    assert r.mean_gap_days == 335.0  # (700 - 30) / 2: one purchase day in the window
    assert r.risk_score == pytest.approx(30 / 335)


def test_one_purchase_customers_borrow_the_median_gap_of_their_type() -> None:
    customers = customers_frame(
        (1, "R1", "Retail"), (2, "R2", "Retail"), (3, "R3", "Retail"), (4, "T1", "Trade"),
        (5, "R-ONE", "Retail"), (6, "T-ONE", "Trade"), (7, "D-ONE", "Distributor"))
    days = days_frame(
        sale(1, ago(20), 1.0), sale(1, ago(10), 1.0),  # gap 10
        sale(2, ago(50), 1.0), sale(2, ago(30), 1.0),  # gap 20
        sale(3, ago(200), 1.0), sale(3, ago(80), 1.0), sale(3, ago(20), 1.0),  # gap 90
        sale(4, ago(300), 1.0), sale(4, ago(200), 1.0),  # gap 100
        sale(5, ago(30), 1.0), sale(6, ago(50), 1.0), sale(7, ago(60), 1.0),
    )
    t = table(days, customers)
    assert row_of(t, "R-ONE").mean_gap_days == 20.0  # median of 10, 20, 90
    assert row_of(t, "R-ONE").risk_score == 1.5
    assert row_of(t, "T-ONE").mean_gap_days == 100.0
    assert row_of(t, "T-ONE").risk_score == 0.5
    # no repeat Distributor: the median of every repeat customer (10, 20, 90, 100)
    assert row_of(t, "D-ONE").mean_gap_days == 55.0
    assert row_of(t, "R-ONE").gap_borrowed and not row_of(t, "R1").gap_borrowed


def test_without_any_repeat_customer_the_gap_stays_empty() -> None:
    days = days_frame(sale(1, ago(30), 1.0), sale(2, ago(400), 1.0))
    t = table(days, customers_frame((1, "C1"), (2, "C2")))
    assert t["mean_gap_days"].isna().all() and t["risk_score"].isna().all()
    assert row_of(t, "C1").status == "active"  # the day rule alone
    assert row_of(t, "C2").status == "lost"


def test_risk_score_prev_is_computed_as_of_the_previous_periods_last_day() -> None:
    days = days_frame(sale(1, "2026-10-03", 1.0), sale(1, "2026-10-13", 1.0),
                      sale(1, "2026-11-12", 1.0),
                      sale(2, "2026-10-13", 1.0), sale(2, "2026-10-23", 1.0))
    t = table(days, customers_frame((1, "C1"), (2, "C2")))
    r = row_of(t, "C1")
    # as of 2026-10-23: gap 10, 10 days since; as of 2026-11-22: gap 20, 10 days since
    assert (r.mean_gap_days_prev, r.days_since_last_order_prev, r.risk_score_prev) == (
        10.0, 10, 1.0)
    assert (r.mean_gap_days, r.risk_score) == (20.0, 0.5)
    assert r.risk_change_pct == -50.0
    r2 = row_of(t, "C2")  # bought on the previous period's last day: risk 0 before
    assert r2.risk_score_prev == 0.0 and math.isnan(r2.risk_change_pct)
    assert r2.risk_score == 3.0


def test_customer_without_orders() -> None:
    r = row_of(table(days_frame(), one_customer()), "C1")
    assert (r.revenue, r.orders, r.revenue_prev, r.orders_prev, r.purchase_days) == (0, 0, 0, 0,
                                                                                     0)
    assert pd.isna(r.first_order_date) and pd.isna(r.last_order_date)
    assert pd.isna(r.days_since_last_order) and math.isnan(r.risk_score)
    assert math.isnan(r.growth_pct) and math.isnan(r.avg_order_value)
    assert (r.status, r.is_new, r.abc_tier, r.action) == ("never", False, "D", "call")
    assert pd.isna(r.abc_tier_prev) and pd.isna(r.tier_move)


def test_coupon_rate_and_average_order_value() -> None:
    days = days_frame(sale(1, "2026-11-01", 300.0, 3, coupon_orders=1),
                      sale(1, "2026-11-02", 100.0, 1))
    r = row_of(table(days, one_customer()), "C1")
    assert (r.coupon_orders, r.coupon_rate_pct, r.avg_order_value) == (1, 25.0, 100.0)


def test_money_sums_are_exact_to_the_cent() -> None:
    days = days_frame(*[sale(1, f"2026-11-{i:02d}", 0.1) for i in range(1, 4)])
    assert row_of(table(days, one_customer()), "C1").revenue == 0.3


def test_rows_after_the_as_of_date_change_nothing() -> None:
    base = days_frame(sale(1, "2026-10-01", 50.0), sale(1, "2026-11-20", 70.0))
    later = days_frame(sale(1, "2026-10-01", 50.0), sale(1, "2026-11-20", 70.0),
                       sale(1, "2026-11-23", 999.0, 4), return_only(1, "2027-01-01", 5.0))
    customers = one_customer()
    pd.testing.assert_frame_equal(table(base, customers), table(later, customers))


def test_rows_of_unknown_customers_are_ignored() -> None:
    days = days_frame(sale(1, "2026-11-01", 50.0), sale(99, "2026-11-01", 500.0))
    t = table(days, one_customer())
    assert list(t["customer_id"]) == [1] and t["revenue"].sum() == 50.0


def test_rows_without_a_day_are_ignored() -> None:
    days = days_frame(sale(1, "2026-11-01", 50.0), sale(1, "2026-11-02", 7.0))
    days.loc[1, "day"] = pd.NaT
    r = row_of(table(days, one_customer()), "C1")
    assert (r.revenue, r.purchase_days) == (50.0, 1)


def test_dates_as_python_dates_are_accepted() -> None:
    days = days_frame(sale(1, "2026-11-01", 50.0)).astype({"day": "object"})
    days["day"] = [d("2026-11-01")]
    assert row_of(table(days, one_customer()), "C1").revenue == 50.0
