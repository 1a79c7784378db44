"""The portrait's tables: purchase preferences, money (receivables and overdue by age),
campaigns, the merged timeline, and the discovery and cross-sell suggestions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.filters import SUGGESTIONS_PATH, encode
from dashboard.i18n import (
    N_,
    _,
    format_date,
    format_money,
    format_number,
    format_percent,
    ngettext,
)
from dashboard.reports.team import FOLLOWUP_KIND_NAMES, FOLLOWUP_STATE_NAMES
from layouts import ids
from layouts.components.cards import panel
from layouts.components.contact_dialog import kind_name, outcome_name
from layouts.components.states import empty_state
from layouts.figures import TIER_COLOURS, new_figure
from layouts.links import campaign_link
from layouts.portrait_cards import BUCKET_NAMES, _graph, chart_text

TIMELINE_ICONS = {"order": "bi-bag-check", "return": "bi-arrow-return-left",
                  "call": "bi-telephone", "visit": "bi-geo-alt", "comment": "bi-chat-left-text",
                  "coupon": "bi-ticket-perforated", "alert": "bi-bell",
                  "followup": "bi-check2-square"}
TIMELINE_NAMES = {"order": N_("Order"), "return": N_("Return"), "coupon": N_("Coupon"),
                  "alert": N_("Alert"), "followup": N_("Follow-up")}
SEND_STATES = {"pending": N_("waiting to be sent"), "sending": N_("being sent"),
               "sent": N_("sent"), "failed": N_("failed"), "unknown": N_("outcome unknown"),
               "holdout": N_("held out (comparison group)"),
               "unreachable": N_("no address for the channel"), "cancelled": N_("cancelled")}
CHANNELS = {"sms": N_("SMS"), "email": N_("E-mail"), "log": N_("Log only")}


def _table(head: list[str], rows: list[list[Any]], numeric: set[int]) -> html.Div:
    """A card's table; on a narrow screen it scrolls inside its card, never the page."""
    def cell(i: int, value: Any, tag: Any) -> Any:
        return tag(value, className="num" if i in numeric else None)

    return html.Div(html.Table([
        html.Thead(html.Tr([cell(i, h, html.Th) for i, h in enumerate(head)])),
        html.Tbody([html.Tr([cell(i, v, html.Td) for i, v in enumerate(r)]) for r in rows]),
    ], className="table table-sm portrait-table"), className="table-responsive")


# --- purchase preferences ------------------------------------------------------------------


def _category_figure(categories: pd.DataFrame) -> go.Figure:
    names = [chart_text(c) if c is not None and c == c else chart_text(_("No category"))
             for c in categories["category"]]
    share = categories["share_pct"].fillna(0.0)
    figure = new_figure(max(140, 34 * len(categories) + 40))
    figure.add_trace(go.Bar(x=share, y=names, orientation="h",
                            marker={"color": TIER_COLOURS["B"]},
                            text=[format_percent(v) for v in share], textposition="auto",
                            hoverinfo="skip"))
    figure.update_yaxes(autorange="reversed")
    figure.update_layout(showlegend=False, xaxis={"ticksuffix": "%"})
    return figure


def preferences_card(view: Any) -> html.Section:
    title = _("Purchase preferences")
    if view.products.empty:
        return panel(title, empty_state(_("No product purchases in the last 12 months"),
                                        icon="bi-basket"))
    rows = [[str(r["product"] or r["sku"]), str(r["category"] or "–"),
             format_money(r["revenue"], view.currency), format_percent(r["share_pct"]),
             format_number(r["orders"])] for r in view.products.to_dict("records")]
    table = _table([_("Product"), _("Category"), _("Revenue"), _("Share of spend"),
                    _("Orders")], rows, {2, 3, 4})
    return panel(title, [html.H3(_("Top categories, share of spend"), className="card-sub"),
                         _graph(_category_figure(view.categories)),
                         html.H3(_("Top products"), className="card-sub"), table],
                 note=_("last 12 months"))


