"""The suggestions backtest: the baselines and the judging, on hand-built baskets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics import suggestion_backtest as bt
from dashboard.analytics import suggestions as sg
from tests.dashboard.analytics.test_suggestions import AS_OF, _customers, _pairs, _products


def _b(baskets: list[set[int]], ago: int = 10) -> sg.Baskets:
    rows = [(c + 1, p, ago) for c, items in enumerate(baskets) for p in items]
    return sg.baskets(_pairs(rows), _products(), np.arange(1, len(baskets) + 1), AS_OF)


def _lists(frame: pd.DataFrame) -> dict[int, list[int]]:
    return {int(c): g["product_id"].tolist() for c, g in frame.groupby("customer_id")}


def test_judge_counts_hits_per_customer_over_everyone_judged() -> None:
    lists = pd.DataFrame({"customer_id": [1, 1, 2], "product_id": [5, 6, 7]})
    bought = pd.DataFrame({"customer_id": [1, 1, 3], "product_id": [6, 5, 7]})
    got = bt.judge(lists, bought, np.array([1, 2, 3, 4]), k=10)
    assert got == {"hit_rate": 0.25, "precision_at_k": pytest.approx(2 / 40), "hits": 2,
                   "customers_hit": 1}


def test_popular_list_is_the_most_bought_products_the_customer_lacks() -> None:
    b = _b([{1, 2}, {1, 3}, {1, 3}, {4}])  # 1 bought by 3, 3 by 2, 2 and 4 by 1
    got = _lists(bt.popular_lists(b, k=2))
    assert got[4] == [1, 3] and got[1] == [3, 4] and got[2] == [2, 4]


def test_item_cf_ranks_by_cosine_similarity_to_what_was_bought() -> None:
    b = _b([{1, 2}, {1, 2}, {1, 3}, {1}])
    # cos(1, 2) = 2 / sqrt(4 * 2) = 0.71, cos(1, 3) = 1 / sqrt(4 * 1) = 0.5
    assert _lists(bt.item_cf_lists(b, k=10))[4] == [2, 3]


def test_only_new_products_bought_in_the_window_count() -> None:
    customers = _customers({c: ("trade", "north") for c in range(1, 7)})
    before = _pairs([(1, 1, 3)] + [(c, p, 3) for c in range(2, 7) for p in (1, 2)])
    # customer 1 buys 2 (suggested) 10 days later and 3 after the 90 days
    after = _pairs([(1, 2, -10), (1, 3, -120), (2, 1, -5)])
    result = bt.backtest_suggestions(before, after, _products(), customers, AS_OF, 90,
                                     sg.SuggestionRules(0.2, 1.0))
    assert (result.customers, result.buyers) == (6, 1)  # customer 2's 1 is not new
    got = result.results.set_index("method")
    assert got.loc["suggestions", "hits"] == 1
    assert got.loc["suggestions", "hit_rate"] == pytest.approx(1 / 6)
    assert got.loc["popular", "hit_rate"] == pytest.approx(1 / 6)
    assert result.lift_over_popular() == pytest.approx(1.0)
