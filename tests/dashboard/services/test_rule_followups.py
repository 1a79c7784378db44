"""A rule's follow-up action: one follow-up of the rule's kind for the account manager of every
customer the rule takes in, due the rule's days after the firing, never twice for one firing
(re-runs, the nightly run after a save) nor while one of the rule is still open; customers
without an account manager are left out and named in the audit; hand-checked on the recompute
world (B and C are down at least 40 % against their own past)."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from dashboard.data.followups import insert_rule_followups
from dashboard.data.ledger import load_ledger
from dashboard.db import session_scope
from dashboard.errors import ValidationError
from dashboard.models import AuditLog, Customer, Followup
from dashboard.services import followups as followup_service
from dashboard.services import rules as service
from dashboard.services.recompute import run_recompute

from .recompute_world import AS_OF, build

FIELDS = {"name": "Falling", "figure": "revenue_vs_own90_pct", "operator": "<=",
          "value": "-40", "action": "alert", "also": ["followup"], "followup_kind": "visit",
          "followup_days": "5", "team_id": "all"}


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    return build(runtime)


def _followups(runtime) -> list[tuple]:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        return [tuple(r) for r in s.execute(
            select(Followup.customer_id, Followup.rep_id, Followup.kind, Followup.due_date,
                   Followup.state, Followup.rule_id, Followup.fired_on, Followup.source)
            .order_by(Followup.customer_id, Followup.id)).all()]


def _audits(runtime) -> list[dict]:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        return list(s.execute(select(AuditLog.detail).where(
            AuditLog.action == "followup.create").order_by(AuditLog.id)).scalars())


def test_a_rule_opens_one_followup_per_customer_and_firing(runtime, world) -> None:  # noqa: ANN001
    rule_id = service.save_rule(runtime, world.owner(), None, FIELDS)
    record = service.get_rule(runtime, world.owner(), rule_id)
    assert (record["actions"], record["followup_kind"], record["followup_days"]) == (
        ["alert", "followup"], "visit", 5)
    due = AS_OF + dt.timedelta(days=5)
    source = {"kind": "rule", "rule_id": rule_id, "rule": "Falling"}
    expected = [
        (world.customers["B"], world.reps["Wang"], "visit", due, "open", rule_id, AS_OF, source),
        (world.customers["C"], world.reps["Li"], "visit", due, "open", rule_id, AS_OF, source)]
    assert _followups(runtime) == expected
    assert _audits(runtime) == [{"created": 2, "fired_on": AS_OF.isoformat(), "kind": "visit",
                                 "source": {"kind": "rule", "rule_id": rule_id},
                                 "without_manager": []}]
    # the nightly run of the same day and of the next days: no new firing, no new follow-up
    again = run_recompute(runtime, world.owner(), AS_OF, backfill_months=0)
    later = run_recompute(runtime, world.owner(), AS_OF + dt.timedelta(days=1),
                          backfill_months=0)
    assert (again.followups, later.followups) == (0, 0)
    assert _followups(runtime) == expected
    # Wang sees B's in "my follow-ups" and marks it done; still no second one for B
    page = followup_service.get_followups_page(runtime, world.rep("Wang"), state="open")
    assert page.rows["customer_code"].tolist() == ["B"]
    followup_service.complete_followup(runtime, world.rep("Wang"), int(page.rows["id"][0]))
    run_recompute(runtime, world.owner(), AS_OF + dt.timedelta(days=2), backfill_months=0)
    assert [r[4] for r in _followups(runtime)] == ["done", "open"]
    # the ledger shows each move with the state of the follow-up it opened
    with session_scope(runtime.engine) as s:
        moves = load_ledger(s, world.owner(), AS_OF, AS_OF, source=f"rule:{rule_id}")
    assert moves[["customer_code", "to_label", "alert_status", "followup_state"]].values.tolist(
    ) == [["B", "(alert)", "open", "done"], ["C", "(alert)", "open", "open"]]


def test_the_same_firing_is_never_inserted_twice(runtime, world) -> None:  # noqa: ANN001
    rule_id = service.save_rule(runtime, world.owner(), None, FIELDS)
    day = AS_OF + dt.timedelta(days=3)
    frame = pd.DataFrame({"customer_id": [world.customers["A"], world.customers["B"]],
                          "rule_id": rule_id, "rep_id": [world.reps["Wang"]] * 2,
                          "kind": "call", "due_date": day, "fired_on": day})
    with session_scope(runtime.engine, write=True) as s:
        first = insert_rule_followups(s, frame, dt.datetime(2026, 11, 25, 8))
        second = insert_rule_followups(s, frame, dt.datetime(2026, 11, 25, 9))
    # B has the rule's follow-up of the save still open; A is new; the second call adds none
    assert first["customer_id"].tolist() == [world.customers["A"]]
    assert len(second) == 0
    assert len(_followups(runtime)) == 3


def test_customers_without_an_account_manager_are_named_not_dropped(runtime, world) -> None:  # noqa: ANN001
    with session_scope(runtime.engine, write=True) as s:
        s.get(Customer, world.customers["C"]).rep_id = None
    rule_id = service.save_rule(runtime, world.owner(), None, {**FIELDS,
                                                                "followup_kind": "call",
                                                                "followup_days": "0"})
    assert [(r[0], r[2], r[3]) for r in _followups(runtime)] == [
        (world.customers["B"], "call", AS_OF)]
    assert _audits(runtime) == [{"created": 1, "fired_on": AS_OF.isoformat(), "kind": "call",
                                 "source": {"kind": "rule", "rule_id": rule_id},
                                 "without_manager": [world.customers["C"]]}]


def test_the_followup_action_needs_its_kind_and_days(runtime, world) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        service.save_rule(runtime, world.owner(), None, {**FIELDS, "followup_kind": "fax",
                                                         "followup_days": "400"})
    assert refused.value.details == [
        "Choose call, visit or e-mail.",
        "The follow-up is due in a whole number of days from 0 to 366."]
    # without the action its fields are not kept
    rule_id = service.save_rule(runtime, world.owner(), None, {**FIELDS, "also": []})
    record = service.get_rule(runtime, world.owner(), rule_id)
    assert (record["followup_kind"], record["followup_days"]) == (None, None)
    assert _followups(runtime) == []
