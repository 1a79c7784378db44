"""Sales classifications at ``/schemes`` (SPEC.md "Sales classifications", seeds 000/001) and the
dynamic segmentation rules (seed 004) below them.

Each scheme is a card: colour, title, what it identifies and the action to take, type,
customer type, timeframe, minimum spend and orders, and its bands with their customer counts;
every count links to the customer list of exactly those customers
(``/customers?scheme=<id>&band=<n>``). Owners and managers create, edit, reorder and delete
the schemes they own; the rules table says each rule in words with its members now. The page
is a skeleton filled by ``callbacks/schemes.py`` from one service call.
"""

from __future__ import annotations

from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.analytics.selection import Selector
from dashboard.filters import SCHEMES_PATH, query_params
from dashboard.i18n import _, format_date, format_number, format_percent, ngettext
from layouts import ids
from layouts.cockpit_panels import status_vs_schemes
from layouts.components.cards import panel
from layouts.components.states import empty_state, skeleton
from layouts.labels import customer_type_name
from layouts.links import customers_link
from layouts.schemes_parts import (
    OPERATOR_NAMES,
    TIMEFRAME_NAMES,
    band_range,
    choice_name,
    confirm_dialog,
    figure_name,
    kind_name,
    rule_editor,
    scheme_editor,
    stores,
)


def title() -> str:
    return _("Schemes") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=SCHEMES_PATH, name="Schemes", title=lambda **_kw: title(),
                   filters=True)


def layout(**query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.SCHEMES_QUERY, data=query_params(query)),
        *stores(),
        html.Div([html.H1(_("Sales classifications")),
                  html.Div(id=ids.SCHEMES_HEADLINE, className="text-muted")],
                 className="page-headline"),
        html.P([html.I(className="bi bi-info-circle me-1", **{"aria-hidden": "true"}),
                status_vs_schemes()], className="small text-muted status-definition"),
        dbc.Alert(id=ids.SCHEMES_RESULT, is_open=False, dismissable=True, duration=8000),
        html.Div([dbc.Button([html.I(className="bi bi-plus-lg me-1"), _("New scheme")],
                             id=ids.SCHEMES_NEW, color="primary", size="sm",
                             className="d-none")], className="mb-2"),
        html.Div(skeleton(6), id=ids.SCHEMES_LIST),
        html.H2(_("Segmentation rules"), className="h4 mt-4"),
        html.P(_("When a figure meets a condition (for some days, if you like), the customer "
                 "joins a segment or their account manager gets an alert. Rules run after "
                 "every import and recompute."), className="text-muted"),
        html.Div([dbc.Button([html.I(className="bi bi-plus-lg me-1"), _("New rule")],
                             id=ids.RULES_NEW, color="primary", size="sm",
                             className="d-none")], className="mb-2"),
        html.Div(skeleton(3), id=ids.RULES_LIST),
        scheme_editor(), rule_editor(), confirm_dialog(),
    ], className="container-fluid schemes-page")


# --- what the callbacks fill in ---------------------------------------------------------------


def headline(page: Any) -> str:
    return _("As of {date}: {customers}", date=format_date(page.filters.as_of),
             customers=ngettext("{n} customer", "{n} customers", page.customers))


def _facts(view: Any) -> list[str]:
    record = view.record
    facts = [kind_name(record["kind"]),
             customer_type_name(record["customer_type"]) if record["customer_type"]
             else _("All types"),
             _(TIMEFRAME_NAMES[int(record["timeframe_days"])])
             if int(record["timeframe_days"]) in TIMEFRAME_NAMES
             else _("{n} days", n=record["timeframe_days"])]
    if record["min_spend"] is not None:
        facts.append(_("minimum spend {amount}", amount=format_number(record["min_spend"], 2)))
    if record["min_orders"] is not None:
        facts.append(_("at least {n} orders", n=record["min_orders"]))
    facts.append(_("Team {name}", name=view.team_name) if view.team_name
                 else _("The whole business"))
    return facts


def _band_table(view: Any, page: Any) -> html.Table:
    counts = view.counts
    uppers = counts["upper"].tolist()
    placed = max(view.placed, 1)
    rows = []
    for band, label, customers in zip(counts["band"], counts["label"], counts["customers"],
                                      strict=True):  # a handful of bands
        share = customers / placed * 100
        rows.append(html.Tr([
            html.Td(label),
            html.Td(band_range(view.record["kind"], uppers, int(band)), className="text-muted"),
            html.Td(customers_link(format_number(customers), page.filters,
                                   Selector(scheme=view.id, band=int(band) + 1),
                                   today=page.today, default_period=page.default_period,
                                   className="band-count", title=_("List these customers")),
                    className="text-end"),
            html.Td(html.Div(html.Div(className="band-bar-fill",
                                      style={"width": f"{share:.1f}%",
                                             "background": view.record["colour"]}),
                             className="band-bar", title=format_percent(share)),
                    className="band-bar-cell"),
        ]))
    head = html.Thead(html.Tr([html.Th(_("Band")), html.Th(_("Range")),
                               html.Th(_("Customers"), className="text-end"), html.Th("")]))
    return html.Table([head, html.Tbody(rows)], className="table table-sm band-table mb-1")


