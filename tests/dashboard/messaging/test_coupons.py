"""Coupon codes and the offer text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.errors import ValidationError
from dashboard.messaging.coupons import (
    ALPHABET,
    RANDOM_LENGTH,
    CouponTerms,
    date_text,
    expiry_date,
    make_codes,
    offer_text,
    pattern_problems,
    random_parts,
    sample_code,
    terms_problems,
)


def test_codes_follow_the_pattern_and_are_distinct() -> None:
    codes = make_codes("spring-{random}", 2000)
    assert len(codes) == len(set(codes)) == 2000
    assert all(re.fullmatch(rf"SPRING-[{ALPHABET}]{{{RANDOM_LENGTH}}}", c) for c in codes)


def test_codes_avoid_the_ones_already_taken() -> None:
    taken = set(make_codes("X{random}", 50))
    fresh = make_codes("X{random}", 50, taken=taken)
    assert not taken & set(fresh)


def test_random_parts_use_every_letter_about_equally() -> None:
    letters = "".join(random_parts(20_000))
    counts = [letters.count(ch) for ch in ALPHABET]
    expected = len(letters) / len(ALPHABET)
    assert min(counts) > expected * 0.9 and max(counts) < expected * 1.1
    assert not set(letters) & set("ILOU")


@settings(max_examples=200, deadline=None)
@given(prefix=st.text(alphabet="ABCXYZ019-_", max_size=12),
       suffix=st.text(alphabet="ABC-", max_size=4), count=st.integers(0, 300))
def test_any_valid_pattern_gives_count_distinct_codes(prefix: str, suffix: str,
                                                      count: int) -> None:
    pattern = f"{prefix}{{random}}{suffix}"
    assert pattern_problems(pattern) == []
    codes = make_codes(pattern, count)
    assert len(codes) == len(set(codes)) == count
    assert all(c.startswith(prefix) and c.endswith(suffix) for c in codes)
    assert all(len(c) == len(prefix) + RANDOM_LENGTH + len(suffix) for c in codes)


@pytest.mark.parametrize("pattern", ["SPRING", "{random}{random}", "SPR ING-{random}",
                                     "春-{random}", "A" * 33 + "-{random}", "X;{random}"])
def test_bad_patterns_are_refused_in_words(pattern: str) -> None:
    assert pattern_problems(pattern)


def test_sample_code_shows_the_shape() -> None:
    assert sample_code("vip-{random}-24") == "VIP-XXXXXXXXXX-24"


@pytest.mark.parametrize(("terms", "problem"), [
    (CouponTerms("gift", 5), "type"),
    (CouponTerms("value", 0), "above 0"),
    (CouponTerms("value", float("nan")), "above 0"),
    (CouponTerms("percent", 100), "less than 100"),
    (CouponTerms("value", 5, min_spend=-1), "Minimum spend"),
    (CouponTerms("value", 5, validity_days=0), "Validity"),
    (CouponTerms("value", 5, validity_days=2.5), "Validity"),
    (CouponTerms("value", 5, code_pattern="NOPE"), "{random}"),
])
def test_terms_problems(terms: CouponTerms, problem: str) -> None:
    problems = terms_problems(terms)
    assert any(problem in p for p in problems), problems
    with pytest.raises(ValidationError):
        terms.validated()


def test_validated_terms_normalise_the_pattern() -> None:
    terms = CouponTerms("percent", "15", "0", "7", " vip-{RANDOM} ", " VIP ").validated()
    assert terms == CouponTerms("percent", 15.0, 0.0, 7, "VIP-{random}", "VIP")


def test_expiry_is_validity_days_after_the_day_of_issue() -> None:
    assert expiry_date(dt.date(2026, 3, 1), 30) == dt.date(2026, 3, 31)
    assert expiry_date(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 1)


def test_dates_in_both_languages() -> None:
    assert date_text(dt.date(2026, 12, 1), "en") == "1 Dec 2026"
    assert date_text(dt.date(2026, 12, 1), "zh") == "2026年12月1日"


@pytest.mark.parametrize(("terms", "en", "zh"), [
    (CouponTerms("value", 50), "CN¥50 off your next order", "下次订货立减¥50"),
    (CouponTerms("value", 50, 500), "CN¥50 off an order of CN¥500 or more",
     "订货满¥500立减¥50"),
    (CouponTerms("value", 12.5, 1000), "CN¥12.50 off an order of CN¥1,000 or more",
     "订货满¥1,000立减¥12.50"),
    (CouponTerms("percent", 10), "10% off your next order", "下次订货享9折"),
    (CouponTerms("percent", 15, 200), "15% off an order of CN¥200 or more", "订货满¥200享8.5折"),
])
def test_offer_text(terms: CouponTerms, en: str, zh: str) -> None:
    assert offer_text(terms, "CNY", "en") == en
    assert offer_text(terms, "CNY", "zh") == zh
