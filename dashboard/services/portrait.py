"""One customer's portrait (客户画像) at ``/customer/<code>``: everything the page shows, in one
call.

``get_portrait(runtime, actor, code, query)`` checks the customer against the actor's scope
first (``authorise_customer``: an unknown customer and one outside the scope are refused in
the same words, and audited), then reads the figures of the customer table for the page's
as-of date and period (``customer_table.customer_table``: cached, never recomputed here) and of the
365-day table for the buying behaviour, and queries only this customer's rows: their days,
targets, products bought in the last year, open invoices, last visit, call and coupon, the
campaigns they were part of and the merged timeline. The coupon action gets a selection
token of this one customer (``selections``), the campaign pages' entry point.

The risk history comes from ``dashboard.services.history`` when it is installed; the page
says so when it is not.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics.periods import Period, period_bounds
from dashboard.analytics.portrait import (
    gap_histogram,
    monthly_revenue,
    preferences,
    purchase_gaps,
    usual_weekday,
    weekday_pattern,
)
from dashboard.analytics.receivables import invoice_balances, summarise
from dashboard.analytics.table import rows_of
from dashboard.data import customers as list_data
from dashboard.data import portrait as data
from dashboard.data.access import load_customer_ids_in_scope
from dashboard.data.sales import load_customer_days
from dashboard.db import session_scope
from dashboard.filters import AnyFilters, Filters
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import (
    campaigns,
    classifications,
    contacts,
    customer_table,
    selections,
    suggestions,
)
from dashboard.services import filters as filter_service
from dashboard.services.access import authorise_customer, customer_key

log = logging.getLogger(__name__)
PREFERENCE_DAYS = 365
# the newest entries of the timeline card: each is six components, and Dash's renderer
# draws a page in time growing with the square of its components (decision 230)
TIMELINE_ITEMS = 25
TOP_INVOICES = 8


@dataclass(frozen=True)
class Money:
    receivable: float
    overdue: float
    buckets: dict[str, float]  # overdue_1_30 ... overdue_over_90
    open_invoices: pd.DataFrame  # the oldest open invoices (invoice_balances columns)
    open_count: int


@dataclass(frozen=True)
class Portrait:
    record: data.CustomerRecord
    filters: Filters
    period: Period
    today: dt.date
    default_period: str
    currency: str
    horizon_days: int
    risk_bands: tuple[float, float]  # where churning and lost begin (see status_rule)
    figures: dict[str, Any] | None  # the customer table's row (None: no record yet then)
    behaviour: dict[str, Any] | None  # the 365-day table's row
    monthly: pd.DataFrame
    gaps: pd.DataFrame
    weekdays: pd.DataFrame
    usual_weekday: int | None
    categories: pd.DataFrame
    products: pd.DataFrame
    money: Money
    last_contacts: dict[str, Any]
    campaigns: pd.DataFrame
    timeline: pd.DataFrame
    history: pd.DataFrame | None  # None: the history service is not available
    coupon_token: str
    suggestions: Any = None  # suggestions.CustomerSuggestions (None: none could be made)
    badges: tuple[dict[str, Any], ...] = ()  # bands and segments (classifications.badges_for)
    # "churn": risk_bands are the churn probabilities where churning and lost begin and the
    # portrait draws the chance of stopping; "risk": they are risk scores
    status_rule: str = "churn"

    @property
    def customer_id(self) -> int:
        return self.record.customer_id


def _money(invoices: pd.DataFrame, as_of: dt.date) -> Money:
    balances = invoice_balances(invoices, as_of)
    totals = summarise(balances)
    first = totals.iloc[0].to_dict() if len(totals) else {}
    open_ones = balances.loc[balances["balance"] > 0].sort_values(
        ["due_date", "invoice_id"], kind="stable")
    buckets = ("overdue_1_30", "overdue_31_60", "overdue_61_90", "overdue_over_90")
    return Money(receivable=float(first.get("receivable", 0.0)),
                 overdue=float(first.get("overdue", 0.0)),
                 buckets={b: float(first.get(b, 0.0)) for b in buckets},
                 open_invoices=open_ones.head(TOP_INVOICES).reset_index(drop=True),
                 open_count=len(open_ones))


def _histories(runtime: Runtime, actor: Actor, ids: list[int]) -> dict[int, pd.DataFrame]:
    """The risk histories (``dashboard.services.history``); none when it is not installed or
    fails: a secondary card must not take the portrait down with it."""
    try:
        history = importlib.import_module("dashboard.services.history")
    except ImportError:
        return {}
    try:
        return history.get_customer_histories(runtime, actor, ids)
    except Exception:
        log.exception("risk history of customers %s failed", ids[:10])
        return {}


def _split(frame: pd.DataFrame, ids: list[int], *, keep_id: bool = False
           ) -> dict[int, pd.DataFrame]:
    """``frame`` (with ``customer_id``, read for ``ids`` only) cut into one frame per customer,
    without the column unless ``keep_id``. A portrait reads one customer: their frame is the
    whole of it, and grouping a few rows costs more than reading them (decision 246)."""
    if len(ids) == 1:
        parts = {ids[0]: frame}
    else:
        groups = dict(tuple(frame.groupby("customer_id", sort=False)))
        parts = {cid: groups.get(cid, frame.iloc[:0]) for cid in ids}
    return {cid: (part if keep_id else part.drop(columns=["customer_id"])).reset_index(drop=True)
            for cid, part in parts.items()}


def _own_rows(runtime: Runtime, ids: list[int], as_of: dt.date) -> dict[int, dict[str, Any]]:
    """Each customer's own rows, read in one query per kind whatever their number."""
    first_month = (pd.Timestamp(as_of).to_period("M") - 35).to_timestamp().date()
    with session_scope(runtime.engine) as session:
        records = data.load_customer_records(session, ids)
        days = load_customer_days(session, ids)
        targets = data.load_targets_of(session, ids, first_month, as_of)
        mix = data.load_product_mixes(session, ids,
                                      as_of - dt.timedelta(days=PREFERENCE_DAYS - 1), as_of)
        invoices = list_data.load_open_invoices(session, as_of, customer_ids=ids)
        seen = list_data.load_last_contacts(session, as_of, customer_ids=ids)
    kinds = {"targets": _split(targets, ids), "mix": _split(mix, ids),
             "days": _split(days, ids, keep_id=True),
             "invoices": _split(invoices, ids, keep_id=True),
             "seen": _split(seen, ids, keep_id=True)}
    return {cid: {"record": records.get(cid), **{kind: parts[cid] for kind, parts in kinds.items()}}
            for cid in ids}


