"""Stored texts in the reader's language: the reasons of membership changes (the portrait's
history), the messages of alerts and the actions of the audit log.

Reasons and alert messages are stored as a key with its values
(``dashboard.analytics.reasons``); :func:`render` words them when shown, numbers, money,
percentages and dates formatted by Babel for the language, figures, statuses and movements
named as everywhere else on the pages. Names people typed (band labels, rule names) are shown
as they were typed. An old text the migration did not understand is shown as it was stored.

Audit actions are stable keys (``scheme.create``, ``sign_in_failed``); :func:`audit_action`
words them, and an action without words (a key a later version added) is shown as its key.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from dashboard.analytics.kinds import PERCENT, RANK, SCHEME_KINDS
from dashboard.analytics.reasons import TEXT, decode
from dashboard.analytics.rules import ALERT, PENDING
from dashboard.i18n import (
    DASH,
    N_,
    absent,
    format_date,
    format_money,
    format_number,
    format_percent,
    translate,
)
from layouts.labels import CUSTOMER_TYPE_NAMES, MOVE_NAMES, STATUS_NAMES
from layouts.schemes_parts import FIGURE_NAMES

TEMPLATES = {
    "status.no_order": N_("no order yet"),
    "status.no_order_for": N_("no order for {days} days (more than {limit})"),
    "status.risk_above": N_("risk score {risk} > {limit}"),
    "status.risk_at_most": N_("risk score {risk} ≤ {limit}"),
    "status.no_gap": N_("ordered within {days} days (no usual gap yet)"),
    "tier.revenue": N_("revenue {revenue} in the {days} days to {end}"),
    "tier.no_revenue": N_("no revenue in the {days} days to {end}"),
    "scheme.band": N_("moved to band '{band}' ({figure} {value})"),
    "scheme.band_top": N_("moved to band '{band}' (top {top}: {value} {figure})"),
    "rule.met": N_("{figure} {value} {operator} {threshold}"),
    "rule.met_for": N_("{figure} {value} {operator} {threshold} for {days} days or more"),
    "rule.waiting": N_("{figure} {value} {operator} {threshold} since {since}; waiting for "
                       "{days} days"),
    "alert.met": N_("{rule}: {figure} {value} {operator} {threshold}"),
    "alert.met_for": N_("{rule}: {figure} {value} {operator} {threshold} for {days} days or "
                        "more"),
}
OPERATORS = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "=", "!=": "≠"}
MONEY_FIGURES = ("revenue", "revenue_prev", "avg_order_value", "revenue_30d",
                 "expected_value_next_90d", "revenue_vs_own90", "revenue_vs_own365")
PERCENT_FIGURES = ("risk_change_pct", "churn_probability", "growth_pct", "margin_pct",
                   "return_rate_pct", "revenue_growth_pct", "revenue_vs_own90_pct",
                   "revenue_vs_own365_pct")
AND_CONDITION = N_("{text} and {figure} {value} {operator} {threshold}")
DAY_FIGURES = ("days_since_last_order", "mean_gap_days")
CHOICE_NAMES = {"status": STATUS_NAMES, "tier_move": MOVE_NAMES,
                "customer_type": CUSTOMER_TYPE_NAMES}

# the places a rule gives before and after its "for N days" (dashboard.analytics.rules)
RULE_PLACES = {PENDING: N_("(waiting)"), ALERT: N_("(alert raised)")}

AUDIT_ACTIONS = {
    "sign_in": N_("Signed in"),
    "sign_in_failed": N_("Sign-in failed"),
    "sign_in_throttled": N_("Sign-in blocked after too many attempts"),
    "sign_out": N_("Signed out"),
    "user_create": N_("User created"),
    "user_change": N_("User changed"),
    "user_enable": N_("User enabled"),
    "user_disable": N_("User disabled"),
    "profile_change": N_("Own profile changed"),
    "password_change": N_("Password changed"),
    "password_reset": N_("Password reset"),
    "access_denied": N_("Access refused"),
    "job_denied": N_("Background job refused"),
    "export": N_("Export"),
    "import": N_("Import"),
    "demo.generate": N_("Demo data generated"),
    "recompute": N_("Memberships recomputed"),
    "recompute.refresh": N_("Scheme and rule memberships refreshed"),
    "scheme.create": N_("Scheme created"),
    "scheme.update": N_("Scheme changed"),
    "scheme.delete": N_("Scheme deleted"),
    "scheme.move": N_("Scheme moved"),
    "rule.create": N_("Rule created"),
    "rule.update": N_("Rule changed"),
    "rule.delete": N_("Rule deleted"),
    "target.set": N_("Target set"),
    "call.create": N_("Call recorded"),
    "visit.create": N_("Visit recorded"),
    "comment.create": N_("Comment added"),
    "comment.update": N_("Comment changed"),
    "comment.delete": N_("Comment deleted"),
    "campaign.queue": N_("Campaign queued"),
    "campaign.send": N_("Campaign sent"),
    "coupon.create": N_("Coupon created"),
    "coupon.match_redemptions": N_("Coupon redemptions matched"),
    "outbox.send_pass": N_("Messages sent"),
    "outbox.mark_sent": N_("Message marked as sent"),
    "outbox.release": N_("Message released to be sent again"),
    "alert.done": N_("Alert marked done"),
    "followup.create": N_("Follow-ups assigned"),
    "followup.done": N_("Follow-up done"),
    "followup.snooze": N_("Follow-up snoozed"),
    "followup.reassign": N_("Follow-up reassigned"),
    "alert.done_all": N_("Alerts of a rule marked done"),
    "contact_plan.set": N_("Contact plan changed"),
    "customer.merge": N_("Customers merged"),
    "customer.merge_undo": N_("Customer merge undone"),
    "duplicate.distinct": N_("Marked as not a duplicate"),
}
AUDIT_OBJECTS = {
    "alert": N_("alert"), "audit_log": N_("audit log"), "background_job": N_("background job"),
    "campaign": N_("campaign"), "comment": N_("comment"), "coupon": N_("coupon"),
    "customer": N_("customer"), "customers": N_("customer list"), "database": N_("database"),
    "duplicate_decision": N_("duplicate decision"), "followup": N_("follow-up"),
    "import": N_("import"), "import_batch": N_("import"), "memberships": N_("memberships"), "outbox": N_("message"),
    "ledger": N_("migration ledger"),
    "rule": N_("rule"), "scheme": N_("scheme"), "target": N_("target"),
    "targets": N_("targets"), "team": N_("team"), "user": N_("user"), "visit": N_("visit"),
    "view": N_("saved view"), "callback": N_("page input"),
    "callback_request": N_("page request"), "filter": N_("filter"),
    "page": N_("page"), "route": N_("address"),  # a customer's sign-in outside its page
}


def place_label(label: Any, language: str | None = None) -> str:
    """A membership's place: a band or segment as its author typed it, a rule's waiting and
    alert places in words."""
    text = "" if absent(label) else str(label)
    return translate(RULE_PLACES[text], language) if text in RULE_PLACES else text


def audit_action(action: Any, language: str | None = None) -> str:
    """An audit action in words (its key when it has none)."""
    key = str(action or "")
    return translate(AUDIT_ACTIONS[key], language) if key in AUDIT_ACTIONS else key


_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def audit_object(object_type: Any, object_id: Any = "", language: str | None = None) -> str:
    """What an audit row is about: the kind of object in words, then its id."""
    key = str(object_type or "")
    kind = translate(AUDIT_OBJECTS[key], language) if key in AUDIT_OBJECTS else key
    ident = str(object_id or "")
    if _ISO_DAY.fullmatch(ident):  # a day (the memberships of an as-of date) reads as a date
        ident = _day(ident, language)
    return f"{kind} {ident}".strip()


def _number(value: Any, digits: int, language: str | None) -> str:
    return DASH if absent(value) else format_number(value, digits, language)


def _day(value: Any, language: str | None) -> str:
    try:
        return format_date(dt.date.fromisoformat(str(value)), language)
    except ValueError:
        return str(value or DASH)


def figure_value(figure: str, value: Any, currency: str, language: str | None = None) -> str:
    """A rule figure's value (a number, money, a percentage, a status ...) for the reader."""
    if absent(value):
        return DASH
    if isinstance(value, str):
        names = CHOICE_NAMES.get(figure, {})
        return translate(names[value], language) if value in names else value
    if figure in MONEY_FIGURES:
        return format_money(value, currency, language)
    if figure in PERCENT_FIGURES:
        return format_percent(value, 1, language)
    return _number(value, 1 if figure in DAY_FIGURES else 2, language)


