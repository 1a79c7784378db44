"""Period bounds (SPEC.md "Time"): hand-computed calendar dates."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics.periods import (
    PERIODS,
    Period,
    as_date,
    day_number,
    period_bounds,
    rolling_period,
)

from .builders import AS_OF, d


@pytest.mark.parametrize(
    ("key", "start", "prev_start", "prev_end"),
    [
        ("30d", "2026-10-24", "2026-09-24", "2026-10-23"),
        ("90d", "2026-08-25", "2026-05-27", "2026-08-24"),
        ("365d", "2025-11-23", "2024-11-23", "2025-11-22"),
        # calendar periods run to date; the previous period has the same length
        ("month", "2026-11-01", "2026-10-10", "2026-10-31"),
        ("quarter", "2026-10-01", "2026-08-09", "2026-09-30"),
        ("year", "2026-01-01", "2025-02-09", "2025-12-31"),
    ],
)
def test_bounds_as_of_22_november(key: str, start: str, prev_start: str, prev_end: str) -> None:
    p = period_bounds(AS_OF, key)
    assert (p.start, p.end, p.prev_start, p.prev_end) == (d(start), AS_OF, d(prev_start),
                                                          d(prev_end))
    assert (p.prev_end - p.prev_start).days + 1 == p.days
    assert p.prev_end == p.start - dt.timedelta(days=1)


def test_rolling_lengths() -> None:
    assert [period_bounds(AS_OF, k).days for k in ("30d", "90d", "365d")] == [30, 90, 365]
    assert period_bounds(AS_OF, "month").days == 22


def test_month_on_its_last_day_is_the_whole_month() -> None:
    p = period_bounds(d("2026-11-30"), "month")
    assert (p.start, p.end, p.prev_start, p.prev_end) == (
        d("2026-11-01"), d("2026-11-30"), d("2026-10-02"), d("2026-10-31"))


def test_first_day_of_month_and_leap_day() -> None:
    p = period_bounds(d("2024-03-01"), "month")
    assert (p.start, p.end, p.prev_start, p.prev_end) == (
        d("2024-03-01"), d("2024-03-01"), d("2024-02-29"), d("2024-02-29"))


def test_quarter_end() -> None:
    p = period_bounds(d("2026-03-31"), "quarter")
    assert (p.start, p.prev_start, p.prev_end) == (d("2026-01-01"), d("2025-10-03"),
                                                   d("2025-12-31"))


def test_scheme_timeframe_of_any_length() -> None:
    p = rolling_period(AS_OF, 7)
    assert (p.key, p.start, p.prev_start, p.prev_end) == ("7d", d("2026-11-16"),
                                                          d("2026-11-09"), d("2026-11-15"))
    with pytest.raises(ValueError, match="at least one day"):
        rolling_period(AS_OF, 0)


def test_unknown_period_names_the_choices() -> None:
    with pytest.raises(ValueError, match="choose one of 30d, 90d, 365d, month, quarter, year"):
        period_bounds(AS_OF, "week")
    assert PERIODS == ("30d", "90d", "365d", "month", "quarter", "year")


def test_period_object_must_end_on_the_as_of_date() -> None:
    p = period_bounds(AS_OF, "30d")
    assert period_bounds(AS_OF, p) is p
    with pytest.raises(ValueError, match="not on the as-of date"):
        period_bounds(d("2026-11-21"), p)
    assert isinstance(p, Period) and p.as_of == AS_OF


@pytest.mark.parametrize("value", ["2026-11-22", dt.datetime(2026, 11, 22, 18, 5),
                                   pd.Timestamp("2026-11-22"), np.datetime64("2026-11-22")])
def test_as_date_accepts_common_forms(value: object) -> None:
    assert as_date(value) == AS_OF


@pytest.mark.parametrize("value", ["not a date", None, pd.NaT])
def test_as_date_rejects_non_dates(value: object) -> None:
    with pytest.raises(ValueError, match="Not a date"):
        as_date(value)


def test_day_number() -> None:
    assert day_number("1970-01-02") == 1
    assert day_number(AS_OF) - day_number("2026-10-24") == 29
