"""Campaign results: counts, and the uplift against the holdout group (Welch t interval)."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from dashboard.analytics.uplift import campaign_summary, campaign_uplift, welch_interval

START = dt.date(2026, 3, 1)
SENT = dt.datetime(2026, 2, 28, 10, 0)  # the day before START: START is the first full day


def _rows(statuses: dict[int, str]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": list(statuses), "status": list(statuses.values())})


def _days(records: list[tuple[int, str, float, int]]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=["customer_id", "day", "revenue", "orders"])
    return frame.assign(day=pd.to_datetime(frame["day"]))


def test_welch_by_hand() -> None:
    # treated orders 2, 0, 1, 1 (mean 1, variance 2/3); holdout 0, 1 (mean 0.5, variance 1/2)
    diff, low, high, p = welch_interval(np.array([2, 0, 1, 1]), np.array([0, 1]))
    se = math.sqrt((2 / 3) / 4 + 0.5 / 2)  # sqrt(5/12)
    df = (5 / 12) ** 2 / ((1 / 6) ** 2 / 3 + (1 / 4) ** 2 / 1)  # 2.4194
    assert diff == 0.5
    assert df == pytest.approx(2.419354838709677)
    half = stats.t.ppf(0.975, df) * se
    assert (low, high) == (pytest.approx(0.5 - half), pytest.approx(0.5 + half))
    assert (low, high) == (pytest.approx(-1.8634005854924407), pytest.approx(2.8634005854924407))
    assert p == pytest.approx(0.5071279715680331)


def test_welch_edges() -> None:
    assert all(math.isnan(x) for x in welch_interval(np.array([1.0]), np.array([])))
    diff, low, high, p = welch_interval(np.array([1.0, 3.0]), np.array([1.0]))
    assert diff == 1.0 and math.isnan(low) and math.isnan(high) and math.isnan(p)
    assert welch_interval(np.array([2.0, 2.0]), np.array([1.0, 1.0])) == (1.0, 1.0, 1.0, 0.0)
    assert welch_interval(np.zeros(3), np.zeros(3)) == (0.0, 0.0, 0.0, 1.0)


def test_uplift_on_a_small_campaign_by_hand() -> None:
    rows = _rows({1: "sent", 2: "failed", 3: "unknown", 4: "sent", 5: "holdout", 6: "holdout",
                  7: "unreachable"})
    days = _days([
        (1, "2026-03-01", 100.0, 1),   # the day after the send counts
        (1, "2026-03-05", 50.0, 1),
        (3, "2026-03-30", 80.0, 1),    # last day of a 30-day window
        (3, "2026-03-31", 999.0, 9),   # one day too late
        (4, "2026-02-28", 999.0, 9),   # the send day, without a time: not after the send
        (4, "2026-02-27", 999.0, 9),   # the day before
        (6, "2026-03-10", 40.0, 1),
        (7, "2026-03-02", 999.0, 9),   # unreachable: in neither group
    ])
    out = campaign_uplift(rows, days, sent_at=SENT, window_days=30).set_index("metric")
    # treated (1, 2, 3, 4): orders 2, 0, 1, 0 -> 0.75; revenue 150, 0, 80, 0 -> 57.5
    # holdout (5, 6): orders 0, 1 -> 0.5; revenue 0, 40 -> 20
    assert out.loc["orders", ["treated_n", "holdout_n"]].tolist() == [4, 2]
    assert out.loc["orders", "treated_mean"] == 0.75 and out.loc["orders", "holdout_mean"] == 0.5
    assert out.loc["orders", "difference"] == 0.25
    assert out.loc["revenue", "difference"] == 37.5
    assert out.loc["revenue", "relative_pct"] == pytest.approx(187.5)
    low, high = out.loc["revenue", ["ci_low", "ci_high"]]
    expected = stats.ttest_ind([150, 0, 80, 0], [0, 40], equal_var=False).confidence_interval()
    assert (low, high) == (pytest.approx(expected.low), pytest.approx(expected.high))
    assert out.loc["orders", "window_start"] == START
    assert out.loc["orders", "window_end"] == dt.date(2026, 3, 30)
    assert out["small_group"].all() and out["window_complete"].all()
    assert (out["state"] == "measured").all()


def test_nothing_after_the_as_of_date_counts() -> None:
    rows = _rows({1: "sent", 2: "holdout"})
    days = _days([(1, "2026-03-03", 10.0, 1), (1, "2026-03-20", 500.0, 5),
                  (2, "2026-03-04", 10.0, 1)])
    out = campaign_uplift(rows, days, sent_at=SENT, as_of=dt.date(2026, 3, 10))
    assert out["difference"].tolist() == [0.0, 0.0]
    assert not out["window_complete"].any()
    assert out["window_end"].tolist() == [dt.date(2026, 3, 10)] * 2


def test_before_the_campaign_nothing_is_observed() -> None:
    out = campaign_uplift(_rows({1: "sent", 2: "holdout"}), _days([]), sent_at=SENT,
                          as_of=dt.date(2026, 2, 27))
    assert out[["difference", "ci_low", "ci_high"]].isna().all().all()
    assert (out["state"] == "too_early").all()


def test_without_a_holdout_there_is_no_interval() -> None:
    out = campaign_uplift(_rows({1: "sent", 2: "sent"}), _days([(1, "2026-03-02", 5.0, 1)]),
                          sent_at=SENT)
    assert out["holdout_n"].tolist() == [0, 0]
    assert out[["difference", "ci_low", "ci_high"]].isna().all().all()


def _after(records: list[tuple[int, int, float]]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=["customer_id", "orders", "revenue"])


def test_only_orders_after_the_send_time_count() -> None:
    """Sent on 2026-02-28 at 10:00; treated 1, 2, 3 and holdout 4, 5. On the send day
    customer 1 ordered at 09:00 (300, an hour before: not counted) and at 11:00 (200, an
    hour after: counted, from ``after_send``); customer 4 (holdout) at 11:00 (50);
    customer 5 has a date-only order that day (999: left out). The next day customer 2
    ordered 100, customer 5 40."""
    rows = _rows({1: "sent", 2: "sent", 3: "failed", 4: "holdout", 5: "holdout"})
    days = _days([
        (1, "2026-02-28", 500.0, 2),   # the rollup's send day (09:00 + 11:00): not read
        (4, "2026-02-28", 50.0, 1),
        (5, "2026-02-28", 999.0, 1),
        (2, "2026-03-01", 100.0, 1),
        (5, "2026-03-01", 40.0, 1),
    ])
    after = _after([(1, 1, 200.0), (4, 1, 50.0)])
    out = campaign_uplift(rows, days, sent_at=SENT, window_days=7,
                          as_of=dt.date(2026, 3, 1), after_send=after).set_index("metric")
    # treated orders 1, 1, 0 -> 2/3; revenue 200, 100, 0 -> 100
    # holdout orders 1, 1 -> 1; revenue 50, 40 -> 45
    assert out.loc["orders", "treated_mean"] == pytest.approx(2 / 3)
    assert out.loc["orders", "holdout_mean"] == 1.0
    assert out.loc["orders", "difference"] == pytest.approx(2 / 3 - 1)
    assert out.loc["revenue", "treated_mean"] == 100.0
    assert out.loc["revenue", "holdout_mean"] == 45.0
    assert out.loc["revenue", "difference"] == 55.0
    assert out.loc["orders", "window_start"] == START
    assert out.loc["orders", "window_end"] == dt.date(2026, 3, 1)
    assert not out.loc["orders", "window_complete"]
    assert out.loc["orders", "sent_at"] == pd.Timestamp(SENT)
    assert (out["state"] == "measured").all()


def test_on_the_send_day_it_is_too_early() -> None:
    """Minutes after sending, even with an order an hour after the send (and the morning's
    orders in the rollup), nothing is measured yet."""
    rows = _rows({1: "sent", 2: "holdout"})
    days = _days([(1, "2026-02-28", 900.0, 1), (2, "2026-02-28", 0.0, 0)])
    out = campaign_uplift(rows, days, sent_at=SENT, as_of=SENT.date(),
                          after_send=_after([(1, 1, 200.0)]))
    assert (out["state"] == "too_early").all()
    assert out[["difference", "ci_low", "ci_high"]].isna().all().all()
    assert out["window_start"].tolist() == [START] * 2


def test_no_order_from_either_group_is_nothing_to_measure() -> None:
    rows = _rows({1: "sent", 2: "sent", 3: "holdout", 4: "holdout"})
    days = _days([(1, "2026-02-28", 700.0, 1),  # the send day, no time: not after the send
                  (2, "2026-03-02", -80.0, 0)])  # a return is not an order
    out = campaign_uplift(rows, days, sent_at=SENT, as_of=dt.date(2026, 3, 3))
    assert (out["state"] == "no_orders").all()
    assert out.set_index("metric").loc["revenue", "treated_mean"] == -40.0
    nothing_yet = campaign_uplift(rows, days, sent_at=SENT, as_of=dt.date(2026, 3, 3),
                                  after_send=_after([(3, 1, 30.0)]))
    assert (nothing_yet["state"] == "measured").all()  # the holdout's order after the send


def _synthetic(rng: np.random.Generator, n_treated: int, n_holdout: int,
               base: float, effect: float) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Customers whose orders in the window are Poisson(base), plus ``effect`` for the
    treated, each order worth 200, all on one random day of the 30-day window."""
    ids = np.arange(1, n_treated + n_holdout + 1)
    held = ids > n_treated
    orders = rng.poisson(base + effect * ~held)
    bought = orders > 0
    day = np.datetime64(START) + rng.integers(0, 30, bought.sum()).astype("timedelta64[D]")
    days = pd.DataFrame({"customer_id": ids[bought], "day": day.astype("datetime64[ns]"),
                         "revenue": 200.0 * orders[bought], "orders": orders[bought]})
    rows = pd.DataFrame({"customer_id": ids, "status": np.where(held, "holdout", "sent")})
    return rows, days


