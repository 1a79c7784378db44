"""The customer portrait in one call, on a real database: money, last contacts, revenue by
month with the target, preferences, the coupon entry point, and the same refusal (audited)
for an unknown customer and for one outside the scope."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from dashboard.db import bump_data_version, session_scope
from dashboard.errors import AccessDenied
from dashboard.filters import FilterQuery
from dashboard.models import AuditLog, Order, OrderLine, Product, Target
from dashboard.services import portrait as service
from dashboard.services import selections
from tests.dashboard.services.list_world import build_list_world


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    built = build_list_world(runtime)
    with session_scope(runtime.engine, write=True) as session:
        for sku, name, category, order_no in (("WLD-1", "Welding rod", "Welding", "A-0"),
                                              ("GLU-1", "Tile glue", None, "A-1")):
            product = Product(sku=sku, name=name, category=category)
            session.add(product)
            session.flush()
            order_id = session.execute(select(Order.id).where(
                Order.order_no == order_no)).scalar_one()
            session.execute(update(OrderLine).where(OrderLine.order_id == order_id)
                            .values(product_id=product.id, line_key=sku))
        session.add_all([Target(customer_id=built.customers["A"], month=dt.date(2026, m, 1),
                                amount=amount) for m, amount in ((10, 1500.0),
                                                                  (11, 6000.0))])
        bump_data_version(session)
    yield built


def test_portrait_of_a_customer_by_hand(runtime, world) -> None:  # noqa: ANN001
    view = service.get_portrait(runtime, world.actor("owner"), "A", FilterQuery())
    assert view.record.name == "Alpha" and view.record.phone == "+86 138-0000-0001"
    assert view.record.account_manager == "Wang" and view.customer_id == world.customers["A"]
    assert view.figures["abc_tier"] == "A" and view.figures["abc_tier_prev"] == "C"
    assert view.money.receivable == pytest.approx(850.05)
    assert view.money.overdue == pytest.approx(600.05)
    assert view.money.buckets["overdue_31_60"] == pytest.approx(600.05)
    assert view.money.open_count == 2
    assert view.money.open_invoices["days_overdue"].tolist() == [45, 0]
    assert view.last_contacts["last_visit"] == dt.datetime(2026, 11, 19, 10, 0)
    assert view.last_contacts["last_call"] == dt.datetime(2026, 11, 21, 16, 30)
    assert view.last_contacts["last_coupon"] is None  # the holdout row sent nothing
    assert view.last_contacts["last_order"] == dt.date(2026, 11, 20)
    monthly = view.monthly.set_index("month")
    assert monthly.loc["2026-11-01", "revenue"] == 5000.0
    assert monthly.loc["2026-11-01", "target"] == 6000.0
    assert monthly.loc["2026-10-01", "revenue"] == 1000.0
    assert monthly.loc["2026-09-01", "revenue"] == 1000.0
    assert view.products["sku"].tolist() == ["WLD-1", "GLU-1"]
    assert view.products["share_pct"].tolist() == pytest.approx([5000 / 60, 1000 / 60])
    assert view.categories["category"].tolist() == ["Welding", None]
    assert view.gaps["count"].sum() == 2 and service.usual_gap(view) == pytest.approx(40.0)
    # the status rule is the churn probability's: its bands are CHURNING_P and LOST_P
    assert view.status_rule == "churn"
    assert view.risk_bands == (0.5, 0.85) and view.horizon_days == 90
    assert view.campaigns["status"].tolist() == ["holdout"]
    kinds = view.timeline["kind"].tolist()
    assert kinds.count("order") == 3 and "visit" in kinds and "call" in kinds
    chosen = selections.get_selection(runtime, world.actor("owner"), view.coupon_token)
    assert chosen.customer_ids == [world.customers["A"]] and chosen.source == "customer"


def test_portrait_follows_the_as_of_date(runtime, world) -> None:  # noqa: ANN001
    view = service.get_portrait(runtime, world.actor("owner"), "D",
                                FilterQuery(as_of=dt.date(2026, 11, 1)))
    assert view.filters.as_of == dt.date(2026, 11, 1)
    assert view.last_contacts["last_coupon"] is None  # sent on 12 Nov
    assert view.money.overdue == pytest.approx(3000.0)
    assert view.money.buckets["overdue_61_90"] == pytest.approx(3000.0)  # 79 days then


def test_unknown_and_foreign_customers_get_the_same_refusal(runtime, world) -> None:  # noqa: ANN001
    zhao = world.actor("rep_zhao")
    refusals = []
    for code in ("A", "NOPE", "", "<script>alert(1)</script>", "#1", str(world.customers["A"])):
        with pytest.raises(AccessDenied) as refused:
            service.get_portrait(runtime, zhao, code, FilterQuery())
        refusals.append(refused.value.code)
    assert set(refusals) == {"customer_denied"}
    with session_scope(runtime.engine) as session:
        audited = session.execute(select(AuditLog.object_id).where(
            AuditLog.outcome == "denied", AuditLog.username == "rz")).scalars().all()
    assert len(audited) == 6
    assert service.get_portrait(runtime, zhao, "B", FilterQuery()).record.name == "Beta"


def test_a_customer_who_never_ordered(runtime, world) -> None:  # noqa: ANN001
    view = service.get_portrait(runtime, world.actor("owner"), "C", FilterQuery())
    assert view.figures["status"] == "never" and view.gaps.empty
    assert not service.has_orders(view) and view.products.empty
    assert view.money.receivable == 0.0 and view.money.open_invoices.empty
