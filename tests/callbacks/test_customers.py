"""The customer list's and the portrait's callbacks through the real endpoint (the cockpit
world: A-F worked out by hand) and called directly."""

from __future__ import annotations

import json

from callbacks.customers import update_customers_columns, update_customers_search
from layouts import ids
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


def test_nothing_matches(world, signed_in) -> None:  # noqa: ANN001
    client = signed_in("rep_zhao")
    answer = _post(client, ids.CUSTOMERS_COUNT, {
        f"{ids.CUSTOMERS_GRID}.getRowsRequest": {"startRow": 0, "endRow": 100},
        f"{ids.CUSTOMERS_QUERY}.data": {"tier": "A"}}).get_json()["response"]
    assert answer[ids.CUSTOMERS_GRID]["getRowsResponse"] == {"rowData": [], "rowCount": 0}
    assert answer[ids.CUSTOMERS_EMPTY]["hidden"] is False
    assert "No customers match these filters" in json.dumps(answer[ids.CUSTOMERS_EMPTY])


def test_contact_dialog_from_the_list(world, signed_in) -> None:  # noqa: ANN001
    client = signed_in("rep_zhao")
    opened = _post(client, ids.CUSTOMERS_CONTACT_MODAL, {
        f"{ids.CUSTOMERS_GRID}.cellRendererData": {
            "value": {"action": "comment", "customer": world.customers["B"]}}},
        changed=f"{ids.CUSTOMERS_GRID}.cellRendererData").get_json()["response"]
    assert opened[ids.CUSTOMERS_CONTACT_MODAL]["is_open"] is True
    assert opened[ids.CUSTOMERS_CONTACT_KIND]["value"] == "comment"
    empty = _post(client, ids.CUSTOMERS_CONTACT_MODAL, {
        f"{ids.CUSTOMERS_CONTACT_TARGET}.data": world.customers["B"],
        f"{ids.CUSTOMERS_CONTACT_KIND}.value": "comment",
        f"{ids.CUSTOMERS_CONTACT_NOTE}.value": "  "},
        changed=f"{ids.CUSTOMERS_CONTACT_SAVE}.n_clicks").get_json()["response"]
    assert "Write the comment first." in empty[ids.CUSTOMERS_CONTACT_ERROR]["children"]
    saved = _post(client, ids.CUSTOMERS_CONTACT_MODAL, {
        f"{ids.CUSTOMERS_CONTACT_TARGET}.data": world.customers["B"],
        f"{ids.CUSTOMERS_CONTACT_KIND}.value": "comment",
        f"{ids.CUSTOMERS_CONTACT_NOTE}.value": "Asked for the new price list."},
        changed=f"{ids.CUSTOMERS_CONTACT_SAVE}.n_clicks").get_json()["response"]
    assert saved[ids.CUSTOMERS_CONTACT_MODAL]["is_open"] is False
    assert saved[ids.CUSTOMERS_RESULT]["children"] == "Comment saved for Beta."


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
