"""The Alerts page and the navbar's count of open alerts (``dashboard.services.alerts``:
scoped to the customers the user may see; marking done is audited)."""

from __future__ import annotations

import re
from typing import Any

from dash import ALL, Input, Output, State, ctx, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard.i18n import _, ngettext
from dashboard.services import alerts as service
from layouts import ids
from layouts.alerts import (
    EVERY_RULE,
    alert_table,
    count_badge,
    group_table,
    rule_options,
    total_text,
)
from layouts.components.export_menu import export_hrefs


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
    chosen = None if rule in (None, "", EVERY_RULE) else rule
    page = service.get_alerts(current_runtime(), current_actor(), status=status,
                              page=1 if first else (page_number or 1), rule_id=chosen)
    return {"total": total_text(page), "alerts": alert_table(page), "pages": page.pages,
            "page": page.page, "groups": group_table(page), "rules": rule_options(page)}


@callback(
    Output({"type": ids.ALERTS_DOWNLOADS, "index": ALL}, "href"),
    Input(ids.ALERTS_STATUS, "value"),
)
def point_alert_downloads(status: str | None) -> list[str]:
    """The download menu exports the alerts of the chosen status (all of its pages)."""
    status = status if status in service.STATUSES else "open"
    return export_hrefs(ctx.outputs_list, status=status)


ACTION = re.compile(r"(done|show|rule-done):(\d{1,18})")

ACT_OUTPUTS = {
    "rule": Output(ids.ALERTS_RULE, "value"),
    "refresh": Output(ids.ALERTS_REFRESH, "data"),
    "result": Output(ids.ALERTS_RESULT, "children"),
    "result_open": Output(ids.ALERTS_RESULT, "is_open"),
    "count": Output(ids.NAV_ALERT_COUNT, "children", allow_duplicate=True),
    "count_class": Output(ids.NAV_ALERT_COUNT, "className", allow_duplicate=True),
}


def read_action(clicked: Any) -> tuple[str, int] | None:
    """What the clicked button asks for (its ``data-alert``, see ``layouts.alerts``): mark an
    alert done, show a rule's alerts, or mark a rule's alerts done; None for anything else.
    Nothing is decided here: the service checks the user may act on those alerts."""
    action = clicked.get("pick") if isinstance(clicked, dict) else None
    found = ACTION.fullmatch(action) if isinstance(action, str) else None
    return None if found is None else (found.group(1), int(found.group(2)))


@callback(
    Input(ids.ALERTS_CLICKED, "data"), State(ids.ALERTS_REFRESH, "data"),
    output=ACT_OUTPUTS, prevent_initial_call=True,
)
def act_on_alerts(clicked: Any, refresh: int | None) -> dict[str, Any]:
    """A button of an alert or of a rule's group clicked (one store for the page, written by
    assets/clicked.js)."""
    picked = read_action(clicked)
    out: dict[str, Any] = dict.fromkeys(ACT_OUTPUTS, no_update)
    if picked is None:
        return out
    action, key = picked
    if action == "show":
        return {**out, "rule": str(key)}
    runtime, actor = current_runtime(), current_actor()
    if action == "done":
        service.close_alert(runtime, actor, key)
        result = _("Alert marked done.")
    else:
        closed = service.close_rule_alerts(runtime, actor, key)
        result = ngettext("{n} alert marked done.", "{n} alerts marked done.", closed)
    text, class_name = count_badge(service.count_open(runtime, actor))
    return {**out, "refresh": (refresh or 0) + 1, "result": result, "result_open": True,
            "count": text, "count_class": class_name}
