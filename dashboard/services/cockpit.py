"""The cockpit overview: everything the page shows, in one call.

``get_overview(runtime, actor, query)`` resolves the filters for the actor (the filter
service), narrows the cached customer table to the actor's scope (remembered per data
version) and the filters (``customer_table.narrow``, as ``customer_table.scoped_table`` does) and reduces
it with ``analytics.overview.cockpit_overview``; no figure is computed twice and nothing
here touches orders. Cash and guest sales are added to
revenue only in the owner's unfiltered view (they belong to no customer, type, region or
account manager).

The backtest card ("of the N customers flagged churning 90 days ago, M % have not ordered
since") comes from ``customer_table.get_backtest`` and is about the whole customer base: an owner
sees the count, everyone else only the percentages (model quality, not customer data).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import numpy as np
import pandas as pd

from dashboard.analytics.abc import tier_matrix
from dashboard.analytics.movers import KINDS, METRICS, top_movers
from dashboard.analytics.overview import (
    Overview,
    call_first,
    kpi_totals,
    status_summary,
    tier_summary,
)
from dashboard.analytics.periods import Period, period_bounds
from dashboard.analytics.selection import entry_counts, move_counts, mover_counts
from dashboard.filters import AnyFilters, Filters
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import customer_table
from dashboard.services import filters as filter_service

log = logging.getLogger(__name__)
TOP_MOVERS = 10
MIN_BACKTEST_FLAGGED = 10  # fewer flagged customers than this: "too little history"


@dataclass(frozen=True)
class BacktestCard:
    """The "How right were we?" card. ``state``: ``ok``, ``too_little`` (not enough
    history or flagged customers to say) or ``unavailable`` (it could not be computed)."""

    state: str
    horizon_days: int
    scored_as_of: dt.date
    flagged: int | None = None  # shown to owners only
    stopped_pct: float | None = None
    recency_pct: float | None = None
    minimum: int = MIN_BACKTEST_FLAGGED
    model: str | None = None  # the candidate chosen as of the scored date (bgnbd, supervised)
    reason: str | None = None  # why (churn_choice.REASONS)
    auc_model: float | None = None
    auc_other: float | None = None  # the other candidate's AUC on the same customers
    auc_recency: float | None = None
    flagged_pct: float | None = None  # Churning + Lost who stopped
    recency_flagged_pct: float | None = None  # as many by plain recency
    predicted_pct: float | None = None  # calibration: mean predicted chance of stopping
    observed_pct: float | None = None  # and the share that stopped
    outcome_short: bool = False  # the data end before the outcome window does


@dataclass(frozen=True)
class CockpitView:
    filters: Filters
    today: dt.date
    default_period: str
    period: Period
    scope: str  # the actor's scope kind: all, team, rep or none
    rep_name: str | None  # the account manager filtered by, if any
    customers: int
    currency: str
    cash_sales_included: bool
    overview: Overview | None  # None when no customer matches
    moves: pd.Series  # customers per tier movement (up, down, same, new)
    entries: pd.Series  # customers without a previous tier, per current tier
    mover_counts: dict[str, int]  # all surges and drops per list (the tables show the top)
    backtest: BacktestCard
    # the customers most worth a call today, within the actor's scope and the filters
    call_first: pd.DataFrame | None = None
    horizon_days: int = 90

    @property
    def is_empty(self) -> bool:
        return self.customers == 0


def _unfiltered(filters: Filters) -> bool:
    return not (filters.customer_type or filters.region or filters.rep_id is not None)


def backtest_card(runtime: Runtime, actor: Actor, as_of: dt.date) -> BacktestCard:
    horizon = int(customer_table.figure_settings(runtime).horizon_days)
    scored = as_of - dt.timedelta(days=horizon)
    try:
        result = customer_table.get_backtest(runtime, as_of, horizon)
    except Exception:  # a secondary card must not take the cockpit down with it
        log.exception("backtest as of %s failed", as_of)
        return BacktestCard("unavailable", horizon, scored)
    flagged = int(result.churning.flagged)
    state = ("too_little" if flagged < MIN_BACKTEST_FLAGGED or result.churning_stopped_pct
             is None else "ok")
    other = result.auc_supervised if result.model == "bgnbd" else result.auc_bgnbd
    return BacktestCard(state, horizon, scored,
                        flagged=flagged if actor.scope_kind == "all" else None,
                        stopped_pct=result.churning_stopped_pct if state == "ok" else None,
                        recency_pct=result.recency_stopped_pct if state == "ok" else None,
                        model=result.model, reason=result.choice.get("reason"),
                        auc_model=result.auc_model, auc_other=other,
                        auc_recency=result.auc_recency,
                        flagged_pct=result.flagged_stopped_pct,
                        recency_flagged_pct=result.recency_flagged_pct,
                        predicted_pct=_pct(result.predicted_share),
                        observed_pct=_pct(result.observed_share),
                        outcome_short=result.outcome_short)


def _pct(share: float | None) -> float | None:
    return None if share is None else 100.0 * share


def mover_candidates(table: pd.DataFrame, metric: str, kind: str, top: int) -> pd.DataFrame:
    """The rows that can make the top ``top`` of a surge or drop list: those with one of the
    ``top`` largest changes, ties included (``top_movers`` of them is ``top_movers`` of the
    whole table, without sorting thousands of rows)."""
    inside = (table[f"{metric}_move"] == kind).to_numpy(dtype=bool, na_value=False)
    size = np.abs(table[f"{metric}_change"].to_numpy(dtype=np.float64))
    if inside.sum() > top:
        floor = np.partition(size[inside], inside.sum() - top)[inside.sum() - top]
        inside = inside & (size >= floor)
    columns = ["customer_id", "customer_code", "customer_name", f"{metric}_prev_30d",
               f"{metric}_30d", f"{metric}_change", f"{metric}_growth_pct", f"{metric}_move"]
    return table.iloc[np.flatnonzero(inside), table.columns.get_indexer(columns)]


def overview_of(table: pd.DataFrame, anonymous: pd.DataFrame | None, period: Period,
                top: int = TOP_MOVERS) -> Overview:
    """``analytics.overview.cockpit_overview``, each figure from the same function, the top
    movers asked of their candidates only (a test holds the two equal)."""
    return Overview(
        kpis=kpi_totals(table, anonymous, period),
        statuses=status_summary(table),
        tiers=tier_summary(table),
        tier_matrix=tier_matrix(table["abc_tier_prev"], table["abc_tier"]),
        movers={(m, k): top_movers(mover_candidates(table, m, k, top), m, k, top)
                for m in METRICS for k in KINDS},
    )


def get_overview(runtime: Runtime, actor: Actor, query: AnyFilters | None) -> CockpitView:
    """The overview for ``actor`` under the filters ``query`` asks for (anything with the
    filter fields: the address's ``FilterQuery`` or a resolved ``Filters``); remembered per
    data version, scope and filters, so a view seen before costs no figure work."""
    choices = filter_service.get_filter_choices(runtime, actor)
    filters = filter_service.resolve_filters(runtime, actor, query, choices)
    key = ("overview", *filter_service.identity(runtime), actor.scope_key, filters,
           choices.today, customer_table.figure_settings(runtime).cache_key())
    return filter_service.remembered(
        runtime, key, lambda: _view(runtime, actor, filters, choices),
        keep=lambda view: view.backtest.state != "unavailable")  # try that card again


def _view(runtime: Runtime, actor: Actor, filters: Filters,
          choices: filter_service.FilterChoices) -> CockpitView:
    table = customer_table.narrow(customer_table.customer_table(runtime, filters.as_of, filters.period),
                           filter_service.scope_ids(runtime, actor), filters)
    period = period_bounds(filters.as_of, filters.period)
    cash = actor.scope_kind == "all" and _unfiltered(filters)
    overview = None
    if len(table):
        anonymous = customer_table.anonymous_days(runtime) if cash else None
        overview = overview_of(table, anonymous, period)
    return CockpitView(
        filters=filters, today=choices.today, default_period=choices.default_period,
        period=period, scope=actor.scope_kind,
        rep_name=dict(choices.reps).get(filters.rep_id) if filters.rep_id else None,
        customers=len(table),
        currency=str(runtime.settings.currency or "CNY"), cash_sales_included=cash,
        overview=overview, moves=move_counts(table), entries=entry_counts(table),
        mover_counts=mover_counts(table),
        backtest=backtest_card(runtime, actor, filters.as_of),
        call_first=call_first(table) if len(table) else None,
        horizon_days=int(customer_table.figure_settings(runtime).horizon_days),
    )


__all__ = ["BacktestCard", "CockpitView", "backtest_card", "get_overview", "mover_candidates",
           "overview_of"]