def _condition(args: dict[str, Any], currency: str, language: str | None) -> dict[str, str]:
    figure = str(args.get("figure", ""))
    operator = str(args.get("operator", ""))
    return {"figure": translate(FIGURE_NAMES[figure], language) if figure in FIGURE_NAMES
            else figure,
            "value": figure_value(figure, args.get("value"), currency, language),
            "operator": OPERATORS.get(operator, operator),
            "threshold": figure_value(figure, args.get("threshold"), currency, language),
            "days": _number(args.get("for_days"), 0, language),
            "since": _day(args.get("since"), language), "rule": str(args.get("rule", ""))}


def _scheme(args: dict[str, Any], language: str | None) -> dict[str, str]:
    """The words of a scheme reason: the kind's word from the registry, the value as the
    kind's bounds read (a change or a rank in %)."""
    kind = SCHEME_KINDS.get(str(args.get("figure", "")))
    value, top = args.get("value"), args.get("top")
    in_percent = kind is not None and kind.unit in (PERCENT, RANK)
    return {"band": str(args.get("band", "")),
            "figure": translate(kind.reason, language) if kind else str(args.get("figure")),
            "value": (DASH if absent(value) else format_percent(value, 1, language))
            if in_percent else _number(value, 2, language),
            "top": DASH if absent(top) else format_percent(top, 1, language)}


