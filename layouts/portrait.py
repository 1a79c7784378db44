"""The customer portrait at ``/customer/<code>`` (客户画像; UI.md "Customer portrait").

Header: name, code, type, tier now and before, status, account manager, region, phone and
e-mail as click-to-call and mail links, and the actions (send a coupon, log a call or visit,
add a comment). Cards: revenue by month against last year and the target, risk over time,
the prediction in words, buying behaviour, purchase preferences, money, campaigns, the
merged timeline, and discovery (not available yet).

The page is a skeleton: ``callbacks/portrait.py`` fills it from one service call. An unknown
customer and one outside the user's scope get the same "not found" words.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.filters import CUSTOMER_PATH_TEMPLATE, query_params
from dashboard.i18n import _
from layouts import ids
from layouts.components.cards import panel
from layouts.components.contact_dialog import ContactDialog
from layouts.components.states import skeleton
from layouts.customer_words import CAMPAIGN_PATH
from layouts.portrait_head import customer_code


def title(code: str | None = None, **_query: Any) -> str:
    return _("Customer") + " · " + _("Customer cockpit")


dash.register_page(__name__, path_template=CUSTOMER_PATH_TEMPLATE, name="Customer",
                   title=title)


def _slot(slot_id: str, heading: str, lines: int = 5) -> html.Div:
    return html.Div(panel(heading, skeleton(lines)), id=slot_id, className="h-100")


def _actions() -> html.Div:
    return html.Div([
        html.A([html.I(className="bi bi-ticket-perforated me-1"), _("Send coupon…")],
               id=ids.PORTRAIT_COUPON, href=CAMPAIGN_PATH,
               className="btn btn-primary btn-sm disabled", **{"aria-disabled": "true"}),
        dbc.Button([html.I(className="bi bi-telephone-plus me-1"), _("Log call or visit")],
                   id=ids.PORTRAIT_CALL, color="secondary", outline=True, size="sm"),
        dbc.Button([html.I(className="bi bi-chat-left-text me-1"), _("Add comment")],
                   id=ids.PORTRAIT_COMMENT, color="secondary", outline=True, size="sm"),
    ], className="portrait-actions")


def layout(code: str | None = None, **query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.PORTRAIT_QUERY, data={**query_params(query),
                                               "code": customer_code(code)}),
        dcc.Store(id=ids.PORTRAIT_REFRESH, data=0),
        dcc.Store(id=ids.PORTRAIT_CUSTOMER),
        dcc.Location(id=ids.PORTRAIT_GO, refresh=True),
        html.Div([html.Div(skeleton(2), id=ids.PORTRAIT_HEADER, className="flex-grow-1"),
                  _actions()], className="portrait-head"),
        dbc.Alert(id=ids.PORTRAIT_RESULT, is_open=False, dismissable=True, duration=6000,
                  color="success", className="py-2"),
        html.Div(id=ids.PORTRAIT_MISSING),
        html.Div([
            dbc.Row([dbc.Col(_slot(ids.PORTRAIT_REVENUE, _("Revenue by month")), lg=8),
                     dbc.Col(_slot(ids.PORTRAIT_PREDICTION, _("Prediction")), lg=4)],
                    className="g-3 panel-row"),
            dbc.Row([dbc.Col(_slot(ids.PORTRAIT_RISK, _("Chance of stopping over time")), lg=6),
                     dbc.Col(_slot(ids.PORTRAIT_MONEY, _("Money")), lg=6)],
                    className="g-3 panel-row"),
            dbc.Row([dbc.Col(_slot(ids.PORTRAIT_BEHAVIOUR, _("Buying behaviour")), lg=8),
                     dbc.Col(_slot(ids.PORTRAIT_VALUE, _("Value and headroom")), lg=4)],
                    className="g-3 panel-row"),
            dbc.Row([dbc.Col(_slot(ids.PORTRAIT_PREFERENCES, _("Purchase preferences")), lg=7),
                     dbc.Col(_slot(ids.PORTRAIT_DISCOVERY, _("Discovery and cross-sell")),
                             lg=5)], className="g-3 panel-row"),
            dbc.Row([dbc.Col(_slot(ids.PORTRAIT_TIMELINE, _("Timeline"), 8), lg=8),
                     dbc.Col(_slot(ids.PORTRAIT_CAMPAIGNS, _("Campaigns")), lg=4)],
                    className="g-3 panel-row"),
        ], id=ids.PORTRAIT_BODY),
        ContactDialog(ids.PORTRAIT_CONTACT),
    ], className="container-fluid cockpit-page portrait-page")


__all__ = ["layout", "title"]
