"""A campaign's results at ``/campaigns/<id>``: recipients, sent, failed, outcome unknown,
held out, cannot be reached, redeemed and the revenue of the redeeming orders; what the
coupon did against the comparison group, in words (orders and revenue per customer in the
days after sending, with the 95 % range, honest when the group is too small or the days have
not passed yet); the coupon, the message and where the customers came from; and every
recipient with the outcome of their message (the grid, and the CSV file).

While messages are still waiting, a progress bar follows them (and the campaign's author,
an owner or the team's manager may send them now). The page is a skeleton that
``callbacks/campaign_results.py`` fills.

Dash matches addresses against the pages in the order of their module names, and this
page's ``/campaigns/<campaign_id>`` would also match ``/campaigns/new``: the module is named
so that it sorts after ``campaign_new`` (a test holds the order).
"""

from __future__ import annotations

import secrets
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.filters import CAMPAIGN_PATH_TEMPLATE
from dashboard.i18n import (
    N_,
    _,
    current_language,
    ngettext,
)
from layouts import ids
from layouts.campaign_list_parts import REFRESH_MS, grid_height, grid_locale
from layouts.components.campaign_parts import (
    progress_bar,
)
from layouts.components.cards import kpi_skeleton, panel
from layouts.components.export_menu import export_menu
from layouts.components.states import skeleton

WINDOW_CHOICES = (7, 14, 30, 60, 90)
RECIPIENT_DOWNLOADS = (("campaign-recipients", "xlsx", N_("Every recipient")),
                       ("campaign-recipients", "csv", N_("Every recipient")))
GRID_COLUMNS = (  # field, label, width, renderer
    ("name", N_("Customer"), 210, "RecipientLink"),
    ("code", N_("Code"), 100, None),
    ("status", N_("Outcome"), 150, "OutcomeBadge"),
    ("address", N_("Sent to"), 200, None),
    ("coupon_code", N_("Coupon code"), 145, None),
    ("sent_at", N_("Sent"), 140, None),
    ("redeemed_at", N_("Redeemed"), 110, None),
    ("redeemed_amount", N_("Order amount"), 115, None),
    ("last_error", N_("What happened"), 200, None),
)


def title(campaign_id: str | None = None, **_query: Any) -> str:
    return _("Campaign") + " · " + _("Customer cockpit")


dash.register_page(__name__, path_template=CAMPAIGN_PATH_TEMPLATE, name="Campaign",
                   title=title)


def _window_select() -> html.Div:
    return html.Div([
        html.Label(_("Days to compare"), htmlFor=ids.CAMPAIGN_WINDOW,
                   className="visually-hidden"),
        dbc.Select(id=ids.CAMPAIGN_WINDOW, size="sm", value="30",
                   options=[{"label": ngettext("{n} day after sending",
                                               "{n} days after sending", n),
                             "value": str(n)} for n in WINDOW_CHOICES],
                   className="window-select")])


def grid_defs() -> list[dict[str, Any]]:
    defs = []
    for field, label, width, renderer in GRID_COLUMNS:
        spec: dict[str, Any] = {"field": field, "headerName": _(label), "width": width,
                                "minWidth": int(width * 0.75), "headerTooltip": _(label)}
        if renderer:
            spec["cellRenderer"] = renderer
        if field == "name":
            spec.update(pinned="left", tooltipField="name")
        if field == "code":  # a code does not break: never narrower than it
            spec["minWidth"] = width
        if field == "redeemed_amount":
            spec["type"] = "rightAligned"
        if field in ("code", "address", "coupon_code", "last_error"):
            spec["tooltipField"] = field  # the full text on hover
        if field in ("name", "address", "coupon_code", "sent_at", "last_error"):
            # long texts wrap (the row grows)
            spec.update(wrapText=True, autoHeight=True, cellClass="cell-wrap")
        defs.append(spec)
    return defs


