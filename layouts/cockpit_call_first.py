"""The cockpit's **Call first** panel: the customers most worth a call today (money at risk,
highest first, ties by code; ``analytics.overview.call_first``), each with its reason in
words and its account manager. A row's button opens the page's contact dialog for that
customer (``callbacks/cockpit.py``), which records the call through the contacts service."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard.filters import encode, filter_params
from dashboard.i18n import _, format_money, format_number, format_percent
from layouts.components.cards import panel
from layouts.customer_grid import portrait_href
from layouts.labels import status_name


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def call_reason(row: dict[str, Any], horizon: int) -> str:
    """Why this customer is worth a call, in words."""
    since = _number(row.get("days_since_last_order"))
    p = 100.0 * (_number(row.get("churn_probability")) or 0.0)
    # never a flat 0 % or 100 %: the model cannot be that sure
    chance = ("< " + format_percent(1) if p < 0.5 else
              "> " + format_percent(99) if p >= 99.5 else format_percent(p))
    gap = _number(row.get("mean_gap_days"))
    once = row.get("one_time_buyer")
    if (once is not None and once is not pd.NA and bool(once)) or gap is None:
        return _("Bought once, {days} days ago; {pct} chance of no order in the next "
                 "{horizon} days.", days=format_number(since), pct=chance, horizon=horizon)
    return _("Usually orders every {gap} days, last order {days} days ago; {pct} chance of "
             "no order in the next {horizon} days.", gap=format_number(gap),
             days=format_number(since), pct=chance, horizon=horizon)


def _row(view: Any, row: dict[str, Any], same_view: str) -> html.Li:
    code = str(row["customer_code"])
    name = row["customer_name"] if isinstance(row["customer_name"], str) and row[
        "customer_name"] else code
    manager = row["account_manager"] if isinstance(row["account_manager"], str) and row[
        "account_manager"] else _("No account manager")
    at_risk = format_money(row["money_at_risk"], view.currency)
    return html.Li([
        html.Div([
            html.Div([dcc.Link(name, href=portrait_href(code, same_view), className="fw-semibold"),
                      html.Span(f" · {code} · {status_name(str(row['status']))}",
                                className="text-muted small")], className="call-first-name"),
            html.Div(_("{money} at risk", money=at_risk), className="call-first-money"),
        ], className="call-first-top"),
        html.Div(call_reason(row, view.horizon_days), className="small call-first-reason"),
        html.Div([
            html.Span(_("Account manager: {name}", name=manager), className="small text-muted"),
            # no id per button: assets/clicked.js writes a click into one store
            html.Button([html.I(className="bi bi-telephone me-1"), _("Log a call")],
                        type="button", className="btn btn-sm btn-outline-primary",
                        title=_("Log a call or visit"),
                        **{"data-customer": str(int(row["customer_id"]))}),
        ], className="call-first-bottom"),
    ], className="call-first-item")


def call_first_panel(view: Any) -> html.Section:
    heading = _("Call first")
    rows = view.call_first
    if rows is None or rows.empty:
        return panel(heading, html.P(_("Nobody's money is at risk just now."),
                                     className="text-muted mb-0"))
    same_view = encode(filter_params(view.filters, today=view.today,
                                     default_period=view.default_period))
    items = [_row(view, row, same_view) for row in rows.to_dict("records")]
    return panel(heading, html.Ol(items, className="call-first-list"),
                 note=_("money at risk: chance of stopping × their usual spend over "
                        "{days} days", days=view.horizon_days))


__all__ = ["call_first_panel", "call_reason"]
