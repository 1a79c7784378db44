"""Dynamic segmentation rules (SPEC.md "Dynamic segmentation rules", seed 004).

A rule reads "when <figure> <operator> <value> [for N days] then assign segment S / raise an
alert to the account manager". The figure is one column of the customer table, from a fixed
whitelist (:data:`FIGURES`); numbers compare with ``> >= < <= = !=``, statuses, tiers, moves
and customer types with ``=`` and ``!=``. An empty figure (no growth when there was no
revenue before, no risk score for a customer who never ordered) never meets a number
condition.

Rules are remembered as membership rows of source ``rule:<id>`` (see
``dashboard.analytics.memberships``): while the condition holds a customer has an open row.
A rule without "for N days" gives the row its target label at once (the segment, or
:data:`ALERT` for an alert rule). With "for N days" the row starts as :data:`PENDING` on the
first day the condition was seen to hold and becomes the target label once that day lies at
least N days back; when the condition stops holding, the open row is closed, so the count
starts again the next time. A rule of a team applies to that team's customers only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.analytics.abc import MOVES, TIERS
from dashboard.analytics.status import STATUSES

NUMBER_OPERATORS = (">", ">=", "<", "<=", "=", "!=")
CHOICE_OPERATORS = ("=", "!=")
ACTIONS = ("segment", "alert")
PENDING = "(pending)"
ALERT = "(alert)"
CUSTOMER_TYPES = ("Retail", "Trade", "Distributor")
MAX_FOR_DAYS = 3650


@dataclass(frozen=True)
class Figure:
    """A figure rules may test: its customer-table column, its English name (reasons) and,
    for figures that are one of a few values, those values."""

    key: str
    column: str
    name: str
    choices: tuple[str, ...] = ()
    scale: float = 1.0  # rule value = column * scale (churn probability in %)

    @property
    def is_choice(self) -> bool:
        return bool(self.choices)

    @property
    def operators(self) -> tuple[str, ...]:
        return CHOICE_OPERATORS if self.is_choice else NUMBER_OPERATORS


FIGURES: dict[str, Figure] = {f.key: f for f in (
    Figure("risk_score", "risk_score", "risk score"),
    Figure("risk_change_pct", "risk_change_pct", "risk change (%)"),
    Figure("days_since_last_order", "days_since_last_order", "days since last order"),
    Figure("mean_gap_days", "mean_gap_days", "usual gap in days"),
    Figure("churn_probability", "churn_probability", "churn probability (%)", scale=100.0),
    Figure("revenue", "revenue", "revenue"),
    Figure("revenue_prev", "revenue_prev", "previous revenue"),
    Figure("growth_pct", "growth_pct", "growth (%)"),
    Figure("orders", "orders", "orders"),
    Figure("avg_order_value", "avg_order_value", "average order value"),
    Figure("margin_pct", "margin_pct", "margin (%)"),
    Figure("return_rate_pct", "return_rate_pct", "return rate (%)"),
    Figure("revenue_30d", "revenue_30d", "revenue in the last 30 days"),
    Figure("revenue_growth_pct", "revenue_growth_pct", "30-day revenue growth (%)"),
    Figure("expected_value_next_90d", "expected_value_next_90d", "expected value next 90 days"),
    Figure("status", "status", "status", choices=STATUSES),
    Figure("abc_tier", "abc_tier", "tier", choices=TIERS),
    Figure("abc_tier_prev", "abc_tier_prev", "previous tier", choices=TIERS),
    Figure("tier_move", "tier_move", "tier movement", choices=MOVES),
    Figure("customer_type", "customer_type", "customer type", choices=CUSTOMER_TYPES),
)}


@dataclass(frozen=True)
class Rule:
    """One rule; an invalid rule raises ``ValueError`` naming the problem."""

    name: str
    figure: str
    operator: str
    value: float = 0.0
    value_text: str | None = None
    for_days: int = 0
    action: str = "alert"
    segment: str = ""
    team_id: int | None = None

    def __post_init__(self) -> None:
        problem = rule_problem(self)
        if problem:
            raise ValueError(f"Invalid rule: {problem}.")

    @property
    def target_label(self) -> str:
        """The label of a customer the rule has taken in (after any waiting days)."""
        return self.segment if self.action == "segment" else ALERT


def rule_problem(rule: Rule) -> str:
    """What is wrong with ``rule`` ("" when nothing)."""
    figure = FIGURES.get(rule.figure)
    if figure is None:
        return f"unknown figure {rule.figure!r}"
    if rule.operator not in figure.operators:
        return f"the operator of {figure.name} is one of {' '.join(figure.operators)}"
    if figure.is_choice and rule.value_text not in figure.choices:
        return f"{figure.name} is one of {', '.join(figure.choices)}"
    if not figure.is_choice and not np.isfinite(rule.value):
        return "the value must be a number"
    if not 0 <= int(rule.for_days) <= MAX_FOR_DAYS:
        return f"'for N days' is between 0 and {MAX_FOR_DAYS}"
    if rule.action not in ACTIONS:
        return f"the action is one of {', '.join(ACTIONS)}"
    if rule.action == "segment" and not rule.segment.strip():
        return "a segment rule needs the segment's name"
    if rule.segment.startswith("("):
        return "a segment name cannot start with '('"
    return ""


def figure_values(table: pd.DataFrame, figure: Figure) -> pd.Series:
    """The figure of every customer in the rule's unit (text for choice figures)."""
    column = table[figure.column]
    if figure.is_choice:
        return column.astype("string")
    values = column.to_numpy(dtype=np.float64, na_value=np.nan) * figure.scale
    return pd.Series(values, index=table.index)


