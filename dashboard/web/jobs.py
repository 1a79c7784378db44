"""Ownership of background-callback jobs.

Dash signs the ``cacheKey`` and ``job`` handles it hands to the browser and binds them to
the page load, so a made-up process id or cache key is ignored. A handle is still a bearer
token, though: copied to another user's browser together with its page-load token, it would
read or cancel that job. So every handle Dash issues is recorded here with the user it was
issued to (in the shared store: diskcache in the data folder, or Redis), and a request that
presents a handle (``cacheKey``, ``job``, ``oldJob``, ``cancelJob``) that is not its user's
is refused with 403 and audited. An unknown handle (forged, expired or lost) is refused too.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from typing import Any, Protocol

from flask import Response, current_app, g, request

from dashboard.web.context import current_actor, current_runtime
from dashboard.web.responses import deny_json

log = logging.getLogger(__name__)
HANDLE_PARAMS = ("cacheKey", "job", "oldJob", "cancelJob")
CALLBACK_PATH = "/_dash-update-component"
HANDLE_TTL = 24 * 3600


class OwnerStore(Protocol):
    def get(self, key: str) -> Any | None: ...

    def set(self, key: str, value: Any, expire: int) -> None: ...


def _key(handle: str) -> str:
    return "job-owner:" + hashlib.sha256(handle.encode("utf-8", "replace")).hexdigest()


def _store() -> OwnerStore:
    return current_app.config["COCKPIT_JOB_OWNERS"]


def owner_key() -> str:
    """Whose results these are: the user and their current scope (a background result
    computed for one scope is never served to another, even for the same user)."""
    user = g.get("user")
    if user is None:
        return "anonymous"
    return f"user:{user.user_id}:{current_actor().scope_key}"


def job_nonce() -> str:
    """A fresh server-issued value in every background job's cache key, so that no two
    requests share a key, even identical ones (a replay, a second tab, a repeated click).
    Dash serves the result stored under a job's key to every request with that key and kills
    the job that asked, so a shared key let one request end another's running send (or get
    an hour-old result instead of sending); with this, no result is ever served from the
    cache."""
    return secrets.token_hex(16)


def check_request_handles() -> Response | None:
    handles = [(name, value) for name in HANDLE_PARAMS for value in request.args.getlist(name)]
    if not handles:
        return None
    mine = g.user.user_id
    for name, value in handles:
        try:
            owner = _store().get(_key(value))
        except Exception:  # noqa: BLE001 - an unreadable store refuses (fail closed)
            log.warning("job owner store unreadable", exc_info=True)
            owner = None
        if owner != mine:
            return _refuse(name, owner)
    return None


def _refuse(name: str, owner: Any) -> Response:
    from dashboard.services.audit import record

    try:
        record(current_runtime(), current_actor(), "job_denied", object_type="background_job",
               object_id=name, detail={"reason": "unknown handle" if owner is None
                                       else "handle of another user"}, outcome="denied")
    except Exception:  # noqa: BLE001 - the refusal stands even if the audit write fails
        log.exception("could not audit a refused job handle")
    return deny_json(403, "denied", "This background job is not yours.")


def claim_response_handles(response: Response) -> None:
    """Record the owner of the handles in a callback response that started a job."""
    if request.path != CALLBACK_PATH or response.status_code != 200 or response.is_streamed:
        return
    body = response.get_data()
    if b'"cacheKey"' not in body:
        return
    try:
        payload = json.loads(body)
    except ValueError:
        return
    if not isinstance(payload, dict):
        return
    for name in ("cacheKey", "job"):
        handle = payload.get(name)
        if isinstance(handle, str) and handle:
            try:
                _store().set(_key(handle), g.user.user_id, HANDLE_TTL)
            except Exception:  # noqa: BLE001 - unclaimed handles are refused later
                log.warning("could not record a job owner", exc_info=True)
