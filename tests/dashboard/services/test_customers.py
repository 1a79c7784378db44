"""The customer lists on a real database: rows and extra columns by hand, paging, sort,
search and column filters, scope, every list selector against the cockpit's own counts, the
export equal to the view for owner, manager and rep, and "select all N matching"."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io

import numpy as np
import pytest
from sqlalchemy import select

from dashboard.analytics.abc import MOVES, TIERS
from dashboard.analytics.listing import list_query
from dashboard.analytics.selection import MOVERS, NO_TIER, Selector
from dashboard.analytics.selection import select as select_rows
from dashboard.analytics.status import STATUSES
from dashboard.db import session_scope
from dashboard.errors import AccessDenied, NotFound
from dashboard.filters import FilterQuery
from dashboard.models import AuditLog
from dashboard.reports.csv import iter_csv
from dashboard.scope import Actor
from dashboard.services import cockpit, contacts, customer_table, selections
from dashboard.services import customers as service
from tests.dashboard.services.list_world import AS_OF, OVERDUE, RECEIVABLE, build_list_world


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    yield build_list_world(runtime)


def _request(selector: Selector | None = None, sort: list | None = None,
             model: dict | None = None, **filters: object) -> service.ListRequest:
    return service.ListRequest(filters=FilterQuery(**filters), selector=selector or Selector(),
                               query=list_query(sort, model))


def _codes(runtime, actor, request, start=0, end=100) -> list[str]:  # noqa: ANN001
    page = service.get_customer_page(runtime, actor, request, start, end)
    return page.rows["customer_code"].tolist()


def test_rows_carry_the_lists_columns_by_hand(runtime, world) -> None:  # noqa: ANN001
    page = service.get_customer_page(runtime, world.actor("owner"), _request())
    assert page.total == 6 and page.view.filters.as_of == AS_OF
    rows = page.rows.set_index("customer_code")
    for code in "ABCDEF":
        assert rows.loc[code, "receivable"] == pytest.approx(RECEIVABLE[code])
        assert rows.loc[code, "overdue"] == pytest.approx(OVERDUE[code])
    assert rows.loc["A", "overdue_31_60"] == pytest.approx(600.05)
    assert rows.loc["D", "overdue_over_90"] == pytest.approx(3000.0)
    assert rows.loc["A", "last_visit"] == dt.datetime(2026, 11, 19)
    assert rows.loc["A", "last_call"] == dt.datetime(2026, 11, 21)
    assert rows["last_coupon"].isna()["A"]  # a holdout row: no coupon was sent
    assert rows.loc["D", "last_coupon"] == dt.datetime(2026, 11, 12)
    assert rows["last_call"].isna()["D"]  # the 23 Nov call is after the as-of date
    assert rows["last_coupon"].isna()["F"]  # still pending
    assert rows.loc["A", "phone"] == "+86 138-0000-0001" and rows["email"].isna()["D"]
    assert rows.loc["A", "contact"] == "+86 138-0000-0001 a@alpha.example"
    assert rows.loc["A", "revenue"] == 5000.0 and rows.loc["A", "orders"] == 1
    np.testing.assert_allclose(rows["churn_pct"], rows["churn_probability"] * 100)


def test_paging_and_sorting(runtime, world) -> None:  # noqa: ANN001
    owner = world.actor("owner")
    by_revenue = _request(sort=[{"colId": "revenue", "sort": "desc"}])
    assert _codes(runtime, owner, by_revenue) == ["A", "D", "F", "B", "C", "E"]
    assert _codes(runtime, owner, by_revenue, 1, 3) == ["D", "F"]
    assert _codes(runtime, owner, by_revenue, 5, 100) == ["E"]
    assert _codes(runtime, owner, by_revenue, 6, 100) == []
    assert service.get_customer_page(runtime, owner, by_revenue, 4, 2).rows.empty
    assert _codes(runtime, owner, _request(sort=[{"colId": "receivable", "sort": "asc"}])) == [
        "B", "C", "E", "F", "A", "D"]
    assert _codes(runtime, owner, _request(sort=[{"colId": "last_visit", "sort": "desc"}]))[
        0] == "A"
    assert _codes(runtime, owner, _request(sort=[{"colId": "status", "sort": "asc"},
                                                 {"colId": "revenue", "sort": "asc"}])) == [
        "F", "D", "A", "E", "B", "C"]


def test_search_and_column_filters(runtime, world) -> None:  # noqa: ANN001
    owner = world.actor("owner")

    def codes(model: dict) -> list[str]:
        return _codes(runtime, owner, _request(model=model))

    assert codes({"q": {"filterType": "text", "type": "contains", "filter": "ALPHA"}}) == ["A"]
    assert codes({"q": {"filterType": "text", "type": "contains", "filter": "east wang"}}) == [
        "A", "D", "F"]
    assert codes({"q": {"filterType": "text", "type": "contains", "filter": "139-0000"}}) == [
        "D"]
    assert codes({"receivable": {"filterType": "number", "type": "greaterThan",
                                 "filter": 100}}) == ["A", "D"]
    assert codes({"overdue": {"filterType": "number", "type": "inRange", "filter": 600.05,
                              "filterTo": 3000}}) == ["A", "D"]
    assert codes({"last_visit": {"filterType": "date", "type": "equals",
                                 "dateFrom": "2026-11-19 00:00:00"}}) == ["A"]
    assert codes({"last_coupon": {"filterType": "date", "type": "notBlank"}}) == ["D"]
    assert codes({"contact": {"filterType": "text", "type": "contains",
                              "filter": "@beta"}}) == ["B"]


def test_scope_cannot_be_widened(runtime, world) -> None:  # noqa: ANN001
    zhao = world.actor("rep_zhao")
    assert _codes(runtime, zhao, _request()) == ["B", "C", "E"]
    forged = _request(rep_id=world.reps["Wang"], region="East")  # another rep, their region
    assert _codes(runtime, zhao, forged) == ["B", "C", "E"]
    assert _codes(runtime, world.actor("manager_east"), _request(region="East")) == [
        "A", "D", "F"]
    assert _codes(runtime, world.actor("nobody"), _request()) == []
    searched = _request(model={"q": {"filterType": "text", "type": "contains",
                                     "filter": "alpha"}})
    assert _codes(runtime, zhao, searched) == []


def _selectors() -> list[Selector]:
    found = [Selector(status=s) for s in STATUSES] + [Selector(new=True)]
    found += [Selector(tier=t) for t in TIERS] + [Selector(move=m) for m in MOVES]
    found += [Selector(mover=m) for m in MOVERS]
    found += [Selector(tier_prev=p, tier=t) for p in (*TIERS, NO_TIER) for t in TIERS]
    return found


@pytest.mark.parametrize("who", ["owner", "manager_east", "rep_zhao"])
def test_every_selector_lists_exactly_the_customers_the_cockpit_counts(
        runtime, world, who: str) -> None:  # noqa: ANN001
    actor = world.actor(who)
    view = cockpit.get_overview(runtime, actor, FilterQuery())
    table = customer_table.scoped_table(runtime, actor, view.filters)
    counted = {**{Selector(status=s): int(view.overview.statuses.loc[s, "customers"])
                  for s in STATUSES},
               Selector(new=True): int(view.overview.statuses.loc["new", "customers"]),
               **{Selector(move=m): int(view.moves[m]) for m in MOVES},
               **{Selector(mover=m): view.mover_counts[m] for m in MOVERS},
               **{Selector(tier_prev=NO_TIER, tier=t): int(view.entries[t]) for t in TIERS},
               **{Selector(tier_prev=p, tier=t): int(view.overview.tier_matrix.loc[p, t])
                  for p in TIERS for t in TIERS},
               **{Selector(tier=t): int(view.overview.tiers.loc[t, "customers"])
                  for t in TIERS}}
    for selector in _selectors():
        page = service.get_customer_page(runtime, actor, _request(selector))
        expected = sorted(select_rows(table, selector)["customer_code"])
        assert sorted(page.rows["customer_code"]) == expected, selector
        assert page.total == counted[selector], selector


def _export(runtime, actor, token) -> list[dict]:  # noqa: ANN001
    export = service.export_customers(runtime, actor, token, "en")
    text = "".join(iter_csv(export.chunks)).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == export.rows
    return rows


@pytest.mark.parametrize("who", ["owner", "manager_east", "rep_zhao"])
@pytest.mark.parametrize("request_", [
    _request(),
    _request(Selector(status="active"), sort=[{"colId": "revenue", "sort": "asc"}]),
    _request(model={"q": {"filterType": "text", "type": "contains", "filter": "a"},
                    "receivable": {"filterType": "number", "type": "greaterThanOrEqual",
                                   "filter": 0}}, sort=[{"colId": "customer_name",
                                                         "sort": "desc"}]),
    _request(Selector(tier="D"), region="West", period="90d"),
])
def test_the_export_equals_the_view(runtime, world, who: str,
                                    request_: service.ListRequest) -> None:  # noqa: ANN001
    actor = world.actor(who)
    page = service.get_customer_page(runtime, actor, request_, 0, 2)
    shown = page.rows["customer_code"].tolist()
    for start in range(2, page.total, 2):
        more = service.get_customer_page(runtime, actor, request_, start, start + 2)
        assert more.view_token == page.view_token
        shown += more.rows["customer_code"].tolist()
    exported = _export(runtime, actor, page.view_token)
    assert [r["customer_code"] for r in exported] == shown
    assert all(r["customer_name"] in {"Alpha", "Beta", "Gamma", "Delta", "Epsilon", "Foxtrot"}
               for r in exported)
    with session_scope(runtime.engine) as session:
        audits = session.execute(select(AuditLog.detail).where(
            AuditLog.action == "export", AuditLog.username == actor.username)).scalars().all()
    assert audits and audits[-1]["rows"] == len(shown)


def test_export_columns_and_values(runtime, world) -> None:  # noqa: ANN001
    page = service.get_customer_page(runtime, world.actor("owner"), _request())
    rows = {r["customer_code"]: r for r in _export(runtime, world.actor("owner"),
                                                   page.view_token)}
    assert rows["A"]["receivable"] == "850.05" and rows["D"]["last_coupon"] == "2026-11-12"
    assert rows["A"]["last_visit"] == "2026-11-19" and rows["C"]["last_visit"] == ""
    assert rows["A"]["phone"] == "'+86 138-0000-0001"  # a leading + would be a formula
    assert rows["B"]["receivable"] == "-30.0"  # numbers stay numbers
    assert list(rows["A"])[:7] == ["customer_code", "customer_name", "customer_type",
                                   "region", "account_manager", "phone", "email"]
    assert rows["A"]["reason"].startswith("usually orders every")


def test_views_belong_to_their_user(runtime, world) -> None:  # noqa: ANN001
    page = service.get_customer_page(runtime, world.actor("owner"), _request())
    with pytest.raises(AccessDenied):
        service.export_customers(runtime, world.actor("rep_zhao"), page.view_token)
    with pytest.raises(AccessDenied):
        service.select_matching(runtime, world.actor("rep_zhao"), page.view_token)
    for token in ("", "x" * 32, "../../etc/passwd", None, 42):
        with pytest.raises(NotFound):
            service.export_customers(runtime, world.actor("owner"), token)
    with session_scope(runtime.engine) as session:
        denied = session.execute(select(AuditLog.object_type).where(
            AuditLog.outcome == "denied", AuditLog.username == "rz")).scalars().all()
    assert denied.count("view") == 2


def test_select_all_matching(runtime, world) -> None:  # noqa: ANN001
    owner = world.actor("owner")
    page = service.get_customer_page(runtime, owner, _request(Selector(status="active")))
    token, count = service.select_matching(runtime, owner, page.view_token)
    chosen = selections.get_selection(runtime, owner, token)
    assert count == 3 and chosen.source == "matching"
    assert chosen.customer_ids == sorted(world.customers[c] for c in "ADF")
    assert chosen.description["selector"]["status"] == "active"
    again, _n = service.select_matching(runtime, owner, page.view_token, token)
    assert again == token  # the same selection is replaced, the link stays valid


def test_a_recorded_call_shows_at_once(runtime, world) -> None:  # noqa: ANN001
    owner = world.actor("owner")
    before = service.get_customer_page(runtime, owner, _request()).rows.set_index(
        "customer_code")
    assert before["last_call"].isna()["E"]
    contacts.record_contact(runtime, Actor.system("test"), world.customers["E"], "call",
                            "reached", happened_at=dt.datetime(2026, 11, 22, 9, 0))
    after = service.get_customer_page(runtime, owner, _request()).rows.set_index(
        "customer_code")
    assert after.loc["E", "last_call"] == dt.datetime(2026, 11, 22)


def test_the_header_says_what_the_list_is(runtime, world) -> None:  # noqa: ANN001
    header = service.get_list_header(runtime, world.actor("manager_east"),
                                     FilterQuery(period="90d", rep_id=world.reps["Wang"]),
                                     Selector(tier_prev="A", tier="D"))
    assert header.filters.period == "90d" and header.rep_name == "Wang"
    assert header.scope == "team" and header.period.end == AS_OF
    assert dataclasses.asdict(header.selector)["tier_prev"] == "A"


def test_scheme_band_links_list_exactly_the_band(runtime) -> None:  # noqa: ANN001
    from dashboard.filters import Filters
    from dashboard.services import schemes
    from tests.dashboard.services.recompute_world import AS_OF as DAY
    from tests.dashboard.services.recompute_world import build
    from tests.dashboard.services.test_schemes import RISK

    scheme_world = build(runtime)
    scheme_id = schemes.save_scheme(runtime, scheme_world.owner(), None, RISK)
    for actor in (scheme_world.owner(), scheme_world.rep("Wang")):
        table = customer_table.scoped_table(runtime, actor, Filters(as_of=DAY))
        for band in (None, 1, 2, 3, 4):
            selector = Selector(scheme=scheme_id, band=band)
            expected = schemes.select_customers(runtime, actor, table, selector, DAY)
            page = service.get_customer_page(runtime, actor, _request(selector))
            assert sorted(page.rows["customer_code"]) == sorted(expected["customer_code"])


def test_a_full_token_store_still_lists_the_rows(runtime, world, monkeypatch) -> None:  # noqa: ANN001
    """The shared store of saved views cannot write (a full disk): the rows still show, the
    export of that view answers "expired" (NotFound), and the next read keeps it again."""

    class FullStore:
        def get(self, _key):  # noqa: ANN001, ANN202
            return None

        def set(self, *_args):  # noqa: ANN002, ANN202
            raise OSError(28, "No space left on device")

    real = runtime.tokens
    monkeypatch.setitem(runtime.__dict__, "tokens", FullStore())
    owner = world.actor("owner")
    page = service.get_customer_page(runtime, owner, _request())
    assert page.total == 6 and len(page.rows) == 6
    with pytest.raises(NotFound):
        service.load_view(runtime, owner, page.view_token)
    monkeypatch.setitem(runtime.__dict__, "tokens", real)
    again = service.get_customer_page(runtime, owner, _request())
    assert again.view_token == page.view_token
    assert service.load_view(runtime, owner, again.view_token) == page.view
