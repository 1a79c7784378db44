"""Rank within customer type: by period revenue, ties by customer code."""

from __future__ import annotations

import pandas as pd

from dashboard.analytics.ranking import rank_in_type


def test_rank_within_type_ties_by_code_and_no_rank_without_revenue() -> None:
    revenue = pd.Series([500.0, 500.0, 100.0, 0.0, 50.0, -20.0, 70.0])
    kind = pd.Series(["Retail", "Retail", "Retail", "Retail", "Trade", "Trade", "Trade"])
    code = pd.Series(["R2", "R1", "R3", "R4", "T1", "T2", "T3"])
    out = rank_in_type(revenue, kind, code)
    assert out.dtype == "Int64"
    assert out.astype(object).where(out.notna(), None).tolist() == [2, 1, 3, None, 2, None, 1]


def test_rank_with_a_missing_type_forms_its_own_group() -> None:
    out = rank_in_type(pd.Series([10.0, 20.0]), pd.Series([None, "Retail"]), pd.Series(["a", "b"]))
    assert out.tolist() == [1, 1]


def test_rank_of_nobody() -> None:
    out = rank_in_type(pd.Series([], dtype=float), pd.Series([], dtype=str),
                       pd.Series([], dtype=str))
    assert len(out) == 0
