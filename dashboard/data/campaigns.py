"""Coupons, campaigns and their outbox rows (SQL only; never commits).

Every reader that returns customers applies the actor's scope in SQL
(:func:`~dashboard.data.scope.customer_scope_clause`), so a list never carries a customer the
actor may not see, whatever ids were asked for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import and_, case, func, insert, select, update
from sqlalchemy.orm import Session

from dashboard.data.bulk import bulk_insert
from dashboard.data.scope import customer_scope_clause
from dashboard.models import (
    OUTBOX_STATES,
    Campaign,
    Coupon,
    Customer,
    CustomerSnapshot,
    Membership,
    Order,
    Outbox,
    User,
)
from dashboard.scope import Actor

_CHUNK = 900
RECIPIENT_COLUMNS = ["customer_id", "code", "name", "phone", "email", "opt_out_sms",
                     "opt_out_email", "rep_id", "tier"]
NOT_CONTACTED = ("holdout", "unreachable")


@dataclass(frozen=True)
class CouponRow:
    id: int
    name: str
    kind: str
    value: float
    min_spend: float
    validity_days: int
    code_pattern: str
    team_id: int | None


@dataclass(frozen=True)
class CampaignRow:
    id: int
    name: str
    intent_key: str
    channel: str
    language: str
    coupon_id: int | None
    created_by: int | None
    created_at: dt.datetime
    queued_at: dt.datetime | None
    holdout_pct: float
    status: str


def _chunks(ids: Iterable[int]) -> Iterable[list[int]]:
    values = sorted({int(i) for i in ids})
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]


def _tier_columns() -> tuple[Any, Any]:
    """The current ABC tier: the open ``abc`` membership, else the latest snapshot."""
    open_tier = (select(func.max(Membership.label)).where(
        Membership.customer_id == Customer.id, Membership.source == "abc",
        Membership.valid_to.is_(None)).scalar_subquery())
    latest = (select(CustomerSnapshot.abc_tier).where(CustomerSnapshot.customer_id == Customer.id)
              .order_by(CustomerSnapshot.as_of.desc()).limit(1).scalar_subquery())
    return open_tier, latest


def load_recipients(session: Session, actor: Actor, customer_ids: Iterable[int]) -> pd.DataFrame:
    """Contact details and current tier of those of ``customer_ids`` inside the scope."""
    open_tier, latest = _tier_columns()
    rows: list[tuple] = []
    for part in _chunks(customer_ids):
        rows.extend(tuple(r) for r in session.execute(
            select(Customer.id, Customer.code, Customer.name, Customer.phone, Customer.email,
                   Customer.opt_out_sms, Customer.opt_out_email, Customer.rep_id,
                   func.coalesce(open_tier, latest, ""))
            .where(Customer.id.in_(part), customer_scope_clause(actor))
        ))
    frame = pd.DataFrame.from_records(rows, columns=RECIPIENT_COLUMNS)
    return (frame.astype({"customer_id": "int64"}).sort_values("customer_id")
            .reset_index(drop=True))


# --- coupons ----------------------------------------------------------------------------------


def get_coupon(session: Session, coupon_id: int) -> CouponRow | None:
    row = session.execute(
        select(Coupon.id, Coupon.name, Coupon.kind, Coupon.value, Coupon.min_spend,
               Coupon.validity_days, Coupon.code_pattern, Coupon.team_id)
        .where(Coupon.id == coupon_id)
    ).first()
    return None if row is None else CouponRow(*row)


def insert_coupon(session: Session, **values: Any) -> int:
    return int(session.execute(insert(Coupon).values(**values).returning(Coupon.id)).scalar_one())


def load_coupons(session: Session, team_id: int | None, *, everything: bool) -> pd.DataFrame:
    """Coupon templates: all of them, or the shared ones and those of ``team_id``."""
    query = select(Coupon.id, Coupon.name, Coupon.kind, Coupon.value, Coupon.min_spend,
                   Coupon.validity_days, Coupon.code_pattern, Coupon.team_id,
                   Coupon.created_at).order_by(Coupon.created_at.desc(), Coupon.id.desc())
    if not everything:
        query = query.where((Coupon.team_id.is_(None)) | (Coupon.team_id == team_id))
    columns = ["id", "name", "kind", "value", "min_spend", "validity_days", "code_pattern",
               "team_id", "created_at"]
    return pd.DataFrame.from_records([tuple(r) for r in session.execute(query)], columns=columns)


def load_taken_codes(session: Session, codes: list[str]) -> set[str]:
    """Those of ``codes`` already given to someone."""
    taken: set[str] = set()
    for start in range(0, len(codes), _CHUNK):
        part = codes[start:start + _CHUNK]
        taken.update(session.execute(
            select(Outbox.coupon_code).where(Outbox.coupon_code.in_(part))).scalars())
    return taken


# --- campaigns ------------------------------------------------------------------------------

_CAMPAIGN_FIELDS = (Campaign.id, Campaign.name, Campaign.intent_key, Campaign.channel,
                    Campaign.language, Campaign.coupon_id, Campaign.created_by,
                    Campaign.created_at, Campaign.queued_at, Campaign.holdout_pct,
                    Campaign.status)


def get_campaign(session: Session, campaign_id: int) -> CampaignRow | None:
    row = session.execute(select(*_CAMPAIGN_FIELDS).where(Campaign.id == campaign_id)).first()
    return None if row is None else CampaignRow(*row)


def get_campaign_by_intent(session: Session, intent_key: str) -> CampaignRow | None:
    row = session.execute(
        select(*_CAMPAIGN_FIELDS).where(Campaign.intent_key == intent_key)).first()
    return None if row is None else CampaignRow(*row)


def insert_campaign(session: Session, **values: Any) -> int:
    return int(session.execute(
        insert(Campaign).values(**values).returning(Campaign.id)).scalar_one())


def insert_outbox_rows(session: Session, rows: pd.DataFrame) -> None:
    """Insert the outbox rows of one campaign (the bulk path: executemany on SQLite, COPY
    on PostgreSQL); a clash with an existing row raises IntegrityError."""
    bulk_insert(session, Outbox, rows)


def lock_send_quota(session: Session, actor: Actor) -> None:
    """Serialise campaign queueing per user for the rest of the transaction (PostgreSQL
    advisory lock; SQLite's write transaction is already exclusive)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256(f"cockpit-send-quota:{actor.user_id}:{actor.username}".encode())
    key = int.from_bytes(digest.digest()[:8], "big", signed=True)
    session.execute(select(func.pg_advisory_xact_lock(key)))


def count_queued_since(session: Session, actor: Actor, since: dt.datetime) -> int:
    """Messages (not holdout, not unreachable) the actor's campaigns queued since ``since``."""
    by = (Campaign.created_by == actor.user_id if actor.user_id is not None
          else Campaign.created_by.is_(None))
    return int(session.execute(
        select(func.count()).select_from(Outbox)
        .join(Campaign, Campaign.id == Outbox.campaign_id)
        .where(by, Campaign.queued_at >= since, Outbox.status.not_in(NOT_CONTACTED))
    ).scalar_one())


OUTBOX_COLUMNS = ["outbox_id", "customer_id", "code", "name", "channel", "address", "message",
                  "coupon_code", "expires_on", "is_holdout", "status", "attempts",
                  "last_error", "queued_at", "sent_at", "redeemed_order_id", "redeemed_at",
                  "redeemed_amount"]


def load_campaign_outbox(session: Session, actor: Actor, campaign_id: int) -> pd.DataFrame:
    """The campaign's rows for customers inside the scope, with the redeemed order's amount."""
    rows = session.execute(
        select(Outbox.id, Outbox.customer_id, Customer.code, Customer.name, Outbox.channel,
               Outbox.address, Outbox.message, Outbox.coupon_code, Outbox.expires_on,
               Outbox.is_holdout, Outbox.status, Outbox.attempts, Outbox.last_error,
               Outbox.queued_at, Outbox.sent_at, Outbox.redeemed_order_id,
               Outbox.redeemed_at, Order.amount)
        .join(Customer, Customer.id == Outbox.customer_id)
        .join(Order, Order.id == Outbox.redeemed_order_id, isouter=True)
        .where(Outbox.campaign_id == campaign_id, customer_scope_clause(actor))
        .order_by(Outbox.id)
    ).all()
    frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=OUTBOX_COLUMNS)
    return frame.astype({"outbox_id": "int64", "customer_id": "int64", "is_holdout": bool,
                         "redeemed_amount": "float64"})


