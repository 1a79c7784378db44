"""The customer list's and the portrait's callbacks through the real endpoint (the cockpit
world: A-F worked out by hand) and called directly."""

from __future__ import annotations

import io
import json
import zipfile

from callbacks.contact_dialog import update_contact_outcome
from callbacks.customers import update_customers_columns, update_customers_search
from layouts import ids
from layouts.components.contact_dialog import ContactDialog, dom_id
from tests.security.fixtures import callback_body, find_callback


def _post(client, output_id: str, values: dict, changed: str | None = None):  # noqa: ANN001, ANN202
    key = find_callback(client.app, output_id)
    body = callback_body(client.app, key, values)
    if changed:
        body["changedPropIds"] = [changed]
    return client.post("/_dash-update-component", json=body,
                       headers={"X-CSRFToken": client.csrf})


def test_the_quick_search_rides_in_the_filter_model() -> None:
    kept = {"revenue": {"filterType": "number", "type": "greaterThan", "filter": 5},
            "q": {"filterType": "text", "type": "contains", "filter": "old"}}
    assert update_customers_search("  east   wang ", kept) == {
        "revenue": kept["revenue"],
        "q": {"filterType": "text", "type": "contains", "filter": "east wang"}}
    assert update_customers_search("", kept) == {"revenue": kept["revenue"]}
    assert update_customers_search("x\x00y", None) == {}
    shown = [d["field"] for d in update_customers_columns(["orders"]) if not d.get("hide")]
    assert "orders" in shown and "revenue" not in shown and "customer_name" in shown


def test_rows_header_and_selection_through_the_endpoint(world, signed_in) -> None:  # noqa: ANN001
    client = signed_in("owner")
    request = {"startRow": 0, "endRow": 100, "filterModel": {},
               "sortModel": [{"colId": "revenue", "sort": "desc"}]}
    answer = _post(client, ids.CUSTOMERS_COUNT, {
        f"{ids.CUSTOMERS_GRID}.getRowsRequest": request,
        f"{ids.CUSTOMERS_QUERY}.data": {"status": "active"}}).get_json()["response"]
    rows = answer[ids.CUSTOMERS_GRID]["getRowsResponse"]
    assert [r["customer_name"] for r in rows["rowData"]] == ["Alpha", "Delta", "Foxtrot"]
    assert rows["rowCount"] == 3 and answer[ids.CUSTOMERS_COUNT]["children"] == "3 customers"
    assert answer[ids.CUSTOMERS_EXPORT]["href"].startswith("/customers/export.csv?view=")
    assert answer[ids.CUSTOMERS_EMPTY]["hidden"] is True
    assert answer[ids.CUSTOMERS_SELECT_ALL]["children"] == "Select all 3 matching customers"
    header = _post(client, ids.CUSTOMERS_HEADLINE, {
        f"{ids.CUSTOMERS_QUERY}.data": {"status": "active", "period": "90d"}})
    text = json.dumps(header.get_json(), ensure_ascii=False)
    assert "Status: Active" in text and "Last 90 days" in text
    assert "/customers?period=90d&status=churning" in text  # the one-click choices
    picked = _post(client, ids.CUSTOMERS_SELECTION, {
        f"{ids.CUSTOMERS_GRID}.selectedRows": [{"customer_id": world.customers["A"]},
                                               {"customer_id": world.customers["D"]}]},
        changed=f"{ids.CUSTOMERS_GRID}.selectedRows").get_json()["response"]
    assert picked[ids.CUSTOMERS_SELECTION_TEXT]["children"] == "2 customers selected."
    assert picked[ids.CUSTOMERS_COUPON]["href"].startswith("/campaigns/new?selection=")
    assert "disabled" not in picked[ids.CUSTOMERS_COUPON]["className"]
    assert picked[ids.CUSTOMERS_REPORTS]["disabled"] is False
    pdf_href = picked[ids.CUSTOMERS_REPORT_PDF]["href"]
    zip_href = picked[ids.CUSTOMERS_REPORT_ZIP]["href"]
    assert pdf_href.startswith("/customers/selection-report?selection=")
    assert "format=pdf" in pdf_href and "format=zip" in zip_href
    one = client.get(pdf_href)
    assert one.status_code == 200 and one.mimetype == "application/pdf"
    assert one.data.startswith(b"%PDF")
    each = client.get(zip_href)
    assert each.status_code == 200 and each.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(each.data)) as archive:
        assert len(archive.namelist()) == 2  # one PDF per ticked customer
    assert signed_in("rep_zhao").get(pdf_href).status_code in (403, 404)  # not theirs


