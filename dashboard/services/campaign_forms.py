"""The campaign pages' form checks, as problems a page can say in the reader's language.

The campaign services check everything again when a campaign is previewed or queued (and
answer in English, for the command line and the logs); the pages check first with these
functions, so that a user reads *what* to change, next to the field, in English or Chinese.
Each :class:`Problem` names its field, an English text marked for translation with ``{...}``
placeholders, and their values. The rules are the services' own (the same constants, and a
test proves both agree on every input): an unknown ``{placeholder}`` or a message without
``{code}``, a coupon value, minimum spend, validity or code pattern out of range, a holdout
outside 0-50 %.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from dashboard.i18n import N_
from dashboard.messaging.coupons import (
    KINDS,
    LANGUAGES,
    MAX_CODE_LENGTH,
    PLACEHOLDER,
    RANDOM_LENGTH,
    CouponTerms,
    normalise_pattern,
)
from dashboard.messaging.recipients import CHANNELS, MAX_HOLDOUT_PCT
from dashboard.messaging.templates import (
    MAX_TEMPLATE_LENGTH,
    PLACEHOLDERS,
    clean_text,
    default_template,
)

MAX_NAME_LENGTH = 200
MAX_COUPON_NAME = 120
MAX_VALIDITY_DAYS = 3650
_TOKEN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_PATTERN_TEXT = re.compile(r"^[A-Z0-9_-]*$")


@dataclass(frozen=True)
class Problem:
    """One thing to change: ``field`` (``recipients``, ``coupon``, ``channel``,
    ``language``, ``template``, ``holdout``, ``name``, or a coupon field), ``text`` (English,
    marked for translation) and the values of its placeholders."""

    field: str
    text: str
    params: dict[str, Any] = field(default_factory=dict)


def placeholder_list() -> str:
    return " ".join("{" + p + "}" for p in PLACEHOLDERS)


def message_text(template: Any, language: str) -> str:
    """The message a campaign will use: the text as typed (control characters removed), or
    the language's default when it is empty."""
    text = clean_text(template if isinstance(template, str) else "").strip()
    return text or default_template(language)


def template_issues(template: str) -> list[Problem]:
    """What is wrong with a message template (nothing when it can be used)."""
    text = clean_text(template).strip()
    if not text:
        return [Problem("template", N_("Write the message."))]
    problems = []
    if len(text) > MAX_TEMPLATE_LENGTH:
        problems.append(Problem("template", N_("The message is longer than {maximum} "
                                               "characters."), {"maximum": MAX_TEMPLATE_LENGTH}))
    unknown = sorted({m for m in _TOKEN.findall(text) if m not in PLACEHOLDERS})
    if unknown:
        problems.append(Problem(
            "template", N_("Unknown placeholder {names}: use only {allowed}."),
            {"names": ", ".join("{" + u + "}" for u in unknown),
             "allowed": placeholder_list()}))
    if "{code}" not in text:
        problems.append(Problem("template", N_("The message must contain {placeholder}, or "
                                               "the customer cannot use the coupon."),
                                {"placeholder": "{code}"}))
    return problems


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def pattern_issues(pattern: Any) -> list[Problem]:
    text = normalise_pattern(pattern if isinstance(pattern, str) else "")
    if text.count(PLACEHOLDER) != 1:
        return [Problem("code_pattern", N_("The code pattern must contain {placeholder} "
                                           "exactly once, for example SPRING-{placeholder}."),
                        {"placeholder": PLACEHOLDER})]
    fixed = text.replace(PLACEHOLDER, "")
    if not _PATTERN_TEXT.match(fixed):
        return [Problem("code_pattern", N_("The code pattern may use only the letters A-Z, "
                                           "digits, '-' and '_' around {placeholder}."),
                        {"placeholder": PLACEHOLDER})]
    if len(fixed) + RANDOM_LENGTH > MAX_CODE_LENGTH or len(text) > 40:
        return [Problem("code_pattern", N_("The code pattern is too long (at most 32 "
                                           "characters besides {placeholder})."),
                        {"placeholder": PLACEHOLDER})]
    return []


def coupon_issues(terms: CouponTerms, *, named: bool = False) -> list[Problem]:
    """What is wrong with a coupon's terms (``named``: a template to keep needs a name)."""
    problems = []
    if named and not str(terms.name or "").strip():
        problems.append(Problem("coupon_name", N_("Give the coupon a name.")))
    elif len(str(terms.name or "").strip()) > MAX_COUPON_NAME:
        problems.append(Problem("coupon_name", N_("The coupon's name is too long (at most "
                                                  "{maximum} characters)."),
                                {"maximum": MAX_COUPON_NAME}))
    if terms.kind not in KINDS:
        problems.append(Problem("coupon_kind", N_("Choose money off or a percentage off.")))
    value = _number(terms.value)
    if value is None or value <= 0:
        problems.append(Problem("coupon_value", N_("The value must be a number above 0.")))
    elif terms.kind == "percent" and value >= 100:
        problems.append(Problem("coupon_value", N_("A percentage coupon must give less than "
                                                   "100 % off.")))
    spend = _number(terms.min_spend or 0)
    if spend is None or spend < 0:
        problems.append(Problem("coupon_min_spend", N_("The minimum spend must be 0 or "
                                                       "more.")))
    days = _number(terms.validity_days)
    if days is None or days != int(days) or not 1 <= days <= MAX_VALIDITY_DAYS:
        problems.append(Problem("coupon_validity", N_("Validity must be a whole number of "
                                                      "days from 1 to {maximum}."),
                                {"maximum": MAX_VALIDITY_DAYS}))
    return problems + pattern_issues(terms.code_pattern)


def holdout_value(value: Any) -> float | None:
    """The holdout percentage asked for (an empty field is 0), or None when unusable."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return 0.0
    number = _number(value)
    if number is None or not 0 <= number <= MAX_HOLDOUT_PCT:
        return None
    return number


def form_issues(*, has_recipients: bool, coupon_id: Any, channel: Any, language: Any,
                template: Any, holdout_pct: Any, name: Any) -> list[Problem]:
    """Everything to change before a campaign can be previewed."""
    problems = []
    if not has_recipients:
        problems.append(Problem("recipients", N_("Choose who gets the coupon.")))
    if coupon_key(coupon_id) is None:
        problems.append(Problem("coupon", N_("Choose a coupon.")))
    if channel not in CHANNELS:
        problems.append(Problem("channel", N_("Choose how to send it.")))
    if language not in LANGUAGES:
        problems.append(Problem("language", N_("Choose the message's language.")))
    else:
        problems.extend(template_issues(message_text(template, language)))
    if holdout_value(holdout_pct) is None:
        problems.append(Problem("holdout", N_("The comparison group must be 0 to {maximum} % "
                                              "of the customers who can be reached."),
                                {"maximum": int(MAX_HOLDOUT_PCT)}))
    if (name is not None and not isinstance(name, str)) or len(name or "") > MAX_NAME_LENGTH:
        problems.append(Problem("name", N_("The campaign name is too long (at most "
                                           "{maximum} characters)."),
                                {"maximum": MAX_NAME_LENGTH}))
    return problems


def coupon_key(value: Any) -> int | None:
    """A stored coupon's id from the form (a positive whole number), else None."""
    if isinstance(value, bool):
        return None
    text = str(value).strip() if isinstance(value, (int, str)) else ""
    return int(text) if text.isdigit() and 0 < int(text) < 2**63 else None


__all__ = ["Problem", "coupon_issues", "coupon_key", "form_issues", "holdout_value",
           "message_text", "pattern_issues", "placeholder_list", "template_issues"]
