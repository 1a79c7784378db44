"""A customer's own sign-in (SPEC "Customer sign-in", issue 10 item 5): their page and nothing
else. A sweep of every route of the server, every page of the site (with the customer's own
code where a page takes one) and every callback: everything but their page is refused (403)
and audited, and no response carries another customer's sentinel name."""

from __future__ import annotations

import json
import re

import dash
from sqlalchemy import select

from dashboard.db import session_scope
from dashboard.models import AuditLog
from tests.security.fixtures import BASE_URL, callback_body, find_callback
from tests.security.test_endpoints import SAMPLE

CUSTOMER = "customer1"
OWN_CODE, OWN_NAME = "R3-C01", "ZZ-REP3-CUST01"
OPEN_PREFIXES = ("/_dash-component-suites/", "/assets/", "/_dash-layout", "/_dash-dependencies",
                 "/_favicon.ico", "/login", "/logout", "/account/", "/healthz", "/my")


def _url(rule) -> str:  # noqa: ANN001
    values = {**SAMPLE, "code": OWN_CODE, "campaign_id": "1", "path": "customers"}
    return re.sub(r"<(?:([a-z_]+):)?([a-z_]+)>",
                  lambda m: values.get(m.group(2), values.get(m.group(1) or "", "x")),
                  rule.rule)


def _denials(runtime) -> list[AuditLog]:  # noqa: ANN001
    with session_scope(runtime.engine) as session:
        return list(session.execute(select(AuditLog).where(
            AuditLog.username == CUSTOMER, AuditLog.outcome == "denied")).scalars())


def _leaks(world, text: str) -> list[str]:  # noqa: ANN001
    hidden = world.all_sentinels() - world.visible_sentinels(CUSTOMER)
    return [s for s in hidden if s in text]


def test_world_binds_the_customer_to_one_sentinel(world) -> None:  # noqa: ANN001
    assert world.visible_sentinels(CUSTOMER) == {OWN_NAME}


def test_home_sends_the_customer_to_their_page(signed_in) -> None:  # noqa: ANN001
    client = signed_in(CUSTOMER)
    response = client.get("/")
    assert response.status_code == 302 and response.headers["Location"] == "/my"
    page = client.get("/my")
    assert page.status_code == 200
    layout = json.dumps(client.get("/_dash-layout").get_json(), ensure_ascii=False)
    assert "/my" in layout
    for staff_path in ('"/customers"', '"/campaigns"', '"/team"', "filter-bar",
                       "shell-nav-alert"):
        assert staff_path not in layout, staff_path


def test_their_page_shows_their_own_data_only(cockpit, runtime, world, signed_in) -> None:  # noqa: ANN001
    client = signed_in(CUSTOMER)
    response = client.callback(find_callback(cockpit, "my-header-div"))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert OWN_NAME in text and OWN_CODE in text
    assert _leaks(world, text) == []
    assert _denials(runtime) == []


def test_every_other_route_is_refused_and_audited(cockpit, runtime, world, signed_in) -> None:  # noqa: ANN001
    client = signed_in(CUSTOMER)
    tried, refused = 0, 0
    pages = {str(p["path_template"] or p["path"]) for p in dash.page_registry.values()}
    paths = {_url(rule) for rule in cockpit.server.url_map.iter_rules()
             if "GET" in (rule.methods or ())}
    paths |= {re.sub(r"<([a-z_]+)>", lambda m: {"code": OWN_CODE}.get(m.group(1), "1"), p)
              for p in pages}
    paths |= {f"/customer/{OWN_CODE}", f"/customer/{OWN_CODE}/report.pdf",
              "/customers/export.csv", "/export/customers.xlsx", "/404", "/nowhere"}
    for path in sorted(paths):
        response = client.get(path)
        text = response.get_data().decode("utf-8", "replace")
        assert _leaks(world, text) == [], path
        tried += 1
        if path == "/" or path.startswith(OPEN_PREFIXES):
            continue
        assert response.status_code == 403, (path, response.status_code)
        refused += 1
    assert tried > 20 and refused >= 15
    audited = {row.object_id for row in _denials(runtime) if row.object_type == "route"}
    assert len(audited) == refused


def test_page_router_opens_their_page_only(cockpit, runtime, world, signed_in) -> None:  # noqa: ANN001
    client = signed_in(CUSTOMER)
    key = next(k for k in cockpit.callback_map if "_pages_content" in k)
    own = client.post("/_dash-update-component", headers={"X-CSRFToken": client.csrf},
                      json=callback_body(cockpit, key, {"_pages_location.pathname": "/my"}))
    assert own.status_code == 200
    for path in ("/", "/customers", f"/customer/{OWN_CODE}", "/team", "/campaigns/new",
                 "/targets", "/audit"):
        body = callback_body(cockpit, key, {"_pages_location.pathname": path})
        response = client.post("/_dash-update-component", json=body,
                               headers={"X-CSRFToken": client.csrf})
        assert response.status_code == 403, path
        assert _leaks(world, response.get_data(as_text=True)) == []
    assert len([r for r in _denials(runtime) if r.object_type == "callback"]) == 7


def test_writes_and_exports_are_refused(cockpit, runtime, world, signed_in) -> None:  # noqa: ANN001
    client = signed_in(CUSTOMER)
    for path in ("/customers/export.csv", f"/customer/{OWN_CODE}/report.pdf"):
        assert client.get(path).status_code == 403
    response = client.post("/import/upload", json={}, headers={"X-CSRFToken": client.csrf})
    assert response.status_code == 403
    assert len(_denials(runtime)) == 3


def test_own_account_pages_stay_open(signed_in) -> None:  # noqa: ANN001
    client = signed_in(CUSTOMER)
    assert client.get("/account/password").status_code == 200
    response = client.post("/account/language", data={"language": "zh", "next": "/my",
                                                      "csrf_token": client.csrf})
    assert response.status_code in (302, 303) and response.headers["Location"].endswith("/my")
    assert client.logout().status_code in (302, 303)
    assert client.get("/my").status_code == 302  # signed out


def test_base_url_is_the_test_site() -> None:
    assert BASE_URL.startswith("https://")
