"""Sales classifications (SPEC.md "Sales classifications"): every scheme type with bands,
minimum spend / orders, customer type and the scheme's own timeframe."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics.classification import (
    Band,
    Scheme,
    band_counts,
    classify,
    classify_many,
    scheme_figures,
)

from .builders import AS_OF, DEFAULTS, ago, customers_frame, days_frame, return_only, sale


def figures(**columns: list) -> pd.DataFrame:
    """A minimal customer table: codes C0, C1, ...; every customer has traded unless
    ``traded`` says otherwise."""
    n = len(next(iter(columns.values())))
    traded = columns.pop("traded", [True] * n)
    base = {
        "customer_id": list(range(1, n + 1)),
        "customer_code": [f"C{i}" for i in range(n)],
        "customer_type": ["Retail"] * n,
        "revenue": [100.0] * n,
        "orders": [1] * n,
        "growth_pct": [np.nan] * n,
        "risk_score": [np.nan] * n,
        "risk_change_pct": [np.nan] * n,
        "first_order_date": [pd.Timestamp("2026-01-01") if t else pd.NaT for t in traded],
    }
    base.update(columns)
    return pd.DataFrame(base)


def scheme(kind: str, *uppers: float, **options: object) -> Scheme:
    return Scheme(kind, tuple(Band(f"b{i}", u) for i, u in enumerate(uppers)), **options)


def bands(assignment: pd.DataFrame) -> list:
    return [None if pd.isna(b) else int(b) for b in assignment["band"]]


def test_risk_score_bands_from_the_seed() -> None:
    values = [0.0, 1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 10_000.0, np.nan]
    out = classify(figures(risk_score=values), scheme("risk_score", 1, 2, 4, 9999))
    assert bands(out) == [0, 0, 1, 1, 2, 2, 3, None, None]
    assert list(out["label"].iloc[:2]) == ["b0", "b0"] and pd.isna(out["label"].iloc[-1])


def test_risk_change_bands_start_at_zero() -> None:
    values = [-10.0, 0.0, 25.0, 30.0, 75.0, 80.0]
    out = classify(figures(risk_change_pct=values), scheme("risk_change", 25, 50, 75))
    assert bands(out) == [None, 0, 0, 1, 2, None]


def test_revenue_change_with_a_negative_first_band() -> None:
    values = [-80.0, -50.0, -20.0, 0.0, 10.0, 60.0, np.nan]
    out = classify(figures(growth_pct=values), scheme("revenue_change", -50, 0, 50))
    assert bands(out) == [0, 0, 1, 1, 2, None, None]


def test_orders_with_minimum_orders_and_spend() -> None:
    f = figures(orders=[0, 1, 3, 5, 6, 25], revenue=[0.0, 10.0, 300.0, 500.0, 40.0, 900.0])
    assert bands(classify(f, scheme("orders", 1, 5, 20))) == [0, 0, 1, 1, 2, None]
    assert bands(classify(f, scheme("orders", 1, 5, 20, min_orders=2))) == [
        None, None, 1, 1, 2, None]
    assert bands(classify(f, scheme("orders", 1, 5, 20, min_spend=300.0))) == [
        None, None, 1, 1, None, None]


def test_customer_type_and_never_traded_customers_are_left_out() -> None:
    f = figures(orders=[1, 1, 1], customer_type=["Retail", "Trade", "Trade"],
                traded=[True, True, False])
    assert bands(classify(f, scheme("orders", 5, customer_type="Trade"))) == [None, 0, None]
    assert bands(classify(f, scheme("orders", 5))) == [0, 0, None]


def test_revenue_rank_top_percent_of_customers() -> None:
    revenue = [100.0, 90, 80, 70, 60, 50, 40, 30, 20, 10]
    out = classify(figures(revenue=revenue), scheme("revenue_rank", 20, 60))
    # 10 customers: top 20 % = 2 customers, then the next 4 (top 60 % without the first 2)
    assert bands(out) == [0, 0, 1, 1, 1, 1, None, None, None, None]
    assert list(out["value"]) == [0.0, 10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0]


def test_revenue_rank_small_population_and_ties() -> None:
    out = classify(figures(revenue=[50.0, 100.0, 100.0]), scheme("revenue_rank", 20, 100))
    # C1 and C2 tie: C1 first (0 % before it -> top 20 %), C2 33 % before, C0 67 %
    assert bands(out) == [1, 0, 1]


def test_revenue_rank_counts_only_eligible_buyers() -> None:
    f = figures(revenue=[100.0, 90.0, 0.0, 1000.0, 80.0],
                customer_type=["Retail", "Retail", "Retail", "Trade", "Retail"])
    out = classify(f, scheme("revenue_rank", 50, 100, customer_type="Retail"))
    # Retail buyers 100, 90, 80: 0 % and 33 % before -> top 50 %; 67 % -> second band
    assert bands(out) == [0, 0, None, None, 1]


def test_revenue_share_within_each_customer_type() -> None:
    f = figures(revenue=[500.0, 300.0, 150.0, 50.0, 100.0, 100.0],
                customer_type=["Retail"] * 4 + ["Trade"] * 2)
    out = classify(f, scheme("revenue_share", 80))
    # Retail: before 0 %, 50 %, 80 %, 95 %; Trade (tie by code): 0 %, 50 %
    assert bands(out) == [0, 0, None, None, 0, 0]
    assert list(out["value"]) == [0.0, 50.0, 80.0, 95.0, 0.0, 50.0]
    tiered = classify(f, scheme("revenue_share", 50, 80, 100))
    assert bands(tiered) == [0, 1, 2, 2, 0, 1]


def test_revenue_share_minimum_spend_changes_the_total() -> None:
    f = figures(revenue=[500.0, 300.0, 150.0, 50.0])
    out = classify(f, scheme("revenue_share", 60, min_spend=200.0))
    # only 500 and 300 are eligible: before 0 % and 62.5 %
    assert bands(out) == [0, None, None, None]


def test_band_counts_lists_every_band() -> None:
    s = scheme("risk_score", 1, 2, 4)
    counts = band_counts(classify(figures(risk_score=[0.5, 0.7, 3.0]), s), s)
    assert counts["customers"].tolist() == [2, 0, 1]
    assert counts["label"].tolist() == ["b0", "b1", "b2"]


@pytest.mark.parametrize(
    ("record", "message"),
    [
        ({"kind": "margin", "bands": [{"label": "x", "upper": 1}]}, "unknown type 'margin'"),
        ({"kind": "orders", "bands": []}, "at least one band"),
        ({"kind": "orders", "bands": [{"label": "x", "upper": 5}, {"label": "y", "upper": 5}]},
         "increasing order"),
        ({"kind": "revenue_rank", "bands": [{"label": "x", "upper": 120}]}, "up to 100"),
        ({"kind": "orders", "bands": [{"label": "x", "upper": 1}], "customer_type": "VIP"},
         "unknown customer type"),
        ({"kind": "orders", "bands": [{"label": "x"}]}, "numeric upper bound"),
        ({"kind": "orders", "bands": [{"label": "x", "upper": "lots"}]}, "numeric upper bound"),
    ],
)
def test_invalid_schemes_are_explained(record: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Scheme.from_mapping(record)


def test_scheme_from_a_stored_record() -> None:
    s = Scheme.from_mapping({"kind": "orders", "customer_type": "all", "min_spend": "",
                             "min_orders": 2, "timeframe_days": 30,
                             "bands": [{"label": "few", "upper": "5"}]})
    assert s == Scheme("orders", (Band("few", 5.0),), None, None, 2, 30)


def test_schemes_use_their_own_timeframe() -> None:
    customers = customers_frame((1, "RISE"), (2, "FALL"), (3, "NEW"))
    days = days_frame(
        sale(1, ago(400), 100.0), sale(1, ago(100), 300.0),  # 365 d: 300 against 100
        sale(2, ago(500), 400.0), sale(2, ago(20), 100.0),  # 100 against 400
        sale(3, ago(10), 50.0), sale(3, ago(5), 50.0),
    )
    rising = Scheme("revenue_change", (Band("flat", 0.0), Band("rising", 500.0)))
    busy = Scheme("orders", (Band("one", 1.0), Band("more", 10.0)), timeframe_days=30)
    out = classify_many(days, customers, AS_OF, {"rising": rising, "busy": busy}, DEFAULTS)
    got = {(r.scheme, r.customer_id): (r.label if pd.notna(r.label) else None)
           for r in out.itertuples()}
    assert got == {("rising", 1): "rising", ("rising", 2): None, ("rising", 3): None,
                   ("busy", 1): "one", ("busy", 2): "one", ("busy", 3): "more"}
    year = scheme_figures(days, customers, AS_OF, 365, DEFAULTS)
    assert year.set_index("customer_code")["growth_pct"].to_dict()["RISE"] == 200.0


def test_revenue_change_of_a_returns_only_timeframe_is_in_no_band() -> None:
    """The earlier 365 days were net returns (-200): no growth, so no band, not even the
    widest; a customer with 100 before and 250 now (+150 %) is in "rising"."""
    customers = customers_frame((1, "RET"), (2, "RISE"))
    days = days_frame(return_only(1, ago(400), 200.0), sale(1, ago(100), 300.0),
                      sale(2, ago(400), 100.0), sale(2, ago(100), 250.0))
    rising = Scheme("revenue_change", (Band("flat", 0.0), Band("rising", 999_999.0)))
    out = classify_many(days, customers, AS_OF, {"rising": rising}, DEFAULTS)
    got = {r.customer_id: (r.label if pd.notna(r.label) else None) for r in out.itertuples()}
    assert got == {1: None, 2: "rising"}
    year = scheme_figures(days, customers, AS_OF, 365, DEFAULTS).set_index("customer_code")
    assert year.loc["RET", "revenue_prev"] == -200.0 and np.isnan(year.loc["RET", "growth_pct"])
    assert year.loc["RISE", "growth_pct"] == 150.0


def test_no_schemes() -> None:
    out = classify_many(days_frame(), customers_frame((1, "C1")), AS_OF, {}, DEFAULTS)
    assert list(out.columns) == ["scheme", "customer_id", "band", "label", "value"]
    assert out.empty
