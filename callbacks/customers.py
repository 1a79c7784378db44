"""Fills and acts on the customer list: the words above it, the grid's pages (one service
call each), the quick search and column chooser, the selection for a coupon campaign, and
the call / visit / comment dialog. The actor always comes from the server."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard import filters as address
from dashboard.analytics.listing import SEARCH_KEY, list_query, parse_search
from dashboard.filters import FOLLOWUPS_PATH
from dashboard.reports.pdf_links import selection_report_href
from dashboard.services import customers as service
from dashboard.services import selections
from layouts import ids
from layouts.components.contact_dialog import ContactDialog, contact_request, saved_text
from layouts.components.export_menu import export_hrefs
from layouts.customer_grid import column_defs, grid_rows
from layouts.customer_words import (
    CAMPAIGN_PATH,
    count_text,
    coupon_href,
    empty_list,
    export_href,
    followup_href,
    headline,
    pickers,
    select_all_text,
    selection_text,
)

COUPON_CLASS = "btn btn-primary btn-sm"
FOLLOWUP_CLASS = "btn btn-outline-primary btn-sm ms-1"


def list_request(query: Any, grid: dict[str, Any]) -> service.ListRequest:
    """The list the address and the grid's request ask for (all of it a request)."""
    return service.ListRequest(filters=address.parse_filters(query),
                               selector=address.parse_selector(query),
                               query=list_query(grid.get("sortModel"), grid.get("filterModel")))


def _portrait_query(query: Any) -> str:
    params = address.query_params(query)
    return address.encode({k: params[k] for k in ("as_of", "period") if params.get(k)})


@callback(Output(ids.CUSTOMERS_HEADLINE, "children"), Output(ids.CUSTOMERS_PICKERS, "children"),
          Input(ids.CUSTOMERS_QUERY, "data"))
def update_customers_header(query: dict[str, Any] | None) -> tuple:
    header = service.get_list_header(current_runtime(), current_actor(),
                                     address.parse_filters(query), address.parse_selector(query))
    return headline(header), pickers(header)


@callback(
    output={"rows": Output(ids.CUSTOMERS_GRID, "getRowsResponse"),
            "count": Output(ids.CUSTOMERS_COUNT, "children"),
            "export": Output(ids.CUSTOMERS_EXPORT, "href"),
            "view": Output(ids.CUSTOMERS_VIEW, "data"),
            "empty": Output(ids.CUSTOMERS_EMPTY, "children"),
            "hide_empty": Output(ids.CUSTOMERS_EMPTY, "hidden"),
            "select_all": Output(ids.CUSTOMERS_SELECT_ALL, "children")},
    inputs={"request": Input(ids.CUSTOMERS_GRID, "getRowsRequest"),
            "query": State(ids.CUSTOMERS_QUERY, "data")},
    prevent_initial_call=True)
def update_customers_rows(request: dict[str, Any] | None,
                          query: dict[str, Any] | None) -> dict[str, Any]:
    if not isinstance(request, dict):
        raise PreventUpdate
    start, end = int(request.get("startRow") or 0), int(request.get("endRow") or 100)
    page = service.get_customer_page(current_runtime(), current_actor(),
                                     list_request(query, request), start, end)
    rows = grid_rows(page.rows, page.currency, _portrait_query(query), page.badges)
    empty = page.total == 0
    return {"rows": {"rowData": rows, "rowCount": page.total},
            "count": count_text(page.total), "export": export_href(page.view_token),
            "view": page.view_token, "empty": empty_list() if empty else None,
            "hide_empty": not empty, "select_all": select_all_text(page.total)}


@callback(Output(ids.CUSTOMERS_GRID, "filterModel"), Input(ids.CUSTOMERS_SEARCH, "value"),
          State(ids.CUSTOMERS_GRID, "filterModel"), prevent_initial_call=True)
def update_customers_search(text: str | None, model: dict[str, Any] | None) -> dict[str, Any]:
    """The quick search rides in the grid's filter model (a hidden column), so the grid
    reloads from the first page and every request carries it."""
    kept = {k: v for k, v in (model or {}).items() if k != SEARCH_KEY}
    words = parse_search(text)
    if words:
        kept[SEARCH_KEY] = {"filterType": "text", "type": "contains", "filter": words}
    return kept


@callback(Output(ids.CUSTOMERS_GRID, "columnDefs"), Input(ids.CUSTOMERS_COLUMNS, "value"))
def update_customers_columns(shown: list[str] | None) -> list[dict[str, Any]]:
    return column_defs(shown if isinstance(shown, list) else None)


