"""Readers of the sales rollups and customer master data, as the DataFrames described in
``dashboard/analytics/__init__.py``.

Days travel as integer day numbers (days since 1970-01-01) computed in SQL, which is several
times faster than parsing date strings in Python at millions of rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Integer, cast, func, literal_column, select
from sqlalchemy.orm import Session

from dashboard.data.fast import read_frame
from dashboard.models import (
    AnonymousDay,
    Customer,
    CustomerDay,
    DuplicateDecision,
    Rep,
    RollupChange,
)

DAY_COLUMNS = [
    "customer_id",
    "day",
    "revenue",
    "orders",
    "return_orders",
    "return_amount",
    "costed_revenue",
    "cost",
    "coupon_orders",
]
_EPOCH_JULIAN = 2440587.5  # julianday('1970-01-01')


def day_number(session: Session, column) -> ColumnElement[int]:  # noqa: ANN001
    """SQL expression: the date ``column`` as days since 1970-01-01."""
    if session.get_bind().dialect.name == "sqlite":
        return cast(func.julianday(column) - _EPOCH_JULIAN, Integer)
    return column - literal_column("DATE '1970-01-01'")


def days_to_datetime(numbers: np.ndarray) -> np.ndarray:
    return np.asarray(numbers, dtype="int64").astype("datetime64[D]").astype("datetime64[ns]")


def _frame(rows: list[tuple], columns: list[str]) -> pd.DataFrame:
    if not rows:
        frame = pd.DataFrame({c: np.array([], dtype="float64") for c in columns})
    else:
        frame = pd.DataFrame.from_records(rows, columns=columns, coerce_float=True)
    return frame


_DAY_DTYPES = {"customer_id": "int64", "day": "int64", "revenue": "float64", "orders": "int64",
               "return_orders": "int64", "return_amount": "float64",
               "costed_revenue": "float64", "cost": "float64", "coupon_orders": "int64"}


def load_customer_days(session: Session, customer_ids: list[int] | None = None, *,
                       since: dt.date | None = None) -> pd.DataFrame:
    """The ``customer_days`` rollup, all of it or only the rows of ``customer_ids`` (and only
    the days from ``since`` on, when given), ordered by customer and day."""
    cd = CustomerDay
    stmt = select(
        cd.customer_id, day_number(session, cd.day), cd.revenue, cd.orders, cd.return_orders,
        cd.return_amount, cd.costed_revenue, cd.cost, cd.coupon_orders,
    ).order_by(cd.customer_id, cd.day)
    if since is not None:
        stmt = stmt.where(cd.day >= since)
    if customer_ids is None:
        return _typed_days(read_frame(session, stmt, _DAY_DTYPES))
    ids = sorted({int(c) for c in customer_ids})
    parts = [read_frame(session, stmt.where(cd.customer_id.in_(ids[i:i + 5_000])), _DAY_DTYPES)
             for i in range(0, len(ids), 5_000)]
    frame = (parts[0] if len(parts) == 1 else pd.concat(parts, ignore_index=True)) if parts \
        else read_frame(
        session, stmt.where(cd.customer_id.in_([-1])), _DAY_DTYPES)
    return _typed_days(frame)


def _typed_days(frame: pd.DataFrame) -> pd.DataFrame:
    """Day numbers to datetimes and the documented dtypes (converting only the columns that
    are not of theirs: read straight into columns, none is)."""
    odd = {c: t for c, t in _DAY_DTYPES.items() if c != "day" and frame[c].dtype != t}
    typed = frame.astype(odd) if odd else frame
    return typed.assign(day=days_to_datetime(frame["day"].to_numpy())).reset_index(drop=True)


def load_anonymous_days(session: Session) -> pd.DataFrame:
    rows = session.execute(
        select(day_number(session, AnonymousDay.day), AnonymousDay.revenue, AnonymousDay.orders)
        .order_by(AnonymousDay.day)
    ).all()
    frame = _frame([tuple(r) for r in rows], ["day", "revenue", "orders"])
    return frame.assign(
        day=days_to_datetime(frame["day"].to_numpy()),
        revenue=frame["revenue"].astype("float64"),
        orders=frame["orders"].astype("int64"),
    )


_CUSTOMER_DTYPES = {"customer_id": "int64", "code": "object", "name": "object",
                    "customer_type": "object", "region": "object", "rep_id": "float64",
                    "account_manager": "object", "team_id": "float64",
                    "created_date": "float64", "phone": "object", "email": "object"}


def merged_away() -> Any:
    """The ids of the customer records merged into another one (a ``merged`` duplicate
    decision whose kept record is the other of the pair): they hold no rows any more and
    leave every list, count and export until the merge is undone."""
    d = DuplicateDecision
    return select(d.customer_a).where(d.decision == "merged", d.kept_id == d.customer_b
                                      ).union_all(
        select(d.customer_b).where(d.decision == "merged", d.kept_id == d.customer_a))


def load_customers(session: Session) -> pd.DataFrame:
    """Every customer record with its account manager and team, without the records merged
    into another one (:func:`merged_away`)."""
    stmt = (
        select(
            Customer.id, Customer.code, Customer.name, Customer.customer_type, Customer.region,
            Customer.rep_id, Rep.name, Rep.team_id, day_number(session, Customer.created_date),
            Customer.phone, Customer.email,
        )
        .join(Rep, Rep.id == Customer.rep_id, isouter=True)
        .where(Customer.id.not_in(merged_away()))
        .order_by(Customer.id)
    )
    frame = read_frame(session, stmt, _CUSTOMER_DTYPES)
    return frame.assign(
        rep_id=frame["rep_id"].astype("Int64"),
        team_id=frame["team_id"].astype("Int64"),
        created_date=pd.to_datetime(frame["created_date"], unit="D").astype("datetime64[ns]"),
    )


def get_rollup_change_id(session: Session) -> int:
    """Id of the latest rollup change (0 when there is none)."""
    return int(session.execute(select(func.max(RollupChange.id))).scalar() or 0)


def load_rollup_changes(session: Session, after_id: int) -> tuple[int, bool, pd.DataFrame]:
    """Changes to the rollup since change ``after_id``: (last change id, whether everything
    was rewritten, the changed (customer_id, day-number) pairs)."""
    rc = RollupChange
    last = session.execute(select(func.max(rc.id))).scalar()
    if last is None or last <= after_id:
        return after_id if last is None else int(last), False, pd.DataFrame(
            {"customer_id": [], "day": []}, dtype="int64")
    full = session.execute(
        select(func.count()).where(rc.id > after_id, rc.customer_id.is_(None))
    ).scalar_one()
    if full:
        return int(last), True, pd.DataFrame({"customer_id": [], "day": []}, dtype="int64")
    rows = session.execute(
        select(rc.customer_id, day_number(session, rc.day)).where(rc.id > after_id).distinct()
    ).all()
    keys = pd.DataFrame.from_records([tuple(r) for r in rows], columns=["customer_id", "day"])
    return int(last), False, keys.astype("int64")
