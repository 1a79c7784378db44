"""Rollup readers and the columnar snapshot, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import delete, update

from dashboard.cache import Memo
from dashboard.data import snapshot
from dashboard.data.rollups import rebuild_rollups, refresh_rollups
from dashboard.data.sales import load_anonymous_days, load_customer_days, load_customers
from dashboard.db import session_scope
from dashboard.models import Customer, CustomerDay, DataState, Order, OrderLine, Rep, Team


def _order(s, no: str, customer_id: int | None, day: dt.date, qty: float, price: float) -> None:  # noqa: ANN001
    o = Order(order_no=no, customer_id=customer_id, order_date=day, amount=qty * price,
              is_return=qty < 0)
    s.add(o)
    s.flush()
    s.add(OrderLine(order_id=o.id, line_key="", quantity=qty, unit_price=price, amount=qty * price))


def _seed(engine) -> tuple[int, int]:  # noqa: ANN001
    with session_scope(engine, write=True) as s:
        team = Team(name="East")
        s.add(team)
        s.flush()
        rep = Rep(name="Li Wei", team_id=team.id)
        s.add(rep)
        s.flush()
        a = Customer(code="A", name="恒达五金", customer_type="Trade", rep_id=rep.id,
                     created_date=dt.date(2024, 1, 5))
        b = Customer(code="B", name="Harbor Hardware")
        s.add_all([a, b])
        s.flush()
        _order(s, "1", a.id, dt.date(1970, 1, 2), 1, 10.0)
        _order(s, "2", a.id, dt.date(2026, 3, 1), 2, 5.5)
        _order(s, "3", b.id, dt.date(2026, 3, 1), -1, 4.0)
        _order(s, "4", None, dt.date(2026, 3, 2), 1, 8.0)
        rebuild_rollups(s)
        return a.id, b.id


def test_load_customer_days_types_and_dates(engine) -> None:
    a, b = _seed(engine)
    with session_scope(engine) as s:
        days = load_customer_days(s)
    assert list(days["day"]) == [pd.Timestamp("1970-01-02"), pd.Timestamp("2026-03-01"),
                                 pd.Timestamp("2026-03-01")]
    assert days["customer_id"].tolist() == [a, a, b]
    assert days["revenue"].tolist() == [10.0, 11.0, -4.0]
    assert days["orders"].tolist() == [1, 1, 0]
    assert days["return_orders"].tolist() == [0, 0, 1]
    assert str(days["day"].dtype) == "datetime64[ns]"
    assert str(days["orders"].dtype) == "int64"


def test_load_customers_and_anonymous(engine) -> None:
    a, _b = _seed(engine)
    with session_scope(engine) as s:
        customers = load_customers(s)
        anon = load_anonymous_days(s)
    first = customers.set_index("customer_id").loc[a]
    assert (first["code"], first["name"], first["account_manager"]) == ("A", "恒达五金", "Li Wei")
    assert first["created_date"] == pd.Timestamp("2024-01-05")
    assert anon.to_dict("records") == [
        {"day": pd.Timestamp("2026-03-02"), "revenue": 8.0, "orders": 1}
    ]


def test_snapshot_follows_changes(engine, tmp_path) -> None:
    a, b = _seed(engine)
    memo = Memo(1)
    first = snapshot.current_days(engine, tmp_path, memo)
    assert len(first) == 3
    with session_scope(engine, write=True) as s:
        _order(s, "5", b, dt.date(2026, 3, 5), 3, 2.0)
        refresh_rollups(s, [(b, dt.date(2026, 3, 5))])
    memo = Memo(1)  # another worker: reads the file, then applies the change log
    second = snapshot.current_days(engine, tmp_path, memo)
    with session_scope(engine) as s:
        expected = load_customer_days(s)
    pd.testing.assert_frame_equal(second, expected)
    assert len(second) == 4
    # unchanged data: the same frame comes from memory
    assert snapshot.current_days(engine, tmp_path, memo) is second
    # a third worker reads the file alone (column by column): the same values and types
    pd.testing.assert_frame_equal(snapshot.current_days(engine, tmp_path, Memo(1)), expected)


def test_snapshot_reloads_after_rebuild_and_other_database(engine, tmp_path) -> None:
    _seed(engine)
    memo = Memo(1)
    snapshot.current_days(engine, tmp_path, memo)
    with session_scope(engine, write=True) as s:
        s.query(OrderLine).filter(OrderLine.amount < 0).delete()
        rebuild_rollups(s)
    frame = snapshot.current_days(engine, tmp_path, memo)
    with session_scope(engine) as s:
        pd.testing.assert_frame_equal(frame, load_customer_days(s))
    # a database with another identity never reuses this snapshot
    # (its rollup changes without a change-log row: only the identity tells them apart)
    with session_scope(engine, write=True) as s:
        s.execute(update(DataState).values(instance_id="another-database"))
        s.execute(delete(CustomerDay))
    assert snapshot.current_days(engine, tmp_path, Memo(1)).empty
