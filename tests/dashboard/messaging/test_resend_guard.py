"""Issue 16 (2): "resend" of a message whose outcome is unknown is refused when the provider's
record of its idempotency key shows it took the message (the log channel's file; the receipt
the sender writes when the SMTP server or SMS gateway accepted it), so a worker stopped
between the hand-over and the commit never leads to a second message."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import update

from dashboard.data import outbox as outbox_data
from dashboard.db import data_identity, session_scope
from dashboard.errors import ValidationError, user_message
from dashboard.messaging import receipts
from dashboard.messaging.channels import idempotency_key
from dashboard.messaging.coupons import CouponTerms
from dashboard.messaging.sender import Sender, SenderOptions
from dashboard.models import Outbox
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

TERMS = CouponTerms("value", 20, 100, 14, "G-{random}", "Guard")
LEASE = 60.0


class Clock:
    def __init__(self) -> None:
        self.now = dt.datetime(2026, 11, 22, 9, 0, 0)

    def __call__(self) -> dt.datetime:
        return self.now


class Stopped(BaseException):
    """Stands for the process being killed: nothing after it runs, no handler catches it."""


@pytest.fixture
def org(engine) -> Org:  # noqa: ANN001
    return seed_org(engine, per_rep=3)


def _stop_after_hand_over(monkeypatch: pytest.MonkeyPatch, after: int) -> None:
    """The sender is stopped once ``after`` outcomes were committed: the next message reaches
    the provider, its outcome is never written (the row stays ``sending``)."""
    real = outbox_data.record_sent
    done = []

    def record_sent(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        if len(done) >= after:
            raise Stopped
        done.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(outbox_data, "record_sent", record_sent)


def _stopped_mid_send(rt: Runtime, org: Org, channel: str, monkeypatch) -> list[int]:  # noqa: ANN001
    """Queue three messages, stop the sender after the first, expire the lease: the second
    row is ``unknown`` (the provider has it), the third ``pending`` (never handed over)."""
    queue_campaign(rt, org.owner, f"intent-guard-{channel}", org.customers[1], TERMS, channel)
    clock = Clock()
    with monkeypatch.context() as patch:
        _stop_after_hand_over(patch, after=1)
        with pytest.raises(Stopped):
            Sender(rt, options=SenderOptions(lease_seconds=LEASE, batch_size=1),
                   clock=clock).run_pass()
    clock.now += dt.timedelta(seconds=LEASE + 1)
    report = Sender(rt, clock=clock, options=SenderOptions(lease_seconds=LEASE)).run_pass(
        max_messages=0)
    assert report.expired == 1
    return [r.id for r in outbox_rows(rt.engine)]


def _statuses(rt: Runtime) -> list[str]:
    return [r.status for r in outbox_rows(rt.engine)]


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_resend_is_refused_when_the_provider_took_the_message(engine, settings, org,  # noqa: ANN001
                                                              monkeypatch, channel: str) -> None:
    with SmtpSink() as sink, SmsGateway() as gateway:
        rt = Runtime(messaging_settings(settings, smtp=sink, sms=gateway), engine)
        first, second, third = _stopped_mid_send(rt, org, channel, monkeypatch)
        assert _statuses(rt) == ["sent", "unknown", "pending"]
        received = sink.ids if channel == "email" else gateway.keys
        assert len(received) == 2  # the provider has the first two
        with pytest.raises(ValidationError) as refused:
            decide_unknown(rt, org.owner, second, "resend")
        assert refused.value.code == "message_delivered"
        assert user_message(refused.value, "zh") == \
            "服务商已收到这条消息，因此不会再次发送。请将其标记为已发送。"
        assert _statuses(rt) == ["sent", "unknown", "pending"]  # nothing changed
        decide_unknown(rt, org.owner, second, "sent")
        assert Sender(rt).run_pass().sent == 1  # the third, once
        assert _statuses(rt) == ["sent", "sent", "sent"]
        assert len(received) == 3
        assert (sink.duplicates if channel == "email" else gateway.duplicates) == 0
    with session_scope(engine) as session:
        instance = data_identity(session)[0]
    lines = [json.loads(x) for x in receipts.receipts_path(rt.settings).read_text().splitlines()]
    assert [(x["key"], x["channel"]) for x in lines] == [
        (idempotency_key(instance, row), channel) for row in (first, second, third)]


def test_log_channel_file_is_the_record(engine, settings, org, monkeypatch) -> None:  # noqa: ANN001
    rt = Runtime(settings, engine)
    _first, second, _third = _stopped_mid_send(rt, org, "log", monkeypatch)
    log_file = receipts.log_path(rt.settings)
    assert len(log_file.read_text().splitlines()) == 2
    assert not receipts.receipts_path(rt.settings).exists()  # the log is its own record
    with pytest.raises(ValidationError):
        decide_unknown(rt, org.owner, second, "resend")
    Sender(rt).run_pass()
    assert _statuses(rt) == ["sent", "unknown", "sent"]
    assert len(log_file.read_text().splitlines()) == 3


def test_resend_is_allowed_when_no_record_shows_the_message(engine, settings, org,  # noqa: ANN001
                                                            smtp_sink: SmtpSink) -> None:
    rt = Runtime(messaging_settings(settings, smtp=smtp_sink), engine)
    queue_campaign(rt, org.owner, "intent-guard-lost", org.customers[1][:2], TERMS, "email")
    with session_scope(engine, write=True) as session:  # in doubt, never handed over
        session.execute(update(Outbox).values(status="unknown", claimed_by="dead"))
    a, b = (r.id for r in outbox_rows(engine))
    decide_unknown(rt, org.owner, a, "resend")
    decide_unknown(rt, org.owner, b, "resend")
    assert Sender(rt).run_pass().sent == 2
    assert len(smtp_sink.ids) == 2 and smtp_sink.duplicates == 0
    # and now that it went out, the record refuses a second release of the same row
    with session_scope(engine, write=True) as session:
        session.execute(update(Outbox).where(Outbox.id == a).values(status="unknown"))
    with pytest.raises(ValidationError):
        decide_unknown(rt, org.owner, a, "resend")


def test_the_record_matches_exact_keys_only(tmp_path) -> None:  # noqa: ANN001
    path = tmp_path / "outbox-receipts.log"
    receipts.append_line(path, {"key": "cockpit-abc-12", "channel": "sms"})
    path.write_text(path.read_text() + "not json cockpit-abc-1\n", encoding="utf-8")
    assert receipts.file_has_key(path, "cockpit-abc-12")
    assert not receipts.file_has_key(path, "cockpit-abc-1")
    assert not receipts.file_has_key(path, "cockpit-abc-123")
    assert not receipts.file_has_key(tmp_path / "missing.log", "cockpit-abc-12")
