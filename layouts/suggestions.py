"""What to sell next at ``/suggestions``: the strongest "customers who buy X also buy Y" rules
with their support, confidence and lift, each with a coupon campaign for the customers who buy
X and not Y, and how right the suggestions were (the backtest beside the plain lists).
``callbacks/suggestions.py`` fills it through ``dashboard.services.suggestions``."""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.filters import SUGGESTIONS_PATH, query_params
from dashboard.i18n import N_, _, format_date, format_number, format_percent, ngettext
from layouts import ids
from layouts.components.cards import panel
from layouts.components.states import empty_state, skeleton

METHOD_NAMES = {"suggestions": N_("Our suggestions (cross-sell and discovery)"),
                "popular": N_("Most popular products not yet bought"),
                "item_cf": N_("Item-to-item similarity (cosine)")}


def title() -> str:
    return _("Suggestions") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=SUGGESTIONS_PATH, name="Suggestions",
                   title=lambda **_kw: title())


def layout(**query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.SUGGESTIONS_QUERY, data=query_params(query)),
        dcc.Location(id=ids.SUGGESTIONS_GO, refresh=True),
        html.Div([html.H1(_("What to sell next")),
                  html.P(_("Products bought together: customers who buy the first product "
                           "also buy the second more often than customers in general. Each "
                           "rule can start a coupon campaign for the customers who buy the "
                           "first and not yet the second."), className="text-muted")],
                 className="page-head"),
        dbc.Row([
            dbc.Col(panel(_("Products bought together"),
                          html.Div(skeleton(6), id=ids.SUGGESTIONS_RULES)), lg=8),
            dbc.Col(panel(_("How right were the suggestions?"),
                          html.Div(skeleton(4), id=ids.SUGGESTIONS_BACKTEST)), lg=4),
        ], className="g-3 panel-row"),
    ], className="container-fluid cockpit-page suggestions-page")


def _product(name: Any, sku: Any) -> html.Div:
    shown = name if isinstance(name, str) and name else sku
    return html.Div([html.Div(str(shown), className="fw-semibold"),
                     html.Div(str(sku), className="small text-muted")])


def rules_view(page: Any) -> Any:
    """The rules table (strongest first)."""
    if page.rules.empty:
        return empty_state(_("No rule is strong enough yet"), _(
            "A rule needs at least {support} of the {n} customers with a purchase in the last "
            "12 months buying both products, and a lift of at least {lift}.",
            support=format_percent(page.settings.min_support * 100, 1),
            n=format_number(page.baskets), lift=format_number(page.settings.min_lift, 1)),
            icon="bi-diagram-3")
    head = html.Thead(html.Tr([html.Th(_("Customers who buy")), html.Th(_("also buy")),
                               html.Th(_("Support"), className="num"),
                               html.Th(_("Confidence"), className="num"),
                               html.Th(_("Lift"), className="num"), html.Th("")]))
    rows = [html.Tr([
        html.Td(_product(r["antecedent"], r["antecedent_sku"])),
        html.Td(_product(r["consequent"], r["consequent_sku"])),
        html.Td([format_percent(r["support"] * 100, 1), html.Div(
            ngettext("{n} customer", "{n} customers", int(r["customers"])),
            className="small text-muted")], className="num"),
        html.Td(format_percent(r["confidence"] * 100), className="num"),
        html.Td(format_number(r["lift"], 1), className="num"),
        html.Td(dbc.Button([html.I(className="bi bi-ticket-perforated me-1"),
                            _("Coupon for those without it")],
                           id={"type": ids.SUGGESTIONS_RULE_COUPON,
                               "index": f"{int(r['antecedent_id'])}-{int(r['consequent_id'])}"},
                           size="sm", color="primary", outline=True)),
    ]) for _i, r in page.rules.iterrows()]
    note = html.P(_("As of {date}: {n} customers with a purchase in the last 12 months; rules "
                    "with support of at least {support} and lift of at least {lift}.",
                    date=format_date(page.filters.as_of), n=format_number(page.baskets),
                    support=format_percent(page.settings.min_support * 100, 1),
                    lift=format_number(page.settings.min_lift, 1)),
                  className="small text-muted")
    return [note, html.Div(html.Table([head, html.Tbody(rows)],
                                      className="table table-sm suggestions-table"),
                           className="table-responsive")]


def backtest_view(result: Any) -> Any:
    """The three lists' hit rate and precision at 10 over the 90 days after they were made."""
    if result.customers == 0:
        return empty_state(_("Not enough history yet"), _(
            "The backtest needs purchases in the year before {date}.",
            date=format_date(pd.Timestamp(result.as_of).date())), icon="bi-clipboard-data")
    rows = [html.Tr([html.Td(_(METHOD_NAMES[r["method"]])),
                     html.Td(format_percent(r["hit_rate"] * 100, 1), className="num"),
                     html.Td(format_percent(r["precision_at_k"] * 100, 1), className="num")])
            for r in result.results.to_dict("records")]
    table = html.Table([html.Thead(html.Tr([html.Th(_("List")),
                                            html.Th(_("Hit rate"), className="num"),
                                            html.Th(_("Precision at 10"), className="num")])),
                        html.Tbody(rows)], className="table table-sm")
    start = pd.Timestamp(result.as_of).date()
    return [html.P(_("Ten products suggested to each of {n} customers on {date}, judged on "
                     "what they bought in the next {days} days. Hit rate: share of customers "
                     "who bought at least one of their ten.",
                     n=format_number(result.customers), date=format_date(start),
                     days=format_number(result.horizon_days)), className="small"),
            table, *_weights_note(result.choice)]


def _weights_note(choice: Any) -> list:
    """How our list weighed its signs, and on which earlier window that was chosen."""
    if choice is None:
        return []
    w = choice.weights
    shares = {"similar": format_percent(w.similar * 100, 0),
              "peers": format_percent(w.peers * 100, 0),
              "rules": format_percent(w.rules * 100, 0)}
    if not choice.customers:
        return [html.P(_("Our list weighs products like the customer's own purchases {similar}, "
                         "what similar customers buy {peers} and the rules {rules} (too little "
                         "history before to choose).", **shares), className="small text-muted")]
    return [html.P(_("Our list weighs products like the customer's own purchases {similar}, "
                     "what similar customers buy {peers} and the rules {rules}: the best "
                     "weights for suggestions made on {start}, judged up to {end}.", **shares,
                     start=format_date(pd.Timestamp(choice.as_of).date()),
                     end=format_date(pd.Timestamp(choice.judged_until).date())),
                   className="small text-muted")]


__all__ = ["backtest_view", "layout", "rules_view", "title"]
