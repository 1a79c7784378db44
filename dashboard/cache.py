"""The shared figure cache: computed tables keyed by the data they were computed from.

One host: diskcache in the data folder, shared by all gunicorn workers. Several hosts: Redis
(``COCKPIT_REDIS_URL``). Each process keeps its last few entries in memory as well, so a warm
read costs no deserialisation. A failing or full cache only costs a recompute: errors are
logged and treated as misses, never shown to a user.
"""

from __future__ import annotations

import hashlib
import logging
import pickle
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import pandas as pd

log = logging.getLogger(__name__)

DAY = 24 * 3600


def cache_key(*parts: Any) -> str:
    """A stable key for ``parts`` (the same in every worker and on every host)."""
    text = "\x1f".join(repr(p) for p in parts)
    return hashlib.sha256(text.encode()).hexdigest()


class _Store(Protocol):
    def get(self, key: str) -> Any | None: ...

    def set(self, key: str, value: Any, expire: int) -> None: ...


class DiskStore:
    def __init__(self, folder: Path, size_limit: int = 2 << 30) -> None:
        import diskcache

        self._cache = diskcache.FanoutCache(str(folder), shards=4, timeout=1,
                                            size_limit=size_limit)

    def get(self, key: str) -> Any | None:
        return self._cache.get(key, default=None, retry=True)

    def set(self, key: str, value: Any, expire: int) -> None:
        self._cache.set(key, value, expire=expire, retry=True)


class RedisStore:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def get(self, key: str) -> Any | None:
        raw = self._redis.get(f"cockpit:{key}")
        return None if raw is None else pickle.loads(raw)  # noqa: S301 - our own values

    def set(self, key: str, value: Any, expire: int) -> None:
        self._redis.set(f"cockpit:{key}", pickle.dumps(value, protocol=5), ex=expire)


def _size(value: Any) -> int:
    """Rough bytes held by a cached value (tables dominate; the rest counts a little)."""
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=False).sum())
    return 64 * 1024


class FigureCache:
    """``get_or_compute(key, compute)``: memory, then the shared store, then ``compute``.

    The memory part keeps the most recently used values up to ``memory_bytes`` (a 200,000-
    customer table is about 100 MB, a 20,000-customer one 10 MB)."""

    def __init__(self, store: _Store | None, memory_bytes: int = 384 << 20) -> None:
        self._store = store
        self._memory: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self._memory_bytes = memory_bytes
        self._held = 0
        self._lock = threading.Lock()

    def _remember(self, key: str, value: Any) -> None:
        size = _size(value)
        with self._lock:
            old = self._memory.pop(key, None)
            if old is not None:
                self._held -= old[1]
            self._memory[key] = (value, size)
            self._held += size
            while self._held > self._memory_bytes and len(self._memory) > 1:
                _key, (_value, dropped) = self._memory.popitem(last=False)
                self._held -= dropped

    def get(self, key: str) -> Any | None:
        with self._lock:
            if key in self._memory:
                self._memory.move_to_end(key)
                return self._memory[key][0]
        if self._store is None:
            return None
        try:
            value = self._store.get(key)
        except Exception:  # noqa: BLE001 - a broken cache is a miss
            log.warning("figure cache read failed; recomputing", exc_info=True)
            return None
        if value is not None:
            self._remember(key, value)
        return value

    def set(self, key: str, value: Any, expire: int = DAY) -> None:
        self._remember(key, value)
        if self._store is None:
            return
        try:
            self._store.set(key, value, expire)
        except Exception:  # noqa: BLE001 - a full or broken cache only costs a recompute
            log.warning("figure cache write failed", exc_info=True)

    def get_or_compute(self, key: str, compute: Callable[[], Any], expire: int = DAY) -> Any:
        value = self.get(key)
        if value is None:
            value = compute()
            self.set(key, value, expire)
        return value

    def clear_memory(self) -> None:
        with self._lock:
            self._memory.clear()
            self._held = 0


def make_cache(data_dir: Path, redis_url: str = "") -> FigureCache:
    if redis_url:
        return FigureCache(RedisStore(redis_url))
    return FigureCache(DiskStore(Path(data_dir) / "cache"))
