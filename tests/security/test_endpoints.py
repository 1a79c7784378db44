"""RELIABILITY-TESTS A.1, A.2, A.5, C.21: no route serves anything without a session, public
paths cannot be used as a bypass, every response carries the security headers, and errors
never disclose internals."""

from __future__ import annotations

import re

import pytest
from werkzeug.routing import Rule

from tests.security.fixtures import BASE_URL, Browser, callback_body

# (path prefix, methods) that may answer 2xx without a session.
PUBLIC = {"/login": {"GET", "POST", "HEAD", "OPTIONS"}, "/healthz": {"GET", "HEAD", "OPTIONS"},
          "/logout": {"OPTIONS"}, "/assets/vendor/bootstrap/": {"GET", "HEAD", "OPTIONS"}}
SAMPLE = {"path": "x/y", "filename": "vendor/bootstrap/bootstrap.min.css",
          "package_name": "dash", "fingerprinted_path": "dash.v4_4_1m1.min.js",
          "string": "x", "int": "1"}


def _allowed(path: str, method: str, status: int) -> bool:
    if not 200 <= status < 300:
        return True
    return any(path.startswith(p) and method in m for p, m in PUBLIC.items())


def _url(rule: Rule) -> str:
    return re.sub(r"<(?:([a-z_]+):)?([a-z_]+)>",
                  lambda m: SAMPLE.get(m.group(2), SAMPLE.get(m.group(1) or "", "x")), rule.rule)


def test_unauthenticated_sweep_of_every_route_and_callback(cockpit, signed_in) -> None:  # noqa: ANN001
    signed_in("owner")  # first request: Dash registers its page-router callbacks
    anonymous = Browser(cockpit)
    tried, leaks = 0, []
    for rule in cockpit.server.url_map.iter_rules():
        for method in sorted(rule.methods or ()):
            path = _url(rule)
            response = anonymous.client.open(path, method=method, base_url=BASE_URL)
            tried += 1
            if not _allowed(path, method, response.status_code):
                leaks.append((method, path, response.status_code))
    extra = ["/_dash-layout", "/_dash-dependencies", "/_reload-hash", "/_mcp", "/_mcp/tools",
             "/", "/team", "/audit", "/customers", "/assets/style.css", "/_favicon.ico",
             "/account/password"]
    for path in extra:
        response = anonymous.get(path)
        tried += 1
        if not _allowed(path, "GET", response.status_code):
            leaks.append(("GET", path, response.status_code))
        if path.startswith("/_dash") or path == "/_reload-hash":
            assert response.status_code == 401 and response.is_json, path
        elif path in ("/", "/team", "/audit", "/customers", "/account/password"):
            assert response.status_code == 302, path
            assert response.headers["Location"].startswith("/login?next=")
    keys = list(cockpit.callback_map)
    assert len(keys) >= 5  # home, team, audit and the page router
    for key in keys:
        response = anonymous.post("/_dash-update-component", json=callback_body(cockpit, key))
        assert response.status_code == 401 and response.is_json, key
        tried += 1
    assert leaks == []
    assert tried > 40


def test_public_path_bypass_attempts(cockpit, signed_in) -> None:  # noqa: ANN001
    signed_in("owner")
    anonymous = Browser(cockpit)
    keys = list(cockpit.callback_map)
    router = next(k for k in keys if "_pages_content" in k)
    refused = 0
    for key in keys:
        body = callback_body(cockpit, key, extra_inputs=[
            {"id": "x", "property": "pathname", "value": "/login"}])
        assert anonymous.post("/_dash-update-component", json=body).status_code == 401
        forged = {**callback_body(cockpit, key), "output": router}
        assert anonymous.post("/_dash-update-component", json=forged).status_code == 401
        refused += 2
    assert refused == 2 * len(keys)
    sneaky = ["/assets/vendor/bootstrap/../../_dash-layout",
              "/assets/vendor/bootstrap/%2e%2e/%2e%2e/_dash-layout",
              "/assets/vendor/bootstrap/..%2f..%2f_dash-dependencies",
              "/assets/vendor/bootstrap/../../../app.py", "/assets/vendor/bootstrap/..\\..\\app.py",
              "/login/../_dash-layout", "//_dash-layout", "/_dash-layout/", "/_DASH-LAYOUT",
              "/healthz/../_dash-dependencies", "/login%2f..%2f_dash-layout",
              "/assets/vendor/bootstrap//../../_dash-layout", "/assets/%76endor/bootstrap/x.css"]
    for path in sneaky:
        response = anonymous.get(path)
        body = response.get_data(as_text=True)
        assert not 200 <= response.status_code < 300 or "text/css" in response.content_type, path
        assert '"props"' not in body and '"output"' not in body, path


REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
}


def _check_headers(response, where: str) -> list[str]:  # noqa: ANN001
    problems = [f"{where}: {name}" for name, value in REQUIRED.items()
                if response.headers.get(name) != value]
    csp = response.headers.get("Content-Security-Policy", "")
    script = next((d for d in csp.split(";") if d.strip().startswith("script-src")), "")
    for needed in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'"):
        if needed not in csp:
            problems.append(f"{where}: CSP lacks {needed}")
    if not script or "'unsafe-inline'" in script or "'unsafe-eval'" in script:
        problems.append(f"{where}: script-src {script!r}")
    if response.headers.get("Referrer-Policy") not in ("same-origin", "no-referrer",
                                                        "strict-origin"):
        problems.append(f"{where}: Referrer-Policy")
    if any(h.lower().startswith("access-control-") for h in response.headers.keys()):
        problems.append(f"{where}: CORS header")
    return problems


def _check_cookies(response, where: str) -> list[str]:  # noqa: ANN001
    problems = []
    for header in response.headers.getlist("Set-Cookie"):
        name = header.split("=", 1)[0]
        flags = {part.strip().lower() for part in header.split(";")[1:]}
        if "secure" not in flags:
            problems.append(f"{where}: {name} not Secure")
        if not ({"samesite=lax", "samesite=strict"} & flags):
            problems.append(f"{where}: {name} SameSite")
        if name != "cockpit_csrf" and "httponly" not in flags:
            problems.append(f"{where}: {name} not HttpOnly")
    return problems


def test_cookie_and_header_hygiene_on_50_responses(cockpit, world, browser) -> None:  # noqa: ANN001
    client = browser()
    responses = [("login page", client.get("/login"))]
    client.login_form()
    responses.append(("sign-in", client.login("owner", world.password("owner"))))
    paths = ["/", "/team", "/audit", "/_dash-layout", "/_dash-dependencies", "/nowhere",
             "/assets/vendor/bootstrap/bootstrap.min.css", "/healthz", "/account/password",
             "/logout", "/_reload-hash"]
    responses += [(p, client.get(p)) for p in paths]
    keys = [k for k, spec in cockpit.callback_map.items() if "callback" in spec]
    while len(responses) < 48:
        key = keys[len(responses) % len(keys)]
        responses.append((key, client.callback(key)))
    anonymous = Browser(cockpit)
    responses += [("anonymous page", anonymous.get("/team")),
                  ("anonymous api", anonymous.get("/_dash-layout"))]
    assert len(responses) >= 50
    problems = [p for where, r in responses for p in _check_headers(r, where)]
    problems += [p for where, r in responses for p in _check_cookies(r, where)]
    assert problems == []
    session_cookie = next(h for h in responses[1][1].headers.getlist("Set-Cookie")
                          if h.startswith("cockpit_session="))
    assert "HttpOnly" in session_cookie and "SameSite=Lax" in session_cookie
    assert "Secure" in session_cookie


def test_csp_covers_dash_inline_scripts(cockpit, signed_in) -> None:  # noqa: ANN001
    client = signed_in("owner")
    page = client.get("/")
    csp = page.headers["Content-Security-Policy"]
    for digest in cockpit.csp_hashes():
        assert digest in csp
    inline = re.findall(r"<script>(.*?)</script>", page.get_data(as_text=True), re.S)
    assert inline, "Dash's index page has its inline renderer script"


LEAKS = re.compile(r"Traceback|File \"|/work/|site-packages|\.py\b|SELECT |INSERT |"
                   r"[Ss]qlalchemy|psycopg|sqlite3|Werkzeug Debugger|OperationalError")


def _boom(kind: int):  # noqa: ANN202
    from sqlalchemy.exc import OperationalError

    errors = [
        lambda: 1 / 0,
        lambda: {}["missing-key /etc/passwd"],
        lambda: open("/nonexistent/dir/file.txt"),  # noqa: SIM115
        lambda: (_ for _ in ()).throw(OperationalError("SELECT secret FROM users", {}, None)),
        lambda: (_ for _ in ()).throw(RuntimeError('Traceback (most recent call last): '
                                                   'File "/work/main/app.py"')),
    ]
    errors[kind % len(errors)]()


