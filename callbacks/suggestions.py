"""Fills ``/suggestions`` (the rules and the backtest, one service call each) and turns a
rule's coupon button into a selection for the new-campaign page."""

from __future__ import annotations

from typing import Any

from dash import ALL, Input, Output, State, ctx
from dash.exceptions import PreventUpdate

from callbacks import callback
from callbacks._runtime import current_actor, current_runtime
from dashboard import filters as address
from dashboard.services import suggestions as service
from layouts import ids
from layouts.customer_words import coupon_href
from layouts.suggestions import backtest_view, rules_view


@callback(Output(ids.SUGGESTIONS_RULES, "children"), Input(ids.SUGGESTIONS_QUERY, "data"))
def update_suggestion_rules(query: dict[str, Any] | None) -> Any:
    return rules_view(service.get_rules_page(current_runtime(), current_actor(),
                                             address.parse_filters(query)))


@callback(Output(ids.SUGGESTIONS_BACKTEST, "children"), Input(ids.SUGGESTIONS_QUERY, "data"))
def update_suggestion_backtest(query: dict[str, Any] | None) -> Any:
    return backtest_view(service.get_page_backtest(current_runtime(), current_actor(),
                                                   address.parse_filters(query)))


@callback(Output(ids.SUGGESTIONS_GO, "href"),
          Input({"type": ids.SUGGESTIONS_RULE_COUPON, "index": ALL}, "n_clicks"),
          State(ids.SUGGESTIONS_QUERY, "data"), prevent_initial_call=True)
def open_rule_campaign(clicks: list[int | None], query: dict[str, Any] | None) -> str:
    """The new-campaign page with the customers (in scope) who buy X and not Y."""
    chosen = ctx.triggered_id
    if not any(clicks or []) or not isinstance(chosen, dict):
        raise PreventUpdate
    token = service.select_rule_from_page(current_runtime(), current_actor(),
                                          address.parse_filters(query), chosen.get("index"))
    return coupon_href(token)
