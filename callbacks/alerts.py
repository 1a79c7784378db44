"""The Alerts page and the navbar's count of open alerts (``dashboard.services.alerts``:
scoped to the customers the user may see; marking done is audited)."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard.i18n import _
from dashboard.services import alerts as service
from layouts import ids
from layouts.alerts import alert_table, count_badge, total_text


@callback(
    Output(ids.NAV_ALERT_COUNT, "children"), Output(ids.NAV_ALERT_COUNT, "className"),
    Input(ids.URL, "pathname"),
)
def update_alert_count(_pathname: str | None) -> tuple[str, str]:
    return count_badge(service.count_open(current_runtime(), current_actor()))


@callback(
    Output(ids.ALERTS_TOTAL, "children"), Output(ids.ALERTS_LIST, "children"),
    Output(ids.ALERTS_PAGER, "max_value"), Output(ids.ALERTS_PAGER, "active_page"),
    Input(ids.ALERTS_STATUS, "value"), Input(ids.ALERTS_PAGER, "active_page"),
    Input(ids.ALERTS_REFRESH, "data"),
)
def update_alerts(status: str | None, page_number: int | None, _refresh: int | None) -> tuple:
    status = status if status in service.STATUSES else "open"
    first = ctx.triggered_id == ids.ALERTS_STATUS  # a new filter starts on page 1
    page = service.get_alerts(current_runtime(), current_actor(), status=status,
                              page=1 if first else (page_number or 1))
    return total_text(page), alert_table(page), page.pages, page.page


@callback(
    Output(ids.ALERTS_REFRESH, "data"), Output(ids.ALERTS_RESULT, "children"),
    Output(ids.ALERTS_RESULT, "is_open"),
    Output(ids.NAV_ALERT_COUNT, "children", allow_duplicate=True),
    Output(ids.NAV_ALERT_COUNT, "className", allow_duplicate=True),
    Input({"type": ids.ALERTS_DONE, "index": ALL}, "n_clicks"),
    State(ids.ALERTS_REFRESH, "data"), prevent_initial_call=True,
)
def mark_alert_done(_clicks: list[int | None], refresh: int | None) -> Any:
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return (no_update,) * 5  # the buttons were drawn, not clicked
    runtime, actor = current_runtime(), current_actor()
    service.close_alert(runtime, actor, ctx.triggered_id["index"])
    text, class_name = count_badge(service.count_open(runtime, actor))
    return (refresh or 0) + 1, _("Alert marked done."), True, text, class_name
