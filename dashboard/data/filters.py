"""What the filter bar may offer an actor: the customer types, regions and account managers
inside their scope (SQL only; never commits)."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import ColumnElement, false, select, true
from sqlalchemy.orm import Session

from dashboard.data.scope import customer_scope_clause
from dashboard.models import Customer, Rep
from dashboard.scope import Actor


def rep_scope_clause(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on :class:`Rep` for the account managers ``actor`` may filter by:
    every one for an owner, the team's for a manager, themselves for a rep."""
    kind = actor.scope_kind
    if kind == "all":
        return true()
    if kind == "team":
        return Rep.team_id == actor.team_id
    if kind == "rep":
        return Rep.id == actor.rep_id
    return false()


def load_segments(session: Session, actor: Actor) -> pd.DataFrame:
    """The distinct (customer_type, region) pairs of the customers in scope."""
    rows = session.execute(
        select(Customer.customer_type, Customer.region).where(customer_scope_clause(actor))
        .distinct()
    ).all()
    return pd.DataFrame.from_records([tuple(r) for r in rows],
                                     columns=["customer_type", "region"])


def load_scope_reps(session: Session, actor: Actor) -> pd.DataFrame:
    """The account managers in scope (id, name), by name."""
    rows = session.execute(
        select(Rep.id, Rep.name).where(rep_scope_clause(actor)).order_by(Rep.name, Rep.id)
    ).all()
    frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=["id", "name"])
    return frame.assign(id=frame["id"].astype("int64"))
