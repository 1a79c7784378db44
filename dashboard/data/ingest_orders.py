"""Writes of imported orders and their lines.

The importer hands over one row per order (``order_no``, ``customer_code``, ``order_date``,
``ordered_at``, ``coupon_code``, ``amount``, ``is_return``, ``replace_lines``) and one per line
(``order_no``, ``line_key``, ``sku``, ``quantity``, ``unit_price``, ``unit_cost``, ``amount``).
Both are staged, compared with what is stored, and only new or changed orders are written
(``INSERT ... SELECT ... ON CONFLICT DO UPDATE``). For an order whose rows were all accepted the
file is the truth: lines it no longer has are removed. The (customer, day) pairs to refresh in
the rollups come back, including the old pair of an order that moved to another customer or
day.
"""

from __future__ import annotations

import datetime as dt
from contextlib import nullcontext
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import (
    and_,
    case,
    delete,
    exists,
    false,
    func,
    literal,
    not_,
    or_,
    select,
    union,
    update,
)
from sqlalchemy.orm import Session

from dashboard.data.bulk import bulk_insert, deferred_indexes
from dashboard.data.fast import read_frame
from dashboard.data.ingest import (
    STG_LINES,
    STG_ORDERS,
    dialect_insert,
    differs,
    drop_stages,
    rowcount,
    stage,
)
from dashboard.models import Customer, LineMoney, Order, OrderLine, Product

_ORDER_FIELDS = ("customer_id", "order_date", "ordered_at", "coupon_code", "amount",
                 "is_return")
_LINE_FIELDS = ("product_id", "quantity", "unit_price", "unit_cost", "amount")


@dataclass
class OrderWrite:
    orders_created: int = 0
    orders_updated: int = 0
    lines_created: int = 0
    lines_updated: int = 0
    lines_deleted: int = 0
    touched: list[tuple[int | None, dt.date]] = field(default_factory=list)
    #: the caller rebuilds the rollup instead of refreshing the touched pairs (not read then)
    rebuild: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.orders_created or self.orders_updated or self.lines_created
                    or self.lines_updated or self.lines_deleted)


def write_orders(session: Session, orders: pd.DataFrame, lines: pd.DataFrame, *,
                 batch_id: int | None, rebuild_at: int | None = None) -> OrderWrite:
    """Upsert ``orders`` and ``lines`` (customers and products must exist already).

    ``touched`` lists the (customer, day) pairs the write touched, for the rollup's refresh;
    with ``rebuild_at``, the caller rebuilds the rollup when there are that many pairs or more
    (0: always, as into an empty rollup), and then ``rebuild`` is set and the pairs are not
    read (measured: reading a million pairs took longer than counting them).

    Lines of orders that already exist are staged and compared; lines of new orders cannot
    conflict with anything and go straight into ``order_lines`` (measured: twice as fast as
    staging them too). A concurrent import that created the same order in the meantime makes
    that insert fail, and the whole import rolls back."""
    if orders.empty:
        return OrderWrite()
    if session.execute(select(Order.id).limit(1)).first() is None:
        return _write_first(session, orders, lines, batch_id=batch_id, rebuild_at=rebuild_at)
    stage(session, STG_ORDERS, orders)
    _resolve_orders(session)
    existing = session.execute(select(STG_ORDERS.c.order_no)
                               .where(STG_ORDERS.c.existing_id.is_not(None))).scalars().all()
    old = (pd.Index(existing).get_indexer(lines["order_no"]) >= 0) if existing else None
    result = OrderWrite()
    if old is not None:
        stage(session, STG_LINES, lines.loc[old])
        _resolve_lines(session)
        result.lines_created = _count_new_lines(session)
    result.orders_created, result.orders_updated = _counts(session)
    with _orders_load(session, result.orders_created):
        ids = _upsert_orders(session, batch_id)
    if old is not None:
        result.lines_updated = max(_upsert_lines(session) - result.lines_created, 0)
        result.lines_deleted = _delete_stale_lines(session)
        _recompute_partial_orders(session)
    fresh = lines.loc[~old] if old is not None else lines
    result.lines_created += _insert_new_lines(session, fresh, ids)
    if rebuild_at is None or 0 < rebuild_at and _count_touched(session) < rebuild_at:
        result.touched = _touched_pairs(session)
    else:
        result.rebuild = True
    drop_stages(session, [STG_ORDERS, STG_LINES])
    return result


