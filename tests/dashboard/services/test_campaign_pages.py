"""The campaign pages' services on SQLite and PostgreSQL, on the hand-worked distributor of
``cockpit_world`` (as of 22 Nov 2026: Alpha, Delta, Foxtrot active, Foxtrot new; Epsilon
churning; Beta lost; Gamma never traded; tiers A: Alpha, B: Delta, C: Foxtrot, D: Beta, Gamma,
Epsilon; Alpha moved up, Epsilon down; revenue surged for Alpha, dropped for Epsilon; team
East = Wang = Alpha, Delta, Foxtrot, team West = Zhao = Beta, Gamma, Epsilon).

The lists offered and their customers, drafts under intent keys (sent once; ten concurrent
submits make one campaign), the send with its progress, the list and results, who may send
and decide, the recipients' file, and the page checks agreeing with the services' own."""

from __future__ import annotations

import io
import json
import threading

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, insert, select, update

from dashboard.analytics.selection import Selector
from dashboard.db import session_scope
from dashboard.errors import AccessDenied, NotFound, ValidationError
from dashboard.filters import FilterQuery
from dashboard.messaging.coupons import CouponTerms, terms_problems
from dashboard.messaging.templates import template_problems
from dashboard.models import AuditLog, Campaign, Customer, Order, Outbox, User
from dashboard.scope import Actor
from dashboard.services import campaign_drafts as drafts
from dashboard.services import campaign_forms as forms
from dashboard.services import campaign_pages as pages
from dashboard.services import campaigns, exports, selections
from tests.dashboard.services.cockpit_world import build_cockpit_world

TERMS = CouponTerms("value", 50, 500, 30, "SPRING-{random}", "Spring")


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    """The distributor, with a user row behind each of its actors."""
    built = build_cockpit_world(runtime)
    with session_scope(runtime.engine, write=True) as session:
        for who in ("owner", "manager_east", "manager_west", "rep_wang", "rep_zhao", "nobody"):
            actor = built.actor(who)
            session.execute(insert(User).values(
                id=actor.user_id, username=actor.username, password_hash="x", role=actor.role,
                team_id=actor.team_id, rep_id=actor.rep_id))
    return built


@pytest.fixture
def coupon(runtime, world) -> int:  # noqa: ANN001
    return campaigns.create_coupon(runtime, Actor.system("test"), TERMS)


def _ids(world, codes: str) -> list[int]:  # noqa: ANN001
    return sorted(world.customers[c] for c in codes)


def _form(coupon: int, **kwargs) -> drafts.CampaignForm:  # noqa: ANN003
    values = {"coupon_id": str(coupon), "channel": "log", "language": "en", "template": "",
              "holdout_pct": 0, "name": "", **kwargs}
    return drafts.CampaignForm(**values)


def _count(runtime, model) -> int:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


# --- the lists offered -------------------------------------------------------------------------


def test_every_list_offered_counts_its_customers(runtime, world, coupon) -> None:  # noqa: ANN001
    page = drafts.get_new_campaign(runtime, world.actor("owner"), FilterQuery())
    counts = {json.dumps(c.selector.__dict__, sort_keys=True): c.count for c in page.choices}

    def of(**kwargs) -> int:  # noqa: ANN003
        return counts[json.dumps(Selector(**kwargs).__dict__, sort_keys=True)]

    assert [of(status=s) for s in ("active", "churning", "lost", "never")] == [3, 1, 1, 1]
    assert of(new=True) == 1
    assert [of(tier=t) for t in "ABCD"] == [1, 1, 1, 3]
    assert (of(move="down"), of(move="up")) == (1, 1)
    assert (of(mover="revenue_surge"), of(mover="revenue_drop")) == (1, 1)
    assert page.selection is None and page.selection_error is None
    assert page.coupons["id"].tolist() == [coupon]
    assert page.configured == {"sms": False, "email": False, "log": True}
    assert page.can_create_coupon and page.cap_remaining == 5000
    west = drafts.get_new_campaign(runtime, world.actor("rep_zhao"), FilterQuery())
    assert not west.can_create_coupon
    assert sum(c.count for c in west.choices if c.selector.status) == 3  # Beta, Gamma, Epsilon


