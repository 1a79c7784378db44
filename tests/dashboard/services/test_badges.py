"""Band and segment badges where people work (the customer list and the portrait) and the
list's band and segment filter, on SQLite and PostgreSQL: each user sees the badges and
choices of the schemes and rules they may see, and a segment filter lists exactly the
segment's customers (a rule the user may not see is refused and audited)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.analytics.selection import Selector
from dashboard.db import session_scope
from dashboard.errors import AccessDenied
from dashboard.filters import Filters, parse_selector, selector_params
from dashboard.models import AuditLog
from dashboard.services import classifications, customers, rules, schemes

from .recompute_world import AS_OF, build

RISK = {"title": "Risk", "kind": "risk_score", "timeframe_days": 365, "colour": "#C0392B",
        "comment": "", "customer_type": "all",
        "bands": [{"label": "Loyal", "upper": 1}, {"label": "Slowing", "upper": 2},
                  {"label": "Going to sleep", "upper": 4}, {"label": "At risk", "upper": 9999}]}
SLIPPING = {"name": "Slipping", "figure": "risk_score", "operator": ">", "value": "2",
            "for_days": "0", "action": "segment", "segment": "Call now"}
GREY = classifications.SEGMENT_COLOUR


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    return build(runtime)


def _badges(runtime, actor, world) -> dict[str, list[tuple[str, str, str]]]:  # noqa: ANN001
    ids = {v: k for k, v in world.customers.items()}
    found = classifications.badges_for(runtime, actor, AS_OF, list(ids))
    return {ids[cid]: [(b["kind"], b["label"], b["colour"]) for b in badges]
            for cid, badges in sorted(found.items(), key=lambda item: ids[item[0]])}


def test_badges_are_the_bands_and_segments_the_user_may_see(runtime, world) -> None:  # noqa: ANN001
    schemes.save_scheme(runtime, world.owner(), None, RISK)
    rules.save_rule(runtime, world.manager("East"), None, SLIPPING)  # East's customers only
    # risk score = days since the last order / usual gap of 10 days: A 0.2, B 2.5, C 5.0,
    # Z 0.5 (West), N never ordered (no band); the rule (risk above 2) holds for B and C
    owner = _badges(runtime, world.owner(), world)
    assert owner == {
        "A": [("scheme", "Loyal", "#c0392b")],
        "B": [("segment", "Call now", GREY), ("scheme", "Going to sleep", "#c0392b")],
        "C": [("segment", "Call now", GREY), ("scheme", "At risk", "#c0392b")],
        "Z": [("scheme", "Loyal", "#c0392b")]}
    assert _badges(runtime, world.manager("East"), world) == owner
    west = _badges(runtime, world.manager("West"), world)  # East's rule is not theirs
    assert west["B"] == [("scheme", "Going to sleep", "#c0392b")]
    assert all(kind == "scheme" for badges in west.values() for kind, _l, _c in badges)


def test_the_list_filters_by_segment_and_band_and_shows_the_badges(runtime,  # noqa: ANN001
                                                                   world) -> None:
    scheme_id = schemes.save_scheme(runtime, world.owner(), None, RISK)
    rule_id = rules.save_rule(runtime, world.manager("East"), None, SLIPPING)
    east, west = world.manager("East"), world.manager("West")

    def codes(actor, selector: Selector) -> list[str]:  # noqa: ANN001
        page = customers.get_customer_page(runtime, actor, customers.ListRequest(
            filters=Filters(as_of=AS_OF), selector=selector))
        return sorted(page.rows["customer_code"])

    assert codes(east, Selector(segment=rule_id)) == ["B", "C"]
    assert codes(world.rep("Wang"), Selector(segment=rule_id)) == ["B"]  # Li has C
    assert codes(east, Selector(segment=rule_id, scheme=scheme_id, band=4)) == ["C"]
    assert codes(world.owner(), Selector(scheme=scheme_id, band=1)) == ["A", "Z"]
    with pytest.raises(AccessDenied):
        codes(west, Selector(segment=rule_id))
    with session_scope(runtime.engine) as s:
        denied = s.execute(select(AuditLog.object_type, AuditLog.object_id)
                           .where(AuditLog.outcome == "denied")).all()
    assert [tuple(d) for d in denied] == [("rule", str(rule_id))]

    page = customers.get_customer_page(runtime, east, customers.ListRequest(
        filters=Filters(as_of=AS_OF), selector=Selector(segment=rule_id)))
    by_code = dict(zip(page.rows["customer_code"], page.rows["customer_id"], strict=True))
    assert [b["label"] for b in page.badges[int(by_code["C"])]] == ["Call now", "At risk"]

    # the filter's choices: the segment (for those who see it), then every band of the scheme
    east_choices = customers.class_choices(runtime, east)
    assert [(c.kind, c.band, c.label) for c in east_choices] == [
        ("segment", None, "Call now"), ("scheme", 1, "Loyal"), ("scheme", 2, "Slowing"),
        ("scheme", 3, "Going to sleep"), ("scheme", 4, "At risk")]
    assert [c.kind for c in customers.class_choices(runtime, west)] == ["scheme"] * 4

    # the filter is kept in the address like the others
    assert selector_params(Selector(segment=rule_id)) == {"segment": str(rule_id)}
    assert parse_selector(f"?segment={rule_id}") == Selector(segment=rule_id)
    assert parse_selector("?segment=x") == Selector()
    header = customers.get_list_header(runtime, east, Filters(as_of=AS_OF),
                                       Selector(segment=rule_id))
    assert header.segment_words == "Call now"
