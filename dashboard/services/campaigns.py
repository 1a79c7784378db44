"""Coupon campaigns: preview, queue (exactly once), results, and the decisions on messages
whose outcome is unknown.

The selection is a list of customer ids resolved by the calling page; every id is checked
again here against the actor's scope in SQL, and one id outside it refuses the whole campaign
(audited). Queueing is idempotent on the page's ``intent_key``: a double click, a retry or a
replay returns the first campaign ("already submitted"). Queued messages are delivered by the
outbox sender (``dashboard.messaging.sender``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.analytics.uplift import campaign_summary, campaign_uplift
from dashboard.data import campaigns as data
from dashboard.data import outbox as outbox_data
from dashboard.data.access import load_customer_ids_in_scope
from dashboard.data.audit import insert_audit
from dashboard.data.sales import load_customer_days
from dashboard.db import data_identity, session_scope
from dashboard.errors import NotFound, ValidationError
from dashboard.messaging import plan as planning
from dashboard.messaging.channels import channel_configured, idempotency_key
from dashboard.messaging.coupons import (
    LANGUAGES,
    CouponTerms,
    make_codes,
    sample_code,
)
from dashboard.messaging.receipts import provider_took
from dashboard.messaging.recipients import check_channel, check_holdout_pct, seed_from
from dashboard.messaging.templates import checked_template
from dashboard.models import utcnow
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services.access import authorise_customer, authorise_customers, require_role
from dashboard.services.audit import audit_after, deny

MAX_RECIPIENTS = 100_000
_INTENT = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")


@dataclass(frozen=True)
class CampaignPreview:
    recipients: pd.DataFrame  # customer_id, code, name, tier, address, message
    unreachable: pd.DataFrame  # customer_id, code, name, reason, reason_text
    holdout_count: int
    send_count: int
    cap_remaining: int
    warnings: list[str]


@dataclass(frozen=True)
class QueueResult:
    campaign_id: int
    already_submitted: bool
    counts: dict[str, int]


# --- shared checks ----------------------------------------------------------------------------


def _selection(selection: Iterable[object]) -> list[int]:
    ids = []
    for value in selection or []:
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(
                value).strip().isdigit():
            raise ValidationError("invalid selection", details=[
                "The selection must be a list of customer ids."])
        ids.append(int(value))
    if not ids:
        raise ValidationError("empty selection", details=["Choose at least one customer."])
    if len(set(ids)) > MAX_RECIPIENTS:
        raise ValidationError("selection too large", details=[
            f"A campaign can reach at most {MAX_RECIPIENTS:,} customers."])
    return sorted(set(ids))


def _language(language: str) -> str:
    if language not in LANGUAGES:
        raise ValidationError("invalid language", details=["Language must be en or zh."])
    return language


def _terms(session: Session, actor: Actor, coupon: int | CouponTerms) -> tuple[CouponTerms,
                                                                               int | None]:
    """The coupon's terms and the id of its stored template (``None`` for new terms)."""
    if isinstance(coupon, CouponTerms):
        return coupon.validated(), None
    if isinstance(coupon, bool) or not isinstance(coupon, int):
        raise ValidationError("invalid coupon", details=["Choose a coupon."])
    row = data.get_coupon(session, coupon)
    if row is None or not _coupon_visible(actor, row.team_id):
        raise NotFound("no such coupon", code="not_found")
    terms = CouponTerms(kind=row.kind, value=row.value, min_spend=row.min_spend,
                        validity_days=row.validity_days, code_pattern=row.code_pattern,
                        name=row.name)
    return terms, row.id


def _coupon_visible(actor: Actor, team_id: int | None) -> bool:
    return actor.role == "owner" or team_id is None or team_id == actor.team_id


def _plan(session: Session, runtime: Runtime, actor: Actor, ids: list[int], channel: str,
          holdout_pct: float, seed: int) -> pd.DataFrame:
    """Scope check of every id (refused and audited when one is outside), then the plan."""
    authorise_customers(session, actor, ids)
    recipients = data.load_recipients(session, actor, ids)
    return planning.plan_recipients(recipients, channel, holdout_pct, seed)


