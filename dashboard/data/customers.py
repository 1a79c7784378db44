"""Readers behind the customer lists: contact details, open invoices, the last visit, call
and coupon per customer, and the stamp that says when contacts changed (SQL only; never
commits)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import String, and_, case, func, select
from sqlalchemy.orm import Session

from dashboard.data.fast import read_frame
from dashboard.models import Customer, Invoice, Outbox, Payment, Visit

OPEN_INVOICE_COLUMNS = ["invoice_id", "customer_id", "issue_date", "due_date", "amount",
                        "paid"]
LAST_CONTACT_COLUMNS = ["customer_id", "last_visit", "last_call", "last_coupon"]
HALF_CENT = 0.005


def load_contact_details(session: Session) -> pd.DataFrame:
    """``customer_id``, ``phone``, ``email`` of every customer."""
    frame = read_frame(session, select(Customer.id, Customer.phone, Customer.email)
                       .order_by(Customer.id),
                       {"customer_id": "int64", "phone": "object", "email": "object"})
    return frame.astype({"phone": "string", "email": "string"})


def _chosen(customer_id: int | None, customer_ids: Sequence[int] | None) -> list[int] | None:
    if customer_ids is not None:
        return sorted({int(c) for c in customer_ids})
    return None if customer_id is None else [int(customer_id)]


def load_open_invoices(session: Session, as_of: dt.date, customer_id: int | None = None, *,
                       customer_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Invoices issued on or before ``as_of`` that are not settled by then, with what was paid
    on them up to ``as_of`` (``paid``): the receivables figures need nothing else. Every
    customer's, or only those of ``customer_id`` / ``customer_ids``."""
    paid = func.coalesce(
        select(func.sum(Payment.amount))
        .where(Payment.invoice_id == Invoice.id, Payment.paid_date <= as_of)
        .correlate(Invoice).scalar_subquery(), 0)
    query = (select(Invoice.id, Invoice.customer_id, Invoice.issue_date, Invoice.due_date,
                    Invoice.amount, paid)
             .where(Invoice.issue_date <= as_of, func.abs(Invoice.amount - paid) >= HALF_CENT))
    chosen = _chosen(customer_id, customer_ids)
    if chosen is not None:
        query = query.where(Invoice.customer_id.in_(chosen))
    # Sorted here, not in SQL: an ORDER BY makes SQLite walk the invoices by customer
    # through an index, three times slower than reading the table through.
    rows = session.execute(query).all()
    frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=OPEN_INVOICE_COLUMNS)
    return frame.assign(
        invoice_id=frame["invoice_id"].astype("int64"),
        customer_id=frame["customer_id"].astype("int64"),
        issue_date=pd.to_datetime(frame["issue_date"]).astype("datetime64[ns]"),
        due_date=pd.to_datetime(frame["due_date"]).astype("datetime64[ns]"),
        amount=frame["amount"].astype("float64"),
        paid=frame["paid"].astype("float64"),
    ).sort_values(["customer_id", "due_date", "invoice_id"], kind="stable").reset_index(
        drop=True)


def _day_after(as_of: dt.date) -> dt.datetime:
    return dt.datetime.combine(as_of + dt.timedelta(days=1), dt.time())


def load_last_contacts(session: Session, as_of: dt.date, customer_id: int | None = None, *,
                       customer_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Per customer (every one, or ``customer_id`` / ``customer_ids``), on or before
    ``as_of``: the last visit, the last call, and the last coupon sent (a delivered campaign
    message carrying a coupon code; holdout rows carry none). Customers with none of the
    three are left out."""
    until = _day_after(as_of)
    chosen = _chosen(customer_id, customer_ids)
    # Grouped by ``customer_id + 0``: SQLite would otherwise walk the (customer, time) index
    # and look up every row's kind, about twice as slow as reading the table through.
    customer = Visit.customer_id if chosen is not None else Visit.customer_id + 0
    visits = (select(customer,
                     func.max(case((Visit.kind == "visit", Visit.happened_at)), type_=String),
                     func.max(case((Visit.kind == "call", Visit.happened_at)), type_=String))
              .where(Visit.happened_at < until).group_by(customer))
    coupons = (select(Outbox.customer_id, func.max(Outbox.sent_at, type_=String))
               .where(Outbox.status == "sent", Outbox.coupon_code.is_not(None),
                      Outbox.is_holdout.is_(False), Outbox.sent_at < until)
               .group_by(Outbox.customer_id))
    if chosen is not None:
        visits = visits.where(Visit.customer_id.in_(chosen))
        coupons = coupons.where(Outbox.customer_id.in_(chosen))
    if chosen is None:
        # Read straight into columns (dashboard.data.fast): the statement holds only our own
        # values (a date the server resolved).
        seen = read_frame(session, visits, {"customer_id": "int64", "last_visit": "object",
                                            "last_call": "object"})
        sent = read_frame(session, coupons, {"customer_id": "int64", "last_coupon": "object"})
        merged = seen.merge(sent, on="customer_id", how="outer")
    else:  # a few customers (a portrait): a row each at most, joined as rows
        found: dict[int, list[Any]] = {}
        for customer, visit, call in session.execute(visits):
            found[int(customer)] = [visit, call, None]
        for customer, coupon in session.execute(coupons):
            found.setdefault(int(customer), [None, None, None])[2] = coupon
        merged = pd.DataFrame([(c, *when) for c, when in found.items()],
                              columns=LAST_CONTACT_COLUMNS)
    return merged.assign(
        customer_id=merged["customer_id"].astype("int64"),
        **{c: pd.to_datetime(merged[c].astype(object), format="ISO8601").astype(
            "datetime64[ns]") for c in ("last_visit", "last_call", "last_coupon")},
    )[LAST_CONTACT_COLUMNS].sort_values("customer_id").reset_index(drop=True)


def get_contact_stamp(session: Session) -> tuple[int, int]:
    """(latest visit or call id, latest campaign message id): they change with every call,
    visit and campaign recorded."""
    row = session.execute(select(
        select(func.max(Visit.id)).scalar_subquery(),
        select(func.max(Outbox.id)).scalar_subquery())).one()
    return int(row[0] or 0), int(row[1] or 0)


def get_customer_names(session: Session, customer_ids: list[int]) -> pd.DataFrame:
    """``customer_id``, ``code``, ``name`` of the given customers (any order)."""
    if not customer_ids:
        return pd.DataFrame({"customer_id": [], "code": [], "name": []})
    rows = session.execute(select(Customer.id, Customer.code, Customer.name)
                           .where(and_(Customer.id.in_(sorted(set(customer_ids))[:1000]))))
    return pd.DataFrame.from_records([tuple(r) for r in rows],
                                     columns=["customer_id", "code", "name"])


__all__ = ["LAST_CONTACT_COLUMNS", "OPEN_INVOICE_COLUMNS", "get_contact_stamp",
           "get_customer_names", "load_contact_details", "load_last_contacts",
           "load_open_invoices"]
