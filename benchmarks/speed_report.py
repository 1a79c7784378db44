"""Every speed goal in one run, each figure beside its goal and a reference measured in the
same run.

    python benchmarks/speed_report.py                          # 1M orders, SQLite and PostgreSQL
    python benchmarks/speed_report.py --orders 200000 --no-pg --no-pages --no-callbacks
    python benchmarks/speed_report.py --orders 10000000 --no-pages --no-callbacks   # 10M

Each figure is a whole process timed from outside, as a user waits at the prompt:

1. **import, order-level**: ``cockpit import orders`` of ``--orders`` order-level rows (one
   customer per 20 orders, three years) into a new database, the recompute that follows
   included (goal: 15 s into SQLite, 30 s into PostgreSQL at 1M rows);
2. **import, lines**: the same command for ``--orders`` order lines in a fifth as many orders
   (20 s into SQLite, 30 s into PostgreSQL);
3. **recompute**: a cold ``cockpit export customers --period 365`` on the database of 1 (the
   figure cache emptied, the columnar snapshot kept), against the reference: a DuckDB
   process computing the core per-customer features (revenue and orders in both periods,
   first and last order, mean gap, risk score: ``analytics_bench.DUCKDB_FEATURES``) from a
   Parquet copy of the same orders (goal: at most twice DuckDB; peak memory at most 2 GB);
4. **pages** (``pages_bench.py``, its own 50,000-customer demo): each role's slowest page,
   median and worst opening, beside the 1.5 s goal and the sign-in page;
5. **page callbacks** (``page_callbacks_bench.py``, its own 20,000-customer demo): the
   portrait's and targets' p95 server time beside the 100 ms goal and the cockpit's callback
   for a view already seen.

The PostgreSQL server is ``COCKPIT_BENCH_DATABASE_URL`` (or ``COCKPIT_TEST_DATABASE_URL``,
else ``postgresql://postgres@127.0.0.1:5432/postgres``); the script creates and drops its own
databases. The machine is named at the end; the README keeps the latest table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from analytics_bench import DUCKDB_FEATURES  # noqa: E402 - after the path is set
from import_bench import generate as generate_lines  # noqa: E402
from import_bench import pg_admin_url  # noqa: E402

GOALS = {("order-level", "sqlite"): 15.0, ("order-level", "postgresql"): 30.0,
         ("lines", "sqlite"): 20.0, ("lines", "postgresql"): 30.0}
RATIO_GOAL, PEAK_GOAL_MB, PAGE_GOAL_S, CALLBACK_GOAL_MS = 2.0, 2048.0, 1.5, 100.0
TIME = "/usr/bin/time"  # GNU time (Debian's "time" package)

DUCKDB_PROCESS = """
import datetime as dt, sys
import duckdb
path, as_of, sql = sys.argv[1], dt.date.fromisoformat(sys.argv[2]), open(sys.argv[3]).read()
con = duckdb.connect()
con.execute("CREATE VIEW orders AS SELECT * FROM read_parquet('" + path.replace("'", "''") + "')")
params = {"as_of": as_of, "start": as_of - dt.timedelta(days=364),
          "prev_start": as_of - dt.timedelta(days=729), "prev_end": as_of - dt.timedelta(days=365)}
rows = con.execute(sql, params).fetchnumpy()
print(len(rows["customer_id"]))
"""


@dataclass
class Row:
    measure: str
    database: str
    figure: str
    goal: str
    reference: str
    met: bool | None

    def line(self) -> str:
        verdict = "" if self.met is None else ("met" if self.met else "**missed**")
        return (f"| {self.measure} | {self.database} | {self.figure} | {self.goal} | "
                f"{self.reference} | {verdict} |")


@dataclass
class Timed:
    seconds: float
    peak_mb: float
    output: str


def whole_process(args: list[str], env: dict[str, str], log: Path) -> Timed:
    """Wall seconds from start to exit and the process's peak resident memory, read by GNU
    time (a process forked from this one would count this one's memory as its own)."""
    rss = log.with_suffix(".rss")
    with log.open("w") as out:
        began = time.perf_counter()
        done = subprocess.run([TIME, "-f", "%M", "-o", str(rss), *args], env=env, cwd=ROOT,
                              stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              check=False)
        seconds = time.perf_counter() - began
    text = log.read_text(errors="replace")
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])} ... exited {done.returncode}:\n{text[-2000:]}")
    return Timed(seconds, int(rss.read_text().split()[-1]) / 1024, text)


def _cockpit(*args: str) -> list[str]:
    return [sys.executable, "-c", "from dashboard.cli import main; main()", *args]


def _environment(data_dir: Path, url: str | None) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_")}
    env = {**keep, "COCKPIT_DATA_DIR": str(data_dir), "COCKPIT_REDIS_URL": ""}
    if url:
        env["COCKPIT_DATABASE_URL"] = url
    return env


