"""Exports: the customer table as CSV (machine-readable), the pages' tables as CSV or XLSX in
the reader's language (``dashboard.reports.tables``) and the fitted churn model as JSON.

Exports are scoped like the screens (an export never holds a row its user could not see) and
audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

import pandas as pd

from dashboard.analytics.backtest import BacktestResult
from dashboard.analytics.churn_model import ChurnFit
from dashboard.analytics.settings import FigureSettings
from dashboard.data import alerts as alert_data
from dashboard.data import schemes as schemes_data
from dashboard.data.audit import insert_audit
from dashboard.data.memberships import load_open_memberships
from dashboard.db import session_scope
from dashboard.errors import NotFound, ValidationError
from dashboard.filters import AnyFilters, Filters
from dashboard.reports.csv import iter_csv, write_csv
from dashboard.reports.customers import export_frame
from dashboard.reports.lists import (
    alert_list_table,
    audit_table,
    campaigns_table,
    customer_list_table,
    customer_report_table,
    recipients_table,
    targets_table,
    users_table,
)
from dashboard.reports.tables import Table
from dashboard.reports.team import followups_table, machine_frame, team_table
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import (
    alerts,
    audit,
    campaign_pages,
    campaigns,
    customer_table,
    customers,
    followups,
    targets,
    team,
    users,
)
from dashboard.services import filters as filter_service
from dashboard.services.access import visible_teams
from dashboard.services.campaign_pages import campaign_key
from dashboard.services.classifications import scheme_assignment


def customer_export(runtime: Runtime, actor: Actor, filters: Filters,
                    rules: FigureSettings | None = None) -> pd.DataFrame:
    table = customer_table.scoped_table(runtime, actor, filters, rules)
    return export_frame(table)


EXPORT_ROWS = 50_000  # customers worded and written at a time (decision 247)


def write_customer_export(runtime: Runtime, actor: Actor, filters: Filters,
                          target: str | Path | IO[str],
                          rules: FigureSettings | None = None) -> int:
    """Write the export to ``target``; returns the number of customers written. The rows
    are worded and written ``EXPORT_ROWS`` at a time (every column is per customer): the
    text of a whole book at once would double the table in memory."""
    table = customer_table.scoped_table(runtime, actor, filters, rules)
    chunks = iter_csv(export_frame(table.iloc[start:start + EXPORT_ROWS])
                      for start in range(0, max(len(table), 1), EXPORT_ROWS))
    if isinstance(target, (str, Path)):
        with open(target, "w", encoding="utf-8", newline="") as out:
            out.writelines(chunks)
    else:
        target.writelines(chunks)
    with session_scope(runtime.engine, write=True) as session:
        insert_audit(session, actor, "export", object_type="customers",
                     detail={"rows": len(table), "as_of": filters.as_of.isoformat(),
                             "period": filters.period})
    return len(table)


def model_export(runtime: Runtime, as_of: dt.date, horizon: int) -> ChurnFit:
    return customer_table.churn_fit(runtime, as_of, horizon)


def backtest_report(runtime: Runtime, as_of: dt.date, horizon: int,
                    rules: FigureSettings | None = None) -> BacktestResult:
    """Score as of ``as_of`` and judge on the ``horizon`` days after it."""
    return customer_table.get_backtest(runtime, as_of + dt.timedelta(days=horizon), horizon, rules)


# --- the pages' tables as files people open (dashboard.reports.tables) -----------------------

ALERT_PAGE = 500  # alerts read per query (the data layer's largest page)


def _audit_export(runtime: Runtime, actor: Actor, object_type: str,
                  detail: dict[str, Any]) -> None:
    with session_scope(runtime.engine, write=True) as session:
        insert_audit(session, actor, "export", object_type=object_type, detail=detail)


def customer_list_export(runtime: Runtime, actor: Actor, view_token: Any, fmt: str, *,
                         report: bool = False) -> Table:
    """The rows of a saved customer list view (exactly the rows the grid showed, in its
    order), to be written in the reader's language; with ``report`` also every active
    scheme's band and the rule segments (the "report CSV"). Audited."""
    view = customers.load_view(runtime, actor, view_token)
    lists, positions = customers.view_positions(runtime, actor, view)
    rows = customers.rows_at(lists, positions)
    stem = "customer-report" if report else "customers"
    name = f"{stem}-{view.filters.as_of.isoformat()}"
    if report:
        with session_scope(runtime.engine) as session:
            schemes_frame = schemes_data.load_schemes(session, visible_teams(session, actor),
                                                      active_only=True)
            rule_names = schemes_data.load_rules(session, active_only=True)
            open_rows = load_open_memberships(
                session, [f"rule:{int(i)}" for i in rule_names["id"]])
        titles = {int(i): str(t) for i, t in zip(schemes_frame["id"], schemes_frame["title"],
                                                  strict=True)}
        assignment = scheme_assignment(runtime, view.filters.as_of)
        table = customer_report_table(rows, name, titles, assignment,
                                      _segments(open_rows))
    else:
        table = customer_list_table(rows, name)
    _audit_export(runtime, actor, "customers", {
        "rows": len(table), "view": view.to_dict(), "format": fmt,
        "source": "customer report" if report else "customer list"})
    return table


