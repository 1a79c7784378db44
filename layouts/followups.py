"""The Follow-ups page at ``/followups`` (SPEC.md "Actions"): the follow-ups the reader may
see (a rep: "my follow-ups"), overdue ones highlighted, with done / snooze / reassign for the
ticked rows; and, when the address names a selection (``?selection=<token>`` from a customer
list, ``?alert=<id>``, ``?customer=<code>``), the form that assigns a call, visit or e-mail
with a due date and note to each customer's account manager or a named one.
``callbacks/followups.py`` fills it through ``dashboard.services.followups``."""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.filters import FOLLOWUPS_PATH, customer_path, query_params
from dashboard.i18n import N_, _, format_date, ngettext
from dashboard.reports.team import FOLLOWUP_KIND_NAMES, FOLLOWUP_STATE_NAMES
from layouts import ids
from layouts.components.cards import panel
from layouts.components.export_menu import export_menu

STATE_NAMES = (("open", N_("To do")), ("overdue", N_("Overdue")), ("done", N_("Done")),
               ("all", N_("All")))
FOLLOWUP_DOWNLOADS = (("followups", "xlsx", N_("The follow-ups listed")),
                      ("followups", "csv", N_("The follow-ups listed")))
EACH_MANAGER = "each"


def title() -> str:
    return _("Follow-ups") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=FOLLOWUPS_PATH, name="Follow-ups",
                   title=lambda **_kw: title())


def kind_options() -> list[dict[str, str]]:
    return [{"label": _(label), "value": kind} for kind, label in FOLLOWUP_KIND_NAMES.items()]


def _assign_card() -> html.Div:
    field = "mb-2"
    return html.Div(panel(_("Assign a follow-up"), [
        html.Div(id=ids.FOLLOWUPS_ASSIGN_TEXT, className="small text-muted mb-2"),
        dbc.Row([
            dbc.Col([dbc.Label(_("Kind"), html_for=ids.FOLLOWUPS_KIND, className="small mb-1"),
                     dbc.Select(id=ids.FOLLOWUPS_KIND, options=kind_options(), value="call")],
                    xs=6, md=3, className=field),
            dbc.Col([dbc.Label(_("Due"), html_for=ids.FOLLOWUPS_DUE, className="small mb-1"),
                     dbc.Input(id=ids.FOLLOWUPS_DUE, type="date")], xs=6, md=3,
                    className=field),
            dbc.Col([dbc.Label(_("For"), html_for=ids.FOLLOWUPS_ASSIGNEE,
                               className="small mb-1"),
                     dcc.Dropdown(id=ids.FOLLOWUPS_ASSIGNEE, options=[], value=EACH_MANAGER,
                                  clearable=False)], xs=12, md=6, className=field),
        ], className="g-2"),
        dbc.Label(_("Note"), html_for=ids.FOLLOWUPS_NOTE, className="small mb-1"),
        dbc.Textarea(id=ids.FOLLOWUPS_NOTE, maxLength=1000, rows=2, className="mb-2"),
        dbc.Button(_("Assign"), id=ids.FOLLOWUPS_ASSIGN, color="primary", size="sm"),
    ]), id=ids.FOLLOWUPS_ASSIGN_CARD, hidden=True)


def column_defs() -> list[dict[str, Any]]:
    return [
        {"field": "due", "headerName": _("Due"), "minWidth": 120},
        {"field": "customer", "headerName": _("Customer"), "minWidth": 160,
         "cellRenderer": "markdown"},
        {"field": "account_manager", "headerName": _("Account manager"), "minWidth": 120},
        {"field": "kind_name", "headerName": _("Kind"), "minWidth": 80},
        {"field": "note", "headerName": _("Note"), "minWidth": 180, "flex": 1},
        {"field": "state_name", "headerName": _("State"), "minWidth": 90},
    ]


def _actions() -> html.Div:
    return html.Div([
        dbc.Button([html.I(className="bi bi-check2 me-1"), _("Done")], id=ids.FOLLOWUPS_DONE,
                   color="success", size="sm"),
        dbc.InputGroup([
            dbc.Input(id=ids.FOLLOWUPS_SNOOZE_DATE, type="date", size="sm",
                      placeholder=_("Snooze to")),
            dbc.Button(_("Snooze"), id=ids.FOLLOWUPS_SNOOZE, color="secondary", size="sm",
                       outline=True)], size="sm", className="followups-snooze"),
        html.Div([
            dcc.Dropdown(id=ids.FOLLOWUPS_REASSIGN_TO, options=[],
                         placeholder=_("Reassign to…"), className="followups-reassign-to"),
            dbc.Button(_("Reassign"), id=ids.FOLLOWUPS_REASSIGN, color="secondary",
                       size="sm", outline=True)],
            id=ids.FOLLOWUPS_REASSIGN_GROUP, className="d-flex gap-1 align-items-center"),
    ], className="d-flex flex-wrap gap-2 align-items-center mb-2")