def _recipients(campaign_id: str | None) -> html.Section:
    toolbar = html.Div([
        html.Label(_("Search recipients"), htmlFor=ids.CAMPAIGN_SEARCH,
                   className="visually-hidden"),
        dbc.Input(id=ids.CAMPAIGN_SEARCH, type="search", size="sm", debounce=300,
                  maxLength=120, className="list-search",
                  placeholder=_("Search name, code, address, coupon code, outcome")),
        html.Div(id=ids.CAMPAIGN_COUNT, className="list-count"),
        dbc.Button([html.I(className="bi bi-download me-1"), _("Export CSV")],
                   id=ids.CAMPAIGN_EXPORT, color="light", size="sm"),
        dcc.Download(id=ids.CAMPAIGN_DOWNLOAD),
        export_menu(ids.CAMPAIGN_DOWNLOADS, RECIPIENT_DOWNLOADS, campaign=campaign_id),
    ], className="list-toolbar")
    grid = dag.AgGrid(
        id=ids.CAMPAIGN_GRID, columnDefs=grid_defs(), rowData=[],
        columnSize="responsiveSizeToFit",
        defaultColDef={"resizable": True, "sortable": True, "filter": False,
                       "wrapHeaderText": True, "autoHeaderHeight": True},
        getRowId="params.data.row_id",
        dashGridOptions={"rowHeight": 34, "headerHeight": 36, "tooltipShowDelay": 400,
                         "animateRows": False, "quickFilterText": "",
                         "pagination": True, "paginationPageSize": 100,
                         "paginationPageSizeSelector": False,
                         "localeText": grid_locale(_("No recipients."))},
        className="ag-theme-alpine campaign-grid", style=grid_height(0))
    return panel(_("Recipients"), [toolbar, grid])


def layout(campaign_id: str | None = None, **_query: Any) -> html.Div:
    send = dbc.Button([html.I(className="bi bi-send me-1"), _("Send the waiting messages now")],
                      id=ids.CAMPAIGN_SEND, color="primary", size="sm", className="d-none")
    progress = html.Div(panel(_("Sending"), [
        progress_bar(ids.CAMPAIGN_PROGRESS, ids.CAMPAIGN_PROGRESS_TEXT),
        html.Div([send, html.Span(id=ids.CAMPAIGN_SEND_RESULT, className="small ms-2")],
                 className="mt-2")]), id=ids.CAMPAIGN_PROGRESS_PANEL, hidden=True,
        className="panel-row")
    return html.Div([
        # "load" differs on every visit: a background send started again after a reload is
        # a new job, never the answer Dash cached for the same inputs before.
        dcc.Store(id=ids.CAMPAIGN_QUERY, data={"id": str(campaign_id or "")[:20],
                                               "language": current_language(),
                                               "load": secrets.token_hex(8)}),
        dcc.Store(id=ids.CAMPAIGN_REFRESH, data=0),
        dcc.Interval(id=ids.CAMPAIGN_INTERVAL, interval=REFRESH_MS, disabled=True),
        html.Div(skeleton(2), id=ids.CAMPAIGN_HEADER),
        html.Div(id=ids.CAMPAIGN_MISSING),
        html.Div([
            progress,
            html.Div([kpi_skeleton() for _i in range(8)], id=ids.CAMPAIGN_KPIS,
                     className="kpi-grid"),
            dbc.Row([
                dbc.Col(panel(_("What the coupon did"), html.Div(skeleton(4),
                                                                  id=ids.CAMPAIGN_UPLIFT),
                              note=_window_select()), lg=7),
                dbc.Col(panel(_("Coupon and message"), html.Div(skeleton(4),
                                                                 id=ids.CAMPAIGN_DETAILS)),
                        lg=5),
            ], className="g-3 panel-row"),
            html.Div(_recipients(campaign_id), className="panel-row"),
        ], id=ids.CAMPAIGN_BODY),
    ], className="container-fluid cockpit-page campaign-page")


__all__ = ["WINDOW_CHOICES", "grid_defs", "layout", "title"]
