"""Speed of the figures: cold recompute, warm cached read, against DuckDB on the same orders.

    python benchmarks/analytics_bench.py                      # 100k, 1M and 10M orders, both DBs
    python benchmarks/analytics_bench.py --sizes 100000,1000000 --no-pg

DuckDB, the reference, comes with the ``bench`` extra: ``pip install -e '.[bench]'``.

For each size (orders; customers = orders / 50) and database, a demo distributor is generated
into a fresh database (not timed here; see demo_bench.py), then a separate process measures:

- ``snapshot``: building the columnar snapshot of the rollup from the database (done once,
  and afterwards only for the customers a write touched);
- ``cold``: the full per-customer table as the cockpit needs it (both periods, every customer,
  status, tiers, movers, the churn model fitted and applied) from the snapshot, with an empty
  figure cache; ``table`` and ``fit`` are its two parts;
- ``warm``: the same table from the figure cache, in this process (memory) and in another
  worker (``warm_disk``: shared diskcache, deserialised);
- ``duckdb``: the same per-customer features (revenue and orders in both periods, first and
  last order, days since, mean gap over 365 days with the all-history fallback, risk score)
  computed by DuckDB SQL over an in-memory copy of the same orders; ``ratio`` = cold / duckdb.
- ``peak``: the measuring process's peak resident memory.

The goal (the product's speed budget): cold <= 2 x DuckDB at 1M and 10M orders on SQLite, warm
<= 50 ms, peak <= 2 GB at 10M orders. The PostgreSQL server is ``COCKPIT_BENCH_DATABASE_URL``
(or ``COCKPIT_TEST_DATABASE_URL``); the script creates and drops its own databases.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TODAY = dt.date(2026, 11, 22)
PERIOD = "365d"

DUCKDB_FEATURES = """
WITH o AS (
    SELECT customer_id, order_date AS d, amount, NOT is_return AS purchase
    FROM orders WHERE customer_id IS NOT NULL AND order_date <= $as_of
),
per AS (
    SELECT customer_id,
        coalesce(sum(amount) FILTER (WHERE d BETWEEN $start AND $as_of), 0) AS revenue,
        count(*) FILTER (WHERE purchase AND d BETWEEN $start AND $as_of) AS orders,
        coalesce(sum(amount) FILTER (WHERE d BETWEEN $prev_start AND $prev_end), 0)
            AS revenue_prev,
        count(*) FILTER (WHERE purchase AND d BETWEEN $prev_start AND $prev_end) AS orders_prev
    FROM o GROUP BY customer_id
),
days AS (SELECT DISTINCT customer_id, d FROM o WHERE purchase),
gaps AS (
    SELECT customer_id, min(d) AS first_order, max(d) AS last_order, count(*) AS n_all,
        count(*) FILTER (WHERE d > $as_of - 365) AS n_365,
        min(d) FILTER (WHERE d > $as_of - 365) AS first_365,
        max(d) FILTER (WHERE d > $as_of - 365) AS last_365
    FROM days GROUP BY customer_id
)
SELECT p.*, g.first_order, g.last_order, $as_of - g.last_order AS days_since_last_order,
    CASE WHEN g.n_365 >= 2 THEN (g.last_365 - g.first_365) / (g.n_365 - 1)
         WHEN g.n_all >= 2 THEN (g.last_order - g.first_order) / (g.n_all - 1) END
        AS mean_gap_days,
    ($as_of - g.last_order) / nullif(CASE WHEN g.n_365 >= 2
        THEN (g.last_365 - g.first_365) / (g.n_365 - 1)
        WHEN g.n_all >= 2 THEN (g.last_order - g.first_order) / (g.n_all - 1) END, 0)
        AS risk_score
