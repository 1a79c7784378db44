"""Readers behind discovery and cross-sell: which customer bought which product in a window,
and the product catalogue (SQL only; never commits).

The heavy reduction (order lines to one row per customer and product) happens in the
database; only those pairs come into pandas.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from dashboard.data.fast import read_frame
from dashboard.data.sales import day_number
from dashboard.models import Order, OrderLine, Product

_PAIR_DTYPES = {"customer_id": "int64", "product_id": "int64", "last_day": "int64",
                "orders": "int64", "revenue": "float64", "costed_revenue": "float64",
                "cost": "float64"}
_PRODUCT_DTYPES = {"product_id": "int64", "sku": "object", "name": "object",
                   "category": "object", "tags": "object"}


def load_product_pairs(session: Session, first_day: dt.date, last_day: dt.date) -> pd.DataFrame:
    """One row per (customer, product) bought from ``first_day`` to ``last_day`` (inclusive):
    ``last_day`` of purchase (days since 1970-01-01), the number of orders, revenue, and the
    revenue and cost of the lines whose unit cost is known (line cost, else the product's).
    Returned goods (quantity ≤ 0), order-level rows and walk-in sales are left out."""
    unit_cost = func.coalesce(OrderLine.unit_cost, Product.unit_cost)
    known = unit_cost.is_not(None)
    stmt = (
        select(Order.customer_id, OrderLine.product_id,
               func.max(day_number(session, Order.order_date)),
               func.count(func.distinct(Order.id)), func.sum(OrderLine.amount),
               func.coalesce(func.sum(case((known, OrderLine.amount), else_=0)), 0),
               func.coalesce(func.sum(case((known, OrderLine.quantity * unit_cost),
                                           else_=0)), 0))
        .select_from(Order)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(Product, Product.id == OrderLine.product_id)
        .where(Order.customer_id.is_not(None), Order.order_date >= first_day,
               Order.order_date <= last_day, OrderLine.quantity > 0)
        .group_by(Order.customer_id, OrderLine.product_id)
    )
    return read_frame(session, stmt, _PAIR_DTYPES)


def load_products(session: Session) -> pd.DataFrame:
    """Every product: id, code (sku), name, category and comma-separated tags."""
    stmt = select(Product.id, Product.sku, Product.name, Product.category, Product.tags)
    return read_frame(session, stmt.order_by(Product.id), _PRODUCT_DTYPES)


__all__ = ["load_product_pairs", "load_products"]