def _segments(open_rows: pd.DataFrame) -> pd.Series:
    """Customer id → the names of the rule segments they are in ("A; B"), internal markers
    (pending, alert) left out."""
    labels = open_rows.loc[~open_rows["label"].astype(str).str.startswith("(")]
    if labels.empty:
        return pd.Series(dtype=object)
    return (labels.sort_values(["customer_id", "label"])
            .groupby("customer_id")["label"].agg(lambda v: "; ".join(dict.fromkeys(v))))


def alert_export(runtime: Runtime, actor: Actor, status: str, fmt: str) -> Table:
    """Every alert the Alerts page lists for ``status`` (open, done, all) to ``actor``,
    newest first. Audited."""
    if status not in alerts.STATUSES:
        raise ValidationError(f"unknown alert status {status!r}")
    wanted = None if status == "all" else status
    parts = []
    with session_scope(runtime.engine) as session:
        offset, total = 0, 1
        while offset < total:
            rows, total = alert_data.load_alerts(session, actor, status=wanted, offset=offset,
                                                 limit=ALERT_PAGE)
            if rows.empty:
                break
            parts.append(rows)
            offset += len(rows)
    frame = (pd.concat(parts, ignore_index=True) if parts
             else pd.DataFrame(columns=alert_data.LIST_COLUMNS))
    table = alert_list_table(frame, f"alerts-{status}")
    _audit_export(runtime, actor, "alerts", {"rows": len(table), "status": status,
                                             "format": fmt})
    return table


def recipients_export(runtime: Runtime, actor: Actor, campaign_id: Any, fmt: str) -> Table:
    """Every recipient of a campaign inside ``actor``'s scope (the campaign page's own call;
    a campaign outside the scope is refused and audited). Audited."""
    key = campaign_key(campaign_id)
    if not key:
        raise NotFound("no campaign in the address")
    results = campaigns.get_campaign_results(runtime, actor, key,
                                             as_of=filter_service.today(runtime))
    table = recipients_table(results.rows, f"campaign-{results.campaign.id}-recipients")
    with session_scope(runtime.engine, write=True) as session:
        insert_audit(session, actor, "export", object_type="campaign",
                     object_id=results.campaign.id,
                     detail={"rows": len(table), "source": "campaign recipients",
                             "format": fmt})
    return table


def campaigns_export(runtime: Runtime, actor: Actor, fmt: str) -> Table:
    """The campaign list as the Campaigns page shows it to ``actor`` (campaigns with
    recipients in the scope, their counts in the scope), newest first. Audited."""
    found = campaign_pages.get_campaign_list(runtime, actor)
    table = campaigns_table(found.rows, "campaigns")
    _audit_export(runtime, actor, "campaigns", {"rows": len(table), "format": fmt})
    return table


