"""The demo's generation steps without a database: hand-computed figures and properties."""

from __future__ import annotations

import datetime as dt
from functools import cache

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.demo import names
from dashboard.demo.basket import build_lines, order_figures
from dashboard.demo.calendar import (
    cumulative_profiles,
    intensity,
    profile_index,
    to_clock,
    to_days,
    weekday_of,
)
from dashboard.demo.catalogue import build_catalogue
from dashboard.demo.customers import ARCHETYPES, build_traits
from dashboard.demo.finance import build_invoices, build_payments, numbered
from dashboard.demo.options import DemoOptions
from dashboard.demo.orders import chunk_bounds
from dashboard.demo.rollups import day_rollups
from dashboard.demo.targets import MonthlyRevenue
from dashboard.demo.timeline import KIND_PURCHASE, KIND_RETURN, build_timeline

TODAY = dt.date(2026, 11, 22)
OPTIONS = DemoOptions(customers=600, orders=20_000, seed=3, today=TODAY)


@pytest.fixture(scope="module")
def world():  # noqa: ANN201
    catalogue = build_catalogue(OPTIONS.rng("catalogue"))
    today = OPTIONS.n_days - 1
    traits = build_traits(OPTIONS.rng("traits"), OPTIONS.customers, today,
                          catalogue.category_weight)
    cumulative = cumulative_profiles(OPTIONS.start, OPTIONS.n_days)
    timeline = build_timeline(lambda k: OPTIONS.rng("timeline", k), traits, cumulative,
                              OPTIONS.start, OPTIONS.orders)
    return catalogue, traits, cumulative, timeline, today


# --- calendar -------------------------------------------------------------------------------

def test_calendar_shapes_demand() -> None:
    start = dt.date(2025, 1, 1)
    b2b = intensity(start, 365, "b2b")
    retail = intensity(start, 365, "retail")
    assert b2b.mean() == pytest.approx(1.0) and retail.mean() == pytest.approx(1.0)
    cny = (dt.date(2025, 1, 29) - start).days  # Chinese New Year 2025
    sunday, monday = (dt.date(2025, 3, 16) - start).days, (dt.date(2025, 3, 17) - start).days
    assert b2b[cny] < 0.2 * b2b[monday]
    assert b2b[sunday] < 0.2 * b2b[monday] and retail[sunday] > retail[monday]
    golden = (dt.date(2025, 10, 2) - start).days
    assert b2b[golden] < 0.5 * b2b[golden + 14]
    summer = intensity(start, 365, "b2b", "summer")
    assert summer[(dt.date(2025, 7, 15) - start).days] > 5 * summer[monday]
    assert weekday_of(dt.date(2026, 11, 22), np.array([0, 1])).tolist() == [6, 0]


@cache
def _profiles() -> np.ndarray:
    return cumulative_profiles(dt.date(2024, 1, 1), 3 * 365 + 1)


@settings(max_examples=200, deadline=None)
@given(day=st.integers(0, 3 * 365), profile=st.integers(0, 9))
def test_clock_and_days_are_inverse(day: int, profile: int) -> None:
    cumulative = _profiles()
    p = np.array([profile])
    clock = to_clock(cumulative, p, np.array([day]))  # the very start of the day
    assert to_days(cumulative, p, clock)[0] == day
    end = cumulative[profile, day]
    assert to_days(cumulative, p, np.array([end - 1e-9]))[0] == day


# --- timeline -------------------------------------------------------------------------------

def _by_archetype(traits: pd.DataFrame, timeline: pd.DataFrame, name: str) -> pd.DataFrame:
    who = np.flatnonzero(traits["archetype"].to_numpy() == ARCHETYPES.index(name))
    return timeline[timeline["customer"].isin(who) & (timeline["kind"] == KIND_PURCHASE)]