@callback(
    output={"selection": Output(ids.CUSTOMERS_SELECTION, "data"),
            "text": Output(ids.CUSTOMERS_SELECTION_TEXT, "children"),
            "coupon_href": Output(ids.CUSTOMERS_COUPON, "href"),
            "coupon_class": Output(ids.CUSTOMERS_COUPON, "className"),
            "deselect": Output(ids.CUSTOMERS_GRID, "deselectAll"),
            "reports": Output(ids.CUSTOMERS_REPORTS, "disabled"),
            "report_pdf": Output(ids.CUSTOMERS_REPORT_PDF, "href"),
            "report_zip": Output(ids.CUSTOMERS_REPORT_ZIP, "href"),
            "followup_href": Output(ids.CUSTOMERS_FOLLOWUP, "href"),
            "followup_class": Output(ids.CUSTOMERS_FOLLOWUP, "className")},
    inputs={"rows": Input(ids.CUSTOMERS_GRID, "selectedRows"),
            "_all": Input(ids.CUSTOMERS_SELECT_ALL, "n_clicks"),
            "_clear": Input(ids.CUSTOMERS_CLEAR, "n_clicks"),
            "current": State(ids.CUSTOMERS_SELECTION, "data"),
            "view_token": State(ids.CUSTOMERS_VIEW, "data"),
            "query": State(ids.CUSTOMERS_QUERY, "data")},
    prevent_initial_call=True)
def update_customers_selection(rows: Any, _all: int | None, _clear: int | None,
                               current: dict[str, Any] | None,
                               view_token: Any, query: Any = None) -> dict[str, Any]:
    runtime, actor, trigger = current_runtime(), current_actor(), ctx.triggered_id
    token = (current or {}).get("token")
    clear = no_update
    if trigger == ids.CUSTOMERS_SELECT_ALL:
        token, count = service.select_matching(runtime, actor, view_token, token)
        source = "matching"
    else:
        picked = [] if trigger == ids.CUSTOMERS_CLEAR or not isinstance(rows, list) else [
            r.get("customer_id") for r in rows if isinstance(r, dict)]
        if not picked and not token:
            raise PreventUpdate
        token = selections.store_selection(runtime, actor, picked, token=token)
        count, source = len(set(picked)), "picked"
        clear = True if trigger == ids.CUSTOMERS_CLEAR else no_update
    usable = count > 0
    return {"selection": {"token": token, "count": count, "source": source},
            "text": selection_text(count, source),
            "coupon_href": coupon_href(token) if usable else CAMPAIGN_PATH,
            "coupon_class": COUPON_CLASS if usable else COUPON_CLASS + " disabled",
            "deselect": clear, "reports": not usable,
            "report_pdf": (selection_report_href(token, address.query_params(query))
                           if usable else ""),
            "report_zip": (selection_report_href(token, address.query_params(query), as_zip=True)
                           if usable else ""),
            "followup_href": followup_href(token) if usable else FOLLOWUPS_PATH,
            "followup_class": FOLLOWUP_CLASS if usable else FOLLOWUP_CLASS + " disabled"}


@callback(Output(ContactDialog.ids.request(ids.CUSTOMERS_CONTACT), "data"),
          Input(ids.CUSTOMERS_GRID, "cellRendererData"), prevent_initial_call=True)
def open_customers_contact(cell: Any) -> dict[str, Any]:
    """A row's call or comment button opens the dialog for that row's customer."""
    value = cell.get("value") if isinstance(cell, dict) else None
    if not isinstance(value, dict):
        raise PreventUpdate
    return contact_request(value.get("customer"), str(value.get("action")))


@callback(Output(ids.CUSTOMERS_RESULT, "children"), Output(ids.CUSTOMERS_RESULT, "is_open"),
          Input(ContactDialog.ids.saved(ids.CUSTOMERS_CONTACT), "data"),
          prevent_initial_call=True)
def update_customers_result(saved: Any) -> tuple[str, bool]:
    if not isinstance(saved, dict):
        raise PreventUpdate
    return saved_text(str(saved.get("kind")), str(saved.get("name"))), True


@callback(
    Output({"type": ids.CUSTOMERS_DOWNLOADS, "index": ALL}, "href"),
    Input(ids.CUSTOMERS_VIEW, "data"),
)
def point_customer_downloads(view_token: Any) -> list[str]:
    """The download menu exports the rows the grid shows (the view it saved)."""
    return export_hrefs(ctx.outputs_list, view=view_token if isinstance(view_token, str)
                        else None)
