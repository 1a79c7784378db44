"""Writes of the importer: staging tables, import batches, reps, customers, products, targets.

Rows are staged in temporary tables with :func:`dashboard.data.bulk.bulk_insert` (SQLite
``executemany``, PostgreSQL ``COPY``) and moved into the real tables with set-based statements.
Nothing here commits: the caller's transaction holds the whole import. Every statement writes
only rows whose values really change, so importing the same file twice changes nothing.

Customers and products follow "a blank cell keeps the stored value": a customers or products
file overwrites with every non-blank value it has; order rows only fill in what is still empty
(``fill_only``), because an old order's customer name must not undo a newer master record.

A customer record created by an order import is dated by its first order (nothing dated after
an as-of date may show in a view of that date): order rows bring the earliest order date of
each customer as ``created_date``; it fills a blank created date with the earlier of that date
and the customer's first stored order, and moves a created date that was its first order's date
earlier when older orders arrive. A created date that a customers file gave is kept.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import pandas as pd
from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    and_,
    case,
    delete,
    exists,
    func,
    insert,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateTable

from dashboard.analytics.kinds import DEFAULT_CUSTOMER_TYPE
from dashboard.data.bulk import analyze, bulk_insert
from dashboard.models import (
    Customer,
    CustomerDay,
    ImportBatch,
    LineMoney,
    Order,
    Product,
    Rep,
    Target,
    utcnow,
)

_money = Numeric(16, 2, asdecimal=False)
_line_money = LineMoney
_quantity = Numeric(14, 3, asdecimal=False)
_stage = MetaData()


def _temp(name: str, *columns: Column) -> Table:
    return Table(name, _stage, *columns, prefixes=["TEMPORARY"])


STG_CUSTOMERS = _temp(
    "stg_customers", Column("code", String(64)), Column("name", String(255)),
    Column("customer_type", String(16)), Column("region", String(120)),
    Column("rep_name", String(120)), Column("rep_id", Integer), Column("phone", String(40)),
    Column("email", String(254)), Column("created_date", Date))
STG_PRODUCTS = _temp(
    "stg_products", Column("code", String(64)), Column("name", String(255)),
    Column("category", String(120)), Column("tags", Text), Column("unit_cost", _money),
    Column("list_price", _money))
STG_TARGETS = _temp(
    "stg_targets", Column("customer_code", String(64)), Column("month", Date),
    Column("amount", _money))
STG_ORDERS = _temp(
    "stg_orders", Column("order_no", String(64)), Column("customer_code", String(64)),
    Column("customer_id", Integer), Column("order_date", Date), Column("ordered_at", DateTime),
    Column("coupon_code", String(64)), Column("amount", _line_money),
    Column("is_return", Boolean),
    Column("replace_lines", Boolean), Column("existing_id", Integer),
    Column("old_customer_id", Integer), Column("old_date", Date),
    Column("changed", Boolean))
STG_LINES = _temp(
    "stg_lines", Column("order_no", String(64)), Column("line_key", String(64)),
    Column("sku", String(64)), Column("quantity", _quantity),
    Column("unit_price", _line_money), Column("unit_cost", _line_money),
    Column("amount", _line_money))
_INDEXES = {
    "stg_customers": [Index("stg_customers_code", STG_CUSTOMERS.c.code)],
    "stg_products": [Index("stg_products_code", STG_PRODUCTS.c.code)],
    "stg_orders": [Index("stg_orders_no", STG_ORDERS.c.order_no),
                   Index("stg_orders_existing", STG_ORDERS.c.existing_id)],
    "stg_lines": [Index("stg_lines_key", STG_LINES.c.order_no, STG_LINES.c.line_key)],
}


def stage(session: Session, table: Table, frame: pd.DataFrame) -> int:
    """(Re)create the temporary ``table`` in this transaction and load ``frame`` into it."""
    bind = session.connection()
    table.drop(bind, checkfirst=True)
    bind.execute(CreateTable(table))  # indexes after the load: cheaper than during it
    count = bulk_insert(session, table, frame)
    for index in _INDEXES.get(table.name, []):
        index.create(bind)
    analyze(session, [table])
    return count


def drop_stages(session: Session, tables: Iterable[Table]) -> None:
    bind = session.connection()
    for table in tables:
        table.drop(bind, checkfirst=True)


@contextmanager
def bulk_tuning(session: Session) -> Iterator[None]:
    """SQLite: a 256 MB page cache on this connection while an import writes (B-tree inserts
    into large indexes thrash SQLite's 2 MB default), back to the default afterwards."""
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    connection = session.connection()
    connection.exec_driver_sql("PRAGMA cache_size=-262144")
    try:
        yield
    finally:
        connection.exec_driver_sql("PRAGMA cache_size=-2000")


def dialect_insert(session: Session, table):  # noqa: ANN001, ANN201
    """The dialect's INSERT (with ``on_conflict_*``) for this session's database."""
    module = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return module.insert(table)


def rowcount(session: Session, statement) -> int:  # noqa: ANN001
    """Rows a data-changing statement inserted, updated or deleted."""
    result = session.execute(statement.execution_options(preserve_rowcount=True))
    return max(int(result.rowcount or 0), 0)


def differs(pairs: Iterable[tuple]):  # noqa: ANN201
    """True when any (stored, new) pair differs, NULLs included."""
    return or_(*[old.is_distinct_from(new) for old, new in pairs])


# --- import batches ---------------------------------------------------------------------------


def create_batch(session: Session, *, kind: str, filename: str, sha256: str,
                 user_id: int | None) -> int:
    return int(session.execute(
        insert(ImportBatch).values(kind=kind, filename=filename[:255], sha256=sha256,
                                   user_id=user_id, started_at=utcnow(), status="running")
        .returning(ImportBatch.id)).scalar_one())


def delete_batch(session: Session, batch_id: int) -> None:
    """Forget a batch that changed nothing (re-importing a file leaves no trace)."""
    session.execute(delete(ImportBatch).where(ImportBatch.id == batch_id))


def finish_batch(session: Session, batch_id: int, *, status: str, rows_read: int,
                 rows_written: int, rows_skipped: int, anonymous_rows: int,
                 return_rows: int) -> None:
    session.execute(update(ImportBatch).where(ImportBatch.id == batch_id).values(
        status=status, finished_at=utcnow(), rows_read=rows_read, rows_written=rows_written,
        rows_skipped=rows_skipped, anonymous_rows=anonymous_rows, return_rows=return_rows))


# --- lookups ------------------------------------------------------------------------------------


def count_rollup_rows(session: Session) -> int:
    """Rows in the customer-day rollup (to choose between refreshing and rebuilding it)."""
    return int(session.execute(select(func.count()).select_from(CustomerDay)).scalar_one())


def get_known_customer_codes(session: Session, codes: Iterable[str]) -> set[str]:
    """Which of ``codes`` are customers in the database."""
    wanted = sorted(set(codes))
    found: set[str] = set()
    for start in range(0, len(wanted), 5000):
        part = wanted[start : start + 5000]
        found.update(session.execute(select(Customer.code).where(Customer.code.in_(part)))
                     .scalars())
    return found


# --- reps, customers, products --------------------------------------------------------------------


def upsert_reps(session: Session, names: Iterable[str]) -> int:
    """Create the reps named that do not exist yet; returns how many were created."""
    rows = [{"name": n} for n in sorted(set(names)) if n]
    if not rows:
        return 0
    statement = dialect_insert(session, Rep.__table__).on_conflict_do_nothing(
        index_elements=["name"])
    count = select(func.count()).select_from(Rep)
    before = session.execute(count).scalar_one()
    for start in range(0, len(rows), 1000):
        session.execute(statement, rows[start : start + 1000])
    return int(session.execute(count).scalar_one() - before)


def _merged(stored, new, *, fill_only: bool, blank=None):  # noqa: ANN001, ANN202
    """The value to store: the file's (when not blank) or the stored one; with
    ``fill_only`` the file's value only fills a blank stored value."""
    if blank is None:
        return func.coalesce(stored, new) if fill_only else func.coalesce(new, stored)
    if fill_only:
        return case((or_(stored.is_(None), stored == blank), func.coalesce(new, stored)),
                    else_=stored)
    return func.coalesce(new, stored)


_CUSTOMER_FIELDS = ("name", "customer_type", "region", "rep_id", "phone", "email",
                    "created_date")
_PRODUCT_FIELDS = ("name", "category", "tags", "unit_cost", "list_price")


def _update_existing(session: Session, table: Table, key: str, staged: Table,
                     fields: Iterable[str], *, fill_only: bool,
                     overrides: dict | None = None) -> int:
    values = {f: _merged(table.c[f], staged.c[f], fill_only=fill_only,
                         blank="" if f == "name" else None) for f in fields}
    values.update(overrides or {})
    if fill_only and "customer_type" in values:
        values.pop("customer_type")  # a type given with an order never overrides the record
    if not values:
        return 0
    statement = (update(table).where(table.c[key] == staged.c.code)
                 .where(differs((table.c[f], v) for f, v in values.items())).values(values))
    return rowcount(session, statement)


def _insert_new(session: Session, table: Table, key: str, staged: Table,
                columns: dict[str, object]) -> int:
    select_new = select(staged.c.code, *columns.values()).where(
        ~exists().where(table.c[key] == staged.c.code))
    statement = dialect_insert(session, table).from_select(
        [key, *columns], select_new).on_conflict_do_nothing(index_elements=[key])
    return rowcount(session, statement)


def upsert_customers(session: Session, frame: pd.DataFrame, *,
                     fill_only: bool) -> tuple[int, int]:
    """Customers by code (``frame``: ``code`` and any of name, customer_type, region,
    rep_name, phone, email, created_date). Returns (created, updated)."""
    if frame.empty:
        return 0, 0
    staged = STG_CUSTOMERS
    stage(session, staged, frame)
    session.execute(update(staged).where(staged.c.rep_name == Rep.name)
                    .values(rep_id=Rep.id))
    customers = Customer.__table__
    fields = [f for f in _CUSTOMER_FIELDS if f in frame or (f == "rep_id" and "rep_name" in
                                                           frame)]
    overrides = ({"created_date": _first_order_created(customers, staged)}
                  if fill_only and "created_date" in frame else None)
    updated = _update_existing(session, customers, "code", staged, fields, fill_only=fill_only,
                               overrides=overrides)
    created = _insert_new(session, customers, "code", staged, {
        "name": func.coalesce(staged.c.name, ""),
        "customer_type": func.coalesce(staged.c.customer_type, DEFAULT_CUSTOMER_TYPE),
        "region": staged.c.region, "rep_id": staged.c.rep_id, "phone": staged.c.phone,
        "email": staged.c.email, "created_date": staged.c.created_date,
    })
    drop_stages(session, [staged])
    return created, updated


def _first_order_created(customers: Table, staged: Table):  # noqa: ANN202
    """The created date of an existing customer after an order import (see the module's
    docstring): ``staged.created_date`` is the customer's earliest order date in the file."""
    orders = Order.__table__
    stored, given = customers.c.created_date, staged.c.created_date
    first = (select(func.min(orders.c.order_date)).where(orders.c.customer_id == customers.c.id)
             .scalar_subquery())
    earliest = case((first.is_(None), given), (given < first, given), else_=first)
    dated_by_orders = or_(stored.is_(None), and_(given < stored, stored == first))
    return case((and_(given.is_not(None), dated_by_orders), earliest), else_=stored)


def upsert_products(session: Session, frame: pd.DataFrame, *,
                    fill_only: bool) -> tuple[int, int]:
    """Products by SKU (``frame``: ``code`` and any of name, category, tags, unit_cost,
    list_price). Returns (created, updated)."""
    if frame.empty:
        return 0, 0
    staged = STG_PRODUCTS
    stage(session, staged, frame)
    products = Product.__table__
    fields = [f for f in _PRODUCT_FIELDS if f in frame]
    updated = _update_existing(session, products, "sku", staged, fields, fill_only=fill_only)
    created = _insert_new(session, products, "sku", staged, {
        "name": func.coalesce(staged.c.name, ""), "category": staged.c.category,
        "tags": staged.c.tags, "unit_cost": staged.c.unit_cost,
        "list_price": staged.c.list_price,
    })
    drop_stages(session, [staged])
    return created, updated


def upsert_targets(session: Session, frame: pd.DataFrame) -> tuple[int, int]:
    """Monthly targets by (customer code, month); ``frame``: customer_code, month, amount.
    Rows of unknown customers are left out (the importer reports them first)."""
    if frame.empty:
        return 0, 0
    staged = STG_TARGETS
    stage(session, staged, frame)
    targets = Target.__table__
    customers = Customer.__table__
    before = session.execute(select(func.count()).select_from(targets)).scalar_one()
    rows = (select(customers.c.id, staged.c.month, staged.c.amount)
            .join_from(staged, customers, customers.c.code == staged.c.customer_code)
            .where(true()))
    statement = dialect_insert(session, targets).from_select(
        ["customer_id", "month", "amount"], rows)
    statement = statement.on_conflict_do_update(
        index_elements=["customer_id", "month"], set_={"amount": statement.excluded.amount},
        where=targets.c.amount.is_distinct_from(statement.excluded.amount))
    changed = rowcount(session, statement)
    after = session.execute(select(func.count()).select_from(targets)).scalar_one()
    drop_stages(session, [staged])
    return after - before, changed - (after - before)
