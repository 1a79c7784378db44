"""Dynamic segmentation rules (SPEC.md "Dynamic segmentation rules", seed 004).

A rule reads "when <figure> <operator> <value> [and <figure> <operator> <value> ...] [for N
days] then <actions>". The actions (:data:`ACTIONS`) are: assign segment S, raise an alert
(to the account manager, else the team's manager or an owner), set the segment's
contact plan (channel and frequency, stored with the plans) and open a follow-up (a call,
visit or e-mail due N days after the firing) for the customer's account manager
(:func:`followup_rows`). Each figure is one column of the customer table, from a fixed
whitelist (:data:`FIGURES`), including the customer against its own past
(``dashboard.analytics.own_past``), so that "down 40 % against its own past and by at least
2,000" is two conditions; numbers compare with ``> >= < <= = !=``, statuses, tiers, moves
and customer types with ``=`` and ``!=``. An empty figure (no growth when there was no
revenue before, no risk score for a customer who never ordered) never meets a number
condition. The conditions are joined by AND.

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

from dashboard.analytics import reasons as texts
from dashboard.analytics.abc import MOVES, TIERS
from dashboard.analytics.kinds import CUSTOMER_TYPES
from dashboard.analytics.status import STATUSES

NUMBER_OPERATORS = (">", ">=", "<", "<=", "=", "!=")
CHOICE_OPERATORS = ("=", "!=")
ACTIONS = ("segment", "alert", "contact", "followup")
FOLLOWUP_KINDS = ("call", "visit", "email")
MAX_FOLLOWUP_DAYS = 366
SUBJECTS = ("customer", "account_manager")
MAX_CONDITIONS = 5
PENDING = "(pending)"
ALERT = "(alert)"
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
    Figure("revenue_vs_own90_pct", "revenue_vs_own90_pct",
           "last 30 days against own average 30 days of the 90 before (%)"),
    Figure("revenue_vs_own90", "revenue_vs_own90",
           "last 30 days minus own average 30 days of the 90 before"),
    Figure("revenue_vs_own365_pct", "revenue_vs_own365_pct",
           "last 30 days against own average 30 days of the 365 before (%)"),
    Figure("revenue_vs_own365", "revenue_vs_own365",
           "last 30 days minus own average 30 days of the 365 before"),
    Figure("status", "status", "status", choices=STATUSES),
    Figure("abc_tier", "abc_tier", "tier", choices=TIERS),
    Figure("abc_tier_prev", "abc_tier_prev", "previous tier", choices=TIERS),
    Figure("tier_move", "tier_move", "tier movement", choices=MOVES),
    Figure("customer_type", "customer_type", "customer type", choices=tuple(CUSTOMER_TYPES)),
)}


@dataclass(frozen=True)
class Condition:
    """``<figure> <operator> <value>`` (``value_text`` for choice figures)."""

    figure: str
    operator: str
    value: float = 0.0
    value_text: str | None = None


@dataclass(frozen=True)
class Rule:
    """One rule; an invalid rule raises ``ValueError`` naming the problem. The first
    condition is ``figure operator value``; ``more`` are the further ones (AND). ``actions``
    (default: ``(action,)``) lists every action (the ``contact`` action's channel and
    frequency are the segment's contact plan, kept with the plans)."""

    name: str
    figure: str
    operator: str
    value: float = 0.0
    value_text: str | None = None
    for_days: int = 0
    action: str = "alert"
    segment: str = ""
    team_id: int | None = None
    more: tuple[Condition, ...] = ()
    actions: tuple[str, ...] = ()
    followup_kind: str | None = None
    followup_days: int = 0
    subject: str = "customer"
    share_pct: float | None = None

    def __post_init__(self) -> None:
        problem = rule_problem(self)
        if problem:
            raise ValueError(f"Invalid rule: {problem}.")

    @property
    def conditions(self) -> tuple[Condition, ...]:
        return (Condition(self.figure, self.operator, self.value, self.value_text), *self.more)

    @property
    def all_actions(self) -> tuple[str, ...]:
        return tuple(self.actions) or (self.action,)

    @property
    def alerts(self) -> bool:
        return "alert" in self.all_actions

    @property
    def over_reps(self) -> bool:
        """A rule over account managers (seed 004's "Top rep")."""
        return self.subject == "account_manager"

    @property
    def target_label(self) -> str:
        """The label of a customer the rule has taken in (after any waiting days)."""
        return self.segment if "segment" in self.all_actions else ALERT


CONTACT_CHANNELS = ("visit", "phone", "email")


def condition_problem(condition: Condition) -> str:
    figure = FIGURES.get(condition.figure)
    if figure is None:
        return f"unknown figure {condition.figure!r}"
    if condition.operator not in figure.operators:
        return f"the operator of {figure.name} is one of {' '.join(figure.operators)}"
    if figure.is_choice and condition.value_text not in figure.choices:
        return f"{figure.name} is one of {', '.join(figure.choices)}"
    if not figure.is_choice and not np.isfinite(condition.value):
        return "the value must be a number"
    return ""


def rule_problem(rule: Rule) -> str:
    """What is wrong with ``rule`` ("" when nothing)."""
    if len(rule.more) + 1 > MAX_CONDITIONS:
        return f"a rule has at most {MAX_CONDITIONS} conditions"
    for one in rule.conditions:
        problem = condition_problem(one)
        if problem:
            return problem
    if not 0 <= int(rule.for_days) <= MAX_FOR_DAYS:
        return f"'for N days' is between 0 and {MAX_FOR_DAYS}"
    actions = rule.all_actions
    if not actions or any(a not in ACTIONS for a in actions) or len(set(actions)) < len(actions):
        return f"the actions are some of {', '.join(ACTIONS)}"
    if "segment" not in actions and "alert" not in actions:
        return "a rule assigns a segment or raises an alert"
    if "segment" in actions and not rule.segment.strip():
        return "a segment rule needs the segment's name"
    if rule.segment.startswith("("):
        return "a segment name cannot start with '('"
    if "contact" in actions and "segment" not in actions:
        return "a contact plan belongs to the rule's segment"
    if rule.subject not in SUBJECTS:
        return f"a rule segments one of {', '.join(SUBJECTS)}"
    if rule.over_reps:
        share = rule.share_pct
        if actions != ("segment",):
            return "a rule over account managers only assigns a segment"
        if int(rule.for_days):
            return "a rule over account managers does not wait 'for N days'"
        if share is None or not np.isfinite(share) or not 0 < float(share) <= 100:
            return "the share of an account manager's customers is above 0 and at most 100 %"
    if "followup" in actions and rule.followup_kind not in FOLLOWUP_KINDS:
        return f"a follow-up is one of {', '.join(FOLLOWUP_KINDS)}"
    if "followup" in actions and not 0 <= int(rule.followup_days) <= MAX_FOLLOWUP_DAYS:
        return f"a follow-up is due within 0 to {MAX_FOLLOWUP_DAYS} days"
    return ""


def figure_values(table: pd.DataFrame, figure: Figure) -> pd.Series:
    """The figure of every customer in the rule's unit (text for choice figures)."""
    column = table[figure.column]
    if figure.is_choice:
        return column.astype("string")
    values = column.to_numpy(dtype=np.float64, na_value=np.nan) * figure.scale
    return pd.Series(values, index=table.index)


def condition(table: pd.DataFrame, rule: Rule) -> np.ndarray:
    """True for the customers of ``table`` that meet every condition of the rule now (and
    belong to the rule's team, for a team's rule)."""
    held = np.ones(len(table), dtype=bool)
    for one in rule.conditions:
        held &= _one_condition(table, one)
    if rule.team_id is not None:
        held = held & (table["team_id"] == rule.team_id).to_numpy(dtype=bool, na_value=False)
    return held


def _one_condition(table: pd.DataFrame, one: Condition) -> np.ndarray:
    figure = FIGURES[one.figure]
    values = figure_values(table, figure)
    if figure.is_choice:
        equal = (values == one.value_text).to_numpy(dtype=bool, na_value=False)
        return equal if one.operator == "=" else ~equal
    return _compare(values.to_numpy(), one.operator, float(one.value))


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


def condition_args(rule: Rule | Condition, values: pd.Series) -> dict[str, np.ndarray | str]:
    """The values of the stored text of a condition for every figure value (JSON,
    ``dashboard.analytics.reasons``): ``figure`` (its key), ``value``, ``operator`` and
    ``threshold`` (numbers, or the choice keys of choice figures)."""
    figure = FIGURES[rule.figure]
    if figure.is_choice:
        value = texts.strings(values.astype(object).where(values.notna(), None))
        threshold = texts.literal(str(rule.value_text))
    else:
        value = texts.numbers(values)
        threshold = str(texts.numbers(pd.Series([rule.value]))[0])
    return {"figure": texts.literal(rule.figure), "value": value,
            "operator": texts.literal(rule.operator), "threshold": threshold}


def more_args(rule: Rule, table: pd.DataFrame) -> dict[str, np.ndarray | str]:
    """``{"and": [...]}``: the further conditions with their figures of every row of
    ``table`` (a JSON list of condition objects), or nothing for a one-condition rule."""
    if not rule.more:
        return {}
    out = np.full(len(table), "[", dtype=object)
    for i, one in enumerate(rule.more):
        args = condition_args(one, figure_values(table, FIGURES[one.figure]))
        item = np.full(len(table), ("," if i else "") + "{", dtype=object)
        for j, (name, value) in enumerate(args.items()):
            item = item + (("," if j else "") + texts.literal(name) + ":") + value
        out = out + item + "}"
    return {"and": out + "]"}


def condition_texts(rule: Rule, values: pd.Series, key: str = "rule.met",
                    more: Mapping[str, np.ndarray | str] | None = None,
                    table: pd.DataFrame | None = None) -> np.ndarray:
    """The stored texts (``key``: ``rule.met``, ``rule.met_for``, ``alert.met``, ...) of the
    rule's conditions for every figure value; ``more`` adds values (JSON) before the
    condition's; ``table`` (the rows of ``values``) gives the further conditions' figures."""
    further = more_args(rule, table) if table is not None else {}
    return texts.texts(key, len(values), {**(more or {}), **condition_args(rule, values),
                                          **further})


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
    rows = table.loc[held]
    frame = pd.DataFrame({
        "customer_id": table["customer_id"].to_numpy()[held],
        "value": np.nan if figure.is_choice else values.to_numpy(dtype=np.float64),
        "reason": condition_texts(rule, values, table=rows) if reasons else "",
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
        figures = pd.Series(values.to_numpy(), index=frame.index)
        days = texts.literal(int(rule.for_days))
        reason = np.where(
            done, condition_texts(rule, figures, "rule.met_for", {"for_days": days},
                                  table=rows),
            texts.texts("rule.waiting", len(frame), {
                **condition_args(rule, figures), "since": texts.dates(since),
                "for_days": days, **more_args(rule, rows)}))
    return frame.assign(source=source, label=np.where(done, rule.target_label, PENDING),
                        reason=reason).drop(columns=["valid_from"])


def alert_rows(opened: pd.DataFrame, table: pd.DataFrame, rules: Mapping[int, Rule],
               created_at: pd.Timestamp) -> pd.DataFrame:
    """An alert for every customer an alert rule took in (``opened``: the membership rows
    opened now, ``customer_id``, ``source``, ``label``), for the customer's account manager,
    its message stored as the rule's name and condition with the figure as it is now
    (``alert.met`` / ``alert.met_for``). Columns ``customer_id``, ``rule_id``, ``rep_id``,
    ``message``, ``value``, ``created_at``; empty when no alert rule took anyone in."""
    alerting = {f"rule:{key}" for key, rule in rules.items() if rule.alerts}
    new = opened.loc[(opened["label"] != PENDING) & opened["source"].isin(alerting)]
    parts = []
    indexed = table.set_index("customer_id", drop=False)
    for source, rows in new.groupby("source", sort=True):  # one group per rule
        rule_id = int(str(source).split(":")[1])
        rule = rules[rule_id]
        now = indexed.loc[rows["customer_id"].to_numpy()]
        values = figure_values(now, FIGURES[rule.figure])
        name = texts.literal(rule.name)
        message = (condition_texts(rule, values, "alert.met_for", {
            "rule": name, "for_days": texts.literal(int(rule.for_days))}, table=now)
            if rule.for_days else condition_texts(rule, values, "alert.met", {"rule": name},
                                                  table=now))
        parts.append(pd.DataFrame({
            "customer_id": now["customer_id"].to_numpy(dtype=np.int64), "rule_id": rule_id,
            "rep_id": now["rep_id"].astype("Float64").to_numpy(dtype=np.float64,
                                                              na_value=np.nan),
            "team_id": now["team_id"].astype("Float64").to_numpy(dtype=np.float64,
                                                                na_value=np.nan),
            "message": message,
            "value": pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64),
            "created_at": created_at}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def followup_rows(opened: pd.DataFrame, table: pd.DataFrame, rules: Mapping[int, Rule],
                  as_of: dt.date) -> pd.DataFrame:
    """A follow-up for every customer a follow-up rule took in (``opened``: the membership
    rows opened now, ``customer_id``, ``source``, ``label``; rows still waiting for the
    rule's days are not a firing) for the customer's account manager, of the rule's kind, due
    its days after ``as_of`` (the firing day). Columns ``customer_id``, ``rule_id``,
    ``rep_id`` (NaN: the customer has no account manager), ``kind``, ``rule`` (its name),
    ``due_date``, ``fired_on``; empty when no follow-up rule took anyone in."""
    columns = ["customer_id", "rule_id", "rep_id", "kind", "rule", "due_date", "fired_on"]
    following = {f"rule:{key}" for key, rule in rules.items()
                 if "followup" in rule.all_actions}
    new = opened.loc[(opened["label"] != PENDING) & opened["source"].isin(following)]
    parts = []
    reps = table.set_index("customer_id")["rep_id"].astype("Float64")
    for source, rows in new.groupby("source", sort=True):  # one group per rule
        rule_id = int(str(source).split(":")[1])
        rule = rules[rule_id]
        ids = np.unique(rows["customer_id"].to_numpy(dtype=np.int64))
        parts.append(pd.DataFrame({
            "customer_id": ids, "rule_id": rule_id,
            "rep_id": reps.reindex(ids).to_numpy(dtype=np.float64, na_value=np.nan),
            "kind": rule.followup_kind, "rule": rule.name,
            "due_date": as_of + dt.timedelta(days=int(rule.followup_days)),
            "fired_on": as_of}))
    return (pd.concat(parts, ignore_index=True) if parts
            else pd.DataFrame({c: pd.Series(dtype="object") for c in columns}))


REP_COLUMNS = ["rep_id", "source", "label", "value"]


def rep_segments(table: pd.DataFrame, rules: Mapping[int, Rule]) -> pd.DataFrame:
    """The account managers the rules over account managers take in now (``REP_COLUMNS``;
    ``value``: the share, in %, of their customers in ``table`` that meet every condition,
    rounded to 2 places): those with at least one customer (of the rule's team, for a team's
    rule) and a share of at least the rule's ``share_pct``."""
    parts = []
    reps = table["rep_id"].astype("Float64")
    for key, rule in sorted(rules.items()):
        if not rule.over_reps:
            continue
        held = condition(table, rule)
        mine = reps.notna().to_numpy(dtype=bool)
        if rule.team_id is not None:
            mine &= (table["team_id"] == rule.team_id).to_numpy(dtype=bool, na_value=False)
        frame = pd.DataFrame({"rep_id": reps[mine].astype("int64").to_numpy(),
                              "held": held[mine]})
        shares = frame.groupby("rep_id", sort=True)["held"].mean() * 100
        chosen = shares.loc[shares + 1e-9 >= float(rule.share_pct or 0)]
        parts.append(pd.DataFrame({"rep_id": chosen.index.to_numpy(dtype=np.int64),
                                   "source": f"rule:{key}", "label": rule.segment,
                                   "value": chosen.round(2).to_numpy(dtype=np.float64)}))
    parts = [p for p in parts if len(p)]
    if not parts:
        return pd.DataFrame({"rep_id": pd.Series(dtype="int64"),
                             "source": pd.Series(dtype="object"),
                             "label": pd.Series(dtype="object"),
                             "value": pd.Series(dtype="float64")})
    return pd.concat(parts, ignore_index=True)[REP_COLUMNS]


def rep_changes(wanted: pd.DataFrame, open_rows: pd.DataFrame,
                sources: set[str]) -> tuple[list[int], pd.DataFrame]:
    """What to write for the rules over account managers of ``sources``: the ids of the open
    rows (``id``, ``rep_id``, ``source``, ``label``) no longer wanted, and the wanted rows
    not open yet (``REP_COLUMNS``)."""
    mine = open_rows.loc[open_rows["source"].isin(sources)]
    keys = ["rep_id", "source", "label"]
    merged = mine.merge(wanted[keys].assign(_keep=True), on=keys, how="left")
    close = merged.loc[merged["_keep"].isna(), "id"].astype("int64").tolist()
    new = wanted.merge(mine[keys].assign(_open=True), on=keys, how="left")
    return close, new.loc[new["_open"].isna(), REP_COLUMNS].reset_index(drop=True)


__all__ = ["ACTIONS", "ALERT", "CONTACT_CHANNELS", "Condition", "FIGURES", "FOLLOWUP_KINDS",
           "MAX_CONDITIONS", "MAX_FOLLOWUP_DAYS",
           "PENDING", "REP_COLUMNS", "SUBJECTS", "Figure", "Rule", "alert_rows",
           "followup_rows", "rep_changes", "rep_segments", "condition", "condition_args",
           "condition_problem", "condition_texts", "evaluate", "figure_values", "more_args",
           "rule_problem"]
