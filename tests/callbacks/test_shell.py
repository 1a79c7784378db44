"""The shell's callbacks through the real endpoint: address → filter bar, filter bar →
address, the bar hidden on pages without filters, and the language switch."""

from __future__ import annotations

import json
import re

from sqlalchemy import select

from dashboard.db import session_scope
from dashboard.models import AuditLog, User
from layouts import ids
from layouts.components.filter_bar import ALL
from tests.security.fixtures import callback_body, find_callback

URL_IN = [f"{ids.URL}.pathname", f"{ids.URL}.search"]


def _sync(client, pathname: str, search: str, controls: dict | None = None,  # noqa: ANN001
          changed: str | None = None) -> dict:
    key = find_callback(client.app, ids.FILTER_BAR)
    values = {f"{ids.URL}.pathname": pathname, f"{ids.URL}.search": search,
              **{f"{k}.value": v for k, v in (controls or {}).items()}}
    body = callback_body(client.app, key, values)
    body["changedPropIds"] = [changed] if changed else URL_IN
    response = client.post("/_dash-update-component", json=body,
                           headers={"X-CSRFToken": client.csrf})
    assert response.status_code in (200, 204), response.get_data(as_text=True)[:300]
    return response.get_json()["response"] if response.status_code == 200 else {}


def test_address_fills_the_bar(world, signed_in) -> None:  # noqa: ANN001
    owner = signed_in("owner")
    out = _sync(owner, "/", f"?period=90d&type=Trade&region=Nowhere&manager={world.reps['Zhao']}")
    assert out[ids.FILTER_BAR]["className"] == "filter-bar"
    assert out[ids.FILTER_AS_OF] == {"value": "2026-11-22", "max": "2026-11-22"}
    assert out[ids.FILTER_PERIOD]["value"] == "90d"
    assert out[ids.FILTER_TYPE]["value"] == "Trade"
    assert out[ids.FILTER_REGION]["value"] == ALL  # unknown region: all
    assert out[ids.FILTER_MANAGER]["value"] == str(world.reps["Zhao"])
    assert [o["label"] for o in out[ids.FILTER_MANAGER]["options"]] == [
        "All account managers", "Wang", "Zhao"]


def test_a_rep_sees_only_themselves(world, signed_in) -> None:  # noqa: ANN001
    rep = signed_in("rep_zhao")
    out = _sync(rep, "/", f"?manager={world.reps['Wang']}&region=East")
    assert out[ids.FILTER_MANAGER] == {"options": [{"label": "Zhao", "value": ALL}],
                                       "value": ALL}
    assert [o["value"] for o in out[ids.FILTER_REGION]["options"]] == [ALL, "West"]
    assert out[ids.FILTER_REGION]["value"] == ALL


def test_a_control_change_writes_the_address(world, signed_in) -> None:  # noqa: ANN001
    owner = signed_in("owner")
    controls = {ids.FILTER_AS_OF: "2026-11-22", ids.FILTER_PERIOD: "quarter",
                ids.FILTER_TYPE: "Retail", ids.FILTER_REGION: ALL, ids.FILTER_MANAGER: ALL}
    out = _sync(owner, "/customers", "?status=lost&period=90d", controls,
                changed=f"{ids.FILTER_PERIOD}.value")
    # on the customer list the list selector stays in the address
    assert out == {ids.URL: {"search": "?period=quarter&type=Retail&status=lost"}}
    out = _sync(owner, "/", "?period=90d", controls, changed=f"{ids.FILTER_PERIOD}.value")
    assert out[ids.URL] == {"search": "?period=quarter&type=Retail"}
    assert set(out) == {ids.URL}  # the bar itself is left alone
    controls[ids.FILTER_AS_OF] = "2026-10-31"
    controls[ids.FILTER_MANAGER] = "999"  # not an account manager anyone may pick
    out = _sync(owner, "/", "?period=quarter&type=Retail", controls,
                changed=f"{ids.FILTER_AS_OF}.value")
    assert out[ids.URL] == {"search": "?as_of=2026-10-31&period=quarter&type=Retail"}
    unchanged = {**controls, ids.FILTER_AS_OF: "2026-11-22", ids.FILTER_MANAGER: ALL}
    assert _sync(owner, "/", "?period=quarter&type=Retail", unchanged,
                 changed=f"{ids.FILTER_TYPE}.value") == {}


def test_the_bar_hides_on_pages_without_filters(world, signed_in) -> None:  # noqa: ANN001
    out = _sync(signed_in("owner"), "/users", "")
    assert out == {ids.FILTER_BAR: {"className": "filter-bar filter-hidden"}}


def _language_form(client) -> str:  # noqa: ANN001
    layout = client.get("/_dash-layout").get_data(as_text=True)
    match = re.search(r'"name":\s*"csrf_token",\s*"type":\s*"hidden",\s*"value":\s*"([0-9a-f]+)"',
                      layout) or re.search(r'"value":\s*"([0-9a-f]{64})"', layout)
    assert match, "no anti-forgery token in the shell"
    return match.group(1)


def test_language_switch_stores_the_choice(runtime, world, signed_in) -> None:  # noqa: ANN001
    owner = signed_in("owner")
    token = _language_form(owner)
    assert token == owner.csrf
    response = owner.post("/account/language", data={
        "csrf_token": token, "language": "zh", "next": "/?period=90d"})
    assert response.status_code == 303 and response.headers["Location"] == "/?period=90d"
    with session_scope(runtime.engine) as session:
        assert session.execute(select(User.language).where(
            User.username == "owner")).scalar_one() == "zh"
        assert session.execute(select(AuditLog.action).where(
            AuditLog.username == "owner").order_by(AuditLog.id.desc())).scalars().first() \
            == "profile_change"
    page = owner.get("/").get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and "<title>客户驾驶舱</title>" in page
    assert "驾驶舱" in json.dumps(owner.get("/_dash-layout").get_json(), ensure_ascii=False)
    key = find_callback(owner.app, ids.COCKPIT_HEADLINE)
    body = owner.callback(key, {f"{ids.COCKPIT_QUERY}.data": {}}).get_json()
    assert "近 30 天" in json.dumps(body, ensure_ascii=False)
    back = owner.post("/account/language", data={"csrf_token": token, "language": "en"},
                      headers={"Referer": "https://cockpit.test/?type=Retail"})
    assert back.headers["Location"] == "/?type=Retail"
    assert '<html lang="en">' in owner.get("/").get_data(as_text=True)


def test_language_switch_refuses_forgery_and_foreign_addresses(runtime, world,  # noqa: ANN001
                                                               signed_in) -> None:
    owner = signed_in("owner")
    forged = owner.post("/account/language", data={"csrf_token": "x" * 64, "language": "zh"})
    assert forged.status_code == 400
    with session_scope(runtime.engine) as session:
        assert session.execute(select(User.language).where(
            User.username == "owner")).scalar_one() is None
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example"):
        response = owner.post("/account/language", data={
            "csrf_token": owner.csrf, "language": "en", "next": target})
        assert response.headers["Location"] == "/", target
    odd = owner.post("/account/language", data={"csrf_token": owner.csrf, "language": "fr"})
    assert odd.status_code == 303
    anonymous = owner.__class__(owner.app)
    refused = anonymous.post("/account/language", data={"language": "zh"})
    assert refused.status_code in (302, 401)
