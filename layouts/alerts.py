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

from dashboard.filters import ALERTS_PATH, CONTACT_PLAN_PATH, FOLLOWUPS_PATH, LEDGER_PATH, encode
from dashboard.i18n import N_, _, format_date, format_number, ngettext, pgettext
from layouts import ids
from layouts.components.export_menu import export_menu
from layouts.components.pager import pager
from layouts.components.states import empty_state, skeleton
from layouts.links import customer_link
from layouts.schemes import rule_condition
from layouts.stored_texts import render

ALERT_DOWNLOADS = (("alerts", "xlsx", N_("The alerts listed")),
                   ("alerts", "csv", N_("The alerts listed")))
# the rule filter's "every rule": not "", which dbc.Select keeps for its hidden placeholder
# (the box showed blank)
EVERY_RULE = "all"
PERCENT_FIGURES = ("risk_change_pct", "churn_probability", "growth_pct", "margin_pct",
                   "return_rate_pct", "revenue_growth_pct", "revenue_vs_own90_pct",
                   "revenue_vs_own365_pct")


def title() -> str:
    return _("Alerts") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=ALERTS_PATH, name="Alerts", title=lambda **_kw: title())


def layout(**_query: Any) -> html.Div:
    return html.Div([
        dcc.Store(id=ids.ALERTS_REFRESH, data=0),
        dcc.Store(id=ids.ALERTS_CLICKED),
        html.Div([html.H1(_("Alerts")),
                  html.Div(_("Raised by the segmentation rules for each customer's account "
                             "manager. Open the customer, act, then mark the alert done."),
                           className="text-muted"),
                  html.Div([dcc.Link([html.I(className="bi bi-arrow-left-right me-1"),
                                      _("Migration ledger")], href=LEDGER_PATH,
                                     className="me-3"),
                            dcc.Link([html.I(className="bi bi-telephone me-1"),
                                      _("Contact plan")], href=CONTACT_PLAN_PATH)],
                           className="small mt-1")], className="page-headline"),
        dbc.Alert(id=ids.ALERTS_RESULT, is_open=False, dismissable=True, duration=6000),
        html.Div([
            dbc.RadioItems(id=ids.ALERTS_STATUS, value="open", inline=True,
                           options=[{"label": pgettext("alerts", "Open"), "value": "open"},
                                    {"label": pgettext("alerts", "Done"), "value": "done"},
                                    {"label": pgettext("alerts", "All"), "value": "all"}]),
            html.Div([
                dbc.Label(_("Rule"), html_for=ids.ALERTS_RULE, className="visually-hidden"),
                dbc.Select(id=ids.ALERTS_RULE, options=[], value=EVERY_RULE, size="sm",
                           className="alerts-rule"),
                export_menu(ids.ALERTS_DOWNLOADS, ALERT_DOWNLOADS, status="open"),
            ], className="d-flex gap-2 flex-wrap"),
        ], className="d-flex justify-content-between align-items-center flex-wrap gap-2 mb-2"),
        html.Div(id=ids.ALERTS_GROUPS, className="mb-3"),
        html.Div(id=ids.ALERTS_TOTAL, className="text-muted small mb-1"),
        html.Div(skeleton(5), id=ids.ALERTS_LIST),
        pager(id=ids.ALERTS_PAGER, max_value=1, active_page=1, fully_expanded=False,
              first_last=True, previous_next=True, className="mt-2"),
    ], className="container-fluid alerts-page")


def total_text(page: Any) -> str:
    shown = ngettext("{n} alert", "{n} alerts", page.total)
    return _("{alerts} · page {page} of {pages}", alerts=shown, page=page.page,
             pages=page.pages)


def _why(row: dict[str, Any], currency: str) -> Any:  # a cell's children
    """The rule's condition in the user's language and the figure when it was raised (the
    stored message, worded for the reader, once the rule is deleted)."""
    if row["rule_id"] is None or pd.isna(row["rule_id"]):
        return html.Span(render(row["message"], currency), className="text-muted")
    record = {"figure": row["figure"], "operator": row["operator"],
              "value": row["threshold"], "value_text": row["threshold_text"],
              "for_days": row["for_days"]}
    value = row["value"]
    shown = format_number(value, 2) + (" %" if row["figure"] in PERCENT_FIGURES else "")
    then = [] if value is None or (isinstance(value, float) and math.isnan(value)) else [
        html.Span(" · " + _("then {value}", value=shown), className="text-muted")]
    return [rule_condition(record), *then]


def _button(text: Any, action: str, classes: str) -> html.Button:
    """A plain button whose click ``assets/clicked.js`` writes into the page's one store
    (``ALERTS_CLICKED``; ``action`` is read back by ``callbacks.alerts.read_action``). A
    pattern-matching button per alert made the page draw slowly (docs/decisions.md 233)."""
    return html.Button(text, type="button", className=f"btn btn-sm {classes}",
                       **{"data-alert": action})


