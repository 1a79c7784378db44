"""Calls, visits, comments and the customer timeline, on SQLite and PostgreSQL
(RELIABILITY-TESTS.md B.15, E.32)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import insert, select, update

from dashboard.db import session_scope
from dashboard.errors import AccessDenied, ValidationError
from dashboard.models import Alert, AuditLog, Comment, Order, Outbox, Visit, utcnow
from dashboard.runtime import Runtime
from dashboard.services import contacts as svc
from tests.dashboard.messaging.helpers import Org, seed_org


@pytest.fixture
def org(engine) -> Org:  # noqa: ANN001
    return seed_org(engine, per_rep=3)


@pytest.fixture
def rt(engine, settings) -> Runtime:  # noqa: ANN001
    return Runtime(settings, engine)


def _audit(engine, outcome: str | None = None) -> list:  # noqa: ANN001
    with session_scope(engine) as s:
        query = select(AuditLog).order_by(AuditLog.id)
        if outcome:
            query = query.where(AuditLog.outcome == outcome)
        return s.execute(query).scalars().all()


def _comment(engine, comment_id: int):  # noqa: ANN001, ANN202
    with session_scope(engine) as s:
        return s.get(Comment, comment_id)


def test_a_rep_records_a_call_and_a_visit(rt, org, engine) -> None:  # noqa: ANN001
    rep = org.reps[0]
    customer = org.customers[1][0]
    when = utcnow().replace(microsecond=0) - dt.timedelta(hours=2)
    call = svc.record_contact(rt, rep, customer, "call", "call_back",
                              " Ring back\r\nafter 3 pm \x1b[31m\x00", happened_at=when)
    visit = svc.record_contact(rt, rep, "ZZ-REP1-00002", "visit", "ordered")
    with session_scope(engine) as s:
        rows = {v.id: v for v in s.execute(select(Visit)).scalars()}
    assert (rows[call].kind, rows[call].outcome, rows[call].happened_at) == ("call",
                                                                             "call_back", when)
    assert rows[call].note == "Ring back\r\nafter 3 pm [31m"
    assert (rows[call].user_id, rows[call].rep_id) == (rep.user_id, rep.rep_id)
    assert rows[visit].customer_id == org.customers[1][1]
    audit = _audit(engine)
    assert [(a.action, a.object_id) for a in audit] == [("call.create", str(call)),
                                                         ("visit.create", str(visit))]
    assert audit[0].detail["after"]["outcome"] == "call_back"


@pytest.mark.parametrize(("kind", "outcome", "when", "note"), [
    ("email", "reached", None, ""),
    ("call", "great", None, ""),
    ("call", "reached", dt.datetime(2099, 1, 1), ""),
    ("call", "reached", None, "x" * 4001),
])
def test_bad_contact_records_are_refused(rt, org, engine, kind, outcome, when,  # noqa: ANN001
                                         note) -> None:
    with pytest.raises(ValidationError):
        svc.record_contact(rt, org.reps[0], org.customers[1][0], kind, outcome, note, when)
    assert _audit(engine) == []


def test_contacts_outside_the_scope_are_refused_and_audited(rt, org, engine) -> None:  # noqa: ANN001
    with pytest.raises(AccessDenied):
        svc.record_contact(rt, org.reps[0], org.customers[3][0], "call", "reached")
    with pytest.raises(AccessDenied):
        svc.add_comment(rt, org.managers[0], org.customers[4][0], "hello")
    with pytest.raises(AccessDenied):
        svc.add_comment(rt, org.reps[0], 999_999, "hello")
    with pytest.raises(AccessDenied):
        svc.get_customer_timeline(rt, org.reps[1], org.customers[1][0])
    assert len(_audit(engine, "denied")) == 4
    with session_scope(engine) as s:
        assert s.execute(select(Visit)).first() is None
        assert s.execute(select(Comment)).first() is None


def test_comment_text_is_kept_safe(rt, org, engine) -> None:  # noqa: ANN001
    body = "Line one\r\nLine two\t<script>alert(1)</script> \x1b[2J\x00\x07"
    comment = svc.add_comment(rt, org.reps[0], org.customers[1][0], body)
    assert _comment(engine, comment).body == "Line one\r\nLine two\t<script>alert(1)</script> [2J"
    with pytest.raises(ValidationError):
        svc.add_comment(rt, org.reps[0], org.customers[1][0], " \x00 \n ")
    audit = _audit(engine)
    assert audit[-1].action == "comment.create" and "\x1b" not in audit[-1].detail["after"]


def test_authors_edit_and_delete_their_own_comments(rt, org, engine) -> None:  # noqa: ANN001
    rep = org.reps[0]
    comment = svc.add_comment(rt, rep, org.customers[1][0], "first")
    svc.edit_comment(rt, rep, comment, "second")
    row = _comment(engine, comment)
    assert row.body == "second" and row.updated_at is not None
    svc.delete_comment(rt, rep, comment)
    assert _comment(engine, comment).deleted_at is not None
    with pytest.raises(AccessDenied):
        svc.edit_comment(rt, rep, comment, "third")  # gone
    with pytest.raises(AccessDenied):
        svc.delete_comment(rt, rep, comment)
    actions = [(a.action, a.outcome) for a in _audit(engine)]
    assert actions == [("comment.create", "ok"), ("comment.update", "ok"),
                       ("comment.delete", "ok"), ("comment.update", "denied"),
                       ("comment.delete", "denied")]
    update_row = _audit(engine)[1]
    assert (update_row.detail["before"], update_row.detail["after"]) == ("first", "second")


def test_twenty_forged_edits_and_deletes_of_others_comments_fail(rt, org, engine) -> None:  # noqa: ANN001
    mine = [svc.add_comment(rt, org.reps[0], c, f"note {c}") for c in org.customers[1]]
    theirs = svc.add_comment(rt, org.managers[0], org.customers[1][0], "manager's note")
    attempts = []
    for comment in mine:
        attempts += [(org.reps[2], comment), (org.reps[1], comment), (org.managers[0], comment),
                     (org.owner, comment), (org.managers[1], comment)]
    attempts += [(org.reps[0], theirs), (org.reps[0], "1 OR 1=1"), (org.reps[0], -1),
                 (org.reps[0], 10**9), (org.reps[0], None)]
    assert len(attempts) == 20
    for n, (actor, comment) in enumerate(attempts):
        with pytest.raises(AccessDenied):
            if n % 2:
                svc.edit_comment(rt, actor, comment, "hijacked")
            else:
                svc.delete_comment(rt, actor, comment)
    with session_scope(engine) as s:
        rows = s.execute(select(Comment).order_by(Comment.id)).scalars().all()
    assert [r.body for r in rows] == [f"note {c}" for c in org.customers[1]] + \
        ["manager's note"]
    assert all(r.deleted_at is None and r.updated_at is None for r in rows)
    assert len(_audit(engine, "denied")) == 20


def test_timeline_merges_everything_newest_first(rt, org, engine) -> None:  # noqa: ANN001
    customer = org.customers[1][0]
    rep = org.reps[0]
    now = utcnow().replace(microsecond=0)
    with session_scope(engine, write=True) as s:
        s.execute(insert(Order), [
            {"order_no": "O1", "customer_id": customer, "order_date": dt.date(2026, 1, 5),
             "amount": 120.0, "coupon_code": "SPRING-1"},
            {"order_no": "O2", "customer_id": customer, "order_date": dt.date(2026, 1, 9),
             "ordered_at": dt.datetime(2026, 1, 9, 15, 30), "amount": -20.0,
             "is_return": True},
            {"order_no": "X", "customer_id": org.customers[1][1],
             "order_date": dt.date(2026, 1, 9), "amount": 5.0},
        ])
        s.execute(insert(Alert).values(customer_id=customer, message="Risk above 2",
                                       created_at=dt.datetime(2026, 1, 10, 8)))
    svc.record_contact(rt, rep, customer, "visit", "reached", "good talk",
                       happened_at=dt.datetime(2026, 1, 7, 10))
    kept = svc.add_comment(rt, rep, customer, "keeps buying")
    gone = svc.add_comment(rt, rep, customer, "typo")
    svc.delete_comment(rt, rep, gone)
    other = svc.add_comment(rt, org.managers[0], customer, "manager was here")
    _coupon_send(engine, customer, now - dt.timedelta(minutes=5))
    timeline = svc.get_customer_timeline(rt, rep, customer)
    assert timeline["kind"].tolist() == ["comment", "comment", "coupon", "alert", "return",
                                         "visit", "order"]
    assert timeline["title"].tolist()[2:] == ["Spring", "Risk above 2", "O2", "reached", "O1"]
    assert timeline.loc[timeline["kind"] == "order", "detail"].tolist() == ["SPRING-1"]
    assert timeline.loc[timeline["kind"] == "coupon", ["detail", "extra"]].values.tolist() == [
        ["sent", "SPRING-ABC"]]
    comments = timeline[timeline["kind"] == "comment"].set_index("object_id")
    assert comments.loc[kept, "editable"] and not comments.loc[other, "editable"]
    assert gone not in comments.index
    assert comments.loc[kept, "by"] == "rep1"
    assert timeline["at"].is_monotonic_decreasing
    assert len(svc.get_customer_timeline(rt, rep, customer, limit=3)) == 3


def _coupon_send(engine, customer: int, at: dt.datetime) -> None:  # noqa: ANN001
    from dashboard.models import Campaign

    with session_scope(engine, write=True) as s:
        campaign = s.execute(insert(Campaign).values(
            name="Spring", channel="sms", message_template="{code}",
            intent_key="intent-timeline-1").returning(Campaign.id)).scalar_one()
        s.execute(insert(Outbox).values(campaign_id=campaign, customer_id=customer,
                                        channel="sms", message="m", coupon_code="SPRING-ABC",
                                        status="sent", queued_at=at, sent_at=at))
        s.execute(update(Outbox).values(address="+86"))
