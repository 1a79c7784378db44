"""The Alerts page and the navbar's count of open alerts (``dashboard.services.alerts``:
scoped to the customers the user may see; marking done is audited)."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard.i18n import _, ngettext
from dashboard.services import alerts as service
from layouts import ids
from layouts.alerts import alert_table, count_badge, group_table, rule_options, total_text
from layouts.components.export_menu import export_hrefs

DONE_OUTPUTS_BASE = {
    "result": Output(ids.ALERTS_RESULT, "children", allow_duplicate=True),
    "result_open": Output(ids.ALERTS_RESULT, "is_open", allow_duplicate=True),
    "count": Output(ids.NAV_ALERT_COUNT, "children", allow_duplicate=True),
    "count_class": Output(ids.NAV_ALERT_COUNT, "className", allow_duplicate=True),
}


@callback(
    Output(ids.NAV_ALERT_COUNT, "children"), Output(ids.NAV_ALERT_COUNT, "className"),
    Input(ids.URL, "pathname"),
)
def update_alert_count(_pathname: str | None) -> tuple[str, str]:
    return count_badge(service.count_open(current_runtime(), current_actor()))


@callback(
    Input(ids.ALERTS_STATUS, "value"), Input(ids.ALERTS_PAGER, "active_page"),
    Input(ids.ALERTS_REFRESH, "data"), Input(ids.ALERTS_RULE, "value"),
    output={"total": Output(ids.ALERTS_TOTAL, "children"),
            "alerts": Output(ids.ALERTS_LIST, "children"),
            "pages": Output(ids.ALERTS_PAGER, "max_value"),
            "page": Output(ids.ALERTS_PAGER, "active_page"),
            "groups": Output(ids.ALERTS_GROUPS, "children"),
            "rules": Output(ids.ALERTS_RULE, "options")},
)
def update_alerts(status: str | None, page_number: int | None,
                  _refresh: int | None, rule: str | None = None) -> dict[str, Any]:
    status = status if status in service.STATUSES else "open"
    first = ctx.triggered_id in (ids.ALERTS_STATUS, ids.ALERTS_RULE)  # a new filter: page 1
    page = service.get_alerts(current_runtime(), current_actor(), status=status,
                              page=1 if first else (page_number or 1), rule_id=rule or None)
    return {"total": total_text(page), "alerts": alert_table(page), "pages": page.pages,
            "page": page.page, "groups": group_table(page), "rules": rule_options(page)}


@callback(
    Output(ids.ALERTS_RULE, "value"),
    Input({"type": ids.ALERTS_GROUP_SHOW, "index": ALL}, "n_clicks"), prevent_initial_call=True,
)
def show_rule_alerts(_clicks: list[int | None]) -> Any:
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return no_update  # the buttons were drawn, not clicked
    index = ctx.triggered_id["index"]
    return str(index) if isinstance(index, int) else no_update


@callback(
    Input({"type": ids.ALERTS_GROUP_DONE, "index": ALL}, "n_clicks"),
    State(ids.ALERTS_REFRESH, "data"),
    output={**DONE_OUTPUTS_BASE, "refresh": Output(ids.ALERTS_REFRESH, "data",
                                                   allow_duplicate=True)},
    prevent_initial_call=True,
)
def mark_rule_alerts_done(_clicks: list[int | None], refresh: int | None) -> dict[str, Any]:
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return dict.fromkeys(["refresh", *DONE_OUTPUTS_BASE], no_update)
    runtime, actor = current_runtime(), current_actor()
    closed = service.close_rule_alerts(runtime, actor, ctx.triggered_id["index"])
    text, class_name = count_badge(service.count_open(runtime, actor))
    return {"refresh": (refresh or 0) + 1,
            "result": ngettext("{n} alert marked done.", "{n} alerts marked done.", closed),
            "result_open": True, "count": text, "count_class": class_name}


@callback(
    Output({"type": ids.ALERTS_DOWNLOADS, "index": ALL}, "href"),
    Input(ids.ALERTS_STATUS, "value"),
)
def point_alert_downloads(status: str | None) -> list[str]:
    """The download menu exports the alerts of the chosen status (all of its pages)."""
    status = status if status in service.STATUSES else "open"
    return export_hrefs(ctx.outputs_list, status=status)


DONE_OUTPUTS = {
    "refresh": Output(ids.ALERTS_REFRESH, "data"),
    "result": Output(ids.ALERTS_RESULT, "children"),
    "result_open": Output(ids.ALERTS_RESULT, "is_open"),
    "count": Output(ids.NAV_ALERT_COUNT, "children", allow_duplicate=True),
    "count_class": Output(ids.NAV_ALERT_COUNT, "className", allow_duplicate=True),
}


@callback(
    Input({"type": ids.ALERTS_DONE, "index": ALL}, "n_clicks"),
    State(ids.ALERTS_REFRESH, "data"), output=DONE_OUTPUTS, prevent_initial_call=True,
)
def mark_alert_done(_clicks: list[int | None], refresh: int | None) -> dict[str, Any]:
    if not ctx.triggered or not ctx.triggered[0].get("value"):
        return dict.fromkeys(DONE_OUTPUTS, no_update)  # the buttons were drawn, not clicked
    runtime, actor = current_runtime(), current_actor()
    service.close_alert(runtime, actor, ctx.triggered_id["index"])
    text, class_name = count_badge(service.count_open(runtime, actor))
    return {"refresh": (refresh or 0) + 1, "result": _("Alert marked done."),
            "result_open": True, "count": text, "count_class": class_name}
