"""The outbox sender, one behaviour at a time, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import select, update

from dashboard.db import session_scope
from dashboard.messaging.channels import OutgoingMessage, TryLater
from dashboard.messaging.coupons import CouponTerms
from dashboard.messaging.sender import Sender, SenderOptions
from dashboard.models import AuditLog, Customer, Outbox
from dashboard.runtime import Runtime
from dashboard.services.campaigns import decide_unknown, queue_campaign
from tests.dashboard.messaging.helpers import (
    Org,
    SmsGateway,
    SmtpSink,
    messaging_settings,
    outbox_rows,
    seed_org,
)

TERMS = CouponTerms("value", 20, 100, 14, "T-{random}", "Test")
T0 = dt.datetime(2026, 11, 22, 9, 0, 0)


class Clock:
    def __init__(self, start: dt.datetime = T0) -> None:
        self.now = start

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def org(engine) -> Org:  # noqa: ANN001
    return seed_org(engine, per_rep=5)


def _queue(rt: Runtime, org: Org, channel: str = "sms", key: str = "intent-sender-1",
           ids: list[int] | None = None, holdout: float = 0.0) -> int:
    return queue_campaign(rt, org.owner, key, ids or org.customers[1], TERMS, channel,
                          holdout_pct=holdout).campaign_id


def _statuses(engine) -> list[str]:  # noqa: ANN001
    return [r.status for r in outbox_rows(engine)]


def test_a_row_is_committed_as_sending_before_the_provider_is_called(
        engine, settings, org: Org, sms_gateway: SmsGateway) -> None:  # noqa: ANN001
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    _queue(rt, org)
    seen = []

    def check(key: str) -> None:
        outbox_id = int(key.rsplit("-", 1)[1])
        with session_scope(engine) as s:  # another connection: sees only committed data
            seen.append(s.execute(select(Outbox.status, Outbox.claimed_by)
                                  .where(Outbox.id == outbox_id)).one())

    sms_gateway.on_request = check
    sender = Sender(rt)
    report = sender.run_pass()
    assert report.sent == 5 and len(seen) == 5
    assert all(status == "sending" and by == sender.token for status, by in seen)
    rows = outbox_rows(engine)
    assert [r.status for r in rows] == ["sent"] * 5
    assert all(r.provider_message_id == f"gw-{r.provider_message_id[3:]}" for r in rows)
    assert all(r.attempts == 1 and r.sent_at is not None for r in rows)
    assert [m["id"].rsplit("-", 1)[1] for m in sms_gateway.received] == [str(r.id) for r in rows]


def test_second_pass_sends_nothing(engine, settings, org: Org,  # noqa: ANN001
                                   sms_gateway: SmsGateway) -> None:
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    _queue(rt, org)
    Sender(rt).run_pass()
    assert Sender(rt).run_pass().handled == 0
    assert len(sms_gateway.received) == 5


def test_rejected_messages_fail_with_the_reason(engine, settings, org: Org,  # noqa: ANN001
                                                sms_gateway: SmsGateway) -> None:
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    _queue(rt, org)
    sms_gateway.reject.add(outbox_rows(engine)[1].address)
    report = Sender(rt).run_pass()
    assert (report.sent, report.failed) == (4, 1)
    failed = outbox_rows(engine)[1]
    assert failed.status == "failed" and "400 invalid number" in failed.last_error


class FlakyChannel:
    """Refuses 'for now' the first ``busy`` tries of every message."""

    name = "sms"

    def __init__(self, busy: int) -> None:
        self.busy, self.tries, self.sent = busy, {}, []

    def send(self, message: OutgoingMessage) -> str:
        n = self.tries[message.outbox_id] = self.tries.get(message.outbox_id, 0) + 1
        if n <= self.busy:
            raise TryLater(f"busy {n}")
        self.sent.append(message.key)
        return "ok"

    def close(self) -> None:
        return None


def test_try_later_backs_off_exponentially_then_fails(engine, settings, org: Org,  # noqa: ANN001
                                                      sms_gateway: SmsGateway) -> None:
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    _queue(rt, org, ids=org.customers[1][:1])
    clock, channel = Clock(), FlakyChannel(busy=10)
    options = SenderOptions(max_attempts=4, retry_base_seconds=60, retry_max_seconds=150)
    sender = Sender(rt, options=options, channels={"sms": channel}, clock=clock)
    waits = []
    for _ in range(4):
        assert sender.run_pass().handled == 1
        row = outbox_rows(engine)[0]
        if row.status == "pending":
            waits.append((row.next_attempt_at - clock.now).total_seconds())
            assert sender.run_pass().handled == 0  # not due yet
            clock.now = row.next_attempt_at
    assert waits == [60, 120, 150]  # base, 2 x base, then the cap
    row = outbox_rows(engine)[0]
    assert row.status == "failed" and row.attempts == 4
    assert row.last_error == "busy 4 (gave up after 4 attempts)"


def test_try_later_then_success_is_sent_once(engine, settings, org: Org,  # noqa: ANN001
                                             sms_gateway: SmsGateway) -> None:
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    _queue(rt, org)
    clock, channel = Clock(), FlakyChannel(busy=2)
    sender = Sender(rt, channels={"sms": channel}, clock=clock)
    for _ in range(3):
        sender.run_pass()
        clock.advance(3600)
    assert _statuses(engine) == ["sent"] * 5 and len(channel.sent) == 5
    assert [r.attempts for r in outbox_rows(engine)] == [3] * 5


def test_outage_keeps_rows_pending_then_delivers_each_once(engine, settings, org: Org,  # noqa: ANN001
                                                           sms_gateway: SmsGateway) -> None:
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    _queue(rt, org)
    clock = Clock()
    sender = Sender(rt, clock=clock, options=SenderOptions(outage_seconds=30))
    sms_gateway.mode = "unavailable"
    for _ in range(5):  # five minutes of outage, a pass every minute
        report = sender.run_pass()
        assert report.sent == 0 and "sms" in report.unavailable
        assert report.postponed == 1  # the channel rests after its first failure
        clock.advance(60)
    rows = outbox_rows(engine)
    assert {r.status for r in rows} == {"pending"} and {r.attempts for r in rows} == {0}
    assert all("503" in r.last_error for r in rows) and {r.claimed_by for r in rows} == {None}
    sms_gateway.mode = "ok"
    assert sender.run_pass().sent == 5
    assert _statuses(engine) == ["sent"] * 5
    assert sms_gateway.duplicates == 0 and len(sms_gateway.keys) == 5


def test_stale_sending_becomes_unknown_and_is_never_resent(engine, settings, org: Org,  # noqa: ANN001
                                                           sms_gateway: SmsGateway) -> None:
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    _queue(rt, org, ids=org.customers[1][:2])
    first = outbox_rows(engine)[0].id
    with session_scope(engine, write=True) as s:  # a worker died after marking it sending
        s.execute(update(Outbox).where(Outbox.id == first).values(
            status="sending", claimed_by="dead", claimed_at=T0 - dt.timedelta(hours=1),
            attempts=1))
    clock = Clock()
    report = Sender(rt, clock=clock, options=SenderOptions(lease_seconds=600)).run_pass()
    assert (report.expired, report.sent) == (1, 1)
    for _ in range(3):
        clock.advance(86400)
        Sender(rt, clock=clock).run_pass()
    rows = outbox_rows(engine)
    assert rows[0].status == "unknown" and "may have gone" in rows[0].last_error
    assert len(sms_gateway.received) == 1


def test_a_fresh_sending_row_of_a_live_worker_is_left_alone(engine, settings, org: Org,  # noqa: ANN001
                                                            sms_gateway: SmsGateway) -> None:
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    _queue(rt, org, ids=org.customers[1][:1])
    with session_scope(engine, write=True) as s:
        s.execute(update(Outbox).values(status="sending", claimed_by="live",
                                        claimed_at=T0 - dt.timedelta(seconds=30)))
    assert Sender(rt, clock=Clock()).run_pass().expired == 0
    assert _statuses(engine) == ["sending"] and sms_gateway.received == []


def test_an_abandoned_reservation_is_taken_over_without_unknown(engine, settings, org: Org,  # noqa: ANN001
                                                                sms_gateway: SmsGateway) -> None:
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    _queue(rt, org, ids=org.customers[1][:2])
    with session_scope(engine, write=True) as s:  # reserved by a worker that then died
        s.execute(update(Outbox).values(claimed_by="dead",
                                        claimed_at=T0 - dt.timedelta(hours=1)))
    report = Sender(rt, clock=Clock()).run_pass()
    assert (report.sent, report.expired, report.unknown) == (2, 0, 0)


def test_decisions_on_unknown_rows(engine, settings, org: Org,  # noqa: ANN001
                                   sms_gateway: SmsGateway) -> None:
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    _queue(rt, org, ids=org.customers[1][:2])
    with session_scope(engine, write=True) as s:
        s.execute(update(Outbox).values(status="unknown", claimed_by="dead", claimed_at=T0))
    a, b = (r.id for r in outbox_rows(engine))
    decide_unknown(rt, org.owner, a, "sent")
    decide_unknown(rt, org.managers[0], b, "resend")
    assert Sender(rt).run_pass().sent == 1
    rows = outbox_rows(engine)
    assert [r.status for r in rows] == ["sent", "sent"]
    assert rows[0].last_error == "marked sent by owner"
    assert [m["id"].rsplit("-", 1)[1] for m in sms_gateway.received] == [str(b)]
    with session_scope(engine) as s:
        actions = s.execute(select(AuditLog.action, AuditLog.object_id, AuditLog.username)
                            .where(AuditLog.action.like("outbox.%"))
                            .order_by(AuditLog.id)).all()
    assert [tuple(x) for x in actions if x[0] != "outbox.send_pass"] == [
        ("outbox.mark_sent", str(a), "owner"), ("outbox.release", str(b), "manager1")]


def test_opt_out_after_queueing_cancels_at_send_time(engine, settings, org: Org,  # noqa: ANN001
                                                     smtp_sink: SmtpSink) -> None:
    rt = Runtime(messaging_settings(settings, smtp=smtp_sink), engine)
    _queue(rt, org, channel="email")
    opted = org.customers[1][2]
    with session_scope(engine, write=True) as s:
        s.execute(update(Customer).where(Customer.id == opted).values(opt_out_email=True))
        s.execute(update(Customer).where(Customer.id == org.customers[1][3])
                  .values(opt_out_sms=True))  # another channel: no effect on e-mail
    report = Sender(rt).run_pass()
    assert (report.sent, report.cancelled) == (4, 1)
    row = next(r for r in outbox_rows(engine) if r.customer_id == opted)
    assert row.status == "cancelled" and "opted out" in row.last_error
    assert len(smtp_sink.ids) == 4


def test_holdout_and_unreachable_are_never_contacted(engine, settings, org: Org,  # noqa: ANN001
                                                     sms_gateway: SmsGateway) -> None:
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    ids = org.customers[1] + org.customers[2]
    with session_scope(engine, write=True) as s:
        s.execute(update(Customer).where(Customer.id == ids[0]).values(phone=None))
    _queue(rt, org, ids=ids, holdout=20)
    Sender(rt).run_pass()
    rows = outbox_rows(engine)
    held = [r for r in rows if r.is_holdout]
    assert len(held) == 2 and {r.status for r in held} == {"holdout"}
    assert all(r.coupon_code is None and r.message == "" for r in held)
    unreachable = [r for r in rows if r.status == "unreachable"]
    assert [r.customer_id for r in unreachable] == [ids[0]]
    sent_to = {m["to"] for m in sms_gateway.received}
    assert len(sent_to) == 7
    assert not sent_to & {r.address for r in held}


def test_stop_gives_back_what_was_reserved(engine, settings, org: Org,  # noqa: ANN001
                                           sms_gateway: SmsGateway) -> None:
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    _queue(rt, org)
    stop = threading.Event()
    sms_gateway.on_request = lambda key: stop.set()  # stop while the first is in flight
    report = Sender(rt, stop=stop).run_pass()
    assert report.sent == 1 and report.reserved == 5
    rows = outbox_rows(engine)
    assert [r.status for r in rows] == ["sent"] + ["pending"] * 4
    assert all(r.claimed_by is None for r in rows[1:])


def test_one_campaign_only(engine, settings, org: Org,  # noqa: ANN001
                           sms_gateway: SmsGateway) -> None:
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    first = _queue(rt, org, key="intent-one-0001", ids=org.customers[1])
    _queue(rt, org, key="intent-two-0002", ids=org.customers[2])
    assert Sender(rt).run_pass(campaign_id=first).sent == 5
    assert {r.campaign_id for r in outbox_rows(engine) if r.status == "sent"} == {first}


def test_unconfigured_channel_leaves_rows_pending(engine, settings, org: Org,  # noqa: ANN001
                                                  sms_gateway: SmsGateway) -> None:
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    _queue(rt, org)
    report = Sender(Runtime(settings.replace(SMS_URL=""), engine)).run_pass()
    assert report.sent == 0 and "not configured" in report.unavailable["sms"]
    assert _statuses(engine) == ["pending"] * 5


def test_a_pass_is_audited(engine, settings, org: Org,  # noqa: ANN001
                           sms_gateway: SmsGateway) -> None:
    rt = Runtime(messaging_settings(settings, sms=sms_gateway), engine)
    _queue(rt, org)
    sender = Sender(rt)
    sender.run_pass()
    sender.run_pass()  # nothing to do: no audit row
    with session_scope(engine) as s:
        rows = s.execute(select(AuditLog).where(AuditLog.action == "outbox.send_pass")
                         ).scalars().all()
    assert len(rows) == 1 and rows[0].detail["sent"] == 5 and rows[0].username == "sender"
