"""The reason line: written from the table's own figures, in both languages."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard.reports.reasons import churn_reason, churn_reasons


def _table() -> pd.DataFrame:
    return pd.DataFrame({
        "days_since_last_order": pd.array([41, 200, 1, 0, 15, 1, None], dtype="Int64"),
        "mean_gap_days": [12.2, 30.0, 30.0, 1.0, 15.0, 1.0, np.nan],
        "risk_score": [41 / 12.2, 200 / 30, 1 / 30, 0.0, 1.0, 1.0, np.nan],
        "gap_borrowed": [False, True, True, False, False, False, False],
    })


def test_reasons_in_plain_words() -> None:
    assert churn_reasons(_table(), "en").to_list() == [
        "usually orders every 12 days, last order 41 days ago — 3.4× the usual gap",
        "bought once, 200 days ago",
        "bought once, 1 day ago",
        "usually orders every day, last order today",
        "usually orders every 15 days, last order 15 days ago — 1× the usual gap",
        "usually orders every day, last order 1 day ago — 1× the usual gap",
        "",
    ]


def test_reasons_in_chinese() -> None:
    text = churn_reasons(_table(), "zh").to_list()
    assert text[0] != "" and "41" in text[0] and "12" in text[0] and "3.4" in text[0]
    assert "usually" not in "".join(text)
    assert text[-1] == ""


def test_one_row() -> None:
    row = _table().iloc[0]
    assert churn_reason(row, "en").startswith("usually orders every 12 days")