def test_nothing_matches(world, signed_in) -> None:  # noqa: ANN001
    client = signed_in("rep_zhao")
    answer = _post(client, ids.CUSTOMERS_COUNT, {
        f"{ids.CUSTOMERS_GRID}.getRowsRequest": {"startRow": 0, "endRow": 100},
        f"{ids.CUSTOMERS_QUERY}.data": {"tier": "A"}}).get_json()["response"]
    assert answer[ids.CUSTOMERS_GRID]["getRowsResponse"] == {"rowData": [], "rowCount": 0}
    assert answer[ids.CUSTOMERS_EMPTY]["hidden"] is False
    assert "No customers match these filters" in json.dumps(answer[ids.CUSTOMERS_EMPTY])


def _dialog(client, aio_id: str, values: dict, changed: str):  # noqa: ANN001, ANN202
    """The contact dialog's own callback for the page's dialog ``aio_id``; ``values`` and
    ``changed`` name its parts (``kind.value``, ``save.n_clicks``, ...)."""
    key = next(k for k in client.app.callback_map if ids.CONTACT_DIALOG_MODAL in k)

    def name(part: str) -> str:
        kind, prop = part.split(".")
        return f"{dom_id(getattr(ContactDialog.ids, kind)(aio_id))}.{prop}"

    body = callback_body(client.app, key, {name(p): v for p, v in values.items()},
                         match=aio_id)
    body["changedPropIds"] = [name(changed)]
    answer = client.post("/_dash-update-component", json=body,
                         headers={"X-CSRFToken": client.csrf}).get_json()["response"]
    return {part["type"].removeprefix("contact-dialog-").split("-")[0]: props
            for raw, props in answer.items() for part in [json.loads(raw)]}


def test_contact_dialog_from_the_list(world, signed_in) -> None:  # noqa: ANN001
    client = signed_in("rep_zhao")
    request = _post(client, dom_id(ContactDialog.ids.request(ids.CUSTOMERS_CONTACT)), {
        f"{ids.CUSTOMERS_GRID}.cellRendererData": {
            "value": {"action": "comment", "customer": world.customers["B"]}}},
        changed=f"{ids.CUSTOMERS_GRID}.cellRendererData").get_json()["response"]
    asked = request[dom_id(ContactDialog.ids.request(ids.CUSTOMERS_CONTACT))]["data"]
    assert asked["customer"] == world.customers["B"] and asked["kind"] == "comment"
    opened = _dialog(client, ids.CUSTOMERS_CONTACT, {"request.data": asked}, "request.data")
    assert opened["modal"]["is_open"] is True
    assert opened["kind"]["value"] == "comment"
    assert "Beta" in json.dumps(opened["title"]) and opened["note"]["value"] == ""
    assert opened["outcome"]["value"] == "reached"  # afresh, whatever was chosen before
    empty = _dialog(client, ids.CUSTOMERS_CONTACT, {
        "request.data": asked, "kind.value": "comment", "note.value": "  "}, "save.n_clicks")
    assert "Write the comment first." in empty["error"]["children"]
    assert set(empty) == {"error"}  # the dialog stays open as it was
    saved = _dialog(client, ids.CUSTOMERS_CONTACT, {
        "request.data": asked, "kind.value": "comment",
        "note.value": "Asked for the new price list."}, "save.n_clicks")
    assert saved["modal"]["is_open"] is False
    assert saved["saved"]["data"]["name"] == "Beta"
    assert saved["saved"]["data"]["customer_id"] == world.customers["B"]
    result = _post(client, ids.CUSTOMERS_RESULT, {
        f"{dom_id(ContactDialog.ids.saved(ids.CUSTOMERS_CONTACT))}.data":
            saved["saved"]["data"]}).get_json()["response"]
    assert result[ids.CUSTOMERS_RESULT] == {"children": "Comment saved for Beta.",
                                            "is_open": True}
    closed = _dialog(client, ids.CUSTOMERS_CONTACT, {"request.data": asked}, "cancel.n_clicks")
    assert closed == {"modal": {"is_open": False}}
    assert update_contact_outcome("comment") is True and update_contact_outcome("call") is False


