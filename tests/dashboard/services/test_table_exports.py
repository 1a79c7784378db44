"""The pages' tables as files people open (``dashboard.services.exports``) on a real database:
the customer list and the alerts export exactly the rows each role sees (owner, manager,
rep), in both languages and both formats, with hand-checked values; the customer report adds
every active scheme's band and the rule segments; every export is audited."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from sqlalchemy import select

from dashboard.analytics.listing import list_query
from dashboard.analytics.selection import Selector
from dashboard.db import session_scope
from dashboard.errors import AccessDenied, NotFound, ValidationError
from dashboard.filters import FilterQuery
from dashboard.models import AuditLog, SegmentRule, User
from dashboard.reports.tables import Table
from dashboard.scope import Actor
from dashboard.services import alerts, exports, rules, schemes
from dashboard.services import customers as lists
from dashboard.services.recompute import run_recompute
from tests.dashboard.services import recompute_world
from tests.dashboard.services.list_world import build_list_world


def _request(selector: Selector | None = None, sort: list | None = None,
             model: dict | None = None, **filters: object) -> lists.ListRequest:
    return lists.ListRequest(filters=FilterQuery(**filters), selector=selector or Selector(),
                             query=list_query(sort, model))


def csv_rows(table: Table, language: str) -> list[dict[str, str]]:
    text = table.to_csv(language).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def xlsx_rows(table: Table, language: str) -> list[dict[str, object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(table.to_xlsx(language))).worksheets[0]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


def shown_codes(runtime, actor, request) -> tuple[str, list[str]]:  # noqa: ANN001
    """The view token and every code the grid shows, page by page (two rows a page)."""
    page = lists.get_customer_page(runtime, actor, request, 0, 2)
    codes = page.rows["customer_code"].tolist()
    for start in range(2, page.total, 2):
        codes += lists.get_customer_page(runtime, actor, request, start,
                                         start + 2).rows["customer_code"].tolist()
    return page.view_token, codes


def export_audits(runtime, username: str) -> list[dict]:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        return session.execute(select(AuditLog.detail).where(
            AuditLog.action == "export", AuditLog.username == username)
            .order_by(AuditLog.id)).scalars().all()


# --- the customer list ------------------------------------------------------------------------


@pytest.fixture
def list_world(runtime):  # noqa: ANN001, ANN201
    return build_list_world(runtime)


@pytest.mark.parametrize("who", ["owner", "manager_east", "rep_zhao"])
@pytest.mark.parametrize("request_", [
    _request(),
    _request(Selector(status="active"), sort=[{"colId": "revenue", "sort": "asc"}]),
    _request(model={"q": {"filterType": "text", "type": "contains", "filter": "a"}},
             sort=[{"colId": "customer_name", "sort": "desc"}]),
])
def test_the_customer_export_is_the_rows_shown(runtime, list_world, who: str,  # noqa: ANN001
                                               request_: lists.ListRequest) -> None:
    actor = list_world.actor(who)
    token, shown = shown_codes(runtime, actor, request_)
    for fmt, language in (("csv", "en"), ("xlsx", "zh")):
        table = exports.customer_list_export(runtime, actor, token, fmt)
        rows = csv_rows(table, language) if fmt == "csv" else xlsx_rows(table, language)
        code = "Code" if language == "en" else "编号"
        assert [r[code] for r in rows] == shown
        assert export_audits(runtime, actor.username)[-1] == {
            "rows": len(shown), "view": lists.load_view(runtime, actor, token).to_dict(),
            "format": fmt, "source": "customer list"}


def test_customer_values_in_both_languages(runtime, list_world) -> None:  # noqa: ANN001
    token, shown = shown_codes(runtime, list_world.actor("owner"), _request())
    table = exports.customer_list_export(runtime, list_world.actor("owner"), token, "csv")
    assert table.filename("csv").startswith("customers-2026-11-22")
    english = {r["Code"]: r for r in csv_rows(table, "en")}
    assert list(english["A"])[:7] == ["Code", "Customer", "Type", "Region",
                                      "Account manager", "Phone", "E-mail"]
    assert english["A"]["Receivable"] == "850.05" and english["B"]["Receivable"] == "-30.00"
    assert english["A"]["Overdue"] == "600.05" and english["D"]["Overdue"] == "3000.00"
    assert english["A"]["Phone"] == "'+86 138-0000-0001"  # a leading + would be a formula
    assert english["A"]["Last visit"] == "2026-11-19" and english["C"]["Last visit"] == ""
    assert english["D"]["Last coupon"] == "2026-11-12"
    assert english["A"]["Reason"].startswith("usually orders every")
    chinese = {r["编号"]: r for r in xlsx_rows(table, "zh")}
    assert list(chinese["A"])[:7] == ["编号", "客户", "类型", "地区", "经手人", "电话",
                                      "电子邮件"]
    assert chinese["A"]["应收"] == pytest.approx(850.05)
    assert isinstance(chinese["B"]["应收"], (int, float)) and chinese["B"]["应收"] == -30.0
    assert chinese["A"]["电话"] == "'+86 138-0000-0001"
    assert chinese["A"]["最近拜访日期"] == dt.datetime(2026, 11, 19)
    assert chinese["D"]["优惠券最近发放日期"] == dt.datetime(2026, 11, 12)
    assert chinese["C"]["最近拜访日期"] is None
    assert all(isinstance(r["订单数"], int) for r in chinese.values())
    statuses = {"Active": "活跃", "Churning": "即将流失", "Lost": "已流失",
                "Never traded": "从未交易"}
    for code, row in english.items():
        assert row["Status"] in statuses
        assert chinese[code]["状态"] == statuses[row["Status"]]
        assert (chinese[code]["原因"] is None) == (row["Reason"] == "")
        assert chinese[code]["原因"] != row["Reason"] or row["Reason"] == ""


def test_another_users_view_is_refused(runtime, list_world) -> None:  # noqa: ANN001
    token, _shown = shown_codes(runtime, list_world.actor("owner"), _request())
    with pytest.raises(AccessDenied):
        exports.customer_list_export(runtime, list_world.actor("rep_zhao"), token, "xlsx")
    for bad in ("", "x" * 32, None):
        with pytest.raises(NotFound):
            exports.customer_list_export(runtime, list_world.actor("owner"), bad, "csv")
    assert export_audits(runtime, "rz") == []


# --- alerts and the customer report -----------------------------------------------------------


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    world = recompute_world.build(runtime)
    with session_scope(runtime.engine, write=True) as s:
        s.add(SegmentRule(name="Not active", figure="status", operator="!=", value=0.0,
                          value_text="active", for_days=0, action="alert", segment=""))
    run_recompute(runtime, world.owner(), recompute_world.AS_OF, backfill_months=2)
    return world


def _all_alerts(runtime, actor, status: str) -> list[int]:  # noqa: ANN001
    page = alerts.get_alerts(runtime, actor, status=status, page_size=1)
    ids = []
    for number in range(1, page.pages + 1):
        ids += alerts.get_alerts(runtime, actor, status=status, page=number,
                                 page_size=1).rows["id"].tolist()
    return ids


def test_the_alerts_export_is_the_rows_each_role_sees(runtime, world) -> None:  # noqa: ANN001
    first = alerts.get_alerts(runtime, world.owner()).rows
    alerts.close_alert(runtime, world.owner(), int(
        first.loc[first["customer_code"] == "C", "id"].iloc[0]))
    expected = {  # open / done / all: B churning and C lost and N never; C marked done
        "owner": (["B", "N"], ["C"]), "east": (["B", "N"], ["C"]), "wang": (["B"], []),
        "li": (["N"], ["C"]), "zhao": ([], [])}
    actors = {"owner": world.owner(), "east": world.manager("East"),
              "wang": world.rep("Wang"), "li": world.rep("Li"), "zhao": world.rep("Zhao")}
    for who, actor in actors.items():
        for status in ("open", "done", "all"):
            table = exports.alert_export(runtime, actor, status, "xlsx")
            shown = _all_alerts(runtime, actor, status)
            assert table.rows["id"].tolist() == shown, (who, status)
            opened, done = expected[who]
            codes = {"open": opened, "done": done, "all": opened + done}[status]
            assert sorted(table.rows["customer_code"]) == sorted(codes), (who, status)
            assert export_audits(runtime, actor.username)[-1] == {
                "rows": len(shown), "status": status, "format": "xlsx"}
    table = exports.alert_export(runtime, world.owner(), "all", "csv")
    english = {r["Code"]: r for r in csv_rows(table, "en")}
    assert english["C"]["Alert status"] == "Handled" and english["B"]["Alert status"] == "To do"
    assert english["B"]["Rule"] == "Not active" and english["C"]["Handled on"] != ""
    assert english["B"]["Handled on"] == ""
    chinese = {r["编号"]: r for r in xlsx_rows(table, "zh")}
    assert chinese["C"]["预警状态"] == "已处理" and chinese["N"]["预警状态"] == "待处理"
    assert isinstance(chinese["C"]["发出时间"], dt.datetime)
    assert isinstance(chinese["C"]["处理时间"], dt.datetime)
    with pytest.raises(ValidationError):
        exports.alert_export(runtime, world.owner(), "everything", "csv")


RISK = {"title": "Risk =bands", "kind": "risk_score", "timeframe_days": 365,
        "colour": "#C0392B", "comment": "", "customer_type": "all",
        "bands": [{"label": "Loyal", "upper": "1"}, {"label": "Slowing", "upper": 2},
                  {"label": "Going to sleep", "upper": 4},
                  {"label": "At risk", "upper": 9999}, {"label": "", "upper": ""}]}


def test_the_customer_report_has_every_scheme_and_the_segments(runtime, world) -> None:  # noqa: ANN001
    with session_scope(runtime.engine, write=True) as s:
        user = User(username="boss", password_hash="-", role="owner")
        s.add(user)
        s.flush()
        viewer = Actor(user_id=user.id, username="boss", role="owner")  # views have a user
    owner = world.owner()
    schemes.save_scheme(runtime, owner, None, RISK)
    rules.save_rule(runtime, owner, None, {
        "name": "Slipping", "figure": "risk_score", "operator": ">", "value": "2",
        "for_days": "0", "action": "segment", "segment": "Call now"})
    rules.save_rule(runtime, owner, None, {
        "name": "Big", "figure": "revenue", "operator": ">", "value": "150",
        "for_days": "0", "action": "segment", "segment": "Big buyers"})
    run_recompute(runtime, owner, recompute_world.AS_OF)
    token, shown = shown_codes(runtime, viewer, _request(as_of=recompute_world.AS_OF))
    table = exports.customer_list_export(runtime, viewer, token, "csv", report=True)
    english = {r["Code"]: r for r in csv_rows(table, "en")}
    assert sorted(english) == sorted(shown) == ["A", "B", "C", "N", "Z"]
    headers = list(english["A"])
    assert headers[-1] == "Rule segments" and "Risk =bands" in headers
    risk = {code: row["Risk =bands"] for code, row in english.items()}
    assert risk == {"A": "Loyal", "B": "Going to sleep", "C": "At risk", "N": "",
                    "Z": "Loyal"}
    segments = {code: row["Rule segments"] for code, row in english.items()}
    # risk > 2: B 2.5 and C 5.0; revenue of the last 30 days > 150: A 3 × 100, B 1 × 200 (Z
    # 3 × 50 = 150 is not above); a customer in two segments has both, by name
    assert segments == {"A": "Big buyers", "B": "Big buyers; Call now", "C": "Call now",
                        "N": "", "Z": ""}
    chinese = {r["编号"]: r for r in xlsx_rows(table, "zh")}
    assert list(chinese["A"])[-1] == "规则分组"
    assert chinese["B"]["Risk =bands"] == "Going to sleep"
    assert export_audits(runtime, "boss")[-1]["source"] == "customer report"


def test_the_targets_report_in_both_languages(runtime, world) -> None:  # noqa: ANN001
    from dashboard.filters import Filters
    from dashboard.services import targets

    east = world.manager("East")
    targets.set_target(runtime, east, "A", dt.date(2026, 10, 1), 300)
    targets.set_target(runtime, east, "A", recompute_world.AS_OF, 1000)
    table = exports.targets_export(runtime, east, Filters(as_of=recompute_world.AS_OF),
                                   "xlsx")
    assert table.filename("xlsx") == "targets-2026-11-22.xlsx"
    rows = {(r["Code"], r["Month"]): r for r in xlsx_rows(table, "en")}
    # A: 1, 11, 21 and 31 October (4 × 100 = 400) against 300 (met); 10 and 20 November
    # (200) against 1000, the month to date
    october, november = rows[("A", "2026-10")], rows[("A", "2026-11")]
    assert (october["Target"], october["Actual"], october["Target met"]) == (300, 400, "yes")
    assert october["Share of target (%)"] == pytest.approx(133.3)
    assert (november["Target"], november["Actual"], november["Share of target (%)"]) == (1000, 200,
                                                                                20)
    assert november["Month to date"] == "yes" and october["Month to date"] == "no"
    assert all(c[0] in ("A", "B", "C", "N") for c in rows)  # the East team only
    chinese = xlsx_rows(table, "zh")
    assert list(chinese[0])[:4] == ["编号", "客户", "经手人", "月份"]
    assert export_audits(runtime, "manager-East")[-1]["format"] == "xlsx"
