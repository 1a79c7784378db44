"""The customer-day rollup against hand-computed expectations (SPEC.md "Time")."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dashboard.data.rollups import rebuild_rollups, refresh_rollups
from dashboard.db import session_scope
from dashboard.models import AnonymousDay, Customer, CustomerDay, Order, OrderLine, Product

D1, D2 = dt.date(2026, 3, 1), dt.date(2026, 3, 2)


def _seed(s) -> tuple[int, int]:  # noqa: ANN001
    a, b = Customer(code="A", name="A"), Customer(code="B", name="B")
    p = Product(sku="P", name="P", unit_cost=4.0)
    s.add_all([a, b, p])
    s.flush()

    def order(no, cust, day, lines, coupon=None):  # noqa: ANN001, ANN202
        o = Order(order_no=no, customer_id=cust, order_date=day, coupon_code=coupon,
                  amount=sum(q * pr for q, pr, _ in lines), is_return=all(q < 0 for q, _, _ in lines))
        s.add(o)
        s.flush()
        for i, (q, pr, cost) in enumerate(lines):
            s.add(OrderLine(order_id=o.id, line_key=str(i), product_id=p.id, quantity=q,
                            unit_price=pr, unit_cost=cost, amount=q * pr))

    order("1", a.id, D1, [(2, 10.0, 4.0), (1, 5.0, None)])          # 25 revenue, cost 8 on 20
    order("2", a.id, D1, [(1, 7.0, 4.0)], coupon="CP-1")             # second order same day
    order("3", a.id, D2, [(-1, 10.0, 4.0)])                           # return-only order
    order("4", b.id, D2, [(3, 3.0, None), (-1, 3.0, None)])          # mixed: is an order
    order("5", None, D1, [(1, 100.0, None)])                          # anonymous sale
    order("6", None, D1, [(-1, 30.0, None)])                          # anonymous return
    return a.id, b.id


def _rows(s):  # noqa: ANN001, ANN202
    rows = s.execute(select(CustomerDay).order_by(CustomerDay.customer_id, CustomerDay.day))
    return [(r.customer_id, r.day, r.revenue, r.orders, r.return_orders, r.return_amount,
             r.costed_revenue, r.cost, r.coupon_orders) for r in rows.scalars()]


def test_rebuild_computes_the_spec_figures(engine) -> None:
    with session_scope(engine, write=True) as s:
        a, b = _seed(s)
        rebuild_rollups(s)
    with session_scope(engine) as s:
        assert _rows(s) == [
            (a, D1, 32.0, 2, 0, 0.0, 27.0, 12.0, 1),
            (a, D2, -10.0, 0, 1, -10.0, -10.0, -4.0, 0),
            (b, D2, 6.0, 1, 0, -3.0, 0.0, 0.0, 0),
        ]
        anon = s.execute(select(AnonymousDay)).scalars().all()
        assert [(r.day, r.revenue, r.orders) for r in anon] == [(D1, 70.0, 1)]


def test_refresh_equals_rebuild(engine) -> None:
    with session_scope(engine, write=True) as s:
        a, b = _seed(s)
        rebuild_rollups(s)
        expected = _rows(s)
        # damage two rows, then refresh just those keys (and one key with no orders at all)
        s.execute(CustomerDay.__table__.delete().where(CustomerDay.customer_id == a))
        s.add(CustomerDay(customer_id=b, day=D1, revenue=999.0))
        s.flush()
        refresh_rollups(s, [(a, D1), (a, D2), (b, D1), (None, D1)])
        assert _rows(s) == expected
