"""Customer status (SPEC.md "Customer status"): each threshold exactly at 2 / 4 / 365."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dashboard.analytics.settings import FigureSettings
from dashboard.analytics.status import (
    STATUSES,
    customer_status,
    is_new,
    status_codes,
    status_counts,
)
from dashboard.analytics.table import customer_table

from .builders import AS_OF, DEFAULTS, ago, customers_frame, days_frame, row_of, sale


@pytest.mark.parametrize(
    ("first", "last", "risk", "status"),
    [
        (30, 20, 2.0, "active"),  # gap 10, 20 days since: exactly 2 is still active
        (31, 21, 2.1, "churning"),
        (50, 40, 4.0, "churning"),  # exactly 4 is still churning
        (51, 41, 4.1, "lost"),
        (565, 365, 365 / 200, "active"),  # exactly 365 days since the last order
        (566, 366, 366 / 200, "lost"),  # one day more: lost whatever the risk
        (0, 0, 0.0, "active"),
    ],
)
def test_thresholds_through_the_table(first: int, last: int, risk: float, status: str) -> None:
    days = days_frame(sale(1, ago(first), 10.0), sale(1, ago(last), 10.0)) if first else (
        days_frame(sale(1, ago(2), 10.0), sale(1, ago(1), 10.0), sale(1, ago(0), 10.0)))
    r = row_of(customer_table(days, customers_frame((1, "C1")), AS_OF, "30d", DEFAULTS), "C1")
    assert r.risk_score == pytest.approx(risk)
    assert r.status == status


def test_status_codes_on_arrays() -> None:
    risk = np.array([0.0, 2.0, 2.000001, 4.0, 4.000001, 1.0, np.nan, np.nan, np.nan])
    since = np.array([0, 20, 20, 40, 40, 366, 100, 366, np.nan])
    names = np.array(STATUSES)[status_codes(risk, since, DEFAULTS)]
    assert list(names) == ["active", "active", "churning", "churning", "lost", "lost",
                           "active", "lost", "never"]


def test_thresholds_are_settings() -> None:
    rules = FigureSettings(risk_churning=1.0, risk_lost=3.0, lost_days=90)
    risk = pd.Series([1.0, 1.5, 3.0, 3.5, 0.5])
    since = pd.Series([10, 10, 10, 10, 91])
    out = customer_status(risk, since, rules)
    assert list(out) == ["active", "churning", "churning", "lost", "lost"]
    assert list(out.cat.categories) == list(STATUSES)


def test_new_customers_are_also_counted_in_their_risk_status() -> None:
    customers = customers_frame((1, "NEW"), (2, "EDGE"), (3, "OLD"), (4, "NEVER"))
    days = days_frame(
        sale(1, "2026-11-20", 10.0),
        sale(2, "2026-10-24", 10.0),  # first day of the period: new
        sale(3, "2026-10-23", 10.0), sale(3, "2026-11-01", 10.0),  # first order before
    )
    t = customer_table(days, customers, AS_OF, "30d", DEFAULTS)
    assert list(t.loc[t["is_new"], "customer_code"]) == ["EDGE", "NEW"]
    # OLD: gap 9, 21 days since -> 2.33; the one-purchase customers borrow the gap 9
    assert row_of(t, "OLD").status == "churning"
    assert row_of(t, "NEW").status == "active"  # 2 / 9
    assert row_of(t, "EDGE").status == "churning"  # 29 / 9: new and already churning
    assert row_of(t, "NEVER").status == "never" and not row_of(t, "NEVER").is_new
    counts = status_counts(t["status"], t["is_new"])
    assert counts.to_dict() == {"active": 1, "churning": 2, "lost": 0, "never": 1, "new": 2}


def test_is_new_bounds() -> None:
    first = pd.Series(pd.to_datetime(["2026-10-23", "2026-10-24", "2026-11-22", None]))
    assert list(is_new(first, "2026-10-24", "2026-11-22")) == [False, True, True, False]


def test_previous_status_is_as_of_the_previous_periods_last_day() -> None:
    days = days_frame(sale(1, "2026-09-01", 1.0), sale(1, "2026-09-11", 1.0),
                      sale(1, "2026-11-20", 1.0))
    r = row_of(customer_table(days, customers_frame((1, "C1")), AS_OF, "30d", DEFAULTS), "C1")
    # as of 2026-10-23: gap 10, 42 days since -> lost; as of 2026-11-22 back to active
    assert (r.status_prev, r.status) == ("lost", "active")


# --- status from the churn probability (the default rule) ----------------------------------

from hypothesis import given  # noqa: E402
from hypothesis import settings as hyp_settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@pytest.mark.parametrize(("p", "since", "risk", "status"), [
    (0.49, 10, 9.0, "active"),  # a high risk score does not matter under the churn rule
    (0.50, 10, 0.1, "churning"),  # exactly CHURNING_P is churning
    (0.8499, 10, 0.1, "churning"),
    (0.85, 10, 0.1, "lost"),  # exactly LOST_P is lost
    (0.10, 366, 0.1, "lost"),  # more than LOST_DAYS: lost whatever the probability
    (0.10, 365, 0.1, "active"),
    (np.nan, 10, 2.5, "churning"),  # no probability (no model fits): the risk-score rule
    (np.nan, 10, 1.0, "active"),
])
def test_status_from_churn_probability(p: float, since: int, risk: float, status: str) -> None:
    code = status_codes(np.array([risk]), np.array([since], dtype=float), DEFAULTS,
                        np.array([p]))[0]
    assert STATUSES[code] == status
    # The seed's rule stays a setting: then only the risk score counts.
    risky = status_codes(np.array([risk]), np.array([since], dtype=float),
                         FigureSettings(status_rule="risk"), np.array([p]))[0]
    expected = "lost" if since > 365 or risk > 4 else "churning" if risk > 2 else "active"
    assert STATUSES[risky] == expected


@hyp_settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.integers(0, 2000), st.floats(0, 50)),
                min_size=1, max_size=30),
       st.floats(0.01, 0.98), st.floats(0.0, 1.0))
def test_status_never_contradicts_the_churn_probability(
        rows: list[tuple[float, int, float]], churning_p: float, gap: float) -> None:
    """Whatever the probabilities and thresholds: Active only below CHURNING_P, Churning only
    from CHURNING_P to below LOST_P, Lost only from LOST_P or after LOST_DAYS; a customer more
    likely to stop than another is never in a milder status (same days since the last
    order, within the year)."""
    lost_p = churning_p + (1 - churning_p) * max(gap, 0.01)
    rules = FigureSettings(churning_p=churning_p, lost_p=min(lost_p, 1.0))
    p = np.array([r[0] for r in rows])
    since = np.array([r[1] for r in rows], dtype=float)
    risk = np.array([r[2] for r in rows])
    status = np.array(STATUSES)[status_codes(risk, since, rules, p)]
    within_year = since <= rules.lost_days
    assert (p[status == "active"] < rules.churning_p).all()
    assert ((p[status == "churning"] >= rules.churning_p)
            & (p[status == "churning"] < rules.lost_p)).all()
    assert ((p[status == "lost"] >= rules.lost_p) | ~within_year[status == "lost"]).all()
    severity = np.select([status == "active", status == "churning"], [0, 1], 2)
    inside = np.flatnonzero(within_year)
    for i in inside:
        for j in inside:
            if p[i] > p[j]:
                assert severity[i] >= severity[j]


def test_one_time_buyers_are_flagged_counted_and_kept_in_their_status() -> None:
    """C1 bought once (one purchase occasion, two orders that day), C2 twice, C3 never."""
    from dashboard.analytics.overview import status_summary
    from dashboard.analytics.selection import Selector, select

    days = days_frame(sale(1, ago(10), 10.0, orders=2), sale(2, ago(40), 10.0),
                      sale(2, ago(5), 10.0))
    table = customer_table(days, customers_frame((1, "C1"), (2, "C2"), (3, "C3")), AS_OF,
                           "30d", DEFAULTS)
    assert bool(row_of(table, "C1").one_time_buyer) is True
    assert bool(row_of(table, "C2").one_time_buyer) is False
    assert pd.isna(row_of(table, "C3").one_time_buyer)
    assert row_of(table, "C1").status == "active"  # still given a status
    assert status_summary(table).loc["once", "customers"] == 1
    assert select(table, Selector(once=True))["customer_code"].tolist() == ["C1"]
    assert status_counts(table["status"], one_time=table["one_time_buyer"])["one_time"] == 1