@pytest.mark.parametrize(("selector", "codes", "filters"), [
    (Selector(status="active"), "ADF", FilterQuery()),
    (Selector(status="active"), "DF", FilterQuery(region="East", customer_type="Retail")),
    (Selector(tier="D"), "BCE", FilterQuery()),
    (Selector(tier="D"), "E", FilterQuery(customer_type="Distributor")),
    (Selector(move="down"), "E", FilterQuery()),
    (Selector(new=True), "F", FilterQuery()),
    (Selector(mover="revenue_surge"), "A", FilterQuery()),
])
def test_a_list_resolves_to_exactly_its_customers(runtime, world, coupon, selector,  # noqa: ANN001
                                                  codes: str, filters) -> None:
    ids, where = drafts.resolve_recipients(runtime, world.actor("owner"),
                                           _form(coupon, selector=selector, filters=filters))
    assert ids.tolist() == _ids(world, codes)
    assert where["source"] == "list" and where["as_of"] == "2026-11-22"


def test_a_list_never_reaches_outside_the_scope(runtime, world, coupon) -> None:  # noqa: ANN001
    rep = world.actor("rep_zhao")
    forged = FilterQuery(rep_id=world.reps["Wang"], region="East")  # filters are requests
    ids, _where = drafts.resolve_recipients(runtime, rep, _form(
        coupon, selector=Selector(tier="D"), filters=forged))
    assert ids.tolist() == _ids(world, "BCE")
    with pytest.raises(drafts.FormProblems) as empty:
        drafts.resolve_recipients(runtime, rep, _form(coupon, selector=Selector(
            status="active")))
    assert empty.value.problems[0].field == "recipients"
    nobody = world.actor("nobody")
    with pytest.raises(drafts.FormProblems):
        drafts.preview(runtime, nobody, _form(coupon, selector=Selector(tier="D")))


def test_a_stored_selection_is_the_users_own(runtime, world, coupon) -> None:  # noqa: ANN001
    owner = world.actor("owner")
    token = selections.store_selection(runtime, owner, _ids(world, "AE"))
    page = drafts.get_new_campaign(runtime, owner, None, token)
    assert page.selection.customer_ids == _ids(world, "AE") and page.choices == []
    single = selections.store_customers(runtime, owner, world.customers["E"])
    assert drafts.get_new_campaign(runtime, owner, None, single).customer_name == "Epsilon"
    other = drafts.get_new_campaign(runtime, world.actor("manager_east"), None, token)
    assert isinstance(other.selection_error, AccessDenied) and other.selection is None
    assert other.choices  # the lists are offered instead
    expired = drafts.get_new_campaign(runtime, owner, None, "x" * 32)
    assert isinstance(expired.selection_error, NotFound)
    with pytest.raises(AccessDenied):
        drafts.preview(runtime, world.actor("manager_east"), _form(coupon, token=token))


# --- preview, drafts, submit -------------------------------------------------------------------


def test_preview_keeps_a_draft_and_submit_sends_exactly_it_once(runtime, world,  # noqa: ANN001
                                                                coupon) -> None:
    owner = world.actor("owner")
    shown = drafts.preview(runtime, owner, _form(coupon, selector=Selector(tier="D"),
                                                 holdout_pct="0", name="Winter"))
    assert (shown.recipients, shown.send_count, shown.holdout_count) == (3, 3, 0)
    assert shown.examples["code"].tolist() == ["B", "C", "E"]
    assert shown.submitted is None and shown.description["tier"] == "D"
    again = drafts.preview(runtime, owner, _form(coupon, selector=Selector(tier="B")),
                           shown.intent_key)
    assert again.intent_key == shown.intent_key and again.recipients == 1  # draft replaced
    first = drafts.submit(runtime, owner, shown.intent_key)
    assert not first.already_submitted and first.counts == {"pending": 1}
    for _attempt in range(3):
        replay = drafts.submit(runtime, owner, shown.intent_key)
        assert replay.already_submitted and replay.campaign_id == first.campaign_id
    later = drafts.preview(runtime, owner, _form(coupon, selector=Selector(tier="D")),
                           shown.intent_key)
    assert later.intent_key == shown.intent_key and later.submitted == first.campaign_id
    assert drafts.submit(runtime, owner, shown.intent_key).already_submitted
    assert _count(runtime, Campaign) == 1 and _count(runtime, Outbox) == 1
    with session_scope(runtime.engine) as session:
        campaign = session.execute(select(Campaign)).scalar_one()
    assert campaign.selection["description"].startswith("source=list&tier=B")
    fresh = drafts.preview(runtime, owner, _form(coupon, selector=Selector(tier="D")))
    assert fresh.intent_key != shown.intent_key  # a new page: a new campaign


