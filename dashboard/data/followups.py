"""Follow-ups: a call, visit or e-mail on a customer for an account manager (SQL only; never
commits).

Who sees which follow-ups (``followup_scope_clause``): an owner all; a manager those of the
team's customers and those assigned to the team's account managers; a rep those assigned to
their own account manager. A follow-up is open as of a date when it was created on or before
it and not done by then; overdue when, besides, its due date is before that date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, and_, case, false, func, insert, or_, select, true, update
from sqlalchemy.orm import Session

from dashboard.data.scope import customer_scope_clause
from dashboard.models import Customer, Followup, Rep
from dashboard.scope import Actor

LIST_COLUMNS = ["id", "customer_id", "customer_code", "customer_name", "rep_id",
                "account_manager", "kind", "due_date", "note", "state", "created_at",
                "done_on", "snoozes", "source"]
INSERT_COLUMNS = ["customer_id", "rep_id", "kind", "due_date", "note", "state", "source",
                  "created_by", "created_at", "done_on", "done_by", "snoozes"]
STATE_FILTERS = ("open", "overdue", "done", "all")


@dataclass(frozen=True)
class FollowupRow:
    id: int
    customer_id: int
    rep_id: int
    kind: str
    due_date: dt.date
    state: str
    snoozes: int


def followup_scope_clause(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on :class:`Followup` (joined to its :class:`Customer`)."""
    kind = actor.scope_kind
    if kind == "all":
        return true()
    if kind == "team":
        team_reps = select(Rep.id).where(Rep.team_id == actor.team_id)
        return or_(Followup.rep_id.in_(team_reps), customer_scope_clause(actor))
    if kind == "rep":
        return Followup.rep_id == actor.rep_id
    return false()


def insert_followups(session: Session, frame: pd.DataFrame) -> int:
    """Insert follow-ups (``INSERT_COLUMNS``; one executemany)."""
    if frame.empty:
        return 0
    records = frame[INSERT_COLUMNS].astype(object).where(frame[INSERT_COLUMNS].notna(), None)
    session.execute(insert(Followup), records.to_dict("records"))
    return len(records)


def insert_rule_followups(session: Session, frame: pd.DataFrame,
                          created_at: dt.datetime) -> pd.DataFrame:
    """Insert the follow-ups rules opened (``customer_id``, ``rule_id``, ``rep_id``, ``kind``,
    ``rule`` (its name, kept in the source), ``due_date``, ``fired_on``) but none for a customer who already has one of the same rule
    fired the same day or still open; returns the rows inserted."""
    if frame.empty:
        return frame
    rules = sorted({int(r) for r in frame["rule_id"]})
    days = sorted(set(frame["fired_on"]))
    taken = session.execute(
        select(Followup.rule_id, Followup.customer_id).where(
            Followup.rule_id.in_(rules),
            or_(Followup.state == "open", Followup.fired_on.in_(days)))).all()
    have = {(int(r), int(c)) for r, c in taken}
    keep = [(int(r), int(c)) not in have
            for r, c in zip(frame["rule_id"], frame["customer_id"], strict=True)]
    rows = frame.loc[keep]
    if rows.empty:
        return rows
    records = [{"customer_id": int(r["customer_id"]), "rep_id": int(r["rep_id"]),
                "kind": str(r["kind"]), "due_date": r["due_date"], "note": "",
                "state": "open", "source": {"kind": "rule", "rule_id": int(r["rule_id"]),
                           "rule": str(r.get("rule") or "")},
                "created_by": None, "created_at": created_at, "done_on": None,
                "done_by": None, "snoozes": 0, "rule_id": int(r["rule_id"]),
                "fired_on": r["fired_on"]} for r in rows.to_dict("records")]
    session.execute(insert(Followup), records)
    return rows


def _day_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


def _open_on(day: dt.date) -> ColumnElement[bool]:
    return and_(Followup.created_at < _day_after(day),
                or_(Followup.done_on.is_(None), Followup.done_on > day))


def _state_clause(state: str, today: dt.date) -> ColumnElement[bool]:
    if state == "open":
        return Followup.state == "open"
    if state == "overdue":
        return and_(Followup.state == "open", Followup.due_date < today)
    if state == "done":
        return Followup.state == "done"
    return true()


