"""Issue 16 (2): a repeated identical send request never stops a running send job, and no
background result is served from the cache.

Dash keys a background job's result by its inputs (and the manager's ``cache_by``) and, when a
poll finds a result under its job's key while the job still runs, kills the job. Two identical
requests used to share the key: the second one's quick "nothing left to send" answer ended the
first job mid-send, leaving rows ``sending`` and reserved. Every job's key now carries a
server-issued value of its own."""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from dashboard.db import session_scope
from dashboard.messaging.coupons import CouponTerms
from dashboard.models import Outbox
from dashboard.scope import Actor
from dashboard.services import campaigns
from layouts import ids
from tests.dashboard.messaging.helpers import SmtpSink, add_customers, messaging_settings
from tests.security.fixtures import Browser, callback_body

RECIPIENTS = 6
STALL = 0.25  # seconds the SMTP server takes to accept each message


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture
def settings(settings, smtp_sink):  # noqa: ANN001, ANN201 - the e-mail channel on the sink
    return messaging_settings(settings, smtp=smtp_sink)


def _end_id(client: Browser) -> str:
    page = client.get("/").get_data(as_text=True)
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">'
                                  r'(.*?)</script>', page, re.S).group(1))
    return config["end_id"]


def _email_campaign(runtime, world) -> int:  # noqa: ANN001
    with session_scope(runtime.engine, write=True) as session:
        customers = add_customers(session, world.reps["REP1"], RECIPIENTS, prefix="MAIL",
                                  phone=False)
    owner = Actor(user_id=world.user_id("owner"), username="owner", role="owner")
    coupon = campaigns.create_coupon(runtime, Actor.system("test"),
                                     CouponTerms("value", 50, 500, 30, "MAIL-{random}", "Mail"))
    return campaigns.queue_campaign(runtime, owner, "intent-send-jobs-0001", customers, coupon,
                                    "email", name="Mail").campaign_id


class _Job:
    """One send request of the results page, started and then polled as the browser does."""

    def __init__(self, client: Browser, body: dict, end_id: str) -> None:
        self.client, self.body, self.end_id = client, body, end_id
        started = client.post(f"/_dash-update-component?endId={end_id}", json=body,
                              headers={"X-CSRFToken": client.csrf})
        assert started.status_code == 200, started.get_data(as_text=True)[:300]
        self.handles = started.get_json()
        self.result: object = None

    def poll(self, timeout: float = 60) -> object:
        query = {"cacheKey": self.handles["cacheKey"], "job": self.handles["job"],
                 "endId": self.end_id}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answer = self.client.post("/_dash-update-component", query_string=query,
                                      json=self.body, headers={"X-CSRFToken": self.client.csrf})
            assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
            payload = answer.get_json()
            if payload.get("response"):
                self.result = payload["response"][ids.CAMPAIGN_SEND_RESULT]["children"]
                return self.result
            time.sleep(0.05)
        raise AssertionError("the send job did not finish")


def test_a_repeated_identical_send_request_does_not_stop_the_running_send(
        runtime, world, signed_in, smtp_sink) -> None:  # noqa: ANN001
    campaign_id = _email_campaign(runtime, world)
    smtp_sink.stall_seconds = STALL  # the whole send takes about 1.5 s
    owner = signed_in("owner")
    end_id = _end_id(owner)
    key = next(k for k in owner.app.callback_map if ids.CAMPAIGN_SEND_RESULT in k)
    body = callback_body(owner.app, key, {
        f"{ids.CAMPAIGN_SEND}.n_clicks": 1,
        f"{ids.CAMPAIGN_QUERY}.data": {"id": str(campaign_id), "language": "en"}})
    first = _Job(owner, body, end_id)
    while not smtp_sink.ids:  # the first job is sending
        time.sleep(0.02)
    second = _Job(owner, body, end_id)  # the very same request: a replay, a second click
    assert second.handles["cacheKey"] != first.handles["cacheKey"]
    pollers = [threading.Thread(target=job.poll) for job in (second, first)]
    for poller in pollers:
        poller.start()
    for poller in pollers:
        poller.join(90)
    assert str(first.result).startswith(f"{RECIPIENTS} of {RECIPIENTS} messages done: "
                                        f"{RECIPIENTS} sent")
    # the replay found every message taken by the first job: it says how far that one was
    assert re.match(rf"\d of {RECIPIENTS} messages done: ", str(second.result))
    with session_scope(runtime.engine) as session:
        statuses = session.execute(select(Outbox.status).where(
            Outbox.campaign_id == campaign_id)).scalars().all()
    assert sorted(statuses) == ["sent"] * RECIPIENTS  # none left sending, reserved or unknown
    # every recipient got exactly one message
    recipients = sorted(str(m["To"]) for m in smtp_sink.messages)
    assert recipients == sorted(f"mail.{i}@example.com" for i in range(1, RECIPIENTS + 1))
    assert smtp_sink.duplicates == 0 and len(smtp_sink.ids) == RECIPIENTS
    # a third identical request afterwards runs (no hour-old result served) and sends nothing
    third = _Job(owner, body, end_id)
    assert third.handles["cacheKey"] not in (first.handles["cacheKey"],
                                             second.handles["cacheKey"])
    assert str(third.poll()).startswith(f"{RECIPIENTS} of {RECIPIENTS} messages done")
    assert len(smtp_sink.raw) == RECIPIENTS
