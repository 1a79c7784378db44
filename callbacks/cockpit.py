"""Fills the cockpit overview: the address → one service call → the page's components."""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
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
    language = current_language()
    return _rendered(view, language, lambda: _render(view, language))


def _render(view: Any, language: str) -> tuple:
    with use_language(language):  # resolved once for the hundreds of texts below
        if view.is_empty:
            return (headline(view), empty_panel(view), "d-none", *([None] * len(PANELS)))
        return (headline(view), None, "", kpi_cards(view), status_panel(view),
                tiers_panel(view), matrix_panel(view), movers_panel(view),
                backtest_panel(view))


# The service remembers each view (per data version, scope and filters) and hands back the
# same object when it is asked again; its panels are then the same components, so they are
# kept with it per language (a seen view: ~2 ms instead of ~40 ms of building components).
_RENDERED: OrderedDict[int, tuple[weakref.ref, str, tuple]] = OrderedDict()
_RENDERED_LOCK = threading.Lock()
_RENDERED_MAX = 64


def _rendered(view: Any, language: str, render: Any) -> tuple:
    key = hash((id(view), language))
    with _RENDERED_LOCK:
        found = _RENDERED.get(key)
        if found is not None and found[0]() is view and found[1] == language:
            _RENDERED.move_to_end(key)
            return found[2]
    output = render()
    with _RENDERED_LOCK:
        _RENDERED[key] = (weakref.ref(view), language, output)
        while len(_RENDERED) > _RENDERED_MAX:
            _RENDERED.popitem(last=False)
    return output
