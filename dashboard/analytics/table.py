"""The customer table: one row per customer with every figure the product shows.

``customer_table`` is the single source of the cockpit, the lists, the CSV and the PDF: the
churn columns are joined to it by the caller. Customers are listed by customer code.
Status, tier, move, action and mover columns are categorical (their categories are the
constants of ``status``, ``abc`` and ``movers``); an empty value is missing.

The churn predictions (``churn_choice.chosen_predictions``: the model chosen and fitted as of
the as-of date, applied to the history up to it for ``status`` and up to the previous period's
end for ``status_prev``) are computed here unless the caller passes them (the service passes
its cached ones); their columns :data:`CHURN_COLUMNS` are part of the table.

Tiers, ranks and borrowed gaps compare a customer with the others, so compute the table on
every customer record and narrow it to a user's scope afterwards: a rep sees the same tier as
the owner.

A customer record created after the as-of date, with no order on or before it, did not exist
yet and is left out; a record with older orders is kept whatever its created date (imports
often date the record on the day of the import).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics.abc import (
    ACTIONS,
    MOVES,
    TIERS,
    action_codes,
    categorical,
    cents,
    movement_codes,
    tier_codes,
)
from dashboard.analytics.churn_choice import chosen_predictions
from dashboard.analytics.churn_model import ChurnFit
from dashboard.analytics.features import SUM_COLUMNS, Columns, period_columns, required_cuts
from dashboard.analytics.headroom import headroom
from dashboard.analytics.history import History
from dashboard.analytics.movers import mover_columns
from dashboard.analytics.movers import required_cuts as mover_cuts
from dashboard.analytics.own_past import COLUMNS as OWN_PAST_COLUMNS
from dashboard.analytics.own_past import own_past_columns
from dashboard.analytics.own_past import required_cuts as own_past_cuts
from dashboard.analytics.periods import Period, day_number, period_bounds
from dashboard.analytics.ranking import group_codes, rank_in_type
from dashboard.analytics.settings import FigureSettings
from dashboard.analytics.status import STATUSES, status_codes

IDENTITY = {
    "customer_id": "customer_id", "code": "customer_code", "name": "customer_name",
    "customer_type": "customer_type", "region": "region", "rep_id": "rep_id",
    "account_manager": "account_manager", "team_id": "team_id", "created_date": "created_date",
}
FIGURES = [
    "status", "is_new", "status_prev", "abc_tier", "abc_tier_prev", "tier_move", "action",
    "rank_in_type", "revenue", "revenue_prev", "growth_pct", "orders", "orders_prev",
    "gross_margin", "gross_margin_prev", "margin_pct", "avg_order_value", "avg_order_value_prev",
    "return_orders", "returned_value", "return_rate_pct", "coupon_orders", "coupon_rate_pct",
    "first_order_date", "last_order_date", "days_since_last_order", "purchase_days",
    "mean_gap_days", "gap_borrowed", "risk_score", "days_since_last_order_prev",
    "mean_gap_days_prev", "risk_score_prev", "risk_change_pct",
    "revenue_30d", "revenue_prev_30d", "revenue_change", "revenue_growth_pct", "revenue_move",
    "orders_30d", "orders_prev_30d", "orders_change", "orders_growth_pct", "orders_move",
    "potential", "headroom",
    *OWN_PAST_COLUMNS,
]
CHURN_COLUMNS = ["churn_probability", "expected_orders_next_90d", "expected_value_next_90d",
                 "p_alive", "usual_gap_days", "revenue_if_stayed", "money_at_risk"]
TABLE_COLUMNS = [*IDENTITY.values(), *FIGURES[:2], "one_time_buyer", *FIGURES[2:],
                 *CHURN_COLUMNS]
WALLET_COLUMNS = ("potential", "headroom")  # from analytics.headroom, among existing customers


def customer_table(days: pd.DataFrame, customers: pd.DataFrame, as_of: Any,
                   period: str | Period, settings: Any,
                   churn: tuple[pd.DataFrame, pd.DataFrame | None] | None = None,
                   churn_fit: ChurnFit | None = None) -> pd.DataFrame:
    """Every figure per customer as of ``as_of`` over ``period`` (a key of
    :data:`~dashboard.analytics.periods.PERIODS` or a :class:`Period` ending on ``as_of``).
    ``settings`` is a :class:`FigureSettings` or the product settings. ``churn``: the
    prediction tables as of ``as_of`` and as of the previous period's end (computed when
    not given; a previous one of ``None`` leaves ``status_prev`` to the risk-score rule).
    ``churn_fit``: the churn fit (and choice) as of ``as_of`` to apply instead of fitting
    again when ``churn`` is not given (the tables of several periods share one)."""
    bounds = period_bounds(as_of, period)
    rules = settings if isinstance(settings, FigureSettings) else (
        FigureSettings.from_settings(settings))
    table = pd.DataFrame(_columns(days, customers, bounds, rules, churn, churn_fit))
    existed = table["first_order_date"].notna().to_numpy() | ~(
        table["created_date"] > pd.Timestamp(bounds.end)).to_numpy(dtype=bool, na_value=False)
    table = table if existed.all() else table.loc[existed].reset_index(drop=True)
    # the wallet's columns go in their places, beside the others rather than joined to a
    # copy of them: at 10M orders the table is 400 MB (decision 247)
    wallet = headroom(table)
    for name in WALLET_COLUMNS:
        table.insert(TABLE_COLUMNS.index(name), name, wallet[name].to_numpy())
    return table


def _columns(days: pd.DataFrame, customers: pd.DataFrame, bounds: Any, rules: FigureSettings,
             churn: Any, churn_fit: Any) -> dict[str, Any]:
    """The table's columns but the wallet's, in their order. Its own function so that the
    rollup's positions and period sums it works on are freed before the table is built."""
    people = customer_records(customers)
    history = History.build(days, people["customer_id"].to_numpy())
    if churn is None:
        now = chosen_predictions(days, bounds.end, rules.horizon_days, churn_fit)
        churn = (now.table, chosen_predictions(days, bounds.prev_end, rules.horizon_days,
                                               now.fit, apply=True).table)
    as_of_day = day_number(bounds.end)
    segments = history.segments(required_cuts(bounds) + mover_cuts(as_of_day)
                                + own_past_cuts(as_of_day), SUM_COLUMNS)
    del history
    columns: Columns = {name: people[name].array for name in people.columns}
    columns.update(period_columns(segments, group_codes(people["customer_type"]), bounds))
    columns.update(mover_columns(segments, as_of_day, rules))
    columns.update(own_past_columns(segments, as_of_day))
    del segments
    columns.update(_churn_columns(people, *churn))
    columns.update(_classify(columns, people, bounds, rules))
    for name in ("days_since_last_order", "days_since_last_order_prev"):
        columns[name] = pd.array(columns[name], dtype="Int64")
    return {name: columns[name] for name in TABLE_COLUMNS if name not in WALLET_COLUMNS}


