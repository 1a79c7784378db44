"""The portrait's order of suggestions: the blended score and the choice of its weights on
an earlier window, on hand-built baskets (figures computed by hand in the comments)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics import suggestion_ranking as sr
from dashboard.analytics import suggestions as sg
from tests.dashboard.analytics.test_suggestions import AS_OF, _customers, _group, _pairs, _products

# 7 trade customers of one region, everything bought 10 days before AS_OF:
# 1 {1}; 2, 3, 4 {1, 2}; 5 {1, 3}; 6, 7 {3, 4}
ROWS = ([(1, 1, 10)] + [(c, p, 10) for c in (2, 3, 4) for p in (1, 2)]
        + [(5, 1, 10), (5, 3, 10)] + [(c, p, 10) for c in (6, 7) for p in (3, 4)])
COST = {1: 50.0, 2: 80.0, 3: 60.0, 4: 50.0}  # margins 50 %, 20 %, 40 %, 50 %
RULES = sg.SuggestionRules(min_support=0.2, min_lift=1.0)


def _setup(rows: list[tuple[int, int, int]] = ROWS) -> tuple[sg.Baskets, sr.Signs]:
    customers = _customers(_group("trade", "north", 1, 7))
    b = sg.baskets(_pairs(rows, cost=COST), _products(), customers["customer_id"].to_numpy(),
                   AS_OF)
    return b, sr.signs(b, customers, sg.association_rules(b, RULES))


def _of(frame: pd.DataFrame, customer: int) -> pd.DataFrame:
    return frame.loc[frame["customer_id"] == customer].set_index("product_id")


def test_similarity_counts_each_customer_by_the_root_of_their_basket() -> None:
    b, s = _setup([(1, 1, 10), (1, 2, 10), (2, 1, 10), (2, 2, 10), (2, 3, 10), (2, 4, 10),
                   (3, 1, 10), (3, 3, 10)])
    # buyers: 1 three, 2 two, 3 two, 4 one; baskets of 2, 4 and 2 products
    sim = np.asarray(s.similarity, dtype=np.float64)  # dense for a small catalogue
    assert sim[0, 1] == pytest.approx((1 / 2 ** 0.5 + 1 / 2) / (3 ** 0.5 * 2 ** 0.5))  # 0.4928
    assert sim[0, 2] == pytest.approx(0.492799, abs=1e-6)
    assert sim[1, 2] == pytest.approx(0.25)  # (1/2) / (√2 · √2)
    assert sim[0, 3] == pytest.approx(0.288675, abs=1e-6)  # (1/2) / √3
    assert sim[1, 3] == pytest.approx(0.353553, abs=1e-6)  # (1/2) / √2
    assert np.diag(sim).tolist() == [0.0] * 8


def test_blended_score_ranks_both_kinds_with_reasons_figures() -> None:
    b, s = _setup()
    found = sr.rank(b, s, sr.Weights(0.5, 0.25, 0.25, margin=1.0), 10)
    mine = _of(found, 1)
    # customer 1 owns 1; candidates 2, 3, 4 (bought by peers; 2 also by the rule 1 → 2)
    # similar: sim(1,2) = 3/√2 / (√5 √3) = 0.5477, sim(1,3) = 1/√2 / (√5 √3) → scaled 1, 1/3, 0
    # peers: 3/7, 3/7, 2/7 → scaled 1, 1, 2/3; rules: 1 → 2 confidence 3/5 → 1, 0, 0
    # margin factor 1 + share: 1.2, 1.4, 1.5
    assert mine.index.tolist() == [2, 3, 4]
    assert mine["rank"].tolist() == [1, 2, 3]
    assert mine["score"].tolist() == pytest.approx([
        (0.5 + 0.25 + 0.25) * 1.2, (0.5 / 3 + 0.25) * 1.4, (0.25 * 2 / 3) * 1.5])  # 1.2 .583 .25
    assert mine["kind"].tolist() == ["cross_sell", "discovery", "discovery"]
    assert (mine.loc[2, "antecedent_id"], mine.loc[2, "confidence"]) == (1, pytest.approx(0.6))
    assert mine.loc[2, "lift"] == pytest.approx(0.6 / (3 / 7))  # 1.4
    assert mine.loc[2, "probability"] == pytest.approx(0.6)
    # discoveries: bought by 3 and 2 of the 6 other active customers of the type and region
    assert mine.loc[[3, 4], "peers_bought"].tolist() == [3, 2]
    assert mine.loc[[3, 4], "peers"].tolist() == [6, 6]
    assert mine.loc[3, "peer_scope"] == "type_region"
    assert mine.loc[3, "probability"] == pytest.approx(3 / 7)


def test_without_margin_weight_margin_still_orders_equal_scores() -> None:
    b, s = _setup()
    # peers alone: 2 and 3 both 3/7; 3's margin (40 %) beats 2's (20 %)
    found = _of(sr.rank(b, s, sr.Weights(0.0, 1.0, 0.0, margin=0.0), 10), 1)
    assert found.index.tolist() == [3, 2, 4]
    assert found["kind"].tolist() == ["discovery"] * 3


def test_nothing_bought_in_365_days_is_suggested_and_older_purchases_do_not_count() -> None:
    b, s = _setup(ROWS + [(1, 3, 300), (1, 4, 400)])
    found = sr.rank(b, s, sr.DEFAULT_WEIGHTS, 10)
    assert _of(found, 1).index.tolist() == [2, 4]  # 3 bought 300 days ago; 4's 400 days forgotten
    owned = pd.DataFrame(ROWS, columns=["customer_id", "product_id", "ago"])
    clash = found.merge(owned, on=["customer_id", "product_id"])
    assert clash.empty


def test_limit_and_only_peers_or_rules_products_are_candidates() -> None:
    b, s = _setup()
    found = sr.rank(b, s, sr.Weights(1.0, 0.0, 0.0), 1)
    assert found.groupby("customer_id").size().max() == 1
    assert set(found["product_id"]) <= {1, 2, 3, 4}  # 5–8: nobody bought them


def test_weight_grid_in_steps_summing_to_one() -> None:
    grid = sr.weight_grid(0.5, (0.0,))
    assert [w.as_tuple() for w in grid] == [(1.0, 0.0, 0.0), (0.5, 0.5, 0.0), (0.5, 0.0, 0.5),
                                           (0.0, 1.0, 0.0), (0.0, 0.5, 0.5), (0.0, 0.0, 1.0)]
    assert len(sr.weight_grid()) == 15 * 3


def test_weights_are_chosen_on_what_was_bought_after_the_earlier_date() -> None:
    customers = _customers(_group("trade", "north", 1, 7))
    before = _pairs(ROWS, cost=COST)
    after = _pairs([(1, 3, -20), (2, 1, -5), (6, 1, -200)], cost=COST)  # 1 is not new to 2
    grid = [sr.Weights(1.0, 0.0, 0.0, 0.0), sr.Weights(0.0, 1.0, 0.0, 0.0)]
    rules = sg.SuggestionRules(0.2, 1.0, limit=1)
    choice = sr.choose_weights(before, after, _products(), customers, AS_OF, rules, grid=grid)
    # one suggestion each: similarity gives customer 1 product 2 (a miss), peers product 3
    # (a hit); 6's purchase is after the 90 days: 1 customer hit of the 7 judged
    assert choice.weights == grid[1]
    assert choice.customers == 7
    assert choice.grid["hit_rate"].tolist() == pytest.approx([0.0, 1 / 7])
    assert choice.grid["precision_at_k"].tolist() == pytest.approx([0.0, 1 / 7])
    assert choice.judged_until == AS_OF + pd.Timedelta(days=90)


def test_no_earlier_history_keeps_the_default_weights() -> None:
    customers = _customers(_group("trade", "north", 1, 7))
    empty = _pairs(ROWS).iloc[:0]
    choice = sr.choose_weights(empty, _pairs(ROWS), _products(), customers, AS_OF, RULES)
    assert (choice.weights, choice.customers) == (sr.DEFAULT_WEIGHTS, 0)
    assert choice.grid.empty


def test_the_backtest_ranks_with_the_chosen_weights() -> None:
    from dashboard.analytics import suggestion_backtest as bt

    customers = _customers(_group("trade", "north", 1, 7))
    after = _pairs([(1, 3, -20)], cost=COST)
    rules = sg.SuggestionRules(0.2, 1.0)
    peers_only = sr.WeightChoice(sr.Weights(0.0, 1.0, 0.0, 0.0), AS_OF, None, 7,
                                 pd.DataFrame())
    for choice, hits in ((None, 0), (peers_only, 1)):
        result = bt.backtest_suggestions(_pairs(ROWS, cost=COST), after, _products(),
                                         customers, AS_OF, 90, rules, k=1, choice=choice)
        assert result.choice is choice
        # k = 1: the default weights give customer 1 product 2 (a miss), peers alone 3
        assert result.results.set_index("method").loc["suggestions", "hits"] == hits


def test_ranking_by_peer_group_equals_scoring_every_product() -> None:
    # a small synthetic base (3 types × 8 regions): each customer's list over their group's
    # candidates is the list scored over the whole catalogue at once (same products, order,
    # float32 scores, ties at the tenth place decided alike)
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[3] / "benchmarks"))
    import suggestions_bench as bench

    lines, products, people = bench.synthetic(400, 12_000, 5, 365)
    rules = sg.SuggestionRules(0.005, 1.2)
    b = sg.baskets(bench.to_pairs(lines), products, people["customer_id"].to_numpy(),
                   bench.AS_OF)
    s = sr.signs(b, people, sg.association_rules(b, rules))
    rows = sr.suggested_rows(b)
    assert s.log_miss.nnz > 0 and len(np.unique(s.group)) > 10
    for w in (sr.Weights(0.75, 0.0, 0.25, 2.0), sr.Weights(0.0, 1.0, 0.0, 0.0),
              sr.Weights(0.0, 0.0, 1.0, 0.0), sr.DEFAULT_WEIGHTS):
        allowed, *raw = sr.chunk_signs(b, s, rows)
        score, _ = sr._score(w, tuple(raw), w.factor(s.margin_share), allowed)
        r, c = sr._top(score, 10)
        found = sr.rank(b, s, w, 10, rows)
        assert found["customer_id"].tolist() == b.customer_ids[rows[r]].tolist()
        assert found["product_id"].tolist() == b.product_ids[c].tolist()
        assert np.array_equal(found["score"].to_numpy(), score[r, c])
