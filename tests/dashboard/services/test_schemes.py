"""Classification schemes and rules as services (SQLite and PostgreSQL): validation messages,
who may see and change what (forged ids refused and audited, RELIABILITY-TESTS B.15), and the
band counts against the customers behind their links."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dashboard.analytics.selection import Selector
from dashboard.db import session_scope
from dashboard.errors import AccessDenied, ValidationError
from dashboard.filters import Filters
from dashboard.models import AuditLog, ClassificationScheme, Membership
from dashboard.services import customer_table, rules, schemes

from .recompute_world import AS_OF, build

RISK = {"title": "Risk", "kind": "risk_score", "timeframe_days": 365, "colour": "#C0392B",
        "comment": "Call the sleepers", "customer_type": "all",
        "bands": [{"label": "Loyal", "upper": "1"}, {"label": "Slowing", "upper": 2},
                  {"label": "Going to sleep", "upper": 4}, {"label": "At risk",
                                                            "upper": 9999},
                  {"label": "", "upper": ""}]}


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    return build(runtime)


def denials(runtime) -> list[tuple[str, str]]:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        rows = s.execute(select(AuditLog.object_type, AuditLog.object_id)
                         .where(AuditLog.outcome == "denied").order_by(AuditLog.id)).all()
    return [tuple(r) for r in rows]


def test_a_scheme_is_saved_with_clean_values_and_audited(runtime, world) -> None:  # noqa: ANN001
    scheme_id = schemes.save_scheme(runtime, world.owner(), None, RISK)
    with session_scope(runtime.engine) as s:
        row = s.get(ClassificationScheme, scheme_id)
        audit = s.execute(select(AuditLog.action, AuditLog.object_id)).all()
    assert row.colour == "#c0392b" and row.customer_type is None and row.team_id is None
    assert row.bands == [{"label": "Loyal", "upper": 1.0}, {"label": "Slowing", "upper": 2.0},
                         {"label": "Going to sleep", "upper": 4.0},
                         {"label": "At risk", "upper": 9999.0}]
    assert ("scheme.create", str(scheme_id)) in [tuple(a) for a in audit]


@pytest.mark.parametrize(("change", "message"), [
    ({"title": " "}, "Enter a title."),
    ({"kind": "vibes"}, "Choose the type of classification."),
    ({"timeframe_days": 400}, "Choose a timeframe."),
    ({"colour": "red"}, "Choose a colour."),
    ({"min_spend": "-5"}, "Minimum spend must be empty or a number of 0 or more."),
    ({"min_orders": "2.5"}, "Minimum orders must be empty or a whole number of 0 or more."),
    ({"bands": []}, "Enter at least one band."),
    ({"bands": [{"label": "A", "upper": 2}, {"label": "B", "upper": 2}]},
     "Band 2: the upper bound 2 must be above the band before (2)."),
    ({"bands": [{"label": "A", "upper": 4}, {"label": "B", "upper": 1}]},
     "Band 2: the upper bound 1 must be above the band before (4)."),
    ({"bands": [{"label": "", "upper": 3}]}, "Band 1: enter a name."),
    ({"bands": [{"label": "A", "upper": "x"}]}, "Band 1: the upper bound must be a number."),
    ({"bands": [{"label": "A", "upper": 1}, {"label": "A", "upper": 2}]},
     "Two bands have the same name."),
    ({"bands": [{"label": "A", "upper": 0}]},
     "Risk scores start at 0: the first band's upper bound must be above 0."),
    ({"kind": "revenue_rank", "bands": [{"label": "Top", "upper": 120}]},
     "The bands of a rank or share scheme are percentages above 0 and up to 100."),
    ({"kind": "orders", "bands": [{"label": "Few", "upper": 2.5}]},
     "Order counts are whole numbers of 0 or more."),
    ({"kind": "revenue_change", "bands": [{"label": "Falling", "upper": -150}]},
     "A change cannot be below -100 %."),
])
def test_invalid_schemes_say_what_to_change(runtime, world, change: dict,  # noqa: ANN001
                                            message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        schemes.save_scheme(runtime, world.owner(), None, {**RISK, **change})
    assert message in caught.value.details
    with session_scope(runtime.engine) as s:
        assert s.execute(select(ClassificationScheme)).first() is None


def test_managers_change_their_team_schemes_only_and_forgeries_are_audited(runtime,  # noqa: ANN001
                                                                         world) -> None:
    business = schemes.save_scheme(runtime, world.owner(), None, RISK)
    east = schemes.save_scheme(runtime, world.manager("East"), None,
                               {**RISK, "title": "East risk", "team_id": world.teams["West"]})
    with session_scope(runtime.engine) as s:
        assert s.get(ClassificationScheme, east).team_id == world.teams["East"]  # not West
    west = world.manager("West")
    attempts = [
        lambda: schemes.save_scheme(runtime, west, east, RISK),
        lambda: schemes.delete_scheme(runtime, west, east),
        lambda: schemes.move_scheme(runtime, west, east, "up"),
        lambda: schemes.get_scheme(runtime, west, east),
        lambda: schemes.save_scheme(runtime, west, business, RISK),
        lambda: schemes.delete_scheme(runtime, world.rep("Wang"), east),
        lambda: schemes.save_scheme(runtime, world.rep("Wang"), None, RISK),
        lambda: schemes.save_scheme(runtime, west, 999_999, RISK),
        lambda: schemes.band_numbers(runtime, west, east, AS_OF),
        lambda: schemes.save_scheme(runtime, west, "1 OR 1=1", RISK),
    ]
    for attempt in attempts:
        with pytest.raises(AccessDenied):
            attempt()
    assert len(denials(runtime)) == len(attempts)
    assert ("scheme", str(east)) in denials(runtime)
    with session_scope(runtime.engine) as s:
        assert s.get(ClassificationScheme, east).title == "East risk"
    # the East manager sees the business-wide scheme and theirs; West sees only the first
    page = schemes.get_schemes_page(runtime, world.manager("East"), Filters(as_of=AS_OF))
    assert [(v.id, v.editable) for v in page.schemes] == [(business, False), (east, True)]
    page = schemes.get_schemes_page(runtime, west, Filters(as_of=AS_OF))
    assert [v.id for v in page.schemes] == [business]


def test_a_team_scheme_records_memberships_of_its_team_only(runtime, world) -> None:  # noqa: ANN001
    east = schemes.save_scheme(runtime, world.manager("East"), None, RISK)
    with session_scope(runtime.engine) as s:
        members = set(s.execute(select(Membership.customer_id)
                                .where(Membership.source == f"scheme:{east}")).scalars())
    assert members == {world.customers[c] for c in "ABC"}  # Z (West) and N (no band) not


@pytest.mark.parametrize("who", ["owner", "east", "wang", "zhao"])
def test_every_band_count_is_exactly_the_customers_its_link_lists(runtime, world,  # noqa: ANN001
                                                                  who: str) -> None:
    actor = {"owner": world.owner(), "east": world.manager("East"),
             "wang": world.rep("Wang"), "zhao": world.rep("Zhao")}[who]
    scheme_id = schemes.save_scheme(runtime, world.owner(), None, RISK)
    page = schemes.get_schemes_page(runtime, actor, Filters(as_of=AS_OF))
    (view,) = page.schemes
    table = customer_table.scoped_table(runtime, actor, Filters(as_of=AS_OF))
    listed = {}
    for band in range(1, 5):
        rows = schemes.select_customers(runtime, actor, table,
                                        Selector(scheme=scheme_id, band=band), AS_OF)
        listed[band] = sorted(rows["customer_code"])
    assert [len(listed[b]) for b in range(1, 5)] == view.counts["customers"].tolist()
    expected = {"owner": {1: ["A", "Z"], 2: [], 3: ["B"], 4: ["C"]},
                "east": {1: ["A"], 2: [], 3: ["B"], 4: ["C"]},
                "wang": {1: ["A"], 2: [], 3: ["B"], 4: []},
                "zhao": {1: ["Z"], 2: [], 3: [], 4: []}}[who]
    assert listed == expected
    anywhere = schemes.select_customers(runtime, actor, table, Selector(scheme=scheme_id),
                                        AS_OF)
    assert len(anywhere) == view.placed


def test_schemes_move_up_and_down_among_those_the_user_may_change(runtime, world) -> None:  # noqa: ANN001
    first = schemes.save_scheme(runtime, world.owner(), None, {**RISK, "title": "One"})
    second = schemes.save_scheme(runtime, world.owner(), None, {**RISK, "title": "Two"})
    third = schemes.save_scheme(runtime, world.manager("East"), None, {**RISK, "title": "3"})
    schemes.move_scheme(runtime, world.owner(), third, "up")
    order = [v.id for v in schemes.get_schemes_page(runtime, world.owner(),
                                                    Filters(as_of=AS_OF)).schemes]
    assert order == [first, third, second]
    schemes.move_scheme(runtime, world.manager("East"), third, "up")  # nothing of theirs above
    schemes.move_scheme(runtime, world.owner(), first, "up")  # already first
    order = [v.id for v in schemes.get_schemes_page(runtime, world.owner(),
                                                    Filters(as_of=AS_OF)).schemes]
    assert order == [first, third, second]


def test_rules_are_validated_scoped_and_counted(runtime, world) -> None:  # noqa: ANN001
    with pytest.raises(ValidationError) as caught:
        rules.save_rule(runtime, world.owner(), None, {
            "name": "", "figure": "password", "operator": ">", "value": "x",
            "for_days": "-3", "action": "segment", "segment": ""})
    assert caught.value.details == ["Enter a name for the rule.", "Choose a figure.",
                                    "'For N days' is a whole number from 0 to 3650.",
                                    "Enter the segment's name."]
    rule_id = rules.save_rule(runtime, world.manager("East"), None, {
        "name": "Slipping", "figure": "risk_score", "operator": ">", "value": "2",
        "for_days": "0", "action": "segment", "segment": "Call now"})
    views = rules.get_rules(runtime, world.manager("East"))
    assert [(v.id, v.members, v.pending, v.editable) for v in views] == [(rule_id, 2, 0, True)]
    assert [(v.id, v.members) for v in rules.get_rules(runtime, world.rep("Wang"))] == [
        (rule_id, 1)]
    assert rules.get_rules(runtime, world.manager("West")) == []
    for attempt in (lambda: rules.delete_rule(runtime, world.manager("West"), rule_id),
                    lambda: rules.save_rule(runtime, world.rep("Wang"), rule_id, {}),
                    lambda: rules.get_rule(runtime, world.manager("West"), rule_id)):
        with pytest.raises(AccessDenied):
            attempt()
    assert denials(runtime) == [("rule", str(rule_id))] * 3