def _actions(view: Any) -> html.Div | None:
    if not view.editable:
        return None
    key = view.id
    return dbc.ButtonGroup([
        dbc.Button(html.I(className="bi bi-pencil"), id={"type": ids.SCHEMES_EDIT, "index": key},
                   color="secondary", outline=True, size="sm", title=_("Edit")),
        dbc.Button(html.I(className="bi bi-arrow-up"), id={"type": ids.SCHEMES_UP, "index": key},
                   color="secondary", outline=True, size="sm", title=_("Move up")),
        dbc.Button(html.I(className="bi bi-arrow-down"),
                   id={"type": ids.SCHEMES_DOWN, "index": key}, color="secondary",
                   outline=True, size="sm", title=_("Move down")),
        dbc.Button(html.I(className="bi bi-trash"), id={"type": ids.SCHEMES_DELETE,
                                                        "index": key},
                   color="danger", outline=True, size="sm", title=_("Delete")),
    ], size="sm")


def scheme_card(view: Any, page: Any) -> html.Section:
    record = view.record
    note = html.Div([html.Span(" · ".join(_facts(view)), className="me-2"), _actions(view)],
                    className="d-flex flex-wrap align-items-center gap-1")
    body = [html.P(record["comment"], className="scheme-comment") if record["comment"] else None,
            _band_table(view, page),
            html.Div(_("{placed} of {total} customers are in a band", placed=format_number(
                view.placed), total=format_number(page.customers)), className="small text-muted")]
    section = panel(record["title"], body, note=note, panel_id=f"scheme-{view.id}")
    return html.Div(section, className="scheme-card mb-3",
                    style={"borderLeft": f"6px solid {record['colour']}"})


def scheme_list(page: Any) -> Any:
    if not page.schemes:
        return empty_state(_("No classification schemes yet"),
                           _("Create one to sort customers into bands such as 'Loyal', "
                             "'Going to sleep' or 'Big spenders'."), icon="bi-diagram-3")
    return [scheme_card(view, page) for view in page.schemes]


def rule_condition(record: dict[str, Any]) -> str:
    """A rule in words: "Risk score is above 2 for at least 30 days"."""
    figure = str(record["figure"])
    value = choice_name(figure, record.get("value_text")) if record.get("value_text") \
        else format_number(record["value"], 2)
    operator = str(record["operator"])
    words = _(OPERATOR_NAMES[operator]) if operator in OPERATOR_NAMES else operator
    text = f"{figure_name(figure)} {words} {value}"
    days = int(record.get("for_days") or 0)
    return text + (" " + _("for at least {n} days", n=days) if days else "")


def _rule_row(view: Any) -> html.Tr:
    record = view.record
    then = (_("segment '{name}'", name=record["segment"]) if record["action"] == "segment"
            else _("alert to the account manager"))
    if record.get("subject") == "account_manager":
        then = _("account managers with at least {share} of their customers meeting it: "
                 "segment '{name}'", share=format_percent(record.get("share_pct") or 0),
                 name=record["segment"])
    actions = dbc.ButtonGroup([
        dbc.Button(html.I(className="bi bi-pencil"), id={"type": ids.RULES_EDIT,
                                                         "index": view.id},
                   color="secondary", outline=True, size="sm", title=_("Edit")),
        dbc.Button(html.I(className="bi bi-trash"), id={"type": ids.RULES_DELETE,
                                                        "index": view.id},
                   color="danger", outline=True, size="sm", title=_("Delete")),
    ], size="sm") if view.editable else None
    return html.Tr([html.Td(record["name"]), html.Td(rule_condition(record)), html.Td(then),
                    html.Td(format_number(view.members), className="text-end"),
                    html.Td(format_number(view.pending), className="text-end"),
                    html.Td(view.team_name or _("The whole business")), html.Td(actions)])


def rule_table(views: list[Any]) -> Any:
    if not views:
        return empty_state(_("No segmentation rules yet"),
                           _("For example: when the risk score is above 2 for 30 days, alert "
                             "the account manager."), icon="bi-signpost-split")
    head = html.Thead(html.Tr([html.Th(_("Rule")), html.Th(_("When")), html.Th(_("Then")),
                               html.Th(_("Customers now"), className="text-end"),
                               html.Th(_("Waiting"), className="text-end",
                                       title=_("Meet the condition, not yet for long enough")),
                               html.Th(_("Belongs to")), html.Th("")]))
    return html.Div(html.Table([head, html.Tbody([_rule_row(v) for v in views])],
                               className="table table-sm align-middle rule-table"),
                    className="table-responsive panel")


__all__ = ["band_range", "headline", "layout", "rule_condition", "rule_table", "scheme_card",
           "scheme_list"]
