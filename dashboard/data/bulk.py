"""Bulk writes of DataFrames: the fast path for the demo generator and large imports.

``bulk_insert`` writes a frame into a table inside the caller's transaction (it never commits):
SQLite through ``executemany`` in large batches, PostgreSQL through psycopg 3 ``COPY`` fed with
CSV that pyarrow writes. Values are stored exactly as the ORM would store them (dates as
``YYYY-MM-DD`` text and date-times as ``YYYY-MM-DD HH:MM:SS.ffffff`` on SQLite), so rows written
here and rows written through the models are indistinguishable.

``deferred_indexes`` drops a table's secondary indexes (and, on PostgreSQL, its unique and
foreign-key constraints) for the duration of a load and creates them again from the models at
the end, in the same transaction: measured, the rebuild is much cheaper than maintaining them
row by row (see ``benchmarks/demo_bench.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Engine,
    Float,
    Index,
    Integer,
    Numeric,
    String,
    Table,
    Text,
    false,
    func,
    insert,
    select,
)
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.schema import (
    AddConstraint,
    CreateIndex,
    DropConstraint,
    DropIndex,
    ForeignKeyConstraint,
    UniqueConstraint,
)

from dashboard.db import session_scope, writer

SQLITE_BATCH_ROWS = 50_000
COPY_BATCH_ROWS = 250_000
_COPY_PIECE_BYTES = 1 << 20


def as_table(target: Any) -> Table:
    """The :class:`Table` of a model class, or the table itself."""
    return target if isinstance(target, Table) else target.__table__


def _kind(column_type: Any) -> str:
    for sql_type, kind in (
        (Boolean, "bool"),
        (DateTime, "datetime"),
        (Date, "date"),
        (Integer, "int"),
        (Numeric, "float"),
        (Float, "float"),
        (String, "str"),
        (Text, "str"),
    ):
        if isinstance(column_type, sql_type):
            return kind
    raise TypeError(f"bulk_insert cannot write columns of type {column_type!r}")


def _check_columns(table: Table, frame: pd.DataFrame) -> list[str]:
    columns = [str(c) for c in frame.columns]
    unknown = [c for c in columns if c not in table.c]
    if unknown:
        raise ValueError(f"{table.name} has no column(s) {', '.join(unknown)}")
    return columns


def _datetimes(series: pd.Series, unit: str) -> np.ndarray:
    return pd.to_datetime(series).to_numpy(dtype=f"datetime64[{unit}]")


def _arrow_column(series: pd.Series, kind: str) -> pa.Array:
    if kind == "date":
        return pa.array(_datetimes(series, "D"), type=pa.date32(), from_pandas=True)
    if kind == "datetime":
        return pa.array(_datetimes(series, "us"), type=pa.timestamp("us"), from_pandas=True)
    if kind == "str":
        return pa.array(series.astype("string"), type=pa.string(), from_pandas=True)
    arrow_type = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_()}[kind]
    if kind in ("int", "bool") and series.dtype.kind == "f":
        series = series.astype("Int64" if kind == "int" else "boolean")
    return pa.array(series, type=arrow_type, from_pandas=True)


def _with_nulls(values: np.ndarray, missing: np.ndarray) -> list[Any]:
    if not missing.any():
        return values.tolist()
    out = values.astype(object)
    out[missing] = None
    return out.tolist()


def _sqlite_column(series: pd.Series, kind: str) -> list[Any]:
    """Python values as SQLAlchemy's SQLite types store them."""
    missing = series.isna().to_numpy()
    if kind == "float":
        return series.to_numpy(dtype="float64", na_value=np.nan).tolist()  # NaN binds as NULL
    if kind in ("int", "bool"):
        if not missing.any():
            return series.to_numpy(dtype="int64").tolist()
        return _with_nulls(series.fillna(0).to_numpy(dtype="int64"), missing)
    if kind == "date":
        text = np.datetime_as_string(_datetimes(series, "D"), unit="D")
        return _with_nulls(text, missing)
    if kind == "datetime":
        text = np.datetime_as_string(_datetimes(series, "us"), unit="us")
        chars = text.astype("U26").view("U1").reshape(len(text), 26).copy()
        chars[:, 10] = " "
        return _with_nulls(chars.view("U26").ravel(), missing)
    return _with_nulls(series.to_numpy(dtype=object, na_value=None), missing)