def load_campaigns(session: Session, actor: Actor) -> pd.DataFrame:
    """Campaigns with at least one recipient inside the scope, newest first, with the number
    of those recipients in each outbox status."""
    counts = session.execute(
        select(Outbox.campaign_id, Outbox.status, func.count())
        .join(Customer, Customer.id == Outbox.customer_id)
        .where(customer_scope_clause(actor))
        .group_by(Outbox.campaign_id, Outbox.status)
    ).all()
    table = (pd.DataFrame.from_records([tuple(r) for r in counts],
                                       columns=["campaign_id", "status", "n"])
             .pivot_table(index="campaign_id", columns="status", values="n", aggfunc="sum",
                          fill_value=0)
             .reindex(columns=list(OUTBOX_STATES), fill_value=0))
    if table.empty:
        return pd.DataFrame(columns=["campaign_id", "name", "channel", "created_by",
                                     "queued_at", "recipients"])
    campaigns = session.execute(
        select(Campaign.id, Campaign.name, Campaign.channel, User.username, Campaign.queued_at)
        .join(User, User.id == Campaign.created_by, isouter=True)
        .where(Campaign.id.in_([int(i) for i in table.index]))
    ).all()
    meta = pd.DataFrame.from_records([tuple(r) for r in campaigns],
                                     columns=["campaign_id", "name", "channel", "created_by",
                                              "queued_at"])
    return (meta.merge(table.reset_index(), on="campaign_id", how="left")
            .assign(recipients=lambda f: table.sum(axis=1).reindex(f["campaign_id"]).to_numpy())
            .sort_values(["queued_at", "campaign_id"], ascending=False)
            .reset_index(drop=True))


