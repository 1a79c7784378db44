"""Speed of a batch of customer PDF reports on the demo distributor.

    python benchmarks/report_bench.py                     # 100 customers, default demo size
    python benchmarks/report_bench.py --customers 2000 --orders 60000 --limit 100 --zip

Builds the demo into a temporary SQLite file (``--database-url`` uses an existing database
instead, as it is), recomputes (so that every section has its risk history), then times
``services.reports.customers_report`` for ``--limit`` customers, highest risk first, in
Chinese; ``--zip`` also times the zip of one PDF per customer. Prints the wall time and the
process's CPU time of each beside the goal (a batch of 100 in at most 20 s): on a machine
other work keeps busy the wall time says more about the load than about the report.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from dashboard.config import load_settings  # noqa: E402
from dashboard.db import make_engine  # noqa: E402
from dashboard.demo import DemoOptions, generate_demo  # noqa: E402
from dashboard.filters import FilterQuery  # noqa: E402
from dashboard.migrate import upgrade  # noqa: E402
from dashboard.runtime import Runtime  # noqa: E402
from dashboard.scope import Actor  # noqa: E402
from dashboard.services import reports  # noqa: E402
from dashboard.services.recompute import run_recompute  # noqa: E402

TODAY = dt.date(2026, 11, 22)
GOAL_SECONDS = 20.0


def _runtime(url: str, folder: Path) -> Runtime:
    settings = load_settings(environ={}, DATABASE_URL=url, DATA_DIR=str(folder),
                             SECRET_KEY="bench-secret-key-" + "x" * 40, ENV="production")
    return Runtime(settings=settings, engine=make_engine(url))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--orders", type=int, default=60_000)
    parser.add_argument("--limit", type=int, default=100)
    parser.add_argument("--language", default="zh", choices=["en", "zh"])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--zip", action="store_true", help="also time the zip of one PDF each")
    args = parser.parse_args()
    owner = Actor.system("bench")
    with tempfile.TemporaryDirectory(prefix="report-bench-") as folder:
        url = args.database_url or f"sqlite:///{Path(folder) / 'cockpit.sqlite3'}"
        runtime = _runtime(url, Path(folder))
        if args.database_url is None:
            started = time.perf_counter()
            upgrade(runtime.engine)
            generate_demo(runtime.engine, DemoOptions(customers=args.customers,
                                                      orders=args.orders, seed=1, today=TODAY))
            run_recompute(runtime, owner, TODAY, backfill_months=12)
            print(f"demo {args.customers:,} customers, {args.orders:,} orders and recompute: "
                  f"{time.perf_counter() - started:.1f} s", flush=True)
        query = FilterQuery(as_of=TODAY)
        reports.customers_report(runtime, owner, query, limit=1, language=args.language)
        for as_zip in (False, True) if args.zip else (False,):
            started, cpu = time.perf_counter(), time.process_time()
            found = reports.customers_report(runtime, owner, query, limit=args.limit,
                                             language=args.language, as_zip=as_zip)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            what = "zip of one PDF each" if as_zip else "one PDF"
            print(f"{what}, {found.customers} customers: {seconds:.1f} s wall, {cpu:.1f} s CPU "
                  f"(goal <= {GOAL_SECONDS:.0f} s for 100), {len(found.content) / 1024:,.0f} "
                  f"KiB, {seconds / max(found.customers, 1) * 1000:,.0f} ms a customer",
                  flush=True)
        print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
