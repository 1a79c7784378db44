"""Look-ups behind authorisation: is a customer inside an actor's scope?"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from dashboard.data.scope import customer_scope_clause
from dashboard.models import Customer
from dashboard.scope import Actor


def get_customer_access(session: Session, actor: Actor,
                        key: int | str) -> tuple[int | None, bool]:
    """``(customer id, inside the actor's scope)`` for a customer id (an ``int``) or a
    customer code (a ``str``); ``(None, False)`` when there is no such customer."""
    column = Customer.id if isinstance(key, int) else Customer.code
    row = session.execute(
        select(Customer.id, customer_scope_clause(actor).label("allowed")).where(column == key)
    ).first()
    if row is None:
        return None, False
    return int(row[0]), bool(row[1])


def load_customer_ids_in_scope(session: Session, actor: Actor,
                               customer_ids: Iterable[int]) -> set[int]:
    """The subset of ``customer_ids`` that exist and lie inside the actor's scope."""
    wanted = sorted({int(c) for c in customer_ids})
    found: set[int] = set()
    for start in range(0, len(wanted), 900):
        chunk = wanted[start:start + 900]
        found.update(session.execute(
            select(Customer.id).where(Customer.id.in_(chunk), customer_scope_clause(actor))
        ).scalars())
    return found