def customer_records(customers: pd.DataFrame) -> pd.DataFrame:
    """The identity columns, renamed for the table and sorted by customer code."""
    missing = [c for c in ("customer_id", "code") if c not in customers.columns]
    if missing:
        raise ValueError("The customer records lack the column(s) " + ", ".join(missing) + ".")
    frame = customers.reindex(columns=list(IDENTITY)).rename(columns=IDENTITY)
    if frame["customer_id"].isna().any():
        raise ValueError("A customer record has no customer_id.")
    frame = frame.assign(customer_id=frame["customer_id"].astype(np.int64),
                         rep_id=frame["rep_id"].astype("Int64"),
                         team_id=frame["team_id"].astype("Int64"),
                         created_date=pd.to_datetime(frame["created_date"]).astype(
                             "datetime64[ns]"))
    duplicated = frame["customer_id"].duplicated()
    if duplicated.any():
        first = int(frame.loc[duplicated, "customer_id"].iloc[0])
        raise ValueError(f"Customer id {first} appears more than once in the customer records.")
    return frame.sort_values("customer_code", kind="stable").reset_index(drop=True)


def _churn_columns(people: pd.DataFrame, now: pd.DataFrame,
                   prev: pd.DataFrame | None) -> Columns:
    """The churn columns in ``people``'s order; ``churn_probability_prev`` for ``status_prev``
    and ``one_time_buyer`` (exactly one purchase occasion by the as-of date)."""
    ids = pd.Index(people["customer_id"])
    rows = now.set_index("customer_id").reindex(ids)
    out: Columns = {name: rows[name].to_numpy(dtype=np.float64) for name in CHURN_COLUMNS}
    out["churn_probability_prev"] = (np.full(len(ids), np.nan) if prev is None else
                                     prev.set_index("customer_id")["churn_probability"]
                                     .reindex(ids).to_numpy(dtype=np.float64))
    freq = rows["frequency"].to_numpy(dtype=np.float64)
    out["one_time_buyer"] = pd.array(np.where(np.isnan(freq), None, freq == 0),
                                     dtype="boolean")
    return out


