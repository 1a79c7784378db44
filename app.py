"""The composition root: ``create_app`` builds the server, database, caches, security layer,
background-callback manager and the Dash app.

Module level: ``app`` and ``server`` (for ``gunicorn app:server``) are built on first access,
so importing this module has no side effects (and a test can import ``create_app`` without a
production secret key).
"""

from __future__ import annotations

import gc
import logging
from pathlib import Path
from typing import Any

import dash
from dash._pages import _path_to_page
from flask import Flask, Response, request

import callbacks
from callbacks._runtime import ACTOR_NAMESPACE, actor_data, bind_runtime, handle_callback_error
from dashboard.cache import DiskStore, RedisStore
from dashboard.config import Settings, load_settings
from dashboard.db import begin_request, end_request
from dashboard.errors import ConfigurationError
from dashboard.i18n import HTML_LANG, _, current_language
from dashboard.runtime import Runtime, build_runtime
from dashboard.services.scheduler import install_beat, start_runner
from dashboard.web import compression, cookies, install, plotly_bundle
from dashboard.web.context import current_user
from dashboard.web.failures import not_found
from dashboard.web.jobs import job_nonce, owner_key
from layouts.shell import ShellUser, shell

ROOT = Path(__file__).resolve().parent
STYLESHEETS = ["/assets/vendor/bootstrap/bootstrap.min.css",
               "/assets/vendor/bootstrap-icons/bootstrap-icons.min.css"]
log = logging.getLogger(__name__)


class CockpitDash(dash.Dash):
    """Dash with the page language on ``<html lang>`` and the product name in the user's
    language as the first title (pages set their own on navigation)."""

    def interpolate_index(self, **kwargs: Any) -> str:
        kwargs["title"] = _("Customer cockpit")
        index = super().interpolate_index(**kwargs)
        return index.replace("<html>", f'<html lang="{HTML_LANG[current_language()]}">', 1)


def _shell_user() -> ShellUser | None:
    user = current_user()
    if user is None:
        return None
    return ShellUser(username=user.username, display_name=user.display_name, role=user.role,
                     language=current_language(),
                     csrf_token=cookies.csrf_token_for(user.session_key))


def _shell() -> Any:
    """The frame around every page; built per request for the signed-in user."""
    pages = {str(page["path"]) for page in dash.page_registry.values()}
    return shell(_shell_user(), dash.page_container, pages)


def _background_manager(runtime: Runtime) -> Any:
    """Background callbacks: Celery on Redis when ``COCKPIT_REDIS_URL`` is set, else
    diskcache in the data folder. Results are keyed by the user and their scope, and by a
    server-issued value unique to each request: a job's result is never served to another
    request (nor its job stopped by one)."""
    settings = runtime.settings
    if settings.redis_url:
        try:
            from celery import Celery
        except ImportError as exc:
            raise ConfigurationError(
                "COCKPIT_REDIS_URL is set but Celery is missing: install the 'redis' extra "
                "(pip install 'customer-cockpit[redis]')") from exc
        celery_app = Celery("cockpit", broker=settings.redis_url, backend=settings.redis_url)
        runtime.celery = celery_app
        install_beat(celery_app, runtime)  # `celery -A app:celery_app beat` runs the jobs
        return dash.CeleryManager(celery_app, cache_by=[owner_key, job_nonce], expire=3600)
    import diskcache

    folder = settings.data_dir / "cache" / "background"
    return dash.DiskcacheManager(diskcache.Cache(str(folder)), cache_by=[owner_key, job_nonce],
                                 expire=3600)


def _job_owner_store(runtime: Runtime) -> DiskStore | RedisStore:
    settings = runtime.settings
    if settings.redis_url:
        return RedisStore(settings.redis_url)
    return DiskStore(settings.data_dir / "cache" / "jobs", size_limit=64 << 20)


