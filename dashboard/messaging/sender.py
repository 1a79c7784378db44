"""The outbox sender: delivers every queued message exactly once, or leaves it for a person.

One pass: rows ``sending`` for longer than the lease become ``unknown`` (their worker died
between the provider call and the record; they are never sent again automatically, and a
person may release one only when no receipt shows the provider took it, see
:mod:`.receipts`); then
batches of due rows are reserved, and for each row, in order: mark it ``sending`` and commit;
call the channel; commit the outcome. A batch is given back unsent when it grows older than
half the lease (so a slow provider never lets a reservation go stale under a live worker), when
a stop is requested, or, for one channel, when that channel's provider is unavailable (those
rows stay ``pending`` and are tried again after ``outage_seconds``; an outage never uses up
attempts). Messages refused for now are retried with exponential back-off up to
``max_attempts``, then ``failed``.

Several senders may run at once (processes, threads, hosts): reservations are exclusive
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite) and every write is
conditional on the row still carrying the sender's claim token.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

from sqlalchemy.orm import Session

from dashboard.config import Settings
from dashboard.data import outbox as data
from dashboard.data.audit import insert_audit
from dashboard.db import data_identity, session_scope
from dashboard.messaging.channels import (
    Channel,
    LogChannel,
    OutcomeUnknown,
    OutgoingMessage,
    Rejected,
    TryLater,
    Unavailable,
    channel_configured,
    idempotency_key,
)
from dashboard.messaging.receipts import record_receipt
from dashboard.models import utcnow
from dashboard.runtime import Runtime
from dashboard.scope import Actor

log = logging.getLogger(__name__)


def make_channel(settings: Settings, channel: str) -> Channel:
    """The channel named ``channel`` as these settings configure it (the e-mail and SMS
    channels are imported only when used)."""
    if channel == "log":
        return LogChannel(settings.data_dir / "outbox.log")
    if channel == "email":
        from dashboard.messaging.smtp import SmtpChannel

        return SmtpChannel.from_settings(settings)
    if channel == "sms":
        from dashboard.messaging.sms import HttpSmsChannel

        return HttpSmsChannel.from_settings(settings)
    raise ValueError(f"unknown channel {channel!r}")


@dataclass(frozen=True)
class SenderOptions:
    batch_size: int = 20
    lease_seconds: float = 600.0
    max_attempts: int = 5
    retry_base_seconds: float = 60.0
    retry_max_seconds: float = 3600.0
    outage_seconds: float = 60.0

    def backoff(self, attempts: int) -> dt.timedelta:
        """Wait before try ``attempts + 1``: base, 2 × base, 4 × base ... up to the cap."""
        seconds = self.retry_base_seconds * 2 ** max(0, attempts - 1)
        return dt.timedelta(seconds=min(seconds, self.retry_max_seconds))


@dataclass
class PassReport:
    expired: int = 0  # sending rows turned unknown
    reserved: int = 0
    sent: int = 0
    failed: int = 0
    retried: int = 0
    unknown: int = 0
    cancelled: int = 0  # opted out since queueing, or reservation lost
    postponed: int = 0  # provider unavailable: back to pending
    unavailable: dict[str, str] = field(default_factory=dict)

    @property
    def handled(self) -> int:
        return self.sent + self.failed + self.retried + self.unknown + self.postponed

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class _Outcome:
    """What to record for one message: the report counter, the writer and its values."""

    counter: str
    writer: Callable[..., bool]
    outbox_id: int
    values: dict[str, object]


def worker_token() -> str:
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


class Sender:
    """Runs passes over the outbox with one claim token. ``channels`` overrides the channels
    built from the settings (by name); ``clock`` gives naive UTC times."""

    def __init__(self, runtime: Runtime, *, options: SenderOptions | None = None,
                 channels: dict[str, Channel] | None = None,
                 clock: Callable[[], dt.datetime] = utcnow, token: str | None = None,
                 stop: threading.Event | None = None) -> None:
        self.runtime = runtime
        self.options = options or SenderOptions()
        self.channels: dict[str, Channel] = dict(channels or {})
        self._own: set[str] = set()
        self.clock = clock
        self.token = token or worker_token()
        self.stop = stop or threading.Event()
        self._instance: str | None = None
        self._subjects: dict[int, str] = {}

    # --- one pass ---------------------------------------------------------------------

    def run_pass(self, campaign_id: int | None = None,
                 max_messages: int | None = None) -> PassReport:
        report = PassReport()
        engine = self.runtime.engine
        lease = dt.timedelta(seconds=self.options.lease_seconds)
        with session_scope(engine, write=True) as session:
            report.expired = data.expire_sending(session, claimed_before=self.clock() - lease)
            if self._instance is None:
                self._instance = data_identity(session)[0]
        try:
            while not self.stop.is_set() and (max_messages is None
                                              or report.handled < max_messages):
                now = self.clock()
                with session_scope(engine, write=True) as session:
                    batch = data.reserve_due(session, self.token, now=now,
                                             stale_before=now - lease,
                                             limit=self._limit(report, max_messages),
                                             campaign_id=campaign_id,
                                             skip_channels=tuple(report.unavailable))
                if not batch:
                    break
                report.reserved += len(batch)
                self._send_batch(batch, now, report)
        finally:
            self._wind_up(report)
        return report

    def _limit(self, report: PassReport, max_messages: int | None) -> int:
        if max_messages is None:
            return self.options.batch_size
        return max(1, min(self.options.batch_size, max_messages - report.handled))

    def _send_batch(self, batch: list[tuple[int, str]], reserved_at: dt.datetime,
                    report: PassReport) -> None:
        """Send a reserved batch in order. The outcome of one message is committed in the
        same transaction that marks the next one ``sending`` (one commit per message), or
        on its own after the last one."""
        half_lease = self.options.lease_seconds / 2
        outcome: _Outcome | None = None
        try:
            for outbox_id, channel in batch:
                if self.stop.is_set() or (
                        self.clock() - reserved_at).total_seconds() > half_lease:
                    break
                if channel in report.unavailable:
                    continue
                with session_scope(self.runtime.engine, write=True) as session:
                    self._apply(session, outcome, report)
                    outcome = None
                    row = self._start(session, outbox_id)
                if row is None:
                    report.cancelled += 1
                    continue
                outcome = self._deliver(row, report)
        finally:
            if outcome is not None:
                with session_scope(self.runtime.engine, write=True) as session:
                    self._apply(session, outcome, report)

    def _start(self, session: Session, outbox_id: int) -> data.Sendable | None:
        row = data.start_sending(session, outbox_id, self.token, now=self.clock())
        if row is not None and row.campaign_id not in self._subjects:
            self._subjects[row.campaign_id] = data.get_campaign_name(session, row.campaign_id)
        return row

    def _deliver(self, row: data.Sendable, report: PassReport) -> _Outcome:
        """Hand the message to its channel; what to record (nothing is written here)."""
        message = OutgoingMessage(outbox_id=row.id, key=idempotency_key(self._instance or "",
                                                                         row.id),
                                  channel=row.channel, address=row.address,
                                  subject=self._subjects.get(row.campaign_id, ""),
                                  body=row.message)
        try:
            provider_id = self._channel(row.channel).send(message)
        except Unavailable as exc:
            report.unavailable[row.channel] = str(exc)
            return _Outcome("postponed", data.record_retry, row.id, {
                "reason": str(exc), "next_attempt_at": self._outage_end(),
                "count_attempt": False})
        except TryLater as exc:
            if row.attempts >= self.options.max_attempts:
                return _Outcome("failed", data.record_failed, row.id, {
                    "reason": f"{exc} (gave up after {row.attempts} attempts)"})
            return _Outcome("retried", data.record_retry, row.id, {
                "reason": str(exc),
                "next_attempt_at": self.clock() + self.options.backoff(row.attempts)})
        except Rejected as exc:
            return _Outcome("failed", data.record_failed, row.id, {"reason": str(exc)})
        except OutcomeUnknown as exc:
            return _Outcome("unknown", data.record_unknown, row.id, {"reason": str(exc)})
        except Exception as exc:  # noqa: BLE001 - in doubt the message may have gone
            log.exception("channel %s failed on outbox row %s", row.channel, row.id)
            return _Outcome("unknown", data.record_unknown, row.id, {
                "reason": f"unexpected error while sending: {exc!r}"})
        if row.channel != "log":  # the log file is its own record
            record_receipt(self.runtime.settings, message.key, row.channel, provider_id)
        return _Outcome("sent", data.record_sent, row.id, {"provider_id": provider_id,
                                                           "now": self.clock()})

    def _apply(self, session: Session, outcome: _Outcome | None, report: PassReport) -> None:
        if outcome is not None and outcome.writer(session, outcome.outbox_id, self.token,
                                                  **outcome.values):
            setattr(report, outcome.counter, getattr(report, outcome.counter) + 1)

    def _outage_end(self) -> dt.datetime:
        return self.clock() + dt.timedelta(seconds=self.options.outage_seconds)

    def _channel(self, name: str) -> Channel:
        if name not in self.channels:
            missing = channel_configured(self.runtime.settings, name)
            if missing:
                raise Unavailable(missing)
            self.channels[name] = make_channel(self.runtime.settings, name)
            self._own.add(name)
        return self.channels[name]

    def _wind_up(self, report: PassReport) -> None:
        """Give back what was reserved and not started, close the connections this sender
        opened, and audit the pass when it did anything."""
        with session_scope(self.runtime.engine, write=True) as session:
            for channel, reason in report.unavailable.items():
                data.release_reservations(session, self.token, channel=channel,
                                          reason=f"provider unavailable: {reason}",
                                          next_attempt_at=self._outage_end())
            data.release_reservations(session, self.token)
            if report.handled or report.expired or report.cancelled:
                insert_audit(session, Actor.system("sender"), "outbox.send_pass",
                             object_type="outbox", object_id=self.token,
                             detail=report.as_dict())
        for name in list(self._own):
            channel = self.channels.pop(name)
            self._own.discard(name)
            try:
                channel.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                log.warning("closing channel %s failed", name, exc_info=True)

    # --- a long-running worker --------------------------------------------------------

    def run_forever(self, *, interval: float = 5.0, campaign_id: int | None = None,
                    on_pass: Callable[[PassReport], None] | None = None) -> None:
        """Passes until :attr:`stop` is set; sleeps ``interval`` seconds when a pass found
        nothing to do or failed (a database outage is logged and retried, never fatal)."""
        while not self.stop.is_set():
            try:
                report = self.run_pass(campaign_id=campaign_id)
            except Exception:  # noqa: BLE001 - keep the worker alive through outages
                log.exception("outbox pass failed; retrying in %.0f s", interval)
                self.stop.wait(interval)
                continue
            if on_pass is not None:
                on_pass(report)
            if report.handled == 0 or report.unavailable:
                self.stop.wait(interval)


def send_pending(runtime: Runtime, campaign_id: int | None = None,
                 options: SenderOptions | None = None) -> PassReport:
    """One pass, for the web app's background job after a campaign is queued."""
    return Sender(runtime, options=options).run_pass(campaign_id=campaign_id)
