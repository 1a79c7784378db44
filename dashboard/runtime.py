"""What the composition roots (``create_app`` and the CLI) build once and hand to services."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from dashboard.cache import FigureCache, make_cache
from dashboard.config import Settings, load_settings
from dashboard.db import make_engine


@dataclass
class Runtime:
    settings: Settings
    engine: Engine
    extras: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def cache(self) -> FigureCache:
        """The shared figure cache (diskcache in the data folder, or Redis when set)."""
        return make_cache(self.settings.data_dir, self.settings.redis_url)

    @property
    def snapshot_dir(self) -> Path:
        return self.settings.data_dir / "snapshot"


def build_runtime(settings: Settings | None = None) -> Runtime:
    settings = settings or load_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return Runtime(settings=settings, engine=make_engine(settings.database_url))
