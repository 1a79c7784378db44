"""Monthly sales targets per customer (reads and single-row writes; never commits). Imports of
many targets go through the importer (``dashboard.data.ingest.upsert_targets``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from dashboard.data.fast import read_frame
from dashboard.data.scope import customer_scope_clause
from dashboard.models import Customer, Rep, Target
from dashboard.scope import Actor

TARGET_COLUMNS = ["customer_id", "month", "amount"]
CUSTOMER_COLUMNS = ["customer_id", "code", "name", "account_manager"]
_CHUNK = 5_000


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def load_targets(session: Session, start: dt.date, end: dt.date,
                 customer_ids: np.ndarray | Sequence[int] | None = None) -> pd.DataFrame:
    """Targets of the months ``start``..``end`` (first days), of every customer or of
    ``customer_ids`` (``TARGET_COLUMNS``; ``month`` as datetime64). Read straight into
    columns (``dashboard.data.fast``: the statement holds only dates and ids the server
    chose); more than a few thousand ids are kept after reading rather than sent as a list."""
    stmt = (select(Target.customer_id, Target.month, Target.amount)
            .where(Target.month >= start, Target.month <= end)
            .order_by(Target.customer_id, Target.month))
    ids = None if customer_ids is None else np.unique(np.asarray(customer_ids, dtype=np.int64))
    if ids is not None and len(ids) <= _CHUNK:
        stmt = stmt.where(Target.customer_id.in_([int(i) for i in ids]))
    frame = read_frame(session, stmt, {"customer_id": "int64", "month": "object",
                                       "amount": "float64"})
    if ids is not None and len(ids) > _CHUNK:
        frame = frame.loc[np.isin(frame["customer_id"].to_numpy(), ids)]
    # numpy reads ISO dates a dozen times faster than pandas (123,000 targets: 3 ms, 42 ms)
    month = np.array(frame["month"].astype(str).to_numpy(), dtype="datetime64[D]")
    return frame.reset_index(drop=True).assign(month=month.astype("datetime64[ns]"))


def get_target(session: Session, customer_id: int, month: dt.date) -> float | None:
    value = session.execute(select(Target.amount).where(
        Target.customer_id == customer_id, Target.month == month)).scalar()
    return None if value is None else float(value)


def set_target(session: Session, customer_id: int, month: dt.date,
               amount: float | None) -> None:
    """Write (or, with ``amount`` None, remove) one month's target of one customer."""
    if amount is None:
        session.execute(delete(Target).where(Target.customer_id == customer_id,
                                             Target.month == month))
        return
    changed = session.execute(
        update(Target).where(Target.customer_id == customer_id, Target.month == month)
        .values(amount=amount).execution_options(synchronize_session=False)).rowcount
    if not changed:
        session.add(Target(customer_id=customer_id, month=month, amount=amount))
        session.flush()


def search_customers(session: Session, actor: Actor, text: str,
                     limit: int = 20) -> pd.DataFrame:
    """Customers in the actor's scope whose code or name contains ``text`` (by code)."""
    stmt = (select(Customer.id, Customer.code, Customer.name, Rep.name)
            .join(Rep, Rep.id == Customer.rep_id, isouter=True)
            .where(customer_scope_clause(actor)).order_by(Customer.code)
            .limit(max(1, min(int(limit), 100))))
    if text:
        pattern = _like(text)
        stmt = stmt.where(or_(Customer.code.ilike(pattern, escape="\\"),
                              Customer.name.ilike(pattern, escape="\\")))
    rows = session.execute(stmt).all()
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=CUSTOMER_COLUMNS)


def load_customer_labels(session: Session, customer_ids: Sequence[int]) -> pd.DataFrame:
    """Code, name and account manager of ``customer_ids``."""
    ids = [int(i) for i in customer_ids]
    rows: list[tuple] = []
    for first in range(0, len(ids), _CHUNK):
        rows += [tuple(r) for r in session.execute(
            select(Customer.id, Customer.code, Customer.name, Rep.name)
            .join(Rep, Rep.id == Customer.rep_id, isouter=True)
            .where(Customer.id.in_(ids[first:first + _CHUNK]))).all()]
    return pd.DataFrame.from_records(rows, columns=CUSTOMER_COLUMNS)


def load_codes_in_scope(session: Session, actor: Actor, codes: Sequence[str]) -> set[str]:
    """Which of ``codes`` are customers ``actor`` may see."""
    wanted = sorted({str(c) for c in codes if c})
    found: set[str] = set()
    for first in range(0, len(wanted), _CHUNK):
        found.update(session.execute(
            select(Customer.code).where(Customer.code.in_(wanted[first:first + _CHUNK]),
                                        customer_scope_clause(actor))).scalars())
    return found


__all__ = ["CUSTOMER_COLUMNS", "load_codes_in_scope", "TARGET_COLUMNS", "get_target", "load_customer_labels",
           "load_targets", "search_customers", "set_target"]