def _write_first(session: Session, orders: pd.DataFrame, lines: pd.DataFrame, *,
                 batch_id: int | None, rebuild_at: int | None) -> OrderWrite:
    """Into an empty ``orders`` table: nothing to compare or update, so the orders go straight
    in (customer ids looked up in pandas) instead of through the staging table (measured at
    1M order-level rows on SQLite: the orders stage, lines included, 10.6 s against 13.1 s).
    A concurrent import that created the same order meanwhile makes the insert fail and the
    import roll back, as above."""
    known = read_frame(session, select(Customer.code, Customer.id),
                       {"code": "object", "id": "int64"})
    customer_id = pd.Series(known["id"].to_numpy(), index=known["code"]).reindex(
        orders["customer_code"].to_numpy(dtype=object)).astype("Int64").to_numpy()
    frame = orders[["order_no", *_ORDER_FIELDS[1:]]].assign(customer_id=customer_id,
                                                            batch_id=batch_id)
    frame = frame.astype({"batch_id": "Int64"})
    with _orders_load(session, len(frame)):
        bulk_insert(session, Order, frame)
    stored = read_frame(session, select(Order.order_no, Order.id),
                        {"order_no": "object", "id": "int64"})
    ids = pd.Series(stored["id"].to_numpy(), index=stored["order_no"].to_numpy())
    result = OrderWrite(orders_created=len(frame))
    result.lines_created = _insert_new_lines(session, lines, ids)
    pairs = frame[["customer_id", "order_date"]].drop_duplicates()
    if rebuild_at is None or 0 < rebuild_at and len(pairs) < rebuild_at:
        result.touched = [(None if pd.isna(c) else int(c), pd.Timestamp(d).date())
                          for c, d in zip(pairs["customer_id"], pairs["order_date"],
                                          strict=True)]
    else:
        result.rebuild = True
    return result


def _orders_load(session: Session, new_orders: int):  # noqa: ANN202
    """SQLite, more new orders than stored ones: the secondary indexes of ``orders`` are
    built once after the load (the unique order number stays, for ON CONFLICT; PostgreSQL
    would have to drop it too, so it keeps its indexes)."""
    stored = session.execute(select(func.max(Order.id))).scalar() or 0
    if session.get_bind().dialect.name != "sqlite" or new_orders < stored:
        return nullcontext()
    return deferred_indexes(session, [Order])


def _insert_new_lines(session: Session, lines: pd.DataFrame, ids: pd.Series) -> int:
    """Lines of orders this import created: order and product ids looked up in pandas."""
    if lines.empty:
        return 0
    order_id = ids.to_numpy()[pd.Index(ids.index).get_indexer(lines["order_no"])]
    skus = lines["sku"].dropna().unique().tolist()
    products = dict(session.execute(select(Product.sku, Product.id)
                                    .where(Product.sku.in_(skus))).all()) if skus else {}
    known = pd.Index(list(products))
    at = known.get_indexer(lines["sku"].fillna(""))
    product_id = pd.Series(list(products.values()), dtype="Int64").reindex(
        at).set_axis(lines.index) if products else pd.Series(pd.NA, index=lines.index,
                                                               dtype="Int64")
    frame = lines.assign(order_id=order_id, product_id=product_id.to_numpy(),
                         line_key=lines["line_key"].fillna(""))
    frame = frame[["order_id", "line_key", "product_id", *_LINE_FIELDS[1:]]]
    stored = session.execute(select(func.max(OrderLine.id))).scalar() or 0
    if len(frame) < stored:
        return bulk_insert(session, OrderLine, frame)
    # more new lines than stored ones (a first import): build the secondary indexes once at
    # the end instead of maintaining them row by row
    with deferred_indexes(session, [OrderLine]):
        return bulk_insert(session, OrderLine, frame)


