"""Server time of the cockpit page for random filter changes, on a 1M-order demo database.

    python benchmarks/web_bench.py                      # 20,000 customers, 1M orders
    python benchmarks/web_bench.py --changes 400 --data-dir /tmp/cockpit-web-bench

Builds the demo database once (``cockpit demo --customers 20000 --orders 1000000`` into the
data folder; later runs reuse it), warms the figure cache for every as-of date and period the
run will ask for (as a deployment's first visitors would), then makes ``--changes`` random
filter changes (as-of date, period, customer type, region, account manager), taking turns as
owner, manager and rep, and times on the server:

- ``service, new view``: ``dashboard.services.cockpit.get_overview`` for filters not seen
  before (filters, scope, cached customer table, aggregates, backtest card);
- ``page callback, new view``: ``callbacks.cockpit.update_cockpit`` called directly in a
  request of that user, for filters not seen before (the service plus every panel);
- ``endpoint cockpit, seen view``: the same callback through ``/_dash-update-component``
  (session check, Dash dispatch, JSON) once the view is remembered (the back button, a
  colleague opening the same link);
- ``endpoint filter bar``: ``sync_filter_bar`` through the endpoint, as the browser calls it
  after each filter change.

Prints p50 / p95 / max in milliseconds per measure and role, and the CPU time per call beside
the wall time (the machine is shared). Goal: p95 at most 100 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password {name} 2026"


def _environment(data_dir: Path) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    return {**keep, "COCKPIT_DATA_DIR": str(data_dir), "COCKPIT_REDIS_URL": ""}


def ensure_demo(data_dir: Path, customers: int, orders: int) -> None:
    marker = data_dir / f"web-bench-{customers}-{orders}.done"
    if marker.exists():
        print(f"reusing the demo database in {data_dir}")
        return
    data_dir.mkdir(parents=True, exist_ok=True)
    print(f"building the demo database ({customers:,} customers, {orders:,} orders) in "
          f"{data_dir} ...", flush=True)
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from dashboard.cli import main; main()", "demo",
                    "--customers", str(customers), "--orders", str(orders), "--replace"],
                   env=_environment(data_dir), cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    marker.write_text("ok\n")
    print(f"  built in {time.perf_counter() - started:,.0f} s")


def _users(runtime):  # noqa: ANN001, ANN202
    """An owner, the manager of the first team and a rep of that team (created once)."""
    from dashboard.data import users as data
    from dashboard.db import session_scope
    from dashboard.scope import Actor
    from dashboard.services import users as user_service

    with session_scope(runtime.engine) as session:
        teams, reps = data.load_teams(session), data.load_reps(session)
    team = int(teams.sort_values("id").iloc[0]["id"])
    rep = int(reps[reps["team_id"] == team].sort_values("id").iloc[0]["id"])
    wanted = {"bench_owner": ("owner", {}), "bench_manager": ("manager", {"team": team}),
              "bench_rep": ("rep", {"rep": rep})}
    for name, (role, fields) in wanted.items():
        with session_scope(runtime.engine) as session:
            exists = data.get_user_by_username(session, name) is not None
        if not exists:
            user_service.create_user(runtime, Actor.system("bench"), {
                "username": name, "role": role, "password": PASSWORD.format(name=name),
                **fields})
    return list(wanted)


def _changes(runtime, usernames: list[str], count: int, seed: int) -> list[tuple]:  # noqa: ANN001
    """``count`` random (username, query) pairs, the users taking turns."""
    from dashboard.auth import actor_for
    from dashboard.data import users as data
    from dashboard.db import session_scope
    from dashboard.services import filters as filter_service
    from dashboard.web.context import Client

    rng = random.Random(seed)
    today = filter_service.today(runtime)
    dates = ["", (today - dt.timedelta(days=30)).isoformat()]
    out = []
    choices = {}
    for name in usernames:
        with session_scope(runtime.engine) as session:
            actor = actor_for(data.get_user_by_username(session, name), Client())
        choices[name] = filter_service.get_filter_choices(runtime, actor)
    for i in range(count):
        name = usernames[i % len(usernames)]
        c = choices[name]
        query = {"as_of": rng.choice(dates), "period": rng.choice(c.periods),
                 "type": rng.choice(["", "", *c.customer_types]),
                 "region": rng.choice(["", "", *c.regions]),
                 "manager": rng.choice(["", "", *(str(r) for r, _n in c.reps)])}
        out.append((name, {k: v for k, v in query.items() if v}))
    return out


def warm(runtime, dates: list[dt.date]) -> float:  # noqa: ANN001
    """Compute every table, fit and backtest the run will read (the cache then serves)."""
    from dashboard.analytics.periods import PERIODS
    from dashboard.services import customer_table

    started = time.perf_counter()
    for as_of in dates:
        for period in PERIODS:
            customer_table.customer_table(runtime, as_of, period)
        customer_table.get_backtest(runtime, as_of)
    customer_table.anonymous_days(runtime)
    return time.perf_counter() - started


def _percentiles(values: list[float]) -> str:
    ms = np.asarray(values) * 1000
    return (f"p50 {np.percentile(ms, 50):7.1f}  p95 {np.percentile(ms, 95):7.1f}  "
            f"max {ms.max():7.1f} ms  (n={len(ms)})")


class Timer:
    def __init__(self) -> None:
        self.wall: dict[tuple[str, str], list[float]] = defaultdict(list)
        self.cpu: dict[str, float] = defaultdict(float)

    def time(self, measure: str, role: str, call):  # noqa: ANN001, ANN201
        cpu, wall = time.process_time(), time.perf_counter()
        result = call()
        self.wall[(measure, role)].append(time.perf_counter() - wall)
        self.cpu[measure] += time.process_time() - cpu
        return result

    def report(self) -> None:
        for measure in dict.fromkeys(m for m, _r in self.wall):
            rows = {r: v for (m, r), v in self.wall.items() if m == measure}
            every = [x for v in rows.values() for x in v]
            print(f"{measure:<28} all      {_percentiles(every)}   "
                  f"cpu {self.cpu[measure] / len(every) * 1000:6.1f} ms/call")
            for role, values in rows.items():
                print(f"{'':<28} {role:<8} {_percentiles(values)}")


def open_demo(data_dir: Path, customers: int, orders: int):  # noqa: ANN201
    """The benchmark's demo database (built once), this process pointed at it, its runtime
    and the three benchmark users (owner, manager, rep)."""
    ensure_demo(data_dir, customers, orders)
    os.environ.update(_environment(data_dir))

    from dashboard.config import load_settings
    from dashboard.runtime import build_runtime
    from dashboard.secret_key import ensure_secret_key_file

    ensure_secret_key_file(load_settings())
    runtime = build_runtime(load_settings())
    return runtime, _users(runtime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--changes", type=int, default=200)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/cockpit-web-bench"))
    args = parser.parse_args()
    runtime, usernames = open_demo(args.data_dir, args.customers, args.orders)

    from dashboard.services import filters as filter_service

    changes = _changes(runtime, usernames, args.changes, args.seed)
    today = filter_service.today(runtime)
    seconds = warm(runtime, [today, today - dt.timedelta(days=30)])
    print(f"cache warmed in {seconds:,.1f} s (12 tables, 2 fits and backtests)")
    run(runtime, usernames, changes).report()


def run(runtime, usernames: list[str], changes: list[tuple]) -> Timer:  # noqa: ANN001
    from flask import g

    from app import create_app
    from callbacks.cockpit import update_cockpit
    from dashboard import filters as address
    from dashboard.auth import actor_for
    from dashboard.data import users as data
    from dashboard.db import session_scope
    from dashboard.services import cockpit as service
    from dashboard.web.context import Client
    from layouts import ids
    from tests.security.fixtures import Browser, callback_body, find_callback

    app = create_app(runtime.settings, runtime)
    browsers, sessions = {}, {}
    for name in usernames:
        browser = Browser(app)
        assert browser.login(name, PASSWORD.format(name=name)).status_code == 303
        browser.get("/")
        browsers[name] = browser
        with session_scope(runtime.engine) as session:
            sessions[name] = data.get_user_by_username(session, name)
    role = {"bench_owner": "owner", "bench_manager": "manager", "bench_rep": "rep"}
    cockpit_key = find_callback(app, ids.COCKPIT_HEADLINE)
    bar_key = find_callback(app, ids.FILTER_BAR)
    timer = Timer()
    for name, query in changes:
        actor = actor_for(sessions[name], Client())
        who = role[name]
        _forget_views(runtime)
        timer.time("service, new view", who,
                   lambda a=actor, q=query: service.get_overview(runtime, a,
                                                                 address.parse_filters(q)))
        _forget_views(runtime)
        with app.server.test_request_context("/"):
            g.user, g.client = _session_user(sessions[name]), Client()
            timer.time("page callback, new view", who, lambda q=query: update_cockpit(q))
        browser = browsers[name]
        body = callback_body(app, cockpit_key, {f"{ids.COCKPIT_QUERY}.data": query})
        timer.time("endpoint cockpit, seen view", who, lambda b=browser, x=body: _post(b, x))
        bar = callback_body(app, bar_key, {f"{ids.URL}.pathname": "/",
                                           f"{ids.URL}.search": address.encode(query)})
        timer.time("endpoint filter bar", who, lambda b=browser, x=bar: _post(b, x))
    return timer


def _forget_views(runtime) -> None:  # noqa: ANN001
    """Drop the remembered cockpit views (the scope and the bar's options stay)."""
    runtime.lookups.forget(lambda key: key[0] == "overview")


def _session_user(record):  # noqa: ANN001, ANN202
    from dashboard.data.users import SessionUser
    from dashboard.models import utcnow

    now = utcnow()
    return SessionUser(session_key="bench", created_at=now, last_seen_at=now,
                       user_id=record.id, username=record.username,
                       display_name=record.display_name, role=record.role,
                       team_id=record.team_id, rep_id=record.rep_id, language="en",
                       is_active=True)


def _post(browser, body) -> None:  # noqa: ANN001
    response = browser.post("/_dash-update-component", json=body,
                            headers={"X-CSRFToken": browser.csrf})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]


if __name__ == "__main__":
    main()
