"""The figure cache: shared between processes, memory on top, failures are misses."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from dashboard.cache import FigureCache, cache_key, make_cache


def test_key_is_stable_and_distinguishes_parts() -> None:
    assert cache_key("table", 3, "2026-11-22") == cache_key("table", 3, "2026-11-22")
    assert cache_key("table", 3, "2026-11-22") != cache_key("table", 4, "2026-11-22")
    assert cache_key("a", "b") != cache_key("ab")


def test_disk_cache_shared_between_instances(tmp_path) -> None:
    first, second = make_cache(tmp_path), make_cache(tmp_path)
    frame = pd.DataFrame({"customer_id": [1, 2], "revenue": [10.0, 0.0]})
    calls = []
    first.get_or_compute("k", lambda: calls.append(1) or frame)
    got = second.get_or_compute("k", lambda: calls.append(2) or None)
    pd.testing.assert_frame_equal(got, frame)
    assert calls == [1]


@pytest.mark.skipif(not os.environ.get("COCKPIT_TEST_REDIS_URL"), reason="no Redis configured")
def test_redis_cache_shared_between_instances() -> None:
    url = os.environ["COCKPIT_TEST_REDIS_URL"]
    first, second = make_cache("/nonexistent", url), make_cache("/nonexistent", url)
    key = cache_key("redis-test", os.getpid())
    first.set(key, {"x": 1}, expire=60)
    assert second.get(key) == {"x": 1}


class _Broken:
    def get(self, key):  # noqa: ANN001, ANN201
        raise OSError("disk full")

    def set(self, key, value, expire):  # noqa: ANN001, ANN201
        raise OSError("disk full")


def test_broken_store_only_costs_a_recompute() -> None:
    cache = FigureCache(_Broken())
    assert cache.get_or_compute("k", lambda: 41 + 1) == 42
    cache.clear_memory()
    assert cache.get_or_compute("k", lambda: 43) == 43


def test_memory_is_bounded_by_size() -> None:
    cache = FigureCache(None, memory_bytes=3 * 8000)
    frames = {k: pd.DataFrame({"x": range(900)}) for k in "abcd"}  # about 7.3 kB each
    for key, frame in frames.items():
        cache.set(key, frame)
    assert cache.get("a") is None  # the oldest went first
    assert all(cache.get(k) is frames[k] for k in "bcd")
