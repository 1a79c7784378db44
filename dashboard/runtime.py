"""What the composition roots (``create_app`` and the CLI) build once and hand to services.

Everything a process keeps between requests is a typed field here: the shared figure cache
(``cache``, across workers), the per-process memos (:class:`~dashboard.cache.Memo`, one
type), the store of tokens handed to the browser, the clock and the calendar day (tests
replace them), and the Celery app when background jobs run on Redis.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from dashboard.cache import DiskStore, FigureCache, Memo, RedisStore, make_cache
from dashboard.config import Settings, load_settings
from dashboard.db import make_engine
from dashboard.models import utcnow

LOOKUPS_KEPT = 256  # filter choices, scopes and overviews (small, per data version)
LISTS_KEPT = 12  # customer-list frames: details, last contacts and the list data
SAVED_VIEWS_KEPT = 4096
SAVED_VIEW_SECONDS = 3600


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    clock: Callable[[], dt.datetime] = utcnow  # naive UTC
    today: Callable[[], dt.date] = dt.date.today  # the default as-of date
    celery: Any | None = None  # the Celery app when COCKPIT_REDIS_URL is set
    scheduler: Any | None = None  # this process's scheduler runner, when it runs one
    pool_pid: int | None = None  # the process that owns the engine's pooled connections
    days: Memo = field(default_factory=lambda: Memo(1))  # the customer-day rollup frame
    lookups: Memo = field(default_factory=lambda: Memo(LOOKUPS_KEPT))
    lists: Memo = field(default_factory=lambda: Memo(LISTS_KEPT))
    saved_views: Memo = field(
        default_factory=lambda: Memo(SAVED_VIEWS_KEPT, ttl=SAVED_VIEW_SECONDS))

    @cached_property
    def cache(self) -> FigureCache:
        """The shared figure cache (diskcache in the data folder, or Redis when set)."""
        return make_cache(self.settings.data_dir, self.settings.redis_url)

    @cached_property
    def tokens(self) -> DiskStore | RedisStore:
        """The shared store of selections and saved views handed to the browser as tokens."""
        if self.settings.redis_url:
            return RedisStore(self.settings.redis_url)
        return DiskStore(self.settings.data_dir / "cache" / "selections", size_limit=256 << 20)

    @property
    def snapshot_dir(self) -> Path:
        return self.settings.data_dir / "snapshot"


def build_runtime(settings: Settings | None = None) -> Runtime:
    settings = settings or load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Runtime(settings=settings, engine=make_engine(settings.database_url))