def load_followups(session: Session, actor: Actor, *, state: str, today: dt.date,
                   rep_id: int | None = None, limit: int = 2000) -> pd.DataFrame:
    """The follow-ups ``actor`` may see in ``state`` (``STATE_FILTERS``; overdue: open and due
    before ``today``), of one account manager when ``rep_id`` is given; open ones by due
    date, others newest first (``LIST_COLUMNS``)."""
    where = [followup_scope_clause(actor), _state_clause(state, today)]
    if rep_id is not None:
        where.append(Followup.rep_id == int(rep_id))
    order = ((Followup.due_date, Followup.id) if state in ("open", "overdue")
             else (Followup.created_at.desc(), Followup.id.desc()))
    rows = session.execute(
        select(Followup.id, Customer.id, Customer.code, Customer.name, Followup.rep_id,
               Rep.name, Followup.kind, Followup.due_date, Followup.note, Followup.state,
               Followup.created_at, Followup.done_on, Followup.snoozes, Followup.source)
        .join(Customer, Customer.id == Followup.customer_id)
        .join(Rep, Rep.id == Followup.rep_id)
        .where(*where).order_by(*order).limit(max(1, min(int(limit), 10_000)))
    ).all()
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=LIST_COLUMNS)


def get_followup(session: Session, actor: Actor, followup_id: int) -> FollowupRow | None:
    """One follow-up when ``actor`` may see it (None otherwise or when there is none)."""
    row = session.execute(
        select(Followup.id, Followup.customer_id, Followup.rep_id, Followup.kind,
               Followup.due_date, Followup.state, Followup.snoozes)
        .join(Customer, Customer.id == Followup.customer_id)
        .where(Followup.id == int(followup_id), followup_scope_clause(actor))
    ).first()
    return None if row is None else FollowupRow(*row)


def update_followup(session: Session, followup_id: int, **values: Any) -> bool:
    """Change an open follow-up; False when it is not open (done already)."""
    result = session.execute(
        update(Followup).where(Followup.id == int(followup_id), Followup.state == "open")
        .values(**values).execution_options(synchronize_session=False))
    return bool(result.rowcount)


def load_followup_counts(session: Session, actor: Actor, as_of: dt.date) -> pd.DataFrame:
    """Per assignee (account manager), the follow-ups ``actor`` may see that are open as of
    ``as_of`` and those of them overdue (due before it): ``rep_id``, ``open_followups``,
    ``overdue_followups``."""
    overdue = func.sum(case((Followup.due_date < as_of, 1), else_=0))
    rows = session.execute(
        select(Followup.rep_id, func.count(), func.coalesce(overdue, 0))
        .join(Customer, Customer.id == Followup.customer_id)
        .where(_open_on(as_of), followup_scope_clause(actor)).group_by(Followup.rep_id)
    ).all()
    return pd.DataFrame.from_records(
        [tuple(r) for r in rows],
        columns=["rep_id", "open_followups", "overdue_followups"]).astype("int64")


def load_customer_managers(session: Session, customer_ids: list[int]) -> pd.DataFrame:
    """Code and account manager id of ``customer_ids`` (``customer_id``, ``code``,
    ``rep_id``; ``rep_id`` None without one)."""
    ids = [int(i) for i in customer_ids]
    rows: list[tuple] = []
    for first in range(0, len(ids), 5_000):
        rows += [tuple(r) for r in session.execute(
            select(Customer.id, Customer.code, Customer.rep_id)
            .where(Customer.id.in_(ids[first:first + 5_000]))).all()]
    return pd.DataFrame.from_records(rows, columns=["customer_id", "code", "rep_id"])


def load_customer_followups(session: Session, customer_id: int) -> pd.DataFrame:
    """A customer's follow-ups for the portrait's timeline, newest first."""
    rows = session.execute(
        select(Followup.created_at, Followup.kind, Followup.due_date, Followup.note,
               Followup.state, Followup.done_on, Rep.name, Followup.created_by, Followup.id)
        .join(Rep, Rep.id == Followup.rep_id)
        .where(Followup.customer_id == int(customer_id))
        .order_by(Followup.created_at.desc(), Followup.id.desc()).limit(200)).all()
    return pd.DataFrame.from_records(
        [tuple(r) for r in rows], columns=["created_at", "kind", "due_date", "note", "state",
                                           "done_on", "rep", "created_by", "id"])


__all__ = ["INSERT_COLUMNS", "LIST_COLUMNS", "STATE_FILTERS", "FollowupRow",
           "followup_scope_clause", "get_followup", "insert_followups", "insert_rule_followups",
           "load_customer_followups", "load_customer_managers", "load_followup_counts",
           "load_followups", "update_followup"]
