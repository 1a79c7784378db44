"""Fills the customer portrait from one service call, and opens the contact dialog from it
(``callbacks/contact_dialog.py`` records the call, visit or comment; the timeline then
refreshes). An unknown customer and one outside the user's scope
both show the "not found" state (the service refuses and audits)."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard import filters as address
from dashboard.errors import AccessDenied
from dashboard.services import portrait as service
from dashboard.services import suggestions as suggestion_service
from layouts import ids
from layouts.components.contact_dialog import ContactDialog, contact_request, saved_text
from layouts.customer_words import CAMPAIGN_PATH, coupon_href
from layouts.portrait_cards import behaviour_card, prediction_card, revenue_card, risk_card
from layouts.portrait_head import header, not_found
from layouts.portrait_lists import (
    campaigns_card,
    discovery_card,
    money_card,
    preferences_card,
    timeline_card,
)
from layouts.portrait_value import value_card

CARDS = {"revenue": (ids.PORTRAIT_REVENUE, revenue_card),
         "prediction": (ids.PORTRAIT_PREDICTION, prediction_card),
         "risk": (ids.PORTRAIT_RISK, risk_card), "money": (ids.PORTRAIT_MONEY, money_card),
         "behaviour": (ids.PORTRAIT_BEHAVIOUR,
                       lambda view: behaviour_card(view, service.usual_gap(view))),
         "preferences": (ids.PORTRAIT_PREFERENCES, preferences_card),
         "timeline": (ids.PORTRAIT_TIMELINE, timeline_card),
         "campaigns": (ids.PORTRAIT_CAMPAIGNS, campaigns_card),
         "discovery": (ids.PORTRAIT_DISCOVERY, discovery_card),
         "value": (ids.PORTRAIT_VALUE, value_card)}
COUPON_CLASS = "btn btn-primary btn-sm"


@callback(
    output={"header": Output(ids.PORTRAIT_HEADER, "children"),
            "missing": Output(ids.PORTRAIT_MISSING, "children"),
            "body": Output(ids.PORTRAIT_BODY, "className"),
            "coupon_href": Output(ids.PORTRAIT_COUPON, "href"),
            "coupon_class": Output(ids.PORTRAIT_COUPON, "className"),
            "customer": Output(ids.PORTRAIT_CUSTOMER, "data"),
            **{name: Output(card, "children") for name, (card, _render) in CARDS.items()}},
    inputs={"query": Input(ids.PORTRAIT_QUERY, "data"),
            "_refresh": Input(ids.PORTRAIT_REFRESH, "data")})
def update_portrait(query: dict[str, Any] | None, _refresh: int | None) -> dict[str, Any]:
    code = (query or {}).get("code") if isinstance(query, dict) else None
    try:
        if not code:  # an address without a code names nobody: nothing to check or audit
            raise AccessDenied("no customer code")
        view = service.get_portrait(current_runtime(), current_actor(), code,
                                    address.parse_filters(query))
    except AccessDenied:
        return {"header": None, "missing": not_found(), "body": "d-none",
                "coupon_href": CAMPAIGN_PATH, "coupon_class": COUPON_CLASS + " disabled",
                "customer": None, **dict.fromkeys(CARDS)}
    return {"header": header(view), "missing": None, "body": "",
            "coupon_href": coupon_href(view.coupon_token), "coupon_class": COUPON_CLASS,
            "customer": view.customer_id,
            **{name: render(view) for name, (_card, render) in CARDS.items()}}


@callback(Output(ContactDialog.ids.request(ids.PORTRAIT_CONTACT), "data"),
          Input(ids.PORTRAIT_CALL, "n_clicks"), Input(ids.PORTRAIT_COMMENT, "n_clicks"),
          State(ids.PORTRAIT_CUSTOMER, "data"), prevent_initial_call=True)
def open_portrait_contact(_call: int | None, _comment: int | None,
                          customer: Any) -> dict[str, Any]:
    if customer is None:  # the portrait has not named its customer yet
        raise PreventUpdate
    return contact_request(customer,
                           "comment" if ctx.triggered_id == ids.PORTRAIT_COMMENT else "call")


@callback(Output(ids.PORTRAIT_RESULT, "children"), Output(ids.PORTRAIT_RESULT, "is_open"),
          Output(ids.PORTRAIT_REFRESH, "data"),
          Input(ContactDialog.ids.saved(ids.PORTRAIT_CONTACT), "data"),
          State(ids.PORTRAIT_REFRESH, "data"), prevent_initial_call=True)
def update_portrait_result(saved: Any, refresh: int | None) -> tuple[str, bool, int]:
    """A saved call, visit or comment: say so, and refresh the portrait (its timeline)."""
    if not isinstance(saved, dict):
        raise PreventUpdate
    return (saved_text(str(saved.get("kind")), str(saved.get("name"))), True,
            int(refresh or 0) + 1)


@callback(Output(ids.PORTRAIT_GO, "href"),
          Input({"type": ids.PORTRAIT_SUGGESTION_COUPON, "index": ALL}, "n_clicks"),
          State(ids.PORTRAIT_QUERY, "data"), prevent_initial_call=True)
def open_suggestion_campaign(clicks: list[int | None], query: Any) -> str:
    """A suggestion's coupon: the new-campaign page with everyone (in scope) it is suggested
    to as the selection."""
    chosen = ctx.triggered_id
    if not any(clicks or []) or not isinstance(chosen, dict):
        raise PreventUpdate
    token = suggestion_service.select_portrait_suggestion(
        current_runtime(), current_actor(), address.parse_filters(query), chosen.get("index"))
    return coupon_href(token)