def create_app(settings: Settings | None = None, runtime: Runtime | None = None) -> dash.Dash:
    """Build the app for ``settings`` (default: the environment). Refuses to start
    (ConfigurationError) when the secret key is unsafe in production."""
    runtime = runtime or build_runtime(settings or load_settings())
    server = Flask(__name__, static_folder=None)
    server.before_request(begin_request)  # the data identity is read once per request
    server.teardown_request(lambda _exc: end_request())
    holder: dict[str, dash.Dash] = {}
    install(server, runtime, csp_hashes=lambda: _csp_hashes(holder["app"]),
            job_owners=_job_owner_store(runtime))
    compression.install(server)  # the static bundles only (see dashboard.web.compression)
    plotly_bundle.install(server)  # the charts' plotly.js: bars and lines only
    app = CockpitDash(
        __name__,
        server=server,
        use_pages=True,
        pages_folder=str(ROOT / "layouts"),
        assets_folder=str(ROOT / "assets"),
        assets_path_ignore=["vendor"],
        external_stylesheets=STYLESHEETS,
        include_pages_meta=False,
        title="Customer cockpit",
        update_title=None,
        serve_locally=True,
        compress=False,
        suppress_callback_exceptions=False,
        background_callback_manager=_background_manager(runtime),
        on_error=handle_callback_error,
        csrf_token_name=cookies.CSRF_COOKIE,
        csrf_header_name=cookies.CSRF_HEADER,
        enable_mcp=False,
        websocket_callbacks=False,
    )
    holder["app"] = app
    bind_runtime(runtime)
    _register_hooks()
    for missing in (dash.exceptions.DependencyException, dash.exceptions.InvalidResourceError):
        server.register_error_handler(missing, not_found)
    app.layout = _shell
    _unknown_pages_answer_404(app)
    callbacks.register(app)
    if runtime.scheduler is None:  # under gunicorn: one runner per worker, one holds the lease
        runtime.scheduler = start_runner(runtime)
    return app


NOT_FOUND_MODULE = "not_found_404"  # the page Dash shows for every unknown path


def is_page(app: dash.Dash, path: str) -> bool:
    """True when ``path`` opens one of the registered pages, matched as Dash's page router
    matches it (its own function, so the two cannot disagree); the not-found page is not
    one."""
    relative = app.strip_relative_path(path)
    if relative is None:
        return False
    page, _variables = _path_to_page(relative)
    return bool(page) and str(page.get("module", "")).rsplit(".", 1)[-1] != NOT_FOUND_MODULE


def _unknown_pages_answer_404(app: dash.Dash) -> None:
    """An address that is no page gets the same page shell (the router draws the friendly
    not-found page in the browser) with status 404 instead of 200. Only Dash's page
    catch-all is concerned: its own endpoints, the assets and the sign-in pages have their
    routes, and a signed-out browser is sent to the sign-in page before any of this."""
    catchall = app.config.routes_pathname_prefix + "<path:path>"

    @app.server.after_request
    def _status(response: Response) -> Response:
        if (request.endpoint == catchall and response.status_code == 200
                and not is_page(app, request.path)):
            response.status_code = 404
        return response


_HOOKS: set[str] = set()


def _register_hooks() -> None:
    """Dash hooks are global: register ours once per process."""
    if "actor" not in _HOOKS:
        _HOOKS.add("actor")
        dash.hooks.custom_data(ACTOR_NAMESPACE)(actor_data)


def _csp_hashes(app: dash.Dash) -> list[str]:
    """``app.csp_hashes()``, recomputed only when Dash adds inline scripts (the pages
    router adds one on the first request)."""
    count = len(app._inline_scripts)  # noqa: SLF001 - the only signal that hashes changed
    cached = getattr(app, "_cockpit_csp", None)
    if cached is None or cached[0] != count:
        cached = (count, app.csp_hashes())
        app._cockpit_csp = cached  # noqa: SLF001
    return cached[1]


_BUILT: dict[str, Any] = {}


# Young-generation threshold of the server's garbage collector (Python's default is 700)
YOUNG_OBJECTS = 50_000


def settle_collector() -> None:
    """Garbage collection tuned for a long-running server process, once the app is built:
    what exists now (modules, callbacks, layouts, catalogs) is moved out of the collector's
    way (``gc.freeze``), and young objects are collected every 50,000 allocations rather
    than 700. A page that reads 50,000 rows otherwise set off a full collection every
    other request, a quarter of a second each over the figure caches' objects (the targets
    page alternated 280 and 600 ms of CPU; the portrait's p95 fell from 460 to 340 ms)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(YOUNG_OBJECTS, 20, 20)


def __getattr__(name: str) -> Any:
    """``app``, ``server`` and (with Redis) ``celery_app`` for ``celery -A app:celery_app
    worker``, built on first access."""
    if name in ("app", "server", "celery_app"):
        if "app" not in _BUILT:
            _BUILT["app"] = create_app()
            _BUILT["server"] = _BUILT["app"].server
            runtime = _BUILT["server"].extensions["cockpit"]
            _BUILT["celery_app"] = runtime.celery
            settle_collector()  # the server's (or a worker's) process: built once, runs long
        return _BUILT[name]
    raise AttributeError(name)
