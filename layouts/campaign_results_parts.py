"""A campaign's results, as the page shows them (``layouts/campaign_results.py`` is the page;
``callbacks/campaign_results.py`` fills it with these): the header, the counts, what the coupon
did against the comparison group, the coupon and message, the recipients' rows."""

from __future__ import annotations

from typing import Any

import pandas as pd
from dash import dcc, html

from dashboard.filters import CAMPAIGNS_PATH
from dashboard.i18n import (
    _,
    format_date,
    format_money,
    format_number,
    format_percent,
    ngettext,
)
from layouts.components.campaign_parts import (
    channel_name,
    offer_words,
    outcome_name,
    source_words,
    uplift_words,
)
from layouts.components.cards import kpi_card
from layouts.components.states import empty_state
from layouts.customer_grid import portrait_href


def _stamp(value: Any) -> str:
    return "" if pd.isna(value) else format_date(pd.Timestamp(value).date())


def _moment(value: Any) -> str:
    """A sending moment as the other dates read: ``Dec 7, 2026 03:49`` (UTC)."""
    if pd.isna(value):
        return ""
    moment = pd.Timestamp(value)
    return f"{format_date(moment.date())} {moment.strftime('%H:%M')}"


def header(page: Any) -> html.Div:
    campaign, detail = page.campaign, page.detail
    facts = [channel_name(campaign.channel, short=True),
             _("created by {name}", name=detail.created_by_name or "–"),
             _stamp(campaign.queued_at or campaign.created_at)]
    if campaign.holdout_pct:
        facts.append(_("{pct} held out for comparison", pct=format_percent(
            campaign.holdout_pct)))
    return html.Div([
        dcc.Link([html.I(className="bi bi-arrow-left me-1"), _("Campaigns")],
                 href=CAMPAIGNS_PATH, className="small"),
        html.Div([html.H1(campaign.name), html.Span(" · ".join(facts),
                                                    className="text-muted")],
                 className="page-headline"),
    ])


def kpis(page: Any) -> list[html.Div]:
    s, currency = page.summary, page.currency
    counts = [(_("Recipients"), "recipients"), (_("Sent"), "sent"), (_("Failed"), "failed"),
              (_("Outcome unknown"), "unknown"), (_("Held out"), "holdout"),
              (_("Cannot be reached"), "unreachable")]
    cards = [kpi_card(label, format_number(s[key])) for label, key in counts]
    rate = s.get("redemption_pct")
    note = _("{pct} of the messages sent", pct=format_percent(rate, 1)) if rate is not None \
        and rate == rate else _("nothing sent yet")
    cards.append(html.Div([html.Div(_("Redeemed"), className="kpi-label"),
                           html.Div(format_number(s["redeemed"]), className="kpi-value"),
                           html.Div(note, className="kpi-previous")], className="kpi-card"))
    cards.append(kpi_card(_("Redemption revenue"),
                          format_money(s["redeemed_revenue"], currency, compact=True),
                          hint=_("Revenue of the orders that redeemed a code")))
    return cards


def details(page: Any) -> list[Any]:
    coupon = page.coupon
    terms = [html.Dt(_("Coupon")), html.Dd(coupon.name if coupon else "–"),
             html.Dt(_("Offer")), html.Dd(offer_words(coupon, page.currency)),
             html.Dt(_("Valid for")), html.Dd(ngettext("{n} day from sending",
                                                       "{n} days from sending",
                                                       coupon.validity_days)
                                              if coupon else "–"),
             html.Dt(_("Customers")), html.Dd(source_words(
                 page.detail.selection.get("description", ""))),
             html.Dt(_("Message")), html.Dd(html.Pre(page.detail.message_template,
                                                     className="message-sample"))]
    return [html.Dl(terms, className="campaign-facts")]


def _uplift_table(page: Any) -> html.Table | None:
    table = page.uplift
    if table.empty or int(table["holdout_n"].iat[0]) == 0 or table["state"].iat[0] != "measured":
        return None  # nothing to measure yet: the words say so, no figures
    names = {"orders": _("Orders per customer"), "revenue": _("Revenue per customer")}

    def show(metric: str, value: Any) -> str:
        return format_number(value, 2) if metric == "orders" else format_money(
            value, page.currency)

    head = [_("Per customer"), _("Got the coupon ({n})", n=format_number(
        table["treated_n"].iat[0])), _("Comparison group ({n})", n=format_number(
            table["holdout_n"].iat[0])), _("Difference"), _("95 % range")]
    rows = [html.Tr([html.Td(names[r["metric"]]), html.Td(show(r["metric"], r["treated_mean"])),
                     html.Td(show(r["metric"], r["holdout_mean"])),
                     html.Td(show(r["metric"], r["difference"])),
                     html.Td(f"{show(r['metric'], r['ci_low'])} … "
                             f"{show(r['metric'], r['ci_high'])}"
                             if r["ci_low"] == r["ci_low"] else "–")])
            for r in table.to_dict("records")]
    return html.Table([html.Thead(html.Tr([html.Th(h) for h in head])), html.Tbody(rows)],
                      className="table table-sm uplift-table mb-0")


def uplift(page: Any) -> list[Any]:
    words = uplift_words(page.uplift, page.currency, page.window_days)
    return [*(html.P(w, className="uplift-text") for w in words), _uplift_table(page)]


def grid_rows(rows: pd.DataFrame, currency: str, link_query: str = "") -> list[dict[str, Any]]:
    """The recipients as the grid shows them (texts formatted for the reader)."""
    frame = rows.assign(
        outcome=rows["status"].map(outcome_name),
        sent=rows["sent_at"].map(_moment),
        redeemed=rows["redeemed_at"].map(_stamp),
        amount=rows["redeemed_amount"].map(lambda v: "" if pd.isna(v) else format_money(
            v, currency)))
    return [{"row_id": str(int(r["outbox_id"])), "name": str(r["name"] or r["code"]),
             "code": str(r["code"]), "href": portrait_href(r["code"], link_query),
             "status": str(r["status"]), "outcome": r["outcome"],
             "address": str(r["address"] or ""), "coupon_code": str(r["coupon_code"] or ""),
             "sent_at": r["sent"], "redeemed_at": r["redeemed"],
             "redeemed_amount": r["amount"], "last_error": str(r["last_error"] or "")}
            for r in frame.to_dict("records")]


def count_text(shown: int, total: int) -> str:
    text = ngettext("{n} recipient", "{n} recipients", total)
    if shown < total:
        text += " " + _("(the first {shown} here; the CSV file has all of them)",
                        shown=format_number(shown))
    return text


def not_found() -> html.Div:
    return empty_state(_("Campaign not found"),
                       _("This campaign does not exist or has no customers you may see."),
                       action=dcc.Link(_("Back to the campaigns"), href=CAMPAIGNS_PATH,
                                       className="btn btn-primary btn-sm"),
                       icon="bi-megaphone")


__all__ = ["count_text", "details", "grid_rows", "header", "kpis", "not_found", "uplift"]