def test_other_users_keys_and_expired_drafts_are_refused(runtime, world, coupon) -> None:  # noqa: ANN001
    owner, east = world.actor("owner"), world.actor("manager_east")
    shown = drafts.preview(runtime, owner, _form(coupon, selector=Selector(tier="D")))
    theirs = drafts.preview(runtime, east, _form(coupon, selector=Selector(tier="A")),
                            shown.intent_key)
    assert theirs.intent_key != shown.intent_key  # never another user's draft
    with pytest.raises(AccessDenied):
        drafts.submit(runtime, east, shown.intent_key)
    drafts.submit(runtime, owner, shown.intent_key)
    with pytest.raises(AccessDenied):
        drafts.submit(runtime, east, shown.intent_key)
    with pytest.raises(NotFound):
        drafts.submit(runtime, owner, "y" * 32)
    with pytest.raises(NotFound):
        drafts.submit(runtime, owner, "not a key")
    with session_scope(runtime.engine) as session:
        denied = session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.username == east.username, AuditLog.outcome == "denied")).scalar_one()
    assert denied == 2  # the draft, then the campaign's key
    assert _count(runtime, Campaign) == 1


def test_ten_concurrent_submits_make_one_campaign(runtime, world, coupon) -> None:  # noqa: ANN001
    owner = world.actor("owner")
    shown = drafts.preview(runtime, owner, _form(coupon, selector=Selector(tier="D")))
    results, errors = [], []

    def submit() -> None:
        try:
            results.append(drafts.submit(runtime, owner, shown.intent_key))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=submit) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len({r.campaign_id for r in results}) == 1
    assert sorted(r.already_submitted for r in results) == [False] + [True] * 9
    assert _count(runtime, Campaign) == 1 and _count(runtime, Outbox) == 3


def test_form_problems_say_what_to_change(runtime, world, coupon) -> None:  # noqa: ANN001
    owner = world.actor("owner")
    with pytest.raises(drafts.FormProblems) as err:
        drafts.preview(runtime, owner, drafts.CampaignForm(
            coupon_id="twelve", channel="fax", language="fr", holdout_pct="60",
            name="x" * 201))
    assert [p.field for p in err.value.problems] == ["recipients", "coupon", "channel",
                                                     "language", "holdout", "name"]
    with pytest.raises(drafts.FormProblems) as err:
        drafts.preview(runtime, owner, _form(coupon, selector=Selector(tier="D"),
                                             template="Hi {nam} and {Name}"))
    assert [(p.text, p.params.get("names")) for p in err.value.problems] == [
        ("Unknown placeholder {names}: use only {allowed}.", "{Name}, {nam}"),
        ("The message must contain {placeholder}, or the customer cannot use the coupon.",
         None)]
    with pytest.raises(NotFound):  # a coupon id that does not exist
        drafts.preview(runtime, owner, _form(999, selector=Selector(tier="D")))
    assert _count(runtime, Campaign) == 0


