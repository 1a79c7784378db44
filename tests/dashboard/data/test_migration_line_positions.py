"""Migration 0003: lines keyed by their product's SKU get their position in the order, customers
without a created date get their first order's date; and a file imported before the upgrade
imports again after it without a change. SQLite and, when configured, PostgreSQL."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dashboard.db import data_version, make_engine, session_scope
from dashboard.ingest.run import ImportOptions, run_import
from dashboard.migrate import downgrade, upgrade
from dashboard.models import Customer, Order, OrderLine, Product
from tests.dashboard.ingest.helpers import checksum, line_rows

def _keys(engine) -> dict[str, list[tuple[str, str | None]]]:  # noqa: ANN001
    with session_scope(engine) as s:
        rows = s.execute(select(Order.order_no, OrderLine.line_key, Product.sku)
                         .join(OrderLine, OrderLine.order_id == Order.id)
                         .outerjoin(Product, Product.id == OrderLine.product_id)
                         .order_by(Order.order_no, OrderLine.id)).all()
    keys: dict[str, list[tuple[str, str | None]]] = {}
    for order_no, key, sku in rows:
        keys.setdefault(order_no, []).append((key, sku))
    return keys


def test_existing_lines_get_positions_and_customers_their_first_order(
        fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    downgrade(engine, "0002")
    with session_scope(engine, write=True) as s:
        c1 = Customer(code="C1", name="One")
        c2 = Customer(code="C2", name="Two", created_date=dt.date(2020, 5, 1))
        c3 = Customer(code="C3", name="Never bought")
        s.add_all([c1, c2, c3])
        products = {sku: Product(sku=sku) for sku in ("P2", "P1", "1", "2")}
        s.add_all(products.values())
        s.flush()

        def order(no: str, customer: Customer | None, day: dt.date,
                  lines: list[tuple[str, str | None]]) -> None:
            o = Order(order_no=no, customer_id=customer.id if customer else None,
                      order_date=day, amount=len(lines))
            s.add(o)
            s.flush()
            for key, sku in lines:
                s.add(OrderLine(order_id=o.id, line_key=key, quantity=1, unit_price=1, amount=1,
                                product_id=products[sku].id if sku else None))
            s.flush()

        # SKU-keyed (the old importer), also with SKUs that look like positions
        order("SO-1", c1, dt.date(2026, 3, 5), [("P2", "P2"), ("P1", "P1")])
        order("SO-2", c1, dt.date(2026, 2, 1), [("2", "2"), ("1", "1"), ("P1", "P1")])
        # mapped line numbers and an order-level row: left as they are
        order("SO-3", c2, dt.date(2026, 1, 1), [("10", "P1"), ("20", "P2")])
        order("SO-4", c2, dt.date(2026, 1, 9), [("", None)])
        order("SO-5", None, dt.date(2025, 1, 1), [("P1", "P1")])
    with session_scope(engine) as s:
        version = data_version(s)
    upgrade(engine)
    assert _keys(engine) == {
        "SO-1": [("1", "P2"), ("2", "P1")],
        "SO-2": [("1", "2"), ("2", "1"), ("3", "P1")],
        "SO-3": [("10", "P1"), ("20", "P2")],
        "SO-4": [("", None)],
        "SO-5": [("1", "P1")],
    }
    with session_scope(engine) as s:
        created = dict(s.execute(select(Customer.code, Customer.created_date)).all())
    assert created == {"C1": dt.date(2026, 2, 1), "C2": dt.date(2020, 5, 1), "C3": None}
    with session_scope(engine) as s:
        assert data_version(s) == version + 1
    downgrade(engine, "0002")  # keeps the data
    assert _keys(engine)["SO-1"] == [("1", "P2"), ("2", "P1")]
    engine.dispose()


def test_a_file_imported_before_the_upgrade_imports_again_without_a_change(
        fresh_database_url: str) -> None:
    engine = make_engine(fresh_database_url)
    downgrade(engine, "0002")
    data = line_rows(["SO-1", "C1", "2026-03-01", "P2", "1", "5"],
                     ["SO-1", "C1", "2026-03-01", "P1", "2", "10"],
                     ["SO-2", "C2", "2026-03-02", "P1", "1", "10"])
    with session_scope(engine, write=True) as s:  # what the earlier importer wrote
        c1, c2 = Customer(code="C1"), Customer(code="C2")
        p1, p2 = Product(sku="P1"), Product(sku="P2")
        s.add_all([c1, c2, p1, p2])
        s.flush()
        o1 = Order(order_no="SO-1", customer_id=c1.id, order_date=dt.date(2026, 3, 1),
                   amount=25)
        o2 = Order(order_no="SO-2", customer_id=c2.id, order_date=dt.date(2026, 3, 2),
                   amount=10)
        s.add_all([o1, o2])
        s.flush()
        s.add_all([OrderLine(order_id=o1.id, line_key="P2", product_id=p2.id, quantity=1,
                             unit_price=5, amount=5),
                   OrderLine(order_id=o1.id, line_key="P1", product_id=p1.id, quantity=2,
                             unit_price=10, amount=20),
                   OrderLine(order_id=o2.id, line_key="P1", product_id=p1.id, quantity=1,
                             unit_price=10, amount=10)])
    upgrade(engine)
    before = checksum(engine)
    report = run_import(engine, "orders", data, filename="orders.csv", options=ImportOptions())
    assert report.status == "unchanged", report.summary_lines()
    assert checksum(engine) == before
    engine.dispose()

