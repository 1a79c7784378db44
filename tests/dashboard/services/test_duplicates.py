"""Duplicate customers on a real database (SQLite and PostgreSQL): the review lists the pairs
in scope, "not a duplicate" is remembered, a merge moves every row to the kept record (counts
before and after), undo restores every row, and anyone but owners and managers is refused
(audited)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from dashboard.data.duplicates import count_rows
from dashboard.db import session_scope
from dashboard.errors import AccessDenied, Conflict
from dashboard.filters import FilterQuery, Filters
from dashboard.models import (
    Alert,
    AuditLog,
    Campaign,
    Comment,
    Customer,
    CustomerDay,
    Invoice,
    Order,
    Outbox,
    Payment,
    Target,
    Visit,
)
from dashboard.services import audit as audit_service
from dashboard.services import cockpit, customer_table, duplicates, exports

from .recompute_world import AS_OF, build

D = dt.date
TABLES = (Order, Invoice, Payment, Visit, Comment, Target, Outbox, Alert)


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    world = build(runtime)
    a, b = world.customers["A"], world.customers["B"]
    with session_scope(runtime.engine, write=True) as s:
        s.get(Customer, a).name, s.get(Customer, a).phone = "杭州恒达五金有限公司", "10012345678"
        s.get(Customer, b).name, s.get(Customer, b).phone = "杭州恒达五金", "+86 100 1234 5678"
        s.get(Customer, world.customers["C"]).email = "office@c.example"
        s.get(Customer, world.customers["Z"]).email = " Office@C.example"  # other team
        campaign = Campaign(name="Spring", channel="sms", message_template="hi",
                            intent_key="spring")
        other = Campaign(name="Summer", channel="sms", message_template="hi",
                         intent_key="summer")
        s.add_all([campaign, other])
        s.flush()
        invoice = Invoice(invoice_no="INV-B", customer_id=b, issue_date=D(2026, 10, 1),
                          due_date=D(2026, 10, 31), amount=200.0)
        s.add(invoice)
        s.flush()
        s.add_all([
            Payment(invoice_id=invoice.id, paid_date=D(2026, 10, 20), amount=50.0),
            Visit(customer_id=b, kind="call", happened_at=dt.datetime(2026, 11, 1, 9)),
            Comment(customer_id=b, body="duplicate record"),
            Target(customer_id=a, month=D(2026, 11, 1), amount=1000.0),
            Target(customer_id=b, month=D(2026, 11, 1), amount=500.0),  # clashes: stays
            Target(customer_id=b, month=D(2026, 12, 1), amount=600.0),  # moves
            Outbox(campaign_id=campaign.id, customer_id=a, channel="sms", coupon_code="A1"),
            Outbox(campaign_id=campaign.id, customer_id=b, channel="sms", coupon_code="B1"),
            Outbox(campaign_id=other.id, customer_id=b, channel="sms", coupon_code="B2"),
            Alert(customer_id=b, message="{}"),
        ])
    return world


def totals(runtime) -> dict[str, int]:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        return {t.__tablename__: s.execute(select(func.count()).select_from(t)).scalar_one()
                for t in TABLES}


def revenue(runtime, customer_id: int) -> float:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        return float(s.execute(select(func.coalesce(func.sum(CustomerDay.revenue), 0)).where(
            CustomerDay.customer_id == customer_id)).scalar_one())


def rows_of(runtime, customer_id: int) -> dict[str, int]:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        return count_rows(s, customer_id)


def audit(runtime, action: str) -> list[tuple]:  # noqa: ANN001
    with session_scope(runtime.engine) as s:
        return [tuple(r) for r in s.execute(select(AuditLog.username, AuditLog.outcome).where(
            AuditLog.action == action)).all()]


def pairs_of(review) -> set[tuple[int, int]]:  # noqa: ANN001
    return set(zip(review.pairs["customer_a"], review.pairs["customer_b"], strict=True))


def test_review_lists_the_pairs_in_the_users_scope(runtime, world) -> None:  # noqa: ANN001
    a, b, c, z = (world.customers[k] for k in "ABCZ")
    review = duplicates.get_duplicates(runtime, world.owner())
    assert pairs_of(review) == {(a, b), (min(c, z), max(c, z))}
    top = review.pairs.iloc[0]
    assert (top["customer_a"], top["customer_b"]) == (a, b)
    assert bool(top["same_phone"]) and top["name_score"] == 100
    assert top["score"] == 98.0  # 1 - (1 - 0.9)(1 - 0.8)
    assert review.cards.loc[b, "orders"] == 6 and review.cards.loc[b, "revenue"] == 1200.0
    # the East manager does not see Z (West), so not the C-Z pair
    assert pairs_of(duplicates.get_duplicates(runtime, world.manager("East"))) == {(a, b)}


def test_a_rep_is_refused_and_audited(runtime, world) -> None:  # noqa: ANN001
    a, b = world.customers["A"], world.customers["B"]
    before = totals(runtime)
    with pytest.raises(AccessDenied):
        duplicates.get_duplicates(runtime, world.rep("Wang"))
    with pytest.raises(AccessDenied):
        duplicates.merge_customers(runtime, world.rep("Wang"), a, b)
    with pytest.raises(AccessDenied):  # a manager outside the team's scope
        duplicates.merge_customers(runtime, world.manager("West"), a, b)
    assert totals(runtime) == before and rows_of(runtime, b)["orders"] == 6
    assert audit(runtime, "access_denied") == [("rep-Wang", "denied"), ("rep-Wang", "denied"),
                                               ("manager-West", "denied")]
    assert audit(runtime, "customer.merge") == []


def test_not_a_duplicate_is_remembered(runtime, world) -> None:  # noqa: ANN001
    a, b = world.customers["A"], world.customers["B"]
    duplicates.reject_pair(runtime, world.manager("East"), b, a, score=98.0)
    assert (a, b) not in pairs_of(duplicates.get_duplicates(runtime, world.owner()))
    with pytest.raises(Conflict):
        duplicates.merge_customers(runtime, world.owner(), a, b)
    assert audit(runtime, "duplicate.distinct") == [("manager-East", "ok")]


def test_merge_moves_every_row_and_undo_restores_them(runtime, world) -> None:  # noqa: ANN001
    a, b = world.customers["A"], world.customers["B"]
    before_totals, before_a, before_b = totals(runtime), rows_of(runtime, a), rows_of(runtime, b)
    assert (before_a["orders"], before_b["orders"]) == (6, 6)
    assert (revenue(runtime, a), revenue(runtime, b)) == (600.0, 1200.0)

    decision = duplicates.merge_customers(runtime, world.owner(), a, b, score=98.0)
    assert totals(runtime) == before_totals  # no row lost or made
    after_a, after_b = rows_of(runtime, a), rows_of(runtime, b)
    # the November target and the Spring send clash with A's own: they stay with B
    assert after_b == {**dict.fromkeys(before_b, 0), "targets": 1, "outbox": 1}
    assert after_a == {"orders": 12, "invoices": 1, "targets": 2, "visits": 1, "comments": 1,
                       "outbox": 2, "alerts": 1, "followups": 0, "users": 0}
    assert (revenue(runtime, a), revenue(runtime, b)) == (1800.0, 0.0)  # rollup rebuilt
    review = duplicates.get_duplicates(runtime, world.owner())
    assert (a, b) not in pairs_of(review)
    assert list(review.merged["id"]) == [decision] and b not in set(review.pairs["customer_a"])
    assert audit(runtime, "customer.merge") == [("owner", "ok")]

    restored = duplicates.undo_merge(runtime, world.owner(), decision)
    assert restored == {"orders": 6, "invoices": 1, "targets": 1, "visits": 1, "comments": 1,
                        "outbox": 1, "alerts": 1}
    assert totals(runtime) == before_totals
    assert (rows_of(runtime, a), rows_of(runtime, b)) == (before_a, before_b)
    assert (revenue(runtime, a), revenue(runtime, b)) == (600.0, 1200.0)
    assert (a, b) in pairs_of(duplicates.get_duplicates(runtime, world.owner()))
    assert audit(runtime, "customer.merge_undo") == [("owner", "ok")]


def test_a_merged_away_record_leaves_every_list_count_and_export(runtime, world) -> None:  # noqa: ANN001
    a, b = world.customers["A"], world.customers["B"]
    owner, query = world.owner(), FilterQuery(as_of=AS_OF)
    filters = Filters(as_of=AS_OF, period="30d")

    def shown() -> tuple[set[int], int, set[int], int]:
        table = customer_table.customer_table(runtime, AS_OF, "30d")
        export = exports.customer_export(runtime, owner, filters)
        view = cockpit.get_overview(runtime, owner, query)
        codes = dict(zip(table["customer_code"], table["customer_id"], strict=True))
        return (set(table["customer_id"]), view.customers,
                {codes.get(c, -1) for c in export["customer_code"]}, len(export))

    ids, counted, exported, rows = shown()
    assert {a, b} <= ids and exported == ids and counted == len(ids) == rows
    decision = duplicates.merge_customers(runtime, owner, a, b)
    after_ids, after_counted, after_exported, after_rows = shown()
    assert after_ids == ids - {b} and after_exported == after_ids
    assert (after_counted, after_rows) == (counted - 1, rows - 1)
    duplicates.undo_merge(runtime, owner, decision)
    assert shown() == (ids, counted, exported, rows)


def test_a_merge_is_undone_from_the_audit_log(runtime, world) -> None:  # noqa: ANN001
    a, b = world.customers["A"], world.customers["B"]
    owner = world.owner()
    decision = duplicates.merge_customers(runtime, owner, a, b)
    page = audit_service.get_audit_page(runtime, owner, action="customer.merge")
    assert page.undoable == {decision}
    assert page.rows["detail"].iloc[0]["decision"] == decision  # the row's "Undo merge"
    duplicates.undo_merge(runtime, owner, decision)  # what the button's confirmation runs
    assert rows_of(runtime, b)["orders"] == 6
    page = audit_service.get_audit_page(runtime, owner, action="customer.merge")
    assert page.undoable == frozenset() and len(page.rows) == 2  # merge, undo: no button
