"""The portrait's tables: purchase preferences, money (receivables and overdue by age),
campaigns, the merged timeline, and the product-discovery card (not available yet)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import plotly.graph_objects as go
from dash import dcc, html

from dashboard.i18n import (
    N_,
    _,
    format_date,
    format_money,
    format_number,
    format_percent,
    ngettext,
)
from layouts.components.cards import panel
from layouts.components.contact_form import kind_name, outcome_name
from layouts.components.states import empty_state
from layouts.figures import TIER_COLOURS, new_figure
from layouts.portrait_cards import BUCKET_NAMES, _graph, chart_text

TIMELINE_ICONS = {"order": "bi-bag-check", "return": "bi-arrow-return-left",
                  "call": "bi-telephone", "visit": "bi-geo-alt", "comment": "bi-chat-left-text",
                  "coupon": "bi-ticket-perforated", "alert": "bi-bell"}
TIMELINE_NAMES = {"order": N_("Order"), "return": N_("Return"), "coupon": N_("Coupon"),
                  "alert": N_("Alert")}
SEND_STATES = {"pending": N_("waiting to be sent"), "sending": N_("being sent"),
               "sent": N_("sent"), "failed": N_("failed"), "unknown": N_("outcome unknown"),
               "holdout": N_("held out (comparison group)"),
               "unreachable": N_("no address for the channel"), "cancelled": N_("cancelled")}
CHANNELS = {"sms": N_("SMS"), "email": N_("E-mail"), "log": N_("Log only")}


def _table(head: list[str], rows: list[list[Any]], numeric: set[int]) -> html.Table:
    def cell(i: int, value: Any, tag: Any) -> Any:
        return tag(value, className="num" if i in numeric else None)

    return html.Table([
        html.Thead(html.Tr([cell(i, h, html.Th) for i, h in enumerate(head)])),
        html.Tbody([html.Tr([cell(i, v, html.Td) for i, v in enumerate(r)]) for r in rows]),
    ], className="table table-sm portrait-table")


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
             format_number(r["orders"])] for _i, r in view.products.iterrows()]
    table = _table([_("Product"), _("Category"), _("Revenue"), _("Share of spend"),
                    _("Orders")], rows, {2, 3, 4})
    return panel(title, [html.H3(_("Top categories, share of spend"), className="card-sub"),
                         _graph(_category_figure(view.categories)),
                         html.H3(_("Top products"), className="card-sub"), table],
                 note=_("last 12 months"))


def discovery_card() -> html.Section:
    return panel(_("Discovery and cross-sell"), empty_state(
        _("Product suggestions are not available yet"),
        _("Popular products that similar customers buy and this one does not, and products "
          "often bought together, will appear here."), icon="bi-lightbulb"),
        note=_("coming later"))


# --- money -------------------------------------------------------------------------------------


def money_card(view: Any) -> html.Section:
    money = view.money
    buckets = [[_(BUCKET_NAMES[b]), format_money(money.buckets[b], view.currency)]
               for b in BUCKET_NAMES]
    summary = html.Div([
        html.Div([html.Div(_("Receivable"), className="kpi-label"),
                  html.Div(format_money(money.receivable, view.currency),
                           className="kpi-value")], className="money-figure"),
        html.Div([html.Div(_("Overdue"), className="kpi-label"),
                  html.Div(format_money(money.overdue, view.currency),
                           className="kpi-value" + (" text-danger" if money.overdue > 0
                                                    else ""))], className="money-figure"),
    ], className="money-row")
    body: list[Any] = [summary, html.H3(_("Overdue by age"), className="card-sub"),
                       _table([_("Past due"), _("Amount")], buckets, {1})]
    if money.open_count:
        rows = [[format_date(pd.Timestamp(r["due_date"]).date()),
                 format_money(r["balance"], view.currency),
                 _late(int(r["days_overdue"]))]
                for _i, r in money.open_invoices.iterrows()]
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
    rows = [[dcc.Link(str(r["campaign"]), href=f"/campaigns/{int(r['campaign_id'])}"),
             _(CHANNELS.get(str(r["channel"]), str(r["channel"]))),
             _(SEND_STATES.get(str(r["status"]), str(r["status"]))),
             format_date(pd.Timestamp(r["sent_at"] if pd.notna(r["sent_at"])
                                      else r["queued_at"]).date()),
             format_money(r["redeemed_amount"], view.currency) if pd.notna(r["redeemed_at"])
             else "–"] for _i, r in sends.head(10).iterrows()]
    return panel(title, _table([_("Campaign"), _("Channel"), _("Message"), _("Date"),
                                _("Redeemed")], rows, {4}))


def _timeline_title(item: pd.Series, currency: str) -> str:
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
    return f"{_(TIMELINE_NAMES['alert'])} · {item['title']}"


def _timeline_detail(item: pd.Series) -> str:
    kind = str(item["kind"])
    if kind in ("call", "visit", "comment"):
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
    for _i, item in items.iterrows():
        when = pd.Timestamp(item["at"])
        entries.append(html.Li([
            html.I(className="bi " + TIMELINE_ICONS.get(str(item["kind"]), "bi-dot"),
                   **{"aria-hidden": "true"}),
            html.Div([html.Div([html.Span(_timeline_title(item, view.currency),
                                          className="fw-semibold"),
                                html.Span(format_date(when.date()) + (
                                    f" · {item['by']}" if item["by"] else ""),
                                    className="text-muted small ms-2")]),
                      html.P(_timeline_detail(item), className="timeline-text")])],
            className=f"timeline-item timeline-{item['kind']}"))
    return panel(title, html.Ul(entries, className="timeline"),
                 note=_("orders, calls, visits, comments, coupons and alerts"))


__all__ = ["campaigns_card", "discovery_card", "money_card", "preferences_card",
           "timeline_card"]
