"""Migration 0005: order money goes from NUMERIC(16, 2) to NUMERIC(18, 4), the stored values
are kept, 4 decimals are kept afterwards, and a file imported before the upgrade imports again
without a change. SQLite (declared types edited in place) and, when configured, PostgreSQL."""

from __future__ import annotations

import datetime as dt

from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, text, update

from dashboard.db import make_engine, session_scope
from dashboard.ingest.run import ImportOptions, run_import
from dashboard.migrate import alembic_config, downgrade, upgrade
from dashboard.models import AnonymousDay, Customer, CustomerDay, Order, OrderLine, Product
from tests.dashboard.ingest.helpers import checksum, line_rows

# the revision before this one
BEFORE = ScriptDirectory.from_config(alembic_config()).get_revision(
    "0005_line_money_precision").down_revision
COLUMNS = {
    "orders": ("amount",),
    "order_lines": ("unit_price", "unit_cost", "amount"),
    "customer_days": ("revenue", "return_amount", "costed_revenue", "cost"),
    "anonymous_days": ("revenue",),
}


def _types(engine) -> dict[tuple[str, str], tuple[int, int]]:  # noqa: ANN001
    found = {}
    inspector = inspect(engine)
    for table, columns in COLUMNS.items():
        types = {c["name"]: c["type"] for c in inspector.get_columns(table)}
        for column in columns:
            found[table, column] = (types[column].precision, types[column].scale)
    return found


def _seed(engine) -> None:  # noqa: ANN001
    """Rows as the earlier schema held them (to the cent)."""
    with session_scope(engine, write=True) as s:
        customer, product = Customer(code="C1"), Product(sku="P1")
        s.add_all([customer, product])
        s.flush()
        order = Order(order_no="SO-1", customer_id=customer.id, order_date=dt.date(2026, 3, 1),
                      amount=20.5)
        s.add(order)
        s.flush()
        s.add(OrderLine(order_id=order.id, line_key="1", product_id=product.id, quantity=2,
                        unit_price=10.25, unit_cost=7.13, amount=20.5))
        s.add(CustomerDay(customer_id=customer.id, day=dt.date(2026, 3, 1), revenue=20.5,
                          orders=1, return_orders=0, return_amount=0, costed_revenue=20.5,
                          cost=14.26, coupon_orders=0))
        s.add(AnonymousDay(day=dt.date(2026, 3, 1), revenue=1.99, orders=1))


def _values(engine) -> tuple:  # noqa: ANN001
    with session_scope(engine) as s:
        line = s.execute(select(OrderLine.unit_price, OrderLine.unit_cost, OrderLine.amount)).one()
        day = s.execute(select(CustomerDay.revenue, CustomerDay.return_amount,
                               CustomerDay.costed_revenue, CustomerDay.cost)).one()
        return (s.execute(select(Order.amount)).scalar_one(), tuple(line), tuple(day),
                s.execute(select(AnonymousDay.revenue)).scalar_one())


SEEDED = (20.5, (10.25, 7.13, 20.5), (20.5, 0.0, 20.5, 14.26), 1.99)


def test_the_upgrade_widens_the_columns_and_keeps_the_values(fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    downgrade(engine, BEFORE)
    assert set(_types(engine).values()) == {(16, 2)}
    _seed(engine)
    upgrade(engine)
    assert set(_types(engine).values()) == {(18, 4)}
    assert _values(engine) == SEEDED
    with session_scope(engine, write=True) as s:  # 4 decimals are kept now
        s.execute(update(OrderLine).values(unit_price=0.3333, unit_cost=0.1234, amount=0.9999))
    with session_scope(engine) as s:
        assert tuple(s.execute(select(OrderLine.unit_price, OrderLine.unit_cost,
                                      OrderLine.amount)).one()) == (0.3333, 0.1234, 0.9999)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    downgrade(engine, BEFORE)
    assert set(_types(engine).values()) == {(16, 2)}
    with session_scope(engine) as s:
        price = s.execute(select(OrderLine.unit_price)).scalar_one()
    # PostgreSQL rounds to the cent again; SQLite keeps what it holds (no type is enforced)
    assert price == (0.33 if engine.dialect.name == "postgresql" else 0.3333)
    upgrade(engine)
    engine.dispose()


def test_sqlite_leaves_unexpected_definitions_as_they_are(tmp_path) -> None:  # noqa: ANN001
    """A table whose stored definition is not the one the migrations wrote: no table is edited
    (all or none), the values stay, and 4 decimals are kept all the same (SQLite enforces no
    declared type)."""
    engine = make_engine(f"sqlite:///{tmp_path / 'odd.db'}")
    upgrade(engine, BEFORE)
    _seed(engine)
    with engine.begin() as conn:
        version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
        conn.exec_driver_sql("PRAGMA writable_schema = ON")
        conn.exec_driver_sql("UPDATE sqlite_master SET sql = replace(sql, 'revenue NUMERIC(16, 2)',"
                             " 'revenue DECIMAL(16, 2)') WHERE name = 'anonymous_days'")
        conn.exec_driver_sql(f"PRAGMA schema_version = {version + 1}")
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")
    upgrade(engine)
    assert set(_types(engine).values()) == {(16, 2)}
    assert _values(engine) == SEEDED
    with session_scope(engine, write=True) as s:
        s.execute(update(OrderLine).values(amount=0.9999))
    with session_scope(engine) as s:
        assert s.execute(select(OrderLine.amount)).scalar_one() == 0.9999
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
    engine.dispose()


def test_a_file_imported_before_the_upgrade_imports_again_without_a_change(
        fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    downgrade(engine, BEFORE)
    data = line_rows(["SO-1", "C1", "2026-03-01", "P1", "2", "10.25"],
                     ["SO-1", "C1", "2026-03-01", "P2", "3", "0.99"])
    report = run_import(engine, "orders", data, filename="orders.csv", options=ImportOptions())
    assert report.status == "imported", report.summary_lines()
    upgrade(engine)
    before = checksum(engine)
    report = run_import(engine, "orders", data, filename="orders.csv", options=ImportOptions())
    assert report.status == "unchanged", report.summary_lines()
    assert checksum(engine) == before
    engine.dispose()
