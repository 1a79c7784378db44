"""Potential and headroom against hand computation (75th percentile with linear
interpolation: position 0.75 x (n - 1) in the sorted revenues)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics.headroom import headroom

# code, type, region, orders in the period, period revenue
ROWS = [
    ("a", "Trade", "East", 1, 100.0),
    ("b", "Trade", "East", 2, 200.0),
    ("c", "Trade", "East", 2, 400.0),
    ("d", "Trade", "East", 3, 300.0),
    ("e", "Trade", "East", 5, 1000.0),
    ("f", "Trade", "East", 0, 0.0),
    ("g", "Trade", "West", 2, 800.0),
    ("h", "Retail", None, 1, 50.0),
    ("i", "Retail", "East", 1, 10.0),
]


def _table(rows=ROWS) -> pd.DataFrame:  # noqa: ANN001
    return pd.DataFrame(rows, columns=["code", "customer_type", "region", "orders", "revenue"])


def test_potential_and_headroom_by_hand() -> None:
    result = _table().join(headroom(_table())).set_index("code")
    # f: all six of Trade/East (orders >= 0): 0 100 200 300 400 1000 -> 300 + .75 x 100
    # a: five with orders >= 1: 100 200 300 400 1000 -> position 3 -> 400
    # b, c: four in East with >= 2 orders (< 5): Trade anywhere: 200 300 400 800 1000 -> 800
    # d: Trade with >= 3: 300 1000 -> 300 + .75 x 700 = 825; e: only itself -> 1000
    # g: alone in West: Trade with >= 2 as b; h (no region) and i: Retail with >= 1: 10 50
    expected = {"f": 375.0, "a": 400.0, "b": 800.0, "c": 800.0, "d": 825.0, "e": 1000.0,
                "g": 800.0, "h": 40.0, "i": 40.0}
    assert result["potential"].to_dict() == pytest.approx(expected)
    assert result["headroom"].to_dict() == pytest.approx(
        {"f": 375.0, "a": 300.0, "b": 600.0, "c": 400.0, "d": 525.0, "e": 0.0, "g": 0.0,
         "h": 0.0, "i": 30.0})
    assert result["peers"].to_dict() == {"f": 6, "a": 5, "b": 5, "c": 5, "d": 2, "e": 1,
                                         "g": 5, "h": 2, "i": 2}


def test_headroom_is_never_below_zero_and_keeps_the_tables_order() -> None:
    rng = np.random.default_rng(7)
    n = 2000
    table = pd.DataFrame({
        "customer_type": rng.choice(["Retail", "Trade", "Distributor"], n),
        "region": rng.choice(["East", "West", None, "North"], n),
        "orders": rng.integers(0, 12, n), "revenue": rng.gamma(2.0, 500.0, n).round(2)},
        index=rng.permutation(n))
    result = headroom(table)
    assert (result.index == table.index).all()
    assert (result["headroom"] >= 0).all() and result["potential"].notna().all()
    np.testing.assert_allclose(result["headroom"],
                               np.maximum(result["potential"] - table["revenue"], 0), atol=0.01)
    # the most orders of its type and region and the highest revenue: nothing above it
    top = table.sort_values(["orders", "revenue"]).groupby("customer_type").tail(1).index
    assert (result.loc[top, "peers"] >= 1).all()


def test_a_smaller_peer_threshold_keeps_the_region() -> None:
    result = _table().join(headroom(_table(), min_peers=1)).set_index("code")
    # b, c in East with >= 2 orders: 200 400 300 1000 -> sorted 200 300 400 1000 -> pos 2.25
    assert result.loc["b", "potential"] == pytest.approx(400 + 0.25 * 600)
    assert result.loc["g", "potential"] == 800.0 and result.loc["g", "peers"] == 1


def test_missing_revenue_and_an_empty_table() -> None:
    empty = headroom(_table([]))
    assert list(empty.columns) == ["potential", "headroom", "peers"] and empty.empty
    table = _table([("x", "Trade", "East", 0, np.nan), ("y", "Trade", "East", 1, 90.0)])
    result = headroom(table, min_peers=1)
    assert result["headroom"].tolist() == pytest.approx([67.5, 0.0])
