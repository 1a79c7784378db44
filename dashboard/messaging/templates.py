"""Message templates and their rendering.

A template is plain text with placeholders: ``{name}`` (the customer's name), ``{tier}``
(their current ABC tier), ``{code}`` (their coupon code), ``{expiry}`` (the coupon's last
valid day) and ``{value}`` (the offer in words). Only these names are replaced, never
anything else (no ``str.format``: a template cannot reach into Python objects); an unknown
``{word}`` is refused when the campaign is previewed, so a typo never reaches a customer.
Text outside ``{word}`` is kept as written, braces included.
"""

from __future__ import annotations

import re

import pandas as pd

from dashboard.errors import ValidationError

PLACEHOLDERS = ("name", "tier", "code", "expiry", "value")
MAX_TEMPLATE_LENGTH = 2000
_TOKEN = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

DEFAULT_TEMPLATES = {
    "en": "Dear {name}, thank you for your business! Enjoy {value} with code {code}, "
          "valid until {expiry}.",
    "zh": "尊敬的{name}:感谢您的支持!凭优惠码{code}{value},有效期至{expiry}。",
}


def default_template(language: str) -> str:
    return DEFAULT_TEMPLATES.get(language, DEFAULT_TEMPLATES["en"])


def clean_text(text: str) -> str:
    """``text`` without control characters other than tab and line breaks."""
    return _CONTROL.sub("", text or "")


def template_problems(template: str) -> list[str]:
    """Every problem with ``template`` in words (empty when it can be used)."""
    text = clean_text(template).strip()
    if not text:
        return ["The message is empty."]
    problems = []
    if len(text) > MAX_TEMPLATE_LENGTH:
        problems.append(f"The message is longer than {MAX_TEMPLATE_LENGTH} characters.")
    unknown = sorted({m for m in _TOKEN.findall(text) if m not in PLACEHOLDERS})
    if unknown:
        names = ", ".join("{" + u + "}" for u in unknown)
        allowed = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
        problems.append(f"Unknown placeholder {names}; use {allowed}.")
    if "{code}" not in text:
        problems.append("The message must contain {code}, or the customer cannot use the "
                        "coupon.")
    return problems


def checked_template(template: str | None, language: str) -> str:
    """The template to use (the language's default when empty), or ValidationError."""
    text = clean_text(template or "").strip() or default_template(language)
    problems = template_problems(text)
    if problems:
        raise ValidationError("invalid message template", details=problems)
    return text


def tokens(template: str) -> list[tuple[bool, str]]:
    """The template as (is placeholder, text) pieces, in order."""
    pieces: list[tuple[bool, str]] = []
    position = 0
    for match in _TOKEN.finditer(template):
        if match.group(1) not in PLACEHOLDERS:
            continue
        if match.start() > position:
            pieces.append((False, template[position:match.start()]))
        pieces.append((True, match.group(1)))
        position = match.end()
    if position < len(template):
        pieces.append((False, template[position:]))
    return pieces


def render_messages(template: str, values: pd.DataFrame) -> pd.Series:
    """One message per row of ``values`` (columns named like the placeholders)."""
    rendered = pd.Series("", index=values.index, dtype=object)
    for is_placeholder, text in tokens(template):
        if is_placeholder:
            column = values[text].fillna("").astype(str).str.replace(_CONTROL, "", regex=True)
            rendered = rendered + column.astype(object)
        else:
            rendered = rendered + text
    return rendered.astype(object)
