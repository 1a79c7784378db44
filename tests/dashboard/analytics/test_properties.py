"""Rules that hold for every input (hypothesis), checked against direct computations."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analytics.abc import TIERS
from dashboard.analytics.settings import FigureSettings
from dashboard.analytics.status import STATUSES
from dashboard.analytics.table import customer_table

from .builders import AS_OF, DAY_COLUMNS, customers_frame, days_frame

TYPES = ("Retail", "Trade", "Distributor")
FAST = settings(max_examples=25, deadline=None)


@st.composite
def inputs(draw: st.DrawFn, max_customers: int = 6) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Customers with distinct codes and consistent customer-day rows (a day with no
    purchase order is a return-only day with revenue <= 0)."""
    n = draw(st.integers(1, max_customers))
    codes = draw(st.lists(st.text("ABCXYZ", min_size=1, max_size=3), min_size=n, max_size=n,
                          unique=True))
    kinds = draw(st.lists(st.sampled_from(TYPES), min_size=n, max_size=n))
    customers = customers_frame(*[(i + 1, codes[i], kinds[i]) for i in range(n)])
    row = st.tuples(st.integers(1, n + 1), st.integers(-800, 0), st.integers(0, 3),
                    st.integers(-5_000, 200_000), st.booleans())
    rows = draw(st.lists(row, max_size=25, unique_by=lambda r: (r[0], r[1])))
    return days_frame(*[_row(*r) for r in rows]), customers


def _row(cid: int, offset: int, orders: int, cents: int, coupon: bool) -> dict:
    revenue = cents / 100 if orders else -abs(cents) / 100
    return {"customer_id": cid, "day": pd.Timestamp(AS_OF + dt.timedelta(days=offset)),
            "revenue": revenue, "orders": orders, "return_orders": 0 if orders else 1,
            "return_amount": min(revenue, 0.0), "costed_revenue": revenue,
            "cost": round(revenue * 0.5, 2), "coupon_orders": int(coupon and orders > 0)}


def _table(days: pd.DataFrame, customers: pd.DataFrame,
           rules: FigureSettings | None = None, period: str = "30d") -> pd.DataFrame:
    return customer_table(days, customers, AS_OF, period, rules or FigureSettings())


@FAST
@given(inputs(), st.sampled_from(["dynamic", "fixed"]), st.sampled_from(["30d", "month"]))
def test_tiers_partition_the_customers(data: tuple, method: str, period: str) -> None:
    days, customers = data
    rules = FigureSettings(abc_method=method, abc_a_min=1000, abc_b_min=500, abc_c_min=100)
    t = _table(days, customers, rules, period)
    assert len(t) == len(customers) and t["customer_id"].is_unique
    assert t["abc_tier"].notna().all() and set(t["abc_tier"]) <= set(TIERS)
    assert ((t["abc_tier"] == "D") | (t["revenue"] > 0)).all()  # D whenever no revenue
    if method == "dynamic":
        assert (t["abc_tier"] == "D").sum() == (t["revenue"] <= 0).sum()


@FAST
@given(inputs(), st.floats(0, 100), st.floats(0, 100))
def test_dynamic_a_is_exactly_the_customers_whose_share_before_is_below_a_share(
        data: tuple, a_share: float, b_share: float) -> None:
    days, customers = data
    b_share = min(b_share, 100 - a_share)
    rules = FigureSettings(abc_a_share=a_share, abc_b_share=b_share)
    t = _table(days, customers, rules)
    buyers = sorted(
        ((round(r.revenue * 100), r.customer_code) for r in t.itertuples() if r.revenue > 0),
        key=lambda x: (-x[0], x[1]))
    total = sum(c for c, _ in buyers)
    expected, before = {}, 0
    for amount, code in buyers:  # "share before < A_share" without a rounded division
        share = before * 100
        expected[code] = ("A" if share < a_share * total
                          else "B" if share < (a_share + b_share) * total else "C")
        before += amount
    got = {r.customer_code: r.abc_tier for r in t.itertuples() if r.revenue > 0}
    assert {c for c, v in got.items() if v == "A"} == {c for c, v in expected.items()
                                                       if v == "A"}
    assert got == expected


