"""PostgreSQL fork safety: gunicorn ``--preload`` with 4 workers serving the real app.

    python benchmarks/reliability/pg_fork_safety.py [--minutes 10] [--workers 4] [--users 16]
        [--customers 1000] [--orders 20000] [--pg-url postgresql://postgres@127.0.0.1:5432]

A fresh PostgreSQL database with the demo data, then gunicorn with ``--preload`` (the app,
its engine and its pool are built once in the master before the workers fork) and
``--users`` signed-in clients (owner, manager and rep in turn) calling the cockpit and the
customer list through ``/_dash-update-component`` for ``--minutes``. Every two seconds the
script reads ``pg_stat_activity`` and, for the master and each worker, its open TCP
connections to the server (psutil), and matches them by client port.

Passes (reliability test 34) with 0 connection errors (answers that failed, and server log
lines such as "server closed the connection", SSL or protocol errors), 0 5xx, every worker
using backend PIDs of its own (no backend PID, and no socket, seen in two processes) and at
least one backend PID per worker.
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    DEFAULT_PG,
    Client,
    DataFolder,
    Server,
    common_args,
    machine_note,
    percentile,
    problem,
    verdict,
)

PERIODS = ("30d", "90d", "365d", "month", "quarter")


def sockets(pids: list[int], port: int) -> dict[int, set[int]]:
    """Local ports of each process's TCP connections to the database ``port``."""
    import psutil

    out: dict[int, set[int]] = {}
    for pid in pids:
        try:
            conns = psutil.Process(pid).net_connections(kind="tcp")
        except psutil.Error:
            continue
        out[pid] = {c.laddr.port for c in conns if c.raddr and c.raddr.port == port}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common_args(parser, 10, customers=1000, orders=20000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--port", type=int, default=8073)
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    args = parser.parse_args()

    print(f"PostgreSQL fork safety: gunicorn --preload, {args.workers} workers, {args.users} "
          f"users, {args.minutes:g} min; {machine_note()}", flush=True)
    data = DataFolder("postgresql", customers=args.customers, orders=args.orders,
                      pg_base=args.pg_url, tag="fork")
    server = None
    try:
        started = time.monotonic()
        users = data.build()
        print(f"demo database ready in {time.monotonic() - started:.0f} s", flush=True)
        server = Server(data.env, data.folder, port=args.port, workers=args.workers,
                        extra=["--preload"])
        workers = server.workers(expected=args.workers)
        pg_port = sa.engine.make_url(data.url).port or 5432
        admin = sa.create_engine(data.url.rsplit("/", 1)[0] + "/postgres")
        names = itertools.cycle(sorted(users))
        clients = []
        for _ in range(args.users):
            name = next(names)
            clients.append(Client(server.base, name, users[name]))
        stop = time.monotonic() + args.minutes * 60
        times: list[float] = []
        failures: dict[str, int] = defaultdict(int)
        lock = threading.Lock()

        def user(client: Client, seed: int) -> None:
            rng = random.Random(seed)
            while time.monotonic() < stop:
                query = {"period": rng.choice(PERIODS)}
                try:
                    if rng.random() < 0.5:
                        status, text, took = client.cockpit(query["period"])
                    else:
                        status, text, took = client.customer_rows(query)
                    why = problem(status, text)
                except Exception as exc:  # noqa: BLE001 - a refused or broken connection
                    why, took = f"{type(exc).__name__}: {str(exc)[:100]}", 0.0
                with lock:
                    if why:
                        failures[why[:140]] += 1
                    else:
                        times.append(took)
                time.sleep(rng.uniform(0.05, 0.3))

        threads = [threading.Thread(target=user, args=(c, n)) for n, c in enumerate(clients)]
        for thread in threads:
            thread.start()
        owners: dict[int, set[int]] = defaultdict(set)  # backend pid -> gunicorn pids
        shared_sockets = samples = 0
        seen_workers: set[int] = set(workers)
        master_sockets = 0
        while time.monotonic() < stop:
            current = server.workers()  # a worker gunicorn replaced is watched too
            seen_workers.update(current)
            held = sockets([server.proc.pid, *current], pg_port)
            with admin.connect() as conn:
                rows = conn.execute(sa.text(
                    "SELECT pid, client_port FROM pg_stat_activity WHERE datname = :d"),
                    {"d": data.database}).all()
            backend = {r.client_port: r.pid for r in rows if r.client_port}
            seen_ports: dict[int, int] = {}
            for pid, ports in held.items():
                if pid == server.proc.pid:
                    master_sockets = max(master_sockets, len(ports))
                for port in ports:
                    if port in seen_ports and seen_ports[port] != pid:
                        shared_sockets += 1
                    seen_ports[port] = pid
                    if port in backend:
                        owners[backend[port]].add(pid)
            samples += 1
            time.sleep(2)
        for thread in threads:
            thread.join(timeout=120)
        admin.dispose()
    finally:
        if server is not None:
            server.stop()
    log = server.log_errors()
    data.remove(keep=args.keep)

    per_worker = {pid: {b for b, holders in owners.items() if pid in holders}
                  for pid in sorted(seen_workers)}
    shared_backends = sum(1 for holders in owners.values() if len(holders) > 1)
    lacking = sum(1 for pid in workers if not per_worker[pid])
    failed = sum(failures.values())
    print(f"\n{len(times):,} callbacks answered (p50 {1000 * percentile(times, .5):.0f} ms, "
          f"p95 {1000 * percentile(times, .95):.0f} ms), {failed} failed; {samples} samples of "
          f"pg_stat_activity; {machine_note()}")
    print("backend PIDs per worker: " + "; ".join(
        f"worker {pid}: {sorted(b)}" for pid, b in per_worker.items()))
    print(f"master's sockets to the database after the fork: at most {master_sockets}")
    for why, n in sorted(failures.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  failure x{n}: {why}")
    passed = verdict([
        ("callbacks answered", len(times), "> 0", len(times) > 0),
        ("failed requests", failed, "0", failed == 0),
        ("connection errors in the log", log["connection errors"], "0",
         log["connection errors"] == 0),
        ("tracebacks in the log", log["Traceback"], "0", log["Traceback"] == 0),
        ("HTTP 5xx", log["HTTP 5xx"], "0", log["HTTP 5xx"] == 0),
        ("workers", len(workers), f"= {args.workers}", len(workers) == args.workers),
        ("backend PIDs seen", len(owners), f">= {args.workers}", len(owners) >= args.workers),
        ("backend PIDs in 2+ processes", shared_backends, "0", shared_backends == 0),
        ("sockets in 2+ processes", shared_sockets, "0", shared_sockets == 0),
        ("workers without a backend", lacking, "0", lacking == 0),
    ])
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
