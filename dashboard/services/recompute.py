"""The recompute pipeline: after every data change, record where every customer stands.

``run_recompute(runtime, actor, as_of)`` (``cockpit recompute``, the end of every import and of
``cockpit demo``):

1. takes the customer table as of the date over the default period (the figures service's
   cached table, churn predictions included) and every active scheme's bands
   (``classify_many``, cached);
2. compares each customer's status, ABC tier, scheme bands and rule segments with the open
   ``memberships`` rows and writes only the differences (close the open row, open the new
   one with its reason), in bulk;
3. evaluates the segmentation rules ("for N days" reads the open rows: the condition has held
   since the row's first day) and raises an alert to the account manager for every customer
   an alert rule newly takes in;
4. writes month-end ``customer_snapshots`` (status, tier, risk score, churn probability):
   the current month's row as of the date, and every one of the last ``backfill_months``
   month-ends that has none. The very first run also replays those month-ends into the
   membership history, so a new database (the demo) has history at once.

Running it twice changes nothing the second time; a run that changed something is audited.
Memberships only move forward: a date before the last recorded change is refused. One run at
a time (``recompute_lock``); the writes are short transactions at the end.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from dashboard.analytics import memberships as ledger_rules
from dashboard.analytics.churn_model import churn_predictions
from dashboard.analytics.classification import Scheme, classify_many
from dashboard.analytics.periods import period_bounds
from dashboard.analytics.rules import (
    ALERT,
    FIGURES,
    Rule,
    condition_text,
    evaluate,
    figure_values,
)
from dashboard.analytics.settings import FigureSettings
from dashboard.analytics.table import customer_table as build_table
from dashboard.config import load_settings
from dashboard.data import memberships as data
from dashboard.data import sales
from dashboard.data.alerts import insert_alerts
from dashboard.data.audit import insert_audit
from dashboard.data.snapshot import current_days
from dashboard.db import session_scope
from dashboard.errors import ValidationError
from dashboard.models import utcnow
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import figures
from dashboard.services import filters as filter_service
from dashboard.services.rules import active_rules
from dashboard.services.schemes import active_schemes, scheme_assignment

log = logging.getLogger(__name__)
BACKFILL_MONTHS = 24
Echo = Callable[[str], None]


@dataclass
class RecomputeResult:
    as_of: dt.date
    customers: int = 0
    opened: dict[str, int] = field(default_factory=dict)  # rows opened per source family
    closed: int = 0
    snapshots: int = 0  # snapshot rows written
    backfilled: list[dt.date] = field(default_factory=list)  # month-ends written
    replayed: list[dt.date] = field(default_factory=list)  # month-ends replayed
    alerts: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(sum(self.opened.values()) or self.closed or self.snapshots or self.alerts)

    def summary(self) -> dict[str, object]:
        return {"as_of": self.as_of.isoformat(), "customers": self.customers,
                "opened": self.opened, "closed": self.closed, "snapshots": self.snapshots,
                "backfilled": [d.isoformat() for d in self.backfilled],
                "replayed": len(self.replayed), "alerts": self.alerts,
                "seconds": {k: round(v, 2) for k, v in self.seconds.items()}}


@dataclass(frozen=True)
class _Config:
    schemes: dict[int, Scheme]
    scheme_teams: dict[int, int | None]
    rules: dict[int, Rule]
    period: str
    figure_rules: FigureSettings

    def sources(self) -> set[str]:
        return ({"status", "abc"} | {f"scheme:{k}" for k in self.schemes}
                | {f"rule:{k}" for k in self.rules})


def _config(runtime: Runtime) -> _Config:
    with session_scope(runtime.engine) as session:
        schemes, teams = active_schemes(session)
        rules = active_rules(session)
    return _Config(schemes, teams, rules, filter_service.default_period(runtime),
                   figures.figure_settings(runtime))


def month_ends(as_of: dt.date, months: int) -> list[dt.date]:
    """The last day of each of the ``months`` months before the as-of date's month."""
    first = np.datetime64(as_of.replace(day=1), "M")
    starts = first - np.arange(int(months), 0, -1).astype("timedelta64[M]")
    ends = (starts + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    return [d.item() for d in ends]


def _table_as_of(days: pd.DataFrame, customers: pd.DataFrame, as_of: dt.date,
                 config: _Config) -> pd.DataFrame:
    """The customer table with churn predictions as of a past date (not cached: month-ends
    are computed once each)."""
    rules = config.figure_rules
    table = build_table(days, customers, as_of, config.period, rules)
    churn = churn_predictions(days, as_of, rules.horizon_days).table
    return table.merge(churn[["customer_id", *figures.CHURN_COLUMNS]], on="customer_id",
                       how="left")


def _wanted(table: pd.DataFrame, assignment: pd.DataFrame, config: _Config,
            ledger: ledger_rules.Ledger, as_of: dt.date, sources: set[str] | None = None, *,
            reasons: bool = True) -> pd.DataFrame:
    """Where every customer stands as of ``as_of`` (the sources in ``sources`` only)."""
    wanted = sources or config.sources()
    bounds = period_bounds(as_of, config.period)
    parts = []
    if "status" in wanted:
        parts.append(ledger_rules.status_rows(table, config.figure_rules, reasons=reasons))
    if "abc" in wanted:
        parts.append(ledger_rules.tier_rows(
            table, ledger_rules.period_text(bounds.start, bounds.end), reasons=reasons))
    schemes = {k: s for k, s in config.schemes.items() if f"scheme:{k}" in wanted}
    if schemes:
        chosen = assignment.loc[assignment["scheme"].isin(list(schemes))]
        parts.append(ledger_rules.scheme_rows(chosen, schemes, config.scheme_teams,
                                              table[["customer_id", "team_id"]],
                                              reasons=reasons))
    rules = {k: r for k, r in config.rules.items() if f"rule:{k}" in wanted}
    if rules:
        parts.append(evaluate(table, rules, ledger.open_rows(f"rule:{k}" for k in rules),
                              as_of, reasons=reasons))
    parts = [p for p in parts if len(p)]
    return pd.concat(parts, ignore_index=True) if parts else ledger_rules.empty_rows()


def _step(ledger: ledger_rules.Ledger, table: pd.DataFrame, assignment: pd.DataFrame,
          config: _Config, as_of: dt.date, sources: set[str] | None = None) -> None:
    """Move the ledger to ``as_of``: compare labels first, then write the reasons of the
    rows that changed only (most customers stay where they were)."""
    found = ledger.apply(_wanted(table, assignment, config, ledger, as_of, sources,
                                 reasons=False), as_of, sources)
    if not found.opened.empty:
        ledger.fill_reasons(_reasons(found.opened, table, assignment, config, ledger, as_of))


def _reasons(opened: pd.DataFrame, table: pd.DataFrame, assignment: pd.DataFrame,
             config: _Config, ledger: ledger_rules.Ledger, as_of: dt.date) -> pd.DataFrame:
    """The reasons of the rows just opened, computed for those (customer, source) pairs
    only."""
    names = pd.unique(opened["source"])  # a few sources
    schemes = {str(n): int(str(n).split(":")[1]) for n in names
               if str(n).startswith("scheme:")}
    families = {"status": {"status"}, "abc": {"abc"}, "scheme": set(schemes),
                "rule": {str(n) for n in names if str(n).startswith("rule:")}}
    parts = []
    for family, sources in families.items():
        if not sources:
            continue
        mine = opened.loc[opened["source"].isin(list(sources))]
        rows = table.loc[table["customer_id"].isin(mine["customer_id"])].reset_index(drop=True)
        chosen = assignment.iloc[:0]
        if family == "scheme":
            pairs = pd.DataFrame({"scheme": mine["source"].map(schemes).to_numpy(),
                                  "customer_id": mine["customer_id"].to_numpy()})
            chosen = assignment.merge(pairs, on=["scheme", "customer_id"], how="inner")
        parts.append(_wanted(rows, chosen, config, ledger, as_of, sources))
    return pd.concat(parts, ignore_index=True) if parts else ledger_rules.empty_rows()


def _snapshot_rows(table: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    return pd.DataFrame({
        "customer_id": table["customer_id"].to_numpy(dtype=np.int64),
        "as_of": pd.Timestamp(as_of),
        "status": table["status"].astype(str).to_numpy(dtype=object),
        "abc_tier": table["abc_tier"].astype(str).to_numpy(dtype=object),
        "risk_score": table["risk_score"].to_numpy(dtype=np.float64, na_value=np.nan).round(4),
        "churn_probability": table["churn_probability"].to_numpy(
            dtype=np.float64, na_value=np.nan).round(4),
    })


def _superseded(dates: Iterable[dt.date], as_of: dt.date) -> list[dt.date]:
    """Snapshot dates of ``as_of``'s month before it that are not month-ends: a month keeps
    only its month-end, or its latest day while it runs."""
    return [d for d in dates if d.replace(day=1) == as_of.replace(day=1) and d < as_of
            and (d + dt.timedelta(days=1)).day != 1]


def _changed_snapshots(new: pd.DataFrame, old: pd.DataFrame) -> tuple[np.ndarray, pd.DataFrame]:
    """(customers whose stored row must go, rows to write) for one as-of date."""
    columns = ["status", "abc_tier", "risk_score", "churn_probability"]
    both = new.merge(old[["customer_id", *columns]], on="customer_id", how="outer",
                     suffixes=("", "_old"), indicator=True)
    same = both["_merge"] == "both"
    for column in columns:
        a, b = both[column], both[f"{column}_old"]
        if column in ("risk_score", "churn_probability"):
            a = pd.to_numeric(a).round(4)
            b = pd.to_numeric(b).round(4)
        same &= (a == b) | (a.isna() & b.isna())
    gone = both.loc[~same & (both["_merge"] != "left_only"), "customer_id"]
    write = both.loc[~same & (both["_merge"] != "right_only"), new.columns]
    return gone.to_numpy(dtype=np.int64), write


def _alerts(ledger: ledger_rules.Ledger, table: pd.DataFrame,
            rules: dict[int, Rule]) -> pd.DataFrame:
    """An alert for every customer an alert rule took in during this run and still holds,
    worded with the figure as it is now."""
    new = ledger.open.loc[(ledger.open["key"] < 0) & (ledger.open["label"] == ALERT)]
    parts = []
    indexed = table.set_index("customer_id", drop=False)
    for source, rows in new.groupby("source", sort=True):  # one group per rule
        rule_id = int(str(source).split(":")[1])
        rule = rules[rule_id]
        now = indexed.loc[rows["customer_id"].to_numpy()]
        values = figure_values(now, FIGURES[rule.figure])
        text = condition_text(rule, values)
        if rule.for_days:
            text = text + f" for {rule.for_days} days or more"
        parts.append(pd.DataFrame({
            "customer_id": now["customer_id"].to_numpy(dtype=np.int64), "rule_id": rule_id,
            "rep_id": now["rep_id"].astype("Float64").to_numpy(dtype=np.float64,
                                                              na_value=np.nan),
            "message": (rule.name + ": " + text).to_numpy(dtype=object),
            "value": pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64),
            "created_at": pd.Timestamp(utcnow())}))
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()


def today_for(runtime: Runtime) -> dt.date:
    return filter_service.today(runtime)


def _check_forward(runtime: Runtime, as_of: dt.date) -> bool:
    """Whether memberships are new (a first run); refuses a date before the last change."""
    with session_scope(runtime.engine) as session:
        latest = data.get_latest_change_date(session)
        first = not data.has_memberships(session)
    if latest is not None and as_of < latest:
        raise ValidationError(
            f"memberships are recorded up to {latest.isoformat()}; recompute as of that day "
            "or later", code="invalid")
    return first


def _backfill(runtime: Runtime, config: _Config, ledger: ledger_rules.Ledger,
              result: RecomputeResult, dates: list[dt.date], replay: set[dt.date],
              echo: Echo) -> None:
    """Write the missing month-end snapshots and, on a first run, replay those month-ends
    into the ledger (oldest first)."""
    if not dates:
        return
    days = current_days(runtime.engine, runtime.snapshot_dir)
    with session_scope(runtime.engine) as session:
        customers = sales.load_customers(session)
        present = set(data.load_snapshot_dates(session))
    for day in sorted(dates):
        began = time.perf_counter()
        table = _table_as_of(days, customers, day, config)
        if day not in present:
            with session_scope(runtime.engine, write=True) as session:
                data.delete_snapshots(session, [day, *_superseded(present, day)])
                result.snapshots += data.insert_snapshots(session, _snapshot_rows(table, day))
            result.backfilled.append(day)
        if day in replay:
            assignment = classify_many(days, customers, day, config.schemes,
                                       config.figure_rules)
            _step(ledger, table, assignment, config, day)
            result.replayed.append(day)
        echo(f"  {day.isoformat()}  {time.perf_counter() - began:5.1f} s")


def _write(runtime: Runtime, actor: Actor, ledger: ledger_rules.Ledger,
           alerts: pd.DataFrame, snapshot: tuple[dt.date, pd.DataFrame] | None,
           result: RecomputeResult, action: str) -> None:
    with session_scope(runtime.engine, write=True) as session:
        for day, ids in sorted(ledger.closed.items()):
            data.close_memberships(session, ids, day)
        data.insert_memberships(session, ledger.inserts)
        result.alerts = insert_alerts(session, alerts) if len(alerts) else 0
        if snapshot is not None:
            as_of, rows = snapshot
            old = data.load_snapshots(session, as_of)
            gone, write = _changed_snapshots(rows, old)
            data.delete_snapshots(session, [as_of], gone.tolist())
            result.snapshots += data.insert_snapshots(session, write)
            data.delete_snapshots(session, _superseded(data.load_snapshot_dates(session),
                                                       as_of))
        result.opened, result.closed = dict(ledger.opened_counts), ledger.closed_count
        if result.changed:
            insert_audit(session, actor, action, object_type="memberships",
                         object_id=result.as_of.isoformat(), detail=result.summary())


def run_recompute(runtime: Runtime, actor: Actor, as_of: dt.date | None = None, *,
                  backfill_months: int = BACKFILL_MONTHS,
                  echo: Echo | None = None) -> RecomputeResult:
    """Recompute memberships, rules, alerts and snapshots as of ``as_of`` (default today)."""
    say = echo or (lambda _text: None)
    as_of = as_of or today_for(runtime)
    result = RecomputeResult(as_of=as_of)
    began = time.perf_counter()
    with data.recompute_lock(runtime.engine, runtime.settings.data_dir):
        first = _check_forward(runtime, as_of)
        config = _config(runtime)
        with session_scope(runtime.engine) as session:
            ledger = ledger_rules.Ledger(data.load_open_memberships(session))
            present = set(data.load_snapshot_dates(session))
        ends = month_ends(as_of, backfill_months)
        missing = [d for d in ends if d not in present]
        replay = set(ends) if first else set()
        if missing or replay:
            say(f"Month-ends: {len(missing)} snapshot(s) to write, {len(replay)} to replay")
        _backfill(runtime, config, ledger, result, sorted(set(missing) | replay), replay, say)
        result.seconds["backfill"] = time.perf_counter() - began
        table = figures.customer_table(runtime, as_of, config.period, config.figure_rules)
        assignment = scheme_assignment(runtime, as_of, config.schemes)
        _step(ledger, table, assignment, config, as_of)
        result.customers = len(table)
        result.seconds["figures"] = time.perf_counter() - began - result.seconds["backfill"]
        writing = time.perf_counter()
        _write(runtime, actor, ledger, _alerts(ledger, table, config.rules),
               (as_of, _snapshot_rows(table, as_of)), result, "recompute")
        result.seconds["write"] = time.perf_counter() - writing
    result.seconds["total"] = time.perf_counter() - began
    return result


def refresh_sources(runtime: Runtime, actor: Actor, sources: set[str]) -> RecomputeResult:
    """Bring the memberships of some schemes or rules up to date as of today (after they were
    created or changed); no snapshots, no replay."""
    as_of = today_for(runtime)
    result = RecomputeResult(as_of=as_of)
    began = time.perf_counter()
    with data.recompute_lock(runtime.engine, runtime.settings.data_dir):
        _check_forward(runtime, as_of)
        config = _config(runtime)
        with session_scope(runtime.engine) as session:
            ledger = ledger_rules.Ledger(data.load_open_memberships(session, sorted(sources)))
        table = figures.customer_table(runtime, as_of, config.period, config.figure_rules)
        assignment = scheme_assignment(runtime, as_of, config.schemes) if any(
            s.startswith("scheme:") for s in sources) else pd.DataFrame(
            columns=["scheme", "customer_id", "band", "label", "value"])
        _step(ledger, table, assignment, config, as_of, sources)
        result.customers = len(table)
        _write(runtime, actor, ledger, _alerts(ledger, table, config.rules), None, result,
               "recompute.refresh")
    result.seconds["total"] = time.perf_counter() - began
    return result


# --- after an import -------------------------------------------------------------------------

_BOUND: weakref.WeakKeyDictionary[Engine, Runtime] = weakref.WeakKeyDictionary()
SKIPPED_KINDS = ("targets", "products")  # no figure depends on them


def bind_runtime(runtime: Runtime) -> None:
    """The runtime (settings, cache, snapshot folder) to recompute with when an import
    writes through ``runtime.engine``."""
    _BOUND[runtime.engine] = runtime


def runtime_for(engine: Engine) -> Runtime | None:
    """The bound runtime of ``engine``, else one from the environment's settings when
    ``engine`` is the configured database, else None."""
    bound = _BOUND.get(engine)
    if bound is not None:
        return bound
    settings = load_settings()
    if make_url(settings.database_url) == engine.url:
        return Runtime(settings=settings, engine=engine)
    return None


def recompute_after_import(engine: Engine, actor: Actor, kind: str) -> RecomputeResult | None:
    """The recompute at the end of an import (the import is committed already: a failure
    here is logged and leaves the memberships to the next run)."""
    if kind in SKIPPED_KINDS:
        return None
    runtime = runtime_for(engine)
    if runtime is None:
        log.info("import into %s: no runtime bound, recompute skipped", engine.url)
        return None
    try:
        return run_recompute(runtime, actor)
    except Exception:  # noqa: BLE001
        log.exception("recompute after the %s import failed", kind)
        return None


__all__ = ["BACKFILL_MONTHS", "RecomputeResult", "bind_runtime", "month_ends",
           "recompute_after_import", "refresh_sources", "run_recompute", "runtime_for",
           "today_for"]
