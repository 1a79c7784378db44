"""The figure cache: shared between processes, memory on top, failures are misses."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from dashboard.cache import FigureCache, Memo, cache_key, make_cache


def test_key_is_stable_and_distinguishes_parts() -> None:
    assert cache_key("table", 3, "2026-11-22") == cache_key("table", 3, "2026-11-22")
    assert cache_key("table", 3, "2026-11-22") != cache_key("table", 4, "2026-11-22")
    assert cache_key("a", "b") != cache_key("ab")


def test_key_carries_the_code_and_is_the_same_in_another_process(monkeypatch, tmp_path) -> None:  # noqa: ANN001
    """A figure cached by one release is never read by another: the key holds a hash of the
    package's sources, the same in every process running them."""
    import subprocess
    import sys

    from dashboard import cache

    code = "from dashboard.cache import cache_key; print(cache_key('table', 3))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert other == cache_key("table", 3)
    assert cache.code_version() == cache.source_hash(Path(cache.__file__).parent)
    # one byte changed in a source changes the hash; a file touched but unchanged does not
    (tmp_path / "pkg").mkdir()
    source = tmp_path / "pkg" / "figures.py"
    source.write_text("X = 1\n")
    first = cache.source_hash(tmp_path / "pkg")
    os.utime(source, (1, 1))
    assert cache.source_hash(tmp_path / "pkg") == first
    source.write_text("X = 2\n")
    assert cache.source_hash(tmp_path / "pkg") != first
    monkeypatch.setattr(cache, "code_version", lambda: "0" * 16)
    assert cache_key("table", 3) != other


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


def test_memo_keeps_the_most_recently_used_values() -> None:
    memo = Memo(2)
    calls: list[str] = []
    for key in ("a", "b", "a", "c", "a", "b"):
        memo.get_or_compute(key, lambda k=key: calls.append(k) or k.upper())
    # "a" was used again before "c" came, so "b" went; "b" is computed a second time and
    # pushes out "c", the least recently used by then
    assert calls == ["a", "b", "c", "b"]
    assert "a" in memo and "b" in memo and "c" not in memo
    assert len(memo) == 2


def test_memo_entries_expire_after_their_ttl(monkeypatch) -> None:  # noqa: ANN001
    now = [100.0]
    monkeypatch.setattr("dashboard.cache.time.monotonic", lambda: now[0])
    memo = Memo(10, ttl=60)
    memo.set("short", 1, ttl=5)
    memo.set("default", 2)
    now[0] = 104.9
    assert memo.get("short") == 1 and memo.get("default") == 2
    now[0] = 105.0
    assert memo.get("short") is None and memo.get("default") == 2
    now[0] = 160.0
    assert memo.get("default", "gone") == "gone"
    assert len(memo) == 0


def test_memo_keeps_only_what_keep_accepts_and_forgets_on_request() -> None:
    memo = Memo(10)
    assert memo.get_or_compute("bad", lambda: "unavailable", keep=lambda v: v != "unavailable") \
        == "unavailable"
    assert "bad" not in memo
    memo.set(("overview", 1), "x")
    memo.set(("choices", 1), "y")
    memo.forget(lambda key: key[0] == "overview")
    assert ("overview", 1) not in memo and memo.get(("choices", 1)) == "y"
    memo.clear()
    assert len(memo) == 0


def test_a_cache_folder_that_cannot_be_opened_is_a_miss_not_an_error(tmp_path) -> None:
    """A full disk (or no permission) when the folder is first opened: the figure is computed,
    and the folder is tried again on the next call (reliability test 36)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    cache = make_cache(blocker)  # the store would live in not-a-folder/cache
    calls = []
    assert cache.get_or_compute("k", lambda: calls.append(1) or 41) == 41
    cache.clear_memory()
    assert cache.get_or_compute("k", lambda: calls.append(2) or 42) == 42
    assert calls == [1, 2]
    blocker.unlink()  # the disk has room again: the next call opens the folder
    cache.set("k", 43)
    assert make_cache(blocker).get("k") == 43


def test_a_large_frame_is_pickled_into_its_file_and_reads_back(tmp_path, monkeypatch) -> None:  # noqa: ANN001
    """A frame larger than diskcache's file threshold is pickled straight into its file (not
    first to bytes in memory); another process's cache reads it back equal, and small frames
    and other values are stored as diskcache stores them."""
    import pickle

    import numpy as np

    to_bytes = []
    dumps = pickle.dumps
    monkeypatch.setattr(pickle, "dumps", lambda value, *a, **k: (
        to_bytes.append(type(value).__name__ + str(len(value)))
        if isinstance(value, pd.DataFrame) else None) or dumps(value, *a, **k))

    big = pd.DataFrame({"customer_id": np.arange(20_000, dtype=np.int64),
                        "code": [f"C{i:06d}" for i in range(20_000)],
                        "revenue": np.linspace(-5.0, 1e6, 20_000)})
    small = big.head(3)
    writer = make_cache(tmp_path)
    for key, value in (("big", big), ("small", small), ("number", 7), ("text", "x" * 50_000)):
        writer.set(key, value)
    files = sorted(p.stat().st_size for p in (tmp_path / "cache").rglob("*.val"))
    assert len(files) == 2  # the big frame and the long text; the rest sit in the index
    reader = make_cache(tmp_path)
    pd.testing.assert_frame_equal(reader.get("big"), big)
    pd.testing.assert_frame_equal(reader.get("small"), small)
    assert reader.get("number") == 7 and reader.get("text") == "x" * 50_000
    assert to_bytes == ["DataFrame3"]  # only the small frame went through bytes
