"""The contact plan on a real database: a rule segment's plan set from the rule and from the
plan editor, next contact due and days overdue per customer, the overdue list per account
manager, "visited but low value", scope and refusals."""

from __future__ import annotations

import datetime as dt

import pytest

from dashboard.db import session_scope
from dashboard.errors import AccessDenied, ValidationError
from dashboard.models import Visit
from dashboard.services import contact_plan as service
from dashboard.services import rules as rule_service

from .recompute_world import AS_OF, build


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    return build(runtime)


def _contact(runtime, world, code: str, kind: str, days_back: int) -> None:  # noqa: ANN001
    with session_scope(runtime.engine, write=True) as s:
        s.add(Visit(customer_id=world.customers[code], kind=kind, outcome="", note="",
                    happened_at=dt.datetime.combine(AS_OF - dt.timedelta(days=days_back),
                                                    dt.time(10))))


def test_overdue_and_low_value_by_hand(runtime, world) -> None:  # noqa: ANN001
    owner = world.owner()
    rule_id = rule_service.save_rule(runtime, owner, None, {
        "name": "Not active", "figure": "status", "operator": "!=", "value_text": "active",
        "action": "segment", "segment": "Call this week", "also": ["contact"],
        "channel": "phone", "frequency_days": "7", "team_id": "all"})  # B, C, N
    _contact(runtime, world, "B", "call", 10)  # due 7 days later: 3 days overdue
    _contact(runtime, world, "B", "visit", 40)  # a visit to a phone-plan customer
    _contact(runtime, world, "C", "visit", 2)  # a visit counts for a phone plan: due in 5
    _contact(runtime, world, "C", "call", -3)  # after the as-of date: not counted
    view = service.get_contact_plan(runtime, owner, AS_OF)
    rows = {r["customer_code"]: r for r in view.customers.to_dict("records")}
    assert set(rows) == {"B", "C", "N"}
    assert (rows["B"]["next_contact_due"], rows["B"]["days_overdue"]) == (
        AS_OF - dt.timedelta(days=3), 3)
    assert (rows["C"]["next_contact_due"], rows["C"]["days_overdue"]) == (
        AS_OF + dt.timedelta(days=5), 0)
    assert rows["N"]["never_contacted"] and rows["N"]["days_overdue"] == 0
    assert list(view.customers["customer_code"]) == ["N", "B", "C"]  # never, then overdue
    assert view.overdue_by_rep.values.tolist() == [["Li", 1, 1], ["Wang", 1, 0]]
    assert view.low_value[["customer_code", "channel", "visits"]].values.tolist() == [
        ["B", "phone", 1], ["C", "phone", 1]]
    assert list(view.plans["source_name"]) == ["Not active"]
    # a rep sees their own customers only
    wang = service.get_contact_plan(runtime, world.rep("Wang"), AS_OF)
    assert list(wang.customers["customer_code"]) == ["B"]
    # the plan editor changes it (and removes it); reps may not
    service.set_contact_plan(runtime, owner, f"rule:{rule_id}", "Call this week", "visit", 30)
    again = service.get_contact_plan(runtime, owner, AS_OF)
    assert again.customers.set_index("customer_code").loc["B", "channel"] == "visit"
    with pytest.raises(AccessDenied):
        service.set_contact_plan(runtime, world.rep("Wang"), f"rule:{rule_id}",
                                 "Call this week", "phone", 7)
    with pytest.raises(ValidationError):
        service.set_contact_plan(runtime, owner, f"rule:{rule_id}", "Nope", "phone", 7)
    with pytest.raises(ValidationError):
        service.set_contact_plan(runtime, owner, f"rule:{rule_id}", "Call this week",
                                 "pigeon", 7)
    service.set_contact_plan(runtime, owner, f"rule:{rule_id}", "Call this week", "", None)
    assert service.get_contact_plan(runtime, owner, AS_OF).customers.empty
    assert (f"rule:{rule_id}", "Call this week", "Not active") in service.plan_targets(
        runtime, owner)
