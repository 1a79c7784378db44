"""Audit log page (owner only): every sign-in, change, send and refusal, newest first, paged
on the server and filterable by user, action, outcome and dates (UTC)."""

from __future__ import annotations

import json
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.i18n import N_, _, format_number
from layouts import ids
from layouts.team import is_owner, owners_only


def title() -> str:
    return _("Audit log") + " · " + _("Customer cockpit")


dash.register_page(__name__, path="/audit", name="Audit log", title=lambda **_kw: title())

OUTCOMES = (("ok", N_("done")), ("denied", N_("refused")), ("failed", N_("failed")))
COLUMNS = (("at", N_("Time (UTC)"), 170), ("username", N_("User"), 130),
           ("action", N_("Action"), 160), ("object", N_("Object"), 160),
           ("outcome", N_("Outcome"), 100), ("ip", N_("Address"), 130),
           ("request_id", N_("Request"), 150), ("detail", N_("Detail"), None))


def outcome_options() -> list[dict[str, str]]:
    return [{"label": _(label), "value": value} for value, label in OUTCOMES]


def column_defs() -> list[dict[str, Any]]:
    defs: list[dict[str, Any]] = []
    for field, label, width in COLUMNS:
        spec: dict[str, Any] = {"field": field, "headerName": _(label)}
        spec.update({"width": width} if width else {"flex": 1, "minWidth": 250})
        defs.append(spec)
    defs[0]["pinned"] = "left"
    return defs


def total_text(total: int, page: int, pages: int) -> str:
    return _("{entries} entries · page {page} of {pages}", entries=format_number(total),
             page=page, pages=pages)


def _filters() -> dbc.Row:
    return dbc.Row([
        dbc.Col(dbc.Input(id=ids.AUDIT_USERNAME, placeholder=_("user contains"), debounce=True,
                          maxLength=80), md=2),
        dbc.Col(dcc.Dropdown(id=ids.AUDIT_ACTION, options=[], placeholder=_("any action")), md=3),
        dbc.Col(dcc.Dropdown(id=ids.AUDIT_OUTCOME, options=outcome_options(),
                             placeholder=_("any outcome")), md=2),
        dbc.Col(dcc.DatePickerRange(id=ids.AUDIT_DATES, display_format="YYYY-MM-DD",
                                    clearable=True), md=3),
        dbc.Col(dcc.Dropdown(id=ids.AUDIT_PAGE_SIZE, options=[{"label": _("{n} rows", n=n), "value": n}
                                                          for n in (25, 50, 100, 200)], value=50,
                             clearable=False), md=2),
    ], className="g-2 mb-2")


def layout(**_query: str) -> html.Div:
    owner = is_owner()
    body = [
        html.H1(_("Audit log"), className="h3"),
        _filters(),
        html.Div(id=ids.AUDIT_TOTAL, className="text-muted small mb-1"),
        dag.AgGrid(id=ids.AUDIT_GRID, columnDefs=column_defs(), rowData=[],
                   defaultColDef={"resizable": True, "sortable": False},
                   dashGridOptions={"domLayout": "autoHeight"}, className="ag-theme-alpine"),
        dbc.Pagination(id=ids.AUDIT_PAGER, max_value=1, active_page=1, fully_expanded=False,
                       first_last=True, previous_next=True, className="mt-2"),
    ]
    # a manager or rep who types the address reads why; the page's parts stay (hidden)
    # so that Dash knows every id, and its callbacks refuse them (audited)
    return html.Div([None if owner else owners_only(), html.Div(body, hidden=not owner)],
                    className="container-fluid py-3")


def audit_rows(frame: Any) -> list[dict[str, Any]]:
    """Grid rows from one page of the audit log (all values as text)."""
    return [{
        "at": str(row["at"])[:19], "username": row["username"], "action": row["action"],
        "object": f"{row['object_type']} {row['object_id']}".strip(),
        "outcome": _(dict(OUTCOMES).get(row["outcome"], row["outcome"])), "ip": row["ip"], "request_id": row["request_id"],
        "detail": json.dumps(row["detail"], ensure_ascii=False, default=str)[:2000],
    } for row in frame.to_dict("records")]
