"""The customer list, its export and selections, and the portrait under attack
(RELIABILITY-TESTS B.11, B.12, B.13, B.14, C.20): a rep sends forged requests naming
another team's customers through every entry point (codes in addresses, ids in the grid's
row buttons and in a selection, another user's export and selection tokens) and gets
nothing back, each refusal audited; narrowing requests cannot widen a list; a user without a
mapping gets nothing anywhere; the export equals the rows the grid showed."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from sqlalchemy import func, select

from dashboard.db import session_scope
from dashboard.models import AuditLog, Visit
from layouts import ids
from layouts.components.contact_dialog import ContactDialog, dom_id
from tests.security.fixtures import callback_body, find_callback


def _dialog(client, values: dict[str, Any], changed: str):  # noqa: ANN001, ANN202
    """A request to the list's contact dialog; ``values`` and ``changed`` name its parts."""
    key = next(k for k in client.app.callback_map if ids.CONTACT_DIALOG_MODAL in k)

    def name(part: str) -> str:
        kind, prop = part.split(".")
        return f"{dom_id(getattr(ContactDialog.ids, kind)(ids.CUSTOMERS_CONTACT))}.{prop}"

    body = callback_body(client.app, key, {name(p): v for p, v in values.items()},
                         match=ids.CUSTOMERS_CONTACT)
    body["changedPropIds"] = [name(changed)]
    return client.post("/_dash-update-component", json=body,
                       headers={"X-CSRFToken": client.csrf})


def _post(client, output_id: str, values: dict[str, Any],  # noqa: ANN001
          changed: str | None = None):  # noqa: ANN202
    """A callback request as the renderer sends it, ``changed`` naming the input that fired."""
    key = find_callback(client.app, output_id)
    body = callback_body(client.app, key, values)
    if changed:
        body["changedPropIds"] = [changed]
    return client.post("/_dash-update-component", json=body,
                       headers={"X-CSRFToken": client.csrf})


def _rows(client, query: dict | None = None, grid: dict | None = None):  # noqa: ANN001, ANN202
    request = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {},
               **(grid or {})}
    return _post(client, ids.CUSTOMERS_COUNT, {
        f"{ids.CUSTOMERS_GRID}.getRowsRequest": request,
        f"{ids.CUSTOMERS_QUERY}.data": query or {}})


def _payload(response) -> dict:  # noqa: ANN001
    assert response.status_code in (200, 204), response.status_code
    return response.get_json() or {} if response.status_code == 200 else {}


def _names(response) -> set[str]:  # noqa: ANN001
    payload = _payload(response)
    rows = payload.get("response", {}).get(ids.CUSTOMERS_GRID, {}).get("getRowsResponse", {})
    return {r["customer_name"] for r in (rows or {}).get("rowData", [])}


def _denials(runtime, username: str) -> int:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        return int(session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.username == username, AuditLog.outcome == "denied")).scalar_one())


def _view_token(client, query: dict | None = None) -> str:  # noqa: ANN001
    return _payload(_rows(client, query))["response"][ids.CUSTOMERS_VIEW]["data"]


@pytest.mark.parametrize("username", ["owner", "manager_a", "rep1", "rep_none",
                                      "manager_none"])
def test_each_role_lists_exactly_its_customers(world, signed_in, username: str) -> None:  # noqa: ANN001
    client = signed_in(username)
    assert _names(_rows(client)) == world.visible_sentinels(username)


def test_narrowing_requests_cannot_widen_a_list(world, signed_in) -> None:  # noqa: ANN001
    rep1 = signed_in("rep1")
    mine, theirs = world.visible_sentinels("rep1"), world.all_sentinels() - \
        world.visible_sentinels("rep1")
    forged_queries = [{"manager": str(world.reps["REP3"])}, {"manager": str(world.reps["REP2"])},
                      {"region": "' OR 1=1 --"}, {"type": "Retail", "manager": "0"},
                      {"status": "never", "manager": str(world.reps["REP4"])},
                      {"scheme": "1", "band": "1"}, {"as_of": "2999-01-01"}]
    grids = [{"filterModel": {"q": {"filterType": "text", "type": "contains",
                                    "filter": "ZZ-REP3"}}},
             {"filterModel": {"rep_id": {"filterType": "number", "type": "equals",
                                         "filter": world.reps["REP3"]}}},
             {"filterModel": {"customer_name": {"filterType": "text", "type": "notContains",
                                                "filter": "zzz"}}},
             {"sortModel": [{"colId": "team_id", "sort": "asc"}], "endRow": 10_000},
             {"startRow": -50, "endRow": 10**9}]
    for query in forged_queries:
        shown = _names(_rows(rep1, query))
        assert shown <= mine and not shown & theirs, query
    for grid in grids:
        shown = _names(_rows(rep1, grid=grid))
        assert shown <= mine and not shown & theirs, grid


