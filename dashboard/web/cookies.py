"""Cookies of the cockpit and the tokens they carry.

- ``cockpit_session``: the session token only (HttpOnly, SameSite=Lax, Secure over HTTPS).
- ``cockpit_csrf``: the anti-forgery token Dash's renderer copies into the ``X-CSRFToken``
  header of every callback request; it is an HMAC of the session, so it changes with every
  sign-in and cannot be made up (readable by the page's script, hence not HttpOnly;
  SameSite=Strict).
- ``cockpit_login``: a signed token for the sign-in form (double submit), HttpOnly.
- ``cockpit_lang``: the language chosen on the sign-in page.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import Request, Response, current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

SESSION_COOKIE = "cockpit_session"
CSRF_COOKIE = "cockpit_csrf"
CSRF_HEADER = "X-CSRFToken"
LOGIN_COOKIE = "cockpit_login"
LANGUAGE_COOKIE = "cockpit_lang"
LOGIN_FORM_MAX_AGE = 2 * 3600


def _keys() -> dict[str, bytes]:
    return current_app.config["COCKPIT_KEYS"]


def secure(request: Request) -> bool:
    mode = str(current_app.config.get("COCKPIT_COOKIE_SECURE", "auto")).lower()
    if mode in ("always", "true", "1", "yes"):
        return True
    if mode in ("never", "false", "0", "no"):
        return False
    return request.is_secure


def csrf_token_for(session_key: str) -> str:
    """The callback anti-forgery token of a session (stateless: an HMAC of its key)."""
    return hmac.new(_keys()["csrf"], session_key.encode(), hashlib.sha256).hexdigest()


def set_session_cookies(response: Response, request: Request, token: str,
                        session_key: str) -> None:
    flags = {"secure": secure(request), "path": "/"}
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="Lax", **flags)
    response.set_cookie(CSRF_COOKIE, csrf_token_for(session_key), httponly=False,
                        samesite="Strict", **flags)


def clear_session_cookies(response: Response, request: Request) -> None:
    for name, samesite, httponly in ((SESSION_COOKIE, "Lax", True),
                                     (CSRF_COOKIE, "Strict", False)):
        response.delete_cookie(name, path="/", secure=secure(request), httponly=httponly,
                               samesite=samesite)


def _login_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_keys()["login"], salt="cockpit-login-form")


def new_login_form_token(token: str) -> str:
    """The cookie value that vouches for the form token ``token``."""
    return _login_serializer().dumps(token)


def login_form_token_ok(cookie_value: str | None, form_value: str | None) -> bool:
    if not cookie_value or not form_value:
        return False
    try:
        expected = _login_serializer().loads(cookie_value, max_age=LOGIN_FORM_MAX_AGE)
    except BadSignature:
        return False
    return isinstance(expected, str) and hmac.compare_digest(expected, form_value)


def set_login_cookie(response: Response, request: Request, value: str) -> None:
    response.set_cookie(LOGIN_COOKIE, value, httponly=True, samesite="Strict",
                        secure=secure(request), path="/", max_age=LOGIN_FORM_MAX_AGE)


def set_language_cookie(response: Response, request: Request, language: str) -> None:
    response.set_cookie(LANGUAGE_COOKIE, language, httponly=True, samesite="Lax",
                        secure=secure(request), path="/", max_age=365 * 24 * 3600)


def clear_login_cookie(response: Response, request: Request) -> None:
    response.delete_cookie(LOGIN_COOKIE, path="/", secure=secure(request), httponly=True,
                           samesite="Strict")