SEND_COLUMNS = ["outbox_id", "campaign_id", "campaign", "channel", "status", "is_holdout",
                "coupon_code", "expires_on", "queued_at", "sent_at", "redeemed_at",
                "redeemed_order", "redeemed_amount", "last_error"]


def load_sends_of(session: Session, customer_ids: Iterable[int]) -> pd.DataFrame:
    """``customer_id`` and every campaign message (``SEND_COLUMNS``) of those customers, by
    customer, newest first."""
    ids = sorted({int(c) for c in customer_ids})
    rows = session.execute(
        select(Outbox.customer_id, Outbox.id, Outbox.campaign_id, Campaign.name,
               Outbox.channel, Outbox.status, Outbox.is_holdout, Outbox.coupon_code,
               Outbox.expires_on, Outbox.queued_at, Outbox.sent_at, Outbox.redeemed_at,
               Order.order_no, Order.amount, Outbox.last_error)
        .join(Campaign, Campaign.id == Outbox.campaign_id)
        .join(Order, Order.id == Outbox.redeemed_order_id, isouter=True)
        .where(Outbox.customer_id.in_(ids))
        .order_by(Outbox.customer_id, Outbox.queued_at.desc(), Outbox.id.desc())
    ).all()
    return pd.DataFrame.from_records([tuple(r) for r in rows],
                                     columns=["customer_id", *SEND_COLUMNS])


def load_customer_sends(session: Session, customer_id: int) -> pd.DataFrame:
    """Every campaign message of one customer, newest first."""
    return load_sends_of(session, [customer_id]).drop(columns=["customer_id"])


UNKNOWN_COLUMNS = ["outbox_id", "campaign_id", "campaign", "customer_id", "code", "name",
                   "channel", "address", "claimed_at", "last_error"]


def load_unknown(session: Session, actor: Actor, campaign_id: int | None = None) -> pd.DataFrame:
    """Rows waiting for a person's decision (``unknown``), inside the scope."""
    query = (select(Outbox.id, Outbox.campaign_id, Campaign.name, Outbox.customer_id,
                    Customer.code, Customer.name, Outbox.channel, Outbox.address,
                    Outbox.claimed_at, Outbox.last_error)
             .join(Campaign, Campaign.id == Outbox.campaign_id)
             .join(Customer, Customer.id == Outbox.customer_id)
             .where(Outbox.status == "unknown", customer_scope_clause(actor))
             .order_by(Outbox.id))
    if campaign_id is not None:
        query = query.where(Outbox.campaign_id == campaign_id)
    return pd.DataFrame.from_records([tuple(r) for r in session.execute(query)],
                                     columns=UNKNOWN_COLUMNS)



# --- for the campaign pages -------------------------------------------------------------------


def load_status_counts(session: Session, actor: Actor, campaign_id: int) -> dict[str, int]:
    """How many of the campaign's rows inside the scope are in each outbox status (every
    status present, zeros included): the live progress of a send."""
    rows = session.execute(
        select(Outbox.status, func.count())
        .join(Customer, Customer.id == Outbox.customer_id)
        .where(Outbox.campaign_id == campaign_id, customer_scope_clause(actor))
        .group_by(Outbox.status)
    ).all()
    found = {str(status): int(n) for status, n in rows}
    return {status: found.get(status, 0) for status in OUTBOX_STATES}


def load_redemption_totals(session: Session, actor: Actor) -> pd.DataFrame:
    """Per campaign, the redeemed codes of recipients inside the scope and the revenue of the
    orders that redeemed them (``campaign_id``, ``redeemed``, ``redeemed_revenue``)."""
    rows = session.execute(
        select(Outbox.campaign_id, func.count(), func.coalesce(func.sum(Order.amount), 0))
        .join(Customer, Customer.id == Outbox.customer_id)
        .join(Order, Order.id == Outbox.redeemed_order_id)
        .where(customer_scope_clause(actor))
        .group_by(Outbox.campaign_id)
    ).all()
    frame = pd.DataFrame.from_records([tuple(r) for r in rows],
                                      columns=["campaign_id", "redeemed", "redeemed_revenue"])
    return frame.astype({"campaign_id": "int64", "redeemed": "int64",
                         "redeemed_revenue": "float64"})


