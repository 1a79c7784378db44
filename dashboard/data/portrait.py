"""Readers behind the customer portrait: identity and contact details, monthly targets and
the products bought in a window (SQL only; never commits). Each reads any number of customers
in one query (``*_of``: a batch of reports); the one-customer readers are those with one id."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.models import Customer, Order, OrderLine, Product, Rep, Target

MIX_COLUMNS = ["sku", "product", "category", "revenue", "quantity", "orders"]


@dataclass(frozen=True)
class CustomerRecord:
    customer_id: int
    code: str
    name: str
    customer_type: str
    region: str | None
    rep_id: int | None
    account_manager: str | None
    phone: str | None
    email: str | None
    created_date: dt.date | None


def _ids(customer_ids: Sequence[int]) -> list[int]:
    return sorted({int(c) for c in customer_ids})


def load_customer_records(session: Session, customer_ids: Sequence[int]
                          ) -> dict[int, CustomerRecord]:
    """The records of ``customer_ids`` (at most a few thousand) by id; unknown ids left out."""
    rows = session.execute(
        select(Customer.id, Customer.code, Customer.name, Customer.customer_type,
               Customer.region, Customer.rep_id, Rep.name, Customer.phone, Customer.email,
               Customer.created_date)
        .join(Rep, Rep.id == Customer.rep_id, isouter=True)
        .where(Customer.id.in_(_ids(customer_ids)))
    ).all()
    return {int(r[0]): CustomerRecord(*r) for r in rows}


def get_customer_record(session: Session, customer_id: int) -> CustomerRecord | None:
    return load_customer_records(session, [customer_id]).get(int(customer_id))


def load_targets_of(session: Session, customer_ids: Sequence[int], first_month: dt.date,
                    last_month: dt.date) -> pd.DataFrame:
    """``customer_id``, ``month`` (first day) and ``amount`` of the customers' targets in
    those months, by customer and month."""
    rows = session.execute(
        select(Target.customer_id, Target.month, Target.amount)
        .where(Target.customer_id.in_(_ids(customer_ids)), Target.month >= first_month,
               Target.month <= last_month)
        .order_by(Target.customer_id, Target.month)
    ).all()
    frame = pd.DataFrame.from_records([tuple(r) for r in rows],
                                      columns=["customer_id", "month", "amount"])
    return frame.assign(customer_id=frame["customer_id"].astype("int64"),
                        month=pd.to_datetime(frame["month"]),
                        amount=frame["amount"].astype("float64"))


def load_targets(session: Session, customer_id: int, first_month: dt.date,
                 last_month: dt.date) -> pd.DataFrame:
    """``month`` (first day) and ``amount`` of the customer's targets in those months."""
    return load_targets_of(session, [customer_id], first_month, last_month).drop(
        columns=["customer_id"])


def load_product_mixes(session: Session, customer_ids: Sequence[int], first_day: dt.date,
                       last_day: dt.date) -> pd.DataFrame:
    """``customer_id`` and, per product each customer bought (or returned) from
    ``first_day`` to ``last_day``: revenue net of returns, quantity and the number of orders
    (``MIX_COLUMNS``), by customer and SKU. Order-level rows (no product) are left out."""
    rows = session.execute(
        select(Order.customer_id, Product.sku, Product.name, Product.category,
               func.sum(OrderLine.amount), func.sum(OrderLine.quantity),
               func.count(func.distinct(Order.id)))
        .select_from(Order)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(Product, Product.id == OrderLine.product_id)
        .where(Order.customer_id.in_(_ids(customer_ids)), Order.order_date >= first_day,
               Order.order_date <= last_day)
        .group_by(Order.customer_id, Product.sku, Product.name, Product.category)
        .order_by(Order.customer_id, Product.sku)
    ).all()
    frame = pd.DataFrame.from_records([tuple(r) for r in rows],
                                      columns=["customer_id", *MIX_COLUMNS])
    return frame.assign(customer_id=frame["customer_id"].astype("int64"),
                        revenue=frame["revenue"].astype("float64"),
                        quantity=frame["quantity"].astype("float64"),
                        orders=frame["orders"].astype("int64"))


def load_product_mix(session: Session, customer_id: int, first_day: dt.date,
                     last_day: dt.date) -> pd.DataFrame:
    """One row per product the customer bought (or returned) from ``first_day`` to
    ``last_day`` (``MIX_COLUMNS``, by SKU)."""
    return load_product_mixes(session, [customer_id], first_day, last_day).drop(
        columns=["customer_id"]).reset_index(drop=True)


__all__ = ["MIX_COLUMNS", "CustomerRecord", "get_customer_record", "load_customer_records",
           "load_product_mix", "load_product_mixes", "load_targets", "load_targets_of"]
