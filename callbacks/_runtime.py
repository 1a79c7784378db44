"""Access to the app's :class:`~dashboard.runtime.Runtime` from inside a request."""

from __future__ import annotations

from flask import current_app

from dashboard.runtime import Runtime


def current_runtime() -> Runtime:
    return current_app.extensions["cockpit"]
