"""Membership history: where customers stand (status, tier, scheme bands) with reasons, and the
ledger that turns a sequence of dates into exactly the rows to close and to open."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.analytics.classification import Band, Scheme
from dashboard.analytics.memberships import (
    Ledger,
    changes,
    empty_rows,
    period_args,
    scheme_rows,
    status_rows,
    tier_rows,
)
from dashboard.analytics.reasons import decode
from dashboard.analytics.settings import FigureSettings

D1, D2, D3 = dt.date(2026, 9, 30), dt.date(2026, 10, 31), dt.date(2026, 11, 22)


def open_rows(*rows: tuple) -> pd.DataFrame:
    """(id, customer_id, source, label, valid_from)."""
    return pd.DataFrame(list(rows), columns=["id", "customer_id", "source", "label",
                                             "valid_from"]).astype(
        {"id": "int64", "customer_id": "int64", "valid_from": "datetime64[ns]"})


def wanted(*rows: tuple) -> pd.DataFrame:
    """(customer_id, source, label[, value])."""
    frame = empty_rows()
    if rows:
        frame = pd.DataFrame([(r[0], r[1], r[2], r[3] if len(r) > 3 else np.nan,
                               f"why {r[2]}") for r in rows],
                             columns=["customer_id", "source", "label", "value", "reason"])
    return frame


def decoded(reasons: pd.Series) -> list[tuple]:
    return [decode(r) for r in reasons]


def test_status_reasons_name_the_deciding_figure() -> None:
    table = pd.DataFrame({
        "customer_id": [1, 2, 3, 4, 5, 6],
        "status": ["active", "churning", "lost", "lost", "never", "active"],
        "risk_score": [0.8, 2.3, 4.5, 1.0, np.nan, np.nan],
        "days_since_last_order": pd.array([5, 40, 90, 400, None, 20], dtype="Int64"),
    })
    out = status_rows(table, FigureSettings())
    assert decoded(out["reason"]) == [
        ("status.risk_at_most", {"risk": 0.8, "limit": 2}),
        ("status.risk_above", {"risk": 2.3, "limit": 2}),
        ("status.risk_above", {"risk": 4.5, "limit": 4}),
        ("status.no_order_for", {"days": 400, "limit": 365}),
        ("status.no_order", {}),
        ("status.no_gap", {"days": 365})]
    assert out["label"].tolist() == ["active", "churning", "lost", "lost", "never", "active"]
    assert (out["source"] == "status").all()


def test_tier_reasons_give_the_period_revenue() -> None:
    table = pd.DataFrame({"customer_id": [1, 2], "abc_tier": ["B", "D"],
                          "revenue": [12345.678, 0.0]})
    out = tier_rows(table, period_args(dt.date(2026, 10, 24), D3))
    assert decoded(out["reason"]) == [
        ("tier.revenue", {"revenue": 12345.68, "days": 30, "end": "2026-11-22"}),
        ("tier.no_revenue", {"days": 30, "end": "2026-11-22"})]
    assert out["label"].tolist() == ["B", "D"]


def test_scheme_rows_keep_placed_customers_and_team_schemes_their_team() -> None:
    schemes = {1: Scheme("risk_score", (Band("Loyal", 1), Band("Going to sleep", 4))),
               2: Scheme("revenue_rank", (Band("Big", 20), Band("Mid", 60)))}
    assignment = pd.DataFrame({
        "scheme": [1, 1, 1, 2, 2],
        "customer_id": [1, 2, 3, 1, 2],
        "band": pd.array([0, 1, None, 0, 1], dtype="Int64"),
        "label": ["Loyal", "Going to sleep", None, "Big", "Mid"],
        "value": [0.5, 2.3, 9.0, 0.0, 33.3333],
    })
    teams = pd.DataFrame({"customer_id": [1, 2, 3], "team_id": pd.array([1, 2, 1],
                                                                       dtype="Int64")})
    out = scheme_rows(assignment, schemes, {1: None, 2: 2}, teams)
    assert out[["customer_id", "source", "label"]].values.tolist() == [
        [1, "scheme:1", "Loyal"], [2, "scheme:1", "Going to sleep"], [2, "scheme:2", "Mid"]]
    assert decoded(out["reason"]) == [
        ("scheme.band", {"band": "Loyal", "figure": "risk_score", "value": 0.5}),
        ("scheme.band", {"band": "Going to sleep", "figure": "risk_score", "value": 2.3}),
        ("scheme.band_top", {"band": "Mid", "figure": "revenue_rank", "top": 60,
                             "value": 33.3333})]


def test_changes_close_and_open_only_the_differences() -> None:
    current = open_rows((10, 1, "status", "active", "2026-01-01"),
                        (11, 2, "status", "active", "2026-01-01"),
                        (12, 3, "scheme:1", "Loyal", "2026-01-01"),
                        (13, 4, "rule:9", "Gone", "2026-01-01"))
    now = wanted((1, "status", "active"), (2, "status", "churning"), (5, "status", "never"))
    found = changes(current, now)
    assert found.close_ids.tolist() == [11, 12, 13]  # changed, left the scheme, rule deleted
    assert found.opened[["customer_id", "label"]].values.tolist() == [[2, "churning"],
                                                                      [5, "never"]]
    assert found.counts() == {"status": 2, "closed": 3}
    assert changes(current, now, sources={"status"}).close_ids.tolist() == [11]


def test_ledger_replays_dates_into_intervals() -> None:
    ledger = Ledger(open_rows((7, 1, "status", "active", "2026-01-01")))
    ledger.apply(wanted((1, "status", "churning"), (2, "status", "active")), D1)
    ledger.apply(wanted((1, "status", "churning"), (2, "status", "lost")), D2)
    ledger.apply(wanted((1, "status", "active")), D3)
    assert {d: ids.tolist() for d, ids in ledger.closed.items()} == {D1: [7]}
    rows = ledger.inserts
    got = [(r.customer_id, r.label, r.valid_from.date(),
            None if pd.isna(r.valid_to) else r.valid_to.date()) for r in rows.itertuples()]
    assert got == [(1, "churning", D1, D3), (2, "active", D1, D2), (2, "lost", D2, D3),
                   (1, "active", D3, None)]
    assert ledger.opened_counts == {"status": 4} and ledger.closed_count == 4
    assert ledger.open_rows()["label"].tolist() == ["active"]


def test_ledger_applying_the_same_state_twice_changes_nothing() -> None:
    state = wanted((1, "status", "active"), (1, "abc", "B"))
    ledger = Ledger(open_rows((1, 1, "status", "active", "2026-01-01"),
                              (2, 1, "abc", "B", "2026-01-01")))
    assert ledger.apply(state, D3).is_empty
    assert not ledger.changed and ledger.inserts.empty


labels = st.sampled_from(["active", "churning", "lost", None])


@settings(deadline=None, max_examples=60)
@given(st.lists(st.lists(labels, min_size=3, max_size=3), min_size=1, max_size=6))
def test_replayed_intervals_say_where_each_customer_stood_on_each_date(
        history: list[list[str | None]]) -> None:
    dates = [dt.date(2026, 1, 1) + dt.timedelta(days=30 * i) for i in range(len(history))]
    ledger = Ledger(open_rows())
    for day, labels_now in zip(dates, history, strict=True):
        ledger.apply(wanted(*[(c, "status", label) for c, label in enumerate(labels_now)
                              if label is not None]), day)
    rows = ledger.inserts
    for day, labels_now in zip(dates, history, strict=True):
        stamp = pd.Timestamp(day)
        inside = rows.loc[(rows["valid_from"] <= stamp)
                          & (rows["valid_to"].isna() | (rows["valid_to"] > stamp))]
        assert dict(zip(inside["customer_id"], inside["label"], strict=True)) == {
            c: label for c, label in enumerate(labels_now) if label is not None}
    # consecutive equal labels never make two rows
    for _customer, part in rows.groupby("customer_id"):
        part = part.sort_values("valid_from")
        touching = part["valid_from"].iloc[1:].to_numpy() == part["valid_to"].iloc[:-1].to_numpy()
        same = part["label"].iloc[1:].to_numpy() == part["label"].iloc[:-1].to_numpy()
        assert not (touching & same).any()
