"""The one gate every request passes (default deny), and the headers every response gets.

Public without a session: the sign-in page and its POST, sign-out, the health check and
the sign-in page's stylesheet under ``/assets/vendor/bootstrap/``. Everything else needs a
live server-side session (flask-login's ``current_user``, see ``dashboard.web.login``); a
customer's own sign-in reaches only their page (``dashboard.web.customer_gate``):
HTML pages redirect to the sign-in page, the Dash endpoints (``/_dash-*``,
``/_reload-hash``) and any non-GET request answer 401 JSON. Requests that can
change something (any method but GET/HEAD/OPTIONS outside the sign-in forms) must be
``application/json``, carry the session's anti-forgery token in ``X-CSRFToken`` and come
from this site (``Origin``/``Sec-Fetch-Site``); a foreign ``Origin`` is refused on every
request. No response ever carries CORS headers.
"""

from __future__ import annotations

import logging
import posixpath
import secrets
from urllib.parse import quote, urlsplit

from flask import Flask, Response, current_app, g, redirect, request
from flask_login import current_user

from dashboard.auth import Client
from dashboard.web import cookies, customer_gate, jobs
from dashboard.web.responses import deny_json

log = logging.getLogger(__name__)

PUBLIC_ENDPOINTS = frozenset({"auth.login", "auth.login_post", "auth.logout",
                              "auth.logout_confirm", "auth.healthz"})
PUBLIC_ASSET_PREFIXES = ("vendor/bootstrap/",)
ASSET_ENDPOINT = "_dash_assets.static"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
API_PREFIXES = ("/_dash-", "/_reload-hash", "/_alive_")
CALLBACK_PATH = "/_dash-update-component"


def install(server: Flask) -> None:
    server.before_request(start_request)
    server.after_request(finish_response)


def _client() -> Client:
    agent = request.headers.get("User-Agent", "")[:255]
    return Client(ip=(request.remote_addr or "")[:64], user_agent=agent,
                  request_id=secrets.token_hex(8))


def is_public() -> bool:
    """True for the few endpoints that work without a session."""
    endpoint = request.endpoint or ""
    if endpoint in PUBLIC_ENDPOINTS:
        return True
    if endpoint == ASSET_ENDPOINT:
        name = str((request.view_args or {}).get("filename", ""))
        clean = (name == posixpath.normpath(name) and "\\" not in name and ".." not in name
                 and not name.startswith("/"))
        return clean and name.startswith(PUBLIC_ASSET_PREFIXES)
    return False


def wants_json() -> bool:
    path = request.path
    if path.startswith(API_PREFIXES) or request.method not in SAFE_METHODS:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and not request.accept_mimetypes.accept_html


def start_request() -> Response | None:
    g.client = _client()
    if not _same_origin():
        return deny_json(403, "foreign_origin", "Cross-site request refused.")
    if is_public():
        return None
    signed_in = current_user  # flask-login, through the server-side session of the cookie
    if not signed_in.is_authenticated:
        return _signed_out(had_cookie=bool(request.cookies.get(cookies.SESSION_COOKIE)))
    user = signed_in.record
    g.user, g.session_token = user, signed_in.get_id()
    if request.method not in SAFE_METHODS and request.blueprint != "auth":
        refused = _check_api_write(user.session_key)
        if refused is not None:
            return refused
    refused = customer_gate.check_request(user)
    if refused is not None:
        return refused
    if request.path.startswith("/_reload-hash") and current_app.config["COCKPIT_PRODUCTION"]:
        return deny_json(404, "not_found", "Not found.")
    return jobs.check_request_handles()


def _same_origin() -> bool:
    """False when the browser says the request comes from another site."""
    origin = request.headers.get("Origin")
    if origin is not None:
        parts = urlsplit(origin)
        if origin == "null" or not parts.netloc or parts.netloc.lower() != request.host.lower():
            return False
    if request.method in SAFE_METHODS:
        return True
    return request.headers.get("Sec-Fetch-Site") in (None, "same-origin")


def _check_api_write(session_key: str) -> Response | None:
    if request.mimetype != "application/json":
        return deny_json(415, "unsupported_media_type", "Only application/json is accepted.")
    sent = request.headers.get(cookies.CSRF_HEADER, "")
    if not secrets.compare_digest(sent, cookies.csrf_token_for(session_key)):
        return deny_json(403, "csrf", "Missing or wrong anti-forgery token.")
    return None


def _signed_out(*, had_cookie: bool) -> Response:
    if wants_json():
        response = deny_json(401, "signed_out", "Please sign in.")
    else:
        target = request.full_path if request.query_string else request.path
        response = redirect("/login?next=" + quote(target, safe="/"), code=302)
    if had_cookie:
        cookies.clear_session_cookies(response, request)
    return response


def finish_response(response: Response) -> Response:
    for name in [h for h in response.headers.keys() if h.lower().startswith("access-control-")]:
        del response.headers[name]
    response.headers["X-Request-ID"] = g.client.request_id if "client" in g else ""
    _security_headers(response)
    if "user" in g and g.user is not None:
        _refresh_csrf_cookie(response)
        jobs.claim_response_handles(response)
    return response


def _security_headers(response: Response) -> None:
    headers = response.headers
    headers["Content-Security-Policy"] = content_security_policy()
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    headers["Referrer-Policy"] = "same-origin"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    if request.endpoint != ASSET_ENDPOINT and not request.path.startswith(
            "/_dash-component-suites/"):
        headers["Cache-Control"] = "no-store"


def content_security_policy() -> str:
    hashes = current_app.config["COCKPIT_CSP_HASHES"]()
    script = " ".join(["'self'", *hashes])
    return ("default-src 'self'; "
            f"script-src {script}; "
            "style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
            "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'")


def _refresh_csrf_cookie(response: Response) -> None:
    expected = cookies.csrf_token_for(g.user.session_key)
    if request.cookies.get(cookies.CSRF_COOKIE) != expected and g.get("session_token"):
        response.set_cookie(cookies.CSRF_COOKIE, expected, httponly=False, samesite="Strict",
                            secure=cookies.secure(request), path="/")
