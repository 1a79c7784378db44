"""Row-level access (RELIABILITY-TESTS B.11, B.13, B.15 for the helpers every service uses):
forged customer ids and codes are refused and audited, users without a mapping see nothing,
and a refusal reaches the user as a message through any callback."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.db import session_scope
from dashboard.errors import AccessDenied
from dashboard.models import AuditLog
from dashboard.scope import Actor
from dashboard.services.access import (
    authorise_customer,
    authorise_customers,
    customer_key,
    require_role,
)
from dashboard.services.users import create_demo_users
from tests.security.fixtures import side_message


def _actor(world, username: str) -> Actor:  # noqa: ANN001
    info = world.users[username]
    return Actor(user_id=info["id"], username=username, role=info["role"],
                 team_id=world.teams[info["team"]] if info["team"] else None,
                 rep_id=world.reps[info["rep"]] if info["rep"] else None,
                 ip="203.0.113.5", request_id="req-1")


def _denials(runtime, username: str) -> int:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        return int(session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.username == username, AuditLog.outcome == "denied")).scalar_one())


def test_forged_ids_and_codes_of_another_rep_are_refused_and_audited(runtime, world) -> None:  # noqa: ANN001
    rep_a = _actor(world, "rep1")
    forged = world.customer_ids("REP3") + world.customer_codes("REP3") + \
        world.customer_ids("REP2")[:8] + world.customer_codes("REP4")[:8]
    assert len(forged) >= 40
    granted = 0
    for key in forged:
        try:
            with session_scope(runtime.engine, write=True) as session:
                authorise_customer(session, rep_a, key)
                granted += 1
        except AccessDenied as exc:
            assert exc.code == "customer_denied"
    assert granted == 0
    assert _denials(runtime, "rep1") == len(forged)
    with session_scope(runtime.engine) as session:
        own = [authorise_customer(session, rep_a, k) for k in world.customer_codes("REP1")]
    assert own == world.customer_ids("REP1")


def test_missing_customer_is_refused_like_a_foreign_one(runtime, world) -> None:  # noqa: ANN001
    rep_a = _actor(world, "rep1")
    messages = set()
    for key in (999_999, "NO-SUCH-CODE", world.customer_ids("REP3")[0]):
        with pytest.raises(AccessDenied) as caught, session_scope(runtime.engine) as session:
            authorise_customer(session, rep_a, key)
        messages.add(caught.value.code)
    assert messages == {"customer_denied"}


def test_manager_scope_is_the_team(runtime, world) -> None:  # noqa: ANN001
    manager = _actor(world, "manager_a")
    team_a = world.customer_ids("REP1") + world.customer_ids("REP2")
    with session_scope(runtime.engine) as session:
        assert authorise_customers(session, manager, team_a) == sorted(team_a)
    with pytest.raises(AccessDenied), session_scope(runtime.engine) as session:
        authorise_customers(session, manager, team_a + world.customer_ids("REP3")[:1])


@pytest.mark.parametrize("username", ["manager_none", "rep_none"])
def test_users_without_mapping_see_nothing(runtime, world, username: str) -> None:  # noqa: ANN001
    actor = _actor(world, username)
    assert actor.scope_kind == "none"
    every = [c for r in world.reps for c in world.customer_ids(r)]
    with pytest.raises(AccessDenied), session_scope(runtime.engine) as session:
        authorise_customers(session, actor, every)
    for key in every[:10]:
        with pytest.raises(AccessDenied), session_scope(runtime.engine) as session:
            authorise_customer(session, actor, key)


def test_selection_with_one_forged_id_is_refused_whole(runtime, world) -> None:  # noqa: ANN001
    rep_a = _actor(world, "rep1")
    for forged in world.customer_ids("REP3")[:5]:
        with pytest.raises(AccessDenied) as caught, session_scope(runtime.engine) as session:
            authorise_customers(session, rep_a, [*world.customer_ids("REP1"), forged])
        assert str(forged) in caught.value.object_id
    with session_scope(runtime.engine) as session:
        rows = session.execute(select(AuditLog.detail).where(
            AuditLog.username == "rep1")).scalars().all()
    assert len(rows) == 5 and all(r["refused"] for r in rows)


def test_customer_key_parsing() -> None:
    assert customer_key(12) == 12
    assert customer_key("#12") == 12
    assert customer_key(" R1-C01 ") == "R1-C01"
    assert customer_key("12") == "12"  # digits alone are a code
    with pytest.raises(AccessDenied):
        customer_key(True)


def test_require_role(runtime, world) -> None:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        require_role(session, _actor(world, "owner"), "owner")
        require_role(session, _actor(world, "manager_a"), "owner", "manager")
    for username in ("manager_a", "rep1"):
        with pytest.raises(AccessDenied), session_scope(runtime.engine) as session:
            require_role(session, _actor(world, username), "owner")
    assert _denials(runtime, "rep1") == 1


def test_refusal_in_any_callback_becomes_a_message(cockpit, runtime, world, signed_in) -> None:  # noqa: ANN001
    from dash import Input, Output

    from callbacks._runtime import current_actor, current_runtime

    @cockpit.callback(Output("test-customer-div", "children"), Input("test-customer-input",
                                                                       "value"))
    def show_customer(value):  # noqa: ANN001, ANN202
        with session_scope(current_runtime().engine) as session:
            return f"customer {authorise_customer(session, current_actor(), value)}"

    client = signed_in("rep1")
    key = "test-customer-div.children"
    own = client.callback(key, {"test-customer-input.value": world.customer_codes("REP1")[0]})
    assert own.get_json()["response"]["test-customer-div"]["children"].startswith("customer")
    for code in world.customer_codes("REP3"):
        response = client.callback(key, {"test-customer-input.value": code})
        assert response.status_code == 200
        assert "test-customer-div" not in response.get_json().get("response", {})
        assert "not assigned to you" in side_message(response)
        assert not any(s in response.get_data(as_text=True) for s in world.sentinels("REP3"))
    with session_scope(runtime.engine) as session:
        rows = session.execute(select(AuditLog).where(AuditLog.username == "rep1",
                                                      AuditLog.outcome == "denied")).scalars()
        rows = list(rows)
    assert len(rows) == len(world.customer_codes("REP3"))
    assert all(r.ip == "203.0.113.7" and len(r.request_id) == 16 for r in rows)


def test_demo_users_on_an_empty_database(runtime) -> None:  # noqa: ANN001
    created = create_demo_users(runtime)
    assert [(u, r) for u, r, _ in created] == [("owner", "owner"), ("manager", "manager"),
                                               ("rep", "rep")]
    assert create_demo_users(runtime) == []
