"""Fills and acts on the customer list: the words above it, the grid's pages (one service
call each), the quick search and column chooser, the selection for a coupon campaign, and
the call / visit / comment dialog. The actor always comes from the server."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime, error_text
from dashboard.analytics.listing import SEARCH_KEY, list_query, parse_search
from dashboard.errors import CockpitError
from dashboard.services import contacts, selections
from dashboard.services import customers as service
from layouts import ids, links
from layouts.components.contact_form import modal_title, saved_text
from layouts.customer_grid import column_defs, grid_rows
from layouts.customer_words import (
    CAMPAIGN_PATH,
    count_text,
    coupon_href,
    empty_list,
    export_href,
    headline,
    pickers,
    select_all_text,
    selection_text,
)

COUPON_CLASS = "btn btn-primary btn-sm"


def list_request(query: Any, grid: dict[str, Any]) -> service.ListRequest:
    """The list the address and the grid's request ask for (all of it a request)."""
    return service.ListRequest(filters=links.parse_filters(query),
                               selector=links.parse_selector(query),
                               query=list_query(grid.get("sortModel"), grid.get("filterModel")))


def _portrait_query(query: Any) -> str:
    params = links.query_params(query)
    return links.encode({k: params[k] for k in ("as_of", "period") if params.get(k)})


@callback(Output(ids.CUSTOMERS_HEADLINE, "children"), Output(ids.CUSTOMERS_PICKERS, "children"),
          Input(ids.CUSTOMERS_QUERY, "data"))
def update_customers_header(query: dict[str, Any] | None) -> tuple:
    header = service.get_list_header(current_runtime(), current_actor(),
                                     links.parse_filters(query), links.parse_selector(query))
    return headline(header), pickers(header)


@callback(
    Output(ids.CUSTOMERS_GRID, "getRowsResponse"), Output(ids.CUSTOMERS_COUNT, "children"),
    Output(ids.CUSTOMERS_EXPORT, "href"), Output(ids.CUSTOMERS_VIEW, "data"),
    Output(ids.CUSTOMERS_EMPTY, "children"), Output(ids.CUSTOMERS_EMPTY, "hidden"),
    Output(ids.CUSTOMERS_SELECT_ALL, "children"),
    Input(ids.CUSTOMERS_GRID, "getRowsRequest"), State(ids.CUSTOMERS_QUERY, "data"),
    prevent_initial_call=True)
def update_customers_rows(request: dict[str, Any] | None, query: dict[str, Any] | None) -> tuple:
    if not isinstance(request, dict):
        raise PreventUpdate
    start, end = int(request.get("startRow") or 0), int(request.get("endRow") or 100)
    page = service.get_customer_page(current_runtime(), current_actor(),
                                     list_request(query, request), start, end)
    rows = grid_rows(page.rows, page.currency, _portrait_query(query))
    empty = page.total == 0
    return ({"rowData": rows, "rowCount": page.total}, count_text(page.total),
            export_href(page.view_token), page.view_token, empty_list() if empty else None,
            not empty, select_all_text(page.total))


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
    Output(ids.CUSTOMERS_SELECTION, "data"), Output(ids.CUSTOMERS_SELECTION_TEXT, "children"),
    Output(ids.CUSTOMERS_COUPON, "href"), Output(ids.CUSTOMERS_COUPON, "className"),
    Output(ids.CUSTOMERS_GRID, "deselectAll"),
    Input(ids.CUSTOMERS_GRID, "selectedRows"), Input(ids.CUSTOMERS_SELECT_ALL, "n_clicks"),
    Input(ids.CUSTOMERS_CLEAR, "n_clicks"), State(ids.CUSTOMERS_SELECTION, "data"),
    State(ids.CUSTOMERS_VIEW, "data"), prevent_initial_call=True)
def update_customers_selection(rows: Any, _all: int | None, _clear: int | None,
                               current: dict[str, Any] | None, view_token: Any) -> tuple:
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
    return ({"token": token, "count": count, "source": source}, selection_text(count, source),
            coupon_href(token) if usable else CAMPAIGN_PATH,
            COUPON_CLASS if usable else COUPON_CLASS + " disabled", clear)


@callback(
    Output(ids.CUSTOMERS_CONTACT_MODAL, "is_open"), Output(ids.CUSTOMERS_CONTACT_TITLE, "children"),
    Output(ids.CUSTOMERS_CONTACT_TARGET, "data"), Output(ids.CUSTOMERS_CONTACT_KIND, "value"),
    Output(ids.CUSTOMERS_CONTACT_NOTE, "value"), Output(ids.CUSTOMERS_CONTACT_ERROR, "children"),
    Output(ids.CUSTOMERS_RESULT, "children"), Output(ids.CUSTOMERS_RESULT, "is_open"),
    Input(ids.CUSTOMERS_GRID, "cellRendererData"), Input(ids.CUSTOMERS_CONTACT_CANCEL, "n_clicks"),
    Input(ids.CUSTOMERS_CONTACT_SAVE, "n_clicks"), State(ids.CUSTOMERS_CONTACT_TARGET, "data"),
    State(ids.CUSTOMERS_CONTACT_KIND, "value"), State(ids.CUSTOMERS_CONTACT_OUTCOME, "value"),
    State(ids.CUSTOMERS_CONTACT_NOTE, "value"), prevent_initial_call=True)
def update_customers_contact(cell: Any, _cancel: int | None, _save: int | None, target: Any,
                             kind: Any, outcome: Any, note: Any) -> tuple:
    keep = (no_update,) * 8
    if ctx.triggered_id == ids.CUSTOMERS_CONTACT_CANCEL:
        return (False, *keep[1:])
    runtime, actor = current_runtime(), current_actor()
    if ctx.triggered_id == ids.CUSTOMERS_GRID:
        value = (cell or {}).get("value") if isinstance(cell, dict) else None
        if not isinstance(value, dict):
            raise PreventUpdate
        brief = service.get_customer_brief(runtime, actor, value.get("customer"))
        chosen = "comment" if value.get("action") == "comment" else "call"
        return (True, modal_title(chosen, brief.name, brief.code), brief.customer_id, chosen,
                "", "", no_update, no_update)
    return save_contact(target, kind, outcome, note)


def save_contact(target: Any, kind: Any, outcome: Any, note: Any) -> tuple:
    """Record the dialog's call, visit or comment (the contacts service checks the customer
    again); a refusal or a bad entry stays in the dialog."""
    if target is None:  # the dialog was never opened for a customer
        raise PreventUpdate
    runtime, actor = current_runtime(), current_actor()
    try:
        brief = service.get_customer_brief(runtime, actor, target)
        if kind == "comment":
            contacts.add_comment(runtime, actor, brief.customer_id, note or "")
        else:
            contacts.record_contact(runtime, actor, brief.customer_id, str(kind), str(outcome),
                                    note or "")
    except CockpitError as exc:
        return (no_update,) * 5 + (error_text(exc), no_update, no_update)
    return (False, no_update, None, no_update, "", "", saved_text(str(kind), brief.name), True)


@callback(Output(ids.CUSTOMERS_CONTACT_OUTCOME, "disabled"),
          Input(ids.CUSTOMERS_CONTACT_KIND, "value"))
def update_customers_outcome(kind: str | None) -> bool:
    return kind == "comment"
