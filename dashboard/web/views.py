"""Server-rendered pages outside Dash: sign-in, sign-out, own password, health check."""

from __future__ import annotations

import logging
import secrets
from urllib.parse import unquote, urlencode, urlsplit

from flask import Blueprint, Response, g, jsonify, redirect, render_template, request
from flask_login import current_user

from dashboard import auth
from dashboard.errors import AuthenticationFailed, CockpitError, RateLimited, user_message
from dashboard.i18n import HTML_LANG, LANGUAGES, N_, _, pick_language, use_language
from dashboard.services import users as user_service
from dashboard.services.health import check_database
from dashboard.web import cookies
from dashboard.web import login as session_login
from dashboard.web.context import current_actor, current_runtime

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__, template_folder="templates")
BOOTSTRAP_CSS = "/assets/vendor/bootstrap/bootstrap.min.css"
_NOTICES = {"signed_out": N_("You have signed out."),
            "password_changed": N_("Password changed. Please sign in again.")}
FORM_EXPIRED = N_("The form expired. Please try again.")
_BLOCKED_NEXT = ("/login", "/logout", "/_dash-", "/_reload-hash")


def safe_next(value: str | None) -> str:
    """``value`` when it is a path on this site, else ``/`` (no open redirect)."""
    text = (value or "").strip()
    if not text or len(text) > 2000 or any(ord(ch) < 0x21 or ch == "\x7f" for ch in text):
        return "/"
    for candidate in (text, unquote(text), unquote(unquote(text))):
        parts = urlsplit(candidate)
        if (parts.scheme or parts.netloc or not candidate.startswith("/")
                or candidate.startswith("//") or "\\" in candidate):
            return "/"
    if text.startswith(_BLOCKED_NEXT):
        return "/"
    return text


def _language() -> str:
    """The page's language (also the one ``_`` translates into for the rest of the request,
    unless the signed-in user has chosen one)."""
    accept = request.accept_languages.best_match(list(LANGUAGES))
    default = str(current_runtime().settings.default_language or "en")
    lang = pick_language(request.args.get("lang"), request.cookies.get(cookies.LANGUAGE_COOKIE),
                         accept, default)
    g.language = lang
    return lang


def _page(template: str, status: int = 200, **context: object) -> Response:
    lang = g.get("language") or _language()
    g.language = lang
    query = {k: v for k, v in request.args.items() if k != "lang"}
    links = {code: request.path + "?" + urlencode({**query, "lang": code}) for code in LANGUAGES}
    with use_language(lang):
        html = render_template(template, lang=lang, html_lang=HTML_LANG[lang],
                               languages=LANGUAGES, lang_links=links,
                               bootstrap_css=BOOTSTRAP_CSS, **context)
    response = Response(html, status=status, mimetype="text/html")
    if request.args.get("lang") in LANGUAGES:
        cookies.set_language_cookie(response, request, request.args["lang"])
    return response


def _login_form(status: int = 200, *, error: str = "", notice: str = "", username: str = "",
                next_url: str = "/") -> Response:
    token = secrets.token_urlsafe(32)
    lang = _language()
    g.language = lang
    response = _page("login.html", status, title=_("Sign in"), error=error,
                     notice=notice, username=username, next=next_url, csrf_token=token,
                     action="/login")
    cookies.set_login_cookie(response, request, cookies.new_login_form_token(token))
    return response


@bp.get("/login")
def login() -> Response:
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated:  # already signed in: on to the page asked for
        return redirect(next_url, code=302)
    notice_key = request.args.get("notice", "")
    _language()
    notice = _(_NOTICES[notice_key]) if notice_key in _NOTICES else ""
    return _login_form(notice=notice, next_url=next_url)


