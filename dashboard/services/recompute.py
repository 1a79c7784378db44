"""The recompute pipeline: after every data change, record where every customer stands.

``run_recompute(runtime, actor, as_of)`` (``cockpit recompute``, the end of every import and of
``cockpit demo``):

1. takes the customer table as of the date over the default period (the customer-table gateway's
   cached table, churn predictions included) and every active scheme's bands
   (``classify_many``, cached);
2. compares each customer's status, ABC tier, scheme bands and rule segments with the open
   ``memberships`` rows and writes only the differences (close the open row, open the new
   one with its reason), in bulk;
3. evaluates the segmentation rules ("for N days" reads the open rows: the condition has held
   since the row's first day) and raises an alert to the account manager for every customer
   an alert rule newly takes in, and opens a follow-up for the account manager of every
   customer a follow-up rule newly takes in (once per firing);
4. writes month-end ``customer_snapshots`` (status, tier, risk score, churn probability):
   the current month's row as of the date, and every one of the last ``backfill_months``
   month-ends that has none. The very first run also replays those month-ends into the
   membership history, so a new database (the demo) has history at once.

The pandas-only steps (where customers stand, the ledger step, snapshot rows) are
``dashboard.analytics.standing`` and ``dashboard.analytics.snapshots``; the classifications in
force come from ``dashboard.services.classifications``. After an import the recompute is run
by the import use case (``dashboard.services.imports``) with the caller's runtime.

Running it twice changes nothing the second time; a run that changed something is audited.
Memberships only move forward: a date before the last recorded change is refused. One run at
a time (``recompute_lock``); the writes are short transactions at the end.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
import multiprocessing as mp
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from dashboard.analytics import memberships as ledger_rules
from dashboard.analytics.churn_choice import choice_date
from dashboard.analytics.classification import classify_many
from dashboard.analytics.explain import opened_reasons
from dashboard.analytics.periods import period_bounds
from dashboard.analytics.rules import Rule, alert_rows, followup_rows, rep_changes, rep_segments
from dashboard.analytics.snapshots import changed_snapshots, snapshot_rows, superseded
from dashboard.analytics.standing import Classifications as _Config
from dashboard.analytics.standing import step
from dashboard.analytics.table import customer_table as build_table
from dashboard.data import memberships as data
from dashboard.data import sales
from dashboard.data.alerts import insert_alerts, load_alert_addressees
from dashboard.data.audit import insert_audit
from dashboard.data.followups import insert_rule_followups
from dashboard.data.rep_memberships import (
    close_rep_memberships,
    insert_rep_memberships,
    load_open_rep_memberships,
)
from dashboard.data.snapshot import current_days
from dashboard.db import session_scope
from dashboard.errors import ValidationError
from dashboard.models import utcnow
from dashboard.runtime import Runtime
from dashboard.scope import Actor
from dashboard.services import customer_table
from dashboard.services import filters as filter_service
from dashboard.services.classifications import (
    ASSIGNMENT_COLUMNS,
    active_rules,
    active_schemes,
    scheme_assignment,
)

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
    followups: int = 0  # follow-ups rules opened
    rep_moves: int = 0  # account managers' segment rows opened or closed
    seconds: dict[str, float] = field(default_factory=dict)
    month_end_workers: int = 0  # processes the month-ends were computed in (0: this one)

    @property
    def changed(self) -> bool:
        return bool(sum(self.opened.values()) or self.closed or self.snapshots or self.alerts
                    or self.followups or self.rep_moves)

    def summary(self) -> dict[str, object]:
        return {"as_of": self.as_of.isoformat(), "customers": self.customers,
                "opened": self.opened, "closed": self.closed, "snapshots": self.snapshots,
                "backfilled": [d.isoformat() for d in self.backfilled],
                "replayed": len(self.replayed), "alerts": self.alerts,
                "followups": self.followups, "rep_moves": self.rep_moves,
                "seconds": {k: round(v, 2) for k, v in self.seconds.items()}}


def _config(runtime: Runtime) -> _Config:
    with session_scope(runtime.engine) as session:
        schemes, teams = active_schemes(session)
        rules = active_rules(session)
    return _Config(schemes, teams, rules, filter_service.default_period(runtime),
                   customer_table.figure_settings(runtime))


def month_ends(as_of: dt.date, months: int) -> list[dt.date]:
    """The last day of each of the ``months`` months before the as-of date's month."""
    first = np.datetime64(as_of.replace(day=1), "M")
    starts = first - np.arange(int(months), 0, -1).astype("timedelta64[M]")
    ends = (starts + np.timedelta64(1, "M")).astype("datetime64[D]") - np.timedelta64(1, "D")
    return [d.item() for d in ends]


