"""Calls, visits, comments and a customer's merged timeline (SQL only; never commits)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.orm import Session

from dashboard.models import Alert, Campaign, Comment, Order, Outbox, Rep, User, Visit

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


def _frame(session: Session, query: Any) -> pd.DataFrame:
    return pd.DataFrame.from_records([tuple(r) for r in session.execute(query)],
                                     columns=TIMELINE_COLUMNS)


def _orders(session: Session, customer_id: int, limit: int) -> pd.DataFrame:
    rows = session.execute(
        select(Order.ordered_at, Order.order_date, Order.is_return, Order.order_no,
               Order.coupon_code, Order.amount, Order.id)
        .where(Order.customer_id == customer_id)
        .order_by(Order.order_date.desc(), Order.id.desc()).limit(limit)
    ).all()
    raw = pd.DataFrame.from_records([tuple(r) for r in rows], columns=[
        "ordered_at", "order_date", "is_return", "title", "detail", "amount", "object_id"])
    when = pd.to_datetime(raw["ordered_at"]).fillna(pd.to_datetime(raw["order_date"]))
    return raw.assign(
        at=when, kind=raw["is_return"].astype(bool).map({True: "return", False: "order"}),
        detail=raw["detail"].fillna(""), extra="", by="", user_id=None)[TIMELINE_COLUMNS]


def _visits(customer_id: int, limit: int) -> Any:
    return (select(Visit.happened_at, Visit.kind, Visit.outcome, Visit.note, literal(""),
                   literal(None),
                   func.coalesce(User.username, Rep.name, ""), Visit.user_id, Visit.id)
            .join(User, User.id == Visit.user_id, isouter=True)
            .join(Rep, Rep.id == Visit.rep_id, isouter=True)
            .where(Visit.customer_id == customer_id)
            .order_by(Visit.happened_at.desc(), Visit.id.desc()).limit(limit))


def _comments(customer_id: int, limit: int) -> Any:
    return (select(Comment.created_at, literal("comment"),
                   literal(""), Comment.body, Comment.updated_at,
                   literal(None), func.coalesce(User.username, ""), Comment.user_id,
                   Comment.id)
            .join(User, User.id == Comment.user_id, isouter=True)
            .where(Comment.customer_id == customer_id, Comment.deleted_at.is_(None))
            .order_by(Comment.created_at.desc(), Comment.id.desc()).limit(limit))


def _coupons(customer_id: int, limit: int) -> Any:
    return (select(func.coalesce(Outbox.sent_at, Outbox.queued_at), literal("coupon"),
                   Campaign.name, Outbox.status, func.coalesce(Outbox.coupon_code, ""),
                   Order.amount, literal(""), Campaign.created_by, Outbox.id)
            .join(Campaign, Campaign.id == Outbox.campaign_id)
            .join(Order, Order.id == Outbox.redeemed_order_id, isouter=True)
            .where(Outbox.customer_id == customer_id)
            .order_by(Outbox.queued_at.desc(), Outbox.id.desc()).limit(limit))


def _alerts(customer_id: int, limit: int) -> Any:
    return (select(Alert.created_at, literal("alert"), Alert.message, Alert.status,
                   literal(""), literal(None), literal(""), literal(None), Alert.id)
            .where(Alert.customer_id == customer_id)
            .order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit))


def load_timeline(session: Session, customer_id: int, limit: int = 200) -> pd.DataFrame:
    """The customer's orders, returns, visits, calls, comments, coupon messages and alerts,
    newest first (at most ``limit`` rows). ``title`` / ``detail`` / ``extra`` per kind:
    order, return — order number / coupon code used / -; visit, call — outcome / note / -;
    comment — - / text / time of the last edit; coupon — campaign / outbox status / code
    (``amount`` is the redeemed order's); alert — message / status / -. ``by`` is who
    recorded it, ``user_id`` their user id (a comment's author may edit it)."""
    parts = [_orders(session, customer_id, limit)] + [
        _frame(session, make(customer_id, limit))
        for make in (_visits, _comments, _coupons, _alerts)]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=TIMELINE_COLUMNS)
    merged = pd.concat(parts, ignore_index=True)
    return (merged.assign(at=pd.to_datetime(merged["at"]))
            .sort_values(["at", "object_id"], ascending=False, kind="stable")
            .head(limit).reset_index(drop=True))
