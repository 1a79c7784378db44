"""One customer's portrait figures, worked out by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analytics.portrait import (
    gap_histogram,
    monthly_revenue,
    preferences,
    purchase_gaps,
    usual_weekday,
    weekday_pattern,
)
from tests.dashboard.analytics.builders import return_only, sale

AS_OF = dt.date(2026, 11, 22)  # a Sunday


def _days(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows)


DAYS = _days([
    sale(1, "2025-10-05", 100.0),
    sale(1, "2025-11-03", 200.0, orders=2),
    sale(1, "2025-11-25", 50.0),            # after 22 Nov a year ago: not in last year's Nov
    sale(1, "2026-10-12", 300.0),
    return_only(1, "2026-10-20", 40.0),     # lowers October, is not a purchase day
    sale(1, "2026-11-02", 80.0),
    sale(1, "2026-11-16", 120.0),
    sale(1, "2026-11-23", 999.0),           # after the as-of date
])


def test_monthly_revenue_against_last_year_and_target() -> None:
    targets = pd.DataFrame({"month": pd.to_datetime(["2026-11-01", "2026-10-01",
                                                     "2024-01-01"]),
                            "amount": [250.0, 300.0, 1.0]})
    monthly = monthly_revenue(DAYS, AS_OF, months=24, targets=targets)
    assert len(monthly) == 24
    assert monthly["month"].iat[0] == pd.Timestamp("2024-12-01")
    assert monthly["month"].iat[-1] == pd.Timestamp("2026-11-01")
    last = monthly.set_index("month")
    assert last.loc["2026-11-01", "revenue"] == 200.0  # 80 + 120, not the 23rd
    assert last.loc["2026-11-01", "orders"] == 2
    assert last.loc["2026-10-01", "revenue"] == 260.0  # 300 - 40 returned
    assert last.loc["2026-11-01", "revenue_last_year"] == 200.0  # 3 Nov 2025, not 25 Nov
    assert last.loc["2026-10-01", "revenue_last_year"] == 100.0
    assert last.loc["2025-11-01", "revenue"] == 250.0  # a whole month when it is past
    assert last.loc["2026-11-01", "target"] == 250.0
    assert np.isnan(last.loc["2026-09-01", "target"])


def test_gaps_between_purchase_days() -> None:
    gaps = purchase_gaps(DAYS, AS_OF)
    # 5 Oct, 3 Nov, 25 Nov 2025, 12 Oct, 2 Nov, 16 Nov 2026 (the return day does not count)
    assert gaps.tolist() == [29, 22, 321, 21, 14]
    histogram = gap_histogram(gaps)
    assert histogram["high"].iat[0] - histogram["low"].iat[0] + 1 == 30  # 321 // 30 + 1 bins
    assert histogram["count"].sum() == 5
    assert histogram.loc[histogram["low"] == 1, "count"].iat[0] == 4  # 14, 21, 22, 29
    assert histogram.loc[histogram["low"] == 301, "count"].iat[0] == 1
    assert gap_histogram(np.array([], dtype=np.int64)).empty
    single = gap_histogram(np.array([1, 1, 3]))
    assert single[["low", "high", "count"]].values.tolist() == [[1, 1, 2], [2, 2, 0],
                                                                [3, 3, 1]]


def test_weekday_pattern_over_the_last_year() -> None:
    pattern = weekday_pattern(DAYS, AS_OF)
    # in the last 365 days: 25 Nov 2025 (Tue), 12 Oct (Mon), 2 Nov (Mon), 16 Nov 2026 (Mon)
    assert pattern["purchase_days"].tolist() == [3, 1, 0, 0, 0, 0, 0]
    assert pattern["share_pct"].iat[0] == pytest.approx(75.0)
    assert usual_weekday(pattern) == 0
    assert usual_weekday(weekday_pattern(DAYS.iloc[:0], AS_OF)) is None
    spread = weekday_pattern(_days([sale(1, d, 1.0) for d in pd.date_range(
        "2026-11-01", "2026-11-07")]), AS_OF)
    assert usual_weekday(spread) == 0  # one day on each weekday: the tie goes to Monday


def test_usual_weekday_counts_distinct_days_of_the_last_year() -> None:
    # Fri 6 Nov, Fri 13 Nov, Wed 18 Nov 2026; two orders on 13 Nov are one purchase day;
    # Wed 19 Nov 2025 and Wed 20 Nov 2024 are more than 365 days before 22 Nov 2026
    days = _days([sale(1, "2024-11-20", 1.0), sale(1, "2025-11-19", 1.0),
                  sale(1, "2026-11-06", 1.0), sale(1, "2026-11-13", 1.0, orders=2),
                  sale(1, "2026-11-18", 1.0)])
    pattern = weekday_pattern(days, AS_OF)
    assert pattern["purchase_days"].tolist() == [0, 0, 1, 0, 2, 0, 0]
    assert usual_weekday(pattern) == 4  # Friday
    # a tie between Tuesday and Thursday goes to the earlier: Tuesday
    tie = weekday_pattern(_days([sale(1, d, 1.0) for d in (
        "2026-11-03", "2026-11-05", "2026-11-10", "2026-11-12")]), AS_OF)
    assert tie["purchase_days"].tolist() == [0, 2, 0, 2, 0, 0, 0]
    assert usual_weekday(tie) == 1
    # two purchase days are too few for a habit; three are enough
    two = weekday_pattern(_days([sale(1, "2026-11-06", 1.0), sale(1, "2026-11-13", 1.0)]),
                          AS_OF)
    assert usual_weekday(two) is None
    three = weekday_pattern(_days([sale(1, d, 1.0) for d in (
        "2026-11-06", "2026-11-13", "2026-11-17")]), AS_OF)
    assert usual_weekday(three) == 4


def test_preferences_and_share_of_spend() -> None:
    mix = pd.DataFrame({
        "sku": ["P1", "P2", "P3", "P4"], "product": ["Bolt", "Nut", "Glue", "Tape"],
        "category": ["Fasteners", "Fasteners", "Adhesives", None],
        "revenue": [600.0, 200.0, 250.0, -50.0], "quantity": [10.0, 5.0, 1.0, -1.0],
        "orders": [3, 2, 1, 1]})
    categories, products = preferences(mix, top=3)
    assert categories["category"].tolist() == ["Fasteners", "Adhesives", None]
    assert categories["share_pct"].tolist() == pytest.approx([80.0, 25.0, -5.0])
    assert products["sku"].tolist() == ["P1", "P3", "P2"]
    assert products["share_pct"].tolist() == pytest.approx([60.0, 25.0, 20.0])
    returned_only = mix.assign(revenue=[-1.0, 0.0, 0.0, 0.0])
    assert preferences(returned_only)[1]["share_pct"].isna().all()


# --- the array way equals the frame way it replaced (decision 246) ---------------------------

def _grouped_monthly(days: pd.DataFrame, as_of: dt.date, months: int,
                     targets: pd.DataFrame | None) -> pd.DataFrame:
    """The monthly trend as frames grouped by month, the way it was first written."""
    end = pd.Timestamp(as_of)
    kept = days.loc[pd.to_datetime(days["day"]) <= end]
    by_month = (kept.assign(month=pd.to_datetime(kept["day"]).dt.to_period("M").dt.to_timestamp())
                .groupby("month")[["revenue", "orders"]].sum())
    starts = pd.period_range(end.to_period("M") - (months - 1), end.to_period("M"),
                             freq="M").to_timestamp()
    this = by_month.reindex(starts, fill_value=0)
    earlier = days.loc[pd.to_datetime(days["day"]) <= end - pd.DateOffset(years=1)]
    before = (earlier.assign(month=pd.to_datetime(earlier["day"]).dt.to_period("M")
                             .dt.to_timestamp() + pd.DateOffset(years=1))
              .groupby("month")["revenue"].sum().reindex(starts, fill_value=0.0))
    frame = pd.DataFrame({"month": starts, "revenue": this["revenue"].to_numpy(dtype=float),
                          "orders": this["orders"].to_numpy(dtype=np.int64),
                          "revenue_last_year": before.to_numpy(dtype=float)})
    target = pd.Series(np.nan, index=starts)
    if targets is not None and len(targets):
        month = pd.to_datetime(targets["month"]).dt.to_period("M").dt.to_timestamp()
        target = pd.Series(targets["amount"].to_numpy(dtype=float), index=month).groupby(
            level=0).sum().reindex(starts)
    return frame.assign(revenue=frame["revenue"].round(2),
                        revenue_last_year=frame["revenue_last_year"].round(2),
                        target=target.to_numpy(dtype=float))


def _grouped_preferences(mix: pd.DataFrame, top: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The preferences as a frame grouped by category, the way they were first written."""
    total = float(mix["revenue"].sum()) if len(mix) else 0.0

    def share(values: pd.Series) -> np.ndarray:
        return (values / total * 100.0).to_numpy() if total > 0 else np.full(len(values),
                                                                            np.nan)

    categories = (mix.assign(category=mix["category"].astype(object).where(
        mix["category"].notna(), None))
        .groupby("category", dropna=False, sort=False)
        .agg(revenue=("revenue", "sum"), products=("sku", "nunique"))
        .reset_index().sort_values(["revenue", "category"], ascending=[False, True],
                                   na_position="last", kind="stable").head(top))
    products = mix.sort_values(["revenue", "sku"], ascending=[False, True],
                               kind="stable").head(top)
    named = categories["category"].astype(object)
    return (categories.assign(category=named.where(named.notna(), None),
                              revenue=categories["revenue"].round(2),
                              share_pct=share(categories["revenue"])).reset_index(drop=True),
            products.assign(revenue=products["revenue"].round(2),
                            share_pct=share(products["revenue"])).reset_index(drop=True))


