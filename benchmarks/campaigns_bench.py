"""How fast campaigns are previewed, queued, delivered and matched to redemptions.

Prints, for one database (a temporary SQLite file unless ``--database-url`` is given):
preview and queue time for ``--recipients`` customers; sender throughput (messages per second)
with 1 and with ``--workers`` concurrent senders against a local HTTP SMS gateway (a Python
server in this process, so it competes for the same cores); and the time to match coupon codes
on ``--orders`` orders (every twentieth carrying a campaign code).

Run: ``python benchmarks/campaigns_bench.py [--recipients 10000] [--orders 200000]
[--send 2000] [--workers 3] [--database-url postgresql://...]``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy import delete, insert, select, text, update

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dashboard.analytics.kinds import RETAIL  # noqa: E402
from dashboard.config import load_settings  # noqa: E402
from dashboard.data.bulk import bulk_insert  # noqa: E402
from dashboard.data.campaigns import match_redemptions  # noqa: E402
from dashboard.db import make_engine, session_scope  # noqa: E402
from dashboard.messaging.coupons import CouponTerms  # noqa: E402
from dashboard.messaging.sender import Sender, SenderOptions  # noqa: E402
from dashboard.migrate import upgrade  # noqa: E402
from dashboard.models import Customer, Order, Outbox, User  # noqa: E402
from dashboard.runtime import Runtime  # noqa: E402
from dashboard.scope import Actor  # noqa: E402
from dashboard.services.campaigns import preview_campaign, queue_campaign  # noqa: E402


class _Gateway(BaseHTTPRequestHandler):
    count = 0
    lock = threading.Lock()

    def log_message(self, *args) -> None:  # noqa: ANN002
        return

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with _Gateway.lock:
            _Gateway.count += 1
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


def _database(url: str | None) -> tuple[str, Path]:
    folder = Path(tempfile.mkdtemp(prefix="cockpit-bench-"))
    return url or f"sqlite:///{folder / 'bench.sqlite3'}", folder


def _seed(engine, n: int) -> tuple[Actor, list[int]]:  # noqa: ANN001
    customers = pd.DataFrame({
        "code": [f"B{i:07d}" for i in range(n)], "name": [f"Customer {i}" for i in range(n)],
        "customer_type": RETAIL, "phone": [f"+86139{i:08d}" for i in range(n)],
        "opt_out_sms": np.arange(n) % 50 == 0, "opt_out_email": False})
    with session_scope(engine, write=True) as s:
        bulk_insert(s, Customer, customers)
        user = s.execute(insert(User).values(username="bench", password_hash="x",
                                             role="owner").returning(User.id)).scalar_one()
        ids = list(s.execute(select(Customer.id).order_by(Customer.id)).scalars())
    return Actor(user_id=user, username="bench", role="owner"), ids


def _timed(label: str, func, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
    start = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"{label:<48} {time.perf_counter() - start:8.2f} s")
    return result


def _send(rt: Runtime, workers: int, campaign: int) -> float:
    start = time.perf_counter()
    senders = [Sender(rt, options=SenderOptions(batch_size=50)) for _ in range(workers)]
    with ThreadPoolExecutor(workers) as pool:
        reports = list(pool.map(lambda s: s.run_pass(campaign_id=campaign), senders))
    seconds = time.perf_counter() - start
    sent = sum(r.sent for r in reports)
    print(f"{f'send {sent:,} messages, {workers} worker(s)':<48} {seconds:8.2f} s"
          f"   {sent / seconds:7.0f} msg/s")
    return seconds


def _orders(engine, ids: list[int], count: int) -> None:  # noqa: ANN001
    with session_scope(engine) as s:
        codes = pd.DataFrame(s.execute(select(Outbox.customer_id, Outbox.coupon_code)
                                       .where(Outbox.coupon_code.is_not(None))).all(),
                             columns=["customer_id", "coupon_code"])
    rng = np.random.default_rng(1)
    customer = rng.choice(ids, count)
    frame = pd.DataFrame({
        "order_no": [f"O{i:09d}" for i in range(count)], "customer_id": customer,
        "order_date": pd.Timestamp(dt.date.today()) + pd.to_timedelta(
            rng.integers(-300, 20, count), unit="D"),
        "amount": rng.gamma(2, 300, count).round(2), "is_return": False, "coupon_code": None})
    used = codes.sample(frac=min(1.0, count / 20 / max(1, len(codes))), random_state=1)
    take = frame.index[: len(used)]
    frame.loc[take, "customer_id"] = used["customer_id"].to_numpy()
    frame.loc[take, "coupon_code"] = used["coupon_code"].to_numpy()
    frame.loc[take, "order_date"] = pd.Timestamp(dt.date.today() + dt.timedelta(days=2))
    frame = frame.assign(order_date=frame["order_date"].dt.date)
    with session_scope(engine, write=True) as s:
        bulk_insert(s, Order, frame)
        if engine.dialect.name == "postgresql":
            s.execute(text("ANALYZE orders"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--send", type=int, default=2_000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--orders", type=int, default=200_000)
    args = parser.parse_args()
    url, folder = _database(args.database_url)
    engine = make_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    upgrade(engine)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Gateway)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    settings = load_settings(environ={}, DATABASE_URL=url, DATA_DIR=str(folder),
                             DAILY_SEND_CAP=10**9,
                             SMS_URL=f"http://127.0.0.1:{server.server_address[1]}/send")
    rt = Runtime(settings, engine)
    print(f"database: {engine.dialect.name}, recipients {args.recipients:,}")
    actor, ids = _timed(f"seed {args.recipients:,} customers", _seed, engine, args.recipients)
    terms = CouponTerms("value", 20, 200, 30, "BENCH-{random}", "Bench")
    _timed("preview", preview_campaign, rt, actor, ids, terms, "sms", None, "en", 10)
    result = _timed("queue (scope check, codes, messages, rows)", queue_campaign, rt, actor,
                    "bench-intent-0001", ids, terms, "sms", None, "en", 10)
    with session_scope(engine, write=True) as s:  # send only --send of them in the timings
        pending = select(Outbox.id).where(Outbox.status == "pending").order_by(Outbox.id)
        keep = list(s.execute(pending.limit(args.send)).scalars())
        s.execute(update(Outbox).where(Outbox.status == "pending", Outbox.id.not_in(keep))
                  .values(status="cancelled"))
    half = keep[len(keep) // 2]
    with session_scope(engine, write=True) as s:
        s.execute(update(Outbox).where(Outbox.id >= half, Outbox.id.in_(keep))
                  .values(next_attempt_at=dt.datetime(2100, 1, 1)))
    _send(rt, 1, result.campaign_id)
    with session_scope(engine, write=True) as s:
        s.execute(update(Outbox).where(Outbox.id.in_(keep), Outbox.status == "pending")
                  .values(next_attempt_at=None))
    _send(rt, args.workers, result.campaign_id)
    _timed(f"write {args.orders:,} orders", _orders, engine, ids, args.orders)
    with session_scope(engine, write=True) as s:
        found = _timed("match redemptions", match_redemptions, s)
        s.execute(delete(Order).where(Order.id < 0))
    print(f"redemptions matched: {found:,}; gateway received {_Gateway.count:,}")
    server.shutdown()


if __name__ == "__main__":
    main()
