"""``cockpit send``: the outbox sender as a command.

One pass (``--once``) or passes until SIGTERM / SIGINT, sleeping between passes when there is
nothing to do. A stop request lets the message in flight finish and gives back what was
reserved, so a stopped worker leaves no row behind; a killed one leaves at most the message
in flight as ``unknown``.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable

from dashboard.messaging.sender import PassReport, Sender, SenderOptions
from dashboard.runtime import Runtime


def describe(report: PassReport) -> str:
    parts = [f"sent {report.sent}", f"failed {report.failed}", f"retry later {report.retried}",
             f"unknown {report.unknown}"]
    if report.expired:
        parts.append(f"claims expired -> unknown {report.expired}")
    if report.cancelled:
        parts.append(f"cancelled {report.cancelled}")
    if report.postponed or report.unavailable:
        parts.append(f"postponed {report.postponed}")
        parts.extend(f"{name} unavailable: {why}" for name, why in report.unavailable.items())
    return ", ".join(parts)


def run_sender(runtime: Runtime, *, once: bool, campaign_id: int | None, interval: float,
               options: SenderOptions | None = None,
               echo: Callable[[str], None] = print) -> PassReport | None:
    """Run the sender with the process's runtime; returns the report of the pass when
    ``once``."""
    stop = threading.Event()
    sender = Sender(runtime, options=options, stop=stop)
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        if once:
            report = sender.run_pass(campaign_id=campaign_id)
            echo(describe(report))
            return report

        def show(report: PassReport) -> None:
            if report.handled or report.expired or report.cancelled:
                echo(describe(report))

        echo(f"Sending queued messages every {interval:g} s (Ctrl+C stops).")
        sender.run_forever(interval=interval, campaign_id=campaign_id, on_pass=show)
        return None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
