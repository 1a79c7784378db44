"""Reusable fixtures for access tests (RELIABILITY-TESTS.md, "Fixtures").

- :func:`build_world`: 1 owner, 2 managers (team A, team B), 4 reps (2 per team), each rep
  owning 12 customers whose names are unique sentinels (``ZZ-REP3-CUST07``); plus a manager
  without a team and a rep without an account-manager record (they must see nothing), and a
  customer's own sign-in (``customer1``, bound to the Trade customer ``R3-C01``: it must see
  that one sentinel only).
- :class:`Browser`: a Flask test client that signs in through the real sign-in form (CSRF
  token and all) over HTTPS, and sends Dash callback requests the way the renderer does.
- :func:`callback_body`: a well-formed ``/_dash-update-component`` body for any key of
  ``app.callback_map`` (pattern-matching ids included), so tests cover callbacks added later.

Use from a test module with ``from tests.security.fixtures import *`` or through the
fixtures of ``tests/security/conftest.py`` (``world``, ``cockpit``, ``browser``, ``clock``).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher, Type
from flask.testing import FlaskClient
from sqlalchemy import update

from dashboard.db import session_scope
from dashboard.models import Customer, Rep, Team
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import users as user_service

BASE_URL = "https://cockpit.test"
CUSTOMERS_PER_REP = 12
PASSWORD = "correct horse battery staple {name}"  # long, not common; one per user


def cheap_hasher() -> PasswordHasher:
    """argon2id with a 16-byte salt, as in production, but fast enough for many tests."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1, hash_len=32,
                          salt_len=16, type=Type.ID)


class FakeClock:
    """Naive-UTC clock that moves only when told to."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self.now = start or dt.datetime(2026, 11, 22, 9, 0, 0)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@dataclass
class World:
    teams: dict[str, int] = field(default_factory=dict)        # "A" -> team id
    reps: dict[str, int] = field(default_factory=dict)         # "REP1" -> rep id
    rep_team: dict[str, str] = field(default_factory=dict)     # "REP1" -> "A"
    customers: dict[str, list[tuple[int, str, str]]] = field(default_factory=dict)
    users: dict[str, dict[str, Any]] = field(default_factory=dict)  # username -> info

    def password(self, username: str) -> str:
        return self.users[username]["password"]

    def user_id(self, username: str) -> int:
        return self.users[username]["id"]

    def sentinels(self, rep: str) -> list[str]:
        return [name for _, _, name in self.customers[rep]]

    def customer_ids(self, rep: str) -> list[int]:
        return [cid for cid, _, _ in self.customers[rep]]

    def customer_codes(self, rep: str) -> list[str]:
        return [code for _, code, _ in self.customers[rep]]

    def team_reps(self, team: str) -> list[str]:
        return [r for r, t in self.rep_team.items() if t == team]

    def visible_sentinels(self, username: str) -> set[str]:
        """The sentinels ``username`` may see according to the product's rules."""
        info = self.users[username]
        if info["role"] == "customer":
            return {name for rep in self.reps for _, code, name in self.customers[rep]
                    if code == info["customer"]}
        if info["role"] == "owner":
            reps = list(self.reps)
        elif info["role"] == "manager" and info.get("team"):
            reps = self.team_reps(info["team"])
        elif info["role"] == "rep" and info.get("rep"):
            reps = [info["rep"]]
        else:
            reps = []
        return {s for r in reps for s in self.sentinels(r)}

    def all_sentinels(self) -> set[str]:
        return {s for r in self.reps for s in self.sentinels(r)}


USERS = (
    ("owner", "owner", None, None),
    ("manager_a", "manager", "A", None),
    ("manager_b", "manager", "B", None),
    ("rep1", "rep", None, "REP1"),
    ("rep2", "rep", None, "REP2"),
    ("rep3", "rep", None, "REP3"),
    ("rep4", "rep", None, "REP4"),
    ("manager_none", "manager", None, None),
    ("rep_none", "rep", None, None),
)
CUSTOMER_USER = ("customer1", "R3-C01")  # a customer's own sign-in, bound to a Trade customer


def build_world(runtime: Runtime) -> World:
    world = World()
    with session_scope(runtime.engine, write=True) as session:
        for team in ("A", "B"):
            row = Team(name=f"Team {team}")
            session.add(row)
            session.flush()
            world.teams[team] = row.id
        for number in range(1, 5):
            team = "A" if number <= 2 else "B"
            rep = Rep(name=f"Rep {number}", team_id=world.teams[team])
            session.add(rep)
            session.flush()
            key = f"REP{number}"
            world.reps[key], world.rep_team[key] = rep.id, team
            rows = [Customer(code=f"R{number}-C{k:02d}", name=f"ZZ-{key}-CUST{k:02d}",
                             rep_id=rep.id, customer_type="Retail")
                    for k in range(1, CUSTOMERS_PER_REP + 1)]
            session.add_all(rows)
            session.flush()
            world.customers[key] = [(c.id, c.code, c.name) for c in rows]
    for username, role, team, rep in USERS:
        password = PASSWORD.format(name=username)
        fields: dict[str, Any] = {"username": username, "role": role, "password": password}
        if team:
            fields["team"] = world.teams[team]
        if rep:
            fields["rep"] = world.reps[rep]
        new = user_service.create_user(runtime, Actor.system("fixture"), fields)
        world.users[username] = {"id": new.user_id, "role": role, "team": team, "rep": rep,
                                 "password": password}
    username, code = CUSTOMER_USER
    with session_scope(runtime.engine, write=True) as session:
        session.execute(update(Customer).where(Customer.code == code)
                        .values(customer_type="Trade"))
    password = PASSWORD.format(name=username)
    new = user_service.create_user(runtime, Actor.system("fixture"), {
        "username": username, "role": "customer", "customer": code, "password": password})
    world.users[username] = {"id": new.user_id, "role": "customer", "team": None, "rep": None,
                             "customer": code, "password": password}
    return world


