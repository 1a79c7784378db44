"""ABC tiers (SPEC.md "ABC tiers"): dynamic and fixed, previous tier, movement, playbook."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics.abc import (
    ACTIONS,
    TIERS,
    abc_tiers,
    dynamic_codes,
    fixed_codes,
    playbook_action,
    tier_matrix,
    tier_movement,
)
from dashboard.analytics.settings import FigureSettings
from dashboard.analytics.table import customer_table

from .builders import AS_OF, customers_frame, days_frame, row_of, sale

DYNAMIC = FigureSettings()
FIXED = FigureSettings(abc_method="fixed", abc_a_min=1000, abc_b_min=500, abc_c_min=100)


def tiers(revenue: list[float], codes: list[str], settings: FigureSettings = DYNAMIC) -> dict:
    out = abc_tiers(pd.Series(revenue, dtype=float), pd.Series(codes), settings)
    return dict(zip(codes, out, strict=True))


def test_dynamic_ties_go_by_customer_code() -> None:
    # Z 600 (before 0 %) A; L and M tie at 200: L first (before 60 % -> B), M before 80 % -> C
    assert tiers([200, 600, 200], ["M", "Z", "L"]) == {"M": "C", "Z": "A", "L": "B"}
    assert tiers([200, 600, 200], ["L", "Z", "M"]) == {"L": "B", "Z": "A", "M": "C"}


def test_the_customer_crossing_a_boundary_belongs_to_the_upper_tier() -> None:
    # 300 takes the share from 0 % to 30 %: the share before it is below 20 %, so it is A
    out = tiers([100, 300, 250, 200, 150], ["E", "A", "B", "C", "D"])
    assert out == {"A": "A", "B": "B", "C": "B", "D": "B", "E": "C"}


def test_a_share_before_exactly_on_the_boundary_is_not_below_it() -> None:
    out = tiers([200] + [100] * 8, ["A"] + [f"B{i}" for i in range(8)])
    assert out["A"] == "A"
    assert out["B0"] == "B"  # before it exactly 20 %: not below A_share
    assert [out[f"B{i}"] for i in range(8)] == ["B"] * 6 + ["C"] * 2  # B6 starts at 80 %


def test_no_revenue_is_d_and_shares_count_positive_revenue_only() -> None:
    out = tiers([0.0, -50.0, 80.0, 20.0], ["Z", "N", "X", "Y"])
    assert out == {"Z": "D", "N": "D", "X": "A", "Y": "C"}  # Y: before it 80 % -> C


def test_dynamic_with_custom_shares() -> None:
    rules = FigureSettings(abc_a_share=50.0, abc_b_share=30.0)
    assert tiers([40, 30, 20, 10], ["a", "b", "c", "d"], rules) == {
        "a": "A", "b": "A", "c": "B", "d": "C"}


def test_dynamic_everyone_zero() -> None:
    assert tiers([0.0, 0.0], ["a", "b"]) == {"a": "D", "b": "D"}
    assert list(dynamic_codes(np.array([], dtype=np.int64), np.array([], dtype=np.int64),
                              20, 60)) == []


def test_fixed_thresholds_exactly() -> None:
    rules = FigureSettings(abc_method="fixed")  # 100,000 / 50,000 / 10,000
    revenue = [100_000, 99_999.99, 50_000, 10_000, 9_999.99, 0.0, -5.0]
    out = tiers(revenue, list("abcdefg"), rules)
    assert list(out.values()) == ["A", "B", "B", "C", "D", "D", "D"]


def test_fixed_compares_whole_cents() -> None:
    amount = np.rint(np.array([0.1 + 0.2, 100_000 - 1e-9, 0.001]) * 100).astype(np.int64)
    assert list(fixed_codes(amount, 100_000, 50_000, 0.3)) == [2, 0, 3]


def test_fixed_zero_minimum_still_leaves_no_revenue_in_d() -> None:
    rules = FigureSettings(abc_method="fixed", abc_a_min=0, abc_b_min=0, abc_c_min=0)
    assert tiers([0.0, 0.01], ["a", "b"], rules) == {"a": "D", "b": "A"}


@functools.cache
def _movement_table() -> pd.DataFrame:
    customers = customers_frame(*[(i, code) for i, code in enumerate(
        ["UP", "DOWN", "DOWNB", "SAME", "CDROP", "DD", "NEW", "NEVER", "EDGE"], start=1)])
    days = days_frame(
        sale(1, "2026-10-01", 150.0), sale(1, "2026-11-01", 1500.0),
        sale(2, "2026-10-01", 1200.0),
        sale(3, "2026-10-01", 600.0), sale(3, "2026-11-01", 50.0),
        sale(4, "2026-10-01", 700.0), sale(4, "2026-11-01", 800.0),
        sale(5, "2026-10-01", 200.0),
        sale(6, "2025-06-01", 999.0),
        sale(7, "2026-11-01", 300.0),
        sale(9, "2026-10-23", 100.0),  # first order on the previous period's last day
    )
    return customer_table(days, customers, AS_OF, "30d", FIXED)


@pytest.mark.parametrize(
    ("code", "tier", "prev", "move", "action"),
    [
        ("UP", "A", "C", "up", "keep"),
        ("DOWN", "D", "A", "down", "visit"),
        ("DOWNB", "D", "B", "down", "visit"),  # revenue below C_min is D as well
        ("SAME", "B", "B", "same", "grow"),
        ("CDROP", "D", "C", "down", "call"),
        ("DD", "D", "D", "same", "call"),
        ("NEW", "C", None, "new", "promote"),
        ("NEVER", "D", None, None, "call"),
        ("EDGE", "D", "C", "down", "call"),
    ],
)
def test_previous_tier_movement_and_action(code: str, tier: str, prev: str | None,
                                           move: str | None, action: str) -> None:
    r = row_of(_movement_table(), code)
    assert r.abc_tier == tier
    assert (r.abc_tier_prev if pd.notna(r.abc_tier_prev) else None) == prev
    assert (r.tier_move if pd.notna(r.tier_move) else None) == move
    assert r.action == action


def test_tier_matrix_counts_customers_with_a_previous_tier() -> None:
    t = _movement_table()
    matrix = tier_matrix(t["abc_tier_prev"], t["abc_tier"])
    expected = pd.DataFrame(0, index=list(TIERS), columns=list(TIERS))
    for prev, now in [("C", "A"), ("A", "D"), ("B", "D"), ("B", "B"), ("C", "D"), ("D", "D"),
                      ("C", "D")]:
        expected.loc[prev, now] += 1
    assert (matrix.to_numpy() == expected.to_numpy()).all()
    assert int(matrix.to_numpy().sum()) == 7  # NEW and NEVER have no previous tier


def test_series_level_movement_and_playbook() -> None:
    tier = pd.Series(["A", "B", "C", "D", "D", "D", "C"])
    prev = pd.Series(["B", "B", "A", "A", "C", None, None])
    traded = pd.Series([True, True, True, True, True, False, True])
    assert list(tier_movement(tier, prev, traded).astype(object).fillna("-")) == [
        "up", "same", "down", "down", "down", "-", "new"]
    assert list(playbook_action(tier, prev)) == ["keep", "grow", "promote", "visit", "call",
                                                 "call", "promote"]
    assert set(ACTIONS) == {"keep", "grow", "promote", "call", "visit"}
