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
    currency: str = "CNY"  # of the money in the messages
    groups: pd.DataFrame | None = None  # by rule (dashboard.data.alerts.GROUP_COLUMNS)
    rule_id: int | None = None  # the rule the list is narrowed to

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def count_open(runtime: Runtime, actor: Actor) -> int:
    """Open alerts of the customers ``actor`` may see (the navbar's number)."""
    with session_scope(runtime.engine) as session:
        return data.count_alerts(session, actor, "open")


def _rule_key(rule_id: Any) -> int | None:
    if rule_id in (None, ""):
        return None
    try:
        return int(rule_id)
    except (TypeError, ValueError):
        raise ValidationError(f"unknown rule {str(rule_id)[:40]!r}") from None


def get_alerts(runtime: Runtime, actor: Actor, *, status: str = "open", page: int = 1,
               page_size: int = PAGE_SIZE, rule_id: Any = None) -> AlertPage:
    """One page of alerts, newest first (of one rule with ``rule_id``), and the alerts of
    ``status`` grouped by rule with their counts."""
    if status not in STATUSES:
        raise ValidationError(f"unknown alert status {status!r}")
    rule = _rule_key(rule_id)
    wanted = None if status == "all" else status
    page_size = max(1, min(int(page_size), 200))
    with session_scope(runtime.engine) as session:
        total = data.count_alerts(session, actor, wanted, rule)
        pages = max(1, -(-total // page_size))
        page = min(max(1, int(page or 1)), pages)
        rows, total = data.load_alerts(session, actor, status=wanted,
                                       offset=(page - 1) * page_size, limit=page_size,
                                       rule_id=rule)
        open_count = data.count_alerts(session, actor, "open")
        groups = data.load_alert_groups(session, actor, wanted)
    return AlertPage(rows=rows, total=total, page=page, page_size=page_size, status=status,
                     open_count=open_count, currency=str(runtime.settings.currency or "CNY"),
                     groups=groups, rule_id=rule)


def close_rule_alerts(runtime: Runtime, actor: Actor, rule_id: Any) -> int:
    """Mark done every open alert of a rule about the customers ``actor`` may see (bulk
    acknowledge); how many. Audited with the count."""
    rule = _rule_key(rule_id)
    if rule is None:
        raise ValidationError("no rule chosen")
    with session_scope(runtime.engine, write=True) as session:
        closed = data.close_rule_alerts(session, actor, rule, actor.user_id, utcnow())
        if closed:
            insert_audit(session, actor, "alert.done_all", object_type="rule", object_id=rule,
                         detail={"alerts": closed})
    return closed


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


__all__ = ["AlertPage", "PAGE_SIZE", "STATUSES", "close_alert", "close_rule_alerts",
           "count_open", "get_alerts"]
