"""Fills the cockpit overview: the address → one service call → the page's components."""

from __future__ import annotations

from typing import Any

from dash import Input, Output

from callbacks import callback
from callbacks._runtime import current_actor, current_language, current_runtime
from dashboard.i18n import use_language
from dashboard.services import cockpit as service
from layouts import ids, links
from layouts.cockpit_lists import backtest_panel, empty_panel, movers_panel
from layouts.cockpit_panels import headline, kpi_cards, matrix_panel, status_panel, tiers_panel

PANELS = (ids.COCKPIT_KPIS, ids.COCKPIT_STATUS, ids.COCKPIT_TIERS, ids.COCKPIT_MATRIX,
          ids.COCKPIT_MOVERS, ids.COCKPIT_BACKTEST)


@callback(
    Output(ids.COCKPIT_HEADLINE, "children"), Output(ids.COCKPIT_EMPTY, "children"),
    Output(ids.COCKPIT_PANELS, "className"),
    *(Output(panel, "children") for panel in PANELS),
    Input(ids.COCKPIT_QUERY, "data"),
)
def update_cockpit(query: dict[str, Any] | None) -> tuple:
    view = service.get_overview(current_runtime(), current_actor(), links.parse_filters(query))
    with use_language(current_language()):  # resolved once for the hundreds of texts below
        if view.is_empty:
            return (headline(view), empty_panel(view), "d-none", *([None] * len(PANELS)))
        return (headline(view), None, "", kpi_cards(view), status_panel(view),
                tiers_panel(view), matrix_panel(view), movers_panel(view),
                backtest_panel(view))