def _last_contacts(seen: pd.DataFrame, row: dict[str, Any] | None) -> dict[str, Any]:
    first = seen.iloc[0].to_dict() if len(seen) else {}
    found = {k: first.get(k) for k in ("last_visit", "last_call", "last_coupon")}
    found = {k: (None if v is None or pd.isna(v) else pd.Timestamp(v).to_pydatetime())
             for k, v in found.items()}
    last_order = (row or {}).get("last_order_date")
    found["last_order"] = None if last_order is None or pd.isna(last_order) else (
        pd.Timestamp(last_order).date())
    return found


def _portraits(runtime: Runtime, actor: Actor, ids: list[int], filters: Filters,
               choices: Any) -> list[Portrait]:
    """The portraits of ``ids`` (authorised by the caller), in that order: every table read
    once for all of them, so a batch of reports costs about as many queries as one."""
    rules = customer_table.figure_settings(runtime)
    rows = rows_of(customer_table.customer_table(runtime, filters.as_of, filters.period), ids)
    yearly = rows_of(customer_table.customer_table(runtime, filters.as_of, "365d"), ids)
    own = _own_rows(runtime, ids, filters.as_of)
    sends = campaigns.get_customers_campaigns(runtime, actor, ids)
    timelines = contacts.get_customer_timelines(runtime, actor, ids, limit=TIMELINE_ITEMS)
    histories = _histories(runtime, actor, ids)
    badges = classifications.badges_for(runtime, actor, filters.as_of, ids)
    found = []
    for cid in ids:
        mine, row = own[cid], rows.get(cid)
        categories, products = preferences(mine["mix"])
        pattern = weekday_pattern(mine["days"], filters.as_of)
        found.append(Portrait(
            record=mine["record"], filters=filters,
            period=period_bounds(filters.as_of, filters.period), today=choices.today,
            default_period=choices.default_period,
            currency=str(runtime.settings.currency or "CNY"),
            horizon_days=int(rules.horizon_days),
            risk_bands=((float(rules.churning_p), float(rules.lost_p))
                        if rules.status_rule == "churn"
                        else (float(rules.risk_churning), float(rules.risk_lost))),
            status_rule=rules.status_rule,
            figures=row, behaviour=yearly.get(cid),
            monthly=monthly_revenue(mine["days"], filters.as_of, targets=mine["targets"]),
            gaps=gap_histogram(purchase_gaps(mine["days"], filters.as_of)), weekdays=pattern,
            usual_weekday=usual_weekday(pattern), categories=categories, products=products,
            money=_money(mine["invoices"], filters.as_of),
            last_contacts=_last_contacts(mine["seen"], row),
            campaigns=sends[cid], timeline=timelines[cid], history=histories.get(cid),
            coupon_token="", badges=tuple(badges.get(cid, ())),
            suggestions=suggestions.customer_suggestions(runtime, cid, filters.as_of)))
    return found


