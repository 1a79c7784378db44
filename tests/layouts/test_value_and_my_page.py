"""The portrait's "Value and headroom" card and the cards of a customer's own page (``/my``),
drawn from hand-made views in both languages."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd

from dashboard.data.portrait import CustomerRecord
from dashboard.i18n import use_language
from layouts.my_account_parts import (
    categories_card,
    header,
    kpis,
    monthly_card,
    suggestions_section,
    targets_card,
)
from layouts.portrait_value import value_card
from tests.layouts.walk import text


def _portrait(**figures) -> SimpleNamespace:  # noqa: ANN003
    return SimpleNamespace(figures=figures, currency="CNY")


def test_value_card_with_and_without_unit_costs() -> None:
    with use_language("en"):
        shown = text(value_card(_portrait(gross_margin=1200.0, margin_pct=24.0,
                                          expected_value_next_90d=3100.0, potential=9000.0,
                                          headroom=4000.0)))
        bare = text(value_card(_portrait(gross_margin=np.nan, margin_pct=np.nan,
                                         expected_value_next_90d=None, potential=500.0,
                                         headroom=0.0)))
    for words in ("Gross margin", "CN¥1,200", "24%", "CN¥3,100", "CN¥9,000", "CN¥4,000"):
        assert words in shown, words
    assert "no unit costs known" in bare and "CN¥0" in bare
    with use_language("zh"):
        chinese = text(value_card(_portrait(gross_margin=1.0, potential=1.0, headroom=0.0)))
    assert "潜力" in chinese and "Headroom" not in chinese


SUGGESTED = pd.DataFrame({"rank": [1, 2], "kind": ["cross_sell", "discovery"],
                          "sku": ["W-9", "G-2"], "name": ["Welding rods <i>", ""],
                          "category": ["Welding", None]})


def _account(with_targets: bool = True, suggestions: pd.DataFrame | None = None
             ) -> SimpleNamespace:
    months = pd.date_range("2025-12-01", periods=12, freq="MS")
    monthly = pd.DataFrame({"month": months, "revenue": np.arange(12) * 100.0,
                            "orders": np.ones(12, dtype=np.int64),
                            "revenue_last_year": np.zeros(12),
                            "target": np.full(12, 500.0) if with_targets else np.nan})
    categories = pd.DataFrame({"category": ["Welding", None], "revenue": [5000.0, 1000.0],
                               "products": [1, 1], "share_pct": [500 / 6, 100 / 6]})
    report = pd.DataFrame({"customer_id": [1, 1], "month": pd.to_datetime(
        ["2026-10-01", "2026-11-01"]), "target": [1500.0, 6000.0], "actual": [1000.0, 5000.0],
        "pct": [1000 / 15, 5000 / 60], "met": [False, False], "to_date": [False, True]})
    record = CustomerRecord(1, "A-1", "Alpha <b>", "Trade", "East", 1, "Wang", None, None,
                            None)
    return SimpleNamespace(
        record=record, as_of=dt.date(2026, 11, 22), currency="CNY", monthly=monthly,
        categories=categories, targets=report if with_targets else report.iloc[0:0],
        target_summary={"target": 7500.0, "actual": 6000.0, "pct": 80.0, "months": 2,
                        "months_met": 0} if with_targets else None,
        revenue_12m=6600.0, orders_12m=12,
        suggestions=SUGGESTED.iloc[0:0] if suggestions is None else suggestions)


def test_my_page_cards_in_both_languages() -> None:
    view = _account()
    with use_language("en"):
        shown = text([header(view), kpis(view), monthly_card(view), categories_card(view),
                      targets_card(view)])
    for words in ("Alpha <b>", "A-1", "Purchases by month", "Welding", "No category", "83%",
                  "CN¥6,000 of CN¥7,500", "(80%)", "0 of 2 months met", "Nov 2026 *"):
        assert words in shown, words
    with use_language("zh"):
        chinese = text([header(view), kpis(view), monthly_card(view), categories_card(view),
                        targets_card(view)])
    assert "按月采购" in chinese and "目标进度" in chinese and "Purchases" not in chinese
    assert suggestions_section(view) is None  # nothing to suggest: no card, no placeholder


def test_my_page_suggestions_in_the_customers_words() -> None:
    view = _account(suggestions=SUGGESTED)
    with use_language("en"):
        shown = text(suggestions_section(view))
    for words in ("You might also like", "Welding rods <i>", "G-2", "No category",
                  "Often bought together with what you buy",
                  "Popular with businesses like yours"):
        assert words in shown, words
    assert "lift" not in shown.lower() and "similar" not in shown  # no staff reasons
    with use_language("zh"):
        chinese = text(suggestions_section(view))
    assert "您可能还需要" in chinese and "常与您所购商品一起购买" in chinese
    assert "You might" not in chinese


def test_my_page_without_targets_or_purchases() -> None:
    view = _account(with_targets=False)
    view.monthly = view.monthly.assign(revenue=0.0)
    view.categories = view.categories.iloc[0:0]
    with use_language("en"):
        shown = text([kpis(view), monthly_card(view), categories_card(view),
                      targets_card(view)])
    assert "No targets set for the last 12 months" in shown
    assert "No purchases in the last 12 months" in shown
    assert "No product purchases in the last 12 months" in shown
