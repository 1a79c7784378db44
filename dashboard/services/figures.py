"""The per-customer table every page, export and report reads, computed once per data version.

``customer_table`` returns the whole customer base as of a date over a period (every figure
of ``dashboard.analytics.table`` plus the churn predictions), from the shared figure cache
keyed by (database instance, data version, as-of, period, figure settings); a miss computes it
from the columnar snapshot of the rollup. ``scoped_table`` narrows it to what an actor may see
and to the page filters. No page recomputes figures.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics.backtest import BacktestResult, backtest
from dashboard.analytics.churn_model import ChurnFit, churn_predictions
from dashboard.analytics.periods import PERIODS
from dashboard.analytics.settings import FigureSettings
from dashboard.analytics.table import customer_table as build_customer_table
from dashboard.cache import cache_key
from dashboard.data import sales
from dashboard.data.scope import load_scope_customer_ids
from dashboard.data.snapshot import current_days
from dashboard.db import data_identity, session_scope
from dashboard.errors import ValidationError
from dashboard.runtime import Runtime
from dashboard.scope import Actor

CHURN_COLUMNS = ["churn_probability", "expected_orders_next_90d", "expected_value_next_90d",
                 "p_alive", "usual_gap_days"]


@dataclass(frozen=True)
class Filters:
    """What a page asks for: the as-of date, the period and optional narrowing."""

    as_of: dt.date
    period: str = "30d"
    customer_type: str | None = None
    region: str | None = None
    rep_id: int | None = None

    def __post_init__(self) -> None:
        if self.period not in PERIODS:
            raise ValidationError(f"unknown period {self.period!r}", code="bad_period")


def figure_settings(runtime: Runtime) -> FigureSettings:
    return FigureSettings.from_settings(runtime.settings)


def _identity(runtime: Runtime) -> tuple[str, int]:
    with session_scope(runtime.engine) as session:
        return data_identity(session)


def customers(runtime: Runtime) -> pd.DataFrame:
    """Every customer record with account manager and team, per data version (customers,
    their account managers and teams change only through writes that bump it); shared by
    the tables of every period and as-of date (reading them is ~0.2 s at 20,000)."""

    def compute() -> pd.DataFrame:
        with session_scope(runtime.engine) as session:
            return sales.load_customers(session)

    return runtime.cache.get_or_compute(cache_key("customers", *_identity(runtime)), compute)


def _inputs(runtime: Runtime) -> tuple[pd.DataFrame, pd.DataFrame]:
    return current_days(runtime.engine, runtime.snapshot_dir), customers(runtime)


def _fit_key(runtime: Runtime, as_of: dt.date, horizon: int) -> str:
    return cache_key("churn-fit", *_identity(runtime), as_of.isoformat(), horizon)


def churn_fit(runtime: Runtime, as_of: dt.date, horizon: int) -> ChurnFit:
    """The fitted churn model as of a date (cached like the table)."""

    def compute() -> ChurnFit:
        days, _customers = _inputs(runtime)
        return churn_predictions(days, as_of, horizon).fit

    return runtime.cache.get_or_compute(_fit_key(runtime, as_of, horizon), compute)


def customer_table(runtime: Runtime, as_of: dt.date, period: str,
                   rules: FigureSettings | None = None) -> pd.DataFrame:
    """Every customer's figures and predictions (not scoped: callers scope it)."""
    rules = rules or figure_settings(runtime)
    key = cache_key("customer-table", *_identity(runtime), as_of.isoformat(), period,
                    rules.cache_key())
    return runtime.cache.get_or_compute(key, lambda: _compute_table(runtime, as_of, period,
                                                                    rules))


def _compute_table(runtime: Runtime, as_of: dt.date, period: str,
                   rules: FigureSettings) -> pd.DataFrame:
    days, customers = _inputs(runtime)
    table = build_customer_table(days, customers, as_of, period, rules)
    fit_key = _fit_key(runtime, as_of, rules.horizon_days)
    churn = churn_predictions(days, as_of, rules.horizon_days, fit=runtime.cache.get(fit_key))
    runtime.cache.set(fit_key, churn.fit)
    return table.merge(churn.table[["customer_id", *CHURN_COLUMNS]], on="customer_id",
                       how="left")


def anonymous_days(runtime: Runtime) -> pd.DataFrame:
    key = cache_key("anonymous-days", *_identity(runtime))

    def compute() -> pd.DataFrame:
        with session_scope(runtime.engine) as session:
            return sales.load_anonymous_days(session)

    return runtime.cache.get_or_compute(key, compute)


def scope_ids(runtime: Runtime, actor: Actor) -> np.ndarray | None:
    """Ids of the customers ``actor`` may see (``None``: all), per data version: customers
    and account managers change only through writes that bump it."""
    if actor.scope_kind == "all":
        return None

    def compute() -> np.ndarray:
        with session_scope(runtime.engine) as session:
            return load_scope_customer_ids(session, actor)

    key = cache_key("scope", *_identity(runtime), actor.scope_key)
    return runtime.cache.get_or_compute(key, compute)


def narrow(table: pd.DataFrame, allowed: np.ndarray | None, filters: Filters) -> pd.DataFrame:
    """Rows of ``table`` inside ``allowed`` (None: all) matching the filters."""
    mask = np.ones(len(table), dtype=bool)
    if allowed is not None:
        mask &= table["customer_id"].isin(allowed).to_numpy()
    if filters.customer_type:
        mask &= (table["customer_type"] == filters.customer_type).to_numpy(dtype=bool,
                                                                          na_value=False)
    if filters.region:
        mask &= (table["region"] == filters.region).to_numpy(dtype=bool, na_value=False)
    if filters.rep_id is not None:
        mask &= (table["rep_id"] == filters.rep_id).to_numpy(dtype=bool, na_value=False)
    return table if mask.all() else table.loc[mask].reset_index(drop=True)


def scoped_table(runtime: Runtime, actor: Actor, filters: Filters,
                 rules: FigureSettings | None = None) -> pd.DataFrame:
    """The customer table narrowed to the actor's scope and the page filters."""
    table = customer_table(runtime, filters.as_of, filters.period, rules)
    return narrow(table, scope_ids(runtime, actor), filters)


def get_backtest(runtime: Runtime, as_of: dt.date, horizon: int | None = None,
                 rules: FigureSettings | None = None) -> BacktestResult:
    """How right the churn figures were ``horizon`` days before ``as_of`` (scored as of
    ``as_of - horizon``, judged on what happened up to ``as_of``); cached."""
    rules = rules or figure_settings(runtime)
    horizon = int(horizon or rules.horizon_days)
    scored_as_of = as_of - dt.timedelta(days=horizon)
    key = cache_key("backtest", *_identity(runtime), scored_as_of.isoformat(), horizon,
                    rules.cache_key())

    def compute() -> BacktestResult:
        days, customers = _inputs(runtime)
        return backtest(days, customers, scored_as_of, horizon, rules)

    return runtime.cache.get_or_compute(key, compute)


def describe(value: Any) -> str:
    """Short text for a filter value in cache keys and logs."""
    return "" if value is None else str(value)
