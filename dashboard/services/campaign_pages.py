"""The campaign list (``/campaigns``), a campaign's results (``/campaigns/<id>``), sending a
queued campaign with its progress, the "needs a decision" messages, and the recipients' CSV.

Everything is read inside the actor's scope (``campaigns`` and ``dashboard.data.campaigns``
scope every row in SQL): a manager sees their team's recipients of any campaign, a rep their
own customers'. Sending, resuming and deciding change what customers receive, so they are
allowed to fewer people and audited:

- sending the waiting messages of a campaign: its author, an owner, or a manager of the
  campaign's team;
- deciding on a message whose outcome is unknown (mark it sent, or release it to be sent
  again): an owner, or a manager for the customers of their team (the campaigns service
  checks the customer is in their scope). Reps do not decide.

:func:`send_campaign` is the job of a background callback: it runs one pass of the outbox
sender for the campaign in a thread and reports the campaign's counts every half second.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.analytics.sends import Progress
from dashboard.data import campaigns as data
from dashboard.data.audit import insert_audit
from dashboard.db import session_scope
from dashboard.errors import NotFound, ValidationError
from dashboard.messaging.coupons import CouponTerms
from dashboard.messaging.sender import PassReport, SenderOptions, send_pending
from dashboard.models import OUTBOX_STATES
from dashboard.reports.campaigns import recipients_frame
from dashboard.reports.csv import write_csv
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import campaigns
from dashboard.services import filters as filter_service
from dashboard.services.access import require_role
from dashboard.services.audit import deny, record

GRID_LIMIT = 2000
WINDOWS = (7, 14, 30, 60, 90)
DEFAULT_WINDOW = 30
LIST_COLUMNS = ["campaign_id", "name", "channel", "created_by", "queued_at", "recipients",
                *OUTBOX_STATES, "redeemed", "redeemed_revenue"]


@dataclass(frozen=True)
class CampaignList:
    rows: pd.DataFrame  # LIST_COLUMNS, newest first
    unknown: pd.DataFrame  # campaigns.get_unknown_messages
    may_decide: bool
    currency: str

    @property
    def sending(self) -> bool:
        return bool(len(self.rows)) and bool((self.rows["pending"] + self.rows["sending"]).gt(
            0).any())


@dataclass(frozen=True)
class CampaignPage:
    campaign: data.CampaignRow
    detail: data.CampaignDetail
    coupon: CouponTerms | None
    summary: dict[str, float]
    uplift: pd.DataFrame
    rows: pd.DataFrame  # the first GRID_LIMIT recipients
    total_rows: int
    progress: Progress
    may_send: bool
    window_days: int
    as_of: dt.date
    currency: str

    @property
    def measured(self) -> bool:
        """Whether there is anything to measure yet: a day after the send observed and an
        order placed after the send by either group (``analytics.uplift``); until then the
        page says so instead of showing figures."""
        return bool(len(self.uplift)) and self.uplift["state"].iat[0] == "measured"


# --- the list ----------------------------------------------------------------------------------


def get_campaign_list(runtime: Runtime, actor: Actor) -> CampaignList:
    """Campaigns with recipients in the actor's scope (counts by outcome, redemptions and
    their revenue), and the messages that need a person's decision."""
    frame = campaigns.list_campaigns(runtime, actor)
    with session_scope(runtime.engine) as session:
        redeemed = data.load_redemption_totals(session, actor)
    rows = (frame.merge(redeemed, on="campaign_id", how="left")
            .reindex(columns=LIST_COLUMNS)
            .assign(redeemed=lambda f: f["redeemed"].fillna(0).astype("int64"),
                    redeemed_revenue=lambda f: f["redeemed_revenue"].fillna(0.0).astype(
                        "float64"))
            .fillna({s: 0 for s in ["recipients", *OUTBOX_STATES]})
            .astype({s: "int64" for s in ["recipients", *OUTBOX_STATES]}))
    return CampaignList(rows=rows.reset_index(drop=True),
                        unknown=campaigns.get_unknown_messages(runtime, actor),
                        may_decide=actor.role in ("owner", "manager"),
                        currency=str(runtime.settings.currency or "CNY"))


def decide(runtime: Runtime, actor: Actor, outbox_id: Any, decision: Any) -> None:
    """An owner's or manager's decision on a message whose outcome is unknown (``sent``
    or ``resend``); refused (audited) for anyone else."""
    with session_scope(runtime.engine) as session:
        require_role(session, actor, "owner", "manager", object_type="outbox",
                     object_id=str(outbox_id)[:40])
    try:
        key = int(outbox_id)
    except (TypeError, ValueError):
        raise ValidationError("decision", details=["Choose a message."]) from None
    campaigns.decide_unknown(runtime, actor, key, str(decision))


# --- one campaign ------------------------------------------------------------------------------


def may_send(actor: Actor, campaign: data.CampaignRow, detail: data.CampaignDetail) -> bool:
    return actor.role == "owner" or campaign.created_by == actor.user_id or (
        actor.role == "manager" and detail.team_id is not None
        and detail.team_id == actor.team_id)


def _coupon(session: Any, coupon_id: int | None) -> CouponTerms | None:
    row = data.get_coupon(session, coupon_id) if coupon_id is not None else None
    if row is None:
        return None
    return CouponTerms(kind=row.kind, value=row.value, min_spend=row.min_spend,
                       validity_days=row.validity_days, code_pattern=row.code_pattern,
                       name=row.name)


