"""Slow dependencies: 2 s of database latency, and an e-mail (SMTP) outage, for N minutes.

    python benchmarks/reliability/slow_dependencies.py [--minutes 5] [--delay 2]
        [--part both|database|smtp] [--recipients 40] [--pg-url postgresql://...]

A fresh PostgreSQL database with the demo data. Two parts:

- ``database``: gunicorn (2 workers) serving the real app reaches PostgreSQL through a TCP
  proxy in this script. After sign-in the proxy holds every answer of the server for
  ``--delay`` seconds for ``--minutes``, while 4 signed-in clients call the cockpit and the
  customer list; then the delay is lifted and the same calls are timed again. Passes when
  every callback answers (data, or the worded "the database is answering slowly" message;
  never a 5xx, a broken connection or a request held until gunicorn's 30 s timeout), no
  request spends more than the time budget (``COCKPIT_CALLBACK_DEADLINE``, 15 s) plus 10 s
  in the server (the access log's times; a user's wait also counts the queue behind the
  other users' slow requests, and is shown) and answers are fast again after the delay is
  lifted (p95 < ``--after-goal``, 2 s).
- ``smtp``: an e-mail campaign to ``--recipients`` demo customers is queued with the
  service, and the real sender (``cockpit send --interval 1``) runs while the local SMTP
  server (aiosmtpd) is stopped for ``--minutes``: the rows must stay ``pending`` the whole
  time (a row may be ``sending`` while the sender tries the server; never ``failed``,
  ``unknown`` or ``sent``, nothing given up). Then the SMTP server starts again
  on the same port: every row must end ``sent`` and the server must receive each message
  exactly once (counted by Message-ID).

Reliability test 38. Prints the figures beside the passing figures.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import (  # noqa: E402
    ACCESS_LINE,
    DEFAULT_PG,
    ROOT,
    Client,
    DataFolder,
    Server,
    cockpit,
    common_args,
    machine_note,
    percentile,
    problem,
    verdict,
)

GUNICORN_TIMEOUT = 30
BUDGET = 15.0  # COCKPIT_CALLBACK_DEADLINE's default: no statement starts after it
PERIODS = ("30d", "90d", "365d", "month", "quarter")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DelayProxy:
    """A TCP proxy to the database that, while ``delay`` > 0, holds every chunk the server
    sends for ``delay`` seconds (so each round trip takes that much longer)."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.delay = 0.0
        self.port = free_port()
        self.listener = socket.create_server(("127.0.0.1", self.port))
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            threading.Thread(target=self._pump, args=(client, server, False), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, True), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket, slow: bool) -> None:
        try:
            while chunk := source.recv(65536):
                if slow and self.delay:
                    time.sleep(self.delay)
                target.sendall(chunk)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def close(self) -> None:
        self.listener.close()


