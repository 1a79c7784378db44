"""The Follow-ups page: the list (one service call), the assign form for the selection the
address names, and done / snooze / reassign for the ticked rows, each one call to
``dashboard.services.followups`` (scoped and audited there); refusals and bad input become
the page's message."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime, error_text
from dashboard.errors import CockpitError
from dashboard.i18n import _
from dashboard.services import followups as service
from layouts import ids
from layouts.components.export_menu import export_hrefs
from layouts.followups import (
    EACH_MANAGER,
    assigned_text,
    assignee_options,
    grid_rows,
    source_text,
)

REASSIGN_CLASS = "d-flex gap-1 align-items-center"


@callback(
    Input(ids.FOLLOWUPS_QUERY, "data"), Input(ids.FOLLOWUPS_STATE, "value"),
    Input(ids.FOLLOWUPS_MANAGER, "value"), Input(ids.FOLLOWUPS_REFRESH, "data"),
    output={"rows": Output(ids.FOLLOWUPS_GRID, "rowData"),
            "managers": Output(ids.FOLLOWUPS_MANAGER, "options"),
            "reassign": Output(ids.FOLLOWUPS_REASSIGN_TO, "options"),
            "reassign_class": Output(ids.FOLLOWUPS_REASSIGN_GROUP, "className"),
            "manager_hidden": Output(ids.FOLLOWUPS_MANAGER, "className")},
)
def update_followups_list(query: dict[str, Any] | None, state: str | None,
                          manager: int | None, _refresh: int | None) -> dict[str, Any]:
    chosen = manager if manager is not None else (query or {}).get("manager")
    wanted = state if ctx.triggered_id == ids.FOLLOWUPS_STATE else (
        (query or {}).get("state") or state)
    page = service.get_followups_page(current_runtime(), current_actor(), wanted, chosen)
    options = [{"label": name, "value": rep} for rep, name in page.reps]
    return {"rows": grid_rows(page.rows), "managers": options, "reassign": options,
            "reassign_class": REASSIGN_CLASS + ("" if page.can_reassign else " d-none"),
            "manager_hidden": "followups-manager" + ("" if page.can_reassign else " d-none")}


@callback(
    Output({"type": ids.FOLLOWUPS_DOWNLOADS, "index": ALL}, "href"),
    Input(ids.FOLLOWUPS_STATE, "value"), Input(ids.FOLLOWUPS_MANAGER, "value"),
)
def update_followups_downloads(state: str | None, manager: int | None) -> list[str]:
    params = {"state": state or "open"}
    if manager is not None:
        params["manager"] = str(manager)
    return export_hrefs(ctx.outputs_list, **params)


@callback(
    Input(ids.FOLLOWUPS_QUERY, "data"),
    output={"hidden": Output(ids.FOLLOWUPS_ASSIGN_CARD, "hidden"),
            "text": Output(ids.FOLLOWUPS_ASSIGN_TEXT, "children"),
            "assignees": Output(ids.FOLLOWUPS_ASSIGNEE, "options"),
            "assignee": Output(ids.FOLLOWUPS_ASSIGNEE, "value")},
)
def update_followups_assign_form(query: dict[str, Any] | None) -> dict[str, Any]:
    runtime, actor = current_runtime(), current_actor()
    try:
        source = service.get_assign_source(runtime, actor, query or {})
    except CockpitError as exc:
        return {"hidden": False, "text": error_text(exc), "assignees": [], "assignee": None}
    page = service.get_followups_page(runtime, actor)
    rep_role = actor.role == "rep"
    return {"hidden": source is None, "text": source_text(source),
            "assignees": assignee_options(page.reps, rep_role),
            "assignee": page.reps[0][0] if rep_role and page.reps else EACH_MANAGER}


@callback(
    Input(ids.FOLLOWUPS_ASSIGN, "n_clicks"),
    State(ids.FOLLOWUPS_QUERY, "data"), State(ids.FOLLOWUPS_KIND, "value"),
    State(ids.FOLLOWUPS_DUE, "value"), State(ids.FOLLOWUPS_NOTE, "value"),
    State(ids.FOLLOWUPS_ASSIGNEE, "value"), State(ids.FOLLOWUPS_REFRESH, "data"),
    output={"text": Output(ids.FOLLOWUPS_RESULT, "children", allow_duplicate=True),
            "open": Output(ids.FOLLOWUPS_RESULT, "is_open", allow_duplicate=True),
            "color": Output(ids.FOLLOWUPS_RESULT, "color", allow_duplicate=True),
            "refresh": Output(ids.FOLLOWUPS_REFRESH, "data", allow_duplicate=True)},
    prevent_initial_call=True,
)
def assign_followups(_clicks: int | None, query: dict[str, Any] | None, kind: str | None,
                     due: str | None, note: str | None, assignee: Any,
                     refresh: int | None) -> dict[str, Any]:
    try:
        result = service.assign_from_address(
            current_runtime(), current_actor(), query or {}, kind=kind, due=due, note=note,
            rep_id=None if assignee in (None, EACH_MANAGER) else assignee)
    except CockpitError as exc:
        return _result(error_text(exc), "danger", no_update)
    return _result(assigned_text(result), "success", (refresh or 0) + 1)


@callback(
    Input(ids.FOLLOWUPS_DONE, "n_clicks"), Input(ids.FOLLOWUPS_SNOOZE, "n_clicks"),
    Input(ids.FOLLOWUPS_REASSIGN, "n_clicks"),
    State(ids.FOLLOWUPS_GRID, "selectedRows"), State(ids.FOLLOWUPS_SNOOZE_DATE, "value"),
    State(ids.FOLLOWUPS_REASSIGN_TO, "value"), State(ids.FOLLOWUPS_REFRESH, "data"),
    output={"text": Output(ids.FOLLOWUPS_RESULT, "children"),
            "open": Output(ids.FOLLOWUPS_RESULT, "is_open"),
            "color": Output(ids.FOLLOWUPS_RESULT, "color"),
            "refresh": Output(ids.FOLLOWUPS_REFRESH, "data")},
    prevent_initial_call=True,
)
def act_on_followups(_done: int | None, _snooze: int | None, _reassign: int | None,
                     selected: list[dict[str, Any]] | None, until: str | None,
                     rep: int | None, refresh: int | None) -> dict[str, Any]:
    chosen = [r.get("id") for r in selected or [] if isinstance(r, dict)]
    if not chosen:
        return _result(_("Tick the follow-ups first."), "warning", no_update)
    runtime, actor, action = current_runtime(), current_actor(), ctx.triggered_id
    try:
        for followup_id in chosen:
            if action == ids.FOLLOWUPS_DONE:
                service.complete_followup(runtime, actor, followup_id)
            elif action == ids.FOLLOWUPS_SNOOZE:
                service.snooze_followup(runtime, actor, followup_id, until)
            else:
                service.reassign_followup(runtime, actor, followup_id, rep)
    except CockpitError as exc:
        return _result(error_text(exc), "danger", (refresh or 0) + 1)
    return _result(_("Saved."), "success", (refresh or 0) + 1)


def _result(text: str, color: str, refresh: Any) -> dict[str, Any]:
    return {"text": text, "open": True, "color": color, "refresh": refresh}
