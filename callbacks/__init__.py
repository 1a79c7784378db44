"""Callbacks, one module per page (same stem as its page in ``layouts/``).

Callbacks are declared with :func:`callback` (same arguments as ``dash.callback``) and bound to
an app by :func:`register`, so that every app built by ``create_app`` (one per test, one per
worker) gets all of them, and each function stays a plain function that tests can call.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

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
    """Bind every declared callback to ``app``."""
    _import_all()
    for args, kwargs, fn in _REGISTRY:
        app.callback(*args, **kwargs)(fn)