def _day_start(now: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(now.date(), dt.time())


def _cap_remaining(session: Session, runtime: Runtime, actor: Actor, now: dt.datetime) -> int:
    used = data.count_queued_since(session, actor, _day_start(now))
    return max(0, int(runtime.settings.daily_send_cap) - used)


def _unreachable(plan: pd.DataFrame) -> pd.DataFrame:
    return plan.loc[plan["status"] == "unreachable",
                    ["customer_id", "code", "name", "reason", "reason_text"]].reset_index(
        drop=True)


# --- preview and queue ------------------------------------------------------------------------


def preview_campaign(runtime: Runtime, actor: Actor, selection: Iterable[object],
                     coupon: int | CouponTerms, channel: str, template: str | None = None,
                     language: str = "en", holdout_pct: float = 0.0) -> CampaignPreview:
    """Who would get which message, who is held out (how many) and who cannot be reached
    (and why). Nothing is written except the audit row of a refused selection."""
    ids, channel = _selection(selection), check_channel(channel)
    language, pct = _language(language), check_holdout_pct(holdout_pct)
    text = checked_template(template, language)
    now = utcnow()
    with session_scope(runtime.engine) as session:
        terms, _ = _terms(session, actor, coupon)
        plan = _plan(session, runtime, actor, ids, channel, pct, seed=0)
        remaining = _cap_remaining(session, runtime, actor, now)
    held = int((plan["status"] == "holdout").sum())
    everyone = plan.assign(status=plan["status"].replace("holdout", "pending"))
    rendered = planning.render(everyone, sample_code(terms.code_pattern), text, terms,
                               currency=runtime.settings.currency, language=language,
                               today=now.date())
    warnings = [w for w in [channel_configured(runtime.settings, channel)] if w]
    sends = len(rendered) - held
    if sends > remaining:
        warnings.append(f"This campaign needs {sends:,} messages; your daily limit allows "
                        f"{remaining:,} more today.")
    return CampaignPreview(
        recipients=rendered[["customer_id", "code", "name", "tier", "address", "message"]],
        unreachable=_unreachable(plan), holdout_count=held, send_count=sends,
        cap_remaining=remaining, warnings=warnings)


def queue_campaign(runtime: Runtime, actor: Actor, intent_key: str,
                   selection: Iterable[object], coupon: int | CouponTerms, channel: str,
                   template: str | None = None, language: str = "en",
                   holdout_pct: float = 0.0, name: str = "",
                   description: str = "") -> QueueResult:
    """Create the campaign and all its outbox rows in one transaction, or return the
    campaign already created for ``intent_key``."""
    if not isinstance(intent_key, str) or not _INTENT.match(intent_key):
        raise ValidationError("invalid intent key", details=["Reload the page and try again."])
    ids, channel = _selection(selection), check_channel(channel)
    language, pct = _language(language), check_holdout_pct(holdout_pct)
    text = checked_template(template, language)
    missing = channel_configured(runtime.settings, channel)
    if missing:
        raise ValidationError("channel not configured", details=[missing])
    request = dict(ids=ids, coupon=coupon, channel=channel, text=text, language=language,
                   pct=pct, name=name, description=description)
    try:
        with session_scope(runtime.engine, write=True) as session:
            return _queue(session, runtime, actor, intent_key, **request)
    except IntegrityError:
        # Another request with the same intent key committed first (PostgreSQL).
        with session_scope(runtime.engine) as session:
            existing = data.get_campaign_by_intent(session, intent_key)
            if existing is None:
                raise
            return _replay(session, actor, existing)


def _replay(session: Session, actor: Actor, existing: data.CampaignRow) -> QueueResult:
    if existing.created_by != actor.user_id:
        raise ValidationError("intent key in use", details=["Reload the page and try again."])
    audit_after(session, actor, "campaign.queue", object_type="campaign",
                object_id=existing.id, detail={"replay": True}, outcome="ok")
    return QueueResult(existing.id, True, _status_counts(session, actor, existing.id))


def _status_counts(session: Session, actor: Actor, campaign_id: int) -> dict[str, int]:
    rows = data.load_campaign_outbox(session, actor, campaign_id)
    return {str(k): int(v) for k, v in rows["status"].value_counts().items()}


def _queue(session: Session, runtime: Runtime, actor: Actor, intent_key: str, *,
           ids: list[int], coupon: int | CouponTerms, channel: str, text: str, language: str,
           pct: float, name: str, description: str) -> QueueResult:
    data.lock_send_quota(session, actor)
    existing = data.get_campaign_by_intent(session, intent_key)
    if existing is not None:
        return _replay(session, actor, existing)
    terms, coupon_id = _terms(session, actor, coupon)
    plan = _plan(session, runtime, actor, ids, channel, pct, seed=seed_from(intent_key))
    now = utcnow()
    sends = int((plan["status"] == "pending").sum())
    if sends == 0:
        raise ValidationError("nobody to send to", details=[
            "Nobody in this selection can be reached on this channel (see the preview)."])
    _check_cap(session, runtime, actor, intent_key, sends, now)
    codes = _fresh_codes(session, terms.code_pattern, sends)
    rendered = planning.render(plan, codes, text, terms, currency=runtime.settings.currency,
                               language=language, today=now.date())
    if coupon_id is None:
        coupon_id = data.insert_coupon(
            session, name=terms.name or f"{terms.kind} {terms.value:g}", kind=terms.kind,
            value=terms.value, min_spend=terms.min_spend, validity_days=terms.validity_days,
            code_pattern=terms.code_pattern, team_id=actor.team_id, created_by=actor.user_id)
    campaign_id = data.insert_campaign(
        session, name=(name or "").strip()[:200] or f"{terms.name or 'Coupon'} {now:%Y-%m-%d}",
        coupon_id=coupon_id, channel=channel, language=language, message_template=text,
        selection={"count": len(ids), "description": (description or "")[:500]},
        holdout_pct=pct, intent_key=intent_key, status="queued", team_id=actor.team_id,
        created_by=actor.user_id, created_at=now, queued_at=now)
    data.insert_outbox_rows(session, planning.outbox_frame(plan, rendered,
                                                           campaign_id=campaign_id,
                                                           channel=channel, now=now))
    counts = {str(k): int(v) for k, v in plan["status"].value_counts().items()}
    insert_audit(session, actor, "campaign.queue", object_type="campaign",
                 object_id=campaign_id, detail={"intent_key": intent_key, "channel": channel,
                                                "coupon_id": coupon_id, **counts})
    return QueueResult(campaign_id, False, counts)


def _check_cap(session: Session, runtime: Runtime, actor: Actor, intent_key: str, sends: int,
               now: dt.datetime) -> None:
    """Refuse (audited) a campaign that would take the user over the daily cap."""
    remaining = _cap_remaining(session, runtime, actor, now)
    if sends <= remaining:
        return
    cap = int(runtime.settings.daily_send_cap)
    audit_after(session, actor, "campaign.queue", object_type="campaign", object_id=intent_key,
                outcome="denied", detail={"reason": "daily send cap", "needed": sends,
                                          "remaining": remaining, "cap": cap})
    raise ValidationError("daily send cap", details=[
        f"This campaign needs {sends:,} messages; your daily limit of {cap:,} allows "
        f"{remaining:,} more today."])


def _fresh_codes(session: Session, pattern: str, count: int) -> list[str]:
    codes = make_codes(pattern, count)
    taken = data.load_taken_codes(session, codes)
    while taken:  # vanishingly rare: redraw only the clashing ones
        keep = [c for c in codes if c not in taken]
        codes = keep + make_codes(pattern, count - len(keep), taken=set(codes) | taken)
        taken = data.load_taken_codes(session, codes[len(keep):])
    return codes


# --- coupons and redemptions ------------------------------------------------------------------


def create_coupon(runtime: Runtime, actor: Actor, terms: CouponTerms) -> int:
    """Store a coupon template (owners and managers; a manager's is their team's)."""
    checked = terms.validated()
    if not checked.name:
        raise ValidationError("coupon name", details=["Give the coupon a name."])
    with session_scope(runtime.engine, write=True) as session:
        require_role(session, actor, "owner", "manager", object_type="coupon")
        team_id = None if actor.role == "owner" else actor.team_id
        coupon_id = data.insert_coupon(
            session, name=checked.name, kind=checked.kind, value=checked.value,
            min_spend=checked.min_spend, validity_days=checked.validity_days,
            code_pattern=checked.code_pattern, team_id=team_id, created_by=actor.user_id)
        insert_audit(session, actor, "coupon.create", object_type="coupon",
                     object_id=coupon_id, detail={"after": checked.__dict__})
    return coupon_id


def list_coupons(runtime: Runtime, actor: Actor) -> pd.DataFrame:
    with session_scope(runtime.engine) as session:
        return data.load_coupons(session, actor.team_id, everything=actor.role == "owner")


def match_coupon_redemptions(runtime: Runtime, actor: Actor | None = None) -> int:
    """Match coupon codes on the orders to the messages that carried them (on demand; the
    import runs :func:`dashboard.data.campaigns.match_redemptions` in its own transaction).
    Returns how many redemptions were newly recorded."""
    with session_scope(runtime.engine, write=True) as session:
        found = data.match_redemptions(session)
        if found:
            insert_audit(session, actor or Actor.system(), "coupon.match_redemptions",
                         object_type="outbox", detail={"matched": found})
    return found


# --- reading campaigns ------------------------------------------------------------------------


@dataclass(frozen=True)
class CampaignResults:
    campaign: data.CampaignRow
    summary: dict[str, float]
    uplift: pd.DataFrame
    rows: pd.DataFrame


def list_campaigns(runtime: Runtime, actor: Actor) -> pd.DataFrame:
    with session_scope(runtime.engine) as session:
        return data.load_campaigns(session, actor)


def _visible_campaign(session: Session, actor: Actor, campaign_id: int) -> tuple[
        data.CampaignRow, pd.DataFrame]:
    campaign = data.get_campaign(session, int(campaign_id))
    rows = (data.load_campaign_outbox(session, actor, int(campaign_id))
            if campaign is not None else pd.DataFrame())
    if campaign is None or (rows.empty and campaign.created_by != actor.user_id):
        raise deny(session, actor, object_type="campaign", object_id=campaign_id,
                   reason="no such campaign in scope")
    return campaign, rows


def get_campaign_results(runtime: Runtime, actor: Actor, campaign_id: int, *,
                         window_days: int = 30, as_of: dt.date | None = None) -> CampaignResults:
    """Delivery and redemption counts of the campaign's recipients inside the scope, and the
    uplift in orders and revenue per customer against the holdout group over what was
    ordered after the messages went out: from the send time through the ``window_days``
    days after the send day (``analytics.uplift``)."""
    if not 1 <= int(window_days) <= 365:
        raise ValidationError("window", details=["The window must be 1 to 365 days."])
    with session_scope(runtime.engine) as session:
        campaign, rows = _visible_campaign(session, actor, campaign_id)
        sent_at = send_time(campaign, rows)
        ids = rows["customer_id"].tolist()
        days = load_customer_days(session, ids, since=sent_at.date() + dt.timedelta(days=1))
        after_send = data.load_orders_after(session, ids, sent_at)
    as_of = as_of or utcnow().date()
    return CampaignResults(
        campaign=campaign, summary=campaign_summary(rows), rows=rows,
        uplift=campaign_uplift(rows, days, sent_at=sent_at, window_days=int(window_days),
                               as_of=as_of, after_send=after_send))


def send_time(campaign: data.CampaignRow, rows: pd.DataFrame) -> dt.datetime:
    """When the campaign's messages went out (the first message sent; the queueing time
    before any was sent), on the business's clock: stored times are UTC, while order dates
    and times are the ERP's local ones and "today" is the server's day, so the moment is
    turned into the server's local time before it is compared with orders."""
    sent = pd.to_datetime(rows["sent_at"]).dropna() if not rows.empty else pd.Series()
    moment = sent.min().to_pydatetime() if len(sent) else (
        campaign.queued_at or campaign.created_at)
    return moment.replace(tzinfo=dt.UTC).astimezone().replace(tzinfo=None)


def get_customer_campaigns(runtime: Runtime, actor: Actor, customer: int | str) -> pd.DataFrame:
    """Every campaign message of one customer (for the portrait), newest first."""
    with session_scope(runtime.engine) as session:
        customer_id = authorise_customer(session, actor, customer)
        return data.load_customer_sends(session, customer_id)


def get_customers_campaigns(runtime: Runtime, actor: Actor,
                            customer_ids: Iterable[int]) -> dict[int, pd.DataFrame]:
    """:func:`get_customer_campaigns` of each of ``customer_ids`` inside the actor's scope
    (the others are left out), in one query: a batch of reports."""
    with session_scope(runtime.engine) as session:
        ids = sorted(load_customer_ids_in_scope(session, actor, customer_ids))
        sends = data.load_sends_of(session, ids)
    groups = dict(tuple(sends.groupby("customer_id", sort=False)))
    empty = sends.iloc[:0]
    return {cid: groups.get(cid, empty).drop(columns=["customer_id"]).reset_index(drop=True)
            for cid in ids}


def get_unknown_messages(runtime: Runtime, actor: Actor,
                         campaign_id: int | None = None) -> pd.DataFrame:
    """Messages whose outcome is not known ("needs a decision"), inside the scope."""
    with session_scope(runtime.engine) as session:
        return data.load_unknown(session, actor, campaign_id)


DECISIONS = {"sent": "outbox.mark_sent", "resend": "outbox.release"}


def decide_unknown(runtime: Runtime, actor: Actor, outbox_id: int, decision: str) -> None:
    """A person's decision on a message in ``unknown``: ``sent`` (it reached the customer)
    or ``resend`` (it did not: send it again). ``resend`` is refused when the provider's
    record of the row's idempotency key shows it took the message. Owners and managers, or
    the campaign's author, for customers inside their scope; audited."""
    if decision not in DECISIONS:
        raise ValidationError("decision", details=["Decide 'sent' or 'resend'."])
    with session_scope(runtime.engine, write=True) as session:
        row = outbox_data.get_outbox_row(session, int(outbox_id))
        if row is None:
            raise deny(session, actor, object_type="outbox", object_id=outbox_id,
                       reason="no such message")
        authorise_customer(session, actor, int(row.customer_id))
        campaign = data.get_campaign(session, row.campaign_id)
        if actor.role == "rep" and (campaign is None or campaign.created_by != actor.user_id):
            raise deny(session, actor, object_type="outbox", object_id=outbox_id,
                       reason="only owners, managers and the campaign's author decide")
        if row.status != "unknown":
            raise ValidationError("not unknown", details=[
                f"This message is {row.status}, not waiting for a decision."])
        if decision == "resend" and provider_took(
                runtime.settings, str(row.channel),
                idempotency_key(data_identity(session)[0], int(row.id))):
            raise ValidationError(f"outbox row {row.id} was taken by the provider",
                                  code="message_delivered")
        note = f"{'marked sent' if decision == 'sent' else 'released for resending'} by " \
               f"{actor.username}"
        if decision == "sent":
            outbox_data.mark_unknown_sent(session, row.id, note=note, now=utcnow())
        else:
            outbox_data.release_unknown(session, row.id, note=note)
        insert_audit(session, actor, DECISIONS[decision], object_type="outbox",
                     object_id=row.id, detail={"before": "unknown",
                                               "after": "sent" if decision == "sent"
                                               else "pending"})
