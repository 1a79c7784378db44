"""Discovery, association rules and cross-sell on hand-built baskets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics import suggestion_ranking as sr
from dashboard.analytics import suggestions as sg

AS_OF = pd.Timestamp("2026-06-30")
DAY = int(AS_OF.value // 86_400_000_000_000)


def _products(tags: dict[int, str] | None = None, n: int = 8) -> pd.DataFrame:
    tags = tags or {}
    return pd.DataFrame({"product_id": np.arange(1, n + 1), "sku": [f"P{i}" for i in
                                                                     range(1, n + 1)],
                         "name": [f"Product {i}" for i in range(1, n + 1)],
                         "category": ["A", "A", "B", "B", "C", "C", "D", "D"][:n],
                         "tags": [tags.get(i, "") for i in range(1, n + 1)]})


def _pairs(rows: list[tuple[int, int, int]], cost: dict[int, float] | None = None
           ) -> pd.DataFrame:
    """(customer, product, days before AS_OF); revenue 100, cost from ``cost`` (NaN: none)."""
    cost = cost or {}
    frame = pd.DataFrame(rows, columns=["customer_id", "product_id", "ago"])
    known = frame["product_id"].map(lambda p: p in cost)
    return pd.DataFrame({
        "customer_id": frame["customer_id"], "product_id": frame["product_id"],
        "last_day": DAY - frame["ago"], "orders": 1, "revenue": 100.0,
        "costed_revenue": np.where(known, 100.0, 0.0),
        "cost": frame["product_id"].map(cost).fillna(0.0).astype(float)})


def _customers(spec: dict[int, tuple[str, str]]) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": list(spec), "customer_type": [v[0] for v in
                                                                      spec.values()],
                         "region": [v[1] for v in spec.values()]})


def _found(pairs: pd.DataFrame, customers: pd.DataFrame, limit: int = 10,
           tags: dict[int, str] | None = None, narrow: bool = False) -> pd.DataFrame:
    b = sg.baskets(pairs, _products(tags), customers["customer_id"].to_numpy(), AS_OF)
    return sg.discovery(b, customers, limit, narrow)


def _of(frame: pd.DataFrame, customer: int) -> list[int]:
    return frame.loc[frame["customer_id"] == customer].sort_values("rank")[
        "product_id"].tolist()


def _group(customer_type: str, region: str, first: int, n: int) -> dict[int, tuple[str, str]]:
    return {first + i: (customer_type, region) for i in range(n)}


def test_discovery_excludes_what_was_bought_in_365_days_and_ranks_by_peers() -> None:
    # peers 2..6 (trade, north): product 2 bought by 5 of them, 3 by 3, 4 by 1 (all recent)
    customers = _customers({1: ("trade", "north"), **_group("trade", "north", 2, 5)})
    rows = [(c, 2, 10) for c in range(2, 7)] + [(c, 3, 20) for c in range(2, 5)]
    rows += [(6, 4, 5), (1, 1, 30), (1, 3, 300)]  # customer 1 bought 3 ten months ago
    found = _found(_pairs(rows), customers)
    assert _of(found, 1) == [2, 4]  # 3 is owned within 365 days
    first = found.loc[(found["customer_id"] == 1) & (found["rank"] == 1)].iloc[0]
    assert (first["peers_bought"], first["peers"], first["peer_scope"]) == (5, 5, "type_region")


def test_a_purchase_older_than_365_days_does_not_count_as_owned() -> None:
    customers = _customers({1: ("trade", "north"), **_group("trade", "north", 2, 5)})
    rows = [(c, 2, 10) for c in range(2, 7)] + [(1, 1, 30), (1, 2, 365)]  # 365 ago: outside
    assert _of(_found(_pairs(rows), customers), 1) == [2]


def test_only_the_last_90_days_make_a_product_popular() -> None:
    customers = _customers({1: ("trade", "north"), **_group("trade", "north", 2, 5)})
    rows = [(c, 2, 91) for c in range(2, 7)] + [(c, 3, 89) for c in range(2, 7)]
    rows += [(1, 1, 5)]
    assert _of(_found(_pairs(rows), customers), 1) == [3]


def test_discovery_respects_type_and_region() -> None:
    customers = _customers({1: ("trade", "north"), **_group("trade", "north", 2, 5),
                            **_group("trade", "south", 10, 6), **_group("retail", "north", 20,
                                                                        6)})
    rows = [(1, 1, 3)] + [(c, 2, 3) for c in range(2, 7)]
    rows += [(c, 5, 3) for c in range(10, 16)] + [(c, 7, 3) for c in range(20, 26)]
    found = _found(_pairs(rows), customers)
    assert _of(found, 1) == [2]  # not 5 (other region) nor 7 (other type)
    assert _of(found, 10) == []  # their group's only product is their own


def test_too_few_peers_in_the_region_falls_back_to_the_type() -> None:
    # only 2 trade customers in the east: the east customer is compared with every trade one
    customers = _customers({1: ("trade", "east"), 2: ("trade", "east"),
                            **_group("trade", "north", 10, 6), **_group("retail", "east", 20,
                                                                        6)})
    rows = [(1, 1, 3), (2, 1, 3)] + [(c, 5, 3) for c in range(10, 16)]
    rows += [(c, 7, 3) for c in range(20, 26)]
    found = _found(_pairs(rows), customers)
    assert _of(found, 1) == [5]
    row = found.loc[found["customer_id"] == 1].iloc[0]
    assert (row["peer_scope"], row["peers_bought"], row["peers"]) == ("type", 6, 7)


def test_margin_breaks_ties_between_equally_popular_products() -> None:
    customers = _customers({1: ("trade", "north"), **_group("trade", "north", 2, 5)})
    rows = [(1, 1, 3)] + [(c, p, 3) for c in range(2, 7) for p in (3, 4)]
    found = sg.discovery(sg.baskets(_pairs(rows, cost={3: 90.0, 4: 60.0}), _products(),
                                    customers["customer_id"].to_numpy(), AS_OF),
                         customers, 10)
    assert _of(found, 1) == [4, 3]  # 40 % margin before 10 %


def test_tag_narrowing_keeps_products_sharing_a_tag_value() -> None:
    tags = {1: "brand:toyota,use:engine", 2: "brand:toyota", 3: "brand:ford",
            4: "use:engine", 5: "Brand:Ford"}
    customers = _customers({1: ("trade", "north"), **_group("trade", "north", 2, 5)})
    rows = [(1, 1, 3)] + [(c, p, 3) for c in range(2, 7) for p in (2, 3, 4, 5)]
    assert _of(_found(_pairs(rows), customers, tags=tags, narrow=True), 1) == [2, 4]
    assert sorted(_of(_found(_pairs(rows), customers, tags=tags), 1)) == [2, 3, 4, 5]


def test_customers_without_a_purchase_in_365_days_get_no_discovery() -> None:
    customers = _customers({1: ("trade", "north"), **_group("trade", "north", 2, 5)})
    rows = [(c, 2, 3) for c in range(2, 7)] + [(1, 1, 400)]
    assert _of(_found(_pairs(rows), customers), 1) == []


def test_an_older_customer_gets_discovery_when_named_as_having_ordered() -> None:
    customers = _customers({1: ("trade", "north"), **_group("trade", "north", 2, 5)})
    rows = [(c, 2, 3) for c in range(2, 7)] + [(1, 1, 400)]
    b = sg.baskets(_pairs(rows), _products(), customers["customer_id"].to_numpy(), AS_OF)
    assert _of(sg.discovery(b, customers, 10, ordered=np.array([1])), 1) == [2]


def test_limit_caps_each_customer() -> None:
    customers = _customers({1: ("trade", "north"), **_group("trade", "north", 2, 5)})
    rows = [(1, 1, 3)] + [(c, p, 3) for c in range(2, 7) for p in range(2, 9)]
    assert len(_of(_found(_pairs(rows), customers, limit=3), 1)) == 3


# --- rules --------------------------------------------------------------------------------

def _rule_baskets() -> sg.Baskets:
    """10 customers: 1 and 2 together in 4 baskets, 1 alone in 1, 2 alone in 2, 3 in 5
    baskets (with 1 in 2 of them), 4 alone in the last one."""
    baskets = [{1, 2}, {1, 2}, {1, 2, 3}, {1, 2, 3}, {1}, {2, 3}, {2, 3}, {3}, {5}, {4}]
    rows = [(c + 1, p, 10) for c, items in enumerate(baskets) for p in items]
    return sg.baskets(_pairs(rows), _products(), np.arange(1, 11), AS_OF)


def test_rule_support_confidence_and_lift_against_hand_computation() -> None:
    mined = sg.association_rules(_rule_baskets(), sg.SuggestionRules(min_support=0.2,
                                                                      min_lift=1.0))
    got = mined.set_index(["antecedent_id", "consequent_id"])
    # n = 10; count(1) = 5, count(2) = 6, count(3) = 5, count(1∧2) = 4, count(2∧3) = 4
    assert got.loc[(1, 2), "customers"] == 4
    assert got.loc[(1, 2), "support"] == pytest.approx(0.4)
    assert got.loc[(1, 2), "confidence"] == pytest.approx(4 / 5)
    assert got.loc[(1, 2), "lift"] == pytest.approx((4 / 5) / (6 / 10))
    assert got.loc[(2, 1), "confidence"] == pytest.approx(4 / 6)
    assert got.loc[(2, 1), "lift"] == pytest.approx((4 / 6) / (5 / 10))
    assert got.loc[(2, 3), "lift"] == pytest.approx((4 / 6) / (5 / 10))
    # 1 and 3 together in 2 baskets only (fewer than 3 customers; lift 0.8 too)
    assert (1, 3) not in got.index and (3, 1) not in got.index
    assert (mined["lift"].diff().dropna() <= 1e-12).all()  # strongest first


def test_rules_below_the_minimum_support_or_lift_are_dropped() -> None:
    b = _rule_baskets()
    assert sg.association_rules(b, sg.SuggestionRules(min_support=0.5, min_lift=1.0)).empty
    strict = sg.association_rules(b, sg.SuggestionRules(min_support=0.2, min_lift=1.3))
    assert set(zip(strict["antecedent_id"], strict["consequent_id"], strict=True)) == {
        (1, 2), (2, 1), (2, 3), (3, 2)}  # lifts 1.333 each; nothing else reaches 1.3


def test_cross_sell_suggests_y_to_buyers_of_x_ranked_by_lift_times_margin() -> None:
    b = _rule_baskets()
    mined = sg.association_rules(b, sg.SuggestionRules(min_support=0.2, min_lift=1.0))
    cross = sg.cross_sell(b, mined, 10)
    # customer 5 bought only 1: rule 1→2 (lift 1.333); customer 8 bought only 3: 3→2
    assert _of(cross, 5) == [2] and _of(cross, 8) == [2]
    row = cross.loc[cross["customer_id"] == 5].iloc[0]
    assert (row["antecedent_id"], row["kind"]) == (1, "cross_sell")
    assert row["lift"] == pytest.approx(4 / 3)
    # customer 6 bought 2 and 3: 2→1 (lift 1.333) is the only rule to a product not owned
    assert _of(cross, 6) == [1]
    assert _of(cross, 1) == [3]  # 2→3, lift 1.333
    assert _of(cross, 10) == []  # no rule from 4


def test_cross_sell_weighs_the_chance_by_the_consequents_margin() -> None:
    # X=1 leads to both 2 and 3 with the same confidence (0.8); 3 has the higher margin
    baskets = [{1, 2, 3}] * 4 + [{1}] + [{4}] * 5
    rows = [(c + 1, p, 10) for c, items in enumerate(baskets) for p in items]
    b = sg.baskets(_pairs(rows, cost={2: 80.0, 3: 50.0}), _products(), np.arange(1, 11),
                   AS_OF)
    cross = sg.cross_sell(b, sg.association_rules(b, sg.SuggestionRules(0.2, 1.0)), 10)
    assert _of(cross, 5) == [3, 2]
    got = cross.loc[cross["customer_id"] == 5].set_index("product_id")
    assert got.loc[3, "probability"] == pytest.approx(0.8)
    assert got.loc[3, "score"] == pytest.approx(0.8 * (0.5 + 0.5))  # 50 % margin
    assert got.loc[2, "score"] == pytest.approx(0.8 * (0.5 + 0.2))  # 20 % margin
    assert got.loc[3, "lift"] == pytest.approx(0.8 / 0.4)


def test_two_rules_to_the_same_product_add_up_as_independent_chances() -> None:
    baskets = [{1, 3}] * 3 + [{2, 3}] * 3 + [{1, 2}] + [{4}] * 3
    rows = [(c + 1, p, 10) for c, items in enumerate(baskets) for p in items]
    b = sg.baskets(_pairs(rows), _products(), np.arange(1, 11), AS_OF)
    mined = sg.association_rules(b, sg.SuggestionRules(0.2, 1.0))
    got = mined.set_index(["antecedent_id", "consequent_id"])
    assert got.loc[(1, 3), "confidence"] == pytest.approx(3 / 4)
    assert got.loc[(1, 3), "lift"] == pytest.approx((3 / 4) / (6 / 10))
    cross = sg.cross_sell(b, mined, 10)
    row = cross.loc[cross["customer_id"] == 7].iloc[0]  # bought 1 and 2, not 3
    assert row["product_id"] == 3
    assert row["probability"] == pytest.approx(1 - (1 - 3 / 4) * (1 - 3 / 4))


# --- as of a date -----------------------------------------------------------------------

def test_suggestions_as_of_a_date_ignore_later_orders() -> None:
    customers = _customers({1: ("trade", "north"), **_group("trade", "north", 2, 5)})
    rows = [(1, 1, 3)] + [(c, p, 3) for c in range(2, 7) for p in (1, 2)]
    before, _ = sr.suggestions(_pairs(rows), _products(), customers, AS_OF,
                               sg.SuggestionRules(min_support=0.2, min_lift=1.0))
    later = _pairs([(1, 2, -5), (1, 7, -1)] + [(c, 8, -2) for c in range(2, 7)])
    after, _ = sr.suggestions(pd.concat([_pairs(rows), later]), _products(), customers, AS_OF,
                              sg.SuggestionRules(min_support=0.2, min_lift=1.0))
    pd.testing.assert_frame_equal(before, after)
    assert _of(before, 1) == [2]


def test_settings_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="support"):
        sg.SuggestionRules(min_support=0)
    with pytest.raises(ValueError, match="lift"):
        sg.SuggestionRules(min_lift=0.5)


def test_no_products_or_no_orders_make_no_suggestions() -> None:
    customers = _customers({1: ("trade", "north")})
    empty = _pairs([(1, 1, 3)]).iloc[:0]
    for products in (_products().iloc[:0], _products()):
        found, mined = sr.suggestions(empty, products, customers, AS_OF, sg.SuggestionRules())
        assert found.empty and mined.empty
        b = sg.baskets(empty, products, customers["customer_id"].to_numpy(), AS_OF)
        assert sg.discovery_categories(b, customers).empty
