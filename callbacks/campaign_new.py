"""Fills and drives ``/campaigns/new``: the choices, the message check, a new coupon, the
preview, the send (queued once under the preview's intent key) and the background job that
delivers it with a progress bar, then opens the results. The actor always comes from the
server; the browser sends the names of lists and coupons, never customer ids."""

from __future__ import annotations

from typing import Any

from dash import Input, Output, State, ctx, no_update
from dash.exceptions import PreventUpdate

from callbacks import callback
from callbacks._runtime import current_actor, current_language, current_runtime, error_text
from dashboard.errors import CockpitError
from dashboard.i18n import use_language
from dashboard.messaging.templates import DEFAULT_TEMPLATES, default_template
from dashboard.services import campaign_drafts as drafts
from dashboard.services import campaign_pages as pages
from dashboard.services.campaign_forms import message_text, template_issues
from layouts import ids, links
from layouts.campaign_list_parts import campaign_href
from layouts.campaign_new_parts import (
    SEND_BUTTON_CLASS,
    already_text,
    channel_options,
    coupon_options,
    default_channel,
    limit_text,
    list_options,
    may_send,
    preview_body,
    problems_body,
    queued_text,
    send_label,
    source_summary,
    stale_body,
    template_help,
)
from layouts.components.campaign_parts import PROGRESS_CLASS, progress_values, progress_words
from layouts.components.states import error_alert

TOGGLE_CLASS = "px-0"
FORM_FIELDS = (ids.CAMPAIGN_NEW_LIST, ids.CAMPAIGN_NEW_COUPON, ids.CAMPAIGN_NEW_CHANNEL,
               ids.CAMPAIGN_NEW_LANGUAGE, ids.CAMPAIGN_NEW_TEMPLATE, ids.CAMPAIGN_NEW_HOLDOUT,
               ids.CAMPAIGN_NEW_NAME)


@callback(
    Output(ids.CAMPAIGN_NEW_SOURCE, "children"), Output(ids.CAMPAIGN_NEW_LIST_FIELD, "hidden"),
    Output(ids.CAMPAIGN_NEW_LIST, "options"), Output(ids.CAMPAIGN_NEW_COUPON, "options"),
    Output(ids.CAMPAIGN_NEW_COUPON, "value"), Output(ids.CAMPAIGN_NEW_COUPON_TOGGLE, "className"),
    Output(ids.CAMPAIGN_NEW_CHANNEL, "options"), Output(ids.CAMPAIGN_NEW_CHANNEL, "value"),
    Output(ids.CAMPAIGN_NEW_LANGUAGE, "value"), Output(ids.CAMPAIGN_NEW_LIMIT, "children"),
    Input(ids.CAMPAIGN_NEW_QUERY, "data"))
def update_campaign_new_page(query: Any) -> tuple:
    params = links.query_params(query if isinstance(query, dict) else None)
    page = drafts.get_new_campaign(current_runtime(), current_actor(),
                                   links.parse_filters(params), params.get("selection"))
    coupons = coupon_options(page.coupons, page.currency)
    return (source_summary(page, params), page.selection is not None,
            list_options(page.choices), coupons, coupons[0]["value"],
            TOGGLE_CLASS if page.can_create_coupon else TOGGLE_CLASS + " d-none",
            channel_options(page.configured), default_channel(page.configured),
            current_language(), limit_text(page.cap_remaining))


@callback(
    Output(ids.CAMPAIGN_NEW_TEMPLATE, "value"), Output(ids.CAMPAIGN_NEW_TEMPLATE_CHECK, "children"),
    Input(ids.CAMPAIGN_NEW_LANGUAGE, "value"), Input(ids.CAMPAIGN_NEW_TEMPLATE, "value"))
def update_campaign_new_template(language: Any, template: Any) -> tuple:
    """A new language brings its default text (unless the text was changed); the text is
    checked as it is typed."""
    language = language if language in DEFAULT_TEMPLATES else "en"
    text = template if isinstance(template, str) else ""
    if ctx.triggered_id != ids.CAMPAIGN_NEW_TEMPLATE and (
            not text.strip() or text.strip() in DEFAULT_TEMPLATES.values()):
        text = default_template(language)
    shown = text if text != template else no_update
    return shown, template_help(template_issues(message_text(text, language)))


