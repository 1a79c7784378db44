"""Campaign use cases on SQLite and PostgreSQL: preview, queue, scope, cap, opt-outs, holdout,
coupons, redemptions, results and decisions (RELIABILITY-TESTS.md E.29-32)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator

import pandas as pd
import pytest
from sqlalchemy import func, insert, select, update

from dashboard.db import session_scope
from dashboard.errors import AccessDenied, NotFound, ValidationError
from dashboard.messaging.coupons import CouponTerms
from dashboard.messaging.sender import Sender
from dashboard.models import (
    AuditLog,
    Campaign,
    Customer,
    CustomerDay,
    Membership,
    Order,
    Outbox,
    utcnow,
)
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import campaigns as svc
from tests.dashboard.messaging.helpers import (
    Org,
    SmsGateway,
    messaging_settings,
    outbox_rows,
    seed_org,
)

TERMS = CouponTerms("value", 50, 500, 30, "spring-{random}", "Spring")


@pytest.fixture
def gateway() -> Iterator[SmsGateway]:
    with SmsGateway() as server:
        yield server


@pytest.fixture
def org(engine) -> Org:  # noqa: ANN001
    return seed_org(engine, per_rep=12)


@pytest.fixture
def rt(engine, settings, gateway: SmsGateway) -> Runtime:  # noqa: ANN001
    return Runtime(messaging_settings(settings, sms=gateway, DAILY_SEND_CAP=5000), engine)


def _count(engine, model) -> int:  # noqa: ANN001
    with session_scope(engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def _audit(engine, action: str, outcome: str | None = None) -> list:  # noqa: ANN001
    with session_scope(engine) as s:
        query = select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)
        if outcome:
            query = query.where(AuditLog.outcome == outcome)
        return s.execute(query).scalars().all()


def _set(engine, customer_id: int, **values) -> None:  # noqa: ANN001, ANN003
    with session_scope(engine, write=True) as s:
        s.execute(update(Customer).where(Customer.id == customer_id).values(**values))


# --- preview --------------------------------------------------------------------------------


def test_preview_renders_each_message_and_lists_who_cannot_be_reached(rt, org, engine) -> None:  # noqa: ANN001
    ids = org.customers[1]
    _set(engine, ids[0], phone=None)
    _set(engine, ids[1], opt_out_sms=True)
    _set(engine, ids[2], phone="12-34")
    with session_scope(engine, write=True) as s:
        s.execute(insert(Membership).values(customer_id=ids[3], source="abc", label="B",
                                            valid_from=dt.date(2026, 1, 1)))
    preview = svc.preview_campaign(rt, org.reps[0], ids, TERMS, "sms",
                                   "Hi {name} ({tier}): {code} {value} by {expiry}", "en", 25)
    assert preview.unreachable[["customer_id", "reason"]].values.tolist() == [
        [ids[0], "no_address"], [ids[1], "opted_out"], [ids[2], "invalid_address"]]
    assert preview.send_count + preview.holdout_count == 9 and preview.holdout_count == 2
    expiry = (utcnow().date() + dt.timedelta(days=30))
    first = preview.recipients.set_index("customer_id").loc[ids[3]]
    assert first["message"] == (
        f"Hi ZZ-REP1-CUST04 (B): SPRING-XXXXXXXXXX CN¥50 off an order of CN¥500 or more by "
        f"{expiry.day} {expiry:%b %Y}")
    assert preview.cap_remaining == 5000 and preview.warnings == []
    assert _count(engine, Outbox) == 0 and _count(engine, Campaign) == 0


def test_preview_warns_when_the_channel_is_not_configured(rt, org) -> None:  # noqa: ANN001
    plain = Runtime(rt.settings.replace(SMTP_HOST=""), rt.engine)
    preview = svc.preview_campaign(plain, org.owner, org.customers[1], TERMS, "email")
    assert any("COCKPIT_SMTP_HOST" in w for w in preview.warnings)
    with pytest.raises(ValidationError) as err:
        svc.queue_campaign(plain, org.owner, "intent-nosmtp-1", org.customers[1], TERMS,
                           "email")
    assert "COCKPIT_SMTP_HOST" in err.value.details[0]


@pytest.mark.parametrize(("kwargs", "detail"), [
    ({"selection": []}, "at least one"),
    ({"selection": [True]}, "list of customer ids"),
    ({"selection": ["1; DROP TABLE outbox"]}, "list of customer ids"),
    ({"selection": [-3]}, "list of customer ids"),
    ({"channel": "fax"}, "Channel"),
    ({"language": "fr"}, "Language"),
    ({"holdout_pct": 80}, "holdout"),
    ({"template": "Hi {nmae} {code}"}, "{nmae}"),
    ({"template": "Hi {name}"}, "{code}"),
    ({"coupon": CouponTerms("percent", 120)}, "100"),
])
def test_bad_requests_are_refused_in_words_and_write_nothing(rt, org, engine, kwargs,  # noqa: ANN001
                                                             detail: str) -> None:
    request = {"selection": org.customers[1], "coupon": TERMS, "channel": "sms",
               "template": None, "language": "en", "holdout_pct": 0, **kwargs}
    with pytest.raises(ValidationError) as err:
        svc.queue_campaign(rt, org.owner, "intent-bad-0001", **request)
    assert any(detail in d for d in err.value.details), err.value.details
    assert _count(engine, Outbox) == 0 and _count(engine, Campaign) == 0


# --- queue ----------------------------------------------------------------------------------


def test_queue_creates_campaign_codes_and_rows_in_one_go(rt, org, engine) -> None:  # noqa: ANN001
    ids = org.customers[1]
    _set(engine, ids[0], phone=None)
    result = svc.queue_campaign(rt, org.managers[0], "intent-queue-01", ids, TERMS, "sms",
                                None, "zh", 10, name="Spring", description="Tier B, 30 d")
    assert result.counts == {"pending": 10, "holdout": 1, "unreachable": 1}
    assert not result.already_submitted
    rows = outbox_rows(engine)
    contacted = [r for r in rows if r.status == "pending"]
    codes = [r.coupon_code for r in contacted]
    assert len(set(codes)) == 10 and all(re.fullmatch(r"SPRING-[0-9A-Z]{10}", c) for c in codes)
    assert all(r.coupon_code in r.message for r in contacted)
    assert all(r.message.startswith("尊敬的ZZ-REP1-CUST") for r in contacted)
    assert {r.expires_on for r in contacted} == {utcnow().date() + dt.timedelta(days=30)}
    unreachable = next(r for r in rows if r.status == "unreachable")
    assert unreachable.customer_id == ids[0] and unreachable.last_error == \
        "no address for this channel" and unreachable.coupon_code is None
    with session_scope(engine) as s:
        campaign = s.execute(select(Campaign)).scalar_one()
    assert (campaign.name, campaign.channel, campaign.language, campaign.status) == (
        "Spring", "sms", "zh", "queued")
    assert campaign.selection == {"count": 12, "description": "Tier B, 30 d"}
    audit = _audit(engine, "campaign.queue")
    assert len(audit) == 1 and audit[0].user_id == org.managers[0].user_id
    assert audit[0].detail["pending"] == 10 and audit[0].request_id == "req-manager1"


def test_replays_return_the_first_campaign(rt, org, engine) -> None:  # noqa: ANN001
    first = svc.queue_campaign(rt, org.reps[0], "intent-replay-1", org.customers[1], TERMS,
                               "sms")
    again = svc.queue_campaign(rt, org.reps[0], "intent-replay-1", org.customers[1][:3],
                               CouponTerms("value", 1), "sms", holdout_pct=50)
    assert again.already_submitted and again.campaign_id == first.campaign_id
    assert again.counts == {"pending": 12}
    assert _count(engine, Outbox) == 12 and _count(engine, Campaign) == 1
    with pytest.raises(ValidationError):  # someone else's key is not theirs to replay
        svc.queue_campaign(rt, org.reps[1], "intent-replay-1", org.customers[2], TERMS, "sms")
    with pytest.raises(ValidationError):
        svc.queue_campaign(rt, org.reps[0], "short", org.customers[1], TERMS, "sms")


# --- scope ----------------------------------------------------------------------------------


def _forgeries(org: Org) -> list[tuple[Actor, list[object]]]:
    rep1, manager_a = org.reps[0], org.managers[0]
    own, other_rep, other_team = org.customers[1], org.customers[2], org.customers[3]
    attempts: list[tuple[Actor, list[object]]] = []
    for i in range(10):
        attempts.append((rep1, own + [other_team[i]]))  # one extra foreign id
        attempts.append((rep1, [other_rep[i]]))  # same team, another rep's customer
        attempts.append((manager_a, org.of_team(0) + [org.customers[4][i]]))
    for i in range(5):
        attempts.append((rep1, own + [10_000 + i]))  # an id that does not exist
        attempts.append((rep1, [str(c) for c in own] + [str(other_team[i])]))
    return attempts


def test_forged_selections_create_nothing_and_every_denial_is_audited(rt, org, engine,  # noqa: ANN001
                                                                      gateway) -> None:
    attempts = _forgeries(org)
    assert len(attempts) == 40
    for n, (actor, selection) in enumerate(attempts):
        with pytest.raises(AccessDenied):
            svc.queue_campaign(rt, actor, f"intent-forged-{n:03d}", selection, TERMS, "sms")
    assert _count(engine, Outbox) == 0 and _count(engine, Campaign) == 0
    denials = _audit(engine, "access_denied", "denied")
    assert len(denials) == 40
    assert all(d.object_type == "customer" and d.user_id is not None for d in denials)
    with pytest.raises(AccessDenied):
        svc.preview_campaign(rt, org.reps[0], org.customers[3][:2], TERMS, "sms")
    Sender(rt).run_pass()
    assert outbox_rows(engine) == [] and gateway.received == []


def test_a_campaign_that_reaches_nobody_is_refused(rt, org, engine) -> None:  # noqa: ANN001
    for customer in org.customers[1][:2]:
        _set(engine, customer, opt_out_sms=True)
    with pytest.raises(ValidationError) as err:
        svc.queue_campaign(rt, org.owner, "intent-nobody-01", org.customers[1][:2], TERMS,
                           "sms")
    assert "Nobody" in err.value.details[0]
    assert _count(engine, Campaign) == 0


def test_a_user_without_scope_reaches_nobody(rt, org, engine) -> None:  # noqa: ANN001
    orphan = Actor(user_id=org.owner.user_id, username="orphan", role="rep", rep_id=None)
    with pytest.raises(AccessDenied):
        svc.queue_campaign(rt, orphan, "intent-orphan-1", org.customers[1][:1], TERMS, "sms")
    assert _count(engine, Outbox) == 0


def test_a_rep_sends_to_their_own_customers(rt, org, gateway) -> None:  # noqa: ANN001
    svc.queue_campaign(rt, org.reps[2], "intent-rep3-0001", org.customers[3], TERMS, "sms")
    Sender(rt).run_pass()
    assert len(gateway.received) == 12
    assert all("ZZ-REP3-" in m["text"] for m in gateway.received)


# --- cap, opt-outs, holdout -----------------------------------------------------------------


def test_daily_cap_refuses_the_whole_campaign_and_is_audited(rt, org, engine) -> None:  # noqa: ANN001
    capped = Runtime(rt.settings.replace(DAILY_SEND_CAP=30), engine)
    manager = org.managers[0]
    svc.queue_campaign(capped, manager, "intent-cap-0001", org.customers[1], TERMS, "sms",
                       holdout_pct=50)  # 6 sent, 6 held out: holdout does not count
    svc.queue_campaign(capped, manager, "intent-cap-0002", org.customers[2], TERMS, "sms")
    assert svc.preview_campaign(capped, manager, org.customers[1], TERMS, "sms").cap_remaining \
        == 12
    with pytest.raises(ValidationError) as err:
        svc.queue_campaign(capped, manager, "intent-cap-0003", org.of_team(0), TERMS, "sms")
    assert "allows 12 more today" in err.value.details[0]
    refusal = _audit(engine, "campaign.queue", "denied")
    assert len(refusal) == 1 and refusal[0].detail["reason"] == "daily send cap"
    assert refusal[0].detail["needed"] == 24 and refusal[0].detail["remaining"] == 12
    assert _count(engine, Outbox) == 24
    # another user has their own allowance; yesterday's messages do not count
    svc.queue_campaign(capped, org.managers[1], "intent-cap-0004", org.customers[3], TERMS,
                       "sms")
    with session_scope(engine, write=True) as s:
        s.execute(update(Campaign).values(queued_at=utcnow() - dt.timedelta(days=1)))
    svc.queue_campaign(capped, manager, "intent-cap-0005", org.of_team(0), TERMS, "sms")


def test_opted_out_customers_are_listed_and_not_contacted(rt, org, engine, gateway) -> None:  # noqa: ANN001
    ids = org.customers[1]
    _set(engine, ids[5], opt_out_sms=True)
    _set(engine, ids[6], opt_out_email=True)
    svc.queue_campaign(rt, org.owner, "intent-optout-1", ids, TERMS, "sms")
    Sender(rt).run_pass()
    rows = {r.customer_id: r for r in outbox_rows(engine)}
    assert rows[ids[5]].status == "unreachable" and "opted out" in rows[ids[5]].last_error
    assert rows[ids[6]].status == "sent"
    assert len(gateway.received) == 11


def test_holdout_group_is_recorded_but_never_contacted(rt, org, engine, gateway) -> None:  # noqa: ANN001
    ids = org.all_customers  # 48 reachable: 10 % is 5
    svc.queue_campaign(rt, org.owner, "intent-holdout-1", ids, TERMS, "sms", holdout_pct=10)
    Sender(rt).run_pass()
    rows = outbox_rows(engine)
    held = [r for r in rows if r.is_holdout]
    assert len(held) == 5 and all(r.status == "holdout" and r.coupon_code is None
                                  for r in held)
    assert len(gateway.received) == 43
    assert not {r.address for r in held} & {m["to"] for m in gateway.received}


# --- coupons and redemptions ----------------------------------------------------------------


def test_coupon_templates_by_role(rt, org, engine) -> None:  # noqa: ANN001
    shared = svc.create_coupon(rt, org.owner, TERMS)
    team_a = svc.create_coupon(rt, org.managers[0], CouponTerms("percent", 10, 0, 7,
                                                                "VIP-{random}", "VIP A"))
    with pytest.raises(AccessDenied):
        svc.create_coupon(rt, org.reps[0], TERMS)
    with pytest.raises(ValidationError):
        svc.create_coupon(rt, org.owner, CouponTerms("value", 5))  # no name
    assert set(svc.list_coupons(rt, org.managers[0])["id"]) == {shared, team_a}
    assert set(svc.list_coupons(rt, org.managers[1])["id"]) == {shared}
    assert set(svc.list_coupons(rt, org.owner)["id"]) == {shared, team_a}
    result = svc.queue_campaign(rt, org.reps[0], "intent-tpl-0001", org.customers[1], team_a,
                                "sms")
    assert all(r.coupon_code.startswith("VIP-") for r in outbox_rows(engine))
    assert result.counts == {"pending": 12}
    with pytest.raises(NotFound):
        svc.queue_campaign(rt, org.reps[2], "intent-tpl-0002", org.customers[3], team_a, "sms")
    assert len(_audit(engine, "coupon.create")) == 2


def _order(engine, no: str, customer_id: int, day: dt.date, code: str | None,  # noqa: ANN001
           amount: float = 600.0, is_return: bool = False) -> int:
    with session_scope(engine, write=True) as s:
        return s.execute(insert(Order).values(
            order_no=no, customer_id=customer_id, order_date=day, coupon_code=code,
            amount=amount, is_return=is_return).returning(Order.id)).scalar_one()


def test_redemptions_are_matched_within_validity(rt, org, engine) -> None:  # noqa: ANN001
    ids = org.customers[1]
    campaign = svc.queue_campaign(rt, org.owner, "intent-redeem-1", ids[:8], TERMS,
                                  "sms").campaign_id
    Sender(rt).run_pass()
    code = {r.customer_id: r.coupon_code for r in outbox_rows(engine)}
    today = utcnow().date()
    valid = _order(engine, "R1", ids[0], today + dt.timedelta(days=3), code[ids[0]], 800)
    _order(engine, "R1b", ids[0], today + dt.timedelta(days=9), code[ids[0]], 999)  # later
    typed = _order(engine, "R2", ids[1], today + dt.timedelta(days=30),
                   f"  {code[ids[1]].lower()} ", 650)  # last valid day, typed by hand
    _order(engine, "R3", ids[2], today + dt.timedelta(days=31), code[ids[2]])  # expired
    _order(engine, "R4", ids[3], today - dt.timedelta(days=1), code[ids[3]])  # before
    _order(engine, "R5", ids[9], today, code[ids[4]])  # another customer used it
    _order(engine, "R6", ids[5], today, code[ids[5]], -100, is_return=True)  # a return
    assert svc.match_coupon_redemptions(rt, org.owner) == 2
    assert svc.match_coupon_redemptions(rt) == 0  # idempotent
    rows = {r.customer_id: r for r in outbox_rows(engine)}
    assert (rows[ids[0]].redeemed_order_id, rows[ids[0]].redeemed_at) == (
        valid, today + dt.timedelta(days=3))
    assert rows[ids[1]].redeemed_order_id == typed
    assert all(rows[c].redeemed_order_id is None for c in ids[2:8])
    results = svc.get_campaign_results(rt, org.owner, campaign)
    assert results.summary["redeemed"] == 2 and results.summary["redeemed_revenue"] == 1450.0
    assert results.summary["redemption_pct"] == 25.0
    with session_scope(engine, write=True) as s:  # the order was re-imported without code
        s.execute(update(Order).where(Order.id == valid).values(coupon_code=None))
    assert svc.match_coupon_redemptions(rt) == 1  # the later order now redeems it
    assert {r.customer_id: r.redeemed_order_id for r in outbox_rows(engine)}[ids[0]] != valid
    assert len(_audit(engine, "coupon.match_redemptions")) == 2


# --- results, portrait, decisions -----------------------------------------------------------


def test_results_compare_treated_with_holdout(rt, org, engine) -> None:  # noqa: ANN001
    ids = org.all_customers
    campaign = svc.queue_campaign(rt, org.owner, "intent-result-1", ids, TERMS, "sms",
                                  holdout_pct=25).campaign_id
    Sender(rt).run_pass()
    rows = outbox_rows(engine)
    treated = [r.customer_id for r in rows if not r.is_holdout]
    held = [r.customer_id for r in rows if r.is_holdout]
    today = utcnow().date()
    days = ([{"customer_id": c, "day": today + dt.timedelta(days=2), "revenue": 300.0,
              "orders": 2} for c in treated[:18]]
            + [{"customer_id": c, "day": today + dt.timedelta(days=5), "revenue": 100.0,
                "orders": 1} for c in held[:6]]
            + [{"customer_id": c, "day": today + dt.timedelta(days=45), "revenue": 9e6,
                "orders": 50} for c in ids])  # outside the 30-day window
    with session_scope(engine, write=True) as s:
        s.execute(insert(CustomerDay), days)
    results = svc.get_campaign_results(rt, org.owner, campaign,
                                       as_of=today + dt.timedelta(days=60))
    uplift = results.uplift.set_index("metric")
    assert (uplift.loc["orders", "treated_n"], uplift.loc["orders", "holdout_n"]) == (36, 12)
    assert uplift.loc["orders", "difference"] == pytest.approx(2 * 18 / 36 - 6 / 12)
    assert uplift.loc["revenue", "difference"] == pytest.approx(300 * 18 / 36 - 100 * 6 / 12)
    assert uplift.loc["orders", "window_complete"]
    assert results.summary["sent"] == 36 and results.summary["holdout"] == 12
    team_view = svc.get_campaign_results(rt, org.managers[1], campaign)
    assert set(team_view.rows["customer_id"]) == set(org.of_team(1))
    with pytest.raises(AccessDenied):
        svc.get_campaign_results(rt, org.reps[0], campaign + 1)


def test_customer_campaigns_for_the_portrait(rt, org, engine) -> None:  # noqa: ANN001
    svc.queue_campaign(rt, org.owner, "intent-portrait1", org.customers[1], TERMS, "sms",
                       name="Spring")
    Sender(rt).run_pass()
    sends = svc.get_customer_campaigns(rt, org.reps[0], org.customers[1][0])
    assert sends[["campaign", "channel", "status"]].values.tolist() == [["Spring", "sms",
                                                                         "sent"]]
    with pytest.raises(AccessDenied):
        svc.get_customer_campaigns(rt, org.reps[2], org.customers[1][0])
    listed = svc.list_campaigns(rt, org.managers[0])
    assert listed["recipients"].tolist() == [12] and listed["sent"].tolist() == [12]
    assert listed[["pending", "failed", "unknown", "holdout"]].values.tolist() == [[0, 0, 0, 0]]
    assert svc.list_campaigns(rt, org.managers[1]).empty


def test_unknown_decisions_need_the_right_person(rt, org, engine) -> None:  # noqa: ANN001
    svc.queue_campaign(rt, org.reps[0], "intent-decide-01", org.customers[1][:2], TERMS, "sms")
    a, b = (r.id for r in outbox_rows(engine))
    with pytest.raises(ValidationError):  # still pending: nothing to decide
        svc.decide_unknown(rt, org.owner, a, "sent")
    with session_scope(engine, write=True) as s:
        s.execute(update(Outbox).values(status="unknown"))
    assert svc.get_unknown_messages(rt, org.managers[0])["outbox_id"].tolist() == [a, b]
    assert svc.get_unknown_messages(rt, org.managers[1]).empty
    with pytest.raises(AccessDenied):
        svc.decide_unknown(rt, org.managers[1], a, "resend")  # other team
    with pytest.raises(AccessDenied):
        svc.decide_unknown(rt, org.reps[1], a, "resend")  # same team, not the author
    with pytest.raises(ValidationError):
        svc.decide_unknown(rt, org.reps[0], a, "maybe")
    svc.decide_unknown(rt, org.reps[0], a, "resend")  # the campaign's author
    with pytest.raises(AccessDenied):
        svc.decide_unknown(rt, org.owner, 999_999, "sent")
    assert [r.status for r in outbox_rows(engine)] == ["pending", "unknown"]
    assert len(_audit(engine, "access_denied", "denied")) == 3


@pytest.fixture
def shanghai_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The server's clock in China (UTC+8): stored send times are UTC, order times local."""
    import time

    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def _timed_order(s, no: str, customer: int, day: dt.date, amount: float,  # noqa: ANN001
           at: dt.datetime | None = None) -> None:
    from dashboard.models import OrderLine

    order = s.execute(insert(Order).values(
        order_no=no, customer_id=customer, order_date=day, ordered_at=at, amount=amount,
        is_return=amount < 0).returning(Order.id)).scalar_one()
    s.execute(insert(OrderLine).values(order_id=order, line_key="1", quantity=1,
                                       unit_price=amount, amount=amount))


