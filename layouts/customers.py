"""The customer list at ``/customers`` (UI.md "Lists"; the ERP's customer analysis list).

The address is the list: the filter bar's query and a list selector (``layouts/links.py``),
so every count on the cockpit opens exactly its customers here. Above the grid the page says
in words which filter produced the list, with one-click choices of status and tier; the
toolbar has the quick search, the column chooser and the CSV export of the rows shown; the
selection bar keeps the rows ticked across pages ("select all N matching" too) for the coupon
campaign; every row has "log a call or visit" and "add a comment" buttons.

The page is a skeleton: ``callbacks/customers.py`` fills it, the grid asks the server for
its rows page by page.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import _
from layouts import ids
from layouts.components.contact_form import ContactIds, contact_modal
from layouts.components.states import skeleton
from layouts.customer_grid import DEFAULT_SHOWN, column_options, customer_grid
from layouts.customer_words import CAMPAIGN_PATH, EXPORT_PATH
from layouts.links import query_params

CONTACT_IDS = ContactIds(
    modal=ids.CUSTOMERS_CONTACT_MODAL, title=ids.CUSTOMERS_CONTACT_TITLE,
    target=ids.CUSTOMERS_CONTACT_TARGET, kind=ids.CUSTOMERS_CONTACT_KIND,
    outcome=ids.CUSTOMERS_CONTACT_OUTCOME, note=ids.CUSTOMERS_CONTACT_NOTE,
    save=ids.CUSTOMERS_CONTACT_SAVE, cancel=ids.CUSTOMERS_CONTACT_CANCEL,
    error=ids.CUSTOMERS_CONTACT_ERROR)


def title() -> str:
    return _("Customers") + " · " + _("Customer cockpit")


dash.register_page(__name__, path="/customers", name="Customers",
                   title=lambda **_kw: title(), filters=True)


def _toolbar() -> html.Div:
    chooser = html.Div([
        dbc.Button([html.I(className="bi bi-layout-three-columns me-1"), _("Columns")],
                   id=ids.CUSTOMERS_COLUMNS_BUTTON, color="light", size="sm"),
        dbc.Popover(dbc.PopoverBody(dbc.Checklist(
            id=ids.CUSTOMERS_COLUMNS, options=column_options(), value=DEFAULT_SHOWN,
            persistence=True, persistence_type="local", className="column-list")),
            target=ids.CUSTOMERS_COLUMNS_BUTTON, trigger="legacy", placement="bottom"),
    ], className="column-chooser")
    return html.Div([
        html.Label(_("Search customers"), htmlFor=ids.CUSTOMERS_SEARCH,
                   className="visually-hidden"),
        dbc.InputGroup([
            dbc.InputGroupText(html.I(className="bi bi-search", **{"aria-hidden": "true"})),
            dbc.Input(id=ids.CUSTOMERS_SEARCH, type="search", debounce=500, size="sm",
                      maxLength=120, autoComplete="off",
                      placeholder=_("Search name, code, phone, e-mail, region, manager")),
        ], size="sm", className="list-search"),
        html.Div(skeleton(1), id=ids.CUSTOMERS_COUNT, className="list-count"),
        chooser,
        html.A([html.I(className="bi bi-download me-1"), _("Export CSV")],
               id=ids.CUSTOMERS_EXPORT, href=EXPORT_PATH, className="btn btn-light btn-sm",
               title=_("Download the rows shown as a CSV file")),
    ], className="list-toolbar")


def _selection_bar() -> html.Div:
    return html.Div([
        html.Span(_("Tick customers to select them; the selection is kept across pages."),
                  id=ids.CUSTOMERS_SELECTION_TEXT, className="selection-text"),
        dbc.Button(_("Select all matching"), id=ids.CUSTOMERS_SELECT_ALL, size="sm",
                   color="link"),
        dbc.Button(_("Clear selection"), id=ids.CUSTOMERS_CLEAR, size="sm", color="link"),
        html.A([html.I(className="bi bi-ticket-perforated me-1"), _("Send coupon…")],
               id=ids.CUSTOMERS_COUPON, href=CAMPAIGN_PATH,
               className="btn btn-primary btn-sm disabled", **{"aria-disabled": "true"}),
    ], className="selection-bar")


def layout(**query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.CUSTOMERS_QUERY, data=query_params(query)),
        dcc.Store(id=ids.CUSTOMERS_VIEW),
        dcc.Store(id=ids.CUSTOMERS_SELECTION),
        html.Div(html.Div(html.H1(_("Customers")), className="page-headline"),
                 id=ids.CUSTOMERS_HEADLINE),
        html.Div(id=ids.CUSTOMERS_PICKERS, className="list-pickers"),
        _toolbar(),
        _selection_bar(),
        dbc.Alert(id=ids.CUSTOMERS_RESULT, is_open=False, dismissable=True, duration=6000,
                  color="success", className="py-2"),
        html.Div(id=ids.CUSTOMERS_EMPTY, hidden=True),
        html.Div(customer_grid(), className="grid-frame"),
        contact_modal(CONTACT_IDS),
    ], className="container-fluid cockpit-page customers-page")


__all__ = ["CONTACT_IDS", "layout", "title"]
