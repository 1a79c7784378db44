"""A campaign to a rule's segment: the new-campaign page offers the segments of the rules the
user sees with their customers under the filters and the scope, and the recipients are
exactly the segment's customers the user may see (the cockpit world: A, D and F are in tiers
A to C, B, C and E in tier D; Wang has A, D, F in the East, Zhao B, C, E in the West)."""

from __future__ import annotations

import pytest
from sqlalchemy import insert

from dashboard.analytics.selection import Selector
from dashboard.db import session_scope
from dashboard.errors import AccessDenied
from dashboard.filters import FilterQuery, parse_selector, selector_params
from dashboard.models import User
from dashboard.scope import Actor
from dashboard.services import campaign_drafts as drafts
from dashboard.services import campaigns
from dashboard.services import rules as rule_service
from layouts.campaign_new_parts import choice_label
from tests.dashboard.services.cockpit_world import build_cockpit_world
from tests.dashboard.services.test_campaign_pages import TERMS, _form, _ids


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    built = build_cockpit_world(runtime)
    with session_scope(runtime.engine, write=True) as session:
        for who in ("owner", "manager_east", "manager_west", "rep_wang", "rep_zhao"):
            actor = built.actor(who)
            session.execute(insert(User).values(
                id=actor.user_id, username=actor.username, password_hash="x", role=actor.role,
                team_id=actor.team_id, rep_id=actor.rep_id))
    return built


@pytest.fixture
def coupon(runtime, world) -> int:  # noqa: ANN001
    return campaigns.create_coupon(runtime, Actor.system("test"), TERMS)


def _segment(choices: list) -> list[tuple[int, int, str]]:  # noqa: ANN001
    return [(c.selector.segment, c.count, choice_label(c)) for c in choices
            if c.selector.segment is not None]


def test_a_rule_segment_is_offered_and_resolves_to_its_customers(runtime, world,  # noqa: ANN001
                                                                 coupon) -> None:
    owner = world.actor("owner")
    top = rule_service.save_rule(runtime, owner, None, {
        "name": "Top tiers", "figure": "abc_tier", "operator": "!=", "value_text": "D",
        "action": "segment", "segment": "Keep close", "team_id": "all"})
    alert_only = rule_service.save_rule(runtime, owner, None, {
        "name": "Lost", "figure": "status", "operator": "=", "value_text": "lost",
        "action": "alert", "team_id": "all"})
    east = rule_service.save_rule(runtime, world.actor("manager_east"), None, {
        "name": "East tier D", "figure": "abc_tier", "operator": "=", "value_text": "D",
        "action": "segment", "segment": "Wake up", "team_id": str(world.teams["East"])})
    page = drafts.get_new_campaign(runtime, owner, FilterQuery())
    # an alert-only rule has no segment to send to; the East rule's D customers are West's
    assert _segment(page.choices) == [
        (top, 3, "Rule segment: Top tiers · Keep close · 3 customers")]
    assert alert_only and east
    ids, where = drafts.resolve_recipients(runtime, owner, _form(
        coupon, selector=Selector(segment=top), filters=FilterQuery()))
    assert ids.tolist() == _ids(world, "ADF")
    assert where["segment"] == str(top) and where["source"] == "list"
    # narrowed by the filters like every list
    ids, _where = drafts.resolve_recipients(runtime, owner, _form(
        coupon, selector=Selector(segment=top), filters=FilterQuery(region="East",
                                                                  customer_type="Retail")))
    assert ids.tolist() == _ids(world, "DF")
    # the address the page's choice carries reads back as the same list
    assert parse_selector(selector_params(Selector(segment=top))) == Selector(segment=top)


def test_a_segment_never_reaches_outside_the_scope(runtime, world, coupon) -> None:  # noqa: ANN001
    owner = world.actor("owner")
    top = rule_service.save_rule(runtime, owner, None, {
        "name": "Top tiers", "figure": "abc_tier", "operator": "!=", "value_text": "D",
        "action": "segment", "segment": "Keep close", "team_id": "all"})
    east = rule_service.save_rule(runtime, world.actor("manager_east"), None, {
        "name": "East all", "figure": "abc_tier", "operator": "!=", "value_text": "D",
        "action": "segment", "segment": "East keep", "team_id": str(world.teams["East"])})
    zhao = world.actor("rep_zhao")
    assert _segment(drafts.get_new_campaign(runtime, zhao, FilterQuery()).choices) == []
    with pytest.raises(drafts.FormProblems):  # none of Zhao's customers is in it
        drafts.resolve_recipients(runtime, zhao, _form(coupon, selector=Selector(segment=top)))
    wang = world.actor("rep_wang")
    assert [(r, n) for r, n, _t in _segment(
        drafts.get_new_campaign(runtime, wang, FilterQuery()).choices)] == [(top, 3), (east, 3)]
    with pytest.raises(AccessDenied):  # another team's rule is refused (audited)
        drafts.resolve_recipients(runtime, world.actor("manager_west"), _form(
            coupon, selector=Selector(segment=east)))