def _words(key: str, args: dict[str, Any], currency: str,
           language: str | None) -> tuple[str, dict[str, str]]:
    if key.startswith("scheme."):
        return TEMPLATES[key], _scheme(args, language)
    if key.startswith(("rule.", "alert.")):
        return TEMPLATES[key], _condition(args, currency, language)
    words = {"risk": _number(args.get("risk"), 2, language),
             "limit": _number(args.get("limit"), 2, language),
             "days": _number(args.get("days"), 0, language),
             "end": _day(args.get("end"), language)}
    if key == "tier.revenue":
        words["revenue"] = DASH if absent(args.get("revenue")) else format_money(
            args["revenue"], currency, language)
    return TEMPLATES[key], words


def render(stored: Any, currency: str = "CNY", language: str | None = None) -> str:
    """A stored reason or alert message in ``language`` (default: the reader's)."""
    key, args = decode(stored)
    if not key:
        return ""
    if key == TEXT:
        return str(args.get("text", ""))
    template, words = _words(key, args, currency, language)
    text = translate(template, language, **words)
    further = args.get("and") if key.startswith(("rule.", "alert.")) else None
    for one in further if isinstance(further, list) else []:  # a rule's further conditions
        if isinstance(one, dict):
            more = _condition(one, currency, language)
            text = translate(AND_CONDITION, language, text=text, figure=more["figure"],
                             value=more["value"], operator=more["operator"],
                             threshold=more["threshold"])
    return text


__all__ = ["AUDIT_ACTIONS", "AUDIT_OBJECTS", "TEMPLATES", "audit_action", "audit_object",
           "figure_value", "place_label", "render"]