def test_preview_lists_who_cannot_be_reached(runtime, world, coupon) -> None:  # noqa: ANN001
    with session_scope(runtime.engine, write=True) as session:
        session.execute(update(Customer).where(Customer.id == world.customers["B"]).values(
            phone="+86 138 0000 0001"))
        session.execute(update(Customer).where(Customer.id == world.customers["C"]).values(
            phone="12", opt_out_sms=False))
        session.execute(update(Customer).where(Customer.id == world.customers["E"]).values(
            phone="13800000002", opt_out_sms=True))
    shown = drafts.preview(runtime, world.actor("owner"), _form(
        coupon, selector=Selector(tier="D"), channel="sms", holdout_pct=50))
    assert shown.channel_missing and shown.send_count + shown.holdout_count == 1
    assert dict(zip(shown.unreachable["code"], shown.unreachable["reason"], strict=True)) == {
        "C": "invalid_address", "E": "opted_out"}


def test_saving_a_coupon(runtime, world) -> None:  # noqa: ANN001
    owner, rep = world.actor("owner"), world.actor("rep_zhao")
    with pytest.raises(drafts.FormProblems) as err:
        drafts.save_coupon(runtime, owner, name="", kind="percent", value=120, min_spend=-1,
                           validity_days=0, code_pattern="SALE")
    assert [p.field for p in err.value.problems] == [
        "coupon_name", "coupon_value", "coupon_min_spend", "coupon_validity", "code_pattern"]
    new = drafts.save_coupon(runtime, owner, name="Ten off", kind="percent", value=10,
                             min_spend=None, validity_days=14, code_pattern="ten-{random}")
    assert campaigns.list_coupons(runtime, rep)["id"].tolist() == [new]  # shared
    with pytest.raises(AccessDenied):
        drafts.save_coupon(runtime, rep, name="Mine", kind="value", value=5, min_spend=0,
                           validity_days=7, code_pattern="R-{random}")


# --- sending, the list, results, decisions ----------------------------------------------------


def _queued(runtime, world, actor: Actor, codes: str, pct: float = 0.0) -> int:  # noqa: ANN001
    coupon_id = campaigns.create_coupon(runtime, Actor.system("t"), TERMS)
    return campaigns.queue_campaign(runtime, actor, f"intent-{actor.username}-{codes}",
                                    _ids(world, codes), coupon_id, "log",
                                    holdout_pct=pct).campaign_id


def test_send_reports_progress_and_writes_each_message_once(runtime, world) -> None:  # noqa: ANN001
    owner = world.actor("owner")
    campaign_id = _queued(runtime, world, owner, "ABCDEF", pct=34)  # 2 held out
    seen: list[pages.Progress] = []
    final = pages.send_campaign(runtime, owner, campaign_id, seen.append, interval=0.01)
    assert (final.messages, final.finished, final.waiting, final["sent"]) == (4, 4, 0, 4)
    assert seen[0].waiting == 4 and seen[-1] == final
    assert [s.finished for s in seen] == sorted(s.finished for s in seen)
    lines = (runtime.settings.data_dir / "outbox.log").read_text().splitlines()
    assert len(lines) == 4 and len({json.loads(x)["key"] for x in lines}) == 4
    again = pages.send_campaign(runtime, owner, campaign_id)
    assert again == final
    assert len((runtime.settings.data_dir / "outbox.log").read_text().splitlines()) == 4
    with session_scope(runtime.engine) as session:
        sends = session.execute(select(AuditLog.username).where(
            AuditLog.action == "campaign.send")).scalars().all()
    assert sends == ["owner", "owner"]


def test_who_may_send_a_campaign(runtime, world) -> None:  # noqa: ANN001
    east = world.actor("manager_east")
    campaign_id = _queued(runtime, world, east, "AD")
    for actor in (world.actor("rep_wang"), world.actor("manager_west"), world.actor("nobody")):
        with pytest.raises(AccessDenied):
            pages.send_campaign(runtime, actor, campaign_id)
    assert pages.send_campaign(runtime, world.actor("owner"), campaign_id)["sent"] == 2
    with pytest.raises(AccessDenied):
        pages.send_campaign(runtime, east, 999_999)


