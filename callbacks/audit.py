"""Fills the audit log page from ``services.audit`` (owner only, refusals audited)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from dash import ALL, Input, Output, State, ctx, dcc, no_update
from dash.exceptions import PreventUpdate

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime, error_text
from dashboard.errors import CockpitError, ValidationError
from dashboard.i18n import _, current_language
from dashboard.services import audit as service
from dashboard.services import duplicates, exports
from layouts import ids
from layouts.audit import action_options, audit_rows, total_text, undo_text
from layouts.stored_texts import AUDIT_ACTIONS, AUDIT_OBJECTS


@callback(Output(ids.AUDIT_ACTION, "options"), Input(ids.URL, "pathname"))
def update_audit_actions(_pathname: str) -> list[dict[str, str]]:
    actions = service.get_audit_actions(current_runtime(), current_actor())
    return action_options(actions)


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(str(value)[:10]) if value else None
    except ValueError as exc:
        raise ValidationError(_("Not a date: {value}", value=str(value)[:20])) from exc


@callback(
    Input(ids.AUDIT_PAGER, "active_page"), Input(ids.AUDIT_USERNAME, "value"),
    Input(ids.AUDIT_ACTION, "value"), Input(ids.AUDIT_OUTCOME, "value"),
    Input(ids.AUDIT_SINCE, "value"), Input(ids.AUDIT_UNTIL, "value"),
    Input(ids.AUDIT_PAGE_SIZE, "value"), Input(ids.AUDIT_REFRESH, "data"),
    output={"rows": Output(ids.AUDIT_GRID, "rowData"),
            "total": Output(ids.AUDIT_TOTAL, "children"),
            "pages": Output(ids.AUDIT_PAGER, "max_value"),
            "page": Output(ids.AUDIT_PAGER, "active_page")},
)
def update_audit_rows(page: int | None, username: str | None, action: str | None,
                      outcome: str | None, start: str | None, end: str | None,
                      page_size: int | None, _refresh: int | None = None) -> dict[str, Any]:
    page = (page or 1) if ctx.triggered_id in (None, ids.AUDIT_PAGER, ids.AUDIT_REFRESH) else 1
    result = service.get_audit_page(
        current_runtime(), current_actor(), page=page, page_size=int(page_size or 50),
        username=username or "", action=action or "", outcome=outcome or "",
        since=_day(start), until=_day(end))
    total = total_text(result.total, result.page, result.pages)
    return {"rows": audit_rows(result.rows, result.undoable), "total": total, "pages": result.pages,
            "page": result.page}


@callback(
    Output(ids.AUDIT_DOWNLOAD, "data"),
    Input({"type": ids.AUDIT_EXPORT, "index": ALL}, "n_clicks"),
    State(ids.AUDIT_USERNAME, "value"), State(ids.AUDIT_ACTION, "value"),
    State(ids.AUDIT_OUTCOME, "value"), State(ids.AUDIT_SINCE, "value"),
    State(ids.AUDIT_UNTIL, "value"), prevent_initial_call=True,
)
def download_audit(clicks: list[int | None], username: str | None, action: str | None,
                   outcome: str | None, start: str | None, end: str | None) -> Any:
    """Every entry matching the filters (all pages) as XLSX or CSV, in the user's words."""
    service.require_owner(current_runtime(), current_actor())  # owners only, even unclicked
    if not any(clicks or []) or not isinstance(ctx.triggered_id, dict):
        return no_update
    fmt = "xlsx" if ctx.triggered_id.get("index") == "xlsx" else "csv"
    table = exports.audit_export(
        current_runtime(), current_actor(), fmt, actions=AUDIT_ACTIONS,
        objects=AUDIT_OBJECTS, username=username or "", action=action or "",
        outcome=outcome or "", since=_day(start), until=_day(end))
    return dcc.send_bytes(table.write(fmt, current_language()), table.filename(fmt))


@callback(
    Output(ids.AUDIT_UNDO_MODAL, "is_open"), Output(ids.AUDIT_UNDO_TEXT, "children"),
    Output(ids.AUDIT_UNDO_TARGET, "data"),
    Input(ids.AUDIT_GRID, "cellRendererData"), Input(ids.AUDIT_UNDO_NO, "n_clicks"),
    prevent_initial_call=True)
def ask_to_undo_merge(cell: Any, _no: int | None) -> tuple[bool, Any, Any]:
    """A row's "Undo merge" asks first (the audit log is the owners' page)."""
    service.require_owner(current_runtime(), current_actor())
    value = cell.get("value") if isinstance(cell, dict) else None
    if ctx.triggered_id == ids.AUDIT_UNDO_NO or not isinstance(value, dict):
        return False, no_update, None
    decision = value.get("decision")
    if not isinstance(decision, int) or isinstance(decision, bool):
        return False, no_update, None
    return True, undo_text(), decision


@callback(
    Output(ids.AUDIT_UNDO_MODAL, "is_open", allow_duplicate=True),
    Output(ids.AUDIT_RESULT, "children"), Output(ids.AUDIT_RESULT, "is_open"),
    Output(ids.AUDIT_RESULT, "color"), Output(ids.AUDIT_REFRESH, "data"),
    Input(ids.AUDIT_UNDO_YES, "n_clicks"), State(ids.AUDIT_UNDO_TARGET, "data"),
    State(ids.AUDIT_REFRESH, "data"), prevent_initial_call=True)
def undo_merge_from_log(yes: int | None, decision: Any, refresh: int | None) -> tuple:
    """Undo the merge (``services.duplicates.undo_merge``: owners and managers, audited)."""
    if not yes or not isinstance(decision, int) or isinstance(decision, bool):
        raise PreventUpdate
    try:
        duplicates.undo_merge(current_runtime(), current_actor(), decision)
    except CockpitError as error:
        return False, error_text(error), True, "warning", (refresh or 0) + 1
    return (False, _("Merge undone: every moved row is back."), True, "success",
            (refresh or 0) + 1)
