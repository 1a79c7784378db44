"""The columnar snapshot of the customer-day rollup.

Reading millions of rollup rows through SQL at every recompute is too slow, so each host keeps
a Parquet copy in the data folder and brings it up to date from the rollup change log
(``rollup_changes``): only the customers whose rows changed since the snapshot are read again;
a full rewrite of the rollup (demo, rebuild) reloads everything. Writers hold a file lock; the
file is replaced atomically, so readers in other workers never see half a file. Each process
also keeps the last frame it read in memory (the runtime's ``days`` memo), keyed by the
change id.
"""

from __future__ import annotations

import fcntl
import json
import os
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Engine

from dashboard.data.sales import (
    DAY_COLUMNS,
    get_rollup_change_id,
    load_customer_days,
    load_rollup_changes,
)
from dashboard.cache import Memo
from dashboard.db import data_identity, session_scope

_FILE = "customer_days.parquet"
_META = "customer_days.json"


@contextmanager
def _file_lock(folder: Path):  # noqa: ANN202
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "snapshot.lock", "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _read_meta(folder: Path) -> tuple[str, int] | None:
    try:
        meta = json.loads((folder / _META).read_text())
        if (folder / _FILE).exists():
            return str(meta["instance_id"]), int(meta["change_id"])
    except (FileNotFoundError, ValueError, KeyError):
        pass
    return None


def _write(folder: Path, frame: pd.DataFrame, instance_id: str, change_id: int) -> None:
    tmp = folder / f".{_FILE}.{os.getpid()}.tmp"
    table = pa.Table.from_pandas(frame[DAY_COLUMNS], preserve_index=False)
    pq.write_table(table, tmp, compression="zstd")
    os.replace(tmp, folder / _FILE)
    meta_tmp = folder / f".{_META}.{os.getpid()}.tmp"
    meta_tmp.write_text(json.dumps({"instance_id": instance_id, "change_id": change_id}))
    os.replace(meta_tmp, folder / _META)


def _read(folder: Path) -> pd.DataFrame:
    """The snapshot as a frame, read one column at a time: each numeric column's Arrow buffer
    becomes its NumPy array without a copy, so the file's rows are in memory once (reading
    the whole table and converting it held them twice: at 10M orders 1.68 GB of peak memory
    and 1.6 s, against 0.91 GB and 0.4 s)."""
    source = pq.ParquetFile(folder / _FILE)
    columns = {}
    for field in source.schema_arrow:
        column = source.read(columns=[field.name]).column(0)
        numeric = pa.types.is_integer(field.type) or pa.types.is_floating(field.type) \
            or pa.types.is_timestamp(field.type) or pa.types.is_boolean(field.type)
        columns[field.name] = (column.to_numpy() if numeric and column.null_count == 0
                               else column.to_pandas())
    return pd.DataFrame(columns, copy=False)


def _merge(base: pd.DataFrame, fresh: pd.DataFrame, customer_ids: list[int]) -> pd.DataFrame:
    kept = base[~base["customer_id"].isin(customer_ids)]
    return (
        pd.concat([kept, fresh], ignore_index=True)
        .sort_values(["customer_id", "day"], kind="stable")
        .reset_index(drop=True)
    )


def _bring_up_to_date(engine: Engine, folder: Path) -> tuple[tuple[str, int], pd.DataFrame]:
    with _file_lock(folder), session_scope(engine) as session:
        instance, _version = data_identity(session)
        meta = _read_meta(folder)
        known = meta[1] if meta is not None and meta[0] == instance else None
        last, full, keys = load_rollup_changes(session, -1 if known is None else known)
        if known is None or full:
            frame = load_customer_days(session)
        elif last == known:
            return (instance, last), _read(folder)
        else:
            ids = sorted(set(keys["customer_id"].tolist()))
            frame = _merge(_read(folder), load_customer_days(session, ids), ids)
    _write(folder, frame, instance, last)
    return (instance, last), frame


def current_days(engine: Engine, folder: Path, memo: Memo) -> pd.DataFrame:
    """The whole rollup as a DataFrame, up to date with the database; the frame last read is
    kept in ``memo`` (one per process: ``runtime.days``)."""
    folder = Path(folder)
    with session_scope(engine) as session:
        key = (str(folder.resolve()), *data_identity(session)[:1], get_rollup_change_id(session))
    found = memo.get(key)
    if found is not None:
        return found
    (instance, change_id), frame = _bring_up_to_date(engine, folder)
    memo.set((str(folder.resolve()), instance, change_id), frame)
    return frame
