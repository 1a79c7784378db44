"""RELIABILITY-TESTS A.3, A.4, A.6, A.9 and B.16: sessions end when they must, rotate at
every sign-in, sign-in is throttled without permanent lock-out, no open redirect, no sign-in
without the form token, and a demotion applies on the next request."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import quote, urlsplit

from sqlalchemy import select

from dashboard.auth import THROTTLE_LIMIT, session_key
from dashboard.db import session_scope
from dashboard.models import AuditLog, LoginAttempt, UserSession
from dashboard.scope import Actor
from dashboard.services import users as user_service
from tests.security.fixtures import Browser

HOME = "shell-language-next-input.value"  # a callback every signed-in user may call


def _replay(cockpit, cookies: dict[str, str], times: int = 20) -> list[int]:  # noqa: ANN001
    thief = Browser(cockpit, ip="198.51.100.9")
    thief.set_cookies(cookies)
    return [thief.callback(HOME, headers={"X-CSRFToken": cookies["cockpit_csrf"]}).status_code
            for _ in range(times)]


def test_old_cookies_are_worthless_after_logout_disable_and_password_change(
        cockpit, world, runtime, signed_in) -> None:  # noqa: ANN001
    owner = Actor.system("test")
    accepted = 0
    # (i) sign-out
    client = signed_in("rep1")
    stolen = client.cookies()
    assert _replay(cockpit, stolen, 1) == [200]
    assert client.logout().status_code == 303
    accepted += sum(code == 200 for code in _replay(cockpit, stolen))
    # (ii) the user is disabled
    client = signed_in("rep2")
    stolen = client.cookies()
    assert _replay(cockpit, stolen, 1) == [200]
    user_service.set_active(runtime, owner, world.user_id("rep2"), False)
    accepted += sum(code == 200 for code in _replay(cockpit, stolen))
    user_service.set_active(runtime, owner, world.user_id("rep2"), True)
    accepted += sum(code == 200 for code in _replay(cockpit, stolen))  # stays revoked
    # (iii) the password changes (through the user's own form)
    client = signed_in("rep3")
    stolen = client.cookies()
    form = client.get("/account/password").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    new = "another long passphrase 42"
    changed = client.post("/account/password", data={
        "csrf_token": token, "current": world.password("rep3"), "new": new, "repeat": new})
    assert changed.status_code == 303
    codes = _replay(cockpit, stolen)
    assert set(codes) == {401}
    accepted += sum(code == 200 for code in codes)
    assert accepted == 0
    assert Browser(cockpit).login("rep3", new).status_code == 303


def test_session_id_rotates_at_every_login_and_fixation_fails(cockpit, world) -> None:  # noqa: ANN001
    changed, fixed_accepted = 0, 0
    for attempt in range(10):
        client = Browser(cockpit)
        planted = f"attacker-chosen-{attempt}-" + "x" * 20
        if attempt % 2:  # a real session of someone else, planted in the victim's browser
            other = Browser(cockpit)
            assert other.login("rep4", world.password("rep4")).status_code == 303
            planted = other.session_token
        token = client.login_form()  # a signed-in browser is sent on from the form
        client.set_cookies({"cockpit_session": planted})
        assert client.post("/login", data={"username": "rep1", "password": world.password(
            "rep1"), "csrf_token": token, "next": "/"}).status_code == 303
        changed += client.session_token not in (None, planted)
        fixed = Browser(cockpit)
        fixed.set_cookies({"cockpit_session": planted, "cockpit_csrf": client.csrf})
        fixed_accepted += fixed.callback(HOME, headers={"X-CSRFToken": client.csrf}
                                         ).status_code == 200
    assert changed == 10
    assert fixed_accepted == 0


def test_cookie_holds_only_an_unguessable_token_and_the_database_only_its_hash(
        world, browser, runtime) -> None:  # noqa: ANN001
    client = browser("owner", world=world)
    token = client.session_token
    assert token and len(token) >= 43 and "owner" not in token
    with session_scope(runtime.engine) as session:
        keys = set(session.execute(select(UserSession.id)).scalars())
    assert session_key(token) in keys and token not in keys


def test_brute_force_is_throttled_and_the_window_reopens(cockpit, world, runtime,
                                                         clock) -> None:  # noqa: ANN001
    client = Browser(cockpit, ip="192.0.2.10")
    codes = [client.login("rep1", f"wrong password {i}").status_code for i in range(100)]
    assert codes[:THROTTLE_LIMIT] == [401] * THROTTLE_LIMIT
    assert set(codes[THROTTLE_LIMIT:]) == {429}
    still = client.login("rep1", world.password("rep1"))
    assert still.status_code == 429 and int(still.headers["Retry-After"]) >= 1
    clock.advance(21)
    assert client.login("rep1", world.password("rep1")).status_code == 303
    # 150 more spread over 15 accounts from one address (10 each at most): the address is
    # throttled too, at its higher ceiling (one office behind one address)
    clock.advance(60)
    spread = Browser(cockpit, ip="192.0.2.11")
    ceiling = runtime.settings.sign_in_ip_limit
    assert ceiling == 10 * THROTTLE_LIMIT
    names = [u for u in world.users if u != "rep1"][:8] + [f"ghost{i}" for i in range(7)]
    codes = [spread.login(names[i % 15], f"bad {i}").status_code for i in range(150)]
    assert codes[:ceiling] == [401] * ceiling
    assert set(codes[ceiling:]) == {429}
    with session_scope(runtime.engine) as session:
        rows = session.execute(select(LoginAttempt)).scalars().all()
    failed = [r for r in rows if not r.success]
    assert len(failed) == 251  # 100 + 1 throttled correct password + 150
    assert all(r.username and r.ip.startswith("192.0.2.") and r.at is not None for r in rows)
    assert {r.at for r in failed} <= {clock.now, clock.now - dt.timedelta(seconds=81)}


def test_slow_brute_force_never_exceeds_ten_failures_per_window(cockpit, world, runtime,
                                                                clock) -> None:  # noqa: ANN001
    client = Browser(cockpit, ip="192.0.2.20")
    accepted_failures = []
    for i in range(100):
        response = client.login("manager_a", f"guess {i}")
        if response.status_code == 401:
            accepted_failures.append(clock.now)
        clock.advance(1)
    for moment in accepted_failures:
        window = [t for t in accepted_failures
                  if moment <= t < moment + dt.timedelta(seconds=20)]
        assert len(window) <= THROTTLE_LIMIT
    assert len(accepted_failures) >= 40  # throttled, not locked out
    assert client.login("manager_a", world.password("manager_a")).status_code in (303, 429)


def test_every_attempt_is_in_the_audit_log(cockpit, world, runtime, clock) -> None:  # noqa: ANN001
    client = Browser(cockpit, ip="192.0.2.30")
    for i in range(15):
        client.login("rep2", f"nope {i}")
    client.login("rep2", world.password("rep2"))
    clock.advance(30)
    client.login("rep2", world.password("rep2"))
    with session_scope(runtime.engine) as session:
        actions = [a for (a,) in session.execute(
            select(AuditLog.action).where(AuditLog.ip == "192.0.2.30").order_by(AuditLog.id))]
    assert actions.count("sign_in_failed") == 10
    assert actions.count("sign_in_throttled") == 6
    assert actions.count("sign_in") == 1


REDIRECTS = [
    "https://evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example",
    "https:evil.example", "http://evil.example/%2F..", "%2F%2Fevil.example",
    "/%2F/evil.example", "%2f%5cevil.example", "/%5Cevil.example", "javascript:alert(1)",
    " //evil.example", "\t//evil.example", "/\t/evil.example", "//evil.example/%2e%2e",
    "https://cockpit.test.evil.example/", "@evil.example", "/%252F%252Fevil.example",
    "///evil.example", "https://evil.example@cockpit.test",
]


def test_open_redirect_payloads_stay_on_site(cockpit, world) -> None:  # noqa: ANN001
    assert len(REDIRECTS) == 20
    offsite = 0
    for payload in REDIRECTS:
        client = Browser(cockpit)
        response = client.login("rep1", world.password("rep1"), next_url=payload)
        location = response.headers.get("Location", "")
        parts = urlsplit(location)
        if parts.scheme or parts.netloc or location.startswith("//") or "\\" in location:
            offsite += 1
        # signed in, /login goes on to the page asked for, never off the site
        on = client.get("/login?next=" + quote(payload, safe=""))
        assert on.status_code == 302, payload
        location = on.headers.get("Location", "")
        parts = urlsplit(location)
        if parts.scheme or parts.netloc or location.startswith("//") or "\\" in location:
            offsite += 1
        form = Browser(cockpit).get("/login?next=" + quote(payload, safe="")).get_data(
            as_text=True)
        kept = re.search(r'name="next" value="([^"]*)"', form).group(1)
        if urlsplit(kept).netloc or not kept.startswith("/") or kept.startswith("//"):
            offsite += 1
    assert offsite == 0
    signed = Browser(cockpit)
    good = signed.login("rep1", world.password("rep1"), next_url="/team?x=1")
    assert good.headers["Location"] == "/team?x=1"
    assert signed.get("/login").headers["Location"] == "/"  # the cockpit, not the form again
    assert signed.get("/login?next=/team%3Fx%3D1").headers["Location"] == "/team?x=1"


def test_login_needs_the_form_token(cockpit, world) -> None:  # noqa: ANN001
    client = Browser(cockpit)
    client.login_form()
    data = {"username": "owner", "password": world.password("owner"), "next": "/"}
    for token in (None, "", "forged-token", client.login_form() + "x"):
        sent = dict(data, **({"csrf_token": token} if token is not None else {}))
        response = client.post("/login", data=sent)
        assert response.status_code == 400
        assert client.session_token is None
    stranger = Browser(cockpit)  # a token from another browser's form does not work either
    foreign_token = client.login_form()
    response = stranger.post("/login", data=dict(data, csrf_token=foreign_token))
    assert response.status_code == 400 and stranger.session_token is None


def test_demotion_applies_on_the_next_request(cockpit, world, runtime, signed_in) -> None:  # noqa: ANN001
    from dash import Input, Output

    from callbacks._runtime import current_actor

    @cockpit.callback(Output("test-scope-div", "children"), Input("test-scope-input", "value"))
    def show_scope(_value):  # noqa: ANN001, ANN202
        return current_actor().scope_key

    client = signed_in("manager_a")
    key = "test-scope-div.children"
    before = client.callback(key).get_json()["response"]["test-scope-div"]["children"]
    assert before == f"team:{world.teams['A']}"
    user_service.change_user(runtime, Actor.system("test"), world.user_id("manager_a"),
                             {"role": "rep", "rep": world.reps["REP1"]})
    scopes = [client.callback(key).get_json()["response"]["test-scope-div"]["children"]
              for _ in range(20)]
    assert scopes == [f"rep:{world.reps['REP1']}"] * 20


def test_flask_login_carries_the_server_side_session_not_the_user_id(
        cockpit, world, signed_in) -> None:  # noqa: ANN001
    import flask_login

    from dashboard.web.login import SignedIn

    server = cockpit.server
    assert isinstance(server.login_manager, flask_login.LoginManager)
    client = signed_in("rep1")
    token = client.session_token
    with server.test_request_context("/", headers={"Cookie": f"cockpit_session={token}"}):
        user = flask_login.current_user._get_current_object()
        assert isinstance(user, SignedIn) and user.is_authenticated
        assert user.get_id() == token  # the alternative id: the session, not the user
        assert (user.record.user_id, user.record.username) == (world.user_id("rep1"), "rep1")
        # a user id where the session token belongs names no session
        assert server.login_manager._user_callback(str(world.user_id("rep1"))) is None
    assert client.logout().status_code == 303
    with server.test_request_context("/", headers={"Cookie": f"cockpit_session={token}"}):
        assert not flask_login.current_user.is_authenticated
        assert server.login_manager._user_callback(token) is None


def test_sign_in_and_out_set_only_the_token_cookies(cockpit, world, browser) -> None:  # noqa: ANN001
    client = browser()
    signed = client.login("rep2", world.password("rep2"))
    assert signed.status_code == 303
    names = [h.split("=", 1)[0] for h in signed.headers.getlist("Set-Cookie")]
    # the new session and its anti-forgery token; the sign-in form's cookie is dropped;
    # no client-side Flask session and no remember-me cookie
    assert sorted(names) == ["cockpit_csrf", "cockpit_login", "cockpit_session"]
    assert client.session_token and client.csrf
    page = client.get("/")
    assert page.status_code == 200
    assert "cockpit_session" not in " ".join(page.headers.getlist("Set-Cookie"))
    out = client.logout()
    assert out.status_code == 303 and out.headers["Location"].endswith(
        "/login?notice=signed_out")
    cleared = {h.split("=", 1)[0]: h for h in out.headers.getlist("Set-Cookie")}
    assert set(cleared) == {"cockpit_session", "cockpit_csrf"}
    assert all("Max-Age=0" in h or "expires=Thu, 01 Jan 1970" in h for h in cleared.values())
    assert client.session_token is None
    # signing out without a session still clears whatever the browser holds
    again = Browser(cockpit).post("/logout", data={"csrf_token": "x"})
    assert again.status_code == 303
    assert {h.split("=", 1)[0] for h in again.headers.getlist("Set-Cookie")} == {
        "cockpit_session", "cockpit_csrf"}


def test_user_ids_signed_with_the_real_key_still_name_no_session(cockpit, world) -> None:  # noqa: ANN001
    # even with the server's own key (flask-login's remember cookie) or in the Authorization
    # header, a user id is not a session: only a live session token signs a browser in
    from flask_login.utils import encode_cookie

    owner = str(world.user_id("owner"))
    with cockpit.server.test_request_context("/"):
        remember = encode_cookie(owner)
    accepted = 0
    for cookies, headers in (({"remember_token": remember}, {}),
                             ({"remember_token": remember, "cockpit_session": owner}, {}),
                             ({}, {"Authorization": owner}),
                             ({"cockpit_session": owner}, {})):
        forger = Browser(cockpit)
        forger.set_cookies(cookies)
        page = forger.get("/team", headers=headers)
        layout = forger.get("/_dash-layout", headers=headers)
        accepted += page.status_code != 302 or layout.status_code != 401
    assert accepted == 0