def get_portrait(runtime: Runtime, actor: Actor, customer: Any,
                 query: AnyFilters | None) -> Portrait:
    """The portrait of ``customer`` (a code from the address, or an id) as of the filters
    ``query`` asks for; ``AccessDenied`` (audited) for an unknown customer or one outside
    the actor's scope."""
    with session_scope(runtime.engine) as session:
        customer_id = authorise_customer(session, actor, customer_key(customer))
    choices = filter_service.get_filter_choices(runtime, actor)
    filters = filter_service.resolve_filters(runtime, actor, query, choices)
    found = _portraits(runtime, actor, [customer_id], filters, choices)[0]
    return replace(found, coupon_token=selections.store_customers(runtime, actor, customer_id))


def get_portraits(runtime: Runtime, actor: Actor, customer_ids: Sequence[int],
                  query: AnyFilters | None) -> list[Portrait]:
    """The portraits of ``customer_ids`` (a batch of reports), in that order, as
    :func:`get_portrait` builds them but read in one query per table; customers outside the
    actor's scope are left out. They carry no coupon token (paper has no button)."""
    choices = filter_service.get_filter_choices(runtime, actor)
    filters = filter_service.resolve_filters(runtime, actor, query, choices)
    with session_scope(runtime.engine) as session:
        allowed = load_customer_ids_in_scope(session, actor, customer_ids)
    ids = list(dict.fromkeys(int(c) for c in customer_ids if int(c) in allowed))
    return _portraits(runtime, actor, ids, filters, choices) if ids else []


def usual_gap(portrait: Portrait) -> float | None:
    """The usual gap between purchase days (the table's ``mean_gap_days``)."""
    value = (portrait.figures or {}).get("mean_gap_days")
    return None if value is None or pd.isna(value) else float(value)


def has_orders(portrait: Portrait) -> bool:
    return bool(np.asarray(portrait.monthly["orders"]).sum() > 0) or bool(
        (portrait.figures or {}).get("purchase_days", 0))


__all__ = ["Money", "Portrait", "get_portrait", "get_portraits", "has_orders", "usual_gap"]
