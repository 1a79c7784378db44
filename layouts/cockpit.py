"""The cockpit overview at ``/`` (UI.md "Overview page"): KPI cards against the previous
period, customer status, ABC tiers, the tier movement matrix, surges and drops, and how right
the churn flags were. Every count links to exactly those customers (``dashboard/filters.py``).

The page is a skeleton; ``callbacks/cockpit.py`` fills it from one service call. The address
(the filter bar's query) is handed to the callback through a store, so the figures follow
the address and a view is a shareable link.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.filters import COCKPIT_PATH, query_params
from dashboard.i18n import _
from layouts import ids
from layouts.components.cards import kpi_skeleton, panel
from layouts.components.contact_dialog import ContactDialog
from layouts.components.states import skeleton


def title() -> str:
    return _("Cockpit") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=COCKPIT_PATH, name="Cockpit", title=lambda **_kw: title(),
                   filters=True)

KPI_COUNT = 7


def _slot(slot_id: str, heading: str, lines: int = 5) -> html.Div:
    return html.Div(panel(heading, skeleton(lines)), id=slot_id, className="h-100")


def layout(**query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.COCKPIT_QUERY, data=query_params(query)),
        html.Div(html.Div(html.H1(_("Cockpit")), className="page-headline"),
                 id=ids.COCKPIT_HEADLINE),
        html.Div(id=ids.COCKPIT_EMPTY),
        dbc.Alert(id=ids.COCKPIT_RESULT, is_open=False, dismissable=True, duration=6000,
                  color="success"),
        ContactDialog(ids.COCKPIT_CONTACT),
        dcc.Store(id=ids.COCKPIT_CALL_CLICKED),
        html.Div([
            html.Div([kpi_skeleton() for _i in range(KPI_COUNT)], id=ids.COCKPIT_KPIS,
                     className="kpi-grid"),
            dbc.Row([
                dbc.Col(_slot(ids.COCKPIT_CALL_FIRST, _("Call first"), 6), lg=8),
                dbc.Col(_slot(ids.COCKPIT_BACKTEST, _("How right were we?"), 6), lg=4),
            ], className="g-3 panel-row"),
            dbc.Row([
                dbc.Col(_slot(ids.COCKPIT_STATUS, _("Customer status")), lg=4),
                dbc.Col(_slot(ids.COCKPIT_TIERS, _("ABC tiers")), lg=4),
                dbc.Col(_slot(ids.COCKPIT_MATRIX, _("Tier movement")), lg=4),
            ], className="g-3 panel-row"),
            _slot(ids.COCKPIT_MOVERS, _("Surges and drops"), 8),
        ], id=ids.COCKPIT_PANELS),
    ], className="container-fluid cockpit-page")