def test_the_list_counts_outcomes_redemptions_and_revenue(runtime, world) -> None:  # noqa: ANN001
    owner = world.actor("owner")
    first = _queued(runtime, world, owner, "ABE")
    second = _queued(runtime, world, world.actor("manager_east"), "DF", pct=50)
    pages.send_campaign(runtime, owner, first)
    with session_scope(runtime.engine, write=True) as session:
        session.execute(update(Outbox).where(Outbox.customer_id == world.customers["E"],
                                             Outbox.campaign_id == first)
                        .values(status="unknown"))
        order = session.execute(select(Order.id).where(
            Order.customer_id == world.customers["A"]).order_by(
            Order.order_date.desc())).scalars().first()
        session.execute(update(Outbox).where(Outbox.customer_id == world.customers["A"],
                                             Outbox.campaign_id == first)
                        .values(redeemed_order_id=order))
    listed = pages.get_campaign_list(runtime, owner)
    rows = listed.rows.set_index("campaign_id")
    assert rows.loc[first, ["recipients", "sent", "unknown", "redeemed"]].tolist() == [3, 2,
                                                                                    1, 1]
    assert rows.loc[first, "redeemed_revenue"] == 5000.0  # Alpha's order 2 days ago
    assert rows.loc[second, ["recipients", "pending", "holdout"]].tolist() == [2, 1, 1]
    assert listed.sending and listed.may_decide
    assert listed.unknown["code"].tolist() == ["E"]
    west = pages.get_campaign_list(runtime, world.actor("rep_zhao"))
    assert west.rows["campaign_id"].tolist() == [first] and not west.may_decide
    assert west.rows.loc[0, "recipients"] == 2 and west.rows.loc[0, "redeemed"] == 0
    # the Download menu's file: the rows each role sees, worded in the reader's language
    for actor, shown in ((owner, listed), (world.actor("rep_zhao"), west)):
        table = exports.campaigns_export(runtime, actor, "xlsx")
        assert table.rows["campaign_id"].tolist() == shown.rows["campaign_id"].tolist()
    table = exports.campaigns_export(runtime, owner, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(table.to_xlsx("zh"))).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    chinese = dict(zip(values[0], values[1 + table.rows["campaign_id"].tolist().index(first)],
                       strict=True))
    assert chinese["渠道"] == "日志文件" and chinese["收件人"] == 3
    assert chinese["已核销"] == 1 and chinese["核销订单销售额"] == 5000.0
    english = table.to_csv("en").decode("utf-8-sig").splitlines()
    assert english[0].startswith("Campaign,Created by,Channel,Date,Recipients,Sent")
    with session_scope(runtime.engine) as session:
        audited = session.execute(select(AuditLog.detail).where(
            AuditLog.action == "export", AuditLog.object_type == "campaigns")
            .order_by(AuditLog.id.desc())).scalars().first()
    assert audited == {"rows": 2, "format": "xlsx"}


def test_results_page_and_its_scope(runtime, world) -> None:  # noqa: ANN001
    owner = world.actor("owner")
    campaign_id = _queued(runtime, world, owner, "ABCDEF", pct=50)
    page = pages.get_campaign_page(runtime, owner, str(campaign_id), 14)
    assert page.window_days == 14 and page.total_rows == 6 and page.may_send
    assert page.summary["holdout"] == 3 and page.progress.waiting == 3
    assert page.coupon.name == "Spring" and page.detail.created_by_name == "owner"
    assert page.uplift["holdout_n"].tolist() == [3, 3]
    assert pages.get_campaign_page(runtime, owner, campaign_id, 13).window_days == 30
    west = pages.get_campaign_page(runtime, world.actor("rep_zhao"), campaign_id)
    assert sorted(west.rows["code"]) == ["B", "C", "E"] and not west.may_send
    with pytest.raises(AccessDenied):  # missing: refused like a foreign one, audited
        pages.get_campaign_page(runtime, owner, "999")
    for bad in ("abc", "-1", True, None, ""):  # no campaign named at all
        with pytest.raises(NotFound):
            pages.get_campaign_page(runtime, owner, bad)


