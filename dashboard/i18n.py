"""The cockpit's two languages (English and 简体中文): one translation function for pages,
callbacks, services' user messages and the server-rendered sign-in pages, and the formats of
numbers, money, percentages and dates.

Marking texts (``babel.cfg`` tells ``pybabel`` / ``scripts/catalogs.py`` where to look):

- ``_("Churning customers")`` translates now, into the current language;
  ``_("Wait {seconds} s", seconds=3)`` fills ``{name}`` placeholders after translating;
- ``N_("Lost")`` only marks a text (module constants); translate it later with ``_(value)``;
- ``ngettext("{n} customer", "{n} customers", n)`` picks the plural form (``{n}`` is filled);
- ``pgettext("status", "New")`` when one English word needs two translations.

The catalogs are ``dashboard/locale/{en,zh}/LC_MESSAGES/messages.po``. They are read once per
process with Babel's ``read_po`` (no compile step and no ``.mo`` files in the repository or the
package). English is a catalog too, so the wording of every message can be changed without
touching the code; a missing entry falls back to the English text in the code.

The current language is the signed-in user's choice (``users.language``), else the one chosen
on the sign-in page, else ``COCKPIT_DEFAULT_LANGUAGE``: the web layer installs that rule with
:func:`set_language_resolver`; ``use_language("zh")`` overrides it inside a block (tests, the
command line, messages for customers). Outside a request it is English.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as dt
import functools
import io
import logging
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

log = logging.getLogger(__name__)

LANGUAGES = {"en": "English", "zh": "简体中文"}
SHORT_NAMES = {"en": "EN", "zh": "中文"}
LOCALES = {"en": "en", "zh": "zh_Hans_CN"}
HTML_LANG = {"en": "en", "zh": "zh-CN"}
DEFAULT_LANGUAGE = "en"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"

_override: contextvars.ContextVar[str | None] = contextvars.ContextVar("cockpit_language",
                                                                       default=None)
_resolver: dict[str, Callable[[], str]] = {}


# --- the current language ---------------------------------------------------------------


def normalise(language: Any) -> str:
    """``language`` when it is one of :data:`LANGUAGES` (``zh-CN``, ``zh_Hans`` count as
    ``zh``), else the default."""
    text = str(language or "").strip().lower().replace("_", "-")
    if text in LANGUAGES:
        return text
    head = text.split("-", 1)[0]
    return head if head in LANGUAGES else DEFAULT_LANGUAGE


def pick_language(requested: str | None, remembered: str | None, accept: str | None,
                  default: str = DEFAULT_LANGUAGE) -> str:
    """A page's language: an explicit choice, then the remembered one, then the browser's
    (``Accept-Language``), then ``default``."""
    for candidate in (requested, remembered):
        if candidate in LANGUAGES:
            return str(candidate)
    if accept and accept.strip().lower().startswith("zh"):
        return "zh"
    return default if default in LANGUAGES else DEFAULT_LANGUAGE


def set_language_resolver(resolver: Callable[[], str] | None) -> None:
    """Install the rule that names the current language (the web layer's)."""
    _resolver.clear()
    if resolver is not None:
        _resolver["current"] = resolver


def current_language() -> str:
    forced = _override.get()
    if forced:
        return forced
    resolver = _resolver.get("current")
    if resolver is None:
        return DEFAULT_LANGUAGE
    try:
        return normalise(resolver())
    except Exception:  # noqa: BLE001 - outside a request or app: the default language
        return DEFAULT_LANGUAGE


@contextlib.contextmanager
def use_language(language: str) -> Iterator[str]:
    """Translate and format in ``language`` inside the block."""
    token = _override.set(normalise(language))
    try:
        yield normalise(language)
    finally:
        _override.reset(token)


def _lang(language: str | None) -> str:
    return normalise(language) if language else current_language()


# --- catalogs -----------------------------------------------------------------------------


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(language: str) -> Translations:
    """The catalog of ``language`` (read once per process from its .po file)."""
    path = catalog_path(normalise(language))
    try:
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=LOCALES[normalise(language)])
    except FileNotFoundError:
        log.warning("no message catalog at %s: texts stay in English", path)
        return Translations()
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return Translations(fp=buffer, domain=DOMAIN)


def _fill(text: str, params: dict[str, Any]) -> str:
    if not params:
        return text
    try:
        return text.format(**params)
    except (KeyError, IndexError, ValueError):
        log.warning("message %r does not take %s", text, sorted(params))
        return text


def translate(message: str, language: str | None = None, **params: Any) -> str:
    """``message`` in ``language`` (default: the current one), placeholders filled."""
    if not message:
        return ""
    return _fill(translations(_lang(language)).gettext(message), params)


def _(message: str, **params: Any) -> str:
    """``message`` in the current language, placeholders filled."""
    return translate(message, None, **params)


