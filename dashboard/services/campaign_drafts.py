"""The new-campaign page (``/campaigns/new``): who can be chosen, the preview, and sending
exactly what was previewed, once.

**Recipients come from the server only.** Either a selection token the customer list or a
portrait stored (``selections.get_selection``: the user's own, every id checked against the
scope again), or a list the page offers — a status, new customers, a tier, a tier movement,
a 30-day mover list, a classification band or a rule's segment — resolved here to customer ids under the filter
bar's filters by the customer list's own code (``customer_table.scoped_table`` and
``schemes.select_customers``). The browser names a list, never a customer id.

**The preview is kept as a draft under its intent key.** :func:`preview` checks the form,
resolves the recipients, asks ``campaigns.preview_campaign`` for the messages and the
customers who cannot be reached, and keeps the whole request (ids included) for the user in
the shared store under an intent key: a new one, or the page's own key while nothing was sent
with it. :func:`submit` names only that key: the campaign queued is exactly the previewed
one, and the same key again — a double click, a second tab on the same address, a replayed
request — answers "already submitted" with the first campaign. Another user's key is refused
and audited.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import numpy as np
import pandas as pd

from dashboard.analytics.abc import TIERS
from dashboard.analytics.duplicates import shared_addresses
from dashboard.analytics.selection import MOVERS, Selector, count
from dashboard.data import campaigns as data
from dashboard.db import session_scope
from dashboard.errors import AccessDenied, CockpitError, NotFound, ValidationError
from dashboard.filters import AnyFilters, Filters, kept_list_params, list_params
from dashboard.i18n import N_
from dashboard.messaging.channels import channel_configured
from dashboard.messaging.coupons import CouponTerms
from dashboard.messaging.recipients import CHANNELS
from dashboard.models import utcnow
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import campaigns, customer_table, rules, schemes, selections
from dashboard.services import filters as filter_service
from dashboard.services.audit import deny, record
from dashboard.services.campaign_forms import (
    Problem,
    coupon_issues,
    coupon_key,
    form_issues,
    holdout_value,
    message_text,
)

DRAFT = "campaign-draft"
EXAMPLES = 5
UNREACHABLE_SHOWN = 500
SHARED_SHOWN = 50  # pairs of recipients sharing a phone / e-mail shown in the preview
LIST_STATUSES = ("active", "churning", "lost", "never")
LIST_MOVES = ("down", "up")


class FormProblems(ValidationError):
    """The form cannot be previewed yet: ``problems`` say what to change."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("campaign form", details=[p.text.format(**p.params)
                                                   for p in problems])
        self.problems = problems


@dataclass(frozen=True)
class ListChoice:
    """A list the page offers, with how many customers it has under the filters."""

    selector: Selector
    count: int
    scheme_title: str | None = None
    band_label: str | None = None  # a scheme's band, or a rule's segment


@dataclass(frozen=True)
class NewCampaignPage:
    filters: Filters
    today: dt.date
    default_period: str
    selection: selections.Selection | None
    selection_error: CockpitError | None
    customer_name: str | None  # the one customer of a portrait's selection
    choices: list[ListChoice]
    coupons: pd.DataFrame  # list_coupons
    can_create_coupon: bool
    configured: dict[str, bool]
    currency: str
    cap_remaining: int


@dataclass(frozen=True)
class CampaignForm:
    """What the page asks for. ``token``: a stored selection; otherwise ``selector`` (a
    list) under ``filters`` (the filter bar's query: anything with its fields)."""

    token: str | None = None
    selector: Selector | None = None
    filters: AnyFilters | None = None
    coupon_id: Any = None
    channel: Any = None
    language: Any = "en"
    template: Any = ""
    holdout_pct: Any = 0
    name: Any = ""

    def problems(self) -> list[Problem]:
        chosen = bool(self.token) or (self.selector is not None and not self.selector.is_empty)
        return form_issues(has_recipients=chosen, coupon_id=self.coupon_id,
                           channel=self.channel, language=self.language,
                           template=self.template, holdout_pct=self.holdout_pct,
                           name=self.name)


@dataclass(frozen=True)
class DraftPreview:
    intent_key: str
    channel: str
    recipients: int  # every customer chosen
    send_count: int  # messages to send
    holdout_count: int
    unreachable: pd.DataFrame  # customer_id, code, name, reason (at most UNREACHABLE_SHOWN)
    unreachable_count: int
    examples: pd.DataFrame  # code, name, address, message (the first EXAMPLES)
    cap_remaining: int
    channel_missing: bool
    submitted: int | None = None  # the campaign already queued with this key
    description: dict[str, str] = field(default_factory=dict)
    # pairs of recipients with one phone / e-mail (code_a, name_a, code_b, name_b, address,
    # at most SHARED_SHOWN): each would get a coupon
    shared: pd.DataFrame = field(default_factory=pd.DataFrame)
    shared_count: int = 0