def order_level_file(path: Path, orders: int, seed: int = 11) -> int:
    """``orders`` order-level rows (order number, customer, date, amount), one customer per
    20 orders with skewed activity, over three years; the number of customers."""
    rng = np.random.default_rng(seed)
    customers = max(orders // 20, 10)
    weight = rng.lognormal(0, 1.2, customers)
    who = rng.choice(customers, orders, p=weight / weight.sum())
    day = pd.Timestamp(dt.date.today()) - pd.to_timedelta(rng.integers(1, 3 * 365, orders), "D")
    frame = pd.DataFrame({
        "order_id": np.char.add("SO-", np.char.zfill(np.arange(orders).astype(str), 8)),
        "customer": np.char.add("C", np.char.zfill(who.astype(str), 6)),
        "order_date": day.strftime("%Y-%m-%d"),
        "amount": np.round(rng.lognormal(6, 1, orders), 2)})
    frame.to_csv(path, index=False)
    return int(frame["customer"].nunique())


def lines_file(path: Path, lines: int) -> int:
    frame = generate_lines(lines, max(lines // 5, 1), max(lines // 20, 10), 800)
    # dated up to yesterday, like the order-level file, so the recompute sees recent activity
    shift = (pd.Timestamp(dt.date.today()) - pd.Timestamp("2026-01-01")).days
    dates = pd.to_datetime(frame["order_date"]) + pd.Timedelta(days=shift)
    frame["order_date"] = dates.dt.strftime("%Y-%m-%d")
    frame.to_csv(path, index=False)
    return int(frame["order_id"].nunique())


class Database:
    """A new SQLite file in ``folder`` or a new PostgreSQL database (dropped at the end)."""

    def __init__(self, kind: str, folder: Path) -> None:
        self.kind, self.folder, self.url, self._admin, self._name = kind, folder, None, None, ""
        folder.mkdir(parents=True)
        if kind == "postgresql":
            from sqlalchemy import create_engine, text
            from sqlalchemy.engine import make_url

            server = make_url(pg_admin_url()).set(drivername="postgresql+psycopg")
            self._admin = create_engine(server, isolation_level="AUTOCOMMIT")
            self._name = f"cockpit_speed_{uuid.uuid4().hex[:8]}"
            with self._admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{self._name}"'))
            self.url = server.set(database=self._name).render_as_string(hide_password=False)

    @property
    def env(self) -> dict[str, str]:
        return _environment(self.folder, self.url)

    def engine_url(self) -> str:
        return self.url or f"sqlite:///{self.folder / 'cockpit.sqlite3'}"

    def drop(self) -> None:
        if self._admin is not None:
            from sqlalchemy import text

            with self._admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{self._name}" WITH (FORCE)'))
            self._admin.dispose()


def orders_parquet(db: Database, path: Path) -> None:
    """The database's orders as Parquet, for the DuckDB process (not timed)."""
    from sqlalchemy import create_engine, select

    from dashboard.models import Order

    engine = create_engine(db.engine_url())
    with engine.connect() as conn:
        frame = pd.read_sql(select(Order.customer_id, Order.order_date, Order.amount,
                                   Order.is_return), conn)
    engine.dispose()
    frame.assign(order_date=pd.to_datetime(frame["order_date"]).dt.date,
                 amount=frame["amount"].astype("float64"),
                 is_return=frame["is_return"].astype(bool)).to_parquet(path, index=False)


def measure_database(kind: str, work: Path, files: dict[str, Path], orders: int) -> list[Row]:
    rows: list[Row] = []
    for name in ("order-level", "lines"):
        db = Database(kind, work / f"{kind}-{name}")
        try:
            done = whole_process(_cockpit("import", "orders", str(files[name])), db.env,
                                 work / f"{kind}-{name}.log")
            goal = GOALS[(name, kind)] * max(orders / 1_000_000, 1)
            what = ("order-level rows" if name == "order-level"
                    else f"order lines ({orders // 5:,} orders)")
            rows.append(Row(f"`cockpit import` of {orders:,} {what}, new database", kind,
                            f"{done.seconds:.1f} s", f"≤ {goal:.0f} s", "–",
                            done.seconds <= goal))
            print(rows[-1].line(), flush=True)
            if name == "order-level":
                rows += recompute_rows(db, work, kind)
        finally:
            db.drop()
    return rows


def recompute_rows(db: Database, work: Path, kind: str) -> list[Row]:
    parquet = work / f"{kind}-orders.parquet"
    orders_parquet(db, parquet)
    sql = work / "features.sql"
    sql.write_text(DUCKDB_FEATURES)
    script = work / "duckdb_features.py"
    script.write_text(DUCKDB_PROCESS)
    today = dt.date.today().isoformat()
    shutil.rmtree(db.folder / "cache", ignore_errors=True)  # cold: no figure cached
    cold = whole_process(_cockpit("export", "customers", "--period", "365", "--out",
                                  str(work / f"{kind}-customers.csv")), db.env,
                         work / f"{kind}-export.log")
    duck = whole_process([sys.executable, str(script), str(parquet), today, str(sql)],
                         dict(os.environ), work / f"{kind}-duckdb.log")
    ratio = cold.seconds / duck.seconds
    rows = [Row("cold `cockpit export customers --period 365`", kind,
                f"{cold.seconds:.2f} s = {ratio:.1f}× DuckDB", f"≤ {RATIO_GOAL:.0f}× DuckDB",
                f"DuckDB process {duck.seconds:.2f} s ({duck.output.strip()} customers)",
                ratio <= RATIO_GOAL),
            Row("its peak memory", kind, f"{cold.peak_mb:,.0f} MB", f"≤ {PEAK_GOAL_MB:,.0f} MB",
                f"DuckDB {duck.peak_mb:,.0f} MB", cold.peak_mb <= PEAK_GOAL_MB)]
    for row in rows:
        print(row.line(), flush=True)
    return rows


def page_rows(work: Path, repeat: int) -> list[Row]:
    out = work / "pages.json"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "pages_bench.py"), "--repeat",
                    str(repeat), "--json", str(out)], cwd=ROOT, check=True)
    times = {tuple(k.split(" ", 1)): v for k, v in json.loads(out.read_text()).items()}
    rows = []
    for role in dict.fromkeys(r for r, _p in times):
        mine = {p: v for (r, p), v in times.items() if r == role and "(reference)" not in p}
        floor = times[(role, "/login (reference)")]
        slowest = max(mine, key=lambda p: np.median(mine[p]))
        worst = max(mine, key=lambda p: max(mine[p]))
        over = sorted(p for p, v in mine.items() if max(v) > PAGE_GOAL_S)
        rows.append(Row(f"pages drawn, {role} ({len(mine)} pages, 50,000 customers)", "sqlite",
                        f"slowest median {np.median(mine[slowest]):.2f} s ({slowest}); worst "
                        f"opening {max(mine[worst]):.2f} s ({worst})"
                        + (f"; over: {', '.join(over)}" if over else ""),
                        f"≤ {PAGE_GOAL_S} s", f"sign-in page {np.median(floor):.2f} s",
                        not over))
        print(rows[-1].line(), flush=True)
    return rows


