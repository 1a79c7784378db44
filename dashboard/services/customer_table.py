"""The per-customer table every page, export and report reads, computed once per data version.

``customer_table`` returns the whole customer base as of a date over a period (every figure
of ``dashboard.analytics.table`` plus the churn predictions), from the shared figure cache
keyed by (database instance, data version, as-of, period, figure settings); a miss computes it
from the columnar snapshot of the rollup. ``scoped_table`` narrows it to what an actor may see
and to the page filters. No page recomputes figures.

The churn predictions come from two further entries of the same cache, per (database
instance, data version, date, horizon): ``churn-choice``, the choice between the churn models
made as of a date with the supervised model trained as of it (``churn_choice.make_choice``),
and ``churn-fit``, the fits as of a date with that choice applied. A view chooses as of its
own as-of date; a month-end snapshot as of ``churn_choice.choice_date`` (the last 31 December
on or before it), so the recompute's backfill makes one choice a year, never with data after
the month-end.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from dashboard.analytics.backtest import BacktestResult, backtest
from dashboard.analytics.churn_choice import ChoiceAt, chosen_predictions, make_choice
from dashboard.analytics.churn_model import ChurnFit, ChurnPredictions
from dashboard.analytics.periods import period_bounds
from dashboard.analytics.settings import FigureSettings
from dashboard.analytics.table import customer_table as build_customer_table
from dashboard.cache import cache_key
from dashboard.data import sales
from dashboard.data.scope import load_scope_customer_ids
from dashboard.data.snapshot import current_days
from dashboard.db import current_identity, session_scope
from dashboard.filters import Filters
from dashboard.runtime import Runtime
from dashboard.scope import Actor


def figure_settings(runtime: Runtime) -> FigureSettings:
    return FigureSettings.from_settings(runtime.settings)


def _identity(runtime: Runtime) -> tuple[str, int]:
    return current_identity(runtime.engine)


def customers(runtime: Runtime) -> pd.DataFrame:
    """Every customer record with account manager and team, per data version (customers,
    their account managers and teams change only through writes that bump it); shared by
    the tables of every period and as-of date (reading them is ~0.2 s at 20,000)."""

    def compute() -> pd.DataFrame:
        with session_scope(runtime.engine) as session:
            return sales.load_customers(session)

    return runtime.cache.get_or_compute(cache_key("customers", *_identity(runtime)), compute)


def _inputs(runtime: Runtime) -> tuple[pd.DataFrame, pd.DataFrame]:
    return current_days(runtime.engine, runtime.snapshot_dir, runtime.days), customers(runtime)


def _fit_key(runtime: Runtime, as_of: dt.date, horizon: int,
             chosen_on: dt.date | None = None) -> str:
    if chosen_on is None or chosen_on == as_of:
        return cache_key("churn-fit", *_identity(runtime), as_of.isoformat(), horizon)
    return cache_key("churn-fit", *_identity(runtime), as_of.isoformat(), horizon,
                     "chosen-on", chosen_on.isoformat())


def churn_choice(runtime: Runtime, days: pd.DataFrame, on: dt.date, horizon: int) -> ChoiceAt:
    """The choice between the churn models made as of ``on`` and the supervised model trained
    as of it (``churn_choice.make_choice``), once per data version, date and horizon (cached
    like the table): every view, recompute and month-end that needs it reads it."""
    return runtime.cache.get_or_compute(
        cache_key("churn-choice", *_identity(runtime), on.isoformat(), horizon),
        lambda: make_choice(days, on, horizon))


def churn_fit(runtime: Runtime, as_of: dt.date, horizon: int) -> ChurnFit:
    """The fitted churn models and the choice between them as of a date (cached like the
    table)."""

    def compute() -> ChurnFit:
        days, _customers = _inputs(runtime)
        return chosen_predictions(days, as_of, horizon,
                                  choice=churn_choice(runtime, days, as_of, horizon)).fit

    return runtime.cache.get_or_compute(_fit_key(runtime, as_of, horizon), compute)


def dated_fit(runtime: Runtime, days: pd.DataFrame, as_of: dt.date, horizon: int,
              chosen_on: dt.date | None = None) -> ChurnFit:
    """The churn fit as of a date with the choice made as of ``chosen_on`` (the as-of date
    unless given; never after it: a month-end snapshot passes ``churn_choice.choice_date``),
    cached per data version."""
    fit = runtime.cache.get(_fit_key(runtime, as_of, horizon, chosen_on or as_of))
    return fit if fit is not None else _dated(runtime, days, as_of, horizon, chosen_on).fit


def _dated(runtime: Runtime, days: pd.DataFrame, as_of: dt.date, horizon: int,
           chosen_on: dt.date | None) -> ChurnPredictions:
    chosen_on = chosen_on or as_of
    key = _fit_key(runtime, as_of, horizon, chosen_on)
    fit = runtime.cache.get(key)
    churn = chosen_predictions(days, as_of, horizon, fit, choice=None if fit is not None else
                               churn_choice(runtime, days, chosen_on, horizon))
    if fit is None:
        runtime.cache.set(key, churn.fit)
    return churn


def churn_as_of(runtime: Runtime, days: pd.DataFrame, as_of: dt.date, prev_end: dt.date,
                horizon: int, chosen_on: dt.date | None = None
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The chosen model's predictions as of a date (the fit as :func:`dated_fit`) and, with
    the same fit, as of the previous period's end."""
    churn = _dated(runtime, days, as_of, horizon, chosen_on)
    prev = chosen_predictions(days, prev_end, horizon, churn.fit, apply=True)
    return churn.table, prev.table


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
    bounds = period_bounds(as_of, period)
    churn = churn_as_of(runtime, days, bounds.end, bounds.prev_end, rules.horizon_days)
    return build_customer_table(days, customers, as_of, period, rules, churn)


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

