"""Membership history and month-end snapshots (reads and bulk writes; never commits).

``memberships`` is a change log: a row is open while ``valid_to`` is empty. The recompute
reads every open row at once, closes the changed ones by id and bulk-inserts the new ones;
``customer_snapshots`` holds one row per customer per month-end (and one for the latest
as-of date of the current month).
"""

from __future__ import annotations

import datetime as dt
import fcntl
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine, and_, delete, exists, func, select, update
from sqlalchemy.orm import Session

from dashboard.data.bulk import bulk_insert, deferred_indexes
from dashboard.data.sales import day_number, days_to_datetime
from dashboard.models import CustomerSnapshot, Membership, utcnow

OPEN_COLUMNS = ["id", "customer_id", "source", "label", "valid_from"]
HISTORY_COLUMNS = ["source", "label", "value", "valid_from", "valid_to", "reason",
                   "recorded_at"]
SNAPSHOT_COLUMNS = ["customer_id", "as_of", "status", "abc_tier", "risk_score",
                    "churn_probability"]
_CHUNK = 5_000
DEFER_INDEXES_FROM = 100_000  # rows written at once above which indexes are rebuilt after
RECOMPUTE_LOCK_KEY = 0x636B7063  # "ckpc": the recompute's PostgreSQL advisory lock


@contextmanager
def recompute_lock(engine: Engine, folder: Path) -> Iterator[None]:
    """One recompute at a time: a file lock in the data folder on SQLite (one host), a
    PostgreSQL advisory lock otherwise (any number of hosts). Waits for the other run."""
    if engine.dialect.name != "postgresql":
        folder.mkdir(parents=True, exist_ok=True)
        with open(folder / "recompute.lock", "a+") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
        return
    with engine.connect() as conn:
        conn.execute(select(func.pg_advisory_lock(RECOMPUTE_LOCK_KEY)))
        conn.commit()
        try:
            yield
        finally:
            conn.execute(select(func.pg_advisory_unlock(RECOMPUTE_LOCK_KEY)))
            conn.commit()


def load_open_memberships(session: Session, sources: Sequence[str] | None = None,
                          chunk: int = 200_000) -> pd.DataFrame:
    """The open membership rows, of every source or of ``sources`` (``OPEN_COLUMNS``;
    ``valid_from`` as datetime64)."""
    m = Membership
    stmt = (select(m.id, m.customer_id, m.source, m.label, day_number(session, m.valid_from))
            .where(m.valid_to.is_(None)).execution_options(yield_per=chunk))
    if sources is not None:
        stmt = stmt.where(m.source.in_(list(sources)))
    parts = [pd.DataFrame.from_records([tuple(r) for r in part], columns=OPEN_COLUMNS)
             for part in session.execute(stmt).partitions(chunk)]
    if not parts:
        return pd.DataFrame({"id": pd.Series(dtype="int64"),
                             "customer_id": pd.Series(dtype="int64"),
                             "source": pd.Series(dtype="str"), "label": pd.Series(dtype="str"),
                             "valid_from": pd.Series(dtype="datetime64[ns]")})
    frame = pd.concat(parts, ignore_index=True)
    return frame.assign(id=frame["id"].astype("int64"),
                        customer_id=frame["customer_id"].astype("int64"),
                        valid_from=days_to_datetime(frame["valid_from"].to_numpy()))


def get_latest_change_date(session: Session) -> dt.date | None:
    """The latest ``valid_from`` or ``valid_to`` recorded (None before the first run)."""
    first = session.execute(select(func.max(Membership.valid_from))).scalar()
    last = session.execute(select(func.max(Membership.valid_to))).scalar()
    dates = [d for d in (first, last) if d is not None]
    return max(dates) if dates else None


def prefix_range(column: Any, prefix: str) -> tuple[Any, Any]:
    """``column`` starts with ``prefix`` as an index range (``>= prefix`` and below the
    prefix with its last character raised by one)."""
    return column >= prefix, column < prefix[:-1] + chr(ord(prefix[-1]) + 1)


