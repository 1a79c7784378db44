"""Double clicks, replays and concurrent senders: a campaign to 1,000 recipients reaches each
of them exactly once, over a real local SMTP server and a real local HTTP SMS gateway
(RELIABILITY-TESTS.md E.29)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from dashboard.db import session_scope
from dashboard.messaging.coupons import CouponTerms
from dashboard.messaging.sender import Sender, SenderOptions
from dashboard.models import Campaign, Outbox
from dashboard.runtime import Runtime
from dashboard.services.campaigns import queue_campaign
from tests.dashboard.messaging.helpers import (
    SmsGateway,
    SmtpSink,
    add_customers,
    messaging_settings,
    outbox_rows,
    seed_org,
)

RECIPIENTS = 1000
TERMS = CouponTerms("percent", 10, 0, 30, "ONCE-{random}", "Once")


def _thousand(engine) -> tuple[object, list[int]]:  # noqa: ANN001
    org = seed_org(engine, per_rep=1)
    rep1 = org.reps[0].rep_id
    with session_scope(engine, write=True) as s:
        ids = add_customers(s, rep1, RECIPIENTS - 1, prefix="BULK") + org.customers[1]
    return org, ids


@pytest.mark.parametrize("channel", ["sms", "email"])
def test_concurrent_double_submits_replays_and_senders(engine, settings,  # noqa: ANN001
                                                       channel: str) -> None:
    org, ids = _thousand(engine)
    actor = org.managers[0]
    with SmsGateway() as gateway, SmtpSink() as sink:
        rt = Runtime(messaging_settings(settings, sms=gateway, smtp=sink), engine)
        start = threading.Barrier(10)

        def submit(_: int):  # noqa: ANN202
            start.wait()
            return queue_campaign(rt, actor, "intent-same-click", ids, TERMS, channel)

        with ThreadPoolExecutor(10) as pool:
            concurrent = list(pool.map(submit, range(10)))
        replays = [queue_campaign(rt, actor, "intent-same-click", ids, TERMS, channel)
                   for _ in range(10)]
        assert sorted(r.already_submitted for r in concurrent) == [False] + [True] * 9
        assert all(r.already_submitted for r in replays)
        assert len({r.campaign_id for r in concurrent + replays}) == 1
        assert all(r.counts == {"pending": RECIPIENTS} for r in concurrent + replays
                   if not r.already_submitted)

        senders = [Sender(rt, options=SenderOptions(batch_size=25)) for _ in range(3)]
        with ThreadPoolExecutor(3) as pool:
            reports = list(pool.map(lambda s: s.run_pass(), senders))

        received = gateway.keys if channel == "sms" else sink.ids
        duplicates = gateway.duplicates if channel == "sms" else sink.duplicates
        assert len(received) == RECIPIENTS and duplicates == 0
        assert sum(r.sent for r in reports) == RECIPIENTS
        assert all(r.sent > 0 for r in reports)  # the three really worked side by side
        assert (len(gateway.keys) if channel == "email" else len(sink.ids)) == 0
    rows = outbox_rows(engine)
    assert len(rows) == RECIPIENTS and {r.status for r in rows} == {"sent"}
    assert len({r.coupon_code for r in rows}) == RECIPIENTS
    with session_scope(engine) as s:
        assert s.execute(select(func.count()).select_from(Campaign)).scalar_one() == 1


def test_a_direct_duplicate_insert_is_refused_by_the_database(engine, settings) -> None:  # noqa: ANN001
    org = seed_org(engine, per_rep=2)
    with SmsGateway() as gateway:
        rt = Runtime(messaging_settings(settings, sms=gateway), engine)
        campaign = queue_campaign(rt, org.owner, "intent-dup-0001", org.customers[1], TERMS,
                                  "sms").campaign_id
    first = outbox_rows(engine)[0]
    duplicates = [
        {"campaign_id": campaign, "customer_id": first.customer_id, "channel": "sms"},
        {"campaign_id": campaign, "customer_id": org.customers[2][0], "channel": "sms",
         "coupon_code": first.coupon_code},
    ]
    for row in duplicates:
        with pytest.raises(IntegrityError), session_scope(engine, write=True) as s:
            s.execute(insert(Outbox).values(message="again", **row))
    with pytest.raises(IntegrityError), session_scope(engine, write=True) as s:
        s.execute(insert(Campaign).values(name="again", channel="sms", message_template="x",
                                          intent_key="intent-dup-0001"))
    assert len(outbox_rows(engine)) == 2