@bp.post("/login")
def login_post() -> Response:
    lang = _language()
    username = request.form.get("username", "")[:80]
    next_url = safe_next(request.form.get("next"))
    if not cookies.login_form_token_ok(request.cookies.get(cookies.LOGIN_COOKIE),
                                       request.form.get("csrf_token")):
        return _login_form(400, error=_(FORM_EXPIRED), username=username,
                           next_url=next_url)
    try:
        signed = auth.sign_in(current_runtime(), username, request.form.get("password", ""),
                              g.client,
                              previous_token=request.cookies.get(cookies.SESSION_COOKIE))
    except RateLimited as exc:
        response = _login_form(429, error=user_message(exc, lang), username=username,
                               next_url=next_url)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AuthenticationFailed as exc:
        return _login_form(401, error=user_message(exc, lang), username=username,
                           next_url=next_url)
    session_login.start(signed.token)
    response = redirect(next_url, code=303)
    cookies.clear_login_cookie(response, request)
    return response


@bp.get("/logout")
def logout_confirm() -> Response:
    if not current_user.is_authenticated:
        return redirect("/login", code=302)
    _language()
    return _page("logout.html", title=_("Sign out"), action="/logout",
                 csrf_token=cookies.csrf_token_for(current_user.record.session_key))


@bp.post("/logout")
def logout() -> Response:
    user = current_user.record if current_user.is_authenticated else None
    sent = request.form.get("csrf_token") or request.headers.get(cookies.CSRF_HEADER, "")
    if user is not None and secrets.compare_digest(sent, cookies.csrf_token_for(
            user.session_key)):
        auth.sign_out(current_runtime(), current_user.get_id(), g.client)
    elif user is not None:
        return redirect("/logout", code=303)
    session_login.end()
    return redirect("/login?notice=signed_out", code=303)


@bp.route("/account/password", methods=["GET", "POST"])
def password() -> Response:
    user = g.user
    lang = user.language or _language()
    g.language = lang
    token = cookies.csrf_token_for(user.session_key)
    context = {"title": _("Change password"), "action": "/account/password",
               "csrf_token": token, "username": user.username}
    if request.method == "GET":
        return _page("password.html", **context)
    if not secrets.compare_digest(request.form.get("csrf_token", ""), token):
        return _page("password.html", 400, error=_(FORM_EXPIRED), **context)
    new = request.form.get("new", "")
    if new != request.form.get("repeat", ""):
        return _page("password.html", 400, error=_("The two new passwords differ."),
                     **context)
    try:
        user_service.change_own_password(current_runtime(), current_actor(),
                                         request.form.get("current", ""), new)
    except CockpitError as exc:
        return _page("password.html", exc.http_status, error=user_message(exc, lang), **context)
    session_login.end()  # the service has revoked every session of the user
    return redirect("/login?notice=password_changed", code=303)


@bp.post("/account/language")
def language() -> Response:
    """The navbar's language switch: store the signed-in user's choice, then show the page
    they were on again (``next``, else the referring page of this site, else the cockpit)."""
    user = g.user
    chosen = request.form.get("language", "")
    back = safe_next(request.form.get("next") or _referrer_path())
    if not secrets.compare_digest(request.form.get("csrf_token", ""),
                                  cookies.csrf_token_for(user.session_key)):
        g.language = user.language or _language()
        return _page("message.html", 400, title=_("Something went wrong"),
                     heading=_("Something went wrong"), text=_(FORM_EXPIRED), reference="")
    if chosen in LANGUAGES:
        user_service.update_profile(current_runtime(), current_actor(), {"language": chosen})
    response = redirect(back, code=303)
    if chosen in LANGUAGES:
        cookies.set_language_cookie(response, request, chosen)
    return response


def _referrer_path() -> str:
    """The path and query of the ``Referer`` when it is a page of this site."""
    parts = urlsplit(request.referrer or "")
    if not parts.netloc or parts.netloc.lower() != request.host.lower():
        return "/"
    return parts.path + ("?" + parts.query if parts.query else "")


@bp.get("/healthz")
def healthz() -> Response:
    ok = check_database(current_runtime())
    response = jsonify({"status": "ok" if ok else "unavailable"})
    response.status_code = 200 if ok else 503
    return response
