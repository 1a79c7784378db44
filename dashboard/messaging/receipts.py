"""What the providers are known to have taken, by idempotency key, kept apart from the database.

A row becomes ``unknown`` when its worker died (or was stopped) between the provider call and
the commit of its outcome. Before a person may release such a row to be sent again, the
evidence is read here, and a row the provider already took can only be marked sent:

- the log channel's file (``outbox.log``) *is* the provider: a line with the row's key means
  the message went out;
- for e-mail and SMS, the sender appends a receipt (``outbox-receipts.log`` in the data
  folder: key, channel, provider id; under an exclusive lock, flushed to disk) the moment the
  provider accepted the message, before the outcome is committed, so a worker killed in between
  still leaves the evidence. The receipts are per host (the data folder); the providers
  themselves also see the same idempotency key again on a resend (SMS ``Idempotency-Key``,
  e-mail ``Message-ID``).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
from pathlib import Path

from dashboard.config import Settings
from dashboard.models import utcnow

log = logging.getLogger(__name__)
LOG_FILE = "outbox.log"
RECEIPTS_FILE = "outbox-receipts.log"


def log_path(settings: Settings) -> Path:
    return settings.data_dir / LOG_FILE


def receipts_path(settings: Settings) -> Path:
    return settings.data_dir / RECEIPTS_FILE


def append_line(path: Path, record: dict[str, object]) -> None:
    """One JSON line, under an exclusive lock (lines of several workers never interleave)
    and flushed to disk. Raises :class:`OSError`."""
    line = json.dumps(record, ensure_ascii=False) + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        handle.write(line)
        handle.flush()
        os.fsync(handle.fileno())


def record_receipt(settings: Settings, key: str, channel: str, provider_id: str) -> None:
    """Note that the provider took the message ``key``; a failure to write is logged, never
    raised (the message has gone either way)."""
    try:
        append_line(receipts_path(settings), {
            "at": utcnow().isoformat(timespec="seconds") + "Z", "key": key,
            "channel": channel, "provider_id": str(provider_id)[:200]})
    except OSError:
        log.warning("could not write the receipt of %s", key, exc_info=True)


def file_has_key(path: Path, key: str) -> bool:
    """True when a JSON line of ``path`` carries exactly ``key``."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if key not in line:
                    continue
                try:
                    if json.loads(line).get("key") == key:
                        return True
                except (ValueError, AttributeError):
                    continue
    except FileNotFoundError:
        return False
    return False


def provider_took(settings: Settings, channel: str, key: str) -> bool:
    """True when the evidence shows the provider took the message with ``key``."""
    if channel == "log" and file_has_key(log_path(settings), key):
        return True
    return file_has_key(receipts_path(settings), key)