def test_timeline_stays_inside_the_history(world) -> None:  # noqa: ANN001
    _catalogue, _traits, _cum, timeline, today = world
    assert timeline["day"].between(0, today).all()
    assert len(timeline) == pytest.approx(OPTIONS.orders, rel=0.08)
    assert timeline["day"].is_monotonic_increasing
    assert (timeline["customer"] == -1).mean() == pytest.approx(0.06, abs=0.02)
    assert (timeline["kind"] == KIND_RETURN).mean() == pytest.approx(0.012, abs=0.008)


def test_timeline_archetypes(world) -> None:  # noqa: ANN001
    _catalogue, traits, _cum, timeline, today = world
    bought = set(timeline["customer"])
    never = np.flatnonzero(traits["archetype"] == ARCHETYPES.index("never"))
    assert len(never) > 0 and not bought & set(never)
    one = _by_archetype(traits, timeline, "one")
    assert one.groupby("customer").size().eq(1).all() and one["day"].max() <= today - 31
    new = _by_archetype(traits, timeline, "new").groupby("customer")["day"].min()
    assert (new >= today - 90).all() and len(new) > 0
    churned = _by_archetype(traits, timeline, "churned").groupby("customer")["day"].max()
    assert (churned <= today - 120).all()
    surge = _by_archetype(traits, timeline, "surge")
    recent = surge[surge["day"] > today - 30].groupby("customer").size()
    before = surge[surge["day"].between(today - 59, today - 30)].groupby("customer").size()
    assert (recent >= 2).all() and (before >= 1).all()
    drop = _by_archetype(traits, timeline, "drop")
    assert (drop[drop["day"] > today - 30].groupby("customer").size() <= 1).all()
    assert (drop[drop["day"].between(today - 59, today - 30)].groupby("customer").size()
            >= 2).all()


def test_slipping_customers_wait_longer_now(world) -> None:  # noqa: ANN001
    _catalogue, traits, _cum, timeline, today = world
    slipping = _by_archetype(traits, timeline, "slipping")
    gaps = slipping.groupby("customer")["day"].apply(
        lambda d: pd.Series({"since": today - d.max(),
                             "usual": np.median(np.diff(d.to_numpy())[:-3])
                             if len(d) > 5 else np.nan}))
    table = gaps.unstack().dropna()
    assert len(table) >= 5
    assert (table["since"] > 1.5 * table["usual"]).mean() > 0.7


# --- lines and order figures --------------------------------------------------------------

