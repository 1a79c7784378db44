"""What to generate: size, seed and the day the history ends."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np

from dashboard.demo.chinese import check_language

# Keys that give each generation step its own random stream, so that a change in one step
# does not shift the numbers of another.
STREAMS = {
    "catalogue": 1, "traits": 2, "customers": 3, "gaps": 4, "timeline": 5, "lines": 6,
    "finance": 7, "contacts": 8, "targets": 9, "codes": 10, "duplicates": 11,
}


@dataclass(frozen=True)
class DemoOptions:
    customers: int = 2_000
    orders: int = 60_000
    seed: int = 1
    today: dt.date = field(default_factory=dt.date.today)
    years: int = 3
    chunk_orders: int = 250_000  # orders generated and written per step
    defer_indexes: bool = True  # drop and rebuild secondary indexes around the load
    language: str = "en"  # words of the demo: "en" or "zh" (figures are the same in both)

    def __post_init__(self) -> None:
        if self.customers < 10:
            raise ValueError("the demo needs at least 10 customers")
        if self.orders < 0:
            raise ValueError("the number of orders cannot be negative")
        if self.chunk_orders < 1_000:
            raise ValueError("chunks of fewer than 1,000 orders are not supported")
        check_language(self.language)

    @property
    def start(self) -> dt.date:
        """First day of the history."""
        return self.today - dt.timedelta(days=365 * self.years)

    @property
    def n_days(self) -> int:
        return (self.today - self.start).days + 1

    def rng(self, stream: str, *keys: int) -> np.random.Generator:
        """The random stream of one generation step (and chunk)."""
        entropy = [int(self.seed) & 0xFFFFFFFF, STREAMS[stream], *map(int, keys)]
        return np.random.default_rng(np.random.SeedSequence(entropy))
