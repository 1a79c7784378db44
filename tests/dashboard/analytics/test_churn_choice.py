"""The churn candidates and the choice: supervised features and training without look-ahead,
degenerate BG/NBD fits detected and avoided, the paired bootstrap, money at risk."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics import churn_choice
from dashboard.analytics.churn_bgnbd import BGNBDParams
from dashboard.analytics.churn_choice import (
    BGNBD,
    SUPERVISED,
    backtest_choice,
    choice_date,
    choose_model,
    chosen_predictions,
    degenerate,
    make_choice,
    outcome_days,
    paired_bootstrap,
    settle,
    spend_rate,
)
from dashboard.analytics.churn_model import ChurnFit, fit_churn_model, purchase_summary
from dashboard.analytics.churn_supervised import (
    FEATURES,
    fit_supervised,
    no_purchase_in,
    training_dates,
    window_features,
)
from dashboard.analytics.churn_synthetic import synthetic_history

from .builders import days_frame, return_only, sale

AS_OF = pd.Timestamp("2025-06-30")


@pytest.fixture(scope="module")
def history() -> pd.DataFrame:
    days, _customers = synthetic_history(600, end="2025-12-31", years=3.0, seed=5)
    return days


# --- features ------------------------------------------------------------------------------------

def test_window_features_by_hand() -> None:
    """Customer 1 buys 100 on day -100, 200 on -60, 300 on -10 (as of 2026-01-31), and a sale
    after the as-of date that must not count; customer 2 bought once, 40 days before."""
    as_of = pd.Timestamp("2026-01-31")
    at = lambda n: as_of + pd.Timedelta(days=n)  # noqa: E731
    days = days_frame(sale(1, at(-100), 100), sale(1, at(-60), 200), sale(1, at(-10), 300),
                      sale(1, at(5), 999), sale(2, at(-40), 50), return_only(2, at(-5), 10))
    rows = window_features(days, as_of).set_index("customer_id")
    one = rows.loc[1]
    assert one["log_since"] == pytest.approx(np.log1p(10))
    assert one["log_occasions"] == pytest.approx(np.log(3))
    assert one["log_tenure"] == pytest.approx(np.log1p(100))
    # Gaps 40 and 50: mean 45, population standard deviation 5.
    assert one["gap_cv"] == pytest.approx(5 / 45)
    assert one["log_cycle"] == pytest.approx(np.log1p(10 / 45))
    # Three occasions in the last 180 days against 3 / 101 per day over min(101, 180) days.
    assert one["trend"] == pytest.approx(np.log1p(3) - np.log1p(3 / 101 * 101))
    assert one["log_spend"] == pytest.approx(np.log1p(200))
    assert one["bought_once"] == 0.0
    two = rows.loc[2]
    # One purchase: the usual gap is the repeat customers' median (45); a return is no purchase.
    assert two["log_cycle"] == pytest.approx(np.log1p(40 / 45))
    assert (two["bought_once"], two["gap_cv"]) == (1.0, 0.0)
    assert list(rows.columns) == list(FEATURES)


def test_features_read_nothing_after_the_as_of_date(history: pd.DataFrame) -> None:
    before = history.loc[history["day"] <= AS_OF]
    pd.testing.assert_frame_equal(window_features(history, AS_OF), window_features(before, AS_OF))


# --- training: no look-ahead ------------------------------------------------------------------

def test_training_windows_end_on_or_before_the_as_of_date() -> None:
    first = pd.Timestamp("2023-01-01")
    label, dates = training_dates(first, AS_OF, 90)
    assert label == 90 and len(dates) == 4
    assert dates[0] == AS_OF - pd.Timedelta(days=90)
    assert all(d + pd.Timedelta(days=label) <= AS_OF for d in dates)
    assert [(dates[i] - dates[i + 1]).days for i in range(3)] == [30, 30, 30]
    # 272 days of history and a 273-day horizon (CDNOW as of 1997-09-30): labels of
    # (272 - 60) // 2 = 106 days, windows 35 days apart, each 60 days after the first purchase.
    label, dates = training_dates(pd.Timestamp("1997-01-01"), pd.Timestamp("1997-09-30"), 273)
    assert label == 106
    assert [d.date().isoformat() for d in dates] == ["1997-06-16", "1997-05-12", "1997-04-07",
                                                     "1997-03-03"]
    assert training_dates(pd.Timestamp("2025-05-20"), AS_OF, 90)[1] == []


def test_the_challenger_never_sees_data_after_its_as_of_date(history: pd.DataFrame) -> None:
    """Train/score split: the fit as of a date is the same whatever happened afterwards, and
    changing the future (dropping every purchase after the date) changes nothing."""
    params, why = fit_supervised(history, AS_OF, 90)
    assert why is None and params is not None
    cut = history.loc[history["day"] <= AS_OF]
    assert fit_supervised(cut, AS_OF, 90)[0] == params
    shuffled = history.assign(revenue=np.where(history["day"] > AS_OF, 1e6,
                                               history["revenue"]))
    assert fit_supervised(shuffled, AS_OF, 90)[0] == params
    # The labels it was trained on are known by the as-of date.
    assert all(pd.Timestamp(w) + pd.Timedelta(days=params.label_days) <= AS_OF
               for w in params.windows)
    p = params.probability(window_features(cut, AS_OF))
    assert ((p > 0) & (p < 1)).all()


def test_chosen_predictions_do_not_move_with_the_future(history: pd.DataFrame) -> None:
    cut = history.loc[history["day"] <= AS_OF]
    full = chosen_predictions(history, AS_OF, 90)
    pd.testing.assert_frame_equal(full.table, chosen_predictions(cut, AS_OF, 90).table)
    assert full.fit.choice["chosen"] in (BGNBD, SUPERVISED)
    # The choice's own backtest is scored 90 days back and judged up to the as-of date.
    assert full.fit.choice["scored_as_of"] == "2025-04-01"
    assert full.fit.choice["outcome_days"] == 90


def test_the_challenger_ranks_better_than_chance(history: pd.DataFrame) -> None:
    from dashboard.analytics.backtest import auc

    cut = history.loc[history["day"] <= AS_OF]
    params, _ = fit_supervised(cut, AS_OF, 90)
    rows = window_features(cut, AS_OF)
    stopped = no_purchase_in(history, rows["customer_id"].to_numpy(), AS_OF, 90)
    assert auc(params.probability(rows), stopped) > 0.75


# --- degenerate BG/NBD fits --------------------------------------------------------------------

def test_degenerate_parameters() -> None:
    cdnow = BGNBDParams(r=0.243, alpha=4.414, a=0.793, b=2.426, log_likelihood=-9582.4)
    assert not degenerate(cdnow)
    assert degenerate(BGNBDParams(0.5, 3.0, 1e-6, 5.0, 0.0))  # a on its lower bound
    assert degenerate(BGNBDParams(0.5, 3.0, 0.8, 1e6, 0.0))  # b on its upper bound
    # The case: a ~ 0, b ~ 40,000: a drop-out chance of 1e-7 per purchase.
    assert degenerate(BGNBDParams(0.5, 3.0, 0.004, 40_000.0, 0.0))
    assert not degenerate(None)


def steady_buyers(n: int = 120) -> pd.DataFrame:
    """Nobody ever drops out: customer i buys every 7 + (i % 20) days from 2024-01-01 + (i % 30)
    to the end of 2025, 100 each time."""
    rows = []
    for i in range(1, n + 1):
        start = pd.Timestamp("2024-01-01") + pd.Timedelta(days=i % 30)
        for day in pd.date_range(start, "2025-12-31", freq=f"{7 + i % 20}D"):
            rows.append(sale(i, day, 100.0))
    return days_frame(*rows)


def test_a_history_where_nobody_drops_out_gives_a_degenerate_fit_that_is_not_used() -> None:
    days = steady_buyers()
    as_of = pd.Timestamp("2025-12-31")
    fit = fit_churn_model(purchase_summary(days, as_of), as_of, 90)
    assert degenerate(fit.bgnbd)
    out = chosen_predictions(days, as_of, 90)
    assert out.fit.bgnbd_degenerate is True
    assert "boundary" in out.fit.notes[0]
    assert out.fit.choice["chosen"] != BGNBD
    assert out.fit.choice["bgnbd"]["note"] == "degenerate"
    assert (out.table["model"] != BGNBD).all()


# --- the choice -------------------------------------------------------------------------------

def test_paired_bootstrap() -> None:
    rng = np.random.default_rng(1)
    y = rng.random(400) < 0.5
    noise = rng.random(400)
    assert paired_bootstrap(noise, noise, y) == (0.0, 0.0)
    low, high = paired_bootstrap(y + 0.1 * noise, noise, y)
    assert 0 < low < high


def test_outcome_days_is_the_horizon_or_half_the_history() -> None:
    days = days_frame(sale(1, "2025-01-01", 10), sale(1, "2025-12-31", 10))
    assert outcome_days(days, pd.Timestamp("2025-12-31"), 90) == 90
    assert outcome_days(days, pd.Timestamp("2025-03-01"), 90) == 29  # 59 days // 2
    assert outcome_days(days.iloc[:0], pd.Timestamp("2025-03-01"), 90) == 0


def test_without_a_backtest_bgnbd_is_kept_unless_it_is_degenerate() -> None:
    days = days_frame(sale(1, "2025-12-01", 10))
    short = choose_model(days, "2025-12-20", 90)
    assert (short.chosen, short.reason) == (BGNBD, "no_backtest")
    bad = choose_model(days, "2025-12-20", 90, bgnbd_now="degenerate", supervised_now=False)
    assert (bad.chosen, bad.reason) == (None, "nothing_fits")


def test_choice_round_trips_through_the_fit(history: pd.DataFrame) -> None:
    fit = chosen_predictions(history, AS_OF, 90).fit
    again = ChurnFit.from_json(fit.to_json())
    assert again == fit
    assert set(fit.to_dict()) >= {"bgnbd", "gamma_gamma", "supervised", "choice"}


# --- one choice per date, reused without look-ahead -------------------------------------------

def test_choice_date_is_the_latest_year_end_on_or_before_the_date(monkeypatch) -> None:  # noqa: ANN001
    assert choice_date("2025-12-31") == pd.Timestamp("2025-12-31")
    assert choice_date("2025-12-30") == pd.Timestamp("2024-12-31")
    assert choice_date("2025-11-30") == pd.Timestamp("2024-12-31")
    assert choice_date("2024-01-31") == pd.Timestamp("2023-12-31")
    assert choice_date(pd.Timestamp("2024-07-31 15:00")) == pd.Timestamp("2023-12-31")
    monkeypatch.setattr(churn_choice, "CHOICE_MONTHS", 3)  # quarters
    assert choice_date("2025-11-30") == pd.Timestamp("2025-09-30")
    assert choice_date("2024-03-31") == pd.Timestamp("2024-03-31")
    assert choice_date("2024-02-29") == pd.Timestamp("2023-12-31")


def test_the_choice_is_the_backtest_settled_by_the_fits_of_the_day(history: pd.DataFrame) -> None:
    free = backtest_choice(history, AS_OF, 90)
    assert choose_model(history, AS_OF, 90) == free
    for now, ok in ((None, True), ("degenerate", True), ("no_fit", True), (None, False),
                    ("degenerate", False)):
        assert choose_model(history, AS_OF, 90, now, ok) == settle(free, now, ok)
    # A degenerate BG/NBD of the day hands the choice to the supervised model, and without it
    # nothing is chosen; its backtest figures stay on the record.
    swapped = settle(free, "degenerate", True)
    assert (swapped.chosen, swapped.reason) == (SUPERVISED, "bgnbd_degenerate")
    assert swapped.bgnbd.note == "degenerate" and swapped.bgnbd.auc is None
    assert swapped.supervised == free.supervised and swapped.gain is None
    assert (settle(free, "degenerate", False).chosen, settle(free, None, False).chosen) == (
        None, BGNBD)


def test_a_choice_as_of_a_date_does_not_change_when_later_orders_are_added(
        history: pd.DataFrame) -> None:
    month_end = pd.Timestamp("2025-08-31")
    cut = history.loc[history["day"] <= AS_OF]
    # 200 customers buy again, one a day from the day after the month-end on.
    buyers = cut["customer_id"].unique()[:200]
    later = days_frame(*(sale(int(c), month_end + pd.Timedelta(days=d + 1), 500.0)
                         for d, c in enumerate(buyers)))
    more = pd.concat([history, later], ignore_index=True)
    made = make_choice(cut, AS_OF, 90)
    assert make_choice(more, AS_OF, 90) == made
    assert made.as_of == "2025-06-30" and made.choice.scored_as_of == "2025-04-01"
    # A month-end uses the choice made as of the last year end: the same with or without the
    # orders after the month-end.
    quarter = choice_date(month_end)
    assert quarter == pd.Timestamp("2024-12-31")
    upto = history.loc[history["day"] <= month_end]
    with_more = chosen_predictions(more, month_end, 90, choice=make_choice(more, quarter, 90))
    without = chosen_predictions(upto, month_end, 90, choice=make_choice(upto, quarter, 90))
    pd.testing.assert_frame_equal(with_more.table, without.table)
    assert with_more.fit == without.fit
    assert with_more.fit.as_of == "2025-08-31" and with_more.fit.choice["as_of"] == "2024-12-31"
    assert with_more.fit.supervised["as_of"] == "2024-12-31"


def test_a_choice_made_after_the_date_is_refused(history: pd.DataFrame) -> None:
    made = make_choice(history, "2025-09-30", 90)
    with pytest.raises(ValueError, match="as of 2025-09-30"):
        chosen_predictions(history, "2025-08-31", 90, choice=made)
    with pytest.raises(ValueError, match="for 90 days"):
        chosen_predictions(history, "2025-10-31", 60, choice=made)


def test_a_choice_made_as_of_the_date_gives_the_same_predictions(history: pd.DataFrame) -> None:
    own = chosen_predictions(history, AS_OF, 90)
    given = chosen_predictions(history, AS_OF, 90, choice=make_choice(history, AS_OF, 90))
    pd.testing.assert_frame_equal(own.table, given.table)
    assert own.fit == given.fit


# --- money at risk ----------------------------------------------------------------------------

def test_spend_rate_and_money_at_risk_by_hand() -> None:
    """As of 2026-01-31, horizon 90. Customer 1: 730 in the last 365 days (plus 5,000 two years
    ago, outside), first purchase long ago: 730 / 365 * 90 = 180. Customer 2: first bought
    10 days ago for 50 (window at least the horizon: 50 / 90 * 90 = 50). Customer 3: 300 bought
    200 days ago, a return of 100 since: 200 / 201 * 90."""
    as_of = pd.Timestamp("2026-01-31")
    at = lambda n: as_of + pd.Timedelta(days=n)  # noqa: E731
    days = days_frame(sale(1, at(-730), 5000), sale(1, at(-300), 365), sale(1, at(-30), 365),
                      sale(2, at(-9), 50), sale(3, at(-200), 300), return_only(3, at(-20), 100),
                      sale(1, at(10), 1e6))
    rate = spend_rate(days, np.array([1, 2, 3, 4]), as_of, 90)
    assert rate == pytest.approx([180.0, 50.0, 200 / 201 * 90, 0.0])
    table = chosen_predictions(days, as_of, 90).table
    assert table["revenue_if_stayed"].to_numpy() == pytest.approx(rate[:3])
    # Too little history for any model here: no probability, no money at risk.
    assert table["money_at_risk"].isna().all()
