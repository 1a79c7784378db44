"""The cockpit overview in one call: hand-computed figures, scope, filters, cash sales only
in the owner's unfiltered view, and the backtest card's honesty."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analytics.backtest import BacktestResult, FlagScore
from dashboard.analytics.overview import cockpit_overview
from dashboard.analytics.periods import period_bounds
from dashboard.analytics.settings import FigureSettings
from dashboard.analytics.table import customer_table
from dashboard.filters import FilterQuery
from dashboard.services import cockpit as service
from dashboard.services import customer_table as table_gateway
from tests.dashboard.analytics.test_properties import inputs
from tests.dashboard.services.cockpit_world import AS_OF, build_cockpit_world


@pytest.fixture
def world(runtime):  # noqa: ANN001, ANN201
    yield build_cockpit_world(runtime)


def test_owner_overview_by_hand(runtime, world) -> None:  # noqa: ANN001
    view = service.get_overview(runtime, world.actor("owner"), FilterQuery())
    assert (view.filters.as_of, view.filters.period, view.today) == (AS_OF, "30d", AS_OF)
    assert (view.period.start, view.period.prev_end) == (dt.date(2026, 10, 24),
                                                         dt.date(2026, 10, 23))
    assert view.scope == "all" and view.customers == 6 and view.cash_sales_included
    kpis = view.overview.kpis
    assert kpis.loc["revenue", "current"] == 8200.0  # 5000 + 2000 + 500 + 700 cash
    assert kpis.loc["revenue", "previous"] == 12000.0
    assert round(kpis.loc["revenue", "change_pct"], 4) == round(-3800 / 12000 * 100, 4)
    assert kpis.loc["orders", ["current", "previous"]].tolist() == [3, 4]
    # Six customers are too few for a churn model: the risk-score rule sets the statuses. F
    # bought once (a one-time buyer, also counted as active).
    assert view.overview.statuses["customers"].to_dict() == {
        "active": 3, "churning": 1, "lost": 1, "never": 1, "new": 1, "once": 1}
    assert view.call_first is not None and view.call_first.empty  # no churn probability
    assert view.overview.tiers["customers"].to_dict() == {"A": 1, "B": 1, "C": 1, "D": 3}
    matrix = view.overview.tier_matrix
    assert (matrix.loc["C", "A"], matrix.loc["B", "B"], matrix.loc["A", "D"],
            matrix.loc["D", "D"], int(matrix.to_numpy().sum())) == (1, 1, 1, 1, 4)
    assert view.entries.to_dict() == {"A": 0, "B": 0, "C": 1, "D": 1}
    assert view.moves.to_dict() == {"up": 1, "down": 1, "same": 2, "new": 1}
    movers = view.overview.movers
    assert movers[("revenue", "surge")]["customer_code"].tolist() == ["A"]
    assert movers[("revenue", "drop")]["customer_code"].tolist() == ["E"]
    assert movers[("orders", "drop")]["customer_code"].tolist() == ["E"]
    assert movers[("orders", "surge")].empty
    assert view.mover_counts == {"revenue_surge": 1, "revenue_drop": 1, "orders_surge": 0,
                                 "orders_drop": 1}
    assert view.currency == "CNY" and view.rep_name is None


def test_scope_and_filters_narrow_and_drop_cash_sales(runtime, world) -> None:  # noqa: ANN001
    east = service.get_overview(runtime, world.actor("manager_east"), FilterQuery())
    assert east.customers == 3 and not east.cash_sales_included and east.scope == "team"
    assert east.overview.kpis.loc["revenue", "current"] == 7500.0  # A, D, F; no cash
    retail = service.get_overview(runtime, world.actor("owner"),
                                  FilterQuery(customer_type="Retail"))
    assert retail.customers == 4 and not retail.cash_sales_included
    assert retail.overview.kpis.loc["revenue", "current"] == 2500.0
    by_rep = service.get_overview(runtime, world.actor("owner"),
                                  FilterQuery(rep_id=world.reps["Zhao"]))
    assert by_rep.customers == 3 and by_rep.rep_name == "Zhao"
    # a rep asking for another rep's customers gets their own (the filter is dropped)
    sneaky = service.get_overview(runtime, world.actor("rep_zhao"),
                                  FilterQuery(rep_id=world.reps["Wang"]))
    assert sneaky.filters.rep_id is None and sneaky.customers == 3
    assert set(sneaky.overview.movers[("revenue", "surge")]["customer_code"]) == set()


def test_empty_views(runtime, world) -> None:  # noqa: ANN001
    nobody = service.get_overview(runtime, world.actor("nobody"), FilterQuery())
    assert nobody.is_empty and nobody.overview is None and nobody.scope == "none"
    assert nobody.moves.sum() == 0
    none_match = service.get_overview(runtime, world.actor("owner"),
                                      FilterQuery(customer_type="Distributor", region="East"))
    assert none_match.is_empty and none_match.filters.region == "East"


def test_a_longer_period_and_an_earlier_day(runtime, world) -> None:  # noqa: ANN001
    view = service.get_overview(runtime, world.actor("owner"),
                                FilterQuery(as_of=dt.date(2026, 10, 23), period="90d"))
    assert view.filters.as_of == dt.date(2026, 10, 23) and view.period.days == 90
    # 26 Jul - 23 Oct: A 1000 + 1000, D 3000, E 8000, B nothing, cash 700 after 23 Oct
    assert view.overview.kpis.loc["revenue", "current"] == 13000.0
    # first orders 1 Sep (A), 10 Oct (D) and 5 Oct (E) fall inside the period
    assert view.overview.statuses.loc["new", "customers"] == 3


def _result(flagged: int, stopped: float | None, recency: float | None) -> BacktestResult:
    score = FlagScore(flagged, 0, None, None)
    return BacktestResult(as_of="2026-08-24", horizon_days=90, outcome_end="2026-11-22",
                          data_through="2026-11-22", customers_scored=100, stopped=10,
                          auc_model=None, auc_recency=None, churning=score, lost=score,
                          churning_stopped_pct=stopped, recency_stopped_pct=recency,
                          model_stopped_pct=None, fit={})


def test_backtest_card_states(runtime, world, monkeypatch) -> None:  # noqa: ANN001
    owner, rep = world.actor("owner"), world.actor("rep_wang")
    small = service.backtest_card(runtime, owner, AS_OF)  # six customers: too little
    assert small.state == "too_little" and small.scored_as_of == dt.date(2026, 8, 24)
    monkeypatch.setattr(table_gateway, "get_backtest", lambda *a, **k: _result(120, 71.0, 64.0))
    ok = service.backtest_card(runtime, owner, AS_OF)
    assert (ok.state, ok.flagged, ok.stopped_pct, ok.recency_pct) == ("ok", 120, 71.0, 64.0)
    assert service.backtest_card(runtime, rep, AS_OF).flagged is None  # owners only
    monkeypatch.setattr(table_gateway, "get_backtest", lambda *a, **k: _result(9, 50.0, 40.0))
    assert service.backtest_card(runtime, owner, AS_OF).state == "too_little"

    def broken(*_args, **_kwargs):  # noqa: ANN002, ANN003, ANN202
        raise RuntimeError("model fit failed")

    monkeypatch.setattr(table_gateway, "get_backtest", broken)
    assert service.backtest_card(runtime, owner, AS_OF).state == "unavailable"
    assert service.get_overview(runtime, owner, FilterQuery()).customers == 6


@settings(max_examples=40, deadline=None)
@given(inputs(max_customers=8), st.integers(1, 4))
def test_overview_equals_the_analytics_overview(data: tuple, top: int) -> None:
    """The service asks for the top movers of their candidates only: same lists, ties
    at the cut included."""
    days, customers = data
    table = customer_table(days, customers, AS_OF, "30d", FigureSettings(
        mover_min_revenue=1, mover_min_orders=1))
    period = period_bounds(AS_OF, "30d")
    fast, plain = service.overview_of(table, None, period, top), cockpit_overview(
        table, None, period, top)
    for name in ("kpis", "statuses", "tiers", "tier_matrix"):
        pd.testing.assert_frame_equal(getattr(fast, name), getattr(plain, name))
    assert fast.movers.keys() == plain.movers.keys()
    for key, rows in plain.movers.items():
        pd.testing.assert_frame_equal(fast.movers[key].reset_index(drop=True),
                                      rows.reset_index(drop=True), check_dtype=False)


def test_mover_candidates_keep_ties_at_the_cut() -> None:
    table = pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5], "customer_code": list("ABCDE"),
        "customer_name": list("abcde"), "revenue_prev_30d": [0.0] * 5,
        "revenue_30d": [9.0, 5.0, 5.0, 3.0, 8.0], "revenue_change": [9.0, 5.0, 5.0, 3.0, -8.0],
        "revenue_growth_pct": [np.nan] * 5,
        "revenue_move": pd.Categorical(["surge", "surge", "surge", "surge", "drop"],
                                       categories=["surge", "drop"]),
    })
    assert service.mover_candidates(table, "revenue", "surge", 2)["customer_code"].tolist() \
        == ["A", "B", "C"]
    assert service.mover_candidates(table, "revenue", "drop", 2)["customer_code"].tolist() \
        == ["E"]


def test_views_are_remembered_per_scope_filters_and_data_version(runtime, world) -> None:  # noqa: ANN001
    from dashboard.data.rollups import refresh_rollups
    from dashboard.db import bump_data_version, session_scope
    from tests.dashboard.services.cockpit_world import _order

    owner = service.get_overview(runtime, world.actor("owner"), FilterQuery())
    assert service.get_overview(runtime, world.actor("owner"), FilterQuery()) is owner
    assert service.get_overview(runtime, world.actor("owner"),
                                FilterQuery(period="90d")) is not owner
    east = service.get_overview(runtime, world.actor("manager_east"), FilterQuery())
    assert east.customers == 3 and east.overview.kpis.loc["revenue", "current"] == 7500.0
    west = service.get_overview(runtime, world.actor("rep_zhao"), FilterQuery())
    assert west.customers == 3 and west.overview.kpis.loc["revenue", "current"] == 0.0
    with session_scope(runtime.engine, write=True) as session:
        _order(session, "LATE-1", world.customers["B"], AS_OF, 900.0)
        refresh_rollups(session, [(world.customers["B"], AS_OF)])
        bump_data_version(session)
    again = service.get_overview(runtime, world.actor("rep_zhao"), FilterQuery())
    assert again.overview.kpis.loc["revenue", "current"] == 900.0


# --- Call first -------------------------------------------------------------------------------

MONEY_AT_RISK = {"A": 300.0, "B": 50.0, "D": 300.0, "E": 900.0, "F": 0.0}


def _with_money_at_risk(original):  # noqa: ANN001, ANN202
    """The gateway's table with money at risk set by hand (the world is too small for a churn
    model): E 900, A and D 300 each (a tie), B 50, F nothing, C never traded."""

    def table(runtime, as_of, period, rules=None):  # noqa: ANN001, ANN202
        frame = original(runtime, as_of, period, rules)
        letter = frame["customer_code"].str[0]
        return frame.assign(money_at_risk=letter.map(MONEY_AT_RISK),
                            churn_probability=letter.map(MONEY_AT_RISK).notna() * 0.6)

    return table


@pytest.mark.parametrize(("who", "expected"), [
    ("owner", ["E", "A", "D", "B"]),  # highest first, the tie at 300 by code, nothing at 0
    ("manager_east", ["A", "D"]),
    ("rep_wang", ["A", "D"]),
    ("rep_zhao", ["E", "B"]),  # a rep sees only their own customers
])
def test_call_first_is_ranked_by_money_at_risk_and_scoped(runtime, world, monkeypatch,  # noqa: ANN001
                                                          who: str, expected: list) -> None:
    monkeypatch.setattr(table_gateway, "customer_table",
                        _with_money_at_risk(table_gateway.customer_table))
    view = service.get_overview(runtime, world.actor(who), FilterQuery())
    rows = view.call_first
    assert [code[0] for code in rows["customer_code"]] == expected
    assert rows["account_manager"].tolist() == [
        "Zhao" if c[0] in "BE" else "Wang" for c in rows["customer_code"]]


def test_backtest_card_tells_the_truth(runtime, world, monkeypatch) -> None:  # noqa: ANN001
    """The chosen model's AUC beside the other candidate's and recency's, the flags against
    recency, predicted against observed, the short-window warning, and the words on the card."""
    import dataclasses

    from dash import html

    from dashboard.i18n import use_language
    from layouts.cockpit_lists import backtest_panel

    result = dataclasses.replace(
        _result(120, 71.0, 64.0), model="supervised", auc_model=0.780, auc_bgnbd=0.757,
        auc_supervised=0.780, auc_recency=0.771, flagged_stopped_pct=85.3,
        recency_flagged_pct=85.2, predicted_share=0.577, observed_share=0.710,
        outcome_short=True, fit={"choice": {"chosen": "supervised",
                                            "reason": "supervised_better"}})
    monkeypatch.setattr(table_gateway, "get_backtest", lambda *a, **k: result)
    card = service.backtest_card(runtime, world.actor("owner"), AS_OF)
    assert (card.model, card.reason, card.auc_model, card.auc_other, card.auc_recency) == (
        "supervised", "supervised_better", 0.780, 0.757, 0.771)
    assert (card.flagged_pct, card.recency_flagged_pct) == (85.3, 85.2)
    assert card.predicted_pct == pytest.approx(57.7) and card.observed_pct == pytest.approx(71.0)
    assert card.outcome_short is True

    class View:
        backtest = card

    with use_language("en"):
        text = str(backtest_panel(View()).to_plotly_json())
    assert "Model used: learned from your history" in text
    assert "this model 0.78, the other 0.76, plain recency 0.77" in text
    assert "Churning and Lost: 85% stopped; as many by plain recency: 85%" in text
    assert "Predicted to stop: 58%; stopped: 71%" in text
    assert "The data end before the 90 days are over" in text
    assert isinstance(backtest_panel(View()), html.Section)
