"""People, customers and local providers for the campaign and messaging tests.

- :func:`seed_org`: 1 owner, 2 managers (team A, team B), 4 reps (2 per team), each rep
  with customers named with a sentinel (``ZZ-REP3-CUST07``) and phone / e-mail;
- :class:`SmsGateway`: a local HTTP server in a thread that records every request by its
  idempotency key and can refuse, fail or stall on demand;
- :class:`SmtpSink`: a local SMTP server (aiosmtpd) that records every message by its
  Message-ID and can refuse or stall on demand.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
import socket
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller
from sqlalchemy import insert, select

from dashboard.db import session_scope
from dashboard.models import Customer, Outbox, Rep, Team, User
from dashboard.scope import Actor


@dataclass
class Org:
    owner: Actor
    managers: list[Actor]  # team A, team B
    reps: list[Actor]  # rep1, rep2 (team A), rep3, rep4 (team B)
    customers: dict[int, list[int]]  # rep number (1..4) -> customer ids
    teams: list[int] = field(default_factory=list)

    def of_team(self, team: int) -> list[int]:
        numbers = (1, 2) if team == 0 else (3, 4)
        return [c for n in numbers for c in self.customers[n]]

    @property
    def all_customers(self) -> list[int]:
        return [c for ids in self.customers.values() for c in ids]


def _user(session, username: str, role: str, team_id=None, rep_id=None) -> Actor:  # noqa: ANN001
    user_id = session.execute(insert(User).values(
        username=username, display_name=username, password_hash="x", role=role,
        team_id=team_id, rep_id=rep_id).returning(User.id)).scalar_one()
    return Actor(user_id=user_id, username=username, role=role, team_id=team_id, rep_id=rep_id,
                 ip="127.0.0.1", request_id=f"req-{username}")


def add_customers(session, rep_id: int | None, count: int, *, prefix: str,  # noqa: ANN001
                  phone: bool = True, email: bool = True, start: int = 1) -> list[int]:
    base = int(hashlib.sha256(prefix.encode()).hexdigest()[:6], 16) % 100_000
    rows = [{"code": f"{prefix}-{i:05d}", "name": f"{prefix}-CUST{i:02d}",
             "customer_type": "Retail", "rep_id": rep_id,
             "phone": f"+861{base:05d}{i:05d}" if phone else None,
             "email": f"{prefix.lower()}.{i}@example.com" if email else None}
            for i in range(start, start + count)]
    session.execute(insert(Customer), rows)
    codes = [r["code"] for r in rows]
    found = session.execute(select(Customer.id, Customer.code).where(Customer.code.in_(codes)))
    by_code = dict((c, i) for i, c in found)
    return [by_code[c] for c in codes]


def seed_org(engine, per_rep: int = 12) -> Org:  # noqa: ANN001
    with session_scope(engine, write=True) as s:
        teams = [s.execute(insert(Team).values(name=n).returning(Team.id)).scalar_one()
                 for n in ("Team A", "Team B")]
        rep_ids = [s.execute(insert(Rep).values(name=f"Rep {i}", team_id=teams[(i - 1) // 2])
                             .returning(Rep.id)).scalar_one() for i in range(1, 5)]
        owner = _user(s, "owner", "owner")
        managers = [_user(s, f"manager{t + 1}", "manager", team_id=teams[t]) for t in (0, 1)]
        reps = [_user(s, f"rep{i}", "rep", team_id=teams[(i - 1) // 2], rep_id=rep_ids[i - 1])
                for i in range(1, 5)]
        customers = {i: add_customers(s, rep_ids[i - 1], per_rep, prefix=f"ZZ-REP{i}")
                     for i in range(1, 5)}
    return Org(owner=owner, managers=managers, reps=reps, customers=customers, teams=teams)


def outbox_rows(engine) -> list:  # noqa: ANN001
    with session_scope(engine) as s:
        return s.execute(select(Outbox).order_by(Outbox.id)).scalars().all()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- SMS gateway --------------------------------------------------------------------------


class SmsGateway:
    """Answers POSTs like an SMS provider. ``mode``: ``ok``; ``unavailable`` (503 to all);
    ``stall`` (accept, then answer after ``stall_seconds``). ``reject`` holds phone numbers
    answered with 400. ``on_request(key)`` runs after a request was recorded, before the
    answer, and ``after_answer(key)`` once the answer is written (the kill harness uses
    both)."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.keys: Counter[str] = Counter()
        self.headers: list[dict] = []
        self.mode = "ok"
        self.reject: set[str] = set()
        self.stall_seconds = 0.0
        self.delay_seconds = 0.0
        self.on_request = None
        self.after_answer = None
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:  # noqa: ANN002
                return

            def do_POST(self) -> None:  # noqa: N802
                gateway.handle(self)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/send?x=1"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length", 0))
        raw = request.rfile.read(length)
        if self.mode == "unavailable":
            return self._answer(request, 503, b"busy")
        body = json.loads(raw.decode("utf-8"))
        key = request.headers.get("Idempotency-Key", "")
        if body.get("to") in self.reject:
            return self._answer(request, 400, b"invalid number")
        with self.lock:
            self.received.append(body)
            self.keys[key] += 1
            self.headers.append(dict(request.headers))
        if self.on_request is not None:
            self.on_request(key)
        if self.delay_seconds:
            time.sleep(self.delay_seconds)
        if self.mode == "stall":
            time.sleep(self.stall_seconds)
        self._answer(request, 200, json.dumps({"message_id": f"gw-{key}"}).encode())
        if self.after_answer is not None:
            self.after_answer(key)

    @staticmethod
    def _answer(request: BaseHTTPRequestHandler, status: int, body: bytes) -> None:
        try:
            request.send_response(status)
            request.send_header("Content-Type", "application/json")
            request.send_header("Content-Length", str(len(body)))
            request.end_headers()
            request.wfile.write(body)
        except OSError:
            pass

    def __enter__(self) -> SmsGateway:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        self.server.shutdown()
        self.server.server_close()

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.keys.values() if n > 1)


