"""What a customer's own sign-in may reach: their page and nothing else.

A user of role ``customer`` (a Trade or Distributor customer's sign-in, bound to one
customer record) may open only:

- their page :data:`~dashboard.filters.MY_PATH` (the home address ``/`` sends them there);
- what the browser needs to draw it: Dash's layout and dependency lists, its scripts and the
  site's assets;
- their own account: sign-out, their password and language (the ``auth`` pages);
- the callbacks of their page (outputs named ``my-…``), the navbar toggle on a phone, and
  Dash's page router for their page's address only.

Every other address and callback is refused before anything runs (403, JSON for the Dash
endpoints, the "not allowed" page otherwise) and audited (``access_denied`` on ``route`` or
``callback``). This gate is the outer wall; behind it the customer's scope
(``dashboard.scope``: their own record only) still applies to every read.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Response, abort, redirect, request

from dashboard.filters import COCKPIT_PATH, MY_PATH
from dashboard.web import context
from dashboard.web.responses import deny_json

log = logging.getLogger(__name__)
ROLE = "customer"
OPEN_ENDPOINTS = frozenset({"_dash_assets.static"})
OPEN_PATHS = frozenset({"/_dash-layout", "/_dash-dependencies", "/_favicon.ico"})
OPEN_PREFIXES = ("/_dash-component-suites/",)
CALLBACK_PATH = "/_dash-update-component"
OUTPUT_PREFIX = "my-"  # the ids of the customer's page (layouts/ids.py)
OPEN_OUTPUTS = frozenset({"shell-navbar-collapse"})  # the navbar toggle: no data
ROUTER_OUTPUT = "_pages_content"  # Dash's page router: only for the customer's page


def applies(user: Any) -> bool:
    return user is not None and getattr(user, "role", None) == ROLE


def check_request(user: Any) -> Response | None:
    """None when a customer's request may go on (callbacks are checked after their body by
    :func:`check_callback`); the refusal otherwise. Staff requests always go on."""
    if not applies(user):
        return None
    path = request.path
    if (request.blueprint == "auth" or request.endpoint in OPEN_ENDPOINTS
            or path in OPEN_PATHS or path.startswith(OPEN_PREFIXES) or path == CALLBACK_PATH):
        return None
    if request.method in ("GET", "HEAD"):
        if path == MY_PATH:
            return None
        if path == COCKPIT_PATH:
            return redirect(MY_PATH, code=302)
    return refuse("route", path, "customer sign-in: only their own page")


def _outputs(key: str) -> list[str]:
    """The component ids of a callback map key (``id.prop`` or ``..id.prop...id.prop..``)."""
    parts = key.strip(".").split("...")
    return [part.rsplit(".", 1)[0] for part in parts]


def _pathnames(body: Mapping[str, Any]) -> list[Any]:
    found = []
    for part in ("inputs", "state"):
        for item in body.get(part) or []:
            for entry in item if isinstance(item, list) else [item]:
                if isinstance(entry, dict) and entry.get("property") == "pathname":
                    found.append(entry.get("value"))
    return found


def allowed_callback(body: Mapping[str, Any]) -> bool:
    """Whether a customer may run the callback of ``body`` (a well-formed request)."""
    outputs = _outputs(str(body.get("output", "")))
    if all(o.startswith(OUTPUT_PREFIX) or o in OPEN_OUTPUTS for o in outputs):
        return True
    if ROUTER_OUTPUT in outputs:
        paths = _pathnames(body)
        return bool(paths) and all(p == MY_PATH for p in paths)
    return False


def check_callback(body: Mapping[str, Any]) -> Response | None:
    """None when the signed-in user may run this callback; the refusal (audited) when a
    customer asks for one outside their page."""
    if not applies(context.current_user()) or allowed_callback(body):
        return None
    return refuse("callback", str(body.get("output", ""))[:120],
                  "customer sign-in: not a callback of their page")


def refuse(object_type: str, object_id: str, reason: str) -> Response:
    """403 (JSON for the Dash endpoints and any non-GET, the "not allowed" page otherwise),
    audited."""
    from dashboard.services import audit  # as in callback_guard: the audit row only

    log.warning("customer sign-in refused (%s): %s %s", context.request_id(), object_type,
                object_id)
    try:
        audit.record(context.current_runtime(), context.current_actor(), "access_denied",
                     object_type=object_type, object_id=object_id[:120],
                     detail={"reason": reason}, outcome="denied")
    except Exception:  # an audit failure must not turn a refusal into a 500
        log.exception("could not audit a customer's refused request")
    if request.path.startswith("/_") or request.method not in ("GET", "HEAD"):
        return deny_json(403, "denied", "Not allowed.")
    abort(403)  # the error pages draw "not allowed" in the user's language


__all__ = ["allowed_callback", "applies", "check_callback", "check_request", "refuse"]
