"""The web server's security layer (Flask only, no Dash): sign-in pages, the default-deny
request guard on flask-login, security headers, error pages and background-job
ownership.

``create_app`` calls :func:`install` on the Flask server before Dash is attached, so that the
guard runs before anything Dash registers.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from dashboard import i18n
from dashboard.runtime import Runtime
from dashboard.secret_key import derive_key, resolve_secret_key
from dashboard.web import (
    customer_export,
    failures,
    guard,
    login,
    report_pdf,
    table_exports,
    views,
)
from dashboard.web.context import EXTENSION, current_language
from dashboard.web.jobs import OwnerStore

MAX_FORM_BYTES = 64 * 1024


def install(server: Flask, runtime: Runtime, *, csp_hashes: Callable[[], list[str]],
            job_owners: OwnerStore) -> None:
    """Configure ``server``: secret keys, cookies, proxies, the guard, the sign-in pages and
    the error pages. Raises :class:`~dashboard.errors.ConfigurationError` (refusing to start)
    when the secret key is unsafe in production."""
    settings = runtime.settings
    secret = resolve_secret_key(settings)
    server.extensions[EXTENSION] = runtime
    server.secret_key = derive_key(secret, "flask").hex()
    server.config.update(
        COCKPIT_KEYS={"csrf": derive_key(secret, "csrf"), "login": derive_key(secret, "login")},
        COCKPIT_COOKIE_SECURE=settings.cookie_secure,
        COCKPIT_PRODUCTION=settings.is_production,
        COCKPIT_CSP_HASHES=csp_hashes,
        COCKPIT_JOB_OWNERS=job_owners,
        MAX_FORM_MEMORY_SIZE=MAX_FORM_BYTES,
        MAX_CONTENT_LENGTH=int(settings.max_upload_mb) * 4 // 3 * 2**20 + 2**20,
        PROPAGATE_EXCEPTIONS=False,
        TRAP_HTTP_EXCEPTIONS=False,
        DEBUG=False,
        TESTING=False,
    )
    proxies = int(settings.trusted_proxies or 0)
    if proxies > 0:
        server.wsgi_app = ProxyFix(server.wsgi_app, x_for=proxies, x_proto=proxies,
                                   x_host=proxies, x_port=proxies)
    login.install(server)
    guard.install(server)
    i18n.set_language_resolver(current_language)
    server.jinja_env.globals["_"] = i18n.gettext
    server.register_blueprint(views.bp)
    server.register_blueprint(customer_export.bp)
    server.register_blueprint(report_pdf.bp)
    server.register_blueprint(table_exports.bp)
    failures.install(server)
