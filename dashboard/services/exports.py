"""Exports: the customer table as CSV and the fitted churn model as JSON.

Exports are scoped like the screens (an export never holds a row its user could not see) and
audited.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import IO

import pandas as pd

from dashboard.analytics.backtest import BacktestResult
from dashboard.analytics.churn_model import ChurnFit
from dashboard.analytics.settings import FigureSettings
from dashboard.data.audit import insert_audit
from dashboard.db import session_scope
from dashboard.reports.csv import write_csv
from dashboard.reports.customers import export_frame
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import figures


def customer_export(runtime: Runtime, actor: Actor, filters: figures.Filters,
                    rules: FigureSettings | None = None) -> pd.DataFrame:
    table = figures.scoped_table(runtime, actor, filters, rules)
    return export_frame(table)


def write_customer_export(runtime: Runtime, actor: Actor, filters: figures.Filters,
                          target: str | Path | IO[str],
                          rules: FigureSettings | None = None) -> int:
    """Write the export to ``target``; returns the number of customers written."""
    frame = customer_export(runtime, actor, filters, rules)
    write_csv(frame, target)
    with session_scope(runtime.engine, write=True) as session:
        insert_audit(session, actor, "export", object_type="customers",
                     detail={"rows": len(frame), "as_of": filters.as_of.isoformat(),
                             "period": filters.period})
    return len(frame)


def model_export(runtime: Runtime, as_of: dt.date, horizon: int) -> ChurnFit:
    return figures.churn_fit(runtime, as_of, horizon)


def backtest_report(runtime: Runtime, as_of: dt.date, horizon: int,
                    rules: FigureSettings | None = None) -> BacktestResult:
    """Score as of ``as_of`` and judge on the ``horizon`` days after it."""
    return figures.get_backtest(runtime, as_of + dt.timedelta(days=horizon), horizon, rules)
