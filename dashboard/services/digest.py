"""The daily e-mail digest (``COCKPIT_DIGEST_AT``): each account manager with an e-mail
address and open alerts gets one message with how many are open, how many are new since the
previous day's digest time and since when the oldest waits, and the address of the alerts
page. Written in the default language; one message per manager per day (the scheduler's slot
claim), each with its own idempotency key."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dashboard.data.alerts import load_digest_counts
from dashboard.db import session_scope
from dashboard.filters import ALERTS_PATH
from dashboard.i18n import N_, format_date, format_number, translate
from dashboard.messaging.channels import DeliveryError, OutgoingMessage
from dashboard.messaging.smtp import SmtpChannel
from dashboard.runtime import Runtime

SUBJECT = N_("Customer cockpit: {count} open alerts")
GREETING = N_("Hello {name},")
SUMMARY = N_("{count} alerts about your customers are open, {new} of them new since yesterday; "
             "the oldest is from {date}.")
LINK = N_("Open them: {address}")


def digest_text(row: dict[str, Any], language: str, site: str) -> tuple[str, str]:
    """(subject, body) of one manager's digest."""
    subject = translate(SUBJECT, language,
                        count=format_number(row["open"], language=language))
    body = "\n".join([
        translate(GREETING, language, name=row["rep_name"]), "",
        translate(SUMMARY, language,
                  count=format_number(row["open"], language=language),
                  new=format_number(row["new"], language=language),
                  date=format_date(row["oldest"].date(), language)), "",
        translate(LINK, language, address=site + ALERTS_PATH)])
    return subject, body


def send_digests(runtime: Runtime, now: dt.datetime) -> dict[str, Any]:
    """Send today's digests; counts of sent and failed messages."""
    settings = runtime.settings
    since = runtime.clock() - dt.timedelta(days=1)
    with session_scope(runtime.engine) as session:
        counts = load_digest_counts(session, since)
    language = settings.default_language
    site = f"http://{settings.host}:{settings.port}"
    channel = SmtpChannel.from_settings(settings)
    sent, failed = 0, []
    try:
        for row in counts.to_dict("records"):  # one message per account manager
            subject, body = digest_text(row, language, site)
            try:
                channel.send(OutgoingMessage(
                    outbox_id=0, key=f"cockpit-digest-{now.date().isoformat()}-{row['rep_id']}",
                    channel="email", address=str(row["email"]), subject=subject, body=body))
                sent += 1
            except DeliveryError as error:
                failed.append(f"{row['rep_name']}: {error}"[:200])
    finally:
        channel.close()
    return {"managers": len(counts), "sent": sent, "failed": failed}


__all__ = ["digest_text", "send_digests"]
