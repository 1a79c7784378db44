"""User management: the Team page, the ``cockpit user`` command and the demo sign-ins.

Only an owner manages users (the CLI acts as the local owner); every other caller is refused
and audited. Besides the staff roles, an owner may enable a sign-in for a Trade or Distributor
customer (never Retail): a user of role ``customer`` bound to that one customer record (by its
code), with no team or account manager; it sees only its own page (``/my``). Each action accepts a fixed set of fields and ignores the rest (recorded in the
audit row as ``ignored``), so a request cannot smuggle a role, an active flag or a password
hash into an action that does not take it. Disabling a user and setting a password end
the user's sessions; a change of role, team or account manager applies on the next request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from dashboard import passwords
from dashboard.analytics.kinds import DISTRIBUTOR, TRADE
from dashboard.auth import clock_of
from dashboard.data import users as data
from dashboard.data.audit import insert_audit
from dashboard.db import session_scope
from dashboard.errors import Conflict, NotFound, ValidationError
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services.access import ROLES, require_role
from dashboard.services.audit import deny

CREATE_FIELDS = frozenset({"username", "display_name", "role", "team", "rep", "password",
                           "language", "customer"})
CHANGE_FIELDS = frozenset({"display_name", "role", "team", "rep", "language", "customer"})
USER_ROLES = (*ROLES, "customer")  # the staff roles and a customer's own sign-in
SIGN_IN_TYPES = (TRADE, DISTRIBUTOR)
PROFILE_FIELDS = frozenset({"display_name", "language"})
LANGUAGES = ("en", "zh")
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._@+-]{2,79}$")


@dataclass(frozen=True)
class NewUser:
    user_id: int
    username: str
    role: str
    password: str | None  # set when generated: shown once, never stored in clear


def _pick(fields: Mapping[str, Any], allowed: frozenset[str]) -> tuple[dict[str, Any], list]:
    picked = {k: v for k, v in fields.items() if k in allowed}
    return picked, sorted(str(k) for k in fields if k not in allowed)


def _require_owner(session, actor: Actor, object_id: str | int = "") -> None:  # noqa: ANN001
    require_role(session, actor, "owner", object_type="user", object_id=str(object_id))


def _username(value: Any) -> str:
    name = str(value or "").strip().lower()
    if not _USERNAME.match(name):
        raise ValidationError(f"bad user name {name!r}", code="username_invalid")
    return name


def _role(value: Any) -> str:
    role = str(value or "").strip().lower()
    if role not in USER_ROLES:
        raise ValidationError(f"unknown role {role!r}", code="role_invalid")
    return role


def _language(value: Any) -> str | None:
    if value in (None, ""):
        return None
    if value not in LANGUAGES:
        raise ValidationError(f"unknown language {value!r}")
    return str(value)


def _mapping(session, picked: dict[str, Any]) -> dict[str, Any]:  # noqa: ANN001
    """Column values for the team / rep / display name / language / role fields given."""
    values: dict[str, Any] = {}
    if "role" in picked:
        values["role"] = _role(picked["role"])
    for field, lookup, code in (("team", data.get_team_id, "team_unknown"),
                                ("rep", data.get_rep_id, "rep_unknown")):
        if field in picked:
            key = picked[field]
            found = None if key in (None, "") else lookup(session, key)
            if key not in (None, "") and found is None:
                raise ValidationError(f"unknown {field} {key!r}", code=code)
            values[f"{field}_id"] = found
    if "customer" in picked:
        values["customer_id"] = _sign_in_customer(session, picked["customer"])
    if "display_name" in picked:
        values["display_name"] = str(picked["display_name"] or "").strip()[:120]
    if "language" in picked:
        values["language"] = _language(picked["language"])
    return values


def _sign_in_customer(session, code: Any) -> int | None:  # noqa: ANN001
    """The id of the customer a sign-in is for (by code): Trade or Distributor only."""
    if code in (None, ""):
        return None
    found = data.get_customer_for_sign_in(session, str(code))
    if found is None:
        raise ValidationError(f"unknown customer {code!r}", code="customer_unknown")
    if found[1] not in SIGN_IN_TYPES:
        raise ValidationError(f"customer {code!r} is {found[1]}", code="customer_sign_in_type")
    return found[0]


def _check_binding(role: str, team_id: Any, rep_id: Any, customer_id: Any) -> None:
    """A customer user is bound to one customer and nothing else; staff to no customer."""
    if role == "customer":
        ok = customer_id is not None and team_id is None and rep_id is None
    else:
        ok = customer_id is None
    if not ok:
        raise ValidationError(f"role {role} with team {team_id}, rep {rep_id}, customer "
                              f"{customer_id}", code="customer_sign_in_fields")


def create_user(runtime: Runtime, actor: Actor, fields: Mapping[str, Any]) -> NewUser:
    """Create a user from ``username``, ``role``, optional ``display_name``, ``team``,
    ``rep`` (id or name), ``language`` and ``password`` (generated when empty)."""
    picked, ignored = _pick(fields, CREATE_FIELDS)
    with session_scope(runtime.engine, write=True) as session:
        _require_owner(session, actor, str(picked.get("username", ""))[:80])
        username = _username(picked.get("username"))
        values = _mapping(session, {**picked, "role": picked.get("role")})
        _check_binding(values["role"], values.get("team_id"), values.get("rep_id"),
                       values.get("customer_id"))
        if data.get_user_by_username(session, username) is not None:
            raise Conflict(f"user {username} exists", code="username_taken")
        given = str(picked.get("password") or "")
        password = given or passwords.generate_password()
        passwords.check_password(password, username,
                                 (str(values.get("display_name") or ""),))
        now = clock_of(runtime)()
        user_id = data.insert_user(
            session, username=username, password_hash=passwords.hash_password(password),
            is_active=True, password_changed_at=now, **values)
        insert_audit(session, actor, "user_create", object_type="user", object_id=user_id,
                     detail={"after": _public(username, values), "ignored": ignored})
    return NewUser(user_id=user_id, username=username, role=values["role"],
                   password=None if given else password)


def _public(username: str, values: Mapping[str, Any]) -> dict[str, Any]:
    return {"username": username, **{k: v for k, v in values.items() if k != "password_hash"}}


def _load(session, user_id: int) -> data.UserRecord:  # noqa: ANN001
    user = data.get_user(session, int(user_id))
    if user is None:
        raise NotFound(f"no user {user_id}")
    return user


def _guard_last_owner(session, user: data.UserRecord, *, demoted: bool,  # noqa: ANN001
                      disabled: bool) -> None:
    if user.role == "owner" and user.is_active and (demoted or disabled):
        if data.count_active_owners(session) <= 1:
            raise ValidationError("last active owner", code="last_owner")


def change_user(runtime: Runtime, actor: Actor, user_id: int,
                fields: Mapping[str, Any]) -> None:
    """Change role, team, account manager, display name or language of a user."""
    picked, ignored = _pick(fields, CHANGE_FIELDS)
    with session_scope(runtime.engine, write=True) as session:
        _require_owner(session, actor, user_id)
        user = _load(session, user_id)
        values = _mapping(session, picked)
        merged = {"team_id": user.team_id, "rep_id": user.rep_id,
                  "customer_id": user.customer_id, **values}
        _check_binding(values.get("role", user.role), merged["team_id"], merged["rep_id"],
                       merged["customer_id"])
        _guard_last_owner(session, user, demoted=values.get("role", "owner") != "owner",
                          disabled=False)
        before = {k: getattr(user, k) for k in values}
        data.update_user(session, user.id, **values)
        insert_audit(session, actor, "user_change", object_type="user", object_id=user.id,
                     detail={"before": before, "after": values, "ignored": ignored})


def update_profile(runtime: Runtime, actor: Actor, fields: Mapping[str, Any]) -> None:
    """The signed-in user's own display name and language; any other field is ignored."""
    picked, ignored = _pick(fields, PROFILE_FIELDS)
    with session_scope(runtime.engine, write=True) as session:
        user = _load(session, actor.user_id or 0)
        values = _mapping(session, picked)
        data.update_user(session, user.id, **values)
        insert_audit(session, actor, "profile_change", object_type="user", object_id=user.id,
                     detail={"after": values, "ignored": ignored})