def _insert_sqlite(session: Session, table: Table, frame: pd.DataFrame, kinds: list[str],
                   batch_rows: int) -> None:
    compiled = insert(table).compile(dialect=session.get_bind().dialect,
                                     column_keys=list(frame.columns))
    kind_of = dict(zip(frame.columns, kinds, strict=True))
    order = list(compiled.positiontup or [])  # the statement's parameter order
    statement = str(compiled)
    connection = session.connection()
    for start in range(0, len(frame), batch_rows):
        part = frame.iloc[start : start + batch_rows]
        values = [_sqlite_column(part[c], kind_of[c]) for c in order]
        connection.exec_driver_sql(statement, list(zip(*values, strict=True)))


def _csv_pieces(frame: pd.DataFrame, kinds: list[str], batch_rows: int) -> Iterator[memoryview]:
    options = pacsv.WriteOptions(include_header=False, quoting_style="needed")
    for start in range(0, len(frame), batch_rows):
        part = frame.iloc[start : start + batch_rows]
        arrays = [_arrow_column(part[c], k) for c, k in zip(part.columns, kinds, strict=True)]
        sink = pa.BufferOutputStream()
        pacsv.write_csv(pa.Table.from_arrays(arrays, names=list(part.columns)), sink, options)
        data = memoryview(sink.getvalue())
        for offset in range(0, len(data), _COPY_PIECE_BYTES):
            yield data[offset : offset + _COPY_PIECE_BYTES]


def _insert_postgresql(session: Session, table: Table, frame: pd.DataFrame, kinds: list[str],
                       batch_rows: int) -> None:
    from psycopg import sql

    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        sql.Identifier(table.name), sql.SQL(", ").join(sql.Identifier(c) for c in frame.columns)
    )
    import psycopg

    driver = session.connection().connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for piece in _csv_pieces(frame, kinds, batch_rows):
                copy.write(piece)
    except psycopg.Error as error:
        # the same exception classes as every other statement (IntegrityError, ...)
        raise DBAPIError.instance(statement.as_string(driver), None, error,
                                  psycopg.Error) from error


def bulk_insert(session: Session, target: Any, frame: pd.DataFrame, *,
                batch_rows: int | None = None) -> int:
    """Insert every row of ``frame`` (columns named like the table's) into ``target`` (a model
    or a table) in the caller's transaction; returns the number of rows. Missing values
    (``None``, ``NaN``, ``NaT``, ``pd.NA``) become NULL; unknown columns raise ``ValueError``."""
    table = as_table(target)
    columns = _check_columns(table, frame)
    if frame.empty:
        return 0
    kinds = [_kind(table.c[c].type) for c in columns]
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        _insert_postgresql(session, table, frame, kinds, batch_rows or COPY_BATCH_ROWS)
    else:
        _insert_sqlite(session, table, frame, kinds, batch_rows or SQLITE_BATCH_ROWS)
    return len(frame)


def _deferrable(table: Table, dialect: str) -> list[Any]:
    """What ``deferred_indexes`` drops: indexes everywhere; on PostgreSQL also unique and
    foreign-key constraints (SQLite cannot drop constraints of an existing table)."""
    items: list[Any] = sorted(table.indexes, key=lambda ix: ix.name or "")
    if dialect == "postgresql":
        items += [c for c in table.constraints
                  if isinstance(c, UniqueConstraint | ForeignKeyConstraint)]
    return items


def _drop(item: Any) -> Any:
    return DropIndex(item) if isinstance(item, Index) else DropConstraint(item)


def _create(item: Any) -> Any:
    return CreateIndex(item) if isinstance(item, Index) else AddConstraint(item)


def drop_deferrable(session: Session, targets: Iterable[Any]) -> list[Any]:
    """Drop the secondary indexes (PostgreSQL: also unique and foreign-key constraints) of
    ``targets``; returns what was dropped, for :func:`restore_deferred`."""
    dialect = session.get_bind().dialect.name
    items = [item for t in targets for item in _deferrable(as_table(t), dialect)]
    connection = session.connection()
    for item in items:
        connection.execute(_drop(item))
    return items


