"""The reason line of a suggestion whose product is not in the catalogue (a product removed
since the rules were mined): it is still written, without a warning that a later pandas
turns into an error."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.i18n import use_language
from dashboard.services.suggestions import _reasons_by_column, _reasons_by_line, reasons


def test_a_cross_sell_of_an_unknown_product_still_has_its_reason() -> None:
    items = pd.DataFrame({"customer_id": [1], "kind": ["cross_sell"], "antecedent_id": [7.0],
                          "confidence": [0.5], "lift": [2.0], "peers_bought": [np.nan],
                          "peers": [np.nan], "peer_scope": [None]})
    catalogue = pd.DataFrame({"product_id": pd.Series([], dtype="int64"),
                              "name": pd.Series([], dtype="str")})
    people = pd.DataFrame({"customer_id": [1], "customer_type": ["dealer"],
                           "region": ["East"]})
    with warnings.catch_warnings(), use_language("en"):
        warnings.simplefilter("error")
        found = reasons(items, catalogue, people).tolist()
    assert found == ["50% of the customers who buy  also buy it (lift 2)"]


@given(seed=st.integers(0, 100_000), rows=st.integers(1, 40), language=st.sampled_from(["en", "zh"]))
@settings(max_examples=80, deadline=None)
def test_the_line_by_line_words_equal_the_column_words(seed: int, rows: int,
                                                       language: str) -> None:
    """A portrait's few lines are worded one by one, an export's thousands by column: the
    same words for cross-sells and discoveries, unknown products and customers, empty
    regions, types and numbers, halves that round either way."""
    rng = np.random.default_rng(seed)
    items = pd.DataFrame({
        "customer_id": rng.integers(1, 6, rows),
        "kind": rng.choice(["cross_sell", "discovery"], rows),
        "antecedent_id": rng.choice([1.0, 2.0, 3.0, 99.0, np.nan], rows),
        "confidence": rng.choice([0.125, 0.5, 0.005, 0.995, 1 / 3, np.nan], rows),
        "lift": rng.choice([1.25, 2.05, 0.15, 13.45, np.nan, 2.0], rows),
        "peers_bought": rng.choice([1.0, 12.0, 1234.0, np.nan], rows),
        "peers": rng.choice([5.0, 40.0, 20000.0, np.nan], rows),
        "peer_scope": rng.choice(["type_region", "type", None], rows)},
        index=rng.permutation(np.arange(100, 100 + rows)))
    catalogue = pd.DataFrame({"product_id": [1, 2, 3], "name": ["PPR Pipe", "球阀", None]})
    people = pd.DataFrame({"customer_id": [1, 2, 3, 4],
                           "customer_type": ["dealer", "retail", None, "unknown-kind"],
                           "region": ["East", None, "华南", "North"]})
    names = catalogue.set_index("product_id")["name"]
    with use_language(language):
        by_line = _reasons_by_line(items, catalogue, people)
        by_column = _reasons_by_column(items, names, people)
        assert reasons(items, catalogue, people).equals(by_line)
    pd.testing.assert_series_equal(by_line, by_column)
