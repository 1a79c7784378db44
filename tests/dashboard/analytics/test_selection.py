"""Which customers a cockpit link means: each selector by hand, and the cockpit's counts equal
the rows the list behind them keeps, for any input."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given

from dashboard.analytics.abc import MOVES, TIERS
from dashboard.analytics.overview import cockpit_overview
from dashboard.analytics.periods import period_bounds
from dashboard.analytics.selection import (
    MOVERS,
    NO_TIER,
    Selector,
    count,
    entry_counts,
    move_counts,
    mover_counts,
    select,
    selection_mask,
)
from dashboard.analytics.settings import FigureSettings
from dashboard.analytics.status import STATUSES
from dashboard.analytics.table import customer_table

from .builders import AS_OF, ago, customers_frame, days_frame, sale
from .test_properties import FAST, inputs


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    """A: 5000 now, 1000 before (C → A, revenue surge); D: 2000 now, 3000 before (B → B);
    E: 8000 before, nothing now (A → D, revenue and orders drop, churning); F: first order
    7 days ago (new, C); B: bought in May and June (D → D, lost); C: never traded."""
    customers = customers_frame((1, "A"), (2, "B"), (3, "C"), (4, "D"), (5, "E"), (6, "F"))
    days = days_frame(
        sale(1, ago(2), 5000), sale(1, ago(52), 1000), sale(1, ago(82), 1000),
        sale(2, ago(174), 80), sale(2, ago(205), 90),
        sale(4, ago(12), 2000), sale(4, ago(43), 3000),
        sale(5, ago(48), 4000), sale(5, ago(38), 4000),
        sale(6, ago(7), 500),
    )
    return customer_table(days, customers, AS_OF, "30d", FigureSettings())


def codes(frame: pd.DataFrame) -> list[str]:
    return sorted(frame["customer_code"])


@pytest.mark.parametrize(("selector", "expected"), [
    (Selector(), ["A", "B", "C", "D", "E", "F"]),
    (Selector(status="active"), ["A", "D", "F"]),
    (Selector(status="churning"), ["E"]),
    (Selector(status="lost"), ["B"]),
    (Selector(status="never"), ["C"]),
    (Selector(new=True), ["F"]),
    (Selector(tier="A"), ["A"]),
    (Selector(tier="B"), ["D"]),
    (Selector(tier="C"), ["F"]),
    (Selector(tier="D"), ["B", "C", "E"]),
    (Selector(tier_prev="A"), ["E"]),
    (Selector(tier_prev=NO_TIER), ["C", "F"]),
    (Selector(tier_prev="C", tier="A"), ["A"]),
    (Selector(tier_prev="A", tier="D"), ["E"]),
    (Selector(tier_prev=NO_TIER, tier="D"), ["C"]),
    (Selector(tier_prev="D", tier="A"), []),
    (Selector(move="up"), ["A"]),
    (Selector(move="down"), ["E"]),
    (Selector(move="same"), ["B", "D"]),
    (Selector(move="new"), ["F"]),
    (Selector(mover="revenue_surge"), ["A"]),
    (Selector(mover="revenue_drop"), ["E"]),
    (Selector(mover="orders_drop"), ["E"]),
    (Selector(mover="orders_surge"), []),
    (Selector(status="active", tier="A"), ["A"]),
    (Selector(status="lost", new=True), []),
])
def test_each_selector_by_hand(table: pd.DataFrame, selector: Selector,
                               expected: list[str]) -> None:
    assert codes(select(table, selector)) == expected
    assert count(table, selector) == len(expected)


def test_counts_below_the_matrix(table: pd.DataFrame) -> None:
    assert move_counts(table).to_dict() == {"up": 1, "down": 1, "same": 2, "new": 1}
    assert entry_counts(table).to_dict() == {"A": 0, "B": 0, "C": 1, "D": 1}
    assert mover_counts(table) == {"revenue_surge": 1, "revenue_drop": 1, "orders_surge": 0,
                                   "orders_drop": 1}
    empty = table.iloc[:0]
    assert move_counts(empty).sum() == 0 and entry_counts(empty).sum() == 0


def test_empty_selector_keeps_the_very_table(table: pd.DataFrame) -> None:
    assert Selector().is_empty and not Selector(new=True).is_empty
    assert select(table, Selector()) is table
    assert selection_mask(table.iloc[:0], Selector(status="lost")).size == 0


@pytest.mark.parametrize("bad", [{"status": "sleeping"}, {"tier": "E"}, {"tier_prev": "x"},
                                 {"move": "sideways"}, {"mover": "revenue_boom"}])
def test_unknown_values_are_refused(bad: dict) -> None:
    with pytest.raises(ValueError):
        Selector(**bad)


@FAST
@given(inputs())
def test_cockpit_counts_equal_the_rows_behind_their_links(data: tuple) -> None:
    days, customers = data
    t = customer_table(days, customers, AS_OF, "30d", FigureSettings())
    view = cockpit_overview(t, None, period_bounds(AS_OF, "30d"))
    for status in STATUSES:
        assert view.statuses.loc[status, "customers"] == count(t, Selector(status=status))
        assert view.kpis.loc[status, "current"] == count(t, Selector(status=status))
    assert view.statuses.loc["new", "customers"] == count(t, Selector(new=True))
    for tier in TIERS:
        assert view.tiers.loc[tier, "customers"] == count(t, Selector(tier=tier))
        for before in TIERS:
            assert view.tier_matrix.loc[before, tier] == count(
                t, Selector(tier_prev=before, tier=tier))
    # every customer is in exactly one cell of the matrix or its "no tier before" row
    assert view.tier_matrix.to_numpy().sum() + entry_counts(t).sum() == len(t)
    assert move_counts(t).sum() == int(t["tier_move"].notna().sum())
    assert set(move_counts(t).index) == set(MOVES)
    for move in MOVES:
        assert move_counts(t)[move] == count(t, Selector(move=move))
    for tier in TIERS:
        assert entry_counts(t)[tier] == count(t, Selector(tier_prev=NO_TIER, tier=tier))
    for mover, found in mover_counts(t).items():
        assert found == count(t, Selector(mover=mover))
    for metric, kind in view.movers:
        shown = view.movers[(metric, kind)]["customer_id"]
        assert np.isin(shown, select(t, Selector(mover=f"{metric}_{kind}"))["customer_id"]).all()
        assert f"{metric}_{kind}" in MOVERS
