"""The scheduler's lease and the runs of its jobs (reads and writes; never commits).

The lease is one row per name: taking it is one UPDATE that succeeds only when the row is
held by the caller or has expired (re-checked by the database under its row lock, so two
processes can never both succeed), or the INSERT of a missing row (the primary key refuses
the second). A run is claimed by inserting its (job, slot) row: the unique key refuses a
second claim of the same slot, whoever makes it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dashboard.models import ScheduledRun, SchedulerLease

RUN_COLUMNS = ["job", "slot", "holder", "started_at", "finished_at", "outcome", "detail"]


def take_lease(session: Session, name: str, holder: str, now: dt.datetime,
               expires_at: dt.datetime) -> bool:
    """Take or renew the lease ``name`` for ``holder`` until ``expires_at``; False when
    another holder has it and it has not expired."""
    lease = SchedulerLease
    done = session.execute(
        update(lease).where(lease.name == name,
                            (lease.holder == holder) | (lease.expires_at < now))
        .values(holder=holder, acquired_at=now, expires_at=expires_at)
        .execution_options(synchronize_session=False))
    if done.rowcount:
        return True
    if session.execute(select(lease.name).where(lease.name == name)).first() is not None:
        return False
    try:
        with session.begin_nested():
            session.execute(insert(lease).values(name=name, holder=holder, acquired_at=now,
                                                 expires_at=expires_at))
    except IntegrityError:
        return False
    return True


def release_lease(session: Session, name: str, holder: str) -> None:
    """Give the lease back (only its holder can)."""
    session.execute(delete(SchedulerLease).where(SchedulerLease.name == name,
                                                 SchedulerLease.holder == holder))


def get_lease(session: Session, name: str) -> tuple[str, dt.datetime] | None:
    """(holder, expires_at) of the lease, or None."""
    row = session.execute(select(SchedulerLease.holder, SchedulerLease.expires_at)
                          .where(SchedulerLease.name == name)).first()
    return None if row is None else (str(row[0]), row[1])


def claim_run(session: Session, job: str, slot: str, holder: str, now: dt.datetime) -> int | None:
    """Insert the run of ``job`` for ``slot``; its id, or None when that slot ran already
    (or is running elsewhere)."""
    try:
        with session.begin_nested():
            return int(session.execute(
                insert(ScheduledRun).values(job=job, slot=slot, holder=holder, started_at=now,
                                            outcome="running", detail={})
                .returning(ScheduledRun.id)).scalar_one())
    except IntegrityError:
        return None


def finish_run(session: Session, run_id: int, outcome: str, detail: dict[str, Any],
               now: dt.datetime) -> None:
    session.execute(update(ScheduledRun).where(ScheduledRun.id == run_id)
                    .values(outcome=outcome, detail=detail, finished_at=now))


def has_run(session: Session, job: str, slot: str) -> bool:
    return session.execute(select(ScheduledRun.id).where(
        ScheduledRun.job == job, ScheduledRun.slot == slot)).first() is not None


def load_last_runs(session: Session) -> pd.DataFrame:
    """The latest run of every job (``RUN_COLUMNS``)."""
    latest = (select(ScheduledRun.job, func.max(ScheduledRun.id).label("id"))
              .group_by(ScheduledRun.job).subquery())
    rows = session.execute(
        select(*(getattr(ScheduledRun, c) for c in RUN_COLUMNS))
        .join(latest, latest.c.id == ScheduledRun.id)).all()
    return pd.DataFrame([tuple(r) for r in rows], columns=RUN_COLUMNS)


def load_runs(session: Session, job: str | None = None, limit: int = 100) -> pd.DataFrame:
    """The latest runs, newest first (``RUN_COLUMNS``)."""
    stmt = select(*(getattr(ScheduledRun, c) for c in RUN_COLUMNS)).order_by(
        ScheduledRun.id.desc()).limit(limit)
    if job is not None:
        stmt = stmt.where(ScheduledRun.job == job)
    return pd.DataFrame([tuple(r) for r in session.execute(stmt).all()], columns=RUN_COLUMNS)


def prune_runs(session: Session, job: str, before: dt.datetime) -> int:
    """Forget the runs of ``job`` started before ``before`` (frequent jobs keep a few days)."""
    return int(session.execute(delete(ScheduledRun).where(
        ScheduledRun.job == job, ScheduledRun.started_at < before)).rowcount or 0)


__all__ = ["RUN_COLUMNS", "claim_run", "finish_run", "get_lease", "has_run", "load_last_runs",
           "load_runs", "prune_runs", "release_lease", "take_lease"]
