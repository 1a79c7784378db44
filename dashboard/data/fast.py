"""Reading many rows fast: a SELECT straight into typed numpy columns.

Going through SQLAlchemy's result rows costs about 10 µs per row at a million rows; the
driver's cursor (SQLite) or ``COPY ... TO STDOUT`` parsed by Arrow (PostgreSQL) is several
times faster. The statement is still built with SQLAlchemy (portable, no string formatting);
only constants of our own are rendered into it, never values from a user.
"""

from __future__ import annotations

import io
from operator import itemgetter

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
from sqlalchemy import Select
from sqlalchemy.orm import Session

FETCH = 100_000
_ARROW = {"int64": pa.int64(), "float64": pa.float64(), "object": pa.string(),
          "bool": pa.bool_()}


def read_frame(session: Session, stmt: Select, dtypes: dict[str, str]) -> pd.DataFrame:
    """Run ``stmt`` (its columns in the order of ``dtypes``) and return a DataFrame with those
    column names and numpy dtypes (``int64``, ``float64``, ``bool`` or ``object``; NULL is NaN
    in float columns and None in object columns; integer columns must not be NULL)."""
    conn = session.connection()
    sql = str(stmt.compile(conn, compile_kwargs={"literal_binds": True}))
    raw = conn.connection.driver_connection
    if conn.dialect.name == "postgresql":
        return _copy_frame(raw, sql, dtypes)
    cursor = raw.cursor()
    try:
        cursor.execute(sql)
        parts = []
        while rows := cursor.fetchmany(FETCH):
            parts.append(_columns(rows, dtypes))
    finally:
        cursor.close()
    if not parts:
        return pd.DataFrame({n: np.array([], dtype=d) for n, d in dtypes.items()})
    return pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]


def _columns(rows: list[tuple], dtypes: dict[str, str]) -> pd.DataFrame:
    if len(rows[0]) != len(dtypes):
        raise ValueError(f"the statement has {len(rows[0])} columns, the dtypes {len(dtypes)}")
    # a column at a time (measured: a quarter of the time of transposing with zip(*rows))
    columns = [list(map(itemgetter(position), rows)) for position in range(len(dtypes))]
    data = {}
    for (name, dtype), values in zip(dtypes.items(), columns, strict=True):
        if dtype == "object":
            data[name] = np.array(values, dtype=object)
        elif dtype == "float64":
            data[name] = np.array(values, dtype=np.float64)  # None becomes NaN
        else:
            data[name] = np.fromiter(values, dtype=dtype, count=len(values))
    return pd.DataFrame(data)


def _copy_frame(raw, sql: str, dtypes: dict[str, str]) -> pd.DataFrame:  # noqa: ANN001
    buffer = io.BytesIO()
    with raw.cursor() as cursor, cursor.copy(
            f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER false)") as copy:
        for chunk in copy:
            buffer.write(chunk)
    buffer.seek(0)
    names = list(dtypes)
    if buffer.getbuffer().nbytes == 0:
        return pd.DataFrame({n: np.array([], dtype=d) for n, d in dtypes.items()})
    table = pacsv.read_csv(
        buffer,
        read_options=pacsv.ReadOptions(column_names=names),
        convert_options=pacsv.ConvertOptions(
            column_types={n: _ARROW[d] for n, d in dtypes.items()},
            strings_can_be_null=True, quoted_strings_can_be_null=False,
            true_values=["t"], false_values=["f"]),
    )
    frame = table.to_pandas()
    return frame.assign(**{n: frame[n].astype(object).where(frame[n].notna(), None)
                           for n, d in dtypes.items() if d == "object"})
