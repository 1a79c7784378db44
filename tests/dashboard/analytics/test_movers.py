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


def test_nothing_before_any_rise_above_the_floor_is_a_surge() -> None:
    out = mover_flags(np.array([1500.0, 999.0, -1000.0]), np.zeros(3), 1000, True)
    assert [None if pd.isna(m) else m for m in out["move"]] == ["surge", None, "drop"]
    assert out["growth_pct"].isna().all()
    assert list(out["change"]) == [1500.0, 999.0, -1000.0]


def test_orders_use_their_own_floor() -> None:
    assert flags([3, 1, 2, 0], [2, 2, 1, 2], 2, money=False) == [None, None, None, "drop"]
    assert flags([4, 6], [2, 0], 2, money=False) == ["surge", "surge"]


def test_negative_earlier_value_uses_its_size() -> None:
    out = mover_flags(np.array([1500.0]), np.array([-1000.0]), 1000, True)
    assert out["growth_pct"].iloc[0] == 250.0 and out["move"].iloc[0] == "surge"


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
