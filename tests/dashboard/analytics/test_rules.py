"""Dynamic segmentation rules (SPEC.md "Dynamic segmentation rules"): conditions on the
whitelisted figures, "for N days" from the open membership rows, team rules."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dashboard.analytics.reasons import decode, literal
from dashboard.analytics.rules import (
    ALERT,
    FIGURES,
    PENDING,
    Rule,
    alert_rows,
    condition,
    condition_texts,
    evaluate,
)

AS_OF = dt.date(2026, 11, 22)


def table(**columns: list) -> pd.DataFrame:
    n = len(next(iter(columns.values())))
    base = {"customer_id": list(range(1, n + 1)), "team_id": pd.array([1] * n, dtype="Int64")}
    base.update(columns)
    return pd.DataFrame(base)


def no_open_rows() -> pd.DataFrame:
    return pd.DataFrame({"customer_id": pd.Series(dtype="int64"), "source": [], "label": [],
                         "valid_from": pd.Series(dtype="datetime64[ns]")})


@pytest.mark.parametrize(("operator", "expected"), [
    (">", [False, False, True, False]), (">=", [False, True, True, False]),
    ("<", [True, False, False, False]), ("<=", [True, True, False, False]),
    ("=", [False, True, False, False]), ("!=", [True, False, True, False]),
])
def test_number_operators_and_empty_figures(operator: str, expected: list[bool]) -> None:
    frame = table(risk_score=[1.0, 2.0, 2.3, np.nan])
    rule = Rule("r", "risk_score", operator, value=2.0)
    assert condition(frame, rule).tolist() == expected


def test_churn_probability_is_compared_in_percent() -> None:
    frame = table(churn_probability=[0.79, 0.8, 0.81])
    assert condition(frame, Rule("r", "churn_probability", ">", value=80)).tolist() == [
        False, False, True]


def test_choice_figures_compare_text_and_missing_is_not_equal() -> None:
    frame = table(status=pd.Categorical(["active", "churning", "lost"]),
                  abc_tier_prev=pd.Categorical(["A", None, "B"]))
    assert condition(frame, Rule("r", "status", "=", value_text="churning")).tolist() == [
        False, True, False]
    assert condition(frame, Rule("r", "abc_tier_prev", "!=", value_text="A")).tolist() == [
        False, True, True]


def test_a_team_rule_applies_to_its_team_only() -> None:
    frame = table(orders=[5, 5, 5]).assign(team_id=pd.array([1, 2, None], dtype="Int64"))
    rule = Rule("r", "orders", ">=", value=5, team_id=2)
    assert condition(frame, rule).tolist() == [False, True, False]


@pytest.mark.parametrize("bad", [
    {"figure": "password_hash"}, {"operator": "LIKE"}, {"figure": "status", "operator": ">"},
    {"figure": "status", "value_text": "sleeping"}, {"value": float("nan")},
    {"for_days": -1}, {"for_days": 5000}, {"action": "delete"},
    {"action": "segment", "segment": " "}, {"segment": "(pending)"},
])
def test_invalid_rules_are_refused(bad: dict) -> None:
    fields = {"name": "r", "figure": "risk_score", "operator": ">", "value": 2.0,
              "action": "alert", **bad}
    if fields.get("figure") == "status" and "value_text" not in fields:
        fields["value_text"] = "active"
    with pytest.raises(ValueError, match="Invalid rule"):
        Rule(**fields)


def met(value: object, threshold: object, figure: str = "risk_score",
        operator: str = ">", **more: object) -> dict:
    return {"figure": figure, "value": value, "operator": operator, "threshold": threshold,
            **more}


def test_condition_texts_store_the_rule_and_the_figure() -> None:
    rule = Rule("r", "risk_score", ">", value=2)
    assert [decode(t) for t in condition_texts(rule, pd.Series([2.3, 4.0, 2.456, np.nan]))] \
        == [("rule.met", met(2.3, 2)), ("rule.met", met(4, 2)), ("rule.met", met(2.456, 2)),
            ("rule.met", met(None, 2))]
    choice = Rule("r", "status", "=", value_text="lost")
    assert [decode(t) for t in condition_texts(choice, pd.Series(["lost", None]))] == [
        ("rule.met", met("lost", "lost", "status", "=")),
        ("rule.met", met(None, "lost", "status", "="))]
    named = condition_texts(rule, pd.Series([3.0]), "alert.met_for",
                            {"rule": literal('"Slip": 2'), "for_days": "30"})
    assert decode(named[0]) == ("alert.met_for", {"rule": '"Slip": 2', "for_days": 30,
                                                  **met(3, 2)})


def test_alert_rows_word_the_rule_with_the_figure_now() -> None:
    frame = table(risk_score=[1.0, 2.5, 5.0]).assign(rep_id=pd.array([7, None, 9],
                                                                     dtype="Int64"))
    rules = {4: Rule("Gone", "risk_score", ">", value=2, action="alert"),
             6: Rule("Slow", "risk_score", ">", value=1, for_days=10, action="alert")}
    opened = pd.DataFrame({"customer_id": [2, 3, 3, 1], "source": ["rule:4", "rule:4",
                                                                   "rule:6", "status"],
                           "label": [ALERT, ALERT, PENDING, ALERT]})
    when = pd.Timestamp("2026-11-22 08:00")
    out = alert_rows(opened, frame, rules, when)
    assert out[["customer_id", "rule_id", "value"]].values.tolist() == [[2, 4, 2.5],
                                                                         [3, 4, 5.0]]
    assert np.isnan(out["rep_id"].iloc[0]) and out["rep_id"].iloc[1] == 9
    assert [decode(m) for m in out["message"]] == [
        ("alert.met", {"rule": "Gone", **met(2.5, 2)}),
        ("alert.met", {"rule": "Gone", **met(5, 2)})]
    assert (out["created_at"] == when).all()
    assert alert_rows(opened.iloc[2:], frame, rules, when).empty


def test_rule_without_days_takes_customers_in_at_once() -> None:
    frame = table(risk_score=[1.0, 2.5, 5.0])
    rules = {7: Rule("Slipping", "risk_score", ">", value=2, action="segment",
                     segment="Call now"), 8: Rule("Gone", "risk_score", ">", value=4,
                                                  action="alert")}
    out = evaluate(frame, rules, no_open_rows(), AS_OF)
    assert out[["customer_id", "source", "label"]].values.tolist() == [
        [2, "rule:7", "Call now"], [3, "rule:7", "Call now"], [3, "rule:8", ALERT]]
    assert [decode(r) for r in out["reason"]] == [
        ("rule.met", met(2.5, 2)), ("rule.met", met(5, 2)), ("rule.met", met(5, 4))]
    assert out["value"].tolist() == [2.5, 5.0, 5.0]


def test_for_n_days_waits_from_the_first_day_the_condition_held() -> None:
    frame = table(risk_score=[3.0, 3.0, 3.0, 3.0, 1.0])
    rule = {5: Rule("Slipping 30 d", "risk_score", ">", value=2, for_days=30,
                    action="segment", segment="Slipping")}
    open_rows = pd.DataFrame({
        "customer_id": [1, 2, 3, 5],
        "source": ["rule:5"] * 4,
        "label": [PENDING, PENDING, "Slipping", PENDING],
        "valid_from": pd.to_datetime(["2026-10-23", "2026-10-24", "2026-01-01",
                                      "2026-01-01"]),
    })
    out = evaluate(frame, rule, open_rows, AS_OF).set_index("customer_id")
    # 1: held since 30 days -> in; 2: 29 days -> still waiting; 3: already in; 4: starts
    # waiting today; 5: no longer holds -> no row (its open row will be closed)
    assert out["label"].to_dict() == {1: "Slipping", 2: PENDING, 3: "Slipping", 4: PENDING}
    assert decode(out.loc[2, "reason"]) == ("rule.waiting", met(3, 2, since="2026-10-24",
                                                               for_days=30))
    assert decode(out.loc[4, "reason"]) == ("rule.waiting", met(3, 2, since="2026-11-22",
                                                               for_days=30))
    assert decode(out.loc[1, "reason"]) == ("rule.met_for", met(3, 2, for_days=30))
    assert decode(out.loc[3, "reason"]) == ("rule.met_for", met(3, 2, for_days=30))


def test_no_rules_give_an_empty_frame() -> None:
    out = evaluate(table(risk_score=[1.0]), {}, no_open_rows(), AS_OF)
    assert out.empty and list(out.columns) == ["customer_id", "source", "label", "value",
                                               "reason"]


@given(st.lists(st.floats(-1e6, 1e6) | st.just(float("nan")), min_size=1, max_size=30),
       st.floats(-1e6, 1e6))
def test_an_operator_and_its_opposite_split_the_known_values(values: list[float],
                                                             threshold: float) -> None:
    frame = table(revenue=values)
    known = ~np.isnan(np.array(values))
    for one, other in ((">", "<="), ("<", ">="), ("=", "!=")):
        a = condition(frame, Rule("r", "revenue", one, value=threshold))
        b = condition(frame, Rule("r", "revenue", other, value=threshold))
        assert ((a ^ b) == known).all() and not (a & b).any()


def test_every_figure_names_a_customer_table_column() -> None:
    from dashboard.analytics.table import CHURN_COLUMNS, TABLE_COLUMNS

    columns = set(TABLE_COLUMNS) | set(CHURN_COLUMNS)
    assert {f.column for f in FIGURES.values()} <= columns
