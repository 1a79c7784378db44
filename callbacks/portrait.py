"""Fills the customer portrait from one service call, and records calls, visits and comments
from it (the timeline then refreshes). An unknown customer and one outside the user's scope
both show the "not found" state (the service refuses and audits)."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime, error_text
from dashboard.errors import AccessDenied, CockpitError
from dashboard.services import contacts, customers
from dashboard.services import portrait as service
from layouts import ids, links
from layouts.components.contact_form import modal_title, saved_text
from layouts.customer_words import CAMPAIGN_PATH, coupon_href
from layouts.portrait_cards import behaviour_card, prediction_card, revenue_card, risk_card
from layouts.portrait_head import header, not_found
from layouts.portrait_lists import campaigns_card, money_card, preferences_card, timeline_card

CARDS = (ids.PORTRAIT_REVENUE, ids.PORTRAIT_PREDICTION, ids.PORTRAIT_RISK, ids.PORTRAIT_MONEY,
         ids.PORTRAIT_BEHAVIOUR, ids.PORTRAIT_PREFERENCES, ids.PORTRAIT_TIMELINE,
         ids.PORTRAIT_CAMPAIGNS)
COUPON_CLASS = "btn btn-primary btn-sm"


@callback(
    Output(ids.PORTRAIT_HEADER, "children"), Output(ids.PORTRAIT_MISSING, "children"),
    Output(ids.PORTRAIT_BODY, "className"), Output(ids.PORTRAIT_COUPON, "href"),
    Output(ids.PORTRAIT_COUPON, "className"), Output(ids.PORTRAIT_CONTACT_TARGET, "data"),
    *(Output(card, "children") for card in CARDS),
    Input(ids.PORTRAIT_QUERY, "data"), Input(ids.PORTRAIT_REFRESH, "data"))
def update_portrait(query: dict[str, Any] | None, _refresh: int | None) -> tuple:
    code = (query or {}).get("code") if isinstance(query, dict) else None
    try:
        if not code:  # an address without a code names nobody: nothing to check or audit
            raise AccessDenied("no customer code")
        view = service.get_portrait(current_runtime(), current_actor(), code,
                                    links.parse_filters(query))
    except AccessDenied:
        return (None, not_found(), "d-none", CAMPAIGN_PATH, COUPON_CLASS + " disabled", None,
                *([None] * len(CARDS)))
    usual = service.usual_gap(view)
    return (header(view), None, "", coupon_href(view.coupon_token), COUPON_CLASS,
            view.customer_id, revenue_card(view), prediction_card(view), risk_card(view),
            money_card(view), behaviour_card(view, usual), preferences_card(view),
            timeline_card(view), campaigns_card(view))


@callback(
    Output(ids.PORTRAIT_CONTACT_MODAL, "is_open"), Output(ids.PORTRAIT_CONTACT_TITLE, "children"),
    Output(ids.PORTRAIT_CONTACT_KIND, "value"), Output(ids.PORTRAIT_CONTACT_NOTE, "value"),
    Output(ids.PORTRAIT_CONTACT_ERROR, "children"), Output(ids.PORTRAIT_RESULT, "children"),
    Output(ids.PORTRAIT_RESULT, "is_open"), Output(ids.PORTRAIT_REFRESH, "data"),
    Input(ids.PORTRAIT_CALL, "n_clicks"), Input(ids.PORTRAIT_COMMENT, "n_clicks"),
    Input(ids.PORTRAIT_CONTACT_CANCEL, "n_clicks"), Input(ids.PORTRAIT_CONTACT_SAVE, "n_clicks"),
    State(ids.PORTRAIT_CONTACT_TARGET, "data"), State(ids.PORTRAIT_CONTACT_KIND, "value"),
    State(ids.PORTRAIT_CONTACT_OUTCOME, "value"), State(ids.PORTRAIT_CONTACT_NOTE, "value"),
    State(ids.PORTRAIT_REFRESH, "data"), prevent_initial_call=True)
def update_portrait_contact(_call: int | None, _comment: int | None, _cancel: int | None,
                            _save: int | None, target: Any, kind: Any, outcome: Any,
                            note: Any, refresh: int | None) -> tuple:
    trigger, keep = ctx.triggered_id, (no_update,) * 8
    if trigger == ids.PORTRAIT_CONTACT_CANCEL:
        return (False, *keep[1:])
    if target is None:  # the portrait has not named its customer yet
        raise PreventUpdate
    runtime, actor = current_runtime(), current_actor()
    if trigger in (ids.PORTRAIT_CALL, ids.PORTRAIT_COMMENT):
        brief = service_brief(target)
        chosen = "comment" if trigger == ids.PORTRAIT_COMMENT else "call"
        return (True, modal_title(chosen, brief.name, brief.code), chosen, "", "",
                no_update, no_update, no_update)
    try:
        brief = service_brief(target)
        if kind == "comment":
            contacts.add_comment(runtime, actor, brief.customer_id, note or "")
        else:
            contacts.record_contact(runtime, actor, brief.customer_id, str(kind),
                                    str(outcome), note or "")
    except CockpitError as exc:
        return (no_update,) * 4 + (error_text(exc), no_update, no_update, no_update)
    return (False, no_update, no_update, "", "", saved_text(str(kind), brief.name), True,
            int(refresh or 0) + 1)


def service_brief(target: Any) -> customers.CustomerBrief:
    """Code and name of the dialog's customer (checked against the scope again)."""
    return customers.get_customer_brief(current_runtime(), current_actor(), target)


@callback(Output(ids.PORTRAIT_CONTACT_OUTCOME, "disabled"),
          Input(ids.PORTRAIT_CONTACT_KIND, "value"))
def update_portrait_outcome(kind: str | None) -> bool:
    return kind == "comment"
