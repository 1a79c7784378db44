"""Cell parsers against hand-written expectations, and properties that hold for all inputs."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.ingest import values


def _s(*items: str) -> pd.Series:
    return pd.Series(list(items), dtype="str")


@pytest.mark.parametrize(("text", "expected"), [
    ("12", 12.0), ("-3", -3.0), ("0.5", 0.5), ("1,234.50", 1234.5), ("1.234,50", 1234.5),
    ("12,5", 12.5), ("¥ 30", 30.0), ("￥1,000", 1000.0), ("１２", 12.0), ("1e3", 1000.0),
    ("+7", 7.0),
])
def test_numbers(text: str, expected: float) -> None:
    parsed, reasons = values.number(_s(text))
    assert parsed.iloc[0] == expected and reasons.iloc[0] == ""


@pytest.mark.parametrize(("text", "reason"), [
    ("abc", "not a number"), ("inf", "not a number"), ("nan", "not a number"),
    ("1,2,3", "not a number"), ("1e20", "number too large"), ("12 apples", "not a number"),
])
def test_bad_numbers(text: str, reason: str) -> None:
    parsed, reasons = values.number(_s(text))
    assert math.isnan(parsed.iloc[0]) and reasons.iloc[0] == reason


def test_blank_number_is_not_an_error() -> None:
    parsed, reasons = values.number(_s("", "1"))
    assert math.isnan(parsed.iloc[0]) and reasons.tolist() == ["", ""]


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03-01", "2026-03-01 00:00:00"), ("2026-03-01 10:05", "2026-03-01 10:05:00"),
    ("2026-03-01 10:05:07", "2026-03-01 10:05:07"), ("2026/3/1", "2026-03-01 00:00:00"),
    ("2026.03.01", "2026-03-01 00:00:00"), ("2026年3月1日", "2026-03-01 00:00:00"),
    ("20260301", "2026-03-01 00:00:00"), ("2026-03-01T10:00:00+08:00", "2026-03-01 10:00:00"),
    ("2026-03-01T10:00:00Z", "2026-03-01 10:00:00"), ("2028-02-29", "2028-02-29 00:00:00"),
    ("２０２６－０３－０１", "2026-03-01 00:00:00"),
])
def test_dates(text: str, expected: str) -> None:
    parsed, reasons = values.dates(_s(text))
    assert str(parsed.iloc[0]) == expected and reasons.iloc[0] == ""


@pytest.mark.parametrize(("text", "reason"), [
    ("2026-02-30", "not a date"), ("2026-02-29", "not a date"), ("2026-13-01", "not a date"),
    ("yesterday", "not a date"), ("2026-03", "not a date"), ("2026", "not a date"),
    ("1899-12-31", "date out of range"), ("2101-01-01", "date out of range"),
])
def test_bad_dates(text: str, reason: str) -> None:
    parsed, reasons = values.dates(_s(text))
    assert pd.isna(parsed.iloc[0]) and reasons.iloc[0].startswith(reason)


def test_day_first_or_month_first_is_decided_by_the_column() -> None:
    day_first, _ = values.dates(_s("01/02/2026", "13/02/2026"))
    month_first, _ = values.dates(_s("01/02/2026", "02/13/2026"))
    assert day_first.dt.strftime("%Y-%m-%d").tolist() == ["2026-02-01", "2026-02-13"]
    assert month_first.dt.strftime("%Y-%m-%d").tolist() == ["2026-01-02", "2026-02-13"]


def test_two_digit_years_and_excel_serial_date_times() -> None:
    # dd/mm/yy as ERP exports write it: 03/01/19 is 3 January 2019 once 31/12/22 shows the
    # day comes first; years 69-99 are 19xx, 00-68 are 20xx (as strptime's %y)
    parsed, reasons = values.dates(_s("03/01/19", "31/12/22", "1/2/69", "1/2/68 7:05"))
    assert reasons.tolist() == [""] * 4
    assert parsed.dt.strftime("%Y-%m-%d %H:%M").tolist() == [
        "2019-01-03 00:00", "2022-12-31 00:00", "1969-02-01 00:00", "2068-02-01 07:05"]
    # an Excel date-time that lost its cell format: days since 1899-12-30, to the second
    parsed, reasons = values.dates(_s("40886.5347222", "40886", "45658"))
    assert reasons.tolist() == [""] * 3
    assert parsed.dt.strftime("%Y-%m-%d %H:%M:%S").tolist() == [
        "2011-12-09 12:50:00", "2011-12-09 00:00:00", "2025-01-01 00:00:00"]
    # four or six digits are no serial; 99999 is after 2100
    parsed, reasons = values.dates(_s("4088", "408860", "99999"))
    assert parsed.isna().all()
    assert reasons.tolist() == ["not a date (use e.g. 2026-03-01)"] * 2 + [
        "date out of range (1900-2100)"]


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-03", "2026-03-01"), ("2026/3", "2026-03-01"), ("2026年3月", "2026-03-01"),
    ("202603", "2026-03-01"), ("2026-03-15", "2026-03-01"), ("2026-03-15 10:00", "2026-03-01"),
])
def test_months(text: str, expected: str) -> None:
    parsed, reasons = values.months(_s(text))
    assert parsed.dt.strftime("%Y-%m-%d").iloc[0] == expected and reasons.iloc[0] == ""


@pytest.mark.parametrize("text", ["2026-13", "March", "2026-00"])
def test_bad_months(text: str) -> None:
    assert values.months(_s(text))[1].iloc[0].startswith("not a month")


def test_customer_types_in_english_and_chinese() -> None:
    parsed, reasons = values.customer_types(_s("retail", " Trade ", "DISTRIBUTOR", "零售", "批发",
                                               "经销", "经销商", "", "VIP"))
    assert parsed.tolist() == ["Retail", "Trade", "Distributor", "Retail", "Trade",
                               "Distributor", "Distributor", "", ""]
    assert reasons.tolist()[-2:] == ["", "unknown customer type (use Retail, Trade or "
                                         "Distributor)"]


def test_emails_phones_tags() -> None:
    assert values.emails(_s("a@b.cn", "ab.cn", ""))[1].tolist() == [
        "", "not an e-mail address", ""]
    assert values.phones(_s("+86 138-0013-8000", "(021) 5555 1234", "12", "call me"))[1]\
        .tolist() == ["", "", "not a phone number", "not a phone number"]
    assert values.tags(_s("a， b;c、d", ""))[0].tolist() == ["a,b,c,d", ""]


def test_text_keeps_names_and_removes_only_the_export_apostrophe() -> None:
    assert values.text(_s("  杭州（北京）  ", "'=SUM(A1)", "'-5", "'plain", "\u00a0x\u00a0")) \
        .tolist() == ["杭州（北京）", "=SUM(A1)", "-5", "'plain", "x"]


@settings(max_examples=100, deadline=None)
@given(st.decimals(min_value=-10**9, max_value=10**9, places=2, allow_nan=False))
def test_numbers_round_trip_in_every_notation(number) -> None:  # noqa: ANN001
    plain = f"{number:.2f}"
    grouped = f"{number:,.2f}"
    european = grouped.replace(",", "_").replace(".", ",").replace("_", ".")
    parsed, reasons = values.number(_s(plain, grouped, european))
    assert reasons.tolist() == ["", "", ""]
    assert parsed.tolist() == [float(number)] * 3


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=pd.Timestamp("1900-01-01").date(),
                max_value=pd.Timestamp("2100-12-31").date()))
def test_dates_round_trip_in_every_notation(day) -> None:  # noqa: ANN001
    forms = [day.isoformat(), day.strftime("%Y/%m/%d"), f"{day.year}年{day.month}月{day.day}日",
             day.strftime("%Y%m%d")]
    parsed, reasons = values.dates(_s(*forms))
    assert reasons.tolist() == [""] * len(forms)
    assert {d.date() for d in parsed} == {day}


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(max_size=12), min_size=1, max_size=8))
def test_parsers_never_raise_and_flag_every_unparsed_value(items: list[str]) -> None:
    series = values.text(pd.Series(items, dtype="str"))
    for parser in (values.number, values.dates, values.months, values.customer_types):
        parsed, reasons = parser(series)
        unparsed = parsed.isna() | (parsed.astype("str") == "")
        assert ((series == "") | ~unparsed | (reasons != "")).all()