def test_contact_dialog_from_the_portrait(world, signed_in) -> None:  # noqa: ANN001
    client = signed_in("manager_east")
    request_id = dom_id(ContactDialog.ids.request(ids.PORTRAIT_CONTACT))
    asked = _post(client, request_id, {f"{ids.PORTRAIT_CUSTOMER}.data": world.customers["A"]},
                  changed=f"{ids.PORTRAIT_CALL}.n_clicks").get_json()["response"][request_id]
    assert asked["data"]["customer"] == world.customers["A"]
    assert asked["data"]["kind"] == "call"
    opened = _dialog(client, ids.PORTRAIT_CONTACT, {"request.data": asked["data"]},
                     "request.data")
    assert opened["modal"]["is_open"] is True and opened["kind"]["value"] == "call"
    saved = _dialog(client, ids.PORTRAIT_CONTACT, {
        "request.data": asked["data"], "kind.value": "visit", "outcome.value": "ordered",
        "note.value": "Signed the spring order."}, "save.n_clicks")
    assert saved["modal"]["is_open"] is False and saved["saved"]["data"]["kind"] == "visit"
    result = _post(client, ids.PORTRAIT_RESULT, {
        f"{dom_id(ContactDialog.ids.saved(ids.PORTRAIT_CONTACT))}.data": saved["saved"]["data"],
        f"{ids.PORTRAIT_REFRESH}.data": 2}).get_json()["response"]
    assert result[ids.PORTRAIT_RESULT] == {"children": "Visit recorded for Alpha.",
                                           "is_open": True}
    assert result[ids.PORTRAIT_REFRESH] == {"data": 3}  # the timeline reloads
    foreign = _dialog(client, ids.PORTRAIT_CONTACT, {
        "request.data": {"customer": world.customers["E"], "kind": "call"},
        "kind.value": "call", "outcome.value": "reached", "note.value": "forged"},
        "save.n_clicks")
    assert set(foreign) == {"error"} and foreign["error"]["children"]  # West: refused


def test_portrait_through_the_endpoint(world, signed_in) -> None:  # noqa: ANN001
    client = signed_in("manager_east")
    answer = _post(client, ids.PORTRAIT_HEADER, {
        f"{ids.PORTRAIT_QUERY}.data": {"code": "A", "period": "90d"}}).get_json()["response"]
    text = json.dumps(answer, ensure_ascii=False)
    assert "Alpha" in text and "Last 90 days" in text and "Revenue by month" in text
    assert answer[ids.PORTRAIT_BODY]["className"] == ""
    assert answer[ids.PORTRAIT_COUPON]["href"].startswith("/campaigns/new?selection=")
    foreign = _post(client, ids.PORTRAIT_HEADER, {
        f"{ids.PORTRAIT_QUERY}.data": {"code": "B"}}).get_json()["response"]
    assert foreign[ids.PORTRAIT_BODY]["className"] == "d-none"
    assert "Customer not found" in json.dumps(foreign[ids.PORTRAIT_MISSING])
