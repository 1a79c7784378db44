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
from dashboard import filters as address
from dashboard.errors import CockpitError
from dashboard.i18n import use_language
from dashboard.messaging.templates import DEFAULT_TEMPLATES, default_template
from dashboard.services import campaign_drafts as drafts
from dashboard.services import campaign_pages as pages
from dashboard.services.campaign_forms import message_text, template_issues
from layouts import ids
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
    Input(ids.CAMPAIGN_NEW_QUERY, "data"),
    output={"source": Output(ids.CAMPAIGN_NEW_SOURCE, "children"),
            "hide_lists": Output(ids.CAMPAIGN_NEW_LIST_FIELD, "hidden"),
            "lists": Output(ids.CAMPAIGN_NEW_LIST, "options"),
            "coupons": Output(ids.CAMPAIGN_NEW_COUPON, "options"),
            "coupon": Output(ids.CAMPAIGN_NEW_COUPON, "value"),
            "coupon_toggle": Output(ids.CAMPAIGN_NEW_COUPON_TOGGLE, "className"),
            "channels": Output(ids.CAMPAIGN_NEW_CHANNEL, "options"),
            "channel": Output(ids.CAMPAIGN_NEW_CHANNEL, "value"),
            "language": Output(ids.CAMPAIGN_NEW_LANGUAGE, "value"),
            "limit": Output(ids.CAMPAIGN_NEW_LIMIT, "children")})
def update_campaign_new_page(query: Any) -> dict[str, Any]:
    params = address.query_params(query if isinstance(query, dict) else None)
    page = drafts.get_new_campaign(current_runtime(), current_actor(),
                                   address.parse_filters(params), params.get("selection"))
    coupons = coupon_options(page.coupons, page.currency)
    return {"source": source_summary(page, params), "hide_lists": page.selection is not None,
            "lists": list_options(page.choices), "coupons": coupons,
            "coupon": coupons[0]["value"],
            "coupon_toggle": TOGGLE_CLASS if page.can_create_coupon
            else TOGGLE_CLASS + " d-none",
            "channels": channel_options(page.configured),
            "channel": default_channel(page.configured), "language": current_language(),
            "limit": limit_text(page.cap_remaining)}


@callback(
    Output(ids.CAMPAIGN_NEW_TEMPLATE, "value"), Output(ids.CAMPAIGN_NEW_TEMPLATE_CHECK, "children"),
    Input(ids.CAMPAIGN_NEW_LANGUAGE, "value"), Input(ids.CAMPAIGN_NEW_TEMPLATE, "value"))
def update_campaign_new_template(language: str | None, template: str | None) -> tuple:
    """A new language brings its default text (unless the text was changed); the text is
    checked as it is typed."""
    language = language if language in DEFAULT_TEMPLATES else "en"
    text = template if isinstance(template, str) else ""
    if ctx.triggered_id != ids.CAMPAIGN_NEW_TEMPLATE and (
            not text.strip() or text.strip() in DEFAULT_TEMPLATES.values()):
        text = default_template(language)
    shown = text if text != template else no_update
    return shown, template_help(template_issues(message_text(text, language)))


COUPON_OUTPUTS = {
    "open": Output(ids.CAMPAIGN_NEW_COUPON_FORM, "is_open"),
    "error": Output(ids.CAMPAIGN_NEW_COUPON_ERROR, "children"),
    "coupons": Output(ids.CAMPAIGN_NEW_COUPON, "options", allow_duplicate=True),
    "coupon": Output(ids.CAMPAIGN_NEW_COUPON, "value", allow_duplicate=True),
}


def _coupon(**given: Any) -> dict[str, Any]:
    return {name: given.get(name, no_update) for name in COUPON_OUTPUTS}


@callback(
    Input(ids.CAMPAIGN_NEW_COUPON_TOGGLE, "n_clicks"), Input(ids.CAMPAIGN_NEW_COUPON_SAVE, "n_clicks"),
    State(ids.CAMPAIGN_NEW_COUPON_FORM, "is_open"), State(ids.CAMPAIGN_NEW_COUPON_NAME, "value"),
    State(ids.CAMPAIGN_NEW_COUPON_KIND, "value"), State(ids.CAMPAIGN_NEW_COUPON_VALUE, "value"),
    State(ids.CAMPAIGN_NEW_COUPON_SPEND, "value"), State(ids.CAMPAIGN_NEW_COUPON_DAYS, "value"),
    State(ids.CAMPAIGN_NEW_COUPON_PATTERN, "value"), output=COUPON_OUTPUTS,
    prevent_initial_call=True)
def update_campaign_new_coupon(_toggle: Any, _save: Any, is_open: Any, name: Any, kind: Any,
                               value: Any, spend: Any, days: Any,
                               pattern: Any) -> dict[str, Any]:
    if ctx.triggered_id == ids.CAMPAIGN_NEW_COUPON_TOGGLE:
        return _coupon(open=not is_open, error="")
    runtime, actor = current_runtime(), current_actor()
    try:
        coupon_id = drafts.save_coupon(runtime, actor, name=name, kind=kind, value=value,
                                       min_spend=spend, validity_days=days,
                                       code_pattern=pattern)
    except drafts.FormProblems as exc:
        return _coupon(error=problems_body(exc.problems))
    except CockpitError as exc:
        return _coupon(error=error_text(exc))
    page = drafts.get_new_campaign(runtime, actor, None)
    return _coupon(open=False, error="", coupons=coupon_options(page.coupons, page.currency),
                   coupon=str(coupon_id))


