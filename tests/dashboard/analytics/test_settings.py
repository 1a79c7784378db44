"""Figure settings: built from the product settings, validated, with a stable cache key."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dashboard.analytics.settings import FigureSettings
from dashboard.config import load_settings


def test_defaults_match_the_product_settings() -> None:
    rules = FigureSettings.from_settings(load_settings(environ={}))
    assert rules == FigureSettings()
    assert (rules.risk_churning, rules.risk_lost, rules.lost_days) == (2.0, 4.0, 365)
    assert (rules.abc_method, rules.abc_a_share, rules.abc_b_share) == ("dynamic", 20.0, 60.0)
    assert (rules.abc_a_min, rules.abc_b_min, rules.abc_c_min) == (100_000, 50_000, 10_000)
    assert (rules.mover_min_revenue, rules.mover_min_orders, rules.horizon_days) == (1000, 2, 90)


def test_environment_values_are_used() -> None:
    env = {"COCKPIT_RISK_CHURNING": "1.5", "COCKPIT_ABC_METHOD": "fixed",
           "COCKPIT_LOST_DAYS": "180"}
    rules = FigureSettings.from_settings(load_settings(environ=env))
    assert (rules.risk_churning, rules.abc_method, rules.lost_days) == (1.5, "fixed", 180)


def test_cache_key_is_stable_across_processes_and_changes_with_values() -> None:
    key = FigureSettings().cache_key()
    code = "from dashboard.analytics.settings import FigureSettings as F; print(F().cache_key())"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           check=True).stdout.strip()
    assert other == key and len(key) == 16
    assert FigureSettings(lost_days=180).cache_key() != key
    assert FigureSettings(abc_method="fixed").cache_key() != key


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"risk_churning": 4.0}, "RISK_CHURNING must be above 0 and below RISK_LOST"),
        ({"risk_churning": 0.0}, "RISK_CHURNING"),
        ({"lost_days": 0}, "LOST_DAYS"),
        ({"abc_method": "pareto"}, "ABC_METHOD must be one of dynamic, fixed"),
        ({"abc_a_share": 50.0, "abc_b_share": 60.0}, "add up to at most 100"),
        ({"abc_b_min": 200_000.0}, "ABC_A_MIN >= ABC_B_MIN >= ABC_C_MIN"),
        ({"mover_min_orders": -1}, "MOVER_MIN_REVENUE and MOVER_MIN_ORDERS"),
        ({"horizon_days": 0}, "HORIZON_DAYS"),
    ],
)
def test_invalid_settings_are_named(changes: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FigureSettings(**changes)


def test_unreadable_value_is_named() -> None:
    settings = load_settings(environ={}, RISK_LOST="high")
    with pytest.raises(ValueError, match="RISK_LOST = 'high' is not a float"):
        FigureSettings.from_settings(settings)