@callback(
    Output(ids.CAMPAIGN_NEW_COUPON_FORM, "is_open"), Output(ids.CAMPAIGN_NEW_COUPON_ERROR, "children"),
    Output(ids.CAMPAIGN_NEW_COUPON, "options", allow_duplicate=True),
    Output(ids.CAMPAIGN_NEW_COUPON, "value", allow_duplicate=True),
    Input(ids.CAMPAIGN_NEW_COUPON_TOGGLE, "n_clicks"), Input(ids.CAMPAIGN_NEW_COUPON_SAVE, "n_clicks"),
    State(ids.CAMPAIGN_NEW_COUPON_FORM, "is_open"), State(ids.CAMPAIGN_NEW_COUPON_NAME, "value"),
    State(ids.CAMPAIGN_NEW_COUPON_KIND, "value"), State(ids.CAMPAIGN_NEW_COUPON_VALUE, "value"),
    State(ids.CAMPAIGN_NEW_COUPON_SPEND, "value"), State(ids.CAMPAIGN_NEW_COUPON_DAYS, "value"),
    State(ids.CAMPAIGN_NEW_COUPON_PATTERN, "value"), prevent_initial_call=True)
def update_campaign_new_coupon(_toggle: Any, _save: Any, is_open: Any, name: Any, kind: Any,
                               value: Any, spend: Any, days: Any, pattern: Any) -> tuple:
    if ctx.triggered_id == ids.CAMPAIGN_NEW_COUPON_TOGGLE:
        return not is_open, "", no_update, no_update
    runtime, actor = current_runtime(), current_actor()
    try:
        coupon_id = drafts.save_coupon(runtime, actor, name=name, kind=kind, value=value,
                                       min_spend=spend, validity_days=days,
                                       code_pattern=pattern)
    except drafts.FormProblems as exc:
        return no_update, problems_body(exc.problems), no_update, no_update
    except CockpitError as exc:
        return no_update, error_text(exc), no_update, no_update
    page = drafts.get_new_campaign(runtime, actor, None)
    return False, "", coupon_options(page.coupons, page.currency), str(coupon_id)


def campaign_form(query: Any, list_value: Any, coupon: Any, channel: Any, language: Any,
                  template: Any, holdout: Any, name: Any) -> drafts.CampaignForm:
    """The form as the service takes it: the stored selection of the address, or the list
    chosen (its selector, under the address's filters)."""
    params = links.query_params(query if isinstance(query, dict) else None)
    return drafts.CampaignForm(
        token=params.get("selection") or None,
        selector=links.parse_selector(list_value if isinstance(list_value, str) else ""),
        filters=links.parse_filters(params), coupon_id=coupon, channel=channel,
        language=language, template=template, holdout_pct=holdout, name=name)


@callback(
    Output(ids.CAMPAIGN_NEW_PREVIEW_BODY, "children"), Output(ids.CAMPAIGN_NEW_SEND, "disabled"),
    Output(ids.CAMPAIGN_NEW_SEND, "children"), Output(ids.CAMPAIGN_NEW_INTENT, "data"),
    Output(ids.CAMPAIGN_NEW_ADDRESS, "search"), Input(ids.CAMPAIGN_NEW_PREVIEW, "n_clicks"), *(Input(f, "value") for f in FORM_FIELDS),
    State(ids.CAMPAIGN_NEW_QUERY, "data"), State(ids.CAMPAIGN_NEW_INTENT, "data"),
    prevent_initial_call=True)
