"""The migration ledger on a real database: rule segment moves in and out with the rule, the
values that fired, the account manager and the alert's state; scope and filters."""

from __future__ import annotations

import datetime as dt
import warnings

import pytest
from pandas.errors import Pandas4Warning

from dashboard.db import session_scope
from dashboard.errors import ValidationError
from dashboard.models import SegmentRule
from dashboard.services.ledger import get_ledger
from dashboard.services.recompute import run_recompute
from layouts.stored_texts import render

from .recompute_world import AS_OF, add_order, build


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    return build(runtime)


def _rule(runtime, **fields) -> int:  # noqa: ANN001, ANN003
    with session_scope(runtime.engine, write=True) as s:
        rule = SegmentRule(**{"value": 0.0, "for_days": 0, "segment": "", "active": True,
                              "conditions": [], "actions": [], **fields})
        s.add(rule)
        s.flush()
        return rule.id


def test_rule_moves_in_and_out_with_the_values_owner_and_alert_state(runtime, world) -> None:  # noqa: ANN001
    rule = _rule(runtime, name="Churning", figure="status", operator="=",
                 value_text="churning", action="segment", segment="Call this week",
                 actions=["segment", "alert"])
    run_recompute(runtime, world.owner(), AS_OF, backfill_months=0)
    later = AS_OF + dt.timedelta(days=1)
    add_order(runtime, world, "B", later, 10.0)
    run_recompute(runtime, world.owner(), later, backfill_months=0)
    view = get_ledger(runtime, world.owner(), as_of=later, period="30d", kind="rule")
    got = [(r["day"], r["customer_code"], r["account_manager"], r["source_name"],
            r["from_label"], r["to_label"], r["alert_status"])
           for r in view.rows.to_dict("records")]
    assert got == [(later, "B", "Wang", "Churning", "Call this week", None, "open"),
                   (AS_OF, "B", "Wang", "Churning", None, "Call this week", "open")]
    assert render(view.rows["reason"].iloc[1], "CNY", "en") == "Status Churning = Churning"
    assert (view.start, view.end) == (later - dt.timedelta(days=29), later)
    assert view.counts["rule"] == 2 and view.counts["tier"] > 0
    # a rep sees their own customers' moves; the day before the first run shows nothing
    assert len(get_ledger(runtime, world.rep("Li"), as_of=later, kind="rule").rows) == 0
    assert len(get_ledger(runtime, world.rep("Wang"), as_of=later, kind="rule").rows) == 2
    assert get_ledger(runtime, world.owner(), as_of=AS_OF - dt.timedelta(days=1),
                      kind="rule").total == 0
    only = get_ledger(runtime, world.owner(), as_of=later, source=f"rule:{rule}")
    assert only.total == 2
    with pytest.raises(ValidationError):
        get_ledger(runtime, world.owner(), as_of=later, source="rule:999")
    with pytest.raises(ValidationError):
        get_ledger(runtime, world.owner(), as_of=later, kind="everything")


def test_tier_moves_list_from_and_to(runtime, world) -> None:  # noqa: ANN001
    """No scheme or rule names a source here: the names are empty, without the warning a
    later pandas turns into an error."""
    run_recompute(runtime, world.owner(), AS_OF, backfill_months=2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Pandas4Warning)
        view = get_ledger(runtime, world.owner(), as_of=AS_OF, period="30d", kind="tier")
    assert set(view.rows["source_kind"]) == {"tier"} and set(view.rows["source_name"]) == {""}
    moved = view.rows.loc[view.rows["from_label"].notna()]
    assert (moved["from_label"] != moved["to_label"]).all()
    assert (view.rows["day"] <= AS_OF).all()
