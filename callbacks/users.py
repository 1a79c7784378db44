"""Fills and acts on the Users page; every action goes through ``services.users`` (owner only,
audited). Errors become the shell's message (``callbacks._runtime``)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, ctx, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard.i18n import _
from dashboard.services import users as service
from layouts import ids
from layouts.users import options, user_rows


@callback(
    Input(ids.URL, "pathname"), Input(ids.USERS_REFRESH, "data"),
    output={"users": Output(ids.USERS_GRID, "rowData"),
            "new_teams": Output(ids.USERS_NEW_TEAM, "options"),
            "new_reps": Output(ids.USERS_NEW_REP, "options"),
            "edit_teams": Output(ids.USERS_EDIT_TEAM, "options"),
            "edit_reps": Output(ids.USERS_EDIT_REP, "options")},
)
def update_users_list(_pathname: str, _refresh: int) -> dict[str, Any]:
    runtime, actor = current_runtime(), current_actor()
    rows = user_rows(service.list_users(runtime, actor))
    choices = service.get_choices(runtime, actor)
    teams, reps = options(choices.teams), options(choices.reps)
    return {"users": rows, "new_teams": teams, "new_reps": reps, "edit_teams": teams,
            "edit_reps": reps}


@callback(
    Input(ids.USERS_GRID, "selectedRows"),
    output={"title": Output(ids.USERS_EDIT_TITLE, "children"),
            "role": Output(ids.USERS_EDIT_ROLE, "value"),
            "team": Output(ids.USERS_EDIT_TEAM, "value"),
            "rep": Output(ids.USERS_EDIT_REP, "value"),
            "customer": Output(ids.USERS_EDIT_CUSTOMER, "value")},
)
def update_users_edit_form(selected: list[dict[str, Any]] | None) -> dict[str, Any]:
    service.ensure_owner(current_runtime(), current_actor())
    if not selected:
        return {"title": _("Select a user in the list."), "role": None, "team": None,
                "rep": None, "customer": ""}
    row = selected[0]
    return {"title": f"{row.get('username')} ({row.get('state')})", "role": row.get("role"),
            "team": row.get("team_id"), "rep": row.get("rep_id"),
            "customer": row.get("customer") or ""}


@callback(
    Input(ids.USERS_CREATE, "n_clicks"), Input(ids.USERS_SAVE, "n_clicks"),
    Input(ids.USERS_RESET_PASSWORD, "n_clicks"), Input(ids.USERS_TOGGLE_ACTIVE, "n_clicks"),
    State(ids.USERS_NEW_USERNAME, "value"), State(ids.USERS_NEW_NAME, "value"),
    State(ids.USERS_NEW_ROLE, "value"), State(ids.USERS_NEW_TEAM, "value"),
    State(ids.USERS_NEW_REP, "value"), State(ids.USERS_NEW_PASSWORD, "value"),
    State(ids.USERS_NEW_CUSTOMER, "value"),
    State(ids.USERS_GRID, "selectedRows"), State(ids.USERS_EDIT_ROLE, "value"),
    State(ids.USERS_EDIT_TEAM, "value"), State(ids.USERS_EDIT_REP, "value"),
    State(ids.USERS_EDIT_CUSTOMER, "value"), State(ids.USERS_REFRESH, "data"),
    output={"text": Output(ids.USERS_RESULT, "children"),
            "open": Output(ids.USERS_RESULT, "is_open"),
            "color": Output(ids.USERS_RESULT, "color"),
            "refresh": Output(ids.USERS_REFRESH, "data")},
    prevent_initial_call=True,
)
def apply_users_action(_create: int, _save: int, _reset: int, _toggle: int, username: str,
                      name: str, role: str, team: int, rep: int, password: str,
                      customer: str | None, selected: list[dict[str, Any]] | None,
                      edit_role: str, edit_team: int, edit_rep: int,
                      edit_customer: str | None, refresh: int) -> dict[str, Any]:
    runtime, actor, action = current_runtime(), current_actor(), ctx.triggered_id
    if action == ids.USERS_CREATE:
        new = service.create_user(runtime, actor, {
            "username": username, "display_name": name, "role": role, "team": team,
            "rep": rep, "password": password, "customer": customer})
        text = _("Added {user}.", user=new.username)
        if new.password:
            text += " " + _("Password (shown once): {password}", password=new.password)
        return _result(text, "success", (refresh or 0) + 1)
    if not selected:
        return _result(_("Select a user in the list first."), "warning", no_update)
    user_id = int(selected[0]["id"])
    if action == ids.USERS_SAVE:
        service.change_user(runtime, actor, user_id,
                            {"role": edit_role, "team": edit_team, "rep": edit_rep,
                             "customer": edit_customer})
        text = _("Saved; the change applies to the user's next request.")
    elif action == ids.USERS_RESET_PASSWORD:
        text = _("New password (shown once): {password}",
                 password=service.reset_password(runtime, actor, user_id))
    else:
        active = not bool(selected[0].get("is_active"))
        service.set_active(runtime, actor, user_id, active)
        text = _("Enabled.") if active else _("Disabled; their sessions have ended.")
    return _result(text, "success", (refresh or 0) + 1)


def _result(text: str, color: str, refresh: Any) -> dict[str, Any]:
    return {"text": text, "open": True, "color": color, "refresh": refresh}
