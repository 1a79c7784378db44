"""Calls, visits, comments and a customer's merged timeline (SQL only; never commits)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import Integer, String, bindparam, cast, func, insert, literal, select, update
from sqlalchemy.orm import Session

from dashboard.models import (
    Alert,
    Campaign,
    Comment,
    Followup,
    Order,
    Outbox,
    Rep,
    User,
    Visit,
)

TIMELINE_COLUMNS = ["at", "kind", "title", "detail", "extra", "amount", "by", "user_id",
                    "object_id"]


@dataclass(frozen=True)
class CommentRow:
    id: int
    customer_id: int
    user_id: int | None
    body: str
    deleted_at: dt.datetime | None


def insert_visit(session: Session, **values: Any) -> int:
    return int(session.execute(insert(Visit).values(**values).returning(Visit.id)).scalar_one())


def insert_comment(session: Session, **values: Any) -> int:
    return int(session.execute(
        insert(Comment).values(**values).returning(Comment.id)).scalar_one())


def get_comment(session: Session, comment_id: int) -> CommentRow | None:
    row = session.execute(
        select(Comment.id, Comment.customer_id, Comment.user_id, Comment.body,
               Comment.deleted_at).where(Comment.id == comment_id)
    ).first()
    return None if row is None else CommentRow(*row)


def update_comment(session: Session, comment_id: int, *, body: str, now: dt.datetime) -> bool:
    return session.execute(
        update(Comment).where(Comment.id == comment_id, Comment.deleted_at.is_(None))
        .values(body=body, updated_at=now)
    ).rowcount == 1


def delete_comment(session: Session, comment_id: int, *, now: dt.datetime) -> bool:
    """Soft delete: the comment leaves the timeline, the row (and its audit) stays."""
    return session.execute(
        update(Comment).where(Comment.id == comment_id, Comment.deleted_at.is_(None))
        .values(deleted_at=now)
    ).rowcount == 1


# The timeline's statements are built once, with the customers and the row limit as bound
# parameters: building six windowed selects took longer than running them (decision 246).
_IDS = bindparam("ids", expanding=True)
_LIMIT = bindparam("limit", type_=Integer)


def _newest(columns: list[Any], customer: Any, order: list[Any], where: list[Any],
            joins: list[tuple[Any, Any]]) -> Any:
    """``customer`` and ``columns`` of the ``limit`` newest rows (by ``order``) of each
    customer: one query for any number of customers (a window, on SQLite and PostgreSQL)."""
    rank = func.row_number().over(partition_by=customer, order_by=order).label("rank_")
    inner = select(customer.label("customer_id"),
                   *[c.label(f"c{i}") for i, c in enumerate(columns)], rank)
    for table, on in joins:
        inner = inner.join(table, on, isouter=True)
    ranked = inner.where(*where).subquery()
    return select(*[c for c in ranked.c if c.name != "rank_"]).where(ranked.c.rank_ <= _LIMIT)


_ORDERS = _newest(
    [Order.ordered_at, Order.order_date, Order.is_return, Order.order_no, Order.coupon_code,
     Order.amount, Order.id], Order.customer_id, [Order.order_date.desc(), Order.id.desc()],
    [Order.customer_id.in_(_IDS)], [])

_VISITS = _newest(
    [Visit.happened_at, Visit.kind, Visit.outcome, Visit.note, literal(""), literal(None),
     func.coalesce(Rep.name, func.nullif(User.display_name, ""), User.username, ""),
     Visit.user_id, Visit.id], Visit.customer_id, [Visit.happened_at.desc(), Visit.id.desc()],
    [Visit.customer_id.in_(_IDS)],
    [(User, User.id == Visit.user_id), (Rep, Rep.id == Visit.rep_id)])

_COMMENTS = _newest(
    [Comment.created_at, literal("comment"), literal(""), Comment.body, Comment.updated_at,
     literal(None), func.coalesce(func.nullif(User.display_name, ""), User.username, ""),
     Comment.user_id, Comment.id], Comment.customer_id,
    [Comment.created_at.desc(), Comment.id.desc()],
    [Comment.customer_id.in_(_IDS), Comment.deleted_at.is_(None)],
    [(User, User.id == Comment.user_id)])

_COUPONS = _newest(
    [func.coalesce(Outbox.sent_at, Outbox.queued_at), literal("coupon"), Campaign.name,
     Outbox.status, func.coalesce(Outbox.coupon_code, ""), Order.amount, literal(""),
     Campaign.created_by, Outbox.id], Outbox.customer_id,
    [Outbox.queued_at.desc(), Outbox.id.desc()], [Outbox.customer_id.in_(_IDS)],
    [(Campaign, Campaign.id == Outbox.campaign_id),
     (Order, Order.id == Outbox.redeemed_order_id)])

_ALERTS = _newest(
    [Alert.created_at, literal("alert"), Alert.message, Alert.status, literal(""),
     literal(None), literal(""), literal(None), Alert.id], Alert.customer_id,
    [Alert.created_at.desc(), Alert.id.desc()], [Alert.customer_id.in_(_IDS)], [])

_FOLLOWUPS = _newest(
    [Followup.created_at, literal("followup"), Followup.kind, Followup.note,
     cast(Followup.due_date, String(10)) + literal(" ") + Followup.state, literal(None),
     func.coalesce(Rep.name, ""), Followup.created_by, Followup.id], Followup.customer_id,
    [Followup.created_at.desc(), Followup.id.desc()], [Followup.customer_id.in_(_IDS)],
    [(Rep, Rep.id == Followup.rep_id)])


def _orders(session: Session, ids: list[int], limit: int) -> list[tuple[Any, ...]]:
    """Orders and returns as timeline rows: ``at`` the order's time, else its day."""
    rows = session.execute(_ORDERS, {"ids": ids, "limit": limit}).all()
    return [(customer, ordered_at if ordered_at is not None else day,
             "return" if is_return else "order", number, coupon or "", "", amount, "", None,
             object_id)
            for customer, ordered_at, day, is_return, number, coupon, amount, object_id in rows]


