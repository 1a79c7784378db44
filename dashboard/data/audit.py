"""Writes to and reads of the append-only audit log."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, func, insert, select
from sqlalchemy.orm import Session

from dashboard.models import AuditLog, utcnow
from dashboard.scope import Actor


def _clean(value: str, limit: int) -> str:
    """Control characters (CR/LF, ANSI escapes) are escaped, never stored raw."""
    text = "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in str(value))
    return text[:limit]


def insert_audit(
    session: Session,
    actor: Actor,
    action: str,
    *,
    object_type: str = "",
    object_id: str | int = "",
    detail: dict[str, Any] | None = None,
    outcome: str = "ok",
) -> None:
    """Append one audit row in the caller's transaction: who (``actor``), what (``action``
    on ``object_type``/``object_id``, with ``detail`` such as before/after), when (UTC), from
    where (the actor's address and request id), and the outcome (``ok``, ``denied``,
    ``failed``)."""
    session.execute(
        insert(AuditLog).values(
            at=utcnow(),
            user_id=actor.user_id,
            username=_clean(actor.username, 80),
            ip=_clean(actor.ip, 64),
            request_id=_clean(actor.request_id, 64),
            action=_clean(action, 60),
            object_type=_clean(object_type, 40),
            object_id=_clean(str(object_id), 120),
            detail=detail or {},
            outcome=_clean(outcome, 16),
        )
    )


AUDIT_COLUMNS = ["id", "at", "user_id", "username", "ip", "request_id", "action",
                 "object_type", "object_id", "detail", "outcome"]


def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _audit_filters(*, username: str = "", action: str = "", outcome: str = "",
                   since: dt.datetime | None = None,
                   until: dt.datetime | None = None) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if username:
        where.append(AuditLog.username.ilike(_like(username), escape="\\"))
    if action:
        where.append(AuditLog.action.ilike(_like(action), escape="\\"))
    if outcome:
        where.append(AuditLog.outcome == outcome)
    if since is not None:
        where.append(AuditLog.at >= since)
    if until is not None:
        where.append(AuditLog.at < until)
    return where


def load_audit(session: Session, *, offset: int = 0, limit: int = 50,
               **filters: Any) -> tuple[pd.DataFrame, int]:
    """One page of the audit log, newest first, and the number of rows matching
    ``filters`` (``username`` and ``action`` contain, ``outcome`` equals, ``since`` and
    ``until`` bound ``at``)."""
    where = _audit_filters(**filters)
    total = session.execute(select(func.count()).select_from(AuditLog).where(*where)).scalar_one()
    rows = session.execute(
        select(*(getattr(AuditLog, c) for c in AUDIT_COLUMNS)).where(*where)
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .offset(max(0, int(offset))).limit(max(1, min(int(limit), 500)))
    ).mappings().all()
    return pd.DataFrame(rows, columns=AUDIT_COLUMNS), int(total)


def load_audit_actions(session: Session) -> list[str]:
    """The distinct actions recorded so far (for the filter's choices)."""
    return [a for (a,) in session.execute(
        select(AuditLog.action).distinct().order_by(AuditLog.action)).all()]
