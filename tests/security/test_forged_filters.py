"""Issue 16 (4): a filter value the user may not choose (another team's account manager, a
region outside the scope, a value of the wrong type) is dropped and audited like a forged id,
on every page that reads the filters, once per request and value."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select, update

from dashboard.db import session_scope
from dashboard.filters import FilterQuery
from dashboard.models import AuditLog, Customer
from dashboard.scope import Actor
from dashboard.services import filters as filter_service
from layouts import ids


def _filter_audit(runtime: Any) -> list[tuple[str, str, str, str]]:
    with session_scope(runtime.engine) as session:
        rows = session.execute(select(AuditLog).where(AuditLog.object_type == "filter")
                               .order_by(AuditLog.id)).scalars().all()
    return [(r.username, r.action, r.object_id, r.outcome) for r in rows]


def _rep1(world: Any, request_id: str = "") -> Actor:
    return Actor(user_id=world.user_id("rep1"), username="rep1", role="rep",
                 rep_id=world.reps["REP1"], request_id=request_id)


@pytest.fixture
def regions(runtime, world) -> None:  # noqa: ANN001
    """Team A's customers are in the North, team B's in the South."""
    with session_scope(runtime.engine, write=True) as session:
        for rep, region in (("REP1", "North"), ("REP2", "North"), ("REP3", "South"),
                            ("REP4", "South")):
            session.execute(update(Customer).where(Customer.rep_id == world.reps[rep])
                            .values(region=region))


def test_resolve_filters_drops_and_audits_another_teams_manager_and_region(
        runtime, world, regions) -> None:  # noqa: ANN001
    rep3 = world.reps["REP3"]
    actor = _rep1(world, "req-forged-1")
    resolved = filter_service.resolve_filters(runtime, actor, FilterQuery(
        rep_id=rep3, region="South", customer_type="Retail"))
    assert (resolved.rep_id, resolved.region, resolved.customer_type) == (None, None, "Retail")
    assert _filter_audit(runtime) == [
        ("rep1", "access_denied", f"region=South,manager={rep3}", "denied")]
    # the same request resolving the same query again (several panels) is one row
    filter_service.resolve_filters(runtime, actor, FilterQuery(rep_id=rep3, region="South"))
    assert len(_filter_audit(runtime)) == 1
    # the user's own choices are no refusal
    own = filter_service.resolve_filters(runtime, _rep1(world, "req-own"), FilterQuery(
        rep_id=world.reps["REP1"], region="North"))
    assert (own.rep_id, own.region) == (world.reps["REP1"], "North")
    assert len(_filter_audit(runtime)) == 1
    # an unknown id and a value of the wrong type are refusals too (never an exception)
    wrong = filter_service.resolve_filters(runtime, _rep1(world, "req-wrong"), FilterQuery(
        rep_id=[rep3], region={"x": 1}))  # type: ignore[arg-type]
    assert (wrong.rep_id, wrong.region) == (None, None)
    assert _filter_audit(runtime)[1:] == [
        ("rep1", "access_denied", "region={'x': 1},manager=[" + str(rep3) + "]", "denied")]


def test_owner_choices_are_not_audited(runtime, world, regions) -> None:  # noqa: ANN001
    owner = Actor(user_id=world.user_id("owner"), username="owner", role="owner",
                  request_id="req-owner")
    resolved = filter_service.resolve_filters(runtime, owner, FilterQuery(
        rep_id=world.reps["REP3"], region="South"))
    assert (resolved.rep_id, resolved.region) == (world.reps["REP3"], "South")
    assert _filter_audit(runtime) == []


PAGES = [  # (query store read by the page's main callback, page)
    (ids.COCKPIT_QUERY, "cockpit"),
    (ids.CUSTOMERS_QUERY, "customer list"),
    (ids.TARGETS_QUERY, "targets"),
    (ids.SCHEMES_QUERY, "schemes"),
    (ids.CAMPAIGN_NEW_QUERY, "new campaign"),
]


def _callback_reading(app: Any, store: str) -> str:
    for key, spec in app.callback_map.items():
        if "callback" in spec and any(d["id"] == store and d["property"] == "data"
                                      for d in spec["inputs"]):
            return key
    raise KeyError(store)


@pytest.mark.parametrize(("store", "page"), PAGES)
def test_forged_filter_sent_to_a_page_is_audited(store, page, cockpit, signed_in, runtime,
                                                 world, regions) -> None:  # noqa: ANN001
    rep1 = signed_in("rep1")
    key = _callback_reading(cockpit, store)
    rep3, rep1_id = world.reps["REP3"], world.reps["REP1"]
    response = rep1.callback(key, {f"{store}.data": {"manager": str(rep3), "region": "South"}})
    assert response.status_code in (200, 204), (page, response.status_code)
    body = response.get_data(as_text=True)
    assert not any(s in body for s in world.sentinels("REP3")), page
    assert _filter_audit(runtime) == [
        ("rep1", "access_denied", f"region=South,manager={rep3}", "denied")], page
    # the rep's own manager id and region: no refusal
    response = rep1.callback(key, {f"{store}.data": {"manager": str(rep1_id),
                                                       "region": "North"}})
    assert response.status_code in (200, 204), page
    assert len(_filter_audit(runtime)) == 1, page



@pytest.mark.parametrize(("object_type", "english", "chinese"), [
    ("filter", "filter manager=3", "筛选条件 manager=3"),
    ("callback", "page input manager=3", "页面输入 manager=3"),
    ("callback_request", "page request manager=3", "页面请求 manager=3"),
])
def test_refused_objects_are_worded_in_both_languages(object_type, english, chinese) -> None:  # noqa: ANN001
    from layouts.stored_texts import audit_object

    assert audit_object(object_type, "manager=3", "en") == english
    assert audit_object(object_type, "manager=3", "zh") == chinese
