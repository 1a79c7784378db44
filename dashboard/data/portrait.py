"""Readers behind one customer's portrait: identity and contact details, monthly targets and
the products bought in a window (SQL only, one customer at a time; never commits)."""

from __future__ import annotations

import datetime as dt
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


def get_customer_record(session: Session, customer_id: int) -> CustomerRecord | None:
    row = session.execute(
        select(Customer.id, Customer.code, Customer.name, Customer.customer_type,
               Customer.region, Customer.rep_id, Rep.name, Customer.phone, Customer.email,
               Customer.created_date)
        .join(Rep, Rep.id == Customer.rep_id, isouter=True)
        .where(Customer.id == customer_id)
    ).first()
    return None if row is None else CustomerRecord(*row)


def load_targets(session: Session, customer_id: int, first_month: dt.date,
                 last_month: dt.date) -> pd.DataFrame:
    """``month`` (first day) and ``amount`` of the customer's targets in those months."""
    rows = session.execute(
        select(Target.month, Target.amount)
        .where(Target.customer_id == customer_id, Target.month >= first_month,
               Target.month <= last_month)
        .order_by(Target.month)
    ).all()
    frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=["month", "amount"])
    return frame.assign(month=pd.to_datetime(frame["month"]),
                        amount=frame["amount"].astype("float64"))


def load_product_mix(session: Session, customer_id: int, first_day: dt.date,
                     last_day: dt.date) -> pd.DataFrame:
    """One row per product the customer bought (or returned) from ``first_day`` to
    ``last_day``: revenue net of returns, quantity and the number of orders. Order-level
    rows (no product) are left out."""
    rows = session.execute(
        select(Product.sku, Product.name, Product.category, func.sum(OrderLine.amount),
               func.sum(OrderLine.quantity), func.count(func.distinct(Order.id)))
        .select_from(Order)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(Product, Product.id == OrderLine.product_id)
        .where(Order.customer_id == customer_id, Order.order_date >= first_day,
               Order.order_date <= last_day)
        .group_by(Product.sku, Product.name, Product.category)
    ).all()
    frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=MIX_COLUMNS)
    return frame.assign(revenue=frame["revenue"].astype("float64"),
                        quantity=frame["quantity"].astype("float64"),
                        orders=frame["orders"].astype("int64"))


__all__ = ["MIX_COLUMNS", "CustomerRecord", "get_customer_record", "load_product_mix",
           "load_targets"]