KIND_NAMES = {"discovery": N_("Discovery"), "cross_sell": N_("Cross-sell")}
KIND_COLOURS = {"discovery": "info", "cross_sell": "primary"}


def _suggestion(row: Any) -> html.Li:
    name = str(row["name"]) if isinstance(row["name"], str) and row["name"] else str(
        row["sku"])
    category = row["category"] if isinstance(row["category"], str) and row["category"] \
        else _("No category")
    return html.Li([
        html.Div([html.Span(name, className="fw-semibold suggest-name"),
                  dbc.Badge(_(KIND_NAMES[row["kind"]]), color=KIND_COLOURS[row["kind"]],
                            className="ms-2 suggest-kind")], className="suggest-head"),
        html.Div([html.Span(str(row["sku"]), className="text-muted me-2"),
                  html.Span(category, className="text-muted")], className="small"),
        html.Div(str(row["reason"]), className="small suggest-reason"),
        dbc.Button([html.I(className="bi bi-ticket-perforated me-1"),
                    _("Coupon for everyone it is suggested to")],
                   id={"type": ids.PORTRAIT_SUGGESTION_COUPON, "index": int(row["product_id"])},
                   color="link", size="sm", className="p-0 suggest-coupon"),
    ], className="suggest-item")


def discovery_card(view: Any) -> html.Section:
    title = _("Discovery and cross-sell")
    found = getattr(view, "suggestions", None)
    if found is None or found.items.empty:
        return panel(title, empty_state(
            _("No suggestions for this customer"),
            _("Suggestions need purchases in the last 12 months, by this customer and by "
              "similar customers."), icon="bi-lightbulb"))
    body: list[Any] = [html.Ol([_suggestion(r) for r in found.items.to_dict("records")],
                               className="suggest-list")]
    if found.categories:
        body.append(html.P([html.Strong(_("Categories to try: ")),
                            _(", ").join(found.categories)], className="small mb-0"))
    body.append(dcc.Link([html.I(className="bi bi-diagram-3 me-1"),
                          _("Products bought together")],
                         href=SUGGESTIONS_PATH + encode({"as_of": found.as_of.isoformat()}),
                         className="small suggest-rules-link"))
    return panel(title, body, note=_("as of {date}", date=format_date(found.as_of)))


# --- money -------------------------------------------------------------------------------------


def money_card(view: Any) -> html.Section:
    money = view.money
    buckets = [[_(BUCKET_NAMES[b]), format_money(money.buckets[b], view.currency)]
               for b in BUCKET_NAMES]
    summary = html.Div([
        html.Div([html.Div(_("Receivable"), className="kpi-label"),
                  html.Div(format_money(money.receivable, view.currency, compact=True),
                           title=format_money(money.receivable, view.currency),
                           className="kpi-value")], className="money-figure"),
        html.Div([html.Div(_("Overdue"), className="kpi-label"),
                  html.Div(format_money(money.overdue, view.currency, compact=True),
                           title=format_money(money.overdue, view.currency),
                           className="kpi-value" + (" text-danger" if money.overdue > 0
                                                    else ""))], className="money-figure"),
    ], className="money-row")
    body: list[Any] = [summary, html.H3(_("Overdue by age"), className="card-sub"),
                       _table([_("Past due"), _("Amount")], buckets, {1})]
    if money.open_count:
        rows = [[format_date(pd.Timestamp(r["due_date"]).date()),
                 format_money(r["balance"], view.currency),
                 _late(int(r["days_overdue"]))]
                for r in money.open_invoices.to_dict("records")]
        body += [html.H3(_("Oldest open invoices"), className="card-sub"),
                 _table([_("Due"), _("Open"), _("Late")], rows, {1, 2})]
    return panel(_("Money"), body, note=_("as of {date}", date=format_date(view.filters.as_of)))


