"""Users page (owner only): the people who sign in, their roles and what they see.

The page is a skeleton; ``callbacks/users.py`` fills it through ``dashboard.services.users``,
which refuses (and audits) anyone but an owner.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.filters import COCKPIT_PATH, USERS_PATH
from dashboard.i18n import N_, _
from dashboard.web.context import current_user
from layouts import ids
from layouts.components.export_menu import export_menu
from layouts.components.states import empty_state
from layouts.labels import role_name


def title() -> str:
    return _("Users") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=USERS_PATH, name="Users", title=lambda **_kw: title())

ROLES = (("owner", N_("Owner — everything, user management")),
         ("manager", N_("Manager — the customers of one team")),
         ("rep", N_("Rep — the customers assigned to one account manager")),
         ("customer", N_("Customer — their own purchases only (Trade and Distributor)")))
USERS_DOWNLOADS = (("users", "xlsx", N_("The users listed")),
                   ("users", "csv", N_("The users listed")))
COLUMNS = (("username", N_("User")), ("display_name", N_("Name")), ("role_name", N_("Role")),
           ("team", N_("Team")), ("rep", N_("Account manager")),
           ("customer", N_("Customer (own sign-in)")), ("state", N_("State")),
           ("last_login", N_("Last sign-in (UTC)")), ("sessions", N_("Open sessions")))


def role_options() -> list[dict[str, str]]:
    return [{"label": _(label), "value": value} for value, label in ROLES]


def column_defs() -> list[dict[str, Any]]:
    defs: list[dict[str, Any]] = [{"field": f, "headerName": _(label), "tooltipField": f,
                                   "headerTooltip": _(label), "minWidth": 110}
                                  for f, label in COLUMNS]
    defs[-1]["type"] = "rightAligned"
    return defs


def owners_only() -> html.Div:
    """What a manager or rep sees at an owner's address."""
    return html.Div(empty_state(
        _("Only owners can open this page"),
        _("Ask an owner of the cockpit if you need a user added or changed."),
        dcc.Link(_("Open the cockpit"), href=COCKPIT_PATH, className="btn btn-primary"),
        icon="bi-shield-lock"), className="container-fluid not-found-page page-refusal")


def is_owner() -> bool:
    user = current_user()
    return user is not None and user.role == "owner"


def _field(label: str, component: Any) -> dbc.Row:
    return dbc.Row([dbc.Label(label, width=4), dbc.Col(component, width=8)], className="mb-2")


def _create_card() -> dbc.Card:
    return dbc.Card([dbc.CardHeader(_("Add a user")), dbc.CardBody([
        _field(_("User name"), dbc.Input(id=ids.USERS_NEW_USERNAME, maxLength=80,
                                      autocomplete="off")),
        _field(_("Name"), dbc.Input(id=ids.USERS_NEW_NAME, maxLength=120)),
        _field(_("Role"), dcc.Dropdown(id=ids.USERS_NEW_ROLE, options=role_options(), value="rep",
                                    clearable=False)),
        _field(_("Team (managers)"), dcc.Dropdown(id=ids.USERS_NEW_TEAM, options=[])),
        _field(_("Account manager (reps)"), dcc.Dropdown(id=ids.USERS_NEW_REP, options=[])),
        _field(_("Customer code (customers)"), dbc.Input(id=ids.USERS_NEW_CUSTOMER, maxLength=64,
                                                       autocomplete="off")),
        _field(_("Password"), dbc.Input(id=ids.USERS_NEW_PASSWORD, type="password",
                                     placeholder=_("empty: generate one"), maxLength=256,
                                     autocomplete="new-password")),
        dbc.Button(_("Add user"), id=ids.USERS_CREATE, color="primary"),
    ])])


def _edit_card() -> dbc.Card:
    return dbc.Card([dbc.CardHeader(_("Selected user")), dbc.CardBody([
        html.Div(_("Select a user in the list."), id=ids.USERS_EDIT_TITLE, className="mb-2"),
        _field(_("Role"), dcc.Dropdown(id=ids.USERS_EDIT_ROLE, options=role_options(),
                                    clearable=False)),
        _field(_("Team (managers)"), dcc.Dropdown(id=ids.USERS_EDIT_TEAM, options=[])),
        _field(_("Account manager (reps)"), dcc.Dropdown(id=ids.USERS_EDIT_REP, options=[])),
        _field(_("Customer code (customers)"), dbc.Input(id=ids.USERS_EDIT_CUSTOMER, maxLength=64,
                                                       autocomplete="off")),
        dbc.ButtonGroup([
            dbc.Button(_("Save"), id=ids.USERS_SAVE, color="primary"),
            dbc.Button(_("Reset password"), id=ids.USERS_RESET_PASSWORD, color="secondary"),
            dbc.Button(_("Disable / enable"), id=ids.USERS_TOGGLE_ACTIVE, color="danger",
                       outline=True),
        ]),
    ])])


def layout(**_query: str) -> html.Div:
    owner = is_owner()
    body = [
        html.Div([html.H1(_("Users"), className="h3"),
                  export_menu(ids.USERS_DOWNLOADS, USERS_DOWNLOADS)],
                 className="d-flex justify-content-between align-items-start"),
        html.P(_("Owners see everything and manage users; managers see the customers of "
                 "their team; reps see the customers assigned to them. A user without a team "
                 "or account manager sees no customers. A Trade or Distributor customer can "
                 "have a sign-in of their own: it opens only their page of purchases and "
                 "targets."), className="text-muted"),
        dcc.Store(id=ids.USERS_REFRESH, data=0),
        dbc.Alert(id=ids.USERS_RESULT, is_open=False, dismissable=True),
        # columns sized to their content (names of teams, managers and customers whole;
        # the full text on hover too)
        dag.AgGrid(id=ids.USERS_GRID, columnDefs=column_defs(), rowData=[],
                   columnSize="autoSize",
                   defaultColDef={"sortable": True, "filter": True, "resizable": True},
                   dashGridOptions={"rowSelection": {"mode": "singleRow", "checkboxes": True,
                                                     "enableClickSelection": True},
                                    "domLayout": "autoHeight"},
                   className="ag-theme-alpine mb-3"),
        dbc.Row([dbc.Col(_create_card(), md=6), dbc.Col(_edit_card(), md=6)]),
    ]
    # a manager or rep who types the address reads why; the page's parts stay (hidden)
    # so that Dash knows every id, and its callbacks refuse them (audited)
    return html.Div([None if owner else owners_only(), html.Div(body, hidden=not owner)],
                    className="container-fluid py-3")


def user_rows(frame: Any) -> list[dict[str, Any]]:
    """Grid rows from the users table of ``dashboard.services.users.list_users``."""
    shown = frame.assign(
        state=frame["is_active"].map({True: _("active"), False: _("disabled")}),
        role_name=frame["role"].map(role_name),
        last_login=frame["last_login_at"].map(lambda v: "" if v is None or v != v
                                              else str(v)[:16]),
        team=frame["team"].fillna(""), rep=frame["rep"].fillna(""),
        customer=frame["customer"].fillna(""),
    )
    keep = ["id", "username", "display_name", "role", "role_name", "team", "team_id", "rep", "rep_id",
            "customer", "state", "is_active", "last_login", "sessions"]
    return shown[keep].astype(object).where(shown[keep].notna(), None).to_dict("records")


def options(frame: Any, label: str = "name") -> list[dict[str, Any]]:
    return [{"label": str(row[label]), "value": int(row["id"])}
            for row in frame.to_dict("records")]