def test_decisions_need_an_owner_or_the_teams_manager(runtime, world) -> None:  # noqa: ANN001
    owner = world.actor("owner")
    campaign_id = _queued(runtime, world, owner, "AE")
    with session_scope(runtime.engine, write=True) as session:
        session.execute(update(Outbox).where(Outbox.campaign_id == campaign_id)
                        .values(status="unknown"))
        rows = dict(session.execute(select(Outbox.customer_id, Outbox.id)).all())
    alpha, epsilon = rows[world.customers["A"]], rows[world.customers["E"]]
    with pytest.raises(AccessDenied):
        pages.decide(runtime, world.actor("rep_wang"), alpha, "sent")
    with pytest.raises(AccessDenied):
        pages.decide(runtime, world.actor("manager_east"), epsilon, "sent")  # West's
    with pytest.raises(ValidationError):
        pages.decide(runtime, owner, alpha, "maybe")
    pages.decide(runtime, world.actor("manager_east"), alpha, "resend")
    pages.decide(runtime, owner, epsilon, "sent")
    with session_scope(runtime.engine) as session:
        states = dict(session.execute(select(Outbox.id, Outbox.status)).all())
    assert states == {alpha: "pending", epsilon: "sent"}


def test_the_recipients_file(runtime, world) -> None:  # noqa: ANN001
    owner = world.actor("owner")
    with session_scope(runtime.engine, write=True) as session:
        session.execute(update(Customer).where(Customer.id == world.customers["B"])
                        .values(name="@SUM(A1:A9)"))
    campaign_id = _queued(runtime, world, owner, "ABE", pct=34)
    name, text = pages.export_recipients(runtime, owner, campaign_id, "zh")
    assert name == f"campaign-{campaign_id}-recipients.csv"
    lines = text.lstrip("\ufeff").splitlines()
    assert len(lines) == 4 and lines[1].startswith("A,Alpha,log,A,pending,等待发送,no,SPRING-")
    assert lines[2].startswith("B,'@SUM(A1:A9),log,")
    west_name, west = pages.export_recipients(runtime, world.actor("rep_zhao"), campaign_id,
                                              "en")
    assert "Alpha" not in west and len(west.lstrip("\ufeff").splitlines()) == 3
    with pytest.raises(AccessDenied):
        pages.export_recipients(runtime, world.actor("nobody"), campaign_id, "en")


# --- the page checks are the services' rules -------------------------------------------------

_TEXT = st.text(alphabet=st.sampled_from(list("ab {}_-code{name}{tier}{x}{expiry}{value}é\x01")),
                max_size=60)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(template=_TEXT)
def test_the_message_check_agrees_with_the_service(template: str) -> None:
    text = forms.message_text(template, "en")
    assert (forms.template_issues(text) == []) == (template_problems(text) == [])


@settings(max_examples=300, deadline=None)
@given(kind=st.sampled_from(["value", "percent", "gift"]),
       value=st.one_of(st.none(), st.floats(-10, 200), st.text(max_size=4)),
       spend=st.one_of(st.none(), st.floats(-5, 1000)),
       days=st.one_of(st.integers(-2, 4000), st.floats(0, 40), st.none()),
       pattern=st.text(alphabet=st.sampled_from(list("AB-_{random}x é")), max_size=50))
def test_the_coupon_check_agrees_with_the_service(kind, value, spend, days, pattern) -> None:  # noqa: ANN001
    terms = CouponTerms(kind=kind, value=value, min_spend=spend, validity_days=days,
                        code_pattern=pattern)
    assert (forms.coupon_issues(terms) == []) == (terms_problems(terms) == [])


def test_the_uplift_reads_only_the_days_since_the_campaign(runtime, world) -> None:  # noqa: ANN001
    import datetime as dt

    from dashboard.data.sales import load_customer_days

    ids = _ids(world, "ADE")
    since = dt.date(2026, 10, 1)
    with session_scope(runtime.engine) as session:
        everything = load_customer_days(session, ids)
        recent = load_customer_days(session, ids, since=since)
    expected = everything[everything["day"] >= "2026-10-01"].reset_index(drop=True)
    assert recent.equals(expected) and len(recent) < len(everything)
