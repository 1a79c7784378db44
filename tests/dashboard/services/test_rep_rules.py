"""Rules over account managers (SPEC "Dynamic segmentation rules", seed 004's "Top rep": at
least a share of an account manager's customers meet the conditions), by hand on the
recompute world: Wang has A (active) and B (churning), Li C (lost) and N (never bought),
Zhao Z (active)."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from sqlalchemy import select

from dashboard.db import session_scope
from dashboard.errors import ValidationError
from dashboard.filters import Filters
from dashboard.models import Membership, RepMembership
from dashboard.services import exports
from dashboard.services import rules as service
from dashboard.services import team as team_service
from dashboard.services.recompute import run_recompute

from .recompute_world import AS_OF, build

TOP = {"name": "Top rep", "figure": "status", "operator": "=", "value_text": "active",
       "action": "segment", "segment": "Top rep", "subject": "account_manager",
       "share_pct": "80", "team_id": "all"}


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    return build(runtime)


def _rows(runtime) -> list[tuple]:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        return [tuple(r) for r in s.execute(
            select(RepMembership.rep_id, RepMembership.label, RepMembership.value,
                   RepMembership.valid_from, RepMembership.valid_to)
            .order_by(RepMembership.id)).all()]


def test_top_rep_moves_with_the_share_of_active_customers(runtime, world) -> None:  # noqa: ANN001
    owner = world.owner()
    rule_id = service.save_rule(runtime, owner, None, TOP)
    zhao, wang = world.reps["Zhao"], world.reps["Wang"]
    # Zhao 1 of 1 active (100 %), Wang 1 of 2 (50 %), Li 0 of 2
    assert _rows(runtime) == [(zhao, "Top rep", 100.0, AS_OF, None)]
    with session_scope(runtime.engine) as s:  # no customer is put in a segment by it
        assert s.execute(select(Membership).where(
            Membership.source == f"rule:{rule_id}")).first() is None
    views = {v.id: v for v in service.get_rules(runtime, owner)}
    assert views[rule_id].members == 1  # one account manager
    # at 50 % Wang joins; Zhao's row stays as it is; the nightly run changes nothing more
    service.save_rule(runtime, owner, rule_id, {**TOP, "share_pct": "50"})
    again = run_recompute(runtime, owner, AS_OF, backfill_months=0)
    assert again.rep_moves == 0
    assert _rows(runtime) == [(zhao, "Top rep", 100.0, AS_OF, None),
                              (wang, "Top rep", 50.0, AS_OF, None)]
    page = team_service.get_team_page(runtime, world.manager("East"),
                                      Filters(as_of=AS_OF, period="30d"))
    assert page.rep_segments == {wang: ["Top rep"]}  # the East team: Wang and Li
    out = io.StringIO()
    exports.write_team_export(runtime, owner, Filters(as_of=AS_OF, period="30d"), out)
    written = pd.read_csv(io.StringIO(out.getvalue().lstrip("\ufeff")), keep_default_na=False)
    assert dict(zip(written["account_manager"], written["segments"], strict=True)) == {
        "Wang": "Top rep", "Li": "", "Zhao": "Top rep"}
    # deleting the rule closes the rows
    next_day = AS_OF + dt.timedelta(days=1)
    runtime.today = lambda: next_day
    service.delete_rule(runtime, owner, rule_id)
    assert [r[4] for r in _rows(runtime)] == [next_day, next_day]


def test_a_rule_over_account_managers_is_checked(runtime, world) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as refused:
        service.save_rule(runtime, world.owner(), None, {
            **TOP, "share_pct": "0", "also": ["alert"], "for_days": "3"})
    assert refused.value.details == [
        "A rule over account managers only assigns a segment.",
        "A rule over account managers does not wait 'for N days'.",
        "The share of an account manager's customers is above 0 and at most 100 %."]


def test_a_rule_turned_to_account_managers_closes_its_customer_segment(runtime,  # noqa: ANN001
                                                                        world) -> None:
    owner = world.owner()
    by_customer = {**TOP, "subject": "customer", "share_pct": ""}
    rule_id = service.save_rule(runtime, owner, None, by_customer)

    def open_customers() -> int:
        with session_scope(runtime.engine) as s:
            return len(s.execute(select(Membership).where(
                Membership.source == f"rule:{rule_id}",
                Membership.valid_to.is_(None))).all())

    assert open_customers() == 2  # A and Z are active
    service.save_rule(runtime, owner, rule_id, TOP)  # now over account managers
    assert open_customers() == 0
    assert [r[0] for r in _rows(runtime)] == [world.reps["Zhao"]]
    service.save_rule(runtime, owner, rule_id, by_customer)  # and back
    assert _rows(runtime)[-1][-1] is not None  # Zhao's row closed
    assert open_customers() == 2