def set_active(runtime: Runtime, actor: Actor, user_id: int, active: bool) -> int:
    """Enable or disable a user; disabling ends their sessions (returns how many)."""
    with session_scope(runtime.engine, write=True) as session:
        _require_owner(session, actor, user_id)
        user = _load(session, user_id)
        if not active and user.id == actor.user_id:
            raise ValidationError("cannot disable oneself", code="self_disable")
        _guard_last_owner(session, user, demoted=False, disabled=not active)
        data.update_user(session, user.id, is_active=bool(active))
        ended = 0 if active else data.revoke_user_sessions(session, user.id,
                                                           clock_of(runtime)())
        insert_audit(session, actor, "user_enable" if active else "user_disable",
                     object_type="user", object_id=user.id,
                     detail={"before": {"is_active": user.is_active},
                             "after": {"is_active": bool(active)}, "sessions_ended": ended})
    return ended


def reset_password(runtime: Runtime, actor: Actor, user_id: int,
                   new_password: str | None = None) -> str | None:
    """Set a user's password (generated when not given, and then returned once); ends the
    user's sessions."""
    with session_scope(runtime.engine, write=True) as session:
        _require_owner(session, actor, user_id)
        user = _load(session, user_id)
        password = new_password or passwords.generate_password()
        passwords.check_password(password, user.username, (user.display_name,))
        _store_password(runtime, session, actor, user, password, "password_reset")
    return None if new_password else password


