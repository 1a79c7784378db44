"""Speed of ``cockpit recompute`` on a demo database.

    python benchmarks/recompute_bench.py                       # builds a 1M-order demo
    python benchmarks/recompute_bench.py --data-dir /tmp/x      # reuses a demo's data folder
    python benchmarks/recompute_bench.py --customers 200000 --orders 10000000

Prints wall and CPU seconds of:

1. the first run on a database without memberships: the customer table and churn model as of
   each of the last 24 month-ends (snapshots written, replayed into the membership history),
   then the current date;
2. a second run with nothing changed (idempotent: nothing written);
3. a run after a small import (one order for 1 % of the customers), figures recomputed;
4. a run a day later with the figures cached (what a nightly run costs);
5. the refresh after one scheme is saved (the editor's wait).

It empties memberships, snapshots and alerts first, so only use it on a demo folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import delete, func, select  # noqa: E402

from dashboard.config import load_settings  # noqa: E402
from dashboard.db import session_scope  # noqa: E402
from dashboard.models import (  # noqa: E402
    Alert,
    ClassificationScheme,
    Customer,
    CustomerSnapshot,
    Membership,
)
from dashboard.runtime import build_runtime  # noqa: E402
from dashboard.scope import Actor  # noqa: E402
from dashboard.services import imports, recompute  # noqa: E402


def timed(label: str, action):  # noqa: ANN001, ANN201
    wall, cpu = time.perf_counter(), time.process_time()
    value = action()
    print(f"  {label:<44} {time.perf_counter() - wall:7.1f} s wall "
          f"{time.process_time() - cpu:7.1f} s CPU")
    return value


def demo(folder: Path, customers: int, orders: int) -> None:
    env = {**os.environ, "COCKPIT_DATA_DIR": str(folder)}
    print(f"building the demo ({customers:,} customers, {orders:,} orders) in {folder} ...")
    subprocess.run([sys.executable, "-c", "from dashboard.cli import main; main()", "demo",
                    "--customers", str(customers), "--orders", str(orders)],
                   env=env, check=True, capture_output=True)


def counts(runtime) -> str:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        rows = s.execute(select(func.count()).select_from(Membership)).scalar()
        snaps = s.execute(select(func.count()).select_from(CustomerSnapshot)).scalar()
        alerts = s.execute(select(func.count()).select_from(Alert)).scalar()
    return f"{rows:,} membership rows, {snaps:,} snapshot rows, {alerts:,} alerts"


def small_import(runtime, as_of: dt.date) -> None:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        codes = s.execute(select(Customer.code).order_by(Customer.id)).scalars().all()
    chosen = codes[:: 100]
    run = uuid.uuid4().hex[:8]
    lines = ["customer,order_date,amount,order_id"] + [
        f"{code},{as_of.isoformat()},123.45,BENCH-{run}-{i}"
        for i, code in enumerate(chosen)]
    imports.import_file(runtime, "orders", ("\n".join(lines) + "\n").encode(),
                        filename="bench.csv")
    print(f"  (imported {len(chosen):,} orders; the import's own recompute included)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    args = parser.parse_args()
    folder = args.data_dir or Path(tempfile.mkdtemp(prefix="recompute-bench-"))
    if not (folder / "cockpit.sqlite3").exists() and "COCKPIT_DATABASE_URL" not in os.environ:
        demo(folder, args.customers, args.orders)
    runtime = build_runtime(load_settings(DATA_DIR=str(folder)))
    today = dt.date.today()
    runtime.today = lambda: today
    owner = Actor.system("bench")
    with session_scope(runtime.engine, write=True) as s:
        for model in (Alert, CustomerSnapshot, Membership):
            s.execute(delete(model))
        customers = s.execute(select(func.count()).select_from(Customer)).scalar()
    print(f"{customers:,} customers; as of {today}")
    first = timed("1. first run (24 month-ends replayed)",
                  lambda: recompute.run_recompute(runtime, owner, today))
    print(f"     month-ends {first.seconds['backfill']:.1f} s, current date "
          f"{first.seconds['figures']:.1f} s, writing {first.seconds['write']:.1f} s; "
          f"{counts(runtime)}")
    again = timed("2. second run, nothing changed", lambda: recompute.run_recompute(
        runtime, owner, today))
    print(f"     changed anything: {again.changed}")
    timed("3. import of 1 % new orders (+ recompute)", lambda: small_import(runtime, today))
    later = today + dt.timedelta(days=1)
    runtime.today = lambda: later
    timed("4. next day, figures computed afresh", lambda: recompute.run_recompute(
        runtime, owner, later))
    timed("   the same day again (figures cached)", lambda: recompute.run_recompute(
        runtime, owner, later))
    with session_scope(runtime.engine) as s:
        scheme = s.execute(select(ClassificationScheme.id)).scalars().first()
    if scheme is not None:
        timed("5. refresh after saving one scheme", lambda: recompute.refresh_sources(
            runtime, owner, {f"scheme:{scheme}"}))
    print(f"  {counts(runtime)}")


if __name__ == "__main__":
    main()
