"""The two caches of the product.

:class:`FigureCache` (``runtime.cache``) is the shared figure cache: computed tables keyed by
the data they were computed from, shared by every worker. :class:`Memo` is the one per-process
memo (typed fields of :class:`~dashboard.runtime.Runtime`): small lookups and the list data
kept in a worker's memory, keyed by the data version they come from. Nothing else caches;
rendered Dash components are never kept.

The figure cache on one host: diskcache in the data folder, shared by all gunicorn workers. Several hosts: Redis
(``COCKPIT_REDIS_URL``). Each process keeps its last few entries in memory as well, so a warm
read costs no deserialisation. A failing or full cache only costs a recompute: errors are
logged and treated as misses, never shown to a user.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import math
import pickle
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

import cachetools
import pandas as pd

log = logging.getLogger(__name__)

DAY = 24 * 3600


def source_hash(root: Path) -> str:
    """A short hash of the Python sources under ``root``: their names and bytes, never their
    times, so every host holding the same files gets the same hash."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


@functools.cache
def code_version() -> str:
    """This release's code (:func:`source_hash` of the package). Cached figures outlive a
    restart and an upgrade while the data version stays the same, so every key carries it and
    a new release never reads a table the previous one computed."""
    return source_hash(Path(__file__).resolve().parent)


def cache_key(*parts: Any) -> str:
    """A stable key for ``parts`` and this release's code (the same in every worker and on
    every host running it)."""
    text = "\x1f".join([code_version(), *(repr(p) for p in parts)])
    return hashlib.sha256(text.encode()).hexdigest()


class _Store(Protocol):
    def get(self, key: str) -> Any | None: ...

    def set(self, key: str, value: Any, expire: int) -> None: ...


@functools.cache
def _frame_disk() -> type:
    """diskcache's storage with frames pickled straight into their file. diskcache pickles a
    value to bytes before writing it: at 10M orders, a 230 MB copy of the customer table at
    the moment the process is fullest (decision 247). Other values, and reading, are
    diskcache's own."""
    import os

    import diskcache
    from diskcache.core import MODE_PICKLE, UNKNOWN

    class FrameDisk(diskcache.Disk):
        def store(self, value: Any, read: bool, key: Any = UNKNOWN) -> tuple:
            if read or not isinstance(value, pd.DataFrame) or int(
                    value.memory_usage(index=False).sum()) < self.min_file_size:
                return super().store(value, read, key=key)
            filename, full_path = self.filename(key, value)
            os.makedirs(os.path.dirname(full_path), exist_ok=True)
            with open(full_path, "xb") as out:
                pickle.dump(value, out, protocol=self.pickle_protocol)
            return os.path.getsize(full_path), MODE_PICKLE, filename, None

    return FrameDisk


class DiskStore:
    """diskcache in a folder, opened on first use: a folder that cannot be opened (a full
    disk, no permission) fails that call, not the process, and is tried again later."""

    def __init__(self, folder: Path, size_limit: int = 2 << 30) -> None:
        self._folder = folder
        self._size_limit = size_limit
        self._opened: Any = None
        self._opening = threading.Lock()

    @property
    def _cache(self) -> Any:
        if self._opened is None:
            import diskcache

            with self._opening:
                if self._opened is None:
                    self._opened = diskcache.FanoutCache(str(self._folder), shards=4,
                                                         timeout=1, size_limit=self._size_limit,
                                                         disk=_frame_disk())
        return self._opened

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


class Memo:
    """A per-process memo: the ``maxsize`` most recently used values, each kept at most
    ``ttl`` seconds (``None``: until pushed out); thread-safe. Keys name what the value was
    computed from (the data version included), so an entry is never stale, only old."""

    def __init__(self, maxsize: int, ttl: float | None = None) -> None:
        self.ttl = ttl
        self._entries: cachetools.TLRUCache = cachetools.TLRUCache(
            maxsize, ttu=self._expires, timer=time.monotonic)
        self._lock = threading.Lock()

    @staticmethod
    def _expires(_key: Any, entry: tuple[float | None, Any], now: float) -> float:
        return math.inf if entry[0] is None else now + entry[0]

    def get(self, key: Any, default: Any = None) -> Any:
        with self._lock:
            entry = self._entries.get(key)
        return default if entry is None else entry[1]

    def set(self, key: Any, value: Any, ttl: float | None = None) -> None:
        """Keep ``value`` for ``key`` (``ttl``: this entry's lifetime, else the memo's)."""
        with self._lock:
            self._entries[key] = (self.ttl if ttl is None else ttl, value)

    def get_or_compute(self, key: Any, compute: Callable[[], Any],
                       keep: Callable[[Any], bool] | None = None,
                       ttl: float | None = None) -> Any:
        """The value kept for ``key``, else ``compute()`` (kept unless ``keep`` says no)."""
        with self._lock:
            entry = self._entries.get(key)
        if entry is not None:
            return entry[1]
        value = compute()
        if keep is None or keep(value):
            self.set(key, value, ttl)
        return value

    def __contains__(self, key: Any) -> bool:
        with self._lock:
            return key in self._entries

    def __len__(self) -> int:
        with self._lock:
            self._entries.expire()
            return len(self._entries)

    def forget(self, which: Callable[[Any], bool]) -> None:
        """Drop the entries whose key ``which`` accepts."""
        with self._lock:
            for key in [k for k in self._entries if which(k)]:
                del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def make_cache(data_dir: Path, redis_url: str = "") -> FigureCache:
    if redis_url:
        return FigureCache(RedisStore(redis_url))
    return FigureCache(DiskStore(Path(data_dir) / "cache"))
