"""RELIABILITY-TESTS C.19 (CSRF on callback POSTs), B.17 (user-management lockdown and mass
assignment) and the owner-only Team and Audit log pages through real callback requests."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from dashboard.data.users import get_user
from dashboard.db import session_scope
from dashboard.errors import AccessDenied, ValidationError
from dashboard.models import AuditLog, User
from dashboard.scope import Actor
from dashboard.services import audit as audit_service
from dashboard.services import users as user_service
from layouts import ids
from tests.security.fixtures import callback_body, find_callback, side_message

ACTION = "users-result-alert"


def _count_users(runtime) -> int:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        return int(session.execute(select(func.count()).select_from(User)).scalar_one())


def _create_body(cockpit, username: str) -> dict:  # noqa: ANN001
    key = find_callback(cockpit, ACTION)
    body = callback_body(cockpit, key, {
        f"{ids.USERS_CREATE}.n_clicks": 1, f"{ids.USERS_NEW_USERNAME}.value": username,
        f"{ids.USERS_NEW_ROLE}.value": "owner"})
    body["changedPropIds"] = [f"{ids.USERS_CREATE}.n_clicks"]
    return body


def test_forged_callback_posts_change_nothing(cockpit, runtime, signed_in) -> None:  # noqa: ANN001
    client = signed_in("owner")
    before = _count_users(runtime)
    body = _create_body(cockpit, "intruder")
    raw = json.dumps(body)
    good = {"X-CSRFToken": client.csrf}
    attempts = [
        dict(data=raw, content_type="text/plain", headers=good),
        dict(data=raw, content_type="application/x-www-form-urlencoded", headers=good),
        dict(data={"payload": raw}, content_type="multipart/form-data", headers=good),
        dict(data=raw, content_type="text/plain"),
        dict(data=raw, content_type="application/x-www-form-urlencoded"),
        dict(json=body, headers={**good, "Origin": "https://evil.example"}),
        dict(json=body, headers={**good, "Origin": "null"}),
        dict(json=body, headers={**good, "Sec-Fetch-Site": "cross-site"}),
        dict(json=body, headers={"X-CSRFToken": ""}),
        dict(json=body, headers={"X-CSRFToken": client.csrf[:-2] + "00"}),
        dict(json=body, headers={"Origin": "https://cockpit.test.evil.example", **good}),
    ]
    codes = [client.post("/_dash-update-component", **kwargs).status_code for kwargs in attempts]
    preflight = client.client.options(
        "/_dash-update-component", base_url="https://cockpit.test",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type,x-csrftoken"})
    assert len(attempts) + 1 == 12
    assert all(code in (403, 415) for code in codes), str(codes)
    assert preflight.status_code == 403
    assert not any(h.lower().startswith("access-control-") for h in preflight.headers.keys())
    assert _count_users(runtime) == before
    # the same request, same-origin with the token, works
    ok = client.post("/_dash-update-component", json=body,
                     headers={**good, "Origin": "https://cockpit.test"})
    assert ok.status_code == 200 and "Added intruder" in ok.get_data(as_text=True)


@pytest.mark.parametrize("username", ["manager_a", "rep1", "rep_none"])
def test_non_owners_cannot_manage_users(cockpit, runtime, world, signed_in,
                                        username: str) -> None:  # noqa: ANN001
    client = signed_in(username)
    key = find_callback(cockpit, ACTION)
    target = {"id": world.user_id("rep2"), "username": "rep2", "is_active": True}
    requests = [_create_body(cockpit, f"made-by-{username}")]
    for button in (ids.USERS_SAVE, ids.USERS_RESET_PASSWORD, ids.USERS_TOGGLE_ACTIVE):
        body = callback_body(cockpit, key, {
            f"{button}.n_clicks": 1, f"{ids.USERS_GRID}.selectedRows": [target],
            f"{ids.USERS_EDIT_ROLE}.value": "owner"})
        body["changedPropIds"] = [f"{button}.n_clicks"]
        requests.append(body)
    listing = find_callback(cockpit, ids.USERS_GRID)
    audit_rows = find_callback(cockpit, ids.AUDIT_GRID)
    before = _count_users(runtime)
    leaked = 0
    for body in requests:
        response = client.post("/_dash-update-component", json=body,
                               headers={"X-CSRFToken": client.csrf})
        assert response.status_code == 200
        payload = response.get_json()
        leaked += bool(payload.get("response", {}).get(ACTION))
        assert "owner" in side_message(response).lower()
    for key_ in (listing, audit_rows):
        response = client.callback(key_)
        assert "rep2" not in json.dumps(response.get_json().get("response", {}))
        assert side_message(response)
    assert leaked == 0 and _count_users(runtime) == before
    with session_scope(runtime.engine) as session:
        rep2 = get_user(session, world.user_id("rep2"))
        denials = session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.username == username, AuditLog.outcome == "denied")).scalar_one()
    assert rep2.role == "rep" and rep2.is_active
    assert denials == len(requests) + 2


def test_owner_uses_the_users_page(cockpit, runtime, world, signed_in) -> None:  # noqa: ANN001
    client = signed_in("owner")
    rows = client.callback(find_callback(cockpit, ids.USERS_GRID)).get_json()
    users = rows["response"][ids.USERS_GRID]["rowData"]
    assert {u["username"] for u in users} == set(world.users)
    body = _create_body(cockpit, "newrep")
    body["state"] = [s if s["id"] != ids.USERS_NEW_ROLE else {**s, "value": "rep"}
                     for s in body["state"]]
    created = client.post("/_dash-update-component", json=body,
                          headers={"X-CSRFToken": client.csrf}).get_json()
    text = created["response"][ACTION]["children"]
    assert text.startswith("Added newrep. Password (shown once): ")
    assert len(text.rsplit(" ", 1)[-1]) == 16


def test_mass_assignment_is_ignored(runtime, world) -> None:  # noqa: ANN001
    rep = Actor(user_id=world.user_id("rep1"), username="rep1", role="rep",
                rep_id=world.reps["REP1"])
    smuggled = {"display_name": "Rep One", "role": "owner", "is_active": True,
                "password_hash": "x", "team": world.teams["B"], "rep": world.reps["REP3"],
                "username": "root", "id": 1}
    for _ in range(10):
        user_service.update_profile(runtime, rep, smuggled)
    owner = Actor.system("test")
    user_service.change_user(runtime, owner, world.user_id("rep2"),
                             {"display_name": "Two", "is_active": False, "password_hash": "x",
                              "username": "root"})
    with session_scope(runtime.engine) as session:
        one, two = get_user(session, world.user_id("rep1")), get_user(session, world.user_id(
            "rep2"))
        ignored = session.execute(select(AuditLog.detail).where(
            AuditLog.action == "profile_change")).scalars().all()
    assert (one.role, one.username, one.rep_id, one.team_id) == ("rep", "rep1",
                                                                  world.reps["REP1"], None)
    assert one.display_name == "Rep One" and one.password_hash != "x"
    assert two.is_active and two.username == "rep2" and two.display_name == "Two"
    assert len(ignored) == 10 and all("role" in d["ignored"] for d in ignored)


def test_last_owner_and_self_protection(runtime, world) -> None:  # noqa: ANN001
    owner = Actor(user_id=world.user_id("owner"), username="owner", role="owner")
    with pytest.raises(ValidationError):
        user_service.set_active(runtime, owner, world.user_id("owner"), False)
    with pytest.raises(ValidationError):
        user_service.change_user(runtime, owner, world.user_id("owner"), {"role": "manager"})
    with pytest.raises(AccessDenied):
        user_service.create_user(runtime, Actor(user_id=world.user_id("manager_a"),
                                                username="manager_a", role="manager",
                                                team_id=world.teams["A"]),
                                 {"username": "x-user", "role": "owner"})


def test_audit_page_pages_and_filters(runtime, world) -> None:  # noqa: ANN001
    owner = Actor(user_id=world.user_id("owner"), username="owner", role="owner")
    for i in range(60):
        audit_service.record(runtime, owner, "test_event", object_type="thing", object_id=i,
                             outcome="failed" if i % 3 == 0 else "ok")
    page = audit_service.get_audit_page(runtime, owner, page=2, page_size=25,
                                        action="test_event")
    assert page.total == 60 and page.pages == 3 and len(page.rows) == 25
    assert list(page.rows["object_id"]) == [str(i) for i in range(34, 9, -1)]
    failed = audit_service.get_audit_page(runtime, owner, action="test_ev", outcome="failed")
    assert failed.total == 20
    like = audit_service.get_audit_page(runtime, owner, username="%")
    assert like.total == 0  # LIKE wildcards in a filter are literal
    with pytest.raises(ValidationError):
        audit_service.get_audit_page(runtime, owner, page_size=10_000)
    with pytest.raises(AccessDenied):
        audit_service.get_audit_page(runtime, Actor(user_id=world.user_id("rep1"),
                                                    username="rep1", role="rep"))


def test_demo_users(runtime, world) -> None:  # noqa: ANN001
    created = user_service.create_demo_users(runtime)
    # the fixture world already has a user named "owner": only the other two are created
    assert [(u, r) for u, r, _ in created] == [("manager", "manager"), ("rep", "rep")]
    assert all(len(p) >= 16 for _, _, p in created)
    assert user_service.create_demo_users(runtime) == []
    with session_scope(runtime.engine) as session:
        manager = session.execute(select(User).where(User.username == "manager")).scalar_one()
        rep = session.execute(select(User).where(User.username == "rep")).scalar_one()
    assert manager.team_id == world.teams["A"]
    assert rep.rep_id in {world.reps[r] for r in world.team_reps("A")}
