"""Speed of the figure engine on a synthetic customer-day rollup held in memory.

    python benchmarks/figures_bench.py                 # 1M rows
    python benchmarks/figures_bench.py --rows 10000000 # 10M rows (~200k customers)

Prints, per period, the best wall and CPU time of ``customer_table`` (the period and its previous period,
movers, tiers, status, ranks) and the peak memory it allocated (tracemalloc), then the time
of the cockpit aggregates and of a 365-day classification. Rows are one per customer per
day, spread over three years, about 45 days per customer on average (skewed: a few customers
buy almost daily), 3 % return-only days, unit costs known on 70 % of days.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
import tracemalloc

import numpy as np
import pandas as pd

from dashboard.analytics.classification import Band, Scheme, classify
from dashboard.analytics.kinds import CUSTOMER_TYPES, REVENUE_SHARE
from dashboard.analytics.overview import cockpit_overview
from dashboard.analytics.periods import period_bounds
from dashboard.analytics.settings import FigureSettings
from dashboard.analytics.table import customer_table

AS_OF = dt.date(2026, 11, 22)
SPAN_DAYS = 3 * 365


def synthetic(rows: int, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    customers = max(rows // 45, 10)
    weight = rng.lognormal(0.0, 1.0, customers)
    who = rng.choice(customers, size=int(rows * 1.1), p=weight / weight.sum())
    first = np.datetime64(AS_OF, "D").astype(np.int64) - SPAN_DAYS + 1
    day = rng.integers(first, first + SPAN_DAYS + 20, len(who))  # a few rows after as-of
    key = np.unique(who.astype(np.int64) * 100_000 + (day - first))
    key = np.sort(rng.choice(key, size=min(rows, len(key)), replace=False))
    cid, day = key // 100_000 + 1, key % 100_000 + first
    n = len(key)
    returns = rng.random(n) < 0.03
    orders = np.where(returns, 0, rng.integers(1, 4, n))
    revenue = np.round(rng.lognormal(6, 1.2, n), 2) * np.where(returns, -0.3, 1)
    costed = rng.random(n) < 0.7
    days = pd.DataFrame({
        "customer_id": cid,
        "day": (np.datetime64("1970-01-01", "D") + day.astype("timedelta64[D]")).astype(
            "datetime64[ns]"),
        "revenue": revenue,
        "orders": orders,
        "return_orders": returns.astype(np.int64),
        "return_amount": np.where(returns, revenue, 0.0),
        "costed_revenue": np.where(costed, revenue, 0.0),
        "cost": np.where(costed, np.round(revenue * 0.72, 2), 0.0),
        "coupon_orders": np.where(rng.random(n) < 0.05, np.minimum(orders, 1), 0),
    })
    ids = np.arange(1, customers + 1)
    people = pd.DataFrame({
        "customer_id": ids,
        "code": [f"C{i:07d}" for i in ids],
        "name": [f"Customer {i}" for i in ids],
        "customer_type": rng.choice(list(CUSTOMER_TYPES), customers,
                                    p=[0.6, 0.3, 0.1]),
        "region": rng.choice(["North", "South", "East", "West"], customers),
        "rep_id": rng.integers(1, 40, customers),
        "account_manager": "Rep",
        "team_id": rng.integers(1, 5, customers),
        "created_date": pd.Timestamp("2023-01-01"),
    })
    return days, people


def timed(label: str, repeat: int, func, *args):  # noqa: ANN001, ANN201
    """Best wall time of ``repeat`` runs, then one more run under tracemalloc for the peak
    memory it allocates (tracemalloc slows the run down, so it is not timed)."""
    times, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = func(*args)
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    tracemalloc.start()
    func(*args)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"  {label:<28} best {min(times):6.3f} s  cpu {min(cpu):6.3f} s  (runs: "
          f"{', '.join(f'{t:.3f}' for t in times)})   peak {peak / 2**20:6.0f} MB")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    start = time.perf_counter()
    days, people = synthetic(args.rows)
    print(f"{len(days):,} customer-day rows, {len(people):,} customers, "
          f"{days.memory_usage(deep=True).sum() / 2**20:.0f} MB in memory "
          f"(built in {time.perf_counter() - start:.1f} s)")
    settings = FigureSettings()
    table = None
    for period in ("30d", "365d", "month"):
        table = timed(f"customer_table {period}", args.repeat, customer_table, days, people,
                      AS_OF, period, settings)
    bounds = period_bounds(AS_OF, "month")
    timed("cockpit_overview", args.repeat, cockpit_overview, table, None, bounds)
    scheme = Scheme(REVENUE_SHARE.key, (Band("top 80 %", 80.0), Band("rest", 100.0)))
    timed("classify (revenue share)", args.repeat, classify, table, scheme)
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS {peak_rss:.0f} MB")


if __name__ == "__main__":
    main()