def layout(**query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.FOLLOWUPS_QUERY, data=query_params(query)),
        dcc.Store(id=ids.FOLLOWUPS_REFRESH, data=0),
        html.Div([html.H1(_("Follow-ups")),
                  export_menu(ids.FOLLOWUPS_DOWNLOADS, FOLLOWUP_DOWNLOADS)],
                 className="page-headline d-flex justify-content-between align-items-start"),
        dbc.Alert(id=ids.FOLLOWUPS_RESULT, is_open=False, dismissable=True),
        _assign_card(),
        panel(_("Follow-ups"), [
            html.Div([
                dbc.RadioItems(id=ids.FOLLOWUPS_STATE, inline=True, value="open",
                               options=[{"label": _(label), "value": key}
                                        for key, label in STATE_NAMES]),
                dcc.Dropdown(id=ids.FOLLOWUPS_MANAGER, options=[],
                             placeholder=_("All account managers"),
                             className="followups-manager"),
            ], className="d-flex flex-wrap gap-3 align-items-center mb-2"),
            _actions(),
            dag.AgGrid(id=ids.FOLLOWUPS_GRID, columnDefs=column_defs(), rowData=[],
                       defaultColDef={"sortable": True, "resizable": True},
                       dashGridOptions={"rowSelection": {"mode": "multiRow",
                                                         "checkboxes": True,
                                                         "enableClickSelection": False},
                                        "domLayout": "autoHeight",
                                        "localeText": {"noRowsToShow": _("No follow-ups here.")}},
                       getRowStyle={"styleConditions": [{
                           "condition": "params.data.overdue",
                           "style": {"backgroundColor": "#fdecea"}}]},
                       className="ag-theme-alpine"),
        ]),
    ], className="container-fluid followups-page")


# --- what the callbacks fill in ---------------------------------------------------------------


def source_text(source: Any) -> str:
    if source is None:
        return ""
    if source.kind == "alert":
        return _("For the customer of the alert.")
    return ngettext("For {n} customer chosen.", "For {n} customers chosen.", source.count)


def assignee_options(reps: Any, rep_role: bool) -> list[dict[str, Any]]:
    options = [] if rep_role else [{"label": _("Each customer's account manager"),
                                    "value": EACH_MANAGER}]
    return options + [{"label": name, "value": rep} for rep, name in reps]


def note_text(row: Any) -> str:
    """The note; a rule's follow-up without one names its rule."""
    source = row.get("source") if isinstance(row.get("source"), dict) else {}
    if not row.get("note") and source.get("kind") == "rule":
        return _("Rule: {name}", name=source.get("rule") or source.get("rule_id"))
    return row.get("note") or ""


def grid_rows(rows: pd.DataFrame) -> list[dict[str, Any]]:
    out = []
    for row in rows.to_dict("records"):
        code = str(row["customer_code"])
        name = str(row["customer_name"] or code).replace("[", "(").replace("]", ")")
        out.append({
            "id": int(row["id"]), "due": format_date(row["due_date"]),
            "customer": f"[{name}]({customer_path(code)})",
            "account_manager": row["account_manager"], "note": note_text(row),
            "kind_name": _(FOLLOWUP_KIND_NAMES.get(row["kind"], row["kind"])),
            "state_name": (_("Overdue") if row["overdue"] else
                           _(FOLLOWUP_STATE_NAMES.get(row["state"], row["state"]))),
            "overdue": bool(row["overdue"])})
    return out


def assigned_text(result: Any) -> str:
    text = ngettext("Assigned {n} follow-up.", "Assigned {n} follow-ups.", result.created)
    if result.without_manager:
        shown = ", ".join(result.without_manager[:20])
        text += " " + _("Not assigned (no account manager): {codes}", codes=shown)
    return text


__all__ = ["EACH_MANAGER", "assigned_text", "assignee_options", "column_defs", "grid_rows",
           "kind_options", "layout", "note_text", "source_text", "title"]