def load_timelines(session: Session, customer_ids: Sequence[int],
                   limit: int = 200) -> pd.DataFrame:
    """``customer_id`` and the timeline (``TIMELINE_COLUMNS``, see :func:`load_timeline`) of
    each of ``customer_ids``: at most ``limit`` rows a customer, by customer, newest first.
    One query per kind of row, whatever the number of customers."""
    ids = sorted({int(c) for c in customer_ids})
    rows = _orders(session, ids, limit)  # every kind's rows in one frame: a few dozen rows
    for statement in (_VISITS, _COMMENTS, _COUPONS, _ALERTS, _FOLLOWUPS):  # cost less as tuples
        rows += [tuple(r) for r in session.execute(statement, {"ids": ids, "limit": limit})]
    if not rows:
        return pd.DataFrame(columns=["customer_id", *TIMELINE_COLUMNS])
    merged = pd.DataFrame.from_records(rows, columns=["customer_id", *TIMELINE_COLUMNS])
    merged = merged.assign(customer_id=merged["customer_id"].astype("int64"),
                           at=pd.to_datetime(merged["at"]))
    ordered = merged.sort_values(["customer_id", "at", "object_id"],
                                 ascending=[True, False, False], kind="stable")
    newest = ordered.head(limit) if len(ids) == 1 else ordered.groupby(
        "customer_id", sort=False).head(limit)
    return newest.reset_index(drop=True)


def load_timeline(session: Session, customer_id: int, limit: int = 200) -> pd.DataFrame:
    """The customer's orders, returns, visits, calls, comments, coupon messages and alerts,
    newest first (at most ``limit`` rows). ``title`` / ``detail`` / ``extra`` per kind:
    order, return — order number / coupon code used / -; visit, call — outcome / note / -;
    comment — - / text / time of the last edit; coupon — campaign / outbox status / code
    (``amount`` is the redeemed order's); alert — message / status / -; followup — kind
    (call, visit, email) / note / "<due date> <open|done>" (``by``: the account manager it is
    assigned to). ``by`` is who
    recorded it, ``user_id`` their user id (a comment's author may edit it)."""
    found = load_timelines(session, [customer_id], limit)
    return found.drop(columns=["customer_id"])[TIMELINE_COLUMNS]