def campaign_form(query: Any, list_value: Any, coupon: Any, channel: Any, language: Any,
                  template: Any, holdout: Any, name: Any) -> drafts.CampaignForm:
    """The form as the service takes it: the stored selection of the address, or the list
    chosen (its selector, under the address's filters)."""
    params = address.query_params(query if isinstance(query, dict) else None)
    return drafts.CampaignForm(
        token=params.get("selection") or None,
        selector=address.parse_selector(list_value if isinstance(list_value, str) else ""),
        filters=address.parse_filters(params), coupon_id=coupon, channel=channel,
        language=language, template=template, holdout_pct=holdout, name=name)


PREVIEW_OUTPUTS = {
    "preview": Output(ids.CAMPAIGN_NEW_PREVIEW_BODY, "children"),
    "send_disabled": Output(ids.CAMPAIGN_NEW_SEND, "disabled"),
    "send_label": Output(ids.CAMPAIGN_NEW_SEND, "children"),
    "intent": Output(ids.CAMPAIGN_NEW_INTENT, "data"),
    "address": Output(ids.CAMPAIGN_NEW_ADDRESS, "search"),
}


@callback(
    Input(ids.CAMPAIGN_NEW_PREVIEW, "n_clicks"), *(Input(f, "value") for f in FORM_FIELDS),
    State(ids.CAMPAIGN_NEW_QUERY, "data"), State(ids.CAMPAIGN_NEW_INTENT, "data"),
    output=PREVIEW_OUTPUTS, prevent_initial_call=True)
def update_campaign_new_preview(clicks: Any, *values: Any) -> dict[str, Any]:
    """Preview on the button; any change of the form afterwards asks for a new preview
    (and disables Send until then)."""
    *fields, query, intent = values
    if ctx.triggered_id != ids.CAMPAIGN_NEW_PREVIEW:
        return _preview(stale_body() if clicks else no_update)
    try:
        shown = drafts.preview(current_runtime(), current_actor(),
                               campaign_form(query, *fields), intent)
    except drafts.FormProblems as exc:
        return _preview(problems_body(exc.problems))
    except CockpitError as exc:
        return _preview(error_alert(error_text(exc)))
    done = campaign_href(shown.submitted) if shown.submitted else None
    return {"preview": preview_body(shown, done), "send_disabled": not may_send(shown),
            "send_label": send_label(shown), "intent": shown.intent_key,
            "address": address_with_intent(query, shown.intent_key)}


def _preview(body: Any) -> dict[str, Any]:
    """The preview area says ``body``; Send waits for a preview."""
    return {**dict.fromkeys(PREVIEW_OUTPUTS, no_update), "preview": body,
            "send_disabled": True}


def address_with_intent(query: Any, intent: str) -> str:
    """The page's address with the preview's intent key, so that the same draft opened in
    another tab answers "already submitted" instead of sending twice."""
    params = address.query_params(query if isinstance(query, dict) else None)
    return address.encode({**{k: v for k, v in params.items() if k != "intent"},
                         "intent": intent})


QUEUE_OUTPUTS = {
    "queued": Output(ids.CAMPAIGN_NEW_QUEUED, "data"),
    "status": Output(ids.CAMPAIGN_NEW_STATUS, "children"),
    "send_disabled": Output(ids.CAMPAIGN_NEW_SEND, "disabled", allow_duplicate=True),
    "progress_class": Output(ids.CAMPAIGN_NEW_PROGRESS, "className"),
    "go": Output(ids.CAMPAIGN_NEW_GO, "href"),
}


@callback(
    Input(ids.CAMPAIGN_NEW_SEND, "n_clicks"), State(ids.CAMPAIGN_NEW_INTENT, "data"),
    State(ids.CAMPAIGN_NEW_QUEUED, "data"), output=QUEUE_OUTPUTS, prevent_initial_call=True,
    running=[(Output(ids.CAMPAIGN_NEW_SEND, "className"), SEND_BUTTON_CLASS + " disabled",
              SEND_BUTTON_CLASS),
             (Output(ids.CAMPAIGN_NEW_PREVIEW, "disabled"), True, False)])
def queue_campaign_new(clicks: Any, intent: Any, queued: Any) -> dict[str, Any]:
    """Queue the previewed campaign once. A campaign queued before under this key (a
    second tab, a replay) is not sent again from here: its results page shows it."""
    if not clicks:
        raise PreventUpdate
    keep = dict.fromkeys(QUEUE_OUTPUTS, no_update)
    if isinstance(queued, dict) and queued.get("campaign_id"):
        return {**keep, "send_disabled": True}
    result = drafts.submit(current_runtime(), current_actor(), intent)
    if result.already_submitted:
        return {**keep, "status": error_alert(already_text(), color="warning"),
                "send_disabled": True, "go": campaign_href(result.campaign_id)}
    data = {"campaign_id": result.campaign_id, "language": current_language()}
    return {**keep, "queued": data, "status": queued_text(), "send_disabled": True,
            "progress_class": PROGRESS_CLASS}


@callback(
    Output(ids.CAMPAIGN_NEW_GO, "href", allow_duplicate=True),
    Output(ids.CAMPAIGN_NEW_SENT, "children"),
    Input(ids.CAMPAIGN_NEW_QUEUED, "data"), background=True, prevent_initial_call=True,
    progress=[Output(ids.CAMPAIGN_NEW_PROGRESS, "value"), Output(ids.CAMPAIGN_NEW_PROGRESS, "max"),
              Output(ids.CAMPAIGN_NEW_PROGRESS, "label"),
              Output(ids.CAMPAIGN_NEW_PROGRESS_TEXT, "children")])
def send_campaign_new(set_progress: Any, queued: dict[str, Any] | None) -> tuple:
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