# --- SMTP server --------------------------------------------------------------------------


_MESSAGE_ID = re.compile(rb"^Message-ID: (<[^>\r\n]*>)", re.MULTILINE | re.IGNORECASE)


class _SmtpHandler:
    def __init__(self, sink: SmtpSink) -> None:
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        if address in self.sink.reject:
            return "550 5.1.1 no such user"
        if address in self.sink.busy:
            return "451 4.2.1 mailbox busy, try later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        found = _MESSAGE_ID.search(envelope.content)
        with self.sink.lock:
            self.sink.raw.append(envelope.content)
            self.sink.ids[found.group(1).decode() if found else ""] += 1
        if self.sink.stall_seconds:
            await asyncio.sleep(self.sink.stall_seconds)
        return "250 2.0.0 Ok: queued"


class SmtpSink:
    """A real SMTP server on a free local port, recording messages by Message-ID."""

    def __init__(self, **smtp_options) -> None:  # noqa: ANN003 - aiosmtpd's SMTP options
        self.raw: list[bytes] = []
        self.ids: Counter[str] = Counter()
        self.reject: set[str] = set()
        self.busy: set[str] = set()
        self.stall_seconds = 0.0
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(_SmtpHandler(self), hostname="127.0.0.1", port=self.port,
                                     **smtp_options)

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:  # noqa: ANN002
        self.controller.stop()

    @property
    def duplicates(self) -> int:
        return sum(n - 1 for n in self.ids.values() if n > 1)

    @property
    def messages(self) -> list:
        return [message_from_bytes(raw, policy=default_policy) for raw in self.raw]


def messaging_settings(settings, *, sms: SmsGateway | None = None,  # noqa: ANN001
                       smtp: SmtpSink | None = None, **more):  # noqa: ANN003, ANN201
    values = dict(more)
    if sms is not None:
        values["SMS_URL"] = sms.url
        values["SMS_AUTH_HEADER"] = "Bearer test-token"
    if smtp is not None:
        values.update(SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_STARTTLS=False,
                      SMTP_FROM="shop@example.com")
    return settings.replace(**values)
