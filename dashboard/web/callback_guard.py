"""The check of every Dash callback request before Dash dispatches it.

Dash's ``/_dash-update-component`` trusts its body: an empty array, an unknown output, a wrong
number of inputs, ``NaN``, deep nesting or junk ids make it raise, which would answer 500. This
module wraps that endpoint's view so that a request is dispatched only when its body is what
the renderer sends for a callback of the app's callback map:

- at most :data:`MAX_BODY_BYTES` (callbacks with an upload input: the server's upload limit,
  beyond which Flask answers 413);
- strict JSON: no ``NaN``/``Infinity``, integers within a signed 64-bit range, nested at most
  :data:`MAX_DEPTH` levels;
- an object with ``output`` (a key of the callback map, not of a clientside callback), ``outputs`` (one object, or a list with
  one entry per output for several), ``inputs`` and ``state`` (one entry per declared
  dependency, each ``{"id", "property", "value"}`` naming that dependency, a list of them for
  ALL/ALLSMALLER wildcards) and ``changedPropIds`` (a list of strings);
- the values of properties whose type is fixed (``pathname``, ``search``, ``n_clicks`` ...)
  of that type.

Anything else answers 400 JSON (``bad_request``, no internals), is logged and audited
(``access_denied`` on ``callback_request``). An exception Dash still raises while dispatching a
request that passed is a malformed request too: 400 JSON. The guard runs after the sign-in and
anti-forgery checks of ``dashboard.web.guard`` (a signed-out request still answers 401).

A callback request also has a time budget for the database, from its first hook to its
answer: ``COCKPIT_CALLBACK_DEADLINE`` seconds, past which no statement starts
(``dashboard.db.start_deadline``); the callback then shows the worded "database answering
slowly" message instead of holding the request until the web server's timeout.
"""

from __future__ import annotations

import json
import logging
import math
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any

from flask import Flask, Response, g, request
from werkzeug.exceptions import HTTPException

from dashboard.db import end_deadline, start_deadline
from dashboard.web import context, customer_gate
from dashboard.web.responses import deny_json

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 2 * 2**20
MAX_DEPTH = 32
MAX_ITEMS = 20_000
INT_MIN, INT_MAX = -(2**63), 2**63 - 1
UPLOAD_PROPERTIES = frozenset({"contents"})
# Properties whose value has one JSON type wherever they appear (None: not set yet).
PROPERTY_TYPES: dict[str, tuple[type, ...]] = {
    "pathname": (str,), "search": (str,), "hash": (str,), "href": (str,),
    "n_clicks": (int,), "n_submit": (int,), "n_blur": (int,), "n_clicks_timestamp": (int,),
    "n_intervals": (int,),
}
# Values Dash itself needs: its page router matches the pathname as a path of this site.
REQUIRED: dict[tuple[str, str], Callable[[Any], bool]] = {
    ("_pages_location", "pathname"): lambda v: isinstance(v, str) and v.startswith("/"),
}
# Exceptions Dash raises on a body it cannot handle (everything else stays a server error).
MALFORMED = (KeyError, IndexError, TypeError, ValueError, AttributeError, RecursionError,
             LookupError)


# Dash's own answer when a callback's return does not fit the outputs the request named (a
# wildcard output's count comes from the request); matched by name, as the core does not
# import Dash.
REQUEST_SHAPED = ("InvalidCallbackReturnValue",)


def _malformed(exc: BaseException) -> bool:
    return isinstance(exc, MALFORMED) or type(exc).__name__ in REQUEST_SHAPED


class Malformed(Exception):
    """A callback request that is not what the renderer sends."""


def install(server: Flask, callback_map: Callable[[], Mapping[str, Any]], *,
            endpoint: str = "/_dash-update-component") -> None:
    """Put the check in front of the callback endpoint of ``server`` (once)."""
    view = server.view_functions.get(endpoint)
    if view is None or getattr(view, "cockpit_checked", False):
        return

    @wraps(view)
    def checked_dispatch(*args: Any, **kwargs: Any) -> Any:
        try:
            body = check_request(request.get_data(cache=True), callback_map())
        except Malformed as exc:
            return refuse(str(exc))
        refused = customer_gate.check_callback(body)
        if refused is not None:
            return refused
        try:
            return view(*args, **kwargs)
        except HTTPException:
            raise
        except Exception as exc:
            if not _malformed(exc):
                raise
            shaped = type(exc).__name__ in REQUEST_SHAPED  # e.g. an empty wildcard output list
            log.warning("callback request failed in dispatch (%s): %s", context.request_id(),
                        type(exc).__name__, exc_info=None if shaped else exc)
            return refuse(f"dispatch failed: {type(exc).__name__}")

    checked_dispatch.cockpit_checked = True  # type: ignore[attr-defined]
    server.view_functions[endpoint] = checked_dispatch

    def open_time_budget() -> None:
        if request.path == endpoint:
            g.cockpit_deadline = start_deadline(_deadline_seconds())

    def close_time_budget(_exc: BaseException | None) -> None:
        token = g.pop("cockpit_deadline", None)
        if token is not None:
            end_deadline(token)

    # first of all hooks: the sign-in and session checks before the view count too
    server.before_request_funcs.setdefault(None, []).insert(0, open_time_budget)
    server.teardown_request(close_time_budget)


def _deadline_seconds() -> float:
    """``COCKPIT_CALLBACK_DEADLINE`` of this app (see :func:`dashboard.db.query_deadline`)."""
    try:
        return float(context.current_runtime().settings.callback_deadline or 0)
    except (KeyError, RuntimeError):  # an app without a runtime (tests of the guard alone)
        return 0.0


