"""The reason line of a suggestion whose product is not in the catalogue (a product removed
since the rules were mined): it is still written, without a warning that a later pandas
turns into an error."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from dashboard.i18n import use_language
from dashboard.services.suggestions import reasons


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