def open_stamp(session: Session, sources_like: str) -> tuple[int, int]:
    """(highest id, count) of the open rows whose source starts with ``sources_like``
    (``"rule:"``): changes whenever one of them opens or closes. A range on ``source``
    rather than LIKE, so both SQLite and PostgreSQL search the (source, valid_to) index
    instead of reading every row (230 ms → 3 ms at 600,000 rows)."""
    m = Membership
    row = session.execute(select(func.coalesce(func.max(m.id), 0), func.count())
                          .where(m.valid_to.is_(None), *prefix_range(m.source, sources_like))
                          ).one()
    return int(row[0]), int(row[1])


def has_memberships(session: Session) -> bool:
    return bool(session.execute(select(exists().select_from(Membership))).scalar())


def close_memberships(session: Session, ids: Sequence[int] | np.ndarray,
                      valid_to: dt.date) -> int:
    """Close the open rows ``ids`` on ``valid_to``; returns how many were closed."""
    wanted = [int(i) for i in np.asarray(ids, dtype=np.int64)]
    closed = 0
    for start in range(0, len(wanted), _CHUNK):
        part = wanted[start:start + _CHUNK]
        closed += session.execute(
            update(Membership).where(Membership.id.in_(part), Membership.valid_to.is_(None))
            .values(valid_to=valid_to).execution_options(synchronize_session=False)
        ).rowcount or 0
    return closed


def insert_memberships(session: Session, rows: pd.DataFrame) -> int:
    """Write one row per line of ``rows`` (``customer_id``, ``source``, ``label``,
    ``value``, ``reason``, ``valid_from``, ``valid_to`` — empty for an open row)."""
    if rows.empty:
        return 0
    frame = pd.DataFrame({
        "customer_id": rows["customer_id"].to_numpy(dtype=np.int64),
        "source": rows["source"].astype(str).str.slice(0, 40).to_numpy(dtype=object),
        "label": rows["label"].astype(str).str.slice(0, 120).to_numpy(dtype=object),
        "value": pd.to_numeric(rows["value"]).to_numpy(dtype=np.float64, na_value=np.nan),
        "valid_from": pd.to_datetime(rows["valid_from"]).to_numpy(dtype="datetime64[ns]"),
        "valid_to": pd.to_datetime(rows["valid_to"]).to_numpy(dtype="datetime64[ns]"),
        "reason": rows["reason"].astype(str).to_numpy(dtype=object),
        "recorded_at": pd.Timestamp(utcnow()),
    })
    if len(frame) < DEFER_INDEXES_FROM:
        return bulk_insert(session, Membership, frame)
    with deferred_indexes(session, [Membership]):  # a first run: build the indexes once
        return bulk_insert(session, Membership, frame)


def close_sources(session: Session, sources: Iterable[str], valid_to: dt.date) -> int:
    """Close every open row of ``sources`` (a deleted scheme or rule)."""
    names = list(sources)
    if not names:
        return 0
    return session.execute(
        update(Membership).where(Membership.source.in_(names), Membership.valid_to.is_(None))
        .values(valid_to=valid_to).execution_options(synchronize_session=False)
    ).rowcount or 0


def load_memberships_of(session: Session, customer_ids: Iterable[int]) -> pd.DataFrame:
    """``customer_id`` and every membership row of those customers (``HISTORY_COLUMNS``),
    by customer, oldest first."""
    m = Membership
    ids = sorted({int(c) for c in customer_ids})
    parts = [session.execute(
        select(m.customer_id, m.source, m.label, m.value, m.valid_from, m.valid_to, m.reason,
               m.recorded_at)
        .where(m.customer_id.in_(ids[start:start + _CHUNK]))
        .order_by(m.customer_id, m.valid_from, m.recorded_at, m.id)).all()
        for start in range(0, len(ids), _CHUNK)]
    return pd.DataFrame.from_records([tuple(r) for part in parts for r in part],
                                     columns=["customer_id", *HISTORY_COLUMNS])


def load_customer_memberships(session: Session, customer_id: int) -> pd.DataFrame:
    """Every membership row of one customer, oldest first (``HISTORY_COLUMNS``)."""
    return load_memberships_of(session, [customer_id]).drop(columns=["customer_id"])


