"""Callbacks, one module per page (same stem as its page in ``layouts/``).

Callbacks are declared with :func:`callback` (same arguments as ``dash.callback``) and bound to
an app by :func:`register`, so that every app built by ``create_app`` (one per test, one per
worker) gets all of them, and each function stays a plain function that tests can call.

``register`` binds each function behind the input check of ``callbacks._inputs`` (every value
against the declared type of its parameter; a forged value is refused and audited, never an
exception) and puts the request check of ``dashboard.web.callback_guard`` in front of Dash's
callback endpoint (malformed requests answer 400).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from callbacks._inputs import checked
from callbacks._runtime import refuse_input
from dashboard.web import callback_guard

_REGISTRY: list[tuple[tuple[Any, ...], dict[str, Any], Callable[..., Any]]] = []


def callback(*args: Any, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY.append((args, kwargs, fn))
        return fn

    return decorate


def _import_all() -> None:
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")


def register(app: Any) -> None:
    """Bind every declared callback to ``app`` (behind the input check), and check every
    callback request before Dash dispatches it."""
    _import_all()
    for args, kwargs, fn in _REGISTRY:
        app.callback(*args, **kwargs)(checked(fn, refuse_input))
    callback_guard.install(app.server, lambda: app.callback_map,
                           endpoint=app.config.routes_pathname_prefix + "_dash-update-component")
