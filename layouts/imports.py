"""Import data at ``/import`` (owners and managers; SPEC.md "Import fields"): orders,
customers, products or targets from a CSV, XLSX or Parquet file, in four steps on one page:
the file, the columns (proposed from the headers, one choice per field), the check (the first
rows and every row problem with its row number; nothing written) and the import (a background
job with progress, cancel and the summary). ``callbacks/imports.py`` fills it; a rep who types
the address reads why, and the callbacks refuse (audited)."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.filters import IMPORT_PATH
from dashboard.i18n import _, current_language
from layouts import ids
from layouts.components.cards import panel
from layouts.components.states import empty_state
from layouts.import_parts import KINDS, importers_only, kind_name, may_import


def title() -> str:
    return _("Import data") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=IMPORT_PATH, name="Import", title=lambda **_kw: title())


def _body(kind: str) -> list[Any]:
    return [
        html.Div([html.H1(_("Import data")), html.Div(_(
            "Orders, customers, products or targets from an ERP export (CSV, XLSX or "
            "Parquet). The columns are matched by their names; check them, look at the "
            "problems, then import. Nothing is written before you import."),
            className="text-muted")], className="page-headline"),
        dbc.Row([
            dbc.Col(panel(_("1. The file"), [
                dbc.Label(_("What the file holds"), html_for=ids.IMPORT_KIND,
                          className="small mb-1"),
                dbc.RadioItems(id=ids.IMPORT_KIND, value=kind, inline=True, className="mb-2",
                               options=[{"label": kind_name(value), "value": value}
                                        for value in KINDS]),
                dcc.Upload(id=ids.IMPORT_UPLOAD, children=html.Div([
                    html.I(className="bi bi-upload me-2"),
                    _("Drop a file here or click to choose")]),
                    className="upload-box", multiple=False),
                html.Div(id=ids.IMPORT_FILE_TEXT, className="small mt-2"),
            ]), lg=5),
            dbc.Col(panel(_("2. The columns"), html.Div(
                empty_state(_("No file yet"), _("Choose a file: its columns appear here."),
                            icon="bi-columns"), id=ids.IMPORT_MAPPING)), lg=7),
        ], className="g-3 panel-row"),
        panel(_("3. The check"), [
            html.Div(id=ids.IMPORT_PREVIEW),
            html.Div(id=ids.IMPORT_PROBLEMS, className="mt-2"),
        ]),
        panel(_("4. The import"), [
            dbc.Checkbox(id=ids.IMPORT_SKIP_BAD, value=False,
                         label=_("Import the good rows and leave out the bad ones")),
            html.Div(id=ids.IMPORT_WHY, className="small text-muted my-1"),
            html.Div([
                dbc.Button(_("Import"), id=ids.IMPORT_START, color="primary", size="sm",
                           disabled=True, className="me-2"),
                dbc.Button(_("Cancel the import"), id=ids.IMPORT_CANCEL, color="secondary",
                           outline=True, size="sm", className="d-none"),
            ]),
            dbc.Progress(id=ids.IMPORT_PROGRESS, value=0, max=100, label="", striped=True,
                         animated=True, className="my-2 import-progress"),
            html.Div(id=ids.IMPORT_RESULT),
        ]),
    ]


def layout(**query: Any) -> html.Div:
    kind = str(query.get("kind") or "orders")
    kind = kind if kind in KINDS else "orders"
    allowed = may_import()
    # the parts stay (hidden) for a rep so that Dash knows every id; its callbacks refuse
    return html.Div([
        dcc.Store(id=ids.IMPORT_QUERY, data={"language": current_language(), "kind": kind}),
        dcc.Store(id=ids.IMPORT_FILE, data=None),
        dcc.Store(id=ids.IMPORT_CHECKED, data=None),
        None if allowed else importers_only(),
        html.Div(_body(kind), hidden=not allowed),
    ], className="container-fluid import-page")


__all__ = ["layout", "title"]
