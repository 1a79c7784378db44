"""What the demo generation steps share: the options, the open session, the ids reserved so
far, the tables built by earlier steps, and the summary with counts and timings."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from dashboard.data.bulk import bulk_insert
from dashboard.demo import chinese
from dashboard.demo.calendar import cumulative_profiles, day_dates
from dashboard.demo.catalogue import Catalogue
from dashboard.demo.options import DemoOptions
from dashboard.demo.targets import MonthlyRevenue


class Progress(Protocol):
    def __call__(self, stage: str, total: int | None = None
                 ) -> AbstractContextManager[Callable[[int], None]]: ...


@contextmanager
def no_progress(stage: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    yield lambda _n: None


@dataclass
class DemoSummary:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    emptied: list[str] = field(default_factory=list)
    reps: pd.DataFrame | None = None  # name, team, slot, id, team_id
    duplicates: pd.DataFrame | None = None  # planted pairs: original_id, copy_id, kind


@dataclass
class DemoState:
    """Everything the generation steps share."""

    options: DemoOptions
    session: Session
    summary: DemoSummary
    progress: Progress
    next_id: dict[str, int]
    dates: np.ndarray = field(init=False)
    cumulative: np.ndarray = field(init=False)
    catalogue: Catalogue | None = None
    traits: pd.DataFrame | None = None
    customers: pd.DataFrame | None = None
    timeline: pd.DataFrame | None = None
    monthly: MonthlyRevenue | None = None

    def __post_init__(self) -> None:
        self.dates = day_dates(self.options.start, self.options.n_days)
        self.cumulative = cumulative_profiles(self.options.start, self.options.n_days)

    @property
    def today(self) -> int:
        return self.options.n_days - 1

    @property
    def start(self) -> np.datetime64:
        return np.datetime64(self.options.start, "D")

    def ids(self, model: Any, n: int) -> int:
        """Reserve ``n`` ids of ``model``'s table; returns the first."""
        name = model.__table__.name
        first = self.next_id[name]
        self.next_id[name] = first + n
        return first

    def write(self, model: Any, frame: pd.DataFrame) -> None:
        name = model.__table__.name
        if self.options.language == "zh":
            frame = chinese.frame(name, frame)
        rows = bulk_insert(self.session, model, frame)
        self.summary.counts[name] = self.summary.counts.get(name, 0) + rows

    @contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
        began = time.perf_counter()
        with self.progress(name, total) as advance:
            yield advance
        self.summary.seconds[name] = self.summary.seconds.get(name, 0.0) + (
            time.perf_counter() - began)
