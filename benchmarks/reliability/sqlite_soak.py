"""SQLite write soak: 4 processes x 8 threads reading and writing one database file.

    python benchmarks/reliability/sqlite_soak.py [--minutes 10] [--processes 4] [--threads 8]
        [--write-share 0.10] [--customers 2000] [--orders 60000]

A fresh demo database (``cockpit init`` and ``cockpit demo`` in a folder under /tmp), then
``--processes`` processes (as gunicorn's workers: each its own engine and pool) with
``--threads`` threads each call the app's services for ``--minutes``: 90 % reads (the
cockpit overview, a customer portrait, a page of the customer list, for random periods) and
10 % writes (a new comment on a random customer, or an edit of one of the thread's own
comments), as the signed-in demo owner. Every write the service returned from is counted as
acknowledged.

Passes (reliability test 33) with 0 "database is locked"/SQLITE_BUSY errors, 0 other errors,
0 lost writes (every acknowledged comment is in the database with its last acknowledged text,
and no other soak comment is), 100 % of pooled connections in WAL mode with foreign keys on,
and the ``-wal`` file below 100 MB at every sample (one a second).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import DataFolder, common_args, machine_note, percentile, verdict  # noqa: E402

WAL_LIMIT_MB = 100
LOCK_WORDS = ("database is locked", "SQLITE_BUSY", "database table is locked")
PERIODS = ("30d", "90d", "365d", "month", "quarter")


def _worker(number: int, env: dict[str, str], threads: int, seconds: float,
            write_share: float, queue: Any) -> None:
    """One process: its own runtime (engine, pool, memos), ``threads`` threads."""
    os.environ.update(env)
    import sqlalchemy as sa
    from sqlalchemy import event

    from dashboard.config import load_settings
    from dashboard.runtime import build_runtime
    from dashboard.scope import Actor
    from dashboard.services import contacts, customers, portrait
    from dashboard.services.cockpit import get_overview

    runtime = build_runtime(load_settings())
    pragmas = {"connections": 0, "bad": 0}
    lock = threading.Lock()

    @event.listens_for(runtime.engine, "connect")
    def _check(dbapi_conn, _record):  # noqa: ANN001 - runs after the app's own listener
        cur = dbapi_conn.cursor()
        mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
        keys = cur.execute("PRAGMA foreign_keys").fetchone()[0]
        cur.close()
        with lock:
            pragmas["connections"] += 1
            pragmas["bad"] += int(str(mode).lower() != "wal" or int(keys) != 1)

    with runtime.engine.connect() as conn:
        owner = conn.execute(sa.text(
            "SELECT id, username FROM users WHERE role = 'owner' ORDER BY id")).first()
        codes = [r[0] for r in conn.execute(sa.text("SELECT code FROM customers")).all()]
    actor = Actor(user_id=owner.id, username=owner.username, role="owner")
    # warm the process's memos first (a worker's first request), so that the clock measures
    # the steady state and a short run still makes writes
    get_overview(runtime, actor, {"period": "90d"})
    deadline = time.monotonic() + seconds
    results: list[dict[str, Any]] = []

    def loop(thread: int) -> None:
        rng = random.Random(number * 1000 + thread)
        mine: dict[int, str] = {}  # comment id -> its last acknowledged text
        out = {"reads": [], "writes": [], "locks": 0, "errors": {}, "created": 0, "edits": 0}
        count = 0
        while time.monotonic() < deadline:
            count += 1
            started = time.perf_counter()
            write = rng.random() < write_share or count == 1  # each thread writes once
            try:
                if write:
                    text = f"soak {number}-{thread}-{count}"
                    if mine and rng.random() < 0.3:
                        comment = rng.choice(list(mine))
                        contacts.edit_comment(runtime, actor, comment, text)
                        mine[comment] = text
                        out["edits"] += 1
                    else:
                        comment = contacts.add_comment(runtime, actor, rng.choice(codes), text)
                        mine[comment] = text
                        out["created"] += 1
                else:
                    kind = rng.random()
                    query = {"period": rng.choice(PERIODS)}
                    if kind < 0.4:
                        get_overview(runtime, actor, query)
                    elif kind < 0.7:
                        portrait.get_portrait(runtime, actor, rng.choice(codes), query)
                    else:
                        customers.get_customer_page(
                            runtime, actor, customers.ListRequest(filters=query),
                            start=rng.choice((0, 100)), end=200)
            except Exception as exc:  # noqa: BLE001 - every failure is counted, by kind
                message = str(exc)
                if any(word in message for word in LOCK_WORDS):
                    out["locks"] += 1
                else:
                    key = f"{type(exc).__name__}: {message[:120]}"
                    out["errors"][key] = out["errors"].get(key, 0) + 1
                continue
            (out["writes"] if write else out["reads"]).append(time.perf_counter() - started)
        out["acknowledged"] = mine
        with lock:
            results.append(out)

    pool = [threading.Thread(target=loop, args=(t,)) for t in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    runtime.engine.dispose()
    queue.put({"process": number, "threads": results, "pragmas": pragmas})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common_args(parser, 10)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--write-share", type=float, default=0.10)
    args = parser.parse_args()

    data = DataFolder("sqlite", customers=args.customers, orders=args.orders, tag="soak")
    print(f"SQLite write soak: {args.processes} processes x {args.threads} threads, "
          f"{args.write_share:.0%} writes, {args.minutes:g} min; {machine_note()}", flush=True)
    started = time.monotonic()
    data.build(args.template)
    print(f"demo database ready in {time.monotonic() - started:.0f} s ({data.folder})",
          flush=True)
    database = data.folder / "cockpit.sqlite3"
    wal = database.with_name(database.name + "-wal")
    before = _soak_comments(data.url)

    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    seconds = args.minutes * 60
    procs = [context.Process(target=_worker, args=(n, data.env, args.threads, seconds,
                                                   args.write_share, queue))
             for n in range(args.processes)]
    for proc in procs:
        proc.start()
    wal_max = 0
    reports = []
    while len(reports) < len(procs):
        wal_max = max(wal_max, wal.stat().st_size if wal.exists() else 0)
        try:
            reports.append(queue.get(timeout=1))
        except Exception:  # noqa: BLE001 - queue.Empty: sample again
            if not any(p.is_alive() for p in procs) and queue.empty():
                break
    for proc in procs:
        proc.join(timeout=60)
    wal_max = max(wal_max, wal.stat().st_size if wal.exists() else 0)

    threads = [t for r in reports for t in r["threads"]]
    reads = [s for t in threads for s in t["reads"]]
    writes = [s for t in threads for s in t["writes"]]
    locks = sum(t["locks"] for t in threads)
    errors: dict[str, int] = {}
    for t in threads:
        for key, n in t["errors"].items():
            errors[key] = errors.get(key, 0) + n
    acknowledged = {cid: text for t in threads for cid, text in t["acknowledged"].items()}
    stored = _soak_comments(data.url)
    new = {cid: text for cid, text in stored.items() if cid not in before}
    lost = sum(1 for cid, text in acknowledged.items() if new.get(cid) != text)
    unacknowledged = len(set(new) - set(acknowledged))
    connections = sum(r["pragmas"]["connections"] for r in reports)
    bad = sum(r["pragmas"]["bad"] for r in reports)
    created = sum(t["created"] for t in threads)
    edits = sum(t["edits"] for t in threads)
    total = len(reads) + len(writes)
    span = args.minutes * 60

    print(f"\n{total:,} calls in {span:.0f} s ({total / span:.1f}/s): {len(reads):,} reads "
          f"(p50 {1000 * percentile(reads, .5):.0f} ms, p95 {1000 * percentile(reads, .95):.0f}"
          f" ms), {len(writes):,} writes ({created:,} new comments, {edits:,} edits; "
          f"p50 {1000 * percentile(writes, .5):.0f} ms, p95 "
          f"{1000 * percentile(writes, .95):.0f} ms); processes reporting "
          f"{len(reports)}/{len(procs)}; {machine_note()}")
    for key, n in sorted(errors.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  error x{n}: {key}")
    passed = verdict([
        ("processes that finished", len(reports), f"= {len(procs)}", len(reports) == len(procs)),
        ("writes acknowledged", len(writes), "> 0", len(writes) > 0),
        ("write share %", 100.0 * len(writes) / max(1, total), f"~{args.write_share:.0%}",
         True),
        ("lock errors (locked/BUSY)", locks, "0", locks == 0),
        ("other errors", sum(errors.values()), "0", not errors),
        ("lost writes", lost, "0", lost == 0),
        ("unacknowledged rows", unacknowledged, "0", unacknowledged == 0),
        ("pooled connections checked", connections, "> 0", connections > 0),
        ("  not WAL + foreign keys", bad, "0", bad == 0),
        ("largest -wal file (MB)", wal_max / 1048576, f"< {WAL_LIMIT_MB}",
         wal_max < WAL_LIMIT_MB * 1048576),
    ])
    data.remove(keep=args.keep)
    sys.exit(0 if passed else 1)


def _soak_comments(url: str) -> dict[int, str]:
    import sqlalchemy as sa

    engine = sa.create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT id, body FROM comments WHERE body LIKE 'soak %'")).all()
    engine.dispose()
    return {int(r.id): r.body for r in rows}


if __name__ == "__main__":
    main()