@FAST
@given(inputs())
def test_growth_is_empty_exactly_when_previous_revenue_is_zero_or_below(data: tuple) -> None:
    t = _table(*data)
    assert (t["growth_pct"].isna() == (t["revenue_prev"] <= 0)).all()
    assert (t["revenue_growth_pct"].isna() == (t["revenue_prev_30d"] <= 0)).all()
    assert (t["orders_growth_pct"].isna() == (t["orders_prev_30d"] <= 0)).all()


@FAST
@given(inputs(), st.integers(0, 3_000), st.integers(0, 3))
def test_no_surge_without_revenue_and_no_drop_from_nothing(data: tuple, floor: int,
                                                           orders: int) -> None:
    days, customers = data
    rules = FigureSettings(mover_min_revenue=float(floor), mover_min_orders=orders)
    t = _table(days, customers, rules)
    for metric in ("revenue", "orders"):
        now, before = t[f"{metric}_30d"], t[f"{metric}_prev_30d"]
        move = t[f"{metric}_move"].astype(object)
        surge, drop = (move == "surge").to_numpy(), (move == "drop").to_numpy()
        assert (now[surge] > 0).all()  # nothing (or returns) in the last 30 days: no surge
        assert (before[drop] > 0).all()  # nothing (or returns) before: no drop
        minimum = floor if metric == "revenue" else orders
        from_nothing = (before <= 0).to_numpy()
        # from nothing, a surge is exactly a later 30 days of at least the floor (and > 0)
        assert (surge[from_nothing] == ((now >= minimum) & (now > 0)).to_numpy()[
            from_nothing]).all()


@FAST
@given(inputs())
def test_status_partitions_the_customers(data: tuple) -> None:
    days, customers = data
    t = _table(days, customers)
    assert t["status"].notna().all() and set(t["status"]) <= set(STATUSES)
    bought = days.loc[(days["orders"] > 0) & (days["day"] <= pd.Timestamp(AS_OF)),
                      "customer_id"]
    never = set(t.loc[t["status"] == "never", "customer_id"])
    assert never == set(customers["customer_id"]) - set(bought)
    assert not (t["is_new"] & (t["status"] == "never")).any()


@FAST
@given(inputs())
def test_mean_gap_matches_a_direct_computation(data: tuple) -> None:
    days, customers = data
    t = _table(days, customers).set_index("customer_id")
    as_of = pd.Timestamp(AS_OF)
    for cid in customers["customer_id"]:
        bought = sorted(days.loc[(days["customer_id"] == cid) & (days["orders"] > 0)
                                 & (days["day"] <= as_of), "day"])
        recent = [b for b in bought if (as_of - b).days < 365]
        use = recent if len(recent) >= 2 else bought
        if len(bought) >= 2:
            gaps = np.diff([b.toordinal() for b in use])
            assert t.loc[cid, "mean_gap_days"] == gaps.mean()
            assert t.loc[cid, "risk_score"] == (as_of - bought[-1]).days / gaps.mean()


@FAST
@given(inputs(), st.lists(st.tuples(st.integers(1, 7), st.integers(1, 400),
                                    st.integers(0, 3), st.integers(-5_000, 90_000),
                                    st.booleans()), min_size=1, max_size=10,
                          unique_by=lambda r: (r[0], r[1])),
       st.sampled_from(["30d", "90d", "365d", "month", "quarter", "year"]))
def test_rows_after_the_as_of_date_change_nothing(data: tuple, later: list,
                                                  period: str) -> None:
    days, customers = data
    extra = days_frame(*[_row(*r) for r in later])
    both = pd.concat([days, extra], ignore_index=True)[DAY_COLUMNS]
    pd.testing.assert_frame_equal(_table(days, customers, period=period),
                                  _table(both, customers, period=period))
