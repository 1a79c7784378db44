"""The registry of scheme kinds and customer types (``dashboard/analytics/kinds.py``)."""

from __future__ import annotations

import math

import pytest

from dashboard.analytics import kinds
from dashboard.analytics.kinds import (
    CUSTOMER_TYPES,
    SCHEME_KINDS,
    SchemeKind,
    customer_type_words,
    word_key,
)
from dashboard.analytics.table import TABLE_COLUMNS


def test_the_kinds_of_the_spec_in_the_form_order() -> None:
    assert list(SCHEME_KINDS) == ["risk_score", "risk_change", "revenue_rank",
                                  "revenue_change", "revenue_share", "orders"]
    assert kinds.DEFAULT_SCHEME_KIND == "risk_score"
    assert list(CUSTOMER_TYPES) == ["Retail", "Trade", "Distributor"]
    assert (kinds.RETAIL, kinds.TRADE, kinds.DISTRIBUTOR) == ("Retail", "Trade", "Distributor")
    assert kinds.DEFAULT_CUSTOMER_TYPE == "Retail"
    assert kinds.customer_type_list() == "Retail, Trade or Distributor"


def test_what_each_kind_bands() -> None:
    banded = {k.key: (k.column, k.ranking, k.unit) for k in SCHEME_KINDS.values()}
    assert banded == {
        "risk_score": ("risk_score", None, "value"),
        "risk_change": ("risk_change_pct", None, "percent"),
        "revenue_rank": (None, "customers", "rank"),
        "revenue_change": ("growth_pct", None, "percent"),
        "revenue_share": (None, "revenue", "rank"),
        "orders": ("orders", None, "value"),
    }
    # every value kind cuts a column of the customer table
    assert {k.column for k in SCHEME_KINDS.values() if k.column} <= set(TABLE_COLUMNS)


@pytest.mark.parametrize(("kind", "uppers", "fits"), [
    ("risk_score", [1, 2, 4, 9999], True),
    ("risk_score", [0.01], True),
    ("risk_score", [0, 1], False),          # scores start at 0: a first bound of 0 is empty
    ("risk_change", [-100, 25, 999999], True),
    ("risk_change", [-100.5, 25], False),   # a change cannot be below -100 %
    ("revenue_change", [-50, 50, 999999], True),
    ("revenue_change", [-101], False),
    ("revenue_rank", [20, 60, 100], True),
    ("revenue_rank", [0, 20], False),       # top 0 % is nobody
    ("revenue_rank", [20, 100.5], False),
    ("revenue_share", [80], True),
    ("revenue_share", [-5], False),
    ("orders", [0, 4, 12, 999999], True),
    ("orders", [4.5], False),               # order counts are whole
    ("orders", [-1, 4], False),
])
def test_bounds_per_kind(kind: str, uppers: list[float], fits: bool) -> None:
    assert SCHEME_KINDS[kind].bounds_fit(uppers) is fits


def test_a_kind_bands_a_column_or_a_ranking() -> None:
    with pytest.raises(ValueError, match="column or a ranking"):
        SchemeKind("x", "X", "", "x", "", column="revenue", ranking="customers")
    with pytest.raises(ValueError, match="column or a ranking"):
        SchemeKind("x", "X", "", "x", "")
    assert SchemeKind("x", "X", "", "x", "", column="revenue").low == -math.inf


def test_word_key() -> None:
    assert word_key("  Ｒｅｔａｉｌ\u3000 Customer ") == "retail customer"
    assert word_key("\u3000") == ""
    assert word_key("DISTRIBUTOR") == word_key("distributor") == "distributor"


def test_customer_type_words() -> None:
    words = customer_type_words()
    assert {w: words[w] for w in ("retail", "trade", "distributor", "零售", "批发", "分销商",
                                  "wholesaler", "dealer", "经销商", "代理商")} == {
        "retail": "Retail", "trade": "Trade", "distributor": "Distributor", "零售": "Retail",
        "批发": "Trade", "分销商": "Distributor", "wholesaler": "Trade",
        "dealer": "Distributor", "经销商": "Distributor", "代理商": "Distributor"}
    # a shown word joins the table; one that names two types is refused
    assert customer_type_words([("Trade", "Handel")])["handel"] == "Trade"
    with pytest.raises(ValueError, match="names two customer types"):
        customer_type_words([("Retail", "Wholesale")])