def test_a_known_effect_is_found() -> None:
    rng = np.random.default_rng(7)
    rows, days = _synthetic(rng, 3000, 600, base=0.6, effect=0.2)
    out = campaign_uplift(rows, days, sent_at=SENT).set_index("metric")
    orders, revenue = out.loc["orders"], out.loc["revenue"]
    assert orders["ci_low"] < 0.2 < orders["ci_high"]
    assert orders["ci_low"] > 0  # the effect is detected
    assert revenue["ci_low"] < 40 < revenue["ci_high"]
    assert orders["difference"] == pytest.approx(0.2, abs=0.08)
    assert orders["p_value"] < 0.01 and not orders["small_group"]


def test_the_interval_covers_the_true_effect_95_times_in_100() -> None:
    """1,000 simulated campaigns (400 treated, 100 held out) with skewed spend: orders
    Poisson(0.5) / Poisson(0.8), each order worth a lognormal amount."""
    rng = np.random.default_rng(11)
    covered = {"orders": [], "revenue": []}
    mean_order = np.exp(5 + 0.8 ** 2 / 2)
    for _ in range(1000):
        orders_t, orders_h = rng.poisson(0.8, 400), rng.poisson(0.5, 100)
        spend_t, spend_h = (np.bincount(np.repeat(np.arange(len(o)), o), minlength=len(o),
                                        weights=rng.lognormal(5, 0.8, o.sum()))
                            for o in (orders_t, orders_h))
        for metric, (a, b), truth in (("orders", (orders_t, orders_h), 0.3),
                                      ("revenue", (spend_t, spend_h), 0.3 * mean_order)):
            _, low, high, _ = welch_interval(a, b)
            covered[metric].append(low <= truth <= high)
    assert 0.93 <= np.mean(covered["orders"]) <= 0.97
    assert 0.92 <= np.mean(covered["revenue"]) <= 0.97


