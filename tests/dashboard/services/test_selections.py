"""Selections kept on the server for the campaign pages: one user's only, every id inside
the scope when stored and again when read, all or nothing, refusals audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from dashboard.db import session_scope
from dashboard.errors import AccessDenied, NotFound, ValidationError
from dashboard.models import AuditLog, Customer
from dashboard.scope import Actor
from dashboard.services import selections
from tests.dashboard.services.cockpit_world import build_cockpit_world


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    yield build_cockpit_world(runtime)


def _denials(runtime) -> int:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        return session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.outcome == "denied")).scalar_one()


def test_a_selection_reads_back_for_its_user_only(runtime, world) -> None:  # noqa: ANN001
    wang = world.actor("rep_wang")
    ids = [world.customers[c] for c in "DAF"]
    token = selections.store_selection(runtime, wang, ids + [ids[0]],
                                       description={"note": "east"})
    chosen = selections.get_selection(runtime, wang, token)
    assert chosen.customer_ids == sorted(ids) and chosen.count == 3
    assert chosen.source == "picked" and chosen.description == {"note": "east"}
    same = Actor(user_id=wang.user_id, username="rw", role="rep", rep_id=wang.rep_id)
    assert selections.get_selection(runtime, same, token).count == 3
    before = _denials(runtime)
    for other in ("owner", "manager_east", "rep_zhao"):
        with pytest.raises(AccessDenied):
            selections.get_selection(runtime, world.actor(other), token)
    assert _denials(runtime) == before + 3


def test_one_foreign_id_refuses_the_whole_selection(runtime, world) -> None:  # noqa: ANN001
    wang = world.actor("rep_wang")
    before = _denials(runtime)
    for forged in ([world.customers["A"], world.customers["B"]], [world.customers["E"]],
                   [world.customers["A"], 999_999]):
        with pytest.raises(AccessDenied):
            selections.store_selection(runtime, wang, forged)
    assert _denials(runtime) == before + 3
    with pytest.raises(ValidationError):
        selections.store_selection(runtime, wang, ["1; DROP TABLE customers"])


def test_the_scope_is_checked_again_when_read(runtime, world) -> None:  # noqa: ANN001
    wang = world.actor("rep_wang")
    token = selections.store_selection(runtime, wang, [world.customers["A"]])
    with session_scope(runtime.engine, write=True) as session:  # A goes to Zhao
        session.get(Customer, world.customers["A"]).rep_id = world.reps["Zhao"]
    with pytest.raises(AccessDenied):
        selections.get_selection(runtime, wang, token)


def test_unknown_and_malformed_tokens(runtime, world) -> None:  # noqa: ANN001
    owner = world.actor("owner")
    for token in (None, "", "short", "x" * 32, "é" * 32, ["list"], 12):
        with pytest.raises(NotFound):
            selections.get_selection(runtime, owner, token)


def test_replacing_keeps_the_token_of_its_owner_only(runtime, world) -> None:  # noqa: ANN001
    owner, zhao = world.actor("owner"), world.actor("rep_zhao")
    token = selections.store_selection(runtime, owner, [world.customers["A"]])
    assert selections.store_selection(runtime, owner, [world.customers["B"]],
                                      token=token) == token
    assert selections.get_selection(runtime, owner, token).customer_ids == [
        world.customers["B"]]
    theirs = selections.store_selection(runtime, zhao, [world.customers["B"]], token=token)
    assert theirs != token  # another user's token is never overwritten
    assert selections.get_selection(runtime, owner, token).customer_ids == [
        world.customers["B"]]


def test_a_large_selection_is_checked_by_scope(runtime, world, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(selections, "MAX_SELECTION", 3)
    with pytest.raises(ValidationError):
        selections.store_selection(runtime, world.actor("owner"), [1, 2, 3, 4])
    monkeypatch.setattr(selections, "CHECK_ONE_BY_ONE", 1)
    zhao = world.actor("rep_zhao")
    ids = [world.customers[c] for c in "BCE"]
    token = selections.store_selection(runtime, zhao, ids)
    assert selections.get_selection(runtime, zhao, token).customer_ids == sorted(ids)
    before = _denials(runtime)
    with pytest.raises(AccessDenied):
        selections.store_selection(runtime, zhao, [world.customers["B"], world.customers["A"]])
    assert _denials(runtime) == before + 1
    owner = world.actor("owner")
    assert selections.get_selection(runtime, owner, selections.store_selection(
        runtime, owner, ids)).count == 3