def campaign_key(campaign_id: Any) -> int:
    """A campaign id from the address (0 when it is not one)."""
    text = str(campaign_id).strip() if isinstance(campaign_id, (int, str)) else ""
    if isinstance(campaign_id, bool) or not text.isdigit() or not 0 < int(text) < 2**63:
        return 0
    return int(text)


def _named(campaign_id: Any) -> int:
    """The campaign the address names; an address that names none is simply not found (a
    number is checked by the campaigns service, which refuses a missing or foreign campaign
    alike, audited)."""
    key = campaign_key(campaign_id)
    if not key:
        raise NotFound("no campaign in the address")
    return key


def get_campaign_page(runtime: Runtime, actor: Actor, campaign_id: Any,
                      window_days: Any = DEFAULT_WINDOW) -> CampaignPage:
    """A campaign's results for ``actor``: counts, redemptions, the uplift over
    ``window_days`` against the holdout group, and the recipients. A campaign without
    recipients in the scope is refused (audited) like a missing one."""
    window = int(window_days) if window_days in WINDOWS else DEFAULT_WINDOW
    today = filter_service.today(runtime)
    results = campaigns.get_campaign_results(runtime, actor, _named(campaign_id),
                                             window_days=window, as_of=today)
    with session_scope(runtime.engine) as session:
        detail = data.get_campaign_detail(session, results.campaign.id)
        coupon = _coupon(session, results.campaign.coupon_id)
    if detail is None:  # deleted since it was read
        raise NotFound("no such campaign")
    counts = {s: int(results.summary.get(s, 0)) for s in OUTBOX_STATES}
    return CampaignPage(
        campaign=results.campaign, detail=detail, coupon=coupon, summary=results.summary,
        uplift=results.uplift, rows=results.rows.head(GRID_LIMIT),
        total_rows=len(results.rows), progress=Progress(counts),
        may_send=may_send(actor, results.campaign, detail), window_days=window,
        as_of=today, currency=str(runtime.settings.currency or "CNY"))


def get_progress(runtime: Runtime, actor: Actor, campaign_id: Any) -> Progress:
    with session_scope(runtime.engine) as session:
        return Progress(data.load_status_counts(session, actor, campaign_key(campaign_id)))


def export_recipients(runtime: Runtime, actor: Actor, campaign_id: Any,
                      language: str) -> tuple[str, str]:
    """(file name, CSV text) of every recipient of the campaign inside the scope, safe
    against spreadsheet formulas; audited."""
    results = campaigns.get_campaign_results(runtime, actor, _named(campaign_id),
                                             as_of=filter_service.today(runtime))
    frame = recipients_frame(results.rows, language)
    record(runtime, actor, "export", object_type="campaign", object_id=results.campaign.id,
           detail={"rows": len(frame), "source": "campaign recipients"})
    buffer = io.StringIO()
    write_csv(frame, buffer)
    return f"campaign-{results.campaign.id}-recipients.csv", buffer.getvalue()


# --- sending -----------------------------------------------------------------------------------


def _authorise_send(runtime: Runtime, actor: Actor, campaign_id: int) -> Progress:
    with session_scope(runtime.engine, write=True) as session:
        campaign = data.get_campaign(session, campaign_id)
        detail = data.get_campaign_detail(session, campaign_id) if campaign else None
        counts = data.load_status_counts(session, actor, campaign_id) if campaign else {}
        if campaign is None or detail is None or not sum(counts.values()) or not may_send(
                actor, campaign, detail):
            raise deny(session, actor, object_type="campaign", object_id=campaign_id,
                       reason="may not send this campaign")
        insert_audit(session, actor, "campaign.send", object_type="campaign",
                     object_id=campaign_id, detail={"waiting": counts["pending"]})
    return Progress(counts)


def _own_connections(runtime: Runtime) -> None:
    """A background job runs in a process forked from a web worker: it must not use the
    worker's pooled database connections (``dispose(close=False)`` leaves them to it)."""
    pid = os.getpid()
    if runtime.pool_pid != pid:
        runtime.engine.dispose(close=False)
        runtime.pool_pid = pid


def send_campaign(runtime: Runtime, actor: Actor, campaign_id: Any,
                  on_progress: Callable[[Progress], None] | None = None, *,
                  interval: float = 0.5, options: SenderOptions | None = None) -> Progress:
    """Send the campaign's waiting messages (one pass of the outbox sender; messages to
    retry later stay waiting), calling ``on_progress`` with the counts as they change.
    Returns the counts at the end."""
    _own_connections(runtime)
    key = _named(campaign_id)
    progress = _authorise_send(runtime, actor, key)
    if on_progress is not None:
        on_progress(progress)
    outcome: list[PassReport | BaseException] = []

    def run() -> None:
        try:
            outcome.append(send_pending(runtime, key, options))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller below
            outcome.append(exc)

    worker = threading.Thread(target=run, name=f"campaign-{key}-sender", daemon=True)
    worker.start()
    while worker.is_alive():
        worker.join(interval)
        if on_progress is not None and worker.is_alive():
            on_progress(get_progress(runtime, actor, key))
    if outcome and isinstance(outcome[0], BaseException):
        raise outcome[0]
    final = get_progress(runtime, actor, key)
    if on_progress is not None:
        on_progress(final)
    return final


__all__ = ["DEFAULT_WINDOW", "GRID_LIMIT", "WINDOWS", "CampaignList", "CampaignPage",
           "Progress", "campaign_key", "decide", "export_recipients", "get_campaign_list",
           "get_campaign_page", "get_progress", "may_send", "send_campaign"]
