"""Where customers stand across the classifications in force, and the ledger step that
records only the changes and explains only the rows it opened."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from dashboard.analytics.classification import Band, Scheme
from dashboard.analytics.memberships import Ledger
from dashboard.analytics.reasons import decode
from dashboard.analytics.rules import Rule
from dashboard.analytics.settings import FigureSettings
from dashboard.analytics.standing import Classifications, standing, step

AS_OF = dt.date(2026, 11, 22)
SCHEME = Scheme(kind="risk_score", timeframe_days=365,
                bands=(Band("Loyal", 1.0), Band("At risk", 9999.0)))


def table() -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": [1, 2],
        "team_id": [1, 2],
        "status": ["active", "churning"],
        "risk_score": [0.5, 2.5],
        "days_since_last_order": pd.array([5, 40], dtype="Int64"),
        "abc_tier": ["A", "B"],
        "revenue": [300.0, 100.0],
    })


def assignment() -> pd.DataFrame:
    return pd.DataFrame({"scheme": [7, 7], "customer_id": [1, 2], "band": [0.0, 1.0],
                         "label": ["Loyal", "At risk"], "value": [0.5, 2.5]})


def config(**change) -> Classifications:  # noqa: ANN003
    values = {"schemes": {7: SCHEME}, "scheme_teams": {7: 2}, "rules": {},
              "period": "30d", "figure_rules": FigureSettings(), **change}
    return Classifications(**values)


def no_rows() -> pd.DataFrame:
    return pd.DataFrame({"id": pd.Series(dtype="int64"),
                         "customer_id": pd.Series(dtype="int64"),
                         "source": pd.Series(dtype=object), "label": pd.Series(dtype=object),
                         "valid_from": pd.Series(dtype="datetime64[ns]")})


def test_sources_name_every_classification() -> None:
    rules = {3: Rule(name="Slipping", figure="risk_score", operator=">", value=2.0)}
    assert config(rules=rules).sources() == {"status", "abc", "scheme:7", "rule:3"}


def test_standing_of_every_source_and_of_some() -> None:
    rows = standing(table(), assignment(), config(), Ledger(no_rows()), AS_OF)
    got = sorted(zip(rows["customer_id"], rows["source"], rows["label"], strict=True))
    # the scheme belongs to team 2: only customer 2 is placed in it
    assert got == [(1, "abc", "A"), (1, "status", "active"), (2, "abc", "B"),
                   (2, "scheme:7", "At risk"), (2, "status", "churning")]
    only = standing(table(), assignment(), config(), Ledger(no_rows()), AS_OF, {"scheme:7"})
    assert only["source"].tolist() == ["scheme:7"]
    assert [decode(r) for r in only["reason"]] == [
        ("scheme.band", {"band": "At risk", "figure": "risk_score", "value": 2.5})]
    bare = standing(table(), assignment(), config(), Ledger(no_rows()), AS_OF, {"status"},
                    reasons=False)
    assert bare["label"].tolist() == ["active", "churning"]


def test_step_records_changes_and_explains_only_the_opened_rows() -> None:
    asked: list[list[tuple[int, str]]] = []

    def explain(opened, table, assignment, config, ledger, as_of):  # noqa: ANN001, ANN202
        asked.append(sorted(zip(opened["customer_id"], opened["source"], strict=True)))
        return standing(table, assignment, config, ledger, as_of, set(opened["source"]))

    stored = no_rows()
    stored.loc[0] = [11, 1, "status", "active", pd.Timestamp("2026-11-01")]
    stored.loc[1] = [12, 2, "status", "active", pd.Timestamp("2026-11-01")]
    stored = stored.astype({"id": "int64", "customer_id": "int64"})
    ledger = Ledger(stored)
    step(ledger, table(), assignment(), config(), AS_OF, {"status"}, explain=explain)
    # customer 1 stays active; customer 2 moves active -> churning: one close, one open
    assert asked == [[(2, "status")]]
    assert {d: ids.tolist() for d, ids in ledger.closed.items()} == {AS_OF: [12]}
    rows = ledger.inserts
    assert rows[["customer_id", "source", "label", "value"]].values.tolist() == [
        [2, "status", "churning", 2.5]]
    assert [decode(r) for r in rows["reason"]] == [("status.risk_above",
                                                    {"risk": 2.5, "limit": 2.0})]
    step(ledger, table(), assignment(), config(), AS_OF, {"status"}, explain=explain)
    assert len(asked) == 1  # nothing changed the second time: nothing to explain
