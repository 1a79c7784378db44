"""The demo's calendar: how busy each day of the history is.

Days are numbered from the first day of the history (0) to ``today`` (``n_days - 1``). A
*profile* gives every day a relative intensity: B2B customers order on weekdays, shops and
walk-in customers also at weekends; every month has its weight (a December peak, a quiet
summer); the weeks around Chinese New Year are nearly dead with a rush before them, and the
May Day and October Golden Week holidays are quiet. Seasonal buyers add a season: three
months of heavy buying, little otherwise.

Orders are placed on a customer's own clock ("operational time") and mapped to calendar days
through the profile's cumulative intensity, so a customer who buys every 14 days still does so
on average, but not on Sundays, and not during the New Year holiday.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

# Chinese New Year (first day of the first lunar month).
CNY = {
    2010: (2, 14), 2011: (2, 3), 2012: (1, 23), 2013: (2, 10), 2014: (1, 31), 2015: (2, 19),
    2016: (2, 8), 2017: (1, 28), 2018: (2, 16), 2019: (2, 5), 2020: (1, 25), 2021: (2, 12),
    2022: (2, 1), 2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17), 2027: (2, 6),
    2028: (1, 26), 2029: (2, 13), 2030: (2, 3), 2031: (1, 23), 2032: (2, 11), 2033: (1, 31),
    2034: (2, 19), 2035: (2, 8), 2036: (1, 28), 2037: (2, 15), 2038: (2, 4), 2039: (1, 24),
    2040: (2, 12),
}
_CNY_FALLBACK = (2, 5)

# Relative demand by month (January .. December).
MONTH_WEIGHT = np.array([1.05, 0.55, 1.10, 1.10, 1.00, 1.00, 0.90, 0.88, 1.08, 0.95, 1.08, 1.20])
# Monday .. Sunday.
WEEKDAY_WEIGHT = {
    "b2b": np.array([1.15, 1.10, 1.05, 1.05, 1.00, 0.35, 0.10]),
    "retail": np.array([0.85, 0.85, 0.90, 0.90, 1.00, 1.35, 1.15]),
}
SEASONS = {"spring": (3, 4, 5), "summer": (6, 7, 8), "autumn": (9, 10, 11), "winter": (12, 1, 2)}
BASES = ("b2b", "retail")
PROFILES = [(base, season) for base in BASES for season in (None, *SEASONS)]
IN_SEASON, OFF_SEASON = 3.0, 0.25


def profile_index(base: str, season: str | None = None) -> int:
    return PROFILES.index((base, season))


def day_dates(start: dt.date, n_days: int) -> np.ndarray:
    """The calendar dates of day numbers ``0 .. n_days - 1`` (``datetime64[D]``)."""
    return np.datetime64(start, "D") + np.arange(n_days)


def _holiday_weight(dates: np.ndarray, years: np.ndarray, base: str) -> np.ndarray:
    weight = np.ones(len(dates))
    for year in np.unique(years):
        month, day = CNY.get(int(year), _CNY_FALLBACK)
        offset = (dates - np.datetime64(dt.date(int(year), month, day), "D")).astype(int)
        weight = np.where((offset >= -7) & (offset <= 10), 0.12, weight)
        weight = np.where((offset >= -25) & (offset < -7), 1.30, weight)
    month_day = dates - dates.astype("datetime64[M]")
    months = dates.astype("datetime64[M]").astype(int) % 12 + 1
    golden_week = (months == 10) & (month_day.astype(int) < 7)
    may_day = (months == 5) & (month_day.astype(int) < 5)
    quiet = 0.30 if base == "b2b" else 0.85
    return np.where(golden_week | may_day, weight * quiet, weight)


def intensity(start: dt.date, n_days: int, base: str, season: str | None = None) -> np.ndarray:
    """Relative demand of each day, averaging 1 over the history."""
    dates = day_dates(start, n_days)
    months = dates.astype("datetime64[M]").astype(int) % 12 + 1
    years = dates.astype("datetime64[Y]").astype(int) + 1970
    weekdays = (dates.astype(int) + 3) % 7  # 1970-01-01 was a Thursday
    value = (
        WEEKDAY_WEIGHT[base][weekdays]
        * MONTH_WEIGHT[months - 1]
        * _holiday_weight(dates, years, base)
    )
    if season is not None:
        value = value * np.where(np.isin(months, SEASONS[season]), IN_SEASON, OFF_SEASON)
    return value / value.mean()


def cumulative_profiles(start: dt.date, n_days: int) -> np.ndarray:
    """``(len(PROFILES), n_days)``: cumulative intensity at the end of each day."""
    return np.vstack([np.cumsum(intensity(start, n_days, base, season))
                      for base, season in PROFILES])


def to_days(cumulative: np.ndarray, profile: np.ndarray, clock: np.ndarray) -> np.ndarray:
    """Map points on the operational clock to day numbers, per profile."""
    days = np.empty(len(clock), dtype=np.int64)
    last = cumulative.shape[1] - 1
    for p in np.unique(profile):
        mask = profile == p
        days[mask] = np.searchsorted(cumulative[p], clock[mask], side="right")
    return np.clip(days, 0, last)


def to_clock(cumulative: np.ndarray, profile: np.ndarray, days: np.ndarray) -> np.ndarray:
    """The operational clock at the start of each day number, per profile."""
    padded = np.hstack([np.zeros((cumulative.shape[0], 1)), cumulative])
    return padded[profile, np.clip(days, 0, cumulative.shape[1])]


def weekday_of(start: dt.date, days: np.ndarray) -> np.ndarray:
    """Monday = 0 .. Sunday = 6."""
    return (np.asarray(days) + start.weekday()) % 7


def month_index(start: dt.date, days: np.ndarray) -> np.ndarray:
    """Months since January of year 0 (``year * 12 + month - 1``) of each day number."""
    dates = np.datetime64(start, "D") + np.asarray(days)
    return dates.astype("datetime64[M]").astype(int) + 1970 * 12