def _table_as_of(runtime: Runtime, days: pd.DataFrame, customers: pd.DataFrame,
                 as_of: dt.date, config: _Config) -> pd.DataFrame:
    """The customer table with churn predictions as of a past month-end (the table is not
    cached: month-ends are computed once each; the churn fits are). The choice between the
    churn models is the one made as of the latest 31 December on or before the month-end
    (``churn_choice.choice_date``): one per year, cached, never made with data after the
    month-end."""
    rules = config.figure_rules
    bounds = period_bounds(as_of, config.period)
    churn = customer_table.churn_as_of(runtime, days, bounds.end, bounds.prev_end,
                                       rules.horizon_days,
                                       chosen_on=choice_date(bounds.end).date())
    return build_table(days, customers, as_of, config.period, rules, churn)


def _alerts(ledger: ledger_rules.Ledger, table: pd.DataFrame,
            rules: dict[int, Rule]) -> pd.DataFrame:
    """The alerts of the rows opened in this run (``dashboard.analytics.rules.alert_rows``)."""
    return alert_rows(ledger.open.loc[ledger.open["key"] < 0], table, rules,
                      pd.Timestamp(utcnow()))


def _followups(ledger: ledger_rules.Ledger, table: pd.DataFrame, rules: dict[int, Rule],
               as_of: dt.date) -> pd.DataFrame:
    """The follow-ups of the rows opened in this run
    (``dashboard.analytics.rules.followup_rows``)."""
    return followup_rows(ledger.open.loc[ledger.open["key"] < 0], table, rules, as_of)


def _write_followups(session: Session, actor: Actor, followups: pd.DataFrame,
                     as_of: dt.date) -> int:
    """Insert the rules' follow-ups (none twice for one firing, none while the customer has
    one of the rule open) and audit each rule's: how many, and the customers left out for
    having no account manager."""
    if followups.empty:
        return 0
    without = followups.loc[followups["rep_id"].isna()]
    inserted = insert_rule_followups(session, followups.loc[followups["rep_id"].notna()],
                                     utcnow())
    for rule_id in sorted({int(r) for r in followups["rule_id"]}):
        mine = inserted.loc[inserted["rule_id"] == rule_id]
        left = without.loc[without["rule_id"] == rule_id, "customer_id"]
        if len(mine) or len(left):
            insert_audit(session, actor, "followup.create", object_type="rule",
                         object_id=rule_id, detail={
                             "created": len(mine), "fired_on": as_of.isoformat(),
                             "kind": str(followups.loc[followups["rule_id"] == rule_id,
                                                       "kind"].iloc[0]),
                             "source": {"kind": "rule", "rule_id": rule_id},
                             "without_manager": sorted(int(c) for c in left)[:50]})
    return len(inserted)


@dataclass
class RepMoves:
    """The account managers' segment rows to close (ids) and to open (``REP_COLUMNS``)."""

    close: list[int] = field(default_factory=list)
    open: pd.DataFrame = field(default_factory=pd.DataFrame)


def _rep_moves(runtime: Runtime, table: pd.DataFrame,
               sources: set[str] | None = None) -> RepMoves:
    """Where the rules over account managers put each account manager now, against the open
    rows (a deleted or switched-off rule's rows close); only ``sources`` when given."""
    with session_scope(runtime.engine) as session:
        rules = active_rules(session, "account_manager")
        open_rows = load_open_rep_memberships(session)
    wanted = rep_segments(table, rules)
    every = {f"rule:{k}" for k in rules} | set(open_rows["source"] if len(open_rows) else [])
    chosen = every if sources is None else every & set(sources)
    if not chosen or open_rows.empty and wanted.empty:
        return RepMoves()
    if open_rows.empty:
        open_rows = pd.DataFrame(columns=["id", "rep_id", "source", "label"])
    close, new = rep_changes(wanted.loc[wanted["source"].isin(chosen)], open_rows, chosen)
    return RepMoves(close, new)


