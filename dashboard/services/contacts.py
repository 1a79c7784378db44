"""Calls, visits and comments recorded from the lists and the portrait, and a customer's
merged timeline.

Every call is checked against the actor's scope (a customer outside it, or one that does not
exist, is refused in the same words and audited). Comments are edited or deleted only by
their author; any other attempt is refused and audited. Every change is audited with its
before and after.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

import pandas as pd

from dashboard.data import contacts as data
from dashboard.data.access import load_customer_ids_in_scope
from dashboard.data.audit import insert_audit
from dashboard.db import session_scope
from dashboard.errors import ValidationError
from dashboard.models import utcnow
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services.access import authorise_customer
from dashboard.services.audit import deny

KINDS = ("call", "visit")
OUTCOMES = ("reached", "no_answer", "left_message", "call_back", "order_promised", "ordered",
            "complaint", "not_interested", "lost_to_competitor", "closed", "other")
MAX_NOTE = 4000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_EARLIEST = dt.datetime(2000, 1, 1)


def clean_text(text: object, *, limit: int = MAX_NOTE, required: bool = False,
               what: str = "text") -> str:
    """``text`` trimmed, without control characters other than tab and line breaks
    (ANSI escapes and NUL included), within ``limit`` characters."""
    value = _CONTROL.sub("", "" if text is None else str(text)).strip()
    if required and not value:
        raise ValidationError(f"empty {what}", details=[f"Write the {what} first."])
    if len(value) > limit:
        raise ValidationError(f"{what} too long", details=[
            f"The {what} has {len(value):,} characters; at most {limit:,} are kept."])
    return value


def _when(happened_at: dt.datetime | None, now: dt.datetime) -> dt.datetime:
    if happened_at is None:
        return now
    when = happened_at.replace(tzinfo=None) if happened_at.tzinfo is None else (
        happened_at.astimezone(dt.UTC).replace(tzinfo=None))
    if not _EARLIEST <= when <= now + dt.timedelta(minutes=10):
        raise ValidationError("date", details=["The date must not be in the future."])
    return when


def record_contact(runtime: Runtime, actor: Actor, customer: int | str, kind: str,
                   outcome: str, note: str = "",
                   happened_at: dt.datetime | None = None) -> int:
    """Record a call or a visit with its outcome (one of :data:`OUTCOMES`) and a note."""
    if kind not in KINDS:
        raise ValidationError("kind", details=["Choose call or visit."])
    if outcome not in OUTCOMES:
        raise ValidationError("outcome", details=["Choose an outcome from the list."])
    text = clean_text(note, what="note")
    now = utcnow()
    when = _when(happened_at, now)
    with session_scope(runtime.engine, write=True) as session:
        customer_id = authorise_customer(session, actor, customer)
        visit_id = data.insert_visit(session, customer_id=customer_id, user_id=actor.user_id,
                                     rep_id=actor.rep_id, kind=kind, happened_at=when,
                                     outcome=outcome, note=text, created_at=now)
        insert_audit(session, actor, f"{kind}.create", object_type="visit", object_id=visit_id,
                     detail={"customer_id": customer_id,
                             "after": {"outcome": outcome, "note": text,
                                       "happened_at": when.isoformat()}})
    return visit_id


def add_comment(runtime: Runtime, actor: Actor, customer: int | str, body: str) -> int:
    text = clean_text(body, required=True, what="comment")
    with session_scope(runtime.engine, write=True) as session:
        customer_id = authorise_customer(session, actor, customer)
        comment_id = data.insert_comment(session, customer_id=customer_id,
                                         user_id=actor.user_id, body=text, created_at=utcnow())
        insert_audit(session, actor, "comment.create", object_type="comment",
                     object_id=comment_id, detail={"customer_id": customer_id,
                                                   "after": text})
    return comment_id


def _own_comment(session, actor: Actor, comment_id: object,  # noqa: ANN001
                 action: str) -> data.CommentRow:
    """The comment when it exists, is not deleted, its customer is inside the scope and
    the actor wrote it; otherwise refused (audited)."""
    try:
        key = int(comment_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        key = -1
    comment = data.get_comment(session, key) if key > 0 else None
    if comment is None or comment.deleted_at is not None:
        raise deny(session, actor, object_type="comment", object_id=str(comment_id)[:40],
                   reason="no such comment", action=action)
    authorise_customer(session, actor, comment.customer_id)
    if actor.user_id is None or comment.user_id != actor.user_id:
        raise deny(session, actor, object_type="comment", object_id=comment.id,
                   reason="not the author", action=action)
    return comment


def edit_comment(runtime: Runtime, actor: Actor, comment_id: int, body: str) -> None:
    text = clean_text(body, required=True, what="comment")
    with session_scope(runtime.engine, write=True) as session:
        comment = _own_comment(session, actor, comment_id, "comment.update")
        data.update_comment(session, comment.id, body=text, now=utcnow())
        insert_audit(session, actor, "comment.update", object_type="comment",
                     object_id=comment.id, detail={"customer_id": comment.customer_id,
                                                   "before": comment.body, "after": text})


def delete_comment(runtime: Runtime, actor: Actor, comment_id: int) -> None:
    with session_scope(runtime.engine, write=True) as session:
        comment = _own_comment(session, actor, comment_id, "comment.delete")
        data.delete_comment(session, comment.id, now=utcnow())
        insert_audit(session, actor, "comment.delete", object_type="comment",
                     object_id=comment.id, detail={"customer_id": comment.customer_id,
                                                   "before": comment.body})


def _editable(timeline: pd.DataFrame, actor: Actor) -> pd.DataFrame:
    mine = timeline["user_id"].astype("Float64").eq(actor.user_id if actor.user_id else -1)
    return timeline.assign(editable=(timeline["kind"] == "comment") & mine.fillna(False))


def get_customer_timeline(runtime: Runtime, actor: Actor, customer: int | str,
                          limit: int = 200) -> pd.DataFrame:
    """Orders, returns, visits, calls, comments, coupon messages and alerts of one customer,
    newest first; ``editable`` marks the actor's own comments."""
    limit = max(1, min(int(limit), 1000))
    with session_scope(runtime.engine) as session:
        customer_id = authorise_customer(session, actor, customer)
        timeline = data.load_timeline(session, customer_id, limit)
    return _editable(timeline, actor)


def get_customer_timelines(runtime: Runtime, actor: Actor, customer_ids: Iterable[int],
                           limit: int = 200) -> dict[int, pd.DataFrame]:
    """:func:`get_customer_timeline` of each of ``customer_ids`` inside the actor's scope
    (the others are left out), read in one query per kind of row: a batch of reports."""
    limit = max(1, min(int(limit), 1000))
    with session_scope(runtime.engine) as session:
        ids = sorted(load_customer_ids_in_scope(session, actor, customer_ids))
        timelines = data.load_timelines(session, ids, limit)
    if len(ids) == 1:  # a portrait: the rows are all this customer's
        groups = {ids[0]: timelines}
    else:
        groups = dict(tuple(timelines.groupby("customer_id", sort=False)))
    empty = timelines.iloc[:0]
    return {cid: _editable(groups.get(cid, empty).drop(columns=["customer_id"])
                           .reset_index(drop=True), actor) for cid in ids}
