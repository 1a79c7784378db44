"""Surges and drops (SPEC.md "Surges and drops"): last 30 days against the 30 before.

As of 2026-11-22 the last 30 days are 2026-10-24..2026-11-22 and the 30 before
2026-09-24..2026-10-23, whatever the period shown.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analytics.movers import mover_flags, top_movers
from dashboard.analytics.settings import FigureSettings
from dashboard.analytics.table import customer_table

from .builders import AS_OF, DEFAULTS, customers_frame, days_frame, return_only, row_of, sale


def flags(now: list[float], before: list[float], floor: float, money: bool = True) -> list:
    out = mover_flags(np.array(now), np.array(before), floor, money)
    return [None if pd.isna(m) else m for m in out["move"]]


def test_exactly_fifty_percent_is_a_surge_or_a_drop() -> None:
    assert flags([3000.0, 2999.99], [2000.0, 2000.0], 1000) == ["surge", None]
    assert flags([1000.0, 1000.01], [2000.0, 2000.0], 1000) == ["drop", None]


def test_the_absolute_floor_keeps_tiny_customers_out() -> None:
    # +100 % but only 500 more; -60 % but 600 less; +1000 exactly reaches the floor
    assert flags([1000.0, 400.0, 2000.0], [500.0, 1000.0, 1000.0], 1000) == [None, None,
                                                                              "surge"]


def test_nothing_before_a_later_value_of_at_least_the_floor_is_a_surge() -> None:
    # from 0: 1,500 and exactly 1,000 are surges, 999.99 is not; falling into returns from
    # nothing is no drop (there is no drop from nothing)
    out = mover_flags(np.array([1500.0, 1000.0, 999.99, -1000.0]), np.zeros(4), 1000, True)
    assert [None if pd.isna(m) else m for m in out["move"]] == ["surge", "surge", None, None]
    assert out["growth_pct"].isna().all()
    assert list(out["change"]) == [1500.0, 1000.0, 999.99, -1000.0]


def test_orders_use_their_own_floor() -> None:
    assert flags([3, 1, 2, 0], [2, 2, 1, 2], 2, money=False) == [None, None, None, "drop"]
    assert flags([4, 6], [2, 0], 2, money=False) == ["surge", "surge"]


def test_returns_only_earlier_period_is_a_base_of_nothing() -> None:
    # earlier 30 days: net returns of 1,000 (or 800). Growth is empty; a surge needs the
    # later 30 days themselves to reach the floor: 1,500 and 1,000 yes; 300 no although it
    # is 1,100 more than -800; 0 (+1,000 against -1,000, "+100 %" before) never.
    out = mover_flags(np.array([1500.0, 1000.0, 300.0, 0.0, -2500.0]),
                      np.array([-1000.0, -1000.0, -800.0, -1000.0, -1000.0]), 1000, True)
    assert [None if pd.isna(m) else m for m in out["move"]] == ["surge", "surge", None, None,
                                                                 None]
    assert out["growth_pct"].isna().all()
    assert list(out["change"]) == [2500.0, 2000.0, 1100.0, 1000.0, -1500.0]


def test_returns_only_later_period_is_never_a_surge_and_may_be_a_drop() -> None:
    # 2,000 -> -300 (returns only): change -2,300, growth (-300 - 2000) / 2000 = -115 %
    # 600 -> -500: -1,100 and -183.33 %, a drop; 600 -> -300: -900, under the floor
    out = mover_flags(np.array([-300.0, -500.0, -300.0]), np.array([2000.0, 600.0, 600.0]),
                      1000, True)
    assert [None if pd.isna(m) else m for m in out["move"]] == ["drop", "drop", None]
    assert out["growth_pct"].tolist() == pytest.approx([-115.0, -1100 / 6, -150.0])


def test_orders_from_nothing_need_the_order_floor() -> None:
    # orders 0 -> 2 is a surge at the default floor of 2 orders, 0 -> 1 is not, 0 -> 0 never
    out = mover_flags(np.array([2, 1, 0]), np.array([0, 0, 0]), 2, False)
    assert [None if pd.isna(m) else m for m in out["move"]] == ["surge", None, None]
    assert out["growth_pct"].isna().all()


@functools.cache
def _table(period: str = "90d", settings: FigureSettings = DEFAULTS) -> pd.DataFrame:
    customers = customers_frame((1, "UP"), (2, "DOWN"), (3, "SMALL"), (4, "BOTH"), (5, "EDGE"),
                                (6, "BIG"))
    days = days_frame(
        sale(1, "2026-10-10", 2000.0), sale(1, "2026-11-10", 3000.0),
        sale(2, "2026-10-10", 4000.0, 4), sale(2, "2026-11-10", 1000.0, 1),
        sale(3, "2026-10-10", 10.0), sale(3, "2026-11-10", 100.0),
        sale(4, "2026-11-10", 5000.0, 3),
        sale(5, "2026-09-23", 9999.0),  # the day before the earlier 30 days
        sale(5, "2026-09-24", 2000.0), sale(5, "2026-11-23", 9999.0),  # after the as-of date
        sale(6, "2026-10-23", 10_000.0), sale(6, "2026-10-24", 20_000.0),
        return_only(6, "2026-11-22", 1000.0),
    )
    return customer_table(days, customers, AS_OF, period, settings)


@pytest.mark.parametrize("period", ["30d", "90d", "month"])
def test_movers_in_the_table_do_not_depend_on_the_period(period: str) -> None:
    t = _table(period)
    up, down = row_of(t, "UP"), row_of(t, "DOWN")
    assert (up.revenue_prev_30d, up.revenue_30d, up.revenue_change) == (2000.0, 3000.0, 1000.0)
    assert (up.revenue_growth_pct, up.revenue_move) == (50.0, "surge")
    assert (down.revenue_move, down.orders_move) == ("drop", "drop")
    assert (down.orders_prev_30d, down.orders_30d, down.orders_change) == (4, 1, -3)
    assert down.orders_growth_pct == -75.0
    assert pd.isna(row_of(t, "SMALL").revenue_move)  # +900 %, but only 90
    both = row_of(t, "BOTH")
    assert (both.revenue_move, both.orders_move) == ("surge", "surge")
    assert math.isnan(both.revenue_growth_pct)
    edge = row_of(t, "EDGE")
    assert (edge.revenue_prev_30d, edge.revenue_30d, edge.revenue_move) == (2000.0, 0.0, "drop")
    big = row_of(t, "BIG")  # 10,000 -> 19,000 after a return: +90 %
    assert (big.revenue_prev_30d, big.revenue_30d, big.revenue_move) == (10_000.0, 19_000.0,
                                                                         "surge")


def test_top_movers_largest_change_first() -> None:
    t = _table()
    surges = top_movers(t, "revenue", "surge")
    assert list(surges["customer_code"]) == ["BIG", "BOTH", "UP"]
    assert list(surges["revenue_change"]) == [9000.0, 5000.0, 1000.0]
    assert list(top_movers(t, "revenue", "drop")["customer_code"]) == ["DOWN", "EDGE"]
    assert list(top_movers(t, "orders", "drop")["customer_code"]) == ["DOWN"]
    assert list(top_movers(t, "revenue", "surge", n=1)["customer_code"]) == ["BIG"]
    with pytest.raises(ValueError, match="Unknown mover list"):
        top_movers(t, "margin", "surge")


def test_floors_are_settings() -> None:
    t = _table(settings=FigureSettings(mover_min_revenue=50.0, mover_min_orders=1))
    assert row_of(t, "SMALL").revenue_move == "surge"


def test_returns_only_customers_in_the_table_and_the_top_lists() -> None:
    """Earlier 30 days 2026-09-24..2026-10-23, later 2026-10-24..2026-11-22."""
    customers = customers_frame((1, "RET"), (2, "BACK"), (3, "GONE"), (4, "TIE-B"),
                                (5, "TIE-A"), (6, "NEW"))
    days = days_frame(
        return_only(1, "2026-10-01", 1000.0),  # returns only, then nothing: was "+100 %"
        return_only(2, "2026-10-01", 1000.0), sale(2, "2026-11-01", 1000.0),  # at the floor
        sale(3, "2026-10-01", 3000.0), return_only(3, "2026-11-01", 200.0),  # into returns
        sale(4, "2026-10-01", 1000.0), sale(4, "2026-11-01", 2500.0),  # +1,500, +150 %
        sale(5, "2026-10-01", 2000.0), sale(5, "2026-11-01", 3500.0),  # +1,500, +75 %
        sale(6, "2026-11-02", 1500.0),  # from nothing: +1,500
    )
    t = customer_table(days, customers, AS_OF, "30d", DEFAULTS)
    ret = row_of(t, "RET")
    assert (ret.revenue_prev_30d, ret.revenue_30d, ret.revenue_change) == (-1000.0, 0.0, 1000.0)
    assert pd.isna(ret.revenue_move) and math.isnan(ret.revenue_growth_pct)
    assert math.isnan(ret.growth_pct)  # the period figure too (30 d: the same two windows)
    back = row_of(t, "BACK")
    assert (back.revenue_move, back.revenue_change) == ("surge", 2000.0)
    assert math.isnan(back.revenue_growth_pct)
    gone = row_of(t, "GONE")
    assert (gone.revenue_30d, gone.revenue_move) == (-200.0, "drop")
    assert gone.revenue_growth_pct == pytest.approx(-3200 / 30)
    surges = top_movers(t, "revenue", "surge")
    # BACK +2,000; then three of +1,500 by customer code
    assert list(surges["customer_code"]) == ["BACK", "NEW", "TIE-A", "TIE-B"]
    assert list(surges["revenue_change"]) == [2000.0, 1500.0, 1500.0, 1500.0]
    assert list(top_movers(t, "revenue", "drop")["customer_code"]) == ["GONE"]
    assert "RET" not in set(top_movers(t, "orders", "surge")["customer_code"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(-500_000, 500_000), st.integers(-500_000, 500_000)),
                min_size=1, max_size=30), st.integers(0, 300_000))
def test_mover_rules_hold_for_any_cents(pairs: list, floor_cents: int) -> None:
    """Whatever the amounts (in cents): no surge without revenue in the later 30 days, no
    drop from nothing, growth empty exactly when the earlier value is 0 or below, and each
    flag exactly as SPEC.md words it."""
    now = np.array([p[0] for p in pairs]) / 100
    before = np.array([p[1] for p in pairs]) / 100
    out = mover_flags(now, before, floor_cents / 100, True)
    move = out["move"].astype(object)
    for (n, b), m, g in zip(pairs, move, out["growth_pct"], strict=True):
        change = n - b
        surge = n > 0 and (change >= floor_cents and change * 100 >= b * 50 if b > 0
                           else n >= floor_cents)
        drop = b > 0 and -change >= floor_cents and -change * 100 >= b * 50
        assert (m == "surge", m == "drop") == (surge, drop)
        assert math.isnan(g) == (b <= 0)
        if b > 0:
            assert g == pytest.approx((n - b) / b * 100)
