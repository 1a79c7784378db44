"""The customer list at ``/customers`` (UI.md "Lists"; the ERP's customer analysis list).

The address is the list: the filter bar's query and a list selector (``dashboard/filters.py``),
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

from dashboard.filters import CUSTOMERS_PATH, FOLLOWUPS_PATH, query_params
from dashboard.i18n import N_, _
from layouts import ids
from layouts.components.contact_dialog import ContactDialog
from layouts.components.export_menu import export_menu
from layouts.components.states import skeleton
from layouts.customer_grid import DEFAULT_SHOWN, column_options, customer_grid
from layouts.customer_words import CAMPAIGN_PATH, EXPORT_PATH

CUSTOMER_DOWNLOADS = (  # the rows shown; the report adds every scheme's band and the segments
    ("customers", "xlsx", N_("The rows shown")), ("customers", "csv", N_("The rows shown")),
    ("customer-report", "xlsx", N_("Report with every scheme and segment")),
    ("customer-report", "csv", N_("Report with every scheme and segment")),
)


def title() -> str:
    return _("Customers") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=CUSTOMERS_PATH, name="Customers",
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
        export_menu(ids.CUSTOMERS_DOWNLOADS, CUSTOMER_DOWNLOADS),
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
        dbc.DropdownMenu([
            dbc.DropdownMenuItem(_("One PDF, a section per customer"),
                                 id=ids.CUSTOMERS_REPORT_PDF, href="", external_link=True),
            dbc.DropdownMenuItem(_("A zip of one PDF per customer"),
                                 id=ids.CUSTOMERS_REPORT_ZIP, href="", external_link=True),
        ], id=ids.CUSTOMERS_REPORTS, label=_("PDF reports"), size="sm", color="light",
            disabled=True, toggle_class_name="report-menu-toggle"),
        html.A([html.I(className="bi bi-check2-square me-1"), _("Assign follow-up…")],
               id=ids.CUSTOMERS_FOLLOWUP, href=FOLLOWUPS_PATH,
               className="btn btn-outline-primary btn-sm ms-1 disabled",
               **{"aria-disabled": "true"}),
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
        ContactDialog(ids.CUSTOMERS_CONTACT),
    ], className="container-fluid cockpit-page customers-page")


__all__ = ["layout", "title"]