def _classify(columns: Columns, people: pd.DataFrame, bounds: Period,
              rules: FigureSettings) -> Columns:
    """Status, tiers, movement, action and rank; ``people`` is sorted by customer code."""
    order = np.arange(len(people))
    first = columns["first_order_date"]
    traded = ~np.isnat(first)
    traded_before = first <= np.datetime64(bounds.prev_end, "ns")
    tier = tier_codes(cents(columns["revenue"]), order, rules)
    tier_prev = np.where(traded_before, tier_codes(cents(columns["revenue_prev"]), order, rules),
                         -1)
    start, end = np.datetime64(bounds.start, "ns"), np.datetime64(bounds.end, "ns")
    return {
        "status": categorical(status_codes(columns["risk_score"],
                                           columns["days_since_last_order"], rules,
                                           columns["churn_probability"]), STATUSES),
        "status_prev": categorical(status_codes(columns["risk_score_prev"],
                                                columns["days_since_last_order_prev"], rules,
                                                columns["churn_probability_prev"]),
                                   STATUSES),
        "is_new": (first >= start) & (first <= end),
        "abc_tier": categorical(tier, TIERS),
        "abc_tier_prev": categorical(tier_prev, TIERS),
        "tier_move": categorical(movement_codes(tier, tier_prev, traded), MOVES),
        "action": categorical(action_codes(tier, tier_prev), list(ACTIONS)),
        "rank_in_type": rank_in_type(pd.Series(columns["revenue"]), people["customer_type"],
                                     people["customer_code"]).array,
    }


def _native(value: Any) -> Any:
    """A cell as ``DataFrame.to_dict("records")`` gives it: Python numbers and flags, a
    missing value of a nullable column as None, timestamps as they are."""
    if value is pd.NA:
        return None
    if isinstance(value, np.generic) and not isinstance(value, np.datetime64 | np.timedelta64):
        return value.item()
    return value


FEW_ROWS = 4  # up to this many rows are read a row at a time, more a column at a time


def rows_of(table: pd.DataFrame, customer_ids: Any) -> dict[int, dict[str, Any]]:
    """The rows of ``customer_ids`` in a customer table, as ``to_dict("records")`` would give
    them, by customer id. A portrait's one row is read as a row (a quarter of the time of
    reading its 70 columns one by one, decision 246); a batch of rows cell by cell, which
    costs a third of converting a frame."""
    ids = table["customer_id"].to_numpy()
    positions = np.flatnonzero(np.isin(ids, np.asarray(list(customer_ids), dtype=np.int64)))
    columns = list(table.columns)
    if len(positions) <= FEW_ROWS:
        return {int(ids[p]): dict(zip(columns, map(_native, table.iloc[p].tolist()),
                                      strict=True)) for p in positions}
    arrays = [table[c].array for c in columns]
    return {int(ids[p]): dict(zip(columns, (_native(a[p]) for a in arrays), strict=True))
            for p in positions}


__all__ = ["CHURN_COLUMNS", "TABLE_COLUMNS", "customer_records", "customer_table", "rows_of"]
