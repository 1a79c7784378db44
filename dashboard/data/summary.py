"""Row counts of the main tables."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dashboard.models import Customer, Order, OrderLine, Product


def load_counts(session: Session) -> dict[str, int]:
    tables = {"Customers": Customer, "Products": Product, "Orders": Order, "Order lines": OrderLine}
    return {
        label: int(session.execute(select(func.count()).select_from(model)).scalar_one())
        for label, model in tables.items()
    }
