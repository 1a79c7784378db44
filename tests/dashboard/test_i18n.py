"""The two languages: complete catalogs, one translation function, Babel formats."""

from __future__ import annotations

import datetime as dt
import re
import string

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard import catalogs
from dashboard.errors import AccessDenied, RateLimited, ValidationError, user_message
from dashboard.i18n import (
    LANGUAGES,
    _,
    current_language,
    format_date,
    format_date_range,
    format_money,
    format_number,
    format_percent,
    ngettext,
    normalise,
    pick_language,
    set_language_resolver,
    translate,
    use_language,
)


@pytest.fixture(scope="module")
def extracted():  # noqa: ANN201
    return catalogs.extract()


def _placeholders(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_every_marked_text_has_a_translation(extracted, language: str) -> None:  # noqa: ANN001
    catalog = catalogs.read(language)
    missing = sorted(catalogs.keys(extracted) - catalogs.keys(catalog), key=str)
    assert missing == [], f"not in the {language} catalog; run python scripts/catalogs.py"
    assert catalogs.untranslated(catalog) == []


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_no_catalog_entry_is_unused(extracted, language: str) -> None:  # noqa: ANN001
    unused = sorted(catalogs.keys(catalogs.read(language)) - catalogs.keys(extracted), key=str)
    assert unused == []


@pytest.mark.parametrize("language", sorted(LANGUAGES))
def test_translations_keep_the_placeholders(language: str) -> None:
    for message in catalogs.read(language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        forms = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(_placeholders(i) for i in ids))
        for form in (f for f in forms if f):  # an empty one is reported as untranslated
            assert _placeholders(form) <= wanted, (message.id, form)
            assert _placeholders(form) >= _placeholders(ids[-1]) - {"n"}, (message.id, form)


def test_extraction_covers_code_templates_and_errors(extracted) -> None:  # noqa: ANN001
    where = {path.split("/")[0] for m in extracted for path, _line in m.locations}
    assert {"dashboard", "layouts", "app.py"} <= where
    ids = catalogs.keys(extracted)
    assert ("User name", None) in ids  # the sign-in template
    assert ("This customer does not exist or is not assigned to you.", None) in ids


def test_translate_with_placeholders_and_override() -> None:
    assert translate("prev. {value}", "zh", value="¥1万") == "上期 ¥1万"
    assert translate("prev. {value}", "en", value="CN¥10K") == "prev. CN¥10K"
    with use_language("zh"):
        assert current_language() == "zh"
        assert _("Churning") == "即将流失"
        assert ngettext("{n} customer", "{n} customers", 1200) == "1,200 个客户"
    with use_language("en"):
        assert ngettext("{n} customer", "{n} customers", 1) == "1 customer"
        assert ngettext("{n} customer", "{n} customers", 2) == "2 customers"
    assert translate("A text nobody marked", "zh") == "A text nobody marked"


def test_language_comes_from_the_resolver_and_falls_back() -> None:
    set_language_resolver(lambda: "zh-CN")
    try:
        assert current_language() == "zh"
        set_language_resolver(lambda: 1 / 0)
        assert current_language() == "en"
    finally:
        set_language_resolver(None)
    assert current_language() == "en"


@pytest.mark.parametrize(("given_", "expected"), [
    ("zh", "zh"), ("zh_CN", "zh"), ("ZH-hans", "zh"), ("en-GB", "en"), ("fr", "en"),
    (None, "en"), ("", "en")])
def test_normalise(given_: str | None, expected: str) -> None:
    assert normalise(given_) == expected


def test_pick_language() -> None:
    assert pick_language("zh", "en", "en-US") == "zh"
    assert pick_language("xx", "zh", None) == "zh"
    assert pick_language(None, None, "zh-CN,zh;q=0.9") == "zh"
    assert pick_language(None, None, "de", "zh") == "zh"
    assert pick_language(None, None, None, "klingon") == "en"


def test_error_messages_in_both_languages() -> None:
    denied = AccessDenied("x", code="customer_denied")
    assert user_message(denied, "en") == ("This customer does not exist or is not assigned "
                                          "to you.")
    assert user_message(denied, "zh") == "该客户不存在或未分配给您。"
    assert user_message(RateLimited(retry_after=7), "zh") == "尝试次数过多，请等待 7 秒。"
    assert user_message(KeyError("boom"), "en", reference="r1") == (
        "Something went wrong (reference r1). Please try again.")
    detailed = ValidationError("bad", details=["Row 3: no date", "Row 9: no customer"])
    assert user_message(detailed, "en") == ("Please check your input. Row 3: no date; Row 9: "
                                            "no customer")
    missing_param = ValidationError("x", code="password_short")  # {minimum} not given
    assert user_message(missing_param, "en") == "Something went wrong. Please try again."
    assert user_message(ValidationError("x", code="no_such_code"), "zh") == "出错了，请重试。"


@pytest.mark.parametrize(("amount", "en", "zh"), [
    (1_240_000, "CN¥1.24M", "¥124万"),
    (1_476_850.69, "CN¥1.48M", "¥148万"),
    (12_400, "CN¥12.4K", "¥1.24万"),
    (843_546.83, "CN¥844K", "¥84.4万"),
    (123_456_789, "CN¥123M", "¥1.23亿"),
    (13_079_100, "CN¥13.1M", "¥1310万"),  # four digits before 万 are still compact
    (-5_400_000, "-CN¥5.4M", "-¥540万"),
    (8_200, "CN¥8.2K", "¥8,200"),  # Chinese has no unit below 万
    (950, "CN¥950", "¥950"),
    (0, "CN¥0", "¥0"),
])
def test_compact_money_on_cards(amount: float, en: str, zh: str) -> None:
    assert format_money(amount, "CNY", "en", compact=True) == en
    assert format_money(amount, "CNY", "zh", compact=True) == zh


def test_full_money_numbers_percentages_and_dates() -> None:
    assert format_money(1_234_567.891, "CNY", "en") == "CN¥1,234,568"
    assert format_money(1_234_567.891, "CNY", "zh") == "¥1,234,568"
    assert format_money(12.5, "USD", "en", cents=True) == "$12.50"
    assert format_money(None, "CNY") == "–"
    assert format_number(3410) == "3,410"
    assert format_number(float("nan")) == "–"
    assert format_number(2.346, 2) == "2.35"
    assert format_percent(8.3) == "8%"
    assert format_percent(8.36, 1) == "8.4%"
    assert format_percent(-3.04, signed=True) == "−3%"
    assert format_percent(12, signed=True) == "+12%"
    assert format_percent(0.2, signed=True) == "0%"
    assert format_percent(None) == "–"
    day = dt.date(2026, 11, 22)
    assert format_date(day, "en") == "Nov 22, 2026"
    assert format_date(day, "zh") == "2026年11月22日"
    assert format_date(None) == "–"
    assert format_date_range(dt.date(2026, 10, 24), day, "zh") == "2026年10月24日至11月22日"
    assert format_date_range(day, day, "en") == "Nov 22, 2026"


@settings(deadline=None)
@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_compact_money_keeps_three_significant_digits(amount: float) -> None:
    text = format_money(amount, "CNY", "en", compact=True)
    digits = re.sub(r"\D", "", text.split("¥", 1)[1])
    assert len(digits.lstrip("0")) <= 3 or abs(amount) < 1000
