"""One customer's portrait (客户画像) at ``/customer/<code>``: everything the page shows, in one
call.

``get_portrait(runtime, actor, code, query)`` checks the customer against the actor's scope
first (``authorise_customer``: an unknown customer and one outside the scope are refused in
the same words, and audited), then reads the figures of the customer table for the page's
as-of date and period (``figures.customer_table``: cached, never recomputed here) and of the
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
from dataclasses import dataclass
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
from dashboard.data import customers as list_data
from dashboard.data import portrait as data
from dashboard.data.sales import load_customer_days
from dashboard.db import session_scope
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import campaigns, contacts, figures, selections
from dashboard.services import filters as filter_service
from dashboard.services.access import authorise_customer, customer_key
from dashboard.services.figures import Filters

log = logging.getLogger(__name__)
PREFERENCE_DAYS = 365
TIMELINE_ITEMS = 60
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
    risk_bands: tuple[float, float]  # the risk scores where churning and lost begin
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

    @property
    def customer_id(self) -> int:
        return self.record.customer_id


def _row(table: pd.DataFrame, customer_id: int) -> dict[str, Any] | None:
    found = table.loc[table["customer_id"].to_numpy() == customer_id]
    return None if found.empty else found.iloc[0].to_dict()


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


def _history(runtime: Runtime, actor: Actor, customer_id: int) -> pd.DataFrame | None:
    try:
        history = importlib.import_module("dashboard.services.history")
    except ImportError:
        return None
    try:
        return history.get_customer_history(runtime, actor, customer_id)
    except Exception:  # a secondary card must not take the portrait down with it
        log.exception("risk history of customer %s failed", customer_id)
        return None


def _own_rows(runtime: Runtime, customer_id: int, as_of: dt.date) -> dict[str, Any]:
    first_month = (pd.Timestamp(as_of).to_period("M") - 35).to_timestamp().date()
    with session_scope(runtime.engine) as session:
        record = data.get_customer_record(session, customer_id)
        days = load_customer_days(session, [customer_id])
        targets = data.load_targets(session, customer_id, first_month, as_of)
        mix = data.load_product_mix(session, customer_id,
                                    as_of - dt.timedelta(days=PREFERENCE_DAYS - 1), as_of)
        invoices = list_data.load_open_invoices(session, as_of, customer_id)
        seen = list_data.load_last_contacts(session, as_of, customer_id)
    return {"record": record, "days": days, "targets": targets, "mix": mix,
            "invoices": invoices, "seen": seen}


def _last_contacts(seen: pd.DataFrame, row: dict[str, Any] | None) -> dict[str, Any]:
    first = seen.iloc[0].to_dict() if len(seen) else {}
    found = {k: first.get(k) for k in ("last_visit", "last_call", "last_coupon")}
    found = {k: (None if v is None or pd.isna(v) else pd.Timestamp(v).to_pydatetime())
             for k, v in found.items()}
    last_order = (row or {}).get("last_order_date")
    found["last_order"] = None if last_order is None or pd.isna(last_order) else (
        pd.Timestamp(last_order).date())
    return found


def get_portrait(runtime: Runtime, actor: Actor, customer: Any, query: Any) -> Portrait:
    """The portrait of ``customer`` (a code from the address, or an id) as of the filters
    ``query`` asks for; ``AccessDenied`` (audited) for an unknown customer or one outside
    the actor's scope."""
    with session_scope(runtime.engine) as session:
        customer_id = authorise_customer(session, actor, customer_key(customer))
    choices = filter_service.get_filter_choices(runtime, actor)
    filters = filter_service.resolve_filters(runtime, actor, query, choices)
    rules = figures.figure_settings(runtime)
    row = _row(figures.customer_table(runtime, filters.as_of, filters.period), customer_id)
    yearly = _row(figures.customer_table(runtime, filters.as_of, "365d"), customer_id)
    own = _own_rows(runtime, customer_id, filters.as_of)
    categories, products = preferences(own["mix"])
    pattern = weekday_pattern(own["days"], filters.as_of)
    return Portrait(
        record=own["record"], filters=filters,
        period=period_bounds(filters.as_of, filters.period), today=choices.today,
        default_period=choices.default_period,
        currency=str(runtime.settings.currency or "CNY"), horizon_days=int(rules.horizon_days),
        risk_bands=(float(rules.risk_churning), float(rules.risk_lost)),
        figures=row, behaviour=yearly,
        monthly=monthly_revenue(own["days"], filters.as_of, targets=own["targets"]),
        gaps=gap_histogram(purchase_gaps(own["days"], filters.as_of)), weekdays=pattern,
        usual_weekday=usual_weekday(pattern), categories=categories, products=products,
        money=_money(own["invoices"], filters.as_of),
        last_contacts=_last_contacts(own["seen"], row),
        campaigns=campaigns.get_customer_campaigns(runtime, actor, customer_id),
        timeline=contacts.get_customer_timeline(runtime, actor, customer_id,
                                                limit=TIMELINE_ITEMS),
        history=_history(runtime, actor, customer_id),
        coupon_token=selections.store_customers(runtime, actor, customer_id),
    )


def usual_gap(portrait: Portrait) -> float | None:
    """The usual gap between purchase days (the table's ``mean_gap_days``)."""
    value = (portrait.figures or {}).get("mean_gap_days")
    return None if value is None or pd.isna(value) else float(value)


def has_orders(portrait: Portrait) -> bool:
    return bool(np.asarray(portrait.monthly["orders"]).sum() > 0) or bool(
        (portrait.figures or {}).get("purchase_days", 0))


__all__ = ["Money", "Portrait", "get_portrait", "has_orders", "usual_gap"]
