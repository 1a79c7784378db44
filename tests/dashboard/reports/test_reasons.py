"""The reason line: written from the table's own figures, in both languages."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_one_row_reads_as_the_table_does_for_every_row_of_the_example() -> None:
    table = _table()
    for language in ("en", "zh"):
        expected = churn_reasons(table, language).to_list()
        assert [churn_reason(row, language) for row in table.to_dict("records")] == expected
        assert [churn_reason(table.iloc[i], language) for i in range(len(table))] == expected


_days = st.one_of(st.none(), st.integers(0, 5000))
_gap = st.one_of(st.none(), st.floats(0, 4000), st.just(float("nan")), st.sampled_from([0.5, 1.5, 2.5]))
_risk = st.one_of(st.none(), st.floats(0, 500), st.just(float("nan")), st.sampled_from([0.05, 0.25, 1.45]))
_borrowed = st.one_of(st.none(), st.booleans())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_days, _gap, _risk, _borrowed), min_size=1, max_size=5),
       st.sampled_from(["en", "zh"]))
def test_one_row_words_are_the_tables_words(rows: list, language: str) -> None:
    """The portrait's one-row path gives the export's words, for any figures."""
    table = pd.DataFrame({
        "days_since_last_order": pd.array([r[0] for r in rows], dtype="Int64"),
        "mean_gap_days": pd.array([np.nan if r[1] is None else r[1] for r in rows],
                                  dtype="float64"),
        "risk_score": pd.array([np.nan if r[2] is None else r[2] for r in rows],
                               dtype="float64"),
        "gap_borrowed": pd.array([r[3] for r in rows], dtype="boolean"),
    })
    expected = churn_reasons(table, language).to_list()
    assert [churn_reason(row, language) for row in table.to_dict("records")] == expected
