"""Rows for the duplicate-customer review, the decisions, and the merge itself (moving every
row that belongs to a customer to another one, and back).

Which rows move is read from the models: every table with a foreign key to ``customers.id``
and a one-column primary key, except the figures derived from orders (:data:`DERIVED`: the
daily rollup, rebuilt for both customers after the move; month-end snapshots and
classification memberships, the history of the merged record as it was, recomputed for the
kept one). A row that would clash with one the kept customer already has on a unique key
(the same month's target, the same campaign's send) stays with the merged record.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import Table, and_, delete, exists, func, insert, select, update
from sqlalchemy.orm import Session

from dashboard.data.rollups import refresh_rollups
from dashboard.data.sales import merged_away
from dashboard.data.scope import customer_scope_clause
from dashboard.models import Base, Customer, DuplicateDecision, Order, Rep
from dashboard.scope import Actor

DERIVED = ("customer_days", "customer_snapshots", "memberships", "duplicate_decisions")
CARD_COLUMNS = ["id", "code", "name", "phone", "email", "region", "customer_type",
                "account_manager", "orders", "revenue", "last_order"]


def customer_tables() -> list[tuple[Table, str]]:
    """(table, column) of every movable row that points at a customer, in dependency-safe
    order (the models' order)."""
    found: list[tuple[Table, str]] = []
    for table in Base.metadata.sorted_tables:
        if table.name in DERIVED or len(table.primary_key.columns) != 1:
            continue
        for fk in table.foreign_keys:
            if fk.column.table.name == "customers" and fk.column.name == "id":
                found.append((table, fk.parent.name))
    return found


def load_matching_customers(session: Session, actor: Actor) -> pd.DataFrame:
    """id, name, phone, email of the customers ``actor`` may see, without the records that
    were merged into another one."""
    query = (select(Customer.id, Customer.name, Customer.phone, Customer.email)
             .where(customer_scope_clause(actor), Customer.id.not_in(merged_away()))
             .order_by(Customer.id))
    return pd.DataFrame(session.execute(query).all(), columns=["id", "name", "phone", "email"])


def load_decisions(session: Session, actor: Actor | None = None,
                   decision: str | None = None) -> pd.DataFrame:
    """Every decision (both customers inside ``actor``'s scope when given), newest first."""
    query = select(DuplicateDecision.id, DuplicateDecision.customer_a,
                   DuplicateDecision.customer_b, DuplicateDecision.decision,
                   DuplicateDecision.kept_id, DuplicateDecision.score,
                   DuplicateDecision.username, DuplicateDecision.decided_at)
    if decision is not None:
        query = query.where(DuplicateDecision.decision == decision)
    if actor is not None and actor.scope_kind != "all":
        visible = select(Customer.id).where(customer_scope_clause(actor))
        query = query.where(DuplicateDecision.customer_a.in_(visible),
                            DuplicateDecision.customer_b.in_(visible))
    rows = session.execute(query.order_by(DuplicateDecision.decided_at.desc(),
                                          DuplicateDecision.id.desc())).all()
    return pd.DataFrame(rows, columns=["id", "customer_a", "customer_b", "decision",
                                       "kept_id", "score", "username", "decided_at"])


def get_decision(session: Session, decision_id: int) -> DuplicateDecision | None:
    return session.get(DuplicateDecision, decision_id)


def load_open_merges(session: Session, decision_ids: Iterable[int]) -> set[int]:
    """The ids among ``decision_ids`` of merges still in effect (an undone merge's decision
    is deleted)."""
    wanted = sorted({int(i) for i in decision_ids})
    if not wanted:
        return set()
    return set(session.execute(select(DuplicateDecision.id).where(
        DuplicateDecision.id.in_(wanted), DuplicateDecision.decision == "merged")).scalars())


def get_pair_decision(session: Session, a: int, b: int) -> DuplicateDecision | None:
    low, high = min(a, b), max(a, b)
    return session.execute(select(DuplicateDecision).where(
        DuplicateDecision.customer_a == low, DuplicateDecision.customer_b == high)
    ).scalar_one_or_none()


def insert_decision(session: Session, a: int, b: int, decision: str, *, user_id: int | None,
                    username: str, kept_id: int | None = None, score: float | None = None,
                    moved: dict[str, Any] | None = None) -> int:
    return int(session.execute(insert(DuplicateDecision).values(
        customer_a=min(a, b), customer_b=max(a, b), decision=decision, kept_id=kept_id,
        score=score, moved=moved or {}, user_id=user_id, username=username[:80],
    ).returning(DuplicateDecision.id)).scalar_one())


def delete_decision(session: Session, decision_id: int) -> None:
    session.execute(delete(DuplicateDecision).where(DuplicateDecision.id == decision_id))


def load_customer_cards(session: Session, customer_ids: Iterable[int]) -> pd.DataFrame:
    """The evidence shown side by side: identity, contacts, account manager, and the order
    count, revenue and last order of each customer."""
    wanted = sorted({int(c) for c in customer_ids})
    if not wanted:
        return pd.DataFrame(columns=CARD_COLUMNS)
    sales = (select(Order.customer_id, func.count(Order.id).label("orders"),
                    func.coalesce(func.sum(Order.amount), 0).label("revenue"),
                    func.max(Order.order_date).label("last_order"))
             .where(Order.customer_id.in_(wanted)).group_by(Order.customer_id).subquery())
    query = (select(Customer.id, Customer.code, Customer.name, Customer.phone, Customer.email,
                    Customer.region, Customer.customer_type, Rep.name.label("account_manager"),
                    func.coalesce(sales.c.orders, 0), func.coalesce(sales.c.revenue, 0),
                    sales.c.last_order)
             .outerjoin(Rep, Rep.id == Customer.rep_id)
             .outerjoin(sales, sales.c.customer_id == Customer.id)
             .where(Customer.id.in_(wanted)))
    return pd.DataFrame(session.execute(query).all(), columns=CARD_COLUMNS)


def count_rows(session: Session, customer_id: int) -> dict[str, int]:
    """Rows per table that belong to ``customer_id`` (movable tables and the rollup)."""
    counts = {}
    for table, column in customer_tables():
        counts[table.name] = int(session.execute(
            select(func.count()).select_from(table).where(table.c[column] == customer_id)
        ).scalar_one())
    return counts


def _clash(table: Table, column: str, kept: int) -> Any:
    """A clause true for rows that the kept customer already has on a unique key."""
    clauses = []
    for constraint in table.constraints:
        names = [c.name for c in getattr(constraint, "columns", [])]
        if constraint.__class__.__name__ != "UniqueConstraint" or column not in names:
            continue
        other = table.alias()
        clauses.append(exists().where(other.c[column] == kept, *[
            other.c[name] == table.c[name] for name in names if name != column]))
    return clauses


def _order_days(session: Session, order_ids: list[int]) -> list:
    days: set = set()
    for start in range(0, len(order_ids), 900):
        days.update(session.execute(select(Order.order_date).where(
            Order.id.in_(order_ids[start:start + 900]))).scalars())
    return sorted(days)


def _refresh(session: Session, customers: tuple[int, int], order_ids: list[int]) -> None:
    days = _order_days(session, order_ids)
    if days:
        refresh_rollups(session, [(c, d) for c in customers for d in days])


def move_rows(session: Session, dropped: int, kept: int) -> dict[str, list[int]]:
    """Move every movable row of ``dropped`` to ``kept`` (in the caller's transaction);
    returns the moved ids per table. The daily rollup of both is rebuilt."""
    moved: dict[str, list[int]] = {}
    for table, column in customer_tables():
        key = next(iter(table.primary_key.columns))
        clashes = _clash(table, column, kept)
        where = and_(table.c[column] == dropped, *[~c for c in clashes])
        ids = sorted(session.execute(select(key).where(where)).scalars())
        for start in range(0, len(ids), 900):
            session.execute(update(table).where(key.in_(ids[start:start + 900]))
                            .values({column: kept}))
        if ids:
            moved[table.name] = ids
    _refresh(session, (kept, dropped), moved.get("orders", []))
    return moved


def restore_rows(session: Session, moved: dict[str, list[int]], dropped: int,
                 kept: int) -> dict[str, int]:
    """Undo :func:`move_rows`: the listed rows go back to ``dropped`` (only those still on
    ``kept``). Returns the rows restored per table."""
    restored: dict[str, int] = {}
    tables = {table.name: (table, column) for table, column in customer_tables()}
    for name, ids in moved.items():
        if name not in tables:
            continue
        table, column = tables[name]
        key = next(iter(table.primary_key.columns))
        count = 0
        for start in range(0, len(ids), 900):
            count += session.execute(update(table).where(
                key.in_(ids[start:start + 900]), table.c[column] == kept)
                .values({column: dropped})).rowcount or 0
        restored[name] = count
    _refresh(session, (kept, dropped), [int(i) for i in moved.get("orders", [])])
    return restored


__all__ = ["CARD_COLUMNS", "DERIVED", "count_rows", "customer_tables", "delete_decision",
           "get_decision", "get_pair_decision", "insert_decision", "load_customer_cards",
           "load_decisions", "load_matching_customers", "move_rows", "restore_rows"]
