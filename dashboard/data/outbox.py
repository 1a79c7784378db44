"""The outbox as the sender sees it: reserve due rows, mark one ``sending``, record its
outcome, turn stale ``sending`` rows into ``unknown``, and a person's decision on those.

Life of a row: ``pending`` → reserved (still ``pending``, with ``claimed_by``/``claimed_at``)
→ ``sending`` (committed before the provider is called) → ``sent`` / ``failed`` /
``pending`` again (retry or outage) / ``unknown`` (no outcome recorded in time). A reservation
that its worker abandoned simply goes stale and the row is reserved again by another worker:
nothing was sent. A ``sending`` row whose claim is older than the lease becomes ``unknown`` and
is never picked up again unless a person releases it. Every outcome is written only while the
row still carries the writer's claim token, so a late or repeated writer changes nothing.

Reserving uses ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL; on SQLite the caller's
``BEGIN IMMEDIATE`` transaction already serialises writers. No function here commits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.orm import Session

from dashboard.models import Campaign, Customer, Outbox

UNKNOWN_REASON = "claim expired before an outcome was recorded: the message may have gone"
OPTED_OUT_REASON = "customer opted out of this channel after the campaign was queued"


@dataclass(frozen=True)
class Sendable:
    """A row marked ``sending`` by this worker, with what the channel needs."""

    id: int
    campaign_id: int
    customer_id: int
    channel: str
    address: str
    message: str
    subject: str
    attempts: int


def _due(now: dt.datetime, stale_before: dt.datetime) -> Any:
    return and_(
        Outbox.status == "pending",
        or_(Outbox.next_attempt_at.is_(None), Outbox.next_attempt_at <= now),
        or_(Outbox.claimed_at.is_(None), Outbox.claimed_at < stale_before),
    )


def reserve_due(session: Session, token: str, *, now: dt.datetime, stale_before: dt.datetime,
                limit: int, campaign_id: int | None = None,
                skip_channels: tuple[str, ...] = ()) -> list[tuple[int, str]]:
    """Reserve up to ``limit`` due rows for ``token`` (oldest first), optionally of one
    campaign and not on ``skip_channels``; their (id, channel)."""
    due = _due(now, stale_before)
    query = select(Outbox.id).where(due).order_by(Outbox.id).limit(limit)
    if campaign_id is not None:
        query = query.where(Outbox.campaign_id == campaign_id)
    if skip_channels:
        query = query.where(Outbox.channel.not_in(skip_channels))
    ids = list(session.execute(query.with_for_update(skip_locked=True)).scalars())
    if not ids:
        return []
    taken = session.execute(
        update(Outbox).where(Outbox.id.in_(ids), due)
        .values(claimed_by=token, claimed_at=now).returning(Outbox.id, Outbox.channel)
    ).all()
    return sorted((int(i), str(c)) for i, c in taken)


# The statements of the per-message path are built once (Core, on the table): at thousands
# of messages a minute, building ORM statements per message costs more than running them.
_T = Outbox.__table__
_CUSTOMER = Customer.__table__
_OPTED_OUT = (select(_CUSTOMER.c.id).where(
    _CUSTOMER.c.id == _T.c.customer_id,
    or_(and_(_T.c.channel == "sms", _CUSTOMER.c.opt_out_sms.is_(True)),
        and_(_T.c.channel == "email", _CUSTOMER.c.opt_out_email.is_(True))),
).exists())
_RESERVED = and_(_T.c.id == bindparam("oid"), _T.c.status == "pending",
                 _T.c.claimed_by == bindparam("token"))
_START = (update(_T).where(_RESERVED, ~_OPTED_OUT)
          .values(status="sending", claimed_at=bindparam("now"), attempts=_T.c.attempts + 1)
          .returning(_T.c.id, _T.c.campaign_id, _T.c.customer_id, _T.c.channel,
                     _T.c.address, _T.c.message, _T.c.attempts))
_CANCEL = (update(_T).where(_RESERVED, _OPTED_OUT)
           .values(status="cancelled", last_error=OPTED_OUT_REASON, claimed_by=None,
                   claimed_at=None))
_CLAIMED = and_(_T.c.id == bindparam("oid"), _T.c.claimed_by == bindparam("token"),
                _T.c.status.in_(("sending", "unknown")))
_SENT = (update(_T).where(_CLAIMED)
         .values(status="sent", sent_at=bindparam("now"), last_error=None,
                 provider_message_id=bindparam("provider_id")))
_FINAL = update(_T).where(_CLAIMED).values(status=bindparam("outcome"),
                                           last_error=bindparam("reason"))
_RETRY = (update(_T).where(_CLAIMED)
          .values(status="pending", last_error=bindparam("reason"),
                  next_attempt_at=bindparam("next_at"), claimed_by=None, claimed_at=None,
                  attempts=_T.c.attempts - bindparam("give_back")))


def start_sending(session: Session, outbox_id: int, token: str, *,
                  now: dt.datetime) -> Sendable | None:
    """Mark a reserved row ``sending`` and return it (``subject`` empty: see
    :func:`get_campaign_name`); ``None`` when the reservation was lost, or when the customer
    has opted out of the channel since (the row is then ``cancelled``)."""
    params = {"oid": outbox_id, "token": token}
    row = session.execute(_START, {**params, "now": now}).first()
    if row is None:
        session.execute(_CANCEL, params)
        return None
    return Sendable(id=row.id, campaign_id=row.campaign_id, customer_id=row.customer_id,
                    channel=row.channel, address=row.address or "", message=row.message,
                    subject="", attempts=int(row.attempts))


def get_campaign_name(session: Session, campaign_id: int) -> str:
    return str(session.execute(
        select(Campaign.name).where(Campaign.id == campaign_id)).scalar() or "")


def record_sent(session: Session, outbox_id: int, token: str, *, provider_id: str,
                now: dt.datetime) -> bool:
    return session.execute(_SENT, {"oid": outbox_id, "token": token, "now": now,
                                   "provider_id": (provider_id or "")[:128]}).rowcount == 1


def record_failed(session: Session, outbox_id: int, token: str, *, reason: str) -> bool:
    return session.execute(_FINAL, {"oid": outbox_id, "token": token, "outcome": "failed",
                                    "reason": reason[:2000]}).rowcount == 1


def record_unknown(session: Session, outbox_id: int, token: str, *, reason: str) -> bool:
    return session.execute(_FINAL, {"oid": outbox_id, "token": token, "outcome": "unknown",
                                    "reason": reason[:2000]}).rowcount == 1


def record_retry(session: Session, outbox_id: int, token: str, *, reason: str,
                 next_attempt_at: dt.datetime, count_attempt: bool = True) -> bool:
    """Back to ``pending`` for another try at ``next_attempt_at``; an outage (the message
    certainly did not leave) gives the attempt back with ``count_attempt=False``."""
    return session.execute(_RETRY, {
        "oid": outbox_id, "token": token, "reason": reason[:2000],
        "next_at": next_attempt_at, "give_back": 0 if count_attempt else 1}).rowcount == 1


def release_reservations(session: Session, token: str, *, reason: str | None = None,
                         next_attempt_at: dt.datetime | None = None,
                         channel: str | None = None) -> int:
    """Give back every row ``token`` reserved but did not start (optionally only one
    channel's, with a reason and a time before which they are not due)."""
    query = update(Outbox).where(Outbox.claimed_by == token, Outbox.status == "pending")
    if channel is not None:
        query = query.where(Outbox.channel == channel)
    values: dict[str, Any] = {"claimed_by": None, "claimed_at": None}
    if reason is not None:
        values.update(last_error=reason[:2000], next_attempt_at=next_attempt_at)
    return session.execute(query.values(**values)).rowcount


def expire_sending(session: Session, *, claimed_before: dt.datetime) -> int:
    """Rows ``sending`` since before ``claimed_before`` become ``unknown``; how many."""
    return session.execute(
        update(Outbox).where(Outbox.status == "sending", Outbox.claimed_at < claimed_before)
        .values(status="unknown", last_error=UNKNOWN_REASON)
    ).rowcount


def get_outbox_row(session: Session, outbox_id: int) -> Any:
    """(id, campaign_id, customer_id, status, channel) of one row, or ``None``."""
    return session.execute(
        select(Outbox.id, Outbox.campaign_id, Outbox.customer_id, Outbox.status,
               Outbox.channel).where(Outbox.id == outbox_id)
    ).first()


def mark_unknown_sent(session: Session, outbox_id: int, *, note: str,
                      now: dt.datetime) -> bool:
    """A person confirms an ``unknown`` row reached the customer."""
    return session.execute(
        update(Outbox).where(Outbox.id == outbox_id, Outbox.status == "unknown")
        .values(status="sent", sent_at=now, last_error=note[:2000])
    ).rowcount == 1


def release_unknown(session: Session, outbox_id: int, *, note: str) -> bool:
    """A person decides an ``unknown`` row did not reach the customer: send it again."""
    return session.execute(
        update(Outbox).where(Outbox.id == outbox_id, Outbox.status == "unknown")
        .values(status="pending", claimed_by=None, claimed_at=None, next_attempt_at=None,
                last_error=note[:2000])
    ).rowcount == 1
