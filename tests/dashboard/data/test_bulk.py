"""Bulk writes: rows written by ``bulk_insert`` equal rows written through the models, on SQLite
and PostgreSQL; index deferral leaves the schema exactly as the models declare it."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from dashboard.data.bulk import (
    bulk_insert,
    deferred_indexes,
    max_ids,
    reset_id_sequences,
)
from dashboard.db import session_scope
from dashboard.models import Base, Customer, Order, OrderLine, Product

NAMES = ["杭州恒达五金商行", "", 'Quote "and", comma\nnew line', None]


def _customers() -> pd.DataFrame:
    return pd.DataFrame({
        "id": [1, 2, 3, 4],
        "code": ["C1", "C2", "C3", "C4"],
        "name": pd.array(["杭州恒达五金商行", "", 'Quote "and", comma\nnew line', "x"],
                         dtype="string"),
        "customer_type": ["Retail", "Trade", "Distributor", "Retail"],
        "region": pd.array(["East China", None, "North China", None], dtype="string"),
        "phone": [None, "13800000000", None, "+852 2345 6789"],
        "created_date": pd.to_datetime(["2024-02-29", None, "1999-12-31", "2026-01-01"]),
        "opt_out_sms": [True, False, False, True],
        "opt_out_email": [False, False, True, False],
    })


def _orders() -> pd.DataFrame:
    return pd.DataFrame({
        "id": [10, 11, 12],
        "order_no": ["SO-10", "SO-11", "SO-12"],
        "customer_id": [1.0, np.nan, 3.0],  # float with NaN: an anonymous sale
        "order_date": [dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 3, 2)],
        "ordered_at": pd.to_datetime(["2026-03-01 09:15:02.5", None, "2026-03-02 23:59:59.0"]),
        "coupon_code": [None, "CP-1", None],
        "amount": [12.34, -5.0, 1e6],
        "is_return": [False, True, False],
    })


def _orm_rows(s, model, columns):  # noqa: ANN001, ANN202
    rows = s.execute(select(*[getattr(model, c) for c in columns]).order_by(model.id)).all()
    return [tuple(r) for r in rows]


def test_rows_read_back_exactly(engine) -> None:
    with session_scope(engine, write=True) as s:
        assert bulk_insert(s, Customer, _customers()) == 4
        shuffled = _orders()[["amount", "is_return", "order_date", "id", "ordered_at",
                              "order_no", "coupon_code", "customer_id"]]
        assert bulk_insert(s, Order.__table__, shuffled) == 3
    with session_scope(engine) as s:
        assert _orm_rows(s, Customer, ["id", "name", "region", "phone", "created_date",
                                       "opt_out_sms", "opt_out_email"]) == [
            (1, "杭州恒达五金商行", "East China", None, dt.date(2024, 2, 29), True, False),
            (2, "", None, "13800000000", None, False, False),
            (3, 'Quote "and", comma\nnew line', "North China", None, dt.date(1999, 12, 31),
             False, True),
            (4, "x", None, "+852 2345 6789", dt.date(2026, 1, 1), True, False),
        ]
        assert _orm_rows(s, Order, ["id", "customer_id", "order_date", "ordered_at",
                                    "coupon_code", "amount", "is_return"]) == [
            (10, 1, dt.date(2026, 3, 1), dt.datetime(2026, 3, 1, 9, 15, 2, 500000), None,
             12.34, False),
            (11, None, dt.date(2026, 3, 2), None, "CP-1", -5.0, True),
            (12, 3, dt.date(2026, 3, 2), dt.datetime(2026, 3, 2, 23, 59, 59), None, 1e6, False),
        ]


def test_storage_matches_the_orm_so_sql_comparisons_agree(engine) -> None:
    """Dates compared in SQL (``order_date >= :day``) find bulk rows and ORM rows alike."""
    with session_scope(engine, write=True) as s:
        bulk_insert(s, Customer, _customers())
        bulk_insert(s, Order, _orders())
        s.add(Order(id=20, order_no="ORM-20", order_date=dt.date(2026, 3, 2),
                    ordered_at=dt.datetime(2026, 3, 2, 8, 0), amount=1.0))
    with session_scope(engine) as s:
        found = s.execute(
            select(Order.id)
            .where(Order.order_date >= dt.date(2026, 3, 2))
            .where(Order.ordered_at.is_(None) | (Order.ordered_at > dt.datetime(2026, 3, 2)))
            .order_by(Order.id)
        ).scalars().all()
    assert found == [11, 12, 20]


def test_unknown_column_and_empty_frame(engine) -> None:
    with session_scope(engine, write=True) as s:
        with pytest.raises(ValueError, match="customers has no column"):
            bulk_insert(s, Customer, pd.DataFrame({"code": ["A"], "colour": ["red"]}))
        assert bulk_insert(s, Customer, _customers().iloc[:0]) == 0


def test_a_failed_transaction_writes_nothing(engine) -> None:
    with pytest.raises(RuntimeError), session_scope(engine, write=True) as s:
        bulk_insert(s, Customer, _customers())
        raise RuntimeError("stop")
    with session_scope(engine) as s:
        assert s.execute(select(Customer.id)).all() == []


def test_constraints_still_hold(engine) -> None:
    with pytest.raises(IntegrityError), session_scope(engine, write=True) as s:
        bulk_insert(s, Customer, _customers().assign(code="SAME"))


def _schema_diff(engine) -> list:  # noqa: ANN001
    with engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn), Base.metadata)


def test_deferred_indexes_come_back_as_declared(engine) -> None:
    with session_scope(engine, write=True) as s:
        bulk_insert(s, Customer, _customers())
        with deferred_indexes(s, [Order, OrderLine, Product]):
            bulk_insert(s, Order, _orders())
    assert _schema_diff(engine) == []
    with pytest.raises(IntegrityError), session_scope(engine, write=True) as s:
        bulk_insert(s, Order, _orders().iloc[:1].assign(id=99))  # duplicate order_no


def test_deferred_load_that_breaks_a_constraint_rolls_back(engine) -> None:
    with pytest.raises(IntegrityError), session_scope(engine, write=True) as s:
        bulk_insert(s, Customer, _customers())
        with deferred_indexes(s, [Order]):
            bulk_insert(s, Order, pd.concat([_orders(), _orders().assign(id=[20, 21, 22])]))
    assert _schema_diff(engine) == []
    with session_scope(engine) as s:
        assert s.execute(select(Customer.id)).all() == []


def test_ids_continue_after_explicit_ids(engine) -> None:
    with session_scope(engine, write=True) as s:
        assert max_ids(s, [Customer, Order]) == {"customers": 0, "orders": 0}
        bulk_insert(s, Customer, _customers())
        reset_id_sequences(s, [Customer])
        s.add(Customer(code="NEXT", name="next"))
        s.flush()
        assert max_ids(s, [Customer]) == {"customers": 5}


_TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
                max_size=40)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.one_of(st.none(), _TEXT), min_size=1, max_size=8),
       amounts=st.lists(st.decimals(min_value=-10**9, max_value=10**9, places=2,
                                    allow_nan=False), min_size=1, max_size=8))
def test_any_text_and_money_round_trip(engine, names, amounts) -> None:  # noqa: ANN001
    """Any text (CJK, quotes, commas, newlines, backslashes, empty vs missing) and any
    two-decimal amount come back unchanged."""
    n = min(len(names), len(amounts))
    frame = pd.DataFrame({
        "id": range(1, n + 1),
        "sku": [f"P{i}" for i in range(n)],
        "name": pd.array([v if v is not None else "" for v in names[:n]], dtype="string"),
        "tags": pd.array(names[:n], dtype="string"),
        "list_price": [float(a) for a in amounts[:n]],
    })
    with session_scope(engine, write=True) as s:
        s.execute(delete(Product))
        bulk_insert(s, Product, frame)
        back = _orm_rows(s, Product, ["name", "tags", "list_price"])
        s.rollback()
    assert back == list(zip(frame["name"], names[:n], frame["list_price"], strict=True))