def _line_differs(stored, staged, product_id):  # noqa: ANN001, ANN202
    return or_(stored.c.id.is_(None), differs([
        (stored.c.product_id, product_id), (stored.c.quantity, staged.c.quantity),
        (stored.c.unit_price, staged.c.unit_price), (stored.c.unit_cost, staged.c.unit_cost),
        (stored.c.amount, staged.c.amount)]))


def _resolve_orders(session: Session) -> None:
    """Customer ids, the stored state of orders that exist, and whose header changes."""
    so, o = STG_ORDERS, Order.__table__
    session.execute(update(so).where(so.c.customer_code == Customer.code)
                    .values(customer_id=Customer.id))
    header = differs((o.c[f], so.c[f]) for f in _ORDER_FIELDS)
    session.execute(update(so).where(so.c.order_no == o.c.order_no).values(
        existing_id=o.c.id, old_customer_id=o.c.customer_id, old_date=o.c.order_date,
        changed=header))


def _resolve_lines(session: Session) -> None:
    """Existing orders whose lines change: a line new or different, or (when all the order's
    rows were accepted) a stored line the file no longer has. Set-based joins, not one
    subquery per order."""
    so, sl, p, lines = STG_ORDERS, STG_LINES, Product.__table__, OrderLine.__table__
    staged_order = so.alias("staged_order")
    different = (
        select(sl.c.order_no)
        .select_from(sl.join(staged_order, staged_order.c.order_no == sl.c.order_no)
                     .outerjoin(lines, and_(lines.c.order_id == staged_order.c.existing_id,
                                            lines.c.line_key == sl.c.line_key))
                     .outerjoin(p, p.c.sku == sl.c.sku))
        .where(_line_differs(lines, sl, p.c.id)))
    gone = (
        select(lines.c.order_id)
        .select_from(lines.join(staged_order, staged_order.c.existing_id == lines.c.order_id)
                     .outerjoin(sl, and_(sl.c.order_no == staged_order.c.order_no,
                                         sl.c.line_key == lines.c.line_key)))
        .where(staged_order.c.replace_lines, sl.c.order_no.is_(None)))
    session.execute(update(so).where(so.c.existing_id.is_not(None), so.c.changed.is_not(True),
                                     or_(so.c.order_no.in_(different),
                                         so.c.existing_id.in_(gone)))
                    .values(changed=True))


def _count_new_lines(session: Session) -> int:
    """Staged lines of changed existing orders that are not stored yet."""
    so, sl, lines = STG_ORDERS, STG_LINES, OrderLine.__table__
    missing = (select(func.count()).select_from(sl.join(so, so.c.order_no == sl.c.order_no))
               .where(so.c.changed.is_(True), ~exists().where(
                   lines.c.order_id == so.c.existing_id, lines.c.line_key == sl.c.line_key)))
    return int(session.execute(missing).scalar_one())


def _counts(session: Session) -> tuple[int, int]:
    so = STG_ORDERS
    row = session.execute(select(
        func.coalesce(func.sum(case((so.c.existing_id.is_(None), 1), else_=0)), 0),
        func.coalesce(func.sum(case((so.c.changed.is_(True), 1), else_=0)), 0))).one()
    return int(row[0]), int(row[1])


def _writable():  # noqa: ANN202
    so = STG_ORDERS
    return or_(so.c.existing_id.is_(None), so.c.changed.is_(True))


