"""A customer's own page (``/my``) and their sign-in, on a real database (the list world:
Alpha is a Trade customer with 5000 on 20 Nov, 1000 on 1 Oct and 1000 on 1 Sep 2026, targets
1500 for October and 6000 for November; Beta is Retail; Epsilon a Distributor)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from dashboard.data.rollups import refresh_rollups
from dashboard.db import bump_data_version, session_scope
from dashboard.errors import AccessDenied, NotFound, ValidationError
from dashboard.models import AuditLog, Order, OrderLine, User
from dashboard.scope import Actor
from dashboard.services import my_account as service
from dashboard.services import suggestions, users
from tests.dashboard.services.test_portrait import world  # noqa: F401 - the fixture


def _customer(world, code: str = "A") -> Actor:  # noqa: ANN001, F811
    return Actor(user_id=90, username="alpha-buyer", role="customer",
                 customer_id=world.customers[code])


def test_their_purchases_by_month_and_category_and_target_progress(runtime, world) -> None:  # noqa: ANN001, F811
    view = service.get_my_account(runtime, _customer(world))
    assert view.record.code == "A" and view.as_of == dt.date(2026, 11, 22)
    monthly = view.monthly.set_index("month")
    assert len(monthly) == 12 and str(monthly.index[0].date()) == "2025-12-01"
    assert monthly.loc["2026-11-01", "revenue"] == 5000.0
    assert monthly.loc["2026-10-01", "revenue"] == 1000.0
    assert monthly.loc["2026-09-01", "revenue"] == 1000.0
    assert monthly.loc["2026-11-01", "target"] == 6000.0
    assert view.revenue_12m == 7000.0 and view.orders_12m == 3
    assert view.categories["category"].tolist() == ["Welding", None]
    assert view.categories["share_pct"].tolist() == pytest.approx([500 / 6, 100 / 6])
    totals = view.target_summary
    # targets 1500 + 6000; bought 1000 + 5000 in those months: 80 %, no month met
    assert totals["target"] == 7500.0 and totals["actual"] == 6000.0
    assert totals["pct"] == pytest.approx(80.0)
    assert (totals["months"], totals["months_met"]) == (2, 0)
    # their suggestions are the portrait's, in its order, without the staff's reasons
    staff = suggestions.customer_suggestions(runtime, world.customers["A"], view.as_of).items
    assert view.suggestions["sku"].tolist() == staff["sku"].head(8).tolist()
    assert "reason" not in view.suggestions.columns


def test_nothing_after_the_as_of_date_counts(runtime, world) -> None:  # noqa: ANN001, F811
    later = dt.date(2026, 11, 25)
    with session_scope(runtime.engine, write=True) as session:
        order = Order(order_no="A-late", customer_id=world.customers["A"], order_date=later,
                      amount=9999.0)
        session.add(order)
        session.flush()
        session.add(OrderLine(order_id=order.id, line_key="", quantity=1, unit_price=9999.0,
                              amount=9999.0))
        refresh_rollups(session, [(world.customers["A"], later)])
        bump_data_version(session)
    view = service.get_my_account(runtime, _customer(world))
    assert view.revenue_12m == 7000.0 and view.target_summary["actual"] == 6000.0


def test_a_customer_without_purchases_or_targets(runtime, world) -> None:  # noqa: ANN001, F811
    view = service.get_my_account(runtime, _customer(world, "C"))
    assert view.revenue_12m == 0.0 and view.categories.empty
    assert view.targets.empty and view.target_summary is None


def test_staff_have_no_page_and_unbound_customers_are_refused(runtime, world) -> None:  # noqa: ANN001, F811
    with pytest.raises(NotFound):
        service.get_my_account(runtime, world.actor("owner"))
    unbound = Actor(user_id=91, username="lost-buyer", role="customer")
    assert unbound.scope_kind == "none"
    with pytest.raises(AccessDenied):
        service.get_my_account(runtime, unbound)
    with session_scope(runtime.engine) as session:
        rows = session.execute(select(AuditLog.username).where(
            AuditLog.outcome == "denied")).scalars().all()
    assert rows == ["lost-buyer"]


def test_owner_enables_a_sign_in_for_trade_and_distributor_customers_only(runtime, world) -> None:  # noqa: ANN001, F811
    owner = Actor.system("test")
    new = users.create_user(runtime, owner, {"username": "alpha-buyer", "role": "customer",
                                             "customer": "A", "language": "zh"})
    assert new.role == "customer" and new.password
    users.create_user(runtime, owner, {"username": "eps-buyer", "role": "customer",
                                       "customer": " E "})
    refusals = {}
    for name, fields in {
        "retail": {"customer": "B"}, "unknown": {"customer": "NOPE"}, "unbound": {},
        "with-team": {"customer": "A", "team": world.teams["East"]},
        "with-rep": {"customer": "A", "rep": "Wang"},
    }.items():
        with pytest.raises(ValidationError) as refused:
            users.create_user(runtime, owner, {"username": f"x-{name}", "role": "customer",
                                               **fields})
        refusals[name] = refused.value.code
    assert refusals == {"retail": "customer_sign_in_type", "unknown": "customer_unknown",
                        "unbound": "customer_sign_in_fields",
                        "with-team": "customer_sign_in_fields",
                        "with-rep": "customer_sign_in_fields"}
    with pytest.raises(ValidationError):  # staff are bound to no customer
        users.create_user(runtime, owner, {"username": "rep-x", "role": "rep", "rep": "Wang",
                                           "customer": "A"})
    with pytest.raises(ValidationError):  # a customer user cannot become a rep by half
        users.change_user(runtime, owner, new.user_id, {"role": "rep"})
    users.change_user(runtime, owner, new.user_id, {"role": "rep", "customer": "",
                                                    "rep": "Wang"})
    with session_scope(runtime.engine) as session:
        row = session.execute(select(User).where(User.username == "alpha-buyer")).scalar_one()
        assert (row.role, row.customer_id, row.language) == ("rep", None, "zh")
    frame = users.list_users(runtime, owner)
    assert frame.set_index("username").loc["eps-buyer", "customer"] == "E"


def test_only_an_owner_enables_a_sign_in(runtime, world) -> None:  # noqa: ANN001, F811
    with pytest.raises(AccessDenied):
        users.create_user(runtime, world.actor("manager_east"),
                          {"username": "alpha-buyer", "role": "customer", "customer": "A"})
