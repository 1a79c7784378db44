"""What the new-campaign page shows once the server has answered: where the customers come
from, the lists, coupons and channels to choose from, the message check, and the preview
(how many get the message, a few messages as they will read, everyone who cannot be reached
with the reason, and what stops a send)."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.analytics.selection import Selector
from dashboard.errors import user_message
from dashboard.filters import NEW_CAMPAIGN_PATH, encode, kept_list_params, selector_params
from dashboard.i18n import _, format_number, ngettext
from dashboard.messaging.recipients import CHANNELS
from layouts.components.campaign_parts import (
    channel_name,
    coupon_label,
    list_words,
    problem_list,
    reason_name,
)
from layouts.components.states import empty_state, error_alert
from layouts.customer_words import MOVER_NAMES
from layouts.labels import move_name, status_name

NEW_PATH = NEW_CAMPAIGN_PATH
SEND_BUTTON_CLASS = "w-100 mb-2"


# --- who gets it -------------------------------------------------------------------------------


def choice_label(choice: Any) -> str:
    """"Status: Churning · 12 customers" for a list the page offers."""
    selector: Selector = choice.selector
    if selector.scheme is not None:
        group, name = _("Classification"), f"{choice.scheme_title} · {choice.band_label}"
    elif selector.segment is not None:
        group, name = _("Rule segment"), f"{choice.scheme_title} · {choice.band_label}"
    elif selector.status:
        group, name = _("Status"), status_name(selector.status)
    elif selector.new:
        group, name = _("Status"), status_name("new")
    elif selector.once:
        group, name = _("Status"), status_name("once")
    elif selector.tier:
        group, name = _("Tier"), selector.tier
    elif selector.move:
        group, name = _("Tier movement"), move_name(selector.move)
    else:
        group, name = _("Last 30 days"), _(MOVER_NAMES[str(selector.mover)])
    return _("{group}: {name} · {count}", group=group, name=name,
             count=ngettext("{n} customer", "{n} customers", choice.count))


def list_options(choices: list[Any]) -> list[dict[str, Any]]:
    return [{"label": choice_label(c), "value": encode(selector_params(c.selector)).lstrip("?"),
             "disabled": c.count == 0} for c in choices]


def source_summary(page: Any, query: dict[str, str]) -> list[Any]:
    """Panel 1: the stored selection in words (or why it cannot be used)."""
    chosen, problem = page.selection, page.selection_error
    if chosen is None:
        parts: list[Any] = [html.P(_("Choose a list of customers below, or pick customers in "
                                     "the customer list and press Send coupon there."),
                                   className="mb-2")]
        if problem is not None:
            parts.insert(0, error_alert(_("The customers you picked cannot be used: {reason}",
                                          reason=_problem_text(problem))))
        return parts
    if chosen.source == "customer":
        words = _("One customer: {name}", name=page.customer_name or "–")
    elif chosen.source == "matching":
        words = ngettext("All {n} customer of a customer list", "All {n} customers of a "
                         "customer list", chosen.count)
        described = _matching_words(chosen.description)
        words = _("{what}: {list}", what=words, list=_(", ").join(described)) if described \
            else words
    else:
        words = ngettext("{n} customer picked in the customer list",
                         "{n} customers picked in the customer list", chosen.count)
    other = dict(query)
    other.pop("selection", None)
    other.pop("intent", None)
    return [html.P([html.I(className="bi bi-people me-2"), words], className="fw-semibold"),
            html.P(_("The filters above do not change a picked selection."),
                   className="small text-muted mb-1"),
            dcc.Link(_("Choose a whole list instead"), href=NEW_PATH + encode(other),
                     className="small")]


def _matching_words(description: dict[str, Any]) -> list[str]:
    return list_words(kept_list_params(description))


def _problem_text(problem: Any) -> str:
    return user_message(problem)


def coupon_options(coupons: Any, currency: str) -> list[dict[str, Any]]:
    if coupons is None or coupons.empty:
        return [{"label": _("No coupons yet"), "value": ""}]
    return [{"label": coupon_label(row, currency), "value": str(int(row["id"]))}
            for row in coupons.to_dict("records")]


def channel_options(configured: dict[str, bool]) -> list[dict[str, Any]]:
    options = []
    for channel in CHANNELS:
        label = channel_name(channel)
        if not configured.get(channel, False):
            label += " " + _("(not set up on this server)")
        options.append({"label": label, "value": channel,
                        "disabled": not configured.get(channel, False)})
    return options


def default_channel(configured: dict[str, bool]) -> str:
    return next((c for c in ("sms", "email") if configured.get(c)), "log")


def limit_text(remaining: int) -> str:
    return _("You may queue {n} more messages today.", n=format_number(remaining))


def template_help(problems: list[Any]) -> list[Any]:
    """Under the message: the placeholders, and what is wrong with the text so far."""
    names = "{name} {tier} {code} {expiry} {value}"
    hint = html.Div(_("Placeholders: {names} (the customer's name, their tier, their coupon "
                      "code, the last day it is valid, the offer).", names=names),
                    className="small text-muted")
    found = problem_list(problems)
    return [hint, html.Div(found, className="text-danger small", role="alert")] if found \
        else [hint]


# --- the preview -------------------------------------------------------------------------------


def _summary(preview: Any) -> html.P:
    chosen = ngettext("{n} customer chosen:", "{n} customers chosen:", preview.recipients)
    parts = [ngettext("{n} gets the message", "{n} get the message", preview.send_count)]
    if preview.holdout_count:
        parts.append(ngettext("{n} held out for comparison", "{n} held out for comparison",
                              preview.holdout_count))
    if preview.unreachable_count:
        parts.append(ngettext("{n} cannot be reached", "{n} cannot be reached",
                              preview.unreachable_count))
    return html.P([html.Strong(chosen), " ", _("{text}.", text=_(", ").join(parts))],
                  className="mb-2")


def _warnings(preview: Any, submitted_href: str | None) -> list[Any]:
    found = []
    if submitted_href:
        found.append(dbc.Alert([_("This campaign was already submitted."), " ",
                                dcc.Link(_("Open its results"), href=submitted_href)],
                               color="warning", className="py-2"))
    if preview.channel_missing:
        found.append(error_alert(_("{channel} is not set up on this server: choose another "
                                   "way to send.", channel=channel_name(preview.channel,
                                                                        short=True)),
                                 color="danger"))
    if preview.send_count == 0:
        found.append(error_alert(_("Nobody here can be reached this way: there is nothing to "
                                   "send."), color="danger"))
    elif preview.send_count > preview.cap_remaining:
        found.append(error_alert(_("This needs {needed} messages; your daily limit allows "
                                   "{remaining} more today.",
                                   needed=format_number(preview.send_count),
                                   remaining=format_number(preview.cap_remaining)),
                                 color="danger"))
    return found


def _examples(preview: Any) -> html.Div:
    items = [html.Li([
        html.Div([html.Span(str(row["name"] or row["code"]), className="fw-semibold"),
                  html.Span(" → " + str(row["address"] or ""), className="text-muted small")]),
        html.Blockquote(str(row["message"]), className="message-sample"),
    ]) for row in preview.examples.to_dict("records")]
    return html.Div([html.H3(_("How the messages read"), className="h6"),
                     html.Ul(items, className="message-samples"),
                     html.P(_("Each customer gets their own code in place of the Xs."),
                            className="small text-muted")]) if items else html.Div()


def _unreachable(preview: Any) -> html.Div | None:
    if not preview.unreachable_count:
        return None
    rows = [html.Tr([html.Td(str(r["code"])), html.Td(str(r["name"] or "")),
                     html.Td(reason_name(r["reason"]))])
            for r in preview.unreachable.to_dict("records")]
    more = preview.unreachable_count - len(rows)
    return html.Div([
        html.H3(ngettext("{n} customer cannot be reached", "{n} customers cannot be reached",
                         preview.unreachable_count), className="h6 mt-3"),
        html.P(_("They are kept in the campaign as not reachable, with the reason, and get "
                 "nothing."), className="small text-muted mb-1"),
        html.Div(html.Table([html.Thead(html.Tr([html.Th(_("Code")), html.Th(_("Customer")),
                                                 html.Th(_("Why"))])),
                             html.Tbody(rows)], className="table table-sm mb-1"),
                 className="unreachable-table"),
        html.P(ngettext("and {n} more (all in the campaign's file)",
                        "and {n} more (all in the campaign's file)", more),
               className="small text-muted") if more > 0 else None,
    ])


def _shared(preview: Any) -> html.Div | None:
    """Recipients sharing a phone or e-mail (likely duplicate records): each gets a coupon."""
    count = getattr(preview, "shared_count", 0)
    if not count:
        return None
    rows = [html.Tr([html.Td(f"{r['name_a'] or ''} ({r['code_a']})"),
                     html.Td(f"{r['name_b'] or ''} ({r['code_b']})"), html.Td(str(r["address"]))])
            for r in preview.shared.to_dict("records")]
    return dbc.Alert([
        html.H3(ngettext("{n} pair of recipients share a phone or e-mail",
                         "{n} pairs of recipients share a phone or e-mail", count),
                className="h6"),
        html.P(_("Each record gets its own message and coupon. If they are the same customer, "
                 "merge them on the Duplicates page first."), className="small mb-1"),
        html.Table([html.Thead(html.Tr([html.Th(_("Customer")), html.Th(_("Customer")),
                                        html.Th(_("Address"))])), html.Tbody(rows)],
                   className="table table-sm mb-0"),
    ], color="warning", className="mt-3 shared-recipients")


def preview_body(preview: Any, submitted_href: str | None) -> list[Any]:
    return [_summary(preview), *_warnings(preview, submitted_href), _examples(preview),
            _unreachable(preview), _shared(preview)]


def may_send(preview: Any) -> bool:
    return (preview.submitted is None and not preview.channel_missing
            and 0 < preview.send_count <= preview.cap_remaining)


def send_label(preview: Any) -> list[Any]:
    return [html.I(className="bi bi-send me-1"),
            ngettext("Send to {n} customer", "Send to {n} customers", preview.send_count)]


def problems_body(problems: list[Any]) -> list[Any]:
    return [html.P(_("Please change this first:"), className="fw-semibold mb-1"),
            html.Div(problem_list(problems), className="text-danger")]


def already_text() -> str:
    return _("This campaign was already submitted: nothing was sent twice. Opening it…")


def queued_text() -> str:
    return _("Queued. Sending now…")


def stale_body() -> html.Div:
    return empty_state(_("The form changed since the preview"),
                       _("Press Preview again to see what will be sent."), icon="bi-eye")


__all__ = ["SEND_BUTTON_CLASS", "already_text", "channel_options", "choice_label", "coupon_options", "default_channel",
           "limit_text", "list_options", "may_send", "preview_body", "problems_body", "queued_text",
           "send_label", "source_summary", "stale_body", "template_help"]
