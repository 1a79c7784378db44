"""Account managers' places in the segments of rules over account managers (seed 004's
"Top rep"; SQL only, never commits)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from dashboard.models import RepMembership, utcnow

OPEN_COLUMNS = ["id", "rep_id", "source", "label", "value", "valid_from"]


def load_open_rep_memberships(session: Session,
                              sources: Sequence[str] | None = None) -> pd.DataFrame:
    """The open rows, of every rule or of ``sources`` (``OPEN_COLUMNS``)."""
    r = RepMembership
    stmt = select(r.id, r.rep_id, r.source, r.label, r.value, r.valid_from).where(
        r.valid_to.is_(None)).order_by(r.rep_id, r.source, r.id)
    if sources is not None:
        stmt = stmt.where(r.source.in_(list(sources)))
    rows = session.execute(stmt).all()
    frame = pd.DataFrame.from_records([tuple(x) for x in rows], columns=OPEN_COLUMNS)
    return frame.astype({"id": "int64", "rep_id": "int64"}) if len(frame) else frame


def close_rep_memberships(session: Session, ids: Sequence[int], day: dt.date) -> int:
    if not ids:
        return 0
    result = session.execute(update(RepMembership).where(
        RepMembership.id.in_([int(i) for i in ids])).values(valid_to=day)
        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def close_rep_sources(session: Session, sources: Sequence[str], day: dt.date) -> int:
    """Close every open row of ``sources`` (a rule deleted)."""
    result = session.execute(update(RepMembership).where(
        RepMembership.source.in_(list(sources)), RepMembership.valid_to.is_(None))
        .values(valid_to=day).execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def load_rep_segments(session: Session, rep_ids: Sequence[int]) -> pd.DataFrame:
    """The open segments of ``rep_ids``: ``rep_id``, ``source``, ``label``, ``value``."""
    ids = [int(i) for i in rep_ids]
    if not ids:
        return pd.DataFrame(columns=["rep_id", "source", "label", "value"])
    r = RepMembership
    rows = session.execute(select(r.rep_id, r.source, r.label, r.value).where(
        r.valid_to.is_(None), r.rep_id.in_(ids)).order_by(r.rep_id, r.label)).all()
    return pd.DataFrame.from_records([tuple(x) for x in rows],
                                     columns=["rep_id", "source", "label", "value"])


def insert_rep_memberships(session: Session, frame: pd.DataFrame, day: dt.date) -> int:
    """Open a row per ``rep_id``, ``source``, ``label``, ``value`` from ``day``."""
    if frame.empty:
        return 0
    now = utcnow()
    session.execute(insert(RepMembership), [
        {"rep_id": int(r["rep_id"]), "source": str(r["source"]), "label": str(r["label"]),
         "value": None if pd.isna(r["value"]) else float(r["value"]), "valid_from": day,
         "valid_to": None, "recorded_at": now} for r in frame.to_dict("records")])
    return len(frame)


__all__ = ["OPEN_COLUMNS", "close_rep_memberships", "close_rep_sources",
           "insert_rep_memberships", "load_open_rep_memberships", "load_rep_segments"]
