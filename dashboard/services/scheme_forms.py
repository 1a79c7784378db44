"""Checking what a user typed into the scheme and rule forms.

Every value from the browser is a request: it is parsed strictly into the stored values, and
every problem becomes one message in the user's language (``ValidationError`` with the
messages as details), so the form can say exactly what to change. Nothing is stored until
every field is right.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from dashboard.analytics.classification import Band, Scheme
from dashboard.analytics.kinds import CUSTOMER_TYPES, SCHEME_KINDS
from dashboard.analytics.rules import (
    ACTIONS,
    CONTACT_CHANNELS,
    FIGURES,
    FOLLOWUP_KINDS,
    MAX_CONDITIONS,
    MAX_FOLLOWUP_DAYS,
    MAX_FOR_DAYS,
    SUBJECTS,
    Condition,
    Rule,
)
from dashboard.errors import ValidationError
from dashboard.i18n import _

TIMEFRAMES = (30, 90, 180, 365, 730)
MAX_BANDS = 8
MAX_TITLE = 120
MAX_COMMENT = 2000
_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def _text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit + 1]


def _number(value: Any) -> float | None:
    """A finite number from a form field; None when empty; NaN when not a number."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        number = float(str(value).replace(",", "").strip())
    except ValueError:
        return math.nan
    return number if math.isfinite(number) else math.nan


def _optional_minimum(value: Any, name: str, whole: bool, problems: list[str]) -> Any:
    number = _number(value)
    if number is None:
        return None
    if math.isnan(number) or number < 0 or (whole and number != int(number)):
        problems.append(_("{field} must be empty or a number of 0 or more.", field=name) if
                        not whole else
                        _("{field} must be empty or a whole number of 0 or more.", field=name))
        return None
    return int(number) if whole else round(number, 2)


def _band_rows(rows: Sequence[Mapping[str, Any]], problems: list[str]) -> list[tuple[str, float]]:
    bands: list[tuple[str, float]] = []
    for position, row in enumerate(rows, start=1):
        label = _text(row.get("label"), MAX_TITLE)
        upper = _number(row.get("upper"))
        if not label and upper is None:
            continue  # an empty row
        if not label:
            problems.append(_("Band {n}: enter a name.", n=position))
        elif len(label) > MAX_TITLE:
            problems.append(_("Band {n}: the name is longer than {limit} characters.",
                              n=position, limit=MAX_TITLE))
        if upper is None or math.isnan(upper):
            problems.append(_("Band {n}: the upper bound must be a number.", n=position))
            continue
        bands.append((label, upper))
    return bands


def _band_problems(kind: str, bands: list[tuple[str, float]]) -> list[str]:
    problems: list[str] = []
    if not bands:
        return [_("Enter at least one band.")]
    if len(bands) > MAX_BANDS:
        problems.append(_("A scheme has at most {limit} bands.", limit=MAX_BANDS))
    for n, ((_label, upper), (_before, previous)) in enumerate(
            zip(bands[1:], bands[:-1], strict=True), start=2):
        if upper <= previous:
            problems.append(_("Band {n}: the upper bound {value} must be above the band "
                              "before ({previous}).", n=n, value=f"{upper:g}",
                              previous=f"{previous:g}"))
    labels = [label for label, _upper in bands]
    if len(set(labels)) < len(labels):
        problems.append(_("Two bands have the same name."))
    rules = SCHEME_KINDS[kind]
    if not rules.bounds_fit(upper for _label, upper in bands):
        problems.append(_(rules.bounds_rule))  # the kind's allowed range, from the registry
    return problems


