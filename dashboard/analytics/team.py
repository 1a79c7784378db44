"""The team table (SPEC.md "Team"): one row per account manager, as of a date over a period.

Built from the per-customer table (already narrowed to what the reader may see) so that every
figure is the sum of the customers behind it, and a click can open exactly those customers:

- ``customers``, ``active``, ``churning``, ``lost``, ``never``: customers by status; ``tier_a``
  .. ``tier_d``: by current ABC tier;
- ``revenue``, ``revenue_prev``: the customers' revenue in the period and in the previous one;
  ``growth_pct`` as the per-customer figure (empty when ``revenue_prev`` is 0 or below);
- ``target``: the customers' monthly targets of the period's months, each month counted for the
  share of its days inside the period (a 30-day period over two months takes a part of each);
  ``target_actual`` the period revenue of the customers that have a target there (like with
  like); ``attainment_pct = target_actual / target * 100``, empty without a target;
- ``money_at_risk``: the sum of the customer figure ``money_at_risk`` over the *Churning*
  customers (present only when the customer table carries that column);
- ``open_alerts``, ``calls``, ``visits``, ``redemptions``: per-customer counts as of the date
  (``activity``), summed;
- ``planned_contacts``, ``planned_made``: the contacts the contact plan sets for the
  customers inside the period and those made, each customer's made capped at its planned
  (``dashboard.analytics.contact_plan.planned_contacts``), summed; ``contact_plan_pct =
  planned_made / planned_contacts * 100``, empty when nothing was planned;
- ``open_followups``, ``overdue_followups``: the follow-ups *assigned to* the account manager
  that are open as of the date, and those of them due before it (:func:`with_followups`; a
  follow-up given to another account manager counts for the one who has it).

Customers without an account manager form one row of their own (``rep_id`` missing,
``account_manager`` empty). Rows are ordered by revenue, largest first, then name; the row without an account
manager last.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics.abc import TIERS
from dashboard.analytics.periods import as_date
from dashboard.analytics.status import STATUSES

ACTIVITY_COLUMNS = ["open_alerts", "calls", "visits", "redemptions"]
PLAN_COLUMNS = ["planned_contacts", "planned_made"]
FOLLOWUP_COLUMNS = ["open_followups", "overdue_followups"]
STATUS_COLUMNS = list(STATUSES)  # active, churning, lost, never
TIER_COLUMNS = [f"tier_{t.lower()}" for t in TIERS]
TEAM_COLUMNS = [
    "rep_id", "account_manager", "customers", *STATUS_COLUMNS, *TIER_COLUMNS, "revenue",
    "revenue_prev", "growth_pct", "target", "target_actual", "attainment_pct",
    "money_at_risk", "open_alerts", *FOLLOWUP_COLUMNS, "calls", "visits", *PLAN_COLUMNS,
    "contact_plan_pct", "redemptions",
]
RATIO_COLUMNS = ["growth_pct", "attainment_pct", "contact_plan_pct"]
MONTHLY_COLUMNS = ["rep_id", "account_manager", "month", "revenue"]
_KEY = "_manager"


def period_targets(targets: pd.DataFrame, start: Any, end: Any) -> pd.DataFrame:
    """Each customer's target for the days ``start``..``end``: every monthly target
    (``customer_id``, ``month`` = first day, ``amount``) times the share of its month's days
    inside the period (``customer_id``, ``target``; customers without one are absent)."""
    first, last = np.datetime64(as_date(start), "D"), np.datetime64(as_date(end), "D")
    if targets.empty or last < first:
        return pd.DataFrame({"customer_id": pd.Series(dtype="int64"),
                             "target": pd.Series(dtype="float64")})
    month = pd.to_datetime(targets["month"]).to_numpy(dtype="datetime64[D]")
    month = month.astype("datetime64[M]").astype("datetime64[D]")
    next_month = (month.astype("datetime64[M]") + 1).astype("datetime64[D]")
    days_in = (next_month - month).astype(np.int64)
    lo, hi = np.maximum(month, first), np.minimum(next_month - 1, last)
    inside = np.clip((hi - lo).astype(np.int64) + 1, 0, None)
    share = targets["amount"].to_numpy(dtype=np.float64, na_value=np.nan) * inside / days_in
    frame = pd.DataFrame({"customer_id": targets["customer_id"].to_numpy(dtype=np.int64),
                          "target": share})
    frame = frame.loc[inside > 0]
    return frame.groupby("customer_id", as_index=False, sort=True)["target"].sum(min_count=1)


def _manager_key(table: pd.DataFrame) -> pd.Series:
    """One key per account manager (-1: no account manager)."""
    return table["rep_id"].astype("Float64").fillna(-1).astype("int64")


def _counts(table: pd.DataFrame, column: str, values: list[str] | tuple[str, ...],
            names: list[str]) -> pd.DataFrame:
    found = table[column].astype(object)
    return pd.DataFrame({name: (found == value).astype(np.int64)
                         for name, value in zip(names, values, strict=True)})


def with_followups(team: pd.DataFrame, counts: pd.DataFrame | None) -> pd.DataFrame:
    """``team`` with the follow-up counts per assignee (``rep_id``, ``open_followups``,
    ``overdue_followups``; account managers absent count 0)."""
    keyed = (counts.set_index("rep_id") if counts is not None and not counts.empty
             else pd.DataFrame(columns=FOLLOWUP_COLUMNS))
    rep = team["rep_id"].astype("Float64").fillna(-1).astype("int64")
    return team.assign(**{c: rep.map(keyed[c]).fillna(0).astype(np.int64).to_numpy()
                          for c in FOLLOWUP_COLUMNS})


def team_table(table: pd.DataFrame, activity: pd.DataFrame | None = None,
               targets: pd.DataFrame | None = None,
               followups: pd.DataFrame | None = None,
               plan: pd.DataFrame | None = None) -> pd.DataFrame:
    """One row per account manager of ``table`` (``TEAM_COLUMNS``).

    ``table``: the per-customer table (``customer_id``, ``rep_id``, ``account_manager``,
    ``status``, ``abc_tier``, ``revenue``, ``revenue_prev``, optionally ``money_at_risk``);
    ``activity``: ``customer_id`` and ``ACTIVITY_COLUMNS`` (customers absent count 0);
    ``targets``: :func:`period_targets` of the period; ``followups``: see
    :func:`with_followups`; ``plan``: ``customer_id``, ``planned``, ``made_on_plan``
    (``dashboard.analytics.contact_plan.planned_contacts``; customers absent have no plan)."""
    base = pd.DataFrame({"customer_id": table["customer_id"].to_numpy(dtype=np.int64),
                         _KEY: _manager_key(table).to_numpy()})
    if activity is not None and not activity.empty:
        base = base.merge(activity[["customer_id", *ACTIVITY_COLUMNS]], on="customer_id",
                          how="left")
    if plan is not None and not plan.empty:
        base = base.merge(plan[["customer_id", "planned", "made_on_plan"]].rename(
            columns={"planned": "planned_contacts", "made_on_plan": "planned_made"}),
            on="customer_id", how="left")
    counted = [*ACTIVITY_COLUMNS, *PLAN_COLUMNS]
    base = base.reindex(columns=[*base.columns, *[c for c in counted
                                                   if c not in base.columns]])
    target = (pd.Series(0.0, index=range(len(table))) if targets is None or targets.empty
              else table[["customer_id"]].merge(targets, on="customer_id", how="left")["target"])
    target = target.to_numpy(dtype=np.float64, na_value=np.nan)
    # in cents per customer, as the customer export writes them: the sums then equal its sums
    revenue = np.round(table["revenue"].to_numpy(dtype=np.float64, na_value=0.0), 2)
    has_target = np.nan_to_num(target) > 0
    churning = (table["status"].astype(object) == "churning").to_numpy()
    risk = (table["money_at_risk"].to_numpy(dtype=np.float64, na_value=0.0)
            if "money_at_risk" in table.columns else np.zeros(len(table)))
    parts = base.assign(
        customers=1,
        revenue=revenue,
        revenue_prev=np.round(table["revenue_prev"].to_numpy(dtype=np.float64, na_value=0.0),
                              2),
        target=np.where(has_target, target, 0.0),
        target_actual=np.where(has_target, revenue, 0.0),
        money_at_risk=np.where(churning, np.nan_to_num(risk), 0.0),
        **{c: base[c].fillna(0).astype(np.int64) for c in counted},
    )
    parts = pd.concat([parts.reset_index(drop=True),
                       _counts(table, "status", STATUSES, STATUS_COLUMNS),
                       _counts(table, "abc_tier", TIERS, TIER_COLUMNS)], axis=1)
    summed = parts.drop(columns="customer_id").groupby(_KEY, sort=False).sum()
    names = (pd.DataFrame({_KEY: base[_KEY],
                           "account_manager": table["account_manager"].astype(object)
                           .where(table["account_manager"].notna(), "").to_numpy()})
             .drop_duplicates(_KEY).set_index(_KEY)["account_manager"])
    result = summed.assign(account_manager=names.reindex(summed.index).to_numpy())
    result = _ratios(result.reset_index())
    if "money_at_risk" not in table.columns:
        result = result.assign(money_at_risk=np.nan)
    result = result.assign(rep_id=result[_KEY].where(result[_KEY] >= 0).astype("Int64"))
    result = with_followups(result, followups)
    return (result.assign(_none=result[_KEY] < 0)
            .sort_values(["_none", "revenue", "account_manager"],
                         ascending=[True, False, True], kind="stable")
            .reindex(columns=TEAM_COLUMNS).reset_index(drop=True))


def _ratios(frame: pd.DataFrame) -> pd.DataFrame:
    prev, target = frame["revenue_prev"].to_numpy(), frame["target"].to_numpy()
    planned = (frame["planned_contacts"].to_numpy(dtype=np.float64)
               if "planned_contacts" in frame else np.zeros(len(frame)))
    made = (frame["planned_made"].to_numpy(dtype=np.float64)
            if "planned_made" in frame else np.zeros(len(frame)))
    with np.errstate(divide="ignore", invalid="ignore"):
        growth = np.where(prev > 0, (frame["revenue"].to_numpy() - prev) / prev * 100, np.nan)
        attainment = np.where(target > 0, frame["target_actual"].to_numpy() / target * 100,
                              np.nan)
        on_plan = np.where(planned > 0, made / planned * 100, np.nan)
    return frame.assign(
        growth_pct=growth, attainment_pct=attainment, contact_plan_pct=on_plan,
        **{c: frame[c].round(2) for c in ("revenue", "revenue_prev", "target", "target_actual",
                                          "money_at_risk")})


def team_totals(team: pd.DataFrame) -> dict[str, Any]:
    """The sums of a team table, with the same ratios (the row under the table)."""
    sums = team.drop(columns=["rep_id", "account_manager", *RATIO_COLUMNS], errors="ignore"
                     ).sum(numeric_only=True, min_count=1)
    frame = _ratios(pd.DataFrame([sums.to_dict()]).fillna(
        {c: 0 for c in sums.index if c != "money_at_risk"}))
    return frame.iloc[0].to_dict() if len(team) else {}


def team_monthly(actuals: pd.DataFrame, people: pd.DataFrame,
                 months: list[dt.date]) -> pd.DataFrame:
    """Revenue per account manager per month (``MONTHLY_COLUMNS``), every month of ``months``
    for every account manager of ``people`` (0 without sales). ``actuals``: ``customer_id``,
    ``month``, ``actual`` (``dashboard.analytics.targets.monthly_actuals``); ``people``: the
    customers to count (``customer_id``, ``rep_id``, ``account_manager``)."""
    keys = pd.DataFrame({"customer_id": people["customer_id"].to_numpy(dtype=np.int64),
                         _KEY: _manager_key(people).to_numpy(),
                         "account_manager": people["account_manager"].astype(object)
                         .where(people["account_manager"].notna(), "").to_numpy()})
    managers = keys.drop_duplicates(_KEY)[[_KEY, "account_manager"]]
    grid = managers.merge(pd.DataFrame({"month": pd.to_datetime(pd.Series(months))}),
                          how="cross")
    sales = (actuals.astype({"customer_id": "int64"})
             .merge(keys[["customer_id", _KEY]], on="customer_id", how="inner")
             .assign(month=lambda f: pd.to_datetime(f["month"]))
             .groupby([_KEY, "month"], as_index=False)["actual"].sum())
    merged = grid.merge(sales, on=[_KEY, "month"], how="left")
    return (merged.assign(revenue=merged["actual"].fillna(0.0).round(2),
                          rep_id=merged[_KEY].where(merged[_KEY] >= 0).astype("Int64"))
            .sort_values(["account_manager", "month"], kind="stable")
            .reindex(columns=MONTHLY_COLUMNS).reset_index(drop=True))


__all__ = ["ACTIVITY_COLUMNS", "MONTHLY_COLUMNS", "PLAN_COLUMNS", "RATIO_COLUMNS",
           "STATUS_COLUMNS", "TEAM_COLUMNS",
           "TIER_COLUMNS", "period_targets", "team_monthly", "team_table", "team_totals",
           "with_followups"]