cents = st.integers(min_value=-50_000, max_value=500_000).map(lambda c: c / 100)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 1200), cents, st.integers(0, 3)), max_size=40),
       st.lists(st.tuples(st.integers(-6, 40), cents), max_size=8),
       st.integers(0, 1200), st.sampled_from([1, 12, 24]))
def test_monthly_revenue_equals_the_grouped_frames(rows: list, goals: list, end: int,
                                                   months: int) -> None:
    """Days before, inside and after the window, returns, months without a day, several
    targets in one month or none: the array way gives the grouped frames' figures."""
    first = pd.Timestamp("2023-01-01")
    days = pd.DataFrame({"day": [first + pd.Timedelta(days=d) for d, _r, _o in rows],
                         "revenue": [r for _d, r, _o in rows],
                         "orders": np.array([o for _d, _r, o in rows], dtype=np.int64)})
    days = days.astype({"day": "datetime64[ns]", "revenue": "float64"})
    as_of = (first + pd.Timedelta(days=end)).date()
    targets = pd.DataFrame({
        "month": [(pd.Timestamp(as_of).to_period("M") - m).to_timestamp() for m, _a in goals],
        "amount": [a for _m, a in goals]}) if goals else None
    pd.testing.assert_frame_equal(monthly_revenue(days, as_of, months, targets),
                                  _grouped_monthly(days, as_of, months, targets),
                                  check_exact=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["S1", "S2", "S3", "S4", "S5", "S6"]),
                          st.sampled_from(["Fasteners", "Adhesives", "Tools", None]), cents),
                max_size=12),
       st.integers(1, 8))
def test_preferences_equal_the_grouped_frame(rows: list, top: int) -> None:
    """Ties of revenue, products without a category, repeated codes, a total that is not
    positive and fewer rows than ``top``: the array way gives the grouped frame's rows."""
    mix = pd.DataFrame({"sku": [s for s, _c, _r in rows],
                        "product": [f"Product {s}" for s, _c, _r in rows],
                        "category": [c for _s, c, _r in rows],
                        "revenue": np.array([r for _s, _c, r in rows], dtype=float),
                        "quantity": np.ones(len(rows)),
                        "orders": np.ones(len(rows), dtype=np.int64)})
    found, expected = preferences(mix, top), _grouped_preferences(mix, top)
    for got, want in zip(found, expected, strict=True):
        pd.testing.assert_frame_equal(got, want, check_exact=True)
