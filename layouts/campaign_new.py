"""A new coupon campaign at ``/campaigns/new`` (SPEC.md "Actions": coupons).

1. *Who gets it*: the customers picked in the customer list or a portrait
   (``?selection=<token>``), or a whole list chosen here — a status, new customers, a tier, a
   tier movement, a 30-day mover list or a classification band — under the filter bar's
   filters (the server resolves it; the page never sends customer ids).
2. *Coupon*: a stored coupon, or a new one (owners and managers): money or percentage off,
   minimum spend, validity, code pattern.
3. *Message*: SMS, e-mail or the demo's log file; the text in English or Chinese with the
   placeholders ``{name} {tier} {code} {expiry} {value}`` (checked as it is typed).
4. *Comparison group* (holdout %) and an optional campaign name.

**Preview** shows how many customers get the message, a few messages as they will read,
and every customer who cannot be reached with the reason. **Send** queues exactly what was
previewed (once: the intent key of the preview), then sends it with a progress bar and opens
the campaign's results.
"""

from __future__ import annotations

import re
from typing import Any

import dash
import dash_bootstrap_components as dbc
from dash import dcc, html

from dashboard.filters import CAMPAIGNS_PATH, NEW_CAMPAIGN_PATH, query_params
from dashboard.i18n import _
from dashboard.messaging.recipients import MAX_HOLDOUT_PCT
from layouts import ids
from layouts.campaign_new_parts import SEND_BUTTON_CLASS
from layouts.components.campaign_parts import progress_bar
from layouts.components.cards import panel
from layouts.components.states import empty_state, skeleton

DEFAULT_PATTERN = "CP-{random}"
_INTENT = re.compile(r"^[A-Za-z0-9_-]{32}$")


def title() -> str:
    return _("New campaign") + " · " + _("Customer cockpit")


dash.register_page(__name__, path=NEW_CAMPAIGN_PATH, name="New campaign",
                   title=lambda **_kw: title(), filters=True)


def _field(label: str, control: Any, control_id: str, hint: Any = None) -> html.Div:
    return html.Div([dbc.Label(label, html_for=control_id, className="form-label"), control,
                     html.Div(hint, className="form-text") if hint is not None else None],
                    className="mb-3")


def _recipients() -> html.Section:
    chooser = html.Div(_field(
        _("Send to a whole list"),
        dbc.Select(id=ids.CAMPAIGN_NEW_LIST, options=[], placeholder=_("Choose a list…")),
        ids.CAMPAIGN_NEW_LIST,
        _("The list is taken under the filters above (as-of date, period, type, region, "
          "account manager), from the customers you may see.")),
        id=ids.CAMPAIGN_NEW_LIST_FIELD, hidden=True)
    return panel("1 · " + _("Who gets it"), [
        html.Div(skeleton(2), id=ids.CAMPAIGN_NEW_SOURCE), chooser])


def _coupon_form() -> dbc.Collapse:
    kinds = [{"label": _("Money off"), "value": "value"},
             {"label": _("Percentage off"), "value": "percent"}]
    return dbc.Collapse(html.Div([
        dbc.Row([
            dbc.Col(_field(_("Coupon name"), dbc.Input(
                id=ids.CAMPAIGN_NEW_COUPON_NAME, maxLength=120), ids.CAMPAIGN_NEW_COUPON_NAME),
                md=12),
            dbc.Col(_field(_("Kind"), dbc.RadioItems(
                id=ids.CAMPAIGN_NEW_COUPON_KIND, options=kinds, value="value", inline=True),
                ids.CAMPAIGN_NEW_COUPON_KIND), md=12),
            dbc.Col(_field(_("Value (money, or per cent)"), dbc.Input(
                id=ids.CAMPAIGN_NEW_COUPON_VALUE, type="number", min=0, step="any"),
                ids.CAMPAIGN_NEW_COUPON_VALUE), sm=6),
            dbc.Col(_field(_("Minimum spend"), dbc.Input(
                id=ids.CAMPAIGN_NEW_COUPON_SPEND, type="number", min=0, step="any", value=0),
                ids.CAMPAIGN_NEW_COUPON_SPEND), sm=6),
            dbc.Col(_field(_("Valid for (days)"), dbc.Input(
                id=ids.CAMPAIGN_NEW_COUPON_DAYS, type="number", min=1, max=3650, step=1,
                value=30), ids.CAMPAIGN_NEW_COUPON_DAYS), sm=6),
            dbc.Col(_field(_("Code pattern"), dbc.Input(
                id=ids.CAMPAIGN_NEW_COUPON_PATTERN, value=DEFAULT_PATTERN, maxLength=40),
                ids.CAMPAIGN_NEW_COUPON_PATTERN,
                _("{random} becomes 10 random letters and digits for each customer.",
                  random="{random}")), sm=6),
        ], className="g-2"),
        html.Div(id=ids.CAMPAIGN_NEW_COUPON_ERROR, className="text-danger small mb-2",
                 role="alert"),
        dbc.Button(_("Save coupon"), id=ids.CAMPAIGN_NEW_COUPON_SAVE, color="secondary",
                   size="sm"),
    ], className="coupon-form"), id=ids.CAMPAIGN_NEW_COUPON_FORM, is_open=False)