def refuse(reason: str) -> Response:
    """The 400 answer to a malformed callback request (audited)."""
    log.warning("malformed callback request refused (%s): %s", context.request_id(), reason)
    _audit(reason)
    return deny_json(400, "bad_request", "Malformed callback request.")


def _audit(reason: str) -> None:
    from dashboard.services import audit  # the web layer's one use of a service here

    try:
        audit.record(context.current_runtime(), context.current_actor(), "access_denied",
                     object_type="callback_request", object_id=request.path[:120],
                     detail={"reason": reason[:200]}, outcome="denied")
    except Exception:  # an audit failure must not turn a 400 into a 500
        log.exception("could not audit a malformed callback request")


# --- the checks -----------------------------------------------------------------------------


def _no_constant(name: str) -> Any:
    raise Malformed(f"non-finite number {name}")


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > 19:
        raise Malformed("integer out of range")
    value = int(text)
    if not INT_MIN <= value <= INT_MAX:
        raise Malformed("integer out of range")
    return value


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise Malformed("non-finite number")
    return value


def parse_body(raw: bytes) -> Any:
    """The JSON of ``raw``, strictly (see the module text); :class:`Malformed` otherwise."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise Malformed("not UTF-8") from exc
    _check_depth(text)
    try:
        return json.loads(text, parse_constant=_no_constant, parse_int=_bounded_int,
                          parse_float=_finite_float)
    except Malformed:
        raise
    except (ValueError, RecursionError) as exc:
        raise Malformed("not JSON") from exc


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before parsing (brackets inside strings are
    skipped)."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise Malformed("nested too deeply")
        elif char in "]}":
            depth -= 1


def check_request(raw: bytes, callback_map: Mapping[str, Any]) -> dict[str, Any]:
    """The body of a callback request when it is well formed; :class:`Malformed` otherwise."""
    body = parse_body(raw)
    if not isinstance(body, dict):
        raise Malformed("body is not an object")
    output = body.get("output")
    if not isinstance(output, str) or output not in callback_map:
        raise Malformed("unknown output")
    spec = callback_map[output]
    if "callback" not in spec:  # a clientside callback: runs in the browser only
        raise Malformed("output of a clientside callback")
    if len(raw) > MAX_BODY_BYTES and not _takes_upload(spec):
        raise Malformed("body too large")
    _check_outputs(output, body.get("outputs"))
    for part, declared in (("inputs", spec.get("inputs", [])), ("state", spec.get("state", []))):
        given = body.get(part, [])
        if not isinstance(given, list) or len(given) != len(declared):
            raise Malformed(f"{part}: {len(declared)} expected")
        for dependency, item in zip(declared, given, strict=True):
            _check_dependency(dependency, item)
    changed = body.get("changedPropIds", [])
    if not isinstance(changed, list) or not all(isinstance(c, str) and len(c) < 1000
                                                for c in changed):
        raise Malformed("changedPropIds is not a list of strings")
    return body


def _takes_upload(spec: Mapping[str, Any]) -> bool:
    return any(dep.get("property") in UPLOAD_PROPERTIES
               for dep in [*spec.get("inputs", []), *spec.get("state", [])])


def _check_outputs(key: str, outputs: Any) -> None:
    if key.startswith(".."):
        count = len(key.strip(".").split("..."))
        if not isinstance(outputs, list) or len(outputs) != count:
            raise Malformed(f"outputs: {count} expected")
        items = outputs
    else:
        items = [outputs]
    for item in items:
        entries = item if isinstance(item, list) else [item]
        if len(entries) > MAX_ITEMS:
            raise Malformed("too many outputs")
        for entry in entries:
            if not (isinstance(entry, dict) and isinstance(entry.get("property"), str)
                    and _is_id(entry.get("id"))):
                raise Malformed("outputs: not {id, property}")


def _is_id(value: Any) -> bool:
    if isinstance(value, str):
        return True
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, (str, int, float, bool)) for k, v in value.items())


def _check_dependency(dependency: Mapping[str, Any], item: Any) -> None:
    declared_id, prop = dependency["id"], dependency["property"]
    pattern = json.loads(declared_id) if declared_id.startswith("{") else None
    if pattern is not None and any(v in (["ALL"], ["ALLSMALLER"]) for v in pattern.values()):
        if not isinstance(item, list) or len(item) > MAX_ITEMS:
            raise Malformed(f"{declared_id}.{prop}: a list expected")
        entries = item
    else:
        entries = [item]
    for entry in entries:
        if not isinstance(entry, dict) or entry.get("property") != prop:
            raise Malformed(f"{declared_id}.{prop}: not this dependency")
        if not _same_id(declared_id, pattern, entry.get("id")):
            raise Malformed(f"{declared_id}.{prop}: another component")
        expected = PROPERTY_TYPES.get(prop)
        value = entry.get("value")
        required = REQUIRED.get((declared_id, prop))
        if required is not None and not required(value):
            raise Malformed(f"{declared_id}.{prop}: not a value Dash accepts")
        if expected and value is not None and (
                not isinstance(value, expected) or isinstance(value, bool)):
            raise Malformed(f"{declared_id}.{prop}: wrong type")


def _same_id(declared: str, pattern: dict[str, Any] | None, given: Any) -> bool:
    if pattern is None:
        return given == declared
    if not _is_id(given) or not isinstance(given, dict) or set(given) != set(pattern):
        return False
    return all(isinstance(want, list) or given[key] == want for key, want in pattern.items())


__all__ = ["MAX_BODY_BYTES", "MAX_DEPTH", "Malformed", "check_request", "install", "parse_body",
           "refuse"]
