"""Fills ``/campaigns/<id>``: the results (one service call), the live progress while
messages wait (every two seconds), "send the waiting messages now" as a background job, the
recipients' quick search and the CSV file."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, Patch, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks import callback
from callbacks._runtime import current_actor, current_language, current_runtime, error_text
from dashboard.errors import AccessDenied, CockpitError, NotFound
from dashboard.i18n import use_language
from dashboard.services import campaign_pages as pages
from layouts import ids
from layouts.campaign_list_parts import grid_height
from layouts.campaign_results_parts import (
    count_text,
    details,
    grid_rows,
    header,
    kpis,
    not_found,
    uplift,
)
from layouts.components.campaign_parts import progress_values, progress_words


def _campaign(query: Any) -> Any:
    return (query or {}).get("id") if isinstance(query, dict) else None


def _progress(progress: Any) -> dict[str, Any]:
    """The progress bar and its words, by output name."""
    value, maximum, label = progress_values(progress)
    return {"progress": value, "progress_max": maximum, "progress_label": label,
            "progress_text": progress_words(progress)}


PAGE_OUTPUTS = {
    "header": Output(ids.CAMPAIGN_HEADER, "children"),
    "missing": Output(ids.CAMPAIGN_MISSING, "children"),
    "hide_body": Output(ids.CAMPAIGN_BODY, "hidden"),
    "kpis": Output(ids.CAMPAIGN_KPIS, "children"),
    "uplift": Output(ids.CAMPAIGN_UPLIFT, "children"),
    "details": Output(ids.CAMPAIGN_DETAILS, "children"),
    "rows": Output(ids.CAMPAIGN_GRID, "rowData"),
    "grid_style": Output(ids.CAMPAIGN_GRID, "style"),
    "count": Output(ids.CAMPAIGN_COUNT, "children"),
    "hide_progress": Output(ids.CAMPAIGN_PROGRESS_PANEL, "hidden"),
    "progress": Output(ids.CAMPAIGN_PROGRESS, "value"),
    "progress_max": Output(ids.CAMPAIGN_PROGRESS, "max"),
    "progress_label": Output(ids.CAMPAIGN_PROGRESS, "label"),
    "progress_text": Output(ids.CAMPAIGN_PROGRESS_TEXT, "children"),
    "stop_ticking": Output(ids.CAMPAIGN_INTERVAL, "disabled"),
    "send_class": Output(ids.CAMPAIGN_SEND, "className"),
}


@callback(
    Input(ids.CAMPAIGN_QUERY, "data"), Input(ids.CAMPAIGN_WINDOW, "value"),
    Input(ids.CAMPAIGN_REFRESH, "data"), output=PAGE_OUTPUTS)
def update_campaign_page(query: Any, window: Any, _refresh: Any) -> dict[str, Any]:
    try:
        page = pages.get_campaign_page(current_runtime(), current_actor(), _campaign(query),
                                       int(window) if str(window).isdigit() else None)
    except (AccessDenied, NotFound):
        return {**dict.fromkeys(PAGE_OUTPUTS, no_update), "header": None,
                "missing": not_found(), "hide_body": True, "stop_ticking": True}
    rows = grid_rows(page.rows, page.currency)
    waiting = page.progress.waiting > 0
    return {"header": header(page), "missing": None, "hide_body": False, "kpis": kpis(page),
            "uplift": uplift(page), "details": details(page), "rows": rows,
            # rows of wrapped names and addresses take about one and a half lines
            "grid_style": grid_height(min(len(rows), 100) * 3 // 2 + 2, 620),
            "count": count_text(len(rows), page.total_rows), "hide_progress": not waiting,
            **_progress(page.progress), "stop_ticking": not waiting,
            "send_class": "" if waiting and page.may_send else "d-none"}


PROGRESS_OUTPUTS = {
    "progress": Output(ids.CAMPAIGN_PROGRESS, "value", allow_duplicate=True),
    "progress_max": Output(ids.CAMPAIGN_PROGRESS, "max", allow_duplicate=True),
    "progress_label": Output(ids.CAMPAIGN_PROGRESS, "label", allow_duplicate=True),
    "progress_text": Output(ids.CAMPAIGN_PROGRESS_TEXT, "children", allow_duplicate=True),
    "refresh": Output(ids.CAMPAIGN_REFRESH, "data"),
}


@callback(
    Input(ids.CAMPAIGN_INTERVAL, "n_intervals"), State(ids.CAMPAIGN_QUERY, "data"),
    State(ids.CAMPAIGN_REFRESH, "data"), output=PROGRESS_OUTPUTS, prevent_initial_call=True)
def update_campaign_progress(_ticks: Any, query: Any, refresh: Any) -> dict[str, Any]:
    """While messages wait: the counts every two seconds; when none is left, the whole page
    once more (the interval stops then)."""
    progress = pages.get_progress(current_runtime(), current_actor(), _campaign(query))
    done = progress.waiting == 0
    bumped = (refresh if isinstance(refresh, int) else 0) + 1 if done else no_update
    return {**_progress(progress), "refresh": bumped}


@callback(
    Output(ids.CAMPAIGN_SEND_RESULT, "children"), Input(ids.CAMPAIGN_SEND, "n_clicks"),
    State(ids.CAMPAIGN_QUERY, "data"), background=True, prevent_initial_call=True,
    running=[(Output(ids.CAMPAIGN_SEND, "disabled"), True, False)])
def send_campaign_waiting(clicks: int | None, query: dict[str, Any] | None) -> Any:
    """The background job: one pass of the sender over the campaign's waiting messages
    (the progress above follows them)."""
    if not clicks or not _campaign(query):
        raise PreventUpdate
    with use_language(str((query or {}).get("language") or "en")):
        try:
            final = pages.send_campaign(current_runtime(), current_actor(), _campaign(query))
        except CockpitError as exc:
            return error_text(exc)
        return progress_words(final)


@callback(Output(ids.CAMPAIGN_GRID, "dashGridOptions"), Input(ids.CAMPAIGN_SEARCH, "value"),
          prevent_initial_call=True)
def update_campaign_search(text: Any) -> Patch:
    options = Patch()
    options["quickFilterText"] = str(text or "")[:120]
    return options


@callback(Output(ids.CAMPAIGN_DOWNLOAD, "data"), Input(ids.CAMPAIGN_EXPORT, "n_clicks"),
          State(ids.CAMPAIGN_QUERY, "data"), prevent_initial_call=True)
def download_campaign_recipients(clicks: Any, query: Any) -> dict[str, Any]:
    if not clicks or ctx.triggered_id != ids.CAMPAIGN_EXPORT:
        raise PreventUpdate
    name, text = pages.export_recipients(current_runtime(), current_actor(), _campaign(query),
                                         current_language())
    return {"content": text, "filename": name, "type": "text/csv", "base64": False}
