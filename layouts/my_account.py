"""A customer's own page at ``/my`` (SPEC "Customer sign-in"): their purchases by month and by
category, and their target progress, read-only, in their language.

The page is a skeleton; ``callbacks/my_account.py`` fills it from one service call. Only a
customer's own sign-in has this page (staff get the "not allowed" message); their sign-in
opens nothing else (``dashboard.web.customer_gate``).
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.filters import MY_PATH
from dashboard.i18n import _
from layouts import ids
from layouts.components.cards import kpi_skeleton, panel
from layouts.components.states import skeleton


def title(**_query: Any) -> str:
    return _("My purchases") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=MY_PATH, name="My purchases", title=title)


def _slot(slot_id: str, heading: str, lines: int = 5) -> html.Div:
    return html.Div(panel(heading, skeleton(lines)), id=slot_id, className="h-100")


def layout(**_query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.MY_REQUEST, data=0),
        html.Div(skeleton(2), id=ids.MY_HEADER, className="portrait-head"),
        html.Div([kpi_skeleton() for _i in range(3)], id=ids.MY_KPIS, className="kpi-grid"),
        dbc.Row([dbc.Col(_slot(ids.MY_MONTHLY, _("Purchases by month")), lg=7),
                 dbc.Col(_slot(ids.MY_CATEGORIES, _("Purchases by category")), lg=5)],
                className="g-3 panel-row"),
        dbc.Row([dbc.Col(_slot(ids.MY_TARGETS, _("Target progress")), lg=12)],
                className="g-3 panel-row"),
        html.Div(id=ids.MY_SUGGESTIONS),
    ], className="container-fluid cockpit-page my-page")


__all__ = ["layout", "title"]
