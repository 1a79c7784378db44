"""What callbacks reach from inside a request: the runtime, the signed-in actor, the user's
language, and the one place where errors become a message for the user (DESIGN.md rule 5).

Every callback gets the actor from here, never from its inputs::

    @callback(Output(...), Input(...))
    def update_thing(value):
        return service.get_thing(current_runtime(), current_actor(), value)

A product error raised by a service (``dashboard.errors``: AccessDenied, NotFound,
ValidationError, ...) or any unexpected exception is caught by :func:`handle_callback_error`,
which ``create_app`` installs as Dash's ``on_error`` for every callback: the outputs stay as
they were and the shell's message bar shows the text (unexpected errors only a reference).
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Any

from dash import callback_context, set_props
from flask import has_app_context, has_request_context

from callbacks._inputs import describe
from dashboard.errors import AccessDenied, CockpitError, user_message
from dashboard.runtime import Runtime, build_runtime
from dashboard.scope import Actor
from dashboard.services import audit
from dashboard.web import context
from layouts import ids

log = logging.getLogger(__name__)
ACTOR_NAMESPACE = "cockpit_actor"
_PROCESS: dict[str, Runtime] = {}


def bind_runtime(runtime: Runtime) -> None:
    """The runtime background jobs use (they run outside any request)."""
    _PROCESS["runtime"] = runtime


def current_runtime() -> Runtime:
    if has_app_context():
        return context.current_runtime()
    if "runtime" not in _PROCESS:  # a job worker started on its own (Celery)
        _PROCESS["runtime"] = build_runtime()
    return _PROCESS["runtime"]


def current_actor() -> Actor:
    """The signed-in user as an :class:`Actor` (role and scope read from the database for
    this request, with its address and request id). Inside a background job, the actor of
    the request that started it (handed over by :func:`actor_data`, never by the browser)."""
    if has_request_context():
        return context.current_actor()
    data = (callback_context.custom_data or {}).get(ACTOR_NAMESPACE)
    if not data:
        return context.current_actor()  # raises AuthenticationRequired
    return Actor(**data)


def actor_data(_ctx: Any) -> dict[str, Any] | None:
    """Dash ``custom_data`` hook: the request's actor, copied into the callback context so
    that background jobs know who started them."""
    user = context.current_user()
    if user is None:
        return None
    actor = context.current_actor()
    return {"user_id": actor.user_id, "username": actor.username, "role": actor.role,
            "team_id": actor.team_id, "rep_id": actor.rep_id,
            "customer_id": actor.customer_id, "ip": actor.ip,
            "request_id": actor.request_id}


def current_language() -> str:
    return context.current_language()


def error_text(exc: BaseException) -> str:
    """The message a user sees for ``exc`` in their language."""
    return user_message(exc, current_language(), reference=context.request_id())


def handle_callback_error(exc: Exception) -> None:
    """Dash ``on_error`` for every callback: log, then show the message in the shell."""
    if isinstance(exc, CockpitError):
        level = logging.WARNING if isinstance(exc, AccessDenied) else logging.INFO
        log.log(level, "callback refused (%s): %s", context.request_id(), exc.message)
        color = "warning"
    else:
        log.error("callback failed (%s)", context.request_id(), exc_info=exc)
        color = "danger"
    set_props(ids.SHELL_MESSAGE, {"children": error_text(exc), "is_open": True,
                                  "color": color})


def refuse_input(fn: Any, parameter: str, hint: Any, value: Any) -> None:
    """Audit a callback input that does not fit its declared type (``callbacks._inputs``
    raises the refusal the user sees)."""
    name = getattr(fn, "__qualname__", str(fn))
    reference = context.request_id() if has_request_context() else "job"
    log.warning("callback %s refused (%s): %s does not fit %s", name, reference, parameter,
                hint)
    try:
        audit.record(current_runtime(), current_actor(), "access_denied",
                     object_type="callback", object_id=f"{fn.__module__}.{name}"[:120],
                     detail={"reason": "input does not fit its declared type",
                             "parameter": parameter[:80], "expected": str(hint)[:120],
                             "value": describe(value)},
                     outcome="denied")
    except CockpitError:
        raise
    except Exception:  # an audit failure must not hide the refusal being reported
        log.exception("could not audit the refused input of %s", name)


def decode_upload(contents: str | None) -> bytes | None:
    """The bytes of a ``dcc.Upload`` data URL (None when there are none or they are not
    base64)."""
    if not contents or "," not in contents:
        return None
    try:
        return base64.b64decode(contents.split(",", 1)[1], validate=True)
    except (binascii.Error, ValueError):
        return None