# --- the page --------------------------------------------------------------------------------


def _list_choices(runtime: Runtime, actor: Actor, filters: Filters,
                  query: AnyFilters | None) -> list[ListChoice]:
    table = customer_table.scoped_table(runtime, actor, filters)
    plain = [Selector(status=s) for s in LIST_STATUSES] + [Selector(new=True)]
    plain += [Selector(tier=t) for t in TIERS] + [Selector(move=m) for m in LIST_MOVES]
    plain += [Selector(mover=m) for m in MOVERS]
    choices = [ListChoice(s, count(table, s)) for s in plain]
    page = schemes.get_schemes_page(runtime, actor, query)
    for view in page.schemes:  # a handful of schemes and bands
        for band in view.counts.itertuples():
            if int(band.customers) > 0:
                choices.append(ListChoice(Selector(scheme=view.id, band=int(band.band) + 1),
                                          int(band.customers), str(view.record["title"]),
                                          str(band.label)))
    for rule in rules.get_rules(runtime, actor):  # a handful of rules
        record = rule.record
        if "segment" not in (record.get("actions") or [record.get("action")]):
            continue
        selector = Selector(segment=rule.id)
        members = schemes.segment_members(runtime, actor, rule.id)
        found = count(table, selector, None, members)
        if found > 0:
            choices.append(ListChoice(selector, found, str(record["name"]),
                                      str(record["segment"])))
    return choices


def _read_selection(runtime: Runtime, actor: Actor, token: Any) -> tuple[
        selections.Selection | None, CockpitError | None, str | None]:
    if not token:
        return None, None, None
    try:
        chosen = selections.get_selection(runtime, actor, token)
    except (NotFound, AccessDenied) as exc:
        return None, exc, None
    name = None
    if chosen.count == 1:
        with session_scope(runtime.engine) as session:
            found = data.load_recipients(session, actor, chosen.customer_ids)
        name = str(found["name"].iat[0] or found["code"].iat[0]) if len(found) else None
    return chosen, None, name


def get_new_campaign(runtime: Runtime, actor: Actor, filter_query: AnyFilters | None,
                     token: Any = None) -> NewCampaignPage:
    """What ``/campaigns/new`` offers ``actor``: the stored selection (or why it cannot be
    used), else the lists under the filters; the coupons, channels and the daily limit."""
    choices = filter_service.get_filter_choices(runtime, actor)
    filters = filter_service.resolve_filters(runtime, actor, filter_query, choices)
    chosen, problem, name = _read_selection(runtime, actor, token)
    lists = [] if chosen is not None else _list_choices(runtime, actor, filters, filter_query)
    with session_scope(runtime.engine) as session:
        used = data.count_queued_since(session, actor, dt.datetime.combine(
            utcnow().date(), dt.time()))
    return NewCampaignPage(
        filters=filters, today=choices.today, default_period=choices.default_period,
        selection=chosen, selection_error=problem, customer_name=name, choices=lists,
        coupons=campaigns.list_coupons(runtime, actor),
        can_create_coupon=actor.role in ("owner", "manager"),
        configured={c: not channel_configured(runtime.settings, c) for c in CHANNELS},
        currency=str(runtime.settings.currency or "CNY"),
        cap_remaining=max(0, int(runtime.settings.daily_send_cap) - used))


# --- recipients --------------------------------------------------------------------------------


def resolve_recipients(runtime: Runtime, actor: Actor,
                       form: CampaignForm) -> tuple[np.ndarray, dict[str, str]]:
    """The customer ids the form names (sorted) and where they came from, as address
    parameters (``source`` = ``picked``, ``matching``, ``customer`` or ``list``)."""
    if form.token:
        chosen = selections.get_selection(runtime, actor, form.token)
        where = {"source": chosen.source}
        if chosen.source == "matching":
            where.update(kept_list_params(chosen.description))
        return np.asarray(chosen.customer_ids, dtype=np.int64), where
    selector = form.selector or Selector()
    filters = filter_service.resolve_filters(runtime, actor, form.filters)
    table = customer_table.scoped_table(runtime, actor, filters)
    chosen_rows = schemes.select_customers(runtime, actor, table, selector, filters.as_of)
    ids = np.sort(chosen_rows["customer_id"].to_numpy(dtype=np.int64))
    if len(ids) == 0:
        raise FormProblems([Problem("recipients", N_("Nobody is in this list under the "
                                                     "current filters."))])
    return ids, {"source": "list", **list_params(selector, filters)}


# --- preview and submit -----------------------------------------------------------------------


