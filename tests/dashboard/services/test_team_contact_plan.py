"""The Team page's "contact plan: made / planned" and the list it opens, by hand on the
recompute world: B, C and N (not active) are in a segment planned for a call every 7 days;
the 30-day period as of 2026-11-22 runs from 2026-10-24."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics.contact_plan import planned_contacts
from dashboard.db import session_scope
from dashboard.filters import Filters
from dashboard.models import Visit
from dashboard.services import contact_plan as plan_service
from dashboard.services import rules as rule_service
from dashboard.services import team as team_service

from .recompute_world import AS_OF, build


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    return build(runtime)


def _contact(runtime, world, code: str, kind: str, days_back: int) -> None:  # noqa: ANN001
    with session_scope(runtime.engine, write=True) as s:
        s.add(Visit(customer_id=world.customers[code], kind=kind, outcome="", note="",
                    happened_at=dt.datetime.combine(AS_OF - dt.timedelta(days=days_back),
                                                    dt.time(10))))


def test_planned_contacts_by_hand() -> None:
    """Visit every 14 days, last visit 2026-10-17 (before the period): due 10-31, 11-14
    -> 2 planned; three visits inside count 2 on plan. Call every 10 days, last call
    2026-09-01: overdue at the start, due 10-24, 11-03, 11-13 -> 3 planned; one call and
    one visit inside -> 2. Never contacted, every 30 days: due 10-24 -> 1 planned, 0 made."""
    plans = pd.DataFrame({"customer_id": [1, 2, 3], "source": "rule:1", "label": "S",
                          "channel": ["visit", "phone", "email"],
                          "frequency_days": [14, 10, 30]})
    contacts = pd.DataFrame({
        "customer_id": [1, 1, 1, 1, 1, 2, 2, 2],
        "kind": ["visit", "visit", "visit", "visit", "call", "call", "call", "visit"],
        "day": pd.to_datetime(["2026-10-17", "2026-10-30", "2026-11-01", "2026-11-20",
                               "2026-11-02", "2026-09-01", "2026-11-05", "2026-11-21"])})
    got = planned_contacts(plans, contacts, dt.date(2026, 10, 24), dt.date(2026, 11, 22))
    assert got[["customer_id", "planned", "made", "made_on_plan"]].values.tolist() == [
        [1, 2, 3, 2], [2, 3, 2, 2], [3, 1, 0, 0]]


def test_the_team_row_and_the_list_it_opens(runtime, world) -> None:  # noqa: ANN001
    owner = world.owner()
    rule_service.save_rule(runtime, owner, None, {
        "name": "Not active", "figure": "status", "operator": "!=", "value_text": "active",
        "action": "segment", "segment": "Call weekly", "also": ["contact"],
        "channel": "phone", "frequency_days": "7", "team_id": "all"})  # B, C, N
    _contact(runtime, world, "B", "call", 40)  # 10-13, before: due 10-20, owed at 10-24
    _contact(runtime, world, "B", "call", 10)  # inside
    _contact(runtime, world, "B", "visit", 3)  # inside: a visit counts for a phone plan
    _contact(runtime, world, "C", "visit", 2)  # inside
    _contact(runtime, world, "C", "call", -3)  # after the as-of date: not counted
    _contact(runtime, world, "A", "call", 5)  # A has no plan
    # every planned customer owes a call on 10-24, 10-31, 11-07, 11-14, 11-21: 5 each
    filters = Filters(as_of=AS_OF, period="30d")
    team = team_service.team_frame(runtime, owner, filters).set_index("account_manager")
    got = team[["planned_contacts", "planned_made", "contact_plan_pct", "calls", "visits"]]
    assert got.loc["Wang"].tolist() == [5, 2, 40.0, 2, 1]  # B: 2 of 5 (A's call is no plan's)
    assert got.loc["Li"].tolist() == [10, 1, 10.0, 0, 1]  # C 1 of 5, N 0 of 5
    assert got.loc["Zhao", ["planned_contacts", "planned_made"]].tolist() == [0, 0]
    assert np.isnan(got.loc["Zhao", "contact_plan_pct"])
    # the list behind Li's figure: the same customers, most missed first
    li = plan_service.get_plan_period(runtime, owner, Filters(
        as_of=AS_OF, period="30d", rep_id=world.reps["Li"]))
    assert (li.bounds.start, li.planned, li.made) == (dt.date(2026, 10, 24), 10, 1)
    assert li.rows[["customer_code", "planned", "made"]].values.tolist() == [
        ["N", 5, 0], ["C", 5, 1]]
    # a rep sees their own
    wang = plan_service.get_plan_period(runtime, world.rep("Wang"), None)
    assert wang.rows["customer_code"].tolist() == ["B"]
    page = team_service.get_team_page(runtime, world.manager("East"), filters)
    assert (page.totals["planned_contacts"], page.totals["planned_made"],
            page.totals["contact_plan_pct"]) == (15, 3, 20.0)