def restore_deferred(session: Session, items: Sequence[Any]) -> None:
    """Create again, as the models declare them, what :func:`drop_deferrable` dropped;
    foreign keys last (they may rely on unique constraints created just before)."""
    connection = session.connection()
    for item in sorted(items, key=lambda i: isinstance(i, ForeignKeyConstraint)):
        connection.execute(_create(item))


@contextmanager
def deferred_indexes(session: Session, targets: Iterable[Any]) -> Iterator[None]:
    """Drop the secondary indexes of ``targets`` on entry and create them again on a normal
    exit, in the caller's transaction, so an error rolls the drop back too."""
    items = drop_deferrable(session, targets)
    yield
    restore_deferred(session, items)


def _sqlite_pragma(driver: Any, name: str, value: int | None = None) -> int:
    cursor = driver.cursor()
    try:
        if value is None:
            return int(cursor.execute("PRAGMA " + name).fetchone()[0])
        cursor.execute("PRAGMA " + name + " = " + str(int(value)))
        return int(value)
    finally:
        cursor.close()


def _check_foreign_keys(session: Session) -> None:
    problems = session.connection().exec_driver_sql("PRAGMA foreign_key_check").fetchmany(5)
    if problems:
        shown = "; ".join(f"{table} row {rowid} -> {parent}" for table, rowid, parent, _ in
                          problems)
        raise IntegrityError("PRAGMA foreign_key_check", None,
                             Exception(f"foreign keys broken by the load: {shown}"))


@contextmanager
def load_session(engine: Engine, cache_megabytes: int = 256) -> Iterator[Session]:
    """One write transaction for a large load: commit on success, roll back on any error.

    On SQLite the connection gets a larger page cache, and foreign keys are checked once for
    the whole database at the end (``PRAGMA foreign_key_check``, before the commit) instead of
    row by row; both settings are restored before the connection goes back to the pool. On
    PostgreSQL this is an ordinary write transaction (use :func:`drop_deferrable` for speed)."""
    if engine.dialect.name != "sqlite":
        with session_scope(engine, write=True) as session:
            yield session
        return
    with engine.connect() as connection:
        driver = connection.connection.driver_connection
        cache = _sqlite_pragma(driver, "cache_size")
        _sqlite_pragma(driver, "cache_size", -1024 * cache_megabytes)
        _sqlite_pragma(driver, "foreign_keys", 0)
        session = Session(bind=writer(connection), expire_on_commit=False)
        try:
            yield session
            _check_foreign_keys(session)
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()
            _sqlite_pragma(driver, "foreign_keys", 1)
            _sqlite_pragma(driver, "cache_size", cache)


def max_ids(session: Session, targets: Sequence[Any]) -> dict[str, int]:
    """The largest ``id`` of each table (0 when empty), to number new rows after it."""
    result = {}
    for target in targets:
        table = as_table(target)
        value = session.execute(select(func.max(table.c.id))).scalar()
        result[table.name] = int(value or 0)
    return result


def reset_id_sequences(session: Session, targets: Sequence[Any]) -> None:
    """After rows were written with explicit ids, move each table's id sequence past the
    largest id (PostgreSQL; SQLite takes the next id from the table itself)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for target in targets:
        table = as_table(target)
        next_id = select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery()
        session.execute(
            select(func.setval(func.pg_get_serial_sequence(table.name, "id"), next_id, false()))
        )


def analyze(session: Session, targets: Sequence[Any]) -> None:
    """Refresh the planner statistics of freshly loaded tables (PostgreSQL)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    from psycopg import sql

    driver = session.connection().connection.driver_connection
    with driver.cursor() as cursor:
        for target in targets:
            cursor.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(as_table(target).name)))


def checkpoint(engine: Any) -> None:
    """After a large load on SQLite, copy the write-ahead log into the database file and
    truncate it (outside any transaction); nothing to do on PostgreSQL."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


__all__ = [
    "analyze",
    "as_table",
    "bulk_insert",
    "checkpoint",
    "deferred_indexes",
    "drop_deferrable",
    "load_session",
    "max_ids",
    "reset_id_sequences",
    "restore_deferred",
]