def change_own_password(runtime: Runtime, actor: Actor, current: str, new: str) -> None:
    """The signed-in user's own password; ends all of their sessions (this one too)."""
    with session_scope(runtime.engine, write=True) as session:
        user = _load(session, actor.user_id or 0)
        if not passwords.verify_password(user.password_hash, current):
            raise deny(session, actor, object_type="user", object_id=user.id,
                       reason="wrong current password", action="password_change",
                       code="password_wrong")
        passwords.check_password(new, user.username, (user.display_name,))
        _store_password(runtime, session, actor, user, new, "password_change")


def _store_password(runtime: Runtime, session, actor: Actor,  # noqa: ANN001
                    user: data.UserRecord, password: str, action: str) -> None:
    now = clock_of(runtime)()
    data.update_user(session, user.id, password_hash=passwords.hash_password(password),
                     password_changed_at=now)
    ended = data.revoke_user_sessions(session, user.id, now)
    insert_audit(session, actor, action, object_type="user", object_id=user.id,
                 detail={"sessions_ended": ended})


def ensure_owner(runtime: Runtime, actor: Actor) -> None:
    """Refuse (audited) anyone but an owner: for Team page steps that read nothing."""
    with session_scope(runtime.engine) as session:
        _require_owner(session, actor)


def list_users(runtime: Runtime, actor: Actor) -> pd.DataFrame:
    with session_scope(runtime.engine) as session:
        _require_owner(session, actor)
        return data.load_users(session)


@dataclass(frozen=True)
class Choices:
    teams: pd.DataFrame
    reps: pd.DataFrame


def get_choices(runtime: Runtime, actor: Actor) -> Choices:
    """Teams and account managers a user can be mapped to (owner only)."""
    with session_scope(runtime.engine) as session:
        _require_owner(session, actor)
        return Choices(teams=data.load_teams(session), reps=data.load_reps(session))


def find_user_id(runtime: Runtime, username: str) -> int:
    with session_scope(runtime.engine) as session:
        user = data.get_user_by_username(session, username)
    if user is None:
        raise NotFound(f"no user named {username!r}")
    return user.id


DEMO_USERS = (("owner", "owner"), ("manager", "manager"), ("rep", "rep"))
DEMO_DISPLAY_NAMES = {
    "en": {"owner": "Demo owner", "manager": "Demo manager", "rep": "Demo rep"},
    "zh": {"owner": "演示老板", "manager": "演示经理", "rep": "演示业务员"},
}


def create_demo_users(runtime: Runtime, language: str = "en") -> list[tuple[str, str, str]]:
    """An owner, a manager of the first team and a rep of one of that team's account
    managers, each with a random password and a display name in ``language``; only those
    that do not exist yet are created.
    Returns ``(username, role, password)`` for the ones created (to print once)."""
    actor = Actor.system("demo")
    with session_scope(runtime.engine) as session:
        teams, reps = data.load_teams(session), data.load_reps(session)
        existing = {name for name, _ in DEMO_USERS
                    if data.get_user_by_username(session, name) is not None}
    team = teams.sort_values("id").iloc[0] if len(teams) else None
    team_reps = reps[reps["team_id"] == team["id"]] if team is not None else reps.iloc[0:0]
    rep = team_reps.sort_values("id").iloc[0] if len(team_reps) else None
    mapping = {"owner": {}, "manager": {"team": int(team["id"])} if team is not None else {},
               "rep": {"rep": int(rep["id"])} if rep is not None else {}}
    created = []
    for username, role in DEMO_USERS:
        if username in existing:
            continue
        new = create_user(runtime, actor, {"username": username, "role": role,
                                           "display_name": DEMO_DISPLAY_NAMES[language][role],
                                           **mapping[role]})
        created.append((new.username, new.role, new.password or ""))
    return created
