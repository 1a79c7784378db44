"""An audit entry's detail in words: changes as ``field: before → after``, other facts as
``field: value``, dates and numbers in the reader's language (the stored detail is JSON)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from babel import dates as babel_dates

from dashboard.i18n import DASH, N_, absent, format_date, format_number, locale_of, translate

ARROW = " → "
MAX_ITEMS = 5
MAX_TEXT = 2000
# stored detail keys in words; a key without words is shown as it is stored
KEYS = {
    "customer_id": N_("customer"), "customers": N_("customers"), "rows": N_("rows"),
    "reason": N_("reason"), "refused": N_("refused"), "source": N_("source"),
    "as_of": N_("as of"), "month": N_("month"), "format": N_("format"), "kind": N_("kind"),
    "channel": N_("channel"), "title": N_("title"), "name": N_("name"), "label": N_("label"),
    "bands": N_("bands"), "upper": N_("up to"), "comment": N_("comment"), "colour": N_("colour"),
    "active": N_("active"), "role": N_("role"), "team": N_("team"), "rep": N_("account manager"),
    "display_name": N_("display name"), "username": N_("user"), "language": N_("language"),
    "seed": N_("seed"), "today": N_("last day"), "orders": N_("orders"),
    "emptied": N_("emptied first"), "kept": N_("kept"), "merged": N_("merged"),
    "score": N_("score"), "value": N_("value"), "operator": N_("operator"),
    "figure": N_("figure"), "action": N_("action"), "segment": N_("segment"),
    "for_days": N_("for days"), "timeframe_days": N_("timeframe (days)"),
    "min_spend": N_("minimum spend"), "min_orders": N_("minimum orders"),
    "customer_type": N_("customer type"), "position": N_("position"), "waiting": N_("waiting"),
    "matched": N_("matched"), "replay": N_("repeated request"), "direction": N_("direction"),
    "order": N_("order"), "needed": N_("needed"), "view": N_("view"),
    # a recompute and the demo (tables by name)
    "opened": N_("memberships opened"), "closed": N_("memberships closed"),
    "snapshots": N_("month-end snapshots"), "backfilled": N_("months filled in"),
    "replayed": N_("changes replayed"), "alerts": N_("alerts"), "products": N_("products"),
    "followups": N_("follow-ups opened"), "rep_moves": N_("account managers' segments changed"),
    "order_lines": N_("order lines"), "customer_days": N_("customer days"),
    "anonymous_days": N_("walk-in days"), "invoices": N_("invoices"), "payments": N_("payments"),
    "visits": N_("visits"), "comments": N_("comments"), "targets": N_("targets"),
    "coupons": N_("coupons"), "ignored": N_("ignored fields"),
    # a campaign queued and a sending pass (messages by outcome), the ids a user carries
    "intent_key": N_("request key"), "coupon_id": N_("coupon"), "pending": N_("pending"),
    "expired": N_("expired"), "reserved": N_("reserved"), "sent": N_("sent"),
    "failed": N_("failed"), "retried": N_("retried"), "unknown": N_("outcome unknown"),
    "cancelled": N_("cancelled"), "postponed": N_("postponed"),
    "unavailable": N_("unavailable"), "team_id": N_("team"), "rep_id": N_("account manager"),
    # memberships by source
    "abc": N_("ABC tier"), "status": N_("status"), "scheme": N_("scheme"), "rule": N_("rule"),
}
# stored values in words (a sign-in's reason "ok")
WORDS = {"ok": N_("succeeded")}
# a refusal's or a sign-in's stored reason in words (stored in English for the log file)
REASONS = {
    "bad_password": N_("wrong password"), "unknown_user": N_("unknown user"),
    "disabled": N_("account disabled"), "throttled": N_("too many attempts"),
    "checking": N_("being checked"), "owner only": N_("owners only"),
    "bad key": N_("not a valid key"), "no such customer": N_("no such customer"),
    "no such team": N_("no such team"), "no such alert": N_("no such alert"),
    "no such scheme": N_("no such scheme"), "no such rule": N_("no such rule"),
    "no such campaign in scope": N_("no such campaign in the user's scope"),
    "no such message": N_("no such message"), "no such comment": N_("no such comment"),
    "no such follow-up": N_("no such follow-up"), "not theirs": N_("not the user's own"),
    "not the author": N_("not the author"),
    "intent key of another user": N_("a request key of another user"),
    "token of another user": N_("a selection of another user"),
    "may not send this campaign": N_("may not send this campaign"),
    "only owners, managers and the campaign's author decide":
        N_("only owners, managers and the campaign's author decide"),
    "account manager outside scope": N_("account manager outside the user's scope"),
    "customer sign-in without a customer": N_("customer sign-in without a customer"),
    "wrong current password": N_("wrong current password"),
    "daily send cap": N_("daily send limit reached"),
}
# reasons with figures in them: pattern, words with the pattern's named parts
REASON_PATTERNS = (
    (re.compile(r"role (?P<role>\w+) not in (?P<roles>[\w/]+)"),
     N_("role {role} may not do this (allowed: {roles})")),
    (re.compile(r"role (?P<role>\w+) may not change it"), N_("role {role} may not change it")),
    (re.compile(r"role (?P<role>\w+) may not create (?P<kind>\w+?)s"),
     N_("role {role} may not create a {kind}")),
    (re.compile(r"(?P<n>\d+) of (?P<m>\d+) outside scope (?P<scope>\S+)"),
     N_("{n} of {m} outside the user's scope ({scope})")),
    (re.compile(r"(?P<n>\d+) row\(s\) outside scope (?P<scope>\S+)"),
     N_("{n} rows outside the user's scope ({scope})")),
    (re.compile(r"team (?P<team>\d+) outside scope (?P<scope>\S+)"),
     N_("team {team} outside the user's scope ({scope})")),
    (re.compile(r"outside scope (?P<scope>\S+)"), N_("outside the user's scope ({scope})")),
    (re.compile(r"not a choice for scope (?P<scope>\S+)"),
     N_("not a choice in the user's scope ({scope})")),
)
# the words a reason's parts name: roles, kinds of object, scopes
PARTS = {"owner": N_("owner"), "manager": N_("manager"), "rep": N_("sales rep"),
         "customer": N_("customer"), "none": N_("none"), "all": N_("whole business"),
         "scheme": N_("scheme"), "rule": N_("rule"), "team": N_("team")}
HIDDEN = {"seconds"}  # timings of a run: for the log file, not for the reader


def _key(key: Any, language: str | None) -> str:
    return translate(KEYS[key], language) if key in KEYS else str(key)


def _value(value: Any, language: str | None) -> str:
    if isinstance(value, bool):
        return translate(N_("yes") if value else N_("no"), language)
    if isinstance(value, int | float):
        return format_number(value, 0 if float(value).is_integer() else 2, language)
    if isinstance(value, dict):
        return ", ".join(f"{_key(k, language)}: {_value(v, language)}"
                         for k, v in value.items() if k not in HIDDEN)
    if isinstance(value, list | tuple):
        shown = [_value(v, language) for v in value[:MAX_ITEMS]]
        return "[" + ", ".join(shown) + (", …" if len(value) > MAX_ITEMS else "") + "]"
    if value is None or absent(value):
        return DASH
    text = str(value)
    if text in WORDS:
        return translate(WORDS[text], language)
    if len(text) == 10 and text[4:5] == "-":
        try:
            return format_date(dt.date.fromisoformat(text), language)
        except ValueError:
            pass
    return text


def _part(text: str, language: str | None) -> str:
    """Roles (``owner/manager``) and scopes (``team:3``) in words."""
    words = []
    for word in text.split("/"):
        kind, _sep, key = word.partition(":")
        named = translate(PARTS[kind], language) if kind in PARTS else kind
        words.append(f"{named} {key}" if key else named)
    return "/".join(words)


def reason_text(reason: Any, language: str | None = None) -> str:
    """A stored reason in the reader's language (one not known is shown as stored)."""
    text = str(reason)
    if text in REASONS:
        return translate(REASONS[text], language)
    for pattern, words in REASON_PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            parts = {k: _part(v, language) for k, v in found.groupdict().items()}
            return translate(words, language).format(**parts)
    return _value(reason, language)