def test_errors_never_disclose_internals(cockpit, signed_in) -> None:  # noqa: ANN001
    from dash import Input, Output

    @cockpit.callback(Output("test-boom-div", "children"), Input("test-boom-input", "value"))
    def explode(value):  # noqa: ANN001, ANN202
        _boom(int(value or 0))

    @cockpit.server.route("/test-boom/<int:kind>")
    def explode_page(kind: int):  # noqa: ANN202
        _boom(kind)

    client = signed_in("owner")
    key = "test-boom-div.children"
    seen = 0
    for kind in range(25):
        response = client.callback(key, {"test-boom-input.value": kind})
        text = response.get_data(as_text=True)
        assert not LEAKS.search(text), text
        assert "reference" in text.lower()
        page = client.get(f"/test-boom/{kind}")
        assert page.status_code == 500 and not LEAKS.search(page.get_data(as_text=True))
        seen += 2
    assert seen == 50


def test_production_has_no_dev_tools_hot_reload_or_mcp(cockpit, signed_in) -> None:  # noqa: ANN001
    client = signed_in("owner")
    tools = cockpit._dev_tools  # noqa: SLF001
    assert not tools.ui and not tools.hot_reload and not tools.serve_dev_bundles
    assert not tools.props_check
    assert cockpit._enable_mcp is False  # noqa: SLF001
    assert not any("_mcp" in r.rule for r in cockpit.server.url_map.iter_rules())
    assert cockpit.server.debug is False
    assert cockpit.config.suppress_callback_exceptions is False
    assert client.get("/_reload-hash").status_code == 404
    mcp = client.get("/_mcp")  # no such route: the page catch-all serves the app shell
    assert "tools" not in mcp.get_data(as_text=True).lower() or mcp.status_code != 200
    assert client.post("/_mcp", json={"jsonrpc": "2.0", "method": "tools/list"},
                       headers={"X-CSRFToken": client.csrf}).status_code in (404, 405)


@pytest.mark.parametrize("path", ["/nowhere/at/all", "/_dash-component-suites/x/y.js"])
def test_friendly_404(signed_in, path: str) -> None:  # noqa: ANN001
    client = signed_in("owner")
    response = client.get(path)
    text = response.get_data(as_text=True)
    assert response.status_code == 404
    assert not LEAKS.search(text)


PAGE_SHELL = re.compile(r'<div id="react-entry-point">')


def _same_shell(html: str) -> str:
    """The index without the ids Dash makes up for each request."""
    return re.sub(r'_id":"[^"]*"', '_id":""', html)


@pytest.mark.parametrize("path", ["/no-such-page", "/nowhere/at/all", "/404", "/customers/x",
                                  "/customer", "/favicon.ico", "/teams",
                                  "/%E5%AE%A2%E6%88%B7"])
def test_unknown_address_answers_404_with_the_page_shell(signed_in, path: str) -> None:  # noqa: ANN001
    client = signed_in("owner")
    response = client.get(path)
    assert response.status_code == 404
    text = response.get_data(as_text=True)
    # the same shell as a page (the router draws the friendly, translated page in it)
    assert response.mimetype == "text/html" and PAGE_SHELL.search(text)
    assert _same_shell(text) == _same_shell(client.get("/").get_data(as_text=True))
    assert response.headers["Cache-Control"] == "no-store"
    assert "nonce" not in response.headers.get("Content-Security-Policy", "")


@pytest.mark.parametrize("path", ["/", "/customers", "/customers/", "/team", "/audit",
                                  "/alerts", "/schemes", "/targets", "/campaigns",
                                  "/campaigns/new", "/campaigns/17", "/customer/C-0001",
                                  "/customer/NO-SUCH-CUSTOMER", "/?period=90d"])
def test_known_pages_answer_200(signed_in, path: str) -> None:  # noqa: ANN001
    client = signed_in("owner")
    response = client.get(path)
    assert response.status_code == 200, path
    assert PAGE_SHELL.search(response.get_data(as_text=True))


def test_is_page_follows_the_page_router(cockpit) -> None:  # noqa: ANN001
    from app import is_page

    with cockpit.server.test_request_context("/"):
        assert [is_page(cockpit, p) for p in ("/", "/team", "/team/", "/customer/A-1",
                                              "/campaigns/new", "/campaigns/5")] == [True] * 6
        assert [is_page(cockpit, p) for p in ("/404", "/teams", "/team/x", "/customer",
                                              "/customers/x")] == [False] * 5
        # a page variable takes the rest of the path, as in the browser (the campaign page
        # then says that there is no such campaign)
        assert is_page(cockpit, "/campaigns/5/x")


@pytest.mark.parametrize("path", ["/no-such-page", "/404", "/team"])
def test_signed_out_unknown_address_still_goes_to_the_sign_in_page(cockpit, world,
                                                                   path: str) -> None:  # noqa: ANN001
    response = Browser(cockpit).get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=" + path
    api = Browser(cockpit).get(path, headers={"Accept": "application/json"})
    assert api.status_code == 401 and api.get_json()["error"] == "signed_out"
