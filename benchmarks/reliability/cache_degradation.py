"""Cache degradation: the cache folder on a 5 MB tmpfs, filled up, while users read.

    python benchmarks/reliability/cache_degradation.py [--minutes 2] [--workers 2]
        [--customers 2000] [--orders 60000]

A fresh SQLite demo data folder whose ``cache`` folder (the figure cache, saved list views,
background-job results, job owners: every diskcache of the app) is a 5 MB tmpfs mounted by
the script, gunicorn serving the real app on it, and a signed-in owner. After a warm-up the
tmpfs is filled to the last byte with a filler file, then for ``--minutes`` the owner reads
the cockpit and the customer list (random periods and sorts). A third of the way through,
``cockpit import customers`` adds one customer (the data changes while the cache cannot
store anything): every list read after it must count that customer.

Without the right to mount (not root), the script says so and makes the cache folder and
its files read-only instead, so that every cache write fails.

Passes (reliability test 36) with 100 % of reads answered 200 with data (no error message:
an exception inside a callback shows "Something went wrong"), 0 5xx, the import done, and
every read after the import showing the new customer (fresh data, not a stale cached
answer). The cache write failures the app logged (as warnings) are counted and printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import stat
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    Client,
    DataFolder,
    Server,
    cockpit,
    common_args,
    ids,
    machine_note,
    percentile,
    problem,
    run,
    verdict,
)

TMPFS_MB = 5
PERIODS = ("30d", "90d", "365d", "month", "quarter", "year")
SORTS = ("revenue", "orders", "customer_name", "last_order_date", "risk_score")


def mount_tmpfs(folder: Path) -> str:
    """Mount a 5 MB tmpfs on ``folder``: "tmpfs", or "read-only" when that is not allowed
    (the caller then makes the folder read-only after the server started)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={TMPFS_MB}m,mode=0700",
                           "tmpfs", str(folder)], capture_output=True, text=True)
    if done.returncode == 0:
        return "tmpfs"
    print(f"cannot mount a tmpfs ({done.stderr.strip() or done.returncode}): making the cache "
          "folder read-only instead", flush=True)
    return "read-only"


def fill(folder: Path, mode: str) -> int:
    """Fill the tmpfs (or make the folder read-only); the bytes still free."""
    if mode == "tmpfs":
        for name, size in (("filler.bin", 64 << 10), ("filler-small.bin", 512)):
            try:
                with (folder / name).open("wb") as handle:
                    while True:
                        handle.write(b"\0" * size)
                        handle.flush()
            except OSError:  # the disk is full: what this is for
                pass
        info = os.statvfs(folder)
        return info.f_bavail * info.f_frsize
    for path in sorted(folder.rglob("*"), key=lambda p: -len(p.parts)):
        path.chmod(stat.S_IRUSR | stat.S_IXUSR if path.is_dir() else stat.S_IRUSR)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    return 0


def list_total(text: str) -> int | None:
    try:
        return int(json.loads(text)["response"][ids.CUSTOMERS_GRID]["getRowsResponse"]
                   ["rowCount"])
    except (ValueError, KeyError, TypeError):
        return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common_args(parser, 2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=8074)
    args = parser.parse_args()

    print(f"cache degradation: cache folder on a full {TMPFS_MB} MB tmpfs, {args.workers} "
          f"workers, {args.minutes:g} min; {machine_note()}", flush=True)
    data = DataFolder("sqlite", customers=args.customers, orders=args.orders, tag="cache")
    users = data.build(args.template)
    cache = data.folder / "cache"
    mode = mount_tmpfs(cache)
    server = None
    reads: list[float] = []
    failures: dict[str, int] = {}
    stale = fresh = 0
    imported = False
    free = -1
    try:
        server = Server(data.env, data.folder, port=args.port, workers=args.workers)
        client = Client(server.base, "owner", users["owner"])
        status, text, _ = client.customer_rows({"period": "90d"})
        before = list_total(text)
        if problem(status, text) or before is None:
            raise SystemExit(f"warm-up read failed: {problem(status, text)}")
        client.cockpit("90d")
        free = fill(cache, mode)
        print(f"cache folder filled ({mode}); {free:,} bytes free; {before:,} customers "
              "listed", flush=True)
        rng = random.Random(3)
        span = args.minutes * 60
        start = time.monotonic()
        while time.monotonic() - start < span:
            if not imported and time.monotonic() - start > span / 3:
                sheet = data.folder / "new-customer.csv"
                sheet.write_text("customer,customer_name,region\n"
                                 "ZZ-CACHE-NEW,Cache Test Customer,North\n")
                run(cockpit("import", "customers", str(sheet)), data.env)
                imported = True
            query = {"period": rng.choice(PERIODS)}
            if rng.random() < 0.4:
                status, text, took = client.cockpit(query["period"])
                total = None
            else:
                grid_sort = [{"colId": rng.choice(SORTS), "sort": "desc"}]
                body = {"startRow": 0, "endRow": 100, "filterModel": {}, "sortModel": grid_sort}
                status, text, took = client.callback(ids.CUSTOMERS_COUNT, {
                    f"{ids.CUSTOMERS_GRID}.getRowsRequest": body,
                    f"{ids.CUSTOMERS_QUERY}.data": query})
                total = list_total(text)
            why = re.sub(r"\(reference \w+\)", "(reference ...)", problem(status, text))
            if why:
                failures[why[:140]] = failures.get(why[:140], 0) + 1
                continue
            reads.append(took)
            if imported and total is not None:
                if total == before + 1:
                    fresh += 1
                else:
                    stale += 1
    finally:
        if server is not None:
            server.stop()
        if mode == "tmpfs":
            subprocess.run(["umount", "-l", str(cache)], check=False)
        else:
            for path in [cache, *cache.rglob("*")]:
                path.chmod(stat.S_IRWXU)
    log = server.log_errors() if server is not None else {}
    data.remove(keep=args.keep)

    failed = sum(failures.values())
    print(f"\n{len(reads):,} reads answered (p50 {1000 * percentile(reads, .5):.0f} ms, p95 "
          f"{1000 * percentile(reads, .95):.0f} ms), {failed} failed; cache: {mode}; "
          f"{machine_note()}")
    print(f"cache failures the app logged as warnings: {log.get('cache warnings', 0)}")
    for why, n in sorted(failures.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  failure x{n}: {why}")
    passed = verdict([
        ("cache bytes free after filling", free, "< 65,536 (full)", 0 <= free < 65536),
        ("reads answered with data", len(reads), "> 0", len(reads) > 0),
        ("reads failed", failed, "0", failed == 0),
        ("HTTP 5xx", log.get("HTTP 5xx", -1), "0", log.get("HTTP 5xx") == 0),
        ("customer import while full", "done" if imported else "not run", "done", imported),
        ("list reads after it, fresh", fresh, "> 0", fresh > 0),
        ("list reads after it, stale", stale, "0", stale == 0),
    ])
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
