"""Writes to the append-only audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert
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
