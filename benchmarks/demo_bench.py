"""Demo generation speed: ``cockpit demo`` into a fresh SQLite file and a fresh PostgreSQL
database, at the default size and at 1M orders, with and without index deferral.

    python benchmarks/demo_bench.py                          # default size and 1M, both DBs
    python benchmarks/demo_bench.py --sizes 2000:60000 --no-pg
    python benchmarks/demo_bench.py --sizes 200000:10000000 --no-pg --keep-indexes-too no

Each run prints seconds, rows written per second, the time of each stage, the peak memory of
the process (``ru_maxrss``) and, for SQLite, the database file size. The PostgreSQL server is
``COCKPIT_BENCH_DATABASE_URL`` (or ``COCKPIT_TEST_DATABASE_URL``, else
``postgresql://postgres@127.0.0.1:5432/postgres``); the script creates and drops its own
database there, and deletes its SQLite files.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.db import make_engine  # noqa: E402
from dashboard.demo import DemoOptions, generate_demo  # noqa: E402
from dashboard.migrate import upgrade  # noqa: E402

TODAY = dt.date(2026, 11, 22)


def _pg_server() -> str:
    return (os.environ.get("COCKPIT_BENCH_DATABASE_URL")
            or os.environ.get("COCKPIT_TEST_DATABASE_URL")
            or "postgresql://postgres@127.0.0.1:5432/postgres")


@contextmanager
def sqlite_database():  # noqa: ANN201
    with tempfile.TemporaryDirectory(prefix="demo-bench-") as folder:
        path = Path(folder) / "cockpit.sqlite3"
        yield f"sqlite:///{path}", path


@contextmanager
def postgres_database():  # noqa: ANN201
    server = make_url(_pg_server()).set(drivername="postgresql+psycopg")
    name = f"cockpit_demo_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server.render_as_string(hide_password=False),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False), None
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _size_of(path: Path | None) -> str:
    if path is None:
        return ""
    total = sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    return f", file {total / 1e6:,.0f} MB"


def run_once(backend: str, customers: int, orders: int, defer: bool) -> None:
    database = sqlite_database() if backend == "sqlite" else postgres_database()
    with database as (url, path):
        engine = make_engine(url)
        upgrade(engine)
        options = DemoOptions(customers=customers, orders=orders, seed=1, today=TODAY,
                              defer_indexes=defer)
        summary = generate_demo(engine, options)
        engine.dispose()
        rows = sum(summary.counts.values())
        total = summary.seconds["total"]
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{backend:<10} {customers:>9,} customers {summary.counts['orders']:>11,} orders"
              f"  defer={str(defer):<5} {total:8.1f} s  {rows:>12,} rows"
              f"  {rows / total:>9,.0f} rows/s  peak {peak:,.0f} MB{_size_of(path)}")
        stages = "  ".join(f"{k} {v:.1f}s" for k, v in summary.seconds.items() if k != "total")
        print(f"           stages: {stages}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="2000:60000,20000:1000000",
                        help="comma-separated CUSTOMERS:ORDERS pairs")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--keep-indexes-too", choices=["yes", "no"], default="yes",
                        help="also run without dropping the secondary indexes during the load")
    args = parser.parse_args()
    backends = ["sqlite"] + ([] if args.no_pg else ["postgresql"])
    for pair in args.sizes.split(","):
        customers, orders = (int(x) for x in pair.split(":"))
        for backend in backends:
            for defer in [True] + ([False] if args.keep_indexes_too == "yes" else []):
                run_once(backend, customers, orders, defer)


if __name__ == "__main__":
    main()
