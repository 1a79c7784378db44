"""The cached per-customer table: computed once per data version, scoped per actor."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.data.rollups import refresh_rollups
from dashboard.db import bump_data_version, session_scope
from dashboard.errors import ValidationError
from dashboard.filters import Filters
from dashboard.models import Customer, Order, OrderLine, Rep, Team
from dashboard.scope import Actor
from dashboard.services import customer_table

AS_OF = dt.date(2026, 11, 22)


def _order(s, no: str, customer: Customer, day: dt.date, amount: float) -> None:  # noqa: ANN001
    o = Order(order_no=no, customer_id=customer.id, order_date=day, amount=amount)
    s.add(o)
    s.flush()
    s.add(OrderLine(order_id=o.id, line_key="", quantity=1, unit_price=amount, amount=amount))


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    with session_scope(runtime.engine, write=True) as s:
        east, west = Team(name="East"), Team(name="West")
        s.add_all([east, west])
        s.flush()
        wang, zhao = Rep(name="Wang", team_id=east.id), Rep(name="Zhao", team_id=west.id)
        s.add_all([wang, zhao])
        s.flush()
        a = Customer(code="A", name="A Co", customer_type="Trade", region="East", rep_id=wang.id)
        b = Customer(code="B", name="B Co", customer_type="Retail", region="West", rep_id=zhao.id)
        c = Customer(code="C", name="Never Co", customer_type="Retail", region="West",
                     rep_id=zhao.id)
        s.add_all([a, b, c])
        s.flush()
        keys = []
        for i, (cust, day, amount) in enumerate([
            (a, dt.date(2026, 11, 20), 500.0), (a, dt.date(2026, 10, 1), 300.0),
            (a, dt.date(2026, 9, 1), 200.0), (b, dt.date(2026, 6, 1), 80.0),
            (b, dt.date(2026, 5, 1), 90.0),
        ]):
            _order(s, f"O{i}", cust, day, amount)
            keys.append((cust.id, day))
        refresh_rollups(s, keys)
        bump_data_version(s)
        return {"east": east.id, "wang": wang.id, "zhao": zhao.id, "a": a.id, "b": b.id,
                "c": c.id}


def test_table_has_figures_and_predictions(runtime, world) -> None:  # noqa: ANN001
    table = customer_table.customer_table(runtime, AS_OF, "30d").set_index("customer_code")
    assert table.loc["A", "revenue"] == 500.0
    assert table.loc["A", "revenue_prev"] == 300.0  # 24 Sep - 23 Oct
    assert table.loc["A", "orders"] == 1
    assert table.loc["A", "days_since_last_order"] == 2
    assert table.loc["A", "status"] == "active"
    assert table.loc["C", "status"] == "never"
    assert table.loc["B", "days_since_last_order"] == (AS_OF - dt.date(2026, 6, 1)).days
    assert {"churn_probability", "usual_gap_days", "expected_value_next_90d"} <= set(table.columns)


def test_scope_and_filters(runtime, world) -> None:  # noqa: ANN001
    owner = Actor(user_id=1, username="o", role="owner")
    manager = Actor(user_id=2, username="m", role="manager", team_id=world["east"])
    rep = Actor(user_id=3, username="r", role="rep", rep_id=world["zhao"])
    nobody = Actor(user_id=4, username="n", role="manager")
    filters = Filters(as_of=AS_OF)

    def codes(actor, f=filters):  # noqa: ANN001, ANN202
        return sorted(customer_table.scoped_table(runtime, actor, f)["customer_code"])

    assert codes(owner) == ["A", "B", "C"]
    assert codes(manager) == ["A"]
    assert codes(rep) == ["B", "C"]
    assert codes(nobody) == []
    assert codes(owner, Filters(as_of=AS_OF, customer_type="Retail")) == ["B", "C"]
    assert codes(owner, Filters(as_of=AS_OF, region="East")) == ["A"]
    assert codes(rep, Filters(as_of=AS_OF, rep_id=world["wang"])) == []


def test_cached_until_the_data_changes(runtime, world) -> None:  # noqa: ANN001
    first = customer_table.customer_table(runtime, AS_OF, "30d")
    assert customer_table.customer_table(runtime, AS_OF, "30d") is first
    with session_scope(runtime.engine, write=True) as s:
        b = s.get(Customer, world["b"])
        _order(s, "late", b, dt.date(2026, 11, 21), 1000.0)
        refresh_rollups(s, [(b.id, dt.date(2026, 11, 21))])
        bump_data_version(s)
    second = customer_table.customer_table(runtime, AS_OF, "30d").set_index("customer_code")
    assert second.loc["B", "revenue"] == 1000.0
    assert second.loc["B", "status"] == "active"


def test_unknown_period_is_a_clear_error() -> None:
    with pytest.raises(ValidationError):
        Filters(as_of=AS_OF, period="fortnight")
