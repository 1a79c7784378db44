"""The contact plan page: the address → one service call (``dashboard.services.contact_plan``,
scoped) → the plans and lists; the editor → one service call (refused for reps, audited)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, no_update

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime, error_text
from dashboard import filters as address
from dashboard.errors import ValidationError
from dashboard.i18n import _
from dashboard.services import contact_plan as service
from layouts import ids
from layouts.components.states import error_alert
from layouts.contact_plan import (
    by_rep_table,
    headline,
    low_value_table,
    overdue_table,
    period_table,
    plans_table,
    target_options,
)


@callback(
    Input(ids.CONTACT_QUERY, "data"), Input(ids.CONTACT_REFRESH, "data"),
    output={"headline": Output(ids.CONTACT_HEADLINE, "children"),
            "plans": Output(ids.CONTACT_PLANS, "children"),
            "by_rep": Output(ids.CONTACT_BY_REP, "children"),
            "period": Output(ids.CONTACT_PERIOD, "children"),
            "overdue": Output(ids.CONTACT_OVERDUE, "children"),
            "low": Output(ids.CONTACT_LOW_VALUE, "children"),
            "targets": Output(ids.CONTACT_TARGET, "options")},
)
def update_contact_plan(query: dict[str, Any] | None, _refresh: int | None) -> dict[str, Any]:
    runtime, actor = current_runtime(), current_actor()
    filters = address.parse_filters(query)
    view = service.get_contact_plan(runtime, actor, filters.as_of)
    return {"headline": headline(view), "plans": plans_table(view),
            "by_rep": by_rep_table(view),
            "period": period_table(service.get_plan_period(runtime, actor, filters)), "overdue": overdue_table(view),
            "low": low_value_table(view),
            "targets": target_options(service.plan_targets(runtime, actor))}


@callback(
    Input(ids.CONTACT_SAVE, "n_clicks"),
    State(ids.CONTACT_TARGET, "value"), State(ids.CONTACT_CHANNEL, "value"),
    State(ids.CONTACT_FREQUENCY, "value"), State(ids.CONTACT_REFRESH, "data"),
    output={"result": Output(ids.CONTACT_RESULT, "children"),
            "refresh": Output(ids.CONTACT_REFRESH, "data")},
    prevent_initial_call=True,
)
def save_contact_plan(_save: int | None, target: str | None, channel: str | None,
                      frequency: Any, refresh: int | None) -> dict[str, Any]:
    source, _sep, label = str(target or "").partition("|")
    try:
        service.set_contact_plan(current_runtime(), current_actor(), source, label,
                                 channel or "", frequency)
    except ValidationError as exc:
        return {"result": error_alert(error_text(exc)), "refresh": no_update}
    return {"result": _("Contact plan saved."), "refresh": (refresh or 0) + 1}
