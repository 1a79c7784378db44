"""Channels and what a send can end in.

A channel's :meth:`Channel.send` returns the provider's message id when the provider took the
message, or raises one of the outcomes below, chosen by what is known about the message:

- :class:`Rejected` — the provider refused this message for good (bad number, 5xx on the
  recipient): the row is ``failed``;
- :class:`TryLater` — this message was refused for now (mailbox busy): retried with back-off
  up to the attempt limit, then ``failed``;
- :class:`Unavailable` — the provider could not be reached or is not configured, and the
  message certainly did not leave: the row stays ``pending`` and the channel rests until the
  next pass (an outage never uses up attempts);
- :class:`OutcomeUnknown` — the request may have reached the provider but no answer came
  (timeout, connection lost while waiting): the row is ``unknown`` and a person decides.

Anything else a channel raises is treated as :class:`OutcomeUnknown`: when in doubt, never
send twice.
"""

from __future__ import annotations

import fcntl
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from dashboard.config import Settings
from dashboard.models import utcnow


class DeliveryError(Exception):
    """Base of the outcomes a channel raises; ``str(exc)`` is the reason recorded."""


class Rejected(DeliveryError):
    pass


class TryLater(DeliveryError):
    pass


class Unavailable(DeliveryError):
    pass


class OutcomeUnknown(DeliveryError):
    pass


@dataclass(frozen=True)
class OutgoingMessage:
    outbox_id: int
    key: str  # provider idempotency key, derived from the outbox row
    channel: str
    address: str
    subject: str
    body: str


def idempotency_key(instance_id: str, outbox_id: int) -> str:
    """``cockpit-<instance>-<outbox id>``: stable for the row across retries and workers, and
    distinct between two installations that share a provider account."""
    prefix = (instance_id or "")[:12]
    return f"cockpit-{prefix}-{outbox_id}" if prefix else f"cockpit-{outbox_id}"


class Channel(Protocol):
    name: str

    def send(self, message: OutgoingMessage) -> str: ...

    def close(self) -> None: ...


class LogChannel:
    """Demo channel: appends each message as one JSON line to ``outbox.log`` in the data
    folder (under an exclusive lock, so lines of several workers never interleave)."""

    name = "log"

    def __init__(self, path: Path) -> None:
        self.path = path

    def send(self, message: OutgoingMessage) -> str:
        line = json.dumps({
            "at": utcnow().isoformat(timespec="seconds") + "Z", "key": message.key,
            "channel": message.channel, "to": message.address, "subject": message.subject,
            "message": message.body,
        }, ensure_ascii=False) + "\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path, "a", encoding="utf-8") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise Unavailable(f"cannot write {self.path.name}: {exc.strerror}") from exc
        return message.key

    def close(self) -> None:
        return None


def channel_configured(settings: Settings, channel: str) -> str:
    """Empty when ``channel`` can be used with these settings, else what is missing."""
    if channel == "email" and not settings.smtp_host:
        return "E-mail is not configured: set COCKPIT_SMTP_HOST."
    if channel == "sms" and not settings.sms_url:
        return "SMS is not configured: set COCKPIT_SMS_URL."
    return ""
