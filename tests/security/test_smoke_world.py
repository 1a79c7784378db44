"""The fixture world itself: users, scopes and sentinels as RELIABILITY-TESTS describes."""

from __future__ import annotations

from dashboard.data.access import load_customer_ids_in_scope
from dashboard.db import session_scope
from dashboard.scope import Actor


def _actor(world, username: str) -> Actor:  # noqa: ANN001
    info = world.users[username]
    customer = next((cid for r in world.reps for cid, code, _ in world.customers[r]
                     if code == info.get("customer")), None)
    return Actor(user_id=info["id"], username=username, role=info["role"],
                 team_id=world.teams.get(info["team"]) if info["team"] else None,
                 rep_id=world.reps.get(info["rep"]) if info["rep"] else None,
                 customer_id=customer)


def test_world_shape(world, runtime) -> None:  # noqa: ANN001
    assert len(world.teams) == 2 and len(world.reps) == 4
    assert sum(1 for u in world.users.values() if u["role"] == "manager" and u["team"]) == 2
    assert all(len(world.sentinels(r)) >= 10 for r in world.reps)
    all_ids = [c for r in world.reps for c in world.customer_ids(r)]
    with session_scope(runtime.engine) as session:
        for username in world.users:
            visible = load_customer_ids_in_scope(session, _actor(world, username), all_ids)
            expected = {cid for r in world.reps for cid, _, name in world.customers[r]
                        if name in world.visible_sentinels(username)}
            assert visible == expected, username
    assert world.visible_sentinels("manager_none") == set()
    assert len(world.visible_sentinels("manager_a")) == 24
    assert world.visible_sentinels("customer1") == {"ZZ-REP3-CUST01"}
