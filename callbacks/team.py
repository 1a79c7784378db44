"""Fills and acts on the Team page; every action goes through ``services.users`` (owner only,
audited). Errors become the shell's message (``callbacks._runtime``)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, ctx, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard.i18n import _
from dashboard.services import users as service
from layouts import ids
from layouts.team import options, user_rows


@callback(
    Output(ids.TEAM_USERS_GRID, "rowData"),
    Output(ids.TEAM_NEW_TEAM, "options"), Output(ids.TEAM_NEW_REP, "options"),
    Output(ids.TEAM_EDIT_TEAM, "options"), Output(ids.TEAM_EDIT_REP, "options"),
    Input(ids.URL, "pathname"), Input(ids.TEAM_REFRESH, "data"),
)
def update_team_users(_pathname: str, _refresh: int) -> tuple:
    runtime, actor = current_runtime(), current_actor()
    rows = user_rows(service.list_users(runtime, actor))
    choices = service.get_choices(runtime, actor)
    teams, reps = options(choices.teams), options(choices.reps)
    return rows, teams, reps, teams, reps


@callback(
    Output(ids.TEAM_EDIT_TITLE, "children"), Output(ids.TEAM_EDIT_ROLE, "value"),
    Output(ids.TEAM_EDIT_TEAM, "value"), Output(ids.TEAM_EDIT_REP, "value"),
    Input(ids.TEAM_USERS_GRID, "selectedRows"),
)
def update_team_edit_form(selected: list[dict[str, Any]] | None) -> tuple:
    service.ensure_owner(current_runtime(), current_actor())
    if not selected:
        return _("Select a user in the list."), None, None, None
    row = selected[0]
    return (f"{row.get('username')} ({row.get('state')})", row.get("role"),
            row.get("team_id"), row.get("rep_id"))


@callback(
    Output(ids.TEAM_RESULT, "children"), Output(ids.TEAM_RESULT, "is_open"),
    Output(ids.TEAM_RESULT, "color"), Output(ids.TEAM_REFRESH, "data"),
    Input(ids.TEAM_CREATE, "n_clicks"), Input(ids.TEAM_SAVE, "n_clicks"),
    Input(ids.TEAM_RESET_PASSWORD, "n_clicks"), Input(ids.TEAM_TOGGLE_ACTIVE, "n_clicks"),
    State(ids.TEAM_NEW_USERNAME, "value"), State(ids.TEAM_NEW_NAME, "value"),
    State(ids.TEAM_NEW_ROLE, "value"), State(ids.TEAM_NEW_TEAM, "value"),
    State(ids.TEAM_NEW_REP, "value"), State(ids.TEAM_NEW_PASSWORD, "value"),
    State(ids.TEAM_USERS_GRID, "selectedRows"), State(ids.TEAM_EDIT_ROLE, "value"),
    State(ids.TEAM_EDIT_TEAM, "value"), State(ids.TEAM_EDIT_REP, "value"),
    State(ids.TEAM_REFRESH, "data"),
    prevent_initial_call=True,
)
def apply_team_action(_create: int, _save: int, _reset: int, _toggle: int, username: str,
                      name: str, role: str, team: int, rep: int, password: str,
                      selected: list[dict[str, Any]] | None, edit_role: str, edit_team: int,
                      edit_rep: int, refresh: int) -> tuple:
    runtime, actor, action = current_runtime(), current_actor(), ctx.triggered_id
    if action == ids.TEAM_CREATE:
        new = service.create_user(runtime, actor, {
            "username": username, "display_name": name, "role": role, "team": team,
            "rep": rep, "password": password})
        text = _("Added {user}.", user=new.username)
        if new.password:
            text += " " + _("Password (shown once): {password}", password=new.password)
        return text, True, "success", (refresh or 0) + 1
    if not selected:
        return _("Select a user in the list first."), True, "warning", no_update
    user_id = int(selected[0]["id"])
    if action == ids.TEAM_SAVE:
        service.change_user(runtime, actor, user_id,
                            {"role": edit_role, "team": edit_team, "rep": edit_rep})
        text = _("Saved; the change applies to the user's next request.")
    elif action == ids.TEAM_RESET_PASSWORD:
        text = _("New password (shown once): {password}",
                 password=service.reset_password(runtime, actor, user_id))
    else:
        active = not bool(selected[0].get("is_active"))
        service.set_active(runtime, actor, user_id, active)
        text = _("Enabled.") if active else _("Disabled; their sessions have ended.")
    return text, True, "success", (refresh or 0) + 1
