"""Compressed static files: the scripts and stylesheets the browser loads once per version.

Dash's component bundles are large (plotly.min.js alone is about 4.8 MB); over a phone
connection that is most of the first page's wait. flask-compress compresses them (zstd,
brotli or gzip, whichever the browser accepts) and keeps each compressed body in memory,
keyed by algorithm and address: the addresses carry the package version, so a body never
changes under its key, and each is compressed once per process.

Only static files are compressed. Pages and callback answers are not: they hold the user's
data beside values an attacker could reflect, which is what a compression side channel
(BREACH) needs, and they are small next to the bundles.
"""

from __future__ import annotations

from cachetools import LRUCache
from flask import Flask, Request
from flask_compress import Compress

STATIC_PREFIXES = ("/_dash-component-suites/", "/assets/")
STATIC_TYPES = ["text/css", "text/javascript", "application/javascript",
                "application/x-javascript", "image/svg+xml", "application/json"]
# application/json is here for source maps and static .json assets only: other responses
# are refused by the path check below, before anything is compressed.
CACHE_BYTES = 64 * 1024 * 1024


class _StaticBodies:
    """The compressed bodies of static files, at most ``CACHE_BYTES`` of them, least
    recently used first out. Only keys of static addresses are kept."""

    def __init__(self) -> None:
        self._bodies: LRUCache[str, bytes] = LRUCache(maxsize=CACHE_BYTES, getsizeof=len)

    def get(self, key: str) -> bytes | None:
        return self._bodies.get(key)

    def set(self, key: str, value: bytes) -> None:
        if len(value) < CACHE_BYTES // 4:
            self._bodies[key] = value


def _cache_key(request: Request) -> str:
    return request.full_path


def is_static(path: str) -> bool:
    return path.startswith(STATIC_PREFIXES)


class _StaticCompress(Compress):
    """flask-compress limited to static addresses."""

    def after_request(self, response):  # noqa: ANN001, ANN201 - flask-compress's hook
        from flask import request

        if not is_static(request.path):
            return response
        return super().after_request(response)


def install(server: Flask) -> None:
    server.config.update(
        COMPRESS_MIMETYPES=STATIC_TYPES,
        COMPRESS_MIN_SIZE=1024,
        COMPRESS_CACHE_BACKEND=_StaticBodies,
        COMPRESS_CACHE_KEY=_cache_key,
    )
    _StaticCompress(server)