FROM per p LEFT JOIN gaps g USING (customer_id)
"""


def _pg_server() -> str:
    return (os.environ.get("COCKPIT_BENCH_DATABASE_URL")
            or os.environ.get("COCKPIT_TEST_DATABASE_URL")
            or "postgresql://postgres@127.0.0.1:5432/postgres")


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn):  # noqa: ANN001, ANN202
    began = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - began


def generate(url: str, orders: int) -> None:
    """Child process: a fresh demo distributor in ``url``."""
    from dashboard.db import make_engine
    from dashboard.demo import DemoOptions, generate_demo
    from dashboard.migrate import upgrade

    engine = make_engine(url)
    upgrade(engine)
    generate_demo(engine, DemoOptions(customers=max(orders // 50, 100), orders=orders, seed=7,
                                      today=TODAY))
    engine.dispose()


def _duckdb_seconds(runtime) -> tuple[float, int]:  # noqa: ANN001
    """Copy the orders into DuckDB (not timed), then time the feature query."""
    import duckdb
    import pandas as pd
    from sqlalchemy import select

    from dashboard.models import Order

    with runtime.engine.connect() as conn:
        frame = pd.read_sql(select(Order.customer_id, Order.order_date, Order.amount,
                                   Order.is_return), conn)
    frame = frame.assign(order_date=pd.to_datetime(frame["order_date"]).dt.date,
                         amount=frame["amount"].astype("float64"),
                         is_return=frame["is_return"].astype(bool))
    con = duckdb.connect()
    con.register("orders_frame", frame)
    con.execute("CREATE TABLE orders AS SELECT * FROM orders_frame")
    del frame
    params = {"as_of": TODAY, "start": TODAY - dt.timedelta(days=364),
              "prev_start": TODAY - dt.timedelta(days=729),
              "prev_end": TODAY - dt.timedelta(days=365)}
    best, rows = float("inf"), 0
    for _ in range(3):
        result, seconds = _timed(lambda: con.execute(DUCKDB_FEATURES, params).fetchnumpy())
        best, rows = min(best, seconds), len(result["customer_id"])
    return best, rows


def measure(url: str, data_dir: str) -> dict:
    """Child process: the timings of one database."""
    from dashboard.analytics.churn_model import churn_predictions
    from dashboard.analytics.table import customer_table as build_table
    from dashboard.config import load_settings
    from dashboard.data import sales
    from dashboard.data.snapshot import current_days
    from dashboard.db import session_scope
    from dashboard.runtime import build_runtime
    from dashboard.services import customer_table

    settings = load_settings(environ={}, DATABASE_URL=url, DATA_DIR=data_dir,
                             SECRET_KEY="b" * 40)
    runtime = build_runtime(settings)
    rules = customer_table.figure_settings(runtime)
    out: dict = {}
    days, out["snapshot"] = _timed(lambda: current_days(runtime.engine, runtime.snapshot_dir,
                                                        runtime.days))
    runtime.days.clear()
    days, out["snapshot_read"] = _timed(lambda: current_days(runtime.engine,
                                                             runtime.snapshot_dir, runtime.days))
    with session_scope(runtime.engine) as session:
        customers, out["customers_read"] = _timed(lambda: sales.load_customers(session))
    table, out["table"] = _timed(lambda: build_table(days, customers, TODAY, PERIOD, rules))
    _, out["fit"] = _timed(lambda: churn_predictions(days, TODAY, rules.horizon_days))
    runtime.days.clear()
    full, out["cold"] = _timed(lambda: customer_table.customer_table(runtime, TODAY, PERIOD))
    _, out["warm"] = _timed(lambda: customer_table.customer_table(runtime, TODAY, PERIOD))
    runtime.cache.clear_memory()
    _, out["warm_disk"] = _timed(lambda: customer_table.customer_table(runtime, TODAY, PERIOD))
    out["customers"], out["day_rows"] = len(full), len(days)
    out["peak_mb"] = _peak_mb()
    out["duckdb"], out["duckdb_rows"] = _duckdb_seconds(runtime)
    return out


def _child(*args: str) -> str:
    done = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                          text=True)
    return done.stdout.strip().splitlines()[-1]


def _databases(backend: str, folder: Path):  # noqa: ANN202
    if backend == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}", None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = make_url(_pg_server()).set(drivername="postgresql+psycopg")
    name = f"cockpit_analytics_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.render_as_string(hide_password=False),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return server.set(database=name).render_as_string(hide_password=False), drop


def run(backend: str, orders: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="analytics-bench-") as tmp:
        folder = Path(tmp)
        url, drop = _databases(backend, folder)
        try:
            began = time.perf_counter()
            _child("--generate", url, str(orders))
            generated = time.perf_counter() - began
            result = json.loads(_child("--measure", url, str(folder / "data")))
        finally:
            if drop:
                drop()
    result.update(backend=backend, orders=orders, generate=generated)
    return result


def _row(r: dict) -> str:
    ms = {k: r[k] * 1000 for k in ("warm", "warm_disk")}
    return (f"| {r['orders']:>10,} | {r['customers']:>7,} | {r['backend']:<10} | "
            f"{r['snapshot']:6.2f} | {r['cold']:6.2f} | {r['table']:6.2f} | {r['fit']:6.2f} | "
            f"{ms['warm']:5.1f} | {ms['warm_disk']:6.1f} | {r['duckdb']:6.2f} | "
            f"{r['cold'] / r['duckdb']:5.2f} | {r['peak_mb']:7,.0f} |")


HEADER = ("| orders | customers | database | snapshot s | cold s | table s | fit s | warm ms |"
          " warm (other worker) ms | DuckDB s | cold / DuckDB | peak MB |\n"
          "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--generate":
        generate(sys.argv[2], int(sys.argv[3]))
        print("ok")
        return
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2], sys.argv[3])))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100000,1000000,10000000")
    parser.add_argument("--no-pg", action="store_true")
    args = parser.parse_args()
    backends = ["sqlite"] + ([] if args.no_pg else ["postgresql"])
    print(f"as of {TODAY}, period {PERIOD}; {os.cpu_count()} cores")
    print(HEADER, flush=True)
    for orders in (int(s) for s in args.sizes.split(",")):
        for backend in backends:
            print(_row(run(backend, orders)), flush=True)


if __name__ == "__main__":
    main()
