"""The team table from hand-built customer rows: sums, ratios, prorated targets, edges."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics.team import (
    TEAM_COLUMNS,
    period_targets,
    team_monthly,
    team_table,
    team_totals,
)


def customers(**extra) -> pd.DataFrame:  # noqa: ANN003
    return pd.DataFrame({
        "customer_id": [1, 2, 3, 4],
        "rep_id": pd.array([10, 10, 11, None], dtype="Int64"),
        "account_manager": ["Ann", "Ann", "Bob", None],
        "status": ["active", "churning", "lost", "never"],
        "abc_tier": ["A", "C", "D", None],
        "revenue": [100.004, 50.0, 0.0, 0.0],
        "revenue_prev": [80.0, 100.0, 20.0, 0.0],
        **extra,
    })


def test_period_targets_take_each_months_share_of_days() -> None:
    targets = pd.DataFrame({"customer_id": [1, 1, 3, 5],
                            "month": pd.to_datetime(["2026-10-01", "2026-11-01", "2026-11-01",
                                                     "2026-12-01"]),
                            "amount": [310.0, 300.0, 90.0, 999.0]})
    got = period_targets(targets, dt.date(2026, 10, 23), dt.date(2026, 11, 21))
    # 1: Oct 23..31 is 9 of 31 days of 310 (90) + Nov 1..21 is 21 of 30 days of 300 (210)
    # 3: 21 of 30 days of 90; 5: December is outside the period
    assert got.to_dict("list") == {"customer_id": [1, 3], "target": [300.0, 63.0]}
    assert period_targets(targets.iloc[:0], dt.date(2026, 1, 1), dt.date(2026, 1, 31)).empty


def test_team_rows_sum_their_customers() -> None:
    activity = pd.DataFrame({"customer_id": [2, 3, 99], "open_alerts": [1, 2, 5],
                             "calls": [3, 0, 1], "visits": [0, 1, 1], "redemptions": [0, 1, 1]})
    targets = pd.DataFrame({"customer_id": [1, 3], "target": [300.0, 63.0]})
    followups = pd.DataFrame({"rep_id": [10, 12], "open_followups": [2, 7],
                              "overdue_followups": [1, 7]})  # 12: not in view
    team = team_table(customers(money_at_risk=[5.0, 40.0, 7.0, 0.0]), activity, targets,
                      followups)
    assert list(team.columns) == TEAM_COLUMNS
    assert team["account_manager"].tolist() == ["Ann", "Bob", ""]  # by revenue, none last
    ann, bob, none = (team.iloc[i].to_dict() for i in range(3))
    assert (ann["customers"], ann["active"], ann["churning"], ann["lost"]) == (2, 1, 1, 0)
    assert (ann["tier_a"], ann["tier_b"], ann["tier_c"], ann["tier_d"]) == (1, 0, 1, 0)
    assert ann["revenue"] == 150.0 and ann["revenue_prev"] == 180.0  # cents per customer
    assert ann["growth_pct"] == pytest.approx((150 - 180) / 180 * 100)
    # only customer 1 has a target: 100 of 300
    assert ann["target"] == 300.0 and ann["attainment_pct"] == pytest.approx(100 / 3)
    assert ann["money_at_risk"] == 40.0  # the churning customer's only
    assert (ann["open_alerts"], ann["open_followups"], ann["overdue_followups"]) == (1, 2, 1)
    assert (ann["calls"], ann["visits"], ann["redemptions"]) == (3, 0, 0)
    assert bob["growth_pct"] == -100.0 and bob["attainment_pct"] == 0.0
    assert (bob["lost"], bob["tier_d"], bob["visits"], bob["redemptions"]) == (1, 1, 1, 1)
    assert (bob["open_followups"], none["open_followups"]) == (0, 0)
    assert pd.isna(none["rep_id"]) and none["never"] == 1
    assert np.isnan(none["growth_pct"]) and np.isnan(none["attainment_pct"])
    totals = team_totals(team)
    assert totals["customers"] == 4 and totals["revenue"] == 150.0
    assert totals["growth_pct"] == pytest.approx((150 - 200) / 200 * 100)
    assert totals["attainment_pct"] == pytest.approx(100 / 363 * 100)


def test_money_at_risk_is_missing_without_the_customer_figure() -> None:
    team = team_table(customers())
    assert team["money_at_risk"].isna().all()
    assert (team[["open_alerts", "calls", "target"]] == 0).all().all()


def test_money_at_risk_sums_the_churning_customers_once_the_column_exists() -> None:
    """Holds as soon as the per-customer table carries ``money_at_risk``."""
    table = customers(money_at_risk=[10.0, 25.5, 99.0, np.nan],
                      status=["churning", "churning", "lost", "never"])
    assert team_table(table).set_index("account_manager")["money_at_risk"].to_dict() == {
        "Ann": 35.5, "Bob": 0.0, "": 0.0}


def test_an_empty_view_has_no_rows() -> None:
    assert team_table(customers().iloc[:0]).empty
    assert team_totals(team_table(customers().iloc[:0])) == {}


def test_monthly_revenue_per_account_manager() -> None:
    actuals = pd.DataFrame({"customer_id": [1, 2, 3, 7],
                            "month": pd.to_datetime(["2026-11-01", "2026-11-01", "2026-10-01",
                                                     "2026-10-01"]),
                            "actual": [5.0, 2.5, 6.0, 100.0]})
    got = team_monthly(actuals, customers(), [dt.date(2026, 10, 1), dt.date(2026, 11, 1)])
    assert [(m, d.strftime("%m"), r) for m, d, r in zip(
        got["account_manager"], got["month"], got["revenue"], strict=True)] == [
        ("", "10", 0.0), ("", "11", 0.0), ("Ann", "10", 0.0), ("Ann", "11", 7.5),
        ("Bob", "10", 6.0), ("Bob", "11", 0.0)]  # customer 7 is not in view