@dataclass(frozen=True)
class CampaignDetail:
    """What the results page says about a campaign besides its counts."""

    message_template: str
    selection: dict[str, Any]
    team_id: int | None
    created_by_name: str | None


def get_campaign_detail(session: Session, campaign_id: int) -> CampaignDetail | None:
    row = session.execute(
        select(Campaign.message_template, Campaign.selection, Campaign.team_id, User.username)
        .join(User, User.id == Campaign.created_by, isouter=True)
        .where(Campaign.id == campaign_id)
    ).first()
    if row is None:
        return None
    return CampaignDetail(message_template=row[0] or "", selection=dict(row[1] or {}),
                          team_id=row[2], created_by_name=row[3])

# --- redemptions ----------------------------------------------------------------------------


def _clear_stale_redemptions(session: Session) -> int:
    """Forget redemptions whose order no longer carries the code (the order was re-imported
    with another code)."""
    still = (select(Order.id).where(Order.id == Outbox.redeemed_order_id,
                                    func.upper(func.trim(Order.coupon_code)) == Outbox.coupon_code)
             .exists())
    return session.execute(
        update(Outbox).where(Outbox.redeemed_order_id.is_not(None), ~still)
        .values(redeemed_order_id=None, redeemed_at=None)
    ).rowcount


def _redemption_candidates(session: Session) -> pd.DataFrame:
    """(outbox id, order id, order day, queued at, expires on) for every open code that a
    purchase order of the same customer carries (codes compared trimmed, in capitals)."""
    open_rows = and_(Outbox.coupon_code.is_not(None), Outbox.redeemed_order_id.is_(None))
    first = session.execute(select(func.min(Outbox.queued_at)).where(open_rows)).scalar()
    if first is None:
        return pd.DataFrame(columns=["outbox_id", "order_id", "order_date", "queued_at",
                                     "expires_on"])
    rows = session.execute(
        select(Outbox.id, Order.id, Order.order_date, Outbox.queued_at, Outbox.expires_on)
        .select_from(Order)
        .join(Outbox, Outbox.coupon_code == func.upper(func.trim(Order.coupon_code)))
        .where(open_rows, Order.coupon_code.is_not(None), Order.order_date >= first.date(),
               Order.customer_id == Outbox.customer_id, Order.is_return.is_(False))
    ).all()
    return pd.DataFrame.from_records([tuple(r) for r in rows], columns=[
        "outbox_id", "order_id", "order_date", "queued_at", "expires_on"])


def match_redemptions(session: Session) -> int:
    """Record the redemptions the orders show: an open code is redeemed by the first
    purchase order (earliest day, then lowest id) of the recipient that carries it, dated
    from the day it was queued to its last valid day. Returns how many were recorded."""
    _clear_stale_redemptions(session)
    found = _redemption_candidates(session)
    if found.empty:
        return 0
    day = pd.to_datetime(found["order_date"])
    valid = ((day >= pd.to_datetime(found["queued_at"]).dt.normalize())
             & (found["expires_on"].isna() | (day <= pd.to_datetime(found["expires_on"]))))
    first = (found[valid.to_numpy()]
             .sort_values(["outbox_id", "order_date", "order_id"])
             .drop_duplicates("outbox_id"))
    if first.empty:
        return 0
    changes = (first[["outbox_id", "order_id", "order_date"]]
               .rename(columns={"outbox_id": "id", "order_id": "redeemed_order_id",
                                "order_date": "redeemed_at"})
               .to_dict("records"))
    session.execute(update(Outbox), changes)
    return len(changes)


def load_orders_after(session: Session, customer_ids: Iterable[int],
                      after: dt.datetime) -> pd.DataFrame:
    """Per customer (``customer_id``, ``orders``, ``revenue``): the orders dated on the day of
    ``after`` with a time of day (``ordered_at``) later than ``after``. An order counts as
    in the rollup: its amount is revenue (a return lowers it), and it is an order unless
    all its lines are returns."""
    parts = []
    for ids in _chunks(customer_ids):
        rows = session.execute(
            select(Order.customer_id, func.sum(Order.amount),
                   func.sum(case((Order.is_return.is_(False), 1), else_=0)))
            .where(Order.customer_id.in_(ids), Order.order_date == after.date(),
                   Order.ordered_at.is_not(None), Order.ordered_at > after)
            .group_by(Order.customer_id)
        ).all()
        parts += [tuple(r) for r in rows]
    frame = pd.DataFrame.from_records(parts, columns=["customer_id", "revenue", "orders"])
    return frame.astype({"customer_id": "int64", "revenue": "float64", "orders": "int64"})
