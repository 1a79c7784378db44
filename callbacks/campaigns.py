"""Fills ``/campaigns``: the campaigns in the user's scope (refreshed every two seconds while
one is sending) and the messages that need a decision, with the confirm dialog of "mark as
sent" / "release for resending" (the service decides who may)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime, error_text
from dashboard.errors import CockpitError
from dashboard.services import campaign_pages as pages
from layouts import ids
from layouts.campaign_list_parts import (
    count_text,
    decide_text,
    decided_text,
    decision_defs,
    decision_rows,
    decisions_note,
    empty_list,
    grid_height,
    grid_rows,
)

DECISIONS = ("sent", "resend")


@callback(
    Output(ids.CAMPAIGNS_GRID, "rowData"), Output(ids.CAMPAIGNS_COUNT, "children"),
    Output(ids.CAMPAIGNS_EMPTY, "children"), Output(ids.CAMPAIGNS_EMPTY, "hidden"),
    Output(ids.CAMPAIGNS_DECISIONS, "hidden"), Output(ids.CAMPAIGNS_DECISIONS_NOTE, "children"),
    Output(ids.CAMPAIGNS_DECISIONS_GRID, "rowData"),
    Output(ids.CAMPAIGNS_DECISIONS_GRID, "columnDefs"),
    Output(ids.CAMPAIGNS_INTERVAL, "disabled"), Output(ids.CAMPAIGNS_GRID, "style"),
    Output(ids.CAMPAIGNS_DECISIONS_GRID, "style"), Input(ids.CAMPAIGNS_REFRESH, "data"),
    Input(ids.CAMPAIGNS_INTERVAL, "n_intervals"))
def update_campaigns_list(_refresh: Any, _ticks: Any) -> tuple:
    found = pages.get_campaign_list(current_runtime(), current_actor())
    empty = found.rows.empty
    unknown = len(found.unknown)
    return (grid_rows(found.rows, found.currency), count_text(len(found.rows)),
            empty_list() if empty else None, not empty, unknown == 0,
            decisions_note(unknown, found.may_decide), decision_rows(found.unknown),
            decision_defs(found.may_decide), not found.sending,
            # no campaigns: the friendly empty state alone, not an empty grid under it
            {"display": "none"} if empty else grid_height(len(found.rows)),
            grid_height(unknown, 300))


@callback(
    Output(ids.CAMPAIGNS_DECIDE_MODAL, "is_open"), Output(ids.CAMPAIGNS_DECIDE_TEXT, "children"),
    Output(ids.CAMPAIGNS_DECIDE_TARGET, "data"), Output(ids.CAMPAIGNS_RESULT, "children"),
    Output(ids.CAMPAIGNS_RESULT, "is_open"), Output(ids.CAMPAIGNS_RESULT, "color"),
    Output(ids.CAMPAIGNS_REFRESH, "data"),
    Input(ids.CAMPAIGNS_DECISIONS_GRID, "cellRendererData"),
    Input(ids.CAMPAIGNS_DECIDE_CANCEL, "n_clicks"), Input(ids.CAMPAIGNS_DECIDE_CONFIRM, "n_clicks"),
    State(ids.CAMPAIGNS_DECIDE_TARGET, "data"), State(ids.CAMPAIGNS_DECISIONS_GRID, "rowData"),
    State(ids.CAMPAIGNS_REFRESH, "data"), prevent_initial_call=True)
def update_campaigns_decision(cell: Any, _cancel: Any, _confirm: Any, target: Any,
                              rows: Any, refresh: Any) -> tuple:
    """A decision button opens the dialog; Confirm asks the service (which checks who may
    decide, and the message, again)."""
    keep = (no_update,) * 4
    if ctx.triggered_id == ids.CAMPAIGNS_DECIDE_CANCEL:
        return (False, no_update, None, *keep)
    if ctx.triggered_id == ids.CAMPAIGNS_DECISIONS_GRID:
        value = (cell or {}).get("value") if isinstance(cell, dict) else None
        if not isinstance(value, dict) or value.get("decision") not in DECISIONS:
            raise PreventUpdate
        row = next((r for r in rows or [] if isinstance(r, dict)
                    and r.get("outbox_id") == value.get("outbox")), None)
        return (True, decide_text(value["decision"], row),
                {"outbox": value.get("outbox"), "decision": value["decision"]}, *keep)
    if not isinstance(target, dict):
        raise PreventUpdate
    try:
        pages.decide(current_runtime(), current_actor(), target.get("outbox"),
                     target.get("decision"))
    except CockpitError as exc:
        return (False, no_update, None, error_text(exc), True, "warning", no_update)
    bumped = (refresh if isinstance(refresh, int) else 0) + 1
    return (False, no_update, None, decided_text(str(target.get("decision"))), True,
            "success", bumped)
