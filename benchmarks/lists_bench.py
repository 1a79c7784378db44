"""Server time of the customer list and the portrait on a large demo database.

    python benchmarks/lists_bench.py                    # 200,000 customers, 1M orders
    python benchmarks/lists_bench.py --customers 20000 --data-dir /tmp/cockpit-web-bench

Builds the demo database once (``cockpit demo``; later runs reuse it, the data folder is
shared with ``web_bench.py`` for the same sizes), warms the figure cache for today's 30-day
and 365-day tables, then times on the server, as owner, manager and rep taking turns:

- ``list data, first request``: the list's extra columns after a data change (phone,
  e-mail, receivables from the open invoices, last visit / call / coupon, search text),
  once;
- ``page of 100 rows``: ``services.customers.get_customer_page`` for random list requests
  (a list selector, a sort column, sometimes a quick search or a column filter), the first
  page and a page further down;
- ``page callback``: ``callbacks.customers.update_customers_rows`` called directly in a
  request of that user (the service plus the rows formatted for the grid);
- ``select all matching`` and ``CSV export`` of the owner's whole list (rows per second);
- ``portrait``: ``services.portrait.get_portrait`` for random customers of the user.

Prints p50 / p95 / max in milliseconds and the CPU time per call beside the wall time (the
machine is shared). Goal: a page of 100 rows well under 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from web_bench import Timer, _session_user, open_demo  # noqa: E402

SORTS = ["revenue", "growth_pct", "last_order_date", "risk_score", "receivable", "overdue",
         "customer_name", "last_visit", "churn_pct", "status"]
SELECTORS = [{}, {"status": "churning"}, {"status": "lost"}, {"tier": "A"}, {"new": "1"},
             {"tier_prev": "A", "tier": "D"}, {"move": "down"}, {"mover": "revenue_drop"}]
FILTERS = [None, {"overdue": {"filterType": "number", "type": "greaterThan", "filter": 0}},
           {"last_order_date": {"filterType": "date", "type": "lessThan",
                                "dateFrom": "2026-09-01"}},
           {"q": {"filterType": "text", "type": "contains", "filter": "hardware"}},
           {"q": {"filterType": "text", "type": "contains", "filter": "shanghai trading"}}]


def _requests(rng: random.Random, count: int) -> list[tuple[dict, dict]]:
    out = []
    for _i in range(count):
        grid = {"startRow": 0, "endRow": 100,
                "sortModel": [{"colId": rng.choice(SORTS), "sort": rng.choice(["asc",
                                                                                "desc"])}],
                "filterModel": rng.choice(FILTERS) or {}}
        if rng.random() < 0.3:
            grid.update(startRow=1000, endRow=1100)
        out.append((rng.choice(SELECTORS), grid))
    return out


def _actors(runtime, usernames: list[str]) -> dict:  # noqa: ANN001
    from dashboard.auth import actor_for
    from dashboard.data import users as data
    from dashboard.db import session_scope
    from dashboard.web.context import Client

    found = {}
    for name in usernames:
        with session_scope(runtime.engine) as session:
            found[name] = actor_for(data.get_user_by_username(session, name), Client())
    return found


def time_lists(runtime, actors: dict, requests: list, timer: Timer) -> None:  # noqa: ANN001
    from callbacks.customers import list_request
    from dashboard import filters as address
    from dashboard.services import customers as service

    names = list(actors)
    for i, (selector, grid) in enumerate(requests):
        name = names[i % len(names)]
        request = list_request(selector, grid)
        assert address.parse_selector(selector) == request.selector
        timer.time("page of 100 rows", name.removeprefix("bench_"), lambda r=request, g=grid,
                   n=name: service.get_customer_page(runtime, actors[n], r, g["startRow"],
                                                     g["endRow"]))


def time_callbacks(runtime, usernames: list[str], requests: list,  # noqa: ANN001
                   timer: Timer) -> None:
    from flask import g

    from app import create_app
    from callbacks.customers import update_customers_rows
    from dashboard.data import users as data
    from dashboard.db import session_scope
    from dashboard.web.context import Client

    app = create_app(runtime.settings, runtime)
    users = {}
    for name in usernames:
        with session_scope(runtime.engine) as session:
            users[name] = _session_user(data.get_user_by_username(session, name))
    for i, (selector, grid) in enumerate(requests):
        name = usernames[i % len(usernames)]
        with app.server.test_request_context("/_dash-update-component", method="POST"):
            g.user, g.client = users[name], Client()
            timer.time("page callback", name.removeprefix("bench_"),
                       lambda s=selector, q=grid: update_customers_rows(q, s))


def time_bulk(runtime, actors: dict, timer: Timer) -> None:  # noqa: ANN001
    from dashboard.analytics.selection import Selector
    from dashboard.filters import FilterQuery
    from dashboard.reports.csv import iter_csv
    from dashboard.services import customers as service

    owner = actors["bench_owner"]
    lost = service.get_customer_page(runtime, owner, service.ListRequest(
        filters=FilterQuery(), selector=Selector(status="lost")), 0, 100)
    _token, count = timer.time("select all matching", "owner", lambda: service.select_matching(
        runtime, owner, lost.view_token))
    page = service.get_customer_page(runtime, owner, service.ListRequest(
        filters=FilterQuery(), selector=Selector()), 0, 100)
    started = time.perf_counter()
    export = service.export_customers(runtime, owner, page.view_token, "en")
    size = sum(len(chunk) for chunk in iter_csv(export.chunks))
    seconds = time.perf_counter() - started
    print(f"select all matching (lost): {count:,} customers; CSV export: {export.rows:,} rows, "
          f"{size / 2**20:,.1f} MB in {seconds:,.2f} s ({export.rows / seconds:,.0f} rows/s)")


def time_portraits(runtime, actors: dict, count: int, seed: int,  # noqa: ANN001
                   timer: Timer) -> None:
    from dashboard.filters import FilterQuery
    from dashboard.services import customer_table
    from dashboard.services import portrait as service

    rng = random.Random(seed)
    today = dt.date.today()
    table = customer_table.customer_table(runtime, today, "30d")
    for name, actor in actors.items():
        allowed = customer_table.scope_ids(runtime, actor)
        codes = table["customer_code"].to_numpy() if allowed is None else table.loc[
            table["customer_id"].isin(allowed), "customer_code"].to_numpy()
        for _i in range(count):
            code = str(rng.choice(codes))
            timer.time("portrait", name.removeprefix("bench_"),
                       lambda c=code, a=actor: service.get_portrait(runtime, a, c,
                                                                    FilterQuery()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=150)
    parser.add_argument("--portraits", type=int, default=10)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cockpit-lists-bench"))
    args = parser.parse_args()
    runtime, usernames = open_demo(args.data_dir, args.customers, args.orders)

    from dashboard.filters import Filters
    from dashboard.services import customer_table
    from dashboard.services import customers as service

    actors = _actors(runtime, usernames)
    today = dt.date.today()
    started = time.perf_counter()
    for period in ("30d", "365d"):
        customer_table.customer_table(runtime, today, period)
    print(f"figure cache warmed in {time.perf_counter() - started:,.1f} s")
    timer = Timer()
    timer.time("list data, first request", "any",
               lambda: service.list_data(runtime, Filters(as_of=today)))
    requests = _requests(random.Random(args.seed), args.requests)
    time_lists(runtime, actors, requests, timer)
    time_callbacks(runtime, usernames, requests[: args.requests // 3], timer)
    time_bulk(runtime, actors, timer)
    time_portraits(runtime, actors, args.portraits, args.seed, timer)
    timer.report()


if __name__ == "__main__":
    main()