def test_results_count_only_orders_placed_after_the_send_time(rt, org, engine,  # noqa: ANN001
                                                              shanghai_clock) -> None:
    """Sent at 2026-03-09 23:00 UTC, 2026-03-10 07:00 in Shanghai. Treated T1: 300 at 06:00
    (an hour before: the coupon's doing it is not) and 200 at 08:00 (an hour after); T2: 100
    the next day (no time). Holdout H1: 50 at 08:00 and 40 the next day; H2: 999 on the send
    day with no time (before or after the send cannot be told: left out)."""
    from dashboard.data.rollups import rebuild_rollups

    ids = org.customers[1][:4]
    campaign = svc.queue_campaign(rt, org.owner, "intent-send-time", ids, TERMS, "sms",
                                  holdout_pct=50).campaign_id
    Sender(rt).run_pass()
    sent_utc = dt.datetime(2026, 3, 9, 23, 0)
    with session_scope(engine, write=True) as s:
        s.execute(update(Outbox).where(Outbox.campaign_id == campaign,
                                       Outbox.sent_at.is_not(None)).values(sent_at=sent_utc))
    rows = outbox_rows(engine)
    (t1, t2), (h1, h2) = ([r.customer_id for r in rows if r.is_holdout == held]
                          for held in (False, True))
    send_day, next_day = dt.date(2026, 3, 10), dt.date(2026, 3, 11)
    with session_scope(engine, write=True) as s:
        _timed_order(s, "T1-0600", t1, send_day, 300.0, dt.datetime(2026, 3, 10, 6, 0))
        _timed_order(s, "T1-0800", t1, send_day, 200.0, dt.datetime(2026, 3, 10, 8, 0))
        _timed_order(s, "T2-NEXT", t2, next_day, 100.0)
        _timed_order(s, "H1-0800", h1, send_day, 50.0, dt.datetime(2026, 3, 10, 8, 0))
        _timed_order(s, "H1-NEXT", h1, next_day, 40.0)
        _timed_order(s, "H2-DAY", h2, send_day, 999.0)
        rebuild_rollups(s)
    early = svc.get_campaign_results(rt, org.owner, campaign, as_of=send_day).uplift
    assert (early["state"] == "too_early").all()  # minutes after sending: no figures
    assert early[["difference", "ci_low", "ci_high"]].isna().all().all()
    assert early["sent_at"].iat[0] == pd.Timestamp(2026, 3, 10, 7, 0)
    out = svc.get_campaign_results(rt, org.owner, campaign, window_days=7,
                                   as_of=next_day).uplift.set_index("metric")
    assert (out["state"] == "measured").all()
    assert out.loc["orders", "window_start"] == next_day
    # treated: orders 1 (08:00), 1 (next day) -> 1; revenue 200, 100 -> 150
    # holdout: orders 2, 0 -> 1; revenue 50 + 40, 0 -> 45
    assert out.loc["orders", ["treated_mean", "holdout_mean", "difference"]].tolist() == [
        1.0, 1.0, 0.0]
    assert out.loc["revenue", ["treated_mean", "holdout_mean"]].tolist() == [150.0, 45.0]
    assert out.loc["revenue", "difference"] == 105.0