def database_part(data: DataFolder, users: dict[str, str], args: argparse.Namespace) -> list:
    url = sa.engine.make_url(data.url)
    proxy = DelayProxy((url.host or "127.0.0.1", url.port or 5432))
    env = {**data.env, "COCKPIT_DATABASE_URL": str(url.set(
        drivername="postgresql", host="127.0.0.1", port=proxy.port).render_as_string(
        hide_password=False))}
    server = Server(env, data.folder, port=args.port, workers=2, timeout=GUNICORN_TIMEOUT)
    slow: list[float] = []
    fast: list[float] = []
    outcomes: Counter[str] = Counter()
    try:
        names = sorted(users)
        clients = [Client(server.base, names[n % len(names)], users[names[n % len(names)]],
                          timeout=GUNICORN_TIMEOUT + 30) for n in range(4)]
        for client in clients:  # warm each worker's memos while the database is fast
            client.cockpit("90d")
        lock = threading.Lock()

        def call(client: Client, rng: random.Random, into: list[float]) -> None:
            period = rng.choice(PERIODS)
            try:
                if rng.random() < 0.5:
                    status, text, took = client.cockpit(period)
                else:
                    status, text, took = client.customer_rows({"period": period})
                why = problem(status, text)
                kind = ("data" if not why else "message" if why.startswith("message:")
                        else f"failed: {why[:60]}")
            except Exception as exc:  # noqa: BLE001 - a broken connection or a timeout
                kind, took = f"failed: {type(exc).__name__}", float(GUNICORN_TIMEOUT)
            with lock:
                into.append(took)
                outcomes[("slow " if into is slow else "fast ") + kind] += 1

        def run_for(seconds: float, into: list[float]) -> None:
            stop = time.monotonic() + seconds

            def user(client: Client, seed: int) -> None:
                rng = random.Random(seed)
                while time.monotonic() < stop:
                    call(client, rng, into)

            threads = [threading.Thread(target=user, args=(c, n)) for n, c in enumerate(clients)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()

        proxy.delay = args.delay
        print(f"database answers delayed by {args.delay:g} s for {args.minutes:g} min ...",
              flush=True)
        run_for(args.minutes * 60, slow)
        proxy.delay = 0.0
        print("delay lifted ...", flush=True)
        run_for(max(20.0, args.minutes * 60 / 5), fast)
    finally:
        server.stop()
        proxy.close()
    log = server.log_errors()
    in_server = [int(micros) / 1e6 for _m, path, _s, micros in
                 ACCESS_LINE.findall(server.log.read_text(errors="replace"))
                 if path.endswith("/_dash-update-component")]
    failed = sum(n for kind, n in outcomes.items() if "failed" in kind)
    print(f"\ndatabase part: {len(slow)} callbacks while slow (p50 {percentile(slow, .5):.1f} s, "
          f"p95 {percentile(slow, .95):.1f} s, max {max(slow, default=0):.1f} s), {len(fast)} "
          f"after (p95 {percentile(fast, .95):.2f} s); outcomes: "
          + ", ".join(f"{k} {v}" for k, v in sorted(outcomes.items())))
    return [
        ("callbacks while the database is slow", len(slow), "> 0", len(slow) > 0),
        ("  failed (no answer, 5xx)", failed, "0", failed == 0),
        ("  longest time in the server (s)", max(in_server, default=0.0),
         f"<= {BUDGET:g} + 10", bool(in_server) and max(in_server) <= BUDGET + 10),
        ("  longest wait of a user (s), queue included", max(slow, default=0.0), "(shown)",
         True),
        ("HTTP 5xx in the log", log["HTTP 5xx"], "0", log["HTTP 5xx"] == 0),
        ("worker timeouts in the log", log["worker timeouts"], "0",
         log["worker timeouts"] == 0),
        ("p95 after the delay is lifted (s)", percentile(fast, .95), f"< {args.after_goal:g}",
         bool(fast) and percentile(fast, .95) < args.after_goal),
    ]


class Sink:
    """The local SMTP server: messages counted by Message-ID; stopped and started again."""

    def __init__(self) -> None:
        self.port = free_port()
        self.ids: Counter[str] = Counter()
        self.controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
                for line in envelope.content.splitlines():
                    if line.lower().startswith(b"message-id:"):
                        sink.ids[line.split(b":", 1)[1].strip().decode()] += 1
                return "250 2.0.0 Ok: queued"

        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


def smtp_part(data: DataFolder, args: argparse.Namespace) -> list:
    sink = Sink()
    env = {**data.env, "COCKPIT_SMTP_HOST": "127.0.0.1", "COCKPIT_SMTP_PORT": str(sink.port),
           "COCKPIT_SMTP_STARTTLS": "false", "COCKPIT_SMTP_FROM": "shop@example.com"}
    os.environ.update(env)
    from dashboard.config import load_settings
    from dashboard.messaging.coupons import CouponTerms
    from dashboard.runtime import build_runtime
    from dashboard.scope import Actor
    from dashboard.services.campaigns import queue_campaign

    runtime = build_runtime(load_settings())
    with runtime.engine.connect() as conn:
        owner = conn.execute(sa.text(
            "SELECT id, username FROM users WHERE role = 'owner' ORDER BY id")).first()
        chosen = [r[0] for r in conn.execute(sa.text(
            "SELECT id FROM customers WHERE email IS NOT NULL AND email <> '' "
            "AND NOT opt_out_email ORDER BY id LIMIT :n"), {"n": args.recipients}).all()]
    actor = Actor(user_id=owner.id, username=owner.username, role="owner")
    terms = CouponTerms("percent", 10, 0, 30, "SLOW-{random}", "Slow")
    queued = queue_campaign(runtime, actor, f"intent-{uuid.uuid4().hex[:16]}", chosen, terms,
                            "email")
    campaign = queued.campaign_id

    def statuses() -> Counter[str]:
        with runtime.engine.connect() as conn:
            return Counter(dict(conn.execute(sa.text(
                "SELECT status, count(*) FROM outbox WHERE campaign_id = :c GROUP BY status"),
                {"c": campaign}).all()))

    queued_rows = sum(statuses().values())
    log = (data.folder / "sender.log").open("w")
    sender = subprocess.Popen([*cockpit("send", "--interval", "1")], env=env, cwd=ROOT,
                              stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    log.close()
    not_pending = in_flight = 0
    worst: Counter[str] = Counter()
    recovery = None
    try:
        print(f"SMTP server down for {args.minutes:g} min; {queued_rows} e-mails queued ...",
              flush=True)
        stop = time.monotonic() + args.minutes * 60
        while time.monotonic() < stop:
            now = statuses()
            # "sending" is a row the sender holds while it tries the server (it goes back
            # to pending when the server is down); anything else is a decision made on an
            # outage: failed, unknown, sent
            if set(now) - {"pending", "sending"}:
                not_pending += 1
            in_flight += int("sending" in now)
            worst.update({k: v for k, v in now.items() if k != "pending"})
            if sender.poll() is not None:
                break
            time.sleep(2)
        sink.start()
        restarted = time.monotonic()
        print("SMTP server up again ...", flush=True)
        while time.monotonic() - restarted < 180:
            if statuses().get("sent", 0) == queued_rows:
                recovery = time.monotonic() - restarted
                break
            time.sleep(1)
        time.sleep(3)  # any late second delivery would arrive now
    finally:
        if sender.poll() is None:
            sender.terminate()
            try:
                sender.wait(timeout=30)
            except subprocess.TimeoutExpired:
                sender.kill()
        sink.stop()
        runtime.engine.dispose()
    final = statuses()
    received = sum(sink.ids.values())
    duplicates = sum(n - 1 for n in sink.ids.values() if n > 1)
    print(f"\nSMTP part: {queued_rows} rows queued; during the outage a row in flight "
          f"(sending) in {in_flight} samples, failed/unknown/sent in {not_pending} "
          f"({dict(worst)}); after: {dict(final)}; the server "
          f"received {received} messages ({len(sink.ids)} distinct); all sent "
          + (f"{recovery:.0f} s after the restart" if recovery is not None else "never"))
    return [
        ("e-mails queued", queued_rows, "> 0", queued_rows > 0),
        ("samples with a row failed/unknown/sent", not_pending, "0 (outage)",
         not_pending == 0),
        ("sender still running", "yes" if sender.returncode in (None, -15, 0) else "no",
         "yes", sender.returncode in (None, -15, 0)),
        ("rows sent after recovery", final.get("sent", 0), f"= {queued_rows}",
         final.get("sent", 0) == queued_rows),
        ("messages received", received, f"= {queued_rows}", received == queued_rows),
        ("duplicate deliveries", duplicates, "0", duplicates == 0),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common_args(parser, 5, customers=1000, orders=20000)
    parser.add_argument("--delay", type=float, default=2.0)
    parser.add_argument("--part", choices=("both", "database", "smtp"), default="both")
    parser.add_argument("--recipients", type=int, default=40)
    parser.add_argument("--port", type=int, default=8076)
    parser.add_argument("--pg-url", default=DEFAULT_PG)
    parser.add_argument("--after-goal", type=float, default=2.0,
                        help="passing p95 (s) of the callbacks after the delay is lifted")
    args = parser.parse_args()

    print(f"slow dependencies ({args.part}): {args.delay:g} s database latency, SMTP outage, "
          f"{args.minutes:g} min each; {machine_note()}", flush=True)
    data = DataFolder("postgresql", customers=args.customers, orders=args.orders,
                      pg_base=args.pg_url, tag="slow")
    rows = []
    try:
        users = data.build()
        if args.part in ("both", "smtp"):
            rows += smtp_part(data, args)
        if args.part in ("both", "database"):
            rows += database_part(data, users, args)
    finally:
        data.remove(keep=args.keep)
    print(f"({machine_note()})")
    passed = verdict(rows)
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
