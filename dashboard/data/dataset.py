"""The distributor's data set as a whole: is there any, empty it, and the people it hangs on.

*Sales data* is the customers, products, orders and their lines, the rollups, imports and
coupons, and every table that refers to them (invoices, payments, targets, visits, comments,
campaigns and sends, memberships, snapshots, alerts). Emptying it keeps the people and the
configuration: users and their sessions, teams and reps, classification schemes and
segmentation rules, the audit log, and the rollup change log (whose ids must keep growing so
that columnar snapshots notice the rewrite).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Table, delete, exists, select, update
from sqlalchemy.orm import Session

from dashboard.models import (
    AnonymousDay,
    Base,
    Coupon,
    Customer,
    ImportBatch,
    Order,
    Product,
    Rep,
    Team,
    User,
)

_ROOTS = (Customer, Product, Order, AnonymousDay, ImportBatch, Coupon)
# people are never sales data, even where they point at it (a customer's own sign-in)
_PEOPLE = frozenset({"users"})


def sales_tables() -> list[Table]:
    """The sales-data tables, parents before children."""
    chosen = {m.__table__.name for m in _ROOTS}
    grew = True
    while grew:
        grew = False
        for table in Base.metadata.sorted_tables:
            if table.name not in chosen and table.name not in _PEOPLE and any(
                fk.column.table.name in chosen for fk in table.foreign_keys
            ):
                chosen.add(table.name)
                grew = True
    return [t for t in Base.metadata.sorted_tables if t.name in chosen]


def has_sales_data(session: Session) -> bool:
    """Whether any customer, product or order exists."""
    return any(
        session.execute(select(exists().select_from(model))).scalar()
        for model in (Customer, Product, Order)
    )


def clear_sales_data(session: Session) -> list[str]:
    """Empty every sales-data table in the caller's transaction; returns their names. A
    customer's own sign-in stays, unbound (it opens nothing until bound again)."""
    tables = sales_tables()
    session.execute(update(User).where(User.customer_id.is_not(None)).values(customer_id=None))
    if session.get_bind().dialect.name == "postgresql":
        from psycopg import sql

        # PostgreSQL refuses to truncate a table another (kept) table refers to, even with
        # no row referring: those are emptied by DELETE once the rest is truncated
        names = {t.name for t in tables}
        referred = {fk.column.table.name for t in Base.metadata.sorted_tables
                    if t.name not in names for fk in t.foreign_keys} & names
        statement = sql.SQL("TRUNCATE {}").format(
            sql.SQL(", ").join(sql.Identifier(t.name) for t in tables if t.name not in referred))
        driver = session.connection().connection.driver_connection
        with driver.cursor() as cursor:
            cursor.execute(statement)
        for table in reversed(tables):
            if table.name in referred:
                session.execute(delete(table))
    else:
        for table in reversed(tables):
            session.execute(delete(table))
    return [t.name for t in tables]


def ensure_teams_and_reps(session: Session, reps: pd.DataFrame) -> pd.DataFrame:
    """Make sure the teams and reps of ``reps`` (columns ``name``, ``team``, ``phone``,
    ``email``) exist, matched by name: existing ones are kept (users may point at them) and
    moved to the given team, missing ones are created. Returns ``reps`` with ``id`` and
    ``team_id``."""
    team_ids = {}
    for name in dict.fromkeys(reps["team"].tolist()):
        team = session.execute(select(Team).where(Team.name == name)).scalar_one_or_none()
        if team is None:
            team = Team(name=name)
            session.add(team)
            session.flush()
        team_ids[name] = team.id
    rep_ids = []
    for row in reps.itertuples(index=False):  # a dozen people, not sales rows
        rep = session.execute(select(Rep).where(Rep.name == row.name)).scalar_one_or_none()
        if rep is None:
            rep = Rep(name=row.name, phone=row.phone, email=row.email)
            session.add(rep)
        rep.team_id = team_ids[row.team]
        session.flush()
        rep_ids.append(rep.id)
    return reps.assign(id=rep_ids, team_id=reps["team"].map(team_ids))
