"""Audit log page (owner only): every sign-in, change, send and refusal, newest first, paged
on the server and filterable by user, action, outcome and dates (UTC)."""

from __future__ import annotations

import json
from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

dash.register_page(__name__, path="/audit", name="Audit log", title="Audit log · Customer cockpit")

OUTCOME_OPTIONS = [{"label": o, "value": o} for o in ("ok", "denied", "failed")]
PAGE_SIZE_OPTIONS = [{"label": f"{n} rows", "value": n} for n in (25, 50, 100, 200)]
COLUMNS = [
    {"field": "at", "headerName": "Time (UTC)", "pinned": "left", "width": 170},
    {"field": "username", "headerName": "User", "width": 130},
    {"field": "action", "headerName": "Action", "width": 160},
    {"field": "object", "headerName": "Object", "width": 160},
    {"field": "outcome", "headerName": "Outcome", "width": 100},
    {"field": "ip", "headerName": "Address", "width": 130},
    {"field": "request_id", "headerName": "Request", "width": 150},
    {"field": "detail", "headerName": "Detail", "flex": 1, "minWidth": 250},
]


def _filters() -> dbc.Row:
    return dbc.Row([
        dbc.Col(dbc.Input(id=ids.AUDIT_USERNAME, placeholder="user contains", debounce=True,
                          maxLength=80), md=2),
        dbc.Col(dcc.Dropdown(id=ids.AUDIT_ACTION, options=[], placeholder="any action"), md=3),
        dbc.Col(dcc.Dropdown(id=ids.AUDIT_OUTCOME, options=OUTCOME_OPTIONS,
                             placeholder="any outcome"), md=2),
        dbc.Col(dcc.DatePickerRange(id=ids.AUDIT_DATES, display_format="YYYY-MM-DD",
                                    clearable=True), md=3),
        dbc.Col(dcc.Dropdown(id=ids.AUDIT_PAGE_SIZE, options=PAGE_SIZE_OPTIONS, value=50,
                             clearable=False), md=2),
    ], className="g-2 mb-2")


def layout(**_query: str) -> html.Div:
    return html.Div([
        html.H1("Audit log", className="h3"),
        _filters(),
        html.Div(id=ids.AUDIT_TOTAL, className="text-muted small mb-1"),
        dag.AgGrid(id=ids.AUDIT_GRID, columnDefs=COLUMNS, rowData=[],
                   defaultColDef={"resizable": True, "sortable": False},
                   dashGridOptions={"domLayout": "autoHeight"}, className="ag-theme-alpine"),
        dbc.Pagination(id=ids.AUDIT_PAGER, max_value=1, active_page=1, fully_expanded=False,
                       first_last=True, previous_next=True, className="mt-2"),
    ], className="container-fluid py-3")


def audit_rows(frame: Any) -> list[dict[str, Any]]:
    """Grid rows from one page of the audit log (all values as text)."""
    return [{
        "at": str(row["at"])[:19], "username": row["username"], "action": row["action"],
        "object": f"{row['object_type']} {row['object_id']}".strip(),
        "outcome": row["outcome"], "ip": row["ip"], "request_id": row["request_id"],
        "detail": json.dumps(row["detail"], ensure_ascii=False, default=str)[:2000],
    } for row in frame.to_dict("records")]
