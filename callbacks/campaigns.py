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
    Input(ids.CAMPAIGNS_REFRESH, "data"), Input(ids.CAMPAIGNS_INTERVAL, "n_intervals"),
    output={"rows": Output(ids.CAMPAIGNS_GRID, "rowData"),
            "count": Output(ids.CAMPAIGNS_COUNT, "children"),
            "empty": Output(ids.CAMPAIGNS_EMPTY, "children"),
            "hide_empty": Output(ids.CAMPAIGNS_EMPTY, "hidden"),
            "hide_decisions": Output(ids.CAMPAIGNS_DECISIONS, "hidden"),
            "decisions_note": Output(ids.CAMPAIGNS_DECISIONS_NOTE, "children"),
            "decision_rows": Output(ids.CAMPAIGNS_DECISIONS_GRID, "rowData"),
            "decision_columns": Output(ids.CAMPAIGNS_DECISIONS_GRID, "columnDefs"),
            "stop_ticking": Output(ids.CAMPAIGNS_INTERVAL, "disabled"),
            "grid_style": Output(ids.CAMPAIGNS_GRID, "style"),
            "decisions_style": Output(ids.CAMPAIGNS_DECISIONS_GRID, "style")})
def update_campaigns_list(_refresh: Any, _ticks: Any) -> dict[str, Any]:
    found = pages.get_campaign_list(current_runtime(), current_actor())
    empty = found.rows.empty
    unknown = len(found.unknown)
    return {"rows": grid_rows(found.rows, found.currency),
            "count": count_text(len(found.rows)),
            "empty": empty_list() if empty else None, "hide_empty": not empty,
            "hide_decisions": unknown == 0,
            "decisions_note": decisions_note(unknown, found.may_decide),
            "decision_rows": decision_rows(found.unknown),
            "decision_columns": decision_defs(found.may_decide),
            "stop_ticking": not found.sending,
            # no campaigns: the friendly empty state alone, not an empty grid under it
            "grid_style": {"display": "none"} if empty else grid_height(len(found.rows)),
            "decisions_style": grid_height(unknown, 300)}


DECISION_OUTPUTS = {
    "open": Output(ids.CAMPAIGNS_DECIDE_MODAL, "is_open"),
    "text": Output(ids.CAMPAIGNS_DECIDE_TEXT, "children"),
    "target": Output(ids.CAMPAIGNS_DECIDE_TARGET, "data"),
    "result": Output(ids.CAMPAIGNS_RESULT, "children"),
    "result_open": Output(ids.CAMPAIGNS_RESULT, "is_open"),
    "result_color": Output(ids.CAMPAIGNS_RESULT, "color"),
    "refresh": Output(ids.CAMPAIGNS_REFRESH, "data"),
}


def _decision(**given: Any) -> dict[str, Any]:
    return {name: given.get(name, no_update) for name in DECISION_OUTPUTS}


@callback(
    Input(ids.CAMPAIGNS_DECISIONS_GRID, "cellRendererData"),
    Input(ids.CAMPAIGNS_DECIDE_CANCEL, "n_clicks"), Input(ids.CAMPAIGNS_DECIDE_CONFIRM, "n_clicks"),
    State(ids.CAMPAIGNS_DECIDE_TARGET, "data"), State(ids.CAMPAIGNS_DECISIONS_GRID, "rowData"),
    State(ids.CAMPAIGNS_REFRESH, "data"), output=DECISION_OUTPUTS, prevent_initial_call=True)
def update_campaigns_decision(cell: Any, _cancel: Any, _confirm: Any, target: Any,
                              rows: Any, refresh: Any) -> dict[str, Any]:
    """A decision button opens the dialog; Confirm asks the service (which checks who may
    decide, and the message, again)."""
    if ctx.triggered_id == ids.CAMPAIGNS_DECIDE_CANCEL:
        return _decision(open=False, target=None)
    if ctx.triggered_id == ids.CAMPAIGNS_DECISIONS_GRID:
        value = (cell or {}).get("value") if isinstance(cell, dict) else None
        if not isinstance(value, dict) or value.get("decision") not in DECISIONS:
            raise PreventUpdate
        row = next((r for r in rows or [] if isinstance(r, dict)
                    and r.get("outbox_id") == value.get("outbox")), None)
        return _decision(open=True, text=decide_text(value["decision"], row),
                         target={"outbox": value.get("outbox"), "decision": value["decision"]})
    if not isinstance(target, dict):
        raise PreventUpdate
    try:
        pages.decide(current_runtime(), current_actor(), target.get("outbox"),
                     target.get("decision"))
    except CockpitError as exc:
        return _decision(open=False, target=None, result=error_text(exc), result_open=True,
                         result_color="warning")
    bumped = (refresh if isinstance(refresh, int) else 0) + 1
    return _decision(open=False, target=None, result=decided_text(str(target.get("decision"))),
                     result_open=True, result_color="success", refresh=bumped)