def test_forty_forged_requests_are_refused_and_audited(runtime, world, signed_in) -> None:  # noqa: ANN001
    owner, rep1 = signed_in("owner"), signed_in("rep1")
    theirs = world.all_sentinels() - world.visible_sentinels("rep1")
    owner_view = _view_token(owner)
    before, answers, attempts = _denials(runtime, "rep1"), [], 0
    for code in world.customer_codes("REP3") + [f"#{i}" for i in world.customer_ids("REP4")[:4]]:
        answers.append(_post(rep1, ids.PORTRAIT_HEADER, {
            f"{ids.PORTRAIT_QUERY}.data": {"code": code}}))
        attempts += 1
    for customer in world.customer_ids("REP3")[:6] + world.customer_codes("REP2")[:2]:
        answers.append(_dialog(rep1, {"request.data": {"customer": customer, "kind": "call"}},
                               changed="request.data"))
        attempts += 1
    for customer in world.customer_ids("REP4")[:6]:
        answers.append(_dialog(rep1, {
            "request.data": {"customer": customer, "kind": "call"}, "kind.value": "call",
            "outcome.value": "reached", "note.value": "forged"}, changed="save.n_clicks"))
        attempts += 1
    own = world.customer_ids("REP1")
    for extra in world.customer_ids("REP3")[:6]:
        rows = [{"customer_id": own[0]}, {"customer_id": extra}]
        answers.append(_post(rep1, ids.CUSTOMERS_SELECTION, {
            f"{ids.CUSTOMERS_GRID}.selectedRows": rows},
            changed=f"{ids.CUSTOMERS_GRID}.selectedRows"))
        attempts += 1
    for _ in range(3):
        answers.append(_post(rep1, ids.CUSTOMERS_SELECTION, {
            f"{ids.CUSTOMERS_VIEW}.data": owner_view},
            changed=f"{ids.CUSTOMERS_SELECT_ALL}.n_clicks"))
        answers.append(rep1.get(f"/customers/export.csv?view={owner_view}"))
        attempts += 2
    assert attempts >= 40
    for answer in answers:
        assert answer.status_code in (200, 204, 403), answer.status_code
        body = answer.get_data(as_text=True)
        assert not any(s in body for s in theirs)
    assert _denials(runtime, "rep1") - before == attempts
    with session_scope(runtime.engine) as session:
        assert session.execute(select(func.count()).select_from(Visit)).scalar_one() == 0


def test_forged_portrait_shows_the_same_not_found(world, signed_in) -> None:  # noqa: ANN001
    rep1 = signed_in("rep1")
    foreign = _payload(_post(rep1, ids.PORTRAIT_HEADER, {
        f"{ids.PORTRAIT_QUERY}.data": {"code": world.customer_codes("REP3")[0]}}))
    missing = _payload(_post(rep1, ids.PORTRAIT_HEADER, {
        f"{ids.PORTRAIT_QUERY}.data": {"code": "NO-SUCH-CUSTOMER"}}))
    assert json.dumps(foreign["response"]) == json.dumps(missing["response"])
    assert "Customer not found" in json.dumps(foreign)
    own = _payload(_post(rep1, ids.PORTRAIT_HEADER, {
        f"{ids.PORTRAIT_QUERY}.data": {"code": world.customer_codes("REP1")[0]}}))
    assert world.sentinels("REP1")[0] in json.dumps(own, ensure_ascii=False)


@pytest.mark.parametrize("username", ["owner", "manager_a", "rep1"])
def test_the_export_route_equals_the_view(world, signed_in, username: str) -> None:  # noqa: ANN001
    client = signed_in(username)
    query = {"status": "never"}
    grid = {"sortModel": [{"colId": "customer_name", "sort": "desc"}],
            "filterModel": {"q": {"filterType": "text", "type": "contains", "filter": "cust0"}}}
    answer = _payload(_rows(client, query, grid))["response"]
    shown = [r["customer_name"] for r in answer[ids.CUSTOMERS_GRID]["getRowsResponse"][
        "rowData"]]
    href = answer[ids.CUSTOMERS_EXPORT]["href"]
    download = client.get(href)
    assert download.status_code == 200 and download.mimetype == "text/csv"
    assert "attachment" in download.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["customer_name"] for r in rows] == shown
    assert set(shown) == {s for s in world.visible_sentinels(username) if "CUST0" in s}


def test_export_needs_a_session_and_a_token(world, browser, signed_in) -> None:  # noqa: ANN001
    anonymous = browser()
    answer = anonymous.get("/customers/export.csv?view=" + "a" * 32)
    assert answer.status_code == 302 and "/login" in answer.headers["Location"]
    rep1 = signed_in("rep1")
    for token in ("", "nope", "a" * 32, "<script>"):
        answer = rep1.get(f"/customers/export.csv?view={token}")
        assert answer.status_code == 404
        assert "Traceback" not in answer.get_data(as_text=True)
