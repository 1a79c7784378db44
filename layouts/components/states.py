"""Loading skeletons, empty states and error alerts: what a card shows before, instead of,
or when it cannot show its figures."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import html

from dashboard.i18n import _


def skeleton(lines: int = 3, *, block: bool = False, label: str | None = None) -> html.Div:
    """A grey shimmering placeholder of ``lines`` text lines (or one block)."""
    text = label or _("Loading…")
    if block:
        parts: list[Any] = [html.Div(className="skeleton skeleton-block")]
    else:
        parts = [html.Div(className="skeleton skeleton-line",
                          style={"width": f"{95 - 12 * (i % 3)}%"}) for i in range(lines)]
    return html.Div([*parts, html.Span(text, className="visually-hidden")],
                    role="status", **{"aria-busy": "true"})


def empty_state(title: str, text: str = "", action: Any = None,
                icon: str = "bi-inbox") -> html.Div:
    """A friendly "nothing here" message with an optional next step."""
    return html.Div([
        html.Div(html.I(className=f"bi {icon}"), className="empty-icon", **{"aria-hidden":
                                                                             "true"}),
        html.H2(title, className="h5 mt-2"),
        html.P(text, className="mb-2") if text else None,
        action,
    ], className="empty-state")


def error_alert(text: str, *, color: str = "warning") -> dbc.Alert:
    """A message in place of a card that could not be filled."""
    return dbc.Alert([html.I(className="bi bi-exclamation-triangle me-2"), text],
                     color=color, className="mb-0")


__all__ = ["empty_state", "error_alert", "skeleton"]
