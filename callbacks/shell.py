"""The shell: the filter bar and the address kept in step, the language switch's way back,
the navbar toggler on a phone."""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL as ALL_LINKS
from dash import Input, Output, ctx, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard import filters as address
from dashboard.services import filters as service
from layouts import ids
from layouts.components.filter_bar import (
    ALL,
    FOLD_BUTTON,
    FOLDED,
    UNFOLDED,
    bar_state,
)

BAR_CONTROLS = (ids.FILTER_AS_OF, ids.FILTER_PERIOD, ids.FILTER_TYPE, ids.FILTER_REGION,
                ids.FILTER_MANAGER)
SHOWN, HIDDEN = "filter-bar", "filter-bar filter-hidden"


def filter_paths() -> set[str]:
    """Paths of the pages registered with ``filters=True``."""
    return {str(page["path"]) for page in dash.page_registry.values() if page.get("filters")}


def _query(as_of: str | None, period: str | None, customer_type: str | None,
           region: str | None, manager: str | None) -> address.FilterQuery:
    """What the bar's controls ask for (parsed as strictly as an address)."""
    values = {"as_of": as_of, "period": period, "type": customer_type, "region": region,
              "manager": manager}
    return address.parse_filters({k: "" if v in (None, ALL) else v for k, v in values.items()})


BAR_OUTPUTS = {
    "as_of": Output(ids.FILTER_AS_OF, "value"), "as_of_max": Output(ids.FILTER_AS_OF, "max"),
    "period_options": Output(ids.FILTER_PERIOD, "options"),
    "period": Output(ids.FILTER_PERIOD, "value"),
    "type_options": Output(ids.FILTER_TYPE, "options"), "type": Output(ids.FILTER_TYPE, "value"),
    "region_options": Output(ids.FILTER_REGION, "options"),
    "region": Output(ids.FILTER_REGION, "value"),
    "manager_options": Output(ids.FILTER_MANAGER, "options"),
    "manager": Output(ids.FILTER_MANAGER, "value"),
}


def _bar(search: Any = no_update, bar_class: Any = no_update,
         state: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"search": search, "bar_class": bar_class,
            **(state or dict.fromkeys(BAR_OUTPUTS, no_update))}


@callback(
    output={"search": Output(ids.URL, "search"), "bar_class": Output(ids.FILTER_BAR, "className"),
            **BAR_OUTPUTS},
    inputs={"pathname": Input(ids.URL, "pathname"), "search": Input(ids.URL, "search"),
            "controls": tuple(Input(control, "value") for control in BAR_CONTROLS)},
)
def sync_filter_bar(pathname: str | None, search: str | None,
                    controls: tuple[str | None, ...]) -> dict[str, Any]:
    """Address → bar (on load and navigation), or bar → address (when a control changes)."""
    if pathname not in filter_paths():
        return _bar(bar_class=HIDDEN)
    runtime, actor = current_runtime(), current_actor()
    if ctx.triggered_id in BAR_CONTROLS:
        bar = service.get_filter_bar(runtime, actor, _query(*controls))
        wanted = address.with_filters(search, bar.filters, today=bar.choices.today,
                                    default_period=bar.choices.default_period)
        return _bar(search=wanted if wanted != (search or "") else no_update)
    bar = service.get_filter_bar(runtime, actor, address.parse_filters(search))
    return _bar(bar_class=SHOWN, state=bar_state(bar))


@callback(Output(ids.LANGUAGE_NEXT, "value"), Input(ids.URL, "pathname"),
          Input(ids.URL, "search"))
def update_language_next(pathname: str | None, search: str | None) -> str:
    """The language switch comes back to the page (and filters) the user is on."""
    return (pathname or "/") + (search or "")


@callback(Output({"type": ids.NAV_LINK, "index": ALL_LINKS}, "href"), Input(ids.URL, "search"))
def update_nav_links(search: str | None) -> list[str]:
    """Navbar links keep the as-of date, period and filters: a page with the filter bar opens
    with the ones in use; the others open plainly."""
    kept = address.kept_filters(search)
    with_bar = filter_paths()
    return [str(out["id"]["index"]) + (kept if out["id"]["index"] in with_bar else "")
            for out in ctx.outputs_list]


@callback(Output(ids.FILTER_ROW, "className"), Output(ids.FILTER_FOLD, "className"),
          Input(ids.FILTER_FOLD, "n_clicks"), prevent_initial_call=True)
def toggle_filter_row(clicks: int | None) -> tuple[str, str]:
    """On a phone the filter bar's controls fold behind one button."""
    if (clicks or 0) % 2:
        return UNFOLDED, FOLD_BUTTON + " active"
    return FOLDED, FOLD_BUTTON


@callback(Output(ids.NAVBAR_COLLAPSE, "is_open"), Input(ids.NAVBAR_TOGGLER, "n_clicks"),
          prevent_initial_call=True)
def toggle_navbar(clicks: int | None) -> bool:
    return bool((clicks or 0) % 2)