def condition(table: pd.DataFrame, rule: Rule) -> np.ndarray:
    """True for the customers of ``table`` that meet the rule's condition now (and belong to
    the rule's team, for a team's rule)."""
    figure = FIGURES[rule.figure]
    values = figure_values(table, figure)
    if figure.is_choice:
        equal = (values == rule.value_text).to_numpy(dtype=bool, na_value=False)
        held = equal if rule.operator == "=" else ~equal
    else:
        held = _compare(values.to_numpy(), rule.operator, float(rule.value))
    if rule.team_id is not None:
        held = held & (table["team_id"] == rule.team_id).to_numpy(dtype=bool, na_value=False)
    return held


def _compare(values: np.ndarray, operator: str, threshold: float) -> np.ndarray:
    known = ~np.isnan(values)
    safe = np.where(known, values, 0.0)
    equal = np.isclose(safe, threshold, rtol=0.0, atol=1e-9)
    result = {
        ">": (safe > threshold) & ~equal, ">=": (safe > threshold) | equal,
        "<": (safe < threshold) & ~equal, "<=": (safe < threshold) | equal,
        "=": equal, "!=": ~equal,
    }[operator]
    return known & result


def short_numbers(values: object, digits: int = 2, missing: str = "–") -> np.ndarray:
    """Numbers as short text, vectorised: at most ``digits`` decimals, no trailing zeros
    ("2.3", "4", "12345.68"); empty numbers as ``missing``. An object array."""
    numbers = np.asarray(pd.Series(values).to_numpy(dtype=np.float64, na_value=np.nan))
    known = ~np.isnan(numbers)
    rounded = np.where(known & (np.abs(numbers) >= 0.5 * 10.0 ** -digits), numbers, 0.0)
    text = np.strings.mod(f"%.{digits}f", rounded)
    if digits > 0:
        text = np.strings.rstrip(np.strings.rstrip(text, "0"), ".")
    out = text.astype(object)
    out[~known] = missing
    return out


def _number_text(values: pd.Series) -> pd.Series:
    return pd.Series(short_numbers(values, missing="none"), index=values.index, dtype=object)


def condition_text(rule: Rule, values: pd.Series) -> pd.Series:
    """``"risk score 2.3 > 2"`` for every value (English; stored as the change's reason)."""
    figure = FIGURES[rule.figure]
    if figure.is_choice:
        shown = values.astype("string").fillna("none")
        threshold = str(rule.value_text)
    else:
        shown = _number_text(values)
        threshold = _number_text(pd.Series([rule.value])).iloc[0]
    return figure.name + " " + shown.astype(str) + f" {rule.operator} {threshold}"


def evaluate(table: pd.DataFrame, rules: Mapping[int, Rule], open_rows: pd.DataFrame,
             as_of: dt.date, *, reasons: bool = True) -> pd.DataFrame:
    """The membership rows the rules want as of ``as_of``: ``customer_id``, ``source``
    (``rule:<id>``), ``label``, ``value`` (the figure, for number figures) and ``reason``.

    ``open_rows`` are the open membership rows of the rules' sources (``customer_id``,
    ``source``, ``label``, ``valid_from``): they say since when a waiting rule has held."""
    parts = [_evaluate_one(table, key, rule, open_rows, as_of, reasons)
             for key, rule in rules.items()]
    columns = ["customer_id", "source", "label", "value", "reason"]
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="float64" if c == "value" else "object")
                             for c in columns}).astype({"customer_id": "int64"})
    return pd.concat(parts, ignore_index=True)[columns]


def _evaluate_one(table: pd.DataFrame, key: int, rule: Rule, open_rows: pd.DataFrame,
                  as_of: dt.date, reasons: bool) -> pd.DataFrame:
    source = f"rule:{key}"
    held = condition(table, rule)
    figure = FIGURES[rule.figure]
    values = figure_values(table, figure)[held]
    frame = pd.DataFrame({
        "customer_id": table["customer_id"].to_numpy()[held],
        "value": np.nan if figure.is_choice else values.to_numpy(dtype=np.float64),
        "reason": condition_text(rule, values).to_numpy(dtype=object) if reasons else "",
    })
    if rule.for_days <= 0:
        return frame.assign(source=source, label=rule.target_label)
    mine = open_rows.loc[open_rows["source"] == source, ["customer_id", "label", "valid_from"]]
    frame = frame.merge(mine, on="customer_id", how="left")
    since = pd.to_datetime(frame["valid_from"]).fillna(pd.Timestamp(as_of))
    waited = (pd.Timestamp(as_of) - since).dt.days
    done = (frame["label"] == rule.target_label).to_numpy(dtype=bool, na_value=False) | (
        waited >= rule.for_days).to_numpy()
    reason = frame["reason"]
    if reasons:
        since_text = since.dt.strftime("%Y-%m-%d")
        reason = np.where(
            done, frame["reason"] + f" for {rule.for_days} days or more",
            frame["reason"] + " since " + since_text + f"; waiting for {rule.for_days} days")
    return frame.assign(source=source, label=np.where(done, rule.target_label, PENDING),
                        reason=reason).drop(columns=["valid_from"])


__all__ = ["ACTIONS", "ALERT", "FIGURES", "PENDING", "Figure", "Rule", "condition",
           "condition_text", "evaluate", "figure_values", "rule_problem", "short_numbers"]