def _route(session: Session, alerts: pd.DataFrame) -> pd.DataFrame:
    """An alert about a customer without an account manager is for the team's manager, else
    an owner (``user_id``)."""
    managers, owner = load_alert_addressees(session)
    manager = alerts["team_id"].map(managers) if "team_id" in alerts else pd.Series(
        np.nan, index=alerts.index)
    person = manager.astype("float64").fillna(np.nan if owner is None else float(owner))
    return alerts.assign(user_id=person.where(alerts["rep_id"].isna()))


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
    into the ledger (oldest first). The month-ends' figures are computed on every core the
    history is worth it for (:func:`_month_end_workers`); the ledger steps through them in
    order in this process."""
    if not dates:
        return
    days = current_days(runtime.engine, runtime.snapshot_dir, runtime.days)
    with session_scope(runtime.engine) as session:
        customers = sales.load_customers(session)
        present = set(data.load_snapshot_dates(session))
    pending = _PendingSnapshots(runtime, result)
    inputs = _MonthEndInputs(runtime, days, customers, config, frozenset(replay))
    workers = _month_end_workers(len(days), len(dates))
    result.month_end_workers = workers
    began = time.perf_counter()
    for day, table, assignment in _month_end_figures(inputs, sorted(dates), workers):
        if day not in present:
            pending.add(day, [day, *superseded(present, day)], snapshot_rows(table, day))
        if assignment is not None:
            step(ledger, table, assignment, config, day, explain=opened_reasons)
            result.replayed.append(day)
        echo(f"  {day.isoformat()}  done, {time.perf_counter() - began:5.1f} s so far")
    pending.write()


# A month-end's figures (the customer table with churn predictions, and on a replay every
# scheme's bands) depend only on the history and the settings, not on the ledger: they are
# computed in forked worker processes when the history is large, each month-end once, and
# handed back in date order. Measured on the 2-core machine, 50,000 customers and 1M orders:
# the first recompute's 24 month-ends took 44 s in one process.
PARALLEL_MIN_DAYS = 200_000  # customer-day rows below which one process is quicker
MONTH_END_WORKERS = 2  # each worker holds a month-end's working set: memory, not cores, caps it
AHEAD = 4  # month-ends computed ahead of the ledger at most (their tables wait in memory)


@dataclass(frozen=True)
class _MonthEndInputs:
    runtime: Runtime
    days: pd.DataFrame
    customers: pd.DataFrame
    config: _Config
    replay: frozenset[dt.date]


_INHERITED: list[_MonthEndInputs] = []  # what a forked worker reads (set before the fork)


def _month_end_workers(day_rows: int, month_ends: int) -> int:
    """Worker processes for the month-ends: none (this process) for a small history, a few
    month-ends, one core, a process with other threads running (forking one could copy a
    lock another thread holds) or a daemon process (which may not have children)."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (
        os.cpu_count() or 1)
    if (day_rows < PARALLEL_MIN_DAYS or month_ends < 4 or cores < 2
            or threading.active_count() > 1 or mp.current_process().daemon
            or "fork" not in mp.get_all_start_methods()):
        return 0
    return min(MONTH_END_WORKERS, cores)