def _draft_key(runtime: Runtime, actor: Actor, intent: Any) -> str:
    """The page's key while it is this user's draft, else a new one."""
    if selections.owned(runtime, DRAFT, actor, intent):
        return str(intent)
    return selections.new_token()


def submitted_with(runtime: Runtime, actor: Actor, intent: Any, *,
                   replay: bool) -> campaigns.QueueResult | None:
    """The campaign ``actor`` already queued with ``intent`` ("already submitted"), or None.
    Another user's key is refused (audited); ``replay`` audits a replayed request."""
    if not selections.valid_token(intent):
        return None
    with session_scope(runtime.engine) as session:
        existing = data.get_campaign_by_intent(session, str(intent))
        if existing is None:
            return None
        if existing.created_by != actor.user_id:
            raise deny(session, actor, object_type="campaign", object_id=existing.id,
                       reason="intent key of another user")
        counts = data.load_status_counts(session, actor, existing.id)
    if replay:
        record(runtime, actor, "campaign.queue", object_type="campaign",
               object_id=existing.id, detail={"replay": True}, outcome="ok")
    return campaigns.QueueResult(existing.id, True, {k: v for k, v in counts.items() if v})


def preview(runtime: Runtime, actor: Actor, form: CampaignForm,
            intent: Any = None) -> DraftPreview:
    """Check the form, show what would be sent to whom (and who cannot be reached), and
    keep it as the user's draft under the returned intent key. Raises :class:`FormProblems`
    with what to change."""
    problems = form.problems()
    if problems:
        raise FormProblems(problems)
    ids, where = resolve_recipients(runtime, actor, form)
    language = str(form.language)
    text = message_text(form.template, language)
    pct = float(holdout_value(form.holdout_pct) or 0.0)
    coupon_id = int(coupon_key(form.coupon_id) or 0)
    shown = campaigns.preview_campaign(runtime, actor, ids.tolist(), coupon_id,
                                       str(form.channel), text, language, pct)
    key = _draft_key(runtime, actor, intent)
    done = submitted_with(runtime, actor, key, replay=False)
    if done is None:
        selections.keep(runtime, DRAFT, actor, key, {
            "ids": ids, "coupon_id": coupon_id, "channel": str(form.channel),
            "template": text, "language": language, "holdout_pct": pct,
            "name": str(form.name or "").strip(), "description": urlencode(where)})
    unreachable = shown.unreachable
    shared = shared_addresses(shown.recipients)
    return DraftPreview(
        intent_key=key, channel=str(form.channel), recipients=len(ids),
        send_count=shown.send_count, holdout_count=shown.holdout_count,
        unreachable=unreachable.head(UNREACHABLE_SHOWN)[["customer_id", "code", "name",
                                                         "reason"]],
        unreachable_count=len(unreachable),
        examples=shown.recipients.head(EXAMPLES)[["code", "name", "address", "message"]],
        cap_remaining=shown.cap_remaining,
        channel_missing=bool(channel_configured(runtime.settings, str(form.channel))),
        submitted=None if done is None else done.campaign_id, description=where,
        shared=shared.head(SHARED_SHOWN), shared_count=len(shared))


def submit(runtime: Runtime, actor: Actor, intent: Any) -> campaigns.QueueResult:
    """Queue the campaign previewed under ``intent`` — or, when it was queued already,
    answer with that campaign (``already_submitted``)."""
    done = submitted_with(runtime, actor, intent, replay=True)
    if done is not None:
        return done
    draft = selections.take(runtime, DRAFT, actor, intent)
    return campaigns.queue_campaign(
        runtime, actor, str(intent), draft["ids"].tolist(), int(draft["coupon_id"]),
        draft["channel"], draft["template"], draft["language"], float(draft["holdout_pct"]),
        name=draft["name"], description=draft["description"])


def save_coupon(runtime: Runtime, actor: Actor, *, name: Any, kind: Any, value: Any,
                min_spend: Any, validity_days: Any, code_pattern: Any) -> int:
    """Keep a new coupon (owners and managers; ``campaigns.create_coupon`` refuses anyone
    else, audited). Raises :class:`FormProblems` with what to change."""
    terms = CouponTerms(kind=str(kind or ""), value=value, min_spend=min_spend or 0,
                        validity_days=validity_days,
                        code_pattern=code_pattern if isinstance(code_pattern, str) else "",
                        name=name if isinstance(name, str) else "")
    problems = coupon_issues(terms, named=True)
    if problems:
        raise FormProblems(problems)
    return campaigns.create_coupon(runtime, actor, terms)


__all__ = ["DRAFT", "CampaignForm", "DraftPreview", "FormProblems", "ListChoice",
           "NewCampaignPage", "get_new_campaign", "preview", "resolve_recipients",
           "save_coupon", "submit",
           "submitted_with"]
