"""Recording and reading the audit log.

Most audit rows are written by a use case inside its own transaction (``insert_audit``), so
that the row exists exactly when the change does. A refusal is different: the use case then
raises and its transaction rolls back, which would take the row with it. :func:`audit_after`
records such rows in a transaction of their own once the caller's transaction has ended,
whatever its outcome (and without waiting on the caller's write lock on SQLite).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from dashboard.data import audit as data
from dashboard.data.duplicates import load_open_merges
from dashboard.db import session_scope
from dashboard.errors import AccessDenied, ValidationError
from dashboard.runtime import Runtime
from dashboard.scope import Actor

log = logging.getLogger(__name__)
_PENDING = "cockpit_pending_audit"
_LISTENING = "cockpit_audit_listener"
OUTCOMES = ("ok", "denied", "failed")
PAGE_SIZES = (25, 50, 100, 200)


def record(runtime: Runtime, actor: Actor, action: str, **fields: Any) -> None:
    """Append one audit row in a transaction of its own."""
    with session_scope(runtime.engine, write=True) as session:
        data.insert_audit(session, actor, action, **fields)


def audit_after(session: Session, actor: Actor, action: str, **fields: Any) -> None:
    """Append one audit row after ``session``'s current transaction ends (committed or rolled
    back), in a new transaction on the same engine (at once when no transaction is open)."""
    if not session.in_transaction():
        _write(session.get_bind(), [(actor, action, fields)])
        return
    if not session.info.get(_LISTENING):
        session.info[_LISTENING] = True
        event.listen(session, "after_transaction_end", _flush_pending)
    session.info.setdefault(_PENDING, []).append((actor, action, fields))


def _flush_pending(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None or transaction.nested:
        return
    rows = session.info.pop(_PENDING, [])
    if rows:
        _write(session.get_bind(), rows)


def _write(engine: Any, rows: list) -> None:
    try:
        with session_scope(engine, write=True) as own:
            for actor, action, fields in rows:
                data.insert_audit(own, actor, action, **fields)
    except Exception:  # an audit failure must not hide the refusal being reported
        log.exception("could not record %d audit rows", len(rows))


def deny(session: Session, actor: Actor, *, object_type: str, object_id: str | int,
         reason: str, action: str = "access_denied", code: str = "denied",
         detail: dict[str, Any] | None = None) -> AccessDenied:
    """Record a refusal (after the transaction) and return the error to raise."""
    audit_after(session, actor, action, object_type=object_type, object_id=object_id,
                detail={"reason": reason, **(detail or {})}, outcome="denied")
    return AccessDenied(f"{actor.username or 'anonymous'} may not access {object_type} "
                        f"{object_id}: {reason}", code=code, object_type=object_type,
                        object_id=object_id, reason=reason)


@dataclass(frozen=True)
class AuditPage:
    rows: pd.DataFrame
    total: int
    page: int
    page_size: int
    undoable: frozenset[int] = frozenset()  # merge decisions on the page still in effect

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def get_audit_page(runtime: Runtime, actor: Actor, *, page: int = 1, page_size: int = 50,
                   username: str = "", action: str = "", outcome: str = "",
                   since: dt.date | None = None, until: dt.date | None = None) -> AuditPage:
    """One page of the audit log for an owner (anyone else is refused and audited)."""
    if page_size not in PAGE_SIZES:
        raise ValidationError(f"page size must be one of {PAGE_SIZES}")
    if outcome and outcome not in OUTCOMES:
        raise ValidationError(f"outcome must be one of {OUTCOMES}")
    page = max(1, int(page))
    with session_scope(runtime.engine) as session:
        if actor.role != "owner":
            raise deny(session, actor, object_type="audit_log", object_id="",
                       reason="owner only", code="owner_only")
        rows, total = data.load_audit(
            session, offset=(page - 1) * page_size, limit=page_size,
            username=username.strip()[:80], action=action.strip()[:60], outcome=outcome,
            since=_day_start(since), until=_day_start(until, plus_days=1))
        undoable = load_open_merges(session, _merge_decisions(rows))
    return AuditPage(rows=rows, total=total, page=page, page_size=page_size,
                     undoable=frozenset(undoable))


def merge_decision(action: Any, detail: Any) -> int | None:
    """The duplicate decision a ``customer.merge`` entry recorded (None for other entries)."""
    if action != "customer.merge" or not isinstance(detail, dict):
        return None
    try:
        return int(detail.get("decision"))
    except (TypeError, ValueError):
        return None


def _merge_decisions(rows: pd.DataFrame) -> list[int]:
    found = [merge_decision(a, d) for a, d in zip(rows["action"], rows["detail"], strict=True)]
    return [d for d in found if d is not None]


def require_owner(runtime: Runtime, actor: Actor) -> None:
    """Refuse (and audit) anyone but an owner, before any audit log work is done."""
    if actor.role != "owner":
        with session_scope(runtime.engine) as session:
            raise deny(session, actor, object_type="audit_log", object_id="",
                       reason="owner only", code="owner_only")


def get_audit_actions(runtime: Runtime, actor: Actor) -> list[str]:
    with session_scope(runtime.engine) as session:
        if actor.role != "owner":
            raise deny(session, actor, object_type="audit_log", object_id="",
                       reason="owner only", code="owner_only")
        return data.load_audit_actions(session)


def _day_start(day: dt.date | None, plus_days: int = 0) -> dt.datetime | None:
    if day is None:
        return None
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(days=plus_days)
