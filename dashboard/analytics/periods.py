"""Periods (SPEC.md "Time"): the period ending on the as-of date and the previous period.

Every period ends on the as-of date, first and last day included. The previous period has the
same number of days and ends the day before the period starts.

Calendar periods run *to date*: ``month`` is the as-of date's calendar month from its first
day up to the as-of date (as of 22 November: 1-22 November, 22 days, against the 22 days
10-31 October); ``quarter`` and ``year`` likewise from the first day of the quarter or year.
On the last day of a month the period is the whole month. Nothing after the as-of date can
count, so a calendar period never reaches past it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

ROLLING = {"30d": 30, "90d": 90, "365d": 365}
CALENDAR = ("month", "quarter", "year")
PERIODS = (*ROLLING, *CALENDAR)


@dataclass(frozen=True)
class Period:
    """A period and its previous period; all four dates are included in their period."""

    key: str
    start: dt.date
    end: dt.date
    prev_start: dt.date
    prev_end: dt.date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def as_of(self) -> dt.date:
        return self.end


def as_date(value: object) -> dt.date:
    """A calendar date from a date, datetime, Timestamp, numpy datetime or ISO string."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        stamp = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(f"Not a date: {value!r}.") from None
    if pd.isna(stamp):
        raise ValueError(f"Not a date: {value!r}.")
    return stamp.date()


def day_number(value: object) -> int:
    """Days since 1970-01-01 (the integer day used inside the figure engine)."""
    return int(np.datetime64(as_date(value), "D").astype(np.int64))


def rolling_period(as_of: object, days: int, key: str | None = None) -> Period:
    """The ``days`` days ending on ``as_of`` and the ``days`` days before them."""
    if int(days) < 1:
        raise ValueError(f"A period needs at least one day, not {days}.")
    end = as_date(as_of)
    start = end - dt.timedelta(days=int(days) - 1)
    return _with_previous(key or f"{int(days)}d", start, end)


def period_bounds(as_of: object, period: str | Period) -> Period:
    """The period called ``period`` (one of :data:`PERIODS`) ending on ``as_of``."""
    if isinstance(period, Period):
        if period.end != as_date(as_of):
            raise ValueError(f"The period ends on {period.end}, not on the as-of date "
                             f"{as_date(as_of)}.")
        return period
    if period in ROLLING:
        return rolling_period(as_of, ROLLING[period], period)
    if period not in CALENDAR:
        raise ValueError(f"Unknown period {period!r}; choose one of {', '.join(PERIODS)}.")
    end = as_date(as_of)
    if period == "month":
        start = end.replace(day=1)
    elif period == "quarter":
        start = dt.date(end.year, 3 * ((end.month - 1) // 3) + 1, 1)
    else:
        start = dt.date(end.year, 1, 1)
    return _with_previous(period, start, end)


def _with_previous(key: str, start: dt.date, end: dt.date) -> Period:
    prev_end = start - dt.timedelta(days=1)
    prev_start = prev_end - (end - start)
    return Period(key=key, start=start, end=end, prev_start=prev_start, prev_end=prev_end)


__all__ = ["CALENDAR", "PERIODS", "ROLLING", "Period", "as_date", "day_number",
           "period_bounds", "rolling_period"]
