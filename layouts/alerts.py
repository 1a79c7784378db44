"""Alerts at ``/alerts``: what the segmentation rules raised for the account managers, newest
first, paged on the server. Each alert opens its customer's portrait and can be marked done;
a rep sees the alerts of their own customers only. ``callbacks/alerts.py`` fills the page and
the navbar's count."""

from __future__ import annotations

import math
from typing import Any

import dash
import dash_bootstrap_components as dbc
import pandas as pd
from dash import dcc, html

from dashboard.i18n import _, format_date, format_number, ngettext, pgettext
from layouts import ids
from layouts.components.states import empty_state, skeleton
from layouts.schemes import rule_condition
from layouts.schemes_parts import button_types

PERCENT_FIGURES = ("risk_change_pct", "churn_probability", "growth_pct", "margin_pct",
                   "return_rate_pct", "revenue_growth_pct")


def title() -> str:
    return _("Alerts") + " · " + _("Customer cockpit")


dash.register_page(__name__, path="/alerts", name="Alerts", title=lambda **_kw: title())


def layout(**_query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.ALERTS_REFRESH, data=0), button_types(ids.ALERTS_DONE),
        html.Div([html.H1(_("Alerts")),
                  html.Div(_("Raised by the segmentation rules for each customer's account "
                             "manager. Open the customer, act, then mark the alert done."),
                           className="text-muted")], className="page-headline"),
        dbc.Alert(id=ids.ALERTS_RESULT, is_open=False, dismissable=True, duration=6000),
        dbc.RadioItems(id=ids.ALERTS_STATUS, value="open", inline=True, className="mb-2",
                       options=[{"label": pgettext("alerts", "Open"), "value": "open"},
                                {"label": pgettext("alerts", "Done"), "value": "done"},
                                {"label": pgettext("alerts", "All"), "value": "all"}]),
        html.Div(id=ids.ALERTS_TOTAL, className="text-muted small mb-1"),
        html.Div(skeleton(5), id=ids.ALERTS_LIST),
        dbc.Pagination(id=ids.ALERTS_PAGER, max_value=1, active_page=1, fully_expanded=False,
                       first_last=True, previous_next=True, className="mt-2"),
    ], className="container-fluid alerts-page")


def total_text(page: Any) -> str:
    shown = ngettext("{n} alert", "{n} alerts", page.total)
    return _("{alerts} · page {page} of {pages}", alerts=shown, page=page.page,
             pages=page.pages)


def _why(row: dict[str, Any]) -> Any:
    """The rule's condition in the user's language and the figure when it was raised."""
    if row["rule_id"] is None or pd.isna(row["rule_id"]):
        return html.Span(row["message"], className="text-muted")
    record = {"figure": row["figure"], "operator": row["operator"],
              "value": row["threshold"], "value_text": row["threshold_text"],
              "for_days": row["for_days"]}
    value = row["value"]
    shown = format_number(value, 2) + (" %" if row["figure"] in PERCENT_FIGURES else "")
    then = [] if value is None or (isinstance(value, float) and math.isnan(value)) else [
        html.Span(" · " + _("then {value}", value=shown), className="text-muted")]
    return html.Span([rule_condition(record), *then])


def _row(row: dict[str, Any]) -> html.Tr:
    created = pd.Timestamp(row["created_at"]).date()
    customer = dcc.Link([row["customer_name"] or row["customer_code"],
                         html.Span(" " + row["customer_code"], className="text-muted small")],
                        href=f"/customer/{row['customer_code']}")
    action: Any = dbc.Button(
        [html.I(className="bi bi-check2 me-1"), _("Mark done")],
        id={"type": ids.ALERTS_DONE, "index": int(row["id"])}, size="sm", color="success",
        outline=True) if row["status"] == "open" else html.Span(
        _("done {date}", date=format_date(pd.Timestamp(row["closed_at"]).date()))
        if row["closed_at"] is not None and not pd.isna(row["closed_at"]) else _("done"),
        className="text-muted small")
    rule = row["rule_name"] if isinstance(row["rule_name"], str) else _("(rule deleted)")
    return html.Tr([html.Td(format_date(created)), html.Td(customer),
                    html.Td(row["account_manager"] or "–"), html.Td(rule),
                    html.Td(_why(row)), html.Td(action, className="text-end")])


def alert_table(page: Any) -> Any:
    if page.rows.empty:
        words = {"open": _("No open alerts: nothing needs attention right now."),
                 "done": _("No alert has been marked done yet."),
                 "all": _("No alerts yet.")}[page.status]
        return empty_state(words, _("Alerts appear when a segmentation rule on the Schemes "
                                     "page takes a customer in."), icon="bi-bell")
    head = html.Thead(html.Tr([html.Th(_("Raised")), html.Th(_("Customer")),
                               html.Th(_("Account manager")), html.Th(_("Rule")),
                               html.Th(_("Why")), html.Th("")]))
    body = html.Tbody([_row(r) for r in page.rows.to_dict("records")])  # one page of rows
    return html.Div(html.Table([head, body], className="table table-sm align-middle mb-0"),
                    className="table-responsive panel")


def count_badge(count: int) -> tuple[str, str]:
    """The navbar badge's text and class (hidden at 0)."""
    if count <= 0:
        return "", "nav-alert-count d-none"
    return (format_number(count) if count < 1000 else "999+"), "nav-alert-count"


__all__ = ["alert_table", "count_badge", "layout", "total_text"]
