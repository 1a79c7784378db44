"""A customer's own page at ``/my`` (SPEC "Customer sign-in"; seed 001 "Sales Summary & Product
Discovery"): their purchases by month and by category and their target progress, read-only.

Only a user of role ``customer`` bound to a customer record gets a page, and only of that
record: the customer comes from the server-side session (``Actor.customer_id``), never from
the browser, and is checked against the actor's scope (their own record only) like any
other customer read. Anyone else is refused and audited. The as-of date is the server's
day: nothing after it counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard.analytics.portrait import monthly_revenue, preferences
from dashboard.analytics.targets import monthly_actuals, monthly_report, summary, window
from dashboard.data import portrait as data
from dashboard.data.sales import load_customer_days
from dashboard.db import session_scope
from dashboard.errors import NotFound
from dashboard.filters import MY_PATH
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import filters as filter_service
from dashboard.services import suggestions as suggestion_service
from dashboard.services.access import authorise_customer
from dashboard.services.audit import deny

MONTHS = 12
CATEGORY_DAYS = 365
TOP_CATEGORIES = 10
SUGGESTIONS_SHOWN = 8


@dataclass(frozen=True)
class MyAccount:
    record: data.CustomerRecord
    as_of: dt.date
    currency: str
    monthly: pd.DataFrame  # monthly_revenue: month, revenue, orders, revenue_last_year, target
    categories: pd.DataFrame  # preferences: category, revenue, products, share_pct
    targets: pd.DataFrame  # monthly_report rows of this customer (empty: no targets)
    target_summary: dict[str, Any] | None  # summary row (None: no target in the window)
    suggestions: pd.DataFrame  # rank, kind, sku, name, category (the portrait's order)

    @property
    def revenue_12m(self) -> float:
        return round(float(self.monthly["revenue"].sum()), 2)

    @property
    def orders_12m(self) -> int:
        return int(self.monthly["orders"].sum())


def _customer_id(session, actor: Actor) -> int:  # noqa: ANN001
    """The actor's own customer. Staff have no page here (not found: there is nothing of
    theirs to protect); a customer user without a customer is refused (audited)."""
    if actor.role != "customer":
        raise NotFound(f"role {actor.role or 'none'} has no customer page")
    if actor.customer_id is None:
        raise deny(session, actor, object_type="page", object_id=MY_PATH,
                   reason="customer sign-in without a customer")
    return authorise_customer(session, actor, int(actor.customer_id))


def get_my_account(runtime: Runtime, actor: Actor) -> MyAccount:
    """The signed-in customer's page as of today; ``NotFound`` for staff, ``AccessDenied``
    (audited) for a customer user bound to no customer."""
    as_of = filter_service.today(runtime)
    first_month = window(as_of, MONTHS)[0]
    with session_scope(runtime.engine) as session:
        customer_id = _customer_id(session, actor)
        record = data.get_customer_record(session, customer_id)
        days = load_customer_days(session, [customer_id])
        targets = data.load_targets(session, customer_id, first_month, as_of)
        mix = data.load_product_mix(session, customer_id,
                                    as_of - dt.timedelta(days=CATEGORY_DAYS - 1), as_of)
    report = monthly_report(monthly_actuals(days, as_of, MONTHS),
                            targets.assign(customer_id=customer_id), as_of, MONTHS)
    totals = summary(report)
    categories, _products = preferences(mix, top=TOP_CATEGORIES)
    found = suggestion_service.customer_suggestions(runtime, customer_id, as_of)
    return MyAccount(
        record=record, as_of=as_of, currency=str(runtime.settings.currency or "CNY"),
        monthly=monthly_revenue(days, as_of, months=MONTHS, targets=targets),
        categories=categories, targets=report,
        target_summary=totals.iloc[0].to_dict() if len(totals) else None,
        # the staff's reasons name peer counts and rule figures: the customer sees products
        suggestions=found.items[["rank", "kind", "sku", "name", "category"]].head(
            SUGGESTIONS_SHOWN))


__all__ = ["MyAccount", "get_my_account"]
