"""Contact plans of scheme bands and rule segments (reads and writes; never commits)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import String, cast, delete, func, select, update
from sqlalchemy.orm import Session

from dashboard.data.fast import read_frame
from dashboard.models import ContactPlan, Visit

PLAN_COLUMNS = ["id", "source", "label", "channel", "frequency_days", "position"]


def load_plans(session: Session) -> pd.DataFrame:
    """Every plan, in priority order (``PLAN_COLUMNS``)."""
    rows = session.execute(select(*(getattr(ContactPlan, c) for c in PLAN_COLUMNS))
                           .order_by(ContactPlan.position, ContactPlan.id)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=PLAN_COLUMNS)


def get_plans_of(session: Session, source: str) -> pd.DataFrame:
    frame = load_plans(session)
    return frame.loc[frame["source"] == source].reset_index(drop=True)


def set_plan(session: Session, source: str, label: str, channel: str, frequency_days: int,
             at: dt.datetime) -> None:
    """Create or change the plan of (``source``, ``label``); a new plan comes last."""
    done = session.execute(
        update(ContactPlan).where(ContactPlan.source == source, ContactPlan.label == label)
        .values(channel=channel, frequency_days=int(frequency_days), updated_at=at)
        .execution_options(synchronize_session=False))
    if done.rowcount:
        return
    last = session.execute(select(func.max(ContactPlan.position))).scalar()
    session.add(ContactPlan(source=source, label=label, channel=channel,
                            frequency_days=int(frequency_days),
                            position=(last or 0) + 1, updated_at=at))
    session.flush()


def delete_plans(session: Session, source: str, keep: str | None = None) -> int:
    """Delete the plans of ``source`` (but the one of label ``keep``)."""
    stmt = delete(ContactPlan).where(ContactPlan.source == source)
    if keep is not None:
        stmt = stmt.where(ContactPlan.label != keep)
    return int(session.execute(stmt).rowcount or 0)


def delete_plan(session: Session, source: str, label: str) -> int:
    """Delete the plan of one band or segment."""
    return int(session.execute(delete(ContactPlan).where(
        ContactPlan.source == source, ContactPlan.label == label)).rowcount or 0)


def load_contacts(session: Session, until: dt.date) -> pd.DataFrame:
    """Every visit and call on or before ``until``: ``customer_id``, ``kind``, ``day``.
    Read straight into columns (``dashboard.data.fast``: the statement holds only a date the
    server resolved): the team page reads every contact ever made, 220,000 at 50,000
    customers, a second through result rows."""
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time())
    day = func.substr(cast(Visit.happened_at, String), 1, 10)  # YYYY-MM-DD in both databases
    frame = read_frame(session, select(Visit.customer_id, Visit.kind, day)
                       .where(Visit.happened_at < end),
                       {"customer_id": "int64", "kind": "object", "day": "object"})
    return frame.assign(day=pd.to_datetime(frame["day"], format="%Y-%m-%d")
                        .astype("datetime64[us]"))


__all__ = ["PLAN_COLUMNS", "delete_plan", "load_contacts", "delete_plans", "get_plans_of", "load_plans", "set_plan"]
