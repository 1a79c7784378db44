"""The Team page and its exports (SPEC.md "Team"): one row per account manager as of a date
over a period, and the team's revenue over the last 12 months.

Scope: the table is built from the customers the reader may see under the page filters
(``customer_table.scoped_table``), so an owner sees every account manager, a manager the
account managers of their team and a rep only themselves; every account manager the reader
may choose in the filter bar has a row, with zeros when none of their customers is in view.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard.analytics import team as figures
from dashboard.analytics.periods import Period, period_bounds
from dashboard.analytics.targets import window
from dashboard.data import targets as targets_data
from dashboard.data import team as data
from dashboard.data.followups import load_followup_counts
from dashboard.data.rep_memberships import load_rep_segments
from dashboard.db import session_scope
from dashboard.filters import AnyFilters, Filters
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import customer_table
from dashboard.services import filters as filter_service
from dashboard.services.contact_plan import period_contacts
from dashboard.services.targets import monthly_actuals


@dataclass(frozen=True)
class TeamPage:
    filters: Filters
    today: dt.date
    default_period: str
    bounds: Period
    team: pd.DataFrame  # analytics.team.TEAM_COLUMNS
    totals: dict[str, Any]
    monthly: pd.DataFrame  # analytics.team.MONTHLY_COLUMNS
    months: list[dt.date]
    has_money_at_risk: bool  # the customer table carries ``money_at_risk``
    currency: str
    # the segments of rules over account managers each account manager is in ("Top rep")
    rep_segments: dict[int, list[str]] = dataclasses.field(default_factory=dict)


def _with_empty_reps(team: pd.DataFrame, reps: tuple[tuple[int, str], ...],
                     filters: Filters) -> pd.DataFrame:
    """Rows of zeros for the account managers in view that have no customer in view."""
    shown = {int(r) for r in team["rep_id"].dropna()}
    missing = [(rep, name) for rep, name in reps if rep not in shown
               and (filters.rep_id is None or rep == filters.rep_id)]
    if not missing:
        return team
    empty = pd.DataFrame({"rep_id": pd.array([r for r, _n in missing], dtype="Int64"),
                          "account_manager": [n for _r, n in missing]})
    counts = [c for c in figures.TEAM_COLUMNS
              if c not in ("rep_id", "account_manager", *figures.RATIO_COLUMNS,
                           "money_at_risk")]
    risk = 0.0 if team["money_at_risk"].notna().any() else np.nan
    empty = empty.assign(**{c: 0 for c in counts}, **dict.fromkeys(figures.RATIO_COLUMNS,
                                                                   np.nan),
                         money_at_risk=risk)
    none = team["rep_id"].isna()
    return pd.concat([team.loc[~none], empty.reindex(columns=figures.TEAM_COLUMNS),
                      team.loc[none]], ignore_index=True)


def rep_segments(runtime: Runtime, rep_ids: Any) -> dict[int, list[str]]:
    """Each account manager's segments of the rules over account managers, by name."""
    ids = [int(r) for r in pd.Series(rep_ids).dropna()]
    with session_scope(runtime.engine) as session:
        found = load_rep_segments(session, ids)
    return {int(r): sorted(set(rows["label"].astype(str)))
            for r, rows in found.groupby("rep_id", sort=True)}


def with_segments(team: pd.DataFrame, segments: dict[int, list[str]]) -> pd.DataFrame:
    """``team`` with ``segments``: the account manager's segments joined by "; "."""
    names = [("; ".join(segments.get(int(r), [])) if pd.notna(r) else "")
             for r in team["rep_id"]]
    return team.assign(segments=names)


def team_frame(runtime: Runtime, actor: Actor, filters: Filters,
               table: pd.DataFrame | None = None) -> pd.DataFrame:
    """The team table of ``filters`` for ``actor`` (``TEAM_COLUMNS``), without the rows of
    account managers who have no customer in view."""
    table = customer_table.scoped_table(runtime, actor, filters) if table is None else table
    bounds = period_bounds(filters.as_of, filters.period)
    first_month = bounds.start.replace(day=1)
    # calls and visits counted from the cached contacts (decision 232), not read again
    plan, contacts = period_contacts(runtime, actor, table["customer_id"], bounds.start,
                                     bounds.end)
    with session_scope(runtime.engine) as session:
        activity = data.load_team_activity(session, bounds.start, bounds.end, contacts)
        targets = targets_data.load_targets(session, first_month, bounds.end,
                                            table["customer_id"].to_numpy())
        followups = load_followup_counts(session, actor, bounds.end)
    return figures.team_table(table, activity,
                              figures.period_targets(targets, bounds.start, bounds.end),
                              followups, plan)


def get_team_page(runtime: Runtime, actor: Actor, query: AnyFilters | None) -> TeamPage:
    """The Team page for ``actor`` under the page filters."""
    choices = filter_service.get_filter_choices(runtime, actor)
    filters = filter_service.resolve_filters(runtime, actor, query, choices)
    table = customer_table.scoped_table(runtime, actor, filters)
    team = _with_empty_reps(team_frame(runtime, actor, filters, table), choices.reps, filters)
    with session_scope(runtime.engine) as session:
        team = figures.with_followups(team, load_followup_counts(session, actor,
                                                                 filters.as_of))
    months = window(filters.as_of)
    monthly = figures.team_monthly(monthly_actuals(runtime, filters.as_of), table, months)
    return TeamPage(filters=filters, today=choices.today,
                    default_period=choices.default_period,
                    bounds=period_bounds(filters.as_of, filters.period), team=team,
                    totals=figures.team_totals(team), monthly=monthly, months=months,
                    has_money_at_risk="money_at_risk" in table.columns,
                    currency=str(runtime.settings.currency or "CNY"),
                    rep_segments=rep_segments(runtime, team["rep_id"]))


__all__ = ["TeamPage", "get_team_page", "rep_segments", "team_frame", "with_segments"]
