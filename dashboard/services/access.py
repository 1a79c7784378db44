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

Schemes and rules (the configuration of classifications) follow one ownership rule, also
here: every user sees the business-wide ones and those of their own team (a rep: the team of
their account manager); an owner sees and changes all of them; a manager changes their team's
only; a rep changes none (:func:`visible_teams`, :func:`may_edit`, :func:`authorise_config`).
A new one belongs to the owner's chosen team or the whole business, or to a manager's own
team (:func:`team_for`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy.orm import Session

from dashboard.data import access as data
from dashboard.data import schemes as config_data
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


# --- schemes and rules ------------------------------------------------------------------------

def as_key(value: Any) -> int:
    """A scheme or rule id from the browser as an int (-1, which matches nothing, when it is
    not a number)."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def visible_teams(session: Session, actor: Actor) -> list[int] | None:
    """Teams whose schemes and rules ``actor`` sees besides the business-wide ones (None: all)."""
    if actor.role == "owner":
        return None
    if actor.role == "manager" and actor.team_id is not None:
        return [int(actor.team_id)]
    if actor.role == "rep" and actor.rep_id is not None:
        team = config_data.get_rep_team_id(session, actor.rep_id)
        return [] if team is None else [team]
    return []


def may_edit(actor: Actor, team_id: int | None) -> bool:
    """Whether ``actor`` may change a scheme or rule of ``team_id`` (None: business-wide)."""
    if actor.role == "owner":
        return True
    return actor.role == "manager" and team_id is not None and team_id == actor.team_id


def authorise_config(session: Session, actor: Actor, kind: str, row: Any, key: Any, *,
                     edit: bool) -> None:
    """Refuse (audited) a scheme or rule that is missing, not visible or not changeable."""
    teams = visible_teams(session, actor)
    visible = row is not None and (teams is None or row.team_id is None
                                   or row.team_id in teams)
    if visible and (not edit or may_edit(actor, row.team_id)):
        return
    reason = ("no such " + kind if row is None else
              f"team {row.team_id} outside scope {actor.scope_key}" if not visible else
              f"role {actor.role} may not change it")
    raise deny(session, actor, object_type=kind, object_id=str(key)[:120], reason=reason,
               code="denied")


def creatable_teams(actor: Actor, team_names: dict[int, str]) -> dict[int, str]:
    """The teams a new scheme or rule of ``actor`` may belong to (owners: all)."""
    if actor.role == "owner":
        return team_names
    if actor.role == "manager" and actor.team_id is not None:
        return {int(actor.team_id): team_names.get(int(actor.team_id), "")}
    return {}


def may_create(actor: Actor) -> bool:
    return actor.role == "owner" or (actor.role == "manager" and actor.team_id is not None)


def team_for(session: Session, actor: Actor, requested: Any, kind: str = "scheme") -> int | None:
    """The team a new scheme or rule (``kind``) belongs to: the owner's choice (None: the
    whole business), a manager's own team; anyone else is refused (audited)."""
    if actor.role == "owner":
        team = None if requested in (None, "", "all") else as_key(requested)
        if team is not None and team not in config_data.load_team_names(session):
            raise deny(session, actor, object_type="team", object_id=str(requested)[:40],
                       reason="no such team", code="team_unknown")
        return team
    if actor.role == "manager" and actor.team_id is not None:
        return int(actor.team_id)
    raise deny(session, actor, object_type=kind, object_id="new",
               reason=f"role {actor.role} may not create {kind}s")
