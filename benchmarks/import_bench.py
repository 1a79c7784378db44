"""Import speed: generate a realistic order-line CSV, import it into a fresh SQLite file and a
fresh PostgreSQL database, then import the same file again (the idempotent path).

    python benchmarks/import_bench.py                       # 1M lines, SQLite and PostgreSQL
    python benchmarks/import_bench.py --lines 200000 --no-pg

Defaults: 1,000,000 lines in ~350,000 orders of 20,000 customers over 800 products and three
years, 3 % anonymous sales and 2 % returns. The PostgreSQL server is
``COCKPIT_BENCH_DATABASE_URL`` (or ``COCKPIT_TEST_DATABASE_URL``, else
``postgresql://postgres@127.0.0.1:5432/postgres``); the script creates and drops its own
database there. Prints rows per second for each run and the time of each stage.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.analytics.kinds import CUSTOMER_TYPES  # noqa: E402
from dashboard.db import make_engine  # noqa: E402
from dashboard.ingest.run import STAGES, run_import  # noqa: E402
from dashboard.migrate import upgrade  # noqa: E402

REGIONS = ["华东", "华北", "华南", "西南", "East", "North"]
TYPES = list(CUSTOMER_TYPES)


def generate(lines: int, orders: int, customers: int, products: int,
             seed: int = 7) -> pd.DataFrame:
    """Order lines, vectorised: customers with skewed activity, 1..n distinct products per
    order, prices from a product price list."""
    rng = np.random.default_rng(seed)
    sizes = 1 + rng.poisson(max(lines / orders - 1, 0), orders + orders // 5 + 10)
    sizes = np.minimum(sizes, products)
    ends = np.cumsum(sizes)
    n_orders = int(np.searchsorted(ends, lines, side="left")) + 1
    sizes = sizes[:n_orders]
    sizes[-1] -= int(ends[n_orders - 1] - lines)
    order = np.repeat(np.arange(n_orders), sizes)
    within = np.arange(lines) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    weight = rng.lognormal(0, 1.2, customers)
    cust = rng.choice(customers, n_orders, p=weight / weight.sum())
    anonymous = rng.random(n_orders) < 0.03
    day = pd.Timestamp("2023-01-01") + pd.to_timedelta(rng.integers(0, 3 * 365, n_orders), "D")
    first = rng.integers(0, products, n_orders)
    product = (np.repeat(first, sizes) + 7 * within) % products
    price = np.round(rng.lognormal(3, 0.8, products), 2)
    quantity = 1 + rng.poisson(3, lines)
    quantity = np.where(rng.random(lines) < 0.02, -quantity, quantity)
    cust_code = np.char.add("C", np.char.zfill(cust.astype(str), 5))
    code = np.where(anonymous, "", cust_code)[order]
    return pd.DataFrame({
        "order_id": np.char.add("SO-", np.char.zfill(order.astype(str), 7)),
        "customer": code,
        "order_date": day.strftime("%Y-%m-%d").to_numpy()[order],
        "product": np.char.add("P", np.char.zfill(product.astype(str), 4)),
        "quantity": quantity,
        "unit_price": price[product],
        "unit_cost": np.round(price[product] * 0.7, 2),
        "customer_name": np.where(code == "", "", np.char.add("Customer ", code)),
        "region": np.where(code == "", "", np.array(REGIONS)[cust[order] % len(REGIONS)]),
        "customer_type": np.where(code == "", "", np.array(TYPES)[cust[order] % len(TYPES)]),
        "account_manager": np.where(code == "", "", np.char.add("Rep ", (cust[order] % 25)
                                                                .astype(str))),
    })


class Stages:
    def __init__(self, kind: str) -> None:
        self.times: dict[str, float] = {}
        self.last = time.perf_counter()
        self.current: str | None = None

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        if self.current:
            self.times[self.current] = now - self.last
        self.current, self.last = stage, now

    def close(self) -> str:
        self("end")
        return "  ".join(f"{k} {v:.1f}s" for k, v in self.times.items())


def run(label: str, url: str, path: Path, rows: int) -> None:
    engine = make_engine(url)
    upgrade(engine)
    for attempt in ("first import", "re-import"):
        stages = Stages("orders")
        started = time.perf_counter()
        report = run_import(engine, "orders", path, progress=stages)
        seconds = time.perf_counter() - started
        print(f"{label:10} {attempt:13} {seconds:7.1f} s {rows / seconds:12,.0f} rows/s  "
              f"status={report.status}  [{stages.close()}]", flush=True)
        assert report.rows_rejected == 0, report.summary_lines()
    engine.dispose()


def pg_admin_url() -> str:
    return (os.environ.get("COCKPIT_BENCH_DATABASE_URL")
            or os.environ.get("COCKPIT_TEST_DATABASE_URL")
            or "postgresql://postgres@127.0.0.1:5432/postgres")


def run_postgresql(path: Path, rows: int) -> None:
    base = make_url(pg_admin_url()).set(drivername="postgresql+psycopg")
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"cockpit_import_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        run("postgresql", base.set(database=name).render_as_string(hide_password=False), path,
            rows)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--orders", type=int, default=None)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--products", type=int, default=800)
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args()
    orders = args.orders or max(1, round(args.lines * 0.35))
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        path = Path(tmp) / "orders.csv"
        started = time.perf_counter()
        frame = generate(args.lines, orders, args.customers, args.products)
        frame.to_csv(path, index=False)
        print(f"generated {len(frame):,} lines, {frame['order_id'].nunique():,} orders, "
              f"{frame['customer'].nunique() - 1:,} customers, "
              f"{path.stat().st_size / 1e6:.0f} MB CSV in {time.perf_counter() - started:.1f} s"
              f"; stages: {', '.join(STAGES['orders'])}", flush=True)
        if not args.no_sqlite:
            run("sqlite", f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", path, len(frame))
        if not args.no_pg:
            run_postgresql(path, len(frame))


if __name__ == "__main__":
    main()