def _coupon() -> html.Section:
    toggle = dbc.Button([html.I(className="bi bi-plus-lg me-1"), _("New coupon…")],
                        id=ids.CAMPAIGN_NEW_COUPON_TOGGLE, color="link", size="sm",
                        className="px-0 d-none")
    return panel("2 · " + _("Coupon"), [
        _field(_("Coupon"), dbc.Select(id=ids.CAMPAIGN_NEW_COUPON, options=[]),
               ids.CAMPAIGN_NEW_COUPON,
               _("Each customer gets their own code; redemptions are matched on later "
                 "orders.")),
        toggle, _coupon_form()])


def _message() -> html.Section:
    languages = [{"label": "English", "value": "en"}, {"label": "中文", "value": "zh"}]
    return panel("3 · " + _("Message"), [
        _field(_("Send by"), dbc.RadioItems(id=ids.CAMPAIGN_NEW_CHANNEL, options=[],
                                            inline=True), ids.CAMPAIGN_NEW_CHANNEL),
        _field(_("Language of the message"), dbc.RadioItems(
            id=ids.CAMPAIGN_NEW_LANGUAGE, options=languages, value="en", inline=True),
            ids.CAMPAIGN_NEW_LANGUAGE),
        _field(_("Message"), dbc.Textarea(id=ids.CAMPAIGN_NEW_TEMPLATE, rows=4,
                                          maxLength=2000, className="template-box"),
               ids.CAMPAIGN_NEW_TEMPLATE, html.Div(id=ids.CAMPAIGN_NEW_TEMPLATE_CHECK)),
    ])


def _options() -> html.Section:
    return panel("4 · " + _("Comparison group and name"), dbc.Row([
        dbc.Col(_field(_("Hold out (%)"), dbc.Input(
            id=ids.CAMPAIGN_NEW_HOLDOUT, type="number", min=0, max=MAX_HOLDOUT_PCT, step=1,
            value=10), ids.CAMPAIGN_NEW_HOLDOUT,
            _("Held-out customers get nothing. Comparing them with the others shows what "
              "the coupon really did.")), md=5),
        dbc.Col(_field(_("Campaign name (optional)"), dbc.Input(
            id=ids.CAMPAIGN_NEW_NAME, maxLength=200), ids.CAMPAIGN_NEW_NAME,
            _("Also the e-mail subject. Default: the coupon's name and today's date.")), md=7),
    ], className="g-2"))


def _preview() -> html.Section:
    start = empty_state(_("Nothing previewed yet"),
                        _("Fill in the form and press Preview to see who gets which message."),
                        icon="bi-eye")
    send = html.Div([
        dbc.Button([html.I(className="bi bi-send me-1"), _("Send")],
                   id=ids.CAMPAIGN_NEW_SEND, color="success", disabled=True,
                   className=SEND_BUTTON_CLASS),
        html.Div(progress_bar(ids.CAMPAIGN_NEW_PROGRESS, ids.CAMPAIGN_NEW_PROGRESS_TEXT,
                              hidden=True), className="mb-2"),
        html.Div(id=ids.CAMPAIGN_NEW_STATUS, role="status"),
        html.Div(id=ids.CAMPAIGN_NEW_SENT, role="status"),
    ], className="send-area")
    return panel(_("Preview"), [html.Div(start, id=ids.CAMPAIGN_NEW_PREVIEW_BODY), send])


def intent_key(value: Any) -> str | None:
    text = str(value or "")
    return text if _INTENT.match(text) else None


def layout(**query: Any) -> html.Div:
    params = query_params(query)
    return html.Div([
        dcc.Store(id=ids.CAMPAIGN_NEW_QUERY, data=params),
        dcc.Store(id=ids.CAMPAIGN_NEW_INTENT, data=intent_key(params.get("intent"))),
        dcc.Store(id=ids.CAMPAIGN_NEW_QUEUED),
        dcc.Location(id=ids.CAMPAIGN_NEW_GO, refresh="callback-nav"),
        dcc.Location(id=ids.CAMPAIGN_NEW_ADDRESS, refresh=False),
        html.Div([html.H1(_("New campaign")),
                  dcc.Link([html.I(className="bi bi-arrow-left me-1"), _("Campaigns")],
                           href=CAMPAIGNS_PATH, className="small")],
                 className="page-headline"),
        dbc.Row([
            dbc.Col([
                html.Div(_recipients(), className="panel-row"),
                html.Div(_coupon(), className="panel-row"),
                html.Div(_message(), className="panel-row"),
                html.Div(_options(), className="panel-row"),
                html.Div([
                    dbc.Button([html.I(className="bi bi-eye me-1"), _("Preview")],
                               id=ids.CAMPAIGN_NEW_PREVIEW, color="primary"),
                    html.Span(id=ids.CAMPAIGN_NEW_LIMIT, className="small text-muted ms-3"),
                ], className="d-flex align-items-center mb-3"),
            ], lg=7),
            dbc.Col(html.Div(_preview(), className="preview-column"), lg=5),
        ], className="g-3"),
    ], className="container-fluid cockpit-page campaign-new-page")


__all__ = ["DEFAULT_PATTERN", "intent_key", "layout", "title"]
