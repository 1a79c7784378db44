"""Customer selections kept on the server, for actions that start on one page and finish on
another (the coupon campaign started from a list or a portrait).

**Contract with the campaign pages** (``/campaigns/new?selection=<token>``):

- The customer list stores what its user picked (rows ticked across any number of pages, or
  "all N matching" the list's filters, search and selector) and the portrait stores its one
  customer, with :func:`store_selection` / :func:`store_customers`; both return a *token*
  (32 URL-safe characters) and the page links to ``/campaigns/new?selection=<token>``.
- The campaign page reads it with :func:`get_selection` ``(runtime, actor, token)``, which
  returns a :class:`Selection`: the customer ids (sorted, unique), how they were chosen
  (``picked``, ``matching`` or ``customer``), when, and a short description of the list
  they came from. Pass ``selection.customer_ids`` to ``campaigns.preview_campaign`` /
  ``queue_campaign`` (which check the scope once more when queueing).
- A token belongs to the user who stored it: another user presenting it is refused
  (``AccessDenied``, audited), whatever their role. Every id is checked against the user's
  scope when stored and again when read: one id outside the scope refuses the whole
  selection (audited), so a forged list row or a scope taken away since cannot send a
  coupon. An unknown, malformed or expired token (after :data:`TTL_SECONDS`) raises
  ``NotFound`` with the code ``selection_expired``.
- At most :data:`MAX_SELECTION` customers (the campaign's recipient limit).

Selections live in the shared store of the data folder (diskcache, or Redis when
``COCKPIT_REDIS_URL`` is set), so every worker sees them; they are not figures and never
enter the figure cache.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from dashboard.db import session_scope
from dashboard.errors import AccessDenied, NotFound, ValidationError
from dashboard.models import utcnow
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services.access import authorise_customers
from dashboard.services.audit import deny, record
from dashboard.services.customer_table import scope_ids

TTL_SECONDS = 24 * 3600
MAX_SELECTION = 100_000
CHECK_ONE_BY_ONE = 5_000  # larger selections are checked against the scope's id list
SOURCES = ("picked", "matching", "customer")
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass(frozen=True)
class Selection:
    token: str
    customer_ids: list[int]
    source: str  # picked | matching | customer
    created_at: dt.datetime
    description: dict[str, Any]  # the list it came from (filters, selector, search), if any

    @property
    def count(self) -> int:
        return len(self.customer_ids)


def _key(kind: str, token: str) -> str:
    return f"{kind}:" + hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(24)


def valid_token(token: Any) -> bool:
    return isinstance(token, str) and bool(_TOKEN.match(token))


def keep(runtime: Runtime, kind: str, actor: Actor, token: str,
         payload: dict[str, Any]) -> None:
    """Keep ``payload`` for ``actor`` under exactly ``token`` (the caller made it)."""
    if not valid_token(token):
        raise ValidationError("malformed token")
    entry = {**payload, "user_id": actor.user_id, "created": utcnow().isoformat()}
    runtime.tokens.set(_key(kind, token), entry, TTL_SECONDS)


def owned(runtime: Runtime, kind: str, actor: Actor, token: Any) -> bool:
    """True when ``token`` names something kept for ``actor``."""
    found = runtime.tokens.get(_key(kind, token)) if valid_token(token) else None
    return found is not None and actor.user_id is not None and (
        found.get("user_id") == actor.user_id)


def put(runtime: Runtime, kind: str, actor: Actor, payload: dict[str, Any],
        token: str | None = None) -> str:
    """Keep ``payload`` for ``actor`` under ``token`` (when it is theirs already) or a new
    token; returns the token."""
    if token is None or not owned(runtime, kind, actor, token):
        token = new_token()
    keep(runtime, kind, actor, token, payload)
    return token


def take(runtime: Runtime, kind: str, actor: Actor, token: Any) -> dict[str, Any]:
    """The payload kept under ``token`` for ``actor``: ``NotFound`` (``selection_expired``)
    when there is none, ``AccessDenied`` (audited) when it is another user's."""
    found = runtime.tokens.get(_key(kind, token)) if valid_token(token) else None
    if found is None:
        raise NotFound(f"no {kind} {str(token)[:40]!r}", code="selection_expired")
    if actor.user_id is None or found.get("user_id") != actor.user_id:
        record(runtime, actor, "access_denied", object_type=kind, object_id=str(token)[:12],
               detail={"reason": "token of another user"}, outcome="denied")
        raise AccessDenied(f"{kind} token of another user", object_type=kind,
                           object_id=str(token)[:12], reason="token of another user")
    return found


def _ids(customer_ids: Iterable[object]) -> np.ndarray:
    if isinstance(customer_ids, np.ndarray) and customer_ids.dtype.kind in "iu":
        ids = np.unique(customer_ids.astype(np.int64))
    else:
        try:
            ids = np.unique(np.asarray([int(c) for c in customer_ids], dtype=np.int64))
        except (TypeError, ValueError, OverflowError):
            raise ValidationError("not a customer id", code="invalid") from None
    if len(ids) > MAX_SELECTION:
        raise ValidationError("selection too large", code="selection_too_large",
                              maximum=MAX_SELECTION)
    return ids


def check_scope(runtime: Runtime, actor: Actor, ids: np.ndarray) -> None:
    """Refuse (audited) unless every id lies inside the actor's scope."""
    if len(ids) <= CHECK_ONE_BY_ONE:
        with session_scope(runtime.engine) as session:
            authorise_customers(session, actor, ids.tolist())
        return
    allowed = scope_ids(runtime, actor)
    if allowed is None:
        return
    refused = ids[~np.isin(ids, allowed)]
    if len(refused):
        with session_scope(runtime.engine) as session:
            raise deny(session, actor, object_type="customer",
                       object_id=",".join(map(str, refused[:10].tolist())),
                       reason=f"{len(refused)} of {len(ids)} outside scope {actor.scope_key}",
                       code="customer_denied", detail={"refused": refused[:200].tolist()})


def store_selection(runtime: Runtime, actor: Actor, customer_ids: Iterable[object], *,
                    source: str = "picked", description: dict[str, Any] | None = None,
                    token: str | None = None) -> str:
    """Keep a selection for ``actor`` (scope-checked, all or nothing); returns its token.
    Passing the actor's earlier ``token`` replaces that selection and keeps its token."""
    if source not in SOURCES:
        raise ValidationError(f"unknown source {source!r}")
    ids = _ids(customer_ids)
    check_scope(runtime, actor, ids)
    return put(runtime, "selection", actor, {"ids": ids, "source": source,
                                             "description": description or {}}, token)


def store_customers(runtime: Runtime, actor: Actor, customer_id: int) -> str:
    """A selection of one customer (the portrait's "Send coupon")."""
    return store_selection(runtime, actor, [customer_id], source="customer")


def get_selection(runtime: Runtime, actor: Actor, token: Any) -> Selection:
    """The selection ``token`` names, for ``actor`` only, every id re-checked against the
    actor's scope as it is now."""
    found = take(runtime, "selection", actor, token)
    ids = np.asarray(found.get("ids", []), dtype=np.int64)
    check_scope(runtime, actor, ids)
    return Selection(token=str(token), customer_ids=ids.tolist(),
                     source=str(found.get("source", "picked")),
                     created_at=dt.datetime.fromisoformat(found["created"]),
                     description=dict(found.get("description") or {}))


__all__ = ["MAX_SELECTION", "SOURCES", "TTL_SECONDS", "Selection", "check_scope",
           "get_selection", "keep", "new_token", "owned", "put", "store_customers", "store_selection", "take",
           "valid_token"]
