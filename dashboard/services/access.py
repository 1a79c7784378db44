"""Authorisation helpers every use case calls before it reads or changes a customer.

The rule (DESIGN.md rule 4): the actor comes from the server-side session, never from the
browser; a customer id or code that arrives from the browser is only a request, checked here
against the actor's scope. A refusal raises :class:`~dashboard.errors.AccessDenied` and is
audited (after the caller's transaction ends, so the rollback does not erase it). A missing
customer is refused in the same words as a foreign one, so ids cannot be probed.

Typical use in a service::

    with session_scope(runtime.engine) as session:
        customer_id = authorise_customer(session, actor, customer_key)
        ... read or write with customer_id ...

Lists are scoped in SQL with ``customer_scope_clause(actor)`` (``dashboard.data.scope``).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.orm import Session

from dashboard.data import access as data
from dashboard.errors import AccessDenied
from dashboard.scope import Actor
from dashboard.services.audit import deny

ROLES = ("owner", "manager", "rep")


def customer_key(value: object) -> int | str:
    """A customer reference from the browser as :func:`authorise_customer` expects it: an
    ``int`` (or a string of digits prefixed with ``#``) is an id, any other string a code."""
    if isinstance(value, bool):
        raise AccessDenied("not a customer reference", code="customer_denied",
                           object_type="customer", object_id=str(value), reason="bad key")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.startswith("#") and text[1:].isdigit():
        return int(text[1:])
    return text


def authorise_customer(session: Session, actor: Actor, key: int | str) -> int:
    """The id of the customer ``key`` (id or code) when ``actor`` may see it; otherwise
    :class:`AccessDenied` (audited)."""
    customer_id, allowed = data.get_customer_access(session, actor, key)
    if customer_id is not None and allowed:
        return customer_id
    reason = "no such customer" if customer_id is None else f"outside scope {actor.scope_key}"
    raise deny(session, actor, object_type="customer", object_id=str(key)[:120],
               reason=reason, code="customer_denied")


def authorise_customers(session: Session, actor: Actor, customer_ids: Iterable[int]) -> list[int]:
    """All of ``customer_ids`` (sorted, without duplicates) when every one is inside the
    actor's scope; otherwise :class:`AccessDenied` naming the refused ids (audited). A
    selection is all-or-nothing: one forged id refuses the whole request."""
    wanted = sorted({int(c) for c in customer_ids})
    allowed = data.load_customer_ids_in_scope(session, actor, wanted)
    refused = [c for c in wanted if c not in allowed]
    if refused:
        raise deny(session, actor, object_type="customer",
                   object_id=",".join(map(str, refused[:10])),
                   reason=f"{len(refused)} of {len(wanted)} outside scope {actor.scope_key}",
                   code="customer_denied", detail={"refused": refused[:200]})
    return wanted


def require_role(session: Session, actor: Actor, *roles: str, object_type: str = "page",
                 object_id: str = "") -> None:
    """Refuse (audited) unless the actor has one of ``roles``."""
    if actor.role in roles and actor.role in ROLES:
        return
    code = "owner_only" if roles == ("owner",) else "denied"
    raise deny(session, actor, object_type=object_type, object_id=object_id,
               reason=f"role {actor.role or 'none'} not in {'/'.join(roles)}", code=code)
