"""Coupon codes and the coupon's offer in words.

A code is the template's pattern with ``{random}`` replaced by ten characters of Crockford's
base-32 alphabet (no I, L, O, U: nothing to misread on a phone), drawn from the operating
system's secure generator: 50 bits, so guessing one of a million live codes takes about a
billion tries. Codes are unique in the database (``outbox.coupon_code``); the caller also
checks a new batch against the codes already stored before inserting it.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

import numpy as np
import pandas as pd
from babel.dates import format_date
from babel.numbers import format_currency

from dashboard.errors import ValidationError

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ALPHABET_BYTES = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)
RANDOM_LENGTH = 10
PLACEHOLDER = "{random}"
MAX_CODE_LENGTH = 64
_PATTERN_TEXT = re.compile(r"^[A-Z0-9_-]*$")
KINDS = ("value", "percent")
LANGUAGES = ("en", "zh")
_LOCALES = {"en": "en", "zh": "zh_CN"}


@dataclass(frozen=True)
class CouponTerms:
    """What a coupon gives: ``value`` money off (or ``value`` percent off when ``kind`` is
    ``percent``) on an order of at least ``min_spend``, for ``validity_days`` days."""

    kind: str
    value: float
    min_spend: float = 0.0
    validity_days: int = 30
    code_pattern: str = "CP-{random}"
    name: str = ""

    def validated(self) -> CouponTerms:
        """These terms with the pattern normalised, or :class:`ValidationError`."""
        problems = terms_problems(self)
        if problems:
            raise ValidationError("invalid coupon", details=problems)
        return CouponTerms(kind=self.kind, value=float(self.value),
                           min_spend=float(self.min_spend or 0),
                           validity_days=int(self.validity_days),
                           code_pattern=normalise_pattern(self.code_pattern),
                           name=(self.name or "").strip()[:120])


def normalise_pattern(pattern: str) -> str:
    return (pattern or "").strip().upper().replace("{RANDOM}", PLACEHOLDER)


def terms_problems(terms: CouponTerms) -> list[str]:
    """Every problem with ``terms``, in words (empty when they are fine)."""
    problems = []
    if terms.kind not in KINDS:
        problems.append(f"Coupon type must be one of {', '.join(KINDS)}.")
    value = _number(terms.value)
    if value is None or value <= 0:
        problems.append("Coupon value must be a number above 0.")
    elif terms.kind == "percent" and value >= 100:
        problems.append("A percentage coupon must give less than 100 % off.")
    spend = _number(terms.min_spend or 0)
    if spend is None or spend < 0:
        problems.append("Minimum spend must be 0 or more.")
    days = _number(terms.validity_days)
    if days is None or days != int(days) or not 1 <= days <= 3650:
        problems.append("Validity must be a whole number of days from 1 to 3650.")
    problems.extend(pattern_problems(terms.code_pattern))
    return problems


def _number(value: object) -> float | None:
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return number if np.isfinite(number) else None


def pattern_problems(pattern: str) -> list[str]:
    text = normalise_pattern(pattern)
    if text.count(PLACEHOLDER) != 1:
        return ["The code pattern must contain {random} exactly once, e.g. SPRING-{random}."]
    fixed = text.replace(PLACEHOLDER, "")
    if not _PATTERN_TEXT.match(fixed):
        return ["The code pattern may use only letters A-Z, digits, '-' and '_' around "
                "{random}."]
    if len(fixed) + RANDOM_LENGTH > MAX_CODE_LENGTH or len(text) > 40:
        return ["The code pattern is too long (at most 32 characters besides {random})."]
    return []


def random_parts(count: int) -> np.ndarray:
    """``count`` random strings of :data:`RANDOM_LENGTH` alphabet characters."""
    if count <= 0:
        return np.array([], dtype=f"U{RANDOM_LENGTH}")
    raw = np.frombuffer(secrets.token_bytes(count * RANDOM_LENGTH), dtype=np.uint8)
    letters = _ALPHABET_BYTES[raw & 31]  # 256 is a multiple of 32: every letter equally likely
    return letters.view(f"S{RANDOM_LENGTH}").astype(f"U{RANDOM_LENGTH}")


def make_codes(pattern: str, count: int,
               taken: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """``count`` distinct codes from ``pattern``, none of them in ``taken``."""
    prefix, _, suffix = normalise_pattern(pattern).partition(PLACEHOLDER)
    codes = pd.Index([], dtype=object)
    while len(codes) < count:
        parts = random_parts(count - len(codes))
        fresh = pd.Index(np.char.add(np.char.add(prefix, parts), suffix).astype(object))
        codes = codes.append(fresh).drop_duplicates()
        codes = codes[~codes.isin(list(taken))]
    return codes[:count].tolist()


def sample_code(pattern: str) -> str:
    """What a code looks like, for previews (the real codes are drawn when queueing)."""
    return normalise_pattern(pattern).replace(PLACEHOLDER, "X" * RANDOM_LENGTH)


def expiry_date(start: dt.date, validity_days: int) -> dt.date:
    """The last day a coupon issued on ``start`` is valid: ``validity_days`` days after the
    day of issue (issued on 1 March for 30 days: valid to 31 March inclusive)."""
    return start + dt.timedelta(days=int(validity_days))


def money_text(amount: float, currency: str, language: str) -> str:
    locale = _LOCALES.get(language, "en")
    whole = float(amount) == int(amount)
    return format_currency(amount, currency, locale=locale, currency_digits=False,
                           format="¤#,##0" if whole else "¤#,##0.00")


def date_text(day: dt.date, language: str) -> str:
    if language == "zh":
        return format_date(day, "long", locale="zh_CN")
    return format_date(day, "d MMM y", locale="en")


def _number_text(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def offer_text(terms: CouponTerms, currency: str, language: str) -> str:
    """The coupon's ``{value}`` in words: "CN¥50 off your next order", "订货满¥500享9折"."""
    spend = float(terms.min_spend or 0)
    if language == "zh":
        if terms.kind == "percent":
            benefit = f"享{_number_text((100 - float(terms.value)) / 10)}折"
        else:
            benefit = f"立减{money_text(terms.value, currency, language)}"
        condition = f"订货满{money_text(spend, currency, language)}" if spend > 0 else "下次订货"
        return condition + benefit
    if terms.kind == "percent":
        benefit = f"{_number_text(float(terms.value))}% off"
    else:
        benefit = f"{money_text(terms.value, currency, language)} off"
    if spend > 0:
        return f"{benefit} an order of {money_text(spend, currency, language)} or more"
    return f"{benefit} your next order"