CALLBACK_LINE = re.compile(r"^(portrait|targets|cockpit)\s+(owner|manager|rep)\s+(\d+)\s+"
                           r"(\d+)\s+(\d+)\s+(\d+)")


def callback_rows(work: Path) -> list[Row]:
    done = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "page_callbacks_bench.py")],
                          cwd=ROOT, check=True, capture_output=True, text=True)
    (work / "callbacks.log").write_text(done.stdout + done.stderr)
    found = {(m.group(1), m.group(2)): (int(m.group(4)), int(m.group(5)))
             for m in map(CALLBACK_LINE.match, done.stdout.splitlines()) if m}
    rows = []
    for (page, role), (p50, p95) in found.items():
        if page == "cockpit":
            continue
        floor = found.get(("cockpit", role), (0, 0))
        rows.append(Row(f"{page} callback, {role} (20,000 customers)", "sqlite",
                        f"p50 {p50} ms, p95 {p95} ms", f"p95 ≤ {CALLBACK_GOAL_MS:.0f} ms",
                        f"cockpit, a view seen before: p95 {floor[1]} ms",
                        p95 <= CALLBACK_GOAL_MS))
        print(rows[-1].line(), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000,
                        help="order-level rows, and order lines, imported")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only")
    parser.add_argument("--no-pages", action="store_true", help="skip the browser benchmark")
    parser.add_argument("--no-callbacks", action="store_true",
                        help="skip the page callbacks' server time")
    parser.add_argument("--repeat", type=int, default=3, help="openings of each page")
    parser.add_argument("--keep", type=Path, default=None,
                        help="keep the files, databases' folders and logs here")
    args = parser.parse_args()
    if not Path(TIME).exists():
        sys.exit("needs GNU time (apt-get install time) for the peak memory")
    work = args.keep or Path(tempfile.mkdtemp(prefix="speed-report-"))
    work.mkdir(parents=True, exist_ok=True)
    print("| measure | database | figure | goal | reference (same run) | goal met |\n"
          "|---|---|---|---|---|---|", flush=True)
    rows: list[Row] = []
    try:
        files = {"order-level": work / "orders.csv", "lines": work / "lines.csv"}
        order_level_file(files["order-level"], args.orders)
        lines_file(files["lines"], args.orders)
        for kind in ("sqlite", *(() if args.no_pg else ("postgresql",))):
            rows += measure_database(kind, work, files, args.orders)
        if not args.no_callbacks:
            rows += callback_rows(work)
        if not args.no_pages:
            rows += page_rows(work, args.repeat)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    missed = sum(r.met is False for r in rows)
    print(f"\n{missed} of {sum(r.met is not None for r in rows)} goals missed; "
          f"{dt.date.today()}, {os.cpu_count()} cores, {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, {platform.platform(terse=True)}")


if __name__ == "__main__":
    main()