def parse_scheme(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The stored values of a scheme form (``title``, ``comment``, ``colour``,
    ``customer_type``, ``kind``, ``timeframe_days``, ``min_spend``, ``min_orders``,
    ``bands``: ``[{"label", "upper"}, ...]``, ``active``); raises ``ValidationError`` with
    every problem."""
    problems: list[str] = []
    title = _text(fields.get("title"), MAX_TITLE)
    if not title:
        problems.append(_("Enter a title."))
    elif len(title) > MAX_TITLE:
        problems.append(_("The title is longer than {limit} characters.", limit=MAX_TITLE))
    comment = str(fields.get("comment") or "").strip()
    if len(comment) > MAX_COMMENT:
        problems.append(_("The comment is longer than {limit} characters.", limit=MAX_COMMENT))
    colour = _text(fields.get("colour"), 16) or "#1f77b4"
    if not _COLOUR.match(colour):
        problems.append(_("Choose a colour."))
    customer_type = fields.get("customer_type") or "all"
    if customer_type not in ("all", *CUSTOMER_TYPES):
        problems.append(_("Choose a customer type."))
    kind = str(fields.get("kind") or "")
    if kind not in SCHEME_KINDS:
        problems.append(_("Choose the type of classification."))
    timeframe = _number(fields.get("timeframe_days"))
    if timeframe not in TIMEFRAMES:
        problems.append(_("Choose a timeframe."))
    min_spend = _optional_minimum(fields.get("min_spend"), _("Minimum spend"), False, problems)
    min_orders = _optional_minimum(fields.get("min_orders"), _("Minimum orders"), True,
                                   problems)
    bands = _band_rows(list(fields.get("bands") or []), problems)
    if kind in SCHEME_KINDS:
        problems += _band_problems(kind, bands)
    if problems:
        raise ValidationError("invalid scheme", details=problems)
    values = {"title": title, "comment": comment, "colour": colour.lower(),
              "customer_type": None if customer_type == "all" else customer_type,
              "kind": kind, "timeframe_days": int(timeframe or 365), "min_spend": min_spend,
              "min_orders": min_orders, "active": bool(fields.get("active", True)),
              "bands": [{"label": label, "upper": upper} for label, upper in bands]}
    try:
        Scheme.from_mapping(values)
    except ValueError as error:  # a last guard: the engine's own check
        raise ValidationError("invalid scheme", details=[str(error)]) from None
    return values


def _parse_condition(fields: Mapping[str, Any], problems: list[str], *,
                     optional: bool) -> dict[str, Any] | None:
    """One condition of the rule form (``figure``, ``operator``, ``value``, ``value_text``);
    None for an optional one left empty."""
    key = str(fields.get("figure") or "")
    if optional and not key:
        return None
    figure = FIGURES.get(key)
    operator = fields.get("operator")
    value, value_text = 0.0, None
    if figure is None:
        problems.append(_("Choose a figure."))
        return None
    if operator not in figure.operators:
        problems.append(_("Choose a comparison."))
    if figure.is_choice:
        value_text = str(fields.get("value_text") or "")
        if value_text not in figure.choices:
            problems.append(_("Choose a value."))
    else:
        number = _number(fields.get("value"))
        if number is None or math.isnan(number):
            problems.append(_("The value must be a number."))
        else:
            value = number
    return {"figure": figure.key, "operator": operator, "value": value,
            "value_text": value_text}


def _parse_actions(fields: Mapping[str, Any], segment: str,
                   problems: list[str]) -> tuple[str, list[str], dict[str, Any] | None]:
    """The first action, every action and the contact plan (``channel``,
    ``frequency_days``) of the rule form."""
    action = fields.get("action")
    also = fields.get("also") or []
    also = [also] if isinstance(also, str) else list(also) if isinstance(also, list) else []
    if action not in ("segment", "alert"):
        problems.append(_("Choose what the rule does."))
        return "", [], None
    if any(a not in ACTIONS or a == action for a in also):
        problems.append(_("Choose what the rule does."))
        return action, [action], None
    actions = [action, *[a for a in ACTIONS if a in also]]
    if action == "segment" and not segment:
        problems.append(_("Enter the segment's name."))
    plan = None
    if "contact" in actions:
        if action != "segment":
            problems.append(_("A contact plan needs the rule's segment: choose 'assign the "
                              "customer to a segment'."))
        channel = fields.get("channel")
        frequency = _number(fields.get("frequency_days"))
        if channel not in CONTACT_CHANNELS:
            problems.append(_("Choose the contact channel."))
        if frequency is None or math.isnan(frequency) or frequency != int(frequency) or not (
                1 <= frequency <= MAX_FOR_DAYS):
            problems.append(_("The contact frequency is a whole number of days from 1 to "
                              "{limit}.", limit=MAX_FOR_DAYS))
        else:
            plan = {"channel": channel, "frequency_days": int(frequency)}
    return action, actions, plan


def _parse_followup(fields: Mapping[str, Any], actions: list[str],
                    problems: list[str]) -> tuple[str | None, int | None]:
    """The follow-up action's kind and due days (None, None without the action)."""
    if "followup" not in actions:
        return None, None
    kind = fields.get("followup_kind")
    days = _number(fields.get("followup_days"))
    if kind not in FOLLOWUP_KINDS:
        problems.append(_("Choose call, visit or e-mail."))
    if days is None or math.isnan(days) or days != int(days) or not (
            0 <= days <= MAX_FOLLOWUP_DAYS):
        problems.append(_("The follow-up is due in a whole number of days from 0 to "
                          "{limit}.", limit=MAX_FOLLOWUP_DAYS))
        return kind, None
    return kind, int(days)


def _parse_subject(fields: Mapping[str, Any], actions: list[str], days: float | None,
                   problems: list[str]) -> tuple[str, float | None]:
    """Whom the rule segments, and for account managers the share (%) of their customers
    that must meet the conditions (seed 004's "Top rep")."""
    subject = fields.get("subject") or "customer"
    if subject not in SUBJECTS:
        problems.append(_("Choose whom the rule segments."))
        return "customer", None
    if subject == "customer":
        return subject, None
    if actions and actions != ["segment"]:
        problems.append(_("A rule over account managers only assigns a segment."))
    if days:
        problems.append(_("A rule over account managers does not wait 'for N days'."))
    share = _number(fields.get("share_pct"))
    if share is None or math.isnan(share) or not 0 < share <= 100:
        problems.append(_("The share of an account manager's customers is above 0 and at "
                          "most 100 %."))
        return subject, None
    return subject, float(share)


def parse_rule(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The stored values of a rule form (``name``, ``figure``, ``operator``, ``value`` or
    ``value_text``, the further conditions ``and`` (a list of the same four), ``for_days``,
    ``action`` and ``also`` (the further actions), ``segment``, ``channel`` and
    ``frequency_days`` (the contact plan), ``followup_kind`` and ``followup_days`` (the
follow-up action), ``subject`` and ``share_pct`` (a rule over account managers),
    ``active``). The contact plan comes back as ``contact_plan`` (None without the contact action)."""
    problems: list[str] = []
    name = _text(fields.get("name"), MAX_TITLE)
    if not name:
        problems.append(_("Enter a name for the rule."))
    elif len(name) > MAX_TITLE:
        problems.append(_("The name is longer than {limit} characters.", limit=MAX_TITLE))
    first = _parse_condition(fields, problems, optional=False) or {
        "figure": "", "operator": "", "value": 0.0, "value_text": None}
    further = fields.get("and") or []
    if not isinstance(further, list) or len(further) > MAX_CONDITIONS - 1:
        problems.append(_("A rule has at most {limit} conditions.", limit=MAX_CONDITIONS))
        further = []
    more = [c for c in (_parse_condition(f, problems, optional=True)
                        for f in further if isinstance(f, Mapping)) if c is not None]
    days = _number(fields.get("for_days"))
    if days is not None and (math.isnan(days) or days != int(days)
                             or not 0 <= days <= MAX_FOR_DAYS):
        problems.append(_("'For N days' is a whole number from 0 to {limit}.",
                          limit=MAX_FOR_DAYS))
        days = None
    segment = _text(fields.get("segment"), MAX_TITLE)
    action, actions, plan = _parse_actions(fields, segment, problems)
    followup_kind, followup_days = _parse_followup(fields, actions, problems)
    subject, share = _parse_subject(fields, actions, days, problems)
    if segment.startswith("(") or len(segment) > MAX_TITLE:
        problems.append(_("A segment's name has at most {limit} characters and does not start "
                          "with '('.", limit=MAX_TITLE))
    if problems:
        raise ValidationError("invalid rule", details=list(dict.fromkeys(problems)))
    values = {**first, "name": name, "for_days": int(days or 0), "action": action,
              "segment": segment if "segment" in actions else "",
              "active": bool(fields.get("active", True)), "conditions": more,
              "actions": actions, "followup_kind": followup_kind,
              "followup_days": followup_days, "subject": subject, "share_pct": share}
    try:
        Rule(**{k: values[k] for k in ("name", "figure", "operator", "value", "value_text",
                                        "for_days", "action", "segment")},
             more=tuple(Condition(**c) for c in more), actions=tuple(actions),
             followup_kind=followup_kind, followup_days=int(followup_days or 0),
             subject=subject, share_pct=share)
    except ValueError as error:
        raise ValidationError("invalid rule", details=[str(error)]) from None
    return {**values, "contact_plan": plan}


def scheme_of(record: Mapping[str, Any]) -> Scheme:
    """The engine's :class:`Scheme` of a stored scheme."""
    return Scheme(kind=str(record["kind"]),
                  bands=tuple(Band(str(b["label"]), float(b["upper"]))
                              for b in record["bands"]),
                  customer_type=record.get("customer_type") or None,
                  min_spend=record.get("min_spend"), min_orders=record.get("min_orders"),
                  timeframe_days=int(record.get("timeframe_days") or 365))


__all__ = ["MAX_BANDS", "TIMEFRAMES", "parse_rule", "parse_scheme", "scheme_of"]
