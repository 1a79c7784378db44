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
from sqlalchemy import case, func, select, update
from sqlalchemy.orm import Session

from dashboard.data.bulk import bulk_insert
from dashboard.data.scope import customer_scope_clause
from dashboard.models import Alert, Customer, Rep, SegmentRule, User
from dashboard.scope import Actor

STATES = ("open", "done")
LIST_COLUMNS = ["id", "created_at", "status", "message", "value", "closed_at", "customer_id",
                "customer_code", "customer_name", "account_manager", "rule_id", "rule_name",
                "figure", "operator", "threshold", "threshold_text", "for_days"]


def insert_alerts(session: Session, frame: pd.DataFrame) -> int:
    """Bulk-insert alerts (``customer_id``, ``rule_id``, ``rep_id``, ``message``, ``value``,
    ``created_at``), all open."""
    if frame.empty:
        return 0
    rows = frame.assign(status="open", closed_at=pd.NaT, closed_by=np.nan)
    if "user_id" not in rows.columns:
        rows = rows.assign(user_id=np.nan)
    return bulk_insert(session, Alert, rows[["customer_id", "rule_id", "rep_id", "user_id",
                                             "message", "value", "status", "created_at",
                                             "closed_at", "closed_by"]])


def load_alert_addressees(session: Session) -> tuple[dict[int, int], int | None]:
    """Who gets an alert about a customer without an account manager: each team's manager
    (the first active manager user of the team) and the first active owner."""
    managers = session.execute(
        select(User.team_id, func.min(User.id)).where(
            User.role == "manager", User.is_active.is_(True), User.team_id.is_not(None))
        .group_by(User.team_id)).all()
    owner = session.execute(select(func.min(User.id)).where(
        User.role == "owner", User.is_active.is_(True))).scalar()
    return {int(t): int(u) for t, u in managers}, None if owner is None else int(owner)


def _scoped(actor: Actor, status: str | None, rule_id: int | None = None):  # noqa: ANN202
    where = [customer_scope_clause(actor)]
    if status:
        where.append(Alert.status == status)
    if rule_id is not None:
        where.append(Alert.rule_id == int(rule_id))
    return where


def count_alerts(session: Session, actor: Actor, status: str | None = "open",
                 rule_id: int | None = None) -> int:
    """Alerts in ``status`` (any when ``None``) of the customers ``actor`` may see (of one
    rule with ``rule_id``)."""
    return int(session.execute(
        select(func.count()).select_from(Alert).join(Customer, Customer.id == Alert.customer_id)
        .where(*_scoped(actor, status, rule_id))
    ).scalar_one())


GROUP_COLUMNS = ["rule_id", "rule_name", "alerts", "customers", "oldest", "newest"]


def load_alert_groups(session: Session, actor: Actor,
                      status: str | None = "open") -> pd.DataFrame:
    """The alerts of the customers ``actor`` may see grouped by rule, most alerts first
    (``GROUP_COLUMNS``; a deleted rule's alerts are one group with no id)."""
    rows = session.execute(
        select(Alert.rule_id, SegmentRule.name, func.count(Alert.id),
               func.count(func.distinct(Alert.customer_id)), func.min(Alert.created_at),
               func.max(Alert.created_at))
        .join(Customer, Customer.id == Alert.customer_id)
        .join(SegmentRule, SegmentRule.id == Alert.rule_id, isouter=True)
        .where(*_scoped(actor, status))
        .group_by(Alert.rule_id, SegmentRule.name)
        .order_by(func.count(Alert.id).desc(), Alert.rule_id)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=GROUP_COLUMNS)


def close_rule_alerts(session: Session, actor: Actor, rule_id: int, user_id: int | None,
                      at: dt.datetime) -> int:
    """Mark done every open alert of ``rule_id`` about the customers ``actor`` may see; how
    many."""
    inside = select(Alert.id).join(Customer, Customer.id == Alert.customer_id).where(
        *_scoped(actor, "open", rule_id))
    result = session.execute(
        update(Alert).where(Alert.id.in_(inside), Alert.status == "open")
        .values(status="done", closed_at=at, closed_by=user_id)
        .execution_options(synchronize_session=False))
    return int(result.rowcount or 0)


def load_alerts(session: Session, actor: Actor, *, status: str | None = "open",
                offset: int = 0, limit: int = 50,
                rule_id: int | None = None) -> tuple[pd.DataFrame, int]:
    """One page of alerts of the customers ``actor`` may see, newest first, and how many
    there are (``LIST_COLUMNS``)."""
    total = count_alerts(session, actor, status, rule_id)
    rows = session.execute(
        select(Alert.id, Alert.created_at, Alert.status, Alert.message, Alert.value,
               Alert.closed_at, Customer.id, Customer.code, Customer.name, Rep.name,
               Alert.rule_id, SegmentRule.name, SegmentRule.figure, SegmentRule.operator,
               SegmentRule.value, SegmentRule.value_text, SegmentRule.for_days)
        .join(Customer, Customer.id == Alert.customer_id)
        .join(Rep, Rep.id == Customer.rep_id, isouter=True)
        .join(SegmentRule, SegmentRule.id == Alert.rule_id, isouter=True)
        .where(*_scoped(actor, status, rule_id))
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


DIGEST_COLUMNS = ["rep_id", "rep_name", "email", "open", "new", "oldest"]


def load_digest_counts(session: Session, since: dt.datetime) -> pd.DataFrame:
    """Per account manager with an e-mail address: their open alerts (of the customers
    assigned to them now), how many were raised at or after ``since``, the oldest one's time
    (``DIGEST_COLUMNS``; only managers with at least one open alert)."""
    rows = session.execute(
        select(Rep.id, Rep.name, Rep.email, func.count(Alert.id),
               func.sum(case((Alert.created_at >= since, 1), else_=0)),
               func.min(Alert.created_at))
        .join(Customer, Customer.rep_id == Rep.id)
        .join(Alert, Alert.customer_id == Customer.id)
        .where(Alert.status == "open", Rep.email.is_not(None), Rep.email != "")
        .group_by(Rep.id, Rep.name, Rep.email).order_by(Rep.id)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=DIGEST_COLUMNS)


__all__ = ["DIGEST_COLUMNS", "GROUP_COLUMNS", "close_rule_alerts", "load_alert_groups", "LIST_COLUMNS", "STATES", "close_alert", "load_alert_addressees",
           "load_digest_counts", "count_alerts", "get_alert_customer",
           "insert_alerts", "load_alerts"]