def update_campaign_new_preview(clicks: Any, *values: Any) -> tuple:
    """Preview on the button; any change of the form afterwards asks for a new preview
    (and disables Send until then)."""
    *fields, query, intent = values
    keep = (no_update, no_update, no_update)
    if ctx.triggered_id != ids.CAMPAIGN_NEW_PREVIEW:
        return (stale_body() if clicks else no_update), True, *keep
    try:
        shown = drafts.preview(current_runtime(), current_actor(),
                               campaign_form(query, *fields), intent)
    except drafts.FormProblems as exc:
        return problems_body(exc.problems), True, *keep
    except CockpitError as exc:
        return error_alert(error_text(exc)), True, *keep
    done = campaign_href(shown.submitted) if shown.submitted else None
    return (preview_body(shown, done), not may_send(shown), send_label(shown),
            shown.intent_key, address_with_intent(query, shown.intent_key))


def address_with_intent(query: Any, intent: str) -> str:
    """The page's address with the preview's intent key, so that the same draft opened in
    another tab answers "already submitted" instead of sending twice."""
    params = links.query_params(query if isinstance(query, dict) else None)
    return links.encode({**{k: v for k, v in params.items() if k != "intent"},
                         "intent": intent})


@callback(
    Output(ids.CAMPAIGN_NEW_QUEUED, "data"), Output(ids.CAMPAIGN_NEW_STATUS, "children"),
    Output(ids.CAMPAIGN_NEW_SEND, "disabled", allow_duplicate=True),
    Output(ids.CAMPAIGN_NEW_PROGRESS, "className"), Output(ids.CAMPAIGN_NEW_GO, "href"),
    Input(ids.CAMPAIGN_NEW_SEND, "n_clicks"), State(ids.CAMPAIGN_NEW_INTENT, "data"),
    State(ids.CAMPAIGN_NEW_QUEUED, "data"), prevent_initial_call=True,
    running=[(Output(ids.CAMPAIGN_NEW_SEND, "className"), SEND_BUTTON_CLASS + " disabled",
              SEND_BUTTON_CLASS),
             (Output(ids.CAMPAIGN_NEW_PREVIEW, "disabled"), True, False)])
def queue_campaign_new(clicks: Any, intent: Any, queued: Any) -> tuple:
    """Queue the previewed campaign once. A campaign queued before under this key (a
    second tab, a replay) is not sent again from here: its results page shows it."""
    if not clicks:
        raise PreventUpdate
    if isinstance(queued, dict) and queued.get("campaign_id"):
        return no_update, no_update, True, no_update, no_update
    result = drafts.submit(current_runtime(), current_actor(), intent)
    href = campaign_href(result.campaign_id)
    if result.already_submitted:
        return (no_update, error_alert(already_text(), color="warning"), True, no_update,
                href)
    data = {"campaign_id": result.campaign_id, "language": current_language()}
    return data, queued_text(), True, PROGRESS_CLASS, no_update


@callback(
    Output(ids.CAMPAIGN_NEW_GO, "href", allow_duplicate=True),
    Output(ids.CAMPAIGN_NEW_SENT, "children"),
    Input(ids.CAMPAIGN_NEW_QUEUED, "data"), background=True, prevent_initial_call=True,
    progress=[Output(ids.CAMPAIGN_NEW_PROGRESS, "value"), Output(ids.CAMPAIGN_NEW_PROGRESS, "max"),
              Output(ids.CAMPAIGN_NEW_PROGRESS, "label"),
              Output(ids.CAMPAIGN_NEW_PROGRESS_TEXT, "children")])
def send_campaign_new(set_progress: Any, queued: Any) -> tuple:
    """The background job: deliver the queued campaign, then open its results."""
    campaign_id = queued.get("campaign_id") if isinstance(queued, dict) else None
    if not isinstance(campaign_id, int) or isinstance(campaign_id, bool):
        raise PreventUpdate
    with use_language(str(queued.get("language") or "en")):
        def report(progress: Any) -> None:
            set_progress([*progress_values(progress), progress_words(progress)])

        try:
            pages.send_campaign(current_runtime(), current_actor(), campaign_id, report)
        except CockpitError as exc:
            return no_update, error_alert(error_text(exc))
    return campaign_href(campaign_id), no_update

