"""The migration ledger: every change of a customer's tier, scheme band or rule segment
between two days (reads only; never commits).

A change is a membership row of source ``abc``, ``scheme:<id>`` or ``rule:<id>`` that opened
inside the days (``to`` is its label, ``from`` the label of the row of the same customer and
source that closed that day, if any), or a row that closed inside the days with no row
opening after it (the customer left the band or segment: ``to`` is empty). Rows of a rule
still waiting for its days (``(pending)``) are not moves and are left out as ``to``. Scoped
through the customer like every list.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import Integer, and_, case, cast, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from dashboard.data.scope import customer_scope_clause
from dashboard.models import Alert, Customer, Followup, Membership, Rep
from dashboard.scope import Actor

LEDGER_COLUMNS = ["day", "customer_id", "customer_code", "customer_name", "account_manager",
                  "source", "from_label", "to_label", "value", "reason", "alert_status",
                  "followup_state"]
PENDING = "(pending)"
MOVES = ("abc", "scheme:", "rule:")


def _kinds(column, kind: str | None):  # noqa: ANN001, ANN202
    if kind == "tier":
        return column == "abc"
    if kind in ("scheme", "rule"):
        return column.like(f"{kind}:%")
    return or_(column == "abc", column.like("scheme:%"), column.like("rule:%"))


def load_ledger(session: Session, actor: Actor, start: dt.date, end: dt.date, *,
                kind: str | None = None, source: str | None = None,
                limit: int = 100_000) -> pd.DataFrame:
    """The moves between ``start`` and ``end`` (both included) of the customers ``actor``
    may see, newest first (``LEDGER_COLUMNS``). ``kind``: tier, scheme or rule;
    ``source``: one source (``rule:3``)."""
    m, before, after = Membership, aliased(Membership), aliased(Membership)
    which = m.source == source if source else _kinds(m.source, kind)
    entered = (
        select(m.valid_from.label("day"), m.customer_id, m.source,
               before.label.label("from_label"), m.label.label("to_label"), m.value,
               m.reason)
        .join(before, and_(before.customer_id == m.customer_id, before.source == m.source,
                           before.valid_to == m.valid_from), isouter=True)
        .where(m.valid_from >= start, m.valid_from <= end, m.label != PENDING, which))
    left = (
        select(m.valid_to.label("day"), m.customer_id, m.source,
               m.label.label("from_label"), literal(None).label("to_label"),
               literal(None).label("value"), literal("").label("reason"))
        .join(after, and_(after.customer_id == m.customer_id, after.source == m.source,
                          after.valid_from == m.valid_to), isouter=True)
        .where(m.valid_to >= start, m.valid_to <= end, after.id.is_(None),
               m.label != PENDING, which))
    moves = union_all(entered, left).subquery()
    latest_alert = (select(Alert.status).where(
        Alert.customer_id == moves.c.customer_id,
        Alert.rule_id == _rule_id(moves.c.source))
        .order_by(Alert.id.desc()).limit(1).scalar_subquery())
    latest_followup = (select(Followup.state).where(
        Followup.customer_id == moves.c.customer_id,
        Followup.rule_id == _rule_id(moves.c.source))
        .order_by(Followup.id.desc()).limit(1).scalar_subquery())
    rows = session.execute(
        select(moves.c.day, moves.c.customer_id, Customer.code, Customer.name, Rep.name,
               moves.c.source, moves.c.from_label, moves.c.to_label, moves.c.value,
               moves.c.reason, latest_alert, latest_followup)
        .join(Customer, Customer.id == moves.c.customer_id)
        .join(Rep, Rep.id == Customer.rep_id, isouter=True)
        .where(customer_scope_clause(actor))
        .order_by(moves.c.day.desc(), Customer.code, moves.c.source)
        .limit(max(1, int(limit)))).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=LEDGER_COLUMNS).astype(
        {c: object for c in ("from_label", "to_label", "alert_status", "followup_state",
                             "account_manager")})
    labels = ["from_label", "to_label", "alert_status", "followup_state", "account_manager"]
    frame[labels] = frame[labels].where(frame[labels].notna(), None)
    return frame.assign(day=pd.to_datetime(frame["day"]).dt.date if len(frame) else
                        frame["day"])


def _rule_id(source):  # noqa: ANN001, ANN202
    """The rule id of a ``rule:<id>`` source (other sources: no id)."""
    return case((source.like("rule:%"), cast(func.substr(source, 6), Integer)), else_=None)


__all__ = ["LEDGER_COLUMNS", "load_ledger"]
