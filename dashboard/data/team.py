"""What the team page counts per customer besides the figures (SQL only; never commits):
alerts open as of a date and coupons redeemed in a period (calls and visits are counted from
the cached contacts: ``dashboard.analytics.contact_plan.contact_counts``). Every count
is per customer, so that the page can sum it per account manager and open the customers
behind it; nothing dated after the as-of date is counted. (Follow-ups are counted per
assignee: ``dashboard.data.followups.load_followup_counts``.)"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from dashboard.models import Alert, Outbox

ACTIVITY_COLUMNS = ["customer_id", "open_alerts", "calls", "visits", "redemptions"]


def _day_after(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time())


def _frame(session: Session, stmt, columns: list[str]) -> pd.DataFrame:  # noqa: ANN001
    rows = session.execute(stmt).all()
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=columns)


def load_open_alert_counts(session: Session, as_of: dt.date) -> pd.DataFrame:
    """Per customer, the alerts raised on or before ``as_of`` and not closed by then."""
    until = _day_after(as_of)
    return _frame(session, select(Alert.customer_id, func.count())
                  .where(Alert.created_at < until,
                         or_(Alert.closed_at.is_(None), Alert.closed_at >= until))
                  .group_by(Alert.customer_id), ["customer_id", "open_alerts"])


def load_redemption_counts(session: Session, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Per customer, the coupon codes redeemed by orders from ``start`` to ``end``."""
    stmt = (select(Outbox.customer_id, func.count())
            .where(Outbox.redeemed_order_id.is_not(None),
                   and_(Outbox.redeemed_at >= start, Outbox.redeemed_at <= end))
            .group_by(Outbox.customer_id))
    return _frame(session, stmt, ["customer_id", "redemptions"])


def load_team_activity(session: Session, start: dt.date, end: dt.date,
                       contact_counts: pd.DataFrame) -> pd.DataFrame:
    """``ACTIVITY_COLUMNS`` for every customer with any of them (others count 0); the calls
    and visits are ``contact_counts`` (``customer_id``, ``calls``, ``visits``: counted from
    the cached contacts, ``dashboard.analytics.contact_plan.contact_counts``)."""
    parts = [load_open_alert_counts(session, end), contact_counts,
             load_redemption_counts(session, start, end)]
    merged = pd.DataFrame({"customer_id": pd.Series(dtype="int64")})
    for part in parts:
        merged = merged.merge(part.astype("int64"), on="customer_id", how="outer")
    return merged.reindex(columns=ACTIVITY_COLUMNS).fillna(0).astype("int64")


__all__ = ["ACTIVITY_COLUMNS", "load_open_alert_counts",
           "load_redemption_counts", "load_team_activity"]
