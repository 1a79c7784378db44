"""The Team page's figures against hand computation, its scope per role, and the follow-up
life cycle (assign from a list, an alert or a customer; my follow-ups; overdue; done, snooze,
reassign audited; refusals) on SQLite and PostgreSQL.

The world (``recompute_world``, as of 22 Nov 2026, period 30 days = 24 Oct .. 22 Nov, the
previous 24 Sep .. 23 Oct): A (Wang) 300 now / 300 before, B (Wang) 200 / 600, C (Li) 0 / 300,
N (Li) never traded, Z (Zhao, team West) 150 / 150.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

from dashboard.db import session_scope
from dashboard.errors import AccessDenied, ValidationError
from dashboard.filters import FilterQuery
from dashboard.models import Alert, AuditLog, Followup, Outbox, Rep, Target, User, Visit
from dashboard.services import followups, selections, team

from .recompute_world import AS_OF, build

D = dt.date
T = dt.datetime


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    world = build(runtime)
    with session_scope(runtime.engine, write=True) as s:
        sun = Rep(name="Sun", team_id=world.teams["East"])  # East, no customers
        s.add(sun)
        s.flush()
        world.reps["Sun"] = sun.id
        boss = User(username="manager-East", password_hash="x", role="manager",
                    team_id=world.teams["East"])
        s.add(boss)
        s.flush()
        world.boss_id = boss.id
        c = world.customers
        s.add_all([
            # A's target: 310 in October (8 of its 31 days in the period: 80), 600 in
            # November (22 of 30 days: 440) -> 520 for the period
            Target(customer_id=c["A"], month=D(2026, 10, 1), amount=310.0),
            Target(customer_id=c["A"], month=D(2026, 11, 1), amount=600.0),
            Visit(customer_id=c["A"], kind="call", happened_at=T(2026, 11, 1, 9)),
            Visit(customer_id=c["B"], kind="visit", happened_at=T(2026, 10, 24, 0, 0)),
            Visit(customer_id=c["B"], kind="visit", happened_at=T(2026, 10, 23, 23, 59)),
            Visit(customer_id=c["B"], kind="call", happened_at=T(2026, 11, 23, 0, 1)),
            Visit(customer_id=c["Z"], kind="call", happened_at=T(2026, 11, 22, 23, 0)),
            Alert(customer_id=c["B"], message="x", status="open",
                  created_at=T(2026, 11, 2)),
            Alert(customer_id=c["C"], message="x", status="done", created_at=T(2026, 11, 2),
                  closed_at=T(2026, 11, 25)),  # still open on 22 Nov
            Alert(customer_id=c["C"], message="x", status="done", created_at=T(2026, 11, 2),
                  closed_at=T(2026, 11, 20)),
            Alert(customer_id=c["Z"], message="x", status="open",
                  created_at=T(2026, 11, 23)),  # after the as-of date
        ])
    return world


def _rows(page) -> dict[str, dict]:  # noqa: ANN001
    return {r["account_manager"]: r for r in page.team.to_dict("records")}


def test_team_figures_against_hand_computation(runtime, world) -> None:  # noqa: ANN001
    page = team.get_team_page(runtime, world.owner(), FilterQuery(as_of=AS_OF, period="30d"))
    rows = _rows(page)
    assert list(rows) == ["Wang", "Zhao", "Li", "Sun"]  # by revenue; Sun has no customer
    wang, li, zhao, sun = rows["Wang"], rows["Li"], rows["Zhao"], rows["Sun"]
    assert (wang["customers"], wang["active"], wang["churning"]) == (2, 1, 1)
    assert (li["customers"], li["lost"], li["never"]) == (2, 1, 1)
    assert (wang["revenue"], wang["revenue_prev"]) == (500.0, 900.0)
    assert wang["growth_pct"] == pytest.approx(-400 / 9)
    assert (li["revenue"], li["revenue_prev"], li["growth_pct"]) == (0.0, 300.0, -100.0)
    assert (zhao["revenue"], zhao["revenue_prev"], zhao["growth_pct"]) == (150.0, 150.0, 0.0)
    assert wang["target"] == pytest.approx(520.0)
    assert wang["attainment_pct"] == pytest.approx(300 / 520 * 100)  # A's revenue only
    assert (wang["calls"], wang["visits"]) == (1, 1)  # B's 23 Oct and 23 Nov are outside
    assert (zhao["calls"], wang["open_alerts"], li["open_alerts"], zhao["open_alerts"]) == (
        1, 1, 1, 0)
    assert sun["customers"] == 0 and sun["revenue"] == 0
    assert page.totals["revenue"] == 650.0 and page.totals["customers"] == 5
    months = page.monthly.loc[page.monthly["account_manager"] == "Zhao"]
    assert months["revenue"].sum() == 300.0  # six orders of 50 in the 12 months


def test_each_role_sees_its_own_rows(runtime, world) -> None:  # noqa: ANN001
    query = FilterQuery(as_of=AS_OF, period="30d")
    assert set(_rows(team.get_team_page(runtime, world.manager("East"), query))) == {
        "Wang", "Li", "Sun"}
    assert set(_rows(team.get_team_page(runtime, world.manager("West"), query))) == {"Zhao"}
    assert set(_rows(team.get_team_page(runtime, world.rep("Li"), query))) == {"Li"}
    # another team's account manager in the address is dropped: the rep still sees only Li
    forged = FilterQuery(as_of=AS_OF, period="30d", rep_id=world.reps["Zhao"])
    assert set(_rows(team.get_team_page(runtime, world.rep("Li"), forged))) == {"Li"}
    nobody = team.get_team_page(runtime, world.manager("East").__class__(
        user_id=None, username="x", role="rep"), query)
    assert nobody.team.empty


def test_redemptions_count_in_the_period(runtime, world) -> None:  # noqa: ANN001
    from dashboard.models import Campaign, Order

    with session_scope(runtime.engine, write=True) as s:
        campaign = Campaign(name="c", channel="sms", message_template="m", intent_key="k")
        s.add(campaign)
        s.flush()
        order = s.execute(select(Order.id).where(
            Order.customer_id == world.customers["A"])).scalars().first()
        for day, code, channel in ((D(2026, 11, 20), "C1", "sms"),
                                   (D(2026, 9, 1), "C2", "email")):
            s.add(Outbox(campaign_id=campaign.id, customer_id=world.customers["A"],
                         channel=channel, coupon_code=code, status="sent",
                         redeemed_order_id=order, redeemed_at=day))
    page = team.get_team_page(runtime, world.owner(), FilterQuery(as_of=AS_OF, period="30d"))
    assert _rows(page)["Wang"]["redemptions"] == 1


def _audit(runtime, action: str) -> list[tuple]:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        return [tuple(r) for r in s.execute(
            select(AuditLog.username, AuditLog.outcome, AuditLog.detail)
            .where(AuditLog.action == action).order_by(AuditLog.id)).all()]


def test_follow_up_life_cycle(runtime, world) -> None:  # noqa: ANN001
    manager = dataclasses.replace(world.manager("East"), user_id=world.boss_id)
    wang, c = world.rep("Wang"), world.customers
    token = selections.store_selection(runtime, manager, [c["A"], c["B"], c["C"]],
                                       source="picked")
    done = followups.assign_from_selection(runtime, manager, token, kind="call",
                                           due="2026-11-25", note="Ask about the re-order")
    assert (done.created, done.without_manager) == (3, [])
    page = followups.get_followups_page(runtime, wang)  # my follow-ups
    assert sorted(page.rows["customer_code"]) == ["A", "B"]
    assert set(page.rows["kind"]) == {"call"} and not page.rows["overdue"].any()
    assert page.reps == ((world.reps["Wang"], "Wang"),) and not page.can_reassign
    assert sorted(followups.get_followups_page(runtime, manager).rows["customer_code"]) == [
        "A", "B", "C"]
    assert followups.get_followups_page(runtime, world.manager("West")).rows.empty
    with session_scope(runtime.engine, write=True) as s:  # as if assigned on 22 Nov
        s.execute(Followup.__table__.update().values(created_at=T(2026, 11, 22, 10)))

    def counts(day: dt.date) -> dict[str, tuple[int, int]]:
        rows = _rows(team.get_team_page(runtime, world.owner(), FilterQuery(as_of=day)))
        return {n: (rows[n]["open_followups"], rows[n]["overdue_followups"])
                for n in ("Wang", "Li")}

    assert counts(D(2026, 11, 21)) == {"Wang": (0, 0), "Li": (0, 0)}  # not yet assigned
    assert counts(D(2026, 11, 25)) == {"Wang": (2, 0), "Li": (1, 0)}  # due that day
    # three days later two are overdue
    runtime.today = lambda: D(2026, 11, 28)
    assert counts(D(2026, 11, 26)) == {"Wang": (2, 2), "Li": (1, 1)}
    page = followups.get_followups_page(runtime, wang, "overdue")
    assert page.rows["overdue"].all() and len(page.rows) == 2
    first, second = (int(i) for i in page.rows.sort_values("customer_code")["id"])
    followups.complete_followup(runtime, wang, first)
    followups.snooze_followup(runtime, wang, second, "2026-12-05")
    with pytest.raises(ValidationError):
        followups.snooze_followup(runtime, wang, second, "2026-12-01")  # earlier than due
    with pytest.raises(AccessDenied):
        followups.reassign_followup(runtime, wang, second, world.reps["Li"])  # a rep may not
    with pytest.raises(AccessDenied):  # another team's rep may not close it
        followups.complete_followup(runtime, world.rep("Zhao"), second)
    followups.reassign_followup(runtime, manager, second, world.reps["Li"])
    assert followups.get_followups_page(runtime, wang).rows.empty
    li = followups.get_followups_page(runtime, world.rep("Li")).rows
    assert sorted(li["customer_code"]) == ["B", "C"]
    assert li.set_index("customer_code").loc["B", "snoozes"] == 1
    assert li.set_index("customer_code").loc["B", "due_date"] == D(2026, 12, 5)
    assert list(li.sort_values("customer_code")["overdue"]) == [False, True]
    with pytest.raises(ValidationError):
        followups.complete_followup(runtime, manager, first)  # done already
    # A's was done on the 28th; B's now counts for Li, its due date moved to 5 Dec
    assert counts(D(2026, 11, 27)) == {"Wang": (1, 1), "Li": (2, 1)}
    assert counts(D(2026, 11, 28)) == {"Wang": (0, 0), "Li": (2, 1)}
    assert [(u, o) for u, o, _d in _audit(runtime, "followup.done")] == [("rep-Wang", "ok")]
    assert [d["before"] for _u, _o, d in _audit(runtime, "followup.snooze")] == ["2026-11-25"]
    assert [d["after"] for _u, _o, d in _audit(runtime, "followup.reassign")] == [
        world.reps["Li"]]
    assert [d["created"] for _u, _o, d in _audit(runtime, "followup.create")] == [3]


def test_assigning_checks_the_form_and_the_scope(runtime, world) -> None:  # noqa: ANN001
    manager, c = world.manager("East"), world.customers
    with pytest.raises(ValidationError) as bad:
        followups.assign_followups(runtime, manager, [c["A"]], kind="fax", due="2026-11-01",
                                   note="x" * 1001)
    assert len(bad.value.details) == 3  # kind, a due date in the past, the note's length
    with pytest.raises(AccessDenied):  # Z is another team's customer
        followups.assign_followups(runtime, manager, [c["A"], c["Z"]], kind="visit",
                                   due=AS_OF)
    with pytest.raises(AccessDenied):  # Zhao is another team's account manager
        followups.assign_followups(runtime, manager, [c["A"]], kind="visit", due=AS_OF,
                                   rep_id=world.reps["Zhao"])
    with pytest.raises(AccessDenied):  # a rep assigns only to themselves
        followups.assign_followups(runtime, world.rep("Wang"), [c["A"]], kind="call",
                                   due=AS_OF, rep_id=world.reps["Li"])
    mine = followups.assign_followups(runtime, world.rep("Wang"), [c["A"]], kind="call",
                                      due=AS_OF)
    named = followups.assign_followups(runtime, manager, [c["C"], c["N"]], kind="email",
                                       due=AS_OF, rep_id=world.reps["Sun"])
    assert (mine.created, named.created) == (1, 2)
    with session_scope(runtime.engine) as s:
        assert sorted(s.execute(select(Followup.rep_id)).scalars()) == sorted(
            [world.reps["Wang"], world.reps["Sun"], world.reps["Sun"]])
    denied = [d for _u, o, d in _audit(runtime, "access_denied") if o == "denied"]
    assert len(denied) >= 3


def test_a_customer_without_account_manager_is_listed_not_dropped(runtime, world) -> None:  # noqa: ANN001
    from dashboard.models import Customer

    with session_scope(runtime.engine, write=True) as s:
        s.execute(Customer.__table__.update().where(Customer.id == world.customers["N"])
                  .values(rep_id=None))
    out = followups.assign_followups(runtime, world.owner(), [world.customers["C"],
                                                              world.customers["N"]],
                                     kind="visit", due=AS_OF)
    assert (out.created, out.without_manager) == (1, ["N"])


def test_assign_from_an_alert(runtime, world) -> None:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        alert_b = s.execute(select(Alert.id).where(
            Alert.customer_id == world.customers["B"])).scalar_one()
    out = followups.assign_from_alert(runtime, world.rep("Wang"), alert_b, kind="visit",
                                      due=AS_OF, note="After the alert")
    assert out.created == 1
    rows = followups.get_followups_page(runtime, world.rep("Wang")).rows
    assert rows.iloc[0]["source"] == {"kind": "alert", "alert_id": alert_b}
    with pytest.raises(AccessDenied):
        followups.assign_from_alert(runtime, world.rep("Zhao"), alert_b, kind="visit",
                                    due=AS_OF)


def test_follow_ups_are_on_the_portrait_timeline(runtime, world) -> None:  # noqa: ANN001
    from dashboard.data.contacts import load_timeline

    followups.assign_followups(runtime, world.owner(), [world.customers["B"]], kind="visit",
                               due=D(2026, 11, 30), note="Bring samples")
    with session_scope(runtime.engine) as s:
        rows = load_timeline(s, world.customers["B"])
    mine = rows.loc[rows["kind"] == "followup"].iloc[0]
    assert (mine["title"], mine["detail"], mine["extra"], mine["by"]) == (
        "visit", "Bring samples", "2026-11-30 open", "Wang")


def test_the_page_words_follow_ups_and_the_team(runtime, world) -> None:  # noqa: ANN001
    from app import create_app
    from dashboard.i18n import use_language

    create_app(runtime.settings, runtime)  # pages register once an app exists
    from layouts import followups as page_words
    from layouts import team as team_words
    from layouts.portrait_lists import _followup_title

    followups.assign_followups(runtime, world.owner(), [world.customers["C"]], kind="email",
                               due=AS_OF, note="")
    runtime.today = lambda: D(2026, 11, 24)
    rows = page_words.grid_rows(followups.get_followups_page(runtime, world.rep("Li")).rows)
    page = team.get_team_page(runtime, world.owner(), FilterQuery(as_of=AS_OF))
    with use_language("zh"):
        zh_rows = page_words.grid_rows(
            followups.get_followups_page(runtime, world.rep("Li")).rows)
        table = str(team_words.team_table(page))
        title = _followup_title(pd.Series({"title": "email", "extra": "2026-11-22 open"}))
    assert rows[0]["state_name"] == "Overdue" and rows[0]["overdue"]
    assert rows[0]["customer"] == "[C Co](/customer/C)" and rows[0]["kind_name"] == "E-mail"
    assert zh_rows[0]["state_name"] == "超期" and zh_rows[0]["kind_name"] == "电子邮件"
    wang = world.reps["Wang"]
    assert "无经手人" not in table and "合计" in table
    # figures open their lists through data-href (assets/navigate.js), not link components
    assert f"data-href='/customers?as_of=2026-11-22&manager={wang}&status=churning'" in table
    assert f"data-href='/customers?as_of=2026-11-22&manager={wang}&tier=A'" in table
    assert f"data-href='/followups?as_of=2026-11-22&manager={wang}&state=overdue'" in table
    assert "Link(" not in table
    assert title == "跟进 · 电子邮件 · 2026年11月22日到期（待处理）"
