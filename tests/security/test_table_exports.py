"""The pages' downloads over HTTP (``/exports/<table>.<csv|xlsx>``): each role gets exactly the
rows its grid showed, in its own language; another user's view token, an unknown table and
a signed-out visitor get nothing (refusals audited)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from sqlalchemy import func, select, update

from dashboard.db import session_scope
from dashboard.models import AuditLog, User
from layouts import ids
from tests.security.test_customer_lists import _payload, _rows

QUERY = {"status": "never"}
GRID = {"sortModel": [{"colId": "customer_name", "sort": "desc"}],
        "filterModel": {"q": {"filterType": "text", "type": "contains", "filter": "cust0"}}}


def _shown(client) -> tuple[list[str], str]:  # noqa: ANN001
    answer = _payload(_rows(client, QUERY, GRID))["response"]
    rows = answer[ids.CUSTOMERS_GRID]["getRowsResponse"]["rowData"]
    return [r["customer_name"] for r in rows], answer[ids.CUSTOMERS_VIEW]["data"]


def _sheet(data: bytes) -> list[list[object]]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [[c.value for c in row] for row in sheet.iter_rows()]


@pytest.mark.parametrize("username", ["owner", "manager_a", "rep1"])
def test_the_downloads_are_the_rows_shown_in_the_users_language(world, runtime,  # noqa: ANN001
                                                                signed_in,
                                                                username: str) -> None:
    if username == "manager_a":
        with session_scope(runtime.engine, write=True) as session:
            session.execute(update(User).where(User.username == username)
                            .values(language="zh"))
    client = signed_in(username)
    shown, view = _shown(client)
    assert set(shown) == {s for s in world.visible_sentinels(username) if "CUST0" in s}
    workbook = client.get(f"/exports/customers.xlsx?view={view}")
    assert workbook.status_code == 200
    assert workbook.mimetype == ("application/vnd.openxmlformats-officedocument."
                                 "spreadsheetml.sheet")
    assert 'filename="customers-' in workbook.headers["Content-Disposition"]
    assert workbook.headers["X-Row-Count"] == str(len(shown))
    cells = _sheet(workbook.get_data())
    name = "客户" if username == "manager_a" else "Customer"
    status = "从未交易" if username == "manager_a" else "Never traded"
    column = cells[0].index(name)
    assert [r[column] for r in cells[1:]] == shown
    status_column = cells[0].index("状态" if username == "manager_a" else "Status")
    assert shown and {r[status_column] for r in cells[1:]} == {status}
    text = client.get(f"/exports/customer-report.csv?view={view}")
    assert text.status_code == 200 and text.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(text.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r[name] for r in rows] == shown
    alerts = client.get("/exports/alerts.csv?status=all")
    assert alerts.status_code == 200
    with session_scope(runtime.engine) as session:
        formats = session.execute(select(AuditLog.detail["format"].as_string()).where(
            AuditLog.username == username, AuditLog.action == "export")
            .order_by(AuditLog.id)).scalars().all()
    assert formats[-3:] == ["xlsx", "csv", "csv"]


def test_downloads_refuse_what_is_not_yours(world, runtime, browser, signed_in) -> None:  # noqa: ANN001
    anonymous = browser()
    answer = anonymous.get("/exports/alerts.xlsx")
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    _shown_by_owner, owner_view = _shown(signed_in("owner"))
    rep1 = signed_in("rep1")
    theirs = [s for s in world.visible_sentinels("owner") if s not in
              world.visible_sentinels("rep1")]
    with session_scope(runtime.engine) as session:
        before = session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.username == "rep1", AuditLog.outcome == "denied")).scalar_one()
    for fmt in ("csv", "xlsx"):
        answer = rep1.get(f"/exports/customers.{fmt}?view={owner_view}")
        assert answer.status_code == 403
        assert not any(s.encode() in answer.get_data() for s in theirs)
    with session_scope(runtime.engine) as session:
        after = session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.username == "rep1", AuditLog.outcome == "denied")).scalar_one()
    assert after - before == 2
    for address in ("/exports/customers.csv?view=" + "a" * 32, "/exports/customers.xlsx",
                    "/exports/nobody.csv", "/exports/customers.pdf?view=x",
                    "/exports/alerts.csv?status=everything"):
        answer = rep1.get(address)
        assert answer.status_code in (400, 404), address
        assert "Traceback" not in answer.get_data(as_text=True)


def test_the_users_download_is_for_owners(world, runtime, signed_in) -> None:  # noqa: ANN001
    owner = signed_in("owner")
    answer = owner.get("/exports/users.xlsx")
    assert answer.status_code == 200
    cells = _sheet(answer.get_data())
    assert cells[0] == ["User", "Name", "Role", "Team", "Account manager", "State",
                        "Created (UTC)", "Last sign-in (UTC)", "Open sessions"]
    with session_scope(runtime.engine) as session:
        expected = session.execute(select(User.username, User.role, User.is_active)
                                   .order_by(User.username)).all()
    roles = {"owner": "Owner", "manager": "Sales manager", "rep": "Sales rep",
             "customer": "Customer"}
    assert [(r[0], r[2], r[5]) for r in cells[1:]] == [
        (name, roles[role], "active" if active else "disabled")
        for name, role, active in expected]
    assert all(isinstance(r[8], int) for r in cells[1:])
    signed_in_owner = next(r for r in cells[1:] if r[0] == "owner")
    assert signed_in_owner[7] is not None and signed_in_owner[8] >= 1
    others = [name for name, _role, _active in expected if name != "owner"]
    for username in ("manager_a", "rep1"):
        refused = signed_in(username).get("/exports/users.csv")
        assert refused.status_code == 403
        body = refused.get_data(as_text=True)
        assert "User,Name" not in body and not any(f">{n}<" in body for n in others)
    with session_scope(runtime.engine) as session:
        denied = session.execute(select(AuditLog.username).where(
            AuditLog.outcome == "denied", AuditLog.object_type == "user")
            .order_by(AuditLog.id)).scalars().all()
        exported = session.execute(select(AuditLog.username).where(
            AuditLog.action == "export", AuditLog.object_type == "users")).scalars().all()
    assert denied == ["manager_a", "rep1"] and exported == ["owner"]
