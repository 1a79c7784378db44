"""Server time of the portrait and targets pages' callbacks, as owner and rep, on a large demo.

    python benchmarks/page_callbacks_bench.py                  # 20,000 customers, 1M orders
    python benchmarks/page_callbacks_bench.py --customers 2000 --orders 60000 --portraits 20

Builds (or reuses) the demo database of ``web_bench.py`` in ``--data-dir``, settles the
garbage collector as the server process does (``app.settle_collector``), reads the data
identity once per call as the server does per request (``dashboard.db.begin_request``),
warms the figure
cache with one call of each page, then calls in a request of each user:

- ``portrait``: ``callbacks.portrait.update_portrait`` for ``--portraits`` customers of the
  user's scope never opened before in the process (the service reads and every card);
- ``targets``: ``callbacks.targets.update_targets_page`` ``--repeat`` times (a refresh).

Prints p50 / p95 / max of the wall time and of the CPU time per call beside the goal of at
most 100 ms at p95, and, as a reference measured in the same run, the cockpit's callback for
a view already seen (``update_cockpit`` answered from the remembered view: the floor of a
page callback that draws panels).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from web_bench import _session_user, open_demo  # noqa: E402 - after the path is set

GOAL_MS = 100.0


def _row(name: str, role: str, walls: list[float], cpus: list[float]) -> str:
    def stats(values: list[float]) -> str:
        ordered = sorted(values)
        p95 = ordered[max(0, int(round(0.95 * len(ordered))) - 1)]
        return (f"{statistics.median(ordered) * 1000:7.0f} {p95 * 1000:7.0f} "
                f"{ordered[-1] * 1000:7.0f}")
    met = "met" if sorted(walls)[max(0, int(round(0.95 * len(walls))) - 1)] * 1000 <= GOAL_MS \
        else "missed"
    return f"{name:10s} {role:6s} {len(walls):5d}  {stats(walls)}   {stats(cpus)}   {met}"


def _timed(call) -> tuple[float, float]:  # noqa: ANN001
    """One call as one server request: the data identity is read once per request, as the
    server's ``begin_request`` hook arranges."""
    from dashboard.db import begin_request, end_request

    wall, cpu = time.perf_counter(), time.process_time()
    begin_request()
    try:
        call()
    finally:
        end_request()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--portraits", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cockpit-web-bench"))
    args = parser.parse_args()
    runtime, names = open_demo(args.data_dir, args.customers, args.orders)

    from flask import g
    from sqlalchemy import select

    from app import create_app, settle_collector
    from dashboard.data import users as user_data
    from dashboard.db import session_scope
    from dashboard.models import Customer
    from dashboard.web.context import Client

    app = create_app(runtime.settings, runtime)
    from callbacks.cockpit import update_cockpit
    from callbacks.portrait import update_portrait
    from callbacks.targets import update_targets_page

    settle_collector()
    print(f"{'page':10s} {'role':6s} {'calls':>5s}  {'wall ms p50':>11s} {'p95':>7s} {'max':>7s}"
          f"   {'CPU ms p50':>10s} {'p95':>7s} {'max':>7s}   goal p95 <= {GOAL_MS:.0f} ms")
    for name in (n for n in names if n != "bench_manager"):
        with session_scope(runtime.engine) as session:
            record = user_data.get_user_by_username(session, name)
            query = select(Customer.code).order_by(Customer.id)
            if record.rep_id is not None:
                query = query.where(Customer.rep_id == record.rep_id)
            codes = [c for (c,) in session.execute(query.limit(args.portraits + 1))]
        role = record.role
        with app.server.test_request_context("/"):
            g.user, g.client = _session_user(record), Client()
            update_portrait({"code": codes[0]}, None)  # the figure cache, as a first visitor
            update_targets_page({}, None, None, None)
            update_cockpit({})
            timed = [_timed(lambda c=code: update_portrait({"code": c}, None))
                     for code in codes[1:]]
            print(_row("portrait", role, [w for w, _c in timed], [c for _w, c in timed]))
            timed = [_timed(lambda i=i: update_targets_page({}, i + 1, None, None))
                     for i in range(args.repeat)]
            print(_row("targets", role, [w for w, _c in timed], [c for _w, c in timed]))
            timed = [_timed(lambda: update_cockpit({})) for _i in range(args.repeat)]
            print(_row("cockpit", role, [w for w, _c in timed], [c for _w, c in timed]))


if __name__ == "__main__":
    main()