def _changes(before: Any, after: Any, language: str | None) -> list[str]:
    """``field: before → after`` for each field that changed (a new or removed object
    reads ``field: → value`` / ``field: value →``)."""
    if not isinstance(before, dict) and not isinstance(after, dict):
        return [_value(before, language) + ARROW + _value(after, language)]
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    parts = []
    for key in dict.fromkeys([*old, *new]):
        was, now = old.get(key), new.get(key)
        if was == now:
            continue
        left = _value(was, language) if key in old else ""
        right = _value(now, language) if key in new else ""
        parts.append(f"{_key(key, language)}: {left}{ARROW}{right}".replace("  ", " ").strip())
    return parts


def moment_text(value: Any, language: str | None = None) -> str:
    """A stored moment (UTC) in the reader's language, to the second:
    ``Nov 22, 2026, 10:04:05`` / ``2026年11月22日 10:04:05``."""
    if value is None or absent(value):
        return DASH
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    locale = locale_of(language)
    day = babel_dates.format_date(moment.date(), format="medium", locale=locale)
    return f"{day} {moment.strftime('%H:%M:%S')}"


def detail_text(detail: Any, language: str | None = None) -> str:
    """A stored audit detail in words, at most :data:`MAX_TEXT` characters."""
    if not isinstance(detail, dict):
        return "" if detail is None else _value(detail, language)[:MAX_TEXT]
    parts = []
    if "before" in detail or "after" in detail:
        parts += _changes(detail.get("before"), detail.get("after"), language)
    parts += [f"{_key(k, language)}: "
              + (reason_text(v, language) if k == "reason" else _value(v, language))
              for k, v in detail.items() if k not in ("before", "after", *HIDDEN)
              and not (isinstance(v, list | tuple | dict) and not v)]  # nothing to say
    return " · ".join(parts)[:MAX_TEXT]


__all__ = ["detail_text", "moment_text", "reason_text"]