def count_open_by_label(session: Session, sources: Sequence[str],
                        customer_ids: np.ndarray | None = None) -> pd.DataFrame:
    """Open rows per (source, label), optionally of some customers only."""
    m = Membership
    stmt = (select(m.source, m.label, func.count())
            .where(m.valid_to.is_(None), m.source.in_(list(sources)))
            .group_by(m.source, m.label))
    if customer_ids is None:
        rows = session.execute(stmt).all()
        return pd.DataFrame.from_records([tuple(r) for r in rows],
                                         columns=["source", "label", "customers"])
    ids = [int(i) for i in customer_ids]
    parts = []
    for start in range(0, len(ids), _CHUNK):
        rows = session.execute(stmt.where(m.customer_id.in_(ids[start:start + _CHUNK]))).all()
        parts.append(pd.DataFrame.from_records([tuple(r) for r in rows],
                                               columns=["source", "label", "customers"]))
    if not parts:
        return pd.DataFrame(columns=["source", "label", "customers"])
    return (pd.concat(parts, ignore_index=True).groupby(["source", "label"], as_index=False)
            ["customers"].sum())


# --- month-end snapshots ---------------------------------------------------------------------


def load_snapshot_dates(session: Session) -> list[dt.date]:
    """The dates that have snapshot rows, oldest first."""
    return list(session.execute(select(CustomerSnapshot.as_of).distinct()
                                .order_by(CustomerSnapshot.as_of)).scalars())


def load_snapshots(session: Session, as_of: dt.date) -> pd.DataFrame:
    """The snapshot rows of one date (``SNAPSHOT_COLUMNS``)."""
    s = CustomerSnapshot
    rows = session.execute(
        select(s.customer_id, s.as_of, s.status, s.abc_tier, s.risk_score, s.churn_probability)
        .where(s.as_of == as_of).order_by(s.customer_id)
    ).all()
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=SNAPSHOT_COLUMNS)


def delete_snapshots(session: Session, dates: Sequence[dt.date],
                     customer_ids: Sequence[int] | None = None) -> int:
    """Delete the snapshot rows of ``dates`` (only of ``customer_ids`` when given)."""
    if not dates:
        return 0
    s = CustomerSnapshot
    if customer_ids is None:
        return session.execute(delete(s).where(s.as_of.in_(list(dates)))).rowcount or 0
    ids = [int(i) for i in customer_ids]
    deleted = 0
    for start in range(0, len(ids), _CHUNK):
        deleted += session.execute(delete(s).where(and_(
            s.as_of.in_(list(dates)), s.customer_id.in_(ids[start:start + _CHUNK])))
        ).rowcount or 0
    return deleted


def insert_snapshots(session: Session, frame: pd.DataFrame) -> int:
    """Bulk-insert snapshot rows (``SNAPSHOT_COLUMNS``)."""
    return bulk_insert(session, CustomerSnapshot, frame[SNAPSHOT_COLUMNS])


def load_snapshots_of(session: Session, customer_ids: Iterable[int]) -> pd.DataFrame:
    """Those customers' snapshots (``SNAPSHOT_COLUMNS``), by customer, oldest first."""
    s = CustomerSnapshot
    ids = sorted({int(c) for c in customer_ids})
    parts = [session.execute(
        select(s.customer_id, s.as_of, s.status, s.abc_tier, s.risk_score, s.churn_probability)
        .where(s.customer_id.in_(ids[start:start + _CHUNK])).order_by(s.customer_id, s.as_of)
    ).all() for start in range(0, len(ids), _CHUNK)]
    return pd.DataFrame.from_records([tuple(r) for part in parts for r in part],
                                     columns=SNAPSHOT_COLUMNS)


def load_customer_snapshots(session: Session, customer_id: int) -> pd.DataFrame:
    """One customer's snapshots, oldest first."""
    return load_snapshots_of(session, [customer_id])


__all__ = ["HISTORY_COLUMNS", "OPEN_COLUMNS", "SNAPSHOT_COLUMNS", "close_memberships", "open_stamp",
           "close_sources", "count_open_by_label", "delete_snapshots",
           "get_latest_change_date", "has_memberships", "insert_memberships",
           "insert_snapshots", "load_customer_memberships", "load_customer_snapshots",
           "load_memberships_of", "load_snapshots_of",
           "load_open_memberships", "load_snapshot_dates", "load_snapshots", "recompute_lock"]