def users_export(runtime: Runtime, actor: Actor, fmt: str) -> Table:
    """The Users page's users (owners only: anyone else is refused and audited). Audited."""
    table = users_table(users.list_users(runtime, actor), "users")
    _audit_export(runtime, actor, "users", {"rows": len(table), "format": fmt})
    return table


def audit_export(runtime: Runtime, actor: Actor, fmt: str, *, actions: Mapping[str, str],
                 objects: Mapping[str, str], username: str = "", action: str = "",
                 outcome: str = "", since: dt.date | None = None,
                 until: dt.date | None = None) -> Table:
    """Every audit entry matching the audit page's filters (all its pages, newest first;
    owners only, anyone else refused and audited), with the page's words. Audited."""
    largest = max(audit.PAGE_SIZES)
    filters = {"username": username, "action": action, "outcome": outcome, "since": since,
               "until": until}
    first = audit.get_audit_page(runtime, actor, page=1, page_size=largest, **filters)
    parts = [first.rows]
    for number in range(2, first.pages + 1):
        parts.append(audit.get_audit_page(runtime, actor, page=number, page_size=largest,
                                          **filters).rows)
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else first.rows
    table = audit_table(frame, "audit-log", actions, objects)
    _audit_export(runtime, actor, "audit_log", {
        "rows": len(table), "format": fmt,
        "filters": {k: (v.isoformat() if isinstance(v, dt.date) else v)
                    for k, v in filters.items() if v}})
    return table


def targets_export(runtime: Runtime, actor: Actor, query: AnyFilters | None,
                   fmt: str) -> Table:
    """The targets report of the page's filters (the page's own call), audited."""
    page = targets.get_targets_page(runtime, actor, query)
    table = targets_table(targets.report_frame(page),
                          f"targets-{page.filters.as_of.isoformat()}")
    _audit_export(runtime, actor, "targets", {
        "rows": len(table), "as_of": page.filters.as_of.isoformat(), "format": fmt})
    return table


def team_export(runtime: Runtime, actor: Actor, query: AnyFilters | None, fmt: str) -> Table:
    """The Team page's table for the page's filters (the page's own call), audited."""
    page = team.get_team_page(runtime, actor, query)
    table = team_table(page.team, f"team-{page.filters.as_of.isoformat()}")
    _audit_export(runtime, actor, "team", {
        "rows": len(table), "as_of": page.filters.as_of.isoformat(),
        "period": page.filters.period, "format": fmt})
    return table


def write_team_export(runtime: Runtime, actor: Actor, filters: Filters,
                      target: str | Path | IO[str]) -> int:
    """``cockpit export team``: one row per account manager with at least the customers
    export's account manager, customers by status, revenue (the customer export's revenue
    summed by account manager), target, money at risk, alerts, follow-ups, calls and visits
    (CSV, UTF-8); returns the rows written. Audited."""
    rows = team.team_frame(runtime, actor, filters)
    frame = machine_frame(team.with_segments(rows, team.rep_segments(runtime, rows["rep_id"])))
    write_csv(frame, target)
    _audit_export(runtime, actor, "team", {"rows": len(frame), "as_of": filters.as_of.isoformat(),
                                           "period": filters.period, "format": "csv"})
    return len(frame)


def followups_export(runtime: Runtime, actor: Actor, state: str, manager: Any,
                     fmt: str) -> Table:
    """The follow-ups the Follow-ups page lists for ``state`` and ``manager`` (the page's own
    call, scoped there), audited."""
    page = followups.get_followups_page(runtime, actor, state, manager)
    table = followups_table(page.rows, f"followups-{page.state}-{page.today.isoformat()}")
    _audit_export(runtime, actor, "followup", {"rows": len(table), "state": page.state,
                                               "format": fmt})
    return table
