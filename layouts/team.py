"""Team page (owner only): the people who sign in, their roles and what they see.

The page is a skeleton; ``callbacks/team.py`` fills it through ``dashboard.services.users``,
which refuses (and audits) anyone but an owner.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

dash.register_page(__name__, path="/team", name="Team", title="Team · Customer cockpit")

ROLE_OPTIONS = [{"label": "Owner — everything, user management", "value": "owner"},
                {"label": "Manager — the customers of one team", "value": "manager"},
                {"label": "Rep — the customers assigned to one account manager",
                 "value": "rep"}]
COLUMNS = [
    {"field": "username", "headerName": "User", "pinned": "left"},
    {"field": "display_name", "headerName": "Name"},
    {"field": "role", "headerName": "Role"},
    {"field": "team", "headerName": "Team"},
    {"field": "rep", "headerName": "Account manager"},
    {"field": "state", "headerName": "State"},
    {"field": "last_login", "headerName": "Last sign-in (UTC)"},
    {"field": "sessions", "headerName": "Open sessions", "type": "rightAligned"},
]


def _field(label: str, component: Any) -> dbc.Row:
    return dbc.Row([dbc.Label(label, width=4), dbc.Col(component, width=8)], className="mb-2")


def _create_card() -> dbc.Card:
    return dbc.Card([dbc.CardHeader("Add a user"), dbc.CardBody([
        _field("User name", dbc.Input(id=ids.TEAM_NEW_USERNAME, maxLength=80,
                                      autocomplete="off")),
        _field("Name", dbc.Input(id=ids.TEAM_NEW_NAME, maxLength=120)),
        _field("Role", dcc.Dropdown(id=ids.TEAM_NEW_ROLE, options=ROLE_OPTIONS, value="rep",
                                    clearable=False)),
        _field("Team (managers)", dcc.Dropdown(id=ids.TEAM_NEW_TEAM, options=[])),
        _field("Account manager (reps)", dcc.Dropdown(id=ids.TEAM_NEW_REP, options=[])),
        _field("Password", dbc.Input(id=ids.TEAM_NEW_PASSWORD, type="password",
                                     placeholder="empty: generate one", maxLength=256,
                                     autocomplete="new-password")),
        dbc.Button("Add user", id=ids.TEAM_CREATE, color="primary"),
    ])])


def _edit_card() -> dbc.Card:
    return dbc.Card([dbc.CardHeader("Selected user"), dbc.CardBody([
        html.Div("Select a user in the list.", id=ids.TEAM_EDIT_TITLE, className="mb-2"),
        _field("Role", dcc.Dropdown(id=ids.TEAM_EDIT_ROLE, options=ROLE_OPTIONS,
                                    clearable=False)),
        _field("Team (managers)", dcc.Dropdown(id=ids.TEAM_EDIT_TEAM, options=[])),
        _field("Account manager (reps)", dcc.Dropdown(id=ids.TEAM_EDIT_REP, options=[])),
        dbc.ButtonGroup([
            dbc.Button("Save", id=ids.TEAM_SAVE, color="primary"),
            dbc.Button("Reset password", id=ids.TEAM_RESET_PASSWORD, color="secondary"),
            dbc.Button("Disable / enable", id=ids.TEAM_TOGGLE_ACTIVE, color="danger",
                       outline=True),
        ]),
    ])])


def layout(**_query: str) -> html.Div:
    return html.Div([
        html.H1("Team", className="h3"),
        html.P("Owners see everything and manage users; managers see the customers of their "
               "team; reps see the customers assigned to them. A user without a team or "
               "account manager sees no customers.", className="text-muted"),
        dcc.Store(id=ids.TEAM_REFRESH, data=0),
        dbc.Alert(id=ids.TEAM_RESULT, is_open=False, dismissable=True),
        dag.AgGrid(id=ids.TEAM_USERS_GRID, columnDefs=COLUMNS, rowData=[],
                   defaultColDef={"sortable": True, "filter": True, "resizable": True},
                   dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": True,
                                                     "enableClickSelection": True},
                                    "domLayout": "autoHeight"},
                   className="ag-theme-alpine mb-3"),
        dbc.Row([dbc.Col(_create_card(), md=6), dbc.Col(_edit_card(), md=6)]),
    ], className="container-fluid py-3")


def user_rows(frame: Any) -> list[dict[str, Any]]:
    """Grid rows from the users table of ``dashboard.services.users.list_users``."""
    shown = frame.assign(
        state=frame["is_active"].map({True: "active", False: "disabled"}),
        last_login=frame["last_login_at"].map(lambda v: "" if v is None or v != v
                                              else str(v)[:16]),
        team=frame["team"].fillna(""), rep=frame["rep"].fillna(""),
    )
    keep = ["id", "username", "display_name", "role", "team", "team_id", "rep", "rep_id",
            "state", "is_active", "last_login", "sessions"]
    return shown[keep].astype(object).where(shown[keep].notna(), None).to_dict("records")


def options(frame: Any, label: str = "name") -> list[dict[str, Any]]:
    return [{"label": str(row[label]), "value": int(row["id"])}
            for row in frame.to_dict("records")]
