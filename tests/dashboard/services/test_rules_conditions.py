"""Rules with several conditions (AND), figures against the customer's own past, money floors,
several actions, and alerts routed to a person when the customer has no account manager;
hand-checked on the recompute world (SQLite and PostgreSQL)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from dashboard.analytics.rules import Condition, Rule, condition
from dashboard.db import session_scope
from dashboard.models import Alert, Customer, Membership, SegmentRule, User
from dashboard.services import customer_table
from dashboard.services.recompute import run_recompute
from layouts.stored_texts import render

from .recompute_world import AS_OF, build


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    return build(runtime)


def _table(runtime) -> pd.DataFrame:  # noqa: ANN001
    return customer_table.customer_table(runtime, AS_OF, "30d", customer_table.figure_settings(
        runtime)).set_index("customer_code")


def test_own_past_figures_by_hand(runtime, world) -> None:  # noqa: ANN001
    """Last 30 days (0-29 days back) against the 30-day average of the 90 days before them
    (30-119 days back): A 300 vs 300*30/90 = 100; B 200 vs 1000*30/90 = 333.33 (-40 %);
    C 0 vs 600 (-100 %); Z 150 vs 50; N nothing before: no percentage."""
    table = _table(runtime)
    got = table[["revenue_own90_avg30", "revenue_vs_own90", "revenue_vs_own90_pct"]]
    assert got.loc["A"].tolist() == [100.0, 200.0, 200.0]
    assert got.loc["B", "revenue_own90_avg30"] == 333.33
    assert got.loc["B", "revenue_vs_own90"] == -133.33
    assert got.loc["B", "revenue_vs_own90_pct"] == pytest.approx(-40.0)
    assert got.loc["C"].tolist() == [600.0, -600.0, -100.0]
    assert got.loc["Z"].tolist() == [50.0, 100.0, 200.0]
    assert got.loc["N", "revenue_vs_own90"] == 0.0
    assert np.isnan(got.loc["N", "revenue_vs_own90_pct"])
    # 365 days before (30-394 back) hold every order of A: 3 orders of 100 -> 300*30/365
    assert table.loc["A", "revenue_own365_avg30"] == round(300 * 30 / 365, 2)


def test_conditions_are_joined_by_and_with_a_money_floor(runtime, world) -> None:  # noqa: ANN001
    table = _table(runtime).reset_index()
    down = Rule("Down", "revenue_vs_own90_pct", "<=", -40.0, action="alert")
    floored = Rule("Down a lot", "revenue_vs_own90_pct", "<=", -40.0, action="alert",
                   more=(Condition("revenue_vs_own90", "<=", -500.0),))
    typed = Rule("Down, retail", "revenue_vs_own90_pct", "<=", -40.0, action="alert",
                 more=(Condition("revenue_vs_own90", "<=", -100.0),
                       Condition("customer_type", "=", value_text="Retail")))
    codes = table["customer_code"].to_numpy()
    assert codes[condition(table, down)].tolist() == ["B", "C"]
    assert codes[condition(table, floored)].tolist() == ["C"]  # B is down 133.33 only
    assert codes[condition(table, typed)].tolist() == ["B", "C"]
    with pytest.raises(ValueError, match="unknown figure"):
        Rule("x", "revenue", ">", 1.0, more=(Condition("nope", ">", 1.0),))
    with pytest.raises(ValueError, match="contact plan belongs to the rule's segment"):
        Rule("x", "revenue", ">", 1.0, actions=("alert", "contact"))


def test_a_segment_and_alert_rule_records_every_condition_and_routes_its_alerts(  # noqa: ANN001
        runtime, world) -> None:
    with session_scope(runtime.engine, write=True) as s:
        s.get(Customer, world.customers["C"]).rep_id = None  # no account manager
        s.add(User(username="boss", role="owner", password_hash="x"))
        s.flush()
        owner = s.execute(select(User.id).where(User.username == "boss")).scalar()
        rule = SegmentRule(name="Falling", figure="revenue_vs_own90_pct", operator="<=",
                           value=-40.0, action="segment", segment="Win back",
                           actions=["segment", "alert"], for_days=0, active=True,
                           conditions=[{"figure": "revenue_vs_own90", "operator": "<=",
                                        "value": -100.0, "value_text": None}])
        s.add(rule)
        s.flush()
        rule_id = rule.id
    run_recompute(runtime, world.owner(), AS_OF, backfill_months=0)
    with session_scope(runtime.engine) as s:
        rows = s.execute(select(Membership.customer_id, Membership.label, Membership.reason)
                         .where(Membership.source == f"rule:{rule_id}")
                         .order_by(Membership.customer_id)).all()
        alerts = s.execute(select(Alert.customer_id, Alert.rep_id, Alert.user_id,
                                  Alert.message).order_by(Alert.customer_id)).all()
    assert [(r[0], r[1]) for r in rows] == [(world.customers["B"], "Win back"),
                                            (world.customers["C"], "Win back")]
    assert render(rows[0][2], "CNY", "en") == (
        "Last 30 days vs own average of the 90 days before (%) -40% ≤ -40% and Last 30 "
        "days minus own average of the 90 days before -CN¥133 ≤ -CN¥100")
    assert [(a[0], a[1], a[2]) for a in alerts] == [
        (world.customers["B"], world.reps["Wang"], None), (world.customers["C"], None, owner)]
    assert render(alerts[1][3], "CNY", "zh").startswith("Falling：")


def test_the_editor_previews_and_saves_conditions_actions_and_the_contact_plan(  # noqa: ANN001
        runtime, world) -> None:
    from dashboard.data.contact_plans import load_plans
    from dashboard.errors import ValidationError
    from dashboard.services import rules as service

    fields = {"name": "Falling", "figure": "revenue_vs_own90_pct", "operator": "<=",
              "value": "-40", "and": [{"figure": "revenue_vs_own90", "operator": "<=",
                                       "value": "-500"}, {"figure": ""}],
              "action": "segment", "also": ["alert", "contact"], "segment": "Win back",
              "channel": "visit", "frequency_days": "14", "team_id": "all"}
    owner, wang = world.owner(), world.rep("Wang")
    assert service.preview_rule(runtime, owner, fields) == 1  # C only (B is down 133)
    assert service.preview_rule(runtime, wang, fields) == 0  # C is Li's
    loose = {**fields, "and": [{"figure": "revenue_vs_own90", "operator": "<=",
                                "value": "-100"}]}
    assert service.preview_rule(runtime, owner, loose) == 2
    assert service.preview_rule(runtime, wang, loose) == 1  # B
    rule_id = service.save_rule(runtime, owner, None, fields)
    record = service.get_rule(runtime, owner, rule_id)
    assert record["actions"] == ["segment", "alert", "contact"]
    assert record["conditions"] == [{"figure": "revenue_vs_own90", "operator": "<=",
                                     "value": -500.0, "value_text": None}]
    assert (record["channel"], record["frequency_days"]) == ("visit", 14)
    plans = load_plans_of(runtime, load_plans)
    assert plans == [(f"rule:{rule_id}", "Win back", "visit", 14)]
    # without the contact action the plan goes; a plan without a segment is refused
    service.save_rule(runtime, owner, rule_id, {**fields, "also": ["alert"]})
    assert load_plans_of(runtime, load_plans) == []
    with pytest.raises(ValidationError) as refused:
        service.save_rule(runtime, owner, None, {**fields, "action": "alert",
                                                 "also": ["contact"], "frequency_days": "0"})
    assert refused.value.details == [
        "A contact plan needs the rule's segment: choose 'assign the customer to a segment'.",
        "The contact frequency is a whole number of days from 1 to 3650."]


def load_plans_of(runtime, load_plans) -> list[tuple]:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        frame = load_plans(s)
    return [tuple(r) for r in frame[["source", "label", "channel", "frequency_days"]]
            .itertuples(index=False)]