@settings(max_examples=200, deadline=None)
@given(treated=st.lists(st.integers(0, 20), min_size=2, max_size=40),
       holdout=st.lists(st.integers(0, 20), min_size=2, max_size=40))
def test_difference_is_the_difference_of_means_inside_its_interval(treated: list[int],
                                                                   holdout: list[int]) -> None:
    diff, low, high, _ = welch_interval(np.array(treated), np.array(holdout))
    assert diff == pytest.approx(np.mean(treated) - np.mean(holdout))
    assert low <= diff + 1e-12 and diff <= high + 1e-12
    assert (diff - low) == pytest.approx(high - diff)


def test_summary_counts() -> None:
    rows = pd.DataFrame({
        "status": ["sent", "sent", "sent", "sent", "failed", "unknown", "holdout",
                   "unreachable", "pending"],
        "redeemed_order_id": [10, None, 12, None, None, None, None, None, None],
        "redeemed_amount": [600.0, None, 250.5, None, None, None, None, None, None],
    })
    summary = campaign_summary(rows)
    assert summary == {
        "recipients": 9, "pending": 1, "sending": 0, "sent": 4, "failed": 1, "unknown": 1,
        "holdout": 1, "unreachable": 1, "cancelled": 0, "contacted": 7, "redeemed": 2,
        "redeemed_revenue": 850.5, "redemption_pct": 50.0,
    }
    assert math.isnan(campaign_summary(rows.iloc[4:])["redemption_pct"])
