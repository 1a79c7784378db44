"""The demo distributor written into a real database (SQLite and PostgreSQL): what it contains,
that it is deterministic, that its rollups equal the SQL rebuild, and how it treats a database
that already has data."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, select

from dashboard.data.rollups import rebuild_rollups
from dashboard.db import data_version, session_scope
from dashboard.demo import DemoOptions, generate_demo
from dashboard.demo import orders as demo_orders
from dashboard.errors import ValidationError
from dashboard.models import (
    AnonymousDay,
    AuditLog,
    Base,
    Comment,
    Coupon,
    Customer,
    CustomerDay,
    Invoice,
    Order,
    OrderLine,
    Payment,
    Product,
    Rep,
    RollupChange,
    Target,
    Team,
    User,
    Visit,
)

TODAY = dt.date(2026, 11, 22)
SMALL = {"customers": 300, "orders": 8_000}


def _options(**changes) -> DemoOptions:  # noqa: ANN003
    return DemoOptions(**{**SMALL, "seed": 7, "today": TODAY, **changes})


def _frame(session, model) -> pd.DataFrame:  # noqa: ANN001
    table = model.__table__
    rows = session.execute(select(table).order_by(*table.primary_key.columns)).all()
    return pd.DataFrame(rows, columns=[c.name for c in table.columns])


def _dump(session) -> dict[str, pd.DataFrame]:  # noqa: ANN001
    """Every generated table (``created_at`` of coupons is when the row was written)."""
    models = [Team, Rep, Customer, Product, Order, OrderLine, CustomerDay, AnonymousDay,
              Invoice, Payment, Visit, Comment, Target, Coupon]
    return {model.__tablename__: _frame(session, model) for model in models}


def _same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> list[str]:
    """Names of the tables that differ (missing values compare equal)."""
    return [name for name in a if not a[name].equals(b[name])]


@pytest.fixture
def demo(engine):  # noqa: ANN001, ANN201
    generate_demo(engine, _options())
    return engine


def _last_two_windows(days: pd.DataFrame) -> pd.DataFrame:
    day = pd.to_datetime(days["day"])
    today = pd.Timestamp(TODAY)
    last = days[day > today - pd.Timedelta(days=30)]
    prev = days[(day <= today - pd.Timedelta(days=30)) & (day > today - pd.Timedelta(days=60))]
    return (last.groupby("customer_id")[["revenue", "orders"]].sum()
            .join(prev.groupby("customer_id")[["revenue", "orders"]].sum()
                  .add_suffix("_prev"), how="outer")
            .fillna(0.0))


def test_archetypes_are_present(demo) -> None:  # noqa: ANN001
    with session_scope(demo) as s:
        customers = _frame(s, Customer)
        days = _frame(s, CustomerDay)
        orders = _frame(s, Order)
    windows = _last_two_windows(days)
    change = windows["revenue"] - windows["revenue_prev"]
    surges = (windows["revenue_prev"] > 0) & (change >= 0.5 * windows["revenue_prev"]) & (
        change >= 1_000)
    drops = (change <= -0.5 * windows["revenue_prev"]) & (change <= -1_000)
    assert surges.sum() >= 5 and drops.sum() >= 5
    buyers = days[days["orders"] > 0]
    first = pd.to_datetime(buyers.groupby("customer_id")["day"].min())
    last = pd.to_datetime(buyers.groupby("customer_id")["day"].max())
    never = set(customers["id"]) - set(first.index)
    assert len(never) >= 5
    assert (first > pd.Timestamp(TODAY) - pd.Timedelta(days=90)).sum() >= 5  # new
    assert (first > pd.Timestamp(TODAY) - pd.Timedelta(days=30)).sum() >= 1
    assert (buyers.groupby("customer_id")["orders"].sum() == 1).sum() >= 5  # one purchase
    assert (last < pd.Timestamp(TODAY) - pd.Timedelta(days=365)).sum() >= 3  # long lost
    assert pd.to_datetime(orders["order_date"]).max() <= pd.Timestamp(TODAY)
    assert orders["is_return"].sum() >= 20
    assert orders["customer_id"].isna().sum() >= 100  # walk-in sales
    assert orders["coupon_code"].notna().sum() >= 20
    assert orders["ordered_at"].isna().any() and orders["ordered_at"].notna().any()
    created = pd.to_datetime(customers.set_index("id")["created_date"])
    first_any = pd.to_datetime(orders.groupby("customer_id")["order_date"].min())
    assert (created.reindex(first_any.index) <= first_any).all()  # no order before creation


def test_people_products_and_contacts(demo) -> None:  # noqa: ANN001
    with session_scope(demo) as s:
        customers = _frame(s, Customer)
        products = _frame(s, Product)
        lines = _frame(s, OrderLine)
        n_teams = s.execute(select(func.count()).select_from(Team)).scalar_one()
        n_reps = s.execute(select(func.count()).select_from(Rep)).scalar_one()
        visits = _frame(s, Visit)
        comments = s.execute(select(func.count()).select_from(Comment)).scalar_one()
    assert 2 <= n_teams <= 3 and 8 <= n_reps <= 15
    assert 5 <= customers["region"].nunique() <= 8
    by_type = customers["customer_type"].value_counts()
    assert by_type["Retail"] > by_type["Trade"] > by_type["Distributor"] > 0
    assert customers["name"].str.contains(r"[\u4e00-\u9fff]").any()  # Chinese names
    assert customers["name"].str.contains(r"^[A-Z][a-z]+ ").any()  # English names
    assert customers["phone"].isna().any() and customers["email"].isna().any()
    assert customers["opt_out_sms"].any() and customers["opt_out_email"].any()
    assert customers["phone"].dropna().str.match(r"^100\d{8}$").all()
    assert customers["email"].dropna().str.endswith(".example").all()
    assert len(products) == 800 and products["category"].nunique() == 15
    assert products["tags"].str.contains("brand:").all()
    assert (products["list_price"] > products["unit_cost"].fillna(0)).all()
    assert 0.01 < (lines["quantity"] < 0).mean() < 0.08  # returns: a few percent of lines
    assert lines["unit_cost"].isna().any()
    assert set(visits["kind"]) == {"visit", "call"} and comments > 0
    assert (pd.to_datetime(visits["happened_at"]) < pd.Timestamp(TODAY)).all()
    assert (pd.to_datetime(visits["happened_at"]).dt.day_of_week < 5).mean() > 0.95


def test_money_and_targets(demo) -> None:  # noqa: ANN001
    with session_scope(demo) as s:
        invoices = _frame(s, Invoice)
        payments = _frame(s, Payment)
        targets = _frame(s, Target)
        customers = _frame(s, Customer)
    paid = payments.groupby("invoice_id")["amount"].sum()
    open_amount = invoices.set_index("id")["amount"] - paid.reindex(invoices["id"]).fillna(0)
    assert (open_amount.round(2) >= 0).all()  # never paid more than invoiced
    overdue = (open_amount.to_numpy() > 0.005) & (
        pd.to_datetime(invoices["due_date"]) < pd.Timestamp(TODAY)).to_numpy()
    assert overdue.sum() >= 3
    assert (pd.to_datetime(payments["paid_date"]) <= pd.Timestamp(TODAY)).all()
    months = pd.to_datetime(targets["month"])
    assert months.min() == pd.Timestamp("2025-12-01") and months.max() == pd.Timestamp(
        "2027-02-01")
    kinds = customers.set_index("id").loc[targets["customer_id"], "customer_type"]
    assert set(kinds) == {"Trade", "Distributor"}
    assert (targets.groupby("customer_id").size() == 15).all()


def test_rollups_equal_the_sql_rebuild(demo) -> None:  # noqa: ANN001
    def rows(s):  # noqa: ANN001, ANN202
        days = _frame(s, CustomerDay).round(2)
        anonymous = _frame(s, AnonymousDay).round(2)
        return days, anonymous

    with session_scope(demo, write=True) as s:
        written = rows(s)
        rebuild_rollups(s)
        rebuilt = rows(s)
        s.rollback()
    pd.testing.assert_frame_equal(written[0], rebuilt[0], check_dtype=False)
    pd.testing.assert_frame_equal(written[1], rebuilt[1], check_dtype=False)
    assert len(written[0]) > 1_000 and len(written[1]) > 100


def test_order_figures_match_their_lines(demo) -> None:  # noqa: ANN001
    with session_scope(demo) as s:
        orders = _frame(s, Order).set_index("id")
        lines = _frame(s, OrderLine)
    totals = lines.groupby("order_id")["amount"].sum().round(2)
    assert (orders["amount"].round(2) == totals.reindex(orders.index)).all()
    all_returns = lines.assign(neg=lines["quantity"] < 0).groupby("order_id")["neg"].all()
    assert (orders["is_return"] == all_returns.reindex(orders.index)).all()
    assert not lines.duplicated(["order_id", "line_key"]).any()
    assert ((lines["quantity"] * lines["unit_price"]).round(2) == lines["amount"]).all()


def test_same_seed_same_data_other_seed_other_data(engine) -> None:  # noqa: ANN001
    small = {"customers": 120, "orders": 2_500}
    generate_demo(engine, _options(**small))
    with session_scope(engine) as s:
        first = _dump(s)
    generate_demo(engine, _options(**small), replace=True)
    with session_scope(engine) as s:
        again = _dump(s)
    generate_demo(engine, _options(**small, seed=8), replace=True)
    with session_scope(engine) as s:
        other = _dump(s)
    assert _same(first, again) == []
    assert set(_same(first, other)) >= {"customers", "orders", "order_lines", "invoices"}
    assert "teams" not in _same(first, other) and "reps" not in _same(first, other)


def test_refuses_a_database_with_data_and_replace_keeps_people(engine) -> None:  # noqa: ANN001
    generate_demo(engine, _options(customers=50, orders=500))
    with pytest.raises(ValidationError, match="--replace"):
        generate_demo(engine, _options(customers=50, orders=500))
    with session_scope(engine, write=True) as s:
        rep = s.execute(select(Rep).order_by(Rep.id)).scalars().first()
        s.add(User(username="rep1", password_hash="x", role="rep", rep_id=rep.id,
                   team_id=rep.team_id))
        buyer = s.execute(select(Customer).order_by(Customer.id)).scalars().first()
        s.add(User(username="buyer1", password_hash="x", role="customer",
                   customer_id=buyer.id))  # a customer's own sign-in
        version = data_version(s)
    summary = generate_demo(engine, _options(customers=60, orders=600, seed=9), replace=True)
    assert "orders" in summary.emptied and "users" not in summary.emptied
    with session_scope(engine) as s:
        user = s.execute(select(User).where(User.username == "rep1")).scalar_one()
        assert s.get(Rep, user.rep_id).name == rep.name
        buyer_user = s.execute(select(User).where(User.username == "buyer1")).scalar_one()
        assert buyer_user.customer_id is None  # kept, unbound: its customer is gone
        assert s.execute(select(func.count()).select_from(Customer)).scalar_one() == 60
        assert s.execute(select(func.count()).where(AuditLog.action == "demo.generate")
                         ).scalar_one() == 2
        assert data_version(s) > version
        full_rewrite = s.execute(select(RollupChange).order_by(RollupChange.id.desc())
                                 ).scalars().first()
        assert full_rewrite.customer_id is None and full_rewrite.day is None


def test_schema_and_id_sequences_intact_after_the_load(demo) -> None:  # noqa: ANN001
    with demo.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    with session_scope(demo, write=True) as s:
        top = s.execute(select(func.max(Order.id))).scalar_one()
        order = Order(order_no="MANUAL-1", order_date=TODAY, amount=0)
        s.add(order)
        s.flush()
        assert order.id == top + 1


def test_a_failure_half_way_leaves_the_database_empty(engine, monkeypatch) -> None:  # noqa: ANN001
    calls = {"n": 0}
    original = demo_orders._write_chunk

    def failing(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return original(*args, **kwargs)

    monkeypatch.setattr(demo_orders, "_write_chunk", failing)
    with pytest.raises(RuntimeError, match="disk full"):
        generate_demo(engine, _options(customers=50, orders=3_000, chunk_orders=1_000))
    with session_scope(engine) as s:
        for model in (Customer, Product, Order, OrderLine, CustomerDay):
            assert s.execute(select(func.count()).select_from(model)).scalar_one() == 0
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
    generate_demo(engine, _options(customers=50, orders=500))  # and it can run again