def _one_month_end(inputs: _MonthEndInputs, day: dt.date
                   ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    runtime, days, customers, config = (inputs.runtime, inputs.days, inputs.customers,
                                        inputs.config)
    table = _table_as_of(runtime, days, customers, day, config)
    if day not in inputs.replay:
        return table, None
    assignment = classify_many(days, customers, day, config.schemes, config.figure_rules,
                               customer_table.dated_fit(
                                   runtime, days, day, config.figure_rules.horizon_days,
                                   choice_date(day).date()))
    return table, assignment


def _in_worker(day: dt.date) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    return _one_month_end(_INHERITED[0], day)


def _month_end_figures(inputs: _MonthEndInputs, dates: list[dt.date], workers: int
                       ) -> Iterator[tuple[dt.date, pd.DataFrame, pd.DataFrame | None]]:
    """``(day, table, assignment)`` per month-end, oldest first (``assignment`` only for a
    replayed one), from this process or from ``workers`` forked ones."""
    if workers < 2:
        for day in dates:
            yield day, *_one_month_end(inputs, day)
        return
    runtime, days = inputs.runtime, inputs.days
    horizon = inputs.config.figure_rules.horizon_days
    # the yearly model choices first, each made once here and read by the workers from the
    # figure cache, instead of made by two workers at once
    for on in sorted({choice_date(d).date() for d in dates}
                     | {choice_date(period_bounds(d, inputs.config.period).end).date()
                        for d in dates}):
        customer_table.churn_choice(runtime, days, on, horizon)
    _INHERITED[:] = [inputs]
    try:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork"))
        queue = iter(dates)
        try:
            waiting: deque[tuple[dt.date, Future]] = deque(
                (day, pool.submit(_in_worker, day)) for day in itertools.islice(queue, AHEAD))
        except (OSError, AssertionError):  # no process may be started here: this one
            pool.shutdown(cancel_futures=True)
            log.warning("month-end workers could not start; computing them in this process",
                        exc_info=True)
            for day in dates:
                yield day, *_one_month_end(inputs, day)
            return
        with pool:
            while waiting:
                day, future = waiting.popleft()
                table, assignment = future.result()
                for later in itertools.islice(queue, 1):
                    waiting.append((later, pool.submit(_in_worker, later)))
                yield day, table, assignment
    finally:
        _INHERITED.clear()


class _PendingSnapshots:
    """The backfill's month-end rows, written a million or so at a time in one transaction,
    by customer and date (measured on SQLite: 24 month-ends of 48,000 customers in 2.9 s,
    against 10 s written and committed month by month)."""

    ROWS = 1_000_000

    def __init__(self, runtime: Runtime, result: RecomputeResult) -> None:
        self.runtime, self.result = runtime, result
        self.gone: set[dt.date] = set()
        self.days: list[dt.date] = []
        self.frames: list[pd.DataFrame] = []

    def add(self, day: dt.date, gone: list[dt.date], rows: pd.DataFrame) -> None:
        self.gone.update(gone)
        self.days.append(day)
        self.frames.append(rows)
        if sum(len(f) for f in self.frames) >= self.ROWS:
            self.write()

    def write(self) -> None:
        if not self.days:
            return
        rows = pd.concat(self.frames, ignore_index=True).sort_values(
            ["customer_id", "as_of"], kind="stable")
        with session_scope(self.runtime.engine, write=True) as session:
            data.delete_snapshots(session, sorted(self.gone))
            self.result.snapshots += data.insert_snapshots(session, rows)
        self.result.backfilled.extend(self.days)
        self.gone, self.days, self.frames = set(), [], []


def _write(runtime: Runtime, actor: Actor, ledger: ledger_rules.Ledger,
           alerts: pd.DataFrame, snapshot: tuple[dt.date, pd.DataFrame] | None,
           result: RecomputeResult, action: str,
           followups: pd.DataFrame | None = None, reps: RepMoves | None = None) -> None:
    with session_scope(runtime.engine, write=True) as session:
        for day, ids in sorted(ledger.closed.items()):
            data.close_memberships(session, ids, day)
        data.insert_memberships(session, ledger.inserts)
        result.alerts = insert_alerts(session, _route(session, alerts)) if len(alerts) else 0
        if followups is not None:
            result.followups = _write_followups(session, actor, followups, result.as_of)
        if reps is not None:
            result.rep_moves = (close_rep_memberships(session, reps.close, result.as_of)
                                + insert_rep_memberships(session, reps.open, result.as_of))
        if snapshot is not None:
            as_of, rows = snapshot
            old = data.load_snapshots(session, as_of)
            gone, write = changed_snapshots(rows, old)
            data.delete_snapshots(session, [as_of], gone.tolist())
            result.snapshots += data.insert_snapshots(session, write)
            data.delete_snapshots(session, superseded(data.load_snapshot_dates(session),
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
        table = customer_table.customer_table(runtime, as_of, config.period, config.figure_rules)
        assignment = scheme_assignment(runtime, as_of, config.schemes)
        step(ledger, table, assignment, config, as_of, explain=opened_reasons)
        result.customers = len(table)
        result.seconds["figures"] = time.perf_counter() - began - result.seconds["backfill"]
        writing = time.perf_counter()
        _write(runtime, actor, ledger, _alerts(ledger, table, config.rules),
               (as_of, snapshot_rows(table, as_of)), result, "recompute",
               _followups(ledger, table, config.rules, as_of), _rep_moves(runtime, table))
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
        table = customer_table.customer_table(runtime, as_of, config.period, config.figure_rules)
        assignment = scheme_assignment(runtime, as_of, config.schemes) if any(
            s.startswith("scheme:") for s in sources) else pd.DataFrame(
            columns=ASSIGNMENT_COLUMNS)
        step(ledger, table, assignment, config, as_of, sources, explain=opened_reasons)
        result.customers = len(table)
        _write(runtime, actor, ledger, _alerts(ledger, table, config.rules), None, result,
               "recompute.refresh", _followups(ledger, table, config.rules, as_of),
               _rep_moves(runtime, table, sources))
    result.seconds["total"] = time.perf_counter() - began
    return result


def refresh_after_change(runtime: Runtime, actor: Actor, sources: set[str]) -> None:
    """:func:`refresh_sources` after a scheme or rule was saved (the change itself is
    committed already: a failure is logged and leaves the memberships to the next run)."""
    try:
        refresh_sources(runtime, actor, sources)
    except Exception:  # noqa: BLE001 - the change itself is saved
        log.exception("memberships of %s not refreshed", sorted(sources))


__all__ = ["BACKFILL_MONTHS", "RecomputeResult", "month_ends", "refresh_after_change",
           "refresh_sources", "run_recompute", "today_for"]