def _late(days: int) -> str:
    if days <= 0:
        return _("not yet due")
    return ngettext("{n} day late", "{n} days late", days)


# --- campaigns and timeline --------------------------------------------------------------------


def campaigns_card(view: Any) -> html.Section:
    title = _("Campaigns")
    sends = view.campaigns
    if sends.empty:
        return panel(title, empty_state(_("Not part of any campaign yet"),
                                        icon="bi-megaphone"))
    rows = [[campaign_link(str(r["campaign"]), r["campaign_id"]),
             _(CHANNELS.get(str(r["channel"]), str(r["channel"]))),
             _(SEND_STATES.get(str(r["status"]), str(r["status"]))),
             format_date(pd.Timestamp(r["sent_at"] if pd.notna(r["sent_at"])
                                      else r["queued_at"]).date()),
             format_money(r["redeemed_amount"], view.currency) if pd.notna(r["redeemed_at"])
             else "–"] for r in sends.head(10).to_dict("records")]
    return panel(title, _table([_("Campaign"), _("Channel"), _("Message"), _("Date"),
                                _("Redeemed")], rows, {4}))


def _timeline_title(item: Mapping[str, Any], currency: str) -> str:
    kind = str(item["kind"])
    if kind in ("order", "return"):
        return f"{_(TIMELINE_NAMES[kind])} {item['title']} · " + format_money(
            item["amount"], currency)
    if kind in ("call", "visit"):
        return f"{kind_name(kind)} · {outcome_name(str(item['title']))}"
    if kind == "comment":
        return kind_name("comment")
    if kind == "coupon":
        return f"{_(TIMELINE_NAMES['coupon'])} · {item['title']} · " + _(
            SEND_STATES.get(str(item["detail"]), str(item["detail"])))
    if kind == "followup":
        return _followup_title(item)
    return f"{_(TIMELINE_NAMES['alert'])} · {item['title']}"


def _followup_title(item: Mapping[str, Any]) -> str:
    due, _sep, state = str(item["extra"] or "").partition(" ")
    try:
        due_text = format_date(pd.Timestamp(due).date())
    except ValueError:
        due_text = due
    kind = _(FOLLOWUP_KIND_NAMES.get(str(item["title"]), str(item["title"])))
    return _("Follow-up · {kind} · due {due} ({state})", kind=kind, due=due_text,
             state=_(FOLLOWUP_STATE_NAMES.get(state, state)))


def _timeline_detail(item: Mapping[str, Any]) -> str:
    kind = str(item["kind"])
    if kind in ("call", "visit", "comment", "followup"):
        return str(item["detail"] or "")
    if kind in ("order", "return") and item["detail"]:
        return _("coupon {code}", code=item["detail"])
    if kind == "coupon" and item["extra"]:
        return str(item["extra"])
    return ""


def timeline_card(view: Any) -> html.Section:
    title = _("Timeline")
    items = view.timeline
    if items.empty:
        return panel(title, empty_state(_("Nothing recorded yet"), icon="bi-clock-history"))
    entries = []
    for item in items.to_dict("records"):  # rows as dicts: iterrows builds a Series each
        when = pd.Timestamp(item["at"])
        entries.append(html.Li([
            html.I(className="bi " + TIMELINE_ICONS.get(str(item["kind"]), "bi-dot"),
                   **{"aria-hidden": "true"}),
            html.Div([html.Span(_timeline_title(item, view.currency), className="fw-semibold"),
                      html.Span(format_date(when.date()) + (
                          f" · {item['by']}" if item["by"] else ""),
                          className="text-muted small ms-2"),
                      html.P(_timeline_detail(item), className="timeline-text")])],
            className=f"timeline-item timeline-{item['kind']}"))
    return panel(title, html.Ul(entries, className="timeline"),
                 note=_("orders, calls, visits, comments, coupons, alerts and follow-ups"))


__all__ = ["campaigns_card", "discovery_card", "money_card", "preferences_card",
           "timeline_card"]