def _upsert_orders(session: Session, batch_id: int | None) -> pd.Series:
    """Insert new orders and update changed ones; returns the id of each by order number."""
    so, o = STG_ORDERS, Order.__table__
    rows = select(so.c.order_no, *[so.c[f] for f in _ORDER_FIELDS],
                  literal(batch_id, type_=o.c.batch_id.type)).where(_writable())
    statement = dialect_insert(session, o).from_select(
        ["order_no", *_ORDER_FIELDS, "batch_id"], rows)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=["order_no"], set_={f: excluded[f] for f in _ORDER_FIELDS},
        where=differs((o.c[f], excluded[f]) for f in _ORDER_FIELDS)
    ).returning(o.c.order_no, o.c.id)
    rows = session.execute(statement).all()
    return pd.Series([r[1] for r in rows], index=[r[0] for r in rows], dtype="int64")


def _upsert_lines(session: Session) -> int:
    so, sl, p = STG_ORDERS, STG_LINES, Product.__table__
    lines = OrderLine.__table__
    rows = (select(so.c.existing_id, func.coalesce(sl.c.line_key, ""), p.c.id, sl.c.quantity,
                   sl.c.unit_price, sl.c.unit_cost, sl.c.amount)
            .select_from(sl.join(so, so.c.order_no == sl.c.order_no)
                         .outerjoin(p, p.c.sku == sl.c.sku))
            .where(so.c.changed.is_(True)))
    statement = dialect_insert(session, lines).from_select(
        ["order_id", "line_key", *_LINE_FIELDS], rows)
    excluded = statement.excluded
    statement = statement.on_conflict_do_update(
        index_elements=["order_id", "line_key"], set_={f: excluded[f] for f in _LINE_FIELDS},
        where=differs((lines.c[f], excluded[f]) for f in _LINE_FIELDS))
    return rowcount(session, statement)


def _delete_stale_lines(session: Session) -> int:
    """Lines of fully imported, changed existing orders that the file no longer has."""
    so, sl = STG_ORDERS, STG_LINES
    lines = OrderLine.__table__
    stored = lines.alias("stored")
    stale = (select(stored.c.id)
             .select_from(stored.join(so, so.c.existing_id == stored.c.order_id)
                          .outerjoin(sl, and_(sl.c.order_no == so.c.order_no,
                                              sl.c.line_key == stored.c.line_key)))
             .where(so.c.changed.is_(True), so.c.replace_lines, sl.c.order_no.is_(None)))
    return rowcount(session, delete(lines).where(lines.c.id.in_(stale)))


def _recompute_partial_orders(session: Session) -> None:
    """Amount and return flag of existing orders of which only some rows were imported."""
    so, lines = STG_ORDERS, OrderLine.__table__
    o = Order.__table__
    partial = select(so.c.existing_id).where(so.c.changed.is_(True), not_(so.c.replace_lines))
    total = (select(func.round(func.coalesce(func.sum(lines.c.amount), 0),
                              LineMoney.scale))
             .where(lines.c.order_id == o.c.id).scalar_subquery())
    largest = select(func.max(lines.c.quantity)).where(lines.c.order_id == o.c.id) \
        .scalar_subquery()
    session.execute(update(o).where(o.c.id.in_(partial)).values(
        amount=total, is_return=func.coalesce(largest < 0, false())))


def _touched():  # noqa: ANN202
    so = STG_ORDERS
    new = select(so.c.customer_id, so.c.order_date).where(_writable())
    old = select(so.c.old_customer_id, so.c.old_date).where(so.c.changed.is_(True))
    return union(new, old)


def _count_touched(session: Session) -> int:
    pairs = _touched().subquery()
    return int(session.execute(select(func.count()).select_from(pairs)).scalar_one())


def _touched_pairs(session: Session) -> list[tuple[int | None, dt.date]]:
    rows = session.execute(_touched()).all()
    return [(r[0], r[1]) for r in rows]

