"""Audit log page (owner only): every sign-in, change, send and refusal, newest first, paged
on the server and filterable by user, action, outcome and dates (UTC)."""

from __future__ import annotations

from typing import Any

import dash
import dash_ag_grid as dag
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.filters import AUDIT_PATH
from dashboard.i18n import N_, _, format_number
from layouts import ids
from layouts.audit_detail import detail_text, moment_text
from layouts.campaign_list_parts import grid_locale
from layouts.components.pager import pager
from layouts.stored_texts import audit_action, audit_object
from layouts.users import is_owner, owners_only


def title() -> str:
    return _("Audit log") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=AUDIT_PATH, name="Audit log", title=lambda **_kw: title())

AUDIT_DOWNLOADS = (("xlsx", N_("Excel workbook (.xlsx)")), ("csv", N_("CSV file (.csv)")))
OUTCOMES = (("ok", N_("done")), ("denied", N_("refused")), ("failed", N_("failed")))
COLUMNS = (("at", N_("Time (UTC)"), 170), ("username", N_("User"), 130),
           ("action", N_("Action"), 160), ("object", N_("Object"), 160),
           ("outcome", N_("Outcome"), 100), ("ip", N_("Address"), 130),
           ("request_id", N_("Request"), 150), ("detail", N_("Detail"), None))


def action_options(actions: list[str]) -> list[dict[str, str]]:
    """The recorded actions in words (sorted by them), keyed by the stored action."""
    return sorted(({"label": audit_action(a), "value": a} for a in actions),
                  key=lambda option: option["label"])


def outcome_options() -> list[dict[str, str]]:
    return [{"label": _(label), "value": value} for value, label in OUTCOMES]


def column_defs() -> list[dict[str, Any]]:
    defs: list[dict[str, Any]] = []
    for field, label, width in COLUMNS:
        spec: dict[str, Any] = {"field": field, "headerName": _(label), "tooltipField": field}
        spec.update({"width": width} if width else {"flex": 1, "minWidth": 250})
        if field in ("at", "action", "object", "detail"):  # long texts wrap (the row grows)
            spec.update(wrapText=True, autoHeight=True, cellClass="cell-wrap")
        defs.append(spec)
    defs[0]["pinned"] = "left"
    defs.insert(4, {"field": "undo", "headerName": "", "width": 140, "sortable": False,
                    "cellRenderer": "UndoMergeButton",
                    "cellRendererParams": {"label": _("Undo merge")}})
    return defs


def undo_modal() -> dbc.Modal:
    """Asks before a merge is undone from the log."""
    return dbc.Modal([
        dbc.ModalHeader(dbc.ModalTitle(_("Undo this merge?"))),
        dbc.ModalBody(html.Div(id=ids.AUDIT_UNDO_TEXT)),
        dbc.ModalFooter([
            dbc.Button(_("Cancel"), id=ids.AUDIT_UNDO_NO, color="secondary", outline=True),
            dbc.Button(_("Undo merge"), id=ids.AUDIT_UNDO_YES, color="primary")]),
        dcc.Store(id=ids.AUDIT_UNDO_TARGET),
    ], id=ids.AUDIT_UNDO_MODAL, is_open=False)


def undo_text() -> str:
    return _("Every row the merge moved goes back to the merged record, which appears in the "
             "lists again. The pair is proposed again on the duplicates page.")


def total_text(total: int, page: int, pages: int) -> str:
    return _("{entries} entries · page {page} of {pages}", entries=format_number(total),
             page=page, pages=pages)


def _filters() -> dbc.Row:
    return dbc.Row([
        dbc.Col(dbc.Input(id=ids.AUDIT_USERNAME, placeholder=_("user contains"), debounce=True,
                          maxLength=80), md=2),
        dbc.Col(dcc.Dropdown(id=ids.AUDIT_ACTION, options=[], placeholder=_("any action")), md=2),
        dbc.Col(dcc.Dropdown(id=ids.AUDIT_OUTCOME, options=outcome_options(),
                             placeholder=_("any outcome")), md=2),
        dbc.Col(dbc.InputGroup([
            dbc.InputGroupText(_("from")),
            dbc.Input(id=ids.AUDIT_SINCE, type="date", debounce=True),
            dbc.InputGroupText(_("until")),
            dbc.Input(id=ids.AUDIT_UNTIL, type="date", debounce=True),
        ], className="audit-dates"), md=4),
        dbc.Col(dcc.Dropdown(id=ids.AUDIT_PAGE_SIZE, options=[{"label": _("{n} rows", n=n), "value": n}
                                                          for n in (25, 50, 100, 200)], value=50,
                             clearable=False), md=2),
    ], className="g-2 mb-2")


def layout(**_query: str) -> html.Div:
    owner = is_owner()
    body = [
        html.H1(_("Audit log"), className="h3"),
        _filters(),
        dcc.Store(id=ids.AUDIT_REFRESH, data=0),
        dbc.Alert(id=ids.AUDIT_RESULT, is_open=False, dismissable=True, duration=8000,
                  className="py-2"),
        undo_modal(),
        html.Div([
            html.Div(id=ids.AUDIT_TOTAL, className="text-muted small"),
            html.Div([*(dbc.Button([html.I(className="bi bi-download me-1"), _(label)],
                                   id={"type": ids.AUDIT_EXPORT, "index": fmt},
                                   color="light", size="sm", className="ms-1",
                                   title=_("Download every entry matching the filters"))
                        for fmt, label in AUDIT_DOWNLOADS),
                      dcc.Download(id=ids.AUDIT_DOWNLOAD)]),
        ], className="d-flex justify-content-between align-items-center mb-1"),
        dag.AgGrid(id=ids.AUDIT_GRID, columnDefs=column_defs(), rowData=[],
                   defaultColDef={"resizable": True, "sortable": False},
                   dashGridOptions={"domLayout": "autoHeight",
                                    "localeText": grid_locale(_("Nothing here yet."))},
                   className="ag-theme-alpine"),
        pager(id=ids.AUDIT_PAGER, max_value=1, active_page=1, fully_expanded=False,
              first_last=True, previous_next=True, className="mt-2"),
    ]
    # a manager or rep who types the address reads why; the page's parts stay (hidden)
    # so that Dash knows every id, and its callbacks refuse them (audited)
    return html.Div([None if owner else owners_only(), html.Div(body, hidden=not owner)],
                    className="container-fluid py-3")


def audit_rows(frame: Any, undoable: frozenset[int] = frozenset()) -> list[dict[str, Any]]:
    """Grid rows from one page of the audit log (all values as text); a merge still in
    effect (its decision id in ``undoable``) carries the id for its "Undo merge" button."""
    return [{
        "undo": _undo_id(row, undoable),
        "at": moment_text(row["at"]), "username": row["username"],
        "action": audit_action(row["action"]),
        "object": audit_object(row["object_type"], row["object_id"]),
        "outcome": _(dict(OUTCOMES).get(row["outcome"], row["outcome"])), "ip": row["ip"], "request_id": row["request_id"],
        "detail": detail_text(row["detail"]),
    } for row in frame.to_dict("records")]


def _undo_id(row: dict[str, Any], undoable: frozenset[int]) -> int | None:
    detail = row.get("detail")
    if row.get("action") != "customer.merge" or not isinstance(detail, dict):
        return None
    decision = detail.get("decision")
    return int(decision) if isinstance(decision, int) and decision in undoable else None
