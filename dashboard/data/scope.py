"""SQL filters that apply an :class:`~dashboard.scope.Actor`'s scope to customers."""

from __future__ import annotations

import numpy as np
from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from dashboard.models import Customer, Rep
from dashboard.scope import Actor


def customer_scope_clause(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on :class:`Customer` for the customers ``actor`` may see."""
    kind = actor.scope_kind
    if kind == "all":
        return true()
    if kind == "team":
        return Customer.rep_id.in_(select(Rep.id).where(Rep.team_id == actor.team_id))
    if kind == "rep":
        return Customer.rep_id == actor.rep_id
    if kind == "customer":
        return Customer.id == actor.customer_id
    return false()


def load_scope_customer_ids(session: Session, actor: Actor) -> np.ndarray | None:
    """Ids of every customer ``actor`` may see, sorted; ``None`` means all of them."""
    if actor.scope_kind == "all":
        return None
    ids = session.execute(
        select(Customer.id).where(customer_scope_clause(actor)).order_by(Customer.id)
    ).scalars().all()
    return np.asarray(ids, dtype="int64")
