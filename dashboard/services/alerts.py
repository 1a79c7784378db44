"""Alerts raised by segmentation rules for the customers' account managers.

Everyone sees the alerts of the customers they may see (a rep: their own customers; a
manager: the team's; an owner: all) and may mark them done; an alert id from the browser that
is missing or belongs to a customer outside the scope is refused and audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.data import alerts as data
from dashboard.data.audit import insert_audit
from dashboard.db import session_scope
from dashboard.errors import ValidationError
from dashboard.models import utcnow
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services.access import authorise_customer
from dashboard.services.audit import deny

PAGE_SIZE = 50
STATUSES = ("open", "done", "all")


@dataclass(frozen=True)
class AlertPage:
    rows: pd.DataFrame  # dashboard.data.alerts.LIST_COLUMNS
    total: int
    page: int
    page_size: int
    status: str
    open_count: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def count_open(runtime: Runtime, actor: Actor) -> int:
    """Open alerts of the customers ``actor`` may see (the navbar's number)."""
    with session_scope(runtime.engine) as session:
        return data.count_alerts(session, actor, "open")


def get_alerts(runtime: Runtime, actor: Actor, *, status: str = "open", page: int = 1,
               page_size: int = PAGE_SIZE) -> AlertPage:
    """One page of alerts, newest first."""
    if status not in STATUSES:
        raise ValidationError(f"unknown alert status {status!r}")
    page_size = max(1, min(int(page_size), 200))
    with session_scope(runtime.engine) as session:
        total = data.count_alerts(session, actor, None if status == "all" else status)
        pages = max(1, -(-total // page_size))
        page = min(max(1, int(page or 1)), pages)
        rows, total = data.load_alerts(session, actor, status=None if status == "all"
                                       else status, offset=(page - 1) * page_size,
                                       limit=page_size)
        open_count = data.count_alerts(session, actor, "open")
    return AlertPage(rows=rows, total=total, page=page, page_size=page_size, status=status,
                     open_count=open_count)


def close_alert(runtime: Runtime, actor: Actor, alert_id: Any) -> bool:
    """Mark an alert done; False when it was already done. Audited."""
    try:
        key = int(alert_id)
    except (TypeError, ValueError):
        key = -1
    with session_scope(runtime.engine, write=True) as session:
        found = data.get_alert_customer(session, key)
        if found is None:
            raise deny(session, actor, object_type="alert", object_id=str(alert_id)[:40],
                       reason="no such alert")
        authorise_customer(session, actor, found[0])
        closed = data.close_alert(session, key, actor.user_id, utcnow())
        if closed:
            insert_audit(session, actor, "alert.done", object_type="alert", object_id=key,
                         detail={"customer_id": found[0]})
    return closed


__all__ = ["AlertPage", "PAGE_SIZE", "STATUSES", "close_alert", "count_open", "get_alerts"]
