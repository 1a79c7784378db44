"""Fills the cockpit overview: the address → one service call → the page's components.

The service remembers each view (per data version, scope and filters), so a view seen before
costs no figure work; its panels are built again on every call (components are never kept)."""

from __future__ import annotations

import re
from typing import Any

from dash import Input, Output
from dash.exceptions import PreventUpdate

from callbacks import callback
from callbacks._runtime import current_actor, current_language, current_runtime
from dashboard import filters as address
from dashboard.i18n import use_language
from dashboard.services import cockpit as service
from layouts import ids
from layouts.cockpit_call_first import call_first_panel
from layouts.cockpit_lists import backtest_panel, empty_panel, movers_panel
from layouts.cockpit_panels import headline, kpi_cards, matrix_panel, status_panel, tiers_panel
from layouts.components.contact_dialog import ContactDialog, contact_request, saved_text

CUSTOMER = re.compile(r"[0-9]{1,18}")
PANELS = {"kpis": (ids.COCKPIT_KPIS, kpi_cards), "status": (ids.COCKPIT_STATUS, status_panel),
          "tiers": (ids.COCKPIT_TIERS, tiers_panel), "matrix": (ids.COCKPIT_MATRIX, matrix_panel),
          "movers": (ids.COCKPIT_MOVERS, movers_panel),
          "backtest": (ids.COCKPIT_BACKTEST, backtest_panel),
          "call_first": (ids.COCKPIT_CALL_FIRST, call_first_panel)}


@callback(
    output={"headline": Output(ids.COCKPIT_HEADLINE, "children"),
            "empty": Output(ids.COCKPIT_EMPTY, "children"),
            "panels": Output(ids.COCKPIT_PANELS, "className"),
            **{name: Output(panel, "children") for name, (panel, _render) in PANELS.items()}},
    inputs={"query": Input(ids.COCKPIT_QUERY, "data")},
)
def update_cockpit(query: dict[str, Any] | None) -> dict[str, Any]:
    view = service.get_overview(current_runtime(), current_actor(), address.parse_filters(query))
    with use_language(current_language()):  # resolved once for the hundreds of texts below
        if view.is_empty:
            return {"headline": headline(view), "empty": empty_panel(view), "panels": "d-none",
                    **dict.fromkeys(PANELS)}
        return {"headline": headline(view), "empty": None, "panels": "",
                **{name: render(view) for name, (_panel, render) in PANELS.items()}}


def read_call(clicked: Any) -> int | None:
    """The customer whose Call first button was clicked (``{"customer": "<id>", "n": ...}``
    from assets/clicked.js); None for anything else."""
    customer = clicked.get("customer") if isinstance(clicked, dict) else None
    if not isinstance(customer, str) or not CUSTOMER.fullmatch(customer):
        return None
    return int(customer)


@callback(Output(ContactDialog.ids.request(ids.COCKPIT_CONTACT), "data"),
          Input(ids.COCKPIT_CALL_CLICKED, "data"), prevent_initial_call=True)
def open_cockpit_contact(clicked: Any) -> dict[str, Any]:
    """A Call first row's button opens the dialog for that customer (one store for the
    panel, written by assets/clicked.js; checked by the contacts service when it opens and
    when it saves)."""
    customer = read_call(clicked)
    if customer is None:
        raise PreventUpdate
    return contact_request(customer, "call")


@callback(Output(ids.COCKPIT_RESULT, "children"), Output(ids.COCKPIT_RESULT, "is_open"),
          Input(ContactDialog.ids.saved(ids.COCKPIT_CONTACT), "data"),
          prevent_initial_call=True)
def update_cockpit_result(saved: Any) -> tuple[str, bool]:
    if not isinstance(saved, dict):
        raise PreventUpdate
    return saved_text(str(saved.get("kind")), str(saved.get("name"))), True