@settings(max_examples=15, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_lines_are_consistent(world, seed: int) -> None:  # noqa: ANN001
    catalogue, traits, _cum, timeline, today = world
    orders = timeline.iloc[:3_000].assign(id=np.arange(1, 3_001))
    lines = build_lines(np.random.default_rng(seed), orders, traits, catalogue, today)
    assert not lines.duplicated(["order_id", "line_key"]).any()
    assert lines.groupby("order_pos").size().reindex(range(3_000)).notna().all()
    assert (np.round(lines["quantity"] * lines["unit_price"], 2) == lines["amount"]).all()
    returned = orders["kind"].to_numpy()[lines["order_pos"]] == KIND_RETURN
    assert (lines["quantity"][returned] < 0).all()
    first_lines = lines.groupby("order_pos").head(1)
    assert (first_lines["quantity"][~returned[first_lines.index]] > 0).all()
    figures = order_figures(lines, len(orders))
    assert (figures["has_purchase"] == (orders["kind"] == KIND_PURCHASE)).all()


def test_order_figures_by_hand() -> None:
    lines = pd.DataFrame({
        "order_pos": [0, 0, 1, 2, 2],
        "quantity": [2.0, 1.0, -1.0, 3.0, -1.0],
        "unit_cost": [4.0, np.nan, 4.0, np.nan, np.nan],
        "amount": [20.0, 5.0, -10.0, 9.0, -3.0],
    })
    figures = order_figures(lines, 4)
    assert figures.to_dict("list") == {
        "amount": [25.0, -10.0, 6.0, 0.0],
        "return_amount": [0.0, -10.0, -3.0, 0.0],
        "costed_revenue": [20.0, -10.0, 0.0, 0.0],
        "cost": [8.0, -4.0, 0.0, 0.0],
        "has_purchase": [True, False, True, False],
    }


def test_day_rollups_by_hand() -> None:
    """The figures of the SQL rollup test, computed from frames: two orders on one day, a
    return-only order, a mixed order, walk-in sale and walk-in return."""
    orders = pd.DataFrame({
        "customer_id": [1.0, 1.0, 1.0, 2.0, np.nan, np.nan],
        "day": [0, 0, 1, 1, 0, 0],
        "coupon_code": [None, "CP-1", None, None, None, None],
    })
    figures = pd.DataFrame({
        "amount": [25.0, 7.0, -10.0, 6.0, 100.0, -30.0],
        "return_amount": [0.0, 0.0, -10.0, -3.0, 0.0, -30.0],
        "costed_revenue": [20.0, 7.0, -10.0, 0.0, 0.0, 0.0],
        "cost": [8.0, 4.0, -4.0, 0.0, 0.0, 0.0],
        "has_purchase": [True, True, False, True, True, False],
    })
    dates = np.array(["2026-03-01", "2026-03-02"], dtype="datetime64[D]")
    days, anonymous = day_rollups(orders, figures, dates)
    assert [tuple(r) for r in days.astype(object).itertuples(index=False)] == [
        (1, pd.Timestamp("2026-03-01"), 32.0, 2, 0, 0.0, 27.0, 12.0, 1),
        (1, pd.Timestamp("2026-03-02"), -10.0, 0, 1, -10.0, -10.0, -4.0, 0),
        (2, pd.Timestamp("2026-03-02"), 6.0, 1, 0, -3.0, 0.0, 0.0, 0),
    ]
    assert [tuple(r) for r in anonymous.astype(object).itertuples(index=False)] == [
        (pd.Timestamp("2026-03-01"), 70.0, 1)]


@settings(max_examples=200, deadline=None)
@given(days=st.lists(st.integers(0, 30), max_size=300), size=st.integers(1, 50))
def test_chunks_never_split_a_day(days: list[int], size: int) -> None:
    sorted_days = np.sort(np.array(days, dtype=np.int64))
    bounds = chunk_bounds(sorted_days, size)
    assert bounds[0] == 0 and bounds[-1] == len(sorted_days)
    assert (np.diff(bounds) > 0).all() or len(sorted_days) == 0
    inner = bounds[1:-1]
    assert (sorted_days[inner - 1] != sorted_days[inner]).all()


# --- money ----------------------------------------------------------------------------------

def test_invoices_and_payments(world) -> None:  # noqa: ANN001
    catalogue, traits, _cum, timeline, today = world
    orders = timeline.assign(id=np.arange(1, len(timeline) + 1),
                             customer_id=timeline["customer"].where(timeline["customer"] >= 0)
                             + 1)
    lines = build_lines(np.random.default_rng(1), orders, traits, catalogue, today)
    figures = order_figures(lines, len(orders))
    orders = orders.assign(amount=figures["amount"], has_purchase=figures["has_purchase"])
    dates = np.datetime64(OPTIONS.start) + np.arange(OPTIONS.n_days)
    rng = np.random.default_rng(2)
    invoices = numbered(build_invoices(rng, orders, traits, dates), 10)
    assert invoices["invoice_no"].iloc[0] == "INV-00000010" and invoices["id"].is_unique
    billed = traits["type_idx"].to_numpy()[orders.set_index("id").loc[invoices["order_id"],
                                                                      "customer"]]
    assert (billed > 0).all() and (invoices["amount"] > 0).all()
    payments = build_payments(rng, invoices, today, np.datetime64(OPTIONS.start), 1)
    paid = payments.groupby("invoice_id")["amount"].sum()
    owed = invoices.set_index("id")["amount"].reindex(paid.index)
    assert (paid.round(2) <= owed.round(2)).all()
    settled = invoices[invoices["paid_day"] <= today].set_index("id")["amount"]
    assert (paid.reindex(settled.index).round(2) == settled.round(2)).all()
    assert (payments["paid_date"] <= np.datetime64(TODAY)).all()
    assert payments["invoice_id"].duplicated().any()  # some paid in two instalments


def test_monthly_revenue_by_hand() -> None:
    monthly = MonthlyRevenue(2, dt.date(2026, 1, 30), today=40)  # 2026-01-30 .. 2026-03-11
    monthly.add(np.array([0, 0, 1, -1, 1]), np.array([0, 2, 29, 5, 40]),  # 29: 28 February
                np.array([10.0, 5.0, 7.0, 99.0, 1.5]))
    assert monthly.matrix().tolist() == [[10.0, 5.0, 0.0], [0.0, 7.0, 1.5]]


# --- names and options ----------------------------------------------------------------------

def test_names_and_contacts_are_safe() -> None:
    rng = np.random.default_rng(5)
    n = 5_000
    city = rng.integers(0, len(names.CITIES), n)
    kinds = np.array(["Retail", "Trade", "Distributor"])[rng.integers(0, 3, n)]
    english = rng.random(n) < 0.35
    company, slug = names.company_names(rng, city, kinds, english)
    assert company.is_unique
    assert company[~english].str.contains(r"[\u4e00-\u9fff]").all()
    assert not company[english].str.contains(r"[\u4e00-\u9fff]").any()
    assert names.phones(rng, n).str.fullmatch(r"100\d{8}").all()
    assert names.emails(rng, slug).str.fullmatch(r"[a-z]+@[a-z]+-[a-z]+\.example").all()


def test_options_are_checked_and_streams_are_stable() -> None:
    with pytest.raises(ValueError):
        DemoOptions(customers=5)
    with pytest.raises(ValueError):
        DemoOptions(orders=-1)
    a, b = DemoOptions(seed=4), DemoOptions(seed=4)
    assert a.rng("lines", 3).random() == b.rng("lines", 3).random()
    assert a.rng("lines", 3).random() != a.rng("lines", 4).random()
    assert OPTIONS.start == dt.date(2023, 11, 23) and OPTIONS.n_days == 1096
    assert profile_index("retail") == 5


@pytest.mark.parametrize(("customers", "orders"), [(10, 0), (10, 30), (12, 500), (40, 20)])
def test_tiny_and_empty_timelines(customers: int, orders: int) -> None:
    options = DemoOptions(customers=customers, orders=orders, seed=1, today=TODAY)
    catalogue = build_catalogue(options.rng("catalogue"))
    today = options.n_days - 1
    traits = build_traits(options.rng("traits"), customers, today, catalogue.category_weight)
    cumulative = cumulative_profiles(options.start, options.n_days)
    timeline = build_timeline(lambda k: options.rng("timeline", k), traits, cumulative,
                              options.start, orders)
    assert timeline["day"].between(0, today).all()
    assert (len(timeline) == 0) == (orders == 0)
    lines = build_lines(np.random.default_rng(0), timeline.assign(id=range(len(timeline))),
                        traits, catalogue, today)
    assert order_figures(lines, len(timeline))["has_purchase"].dtype == bool


def test_contact_outcomes_are_the_services_keys() -> None:
    from dashboard.demo.contacts import NOTES, OUTCOMES
    from dashboard.services.contacts import OUTCOMES as RECORDED

    used = {key for values, _weights in OUTCOMES.values() for key in values}
    assert used <= set(RECORDED) and used == set(NOTES)
    assert all(abs(sum(weights) - 1) < 1e-9 for _values, weights in OUTCOMES.values())
