"""Error pages: a friendly page (or JSON for the Dash endpoints) for every failure; never a
traceback, SQL statement or file path. Unexpected errors are logged with the request id,
which the page shows as a reference."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, render_template, request
from werkzeug.exceptions import HTTPException

from dashboard.errors import CockpitError, user_message
from dashboard.i18n import HTML_LANG, N_, _, use_language
from dashboard.web.context import current_language, request_id
from dashboard.web.guard import deny_json, wants_json

log = logging.getLogger(__name__)
_CODES = {400: "bad_request", 401: "signed_out", 403: "denied", 404: "not_found",
          405: "method_not_allowed", 413: "too_large", 415: "unsupported_media_type",
          429: "rate_limited"}
PAGES = {
    "not_found": (N_("Page not found"), N_("There is nothing at this address.")),
    "error": (N_("Something went wrong"),
              N_("The cockpit could not complete this request. Please try again.")),
    "denied": (N_("Not allowed"), N_("This request was refused.")),
}


def install(server: Flask) -> None:
    server.register_error_handler(HTTPException, _http_error)
    server.register_error_handler(CockpitError, _product_error)
    server.register_error_handler(Exception, _unexpected)


def _language() -> str:
    try:
        return current_language()
    except Exception:  # noqa: BLE001 - outside a configured app: English
        return "en"


def _page(status: int, kind: str, reference: str = "") -> Response:
    lang = _language()
    heading, text = PAGES[kind]
    with use_language(lang):
        html = render_template("message.html", lang=lang, html_lang=HTML_LANG.get(lang, "en"),
                               languages=None, lang_links={},
                               bootstrap_css="/assets/vendor/bootstrap/bootstrap.min.css",
                               title=_(heading), heading=_(heading), text=_(text),
                               reference=reference)
    return Response(html, status=status, mimetype="text/html")


def not_found(_exc: BaseException | None = None) -> Response:
    """The 404 answer (JSON for the Dash endpoints, the friendly page otherwise)."""
    if wants_json():
        return deny_json(404, "not_found", "Not found.")
    return _page(404, "not_found")


def _http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status >= 500:
        return _unexpected(exc)
    if wants_json():
        return deny_json(status, _CODES.get(status, "error"), exc.name)
    if status == 404:
        return _page(404, "not_found")
    if status in (401, 403):
        return _page(status, "denied")
    return _page(status, "error", request_id())


def _product_error(exc: CockpitError) -> Response:
    if wants_json():
        return deny_json(exc.http_status, exc.code, user_message(exc, _language()))
    denied = exc.http_status in (401, 403)
    return _page(exc.http_status, "denied" if denied else "error", request_id())


def _unexpected(exc: BaseException) -> Response:
    reference = request_id() if "client" in g else ""
    log.error("unexpected error %s on %s %s", reference, request.method, request.path,
              exc_info=exc)
    if wants_json():
        return deny_json(500, "error", f"Something went wrong (reference {reference}).")
    return _page(500, "error", reference)