def _row(row: dict[str, Any], currency: str) -> html.Tr:
    created = pd.Timestamp(row["created_at"]).date()
    customer = customer_link([row["customer_name"] or row["customer_code"],
                              html.Span(" " + row["customer_code"],
                                        className="text-muted small")], row["customer_code"])
    key = int(row["id"])
    action: Any = _button(_("Mark done"), f"done:{key}", "btn-outline-success bi-check2") \
        if row["status"] == "open" \
        else html.Span(
        _("done {date}", date=format_date(pd.Timestamp(row["closed_at"]).date()))
        if row["closed_at"] is not None and not pd.isna(row["closed_at"]) else _("done"),
        className="text-muted small")
    if row["status"] == "open":  # hand it on as a follow-up (call, visit or e-mail)
        href = FOLLOWUPS_PATH + encode({"alert": str(key)})
        # a plain link that assets/navigate.js opens inside the app (decision 231)
        action = [html.A(_("Follow-up…"), href=href, **{"data-href": href},
                         className="cell-link btn btn-outline-primary btn-sm me-1 bi-check2-square"),
                  action]
    rule = row["rule_name"] if isinstance(row["rule_name"], str) else _("(rule deleted)")
    # data-label: on a phone each alert is a card and the cells name themselves (CSS)
    return html.Tr([html.Td(format_date(created), **_label(_("Raised"))),
                    html.Td(customer, className="alert-customer"),
                    html.Td(row["account_manager"] or "–", **_label(_("Account manager"))),
                    html.Td(rule, **_label(_("Rule"))),
                    html.Td(_why(row, currency), **_label(_("Why"))),
                    html.Td(action, className="text-end alert-actions")])


def _label(text: str) -> dict[str, str]:
    return {"data-label": text}


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
    body = html.Tbody([_row(r, page.currency) for r in page.rows.to_dict("records")])  # one page of rows
    return html.Div(html.Table([head, body],
                               className="table table-sm align-middle mb-0 alerts-table"),
                    className="table-responsive panel")


def rule_options(page: Any) -> list[dict[str, str]]:
    """The rule filter: every rule with alerts of the chosen status, with its count."""
    groups = page.groups if page.groups is not None else pd.DataFrame()
    options = [{"label": _("Every rule ({count})", count=format_number(int(
        groups["alerts"].sum()) if len(groups) else 0)), "value": EVERY_RULE}]
    for row in groups.to_dict("records"):  # one row per rule
        if row["rule_id"] is None or pd.isna(row["rule_id"]):
            continue
        options.append({"label": f"{row['rule_name']} ({format_number(row['alerts'])})",
                        "value": str(int(row["rule_id"]))})
    return options


def _group_row(row: dict[str, Any], status: str) -> html.Tr:
    known = row["rule_id"] is not None and not pd.isna(row["rule_id"])
    name = row["rule_name"] if known and isinstance(row["rule_name"], str) else _(
        "(rule deleted)")
    buttons: list[Any] = []
    if known:
        key = int(row["rule_id"])
        buttons.append(_button(_("Show"), f"show:{key}", "btn-link p-0 me-3"))
        if status == "open":
            buttons.append(_button(
                _("Mark all {count} done", count=format_number(row["alerts"])),
                f"rule-done:{key}", "btn-outline-success bi-check2-all"))
    since = format_date(pd.Timestamp(row["oldest"]).date())
    return html.Tr([html.Td(html.Strong(name)),
                    html.Td(ngettext("{n} alert", "{n} alerts", int(row["alerts"])),
                            className="text-end"),
                    html.Td(ngettext("{n} customer", "{n} customers", int(row["customers"])),
                            className="text-end"),
                    html.Td(_("since {date}", date=since), className="text-muted small"),
                    html.Td(buttons, className="text-end text-nowrap")])


def group_table(page: Any) -> Any:
    """The alerts grouped by rule with their counts: work a rule's alerts at once."""
    groups = page.groups if page.groups is not None else pd.DataFrame()
    if groups.empty:
        return None
    body = html.Tbody([_group_row(r, page.status) for r in groups.to_dict("records")])
    return html.Div([html.H2(_("By rule"), className="h6 mb-1"),
                     html.Div(html.Table(body, className="table table-sm align-middle mb-0 "
                                                         "alerts-groups-table"),
                              className="table-responsive panel")])


def count_badge(count: int) -> tuple[str, str]:
    """The navbar badge's text and class (hidden at 0)."""
    if count <= 0:
        return "", "nav-alert-count d-none"
    return (format_number(count) if count < 1000 else "999+"), "nav-alert-count"


__all__ = ["alert_table", "count_badge", "group_table", "layout", "rule_options", "total_text"]
