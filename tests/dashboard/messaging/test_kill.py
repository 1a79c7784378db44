"""Kill the sender at 100 random points (RELIABILITY-TESTS.md E.30).

Each run forks a worker process that sends through a real local HTTP SMS gateway and is then
SIGKILLed: after a random delay, or by the gateway itself the moment a request arrives (the
provider has the message, the worker never hears back), or right after the gateway answered
(the provider accepted, the outcome is not committed yet). Some numbers are refused for good
and some runs see the gateway down. Afterwards one clean worker finishes the queue. Then:
0 messages received twice, 0 outbox rows lost, every row ``sent``, ``failed`` or ``unknown``,
every ``sent`` row received exactly once, never more ``unknown`` rows than kills (only the
message in flight can be in doubt), and ``unknown`` rows are not sent again.
"""

from __future__ import annotations

import os
import random
import signal
import time

from dashboard.db import make_engine, session_scope
from dashboard.messaging.coupons import CouponTerms
from dashboard.messaging.sender import Sender, SenderOptions
from dashboard.runtime import Runtime
from dashboard.services.campaigns import queue_campaign
from tests.dashboard.messaging.helpers import (
    SmsGateway,
    add_customers,
    messaging_settings,
    outbox_rows,
    seed_org,
)

RUNS = 100
MESSAGES = 300
LEASE = 0.6
OPTIONS = SenderOptions(batch_size=4, lease_seconds=LEASE, outage_seconds=0.05)


def _worker(url: str, settings) -> None:  # noqa: ANN001
    """The forked child: a fresh engine (nothing shared with the parent) and passes until
    it is killed."""
    engine = make_engine(url)
    sender = Sender(Runtime(settings, engine), options=OPTIONS)
    sender.run_forever(interval=0.005)


def _fork(url: str, settings) -> int:  # noqa: ANN001
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child
        code = 1
        try:
            _worker(url, settings)
            code = 0
        finally:
            os._exit(code)
    return pid


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


class Harness:
    def __init__(self, gateway: SmsGateway, rng: random.Random) -> None:
        self.gateway, self.rng = gateway, rng
        self.pid = 0
        self.countdown = -1
        self.mode = ""
        self.kills = {"timer": 0, "on_request": 0, "after_answer": 0}
        gateway.on_request = lambda key: self._maybe("on_request")
        gateway.after_answer = lambda key: self._maybe("after_answer")

    def _maybe(self, moment: str) -> None:
        if self.mode != moment or self.countdown < 0:
            return
        self.countdown -= 1
        if self.countdown == 0:
            self.kills[moment] += 1
            _kill(self.pid)

    def run(self, url: str, settings, engine) -> None:  # noqa: ANN001
        self.mode = self.rng.choice(["timer", "timer", "on_request", "after_answer"])
        self.countdown = self.rng.randint(1, 4)
        outage = self.mode == "timer" and self.rng.random() < 0.2
        self.gateway.mode = "unavailable" if outage else "ok"
        engine.dispose()  # the child must not inherit open connections
        self.pid = _fork(url, settings)
        deadline = time.monotonic() + (self.rng.uniform(0.0, 0.15) if self.mode == "timer"
                                       else 2.0)  # the gateway kills it long before
        status = None
        while status is None and time.monotonic() < deadline:
            pid, code = os.waitpid(self.pid, os.WNOHANG)
            status = code if pid else None
            time.sleep(0.002)
        if status is None:
            if self.mode == "timer" or self.countdown > 0:
                self.kills["timer"] += 1
            self.mode = ""
            _kill(self.pid)
            status = os.waitpid(self.pid, 0)[1]
        self.mode = ""
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status


def test_killing_the_sender_never_sends_twice_nor_loses_a_row(engine, settings) -> None:  # noqa: ANN001
    org = seed_org(engine, per_rep=1)
    with session_scope(engine, write=True) as s:
        ids = add_customers(s, org.reps[0].rep_id, MESSAGES - 1, prefix="KILL") + \
            org.customers[1]
    url = engine.url.render_as_string(hide_password=False)
    rng = random.Random(20261122)
    with SmsGateway() as gateway:
        settings = messaging_settings(settings, sms=gateway)
        rt = Runtime(settings, engine)
        queue_campaign(rt, org.owner, "intent-kill-0001", ids,
                       CouponTerms("value", 5, 0, 30, "K-{random}"), "sms")
        refused = {r.address for r in outbox_rows(engine)[::20]}
        gateway.reject.update(refused)
        gateway.delay_seconds = 0.002
        harness = Harness(gateway, rng)
        for _ in range(RUNS):
            harness.run(url, settings, engine)
        gateway.mode = "ok"
        gateway.on_request = gateway.after_answer = None
        time.sleep(LEASE)
        Sender(rt, options=OPTIONS).run_pass()  # expire the last claims, send the rest
        after_first_clean_pass = dict(gateway.keys)
        Sender(rt, options=OPTIONS).run_pass()
        assert gateway.keys == after_first_clean_pass  # nothing is sent again, unknown stays

    rows = outbox_rows(engine)
    kills = sum(harness.kills.values())
    statuses = [r.status for r in rows]
    key_of = {r.id: r.provider_message_id for r in rows}
    received = {int(k.rsplit("-", 1)[1]): n for k, n in gateway.keys.items()}
    assert len(rows) == MESSAGES  # no row lost
    assert set(statuses) <= {"sent", "failed", "unknown"}, set(statuses)
    assert gateway.duplicates == 0
    assert all(received.get(r.id) == 1 for r in rows if r.status == "sent")
    assert all(r.id not in received for r in rows if r.status == "failed")
    assert {r.address for r in rows if r.status == "failed"} <= refused
    assert {r.status for r in rows if r.address in refused} <= {"failed", "unknown"}
    assert set(received) <= {r.id for r in rows if r.status in ("sent", "unknown")}
    assert statuses.count("unknown") <= kills
    assert harness.kills["on_request"] > 5 and harness.kills["after_answer"] > 5
    # the kills between acceptance and commit left rows in doubt that did reach the provider
    assert any(r.status == "unknown" and r.id in received for r in rows)
    assert all(key_of[r.id] for r in rows if r.status == "sent")
