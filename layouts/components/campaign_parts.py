"""Pieces the campaign pages share: channel and outcome names, the send progress bar and its
words, a coupon's offer in words, where a campaign's customers came from, a form's problems,
and what a campaign did against its comparison group said so that an owner understands it
("customers who got the coupon ordered 0.4 more times each (between 0.1 and 0.7) than
similar customers who did not")."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Any

import dash_bootstrap_components as dbc
import pandas as pd
from dash import html

from dashboard import filters as address
from dashboard.analytics.uplift import SMALL_GROUP
from dashboard.i18n import (
    N_,
    _,
    current_language,
    format_date,
    format_money,
    format_number,
    format_percent,
    ngettext,
)
from dashboard.messaging.coupons import CouponTerms, offer_text
from dashboard.reports.campaigns import OUTCOME_NAMES
from layouts.labels import customer_type_name, period_name

CHANNEL_NAMES = {"sms": N_("SMS"), "email": N_("E-mail"),
                 "log": N_("Log file only (demo: nothing is sent)")}
SHORT_CHANNEL_NAMES = {"sms": N_("SMS"), "email": N_("E-mail"), "log": N_("Log file")}
REASON_NAMES = {"opted_out": N_("opted out of this channel"),
                "no_address": N_("no phone number or e-mail address for this channel"),
                "invalid_address": N_("the address cannot be used")}
SOURCE_NAMES = {"picked": N_("Customers picked in the customer list"),
                "matching": N_("Every customer of a customer list"),
                "customer": N_("One customer, from their portrait"),
                "list": N_("A list chosen on this page")}


def channel_name(channel: Any, *, short: bool = False) -> str:
    names = SHORT_CHANNEL_NAMES if short else CHANNEL_NAMES
    return _(names[channel]) if channel in names else str(channel or "–")


def outcome_name(status: Any) -> str:
    return _(OUTCOME_NAMES[status]) if status in OUTCOME_NAMES else str(status or "–")


def reason_name(reason: Any) -> str:
    return _(REASON_NAMES[reason]) if reason in REASON_NAMES else str(reason or "–")


def offer_words(terms: CouponTerms | None, currency: str) -> str:
    """The coupon's offer in the reader's language ("CN¥50 off an order of CN¥500 or
    more", "订货满¥500立减¥50")."""
    if terms is None:
        return "–"
    return offer_text(terms, currency, current_language())


def coupon_label(row: Mapping[str, Any], currency: str) -> str:
    """A coupon in a dropdown: its name, the offer, how long it is valid."""
    terms = CouponTerms(kind=str(row["kind"]), value=float(row["value"]),
                        min_spend=float(row["min_spend"] or 0),
                        validity_days=int(row["validity_days"]),
                        code_pattern=str(row["code_pattern"]), name=str(row["name"]))
    days = ngettext("valid {n} day", "valid {n} days", int(row["validity_days"]))
    return f"{row['name']} · {offer_words(terms, currency)} · {days}"


def problem_list(problems: Iterable[Any]) -> html.Ul | None:
    """The form's problems (``campaign_forms.Problem``) as a list in the reader's language."""
    items = [html.Li(_(p.text, **p.params)) for p in problems]
    return html.Ul(items, className="form-problems mb-0") if items else None


# --- progress -----------------------------------------------------------------------------------


def progress_words(progress: Any) -> str:
    """"38 of 120 messages done: 35 sent, 2 failed, 1 outcome unknown; 82 waiting"."""
    done = _("{done} of {total} messages done: {sent} sent, {failed} failed, {unknown} "
             "outcome unknown", done=format_number(progress.finished),
             total=format_number(progress.messages), sent=format_number(progress["sent"]),
             failed=format_number(progress["failed"]),
             unknown=format_number(progress["unknown"]))
    if progress["cancelled"]:
        done += _("; {n} cancelled (opted out since)", n=format_number(progress["cancelled"]))
    if progress.waiting:
        done += _("; {n} waiting", n=format_number(progress.waiting))
    return done


def progress_values(progress: Any) -> tuple[int, int, str]:
    """(value, max, label) of a progress bar."""
    if not progress.messages:
        return 1, 1, format_percent(100)
    share = round(progress.share_pct)
    if progress.finished < progress.messages:  # never "100%" while a message still waits
        share = min(share, 99)
    return progress.finished, progress.messages, format_percent(share)


PROGRESS_CLASS = "send-progress"


def progress_bar(bar_id: str, text_id: str, *, hidden: bool = False) -> html.Div:
    return html.Div([
        dbc.Progress(id=bar_id, value=0, max=1, label="", striped=True, animated=True,
                     className=PROGRESS_CLASS + (" d-none" if hidden else ""),
                     style={"height": "1.4rem"}),
        html.Div(id=text_id, className="small text-muted mt-1", role="status",
                 **{"aria-live": "polite"}),
    ])


# --- where the customers came from --------------------------------------------------------------


def source_words(description: Any) -> str:
    """The stored description of a campaign's customers (address parameters) in words."""
    params = address.query_params(description if isinstance(description, str) else "")
    source = params.get("source", "")
    words = [_(SOURCE_NAMES[source])] if source in SOURCE_NAMES else []
    if source in ("matching", "list"):
        words.extend(list_words(params))
    return _(", ").join(words) or "–"


def list_words(params: Mapping[str, str]) -> list[str]:
    from layouts.customer_words import selector_words

    filters = address.parse_filters(params)
    words = selector_words(address.parse_selector(params))
    if filters.period:
        words.append(period_name(filters.period))
    if filters.as_of:
        words.append(_("as of {date}", date=format_date(filters.as_of)))
    if filters.customer_type:
        words.append(customer_type_name(filters.customer_type))
    if filters.region:
        words.append(_("region {region}", region=filters.region))
    return words


# --- the uplift in words ------------------------------------------------------------------------


def _bad(value: Any) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def _range(low: float, high: float, show: Any, metric: str) -> str:
    """The 95 % range of a difference in words, whichever side of zero it lies."""
    if low >= 0:
        return _("between {low} and {high}", low=show(low), high=show(high))
    if high <= 0:
        return _("between {low} and {high}", low=show(-high), high=show(-low))
    if metric == "orders":
        return _("between {low} fewer and {high} more", low=show(-low), high=show(high))
    return _("between {low} less and {high} more", low=show(-low), high=show(high))


def _show(metric: str, currency: str) -> Any:
    if metric == "orders":
        return lambda v: format_number(v, 1)
    return lambda v: format_money(v, currency)


EFFECT_TEXTS = {
    "orders": (N_("Customers who got the coupon ordered {value} more times each ({range}) "
                  "than similar customers who did not."),
               N_("Customers who got the coupon ordered {value} fewer times each ({range}) "
                  "than similar customers who did not."),
               N_("Customers who got the coupon ordered as often as similar customers who "
                  "did not ({range}).")),
    "revenue": (N_("They spent {value} more each ({range})."),
                N_("They spent {value} less each ({range})."),
                N_("They spent as much as the others ({range})."))}


def _effect(row: Mapping[str, Any], currency: str) -> str:
    diff, metric = float(row["difference"]), str(row["metric"])
    show = _show(metric, currency)
    spread = _range(float(row["ci_low"]), float(row["ci_high"]), show, metric)
    rounded = round(diff, 1) if metric == "orders" else round(diff)
    more, fewer, same = EFFECT_TEXTS[metric]
    text = more if rounded > 0 else fewer if rounded < 0 else same
    return _(text, value=show(abs(diff)), range=spread)


def _nobody_ordered(uplift: pd.DataFrame) -> bool:
    orders = uplift.set_index("metric").loc["orders"]
    return float(orders["treated_mean"]) == 0 and float(orders["holdout_mean"]) == 0


def uplift_words(uplift: pd.DataFrame, currency: str, window_days: int) -> list[str]:
    """What the campaign did, in sentences, honest about what cannot be said yet: only the
    orders placed after the messages went out count, and until there is something to
    measure the words say so instead of giving figures."""
    if uplift.empty:
        return [_("Nothing to compare yet.")]
    orders = uplift.set_index("metric").loc["orders"]
    start, end = orders["window_start"], orders["window_end"]
    sent = pd.Timestamp(orders["sent_at"])
    when = {"date": format_date(sent.date()), "time": sent.strftime("%H:%M")}
    if orders["state"] == "too_early" or end < start:
        return [_("The messages went out on {date} at {time}. Only orders placed after that "
                  "count: come back from {next} to see what they did.", **when,
                  next=format_date(start))]
    words = [_("From the messages sent on {date} at {time} to the end of {end}:", **when,
               end=format_date(end))]
    return [*words, *_measured(uplift, currency),
            *_unfinished(orders, start, window_days)]


def _unfinished(orders: Mapping[str, Any], start: dt.date, window_days: int) -> list[str]:
    if bool(orders["window_complete"]):
        return []
    full = start + dt.timedelta(days=int(window_days) - 1)
    return [_("The {days}-day window ends on {date}: these figures will still change.",
              days=format_number(window_days), date=format_date(full))]


def _measured(uplift: pd.DataFrame, currency: str) -> list[str]:
    """What the comparison says (or why it cannot say anything)."""
    orders = uplift.set_index("metric").loc["orders"]
    treated, held = int(orders["treated_n"]), int(orders["holdout_n"])
    words: list[str] = []
    if treated == 0:
        return [_("Nobody got the message, so there is nothing to measure.")]
    if orders["state"] == "no_orders":
        return [_("No customer in either group has ordered since the messages went out.")]
    if held == 0:
        spent = uplift.set_index("metric").loc["revenue", "treated_mean"]
        return [_("No comparison group was kept, so what the coupon changed cannot be "
                  "measured: customers who got it ordered {orders} times and spent {money} "
                  "each. Keep 10 to 20 % as a comparison group next time.",
                  orders=format_number(orders["treated_mean"], 1),
                  money=format_money(spent, currency))]
    if held < 2 or treated < 2 or _bad(orders["ci_low"]):
        return [ngettext(
            "Only {n} customer was held out: too few to measure what the coupon did. Keep at "
            "least 30 next time.", "Only {n} customers were held out: too few to measure what "
            "the coupon did. Keep at least 30 next time.", held)]
    if _nobody_ordered(uplift):
        return [_("No customer in either group has ordered since the messages went out.")]
    words += [_effect(row, currency) for row in uplift.to_dict("records")]
    if any(float(r["ci_low"]) <= 0 <= float(r["ci_high"]) for r in uplift.to_dict("records")):
        words.append(_("Where a range includes no difference at all, the difference may be "
                       "chance."))
    if min(treated, held) < SMALL_GROUP:
        words.append(ngettext("The comparison group is small ({n} customer), so treat this "
                              "as a rough guide.", "The comparison group is small ({n} "
                              "customers), so treat this as a rough guide.", held))
    return words


__all__ = ["CHANNEL_NAMES", "PROGRESS_CLASS", "channel_name", "coupon_label", "list_words",
           "offer_words", "outcome_name", "problem_list", "progress_bar", "progress_values", "progress_words",
           "reason_name", "source_words", "uplift_words"]
