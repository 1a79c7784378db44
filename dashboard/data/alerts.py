"""Alerts raised by segmentation rules (reads and writes; never commits).

Lists and counts are scoped through the alert's customer (``customer_scope_clause``): a rep
sees the alerts of the customers assigned to them now, a manager those of the team's
customers, an owner all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import numpy as np
import pandas as pd
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from dashboard.data.bulk import bulk_insert
from dashboard.data.scope import customer_scope_clause
from dashboard.models import Alert, Customer, Rep, SegmentRule
from dashboard.scope import Actor

STATES = ("open", "done")
LIST_COLUMNS = ["id", "created_at", "status", "message", "value", "closed_at", "customer_id",
                "customer_code", "customer_name", "account_manager", "rule_id", "rule_name",
                "figure", "operator", "threshold", "threshold_text", "for_days"]


def load_last_alerts(session: Session, rule_ids: Sequence[int]) -> pd.DataFrame:
    """The latest alert per (rule, customer) of ``rule_ids``: ``rule_id``, ``customer_id``,
    ``created_at``."""
    ids = [int(r) for r in rule_ids]
    columns = ["rule_id", "customer_id", "created_at"]
    if not ids:
        return pd.DataFrame(columns=columns)
    rows = session.execute(
        select(Alert.rule_id, Alert.customer_id, func.max(Alert.created_at))
        .where(Alert.rule_id.in_(ids)).group_by(Alert.rule_id, Alert.customer_id)
    ).all()
    frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=columns)
    return frame.assign(created_at=pd.to_datetime(frame["created_at"]))


def insert_alerts(session: Session, frame: pd.DataFrame) -> int:
    """Bulk-insert alerts (``customer_id``, ``rule_id``, ``rep_id``, ``message``, ``value``,
    ``created_at``), all open."""
    if frame.empty:
        return 0
    rows = frame.assign(status="open", closed_at=pd.NaT, closed_by=np.nan)
    return bulk_insert(session, Alert, rows[["customer_id", "rule_id", "rep_id", "message",
                                             "value", "status", "created_at", "closed_at",
                                             "closed_by"]])


def _scoped(actor: Actor, status: str | None):  # noqa: ANN202
    where = [customer_scope_clause(actor)]
    if status:
        where.append(Alert.status == status)
    return where


def count_alerts(session: Session, actor: Actor, status: str | None = "open") -> int:
    """Alerts in ``status`` (any when ``None``) of the customers ``actor`` may see."""
    return int(session.execute(
        select(func.count()).select_from(Alert).join(Customer, Customer.id == Alert.customer_id)
        .where(*_scoped(actor, status))
    ).scalar_one())


def load_alerts(session: Session, actor: Actor, *, status: str | None = "open",
                offset: int = 0, limit: int = 50) -> tuple[pd.DataFrame, int]:
    """One page of alerts of the customers ``actor`` may see, newest first, and how many
    there are (``LIST_COLUMNS``)."""
    total = count_alerts(session, actor, status)
    rows = session.execute(
        select(Alert.id, Alert.created_at, Alert.status, Alert.message, Alert.value,
               Alert.closed_at, Customer.id, Customer.code, Customer.name, Rep.name,
               Alert.rule_id, SegmentRule.name, SegmentRule.figure, SegmentRule.operator,
               SegmentRule.value, SegmentRule.value_text, SegmentRule.for_days)
        .join(Customer, Customer.id == Alert.customer_id)
        .join(Rep, Rep.id == Customer.rep_id, isouter=True)
        .join(SegmentRule, SegmentRule.id == Alert.rule_id, isouter=True)
        .where(*_scoped(actor, status))
        .order_by(Alert.created_at.desc(), Alert.id.desc())
        .offset(max(0, int(offset))).limit(max(1, min(int(limit), 500)))
    ).all()
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=LIST_COLUMNS), total


def get_alert_customer(session: Session, alert_id: int) -> tuple[int, str] | None:
    """(customer id, status) of an alert, or None when there is no such alert."""
    row = session.execute(select(Alert.customer_id, Alert.status)
                          .where(Alert.id == int(alert_id))).first()
    return None if row is None else (int(row[0]), str(row[1]))


def close_alert(session: Session, alert_id: int, user_id: int | None,
                at: dt.datetime) -> bool:
    """Mark an open alert done; False when it was not open."""
    result = session.execute(
        update(Alert).where(Alert.id == int(alert_id), Alert.status == "open")
        .values(status="done", closed_at=at, closed_by=user_id)
        .execution_options(synchronize_session=False))
    return bool(result.rowcount)


__all__ = ["LIST_COLUMNS", "STATES", "close_alert", "count_alerts", "get_alert_customer",
           "insert_alerts", "load_alerts", "load_last_alerts"]
