"""How far a campaign's send has come: its outbox counts by status, read as the progress
bar and the list show them.

A campaign's rows are the messages to deliver (``pending`` and ``sending`` still waiting;
``sent``, ``failed``, ``unknown`` and ``cancelled`` finished) plus the customers it does not
contact (``holdout``, ``unreachable``), which are never part of the progress.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

MESSAGE_STATES = ("pending", "sending", "sent", "failed", "unknown", "cancelled")
FINISHED_STATES = ("sent", "failed", "unknown", "cancelled")
WAITING_STATES = ("pending", "sending")


@dataclass(frozen=True)
class Progress:
    """Outbox counts by status (missing statuses count 0)."""

    counts: Mapping[str, int] = field(default_factory=dict)

    def __getitem__(self, status: str) -> int:
        return int(self.counts.get(status, 0) or 0)

    @property
    def messages(self) -> int:
        """Messages to deliver (not the holdout group, not the unreachable)."""
        return sum(self[s] for s in MESSAGE_STATES)

    @property
    def finished(self) -> int:
        return sum(self[s] for s in FINISHED_STATES)

    @property
    def waiting(self) -> int:
        return sum(self[s] for s in WAITING_STATES)

    @property
    def share_pct(self) -> float:
        """Finished messages in per cent of all (100 when there is nothing to send)."""
        return self.finished / self.messages * 100 if self.messages else 100.0


__all__ = ["FINISHED_STATES", "MESSAGE_STATES", "WAITING_STATES", "Progress"]
