"""The shell: the filter bar and the address kept in step, the language switch's way back,
the navbar toggler on a phone."""

from __future__ import annotations

import dash
from dash import Input, Output, ctx, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard.services import filters as service
from layouts import ids, links
from layouts.components.filter_bar import ALL, bar_state

BAR_CONTROLS = (ids.FILTER_AS_OF, ids.FILTER_PERIOD, ids.FILTER_TYPE, ids.FILTER_REGION,
                ids.FILTER_MANAGER)
SHOWN, HIDDEN = "filter-bar", "filter-bar filter-hidden"


def filter_paths() -> set[str]:
    """Paths of the pages registered with ``filters=True``."""
    return {str(page["path"]) for page in dash.page_registry.values() if page.get("filters")}


def _query(as_of: str | None, period: str | None, customer_type: str | None,
           region: str | None, manager: str | None) -> links.FilterQuery:
    """What the bar's controls ask for (parsed as strictly as an address)."""
    values = {"as_of": as_of, "period": period, "type": customer_type, "region": region,
              "manager": manager}
    return links.parse_filters({k: "" if v in (None, ALL) else v for k, v in values.items()})


@callback(
    Output(ids.URL, "search"), Output(ids.FILTER_BAR, "className"),
    Output(ids.FILTER_AS_OF, "value"), Output(ids.FILTER_AS_OF, "max"),
    Output(ids.FILTER_PERIOD, "options"), Output(ids.FILTER_PERIOD, "value"),
    Output(ids.FILTER_TYPE, "options"), Output(ids.FILTER_TYPE, "value"),
    Output(ids.FILTER_REGION, "options"), Output(ids.FILTER_REGION, "value"),
    Output(ids.FILTER_MANAGER, "options"), Output(ids.FILTER_MANAGER, "value"),
    Input(ids.URL, "pathname"), Input(ids.URL, "search"),
    *(Input(control, "value") for control in BAR_CONTROLS),
)
def sync_filter_bar(pathname: str | None, search: str | None, *controls: str | None) -> tuple:
    """Address → bar (on load and navigation), or bar → address (when a control changes)."""
    if pathname not in filter_paths():
        return (no_update, HIDDEN, *([no_update] * 10))
    runtime, actor = current_runtime(), current_actor()
    if ctx.triggered_id in BAR_CONTROLS:
        bar = service.get_filter_bar(runtime, actor, _query(*controls))
        wanted = links.with_filters(search, bar.filters, today=bar.choices.today,
                                    default_period=bar.choices.default_period)
        return (wanted if wanted != (search or "") else no_update, no_update,
                *([no_update] * 10))
    bar = service.get_filter_bar(runtime, actor, links.parse_filters(search))
    return (no_update, SHOWN, *bar_state(bar))


@callback(Output(ids.LANGUAGE_NEXT, "value"), Input(ids.URL, "pathname"),
          Input(ids.URL, "search"))
def update_language_next(pathname: str | None, search: str | None) -> str:
    """The language switch comes back to the page (and filters) the user is on."""
    return (pathname or "/") + (search or "")


@callback(Output(ids.NAVBAR_COLLAPSE, "is_open"), Input(ids.NAVBAR_TOGGLER, "n_clicks"),
          prevent_initial_call=True)
def toggle_navbar(clicks: int | None) -> bool:
    return bool((clicks or 0) % 2)
