"""The charts' plotly.js: the "basic" partial bundle (bar, scatter and pie traces) instead
of the full one.

Dash's graphs load plotly.js on demand from one fixed address,
``/_dash-component-suites/plotly/package_data/plotly.min.js``, which plotly.py fills with
the full 4.8 MB bundle (maps, 3-D, WebGL, finance traces). The cockpit draws bars and lines
only. Every page with a chart loads and compiles that script, and a browser compiles all of
it again on the second chart page it opens (to keep the compiled code): about a second on a
laptop, more on a phone. The basic bundle of the same plotly.js version is 1.2 MB and draws
the same bar and scatter traces, so this module answers that address with it (vendored
under ``assets/vendor/plotly/`` with its licence).

A chart with another trace type would draw nothing: ``tests/security/test_plotly_bundle.py``
checks that every trace
type the layouts use is in the bundle, and that the bundle's version is the one plotly.py
ships.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, Response, request

ADDRESS = "/_dash-component-suites/plotly/package_data/plotly.min.js"
BUNDLE = Path(__file__).resolve().parents[2] / "assets" / "vendor" / "plotly" / "plotly-basic.min.js"
TRACE_TYPES = frozenset({"bar", "scatter", "pie"})  # what the basic bundle draws


@cache
def _bundle() -> tuple[bytes, str]:
    """The bundle's bytes and their ETag, read and hashed once per process."""
    body = BUNDLE.read_bytes()
    return body, hashlib.sha1(body, usedforsecurity=False).hexdigest()


def _serve() -> Response:
    """The bundle as a body (so that it is compressed like Dash's own bundles) with an ETag;
    304 to a browser that has it (the address carries no version, so the browser asks
    each time)."""
    body, tag = _bundle()
    response = Response(body, mimetype="text/javascript")
    response.set_etag(tag)
    return response.make_conditional(request)


def install(server: Flask) -> None:
    """Answer the charts' plotly.js address with the basic bundle. A rule with no variable
    part wins over Dash's ``/_dash-component-suites/<package>/<path>`` rule."""
    server.add_url_rule(ADDRESS, "plotly_basic_bundle", _serve, methods=["GET"])