gettext = _


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for the catalogs without translating it (translate it later)."""
    return message


def ngettext(singular: str, plural: str, n: int, **params: Any) -> str:
    """The singular or plural form for ``n`` in the current language; ``{n}`` is filled."""
    text = translations(current_language()).ngettext(singular, plural, int(n))
    return _fill(text, {"n": format_number(n), **params})


def pgettext(context: str, message: str, **params: Any) -> str:
    """``message`` as meant in ``context`` (one English word, two translations)."""
    return _fill(translations(current_language()).pgettext(context, message), params)


# --- numbers, money, percentages, dates -------------------------------------------------


def locale_of(language: str | None = None) -> Locale:
    return _locale(_lang(language))


@functools.cache
def _locale(language: str) -> Locale:
    return Locale.parse(LOCALES[language])


def _missing(value: Any) -> bool:
    try:
        return value is None or math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def absent(value: Any) -> bool:
    """No value to word: None or NaN (any other value, text included, is present)."""
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


DASH = "–"


@functools.cache
def _pattern(text: str) -> babel_numbers.NumberPattern:
    return babel_numbers.parse_pattern(text)


def format_number(value: Any, digits: int = 0, language: str | None = None) -> str:
    """``3,410`` / ``3,410.5``: thousands separators, at most ``digits`` decimals."""
    if _missing(value):
        return DASH
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "")
    return _pattern(pattern).apply(float(value), locale_of(language))


def format_money(value: Any, currency: str, language: str | None = None, *,
                 compact: bool = False, cents: bool = False) -> str:
    """Money in ``currency``: full with thousands separators (``CN¥1,240,000``; cents only
    when asked), or compact for cards (``CN¥1.24M`` in English, ``¥124万`` in Chinese), with
    three significant digits."""
    if _missing(value):
        return DASH
    locale = locale_of(language)
    amount = float(value)
    if compact and abs(amount) >= 1000:
        return _compact_money(amount, currency, locale)
    if cents:
        return babel_numbers.format_currency(amount, currency, locale=locale)
    return babel_numbers.format_currency(round(amount), currency, locale=locale,
                                         format="¤#,##0", currency_digits=False)


def currency_symbol(currency: str, language: str | None = None) -> str:
    """``CN¥`` / ``¥`` for CNY: the symbol the language writes money with."""
    return babel_numbers.get_currency_symbol(currency, locale=locale_of(language))


# a compact amount ends in its unit (K, M, B, T; 万, 亿): "¥1310万" is compact, "¥8200" is not
_COMPACT_UNIT = re.compile(r"\d\s*[^\d\s.,]+\s*$")


def _compact_money(amount: float, currency: str, locale: Locale) -> str:
    rounded = float(f"{amount:.3g}")  # three significant digits, before choosing the unit
    text = babel_numbers.format_compact_currency(rounded, currency, locale=locale,
                                                 fraction_digits=2)
    if not _COMPACT_UNIT.search(text):  # no unit this small (Chinese starts at 万): in full
        return babel_numbers.format_currency(round(amount), currency, locale=locale,
                                             format="¤#,##0", currency_digits=False)
    return text


def format_percent(value_pct: Any, digits: int = 0, language: str | None = None, *,
                   signed: bool = False) -> str:
    """A percentage given in per cent (``8.3`` → ``8%``; ``+8%`` when ``signed``)."""
    if _missing(value_pct):
        return DASH
    pattern = "#,##0" + ("." + "#" * digits if digits > 0 else "") + "%"
    share = float(value_pct) / 100.0
    if round(float(value_pct), digits) == 0:  # never "-0%"
        share = 0.0
    text = _pattern(pattern).apply(abs(share) if signed else share, locale_of(language))
    if signed:
        rounded = round(abs(float(value_pct)), digits)
        sign = "+" if float(value_pct) > 0 and rounded else ("−" if float(value_pct) < 0
                                                              and rounded else "")
        return sign + text
    return text


def format_date(value: dt.date | None, language: str | None = None,
                style: str = "medium") -> str:
    """A calendar date: ``Nov 22, 2026`` / ``2026年11月22日`` (``style`` short, medium, long)."""
    if value is None:
        return DASH
    return babel_dates.format_date(value, format=style, locale=locale_of(language))


def format_date_range(start: dt.date, end: dt.date, language: str | None = None) -> str:
    """``Oct 24 – Nov 22, 2026`` / ``2026年10月24日至11月22日``."""
    if start == end:
        return format_date(start, language)
    text = babel_dates.format_interval(start, end, skeleton="yMMMd", locale=locale_of(language))
    if (language or current_language()) == "zh":
        # CLDR 47 (Babel 2.17+) writes a spaced en dash between Chinese dates; the cockpit keeps
        # the "至" that reads as Chinese and that every earlier CLDR used.
        text = _ZH_RANGE_DASH.sub("至", text)
    return text


_ZH_RANGE_DASH = re.compile(r"[\s\u2009]*[–—~-][\s\u2009]*")


__all__ = ["DEFAULT_LANGUAGE", "HTML_LANG", "LANGUAGES", "N_", "SHORT_NAMES", "_", "absent",
           "currency_symbol", "current_language", "format_date", "format_date_range", "format_money",
           "format_number", "format_percent", "gettext", "ngettext", "normalise", "pgettext",
           "pick_language", "set_language_resolver", "translate", "translations",
           "use_language"]