# --- Dash callback requests ------------------------------------------------------------------


def _concrete(raw_id: str, match: Any = 1) -> tuple[Any, bool]:
    """A concrete id for a (possibly pattern-matching) id string (a wildcard becomes
    ``match``); True when it is ALL."""
    if not raw_id.startswith("{"):
        return raw_id, False
    parsed = json.loads(raw_id)
    is_all = any(v == ["ALL"] for v in parsed.values())
    return {k: (match if isinstance(v, list) else v) for k, v in parsed.items()}, is_all


def _outputs(key: str) -> tuple[list[tuple[str, str]], bool]:
    multi = key.startswith("..")
    parts = key.strip(".").split("...") if multi else [key]
    return [tuple(p.rsplit(".", 1)) for p in parts], multi  # type: ignore[misc]


def _prop_id(component_id: Any, prop: str) -> str:
    if isinstance(component_id, dict):
        component_id = json.dumps(component_id, sort_keys=True, separators=(",", ":"))
    return f"{component_id}.{prop}"


def callback_body(app: Any, key: str, values: dict[str, Any] | None = None,
                  extra_inputs: list[dict[str, Any]] | None = None,
                  match: Any = 1) -> dict[str, Any]:
    """A request body for callback ``key`` with every input and state at ``None`` (or the
    value given in ``values`` by ``"id.prop"``); pattern-matching ALL ids get empty lists,
    MATCH and ALLSMALLER wildcards the value ``match``."""
    values = values or {}
    spec = app.callback_map[key]

    def item(dep: dict[str, str]) -> Any:
        cid, is_all = _concrete(dep["id"], match)
        if is_all:
            return []
        name = _prop_id(cid, dep["property"])
        return {"id": cid, "property": dep["property"], "value": values.get(name)}

    outputs_spec, multi = _outputs(key)
    outs = []
    for raw_id, prop in outputs_spec:
        cid, is_all = _concrete(raw_id, match)
        outs.append([] if is_all else {"id": cid, "property": prop})
    inputs = [item(dep) for dep in spec["inputs"]] + list(extra_inputs or [])
    state = [item(dep) for dep in spec["state"]]
    changed = [_prop_id(i["id"], i["property"]) for i in inputs if isinstance(i, dict)][:1]
    return {"output": key, "outputs": outs if multi else outs[0], "inputs": inputs,
            "state": state, "changedPropIds": changed}


def find_callback(app: Any, output_id: str) -> str:
    """The callback_map key whose outputs include component ``output_id``."""
    for key in app.callback_map:
        if any(raw == output_id for raw, _ in _outputs(key)[0]):
            return key
    raise KeyError(output_id)


class Browser:
    """A signed-in (or not) browser on the cockpit, through Flask's test client."""

    def __init__(self, app: Any, *, ip: str = "203.0.113.7") -> None:
        self.app = app
        self.client: FlaskClient = app.server.test_client()
        self.client.environ_base["REMOTE_ADDR"] = ip

    @property
    def session_token(self) -> str | None:
        cookie = self.client.get_cookie("cockpit_session", domain="cockpit.test")
        return cookie.value if cookie else None

    @property
    def csrf(self) -> str:
        cookie = self.client.get_cookie("cockpit_csrf", domain="cockpit.test")
        return cookie.value if cookie else ""

    def get(self, path: str, **kwargs: Any):  # noqa: ANN201
        return self.client.get(path, base_url=BASE_URL, **kwargs)

    def post(self, path: str, **kwargs: Any):  # noqa: ANN201
        return self.client.post(path, base_url=BASE_URL, **kwargs)

    def login_form(self, next_url: str = "") -> str:
        page = self.get("/login" + (f"?next={next_url}" if next_url else ""))
        match = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
        assert match, "sign-in form without a CSRF token"
        return match.group(1)

    def login(self, username: str, password: str, *, next_url: str = "/"):  # noqa: ANN201
        token = self.login_form()
        return self.post("/login", data={"username": username, "password": password,
                                         "csrf_token": token, "next": next_url})

    def logout(self):  # noqa: ANN201
        return self.post("/logout", data={"csrf_token": self.csrf})

    def callback(self, key: str, values: dict[str, Any] | None = None, *,
                 headers: dict[str, str] | None = None, **kwargs: Any):  # noqa: ANN201
        body = callback_body(self.app, key, values)
        sent = {"X-CSRFToken": self.csrf, **(headers or {})}
        return self.post("/_dash-update-component", json=body, headers=sent, **kwargs)

    def set_cookies(self, cookies: dict[str, str]) -> None:
        for name, value in cookies.items():
            self.client.set_cookie(name, value, domain="cockpit.test")

    def cookies(self) -> dict[str, str]:
        return {name: value for name in ("cockpit_session", "cockpit_csrf")
                if (value := (self.client.get_cookie(name, domain="cockpit.test") or
                              _Empty()).value)}


class _Empty:
    value = ""


def side_message(response: Any) -> str:
    """The text a callback response put into the shell's message bar (empty if none)."""
    try:
        payload = response.get_json()
    except Exception:  # noqa: BLE001
        return ""
    update = (payload or {}).get("sideUpdate", {}).get("shell-message-alert", {})
    return str(update.get("children", ""))
